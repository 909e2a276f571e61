"""Country mentions in text (names, demonyms, capitals) resolved to ISO 3166-1 alpha-3.

Official names come from pycountry; the short names, demonyms and capitals that news copy uses
come from `data/reference/country_aliases.csv` (pycountry carries neither demonyms nor capitals).
Matching is a dictionary look-up over word n-grams rather than one huge regex alternation: it
stays fast (the ETL must do thousands of articles a second) as the alias list grows.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import pycountry

from etl.figures import REFERENCE

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|\w+")
_JOINERS = frozenset({" ", "-", "’", "'", "‘"})
_MAX_WORDS = 5


@dataclass(frozen=True, slots=True)
class CountryMention:
    start: int
    end: int
    iso3: str
    kind: str  # "name" | "demonym" | "capital"


@dataclass(frozen=True)
class CountryIndex:
    aliases: dict[str, tuple[str, str]]
    first_words: frozenset[str]

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[CountryMention]:
        end = len(text) if end is None else end
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
        found: list[CountryMention] = []
        i = 0
        while i < len(tokens):
            s, e = tokens[i]
            word = text[s:e]
            if not word[0].isupper() or (
                word not in self.first_words and word.title() not in self.first_words
            ):
                i += 1
                continue
            matched = 0
            for n in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
                last = tokens[i + n - 1][1]
                if n > 1 and any(
                    text[tokens[j][1] : tokens[j + 1][0]] not in _JOINERS for j in range(i, i + n - 1)
                ):
                    continue
                key = text[s:last]
                hit = self.aliases.get(key) or (self.aliases.get(key.title()) if key.isupper() else None)
                if hit and text[last : last + 1] == "$":
                    hit = None  # "US$17 billion": a currency, not the country
                if hit:
                    found.append(CountryMention(s, last, hit[0], hit[1]))
                    matched = n
                    break
            i += matched or 1
        return found


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
    first = frozenset(_TOKEN.match(a).group() for a in aliases if _TOKEN.match(a))
    return CountryIndex(aliases, first)


def country_name(iso3: str) -> str:
    """Short English name for display: "Iran", not "Iran, Islamic Republic of"."""
    c = pycountry.countries.get(alpha_3=iso3)
    if c is None:
        return iso3
    return getattr(c, "common_name", None) or c.name.split(",")[0]


def main_pair(mentions: list[CountryMention]) -> tuple[str, ...]:
    """The two countries an article is about: the most mentioned, ties to the first mentioned."""
    weights: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in mentions:
        weights[m.iso3] += 0.5 if m.kind == "capital" else 1.0
        first.setdefault(m.iso3, m.start)
    ranked = sorted(weights, key=lambda iso: (-weights[iso], first[iso]))
    return tuple(ranked[:2])
