"""Trade tables flattened into text: a caption naming the unit, a row of years, rows of numbers.

Government and embassy pages publish their trade figures as tables, which arrive as text like

    In US$ million
      2011-12 2012-13 2013-14
    Export to India 612.3 579.8 605.0
    Import from India 3695.2 4172.7 4813.4
    Total trade with India 4307.6 4752.5 5418.4

Each number is a claim: its row says the flow ("Export to India": the reporting country's exports
to India), its column the period, the caption the unit. Bare numbers are never money to the figure
finder, so only such a table gives them meaning. Every pattern here is anchored to a line and free
of nested quantifiers: the work is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# "In US$ million", "(Rs in crore)", "In IRs crores", "USD million", "in EUR billion"
_CAPTION = re.compile(
    r"^\W*(?:in\s+|values?\s+in\s+)?(?P<cur>IRs|Rs\.?|INR|NPR|US\$|USD|\$|€|EUR|£|GBP|¥|JPY|RMB|CNY|AED|AUD|A\$)"
    r"\s*(?:in\s+)?(?P<scale>crores?|lakhs?|millions?|billions?|mn|bn|mln|bln)\W*$",
    re.IGNORECASE,
)
_CURRENCIES = {
    "irs": "INR", "rs": "INR", "rs.": "INR", "inr": "INR", "npr": "NPR", "us$": "USD", "usd": "USD", "$": "USD",
    "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "rmb": "CNY", "cny": "CNY",
    "aed": "AED", "aud": "AUD", "a$": "AUD",
}  # fmt: skip
_SCALES = {
    "crore": 1e7,
    "lakh": 1e5,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "bln": 1e9,
}
_PERIOD_CELL = re.compile(r"(?:FY\s?)?(?:19|20)\d\d(?:[-/]\d{2,4})?")
_NUMBER_CELL = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?")
# A data row: a label of words, then numbers only.
_ROW = re.compile(r"^(?P<label>[A-Za-z][A-Za-z’'&.\s-]{2,60}?)\s+(?P<cells>-?\d[\d.,\s-]*)$")
# How far below its caption a table's year row may be, in lines with text (pages scatter blank lines).
_CAPTION_REACH = 8


@dataclass(frozen=True, slots=True)
class Cell:
    """One number of a table: its row's label, its column's period, its value in units."""

    start: int
    end: int
    label: str
    period: str  # the column heading, as written ("2012-13")
    period_start: int  # where the column heading is in the text
    period_end: int
    value: float
    unit: str
    row_start: int  # the row's line, for the claim's quote
    row_end: int


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        yield pos, line.rstrip("\r\n")
        pos += len(line)


def table_cells(text: str) -> list[Cell]:
    """Every number of every table in `text` that has a unit caption and a row of periods."""
    cells: list[Cell] = []
    unit: tuple[str, float, int] | None = None  # (currency, scale, line number of the caption)
    periods: list[tuple[int, int, str]] = []  # the current table's columns
    number = 0  # lines with text so far
    for pos, line in _lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        number += 1
        caption = _CAPTION.match(stripped)
        if caption:
            scale = caption.group("scale").lower().rstrip("s")
            unit = (_CURRENCIES[caption.group("cur").lower()], _SCALES.get(scale, 1e6), number)
            periods = []
            continue
        if unit is None:
            continue  # before the first caption no line is a table's: only captions are looked for
        heads = list(_PERIOD_CELL.finditer(line))
        if len(heads) >= 2 and not _PERIOD_CELL.sub("", line).strip():
            if unit is not None and number - unit[2] <= _CAPTION_REACH:
                periods = [(pos + m.start(), pos + m.end(), m.group()) for m in heads]
            continue
        row = _ROW.match(stripped) if periods and unit is not None and len(stripped) <= 400 else None
        if row is None:
            continue
        offset = pos + line.index(stripped) + row.start("cells")
        numbers = list(_NUMBER_CELL.finditer(row.group("cells")))
        # Tables often repeat the years for growth rates: only the first run of columns is money.
        for m, (p_start, p_end, said) in zip(numbers, periods[: _distinct_run(periods)], strict=False):
            value = float(m.group().replace(",", ""))
            if value < 0:
                continue  # a balance, not a flow
            cells.append(Cell(
                offset + m.start(), offset + m.end(), row.group("label").strip(), said, p_start, p_end,
                value * unit[1], unit[0], pos, pos + len(line),
            ))  # fmt: skip
    return cells


def _distinct_run(periods: list[tuple[int, int, str]]) -> int:
    """How many columns before a period heading repeats ("2011-12 ... 2015-16 2011-12 ...")."""
    seen: set[str] = set()
    for i, (_, _, said) in enumerate(periods):
        if said in seen:
            return i
        seen.add(said)
    return len(periods)


# --- tables with pipes: "Row label | cell | cell |", one line per row or one per cell -------------
@dataclass(frozen=True, slots=True)
class PipeCell:
    """One data cell of a pipe table (a markdown table, however its lines were broken): where its
    text is, and where its row's label and its column's heading are."""

    start: int
    end: int
    label_start: int
    label_end: int
    heading_start: int  # equal to heading_end when the column has no heading
    heading_end: int


# How many columns a pipe table may have, and how many cells it may hold: a page's table is small.
_MAX_PIPE_COLUMNS = 12


def _separator_columns(line: str) -> int:
    """How many columns a separator line ("---|---|---|", "|:--|--:|") marks; 0 if it is none."""
    s = line.strip()
    if s.count("|") < 2 or s.count("-") < 3 or s.strip("-|: "):
        return 0
    return len([part for part in s.strip("|").split("|")])


def _cells_of(pos: int, line: str) -> list[tuple[int, int]]:
    """The cells of a line of a pipe table, as (start, end) of their stripped text; a line that
    opens with "|" has no cell before it."""
    out = []
    start = 0
    for i, ch in enumerate(line):
        if ch == "|":
            if out or line[:i].strip():  # no cell before a line's opening "|"
                out.append(_stripped(pos, line, start, i))
            start = i + 1
    return out


def _stripped(pos: int, line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return pos + start, pos + end


def pipe_cells(text: str) -> list[PipeCell]:
    """Every data cell of every pipe table in `text`: the cells after a separator line, read in
    rows of as many cells as the separator has columns; the first of each row is its label, and
    the headings are the last cells before the separator. Lines not ending in "|" end a table."""
    if "|" not in text:
        return []
    lines = list(_lines(text))
    out: list[PipeCell] = []
    for i, (_, line) in enumerate(lines):
        columns = _separator_columns(line)
        if not 2 <= columns <= _MAX_PIPE_COLUMNS:
            continue
        headings = _cells_before(lines, i, columns)
        body: list[tuple[int, int]] = []
        for pos, row_line in lines[i + 1 :]:
            if not row_line.rstrip().endswith("|") or _separator_columns(row_line):
                break
            body += _cells_of(pos, row_line)
        for r in range(0, len(body) - columns + 1, columns):
            label = body[r]
            for c in range(1, columns):
                head = headings[c] if c < len(headings) else (label[0], label[0])
                out.append(PipeCell(*body[r + c], *label, *head))
    return out


def _cells_before(lines: list[tuple[int, str]], i: int, columns: int) -> list[tuple[int, int]]:
    """The heading cells of a table whose separator is line `i`: the last `columns` cells of the
    lines ending in "|" just before it (fewer, aligned right, when the corner cell is missing)."""
    cells: list[tuple[int, int]] = []
    j = i - 1
    while j >= 0 and i - j <= columns and lines[j][1].rstrip().endswith("|") and len(cells) < columns:
        cells = _cells_of(*lines[j]) + cells
        j -= 1
    cells = cells[-columns:]
    return [(0, 0)] * (columns - len(cells)) + cells
