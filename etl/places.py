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
# Words that may start a country name: ASCII capitals, and letters beyond ASCII (Ü, Ş, Å ...),
# whose case is checked in Python. Lower-case words are skipped by the regex itself. The pattern
# opens with a plain character class so that Python's re skips to the next candidate in C: an
# acronym ("U.S.") or a word not preceded by a letter or digit.
_CAPITALISED = re.compile(r"[A-Z\u00c0-\u024f\u0370-\u052f](?:(?<=[A-Z])\.(?:[A-Z]\.)+|(?<!\w.)\w*)")
_NEXT_WORD = re.compile(r"[ \-’'‘](?:(?:[A-Z]\.){2,}|\w+)")


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
    longest: dict[str, int]  # first word -> most words in an alias starting with it

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[CountryMention]:
        end = len(text) if end is None else end
        found: list[CountryMention] = []
        resume = start
        for m in _CAPITALISED.finditer(text, start, end):
            s = m.start()
            if s < resume:
                continue
            word = m.group()
            if not word[0].isupper():
                continue
            first = word if word in self.first_words else word.title()
            if first not in self.first_words:
                continue
            # Candidate ends: this word, then each following word joined by a space, hyphen or
            # apostrophe ("Bosnia and Herzegovina", "Côte d’Ivoire"), longest first.
            ends = [m.end()]
            pos = m.end()
            for _ in range(self.longest.get(first, 1) - 1):
                nxt = _NEXT_WORD.match(text, pos, end)
                if not nxt:
                    break
                pos = nxt.end()
                ends.append(pos)
            for last in reversed(ends):
                key = text[s:last]
                hit = self.aliases.get(key) or (self.aliases.get(key.title()) if key.isupper() else None)
                if hit and text[last : last + 1] == "$":
                    hit = None  # "US$17 billion": a currency, not the country
                if hit:
                    found.append(CountryMention(s, last, hit[0], hit[1]))
                    resume = last
                    break
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
    longest: dict[str, int] = {}
    for alias in aliases:
        words = _TOKEN.findall(alias)
        if words:
            longest[words[0]] = max(longest.get(words[0], 1), len(words))
    return CountryIndex(aliases, frozenset(longest), longest)


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
