"""The ETL's speed-ups change no result: each pattern rewritten for speed finds exactly what its
plain form finds, on the test corpora, on tricky strings and on generated text.

Python's re only skips ahead in C when a pattern opens with a plain character class; patterns
opening with \\b, a look-behind or under re.IGNORECASE are tried at every character. The fast forms
in etl/ open with the class of their possible first characters, case-blind forms included.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import corpus, cues, extract, figures, people, places
from etl import text as text_module

CORPUS = Path(__file__).parent / "corpus"
TEXTS = [p.read_text("utf-8") for p in sorted(CORPUS.glob("articles*/*.txt"))]
TEXTS += [c["text"] for c in tomllib.loads((CORPUS / "sentences.toml").read_text("utf-8"))["case"]]
TRICKY = [
    "U.S. and U.A.E. officials; aU.S. A.B.C; X.Y", "al-Saadi met el-Sisi; Khalil al-Habsi; tal-Ali",
    "5percent, 5 per cent, 5 pct, 5%, Percent, PER CENT, pct, spct, 5PCT", "ſectors: İtems: ıtems: Items:",
    "Categories: categories : product  groups: subcategories: TYPES:", "Kelvin: \u212a, ſ, ı, İ",
    "Thousand THOUSAND billion Billion trillions million-dollar kmillion", "×Iran ÷Iraq Ωmega Ürümqi",
    "President Putin said; ex-President Rouhani; Mr. Ali; Dr Reza", "“Abdul Mohsen” and Mohsen, Abdul",
    "ACCORDING TO data; accordING to; ſtatistics ſurvey REPORTED reports reporter; Figures  show; customs",
    "The Ministry said; tHE chamber told; xthe office said; The Iranian Trade Office announced",
    "Ends here... Next! Really?! “Quoted.” (Bracket.) a. B , but  while\n\nwhereas x; y: $5 z: 12, of which Iran",
    "İMPORTS from Türkiye rose ıncluding energy; trade ſurplus; TRADE İS ABOUT $5bn, İbrahim Yıldırım said",
]  # fmt: skip

PAIRS = {
    "name run": (
        people._NAME_RUN,
        re.compile(
            r"(?<![\w’'-])(?:(?:al|el)-)?[A-Z][\w’'\-]*(?:\s+(?:(?:al|el|bin|ibn|bint|de|van|von|da|di)[\s-])?"
            r"[A-Z][\w’'\-]*)*"
        ),
    ),
    "scale word": (
        figures._SCALE_WORD,
        re.compile(r"\b(?:thousand|million|billion|trillion)\b", re.IGNORECASE),
    ),
    "percent word": (figures._PERCENT_WORD, re.compile(r"%|per\s?cent|\bpct\b", re.IGNORECASE)),
    "according to": (people._ACCORDING, re.compile(r"\baccording to\b", re.IGNORECASE)),
    "own source": (
        people._OWN_SOURCE,
        re.compile(
            r"\b(?:according\s+to|data|statistics|figures\s+(?:show|released)|reported|report|customs|survey)\b",
            re.IGNORECASE,
        ),
    ),
    "body said": (
        people._BODY_SAID,
        re.compile(people._BODY_SAID.pattern.replace(r"[tT](?<=\b.)(?i:he)", r"\b(?i:the)", 1)),
    ),
    "sentence boundary": (text_module._BOUNDARY, re.compile(r"(?<![.!?])[.!?]++[”\"’')\]]*+\s+")),
    "clause break": (
        text_module._CLAUSE_BREAK,
        re.compile(
            text_module._CLAUSE_BREAK.pattern.replace(
                r"\s(?<!\s\s)\s*+(?:but|while|whereas)\s", r"(?<!\s)\s++(?:but|while|whereas)\s", 1
            )
        ),
    ),
    "speech verb": (people._SPEECH_RE, re.compile(rf"\b(?:{people._SPEECH})\b")),
    "list intro": (
        extract._LIST_INTRO,
        re.compile(
            r"\b(?:categor(?:y|ies)|groups?|sectors|items|product\s+groups|types)\s*:\s*", re.IGNORECASE
        ),
    ),
}


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", list(PAIRS))
def test_fast_form_finds_what_the_plain_form_finds(name: str) -> None:
    fast, plain = PAIRS[name]
    for text in TEXTS + TRICKY:
        assert spans(fast, text) == spans(plain, text), (name, text[:80])


ALPHABET = st.sampled_from([*"aeilpstAEIPST .-’'%:\n5", "ſ", "ı", "İ", "\u212a", "×", "Ü"])
PIECES = st.sampled_from(
    ["al-", "el-", "U.S.", "per", "cent", "pct", "billion", "Thousand", "items", "groups", "product",
     "Minister", "said", " ", ":", "%", "Iran", "ſ", "ı", "İ", "\u212a", "according to", "data", "report",
     "reported", "the", "The", "Ministry", "ministry", "ſurvey", "statistics", ".", "!", "?", "...", "”",
     ", but", " while ", "  whereas ", ";", ": ", ", of which Iran"]
)  # fmt: skip
generated = st.one_of(
    st.text(ALPHABET, max_size=60),
    st.lists(st.one_of(PIECES, st.text(ALPHABET, max_size=3)), max_size=20).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(generated)
def test_fast_forms_on_generated_text(text: str) -> None:
    for name, (fast, plain) in PAIRS.items():
        assert spans(fast, text) == spans(plain, text), name


LIST_PIECES = st.sampled_from(
    ["product", "groups", "Groups", "PRODUCT", "group", "items", "types", "sectors", "categories",
     "category", "sub", " ", "  ", "\n", "\t", ":", "x", "-", "ſ", "İ", "ı"]
)  # fmt: skip


def list_intros_by_scan(text: str, cut: int, limit: int) -> list[tuple[int, int]]:
    return [m.span() for m in itertools.islice(extract._LIST_INTRO.finditer(text, 0, cut), limit)]


def test_list_intros_found_from_the_colons_are_the_scans() -> None:
    for text in TEXTS + TRICKY + ["product \n\n groups:\t \n x", "items::groups: :types:  ", ": : :"]:
        for cut in (len(text), len(text) // 2):
            for limit in (2_000, 1):
                found = [m.span() for m in extract._list_intros(text, cut, limit)]
                assert found == list_intros_by_scan(text, cut, limit), text[:80]


@settings(max_examples=400, deadline=None)
@given(st.lists(LIST_PIECES, max_size=14).map("".join), st.integers(0, 3))
def test_list_intros_from_the_colons_on_generated_text(text: str, trim: int) -> None:
    cut = max(0, len(text) - trim)
    for limit in (2_000, 2):
        found = [m.span() for m in extract._list_intros(text, cut, limit)]
        assert found == list_intros_by_scan(text, cut, limit)


NAME_PIECES = st.sampled_from(
    ["al-", "el-", "Al-", "l-", "a", "e", "l", "-", "X", "Y", " ", "  ", "’", "'", "bin ", "de-", "Ali", "tal-",
     "\n", "ſ"]
)  # fmt: skip


def test_name_runs_are_the_name_run_scan() -> None:
    for text in TEXTS + TRICKY + ["al-X al-Y el-Z", "tal-X al-", "Ali al-Saadi and el-Sisi", "al-x Al-X"]:
        assert spans_of(people._name_runs(text)) == spans(people._NAME_RUN, text), text[:80]


@settings(max_examples=400, deadline=None)
@given(st.lists(NAME_PIECES, max_size=16).map("".join))
def test_name_runs_on_generated_text(text: str) -> None:
    assert spans_of(people._name_runs(text)) == spans(people._NAME_RUN, text)


def spans_of(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


# --- cue word lists as trees of their characters, against the longest-first alternation --------
def flat_alternation(words, case_blind: bool = True) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def flat_cues() -> dict[str, re.Pattern[str]]:
    tree_shaped = cues.alternation
    try:
        cues.alternation = flat_alternation
        return cues.build()
    finally:
        cues.alternation = tree_shaped


def cue_vocabulary() -> list[str]:
    found: set[str] = set()

    def collect(x: object) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                collect(k)
                collect(v)
        elif isinstance(x, list):
            for v in x:
                collect(v)
        elif isinstance(x, str):
            found.add(x)

    collect(cues.cue_words())
    return sorted(found)


FLAT_CUES = flat_cues()
TREE_CUES = cues.build()
CUE_WORDS = cue_vocabulary()


def cue_matches(pattern: re.Pattern[str], text: str) -> list[tuple]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def test_tree_shaped_cues_find_what_longest_first_alternations_find() -> None:
    assert "(?:" in cues.alternation(["invest", "investment"])  # the tree, not the flat list
    for text in TEXTS + TRICKY + [" ".join(CUE_WORDS), "  ".join(w.upper() for w in CUE_WORDS)]:
        for name, flat in FLAT_CUES.items():
            assert cue_matches(TREE_CUES[name], text) == cue_matches(flat, text), (name, text[:80])


cue_text = st.lists(
    st.tuples(
        st.sampled_from(CUE_WORDS),
        st.sampled_from(["", "upper", "title", "cut"]),
        st.sampled_from([" ", "  ", "\n", "", "-", ", ", " the ", " to $5 ", "s "]),
        st.integers(0, 20),
    ),
    max_size=6,
).map(
    lambda parts: "".join(
        (w.upper() if how == "upper" else w.title() if how == "title" else w[:cut] if how == "cut" else w)
        + gap
        for w, how, gap, cut in parts
    )
)


@settings(max_examples=400, deadline=None)
@given(cue_text)
def test_tree_shaped_cues_on_generated_text(text: str) -> None:
    for name, flat in FLAT_CUES.items():
        assert cue_matches(TREE_CUES[name], text) == cue_matches(flat, text), name


SCALE_PIECES = st.sampled_from(
    ["million", "MILLION", "mıllion", "MİLLION", "billion", "trillion", "thousand", "THOUſAND", "illion",
     "housand", "tr", "m", "b", "t", " ", "x", "5", "Bil", "lion", "-", "\u212a"]
)  # fmt: skip


PERCENT_PIECES = st.sampled_from(
    ["%", "per", "cent", "PER", "CENT", "pct", "PCT", "percent", "p", "s", " ", "  ", "\t", "\n", "5", "x"]
)  # fmt: skip

# Each finder that starts from its stems in the lower-cased text, the scan it stands for, and the
# pieces generated text is made of.
STEM_FINDERS = {
    "scale words": (figures._scale_words, figures._SCALE_WORD, SCALE_PIECES),
    "percent words": (figures._percent_words, figures._PERCENT_WORD, PERCENT_PIECES),
}


def found_from_folded(finder, text: str) -> list[tuple[int, int]]:
    return spans_of(finder(text, extract._folded(text)))


@pytest.mark.parametrize("kind", list(STEM_FINDERS))
def test_words_found_in_the_folded_text_are_the_scans(kind: str) -> None:
    finder, scan, _ = STEM_FINDERS[kind]
    for text in TEXTS + TRICKY:
        assert found_from_folded(finder, text) == spans(scan, text), text[:80]


@pytest.mark.parametrize("kind", list(STEM_FINDERS))
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_words_from_the_folded_text_on_generated_text(kind: str, data: st.DataObject) -> None:
    finder, scan, pieces = STEM_FINDERS[kind]
    text = data.draw(st.lists(pieces, max_size=12).map("".join))
    assert found_from_folded(finder, text) == spans(scan, text)


def test_case_blind_first_letters_are_all_in_the_classes() -> None:
    """The classes list every character re.IGNORECASE matches to the first letters (all such
    characters are in the Basic Multilingual Plane)."""
    for letters, cls in (("cgsipt", "[cCgGsSiIpPtT\u017f\u0130\u0131]"), ("tmb", "[tTmMbB]"), ("p", "[%pP]")):
        cls_re = re.compile(cls)
        for letter in letters:
            case_blind = re.compile(letter, re.IGNORECASE)
            folds = [chr(x) for x in range(0x10000) if case_blind.fullmatch(chr(x))]
            assert all(cls_re.fullmatch(c) for c in folds), (letter, folds)


def test_known_people_are_found_as_a_plain_alias_search_would() -> None:
    index = people.default_people()
    aliases = sorted(index.by_alias, key=len, reverse=True)
    plain = re.compile(r"\b(?:" + "|".join(map(re.escape, aliases)) + r")\b")
    for text in TEXTS + TRICKY + [" ".join(aliases), "".join(aliases), " x".join(reversed(aliases))]:
        found = [(s, e) for s, e, _ in people.aliases_in(text, index)]
        assert found == spans(plain, text), text[:80]


# --- case-blind cue patterns: plain twins on the lower-cased article ----------------------------
TWINS = list(extract._TWINS.values())


def twin_spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    folded = extract._folded(text)
    assert folded is not None
    return spans(extract._TWINS[id(pattern)][1], folded)


@pytest.mark.parametrize("pattern", [p for p, _ in TWINS], ids=[p.pattern[:30] for p, _ in TWINS])
def test_twin_on_lower_cased_text_finds_what_ignorecase_finds(pattern: re.Pattern[str]) -> None:
    for text in TEXTS + TRICKY + [t.upper() for t in TEXTS[:10]]:
        if extract._folded(text) is not None:
            assert twin_spans(pattern, text) == spans(pattern, text), text[:80]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TEXTS + TRICKY), min_size=1, max_size=3).map(" ".join), generated)
def test_twins_on_generated_text(article: str, noise: str) -> None:
    text = article[: len(article) // 2] + noise.upper() + article[len(article) // 2 :]
    for pattern, _ in TWINS:
        assert twin_spans(pattern, text) == spans(pattern, text)


def test_only_s_i_and_kelvin_fold_to_ascii_letters_outside_lower() -> None:
    """The rule of _folded: apart from ASCII, IGNORECASE matches an ASCII letter only to ſ, ı, İ
    and the Kelvin sign; lower() maps the Kelvin sign to k, and _folded maps the other three to
    s, i and i first; no other character lower-cases to more than one."""
    odd = {
        chr(x)
        for letter in "abcdefghijklmnopqrstuvwxyz"
        for x in range(0x80, 0x10000)
        if re.fullmatch(letter, chr(x), re.IGNORECASE)
    }
    assert odd == {"ſ", "ı", "İ", "\u212a"}
    assert "\u212a".lower() == "k"
    assert [c for c in map(chr, range(0x110000)) if len(c.lower()) != 1] == ["İ"]
    assert extract._folded("Trade ſ İstanbul Yıldırım") == "trade s istanbul yildirim"


# --- the name finder's cheap checks before its look-backs ---------------------------------------
def windows(text: str, width: int):
    for m in re.finditer(r"[A-Z]", text):
        yield text[max(0, m.start() - width) : m.start()], m.start()


def test_cheap_checks_agree_with_the_look_backs() -> None:
    for text in TEXTS + TRICKY:
        for window, start in windows(text, 90):
            assert people._said_before(window[-30:]) == bool(people._SAID_BEFORE.search(window[-30:]))
            assert bool(people._role_then_name(window)) == bool(people._ROLE_THEN_NAME.search(window))
            title = people._title_before(text, window[-60:], start)
            assert title == bool(people._TITLE_BEFORE.search(window[-60:])), window


def test_plain_twin_lower_cases_letters_but_not_escapes_or_group_syntax() -> None:
    twin = extract._plain_twin(re.compile(r"\bfdi?T|(?P<word>GDP)\S+|[A-Z]{3}\W", re.IGNORECASE))
    assert twin.pattern == r"\bfdi?t|(?P<word>gdp)\S+|[a-z]{3}\W"
    assert not twin.flags & re.IGNORECASE
    with pytest.raises(AssertionError):
        extract._plain_twin(re.compile(r"(?P<Word>x)", re.IGNORECASE))


# --- countries: one tree-shaped pattern, against the word-by-word look-up it replaced -----------
# (× and ÷ sit in the Latin-1 range of letters; the earlier finder took "×Iran" as one word.)
_WORD = re.compile(r"(?:[A-Z]\.){2,}|(?<!\w)[A-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u052f]\w*")
_NEXT_WORD = re.compile(r"[ \-’'‘](?:(?:[A-Z]\.){2,}|\w+)")


def countries_word_by_word(text: str) -> list[tuple[int, int, str, str]]:
    """The earlier finder: at each capitalised word that starts an alias, the longest alias
    (as written, or in capitals) over the following words; not one followed by "$". Two
    deliberate differences: it also took an acronym glued to a lower-case word ("aU.S.") and
    missed a name after × or ÷ ("×Iran"); the pattern takes a name wherever it starts a word, so
    both are adjusted here."""
    aliases = places.country_index().aliases
    firsts: dict[str, int] = {}
    for alias in aliases:
        words = re.findall(r"(?:[A-Z]\.){2,}|\w+", alias)
        if words:
            firsts[words[0]] = max(firsts.get(words[0], 1), len(words))
    found, resume = [], 0
    for m in _WORD.finditer(text):
        s, word = m.start(), m.group()
        first = word if word in firsts else word.title()
        if s < resume or not word[0].isupper() or first not in firsts:
            continue
        if s and re.match(r"\w", text[s - 1]):
            continue  # "aU.S.": see the docstring
        ends, pos = [m.end()], m.end()
        for _ in range(firsts[first] - 1):
            nxt = _NEXT_WORD.match(text, pos)
            if not nxt:
                break
            pos = nxt.end()
            ends.append(pos)
        for last in reversed(ends):
            key = text[s:last]
            hit = aliases.get(key) or (aliases.get(key.title()) if key.isupper() else None)
            if hit and text[last : last + 1] != "$":
                found.append((s, last, *hit))
                resume = last
                break
    return found


def test_countries_are_found_as_the_word_by_word_look_up_found_them() -> None:
    index = places.country_index()
    raw = [p.read_text("utf-8") for p in sorted((CORPUS.parent.parent / "data" / "raw").glob("*.txt"))]
    for text in TEXTS + raw + [t.upper() for t in TEXTS + raw] + TRICKY + [
        "US$17 billion; U.S.-Iran; U.S.A. and the U.S.; Bosnia and Herzegovina; Guinea-Bissau; Côte d’Ivoire",
        "IRAN, IRAQ and SAUDI ARABIA; Iranian-Iraqi; Tehran’s; McIran; 5Iran; the Islamic Republic of Iran",
    ]:  # fmt: skip
        found = [(m.start, m.end, m.iso3, m.kind) for m in index.find(text)]
        assert found == countries_word_by_word(text), text[:80]


# --- an article file's control characters, counted in its bytes ------------------------------
CONTROL_TEXT = st.text(
    st.one_of(st.characters(max_codepoint=0x9F), st.sampled_from(["é", "’", "€", "\u2028", "𝄞", "\ufeff"])),
    max_size=80,
)


@settings(max_examples=400, deadline=None)
@given(CONTROL_TEXT)
def test_control_characters_counted_in_bytes_are_those_in_the_text(text: str) -> None:
    data = text.encode("utf-8")
    assert len(data.translate(None, corpus._NOT_CONTROL_BYTES)) == len(corpus._CONTROL.findall(text))


def test_decode_article_refuses_by_the_count_of_control_characters() -> None:
    body = "Trade grew. " * 50  # 600 characters: up to 8 control characters pass
    assert corpus.decode_article(("\x07" * 8 + body).encode(), "ok.txt")
    with pytest.raises(ValueError, match="binary"):
        corpus.decode_article(("\x07" * 9 + body).encode(), "bad.txt")
    assert corpus.decode_article(("\ufeff" + "\x1f" * 8 + body).encode(), "bom.txt")  # BOM is no control


# --- an article's lines, by str.splitlines -----------------------------------------------------
def lines_by_scan(text: str) -> list[tuple[int, int]]:
    """Each run of characters str.splitlines does not break at, stripped as text_module._strip_span
    strips it, those with text left."""
    runs = re.finditer(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+", text)
    stripped = (text_module._strip_span(text, *m.span()) for m in runs)
    return [(s, e) for s, e in stripped if e > s]


LINE_PIECES = st.sampled_from(
    [*"ab .\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\u00a0\u3000\u200bé", "\r\n", "  "]
)
LINE_TEXT = st.lists(LINE_PIECES, max_size=40).map("".join)


def test_stripped_lines_are_the_line_scan() -> None:
    for text in TEXTS + TRICKY + ["", "\n", " \r\n x \r\n", "\u2028a\u2029 b \x85"]:
        assert list(text_module._stripped_lines(text)) == lines_by_scan(text), text[:80]


@settings(max_examples=400, deadline=None)
@given(LINE_TEXT)
def test_stripped_lines_on_generated_text(text: str) -> None:
    assert list(text_module._stripped_lines(text)) == lines_by_scan(text)


SPEECH_PIECES = st.sampled_from(
    [*people._SPEECH.replace("[sz]", "s").split("|"), "emphasized", "told reporters", "put the figure at",
     "reporters", "ing", "s", "d", " ", "  ", ",", "-", "_", "x", "Said", "SAID"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(SPEECH_PIECES, max_size=12).map("".join))
def test_speech_verb_tree_on_generated_text(text: str) -> None:
    fast, plain = PAIRS["speech verb"]
    assert spans(fast, text) == spans(plain, text)


# --- the table caption's scale word, looked up in the lower-cased text -------------------------
def names_a_table_scale(text: str) -> bool:
    return extract._says_a_table_scale(text, extract._folded(text))


SCALE_PIECES = st.sampled_from(
    ["million", "MILLION", "Billion", "billionaire", "crore", "crores", "CRORES", "lakh", "la\u212ah", "lakhs",
     "xmillion", "bil", "lion", " ", "-", "_", "ſ", "İ", "ı", "5", "in US$ "]
)  # fmt: skip


def test_table_scale_found_from_the_folded_text_is_the_scan() -> None:
    for text in TEXTS + TRICKY + ["", "billionaire", "la\u212ahs", "İ million"]:
        assert names_a_table_scale(text) == bool(extract._TABLE_CAPTION_HINT.search(text)), text[:80]


@settings(max_examples=400, deadline=None)
@given(st.lists(SCALE_PIECES, max_size=8).map("".join))
def test_table_scale_from_the_folded_text_on_generated_text(text: str) -> None:
    assert names_a_table_scale(text) == bool(extract._TABLE_CAPTION_HINT.search(text))


# --- runs of digits, by str.find ---------------------------------------------------------------
DIGIT_TEXT = st.text(
    st.sampled_from([*"0123456789 a.,$-", "٢", "٠", "۵", "५", "３", "²", "½", "’", "€", "\ud800", "𝟗", "🙂"]),
    max_size=40,
)


def test_digit_runs_are_the_scan() -> None:
    for text in TEXTS + TRICKY + ["", "12 and ٢٠ and 3", "\ud800 5", "x²3", "１２"]:
        assert figures._digit_runs(text) == [m.span() for m in figures._DIGIT_RUN.finditer(text)], text[:80]


@settings(max_examples=400, deadline=None)
@given(DIGIT_TEXT)
def test_digit_runs_on_generated_text(text: str) -> None:
    assert figures._digit_runs(text) == [m.span() for m in figures._DIGIT_RUN.finditer(text)]
