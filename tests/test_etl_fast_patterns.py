"""The ETL's speed-ups change no result: each pattern rewritten for speed finds exactly what its
plain form finds, on the test corpora, on tricky strings and on generated text.

Python's re only skips ahead in C when a pattern opens with a plain character class; patterns
opening with \\b, a look-behind or under re.IGNORECASE are tried at every character. The fast forms
in etl/ open with the class of their possible first characters, case-blind forms included.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import extract, figures, people, places

CORPUS = Path(__file__).parent / "corpus"
TEXTS = [p.read_text("utf-8") for p in sorted(CORPUS.glob("articles*/*.txt"))]
TEXTS += [c["text"] for c in tomllib.loads((CORPUS / "sentences.toml").read_text("utf-8"))["case"]]
TRICKY = [
    "U.S. and U.A.E. officials; aU.S. A.B.C; X.Y", "al-Saadi met el-Sisi; Khalil al-Habsi; tal-Ali",
    "5percent, 5 per cent, 5 pct, 5%, Percent, PER CENT, pct, spct, 5PCT", "ſectors: İtems: ıtems: Items:",
    "Categories: categories : product  groups: subcategories: TYPES:", "Kelvin: \u212a, ſ, ı, İ",
    "Thousand THOUSAND billion Billion trillions million-dollar kmillion", "×Iran ÷Iraq Ωmega Ürümqi",
    "President Putin said; ex-President Rouhani; Mr. Ali; Dr Reza", "“Abdul Mohsen” and Mohsen, Abdul",
]  # fmt: skip

PAIRS = {
    "name run": (
        people._NAME_RUN,
        re.compile(
            r"(?<![\w’'-])(?:(?:al|el)-)?[A-Z][\w’'\-]*(?:\s+(?:(?:al|el|bin|ibn|bint|de|van|von|da|di)[\s-])?"
            r"[A-Z][\w’'\-]*)*"
        ),
    ),
    "capitalised word": (
        places._CAPITALISED,
        re.compile(r"(?:[A-Z]\.){2,}|(?<!\w)[A-Z\u00c0-\u024f\u0370-\u052f]\w*"),
    ),
    "scale word": (
        figures._SCALE_WORD,
        re.compile(r"\b(?:thousand|million|billion|trillion)\b", re.IGNORECASE),
    ),
    "percent word": (figures._PERCENT_WORD, re.compile(r"%|per\s?cent|\bpct\b", re.IGNORECASE)),
    "percent hint": (extract._PERCENT_HINT, re.compile(r"%|\bper\s?cent|\bpct\b", re.IGNORECASE)),
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
     "Minister", "said", " ", ":", "%", "Iran", "ſ", "ı", "İ", "\u212a"]
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
