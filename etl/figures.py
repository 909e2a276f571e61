"""Find money amounts and percentages in text, as written in wire copy.

Money: "$12 billion", "$12bn", "US$ 1.5 bln", "USD 30 billion", "USD30bn", "€1 billion",
"20 billion dollars", "twelve billion US dollars", "500 million Iraqi dinars", "$500m".
Percent: "65%", "30 %", "65 percent", "sixty-five per cent".
Each figure keeps its exact character span, so `text[start:end]` is the figure as written.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pycountry

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"

_SCALES = {
    "thousand": 1e3, "k": 1e3,
    "million": 1e6, "millions": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mio": 1e6, "mm": 1e6,
    "billion": 1e9, "billions": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9, "bil": 1e9,
    "trillion": 1e12, "trillions": 1e12, "tn": 1e12, "trn": 1e12, "tr": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7, "cr": 1e7,
}  # fmt: skip
_SYMBOLS = {
    "US$": "USD", "U.S.$": "USD", "$": "USD", "A$": "AUD", "C$": "CAD", "HK$": "HKD",
    "S$": "SGD", "NZ$": "NZD", "R$": "BRL", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₽": "RUB",
    "₺": "TRY", "₩": "KRW", "RMB": "CNY", "Rs": "INR", "Rs.": "INR", "￡": "GBP", "AU$": "AUD",
    "CA$": "CAD", "Sh": "KES", "KSh": "KES", "N": "NGN", "₦": "NGN", "Dh": "AED", "Dhs": "AED",
    "SR": "SAR", "Tk": "BDT", "Rp": "IDR", "R": "ZAR",
}  # fmt: skip
# Symbols that are also ordinary letters or abbreviations ("N" in "N1 road", "R" in "R2"): money only
# with a scale word after the number ("N478 billion", "Rs 10,800 crore", "Sh6.34 billion").
_NEEDS_SCALE = frozenset({"Rs", "Rs.", "Sh", "KSh", "N", "Dh", "Dhs", "SR", "Tk", "Rp", "R"})
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Currency words that are also ordinary English words: only money when a scale word precedes.
_AMBIGUOUS_WORDS = frozenset({"won", "real", "rand", "som", "soms", "dram", "lari", "pound"})


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    value: float
    unit: str  # ISO 4217 code, or "percent"
    kind: str  # "money" | "percent"
    range_part: str = ""  # "low"/"high" when the figure is one end of a written range


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def currency_words() -> dict[str, str]:
    with (REFERENCE / "currencies.csv").open(encoding="utf-8") as f:
        return {row["word"].lower(): row["iso"] for row in csv.DictReader(f)}


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    codes = sorted({c.alpha_3 for c in pycountry.currencies} - {"XXX", "XTS", "ALL", "TOP"})
    words = _alternation(list(currency_words()))
    word_number = (
        r"(?:(?:"
        + "|".join(_TENS)
        + r")(?:[-\s](?:"
        + "|".join(k for k in _UNITS if len(k) > 2)
        + r"))?|"
        + "|".join(k for k in _UNITS if len(k) > 2)
        + r"|an?)"
    )
    word_amount = rf"(?:half\s+an?|(?:{word_number})(?:\s+and\s+a\s+half)?|{word_number}\s+hundred)"
    scale = r"(?:thousand|millions?|billions?|trillions?|lakhs?|crores?|mln|bln|bil|mio|mn|bn|trn|tn|tr|cr|[kmbMB]|MM)"
    # "$98,4 million" (a decimal comma) and "$4.<line break>6 billion" (a figure broken across a
    # line) count only before a scale word; otherwise "1,000" is a thousand and "4." ends a sentence.
    before_scale = rf"(?=[\s-]?{scale}(?!\w))"
    number = (
        rf"\d{{1,3}},\d{{1,2}}{before_scale}|\d{{1,3}}\.[ \t]*\n[ \t]*\d+{before_scale}|"
        r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    )
    symbol = _alternation(list(_SYMBOLS))
    # "83 billion A$": a country's dollar sign written after the number, as some wires do.
    sign_after = _alternation([k for k in _SYMBOLS if k.endswith("$") and k != "$"])
    code = "(?-i:" + "|".join(codes) + ")"
    # (?![\w$]) stops "5 m" in "5 metres" or "$12bn" inside a longer token.
    money = rf"""
      (?<![A-Za-z])(?P<sym>{symbol}|\b(?:{code})(?![A-Za-z]))\s?(?P<n1>{number})(?:\s?[-–]\s?(?P<n1b>{number}))?
          (?:[\s-]?(?P<s1>{scale})(?![\w]))?(?:\s(?P<w1>{words})\b)?
    | \b(?P<n2>{number})(?:\s?[-–]\s?(?P<n2b>{number}))?(?:[\s-]?(?P<s2>{scale})(?!\w))?
          \s(?:(?P<c2>{code})\b|(?P<w2>{words})\b|(?P<y2>{sign_after})(?![\w$]))
    | \b(?P<n3>{word_amount})\s(?P<s3>thousand|million|billion|trillion)\s
          (?:(?P<c3>{code})\b|(?P<w3>{words})\b)
    """
    percent = rf"""
      \b(?P<p1>{number})\s?(?:%|percent\b|per\s?cent\b|pct\b)
    | \b(?P<p2>{word_number})\s(?:percent|per\s?cent)\b
    """
    return (
        re.compile(money, re.VERBOSE | re.IGNORECASE),
        re.compile(percent, re.VERBOSE | re.IGNORECASE),
    )


_DECIMAL_COMMA = re.compile(r"\d{1,3},\d{1,2}")


def _plain_number(s: str) -> str:
    """ "12,500" -> "12500", "98,4" -> "98.4" (a decimal comma), "4.\n6" -> "4.6"."""
    if _DECIMAL_COMMA.fullmatch(s):
        return s.replace(",", ".")
    return "".join(s.split()).replace(",", "")


def _digits(s: str) -> float:
    return float(_plain_number(s))


def _times(number: str, factor: float) -> float:
    """ "66.6" x 1e9 = 66600000000 exactly (float arithmetic would give 66599999999.99999)."""
    return float(Decimal(_plain_number(number)) * Decimal(repr(factor)))


def words_to_number(s: str) -> float:
    words = s.lower().replace("-", " ").split()
    if words[:1] == ["half"]:
        return 0.5
    total = 0.0
    for w in words:
        if w in _UNITS:
            total += _UNITS[w]
        elif w in _TENS:
            total += _TENS[w]
        elif w == "hundred":
            total = (total or 1) * 100
        elif w == "half":
            total += 0.5
    return total


def _scale(s: str | None) -> float:
    if not s:
        return 1.0
    if s == "MM":
        return 1e6
    return _SCALES[s.lower()]


def _currency(symbol: str | None, word: str | None, code: str | None) -> str:
    if word:
        return currency_words()[" ".join(word.lower().split())]
    if code:
        return code.upper()
    assert symbol is not None, "a money figure without a sign, code or word"
    return _SYMBOLS.get(symbol) or _SYMBOLS.get(symbol.upper()) or symbol.upper()


def _is_year(n: str, scale: str | None) -> bool:
    return not scale and n.isdigit() and len(n) == 4 and 1800 <= int(n) <= 2200


# Speed: the full money pattern is large (every ISO currency code, every currency word), so it
# is only tried where a figure can start: near a digit, or a few words before a scale word
# ("twelve billion dollars"). Same matches as a full scan, for a fraction of the work.
# Same matches as r"\d+"; opening with a single \d (not a repeat) lets re skip to candidates in C.
_DIGIT_RUN = re.compile(r"\d\d*")
_WORD_START = re.compile(r"\b\w")
# The two scans below run over every article. Each is written to open with a plain character
# class (the first letter in both cases, then the rest case-blind), which lets Python's re skip
# to the next candidate in C; a pattern opening with \b or under re.IGNORECASE is tried at every
# character. Same matches as r"\b(?:thousand|million|billion|trillion)\b" and r"%|per\s?cent|
# \bpct\b" under re.IGNORECASE (tests/test_etl_fast_patterns.py compares them).
_SCALE_WORD = re.compile(r"[tTmMbB](?<=\b.)(?i:(?<=t)(?:housand|rillion)|(?<=[mb])illion)\b")
_PERCENT_WORD = re.compile(r"[%pP](?:(?<=%)|(?i:(?<=p)er\s?cent|(?<=\bp)ct\b))")
_PREFIX = re.compile(r"[$€£¥₹₽₺₩.￡₦A-Z]")
# A money figure that starts at its digits names its currency after them: a letter or a sign.
_AFTER_HINT = re.compile(r"[^\W\d_]|[$€£¥₹₽₺₩￡₦%]")
_WORD_BEFORE_SCALE = re.compile(r"(?:^|[\s-])([A-Za-z]+)\s+$")
_NUMBER_WORDS = frozenset([*_UNITS, *_TENS, "half", "hundred"])


def _scale_words(text: str, folded: str | None = None) -> Iterator[re.Match[str]]:
    """What `_SCALE_WORD.finditer(text)` finds. With `folded` (the text lower-cased as IGNORECASE
    compares it, every offset kept: see etl.extract._folded) the words are found from where
    "illion" and "housand" are in it, a plain substring search far faster than the scan, and each
    is checked with _SCALE_WORD at its first letter (scale words never overlap)."""
    # m/b-illion, tr-illion; t-housand
    yield from words_at_stems(_SCALE_WORD, text, folded, (("illion", (1, 2)), ("housand", (1,))))


def words_at_stems(word: re.Pattern[str], text: str, folded: str | None,
                    stems: tuple[tuple[str, tuple[int, ...]], ...]) -> Iterator[re.Match[str]]:  # fmt: skip
    """What `word.finditer(text)` finds, for words that never overlap and each hold one of
    `stems` at one of its offsets back from the word's start: found by a plain substring search of
    `folded` (the text lower-cased, every offset kept), each candidate checked with `word`. Without
    a usable `folded`, the scan itself."""
    if folded is None or len(folded) != len(text):
        yield from word.finditer(text)
        return
    starts: set[int] = set()
    for stem, back in stems:
        i = folded.find(stem)
        while i != -1:
            starts.update(i - b for b in back if i >= b)
            i = folded.find(stem, i + 1)
    for start in sorted(starts):
        m = word.match(text, start)
        if m is not None:
            yield m


_ASCII_BYTES = bytes(range(128))
_DIGIT = re.compile(r"\d")


def _digit_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of digits (\\d) in text: what `_DIGIT_RUN.finditer` finds. Python's re
    tests a character class against every character of the text (some 20 µs for an article of 3
    kB); str.find looks for each ASCII digit far faster. The scan stays for a text holding a
    digit of another script ("٢٠"), found among its non-ASCII characters, which are taken out as
    bytes (UTF-8 codes them with bytes of 0x80 and above only). tests/test_etl_fast_patterns.py
    compares the two."""
    others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    if _DIGIT.search(others.decode("utf-8", "surrogatepass")):
        return [m.span() for m in _DIGIT_RUN.finditer(text)]
    digits = []
    for digit in "0123456789":
        i = text.find(digit)
        while i != -1:
            digits.append(i)
            i = text.find(digit, i + 1)
    runs: list[tuple[int, int]] = []
    for i in sorted(digits):
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def _money_starts(text: str, folded: str | None = None) -> list[int]:
    starts: set[int] = set()
    for p, end in _digit_runs(text):
        # "US$ ", "USD ", "U.S.$", "Rs. " before the number (symbols and codes are ASCII capitals)
        prefixes = [q.start() for q in _PREFIX.finditer(text, max(0, p - 8), p)]
        if not prefixes and not _AFTER_HINT.search(text, end, end + 25):
            continue  # no sign before and no word after ("1,000,1,000"): no money starts here
        starts.add(p)
        starts.update(prefixes)
    for m in _scale_words(text, folded):
        # Only "twelve billion", "a billion", "half a billion": a number word just before.
        before = _WORD_BEFORE_SCALE.search(text, max(0, m.start() - 25), m.start())
        if before and before.group(1).lower() in _NUMBER_WORDS:
            window = max(0, m.start() - 45)
            starts.update(w.start() for w in _WORD_START.finditer(text, window, m.start()))
    return sorted(starts)


