"""The date an article was published: from its metadata row, else from a dateline or a date line
at the top of its text, else unknown, always with where it came from.

    article_date(text, metadata_date="2025-07-18")  -> ArticleDate(date(2025, 7, 18), "metadata", ...)
    article_date("TEHRAN, July 18, 2025 (IRNA) – Iran and ...")  -> ArticleDate(date(2025, 7, 18), "dateline", ...)
    article_date("BAGHDAD, Jan. 5 (Reuters) - ...")  -> ArticleDate(None, "none", "the dateline 'Jan. 5' has no year")

In the text, only the top counts (its first lines, starting within the first 400 characters), and
only a date standing as a line of its own ("18 July 2025", "July 18, 2025 - 15:23", "Published:
18 Jul 2025", "Monday, 3 March 2014", "2025-07-18", one segment of "By X | July 18, 2025") or
opening a dateline ("TEHRAN, July 18, 2025 (IRNA) –"): a date in a sentence ("the agreement signed
on 5 May 2019") says when something happened, not when the article was written. A line updated
("Updated: ...") counts only when nothing else does. The work is bounded by the size of the top,
whatever the length of the text.

Month names are read with a small table and `datetime.date` (no locale); a short top line that
names a month and a year in another order ("18-Jul-2025") is read with `dateparser`, told to
accept only a full day, month and year, never a relative date, so that the clock never matters.
Iranian dates ("27 Tir 1404") are converted with `jdatetime`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jdatetime

from etl.contract import DATE_SOURCES

HEAD_CHARS = 400  # a date line must start within this many characters of the top
HEAD_LINES = 12
_LINE_LIMIT = 200  # characters of a line looked at (a dateline opens a long paragraph)


@dataclass(frozen=True, slots=True)
class ArticleDate:
    """published: the article's date, or None. source: "metadata", "dateline" (any date read from
    the top of the text) or "none". note: where exactly it came from, or why there is none."""

    published: date | None
    source: str  # one of DATE_SOURCES
    note: str

    def __post_init__(self) -> None:
        assert self.source in DATE_SOURCES, self.source


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_IRANIAN_MONTHS = {
    "farvardin": 1, "ordibehesht": 2, "khordad": 3, "tir": 4, "mordad": 5, "amordad": 5,
    "shahrivar": 6, "mehr": 7, "aban": 8, "azar": 9, "dey": 10, "dei": 10, "bahman": 11, "esfand": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
_IMONTH = r"(?P<imon>" + "|".join(sorted(_IRANIAN_MONTHS, key=len, reverse=True)) + r")(?![a-z])"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_IYEAR = r"(?P<iyear>1[34]\d\d)(?!\d)"
_DATES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"{_MONTH}\s*{_DAY},?\s+{_YEAR}",  # July 18, 2025
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}",  # 18 July 2025
        r"(?P<year>(?:19|20)\d\d)-(?P<mm>[01]?\d)-(?P<day>[0-3]?\d)(?![\d-])",  # 2025-07-18
        rf"{_DAY}\s+{_IMONTH},?\s+{_IYEAR}",  # 27 Tir 1404
        rf"{_IMONTH}\s+{_DAY},?\s+{_IYEAR}",  # Tir 27, 1404
    )
]
_NO_YEAR = re.compile(rf"{_MONTH}\s*{_DAY}(?!,?\s*\d)", re.IGNORECASE)  # Jan. 5
_LABEL = re.compile(
    r"(?P<label>(?:first\s+)?publish(?:ed|ing)?(?:\s+date)?|(?:last\s+)?updated|modified|posted|date|dated|"
    r"released|issued)"
    r"(?:\s+(?:on|at))?\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_WEEKDAY_BEFORE = re.compile(_WEEKDAY + r",?\s+", re.IGNORECASE)
_TIME = r"(?:at\s+)?\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:[AaPp]\.?\s?[Mm]\.?)?"
_ZONE = r"(?:\(?(?:[A-Z]{2,5}|[+-]\d\d:?\d\d)(?:\s?[+-]\s?\d{1,2}(?::?\d\d)?)?\)?)"
_TIME_BEFORE = re.compile(rf"{_TIME}\s*(?:{_ZONE}\s*)?[,|–—-]?\s*")
# What may follow a date on its own line: a weekday, a time, a time zone, punctuation.
_TAIL = re.compile(
    rf"(?:\s*,?\s*(?i:{_WEEKDAY}))?[\s,|·•–—-]*(?:{_TIME})?\s*{_ZONE}?[\s.,;:|–—-]*",
)
_SEGMENTS = re.compile(r"\s*[|·•]\s*")
_DIGIT = re.compile(r"\d")
# "TEHRAN, ", "NEW DELHI, ", "Tehran, Iran, ": a place name, then the date, then an agency, a dash.
_PLACE = re.compile(
    r"[A-Z][A-Za-z.'’-]*(?:[ \t]+[A-Z][A-Za-z.'’-]*){0,3}(?:[ \t]*,[ \t]*[A-Z][A-Za-z.'’-]*){0,1}[ \t]*,[ \t]*"
)
_AFTER_DATELINE = re.compile(r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*[-–—:]")
# A short line naming a month and a year in some other order ("18-Jul-2025") is left to dateparser.
_MONTH_WORD = re.compile(_MONTH.replace("?P<mon>", ""), re.IGNORECASE)
_YEAR_WORD = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],  # never "yesterday" or "3 days ago": no clock
    "STRICT_PARSING": True,
    "DATE_ORDER": "DMY",
}


def article_date(text: str, metadata_date: str = "") -> ArticleDate:
    """The article's date: `metadata_date` (YYYY-MM-DD) when given, else the top of `text`."""
    if metadata_date.strip():
        return ArticleDate(_metadata(metadata_date.strip()), "metadata", "from the metadata row")
    found: ArticleDate | None = None
    why = "no date line or dateline at the top of the text"
    offset = 0
    for number, line in enumerate(text[: HEAD_CHARS + _LINE_LIMIT].splitlines(keepends=True)):
        if offset >= HEAD_CHARS or number >= HEAD_LINES:
            break
        offset += len(line)
        line = line[:_LINE_LIMIT].strip()
        if not line or _DIGIT.search(line) is None:
            continue  # every form of a date, and of a dateline without a year, has a day or a year in digits
        read = _dateline(line) or _date_line(line)
        if read is None:
            continue
        if isinstance(read, str):  # a dateline without a year: remember why, keep looking
            why = read
            continue
        if not read.note.startswith("updated"):
            return read
        found = found or read  # an updated line counts only when nothing else does
    return found or ArticleDate(None, "none", why)


