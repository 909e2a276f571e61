"""Rules that turn an article's text into claims: every trade figure, with its sentence.

The rules read like a careful analyst would: a money figure is a claim only when its clause is
about trade between countries (not investment, loans or budgets); a target is a figure stated as
an aim ("aims to", "goal", "should reach", "can be raised to"); a one-way flow names its exporter
and importer ("Iraq's exports to Iran", "imports from Iran"); a percentage is a claim only as a
share of a country's imports or of an export flow. Pure Python, no I/O: `extract` takes a string.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import re
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from etl import cues
from etl.contract import (
    APPROX,
    CATEGORY_SHARE,
    EXPORTS,
    FORECAST,
    GOAL,
    IMPORT_SHARE,
    LOWER_BOUND,
    TRADE_TARGET,
    TRADE_VOLUME,
    UPPER_BOUND,
    CategoryRow,
    Claim,
    Extraction,
    Skipped,
)
from etl.dates import ArticleDate, article_date
from etl.figures import Figure, find_money, find_percent, words_at_stems
from etl.people import PeopleIndex, PersonMention, default_people, people_in, speaker_of
from etl.periods import (
    NEXT_TO,
    NO_PERIOD,
    PeriodContext,
    PeriodPhrase,
    Resolved,
    as_written,
    find_periods,
    in_period_before,
    iranian_context,
    nearest,
    resolve,
    written_in,
    year_only_relative,
)
from etl.places import CountryMention, country_index, main_pair
from etl.text import Sentence, clause_around, clause_breaks, dateline_end, paragraphs, sentences
from etl.text_tables import PipeCell, pipe_cells, table_cells

# --- cue words (data/reference/cues.yml) ---------------------------------------------------------
_CUES = cues.build()
_TRADE = _CUES["trade"]
_NOT_TRADE_MONEY = _CUES["not_trade_money"]
_TARGET_NOUN = _CUES["target_noun"]
_TARGET_MODAL = _CUES["target_modal"]
_WORLD_TRADE = _CUES["world_trade"]
# "trade with the Eurasian Economic Union", "between Iran and the European Union": a partner that
# is not a country. Checked against the country index before the figure is kept.
_PARTNER = re.compile(
    r"\b(?:trade\s+with|between(?:\s+\w+){1,3}\s+and)\s+(?:the\s+)?(?P<name>[A-Z][\w’'-]*(?:\s+(?:of\s+)?[A-Z][\w’'-]*)*)"
)
_BILATERAL = _CUES["bilateral"]
_ANAPHORA = _CUES["anaphora"]
_FLOW_WORD = _CUES["flow_word"]
_PARTNER_WORDS = _CUES["partner_words"]
_SHARE_VERB = _CUES["share_verb"]
_QUALIFIER_BEFORE = [
    (APPROX, _CUES["approx_before"]),
    (LOWER_BOUND, _CUES["lower_bound_before"]),
    (UPPER_BOUND, _CUES["upper_bound_before"]),
]
_QUALIFIER_AFTER = [
    (LOWER_BOUND, re.compile(r"^(?:-plus|\+|\s+or\s+more|\s+and\s+above|\s+plus)\b", re.IGNORECASE)),
    (UPPER_BOUND, re.compile(r"^\s+or\s+(?:less|fewer)\b", re.IGNORECASE)),
    (APPROX, re.compile(r"^\s+or\s+so\b", re.IGNORECASE)),
]
_SCOPE = _CUES["scope"]
_SCOPE_WORDS = cues.scope_words()
_SCOPE_TOPICS = _CUES["scope_topic"]
_JOINED_PAIR = re.compile(r"\s*(?:and|,|-|–|—|&|with)\s*|\s*['’]s\s+\w+\s+with\s+")
_SUBJECT_GAP = re.compile(r"(?:['’]s)?(?:\s+[a-z][\w-]*){0,3}\s+")
_PLAIN_GAP = re.compile(
    r"(?:[\w\s’'&$€£¥.-]|(?<=\d),(?=\d))*"
)  # no clause punctuation (a number's comma is fine)
# "to Iraq", "to neighbouring Iraq", "from the Islamic Republic of": a partner after a flow word.
_FROM_END = re.compile(
    r"\b(?:from|of)\s+(?:the\s+)?(?:(?:neighbou?ring|fellow|brotherly|friendly|mainland)\s+)?$"
)
_TO_END = re.compile(
    r"\b(?:to|into)\s+(?:the\s+)?(?:(?:neighbou?ring|fellow|brotherly|friendly|mainland)\s+)?$"
)
# Runs over every article with a colon: opens with a plain class of its first letters (with the
# letters IGNORECASE also takes for s and i: ſ, İ, ı), so that Python's re skips to candidates in
# C (see etl/figures.py). Same matches as r"\b(?:categor(?:y|ies)|groups?|sectors|items|
# product\s+groups|types)\s*:\s*" under re.IGNORECASE.
_LIST_INTRO = re.compile(
    r"[cCgGsSiIpPtT\u017f\u0130\u0131](?<=\b.)(?i:(?<=c)ategor(?:y|ies)|(?<=g)roups?|(?<=s)ectors|"
    r"(?<=i)tems|(?<=p)roduct\s+groups|(?<=t)ypes)\s*:\s*"
)
# The longest words of _LIST_INTRO without a space in them, and "product" before "groups".
_LIST_WORD_CHARS, _PRODUCT_CHARS = len("categories"), len("product")


def _list_intros(text: str, cut: int, limit: int) -> list[re.Match[str]]:
    """The first `limit` matches of `_LIST_INTRO.finditer(text, 0, cut)`, found from the colons:
    each match holds one colon, with its word just before it, so the pattern is tried only in the
    few characters around each colon rather than scanned over the whole article. Every stretch of
    text is read a bounded number of times (the windows of two colons do not overlap)."""
    out: list[re.Match[str]] = []
    floor = 0  # a match for the next colon starts here or after: past the colon before
    colon = text.find(":", 0, cut)
    while colon != -1 and len(out) < limit:
        # The word ends where the white space before the colon starts; "product groups" may
        # have white space in it too.
        word_end = floor + len(text[floor:colon].rstrip())
        product_end = floor + len(text[floor : max(floor, word_end - len("groups"))].rstrip())
        start = max(floor, min(word_end - _LIST_WORD_CHARS, product_end - _PRODUCT_CHARS))
        end = _SPACES.match(text, colon + 1, cut).end()
        m = _LIST_INTRO.search(text, start, end)
        if m is not None:
            out.append(m)
        floor = m.end() if m is not None else colon + 1
        colon = text.find(":", colon + 1, cut)
    return out


_SPACES = re.compile(r"\s*")
_VAGUE_SUBJECT = re.compile(
    r"^(?:these|those|they|it|which|the\s+(?:products|goods|exports|imports|items|categories))\b",
    re.IGNORECASE,
)


# --- case-blind search, fast ---------------------------------------------------------------------
# Under re.IGNORECASE Python's re compares every character through its lower-case form and gives
# up its shortcut of skipping alternatives by their first letter, which makes the cue patterns
# above several times slower. So each is also compiled as a plain twin, run on the lower-cased
# article. The two find the same spans when lower-casing keeps every offset and maps each
# character to what IGNORECASE compares it as. lower() does so for every character but three:
# ſ, ı and İ, which IGNORECASE matches to s, i and i, so `_folded` maps them so first. (Should
# lower() ever lengthen another character, the original pattern runs on the original text.) Groups read from a match (a flow word, a scope
# word) are only ever compared case-blind. tests/test_etl_fast_patterns.py compares the two.
def _plain_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    assert pattern.flags & re.IGNORECASE and "(?-i" not in pattern.pattern, pattern.pattern
    assert all(name.islower() for name in pattern.groupindex), pattern.groupindex
    # Upper-case letters become lower-case ("GDP" becomes "gdp", "[A-Z]" becomes "[a-z]"); escapes
    # (\S, \W) and the P of "(?P<name>" stay as they are.
    source = re.sub(
        r"\\.|\(\?P|[A-Z]", lambda m: m.group().lower() if len(m.group()) == 1 else m.group(), pattern.pattern
    )
    return re.compile(source, pattern.flags & ~re.IGNORECASE)


_FOLD_AS_IGNORECASE = str.maketrans({"ſ": "s", "ı": "i", "İ": "i"})


def _folded(text: str) -> str | None:
    """`text` lower-cased, as IGNORECASE compares it, with every offset kept; None if it cannot be."""
    if "ſ" in text or "ı" in text or "İ" in text:  # str.translate is slow: only when needed
        text = text.translate(_FOLD_AS_IGNORECASE)
    low = text.lower()
    return low if len(low) == len(text) else None


# "Japan was Australia's second largest two-way trade partner ($58.9 billion)": a partner's rank
# in a country's trade, with the pair's trade in brackets right after it.
_RANKED_PARTNER = re.compile(r"\btrad(?:e|ing)\s+partner\s*\(", re.IGNORECASE)


# Keyed by id(): hashing a compiled pattern hashes its whole compiled program (microseconds for
# a cue list), and the rules ask for a twin some eighty times an article. Each entry holds the
# pattern itself too, so the id stays its own for good.
_TWINS: dict[int, tuple[re.Pattern[str], re.Pattern[str]]] = {
    id(p): (p, _plain_twin(p))
    for p in (
        _TRADE, _NOT_TRADE_MONEY, _TARGET_NOUN, _TARGET_MODAL, _WORLD_TRADE, _BILATERAL, _ANAPHORA,
        _FLOW_WORD, _SHARE_VERB, _SCOPE, _RANKED_PARTNER, *(q for _, q in _QUALIFIER_BEFORE),
        *(q for _, q in _QUALIFIER_AFTER),
    )
}  # fmt: skip


@dataclass
class _Article:
    """What the rules need to know about one article while they work through its figures."""

    article_id: str
    text: str
    sentences: list[Sentence]
    starts: list[int]
    countries: list[CountryMention]
    main: tuple[str, ...]
    people: list[PersonMention] | None
    people_index: PeopleIndex
    paragraph_starts: list[int]
    country_starts: list[int] = field(default_factory=list)
    # Where cue patterns search: the text lower-cased when that is safe (see _folded), else the text.
    cue_text: str = ""
    folded: bool = False
    # (id of a cue pattern, sentence start) -> its matches there (by id: see _TWINS)
    _spans: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)
    _periods: dict[int, list[PeriodPhrase]] = field(default_factory=dict)
    _speakers: dict[int, str] = field(default_factory=dict)  # sentence start -> who said it
    _clauses: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # sentence start -> breaks
    _flows: dict[tuple[int, int], list[_Flow]] = field(default_factory=dict)  # span -> flows in it
    _half_flows: dict[tuple[int, int], list[_Flow]] = field(default_factory=dict)  # span -> one-sided flows
    # span -> flow words a place that is no country owns ("Bali's exports")
    _place_flows: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)
    _pairs: dict[int, tuple[str, str] | None] = field(default_factory=dict)  # sentence start -> its pair
    _owners: dict[int, str] = field(default_factory=dict)  # sentence start -> its pair's ranking owner
    money_ends: list[int] = field(default_factory=list)  # where each money figure ends, in order
    percents: list[Figure] = field(default_factory=list)  # the percentages, in order
    percent_starts: list[int] = field(default_factory=list)
    published: datetime.date | None = None  # the article's date: relative periods are read against it
    last_span: tuple[PeriodPhrase | None, Resolved] | None = None  # the last figure's span, for "this period"
    iranian: bool = False  # the article's opening is in an Iranian context (its years may be Iranian)

    def first_percent(self, lo: int, hi: int) -> Figure | None:
        """The first percentage starting in [lo, hi), if any."""
        i = bisect.bisect_left(self.percent_starts, lo)
        return self.percents[i] if i < len(self.percents) and self.percents[i].start < hi else None

    def money_end_before(self, pos: int) -> int:
        """Where the last money figure ending at or before `pos` ends (0 if none)."""
        i = bisect.bisect_right(self.money_ends, pos)
        return self.money_ends[i - 1] if i else 0

    _mentions_trade: bool | None = None
    unread: set[int] = field(default_factory=set)  # starts of sentences skipped by the work guards

    @property
    def mentions_trade(self) -> bool:
        """Whether the article talks about trade anywhere (read once, when first asked)."""
        if self._mentions_trade is None:
            self._mentions_trade = self.cue(_TRADE).search(self.cue_text) is not None
        return self._mentions_trade

    def readable_sentence(self, pos: int) -> Sentence | None:
        """The sentence holding `pos`, unless the work guards skipped it."""
        s = self.sentence_at(pos)
        return None if s is None or s.start in self.unread else s

    def index_of(self, s: Sentence) -> int:
        """Position of `s` in `sentences` (a bisect, not a scan)."""
        return bisect.bisect_left(self.starts, s.start)

    def clause(self, s: Sentence, pos: int) -> tuple[int, int]:
        """The clause of `s` holding offset `pos`; the sentence's clause breaks are found once."""
        breaks = self._clauses.get(s.start)
        if breaks is None:
            breaks = self._clauses[s.start] = clause_breaks(self.text, s)
        return clause_around(s, breaks, pos)

    def cue(self, pattern: re.Pattern[str]) -> re.Pattern[str]:
        """The form of a case-blind cue pattern to run on `cue_text`: its plain twin when that is
        the lower-cased text. Either finds the same spans."""
        return _TWINS[id(pattern)][1] if self.folded else pattern

    def sentence_at(self, pos: int) -> Sentence | None:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def countries_in(self, start: int, end: int) -> list[CountryMention]:
        i = bisect.bisect_left(self.country_starts, start)
        out = []
        for c in self.countries[i:]:
            if c.start >= end:
                break
            if c.end <= end:
                out.append(c)
        return out

    def spans(self, pattern: re.Pattern[str], lo: int) -> list[tuple[int, int]]:
        """Every match of `pattern` in the sentence holding offset `lo`, found once and reused.

        The rules look for cue words within a figure's sentence (its clause, or the whole
        sentence) or, for trade, in the sentence before it: only sentences asked about are read.
        """
        s = self.sentence_at(lo)
        if s is None:
            return []
        key = (id(pattern), s.start)
        found = self._spans.get(key)
        if found is None:
            found = [m.span() for m in self.cue(pattern).finditer(self.cue_text, s.start, s.end)]
            if pattern is _TRADE:
                found = [sp for sp in found if not _in_a_name(self.text, sp[0])]
            self._spans[key] = found
        return found

    def has_trade(self, lo: int, hi: int) -> bool:
        """Whether text[lo:hi] (within one sentence) talks about trade ("Trade Bank of Iraq"
        does not)."""
        spans = self.spans(_TRADE, lo)
        i = bisect.bisect_left(spans, (lo, -1))
        return i < len(spans) and spans[i][1] <= hi

    def first_trade(self, lo: int, hi: int) -> int | None:
        spans = self.spans(_TRADE, lo)
        i = bisect.bisect_left(spans, (lo, -1))
        return spans[i][0] if i < len(spans) and spans[i][1] <= hi else None

    def periods(self, lo: int) -> list[PeriodPhrase]:
        """Period phrases in the sentence holding offset `lo`, found once per sentence."""
        s = self.sentence_at(lo)
        if s is None:
            return []
        found = self._periods.get(s.start)
        if found is None:
            found = self._periods[s.start] = find_periods(self.text, s.start, s.end)
        return found

    # What `sole_period` has read: sentences [0, _walked); the first period named, in sentence
    # _sole_from, and the sentence naming a different one (_many_from), if any.
    _walked: int = 0
    _sole: tuple[PeriodPhrase, tuple[datetime.date, datetime.date]] | None = None
    _sole_from: int = 0
    _many_from: int | None = None

    def sole_period(self, s: Sentence) -> PeriodPhrase | None:
        """The period the sentences before `s` named, when they named only one (every phrase
        naming a period resolves to the same days): a list of figures after a lead that set the
        period ("Nepal's exports in the fiscal year 2012-13 ... Germany became its third largest
        export destination with Rs 2.76 billion, followed by ...") holds for it. Each sentence is
        read once, however the figures are asked about."""
        i = self.index_of(s)
        context = PeriodContext(countries=self.main, iranian=self.iranian)
        while self._walked < i and self._many_from is None:
            for p in self.periods(self.sentences[self._walked].start):
                span = resolve(p, self.published, context) if p.names_a_period else NO_PERIOD
                if span.start is None:
                    continue
                if self._sole is None:
                    self._sole, self._sole_from = (p, (span.start, span.end)), self._walked
                elif self._sole[1] != (span.start, span.end):
                    self._many_from = self._walked
                    break
            self._walked += 1
        if (
            self._sole is None
            or i <= self._sole_from
            or (self._many_from is not None and i > self._many_from)
        ):
            return None
        return self._sole[0]

    _written: tuple[datetime.date, str] | bool | None = False  # False: not read yet

    def written_in(self) -> tuple[datetime.date, str] | None:
        """For an undated article, the year its text says it was written in (the first sentence
        that measures a change in "this year" or "last year" from a period of a stated year), as
        the last day of that year and how it was read; read once, on first need."""
        if self._written is False:
            self._written = None
            for s in self.sentences:
                phrases = self.periods(s.start)
                if len(phrases) < 2:
                    continue
                for p in phrases:
                    found = _written_here(self, s, p)
                    if found is not None:
                        day, how = found
                        self._written = (day, f"it was written in {day.year}, as {how}")
                        break
                if self._written is not None:
                    break
        return self._written

    def speaker(self, s: Sentence) -> str:
        said = self._speakers.get(s.start)
        if said is None:
            said = self._speakers[s.start] = self._speaker(s)
        return said

    def _speaker(self, s: Sentence) -> str:
        if self.people is None:
            isos = {c.iso3 for c in self.countries}
            names = {self.text[c.start : c.end] for c in self.countries} | isos
            # People named after the last sentence with a figure cannot have said one.
            upto = self.sentences[-1].end if self.sentences else 0
            self.people = people_in(self.text[:upto], self.people_index, names)
        return speaker_of(self.text, s, self.people, self.sentences, self.index_of(s))


# "Rs" and "rupees" are India's unless the figure is about a country with rupees of its own.
_RUPEES = {"PAK": "PKR", "LKA": "LKR", "NPL": "NPR", "MUS": "MUR", "SYC": "SCR"}


# "$" in copy about Australia's, New Zealand's or Canada's own trade is usually the local dollar
# (government and business pages there write it so); copy that writes A$, NZ$ or C$ anywhere uses a
# bare "$" for US dollars, and with the US in the pair "$" stays the US dollar.
_LOCAL_DOLLARS = {"AUS": "AUD", "NZL": "NZD", "CAN": "CAD"}
_LOCAL_DOLLAR_SIGNS = re.compile(
    r"(?:\bA|\bAU|\bNZ|\bC|\bCA)\$|\b(?:AUD|NZD|CAD)\b|\bUS\$|\bUSD\b|U\.S\. dollars?"
)


def _unit(a: _Article, fig: Figure, pair: str) -> str:
    text = a.text
    if fig.unit == "USD" and _bare_dollar(text, fig.start, fig.end) and "USA" not in pair:
        local = [c for c in pair.split("-") if c in _LOCAL_DOLLARS]
        if len(local) == 1 and _reports(a, fig, local[0]) and not _local_signs(text):
            return _LOCAL_DOLLARS[local[0]]
    if fig.unit == "USD" and "USA" not in pair and _converted_to_us_dollars(text, fig):
        local = [c for c in pair.split("-") if c in _LOCAL_DOLLARS]
        if len(local) == 1:
            return _LOCAL_DOLLARS[local[0]]
    if (
        fig.unit == "INR"
        and "Indian" not in text[fig.start : fig.end]
        and "₹" not in text[fig.start : fig.end]
    ):
        for country in pair.split("-"):
            if country in _RUPEES:
                return _RUPEES[country]
    return fig.unit