def _matches(
    pattern: re.Pattern[str], text: str, starts: Iterable[int], limit: int | None = None
) -> list[re.Match[str]]:
    """What `pattern.finditer(text)` finds, trying only the given start positions; the first
    `limit` matches only, when given (an article of endless figures is not read to its end)."""
    out, end = [], 0
    for start in starts:
        if start < end:
            continue
        m = pattern.match(text, start)
        if m and m.end() > m.start():
            out.append(m)
            end = m.end()
            if limit is not None and len(out) >= limit:
                break
    return out


def find_money(text: str, limit: int | None = None, folded: str | None = None) -> list[Figure]:
    """Money figures in text order; with `limit`, those of the first `limit` matches only.
    `folded`, if given, is the text lower-cased with every offset kept (found faster with it)."""
    money, _ = _patterns()
    found: list[Figure] = []
    for m in _matches(money, text, _money_starts(text, folded), limit):
        g = m.groupdict()
        if g["n1"] is not None:
            low, high, scale = g["n1"], g["n1b"], g["s1"]
            unit = _currency(g["sym"], g["w1"], None if g["sym"] in _SYMBOLS else g["sym"])
            if g["sym"] in _NEEDS_SCALE and not scale:
                continue
            if _is_year(low, scale) and g["sym"] not in _SYMBOLS:
                continue
        elif g["n2"] is not None:
            low, high, scale = g["n2"], g["n2b"], g["s2"]
            word = g["w2"]
            if _is_year(low, scale) or (word and word.lower() in _AMBIGUOUS_WORDS and not scale):
                continue
            # "5 m dollars" is fine, but a bare single-letter scale needs no space before it.
            if scale and len(scale) == 1 and text[m.start("s2") - 1].isspace():
                continue
            unit = _currency(g["y2"], word, g["c2"])
        else:
            value = words_to_number(g["n3"]) * _scale(g["s3"])
            unit = _currency(None, g["w3"], g["c3"])
            found.append(Figure(m.start(), m.end(), value, unit, "money"))
            continue
        factor = _scale(scale)
        if high is None:
            found.append(Figure(m.start(), m.end(), _times(low, factor), unit, "money"))
        else:
            # "$10-12 billion": two figures; the high one starts at its own number, so ids differ.
            high_start = m.start("n1b") if g["n1"] is not None else m.start("n2b")
            found.append(Figure(m.start(), m.end(), _times(low, factor), unit, "money", "low"))
            found.append(Figure(high_start, m.end(), _times(high, factor), unit, "money", "high"))
    found = [_compound(text, f) for f in found if math.isfinite(f.value)]
    return _scaled_by_neighbour(text, _with_listed_bare(text, found))


