"""Country mentions in text (names, demonyms, capitals) resolved to ISO 3166-1 alpha-3.

Official names come from pycountry; the short names, demonyms and capitals that news copy uses
come from `data/reference/country_aliases.csv` (pycountry carries neither demonyms nor capitals).
All spellings are found by one pattern shaped as a tree of their letters, not a plain alternation
of 2,000 names: it stays fast (the ETL must do thousands of articles a second) as the list grows.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import pycountry

from etl.figures import REFERENCE

# The shape of a name the finder can see: a capitalised word or an acronym ("U.S."), then words
# joined by a space, hyphen or apostrophe ("Bosnia and Herzegovina", "Côte d’Ivoire"). Aliases
# of another shape ("St. Lucia", "Cocos (Keeling) Islands") are never looked for.
_NAME_SHAPE = re.compile(
    r"(?:(?:[A-Z]\.){2,}|[A-Z\u00c0-\u024f\u0370-\u052f]\w*)(?:[ \-’'‘](?:(?:[A-Z]\.){2,}|\w+))*"
)
# After a name: not more of the same word, and not "$" ("US$17 billion" is a currency).
_END_OF_WORD = r"(?!\w|\$)"
_END_OF_ACRONYM = r"(?![A-Z]\.|\$)"


# A NamedTuple, not a frozen dataclass: an article names countries a few dozen times, and a frozen
# dataclass's __init__ (one object.__setattr__ a field) costs several times a tuple's.
class CountryMention(NamedTuple):
    start: int
    end: int
    iso3: str
    kind: str  # "name" | "demonym" | "capital"


@dataclass(frozen=True)
class CountryIndex:
    """Every alias as listed, every spelling the finder looks for ("Iran", "IRAN", "Iranian",
    "Tehran") -> (ISO3, kind), and one pattern that finds them all."""

    aliases: dict[str, tuple[str, str]]
    spellings: dict[str, tuple[str, str]]
    pattern: re.Pattern[str]

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[CountryMention]:
        """Country mentions in text[start:end], left to right, the longest spelling at each place."""
        end = len(text) if end is None else end
        return [
            CountryMention(m.start(), m.end(), *self.spellings[m.group()])
            for m in self.pattern.finditer(text, start, end)
        ]


def _trie_pattern(spellings: list[str]) -> str:
    """One pattern for many fixed strings, as a tree of their letters: Python's re follows one
    branch per character instead of trying every string at every capital letter (a plain
    alternation of 2,000 names is about ten times slower). Longer spellings are tried first; each
    must start a word. Written by hand: the trie-regex packages on PyPI are small and unmaintained."""
    trie: dict = {}
    for spelling in spellings:
        node = trie
        for ch in spelling:
            node = node.setdefault(ch, {})
        node[""] = _END_OF_ACRONYM if spelling.endswith(".") else _END_OF_WORD

    def branch(node: dict, first: bool) -> str:
        # The first letter is a plain alternative, so that re skips in C to the next capital.
        alts = [
            re.escape(ch) + (r"(?<!\w.)" if first else "") + branch(child, False)
            for ch, child in sorted(node.items())
            if ch
        ]
        if "" in node:
            alts.append(node[""])  # the spelling ends here: tried after every longer one
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return branch(trie, True)


@cache
def country_index() -> CountryIndex:
    aliases: dict[str, tuple[str, str]] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name and "," not in name:
                aliases.setdefault(name, (c.alpha_3, "name"))
    path = REFERENCE / "country_aliases.csv"
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            aliases[row["alias"]] = (row["iso3"], row["kind"])
    # Each alias as written, and in capitals where that is how a headline or dateline would
    # write it ("IRAN", "SAUDI ARABIA"; not "UNITED STATES OF AMERICA", which is no alias's
    # title case).
    spellings = {a: hit for a, hit in aliases.items() if a[:1].isupper() and _NAME_SHAPE.fullmatch(a)}
    for alias, hit in list(spellings.items()):
        upper = alias.upper()
        if upper.isupper() and upper.title() == alias and len(upper) == len(alias):
            spellings.setdefault(upper, hit)
    return CountryIndex(aliases, spellings, re.compile(_trie_pattern(list(spellings))))


def country_name(iso3: str) -> str:
    """Short English name for display: "Iran", not "Iran, Islamic Republic of"."""
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return iso3
    return getattr(c, "common_name", None) or c.name.split(",")[0]


def main_pair(mentions: list[CountryMention]) -> tuple[str, ...]:
    """The two countries an article is about: the most mentioned, ties to the first mentioned."""
    weights: dict[str, float] = {}  # capitals count half (a plain dict: faster than a Counter)
    first: dict[str, int] = {}
    for m in mentions:
        weights[m.iso3] = weights.get(m.iso3, 0.0) + (0.5 if m.kind == "capital" else 1.0)
        first.setdefault(m.iso3, m.start)
    ranked = sorted(weights, key=lambda iso: (-weights[iso], first[iso]))
    return tuple(ranked[:2])
