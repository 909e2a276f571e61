"""Who said a figure: people mentioned in an article, and the speaker of a sentence.

Known people and their spellings come from `data/reference/people.csv` (canonical name, aliases,
role), so "Nasir Abdulmuhsin" and "Naseer Abdul Mohsen" are one person. People not in that file
are found by the cues of news copy (a title before a capitalised name, "X said", "according to
X") and keep the fullest form of their name seen in the article.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from etl import cues
from etl.figures import REFERENCE
from etl.text import Sentence

PEOPLE_CSV = REFERENCE / "people.csv"
_CONTROL_CHAR = re.compile(r"[\x00-\x1f\x7f]")

_TITLES = (
    "President|Vice President|Prime Minister|Deputy Prime Minister|Foreign Minister|Minister|"
    "Ambassador|Governor|Mr|Mrs|Ms|Dr|Chairman|Chairwoman|Chairperson|CEO|Director|Spokesman|Spokeswoman|"
    "Spokesperson|Secretary|Deputy|King|Prince|Crown Prince|Sheikh|Envoy|Chief|Head|Senator|"
    "Chancellor|Emir|Sultan|Consul|Consul General|Commissioner|Mayor|Speaker|Professor|Prof|General"
)
ROLE_NOUNS = (
    "ambassador|minister|president|official|governor|envoy|spokesman|spokeswoman|spokesperson|"
    "diplomat|chairman|chairwoman|head|chief|deputy|secretary|premier|ceo|director|executive|"
    "mayor|emir|king|prince|commissioner|consul|economist|analyst|trader|representative|chairperson"
)
# Organisation words: a capitalised run holding one of these is not a person's name.
_ORG_WORDS = frozenset(
    """Ministry Chamber Commerce Organization Organisation Company Bank Council Agency University
    Province Republic Union Nations Party Forces Steel News Fund Corporation Group Committee
    Authority Office Association Institute Industries Industry Mines Mining Agriculture Trade
    Development Customs Administration Department Government State States Kingdom Emirates
    Islamic Gulf Mobilization Regime Assembly Parliament Majlis Court Ltd Inc Co Corp Shia Sunni
    Muslim Muslims Imam Prophet Monday Tuesday Wednesday Thursday Friday Saturday Sunday January
    February March April May June July August September October November December The This
    That These Those Iranian Iraqi Western Eastern Northern Southern Arab Persian Middle East
    Economy Economic Affairs Finance Investment Promotion Integration Planning Energy Oil Petroleum
    Transport Communications Communication Information Technology Foreign Interior Defence Defense
    Health Culture Tourism Labour Labor Welfare Services Infrastructure Roads Housing Water Power
    Statistics Statistical Exporters Importers Business Council Bureau Federation Board Centre Center
    Port Ports Free Zone Railway Railways Airlines Airways Media Times Press Radio Commission
    Secretariat Embassy Consulate Exchange Treasury Presidency Cabinet Road Corridor Ministers
    Enterprise Enterprises Trading Holding Holdings Industries Partners Diplomacy Relations Cooperation
    Security Justice Education Science Environment Climate Digital Innovation Trade""".split()
)
# Capitalised words that open a sentence or clause, not names: "Meanwhile John Smith said".
_OPENERS = frozenset(
    """Meanwhile However But And Also On In At During After Before Since Earlier Later Separately
    Speaking Yesterday Today Tomorrow Last Next Still Yet Moreover Furthermore Elsewhere Instead
    Overall Currently Now Then Despite Although While When Where As According Addressing
    Highlighting Referring Noting Citing Asked Both Each Every Several Many Mr Mrs Ms""".split()
) | frozenset(
    # ... and words that stand for people without naming anyone: "Officials said", "They said".
    """I We You He She It They Our Their His Her Its This That These Those Some Most Others All
    Officials Analysts Traders Experts Economists Diplomats Sources Authorities Observers Merchants
    Businessmen Businesspeople Farmers Producers Residents Lawmakers Legislators Leaders Critics
    Investors Bankers Industrialists Executives Participants Reporters Journalists Witnesses
    Spokespeople Negotiators Delegates Representatives Insiders Estimates Figures Data""".split()
)
_SPEECH = (
    r"said|says|say|told|tells|noted|notes|added|adds|stated|states|announced|announces|declared|"
    r"stressed|stresses|emphasi[sz]ed|emphasi[sz]es|highlighted|highlights|mentioned|mentions|"
    r"explained|explains|remarked|acknowledged|acknowledges|described|pointed out|points out|"
    r"underlined|underscored|affirmed|confirmed|revealed|estimated|asserted|argued|insisted|"
    r"claimed|observed|commented|welcomed|urged|proposed|reiterated|expressed|hoped|predicted|"
    r"forecast|projected|wrote|put it|continued|went on|saying|put the figure|puts the figure|told reporters|"
    r"put the value|puts the value"
)


_NOT_WORD = re.compile(r"\W")


def _speech_verb_tree() -> str:
    """The speech verbs of _SPEECH as one tree of their letters (see etl.cues.alternation), for
    _SPEECH_RE, which every figure's sentence and its neighbours are scanned with: about twice as
    fast as the alternation. Followed by \b, the tree finds what the alternation finds
    (tests/test_etl_fast_patterns.py compares them): where one verb extends another the longer is
    tried first, which the alternation also ends up matching when a letter follows the shorter
    ("saying" after "say"); a verb listed after a shorter one it extends with a space ("told
    reporters" after "told") never matched there, and is left out."""
    verbs: list[str] = []
    for verb in _SPEECH.split("|"):
        spellings = [verb.replace("[sz]", "s"), verb.replace("[sz]", "z")] if "[sz]" in verb else [verb]
        for spelling in spellings:
            shadowed = any(
                len(spelling) > len(v) and spelling.startswith(v) and _NOT_WORD.match(spelling, len(v))
                for v in verbs
            )
            if not shadowed and spelling not in verbs:
                verbs.append(spelling)
    tree: dict = {}
    for verb in verbs:
        node = tree
        for ch in verb:
            node = node.setdefault(re.escape(ch), {})
        node[""] = {}
    return cues.tree_branches(tree)


_SPEECH_RE = re.compile(rf"\b(?:{_speech_verb_tree()})\b")
_SPEAKING_AFTER = re.compile(rf"\s*(?:,[^,]{{0,60}},\s*|,\s*)?(?:(?:has|had|have)\s+)?(?:{_SPEECH})\b")
_SPEAKING_BEFORE = re.compile(rf"(?:\b(?:{_SPEECH})|according to)\s+$")
# Between "said" and a name: capitalised words (a title, a place), "of"/"in"/"to"/"the" within a
# title, and at most one comma before the name.
_TITLE_ON_THE_WAY = re.compile(r"(?:\s++(?:[A-Z][\w.’']*+|of|in|to|for|the|and))*+,?\s++")
_SAID_BEFORE = re.compile(rf"\b(?:{_SPEECH})\s+$")
_APPOSED_AFTER = re.compile(rf",\s+(?:[\w’']+\s+){{0,5}}(?:{ROLE_NOUNS})\b", re.IGNORECASE)
# Same matches as r"\baccording to\b" under re.IGNORECASE, opening with the plain class of its
# first letter (IGNORECASE folds nothing else to a) so that re skips to candidates in C.
_ACCORDING = re.compile(r"[aA](?<=\b.)(?i:ccording to)\b")
_ROLE_REF = re.compile(
    rf"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:[A-Z][A-Za-z]+\s+|top\s+|senior\s+|former\s+)*(?P<role>{ROLE_NOUNS})\b"
    r"|\b(?P<pron>[Hh]e|[Ss]he)\b"
)
# A run of capitalised words, maybe with "al-" before it. Written to open with a plain character
# class, so that Python's re skips ahead in C to the next capital (or a, e) instead of trying the
# whole pattern at every character: the same matches as "(?<![\w’'-])(?:(?:al|el)-)?[A-Z]...".
_NAME_RUN = re.compile(
    r"[A-Zae](?<![\w’'-].)(?:(?<=[ae])l-[A-Z]|(?<=[A-Z]))[\w’'\-]*"
    r"(?:\s+(?:(?:al|el|bin|ibn|bint|de|van|von|da|di)[\s-])?[A-Z][\w’'\-]*)*"
)
# The runs of _NAME_RUN that open with a capital: its class without a and e (the commonest letters
# of English) lets re skip far more of the text. _name_runs finds those opening with "al-"/"el-"
# apart, at each "l-".
_CAPITAL_RUN = re.compile(
    r"[A-Z](?<![\w’'-].)[\w’'\-]*"
    r"(?:\s+(?:(?:al|el|bin|ibn|bint|de|van|von|da|di)[\s-])?[A-Z][\w’'\-]*)*"
)


def _name_runs(text: str) -> Iterator[re.Match[str]]:
    """What `_NAME_RUN.finditer(text)` finds: at each step the first run from `_CAPITAL_RUN` or the
    first opening with "al-"/"el-" before it, whichever starts first. Each stretch of text is
    searched once (a capital run found ahead is kept until a match passes it)."""
    pos, n = 0, len(text)
    capital = _CAPITAL_RUN.search(text)
    while pos < n:
        if capital is not None and capital.start() < pos:
            capital = _CAPITAL_RUN.search(text, pos)
        limit = capital.start() if capital is not None else n
        found = capital
        i = text.find("l-", pos + 1, limit + 2)  # an "al-"/"el-" run starting in [pos, limit)
        while i != -1:
            if text[i - 1] in "ae" and (particle := _NAME_RUN.match(text, i - 1)) is not None:
                found = particle
                break
            i = text.find("l-", i + 1, limit + 2)
        if found is None:
            return
        yield found
        pos = found.end()


_ROLE_TITLE_BEFORE = re.compile(
    rf"\b((?:{_TITLES})\.?\s+(?:(?:of|to|in|for)\s+(?:the\s+)?[A-Z][\w’']*)?)[\s,]*(?:(?:al|el)-)?$"
)
_ROLE_AFTER = re.compile(rf",\s+((?:[\w’']+\s+){{0,4}}(?:{ROLE_NOUNS})\b[^,]*)", re.IGNORECASE)
_TITLE_IN_PLACE = re.compile(rf"\b(?:{_TITLES})\s+(?:in|of|to|for|at)\s+(?:the\s+)?$")
_TITLE_BEFORE = re.compile(
    rf"(?:\b(?:{_TITLES})\.?\s+(?:(?:of|to|in|for)\s+(?:the\s+)?[A-Z][\w’']*\s+)?(?:(?:al|el)-)?)$"
)
# "... Minister of Economic Affairs and Finance, Ali Asghar Nouri": a role, a comma, then the name.
_ROLE_THEN_NAME = re.compile(rf"\b(?:{_TITLES}|{ROLE_NOUNS})\b[^.;“”,]{{0,70}},\s*$", re.IGNORECASE)
# "traders in Peshawar said": a lone capitalised word right after in/at/near is a place. (After
# "from" it may well be a person: "a statement from Erdogan said".)
_PLACE_BEFORE = re.compile(
    r"\b(?:in|at|near)\s+(?:the\s+)?(?:(?:downtown|northern|southern|eastern|western|central)\s+)*$"
)
_TITLE_WORDS = frozenset(w for t in _TITLES.split("|") for w in t.split())
# Where a title word starts; a title can precede a name only where one starts shortly before it.
# (Opens with a plain class for the same reason as _NAME_RUN.)
_TITLE_WORD = re.compile(r"[A-Z](?<=\b(?=(?:" + "|".join(sorted(_TITLE_WORDS)) + r")\b).)")
# The last two letters of every speech verb: "said X" needs the words before X to end so.
_SPEECH_ENDINGS = tuple(sorted({alt[-2:] for alt in _SPEECH.split("|")}))
assert all(e.isalpha() for e in _SPEECH_ENDINGS), "each speech verb must end in two letters"


@dataclass(frozen=True)
class Person:
    name: str
    role: str = ""
    aliases: tuple[str, ...] = ()


# A NamedTuple, not a frozen dataclass, as text.Span: cheaper to make, as many as an article names.
class PersonMention(NamedTuple):
    start: int
    end: int
    name: str  # canonical
    role: str


@dataclass(frozen=True)
class PeopleIndex:
    people: tuple[Person, ...]
    by_alias: dict[str, Person] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    @staticmethod
    def build(people: list[Person]) -> PeopleIndex:
        by_alias: dict[str, Person] = {}
        for p in people:
            for alias in (p.name, *p.aliases):
                by_alias.setdefault(alias, p)
        words = sorted(by_alias, key=len, reverse=True)
        if not words:
            return PeopleIndex(tuple(people), by_alias, None)
        # The match is one character, an alias's first, where the alias (the group) starts at a
        # word boundary: opening with a plain class lets Python's re jump between candidates in C
        # rather than try every alias at every character. Matches may overlap; see people_in.
        firsts = "".join(sorted({re.escape(w[0]) for w in words}))
        alias = "|".join(map(re.escape, words))
        pattern = re.compile(rf"[{firsts}](?<=\b(?=(?P<alias>{alias})\b).)")
        return PeopleIndex(tuple(people), by_alias, pattern)


def read_people(path: Path = PEOPLE_CSV) -> list[Person]:
    """Rows of people.csv, or ValueError naming the file (and line) and what is wrong with it."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"{path}: people file not found") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: is a folder, not a people CSV file") from None
    except OSError as e:
        raise ValueError(f"{path}: cannot be read ({e.strerror})") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: is not UTF-8 text (invalid byte at position {e.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = {"name", "aliases", "role"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        people = []
        for line, row in enumerate(reader, start=2):
            if None in row:
                raise ValueError(f"{path}, line {line}: more cells than columns")
            if any(_CONTROL_CHAR.search(v) for v in row.values() if v):
                raise ValueError(f"{path}, line {line}: a cell holds a line break or control character "
                                 "(an unclosed quote?)")  # fmt: skip
            name = (row["name"] or "").strip()
            if not name:
                raise ValueError(f"{path}, line {line}: empty name")
            aliases = tuple(a.strip() for a in (row["aliases"] or "").split(";") if a.strip())
            people.append(Person(name, (row["role"] or "").strip(), aliases))
    except csv.Error as e:
        raise ValueError(f"{path}, line {reader.line_num}: is not a well-formed CSV ({e})") from None
    return people


@cache
def default_people() -> PeopleIndex:
    return PeopleIndex.build(read_people())


def _is_multiword(alias: str) -> bool:
    return len(alias.split()) > 1


def aliases_in(text: str, index: PeopleIndex) -> list[tuple[int, int, Person]]:
    """(start, end, person) of every alias of a known person, as a left-to-right search finds
    them: the longest alias at each place, none inside another."""
    hits: list[tuple[int, int, Person]] = []
    if index.pattern is not None:
        for m in index.pattern.finditer(text):
            s, e = m.span("alias")
            if not hits or s >= hits[-1][1]:
                hits.append((s, e, index.by_alias[m.group("alias")]))
    return hits


# A possessive, "-based", or two capitalised words joined by a hyphen ("Saudi-Chinese"): not a
# person's name.
_NOT_A_NAME = re.compile(r"['’]s\b|-based\b|^[A-Z][a-z]+-[A-Z][a-z]+$")


def people_in(text: str, index: PeopleIndex, countries: set[str]) -> list[PersonMention]:
    """Every mention of a person in the article, in text order, under one name per person.

    A one-word alias of a known person ("Abdullah") only counts where a longer form of that
    person's name also appears in the article, so a common surname elsewhere is not misread.
    """
    mentions: list[PersonMention] = []
    if index.pattern is not None:
        hits = aliases_in(text, index)
        present = {p.name for s, e, p in hits if _is_multiword(text[s:e])}
        for s, e, p in hits:
            if _is_multiword(text[s:e]) or p.name in present:
                mentions.append(PersonMention(s, e, p.name, p.role))
    taken = sorted((m.start, m.end) for m in mentions)
    taken_starts = [t[0] for t in taken]
    by_suffix: dict[tuple[str, ...], tuple[str, str]] = {}  # surname(s) -> (name, role)
    for m in _name_runs(text):
        ms, me = m.span()
        i = bisect.bisect_left(taken_starts, me)
        if i and taken[i - 1][1] > ms:
            continue  # already a known person's alias
        tokens = m.group().split()
        if len(tokens) == 1:
            # Most runs are one capitalised word; the checks below, for one word and done first.
            word = tokens[0]
            if (
                word in _TITLE_WORDS
                or word in countries
                or word in _OPENERS
                or word.strip("’'") in _ORG_WORDS
                or (word.isupper() and len(word) > 1)
            ):
                continue
            last_title, words = -1, tokens
        else:
            # "Turkish Trade Minister Omer Bolat": the name is what follows the last title word.
            last_title = max((i for i, t in enumerate(tokens) if t in _TITLE_WORDS), default=-1)
            words = tokens[last_title + 1 :]
            if " ".join(words) in countries:
                continue  # "Saudi Arabia", though "Saudi" alone is a country word too
            named_by_body = False
            while words and (
                words[0] in countries or words[0].strip("’'") in _ORG_WORDS or words[0] in _OPENERS
            ):
                named_by_body = named_by_body or words[0].strip("’'") in _ORG_WORDS
                words = words[1:]
            if len(words) == 1 and named_by_body and last_title < 0:
                continue  # "the federal statistics Office Destatis": the body's own name
            if not words or any(
                w.strip("’'") in _ORG_WORDS or w in countries or (w.isupper() and len(w) > 1) for w in words
            ):
                continue  # organisations, places and acronyms (IRNA, IMIDRO) are not people
        if len(words) > 2 and _TITLE_IN_PLACE.search(text[max(0, ms - 40) : ms]) and words[0] == tokens[0]:
            words = words[1:]  # "Consul General in Lagos Zhou Minghua": Lagos is where, not who
            last_title = max(last_title, 0) if last_title >= 0 else -2
        name = " ".join(words)
        if _NOT_A_NAME.search(name) or name in countries:
            continue  # "Iran's", "Saudi-Chinese", "Moscow-based Rossia Segodnya", "New Delhi"
        start = me - len(name)
        key = _name_key(words)
        known = by_suffix.get(key) if key else None
        if known:
            mentions.append(PersonMention(start, me, *known))
            continue
        after = text[me : me + 90]  # room for "X, <a role of up to 60 characters>, said"
        before = text[max(0, start - 90) : start]
        said_after = bool(_SPEAKING_AFTER.match(after))
        if len(words) == 1:
            # A lone name only as "Nouri said" / "said Nouri", or after a title ("President
            # Putin"); "according to Eurostat" is a body, and most lone capitals are not names.
            if last_title < 0:
                titled_before = _title_before(text, before[-60:], start)
                if not (said_after or titled_before or _said_before(before[-30:])):
                    continue
                if not titled_before and len(name) <= 2:
                    continue
                if len(tokens) == 1 and _PLACE_BEFORE.search(before[-40:]):
                    continue  # "traders in Peshawar said", "the council in Dubai said": a place
        else:
            titled = last_title >= 0 or last_title == -2 or _TITLE_BEFORE.search(before[-60:])
            if not titled and _PLACE_BEFORE.search(before[-40:]):
                continue  # "representative in New Delhi, told": a place
            if not (
                (titled and len(words) <= 4)
                or said_after
                or _SPEAKING_BEFORE.search(before[-40:])
                or _APPOSED_AFTER.match(after)
                or _role_then_name(before)
            ):
                continue
        role = " ".join(tokens[: last_title + 1]) if last_title >= 0 else _role_near(before, after)
        for n in range(1, len(key) + 1):
            by_suffix[key[-n:]] = (name, role)
        for word in key[:-1]:  # "Zhou" of Zhou Minghua, "Montoro" of Elena Montoro Vidal
            by_suffix.setdefault((word,), (name, role))
        mentions.append(PersonMention(start, me, name, role))
    mentions.sort(key=lambda p: p.start)
    return mentions


# The three look-backs below run for most capitalised words of an article. Each first makes a
# cheap check that its pattern needs (a title word starting in the window, a speech verb's ending,
# a trailing comma), and only then searches.
def _title_before(text: str, window: str, start: int) -> bool:
    """Whether `window` (the text just before `start`) ends with a title: "President ", "Mr. "."""
    # A title word ends before the name does (a space between), so it lies within the window.
    return (
        _TITLE_WORD.search(text, start - len(window), start) is not None
        and _TITLE_BEFORE.search(window) is not None
    )


def _said_before(window: str) -> bool:
    """Whether `window` ends with a speech verb and a space: "said "."""
    tail = window.rstrip()
    return len(tail) < len(window) and tail.endswith(_SPEECH_ENDINGS) and bool(_SAID_BEFORE.search(window))


def _role_then_name(window: str) -> re.Match[str] | None:
    """ "Minister of Economic Affairs and Finance, " at the end of `window`."""
    return _ROLE_THEN_NAME.search(window) if window.rstrip().endswith(",") else None


def _surname(word: str) -> str:
    """ "al-Saadi" and "Saadi" compare equal (plain string work: this runs for every capitalised run)."""
    low = word.casefold()
    return low[3:] if low[:3] in ("al-", "el-", "al ", "el ") and len(low) > 3 else low


_PARTICLES = frozenset({"al", "el", "bin", "ibn"})


def _name_key(words: list[str]) -> tuple[str, ...]:
    """Comparable form of a name: "Al Habsi", "al-Habsi" and "Habsi" all end in ("habsi",).

    A later, shorter mention of someone already named in full ("Al Habsi", "al-Saadi",
    "Nouri") is found by looking up the tail of this key.
    """
    return tuple(_surname(w) for w in words if w.casefold() not in _PARTICLES)


def _role_near(before: str, after: str) -> str:
    m = _ROLE_TITLE_BEFORE.search(before)
    if m:
        return m.group(1).strip()
    m = _role_then_name(before)
    if m:
        return m.group(0).rstrip(", ")
    m = _ROLE_AFTER.match(after)
    return m.group(1) if m else ""


# "the envoy" is usually the ambassador named earlier; "the premier", the prime minister.
_ROLE_SYNONYMS = {
    "envoy": ("envoy", "ambassador", "consul"),
    "diplomat": ("diplomat", "ambassador", "envoy", "consul", "foreign minister"),
    "premier": ("premier", "prime minister"),
    "ceo": ("ceo", "chief executive"),
    "chief": ("chief", "ceo", "head"),
}


# How many earlier mentions a role ("the ambassador") is looked for in: news names its people
# within a few paragraphs, and a bound keeps an article of endless names linear.
_LOOK_BACK = 200


def _earlier(mentions: list[PersonMention], before: int) -> list[PersonMention]:
    """The last `_LOOK_BACK` mentions that end by `before`, in text order (found by bisection)."""
    i = bisect.bisect_left(mentions, before, key=lambda p: p.start)
    earlier = mentions[max(0, i - _LOOK_BACK) : i]
    return [p for p in earlier if p.end <= before]


def _resolve_reference(ref: re.Match[str], mentions: list[PersonMention], before: int) -> str:
    """'the ambassador' -> the last person with that role; 'he', 'the official' -> last person."""
    earlier = _earlier(mentions, before)
    role = (ref.group("role") or "").lower()
    if role and role not in ("official",):
        names = _ROLE_SYNONYMS.get(role, (role,))
        for p in reversed(earlier):
            if any(n in p.role.lower() for n in names):
                return p.name
        return ""
    return earlier[-1].name if earlier else ""


def _quoted(text: str, s: Sentence) -> bool:
    body = s.of(text)
    return body[:1] in '“"' or body.count("”") > body.count("“")


def speaker_of(
    text: str,
    sentence: Sentence,
    mentions: list[PersonMention],
    sentences: list[Sentence],
    index: int | None = None,
) -> str:
    """Canonical name of who said `sentence` (at `index` in `sentences`), or "" when the text does
    not say. `mentions` are in text order."""
    name = _attributed(text, sentence, mentions)
    if name:
        return name
    # A quotation with no attribution continues the previous speaker in the paragraph, or is
    # attributed at its end: “We will double it. The rest is ready,” Karimi told reporters.
    if _quoted(text, sentence):
        i = sentences.index(sentence) if index is None else index
        for prev in reversed(sentences[max(0, i - _LOOK_BACK) : i]):
            if prev.paragraph != sentence.paragraph:
                break
            name = _attributed(text, prev, mentions)
            if name:
                return name
        for nxt in sentences[i + 1 : i + 3]:
            if nxt.paragraph != sentence.paragraph:
                break
            if re.search(r"[”\"]", nxt.of(text)):
                name = _attributed(text, nxt, mentions)
                if name:
                    return name
    return _continued(text, sentence, mentions, sentences, index)


# A sentence naming its own source ("according to customs data", "statistics show") is not a
# person's statement, whoever spoke before it.
#
# Same matches as r"\b(?:according\s+to|data|statistics|figures\s+(?:show|released)|reported|report|
# customs|survey)\b" under re.IGNORECASE (tests/test_etl_fast_patterns.py compares them), opening
# with the class of the first letters and the one letter IGNORECASE also takes for s (ſ).
_OWN_SOURCE = re.compile(
    r"[aAdDsSfFrRcC\u017f](?<=\b.)(?i:(?<=a)ccording\s+to|(?<=d)ata|(?<=s)tatistics|(?<=f)igures\s+(?:show|released)"
    r"|(?<=r)eported|(?<=r)eport|(?<=c)ustoms|(?<=s)urvey)\b"
)
# "the Ministry announced", "the chamber said": a body speaks, so no person goes on speaking.
_BODY_SAID = re.compile(
    r"[tT](?<=\b.)(?i:he)\s+(?:[A-Z][\w’']*+\s+){0,3}"
    r"(?:Ministry|ministry|Chamber|chamber|Office|office|Government|government|Agency|agency|Council|"
    rf"council|Committee|committee|Organi[sz]ation|organi[sz]ation|Embassy|embassy)\s+(?:{_SPEECH})\b"
)
_PRONOUN_SAID = re.compile(rf"^\W*(?:[Hh]e|[Ss]he)\s+(?:also\s+)?(?:{_SPEECH})\b")


def _continued(
    text: str, sentence: Sentence, mentions: list[PersonMention], sentences: list[Sentence], index: int | None
) -> str:
    """Who a sentence that names no speaker goes on from: the speaker of one of the two sentences
    before it in its paragraph, else of the next sentence when that one opens "He said"."""
    if _OWN_SOURCE.search(text, sentence.start, sentence.end) or _BODY_SAID.search(
        text, sentence.start, sentence.end
    ):
        return ""  # its own source ("the Ministry announced"), though not a person
    i = sentences.index(sentence) if index is None else index
    for prev in reversed(sentences[max(0, i - 2) : i]):
        if prev.paragraph != sentence.paragraph:
            break  # a new paragraph of plain facts is the writer's, not the last speaker's
        name = _attributed(text, prev, mentions)
        if name:
            return name
        if _OWN_SOURCE.search(text, prev.start, prev.end):
            break  # the sentence before quotes data: what follows goes on from it, not from a person
    for nxt in sentences[i + 1 : i + 3]:
        if nxt.paragraph == sentence.paragraph and _PRONOUN_SAID.search(nxt.of(text)):
            return _attributed(text, nxt, mentions)
    # A lead that paraphrases someone named just after it: "Iran's exports to Iraq reached $2.5bn in
    # 100 days. / Hamid Hosseini, a member of the chamber, said ..."
    if sentence.paragraph <= 1 and not _quoted(text, sentence) and not _names_someone(sentence, mentions):
        for nxt in sentences[i + 1 : i + 3]:
            if nxt.paragraph - sentence.paragraph > 1:
                break
            name = _attributed(text, nxt, mentions)
            if name:
                return name
    return ""


def _names_someone(s: Sentence, mentions: list[PersonMention]) -> bool:
    first = bisect.bisect_left(mentions, s.start, key=lambda p: p.start)
    return first < len(mentions) and mentions[first].start < s.end


def _apposition(text: str, name_end: int, verb_start: int) -> bool:
    """'X, Iraq's envoy to Iran, said': a short comma-fenced phrase between name and verb."""
    between = text[name_end:verb_start]
    return len(between) < 160 and between.startswith(",") and between.rstrip().endswith(",")


def _attributed(text: str, s: Sentence, mentions: list[PersonMention]) -> str:
    first = bisect.bisect_left(mentions, s.start, key=lambda p: p.start)
    last = bisect.bisect_left(mentions, s.end, key=lambda p: p.start)
    inside = mentions[first:last]
    body = s.of(text)
    m = _ACCORDING.search(body)
    if m:
        after = s.start + m.end()
        named = [p for p in inside if p.start >= after]
        if named and named[0].start - after < 80:
            return named[0].name
        ref = _ROLE_REF.search(text, after, min(s.end, after + 40))
        if ref:
            return _resolve_reference(ref, mentions, s.start)
    for v in _SPEECH_RE.finditer(body):
        vs, ve = s.start + v.start(), s.start + v.end()
        # "Hassanzadeh told", "the ambassador added", "he noted", "X, Iraq's envoy, said"
        near = [p for p in inside if 0 <= vs - p.end <= 3 or _apposition(text, p.end, vs)]
        if near:
            return near[-1].name
        window = text[max(s.start, vs - 40) : vs]
        refs = list(_ROLE_REF.finditer(window))
        if refs and len(window) - refs[-1].end() <= 3:
            return _resolve_reference(refs[-1], mentions, s.start)
        # "said Hassanzadeh", "said the ambassador"
        # ... and "said Russia's Ambassador in Ankara, Andrey Karlov": a title on the way
        named_after = [
            p for p in inside if 0 <= p.start - ve <= 80 and _TITLE_ON_THE_WAY.fullmatch(text, ve, p.start)
        ]
        if named_after:
            return named_after[0].name
        ref = _ROLE_REF.match(text, ve + 1) if ve < s.end else None
        if ref:
            return _resolve_reference(ref, mentions, s.start)
        # The sentence's subject: "Ambassador Abdul Mohsen described ... and acknowledged ..."
        subject = [p for p in inside if p.end <= vs]
        if subject:
            return subject[0].name
        ref = _ROLE_REF.match(body)
        if ref:
            return _resolve_reference(ref, mentions, s.start)
    return ""