# "USD 27,398 million as against USD 19,381", "from $4386 ... to $1806 million": a figure written
# without its scale word, compared with one in the same currency that has it, shares that scale.
_SCALE_WORD_IN = re.compile(r"\b(?P<w>millions?|billions?|mn|bn|mln|bln)\b", re.IGNORECASE)
_COMPARED = re.compile(
    r"\b(?:as\s+against|against|compared\s+(?:with|to)|versus|vs|from|to)\b", re.IGNORECASE
)
_NEIGHBOUR_GAP = 80
# A figure of four to six digits written without a scale word may have left it out ("USD 19,381");
# a shorter one ("$26.7") is as likely cut off, and is left alone.
_BARE_FROM, _BARE_BELOW = 1e3, 1e6


def _scaled_by_neighbour(text: str, found: list[Figure]) -> list[Figure]:
    """`found`, with each money figure of four to six digits that has no scale word given the scale of
    the figure next to it when the two are compared and come out of one order of magnitude."""
    out = list(found)
    for i, f in enumerate(found):
        if (
            f.kind != "money"
            or not _BARE_FROM <= f.value < _BARE_BELOW
            or _SCALE_WORD_IN.search(text, f.start, f.end)
        ):
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(found) and (scaled := _scaled_like(text, f, found[j])) is not None:
                out[i] = scaled
                break
    return out