# "76.3 billion dollars (65.8 billion US dollars)": a conversion into US dollars right after it.
_US_CONVERSION_AFTER = re.compile(
    r"\s*[(\[][^()\[\]]{0,40}?(?:\bUS|\bU\.S\.)(?:\$|\s+dollars?\b)|\s*[(\[]\s*USD\b"
)
_US_MARK = re.compile(r"\$|\bUS|\bU\.S\.|\bUSD\b")


def _converted_to_us_dollars(text: str, fig: Figure) -> bool:
    """Whether a figure in plain "dollars" is followed by its value in US dollars: then it is in
    another dollar, the local one of the pair ("our two-way trade was worth 76.3 billion dollars
    (65.8 billion US dollars)", an Australian minister says)."""
    return _US_MARK.search(text, fig.start, fig.end) is None and bool(
        _US_CONVERSION_AFTER.match(text, fig.end)
    )


def _hub_dollars(a: _Article, claims: list[Claim]) -> list[Claim]:
    """Copy about one country's trade with several partners ("Australia's exports to China, Japan,
    Korea and the US") speaks from that country's side: with Australia, New Zealand or Canada in
    every money claim's pair and two partners or more, a bare "$" is its dollar, the US's too."""
    dollars = {"USD", *_LOCAL_DOLLARS.values()}
    pairs = [
        set(c.pair.split("-")) for c in claims if c.unit in dollars and _bare_dollar(a.text, c.start, c.end)
    ]
    if len(pairs) < 2:
        return claims
    hub = set.intersection(*pairs)
    local = [c for c in hub if c in _LOCAL_DOLLARS]
    if len(hub) != 1 or not local or len(set().union(*pairs) - hub) < 2 or _local_signs(a.text):
        return claims
    unit = _LOCAL_DOLLARS[local[0]]
    return [
        replace(c, unit=unit) if c.unit == "USD" and _bare_dollar(a.text, c.start, c.end) else c
        for c in claims
    ]


def _bare_dollar(text: str, start: int, end: int) -> bool:
    """A figure in dollars of no named country: "$5 billion", or a list item that leaves out the
    sign of the figures around it ("South Korea $21 billion, the U.S. 16 billion")."""
    return text[start] == "$" or _SIGNLESS.fullmatch(text, start, end) is not None


_SIGNLESS = re.compile(r"\d[\d.,]*\s?(?:billion|million|bn|mn)", re.IGNORECASE)


def _reports(a: _Article, fig: Figure, country: str) -> bool:
    """Whether the figure's sentence speaks from `country`'s side: the article is mostly about it,
    or the sentence names it first or in the possessive ("Australia's exports")."""
    if a.main[:1] == (country,):
        return True
    s = a.sentence_at(fig.start)
    mentions = a.countries_in(s.start, s.end) if s else []
    if mentions and mentions[0].iso3 == country:
        return True
    return any(c.iso3 == country and a.text.startswith(("’s", "'s"), c.end) for c in mentions)


def _local_signs(text: str) -> bool:
    """Whether the article writes its dollars with a country's sign (A$, US$, USD ...) anywhere."""
    return _LOCAL_DOLLAR_SIGNS.search(text) is not None


def _in_a_name(text: str, start: int) -> bool:
    """ "Trade Bank of Iraq", "Ministry of Industry, Mining and Trade": "Trade" inside a name."""
    word = text[start : start + 5]
    if (
        word != "Trade"
        or start == 0
        or text[start - 1] in "“\"'‘\n"
        or text[max(0, start - 2) : start] in (". ", "— ", "– ")
    ):
        return False
    # "Iran-Iraq Trade Volume", "Turkey Trade": in a headline, a country before "Trade" names the trade.
    before = text[max(0, start - 40) : start]
    if any(m.end() == len(before.rstrip(" -–")) for m in country_index().pattern.finditer(before)):
        return False
    nxt = re.match(r"\s+([A-Z])", text[start + 5 : start + 8])
    prev = re.search(r"(?:[A-Z][\w’']*,?\s+(?:and\s+)?|of\s+)$", before[-30:])
    return bool(nxt or prev)


def _pair(*isos: str) -> str:
    return "-".join(sorted(isos))


def _qualifier(a: _Article, fig: Figure, clause_start: int) -> str:
    if fig.range_part:
        return "lower_bound" if fig.range_part == "low" else "upper_bound"
    before = a.cue_text[max(clause_start, fig.start - 40) : fig.start]
    for name, pattern in _QUALIFIER_BEFORE:
        if a.cue(pattern).search(before):
            return name
    after = a.cue_text[fig.end : fig.end + 12]
    for name, pattern in _QUALIFIER_AFTER:
        if a.cue(pattern).search(after):
            return name
    return "exact"


def _nearest(a: _Article, pattern: re.Pattern[str], lo: int, hi: int, fig: Figure) -> int | None:
    """Characters between a figure and the nearest match of `pattern` within text[lo:hi]."""
    spans = a.spans(pattern, lo)
    best = None
    for start, end in spans[bisect.bisect_left(spans, (lo, -1)) :]:
        if start >= hi:
            break
        if end > hi:
            continue
        d = fig.start - end if end <= fig.start else max(0, start - fig.end)
        best = d if best is None or d < best else best
    return best


# Compiled once: these run for every claim, and re.match(<string>) looks its pattern up each call.
_INCLUDING = re.compile(r"[\s“\"‘']*(?:including|excluding)\b", re.IGNORECASE)
_OF_AFTER = re.compile(r"\s+(?:of|in|worth\s+of)\s+")


def _scope(a: _Article, lo: int, hi: int, fig: Figure) -> str:
    """What the figure includes, said next to it: "trade, including energy, stands at $20bn",
    "non-oil trade reached $5bn", "$17bn in non-oil trade". A scope word elsewhere in the clause
    (a headline's "non-oil goal in sight") belongs to something else."""
    text = a.text
    trade = a.first_trade(lo, fig.start)
    start = max(lo, trade - 25) if trade is not None else max(lo, fig.start - 60)
    if _INCLUDING.match(text[lo : lo + 20]):
        start = lo  # "Including gas and electricity, total trade ... exceeds $12 billion"
    after = _OF_AFTER.match(text[fig.end : hi])
    end = fig.end + after.end() + 25 if after else fig.end
    best, best_d = "", None
    for m in a.cue(_SCOPE).finditer(a.cue_text, start, min(hi, end)):
        if m.group("non"):
            label = m.group("non").lower()
        else:
            what = m.group("what")
            if not _SCOPE_TOPICS.match(what):
                continue
            label = f"{_SCOPE_WORDS[' '.join(m.group('word').lower().split())]} {_scope_phrase(text, m.start('what'))}"
        d = abs(m.start() - fig.start)
        if best_d is None or d < best_d:
            best, best_d = label, d
    return best


_SCOPE_STOP = frozenset(
    """reached reach reaches stood stands stand totals totalled totaled total is was were are has had have
    exceeded exceeds amounted amounts rose rise fell hit topped of in at with to from for by last this
    which that currently now alone combined""".split()
)
_SCOPE_GENERIC = frozenset(
    {"exchanges", "exchange", "trade", "flows", "goods", "products", "items", "supplies"}
)


def _scope_phrase(text: str, start: int) -> str:
    """The thing included or excluded, as said: "energy" (from "energy-related exchanges"),
    "energy swaps", "gas and electricity", "oil"."""
    words = []
    for w in re.findall(r"[\w-]+", re.split(r"[,;:—–()\"“”.]", text[start : start + 60], maxsplit=1)[0])[:4]:
        if w.lower() in _SCOPE_STOP:
            break
        words.append(w.lower())
    while words and (words[-1] in _SCOPE_GENERIC or words[-1] == "and") and len(words) > 1:
        words.pop()
    phrase = " ".join(words)
    return re.sub(r"-(?:related|based)$", "", phrase)


def _period(a: _Article, s: Sentence, lo: int, hi: int, fig: Figure, target: bool) -> PeriodPhrase | None:
    """When the figure holds, as said nearest to it: in its clause, else its sentence, else (for
    a bullet) in its list's heading ("Exports to Kenya (2023):"), else, for a figure that is not a
    target, the period the sentences just before it named ("In 2019 trade grew. Exports were
    ..."). A phrase that compares ("the same period last year") is counted from the period named
    before it."""
    phrases = a.periods(s.start)
    # "rose 5% in 2023 compared with 2022 to $46bn": the year compared with is not the figure's;
    # nor is "the same period a year earlier" in "$270m, 20% up on the same period a year earlier",
    # which leaves the figure the period named before it.
    compared = [
        p
        for p in phrases
        if (_compared_with(a, s, p) or _of_a_base(a, s, p, fig)) and not _right_after(a.text, p, fig)
    ]
    if compared:
        phrases = [p for p in phrases if p not in compared]
    phrase = nearest(phrases, lo, hi, fig.start, fig.end, target=target)
    if phrase is None or (phrase.compares and not _next_to(phrase, fig)):
        # "In 2009 ..., with exports to China at A$42.4bn, an increase of 31% on the previous
        # year": a comparing phrase in the clause yields to the sentence's own period.
        in_sentence = nearest(phrases, s.start, s.end, fig.start, fig.end, target=target)
        if phrase is None or (in_sentence is not None and not in_sentence.compares):
            phrase = in_sentence
    phrase = phrase or _heading_period(a.text, s)
    if phrase is None and not target:
        return _named_before(a, s, fig.start) or a.sole_period(s)
    if phrase is not None and phrase.needs_anchor:
        earlier = _named_before(a, s, phrase.start)
        if earlier is not None:
            phrase = replace(phrase, anchor=earlier)
    return phrase


def _compared_with(a: _Article, s: Sentence, p: PeriodPhrase) -> bool:
    """Whether `p` is what a change is measured against ("compared with 2022", "up 2% from the
    same period last year")."""
    lo = max(s.start, p.start - 30)
    text = a.cue_text  # the patterns below run as plain twins where it is lower-cased
    if a.cue(_COMPARED_WITH).search(text, lo, p.start) is not None:
        return True
    from_before = (
        a.cue(_FROM).search(text, lo, p.start) is not None
        or a.cue(_FROM_IN_PHRASE).match(text, p.start) is not None
    )
    # "rose more than 10 per cent last year from 2008": a year after a change in percent
    return from_before and (
        p.compares or a.cue(_PERCENT_BEFORE).search(text, max(s.start, p.start - 40), p.start) is not None
    )


def _of_a_base(a: _Article, s: Sentence, p: PeriodPhrase, fig: Figure) -> bool:
    """Whether `p` is the period of another figure that a change is measured from: "imports
    climbed to $281bn" is not of 1993 in "... reached $226bn in 2013, up from $67bn in 1993"."""
    end = a.money_end_before(p.start)
    if end in (0, fig.end) or end < s.start or p.start - end > NEXT_TO or a.text[end : p.start].strip():
        return False
    return _BASE_BEFORE.search(a.text, max(s.start, end - 40), end) is not None


def _right_after(text: str, p: PeriodPhrase, fig: Figure) -> bool:
    """ "$114.3m over the same period of 2021": the phrase is that figure's own, whatever it compares."""
    return 0 <= p.start - fig.end <= NEXT_TO and not text[fig.end : p.start].strip()


def _next_to(p: PeriodPhrase, fig: Figure) -> bool:
    return 0 <= p.start - fig.end <= NEXT_TO or 0 <= fig.start - p.end <= NEXT_TO


# Words before a figure that make it the base of a change ("up from $67bn", "compared with
# $40 billion"), then the figure: a word with a digit, and up to two words ("billion dollars").
# Searched in the 40 characters before the figure's end only.
_BASE_BEFORE = re.compile(
    r"\b(?:from|than|compared\s+(?:with|to)|against|versus|vs\.?)\s++(?:(?:about|some|around)\s++)?"
    r"[^\s\d]*+\d\S*+(?:\s++[a-z]++\.?){0,2}$",
    re.IGNORECASE,
)
_FROM = re.compile(r"\b(?:from|over|on)\s+$", re.IGNORECASE)
_PERCENT_BEFORE = re.compile(r"(?:%|\bper\s?cent\b)", re.IGNORECASE)
_FROM_IN_PHRASE = re.compile(r"(?:from|over)\s", re.IGNORECASE)  # the phrase's own preposition
_COMPARED_WITH = re.compile(
    r"\b(?:compared\s+(?:with|to)|than|against|versus|vs\.?|year[- ]on[- ]year\s+from)\s+(?:the\s+)?(?:same\s+\w+\s+(?:of|in)\s+)?$",
    re.IGNORECASE,
)


def _named_before(a: _Article, s: Sentence, pos: int) -> PeriodPhrase | None:
    """The last phrase naming a period before `pos`: in its sentence, else up to two sentences
    back (in its paragraph or the one before)."""
    here = [p for p in a.periods(s.start) if p.end <= pos and _names_its_own(a, s, p)]
    if here:
        return here[-1]
    i = a.index_of(s)
    for prev in reversed(a.sentences[max(0, i - 2) : i]):
        if s.paragraph - prev.paragraph > 1:
            break
        named = [p for p in a.periods(prev.start) if _names_its_own(a, prev, p)]
        if named:
            return named[-1]
    return None


def _names_its_own(a: _Article, s: Sentence, p: PeriodPhrase) -> bool:
    """Whether `p` names the period its sentence reports ("rose 5% in 2023 compared with 2022":
    2023, not 2022), so that a later figure may hold for it."""
    return p.names_a_period and not _compared_with(a, s, p)


_BULLET = re.compile(r"[-•*–]\s")


def _heading_period(text: str, s: Sentence) -> PeriodPhrase | None:
    """A bullet ("- UAE exports to Kenya: $2.7bn") holds for the period in its list's heading."""
    if not _BULLET.match(text[s.start : s.start + 2]):
        return None
    window_start = max(0, s.start - 2_000)
    lines = text[window_start : s.start].splitlines(keepends=True)
    offset = s.start
    for line in reversed(lines[-12:]):
        offset -= len(line)
        stripped = line.strip()
        if not stripped or _BULLET.match(stripped):
            continue
        heading = re.search(r"\((?:in\s+)?((?:19|20)\d{2}|FY\s?\d{2,4})\)\s*:?\s*$", line.rstrip("\n"))
        if not (heading and stripped.endswith(":")):
            return None
        found = find_periods(text, offset + heading.start(1), offset + heading.end(1))
        return found[0] if found else None
    return None


def _when(a: _Article, s: Sentence, found: _Found, phrase: PeriodPhrase | None) -> Resolved:
    """The days a claim's figure covers, read against the article's date."""
    if phrase is None:
        return NO_PERIOD
    sentence = a.text[s.start : s.end]
    # Whose fiscal year: the country the article reports from first, then as the sentence names them.
    countries = [a.main[0]] if a.main and a.main[0] in found.pair else []
    countries += [c.iso3 for c in a.countries_in(s.start, s.end) if c.iso3 in found.pair]
    countries += [c for c in found.pair.split("-") if c not in countries]
    context = PeriodContext(
        is_target=found.metric == TRADE_TARGET,
        countries=tuple(dict.fromkeys(countries)),
        iranian="IRN" in found.pair or iranian_context(sentence) or a.iranian,
    )
    span = resolve(phrase, a.published, context)
    if span.start is not None or a.published is not None or not year_only_relative(phrase):
        return span  # a phrase that says its year, or a day or "currently": no year of writing helps
    # No date: the period just named, else the year the text itself says it was written in (which
    # reads every sentence's periods: only asked when needed).
    before = in_period_before(phrase, a.last_span[1], context) if a.last_span is not None else None
    if before is not None:
        return before
    written = _written_here(a, s, phrase) or a.written_in()
    return (as_written(phrase, *written, context) if written else None) or span


def _written_here(a: _Article, s: Sentence, phrase: PeriodPhrase) -> tuple[datetime.date, str] | None:
    """When an undated article was written, read from the change the figure's own sentence
    measures ("the first half of this year, up 35% from the similar period in 2013")."""
    for base in a.periods(s.start):
        written = written_in(phrase, base) if _compared_with(a, s, base) else None
        if written is not None:
            return (
                written,
                f"'{phrase.said}' is the year after '{base.said}', which the change is measured from",
            )
    return None


def _pair_from(a: _Article, mentions: list[CountryMention], fig: Figure) -> str:
    """The two countries a trade figure is about, preferring the clause, then the article."""
    text = a.text
    for x, y in itertools.pairwise(mentions):
        if x.iso3 != y.iso3 and _JOINED_PAIR.fullmatch(text, x.end, y.start):
            return _pair(x.iso3, y.iso3)
    isos: list[str] = []
    for c in sorted(mentions, key=lambda c: abs(c.start - fig.start)):
        if c.iso3 not in isos:
            isos.append(c.iso3)
    names = [c.iso3 for c in mentions if c.kind != "capital"]
    if len(set(names)) >= 2:
        isos = [i for i in isos if i in names]
    if len(isos) > 2 and len(a.main) == 2 and set(a.main) <= set(isos):
        return _pair(*a.main)
    if len(isos) >= 2:
        return _pair(isos[0], isos[1])
    if len(isos) == 1:
        only = isos[0]
        if only in a.main and len(a.main) == 2:
            return _pair(*a.main)
        partner = next((m for m in a.main if m != only), None)
        return _pair(only, partner) if partner else ""
    return _pair(*a.main) if len(a.main) == 2 else ""


def _world_trade(a: _Article, lo: int, hi: int) -> bool:
    """ "China's total foreign trade reached ...", "trade with the Eurasian Economic Union": the
    clause's trade is not between two countries."""
    text = a.text
    partner = _PARTNER.search(text, lo, hi)
    if partner:
        name = partner.group("name")
        named = a.countries_in(partner.start("name"), partner.end("name"))
        if not named or named[0].start != partner.start("name"):
            return not name.startswith(("Two", "Both"))
    if a.cue(_GROUP_PARTNER).search(a.cue_text, lo, hi):
        return True  # "India's border trade with its six neighbouring countries"
    world = a.cue(_WORLD_TRADE).search(a.cue_text, lo, hi)
    if world is None:
        return False
    # "Australia's two-way trading partner, with total trade growing to $90bn": a clause opening
    # with "with" goes on about its sentence's pair.
    s = a.sentence_at(lo)
    if (
        s is not None
        and re.match(r"[\s,]*with\b", text[lo:hi]) is None
        and re.search(r",\s*with\s*$", text[max(s.start, lo - 10) : lo])
    ):
        lo = s.start
    # "total trade between Iran and Iraq", "between the two neighbours": still a pair's figure
    if a.cue(_BILATERAL).search(a.cue_text, lo, hi):
        return False
    return len({c.iso3 for c in a.countries_in(lo, hi)}) < 2 or not re.search(
        r"\b(?:between|with|partner)\b", text[lo:hi]
    )


# "India's trade with its six neighbouring countries": trade with a group of countries.
_GROUP_PARTNER = re.compile(
    r"\btrade\s+with\s+(?:its|their|all|the)\s+(?!two\b)(?:[\w-]+\s+){0,2}(?:countries|neighbou?rs|nations)\b",
    re.IGNORECASE,
)
_WITH_BEFORE = re.compile(r"\bwith\s+(?:the\s+)?$", re.IGNORECASE)


_NAMES_THE_FIGURE = re.compile(
    r"\s+(?:of|at|was|is|stood\s+at|worth|valued\s+at|reached|totall?ed|amounted\s+to)\s+"
    r"(?:(?:about|around|nearly|some|over|roughly|almost|just|more\s+than)\s+)?",
    re.IGNORECASE,
)


