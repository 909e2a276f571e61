"""Paragraphs, sentences and clauses of an article, as character spans of the original text.

Every span is an index pair into the untouched article text, so a claim's quote is always
`text[start:end]` verbatim. Written by hand rather than with nltk/spaCy: those need model
downloads at run time, and the ETL must run offline and fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Tokens before a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr gen col lt sgt capt gov sen rep rev hon no nos vs etc approx
    inc ltd co corp dept est fig jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k
    u.n u.a.e p.m a.m""".split()
)
_BOUNDARY = re.compile(r"[.!?]+[”\"’')\]]*\s+")
_NEXT_STARTS_SENTENCE = re.compile(r"[“\"‘'(\[]?[A-Z0-9À-Ý]")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# A dateline such as "TEHRAN –" or "BAGHDAD —" opening a paragraph.
_DATELINE = re.compile(r"[A-Z][A-Z .'’-]{2,40}\s*(?:,\s*[A-Z][a-z]+\.? \d{1,2}\s*)?[–—-]\s*")
# Clause breaks inside a sentence: figures on either side of these are separate statements.
_CLAUSE_BREAK = re.compile(
    r";|:\s(?![$€£¥₹]|\d|[A-Z]{3}\s?\d|(?:about|around|some|over|nearly)\s)|"
    r",\s+(?:but|while|whereas|although|though|with|and|yet)\b|\s+(?:but|while|whereas)\s"
)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index of the paragraph it belongs to

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[Span]:
    """Non-empty lines: news copy puts one paragraph (or headline) per line."""
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        s, e = _strip_span(text, pos, pos + len(line))
        if e > s:
            spans.append(Span(s, e))
        pos += len(line)
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


def clause_bounds(text: str, sentence: Sentence, pos: int) -> tuple[int, int]:
    """The clause of `sentence` that contains offset `pos`."""
    start, end = sentence.start, sentence.end
    for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end