def _scaled_like(text: str, f: Figure, g: Figure) -> Figure | None:
    """`f` at the scale of `g`, if `g` is a scaled figure in its currency compared with it."""
    lo, hi = (g.end, f.start) if g.end <= f.start else (f.end, g.start)
    word = _SCALE_WORD_IN.search(text, g.start, g.end)
    if word is None or g.unit != f.unit or g.range_part or hi - lo > _NEIGHBOUR_GAP:
        return None
    if not _COMPARED.search(text, lo, hi):
        return None
    value = f.value * _scale(word.group("w"))
    if not 0.1 <= value / g.value <= 10:
        return None
    return Figure(f.start, f.end, value, f.unit, f.kind)


# "Japan at $50 billion, South Korea $21 billion, the U.S. 16 billion and India $11 billion": in a
# list of partners' amounts in one currency, an item that leaves out the sign is in that currency.
_BARE_LIST_ITEM = re.compile(
    r",\s+(?:the\s+)?(?:[A-Z][\w.’'-]*\s+){1,3}(?P<n>\d{1,3}(?:\.\d+)?)\s?(?P<s>billion|million|bn|mn)"
    r"(?=\s*(?:,|;|\band\b))"
)
_LIST_GAP = 60


def _with_listed_bare(text: str, found: list[Figure]) -> list[Figure]:
    """`found` with the sign-less list items between two figures of one currency, each read once
    within a gap of at most `_LIST_GAP` characters."""
    out: list[Figure] = found[:1]
    for f, g in itertools.pairwise(found):
        if g.unit == f.unit and g.start - f.end <= _LIST_GAP and not f.range_part:
            m = _BARE_LIST_ITEM.search(text, f.end, g.start)
            if m:
                value = _times(m.group("n"), _scale(m.group("s").lower()))
                out.append(Figure(m.start("n"), m.end("s"), value, f.unit, "money"))
        out.append(g)
    return out