def _world_right_before(a: _Article, lo: int, fig: Figure) -> bool:
    """ "..., just 1.56% of India's total global trade of $769 billion": a world-trade phrase
    that names the figure, with no partner, no pair and no clause break between them."""
    since = max(lo, fig.start - 60)
    worlds = list(a.cue(_WORLD_TRADE).finditer(a.cue_text, since, fig.start))  # 60 characters: a few
    world = worlds[-1] if worlds else None
    if world is None or not _NAMES_THE_FIGURE.fullmatch(a.text, world.end(), fig.start):
        return False
    if a.countries_in(world.end(), fig.start) or a.cue(_BILATERAL).search(a.cue_text, lo, fig.start):
        return False
    return len({c.iso3 for c in a.countries_in(max(lo, world.start() - 40), world.start())}) < 2


# "the value of Iran's non-oil trade ... stood at": one country's own trade, with no partner.
_OWN_TRADE = re.compile(r"['’]s\s+(?:[a-z][\w-]*\s+){0,2}?(?:trade|turnover)\b(?!\s+(?:with|between)\b)")
_PARTNERED = re.compile(r"\b(?:with|between|bilateral|two-way|mutual|partners?|and)\b", re.IGNORECASE)


def _own_trade(a: _Article, s: Sentence) -> bool:
    """Whether a sentence names one country only, as the owner of trade ("Iran's non-oil trade",
    "Australian trade"), and no partner of any kind: that country's trade with the world."""
    named = a.countries_in(s.start, s.end)
    if len({c.iso3 for c in named}) != 1:
        return False
    if any(c.kind == "demonym" and _demonym_trade(a, c) for c in named):
        return not _PAIRED_WORD.search(a.text, s.start, s.end)
    if _PARTNERED.search(a.text, s.start, s.end):
        return False
    return any(_OWN_TRADE.match(a.text, c.end) for c in named)


# "the two sides", "bilateral": a pair named without its countries' names.
_PAIRED_WORD = re.compile(r"\b(?:between|bilateral|mutual|partners?|the\s+two)\b", re.IGNORECASE)
_NOT_OWN_AFTER = re.compile(r"\s+(?:with|between)\b", re.IGNORECASE)


def _demonym_trade(a: _Article, c: CountryMention) -> bool:
    """ "Australian trade was not immune to the downturn": trade owned by a demonym right before it,
    not trade with anyone ("Australian trade with China")."""
    spans = a.spans(_TRADE, c.start)
    i = bisect.bisect_left(spans, (c.end, -1))
    if i == len(spans) or a.text[c.end : spans[i][0]].strip():
        return False
    return _NOT_OWN_AFTER.match(a.text, spans[i][1]) is None


def _with_pair(a: _Article, s: Sentence, fig: Figure) -> str:
    """ "New Zealand's trade with China was $26.9bn, while that with Australia was $25.9bn",
    "With China, UK trade is over £90bn": in a sentence naming three countries or more, the figure's
    partner is the country after the nearest "with" before it, its other side the nearest country
    before the figure that no "with" introduces."""
    text = a.text
    nearest_first = [
        (c, _WITH_BEFORE.search(text, max(s.start, c.start - 12), c.start) is not None)
        for c in reversed(a.countries_in(s.start, fig.start))
    ]
    partner = next((c for c, after_with in nearest_first if after_with), None)
    if partner is None:
        return ""
    reporter = next((c for c, after_with in nearest_first if not after_with and c.iso3 != partner.iso3), None)
    return _pair(reporter.iso3, partner.iso3) if reporter else ""


class _Flow(NamedTuple):
    """A one-way flow phrase ("Iraq's exports to Iran", "imports of copper from Chile")."""

    start: int  # where the phrase starts (its subject, or the flow word)
    end: int  # where it ends (its partner, or the flow word)
    exporter: str
    importer: str
    category: str = ""  # "copper" in "exports of copper to China"
    exporting: bool = True  # False for import words: the subject buys
    inferred: bool = False  # both sides come from the text around it, none from the phrase itself
    # One side named, the other taken from the story's pair ("India's imports dipped to $2.96
    # billion" in a story about India and the US): kept only if smaller than the pair's trade.
    assumed: bool = False


def _gap(flow: _Flow, fig: Figure) -> int:
    """Characters between a flow phrase ("Iraq's exports to Iran") and a figure."""
    if fig.start >= flow.end:
        return fig.start - flow.end
    return max(0, flow.start - fig.end)


# "$11.1b was China's export to Iran": a figure that names the flow after it.
_COPULA_AFTER = re.compile(
    r"\s*(?:was|were|is|are|went\s+to|came\s+from|represented|being)\s+(?:the\s+)?$", re.IGNORECASE
)


def _flow_gap(a: _Article, flow: _Flow, fig: Figure) -> int:
    """How far a flow is from a figure, as the figure's reader would weigh it: a flow named
    after the figure across a comma ("$2.8 billion, most of it Iranian exports") is far; one the
    figure is said to be ("$11.1b was China's export") is as near as can be."""
    gap = _gap(flow, fig)
    if flow.start >= fig.end:
        between = a.text[fig.end : flow.start]
        if _COPULA_AFTER.fullmatch(between):
            return 0
        if "," in between or "—" in between or "(" in between or _NEXT_CONJUNCT.fullmatch(between):
            return gap + 200
    return gap


# "exports to China worth $54.9 billion and imports from China worth $18.4 billion": a flow after
# "and", "while" or "but" opens the next conjunct, with a figure of its own.
_NEXT_CONJUNCT = re.compile(r"\s+(?:and|while|but|whereas)\s+(?:its\s+|their\s+)?", re.IGNORECASE)


# "exports of copper to China", "imports of Chinese machinery": the category between "of" and the
# partner's preposition. Up to four words, none of them a function word.
_FLOW_CATEGORY_AFTER = re.compile(
    r"\s+of\s+(?!(?:the|its|their|these|those|this|that|such|goods|products|about|around|over|some|nearly|"
    r"more|up)\b)"
    r"((?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s+(?=(?:to|into|from|worth|rose|fell|reached|were|was)\b)"
)
# "Zambia's copper exports": words between the subject and the flow word that are not a category.
_NOT_CATEGORY = frozenset(
    """total overall annual yearly monthly non-oil non-energy non-petroleum bilateral mutual
    foreign overseas external merchandise goods services its their our the combined direct
    re-export agricultural-and main key major principal top average official recorded registered
    first latest""".split()
)


_FLOW_NOUNS = frozenset({"exports", "imports", "export", "import", "shipments", "sales", "purchases"})


def _category_before(between: str, word: str) -> str:
    """ "copper" in "Zambia's copper exports": the words between the country and a flow noun, when
    all of them name goods. Before a verb they are the subject ("Spanish companies shipped")."""
    if word not in _FLOW_NOUNS:
        return ""
    words = [w for w in between.replace("’s", " ").replace("'s", " ").split() if w]
    if not words or any(w.lower() in _NOT_CATEGORY for w in words):
        return ""
    return " ".join(words)


def _flows(a: _Article, lo: int, hi: int) -> list[_Flow]:
    """One-way flows stated in text[lo:hi], found once per span."""
    found = a._flows.get((lo, hi))
    if found is None:
        found = a._flows[(lo, hi)] = _find_flows(a, lo, hi)
    return found


# Words before a flow word that make it a country's flow with the whole world ("total exports").
_WORLD_FLOW = re.compile(
    r"\b(?:total|overall|global|worldwide|world|foreign|external|aggregate)\s+(?:[a-z-]+\s+)?$", re.IGNORECASE
)


# "Australia's top three exports were coal (...)": what a country sells most, to the world.
_TOP_BEFORE = re.compile(
    r"\b(?:top|main|leading|largest|biggest|major|principal|key)\s+(?:[a-z-]+\s+)?$", re.IGNORECASE
)
_TOP_AFTER = re.compile(r"\s+(?:were|are|was|is|included?|includes)\b")


_OWN_TOP_GOODS = re.compile(
    r"['’]s\s+(?:top|main|leading|largest|biggest|major|principal|key)\s+(?:[a-z-]+\s+)?(?:exports|imports)"
    + _TOP_AFTER.pattern,
    re.IGNORECASE,
)


def _top_goods(text: str, lo: int, m: re.Match[str]) -> bool:
    """Whether a flow word names a country's leading goods ("top three exports were coal")."""
    return bool(
        _TOP_AFTER.match(text, m.end()) and _TOP_BEFORE.search(text, max(lo, m.start() - 25), m.start())
    )


_TWO_WAY_AFTER = re.compile(r"s?\s*(?:and|&|/|-)\s*(?:export|import)s?\b|\s+between\b", re.IGNORECASE)
_TWO_WAY_BEFORE = re.compile(r"\b(?:export|import)s?\s*(?:and|&|/|-)\s*$", re.IGNORECASE)
_CITY_ORIGIN = re.compile(r"\s+from\s+(?!the\b)[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?\s+to\b")
_THE_KINGDOMS = re.compile(
    r"\bthe\s+(?:kingdom|country|emirates?|republic|sultanate|island\s+nation)['’]s\s+(?:[a-z-]+\s+){0,2}$",
    re.IGNORECASE,
)


# "Bali's leading exports", "with Bali exporting": a name that owns or does the flow, right before it.
_OWNER_BEFORE = re.compile(
    r"(?<![\w.’'-])(?<!\bthe\s)(?P<name>[A-Z][a-z][\w-]*)"
    r"(?P<owns>['’]s(?:\s+[a-z][\w-]*){0,2})?\s+$"
)
_NOT_PLACES = frozenset(w.lower() for w in cues.cue_words()["flows"]["not_places"])


def _place_before(a: _Article, lo: int, word_start: int) -> bool:
    """Whether a flow word belongs to a named place that is no country ("Bali's exports to Japan",
    "with Bali exporting"): a province's, a city's or a firm's flows are not its country's."""
    owner = _OWNER_BEFORE.search(a.text, max(lo, word_start - 40), word_start)
    if owner is None or owner.group("name").lower() in _NOT_PLACES:
        return False
    # "Bali exports": a headline's verb or noun, said of anything; "Bali exporting" is Bali's doing.
    if not owner.group("owns") and not re.match(r"[a-z]+(?:ing|ed)\b", a.text[word_start : word_start + 20]):
        return False
    start, end = owner.span("name")
    if re.search(r"(?:\bthe|[A-Z][\w-]*)\s+$", a.text[max(0, start - 20) : start]):
        return False  # "the Islamic Republic imported", "New Zealand's": a name of more words
    return not any(c.start < end and c.end > start for c in a.countries_in(max(0, start - 30), end + 1))


# "as it imported", "they bought": a pronoun doing the flow's verb.
_IT_BEFORE = re.compile(r"\b(?:it|they)\s+(?:has\s+|have\s+|had\s+)?$", re.IGNORECASE)
_SUBJECT_VERB = re.compile(r"\s+(?:is|was|has|had|remains|remained|becomes|became)\b")


def _subject_of_sentence(a: _Article, pos: int) -> str | None:
    """The country the sentence is about, when its first country is a subject ("India is the
    largest importer of Nepal, as it imported ..."): what a later "it" stands for."""
    s = a.sentence_at(pos)
    first = a.countries_in(s.start, pos)[:1] if s is not None else []
    if first and _SUBJECT_VERB.match(a.text, first[0].end):
        return first[0].iso3
    return None


def _way_before(a: _Article, pos: int, exporting: bool) -> bool:
    """ "As for India's imports from the US, ... Shipments of these items fell to $297.6 million":
    a flow word that says no way of its own ("shipments") runs the way of the flow before it."""
    prev = _previous_flow(a, pos)
    return prev.exporting if prev is not None else exporting


def _place_flow_nearer(a: _Article, lo: int, hi: int, fig: Figure, cues: list[int]) -> bool:
    """Whether a place's flow ("Bali's exports") is nearer the figure than any country's flow or
    trade word in its clause."""
    _flows(a, lo, hi)
    for start, end in a._place_flows.get((lo, hi), []):
        gap = fig.start - end if end <= fig.start else max(0, start - fig.end)
        if not cues or gap < min(cues):
            return True
    return False


def _find_flows(a: _Article, lo: int, hi: int) -> list[_Flow]:
    """Complete flows in text[lo:hi]; flows that name one side only are kept apart, in
    `a._half_flows`, for a partner listed next to a figure to complete ("imports from China: Nigeria
    $23 billion, Egypt $18 billion")."""
    text = a.text
    found: list[_Flow] = []
    halves: list[_Flow] = []
    places: list[tuple[int, int]] = []
    for m in a.cue(_FLOW_WORD).finditer(a.cue_text, lo, hi):
        word = m.group("word").lower()
        if a.cue(_TWO_WAY_AFTER).match(a.cue_text, m.end()) or a.cue(_TWO_WAY_BEFORE).search(
            a.cue_text, max(lo, m.start() - 15), m.start()
        ):
            continue  # "import and export volume", "sales between the two states": two-way trade
        if _CITY_ORIGIN.match(text, m.end()) and not a.countries_in(m.end(), min(hi, m.end() + 25)):
            continue  # "exports from Istanbul to Azerbaijan": a city's trade, not its country's
        if _place_before(a, lo, m.start()):
            places.append(m.span())
            continue  # "Bali's exports to Japan", "with Bali exporting": a province's trade
        exporting = not word.startswith(("import", "purchase", "bought", "buys"))
        before = [c for c in a.countries_in(max(lo, m.start() - 40), m.start())]
        # "Iran's non-oil exports", "Iranian exports": the country right before the word.
        subject, subject_start = None, m.start()
        category = ""
        if before and _SUBJECT_GAP.fullmatch(text, before[-1].end, m.start()):
            subject, subject_start = before[-1].iso3, before[-1].start
            category = _category_before(text[before[-1].end : m.start()], word)
        elif a.cue(_THE_KINGDOMS).search(a.cue_text, max(lo, m.start() - 40), m.start()) and len(a.main) == 2:
            # "the Kingdom's exports to China": the country of the article's pair that is not the partner
            partners = {c.iso3 for c in a.countries_in(m.end(), min(hi, m.end() + 40))}
            subject = next((c for c in a.main if c not in partners), None)
        elif re.search(
            r"\b(?:its|their)\s+(?:[a-z][\w-]*\s+){0,2}$", text[max(lo, m.start() - 30) : m.start()]
        ):
            subject = _its_subject(a, lo, m.start())
        elif a.cue(_IT_BEFORE).search(a.cue_text, max(lo, m.start() - 12), m.start()):
            subject = _subject_of_sentence(a, m.start())  # "India ..., as it imported Rs 51.78 billion"
        world = a.cue(_WORLD_FLOW).search(a.cue_text, max(lo, m.start() - 30), m.start()) is not None
        of = _FLOW_CATEGORY_AFTER.match(text, m.end(), hi)
        if of:
            category = of.group(1)
        after = a.countries_in(m.end(), min(hi, m.end() + 90))
        origin = dest = None
        end = m.end()
        for c in after:
            gap = text[m.end() : c.start]
            if not _PLAIN_GAP.fullmatch(gap):
                break  # "shipments, according to the Turkish ...": past a comma it is another phrase
            if _FROM_END.search(gap) and origin is None and dest is None:
                origin, end = c.iso3, c.end
            elif _TO_END.search(gap) and dest is None:
                dest, end = c.iso3, c.end
        if places and subject is None and origin is None and dest is None:
            places.append(m.span())
            continue  # "Bali's leading exports were tuna (export value of $136 million)": still Bali's
        pair = _pair_of_sentence(a, m.start())
        if origin is None and dest is None and (len(a.main) == 2 or pair):
            # "shipments to the kingdom", "exports to the neighbouring country": the other one.
            other = _PARTNER_WORDS.search(text, m.end(), min(hi, m.end() + 60))
            known = subject or next((c.iso3 for c in a.countries_in(lo, m.start())), None)
            both = pair or a.main
            if other and known in both:
                partner = next(c for c in both if c != known)
                if other.group("prep") in ("to", "into"):
                    dest = partner
                else:
                    origin = partner
                end = other.end()
        if word.startswith("shipment") and not (subject or origin or dest):
            exporting = _way_before(a, m.start(), exporting)  # "imports from the US ... Shipments of these"
        subject_is_demonym = (
            bool(before)
            and subject == before[-1].iso3
            and before[-1].kind == "demonym"
            and not (text.startswith(("’s", "'s"), before[-1].end))
        )
        if exporting:
            exporter, importer = subject or origin, dest
            if importer is None and origin and subject and origin != subject:
                exporter, importer = origin, None
        elif dest is not None or (subject_is_demonym and origin is None):
            # "Indian imports to the UK", "Japanese imports": imports of that country's goods
            exporter, importer = subject or origin, dest
        else:
            importer, exporter = subject or dest, origin
        if (world or (subject and _top_goods(text, lo, m))) and not (origin or dest):
            continue  # "total exports", "Nigeria's total imports", "Australia's top exports were": with the world
        exporter, importer = _complete_flow(a, m.start(), exporting, exporter, importer, dest, origin, pair)
        inferred = not (subject or origin or dest)
        assumed = False
        if (exporter is None) != (importer is None) and (
            other := _story_partner(a, exporter or importer, m.start())
        ):
            exporter, importer, assumed = exporter or other, importer or other, True
        elif inferred and exporter and importer:
            prev = _previous_flow(a, m.start())
            assumed = prev is not None and prev.assumed  # "... over $3.94 billion a year ago": still assumed
        if exporter and importer and exporter != importer:
            found.append(
                _Flow(subject_start, end, exporter, importer, category, exporting, inferred, assumed)
            )
        elif exporter or importer:
            halves.append(_Flow(subject_start, end, exporter or "", importer or "", category, exporting))
    market = _market_flows(a, lo, hi)
    if market:
        # "With Rs 5.75 billion import, the USA became the second largest export destination for
        # Nepal": the ranking names both sides; a bare flow word beside it adds none of its own.
        found = [f for f in found if not (f.inferred or f.assumed)]
    found += market
    found.sort(key=lambda f: f.start)
    a._half_flows[(lo, hi)] = halves
    a._place_flows[(lo, hi)] = places
    return found


# A country named after one of these is an object ("shipments to China"), not who "its" refers to.
_OBJECT_BEFORE = re.compile(r"\b(?:to|into|from|with|than)\s+(?:the\s+)?$", re.IGNORECASE)


def _its_subject(a: _Article, lo: int, pos: int) -> str | None:
    """ "China's exports to Iran ..., while its imports from Iran": "its" is the sentence's first
    country that is no preposition's object ("The shipments to China were bigger than its exports
    to ...": not China, whose side the flow before says)."""
    sentence = a.sentence_at(pos)
    start = sentence.start if sentence else lo
    for c in a.countries_in(start, pos):
        if not _OBJECT_BEFORE.search(a.text, max(start, c.start - 12), c.start):
            return c.iso3
    return None


# "Japan was Australia's second largest export market", "Belgium emerged the second largest source
# of imports", "Germany became Nepal's third largest export destination", "Turkey remained
# Georgia's main partner by imports": a partner's place in a country's trade, which says a flow.
_MARKET = re.compile(
    r"\b(?P<dest>export\s+(?:market|destination)s?|destination\s+for\s+(?:its\s+)?exports|"
    r"partners?\s+(?:by|in|for)\s+exports|buyer|customer|importer)\b"
    r"|\b(?P<source>(?:source|supplier)s?\s+of\s+(?:imports|imported\s+goods)|import\s+(?:source|partner|market)s?|"
    r"partners?\s+(?:by|in|for)\s+imports|supplier)\b",
    re.IGNORECASE,
)


