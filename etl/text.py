"""Paragraphs, sentences and clauses of an article, as character spans of the original text.

Every span is an index pair into the untouched article text, so a claim's quote is always
`text[start:end]` verbatim. Written by hand rather than with nltk/spaCy: those need model
downloads at run time, and the ETL must run offline and fast.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

# Tokens before a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr gen col lt sgt capt gov sen rep rev hon no nos vs etc approx
    inc ltd co corp dept est fig jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k
    u.n u.a.e p.m a.m""".split()
)
# Opens only at the first of a run of stops, and takes the run whole (possessive): a long run of
# dots or spaces is read once, not once per character. Written to open with the plain class of a
# stop (the look-behind after it), so that re skips to candidates in C: the same matches as
# r"(?<![.!?])[.!?]++[”\"’')\]]*+\s+" (tests/test_etl_fast_patterns.py compares them).
_BOUNDARY = re.compile(r"[.!?](?<![.!?].)[.!?]*+[”\"’')\]]*+\s+")
_NEXT_STARTS_SENTENCE = re.compile(r"[“\"‘'(\[]?[A-Z0-9À-Ý]")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# A dateline such as "TEHRAN –" or "BAGHDAD —" opening a paragraph.
_DATELINE = re.compile(r"[A-Z][A-Z .'’-]{2,40}\s*(?:,\s*[A-Z][a-z]+\.? \d{1,2}\s*)?[–—-]\s*")
# Clause breaks inside a sentence: figures on either side of these are separate statements.
# A whitespace run is entered only at its first character ((?<!\s\s) once one is read), so a run of
# 100,000 spaces costs one pass, not one per space. Every branch opens with a plain character or
# class, so that re skips to candidates in C (tests/test_etl_fast_patterns.py compares the
# pattern with its form opening "(?<!\s)\s++" in the fourth branch).
_CLAUSE_BREAK = re.compile(
    r";|:\s(?![$€£¥₹]|\d|[A-Z]{3}\s?\d|(?:about|around|some|over|nearly)\s)|"
    r",\s++(?:but|while|whereas|although|though|with|and|yet)\b|\s(?<!\s\s)\s*+(?:but|while|whereas)\s|"
    # "..., of which Spain's exports were": the parts of a total (not "of which it is a member")
    r",\s++of\s+which(?=\s+(?:[A-Z]|(?:[a-z]+\s+){0,2}(?:exports|imports|shipments|sales)\b))"
)


# Spans and sentences are NamedTuples, not frozen dataclasses: an article makes dozens, and a
# frozen dataclass's __init__ (one object.__setattr__ a field) costs several times a tuple's.
class Span(NamedTuple):
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


class Sentence(NamedTuple):
    start: int
    end: int
    paragraph: int  # index of the paragraph it belongs to

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] without its leading and trailing whitespace (str.strip's notion of it)."""
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    return start + left, start + len(piece.rstrip()) if left < len(piece) else start + left


def _stripped_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` with text on it, its white space stripped (a line
    ends where str.splitlines breaks). str.splitlines and str.strip, in C, are some four times
    faster than a regular expression scanning the same characters one by one
    (tests/test_etl_fast_patterns.py compares this with that scan)."""
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        body = line.rstrip()  # the line break too
        if body:
            left = len(body) - len(body.lstrip()) if body[0].isspace() else 0
            yield start + left, start + len(body)


# How a line may end a paragraph: a sentence's stop or closing quote, a colon, a table's bar.
_LINE_ENDS = frozenset(".!?:;|»\"”’')]…")
# How a line may open its own paragraph: a bullet or a list's dash.
_BULLETS = frozenset("-–—•*·▪►")
# Hard-wrapped copy breaks its lines near a fixed width: a body line runs close to it (a heading
# or a caption is shorter), and no line is longer (a headline above a one-line paragraph is).
_WRAPPED_LINE = 55
_WRAP_WIDTH = 100


def _wraps_on(text: str, prev: Span, nxt: Span) -> bool:
    """Whether line `nxt` continues the sentence of line `prev` in hard-wrapped copy: one line
    break apart, both no wider than a wrap, `prev` ends mid-sentence, and `nxt` starts in lower
    case ("increasing trade" / "turnover up to $10 billion") or `prev` runs to the wrap width
    ending in a word or a comma."""
    if nxt.end - nxt.start > _WRAP_WIDTH or prev.end - prev.start > _WRAP_WIDTH:
        return False
    if text.count("\n", prev.end, nxt.start) != 1 or text[prev.end - 1] in _LINE_ENDS:
        return False
    first = text[nxt.start]
    if first in _BULLETS:
        return False
    if first.islower():
        return True
    last = text[prev.end - 1]
    return prev.end - prev.start >= _WRAPPED_LINE and (last.isalpha() or last == ",")


def paragraphs(text: str) -> list[Span]:
    """Non-empty lines: news copy puts one paragraph (or headline) per line. In hard-wrapped copy
    a line that continues the sentence before it joins that line's paragraph."""
    spans: list[Span] = []
    last_line = Span(0, 0)
    for s, e in _stripped_lines(text):
        here = Span(s, e)
        if spans and _wraps_on(text, last_line, here):
            spans[-1] = Span(spans[-1].start, e)
        else:
            spans.append(here)
        last_line = here
    return spans


def dateline_end(text: str, para: Span) -> int:
    """Offset where a paragraph's text starts once an opening dateline is skipped."""
    m = _DATELINE.match(text, para.start, para.end)
    if m and m.end() < para.end and any(c.islower() for c in text[m.end() : m.end() + 40]):
        return m.end()
    return para.start


def sentences(text: str, paras: list[Span] | None = None, wanted: set[int] | None = None) -> list[Sentence]:
    """Sentences of the article, or only of the paragraphs numbered in `wanted` (faster)."""
    out: list[Sentence] = []
    for index, para in enumerate(paras if paras is not None else paragraphs(text)):
        if wanted is not None and index not in wanted:
            continue
        start = para.start
        for m in _BOUNDARY.finditer(text, para.start, para.end):
            if not _NEXT_STARTS_SENTENCE.match(text, m.end()):
                continue
            word = _WORD_BEFORE.search(text, max(para.start, m.start() - 12), m.start())
            if word:
                token = word.group(1).lower().rstrip(".")
                if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                    continue
            s, e = _strip_span(text, start, m.end())
            if e > s:
                out.append(Sentence(s, e, index))
            start = m.end()
        s, e = _strip_span(text, start, para.end)
        if e > s:
            out.append(Sentence(s, e, index))
    return out


def clause_breaks(text: str, sentence: Sentence) -> list[tuple[int, int]]:
    """Spans of the clause breaks in a sentence (";", ", but", " while" ...), in order."""
    return [m.span() for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end)]


def clause_around(sentence: Sentence, breaks: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The clause of `sentence` holding offset `pos`, given the sentence's `clause_breaks`."""
    i = bisect.bisect_left(breaks, (pos, -1))  # the first break starting at or after pos ends it
    end = breaks[i][0] if i < len(breaks) else sentence.end
    j = i - 1
    if j >= 0 and breaks[j][1] > pos:
        j -= 1  # a break around pos itself ("$5bn;" never happens, but a span may) is no bound
    start = breaks[j][1] if j >= 0 else sentence.start
    return start, end