def _metadata(value: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"metadata date {value!r} is not a date in YYYY-MM-DD form")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"metadata date {value!r} is not a day of the calendar") from None


def _from_match(m: re.Match[str]) -> date | None:
    """The day a date pattern matched, or None when no such day exists (31 June)."""
    parts = m.groupdict()
    try:
        if parts.get("imon") is not None:
            month = _IRANIAN_MONTHS[parts["imon"].lower()]
            return jdatetime.date(int(parts["iyear"]), month, int(parts["day"])).togregorian()
        month = int(parts["mm"]) if parts.get("mm") is not None else _MONTHS[parts["mon"].lower()[:3]]
        return date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None


def _dateline(line: str) -> ArticleDate | str | None:
    """ "TEHRAN, July 18, 2025 (IRNA) –": the date after a place name, closed by a dash; a
    dateline without a year ("BAGHDAD, Jan. 5 (Reuters) -") gives the reason there is no date."""
    place = _PLACE.match(line)
    if place is None:
        return None
    for form in _DATES:
        m = form.match(line, place.end())
        if m and _AFTER_DATELINE.match(line, m.end()):
            day = _from_match(m)
            if day is not None:
                return ArticleDate(day, "dateline", f"dateline {m.group()!r}")
    m = _NO_YEAR.match(line, place.end())
    if m and _AFTER_DATELINE.match(line, m.end()):
        return f"the dateline {m.group()!r} has no year"
    return None


def _date_line(line: str) -> ArticleDate | None:
    """A line (or a segment of "By X | July 18, 2025 | 3 min read") that is only a date, with
    perhaps a label, a weekday and a time."""
    for segment in _SEGMENTS.split(line):
        read = _date_segment(segment.strip())
        if read is not None:
            return read
    return None


def _date_segment(segment: str) -> ArticleDate | None:
    pos = 0
    label = _LABEL.match(segment)
    if label:
        pos = label.end()
    for optional in (_TIME_BEFORE, _WEEKDAY_BEFORE):
        m = optional.match(segment, pos)
        if m:
            pos = m.end()
    updated = bool(label) and label.group("label").lower().endswith(("updated", "modified"))
    what = "updated line" if updated else "date line"
    for form in _DATES:
        m = form.match(segment, pos)
        # A labelled date ("date 2024-08-20", "Published: 3 May 2019") counts even with the line
        # going on after it; an unlabelled one must be all the line says.
        if m and (label or _TAIL.fullmatch(segment, m.end())):
            day = _from_match(m)
            if day is not None:
                return ArticleDate(day, "dateline", f"{what} {segment!r}")
    if len(segment) <= 60 and _MONTH_WORD.search(segment) and _YEAR_WORD.search(segment):
        day = _dateparser(segment[pos:])
        if day is not None:
            return ArticleDate(day, "dateline", f"{what} {segment!r} (read by dateparser)")
    return None


@lru_cache(maxsize=4096)
def _dateparser(value: str) -> date | None:
    import dateparser  # imported on first use: it takes a moment to load its language data

    parsed = dateparser.parse(value, languages=["en"], settings=_DATEPARSER_SETTINGS)
    return parsed.date() if parsed is not None else None