def _market_flows(a: _Article, lo: int, hi: int) -> list[_Flow]:
    """Flows said as a partner's place in a country's trade; the partner is the sentence's subject
    (or a partner listed by a figure), the country is named in the possessive ("Australia's") or
    after "of"/"for" ("the largest importer of Nepal")."""
    text = a.text
    out = []
    after_last = lo  # a second ranking in the sentence has its own subject ("... and India was ...")
    for m in a.cue(_MARKET).finditer(a.cue_text, lo, hi):
        s = a.sentence_at(m.start())
        if s is None:
            continue
        since, after_last = max(s.start, after_last), m.end()
        before = a.countries_in(max(s.start, m.start() - 60), m.start())
        owner = next((c for c in reversed(before) if text.startswith(("’s", "'s"), c.end)), None)
        if owner is None:
            after = a.countries_in(m.end(), min(s.end, m.end() + 30))
            if after and re.fullmatch(r"\s+(?:of|for)\s+(?:the\s+)?", text[m.end() : after[0].start]):
                owner = after[0]  # "the largest importer of Nepal"
        if owner is None:
            owner = _earlier_ranking_owner(a, s)  # "Belgium emerged the second largest source of imports"
        if owner is None:
            continue
        subject = next((c for c in a.countries_in(since, m.start()) if c.iso3 != owner.iso3), None)
        if subject is None:
            continue
        if m.group("dest"):
            out.append(_Flow(m.start(), m.end(), owner.iso3, subject.iso3, "", True))
        else:
            out.append(_Flow(m.start(), m.end(), subject.iso3, owner.iso3, "", False))
    return out


def _story_partner(a: _Article, known: str | None, pos: int) -> str | None:
    """The other country of the story's pair, for a flow of one of its two countries whose sentence
    names no third country and no trade with the world ("India's imports dipped to $2.96 billion"
    in a story about India and the US)."""
    if known is None or len(a.main) != 2 or known not in a.main:
        return None
    s = a.sentence_at(pos)
    if (
        s is None
        or _world_before(a, pos)
        or any(c.iso3 not in a.main for c in a.countries_in(s.start, s.end))
    ):
        return None
    return next(c for c in a.main if c != known)


def _ranking_owner_in(a: _Article, s: Sentence) -> CountryMention | None:
    """The country in the possessive before a ranking in `s` ("Nigeria's leading source of imports")."""
    for m in _MARKET.finditer(a.text, s.start, s.end):
        before = a.countries_in(max(s.start, m.start() - 60), m.start())
        owner = next((c for c in reversed(before) if a.text.startswith(("’s", "'s"), c.end)), None)
        if owner is not None:
            return owner
    return None


def _earlier_ranking_owner(a: _Article, s: Sentence) -> CountryMention | None:
    """For a ranking that names no owner, the owner of a ranking in one of the two sentences
    before it: "China is Nigeria's leading source of imports. ... Belgium emerged the second
    largest source of imports" ranks Belgium among Nigeria's suppliers too."""
    i = a.index_of(s)
    for earlier in reversed(a.sentences[max(0, i - 2) : i]):
        owner = _ranking_owner_in(a, earlier)
        if owner is not None:
            return owner
    return None


def _complete_flow(
    a: _Article,
    pos: int,
    exporting: bool,
    exporter: str | None,
    importer: str | None,
    dest: str | None,
    origin: str | None,
    pair: tuple[str, str] | None,
) -> tuple[str | None, str | None]:
    """The side a flow phrase leaves unsaid, where the text around it says it."""
    exporter, importer = _same_side_as_before(a, pos, exporting, exporter, importer, dest, origin)
    # "exports to Iraq" in an article about Iran and Iraq: the exporter is the other one; in an
    # article about Iran, "exports to Hong Kong" are Iran's.
    if exporter is None and dest is not None:
        if dest in a.main and len(a.main) == 2:
            exporter = next(c for c in a.main if c != dest)
        elif a.main and a.main[0] != dest and not pair:
            exporter = a.main[0]
    if importer is None and origin is not None and origin in a.main and len(a.main) == 2:
        # "imports from Iran", "export from Russia": to the article's other country
        importer = next(c for c in a.main if c != origin)
    # "Two-way trade totalled $31bn, of which Spain's exports were $12bn": in a sentence about
    # one pair, a flow that names one side runs to or from the other.
    if pair and (exporter is None) != (importer is None):
        known = exporter or importer
        if known in pair:
            other_side = next(c for c in pair if c != known)
            exporter, importer = (known, other_side) if exporter else (other_side, known)
    if exporter and importer:
        return exporter, importer
    s = a.sentence_at(pos)
    owner = a._owners.get(s.start) if s is not None else None
    if exporter is None and importer is None and pair and (owner or (a.main and a.main[0] in pair)):
        # "Of the total turnover, exports amounted to $621m while imports ...": the flows of the
        # country the article reports from (the one it names most), or whose partner the other
        # is ("Turkey is Georgia's main trading partner. ..., with $2.4 billion from imports").
        reporter = owner or a.main[0]
        partner = next(c for c in pair if c != reporter)
        prev = _previous_flow(a, pos)
        if prev is None:
            return (reporter, partner) if exporting else (partner, reporter)
    # "India's exports to Bangladesh were $9.2 billion and imports $1.0 billion", "while its
    # imports stood at ...": a flow word that names no new side continues the flow said before it.
    prev = _previous_flow(a, pos)
    if prev is None or _world_before(a, pos):
        return exporter, importer
    reporter, partner = (prev.exporter, prev.importer) if prev.exporting else (prev.importer, prev.exporter)
    known = exporter or importer
    if known is not None and known not in (reporter, partner):
        return exporter, importer
    if known == partner:  # "China exported $13bn to Bangladesh but Bangladesh's exports were ..."
        reporter, partner = partner, reporter
    return (reporter, partner) if exporting else (partner, reporter)


def _same_side_as_before(
    a: _Article,
    pos: int,
    exporting: bool,
    exporter: str | None,
    importer: str | None,
    dest: str | None,
    origin: str | None,
) -> tuple[str | None, str | None]:
    """ "exports to China rose to $2bn, while exports to Australia fell to $2.3bn": a flow that names
    only its partner, after a flow the same way in its sentence, keeps that flow's own side."""
    if (exporter is None) == (importer is None):
        return exporter, importer
    s = a.sentence_at(pos)
    prev = _flows(a, s.start, pos)[-1:] if s is not None and pos > s.start else []
    if not prev or prev[0].exporting != exporting:
        return exporter, importer
    if exporting and exporter is None and dest is not None and prev[0].exporter != dest:
        return prev[0].exporter, importer
    if not exporting and importer is None and origin is not None and prev[0].importer != origin:
        return exporter, prev[0].importer
    return exporter, importer


def _world_before(a: _Article, pos: int) -> bool:
    """Whether the sentence speaks of trade with the world before `pos` ("Vietnam's total export
    turnover hit $405bn, while imports rose ..."): what follows goes on about that."""
    s = a.sentence_at(pos)
    if s is None:
        return False
    if a.cue(_WORLD_TRADE).search(a.cue_text, s.start, pos) is not None:
        return True
    return re.search(r"\btotal\s+(?:export|import)", a.text[s.start : pos], re.IGNORECASE) is not None


def _previous_flow(a: _Article, pos: int) -> _Flow | None:
    """The last complete flow before `pos` in its sentence, else in the sentence before it (same
    paragraph)."""
    s = a.sentence_at(pos)
    if s is None:
        return None
    here = _flows(a, s.start, pos) if pos > s.start else []
    if here:
        return here[-1]
    # Up to three sentences back, across at most one paragraph break: a story's figures go on about
    # the flow it last named ("Exports in the same period last year were $6.75 billion").
    i = a.index_of(s)
    for prev in reversed(a.sentences[max(0, i - 3) : i]):
        if s.paragraph - prev.paragraph > 1:
            break
        earlier = _flows(a, prev.start, prev.end)
        if earlier:
            return earlier[-1]
    return None


# "between Spain and Morocco", "Spain-Morocco trade", "bilateral", "of which", "two-way", "the
# largest trading partner of Australia": a sentence about one pair's trade.
_PAIR_SENTENCE = re.compile(
    r"\b(?:between|of\s+which|two-way|bilateral|mutual|trade\s+with|trad(?:e|ing)\s+partner)\b", re.IGNORECASE
)


_TWO_COUNTRIES = re.compile(
    r"\b(?:the\s+two|both)\s+(?:countries|nations|sides|neighbou?rs|states|economies|republics)\b",
    re.IGNORECASE,
)


def _names_a_pair(a: _Article, s: Sentence) -> bool:
    """ "India and Iran", "Iran-Iraq", "Turkey, Azerbaijan": two countries named together."""
    mentions = a.countries_in(s.start, s.end)
    return any(
        x.iso3 != y.iso3 and _JOINED_PAIR.fullmatch(a.text, x.end, y.start)
        for x, y in itertools.pairwise(mentions)
    )


def _pair_of_sentence(a: _Article, pos: int) -> tuple[str, str] | None:
    """The pair a sentence is about, when it says so: it names exactly two countries and their
    trade ("between", "bilateral", "of which"), or it speaks of "the two countries" of the
    article; else the sentence before it in the paragraph, if that one does."""
    s = a.sentence_at(pos)
    if s is None:
        return None
    cached = a._pairs.get(s.start, False)
    if cached is not False:
        return cached
    pair = None
    i = a.index_of(s)
    # A sentence that names no country ("Of the total turnover, exports amounted to ...") goes on
    # about the one before it, even across a paragraph break.
    reach = 0 if a.countries_in(s.start, s.end) else 1
    before = a.sentences[i - 1] if i > 0 else None
    for t in (s, before if before and s.paragraph - before.paragraph <= reach else None):
        if t is None:
            break
        isos = list(dict.fromkeys(c.iso3 for c in a.countries_in(t.start, t.end)))
        if len(isos) == 2 and (_PAIR_SENTENCE.search(a.text, t.start, t.end) or _names_a_pair(a, t)):
            pair = (isos[0], isos[1])
            if (owner := _ranking_owner(a, t)) is not None:
                a._owners[s.start] = owner
            break
        if len(a.main) == 2 and set(isos) <= set(a.main) and _TWO_COUNTRIES.search(a.text, t.start, t.end):
            pair = (a.main[0], a.main[1])
            break
        if t is s and len(isos) >= 2:
            break  # the sentence names its own countries: the one before does not decide
    a._pairs[s.start] = pair
    return pair


_PARTNER_OF = re.compile(r"\btrad(?:e|ing)\s+partner\s+of\s+(?:the\s+)?$", re.IGNORECASE)


def _ranking_owner(a: _Article, t: Sentence) -> str | None:
    """ "Turkey is Georgia's main trading partner", "China was the largest trading partner of
    Australia": the country whose partner the other is, the one that reports the pair's flows."""
    if not _RANKED_OWNER_WORD.search(a.text, t.start, t.end):
        return None
    for c in a.countries_in(t.start, t.end):
        if a.text.startswith(("’s", "'s"), c.end) or _PARTNER_OF.search(
            a.text, max(t.start, c.start - 40), c.start
        ):
            return c.iso3
    return None


_RANKED_OWNER_WORD = re.compile(r"\btrad(?:e|ing)\s+partner\b", re.IGNORECASE)


def _flow_context(a: _Article, s: Sentence, pos: int) -> tuple[str, str] | None:
    """The flow a share refers to: stated in its sentence, else earlier in the paragraph. A flow
    whose partner is only assumed from the story's pair is no base for a share: its size cannot be
    checked against the pair's trade."""
    here = [f for f in _flows(a, s.start, s.end) if not f.assumed]
    before = [f for f in here if f.start < pos]
    if before:
        return before[-1].exporter, before[-1].importer  # "Iran's exports to Iraq ..., with X at 30 %"
    if here:
        near = min(here, key=lambda f: abs(f.start - pos))  # "30 % of Iran's exports to Iraq"
        return near.exporter, near.importer
    # The paragraph's earlier sentences, nearest first; a few at most, so that a paragraph of
    # endless shares is read in linear time.
    i = a.index_of(s)
    for prev in reversed(a.sentences[max(0, i - 3) : i]):
        if prev.paragraph != s.paragraph:
            break
        earlier = [f for f in _flows(a, prev.start, prev.end) if not f.assumed]
        if earlier:
            return earlier[-1].exporter, earlier[-1].importer
    return None


def _story_flow(a: _Article, s: Sentence, pos: int) -> tuple[str, str] | None:
    """The flow a share refers to when the story names it by a bare flow word ("driven by higher
    petroleum imports. ... the share of petroleum declined from 90 per cent"): in an article about
    one pair, the last flow word of this sentence or the two before in its paragraph, run by the
    country it belongs to ("India's own exports"), else by the country the article names most."""
    if len(a.main) != 2:
        return None
    i = a.index_of(s)
    for t in reversed(a.sentences[max(0, i - 2) : i + 1]):
        if t.paragraph != s.paragraph:
            continue
        words = list(a.cue(_FLOW_WORD).finditer(a.cue_text, t.start, min(t.end, pos)))
        if not words:
            continue
        word = words[-1]
        before = a.countries_in(max(t.start, word.start() - 40), word.start())
        owner = (
            before[-1].iso3
            if before and _SUBJECT_GAP.fullmatch(a.text, before[-1].end, word.start())
            else a.main[0]
        )
        if owner not in a.main:
            return None
        other = next(c for c in a.main if c != owner)
        importing = word.group("word").lower().startswith(("import", "purchase", "bought", "buys"))
        return (other, owner) if importing else (owner, other)
    return None


def _category_lists(a: _Article, intros: list[re.Match[str]]) -> list[tuple[int, str, str, list[str]]]:
    """'Iranian exports to Iraq are divided into ten categories: a, b, ... and j.'"""
    out = []
    for m in intros:
        s = a.sentence_at(m.start())
        if s is None:
            continue
        flows = _flows(a, s.start, m.start())
        if not flows:
            continue
        body = a.text[m.end() : s.end].rstrip(" .;")
        parts = [p.strip() for p in re.split(r",\s*", body) if p.strip()]
        if len(parts) == 1:
            parts = [p.strip() for p in re.split(r"\s+and\s+", parts[0])]
        elif parts:
            parts[-1] = re.sub(r"^(?:and|or)\s+", "", parts[-1])
        items = [p for p in parts if 0 < len(p.split()) <= 6]
        if len(items) >= 2:
            exporter, importer = flows[-1].exporter, flows[-1].importer
            out.append((s.start, exporter, importer, items))
    return out


def _category_name(phrase: str, known: list[str]) -> str:
    phrase = " ".join(phrase.split())
    low = phrase.lower()
    for item in known:
        if item.lower() == low:
            return item
    for item in known:
        words = item.lower().split()
        if low.split()[0] == words[0] or low.startswith(item.lower()):
            return item
    return phrase


# "the share of petroleum and crude products declined from 90 per cent": the noun "share", its
# category after "of", then the verb that moves it.
_SHARE_OF_CATEGORY = re.compile(
    r"share\s+of\s+(?:the\s+)?(?P<category>(?:[a-z][\w-]*\s+){0,5}?[a-z][\w-]*)\s+"
    r"(?:rose|fell|declined|increased|decreased|grew|dropped|jumped|climbed|slipped|edged|went|was|stood|reached|"
    r"has|had|is)\b"
)


def _share_of_category(text: str, share_start: int, fig_start: int) -> str:
    """The category of "the share of <category> declined from 90 per cent", if the share noun
    reads so; "" otherwise."""
    m = _SHARE_OF_CATEGORY.match(text, share_start, fig_start)
    if m is None or _VAGUE_SUBJECT.match(m.group("category")):
        return ""
    words = m.group("category").split()
    if words[0] in _NOT_GOODS or words[0] in _FLOW_NOUNS or _TRADE.search(m.group("category")):
        return ""  # "the share of exports in foreign trade turnover": no product
    return m.group("category")


def _flow_subject_category(a: _Article, lo: int, verb_start: int) -> str:
    """The goods of a flow phrase that is the share verb's subject: "oil" in "India's oil purchases
    from Iran, worth $9 billion, accounted for 80% of its imports from Iran"."""
    flows = [f for f in _flows(a, lo, verb_start) if f.category and not f.assumed]
    return flows[-1].category if flows else ""


def _share_subject(text: str, lo: int, verb_start: int) -> str:
    """The noun phrase before 'accounting for' / 'account for': the category."""
    before = text[lo:verb_start]
    # "Vehicles and auto parts, long the backbone of the relationship, made up 30 percent"
    before = re.sub(r",[^,]{3,90},\s*$", " ", before)
    # "agricultural products now account for", "tea alone accounts for"
    before = re.sub(
        r"\s+(?:now|alone|currently|together|still|already|also|just|combined|each)\s*$", " ", before
    )
    lead = re.match(r"[\s“\"‘']*([A-Z])(?=[a-z])", before)
    if lead:  # a sentence starting with the category: "Machinery accounts for 40 percent"
        before = before[: lead.start(1)] + lead.group(1).lower() + before[lead.end(1) :]
    # A category is a short lower-case phrase, maybe a list ("electronics, computers and
    # components"), or an acronym ("LNG"), starting the clause or after with/while/and.
    word = r"(?:(?!(?:of|those|these|the|in|for|by|from|to|on|at|as|than|its|their|our|this|that)\b)[a-z][\w-]*|[A-Z]{2,6})"
    m = re.search(
        rf"(?:^[\s“\"‘']*|\bwith\s+|\bwhile\s+|\band\s+(?=(?:{word}\s+){{0,3}}{word}\s*$)|,\s*(?=(?:{word}\s+){{0,3}}{word}\s*$))"
        rf"((?:{word}(?:,?\s+(?:and\s+)?|\s+)){{0,5}}?{word})\s*$",
        before,
    )
    if not m:
        return ""
    phrase = m.group(1)
    phrase = re.sub(r"^(?:the|its|their|iran's|iraq's)\s+", "", phrase)
    phrase = re.sub(r"\s+(?:which|that)$", "", phrase)  # "vehicles which make up 31 percent"
    if _VAGUE_SUBJECT.match(phrase) or phrase in ("share", "which", "that") or len(phrase.split()) > 6:
        return ""
    return phrase


# Work guards: a sentence longer than this, or holding more figures, is not read ("too long", "too
# dense") and is listed in the extraction's `skipped`. News sentences run to a few hundred
# characters and a handful of figures; the bounds keep every figure's work small, so the time an
# article takes grows with its length, never with its square, whatever is pasted.
MAX_SENTENCE_CHARS = 2_000
MAX_FIGURES_PER_SENTENCE = 40
MAX_FIGURES_PER_ARTICLE = 2_000


@dataclass(frozen=True, slots=True)
class _Found:
    """A claim's fields as a rule decides them; `_claim` adds what every claim shares."""

    pair: str
    metric: str
    direction: str = ""
    category: str = ""
    method: str = ""
    target_kind: str = ""