# "$2 billion 487 million", "2 billion and $ 460 million", "six billion and 200 million dollars":
# one amount written in two parts. The billions part before a millions figure, or the millions
# part after a billions figure, joins it.
_BILLIONS_BEFORE = re.compile(
    r"(?<![$\d.,])(?P<n>\d{1,3}(?:\.\d+)?|"
    + "|".join([*_TENS, *(k for k in _UNITS if len(k) > 2)])
    + r")\s+billions?\s+(?:and\s+)?$",
    re.IGNORECASE,
)
_MILLIONS_AFTER = re.compile(
    r"\s+(?:and\s+)?(?P<n>\d{1,3})\s+million\b(?:\s+(?:US\s+)?dollars)?", re.IGNORECASE
)


def _compound(text: str, f: Figure) -> Figure:
    if f.kind != "money" or f.range_part:
        return f
    if 1e6 <= f.value < 1e9:
        before = _BILLIONS_BEFORE.search(text, max(0, f.start - 30), f.start)
        if before:
            n = before.group("n")
            billions = float(n) if n[0].isdigit() else words_to_number(n)
            return Figure(before.start(), f.end, billions * 1e9 + f.value, f.unit, f.kind)
    elif f.value >= 1e9 and f.value % 1e9 == 0:
        after = _MILLIONS_AFTER.match(text, f.end)
        if after:
            return Figure(f.start, after.end(), f.value + float(after.group("n")) * 1e6, f.unit, f.kind)
    return f


def _percent_words(text: str, folded: str | None = None) -> Iterator[re.Match[str]]:
    """What `_PERCENT_WORD.finditer(text)` finds. With `folded` (as for _scale_words) the words are
    found from where "%", "cent" ("percent", "per cent") and "pct" are in it, each checked with
    _PERCENT_WORD at its first character (percent words never overlap)."""
    # per-cent, per cent
    yield from words_at_stems(_PERCENT_WORD, text, folded, (("%", (0,)), ("cent", (3, 4)), ("pct", (0,))))


def _percent_starts(text: str, folded: str | None = None) -> Iterator[int]:
    """Where a percentage can start, in text order, found lazily: the word and digit starts in
    the 30 characters before each percent word ("sixty-five per cent", "30 %")."""
    tried = -1
    for m in _percent_words(text, folded):
        window = max(0, m.start() - 30)
        found = {w.start() for w in _WORD_START.finditer(text, window, m.start())}
        found.update(d.start() for d in _DIGIT_RUN.finditer(text, window, m.start()))
        fresh = sorted(p for p in found if p > tried)
        if fresh:
            tried = fresh[-1]
            yield from fresh


def find_percent(text: str, limit: int | None = None, folded: str | None = None) -> list[Figure]:
    """Percentages in text order; with `limit`, those of the first `limit` matches only (`folded`
    as for find_money)."""
    _, percent = _patterns()
    found = []
    for m in _matches(percent, text, _percent_starts(text, folded), limit):
        raw = m.group("p1")
        value = _digits(raw) if raw is not None else words_to_number(m.group("p2"))
        if math.isfinite(value) and 0 <= value <= 100:
            found.append(Figure(m.start(), m.end(), value, "percent", "percent"))
    return found