def extract(article_id: str, text: str, people: PeopleIndex | None = None, published: str = "") -> Extraction:
    """Every claim in one article's text, and the export categories it lists. `published` is the
    article's date from its metadata row (YYYY-MM-DD), if any; else its dateline is read."""
    # --- load: the figures and the article's structure -------------------------------------------
    dated = article_date(text, published)
    # The lower-cased text (the rules' cue_text) lets the figure finder look for scale and percent
    # words with str.find; it is read this early only where that is one lower() (str.translate,
    # for ſ, ı and İ, costs more than it saves, on an article that may hold no figure at all).
    early = None if ("ſ" in text or "ı" in text or "İ" in text) else _folded(text)
    money, percents, cut = _figures(text, early)
    list_intros = _list_intros(text, cut, MAX_FIGURES_PER_ARTICLE)
    if not money and not percents and not list_intros and not _says_a_table_scale(text, early):
        return Extraction([], [], _past_limit(text, cut), _dated(dated))
    folded = early if early is not None else _folded(text)
    a, skipped = _read_article(article_id, text, money, percents, list_intros, people, folded)
    a.published = dated.published
    a.iranian = iranian_context(text[:600])
    skipped += _past_limit(text, cut)

    # --- process: each figure by its rule ----------------------------------------------------------
    claims: list[Claim] = []
    trade_sentences: dict[int, str] = {}  # sentence start -> pair of a trade claim there
    previous: tuple[Figure, _Found | None] | None = None
    in_cells = _pipe_cells_by_figure(text, money, percents)
    for fig in money:
        s = a.readable_sentence(fig.start)
        if s is None:
            continue
        if fig.start in in_cells:
            claims += _pipe_cell_claim(a, fig, in_cells[fig.start])
            continue
        lo, hi = a.clause(s, fig.start)
        if previous is not None and _CONVERSION.fullmatch(text, previous[0].end, fig.start):
            found = previous[1]  # "68 billion yuan (almost $10 billion)": the same figure, converted
        else:
            found = _money_claim(a, fig, s, lo, hi, trade_sentences)
        previous = (fig, found)
        if found is not None:
            claims.append(_claim(a, fig, s, lo, hi, found))
            if found.metric in (TRADE_VOLUME, TRADE_TARGET):
                trade_sentences[s.start] = found.pair
    lists = _category_lists(a, [m for m in list_intros if a.readable_sentence(m.start())])
    for fig in percents:
        s = a.readable_sentence(fig.start)
        if s is None:
            continue
        if fig.start in in_cells:
            claims += _pipe_cell_claim(a, fig, in_cells[fig.start])
            continue
        lo, hi = a.clause(s, fig.start)
        found = _share_claim(a, fig, s, lo, hi, lists)
        if found is not None:
            claims.append(_claim(a, fig, s, lo, hi, found))

    claims += _table_claims(a)
    claims = _hub_dollars(a, claims)
    claims = _within_pair_trade(claims)

    # --- save: one claim per statement, and the category table ----------------------------------
    claims = _dedupe(claims)
    return Extraction(claims, _categories(a, lists, claims), tuple(skipped), _dated(dated))


def _dated(dated: ArticleDate) -> tuple[str, str, str]:
    """(published ISO date or "", where it came from, how) for the articles table."""
    return (_iso(dated.published), dated.source, dated.note)


# Between a figure and the same amount in another currency: "68 billion yuan (almost $10 billion".
_CONVERSION = re.compile(
    r"\s*[(\[]\s*(?:(?:about|almost|around|approximately|approx\.|nearly|some|roughly|or|equivalent\s+to|i\.e\.)\s+)?"
)


# A table row's label: "Export to India", "Imports from China", "Total trade with India".
_TABLE_ROW = re.compile(
    r"^(?:total\s+|bilateral\s+)?(?:(?P<exp>exports?)\s+to|(?P<imp>imports?)\s+from|(?P<trade>trade)\s+with)\s+(?:the\s+)?",
    re.IGNORECASE,
)


_TABLE_CAPTION_HINT = re.compile(r"\b(?:million|billion|crores?|lakhs?)\b", re.IGNORECASE)


def _says_a_table_scale(text: str, folded: str | None) -> bool:
    """Whether `text` says "million", "billion", "crore" or "lakh" (_TABLE_CAPTION_HINT), found
    from the words in the lower-cased text (`folded`, see _folded) rather than by trying the
    pattern at every character."""
    found = words_at_stems(_TABLE_CAPTION_HINT, text, folded, _TABLE_SCALE_STEMS)
    return next(found, None) is not None


_TABLE_SCALE_STEMS = (("million", (0,)), ("billion", (0,)), ("crore", (0,)), ("lakh", (0,)))


def _table_claims(a: _Article) -> list[Claim]:
    """Claims from trade tables flattened into the text (etl/text_tables.py): a row names the
    flow, a column the period, the caption the unit."""
    if not _says_a_table_scale(a.text, a.cue_text if a.folded else None):
        return []
    claims: list[Claim] = []
    for cell in table_cells(a.text)[:MAX_FIGURES_PER_ARTICLE]:
        row = _TABLE_ROW.match(cell.label)
        partners = a.countries_in(cell.row_start, cell.start)
        if row is None or len(partners) != 1 or not a.main:
            continue
        partner = partners[0].iso3
        reporter = next((c for c in a.main if c != partner), None)
        if reporter is None:
            continue
        if row.group("trade"):
            found = _Found(_pair(reporter, partner), TRADE_VOLUME, "", "", "table: trade with a partner")
        else:
            exporter, importer = (reporter, partner) if row.group("exp") else (partner, reporter)
            found = _Found(
                _pair(exporter, importer), EXPORTS, f"{exporter}->{importer}", "", "table: a flow's row"
            )
        span = (cell.start, cell.end)
        heading, row_span = (cell.period_start, cell.period_end), (cell.row_start, cell.row_end)
        claims.append(
            _table_claim(a, found, cell.value, cell.unit, span, heading, row_span, (reporter, partner))
        )
    return claims


def _pipe_cells_by_figure(text: str, money: list[Figure], percents: list[Figure]) -> dict[int, PipeCell]:
    """The pipe-table cell each figure fills on its own ("| $41.6 billion |"), by figure start."""
    cells = pipe_cells(text) if "|" in text else []
    if not cells:
        return {}
    by_start = {c.start: c for c in cells}
    return {
        f.start: by_start[f.start]
        for f in money + percents
        if f.start in by_start and by_start[f.start].end == f.end
    }


_SHARE_LABEL = re.compile(r"\b(?:percent(?:age)?|per\s+cent|share)\b", re.IGNORECASE)


def _pipe_cell_claim(a: _Article, fig: Figure, cell: PipeCell) -> list[Claim]:
    """A pipe table's cell whose row names a flow between two countries ("U.S. Exports to Mexico |
    $41.6 billion |", "Percentage of Mexico's Imports from the U.S. | 69% |"): that flow, or that
    import share, for the period its column's heading names. Other rows are no claim."""
    named = {c.iso3 for c in a.countries_in(cell.label_start, cell.label_end)}
    flows = _flows(a, cell.label_start, cell.label_end)
    if len(named) != 2 or len(flows) != 1:
        return []  # "U.S. Exports to Canada and Mexico": no one pair
    flow = flows[0]
    direction = f"{flow.exporter}->{flow.importer}"
    if fig.kind == "money":
        found = _Found(
            _pair(flow.exporter, flow.importer), EXPORTS, direction, flow.category, "table: a flow's row"
        )
    elif not flow.exporting and _SHARE_LABEL.search(a.text, cell.label_start, cell.label_end):
        found = _Found(
            _pair(flow.exporter, flow.importer), IMPORT_SHARE, direction, "", "table: an import share's row"
        )
    else:
        return []
    heading = (cell.heading_start, cell.heading_end)
    row = (cell.label_start, cell.end)
    # A column heading over rows of several pairs ("Before NAFTA (1993-1994)") is no one country's
    # fiscal year: it is read without a reporting country.
    unit = _unit(a, fig, found.pair)
    return [_table_claim(a, found, fig.value, unit, (fig.start, fig.end), heading, row, ())]


def _table_claim(
    a: _Article,
    found: _Found,
    value: float,
    unit: str,
    span: tuple[int, int],
    heading: tuple[int, int],
    row: tuple[int, int],
    countries: tuple[str, ...],
) -> Claim:
    """A table cell's claim: its row says what, its column's heading (text[heading]) when; the
    reporting country first in `countries` (its fiscal year reads the heading)."""
    phrase = next(iter(find_periods(a.text, *heading)), None) if heading[1] > heading[0] else None
    context = PeriodContext(countries=countries, iranian="IRN" in found.pair)
    span_of = resolve(phrase, a.published, context) if phrase else NO_PERIOD
    said = phrase.said if phrase else a.text[heading[0] : heading[1]].strip()
    return Claim(
        claim_id=f"{a.article_id}:{span[0]}", article_id=a.article_id, pair=found.pair,
        metric=found.metric, direction=found.direction, category=found.category, value=value, unit=unit,
        qualifier="exact", scope="", period=said,
        period_start=_iso(span_of.start), period_end=_iso(span_of.end), coverage=span_of.coverage, target_kind="",
        speaker="", quote=a.text[row[0] : row[1]].strip(), start=span[0], end=span[1],
        method=found.method, period_note=span_of.note if phrase else "",
    )  # fmt: skip


def _figures(text: str, folded: str | None) -> tuple[list[Figure], list[Figure], int]:
    """Money figures and percentages up to the article's limit, and where reading stops."""
    money = find_money(text, MAX_FIGURES_PER_ARTICLE + 1, folded)
    percents = find_percent(text, MAX_FIGURES_PER_ARTICLE + 1, folded)
    cut = len(text)
    for found in (money, percents):
        if len(found) > MAX_FIGURES_PER_ARTICLE:
            cut = min(cut, found[MAX_FIGURES_PER_ARTICLE].start)
    return [f for f in money if f.start < cut], [f for f in percents if f.start < cut], cut


def _past_limit(text: str, cut: int) -> tuple[Skipped, ...]:
    if cut >= len(text):
        return ()
    return (Skipped(cut, len(text), f"past the article's limit of {MAX_FIGURES_PER_ARTICLE:,} figures"),)


def _read_article(
    article_id: str,
    text: str,
    money: list[Figure],
    percents: list[Figure],
    list_intros: list[re.Match[str]],
    people: PeopleIndex | None,
    folded: str | None,
) -> tuple[_Article, list[Skipped]]:
    """Paragraphs, sentences (only where there are figures), countries and the work guards;
    `folded` is the text lower-cased as `_folded` gives it (None where it cannot be)."""
    paras = paragraphs(text)
    para_starts = [p.start for p in paras]
    # Only paragraphs holding a figure (or a list of categories) need splitting into sentences.
    anchors = sorted(
        [f.start for f in money] + [f.start for f in percents] + [m.start() for m in list_intros]
    )
    wanted = {bisect.bisect_right(para_starts, pos) - 1 for pos in anchors}
    # A figure's flow may be named a paragraph before it, and its speaker the paragraph after a lead.
    wanted |= {i - 1 for i in wanted if i > 0} | {i + 1 for i in wanted if i < 2}
    sents = sentences(text, paras, wanted)
    starts = [s.start for s in sents]
    skipped: list[Skipped] = []
    unread: set[int] = set()  # starts of sentences the rules do not read
    per_sentence: dict[int, int] = {}
    for pos in anchors:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and pos < sents[i].end:
            per_sentence[sents[i].start] = per_sentence.get(sents[i].start, 0) + 1
    budget = MAX_FIGURES_PER_ARTICLE
    for s in sents:
        n = per_sentence.get(s.start, 0)
        if not n:
            continue
        reason = ""
        if s.end - s.start > MAX_SENTENCE_CHARS:
            reason = f"too long to read ({s.end - s.start:,} characters; the limit is {MAX_SENTENCE_CHARS:,})"
        elif n > MAX_FIGURES_PER_SENTENCE:
            reason = f"too dense ({n:,} figures in one sentence; the limit is {MAX_FIGURES_PER_SENTENCE})"
        elif n > budget:
            reason = f"past the article's limit of {MAX_FIGURES_PER_ARTICLE:,} figures"
        if reason:
            unread.add(s.start)
            skipped.append(Skipped(s.start, s.end, reason))
        else:
            budget -= n
    # Where a paragraph's text begins, past its dateline: read only for paragraphs naming a country.
    body_start = functools.cache(lambda i: dateline_end(text, paras[i]))
    countries = [
        c for c in country_index().find(text)
        if c.start >= body_start(bisect.bisect_right(para_starts, c.start) - 1)
    ]  # fmt: skip
    # "500 million U.S. dollars": the country named inside a figure is its currency, not a party.
    money_starts = [f.start for f in money]

    def inside_figure(pos: int) -> bool:
        i = bisect.bisect_right(money_starts, pos) - 1
        return i >= 0 and pos < money[i].end

    countries = [c for c in countries if not inside_figure(c.start)]
    a = _Article(article_id, text, sents, starts, countries, main_pair(countries), None,
                 people or default_people(), para_starts, [c.start for c in countries],
                 folded or text, folded is not None, unread=unread,
                 money_ends=sorted(f.end for f in money), percents=percents,
                 percent_starts=[f.start for f in percents])  # fmt: skip
    return a, skipped


def _claim(a: _Article, fig: Figure, s: Sentence, lo: int, hi: int, found: _Found) -> Claim:
    """The claim for `fig` in clause [lo, hi) of sentence `s`, as a rule found it."""
    text = a.text
    phrase = _period(a, s, lo, hi, fig, target=found.metric == TRADE_TARGET)
    span = _when(a, s, found, phrase)
    if (
        (span.start is None or phrase is None)
        and a.last_span is not None
        and a.cue(_THIS_PERIOD).search(a.cue_text, s.start, s.end)
    ):
        phrase, span = a.last_span  # "during this period", "in the mentioned period": the one said before
    elif phrase is not None and a.last_span is not None and _within_reported(a, phrase, span):
        phrase, span = a.last_span
    if span.start is None:
        phrase, span = _sourced_after(a, s, found) or (phrase, span)
    # The period reported, for a later "this period": not a target's, nor one compared with.
    if span.start is not None and found.metric != TRADE_TARGET and not (phrase and phrase.compares):
        a.last_span = (phrase, span)
    return Claim(
        claim_id=f"{a.article_id}:{fig.start}", article_id=a.article_id, pair=found.pair,
        metric=found.metric, direction=found.direction, category=found.category, value=fig.value,
        unit=_unit(a, fig, found.pair), qualifier=_qualifier(a, fig, lo), scope=_scope(a, lo, hi, fig),
        period=phrase.said if phrase else "", period_start=_iso(span.start), period_end=_iso(span.end),
        coverage=span.coverage, target_kind=found.target_kind, speaker=a.speaker(s), quote=s.of(text),
        start=fig.start, end=fig.end, method=found.method, period_note=span.note if phrase else "",
    )  # fmt: skip


# A period named by reference to one said before.
def _sourced_after(a: _Article, s: Sentence, found: _Found) -> tuple[PeriodPhrase, Resolved] | None:
    """ "China is now Nigeria's leading source of imports, at $1.6bn. This is according to the
    trade statistics for the third quarter of 2016.": the next sentence gives the figure's source,
    and its period."""
    i = a.index_of(s) + 1
    if i >= len(a.sentences) or a.sentences[i].paragraph != s.paragraph:
        return None
    nxt = a.sentences[i]
    if not _SOURCE_FOLLOWS.match(a.text, nxt.start, nxt.end):
        return None
    for phrase in a.periods(nxt.start):
        if phrase.names_a_period:
            span = _when(a, nxt, found, phrase)
            if span.start is not None:
                return phrase, span
    return None


# A sentence that sources the one before: "This is according to ...", "The figures come from ...".
_SOURCE_FOLLOWS = re.compile(
    r"\W*(?:This|That)\s+(?:is|was)\s*+,?\s*+(?:based\s+on|according\s+to)\b"
    r"|\W*(?:These|The|This|That)\s+(?:figures?|data|numbers?|statistics)\s+(?:is|are|was|were|comes?|came|covers?)\b"
)


def _within_reported(a: _Article, phrase: PeriodPhrase, span: Resolved) -> bool:
    """ "the top partner over the reporting period of 2022" after "in January 2022": the
    period reported, named before, that lies within the year said."""
    last = a.last_span[1]
    return (
        span.start is not None
        and last.start is not None
        and span.start <= last.start <= last.end <= span.end
        and _REPORTING_PERIOD_OF.search(a.text, max(0, phrase.start - 40), phrase.start) is not None
    )


_REPORTING_PERIOD_OF = re.compile(
    r"\b(?:reporting|review|reviewed|surveyed)\s+period\s+(?:(?:of|in|for)\s+)?$", re.IGNORECASE
)
_THIS_PERIOD = re.compile(
    r"\b(?:this|that|the\s+same|the\s+(?:mentioned|said|reviewed|review|reporting|specified|above))\s+"
    r"(?:\w+-month\s+|\w+\s+months?\s+)?(?:period|time\s+span|timeframe|time\s+frame)\b(?!\s+(?:last|a\s+year|of\s+(?:last|the\s+previous)))",
    re.IGNORECASE,
)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


# "from about $9 billion", "up from $1.9 billion", "compared with $4 billion": the level a change
# starts from, which is current (or past) trade, never the target.
_BASELINE = re.compile(
    r"\b(?:from|up\s+from|down\s+from|compared\s+(?:with|to)|against|versus|vs\.?)\s+"
    r"(?:(?:about|around|some|roughly|approximately|nearly|almost|just|over|under|a\s+mere|only|the|an?|"
    r"current|present|existing|today's|its|their)\s+)*"
    r"(?:(?:levels?|value|volume|figure|level\s+of\s+trade)\s+of\s+)?$",
    re.IGNORECASE,
)
# "rising 30 percent to reach $77 billion", "grew by 26% in 2006 to hit": growth already seen, so
# the level is reached, not aimed at; "could only reach": a level that fell short.
_GROWTH_TO_REACH = re.compile(
    r"(?:\b(?:ris(?:ing|en)|rose|grew|grow(?:ing|n|th)|increas(?:ed|ing|e)|jump(?:ed|ing)?|climb(?:ed|ing)|rise|surge|"
    r"surg(?:ed|ing)|soar(?:ed|ing)|(?:fell|fall(?:ing|en))|declin(?:ed|ing)|dropp(?:ed|ing)|decreas(?:ed|ing))\b"
    r"(?:[^.;$€£¥]|(?<=\d)\.(?=\d)){0,50}?(?:per\s?cent|percent|%|fold|times)[^.;$€£¥]{0,40}?"
    r"\bto\s+(?:reach|hit|touch|stand\s+at|top|exceed|surpass|cross)\s+"
    r"|\bcould\s+only\s+(?:reach|hit|touch)\s+)(?:[a-z]+\s+){0,2}$",
    re.IGNORECASE,
)


def _grown_to(a: _Article, near: str) -> bool:
    """ "rising 30 percent to reach $77 billion": a level reached by growth; but "increased by 94
    percent and it is expected to cross $2 billion" looks ahead, past the growth. `near` is cut
    from `a.cue_text`."""
    grown = a.cue(_GROWTH_TO_REACH).search(near)
    return (
        grown is not None
        and a.cue(_FORECAST).search(grown.group()) is None
        and a.cue(_MODAL_BEFORE_VERB).search(grown.group(), 0, grown.group().lower().rfind("to ")) is None
    )


# "rose by $102 million, bringing the total to $350 million": the sum a change came to, not an aim.
_TOTAL_CAME_TO = re.compile(
    r"\b(?:bringing|taking|pushing|lifting|raising)\s+(?:the|its|their)\s+(?:total|tally|sum)\s+to\s+$",
    re.IGNORECASE,
)


def _running_total(a: _Article, tail: str) -> bool:
    """Whether the figure is the total a change just came to ("bringing the total to"), with no
    aim or modal said before the verb ("aims at bringing the total to" stays a target). `tail` is
    cut from `a.cue_text`."""
    m = a.cue(_TOTAL_CAME_TO).search(tail)
    if m is None:
        return False
    before = tail[: m.start()]
    return a.cue(_TARGET_MODAL).search(before) is None and not a.cue(_AIM_WORD).search(before)


_AIM_WORD = re.compile(r"\b(?:aim|target|goal|plan|seek|hope|want|intend)", re.IGNORECASE)


# "trade reached $5 billion", "stood at", "was": a level stated as reached, unless a modal or "to"
# comes right before the verb ("could hit", "to reach", "can be raised to").
_VOLUME_VERB = re.compile(
    r"(?<!\bto\s)(?<!\bbe\s)\b(?:reached|stood\s+at|stands\s+at|was|were|totall?ed|amounted\s+to|"
    r"amounts\s+to|rose\s+to|grew\s+to|increased\s+to|climbed\s+to|jumped\s+to|fell\s+to|dropped\s+to|"
    r"declined\s+to|decreased\s+to|registered|recorded|(?:is|are|was|were)\s+(?:worth|valued\s+at)|is|are|"
    r"has\s+been|had\s+been|came\s+to|"
    r"currently\s+stands\s+at|now\s+stands\s+at)\s+(?:(?:about|around|some|roughly|approximately|nearly|"
    r"almost|just|over|more\s+than|less\s+than|under|an\s+estimated|a\s+record|a\s+mere|only|up\s+to)\s+)*$",
    re.IGNORECASE,
)
_MODAL_BEFORE_VERB = re.compile(
    r"\b(?:will|would|could|can|should|shall|must|may|might|to|expected|projected|forecast|set|likely)\s+$",
    re.IGNORECASE,
)


_UP_TO_NEXT_FIGURE = re.compile(r"[,;]|\$|\d")  # what follows a figure, up to a comma or the next one


def _target_kind(a: _Article, fig: Figure, lo: int, hi: int) -> str:
    """Whether `fig` is a target, and of which kind: GOAL (someone aims at it: "aims to raise",
    "a target of", "can be raised to") or FORECAST (someone expects it: "is expected to reach",
    "could hit", "forecast to top"); "" when it is a level stated as reached or a baseline."""
    since = max(lo, a.money_end_before(fig.start), fig.start - 110)
    near = a.cue_text[since : fig.start]  # since the figure before it in the clause
    tail = near[-80:]
    if a.cue(_BASELINE).search(tail) or _grown_to(a, near[-140:]) or _running_total(a, tail):
        return ""  # "to $15 billion from about $9 billion now", "rising 30 percent to reach"
    verb = a.cue(_VOLUME_VERB).search(tail)
    if verb:
        subject = tail[max(0, verb.start() - 30) : verb.start()]
        if not a.cue(_TARGET_SUBJECT).search(subject) and not a.cue(_MODAL_BEFORE_VERB).search(
            tail[: verb.start()]
        ):
            return ""  # "which stood at $3 billion"; but "the target is $20 billion" stays a target
    window = a.cue_text[max(lo, fig.start - 110) : fig.start]
    after = _UP_TO_NEXT_FIGURE.split(a.cue_text[fig.end : hi], maxsplit=1)[0]
    noun = a.cue(_TARGET_NOUN)
    # Searched a little past the figure's start: "raising trade to $20 billion" looks ahead at its
    # sign, "to USD5 billion" at its three-letter code.
    ahead = min(hi, fig.start + 3)
    aimed = (
        noun.search(a.cue_text, since, ahead)
        or noun.search(after)
        or noun.search(a.cue_text, max(lo, fig.start - 110), ahead)
    )
    modal = _modal(a, since, fig.start) or _modal(a, max(lo, fig.start - 110), fig.start)
    if aimed and modal is None and _change_seen(a, aimed):
        aimed = None
    if not (aimed or modal):
        return ""
    forecast = a.cue(_FORECAST)
    if forecast.search(near) or forecast.search(after):
        return FORECAST
    if aimed or (modal and modal.group().lower().startswith("to")):
        return GOAL  # "aims to", "a target of", "signed a deal to reach"
    return GOAL if a.cue(_GOAL_MODAL).search(near or window) else FORECAST


# ", increasing from 170 million dollars to 4.6 billion dollars": a raising verb opening a clause
# after a comma and running from one figure to the next tells how a level changed, not an aim.
_CHANGE_CLAUSE = re.compile(r",\s*$")
_FROM_A_FIGURE = re.compile(r"\w+\s+from\s+(?:about\s+|around\s+|some\s+)?(?:\$|[A-Z]{3}\s?|€|£)?\d")


def _change_seen(a: _Article, aimed: re.Match[str]) -> bool:
    """Whether the aim found is only a participle of change after a comma ("exports have swelled,
    increasing from $170 million to $4.6 billion"); "aims at increasing trade from ..." has its aim
    word first and is not one."""
    start = aimed.start()
    return bool(
        _CHANGE_CLAUSE.search(a.text, max(0, start - 3), start)
        and _FROM_A_FIGURE.match(a.text, start, aimed.end())
    )


def _modal(a: _Article, lo: int, hi: int) -> re.Match[str] | None:
    """The first modal ("could", "is expected to") in text[lo:hi]; "May" written as the month ("in
    May it rose 3% reaching $281 million") is no modal."""
    for m in a.cue(_TARGET_MODAL).finditer(a.cue_text, lo, hi):
        if not a.text.startswith("May", m.start()):
            return m
    return None


_TARGET_SUBJECT = re.compile(r"\b(?:target|goal|objective|ambition|aim)s?\b", re.IGNORECASE)
_FORECAST = re.compile(
    r"\b(?:forecasts?|forecasted|predict(?:s|ed)?|projected|projections?|expected|expects?|likely|"
    r"poised|estimated\s+to|anticipated?|set\s+to\s+(?:reach|hit|top|exceed|surpass|grow))\b",
    re.IGNORECASE,
)
# "can be raised to", "should reach", "will boost ... to": someone means to get there.
_GOAL_MODAL = re.compile(
    r"\b(?:can|should|must|shall|(?:will|would)\s+(?:\w+\s+){0,3}?(?:raise|increase|boost|double|triple|lift|"
    r"expand|bring|take|push|elevate|enhance|achieve))\b",
    re.IGNORECASE,
)


def _named_target(text: str, fig: Figure, lo: int) -> bool:
    """ "the $10 billion target", "a target of $20 billion": a target by name."""
    return bool(re.match(r"\s*(?:trade\s+)?(?:target|goal)\b", text[fig.end : fig.end + 20])) or bool(
        re.search(r"\b(?:target|goal|objective)\s+of\s+$", text[max(lo, fig.start - 25) : fig.start])
    )


_STORY_PAIR_RULE = "flow: money + one side, the other from the story's pair"


def _within_pair_trade(claims: list[Claim]) -> list[Claim]:
    """Drops a flow whose partner was taken from the story's pair unless the story gives the pair's
    two-way trade, in its unit, above it: a country's trade with the world ("Iran's non-oil
    exports reached $40 billion" in a story of $12 billion Iran-Iraq trade) is bigger than its
    trade with one partner."""
    largest: dict[tuple[str, str], float] = {}
    for c in claims:
        if c.metric == TRADE_VOLUME:
            key = (c.pair, c.unit)
            largest[key] = max(largest.get(key, 0.0), c.value)
    return [c for c in claims if c.method != _STORY_PAIR_RULE or c.value < largest.get((c.pair, c.unit), 0.0)]


def _money_claim(
    a: _Article, fig: Figure, s: Sentence, lo: int, hi: int, trade_sentences: dict[int, str]
) -> _Found | None:
    """What a money figure is: a one-way flow, a two-way volume or target, or no claim at all."""
    text = a.text
    if not _a_level_of_trade(a, fig, lo, hi):
        return None
    flows = _flows(a, lo, hi)
    d_trade = _nearest(a, _TRADE, lo, hi, fig)
    d_flow = min((_flow_gap(a, f, fig) for f in flows), default=None)
    d_other = _nearest(a, _NOT_TRADE_MONEY, lo, hi, fig)
    kind = _target_kind(a, fig, lo, hi)
    listed = _listed_country(a, fig, lo)
    cues = [d for d in (d_trade, d_flow) if d is not None]
    if _place_flow_nearer(a, lo, hi, fig, cues):
        return None  # "with Bali exporting over $60 million of goods to Japan": a province's trade
    if d_flow is None and (_world_trade(a, lo, hi) or _world_right_before(a, lo, fig) or _own_trade(a, s)):
        return None  # one country's trade with the world, or with a bloc: not a pair's figure
    context: Sentence | None = s  # the sentence whose countries say which pair the figure is about
    inherited = ""
    # "the $10 billion target", "a target of $20 billion": a target in a trade story, even where
    # its sentence does not say "trade" again.
    if not cues and _named_target(text, fig, lo) and d_other is None and a.mentions_trade:
        cues = [0]
    if not cues and d_other is None and (ranked := _ranked_partner(a, s, fig, listed)) is not None:
        if ranked:  # "Japan was Australia's second largest two-way trade partner ($58.9 billion)"
            return _Found(ranked, TRADE_VOLUME, "", "", "volume: money + ranked trade partner")
        cues = [0]  # "... followed by the United States ($48.9 billion)": the list after a ranking
    if not cues and d_other is None:
        item = _list_item(a, fig, s, lo)
        if item is not None:
            return (
                item  # "... exported items to Iraq included watermelons ($46 million), tiles ($12 million)"
            )
    if listed and d_flow is None and kind == "" and (half := _half_flow(a, s, fig)) is not None:
        # "the countries that imported most from China were Nigeria $23 billion, Egypt $18 billion"
        exporter, importer = (half.exporter or listed, half.importer or listed)
        if exporter != importer:
            return _Found(_pair(exporter, importer), EXPORTS, f"{exporter}->{importer}", half.category,
                          "flow: money + partner listed")  # fmt: skip
    if not cues and a.cue(_FLOW_WORD).search(a.cue_text, lo, hi):
        return None  # "imports rose to $380bn": one country's total, no partner named
    if not cues:
        # The clause names no trade, but its sentence or the one before does:
        # "..., but the goal is to reach $30 billion"; "It now stands at $85 billion."
        if d_other is not None:
            return None
        if (went_on := _flow_went_on(a, s, fig, lo, hi)) is not None:
            flows, d_flow, d_trade = [went_on], 0, None  # "...; in February it was up to $287m"
        elif not a.has_trade(s.start, s.end):
            if not a.cue(_ANAPHORA).search(a.cue_text, lo, hi):
                return None
            i = a.index_of(s)
            # The sentence before, in this paragraph or closing the one before it: a quote
            # paragraph often follows the figure it talks about ("double this figure to ...").
            earlier = [p for p in a.sentences[max(0, i - 2) : i] if s.paragraph - p.paragraph <= 1]
            context = next((p for p in reversed(earlier) if a.has_trade(p.start, p.end)), None)
            if context is None:
                return None
            inherited = trade_sentences.get(context.start, "")
        elif d_flow is None and _trade_of_no_pair(a, s, fig):
            return None  # "the balance of foreign trade ..., rising from $10.5 billion"
    elif d_other is not None and d_other < min(cues):
        return None
    if d_flow is not None and (d_trade is None or d_flow <= d_trade):
        nearest_flow = min(flows, key=lambda f: _flow_gap(a, f, fig))
        return _one_way(a, s, fig, nearest_flow, listed, kind)
    return _two_way(a, s, fig, lo, hi, listed, kind, context, inherited)


def _a_level_of_trade(a: _Article, fig: Figure, lo: int, hi: int) -> bool:
    """Whether a money figure in clause [lo, hi) may be a level of trade at all: not a price, a
    change, a rate, a surplus or three countries' trade."""
    text = a.cue_text  # the case-blind patterns below run as their plain twins where it is lower-cased
    if fig.value < 1_000:
        return False  # "$16", "$3" (a "$3b" run into the next word): no country trades that little
    if a.cue(_PRICE).match(text, fig.end, min(hi, fig.end + 30)):
        return False  # "$16 per barrel": a price
    if a.cue(_SURPLUS_SUBJECT).search(text, lo, fig.start):
        return False  # "Japan's trade surplus, the difference between what it exports and imports, hit ..."
    if a.cue(_CHANGE_BY).search(text, max(lo, fig.start - 90), fig.start) or a.cue(_NOT_A_LEVEL_AFTER).match(
        text, fig.end, hi
    ):
        return False  # "increased by $102 million", "$31bn more than", "$2bn per day", "of extra trade"
    if a.cue(_TRILATERAL).search(text, lo, hi):
        return False  # "trilateral trade between Canada, the U.S. and Mexico"
    # "an average $25 million were exported per day": a rate
    return not (
        a.cue(_DAILY).search(text, fig.end, min(hi, fig.end + 60))
        or a.cue(_DAILY).search(text, max(lo, fig.start - 20), fig.start)
    )


def _one_way(
    a: _Article, s: Sentence, fig: Figure, flow: _Flow, listed: str | None, kind: str
) -> _Found | None:
    """The claim of a money figure whose nearest cue is a flow ("Iran's exports to Iraq"): an
    exports claim, or a one-way target when someone aims at it."""
    text = a.text
    flow = _partner_of_figure(a, flow, fig)
    if flow.end <= fig.start and _TOTAL_FLOW.search(text, flow.end, fig.start):
        return None  # "... largest supplier, adding that Afghanistan's total imports were $7.8bn"
    if listed and listed not in (flow.exporter, flow.importer):
        flow = _listed_partner(a, flow, fig, listed)
    direction = f"{flow.exporter}->{flow.importer}"
    item = _item_before(text, s, fig)
    if item and flow.end <= item.start("item") and not a.countries_in(item.start("item"), fig.start):
        flow = flow._replace(
            category=item.group("item").strip(" ,").lower()
        )  # "... included cement ($40 million)"
    if kind:  # "raise exports to Iraq to $10 billion": a one-way target
        return _Found(_pair(flow.exporter, flow.importer), TRADE_TARGET, direction, "",
                      "target: money + one-way flow + aim", kind)  # fmt: skip
    return _Found(
        _pair(flow.exporter, flow.importer),
        EXPORTS,
        direction,
        flow.category,
        _STORY_PAIR_RULE if flow.assumed else "flow: money + exporter/importer",
    )


def _two_way(
    a: _Article, s: Sentence, fig: Figure, lo: int, hi: int, listed: str | None, kind: str,
    context: Sentence | None, inherited: str,
) -> _Found | None:  # fmt: skip
    """The claim of a money figure of two-way trade: a volume, or a target when someone aims at it,
    for the pair its clause, its sentence or the sentence it refers back to (`context`) names."""
    mentions = a.countries_in(lo, hi)
    if listed and len({c.iso3 for c in a.countries_in(s.start, s.end)}) >= 3:
        anchor = _list_anchor(a, s, listed)
        if anchor:
            pair = _pair(anchor, listed)  # "followed by Russia ($128.6 million) and Azerbaijan (...)"
            metric = TRADE_TARGET if kind else TRADE_VOLUME
            return _Found(pair, metric, "", "", "volume: money + partner listed", kind)
    if len({c.iso3 for c in mentions}) < 2:
        mentions = a.countries_in(s.start, s.end)
    if context is not None and context is not s and len({c.iso3 for c in mentions}) < 2:
        mentions = a.countries_in(context.start, context.end) + mentions
    pair = (
        inherited
        or (len({c.iso3 for c in mentions}) > 2 and _with_pair(a, s, fig))
        or _pair_from(a, mentions, fig)
    )
    if not pair or "-" not in pair:
        return None
    metric = TRADE_TARGET if kind else TRADE_VOLUME
    rule = "target: money + trade + aim" if kind else "volume: money + trade"
    if context is not s:
        rule += " (figure refers back to the previous sentence)"
    return _Found(pair, metric, "", "", rule, kind)


# "the balance of foreign trade turnover": a trade word that names a balance, not trade itself.
_BALANCE_OF = re.compile(
    r"\b(?:balance|surplus|deficit)\s+of\s+(?:(?:the|its|their|foreign|external|total)\s+)*trad",
    re.IGNORECASE,
)


def _trade_of_no_pair(a: _Article, s: Sentence, fig: Figure) -> bool:
    """Whether the trade a figure's sentence speaks of, outside the figure's clause, is no pair's:
    three countries' ("trilateral trade between Canada, the U.S. and Mexico hit ..."), a balance
    ("the balance of foreign trade ... rising from $10.5 billion") or one country's with the world."""
    return (
        _TRILATERAL.search(a.text, s.start, s.end) is not None
        or _BALANCE_OF.search(a.text, s.start, fig.start) is not None
        or _world_trade(a, s.start, s.end)
    )


def _flow_went_on(a: _Article, s: Sentence, fig: Figure, lo: int, hi: int) -> _Flow | None:
    """ "Pakistan's exports to China rose to $382m in January; in February it was up to $287m": a
    clause that names no trade, no country and no flow, but says "it", goes on about the last flow
    of its sentence, when no trade word stands between them."""
    if lo <= s.start or a.countries_in(lo, hi) or not a.cue(_ANAPHORA).search(a.cue_text, lo, fig.start):
        return None
    before = _flows(a, s.start, lo)
    if not before or a.first_trade(before[-1].end, lo) is not None:
        return None
    return before[-1]


# "increased by $102 million", "boost trade by £10 billion": a change, not a level.
_CHANGE_BY = re.compile(
    r"\b(?:increas\w*|ris(?:e|es|en|ing)|rose|gr[eo]w\w*|jump\w*|climb\w*|boost\w*|rais\w*|expand\w*|"
    r"fell|fall\w*|drop\w*|declin\w*|decreas\w*|shrank|shrink\w*|up|down|higher|lower)\b"
    r"(?:\s+[\w’'-]+){0,6}?\s+by\s+(?:(?:about|around|some|over|nearly|almost|more\s+than|less\s+than|just|only|"
    r"an\s+estimated|roughly|approximately)\s+)?$",
    re.IGNORECASE,
)
# After a figure: a difference ("more than its exports"), a rate ("per day"), an increment ("of
# extra trade"): none is a level of trade.
_NOT_A_LEVEL_AFTER = re.compile(
    # past a conversion in brackets: "£1 billion (US$1.4 billion) of extra trade"
    r"\s*\)?\s*(?:\([^()]{0,40}\)\s*)?(?:(?:more|less|higher|lower)\s+than\b|(?:per|a|each|every)\s+(?:day|week|hour|minute)\b|"
    r"of\s+(?:extra|additional|new|further)\s+(?:trade|exports|imports|business)\b|"
    r"in\s+(?:exports|imports)\b)",
    re.IGNORECASE,
)
# "... adding that Afghanistan's total imports were $7.8bn". Not after "of": "accounting for 8.3
# percent of total exports" says the flow's part of the total, and the flow's own figure follows.
_TOTAL_FLOW = re.compile(
    r"(?<!\bof\s)(?<!\bof\sthe\s)"
    r"\b(?:total|overall|global|worldwide|aggregate)\s+(?:[a-z-]+\s+)?(?:imports|exports|purchases|sales)\b",
    re.IGNORECASE,
)
_DAILY = re.compile(
    r"\b(?:per|a|each|every)\s+(?:day|week)\b|\bdaily\b|\ban\s+average\s+(?:of\s+)?$", re.IGNORECASE
)
_TRILATERAL = re.compile(r"\b(?:trilateral|multilateral|three-way)\b", re.IGNORECASE)
_PRICE = _CUES["price"]
_SURPLUS_SUBJECT = re.compile(
    r"\b(?:trade\s+)?(?:surplus|deficit)\b(?:\s+(?:with|of|in)\s+[^,;.]{0,40}?)?\s*(?:,[^,;]{0,90},\s*)?"
    r"(?:[a-z]+\s+){0,3}$",
    re.IGNORECASE,
)
# Case-blind patterns the rules run for every figure, on `cue_text` (see _plain_twin).
_TWINS.update(
    (id(p), (p, _plain_twin(p)))
    for p in (
        _GROWTH_TO_REACH, _FORECAST, _MODAL_BEFORE_VERB, _TOTAL_CAME_TO, _AIM_WORD, _BASELINE, _VOLUME_VERB,
        _TARGET_SUBJECT, _GOAL_MODAL, _PRICE, _SURPLUS_SUBJECT, _CHANGE_BY, _NOT_A_LEVEL_AFTER, _TRILATERAL,
        _DAILY, _TABLE_CAPTION_HINT, _THIS_PERIOD, _COMPARED_WITH, _FROM, _FROM_IN_PHRASE, _PERCENT_BEFORE,
        _GROUP_PARTNER, _TWO_WAY_AFTER, _TWO_WAY_BEFORE, _THE_KINGDOMS, _IT_BEFORE, _WORLD_FLOW, _MARKET,
    )
)  # fmt: skip
# "Japan at $50 billion", "France (170.1 billion euros)", "Nigeria $23 billion": a country right
# before a figure, in a list of partners.
_LISTED_GAP = re.compile(
    r"\s*(?:['’]s)?\s*,?\s*(?:\(\s*|at\s+|with\s+|:\s*|[-–—]\s*)?(?:(?:about|around|some|over|nearly|almost|"
    r"roughly|approximately|more\s+than|less\s+than|just\s+over|just\s+under|in\s+excess\s+of)\s+)?"
)


def _listed_partner(a: _Article, flow: _Flow, fig: Figure, listed: str) -> _Flow:
    """The flow for a partner listed by its figure: "exports to Japan at $50 billion, South Korea
    $21 billion" (Korea takes Japan's side), "the countries that imported most from China were
    Nigeria $23 billion, South Africa $21 billion" (South Africa takes Nigeria's side): the listed
    country takes the side of the country named last before it."""
    sides = [
        c.iso3 for c in a.countries_in(flow.start, fig.start) if c.iso3 in (flow.exporter, flow.importer)
    ]
    side = sides[-1] if sides else (flow.importer if flow.exporting else flow.exporter)
    leader = _ranking_leader(a, flow, fig)
    if leader is not None:
        side = leader
    return flow._replace(importer=listed) if side == flow.importer else flow._replace(exporter=listed)


_FOLLOWED_BY = re.compile(r"\bfollowed\s+by\b", re.IGNORECASE)


def _ranking_leader(a: _Article, flow: _Flow, fig: Figure) -> str | None:
    """ "Turkey remained Georgia's main partner by imports, followed by Russia ($85.9 million)": the
    countries after "followed by" take the side of the sentence's subject, the one they follow."""
    s = a.sentence_at(fig.start)
    if s is None or not _FOLLOWED_BY.search(a.text, max(s.start, flow.end), fig.start):
        return None
    first = a.countries_in(s.start, fig.start)[:1]
    return first[0].iso3 if first and first[0].iso3 in (flow.exporter, flow.importer) else None


def _listed_country(a: _Article, fig: Figure, lo: int) -> str | None:
    """The country named right before a figure, as in a list of partners, if any."""
    mentions = a.countries_in(max(lo, fig.start - 40), fig.start)
    if mentions and _LISTED_GAP.fullmatch(a.text, mentions[-1].end, fig.start):
        return mentions[-1].iso3
    return None


def _half_flow(a: _Article, s: Sentence, fig: Figure) -> _Flow | None:
    """The flow naming one side that a listed partner completes: the last before the figure."""
    _flows(a, s.start, fig.start)
    halves = a._half_flows.get((s.start, fig.start), [])
    return halves[-1] if halves else None


def _ranked_partner(a: _Article, s: Sentence, fig: Figure, listed: str | None) -> str | None:
    """For a figure in brackets right after "trade partner", the pair of the ranking: the country
    in the possessive ("Australia's") and the other country before it, the sentence's subject; ""
    for a partner listed by its figure after such a ranking ("followed by the United States
    ($48.9 billion)"), which the list rules pair; None for any other figure."""
    spans = [sp for sp in a.spans(_RANKED_PARTNER, s.start) if sp[1] <= fig.start]
    if not spans:
        return None
    start, end = spans[-1]
    if a.text[end : fig.start].strip():
        return "" if listed else None
    before = a.countries_in(s.start, start)
    owner = next((c for c in reversed(before) if a.text.startswith(("’s", "'s"), c.end)), None)
    subject = next((c for c in before if owner is not None and c.iso3 != owner.iso3), None)
    return _pair(owner.iso3, subject.iso3) if owner and subject else None


def _list_anchor(a: _Article, s: Sentence, listed: str) -> str | None:
    """The country a list of partners is about: "Georgian" in "the top Georgian trade partner,
    followed by Russia (...)", "Australia's" in "Australia's partners": a possessive or demonym not
    in the list, else the first country of the sentence that is not listed."""
    candidates = []
    for c in a.countries_in(s.start, s.end):
        if c.iso3 == listed:
            continue
        following = a.text[c.end : c.end + 3]
        if c.kind == "demonym" or following.startswith(("’s", "'s")):
            return c.iso3
        candidates.append(c.iso3)
    return candidates[0] if candidates else None


# "watermelons ($46 million)", "Passenger cars: $105.4 million", "iron bars with $23 million": a
# figure attached to the goods it is for, in a list.
_ITEM = (
    r"(?P<item>[A-Za-z][\w&’'-]*(?:[ ,][A-Za-z&][\w&’'-]*){0,6}?)\s*(?:\(\s*|:\s*|\s+with\s+|\s+worth\s+)"
    r"(?:(?:over|about|around|nearly|some|almost|more\s+than)\s+)?$"
)
_ITEM_BEFORE = re.compile(
    r"(?:^|[,;:(\n•-]|\band\b|\bfollowed\s+by\b|\bincluded?\b|\bincluding\b)\s*" + _ITEM
)
_ITEM_OPENING = re.compile(_ITEM)


def _item_before(text: str, s: Sentence, fig: Figure) -> re.Match[str] | None:
    """The goods a figure is attached to, in a list: after a list mark, or opening the figure's
    sentence ("Passenger cars: $105.4 million" on a line of its own under a heading)."""
    lo = max(s.start, fig.start - 70)
    found = _ITEM_BEFORE.search(text, lo, fig.start)
    if found is None and lo == s.start:
        found = _ITEM_OPENING.match(text, lo, fig.start)
    return found


# A list's heading: "Goods from Turkey:", "The largest product groups are as follows:".
_ITEM_HEADING = re.compile(
    r"\b(?:goods|products|items|commodities|exports|imports)\s+(?P<prep>from|to)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _list_item(a: _Article, fig: Figure, s: Sentence, lo: int) -> _Found | None:
    """A figure for one kind of goods in a list under a flow ("the major exported items to Iraq
    included watermelons ($46 million)"): a category-level flow."""
    text = a.text
    item = _item_before(text, s, fig)
    if item is None:
        return None
    category = item.group("item").strip(" ,")
    if a.countries_in(item.start("item"), fig.start) or len(category) < 3:
        return None  # "Russia ($128.6 million)": a partner, not goods
    if _OWN_TOP_GOODS.search(text, s.start, fig.start):
        return None  # "Australia's top three exports were coal (...), iron ore (...)": to the world
    flow = _previous_flow(a, fig.start) or _heading_flow(a, s)
    if flow is None:
        return None
    direction = f"{flow.exporter}->{flow.importer}"
    return _Found(_pair(flow.exporter, flow.importer), EXPORTS, direction, category.lower(),
                  "flow: money + goods listed under a flow")  # fmt: skip


def _heading_flow(a: _Article, s: Sentence) -> _Flow | None:
    """The flow a list's heading names ("Goods from Turkey:") for the lines under it."""
    start = a.paragraph_starts[s.paragraph]
    window = a.text[max(0, start - 600) : start]
    lines = [ln.strip() for ln in window.splitlines() if ln.strip()]
    lines = lines[-12:]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if not line.endswith(":"):
            continue
        pos = a.text.rfind(line, 0, start)
        mentions = a.countries_in(pos, pos + len(line))
        if not mentions and i > 0:
            return _lead_line_flow(a, lines[i - 1], pos)
        if len(mentions) != 1 or len(a.main) != 2 or mentions[0].iso3 not in a.main:
            return None
        heading = _ITEM_HEADING.search(a.text, pos, mentions[0].start)
        if heading is None:
            return None
        return _side_flow(a, mentions[0].iso3, heading.group("prep").lower() == "to", pos, len(line))
    return None


def _side_flow(a: _Article, partner: str, exporting: bool, pos: int, length: int) -> _Flow:
    """The flow between the article's other country and `partner`, outward when `exporting`."""
    reporter = next(c for c in a.main if c != partner)
    if exporting:
        return _Flow(pos, pos + length, reporter, partner, "", True)
    return _Flow(pos, pos + length, partner, reporter, "", False)


# "In terms of exports, Turkey is the fifth largest partner": the line that leads into a heading
# naming no country ("The largest product groups are as follows:") says whose goods are listed.
_LEAD_FLOW_WORD = re.compile(r"\b(?P<flow>export|import)s?\b", re.IGNORECASE)


def _lead_line_flow(a: _Article, lead: str, heading_pos: int) -> _Flow | None:
    """The flow a country-less heading's lead line names: one flow word, then one of the
    article's two countries as the partner (the other may be named in the possessive: "Armenia's
    second largest market")."""
    pos = a.text.rfind(lead, 0, heading_pos)
    mentions = a.countries_in(pos, pos + len(lead)) if pos >= 0 else []
    partners = {c.iso3 for c in mentions if not a.text.startswith(("’s", "'s"), c.end)}
    if len(a.main) != 2 or len(partners) != 1 or not {c.iso3 for c in mentions} <= set(a.main):
        return None
    partner = next(c for c in mentions if c.iso3 in partners)
    words = {w.lower() for w in _LEAD_FLOW_WORD.findall(a.text, pos, partner.start)}
    if len(words) != 1:
        return None
    return _side_flow(a, partner.iso3, words == {"export"}, heading_pos, len(lead))


# "..., to China $4.4 billion and to the UAE $3.2 billion": a partner named between the flow and
# the figure, after "to" (or "from" for imports), takes the place of the flow's own partner.
_TO_PARTNER = re.compile(r"\b(?:to|into)\s+(?:the\s+)?$")
_FROM_PARTNER = re.compile(r"\bfrom\s+(?:the\s+)?$")


def _partner_of_figure(a: _Article, flow: _Flow, fig: Figure) -> _Flow:
    """The flow as it applies to `fig`: with the partner named last before the figure."""
    if fig.start <= flow.end:
        return flow
    between = a.countries_in(flow.end, fig.start)
    for c in reversed(between):
        gap = a.text[max(flow.end, c.start - 12) : c.start]
        if _TO_PARTNER.search(gap) and c.iso3 != flow.exporter:
            return flow._replace(importer=c.iso3)
        if _FROM_PARTNER.search(gap) and c.iso3 != flow.importer:
            return flow._replace(exporter=c.iso3)
    return flow


_IMPORT_SHARE_AFTER = re.compile(
    r"\s+of\s+(?:the\s+)?(?:value\s+of\s+(?:the\s+)?)?(?:total\s+|overall\s+)?(?:goods\s+)?"
    r"(?:(?P<c1>[\w’' .-]+?)['’]s\s+(?:total\s+|overall\s+|annual\s+|non-oil\s+)?imports?\b|"
    r"imports?\s+(?:of|by|into|to)\s+(?P<c2>[\w .-]+))"
)
# A share of one product's imports ("35 percent of India's crude oil imports") is an import_share
# with the product as its category (see _of_goods_imports), never a share of all imports.
# "of total imports", "of the total imports": the importer is the flow the sentence is about.
_TOTAL_IMPORTS_AFTER = re.compile(
    r"\s+of\s+(?:the\s+)?(?:total|overall|all)\s+(?:[a-z][\w-]*\s+){0,2}?imports?\b"
)
_IMPORT_SHARE_BEFORE = re.compile(
    r"\bshare\s+(?:of|in)\s+(?:the\s+)?(?P<c>[\w’' .-]+?)['’]s\s+(?:total\s+)?imports?\b"
)
_ELLIPTICAL_SHARE = re.compile(
    r"(?:\bfollowed\s+by\s+((?:[a-z][\w-]*\s+){0,4}[a-z][\w-]*)|(?:\band\s+|,\s*)((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*))"
    r"\s+(?:for|at|with)\s+(?:about\s+|around\s+|some\s+)?$"
)


def _share_claim(
    a: _Article, fig: Figure, s: Sentence, lo: int, hi: int, lists: list[tuple[int, str, str, list[str]]]
) -> _Found | None:
    """What a percentage is: a share of a country's imports, a category's share of a flow, or
    no claim (growth rates, tariffs, anything else)."""
    text = a.text
    after = text[fig.end : min(hi, fig.end + 80)]
    imp = _IMPORT_SHARE_AFTER.match(after)
    imp_before = _IMPORT_SHARE_BEFORE.search(text, max(lo, fig.start - 200), fig.start)
    flow_share = imp is not None and re.match(r"\s+from\b", after[imp.end() :]) is not None
    if (imp or imp_before) and not flow_share:
        span = (fig.end, fig.end + imp.end()) if imp else imp_before.span()
        found = _import_share(a, fig, s, lo, hi, span)
        if found is not None:
            return found
    if (goods := _of_goods_imports(a, fig, s)) is not None:
        # "35 percent of India's crude oil imports": a share of one product's imports, with the
        # product as its category (never a share of all of India's imports)
        return _import_share(a, fig, s, lo, hi, goods[1], goods[0])
    if (sourced := _sourced_share(a, fig, s, lo)) is not None:
        return sourced  # "Russia's share of wheat supplies to Egypt", "sources 17% of its F&B from Brazil"
    if _TOTAL_IMPORTS_AFTER.match(text, fig.end, hi):
        # "Georgian imports from Turkey, accounting for 18% of total imports"; "imports from
        # Russia accounted for 13.6% of total imports" in a story about Georgia's trade
        flow = _flow_context(a, s, fig.start) or _reporter_completes(a, s, _half_flow(a, s, fig))
        if flow is not None:
            exporter, importer = flow
            return _Found(_pair(exporter, importer), IMPORT_SHARE, f"{exporter}->{importer}", "",
                          "share: percent of a country's imports, from its flow")  # fmt: skip
    if _is_a_rate(text, fig, s) or _TOTAL_EXPORTS_AFTER.match(text, fig.end, hi):
        return None  # "fell by 10.3 percent", "a 25% growth"; "8 percent of total exports"
    named = _flow_named_after(a, fig, hi)  # "29.6 per cent of Kenya's exports to the country"
    share_of = ""
    # "with soybeans accounting for 33% and crude oil for 21%": the second share's category is
    # the phrase just before it.
    elliptical = _ELLIPTICAL_SHARE.search(text, max(lo, fig.start - 120), fig.start)
    verb = a.cue(_SHARE_VERB).search(a.cue_text, lo, fig.start)
    if elliptical and verb and verb.end() < elliptical.start():
        category = elliptical.group(1) or elliptical.group(2)
    elif verb is not None and (share_of := _share_of_category(text, verb.start(), fig.start)):
        category = share_of  # "the share of petroleum products declined from 90 per cent"
    elif verb is not None:
        category = (
            _share_subject(text, lo, verb.start())
            or _flow_subject_category(a, lo, verb.start())
            or _any_subject(text, lo, verb.start())
            or _opening_subject(a, s, verb.start())
        )
    elif of_flow := _SHARE_OF_FLOW.match(text, fig.end, hi):
        category = of_flow.group("category")  # "70 % of it was machinery"
    elif (held := _share_in_category(text, fig, s)) is not None:
        category = held  # "with 98% being mineral fuels", "included 35% in machinery"
    elif (item := _share_list_item(a, fig, s)) is not None:
        category = item  # "key exports include coffee (15 per cent), cut flowers (14 per cent)"
    elif named is not None and (said := _CATEGORY_AFTER_FLOW.match(text, named.end, hi)):
        category = said.group("category").lower()  # "85 per cent of India's exports to Iran are rice"
    elif named is not None:
        category = (
            _any_subject(text, lo, fig.start) or named.category
        )  # "85 per cent of India's rice exports"
    else:
        return None
    if named is not None and not category:
        category = named.category
    if not category:
        return None
    share_flow = (named.exporter, named.importer) if named is not None else _flow_context(a, s, fig.start)
    if share_flow is None and share_of:
        share_flow = _story_flow(a, s, fig.start)  # "... petroleum imports. The share of petroleum ..."
    known = [item for pos, ex, im, items in lists if pos <= s.start for item in items]
    if share_flow is None and lists:
        share_flow = (lists[-1][1], lists[-1][2])
    if share_flow is None:
        return None
    exporter, importer = share_flow
    return _Found(
        _pair(exporter, importer), CATEGORY_SHARE, f"{exporter}->{importer}",
        _category_name(category, known), "share: category accounting for percent",
    )  # fmt: skip


# A percentage that is a change, not a part: "fell by 10.3 percent", "up 5%", "a 25% growth",
# "(+20.0%)".
_RATE_BEFORE = re.compile(
    r"(?:\b(?:by|(?<!make\s)(?<!makes\s)(?<!made\s)(?<!making\s)up|down|rose|fell|grew|jumped|surged|climbed|dropped|declined|increased|decreased|"
    r"(?:increase|decrease|rise|growth|drop|gain|decline)\s+of)\s+(?:(?:about|around|nearly|almost|over|"
    r"some|just|more\s+than)\s+)?|[+\u2212]\s*)$",
    re.IGNORECASE,
)
_RATE_AFTER = re.compile(
    r"\s*(?:growth|increase|rise|decline|drop|jump|gain|hike|fall|more|less|higher|lower|"
    r"year[- ]on[- ]year|y/y)\b",
    re.IGNORECASE,
)
# "8.3 percent of total exports", "5.9 percent of New Zealand's total exports": a destination's
# part of all of a country's exports, which the contract does not record (it is no category's).
_TOTAL_EXPORTS_AFTER = re.compile(
    r"\s+of\s+(?:the\s+)?(?:(?:[A-Z][\w-]*\s+){0,2}[\w-]+['’]s\s+)?(?:total|overall|all|foreign)\s+"
    r"(?:[a-z-]+\s+)?(?:exports|shipments|sales)\b(?!\s+(?:to|from|into)\b)"
)


def _is_a_rate(text: str, fig: Figure, s: Sentence) -> bool:
    """Whether a percentage is a change (growth, fall) rather than a part of something."""
    return bool(
        _RATE_BEFORE.search(text, max(s.start, fig.start - 25), fig.start)
        or _RATE_AFTER.match(text, fig.end, s.end)
    )


def _flow_named_after(a: _Article, fig: Figure, hi: int) -> _Flow | None:
    """The flow a percentage is a share of, named right after it: "80% of Brazilian exports to
    China", "93 percent of Iran's exports to South Korea"."""
    of = re.match(r"\s+of\s+(?:the\s+|all\s+|total\s+)*", a.text[fig.end : min(hi, fig.end + 20)])
    if of is None:
        return None
    start = fig.end + of.end()
    for f in _flows(a, start, hi):
        if f.start - start > 30:
            break
        # The partner must be named in the phrase: "of Iran's crude exports" (without one) is an
        # export destination's share, which the contract does not record.
        if re.search(r"\b(?:to|from|into)\b|-bound\b", a.text[f.start : f.end]):
            return f
    return None


# "with 98% being mineral fuels", "0.7% was in textile yarn", "included 35% in machinery, 20% in
# vehicles": the goods a share of a flow is held in, named right after it. A bare "in" only after a
# word that lists parts ("included", "comprising") or a share said so just before, since "20% in
# 2019" or "5% in value" are not.
_SHARE_IN_AFTER = re.compile(
    r"\s+(?:(?P<held>being|(?:was|were|is|are)\s+in)|in)\s+"
    r"(?P<category>[a-z][\w&-]*(?:\s+(?:and\s+)?[a-z&][\w&-]*){0,5}?)(?=\s*(?:[,.;)]|$|such\s+as\b|and\s+\d))"
)
_PARTS_BEFORE = re.compile(
    r"\b(?:includ(?:ed|ing|es?)|compris(?:ed|ing|es?)|consist(?:ed|ing|s)?\s+of)\b"
    r"|\d\s*(?:%|per\s?cent|percent)\s+(?:(?:was|were|is|are)\s+)?in\s+[a-z]",
    re.IGNORECASE,
)
_NOT_GOODS = frozenset(
    """the a an its their this that these those value volume terms real nominal dollar dollars annual
    comparison total year years growth line one all each both number share global world worldwide
    international""".split()
)


def _share_in_category(text: str, fig: Figure, s: Sentence) -> str | None:
    """The goods a percentage is said to be in, right after it; None if it is not said so."""
    m = _SHARE_IN_AFTER.match(text, fig.end, s.end)
    if m is None or m.group("category").split()[0] in _NOT_GOODS:
        return None
    if m.group("held") is None and not _PARTS_BEFORE.search(text, max(s.start, fig.start - 150), fig.start):
        return None
    return m.group("category")


def _share_list_item(a: _Article, fig: Figure, s: Sentence) -> str | None:
    """ "coffee (15.3 per cent)": a percentage in brackets right after the goods it is the share
    of, in a list; not after a country ("Nigeria (16 percent)") or a change ("rose (5%)")."""
    text = a.text
    bracketed = re.search(r"\(\s*$", text[fig.start - 3 : fig.start]) and re.match(
        r"\s*\)", text[fig.end : fig.end + 3]
    )
    if not bracketed:
        return None
    item = _item_before(text, s, fig)
    if item is None or a.countries_in(item.start("item"), fig.start):
        return None
    category = re.sub(r"^of\s+", "", item.group("item").strip(" ,")).lower()
    if category.split()[0].lower() in _NOT_GOODS or _FLOW_WORD_ALONE.fullmatch(category):
        return None
    return category


_FLOW_WORD_ALONE = re.compile(
    r"(?:up|down|rose|fell|grew|growth|increase|decrease|exports?|imports?|trade)", re.IGNORECASE
)
# A sentence's opening noun phrase, up to its verb or a comma: "Cut and polished diamonds and
# jewellery is ...", "Textiles exports to the US, which ...", "Iron & Steel products which ...".
_OPENING_SUBJECT = re.compile(
    r"[\s“\"‘']*(?P<np>[A-Za-z][\w-]*(?:\s+(?:&\s+)?[A-Za-z][\w-]*){0,6}?)"
    r"(?=\s*,|\s+(?:is|are|was|were|which|that|exports?|imports?|shipments|sales)\b)"
)


def _opening_subject(a: _Article, s: Sentence, end: int) -> str:
    """The goods a sentence opens with, for a share said later in it ("..., accounting for 21.5
    percent"); "" when the opening names a country or is a pronoun."""
    m = _OPENING_SUBJECT.match(a.text, s.start, end)
    if m is None or a.countries_in(m.start("np"), m.end("np")):
        return ""
    phrase = m.group("np")
    if phrase.split()[0].lower() in _NOT_GOODS or _VAGUE_SUBJECT.match(phrase):
        return ""
    return phrase.lower()


# "Titanium ores and concentrates, accounting for", "Cut and polished diamonds and jewellery is a
# major item": the noun phrase a share is about, capitalised or not, up to six words.
_ANY_SUBJECT = re.compile(
    r"(?:^|[.;:]\s+|\b(?:was|were|is|are|with|while|and|but)\s+)"
    r"(?P<np>[A-Za-z][\w&-]*(?:\s+(?!(?:was|were|is|are|has|have|had|which|that|of\s+the)\b)[A-Za-z&][\w&-]*){0,5}?)"
    r"\s*,?\s*(?:(?:which|that)\s+)?(?:(?:is|are|was|were)\s+(?:a\s+|the\s+)?(?:\w+\s+){0,3})?$"
)


# Words a category never opens with: determiners, and qualifiers ("About 85 per cent of ...").
_NO_SUBJECT_OPENING = frozenset(
    "the its their it this that these those which about around some nearly almost over roughly approximately just".split()
)


def _any_subject(text: str, lo: int, end: int) -> str:
    """The noun phrase just before `end` in text[lo:end], when no country is in it."""
    m = _ANY_SUBJECT.search(text, max(lo, end - 120), end)
    if m is None:
        return ""
    phrase = m.group("np").strip()
    if phrase.split()[0].lower() in _NO_SUBJECT_OPENING:
        return ""  # "the ...", "its ...", and "About 85 per cent": a qualifier, not goods
    return phrase.lower() if len(phrase.split()) <= 6 else ""


# "85 per cent of India's food exports to Iran are on account of basmati": the goods a share of a
# named flow is, said after the flow.
_CATEGORY_AFTER_FLOW = re.compile(
    r"\s+(?:(?:are|is|was|were)\s+(?:on\s+account\s+of\s+|made\s+up\s+of\s+)?|consist(?:s|ed)?\s+of\s+|"
    r"compris(?:e|es|ed)\s+)(?P<category>(?:[A-Za-z][\w-]*\s+){0,3}?[A-Za-z][\w-]*)(?=\s*(?:[,.;]|$))"
)
# "70 % of it was machinery", "40 percent of these exports were cars": a category's share of the
# flow named just before.
_SHARE_OF_FLOW = re.compile(
    r"\s+of\s+(?:it|them|this|that|these|those|which|the\s+total|(?:the|these|those)\s+(?:exports|imports|"
    r"shipments|sales|goods|purchases))\s+(?:was|were|is|are|consisted\s+of|comprised|came\s+from)\s+"
    r"(?:made\s+up\s+of\s+|in\s+)?(?P<category>(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)(?=\s*(?:[,.;]|$|and\b))"
)


def _reporter_completes(a: _Article, s: Sentence, half: _Flow | None) -> tuple[str, str] | None:
    """A flow naming its exporter only ("imports from Russia"), into the country whose trade the
    story is telling: named in the possessive in this sentence or the two before ("Georgia's
    foreign trade ..."), else the one the article names most."""
    if half is None or not half.exporter or half.importer:
        return None
    i = a.index_of(s)
    for t in reversed(a.sentences[max(0, i - 2) : i + 1]):
        owners = [c.iso3 for c in a.countries_in(t.start, t.end) if a.text.startswith(("’s", "'s"), c.end)]
        owners = [c for c in owners if c != half.exporter]
        if owners:
            return half.exporter, owners[-1]
    if not a.main or a.main[0] == half.exporter:
        return None
    return half.exporter, a.main[0]


# "66 per cent of China's total wool imports", "17% of total Chinese oil imports", "12% of China's
# imported crude oil": a share of one kind of goods a country imports. The contract's import_share
# is a share of all of its imports (the chart draws it so), so these are left out, not misread as
# a share of all imports or as a category's share of a flow.
_GOODS_IMPORTS_AFTER = re.compile(
    r"\s+of\s+(?:the\s+)?(?:total\s+|all\s+)?(?:(?:its|their|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?(?:['’]s|s['’]))\s+)?"
    r"(?:total\s+|overall\s+|annual\s+)?(?:(?P<goods>(?:[A-Za-z&][\w&-]*\s+){0,3}?[a-z&][\w&-]*)\s+imports?\b"
    r"|imported\s+(?P<goods_after>(?:[a-z&][\w&-]*\s+){0,3}?[a-z&][\w&-]*)"
    r"(?=\s*(?:[,.;]|$|(?:from|in|came|come|comes|was|were|is|are)\b)))"
)


_IN_PLACE = re.compile(r"\s+in\s+(?:the\s+)?")

# Shares of what one country buys from another, said from the seller's side or the buyer's:
# "Russia's share of wheat supplies to Egypt rose to 71%" (the supplier's share, before the figure);
_GOODS = r"(?P<goods>(?:[A-Za-z&][\w&-]*\s+){0,3}?)"
_SHARE_OF_SUPPLIES = re.compile(
    r"['’]s\s+(?:market\s+)?share\s+(?:of|in)\s+(?:the\s+)?" + _GOODS
    + r"(?:supplies|imports|exports|shipments|sales|deliveries)\s+(?:to|into|of)\s+(?:the\s+)?"
)  # fmt: skip
# "Bangladesh currently sources 17.2 % of its F&B requirements from Brazil" (the buyer, before it),
_BUYS_SHARE_BEFORE = re.compile(
    r"\s+(?:currently\s+|now\s+|still\s+)?(?:sources|buys|purchases|imports|gets|obtains|receives)\s+"
    r"(?:about\s+|around\s+|some\s+|nearly\s+|over\s+|almost\s+)?$"
)
_BUYS_SHARE_AFTER = re.compile(
    r"\s+of\s+(?:its\s+|their\s+|the\s+)?" + _GOODS
    + r"(?:requirements|needs|imports|supplies|purchases)?\s*from\s+(?:the\s+)?"
)  # fmt: skip
# "This is 11 percent of the total oil exported to Japan" (the buyer after it, the seller before).
_EXPORTED_TO_AFTER = re.compile(
    r"\s+of\s+(?:the\s+)?(?:total\s+)?" + _GOODS + r"(?:exported|shipped|sold|supplied)\s+to\s+(?:the\s+)?"
)


def _sourced_share(a: _Article, fig: Figure, s: Sentence, lo: int) -> _Found | None:
    """A percentage that is one supplier's part of what a country buys (of one product, or of
    all it buys when no product is said): an import share from the supplier to the buyer."""
    text = a.text
    rule = "share: a supplier's part of a country's purchases"
    for m in _SHARE_OF_SUPPLIES.finditer(text, max(lo, fig.start - 150), fig.start):
        seller, buyer = _country_ending(a, m.start()), _country_starting(a, m.end())
        if seller and buyer and seller != buyer:
            return _Found(_pair(seller, buyer), IMPORT_SHARE, f"{seller}->{buyer}", _goods(m), rule)
    after = _BUYS_SHARE_AFTER.match(text, fig.end, s.end)
    buyer_at = _BUYS_SHARE_BEFORE.search(text, max(s.start, fig.start - 40), fig.start)
    if after and buyer_at:
        buyer, seller = _country_ending(a, buyer_at.start()), _country_starting(a, after.end())
        if seller and buyer and seller != buyer:
            return _Found(_pair(seller, buyer), IMPORT_SHARE, f"{seller}->{buyer}", _goods(after), rule)
    if (listed := _listed_country(a, fig, lo)) is not None and _FOLLOWED_BY.search(text, s.start, fig.start):
        # "..., followed by Indonesia (12.1%), Canada (9.7%)": the buyer's next suppliers
        first = a.first_percent(s.start, fig.start)
        led = _sourced_share(a, first, s, s.start) if first is not None else None
        if led is not None and led.metric == IMPORT_SHARE:
            buyer = led.direction.split("->")[1]
            if listed != buyer:
                return replace(led, pair=_pair(listed, buyer), direction=f"{listed}->{buyer}")
    if (exported := _EXPORTED_TO_AFTER.match(text, fig.end, s.end)) is not None:
        buyer = _country_starting(a, exported.end())
        ctx = _flow_context(a, s, fig.start)
        if buyer and ctx is not None and ctx[1] == buyer and ctx[0] != buyer:
            return _Found(_pair(ctx[0], buyer), IMPORT_SHARE, f"{ctx[0]}->{buyer}", _goods(exported), rule)
    return None


def _goods(m: re.Match[str]) -> str:
    return " ".join(m.group("goods").split()).lower()


def _country_ending(a: _Article, pos: int) -> str | None:
    """The country whose name ends at `pos` ("Russia" in "Russia's share"), if any."""
    named = a.countries_in(max(0, pos - 40), pos)
    return named[-1].iso3 if named and named[-1].end == pos else None


def _country_starting(a: _Article, pos: int) -> str | None:
    """The country whose name starts at `pos`, if any."""
    named = a.countries_in(pos, pos + 40)
    return named[0].iso3 if named and named[0].start == pos else None


def _of_goods_imports(a: _Article, fig: Figure, s: Sentence) -> tuple[str, tuple[int, int]] | None:
    """The goods a percentage is a share of the imports of ("crude oil" in "12% of China's imported
    crude oil"), and the span naming the importer, when it is one kind of goods, not all imports."""
    m = _GOODS_IMPORTS_AFTER.match(a.text, fig.end, s.end)
    if m is None:
        return None
    span = m.span("goods") if m.group("goods") else m.span("goods_after")
    words = a.text[span[0] : span[1]].split()
    named = {a.text[c.start : c.end] for c in a.countries_in(*span)}  # "Chinese" in "Chinese oil"
    goods = [w for w in words if w not in named and w.lower() not in _NOT_CATEGORY]
    if not goods or goods[0].lower() in _NOT_GOODS or " ".join(goods).lower() in _FLOW_NOUNS:
        return None
    end = m.end()
    where = _IN_PLACE.match(a.text, end, s.end)  # "94% of imported dairy products in Russia"
    places = a.countries_in(where.end(), min(s.end, where.end() + 40)) if where else []
    if places and places[0].start == where.end():
        end = places[0].end
    return " ".join(goods).lower(), (fig.end, end)


def _import_share(
    a: _Article, fig: Figure, s: Sentence, lo: int, hi: int, span: tuple[int, int], goods: str = ""
) -> _Found | None:
    """ "65 % of Iraq's total imports": the importer is named in `span`, the exporter nearby.
    `goods` is the product of a share of one product's imports ("12% of China's imported crude
    oil"), its category; "" for a share of all imports."""
    importers = a.countries_in(*span)
    others = [c.iso3 for c in a.countries_in(lo, hi) if not importers or c.iso3 != importers[0].iso3]
    if not importers and goods and others and others[0] in a.main and len(a.main) == 2:
        # "Its import from China accounted for 49.3 percent of its total rare earth import"
        importer = next(c for c in a.main if c != others[0])
    elif importers:
        importer = importers[0].iso3
    else:
        return None
    exporter = others[0] if others else None
    if exporter is None:
        ctx = _flow_context(a, s, fig.start)
        exporter = ctx[0] if ctx and ctx[1] == importer else None
    if exporter is None and importer in a.main and len(a.main) == 2:
        exporter = next(c for c in a.main if c != importer)
    if not exporter:
        return None
    rule = "share: percent of a product's imports" if goods else "share: percent of a country's imports"
    return _Found(_pair(exporter, importer), IMPORT_SHARE, f"{exporter}->{importer}", goods, rule)


def _dedupe(claims: list[Claim]) -> list[Claim]:
    """A figure repeated in one article (headline, lede, quote) is one claim.

    Repeats are the same pair, metric, direction, category, value, unit and scope. Of those, the
    one that says who said it is kept, then the one that says most (period, qualifier), then the
    first. Different speakers stating the same figure stay separate claims.
    """
    groups: dict[tuple, list[Claim]] = {}
    for c in claims:
        key = (c.pair, c.metric, c.direction, c.category, c.value, c.unit, c.scope)
        groups.setdefault(key, []).append(c)
    kept: list[Claim] = []
    for group in (part for g in groups.values() for part in _by_period(g)):
        speakers = {c.speaker for c in group if c.speaker}
        candidates = [c for c in group if c.speaker] if speakers else group
        by_speaker: dict[str, list[Claim]] = {}
        for c in candidates:
            by_speaker.setdefault(c.speaker, []).append(c)
        timed = next((c for c in group if c.period), None)
        for same in by_speaker.values():
            # The statement with a period first, then a hedged one, then a sentence over a headline.
            best = min(
                same, key=lambda c: (-bool(c.period), c.qualifier == "exact", _is_headline(c), c.start)
            )
            # The restatement that names the speaker may drop "annual"; the figure is the same.
            if not best.period and timed is not None:
                best = replace(
                    best, period=timed.period, period_start=timed.period_start, period_end=timed.period_end,
                    coverage=timed.coverage, period_note=timed.period_note,
                )  # fmt: skip
            kept.append(best)
    return sorted(kept, key=lambda c: c.start)


def _by_period(group: list[Claim]) -> list[list[Claim]]:
    """Repeats of one target split by the deadlines they state: "USD 5 billion over the next five
    years" and "USD 5 billion by 2021" are two statements. A named person restating a figure, a
    headline and a repeat stating no period are no new statement: they join the first."""
    if len(group) < 2:
        return [group]  # one claim is one statement, whatever its deadline
    parts: dict[str, list[Claim]] = {}
    for c in group:
        if c.metric == TRADE_TARGET and _states_its_own_deadline(c):
            parts.setdefault(c.speaker or c.period.lower(), []).append(c)
    if len(parts) < 2:
        return [group]
    out = list(parts.values())
    out[0] += [c for c in group if not any(c in part for part in out)]
    return out


def _states_its_own_deadline(c: Claim) -> bool:
    """A statement of a target with a dated period; a question is a headline's ("... by 2030 —
    Can It Be Done?"), and "in the coming years" dates nothing that could tell two apart."""
    if not c.period or _is_headline(c) or c.quote.endswith("?"):
        return False
    return _dates_something(c.period)


@functools.lru_cache(maxsize=4096)
def _dates_something(period: str) -> bool:
    """Whether a period as said names more than a vague time ("in the coming years"); the same few
    phrases recur across a corpus, so each is read once."""
    return any(p.form != "vague" for p in find_periods(period))


def _is_headline(c: Claim) -> bool:
    """A title line: no full stop, question or quotation mark at its end."""
    return not c.quote.rstrip().endswith((".", "!", "?", "”", '"', "’", "'"))


def _categories(a: _Article, lists: list, claims: list[Claim]) -> list[CategoryRow]:
    """The category lists of an article, each kept apart (its own `list_id` and period), with the
    shares stated for its items; a share of a flow no list names makes a list of its own."""
    rows: dict[tuple[str, str], CategoryRow] = {}
    heads: list[
        tuple[int, str, str, str, Claim | None]
    ] = []  # (position, exporter, importer, list id, timing)
    for pos, exporter, importer, items in lists:
        list_id = f"{a.article_id}:{pos}"
        s = a.sentence_at(pos)
        phrase = _named_before(a, s, s.end) if s is not None else None
        span = (
            _when(a, s, _Found(_pair(exporter, importer), CATEGORY_SHARE), phrase)
            if s and phrase
            else NO_PERIOD
        )
        timing = (phrase.said if phrase else "", _iso(span.start), _iso(span.end))
        heads.append((pos, exporter, importer, list_id, timing))
        for item in items:
            rows.setdefault(
                (list_id, item),
                CategoryRow(exporter, importer, item, None, "", a.article_id, list_id, *timing),
            )
    for c in claims:
        if c.metric != CATEGORY_SHARE:
            continue
        exporter, importer = c.direction.split("->")
        same_flow = [h for h in heads if (h[1], h[2]) == (exporter, importer) and h[0] <= c.start]
        if same_flow:
            _, _, _, list_id, timing = same_flow[-1]
        else:
            list_id, timing = c.claim_id, (c.period, c.period_start, c.period_end)
        rows[(list_id, c.category)] = CategoryRow(
            exporter, importer, c.category, c.value, c.claim_id, a.article_id, list_id, *timing
        )
    return list(rows.values())
