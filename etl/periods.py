"""Period phrases: find when a figure holds, as said ("the first four months of the Iranian year
1402", "2019", "last year", "by 2030", "annual", "fiscal 2021-22"), and resolve each to the days
it covers.

How the extractor calls it
--------------------------
For a figure at [fig_start, fig_end) in clause [lo, hi) of sentence [s_start, s_end)::

    phrases = find_periods(text, s_start, s_end)      # once per sentence; cache it per sentence
    is_target = metric == "trade_target"
    phrase = (nearest(phrases, lo, hi, fig_start, fig_end, target=is_target)   # the clause first,
              or nearest(phrases, s_start, s_end, fig_start, fig_end, target=is_target))  # then the sentence
    period = phrase.said if phrase else ""             # the claims' free-text `period`, as today
    if phrase is not None and phrase.needs_anchor and earlier:  # "in the same period", "this period"
        phrase = dataclasses.replace(phrase, anchor=earlier)   # the last phrase with
        # `names_a_period` in the previous sentences (of the paragraph, or the last two or three)
    context = PeriodContext(is_target=is_target, countries=("IND", "OMN"),   # whose fiscal year first
                            iranian=iranian_context(sentence_text) or iranian_context(article_top))
    span = resolve(phrase, published, context) if phrase else NO_PERIOD
    # span.start / span.end (datetime.date or None) -> period_start / period_end (ISO),
    # span.coverage -> coverage, span.note -> how the span was read, or why it is empty

`find_periods` replaces `_PERIODS`/`_ANY_PERIOD` in etl/extract.py and `nearest` replaces
`_period`: the `said` strings are those the old patterns produced ("annual" for "annually"/"a
year"/"per annum", "by 2030" for "by the end of 2030", "first half of 2022" for "in the first
half of 2022", "last year" lower-cased, "FY2024" without its space), and new forms follow the same
rule (the words of the phrase without a leading preposition or "the", white space collapsed,
dates in brackets left out). `nearest` measures the characters between phrase and figure (so
"from $7.8bn in 2005 to $45.1bn in 2015" gives each figure its own year), keeps a comparing
phrase ("the same month of 2019") for the figure next to it, and for a target prefers a deadline.
A sentence's `period` with no phrase may also come from an earlier sentence's (a figure that
continues "In the first half of 2024, ..."): on the real-news development set, carrying the last
phrase that `names_a_period` from the two or three sentences before raised the share of
labelled spans found within a month from 0.57 to 0.70. Which fiscal year a "2017-18" means
follows `countries`: put the country whose statistics or press the article reports first.
`published` comes from `etl.dates.article_date`.

Resolution never reads the clock: a relative phrase ("last year", "annual", "within five
years") needs the article's date, and without one its span stays empty with a note saying so.
Calendars come from kept libraries: `jdatetime` for Iranian (Solar Hijri) years, whose first day
(1 Farvardin) falls on 20 or 21 March, and `dateutil.relativedelta` for month arithmetic. Fiscal
years come from `data/reference/fiscal_years.csv`.

Speed: a sentence is read only when a cheap gate finds a digit or a period word in it; then one
combined pattern is tried only at the words a phrase can start at (see `_scan`, checked against
the plain scan by the tests). Every repeat in the patterns is bounded or possessive, so the work
is linear in the length of the sentence.
"""

from __future__ import annotations

import bisect
import csv
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from re import _constants as _C  # the parsed form of a pattern, read by _first_chars
from re import _parser

import jdatetime
from dateutil.relativedelta import relativedelta

from etl.contract import COVERAGES as _CONTRACT_COVERAGES
from etl.contract import DEADLINE, MONTH, MULTI_YEAR, PART_YEAR, YEAR

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"
FISCAL_YEARS_CSV = REFERENCE / "fiscal_years.csv"

COVERAGES = (*_CONTRACT_COVERAGES, "")  # "" when not known
_DAY = timedelta(days=1)


# --- what a phrase says and what it resolves to ------------------------------------------------
@dataclass(frozen=True, slots=True)
class YearRef:
    """The year a phrase names, before it is placed in time.

    calendar: "calendar" (Gregorian: "2016", "this year", "January 2017"), "fiscal" ("FY2022",
    "fiscal 2021-22", "the current fiscal year"), "split" ("2017-18": a fiscal year where the
    country has one, else two calendar years), "iranian" ("1401", "the current Iranian year"),
    "range" ("from 2015 to 2020"), "any" (no calendar said: Iranian in an Iranian context, else
    Gregorian; "the first four months").
    number/number2: the year(s) named (an Iranian year number for "iranian").
    offset: for a relative year, years from the one holding the article date (-1 "last", 0
    "this"/"current", +1 "next"). With neither number nor offset the year is not said.
    ends: a stated last day (month, day or None, year or None): "ended March 20, 2019", "to June".
    """

    calendar: str
    number: int | None = None
    number2: int | None = None
    offset: int | None = None
    ends: tuple[int, int | None, int | None] | None = None


@dataclass(frozen=True, slots=True)
class PeriodPhrase:
    """A period phrase at text[start:end].

    said: the phrase as said, normalised as described in the module docstring.
    form: "year" (a named or relative year, or part of one: a month, a quarter, the first N
    months), "deadline" ("by 2030", "by the end of the current fiscal year"), "ending" ("the 12
    months ending March 2018", "the year to June 2019"), "window" (the N units up to the article
    date: "the past five years", "the past year"), "ahead" (the N units after it: "within five
    years", "over the next three years"), "relative" (a month or quarter from the article date:
    "last month"), "decade", "previous" ("the previous year", "a year earlier": a year before its
    anchor), "same_period" ("the same period last year", "the year-ago period"; with shift 0
    "this period", "this three-month period"), "dates" ("from March 21, 2023, to January 22,
    2024"), "since" ("since 2010"), "ytd" ("so far this year"), "annual" (a yearly rate), "now"
    ("currently"), "vague" ("in the near future", "in recent years", "within five years of
    signing").
    months: the [first, last) months of the year meant, counted from the year's first month
    (0-based): "H1 2022" (0, 6), "March 2019" (2, 3), "the first four months of 1402" (0, 4).
    clue: dates stated in brackets or after "until" (month, day, year, month, day, year; None
    where not said): "(March 21-October 22)", "(March 20, 2023)".
    count, unit: the N and unit of "within five years", "the 100 days ending July 1"; for a
    relative month or quarter the offset (-1 "last month").
    shift: years added to the anchor for "previous" (-1) and "same_period".
    anchor: for "previous" and "same_period", the phrase of the sentence it is counted from.
    """

    start: int
    end: int
    said: str
    form: str
    year: YearRef | None = None
    months: tuple[int, int] | None = None
    clue: tuple[int | None, ...] | None = None
    count: int = 0
    unit: str = ""
    shift: int = 0
    anchor: PeriodPhrase | None = None

    @property
    def names_a_period(self) -> bool:
        """Whether the phrase names its own period ("2023", "the first half of 2024", "the year
        to June 2019", "from March 21, 2023, to January 22, 2024"), so that a later "same
        period" or "previous year" can count from it."""
        return self.form in _CAN_ANCHOR

    @property
    def compares(self) -> bool:
        """Counted from another period ("the same period last year", "the previous year")."""
        return self.form in _NEEDS_ANCHOR

    @property
    def needs_anchor(self) -> bool:
        """Counted from another period that its sentence does not name ("the same period last
        year", "this period", "the previous year"): give it one from an earlier sentence with
        `dataclasses.replace(phrase, anchor=earlier_phrase)` before resolving."""
        return self.form in _NEEDS_ANCHOR and self.anchor is None


@dataclass(frozen=True, slots=True)
class PeriodContext:
    """What resolution needs beyond the phrase.

    is_target: the figure is a target (trade_target): it resolves to its deadline.
    countries: ISO3 codes of the pair, most relevant first: whose fiscal year a fiscal phrase
    means (the first with a row in data/reference/fiscal_years.csv).
    iranian: the sentence or article is in an Iranian context (see `iranian_context`): a year
    not said is an Iranian year, and a year ending in March is the Iranian year.
    """

    is_target: bool = False
    countries: tuple[str, ...] = ()
    iranian: bool = False


@dataclass(frozen=True, slots=True)
class Resolved:
    """The days a figure covers: start..end inclusive, both set or both None.

    coverage: "year" (any 12-month span), "part_year", "month", "multi_year", "deadline"
    (targets: the span of the year it falls due), or "" (not known).
    note: how the phrase was read ("Iranian year 1401", "fiscal year April-March (IND)") or why
    the span is empty ("relative period 'last year' not resolved: the article has no date").
    """

    start: date | None
    end: date | None
    coverage: str
    note: str


NO_PERIOD = Resolved(None, None, "", "no period stated")


@dataclass(frozen=True, slots=True)
class FiscalYear:
    iso3: str
    first_month: int
    first_day: int
    calendar: str  # "gregorian" | "iranian"
    named_by: str  # a single-year name ("FY2024") names the year it "start"s or "end"s in
    note: str


# --- words -------------------------------------------------------------------------------------
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_IRANIAN_MONTHS = {
    "farvardin": 1, "ordibehesht": 2, "ordibahesht": 2, "khordad": 3, "tir": 4, "mordad": 5,
    "amordad": 5, "shahrivar": 6, "shahriver": 6, "mehr": 7, "aban": 8, "azar": 9, "dey": 10,
    "dei": 10, "bahman": 11, "esfand": 12, "espand": 12, "isfand": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "thirty": 30,
}  # fmt: skip
_OFFSETS = {
    "last": -1, "past": -1, "previous": -1, "preceding": -1, "prior": -1, "this": 0, "current": 0,
    "present": 0, "next": 1, "coming": 1, "following": 1,
}  # fmt: skip
# First words lower-cased in `said`, as the old patterns did ("Last year" -> "last year").
_LOWER_FIRST = frozenset({*_OFFSETS, "first", "second", "third", "fourth", "final", "latest",
                          "opening", "initial", "same", "corresponding", "fiscal", "financial",
                          "calendar", "near", "foreseeable", "recent", "within", "over", "by"})  # fmt: skip

_FULL_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_SHORT_MONTHS = "Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_MONTH_NAMES = _FULL_MONTHS + "|" + _SHORT_MONTHS
_IRANIAN_MONTH_NAMES = "|".join(sorted({k.capitalize() for k in _IRANIAN_MONTHS}, key=len, reverse=True))
_NUMBER = r"\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))

# Pattern templates: «NAME» or «NAME:group» expands to a fragment (see _expand). Every pattern
# is compiled with re.IGNORECASE | re.VERBOSE; month names are matched capitalised only.
_FRAGMENTS: dict[str, str] = {
    "PREP": r"(?:(?:in|during|for|over|throughout|through|of|from)\s++)?",
    "THE": r"(?:the\s++)?",
    # A year of the 1900s or 2000s, not part of a number ("2,024", "$2024", "mid-2022"), ...
    "YEAR": r"(?<![\w.,$€£¥/-])(?P<{g}>(?:19|20)\d\d)",
    # ... nor followed by more digits, a decimal part or a percent sign.
    "YA": r"(?![\w%]|[.,]\d|\s*+(?:%|per\s*+cent|percent))",
    "SPLIT": r"(?:\s*+[-/–]\s*+(?P<{g}>\d\d(?:\d\d)?)(?!\d))?",
    "IYEAR": r"(?<![\w.,$€£¥/-])(?P<{g}>1[34]\d\d)",
    "MONTH": r"(?P<{g}>(?-i:" + _FULL_MONTHS + r"|(?:" + _SHORT_MONTHS + r")(?![a-z])\.?)(?![a-z]))",
    "IMONTH": r"(?P<{g}>(?-i:" + _IRANIAN_MONTH_NAMES + r")(?![a-z]))",
    "DAY": r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)",
    "NUM": r"(?P<{g}>" + _NUMBER + r")",
    "REL": r"(?P<{g}>last|this|next|past|previous|preceding|prior|current|present|coming)",
    "RELYEAR": r"(?:,?\s++(?:of\s++)?(?:the\s++)?(?P<ry>last|this|next|previous|current)\s++year(?![-\w]))",
    # Nouns after which a year names a thing, not a period: "the 2015 nuclear deal".
    "NAMED": (
        r"(?!\s++(?:Iran\s++)?(?:agreement|deal|accord|roadmap|road\s++map|plan|treaty|pact|memorandum|"
        r"blockade|crisis|crises|elections?|summit|war|sanctions|law|act|census|Olympics|World\s++Cup|"
        r"nuclear|economic\s++crisis|protests|revolution|earthquake|floods?|banknotes?)\b)"
    ),
    # Dates in brackets after a year: "(March 21-October 22)", "(March 20, 2023)".
    # ... or the day it began: "(started March 21, 2024)".
    "PAREN": (
        r"(?P<paren>\s*+\(\s*+(?:(?:«MONTH:pm1»(?:\s++«DAY:pd1»)?(?:,?\s*+«YEAR:py1»)?\s*+(?:[-–—]|to|until|through)\s*+)?"
        r"«MONTH:pm2»(?:\s++«DAY:pd2»)?(?:,?\s*+«YEAR:py2»)?"
        r"|(?:which\s++|that\s++)?(?:started|starting|began|beginning|begun)\s++(?:on\s++)?"
        r"«MONTH:bm»\s++«DAY:bd»,?\s*+«YEAR:by»«YA»)\s*+\))"
    ),
    # The year a part ("the first half of ...") belongs to.
    "YX": (
        r"(?:the\s++)?(?:"
        r"(?P<xf>(?:fiscal|financial)\s++(?:year\s++)?|(?-i:FY)\s?)(?P<xfy>(?:19|20)?\d\d)«SPLIT:xfy2»«YA»"
        r"|(?:calendar\s++(?:year\s++)?|year\s++)?«YEAR:xy»«SPLIT:xy2»«YA»"
        r"|(?:(?:Iranian|Persian|solar)\s++(?:calendar\s++)?(?:fiscal\s++)?year\s++|year\s++)?«IYEAR:xiy»«YA»"
        r"|(?:«REL:xrel»\s++)?(?P<xcal>(?:(?:fiscal|financial|calendar|Iranian|Persian|solar)\s++)?"
        r"(?:(?:calendar|fiscal)\s++)?)year(?![-\w]))"
    ),
}


def _expand(template: str) -> str:
    def fragment(m: re.Match[str]) -> str:
        body = _FRAGMENTS[m.group(1)]
        return _expand(body.replace("{g}", m.group(2) or ""))

    return re.sub(r"«(\w+)(?::(\w+))?»", fragment, template)


# --- the forms, most specific first (at one start the first that matches wins) ----------------
_FORM_PATTERNS: list[tuple[str, str]] = [
    # A day ("5 May 2019", "May 5, 2019", "2019-05-05") is when something happened, not a period:
    # matched so that its year is not read as one, and dropped.
    # "from March 21, 2023, to January 22, 2024", "March 21 through October 22, 2022", "21 March to
    # 20 June 2024": the dates as stated.
    ("date_range", r"""(?:(?:from|between)\s++)?
        (?:«MONTH:m1»\s++«DAY:d1»|«DAY:e1»\s++«MONTH:n1»)(?:,?\s*+«YEAR:y1»«YA»)?,?
        (?:\s*+[-–]\s*+|\s++(?:to|through|till|until|and)\s++)
        (?:«MONTH:m2»\s++«DAY:d2»|«DAY:e2»\s++«MONTH:n2»),?\s*+«YEAR:y2»«YA»"""),
    ("date", r"""(?:(?:on|dated)\s++)?
        (?:«DAY:d1»\s++(?:of\s++)?«MONTH:m1»,?\s*+«YEAR:y1»|«MONTH:m2»\s++«DAY:d2»,?\s*+«YEAR:y2»
        |«YEAR:y3»-[01]\d-[0-3]\d)«YA»"""),
    # A year in a name ("Vision 2030", "Expo 2020"): dropped.
    ("named", r"""(?-i:Vision|Expo|Agenda|Horizon|Copyright)\s++«YEAR:y»"""),
    ("same_period", r"""«PREP»«THE»(?:same|similar|corresponding|comparable)\s++
        (?:period|months?|quarter|half|time)\s++(?:(?:of|in|during)\s++)?(?:the\s++)?
        (?:(?:last|previous|prior|preceding|past)\s++(?:(?:fiscal|financial|calendar|Iranian)\s++)?year(?![-\w])
        |(?:a|one)\s++year\s++(?:earlier|ago|before|prior)|year\s++(?:before|earlier)
        |«YEAR:y»«SPLIT:y2»«YA»|«IYEAR:iy»«YA»)
        |«PREP»«THE»year[-\s](?:ago|earlier)\s++(?:period|months?|quarter|half)"""),
    ("previous", r"""«PREP»«THE»(?:
        (?P<w>previous|preceding|prior|following)\s++(?:(?P<cal>fiscal|financial|calendar|Iranian)\s++)?year(?![-\w])
        |(?:a|one)\s++year\s++(?:earlier|before|ago|prior)|year\s++(?:before|earlier))"""),
    ("by", r"""(?:by|until|till|before)\s++(?:(?:the\s++)?(?:end|close)\s++of\s++)?(?:
        (?P<body>(?:(?:the\s++)?year\s++)?(?:(?:fiscal|financial)\s++(?:year\s++)?)?
          (?:«MONTH:m»\s++(?:«DAY:d»,?\s++)?)?«YEAR:y»«SPLIT:y2»«YA»
        |(?-i:FY)\s?(?P<fy>(?:19|20)?\d\d)«SPLIT:fy2»(?!\d))
        |(?P<ibody>(?:(?:the\s++)?(?:Iranian\s++)?(?:calendar\s++)?year\s++)?«IYEAR:iy»«YA»)
        |(?:the\s++)?(?:«REL:rel»\s++)?
         (?P<cal>(?:(?:fiscal|financial|calendar|Iranian|Persian)\s++)?(?:(?:calendar|fiscal)\s++)?)
         (?P<u>year|decade)(?![-\w])(?:«PAREN»)?
        |year[-\s]end)"""),
    ("ahead", r"""(?:(?:within|over|in|during|for)\s++the\s++(?:next|coming|following)\s++«NUM:n»\s++(?P<u>years?|months?|decades?)
        |within\s++(?:the\s++)?(?:next\s++)?«NUM:n2»\s++(?P<u2>years?|months?|decades?)
        |in\s++«NUM:n3»\s++(?P<u3>years?|months?|decades?)['’]?\s++time
        |(?P<vague>(?:within|over|in|during)\s++the\s++(?:next|coming|following)\s++
          (?:(?:few|several|couple\s++of)\s++)?(?:years|months|decades)))(?![-\w])
        (?:\s++from\s++(?:now|today)\b)?"""),
    ("vague", r"""(?:in\s++the\s++)?(?P<w>near|foreseeable|not[\s-]++too[\s-]++distant|immediate)\s++future
        |in\s++the\s++(?:years|months)\s++(?:ahead|to\s++come)
        |(?:in\s++)?recent\s++(?P<u>years|months)"""),
    ("ytd", r"""so\s++far\s++(?:in\s++)?(?:this|the\s++current)\s++year
        |(?:this|the\s++current)\s++year\s++(?:so\s++far|to\s++date)
        |(?:the\s++)?year[-\s]to[-\s]date"""),
    ("iranian", r"""«PREP»«THE»(?:«REL:rel»\s++)?(?:Iranian|Persian|solar)\s++
        (?:(?:calendar|fiscal|solar|hijri)\s++)?(?:(?:calendar|fiscal)\s++)?year
        (?:\s++(?:of\s++)?«IYEAR:iy»«YA»
        |,?\s++(?:that\s++|which\s++)?(?:to|ending|ended|ends|through|until)\s++(?:on\s++)?
          «MONTH:em»\s++«DAY:ed»(?:,?\s*+«YEAR:ey»«YA»)?)?(?![-\w])(?:«PAREN»)?"""),
    ("part", r"""«PREP»«THE»(?:(?P<ord>first|second|third|fourth|last|final)\s++(?P<pu>half|quarter)(?:-year)?
          (?:\s*+\((?-i:[HQ])[1-4]\))?
        |(?P<fl>first|last|final|past|opening|initial|latest)\s++«NUM:n»\s++(?P<nu>months|quarters)
        |«NUM:n0»\s++months(?=\s++of\s))
        (?:\s++of\s++«YX»)?
        (?:«PAREN»|,?\s++(?:until|to|ending|ended|through)\s++«MONTH:em»\s++«DAY:ed»)?"""),
    ("hq", r"""«PREP»«THE»(?-i:(?P<hq>[HQ])(?P<k>[1-4])(?:\s*+[-–]\s*+[HQ](?P<k2>[1-4]))?|(?P<k3>[1-4])(?P<hq3>[HQ]))
        (?![\w])(?:(?:\s*+[-/]\s*+|\s++(?:of\s++)?)
          (?:(?P<f>(?-i:FY)\s?|fiscal\s++(?:year\s++)?)(?P<fy>(?:19|20)?\d\d)|(?P<y>(?:19|20)\d\d))«YA»
        |\s*+['’](?P<ya>\d\d)«YA»|\s++«IYEAR:iy»«YA»)?"""),
    ("fiscal", r"""«PREP»«THE»(?:(?:fiscal|financial|budget)\s++(?:year\s++)?«YEAR:y»«SPLIT:y2»«YA»
        |«YEAR:y3»«SPLIT:y4»\s++(?:fiscal|financial|budget)\s++year
        |(?:fiscal|financial)\s++(?:year\s++)?«IYEAR:iy»«YA»)
        (?:,?\s++(?:that\s++|which\s++)?(?:to|ending|ended|ends|through)\s++(?:on\s++)?
          «MONTH:m»(?:\s++«DAY:d»)?(?:,?\s*+«YEAR:ey»«YA»)?)?"""),
    ("fy", r"""«PREP»«THE»(?-i:FY)[\s-]?(?P<y>(?:19|20)?\d\d)«SPLIT:y2»(?!\d)(?:«PAREN»)?"""),
    ("ending", r"""«PREP»«THE»(?:(?P<fw>fiscal|financial|calendar|budget)\s++)?
        (?:«NUM:n»[\s-]++(?P<u>months?|days?|weeks?|years?)(?:\s++period)?|year|twelvemonth)
        ,?\s++(?:that\s++|which\s++)?(?:to|ending|ended|ends|through|until|up\s++to)\s++(?:on\s++)?
        «MONTH:m»(?:\s++«DAY:d»)?(?:,?\s*+«YEAR:y»«YA»)?"""),
    ("range", r"""(?:«PREP»«THE»(?:period|years)\s++)?(?:from|between)\s++«YEAR:y»
        (?:\s*+[-–]\s*+|\s++(?:to|and|until|till|through)\s++)«YEAR:y2»«YA»"""),
    ("since", r"""since\s++(?:(?:the\s++)?(?:start|beginning|end)\s++of\s++|(?:early|late|mid)[\s-]++)?
        (?:«MONTH:m»\s++)?«YEAR:y»«SPLIT:y2»«YA»"""),
    ("month_range", r"""(?:«PREP»«THE»period\s++(?:of\s++|from\s++|between\s++)?|(?:between|from)\s++|«PREP»«THE»)
        «MONTH:m1»(?:,?\s++«YEAR:y1»«YA»)?(?:\s*+[-–/]\s*+|\s++(?:to|through|till|until|and)\s++)
        «MONTH:m2»(?:,?\s++(?:of\s++)?«YEAR:y2»«YA»|\s++\[(?:of\s++)?«YEAR:yb»«YA»\]|«RELYEAR»|\s++(?:in|of)\s++(?:fiscal\s++)?«YEAR:fy»«SPLIT:fy2»«YA»)?"""),
    ("iranian_month", r"""(?P<p>(?:in|during|for|throughout|of)\s++)?«THE»
        (?P<mo>(?:Iranian\s++)?(?:calendar\s++)?month\s++of\s++)?«IMONTH:im»
        (?:(?:\s*+[-–]\s*+|\s++(?:to|through|until|and)\s++)«IMONTH:im2»)?
        (?:,?\s++«IYEAR:iy»«YA»)?(?:«PAREN»)?"""),
    # New Zealand's "the June 2016 year": the 12 months ending June 2016.
    ("this_period", r"""«PREP»(?:this|that|these|the(?:\s++(?:same|said|mentioned|specified|above|above-mentioned))?)\s++
        (?:(?:same|said|mentioned|specified)\s++)?(?:«NUM:n»[\s-]++(?P<u>months?|years?|weeks?|days?)\s++)?
        (?:period|time\s++span)(?![-\w])(?!\s++(?:of|in|from|between|to|ending|ended)\b)"""),
    ("month_year_ending", r"""«PREP»«THE»«MONTH:m»\s++«YEAR:y»\s++(?:(?:fiscal|financial)\s++)?year(?![-\w])"""),
    ("month_year", r"""«PREP»«THE»«MONTH:m»,?\s++(?:of\s++)?«YEAR:y»«YA»"""),
    ("month", r"""(?:(?:in|during|for|throughout)\s++(?:the\s++month\s++of\s++)?|the\s++month\s++of\s++)
        «MONTH:m»(?:«RELYEAR»|(?!\s*+,?\s*+\d))"""),
    ("window", r"""«PREP»«THE»(?P<rel>past|last|previous|preceding|recent|latest)\s++«NUM:n»[\s-]++
        (?P<u>years|months|decades|quarters|weeks|days)(?![-\w])"""),
    # ... and Indian English's "the last fiscal" (the noun: the fiscal year).
    ("relative", r"""«PREP»«THE»«REL:rel»\s++
        (?:(?P<cal>(?:(?:fiscal|financial|calendar|Iranian|Persian)\s++)?(?:(?:calendar|fiscal)\s++)?)
        (?P<u>year|month|quarter|decade)(?![-\w])
        |(?P<fisc>fiscal)(?![-\w])(?!\s++(?:policy|policies|deficits?|stimulus|space|consolidation|measures?|
          package|year|years|quarter|half|month)\b))
        (?:,?\s++«YEAR:ryr»«SPLIT:ryr2»«YA»)?"""),
    ("annual", r"""(?:annual(?:ly|i[sz]ed)?|yearly|per\s++(?:year|annum)|a\s++year(?![-\w])|each\s++year
        |every\s++year)\b"""),
    ("now", r"""(?:currently|presently|nowadays|now(?!\s++that\b)|at\s++present|at\s++the\s++moment)\b
        |current(?=\s++(?:[$€£¥\d]|(?:bilateral\s++|two-way\s++|annual\s++)?(?:trade|turnover|exchanges?|levels?|volume|value)\b))"""),
    ("year", r"""«PREP»«THE»(?:calendar\s++(?:year\s++)?|year\s++)?«YEAR:y»«SPLIT:y2»«YA»«NAMED»(?:«PAREN»)?"""),
    ("iranian_year", r"""(?P<p>(?:in|during|for|of|until|till)\s++)?«THE»
        (?P<yw>(?:(?:Iranian|Persian|solar)\s++)?(?:calendar\s++)?(?:fiscal\s++)?year\s++)?«IYEAR:iy»«YA»(?:«PAREN»)?"""),
]  # fmt: skip

_FLAGS = re.IGNORECASE | re.VERBOSE
_COMPILED = [(name, re.compile(_expand(p), _FLAGS)) for name, p in _FORM_PATTERNS]


def _uncaptured(pattern: str) -> str:
    """`pattern` with every group made non-capturing, so that branches can share group names."""
    return re.sub(r"(\\.)|\((?:\?P<\w+>|(?!\?))", lambda m: m.group(1) or "(?:", pattern)


def _combined(names: frozenset[str] | None = None) -> re.Pattern[str]:
    """One pattern for all forms (or those named), in order: the branch that matched is the
    outer group that closed last."""
    branches = [
        f"(?P<f{i}>{_uncaptured(p.pattern)})"
        for i, (name, p) in enumerate(_COMPILED)
        if names is None or name in names
    ]
    return re.compile(r"\b(?:" + "|".join(branches) + ")", _FLAGS)


_ANY = _combined()
# The forms that can start with a digit ("2016", "5 May 2019", "12 months to June", "1Q"): at
# a digit the others fail, so trying only these finds the same.
_ANY_DIGIT = _combined(frozenset({"date", "part", "hq", "fiscal", "ending", "year", "iranian_year"}))


# Speed: under IGNORECASE re enters each of the ~30 forms at every word it is tried at (it skips
# an alternative by its first letter only in a case-sensitive pattern). At a word starting with
# an ASCII letter, only the forms that can start with that letter (read from their parsed
# patterns) need trying, in their order: the others cannot match there, so the first form that
# matches is the same. tests/test_periods.py compares the scans.
_ANY_CHAR = None  # a pattern item that can start with any character (or matches empty)


def _first_chars(items: list) -> set[str] | None:
    """The characters a sequence of parsed pattern items can start with, or _ANY_CHAR (also when it
    can match the empty string: then it starts with whatever follows it)."""
    chars, nullable = _sequence_first_chars(items)
    return _ANY_CHAR if nullable else chars


def _item_first_chars(op: object, av: object) -> tuple[set[str] | None, bool]:
    """(characters one parsed item can start with or _ANY_CHAR, whether it can match empty).
    Anything not read here is taken as able to start with any character."""
    if op is _C.LITERAL:
        return {chr(av)}, False
    if op is _C.IN:
        chars = set()
        for kind, value in av:
            if kind is _C.LITERAL:
                chars.add(chr(value))
            elif kind is _C.RANGE and value[1] - value[0] < 256:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            elif kind is _C.CATEGORY and value is _C.CATEGORY_DIGIT:
                chars.add("0")  # a digit: no letter
            else:
                return _ANY_CHAR, False
        return chars, False
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return set(), True  # zero-width: the next item starts the match
    if op is _C.SUBPATTERN:
        return _sequence_first_chars(av[3])
    if op is _C.ATOMIC_GROUP:
        return _sequence_first_chars(av)
    if op is _C.BRANCH:
        chars, nullable = set(), False
        for branch in av[1]:
            first, empty = _sequence_first_chars(branch)
            if first is _ANY_CHAR:
                return _ANY_CHAR, False
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        first, empty = _sequence_first_chars(av[2])
        return first, empty or av[0] == 0
    return _ANY_CHAR, False


def _sequence_first_chars(items: list) -> tuple[set[str] | None, bool]:
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _item_first_chars(op, av)
        if chars is _ANY_CHAR:
            return _ANY_CHAR, False
        out |= chars
        if not nullable:
            return out, False
    return out, True


@cache
def _first_chars_of_forms() -> dict[str, set[str] | None]:
    return {name: _first_chars(list(_parser.parse(p.pattern, p.flags))) for name, p in _COMPILED}


@cache
def _combined_once(names: frozenset[str]) -> re.Pattern[str]:
    return _combined(names)  # letters whose forms are the same share one pattern


def _forms_starting_with(letter: str) -> re.Pattern[str] | None:
    """The forms that can start with an ASCII letter (either case) combined, or None where none
    can. Made on a letter's first use, not on import: the 23 patterns cost a third of a second to
    compile, which every run that extracts a few articles (a re-run, the app's "Try an article")
    would pay, and each letter's is made once per process."""
    lower = letter.lower()
    names = frozenset(
        name
        for name, chars in _first_chars_of_forms().items()
        if chars is _ANY_CHAR or any(c.lower() == lower or not c.isascii() for c in chars)
    )
    pattern = _combined_once(names) if names else None
    _BY_FIRST_LETTER[lower] = _BY_FIRST_LETTER[lower.upper()] = pattern
    return pattern


_BY_FIRST_LETTER: dict[str, re.Pattern[str] | None] = {}  # filled by _forms_starting_with
_ASCII_LETTERS = frozenset(string.ascii_letters)


def _match_any(text: str, pos: int, end: int) -> re.Match[str] | None:
    """`_ANY.match(text, pos, end)`, trying only the forms that can start with text[pos]."""
    first = text[pos]
    if first in _ASCII_LETTERS:
        try:
            pattern = _BY_FIRST_LETTER[first]
        except KeyError:
            pattern = _forms_starting_with(first)
        return pattern.match(text, pos, end) if pattern is not None else None
    return _ANY.match(text, pos, end)


# Speed: trying every form at every word costs ~5 µs a word. A phrase starts at a core word
# (below, or any word holding a digit) or at most three lead words before one ("in the first
# half", "in that time span"), so only those words are tried. tests/test_periods.py checks that
# this finds exactly what `_ANY.finditer` finds.
_TOKEN = re.compile(r"\w+")
_LEADS = frozenset(
    "in during for over throughout through of from the on dated a an one that these time".split()
)
_CORE = frozenset(
    {*_MONTHS, *_IRANIAN_MONTHS, *(w for w in _NUMBER_WORDS if len(w) > 2), *_OFFSETS}
    | set(
        """first second third fourth final opening initial latest same similar corresponding comparable by until
        till before within since so near foreseeable not immediate recent annual annually annualised
        annualized yearly per each every currently presently nowadays now current at year years month months
        calendar fiscal financial budget twelvemonth period between iranian persian solar vision expo
        agenda horizon copyright fy said mentioned specified above span""".split()
    )
)
# A sentence without any of these (lower-cased) nor a digit holds no period phrase: not scanned.
_GATE_WORDS = (
    "year", "annum", "annual", "month", "quarter", "decade", "future", "half", "now", "current",
    "present", "period", "span", "moment", "fiscal", *(m for m in _MONTHS if len(m) == 3), *_IRANIAN_MONTHS,
)  # fmt: skip
_DIGIT = re.compile(r"\d")
# After a number of at most three digits that opens a phrase, the phrase goes on with a unit
# ("12 months", "the 3-month period", "in 5 decades' time", "the 100 days ending") or a day's
# month ("5 May 2019", "21 of March"): the forms say no other word there. A figure's number
# ("$20 billion", "500 tonnes") is so not tried.
_NUMBER_GOES_ON = re.compile(
    r"[\s-]++(?:(?i:of|month|day|week|year|decade|quarter)|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)
_YEAR_STARTS = ("19", "20", "13", "14")
# A word of letters and digits starts a phrase only as "H1", "Q3", "1Q", "FY2024" or "5th".
_MIXED_START = re.compile(r"(?-i:[HQ][1-4]|[1-4][HQ]|FY)|[0-3]?\d(?:st|nd|rd|th)\b", re.IGNORECASE)
_LEAD_FIRST = frozenset("idftobIDFTOB")  # first letters of the words _LEAD strips
_LEAD = re.compile(
    r"(?:(?:in|during|for|over|throughout|through|of|from|between)\s+)?(?:the\s+)?", re.IGNORECASE
)
_IRANIAN_CONTEXT = re.compile(
    r"\b(?:Iran(?:ian)?s?|Tehran|Persian|"
    + _IRANIAN_MONTH_NAMES
    + r")\b|(?<![\w.,$€£¥/-])1[34]\d\d(?![\w%]|[.,]\d)"
)


def iranian_context(text: str) -> bool:
    """Whether text mentions Iran, Tehran, an Iranian month or a year 13xx/14xx."""
    return _IRANIAN_CONTEXT.search(text) is not None


# --- finding ---------------------------------------------------------------------------------
def find_periods(text: str, start: int = 0, end: int | None = None) -> list[PeriodPhrase]:
    """Every period phrase in text[start:end], in order, as spans into `text`."""
    end = len(text) if end is None else end
    if start >= end or not _may_hold(text, start, end):
        return []
    found: list[PeriodPhrase] = []
    for m in _scan(text, start, end):
        name, pattern = _COMPILED[int(m.lastgroup[1:])]
        own = pattern.match(text, m.start(), end)
        if own is None:  # cannot happen: the same pattern, at the same place
            continue
        phrase = _BUILDERS[name](own)
        if phrase is not None:
            found.append(phrase)
    return _anchored(found)


def _may_hold(text: str, start: int, end: int) -> bool:
    if _DIGIT.search(text, start, end):
        return True
    low = text[start:end].lower()
    return any(w in low for w in _GATE_WORDS)


def _scan(text: str, start: int, end: int) -> list[re.Match[str]]:
    """What `_ANY.finditer(text, start, end)` finds, trying only the words a phrase can start at."""
    found: list[re.Match[str]] = []
    done = start  # matches do not overlap: the next starts at or after the last one's end
    leads: list[int] = []
    for token in _TOKEN.finditer(text, start, end):
        here = token.start()
        if here < done:  # inside the last phrase: no phrase starts here
            leads = []
            continue
        word = token.group()
        if word.isalpha():
            low = word.lower()
            if low in _LEADS:
                leads = [*leads[-2:], here]
                continue
            if low not in _CORE:
                leads = []
                continue
            at_digit = False
        elif _mixed_may_start(text, word, token.end(), end):
            at_digit = word[0].isdigit()
        else:
            leads = []
            continue
        for pos in leads:  # "in the" before the core word: a phrase may start there
            m = _match_any(text, pos, end) if pos >= done else None
            if m is not None:
                found.append(m)
                done = m.end()
        if here >= done:
            m = _ANY_DIGIT.match(text, here, end) if at_digit else _match_any(text, here, end)
            if m is not None:
                found.append(m)
                done = m.end()
        leads = []
    return found


def _mixed_may_start(text: str, word: str, after: int, end: int) -> bool:
    """Whether a phrase can hold `word` (not all letters) as its first core word: a year (19xx,
    20xx, 13xx, 14xx: "2016", "2017-18", "1401"), a count or day followed by a unit or a month
    ("12 months to June", "5 May 2019"), or "H1", "Q3", "FY22", "5th". The figures and counts
    that fill news copy are none of these."""
    if not word.isdigit():
        return _MIXED_START.match(word) is not None
    if len(word) == 4:
        return word.startswith(_YEAR_STARTS)
    return len(word) <= 3 and _NUMBER_GOES_ON.match(text, after, end) is not None


def nearest(
    phrases: list[PeriodPhrase], lo: int, hi: int, fig_start: int, fig_end: int, *, target: bool = False
) -> PeriodPhrase | None:
    """The phrase within [lo, hi) nearest the figure at [fig_start, fig_end), not overlapping it
    (`phrases` sorted by start, as `find_periods` returns them).

    Nearest is the fewest characters between the two ("$5bn in 2023": none but " in "), and on
    a tie the phrase after the figure. A phrase that compares ("the same period last year", "the
    previous year") is the figure's only when next to it ("$4bn the previous year"), or when the
    clause has no other. For a target (`target=True`) a deadline ("by 2030", "within five
    years") comes first, then a year ("in 2030", "next year"), then the rest ("currently", "last
    year", "annual"), whatever their distances: "from $13.6 billion at present to $20 billion by
    2008"."""
    best: dict[int, tuple[int, int, PeriodPhrase]] = {}
    for p in phrases[bisect.bisect_left(phrases, lo, key=_start) :]:
        if p.start >= hi:
            break
        if p.end > hi or (p.start < fig_end and p.end > fig_start):
            continue
        after = p.start >= fig_end
        gap = p.start - fig_end if after else fig_start - p.end
        rank = _target_rank(p) if target else 0
        if p.form in _NEEDS_ANCHOR and gap > NEXT_TO:
            rank += 3
        key = (gap, 0 if after else 1)
        if rank not in best or key < best[rank][:2]:
            best[rank] = (*key, p)
    return best[min(best)][2] if best else None


# Characters between a figure and a comparing phrase that still make the phrase the figure's
# own: "$4bn the previous year", "$1.7bn in the same period a year earlier".
NEXT_TO = 8


def _start(p: PeriodPhrase) -> int:
    return p.start


def _target_rank(p: PeriodPhrase) -> int:
    """0 for a deadline, 1 for a year a target may fall due in, 2 for the rest."""
    if p.form in ("deadline", "ahead") or (p.form == "vague" and p.unit == "future"):
        return 0
    return 1 if _may_fall_due(p) else 2


def _may_fall_due(p: PeriodPhrase) -> bool:
    """Whether a phrase can be a target's deadline: not a rate, nor the present or the past."""
    if p.form in ("deadline", "ahead", "dates"):
        return True
    if p.form == "vague":
        return p.unit == "future"
    if p.form == "relative":
        return p.count > 0
    if p.form == "year":
        return p.year is None or p.year.offset is None or p.year.offset >= 0
    return False


def _anchored(found: list[PeriodPhrase]) -> list[PeriodPhrase]:
    """Give each "previous"/"same_period" phrase the nearest phrase before it that names its own
    period (else the nearest after it): two passes, so linear in the number of phrases."""
    if not any(p.form in _NEEDS_ANCHOR for p in found):
        return found
    before: list[PeriodPhrase | None] = []
    last = None
    for p in found:
        before.append(last)
        if p.form in _CAN_ANCHOR:
            last = p
    out = list(found)
    nxt = None
    for i in range(len(found) - 1, -1, -1):
        p = found[i]
        if p.form in _NEEDS_ANCHOR:
            out[i] = replace(p, anchor=before[i] or nxt)
        if p.form in _CAN_ANCHOR:
            nxt = p
    return out


_NEEDS_ANCHOR = frozenset({"previous", "same_period"})
_CAN_ANCHOR = frozenset({"year", "ending", "dates", "window"})


# --- building a phrase from its match ---------------------------------------------------------
def _said(m: re.Match[str], keep_lead: bool = False) -> str:
    # Dates in brackets are a clue to the span, not part of the phrase's name.
    end = m.start("paren") if "paren" in m.re.groupindex and m.group("paren") is not None else m.end()
    said = " ".join(m.string[m.start() : end].split())
    if not keep_lead and said[0] in _LEAD_FIRST:
        said = said[_LEAD.match(said).end() :] or said
    first, _, rest = said.partition(" ")
    if first.lower() in _LOWER_FIRST:
        said = first.lower() + (" " + rest if rest else "")
    return said


def _g(m: re.Match[str], name: str) -> str | None:
    return m.group(name)


def _int(s: str | None) -> int | None:
    return int(s) if s is not None else None


def _year2(first: int, second: str | None) -> int | None:
    """The full second year of "2017-18", "2019/2020", "1999-00"."""
    if second is None:
        return None
    if len(second) == 4:
        return int(second)
    full = first // 100 * 100 + int(second)
    return full + 100 if full < first else full


def _two_digit(s: str) -> int:
    return int(s) if len(s) == 4 else 2000 + int(s)


def _count(s: str) -> int:
    return int(s) if s.isdigit() else _NUMBER_WORDS[s.lower()]


def _month(s: str | None) -> int | None:
    return _MONTHS[s.rstrip(".").lower()] if s else None


def _phrase(m: re.Match[str], form: str, said: str | None = None, **parts) -> PeriodPhrase:
    return PeriodPhrase(m.start(), m.end(), said if said is not None else _said(m), form, **parts)


def _clue(m: re.Match[str], *, end_only: bool = False) -> tuple[int | None, ...] | None:
    """The dates stated in brackets ("(March 21-October 22)") or after "until" in the match."""
    if not end_only and _g(m, "bm") is not None:  # "(started March 21, 2024)": the first day only
        return (_month(_g(m, "bm")), _int(_g(m, "bd")), _int(_g(m, "by")), None, None, None)
    names = ("em", "ed") if end_only else ("pm2", "pd2")
    if _g(m, names[0]) is None:
        return None
    if end_only:
        return (None, None, None, _month(_g(m, "em")), _int(_g(m, "ed")), None)
    return (
        _month(_g(m, "pm1")), _int(_g(m, "pd1")), _int(_g(m, "py1")),
        _month(_g(m, "pm2")), _int(_g(m, "pd2")), _int(_g(m, "py2")),
    )  # fmt: skip


def _calendar_word(word: str | None) -> str:
    w = (word or "").lower()
    if any(k in w for k in ("iranian", "persian", "solar")):
        return "iranian"
    if "fiscal" in w or "financial" in w or "budget" in w:
        return "fiscal"
    if "calendar" in w:
        return "calendar"
    return ""


def _year_expr(m: re.Match[str]) -> YearRef | None:
    """The year of a part ("of 2022", "of the current Iranian year"), from the YX fragment."""
    if _g(m, "xfy") is not None:
        first = _two_digit(_g(m, "xfy"))
        return YearRef("fiscal", first, _year2(first, _g(m, "xfy2")))
    if _g(m, "xy") is not None:
        first = int(_g(m, "xy"))
        return _split_ref(first, _year2(first, _g(m, "xy2")))
    if _g(m, "xiy") is not None:
        return YearRef("iranian", int(_g(m, "xiy")))
    if _g(m, "xcal") is not None:
        cal = _calendar_word(_g(m, "xcal")) or ("calendar" if _g(m, "xrel") else "any")
        rel = _g(m, "xrel")
        return YearRef(cal, offset=_OFFSETS[rel.lower()] if rel else None)
    return None


def _split_ref(first: int, second: int | None) -> YearRef:
    if second is None or second == first:
        return YearRef("calendar", first)
    if second == first + 1:
        return YearRef("split", first, second)
    return YearRef("range", first, second)


def _build_date(m: re.Match[str]) -> None:
    return None


def _build_same_period(m: re.Match[str]) -> PeriodPhrase:
    if _g(m, "y") is not None:
        first = int(_g(m, "y"))
        return _phrase(m, "same_period", year=_split_ref(first, _year2(first, _g(m, "y2"))))
    if _g(m, "iy") is not None:
        return _phrase(m, "same_period", year=YearRef("iranian", int(_g(m, "iy"))))
    return _phrase(m, "same_period", shift=-1)


def _build_this_period(m: re.Match[str]) -> PeriodPhrase:
    """ "this period", "the same period", "this three-month period": the period named before."""
    count = _count(m.group("n")) if _g(m, "n") is not None else 0
    unit = m.group("u").lower().rstrip("s") if count else ""
    return _phrase(m, "same_period", count=count, unit=unit)


def _build_date_range(m: re.Match[str]) -> PeriodPhrase | None:
    m1, m2 = _month(_g(m, "m1") or _g(m, "n1")), _month(_g(m, "m2") or _g(m, "n2"))
    d1, d2 = int(_g(m, "d1") or _g(m, "e1")), int(_g(m, "d2") or _g(m, "e2"))
    y2 = int(m.group("y2"))
    y1 = _int(_g(m, "y1"))
    if y1 is None:
        y1 = y2 if (m1, d1) <= (m2, d2) else y2 - 1
    try:
        if date(y1, m1, d1) > date(y2, m2, d2):
            return None
    except ValueError:
        return None
    return _phrase(m, "dates", clue=(m1, d1, y1, m2, d2, y2))


def _build_previous(m: re.Match[str]) -> PeriodPhrase:
    word = (_g(m, "w") or "").lower()
    cal = _calendar_word(_g(m, "cal")) or "calendar"
    return _phrase(m, "previous", shift=1 if word == "following" else -1, year=YearRef(cal))


def _build_by(m: re.Match[str]) -> PeriodPhrase:
    if _g(m, "body") is not None:
        said = "by " + re.sub(r"^(?:the\s+)?year\s+", "", " ".join(m.group("body").split()), flags=re.I)
        if _g(m, "y") is not None:
            first = int(_g(m, "y"))
            ref = _split_ref(first, _year2(first, _g(m, "y2")))
            if re.search(r"fiscal|financial", m.group("body"), re.IGNORECASE):
                ref = replace(ref, calendar="fiscal")
            return _phrase(m, "deadline", said, year=ref)
        first = _two_digit(_g(m, "fy"))
        return _phrase(m, "deadline", said.replace(" ", "").replace("by", "by "),
                       year=YearRef("fiscal", first, _year2(first, _g(m, "fy2"))))  # fmt: skip
    if _g(m, "ibody") is not None:
        return _phrase(m, "deadline", "by " + " ".join(m.group("ibody").split()),
                       year=YearRef("iranian", int(_g(m, "iy"))))  # fmt: skip
    said = _said(m, keep_lead=True)
    if _g(m, "u") is not None and m.group("u").lower() == "decade":
        return _phrase(m, "deadline", said, unit="decade", year=YearRef("calendar", offset=0))
    rel = _g(m, "rel")
    cal = _calendar_word(_g(m, "cal")) or "calendar"
    offset = _OFFSETS[rel.lower()] if rel else 0
    return _phrase(m, "deadline", said, year=YearRef(cal, offset=offset), clue=_clue(m))


_FROM_AN_EVENT = re.compile(r"\s++(?:of|after|following|from)\s++(?!now\b|today\b)", re.IGNORECASE)


def _build_ahead(m: re.Match[str]) -> PeriodPhrase | None:
    said = _said(m, keep_lead=True)
    if _g(m, "vague") is not None:
        return _phrase(m, "vague", said, unit="future")
    if _FROM_AN_EVENT.match(m.string, m.end()):  # "within five years of signing the agreement"
        return _phrase(m, "vague", said, unit="event")
    for n, u in (("n", "u"), ("n2", "u2"), ("n3", "u3")):
        if _g(m, n) is not None:
            count = _count(m.group(n))
            if count == 0:  # "within 0 years": no period
                return None
            return _phrase(m, "ahead", said, count=count, unit=m.group(u).lower().rstrip("s"))
    return _phrase(m, "vague", said, unit="future")


def _build_vague(m: re.Match[str]) -> PeriodPhrase:
    if _g(m, "w") is not None:
        word = " ".join(m.group("w").lower().split())
        return _phrase(m, "vague", f"{word} future", unit="future")
    if _g(m, "u") is not None:
        return _phrase(m, "vague", unit="past")
    return _phrase(m, "vague", unit="future")


def _build_ytd(m: re.Match[str]) -> PeriodPhrase:
    return _phrase(m, "ytd", year=YearRef("calendar", offset=0))


def _build_iranian(m: re.Match[str]) -> PeriodPhrase:
    rel = _g(m, "rel")
    offset = _OFFSETS[rel.lower()] if rel else None
    if _g(m, "iy") is not None:
        return _phrase(m, "year", year=YearRef("iranian", int(_g(m, "iy"))), clue=_clue(m))
    if _g(m, "em") is not None:
        ends = (_month(_g(m, "em")), _int(_g(m, "ed")), _int(_g(m, "ey")))
        return _phrase(m, "year", year=YearRef("iranian", offset=offset, ends=ends))
    # "the Iranian year" with no number: the current one.
    return _phrase(m, "year", year=YearRef("iranian", offset=0 if offset is None else offset), clue=_clue(m))


def _part_months(m: re.Match[str]) -> tuple[int, int] | None:
    if _g(m, "n0") is not None:  # "11 months of 2023": the first 11
        n = _count(m.group("n0"))
        return (0, n) if 1 <= n <= 12 else None
    if _g(m, "ord") is not None:
        which = m.group("ord").lower()
        size = 6 if m.group("pu").lower().startswith("half") else 3
        k = {"first": 1, "second": 2, "third": 3, "fourth": 4}.get(which, 12 // size)
        if k * size > 12:
            return None
        return ((k - 1) * size, k * size)
    n = _count(m.group("n")) * (3 if m.group("nu").lower() == "quarters" else 1)
    if not 1 <= n <= 12:
        return None
    first = m.group("fl").lower() in ("first", "opening", "initial")
    return (0, n) if first else (12 - n, 12)


def _build_part(m: re.Match[str]) -> PeriodPhrase | None:
    months = _part_months(m)
    ref = _year_expr(m)
    clue = _clue(m) or _clue(m, end_only=True)
    if months is None or (ref is None and _g(m, "n0") is not None):
        return None
    if (
        ref is None
        and _g(m, "fl") is not None
        and m.group("fl").lower() in ("last", "past", "latest", "final")
    ):
        # "the last six months", no year: the six months up to the article date, unless dated.
        if clue is not None and clue[0] is not None and clue[5] is not None:
            return _phrase(m, "dates", clue=clue)
        return _phrase(m, "window", count=months[1] - months[0], unit="month")
    return _phrase(m, "year", year=ref or YearRef("any"), months=months, clue=clue)


def _build_hq(m: re.Match[str]) -> PeriodPhrase | None:
    half = (_g(m, "hq") or _g(m, "hq3")) == "H"
    k = int(_g(m, "k") or _g(m, "k3"))
    size = 6 if half else 3
    if half and k > 2:
        return None
    k2 = int(_g(m, "k2") or k)
    months = ((k - 1) * size, max(k, k2) * size)
    if _g(m, "fy") is not None:
        ref = YearRef("fiscal", _two_digit(_g(m, "fy")))
    elif _g(m, "y") is not None:
        ref = YearRef("calendar", int(_g(m, "y")))
    elif _g(m, "ya") is not None:
        ref = YearRef("calendar", 2000 + int(_g(m, "ya")))
    elif _g(m, "iy") is not None:
        ref = YearRef("iranian", int(_g(m, "iy")))
    else:
        ref = YearRef("any")
    return _phrase(m, "year", year=ref, months=months)


def _build_fiscal(m: re.Match[str]) -> PeriodPhrase:
    ends = (_month(_g(m, "m")), _int(_g(m, "d")), _int(_g(m, "ey"))) if _g(m, "m") else None
    if _g(m, "iy") is not None:
        return _phrase(m, "year", year=YearRef("iranian", int(_g(m, "iy"))))
    first = int(_g(m, "y") or _g(m, "y3"))
    second = _year2(first, _g(m, "y2") or _g(m, "y4"))
    if second is not None and second > first + 1:
        return _phrase(m, "year", year=YearRef("range", first, second))
    return _phrase(m, "year", year=YearRef("fiscal", first, second, ends=ends))


def _build_fy(m: re.Match[str]) -> PeriodPhrase:
    said = re.sub(r"\s+", "", m.group()[m.group().find("FY") :])
    first = _two_digit(m.group("y"))
    return _phrase(m, "year", said, year=YearRef("fiscal", first, _year2(first, _g(m, "y2"))), clue=_clue(m))


def _build_ending(m: re.Match[str]) -> PeriodPhrase | None:
    cal = _calendar_word(_g(m, "fw")) or "any"
    ends = (_month(m.group("m")), _int(_g(m, "d")), _int(_g(m, "y")))
    if _g(m, "n") is None:
        return _phrase(m, "ending", year=YearRef(cal, ends=ends), count=12, unit="month")
    count, unit = _count(m.group("n")), m.group("u").lower().rstrip("s")
    if count == 0:
        return None
    return _phrase(m, "ending", year=YearRef(cal, ends=ends), count=count, unit=unit)


def _build_range(m: re.Match[str]) -> PeriodPhrase | None:
    first, second = int(m.group("y")), int(m.group("y2"))
    if second < first:
        return None
    return _phrase(
        m, "year", year=YearRef("range", first, second) if second > first else YearRef("calendar", first)
    )


def _build_named(m: re.Match[str]) -> None:
    return None


def _build_since(m: re.Match[str]) -> PeriodPhrase:
    month = _month(_g(m, "m")) or 1
    return _phrase(m, "since", year=YearRef("calendar", int(m.group("y"))), months=(month - 1, month))


def _rel_year(m: re.Match[str]) -> YearRef:
    """The year of a month said without one: "November last year", or not said ("in March")."""
    rel = _g(m, "ry")
    return YearRef("calendar", offset=_OFFSETS[rel.lower()]) if rel else YearRef("calendar")


def _build_month_range(m: re.Match[str]) -> PeriodPhrase | None:
    m1, m2 = _month(m.group("m1")), _month(m.group("m2"))
    y1, y2 = _int(_g(m, "y1")), _int(_g(m, "y2") or _g(m, "yb"))  # "January-April [of 2023]"
    if y1 is not None and y2 is not None:
        span = (y2 - y1) * 12 + m2 - (m1 - 1)
        if not 1 <= span <= 36:
            return None
        return _phrase(m, "year", year=YearRef("calendar", y1), months=(m1 - 1, m1 - 1 + span))
    last = m2 + 12 if m2 < m1 else m2
    if _g(m, "fy") is not None:  # "April-February in 2001-02": months of a fiscal year
        return _phrase(m, "year", year=YearRef("calendar", int(m.group("fy"))), months=(m1 - 1, last))
    if y2 is not None:  # "January-September 2023", "October-March 2023": the year of the end
        return _phrase(m, "year", year=YearRef("calendar", y2 if m2 >= m1 else y2 - 1), months=(m1 - 1, last))
    ref = YearRef("calendar", y1) if y1 is not None else _rel_year(m)
    return _phrase(m, "year", year=ref, months=(m1 - 1, last))


def _build_iranian_month(m: re.Match[str]) -> PeriodPhrase | None:
    im = _IRANIAN_MONTHS[m.group("im").lower()]
    im2 = _IRANIAN_MONTHS[m.group("im2").lower()] if _g(m, "im2") else im
    iy = _int(_g(m, "iy"))
    if iy is None and _g(m, "mo") is None and _g(m, "im2") is None and _g(m, "p") is None:
        return None  # "Mehr" alone is as likely the news agency as the month
    last = im2 + 12 if im2 < im else im2
    return _phrase(m, "year", year=YearRef("iranian", iy), months=(im - 1, last), clue=_clue(m))


def _build_month_year_ending(m: re.Match[str]) -> PeriodPhrase:
    ends = (_month(m.group("m")), None, int(m.group("y")))
    return _phrase(m, "ending", year=YearRef("any", ends=ends), count=12, unit="month")


def _build_month_year(m: re.Match[str]) -> PeriodPhrase:
    month = _month(m.group("m"))
    return _phrase(m, "year", year=YearRef("calendar", int(m.group("y"))), months=(month - 1, month))


def _build_month(m: re.Match[str]) -> PeriodPhrase:
    month = _month(m.group("m"))
    return _phrase(m, "year", year=_rel_year(m), months=(month - 1, month))


def _build_window(m: re.Match[str]) -> PeriodPhrase | None:
    count = _count(m.group("n"))
    if count == 0:
        return None
    return _phrase(m, "window", count=count, unit=m.group("u").lower().rstrip("s"))


def _build_relative(m: re.Match[str]) -> PeriodPhrase:
    rel = m.group("rel").lower()
    unit = (_g(m, "u") or "year").lower()  # "the last fiscal": a year
    offset = _OFFSETS[rel]
    if unit == "year":
        cal = _calendar_word(_g(m, "cal") or _g(m, "fisc")) or "calendar"
        if _g(m, "ryr") is not None:  # "the last fiscal year 2012-13": the year said wins
            first = int(m.group("ryr"))
            second = _year2(first, _g(m, "ryr2"))
            ref = YearRef("fiscal", first, second) if cal == "fiscal" else _split_ref(first, second)
            return _phrase(m, "year", year=ref)
        if rel == "past":  # "the past year": the 12 months up to the article date
            return _phrase(m, "window", count=1, unit="year")
        return _phrase(m, "year", year=YearRef(cal, offset=offset))
    if unit == "decade":
        if offset < 0:
            return _phrase(m, "window", count=10, unit="year")
        if offset > 0:
            return _phrase(m, "ahead", count=10, unit="year")
        return _phrase(m, "decade", year=YearRef("calendar", offset=0))
    if rel == "past":  # "the past month", "the past quarter": up to the article date
        return _phrase(m, "window", count=1 if unit == "month" else 3, unit="month")
    return _phrase(m, "relative", count=offset, unit=unit)


def _build_annual(m: re.Match[str]) -> PeriodPhrase:
    return _phrase(m, "annual", "annual")


def _build_now(m: re.Match[str]) -> PeriodPhrase:
    return _phrase(m, "now", " ".join(m.group().lower().split()))


def _build_year(m: re.Match[str]) -> PeriodPhrase | None:
    first = int(m.group("y"))
    second = _year2(first, _g(m, "y2"))
    if second is not None and second < first:
        return None
    return _phrase(m, "year", year=_split_ref(first, second), clue=_clue(m))


def _build_iranian_year(m: re.Match[str]) -> PeriodPhrase | None:
    clue = _clue(m)
    if _g(m, "p") is None and _g(m, "yw") is None and clue is None:
        return None  # a bare 1401 is as likely a count as a year
    return _phrase(m, "year", year=YearRef("iranian", int(m.group("iy"))), clue=clue)


_BUILDERS: dict[str, Callable[[re.Match[str]], PeriodPhrase | None]] = {
    "date": _build_date, "named": _build_named, "date_range": _build_date_range,
    "this_period": _build_this_period, "month_year_ending": _build_month_year_ending,
    "same_period": _build_same_period, "previous": _build_previous,
    "by": _build_by, "ahead": _build_ahead, "vague": _build_vague, "ytd": _build_ytd,
    "iranian": _build_iranian, "part": _build_part, "hq": _build_hq, "fiscal": _build_fiscal,
    "fy": _build_fy, "ending": _build_ending, "range": _build_range, "since": _build_since,
    "month_range": _build_month_range, "iranian_month": _build_iranian_month,
    "month_year": _build_month_year, "month": _build_month, "window": _build_window,
    "relative": _build_relative, "annual": _build_annual, "now": _build_now, "year": _build_year,
    "iranian_year": _build_iranian_year,
}  # fmt: skip
assert set(_BUILDERS) == {name for name, _ in _FORM_PATTERNS}


# --- resolving ---------------------------------------------------------------------------------
class _NoSpan(Exception):
    """The phrase's span cannot be known; the message says why."""


@dataclass(frozen=True, slots=True)
class _Year:
    """A resolved 12-month year: Gregorian (calendar or fiscal) or Iranian."""

    start: date
    end: date
    how: str
    iranian: int | None = None  # the Iranian year number, when it is one

    def month(self, i: int) -> date:
        """First day of the year's i-th month (0-based; 12 is the next year's first month)."""
        if self.iranian is not None:
            return jdatetime.date(self.iranian + i // 12, i % 12 + 1, 1).togregorian()
        return self.start + relativedelta(months=i)


def resolve(
    phrase: PeriodPhrase, published: date | None, context: PeriodContext = PeriodContext()
) -> Resolved:
    """The days `phrase` covers, read against the article's date `published` (None when the
    article has no date: relative phrases then get no span, and the note says why)."""
    try:
        start, end, coverage, how = _span(phrase, published, context)
    except _NoSpan as why:
        resolved = Resolved(None, None, _shape(phrase, context), str(why))
    else:
        resolved = Resolved(start, end, coverage, how)
    return _as_target(phrase, resolved) if context.is_target else resolved


def in_period_before(
    phrase: PeriodPhrase, before: Resolved, context: PeriodContext = PeriodContext()
) -> Resolved | None:
    """For an article with no date: the span of a phrase that does not say its year ("the first
    quarter", "between January and July", "the four months to April 30") when the article has just
    named a period ending in the same month with its year ("the first three months of the Iranian
    year (started March 21, 2024)", "July 2019", "January and April 2020"): the same reporting
    period, so the same year. None when the phrase says its year (or is relative: "last year"
    needs the article's date) or the two would not end in the same month."""
    if before.end is None or not year_only_relative(phrase) or phrase.year.offset is not None:
        return None
    found = resolve(phrase, before.end, context)
    if found.end is None or (found.end.year, found.end.month) != (before.end.year, before.end.month):
        return None
    return replace(
        found,
        note=f"year not said and the article has no date: the year of the period ending "
        f"{before.end.isoformat()} named just before",
    )


def written_in(phrase: PeriodPhrase, base: PeriodPhrase) -> date | None:
    """For an article with no date: when it was written, as far as a sentence measuring a change
    from a period of a stated year tells ("the first half of this year, up 35% from the similar
    period in 2013": in 2014; "rose 10% last year from 2008": in 2010). A change is from a year
    before, so `phrase` is the year after `base`. The day given is the last of that year (of the
    Iranian year for an Iranian base): only whole years can be read from it. None unless `phrase`
    names its year relatively ("this year", "last year") or not at all ("the first half")."""
    if not year_only_relative(phrase) or base.year is None or base.year.number is None:
        return None
    offset = phrase.year.offset or 0
    if base.year.calendar == "iranian":
        return _iranian_year(base.year.number + 1 - offset).end
    return date(base.year.number + 1 - offset, 12, 31)


def as_written(
    phrase: PeriodPhrase, written: date, why: str, context: PeriodContext = PeriodContext()
) -> Resolved | None:
    """The span of a phrase that names its year relatively or not at all, read as if its undated
    article were written on `written` (see `written_in`); `why` says where that came from. None
    for any other phrase: a day, a month or "currently" cannot be read from a year alone."""
    if not year_only_relative(phrase):
        return None
    found = resolve(phrase, written, context)
    if found.start is None:
        return None
    return replace(found, note=f"{found.note.split(' (year not said')[0]}: the article has no date; {why}")


def year_only_relative(phrase: PeriodPhrase) -> bool:
    """Whether the phrase names its year relatively ("this year", offset set) or not at all ("the
    first quarter", "the year to June"): no year number, nor a year in its last day."""
    ref = phrase.year
    return (
        phrase.form in ("year", "ending")
        and ref is not None
        and ref.number is None
        and (ref.ends is None or ref.ends[2] is None)
    )


def _no_date(phrase: PeriodPhrase) -> _NoSpan:
    return _NoSpan(f"relative period '{phrase.said}' not resolved: the article has no date")


def _span(phrase: PeriodPhrase, published: date | None, ctx: PeriodContext) -> tuple[date, date, str, str]:
    form = phrase.form
    if form in ("year", "deadline", "previous", "same_period"):
        return _year_span(phrase, published, ctx)
    if form == "ending":
        return _ending_span(phrase, published, ctx)
    if form == "vague":
        if phrase.unit == "event":
            raise _NoSpan(f"the phrase '{phrase.said}' is counted from an event, not from a date")
        raise _NoSpan(f"the phrase '{phrase.said}' gives no date")
    if form == "dates":
        start, end = _stated(phrase.clue, phrase)
        return start, end, _days_coverage(start, end), "dates as stated"
    if published is None:
        raise _no_date(phrase)
    on = f"the article date {published.isoformat()}"
    if form in ("annual", "now"):
        what = "a yearly figure" if form == "annual" else f"the phrase '{phrase.said}'"
        return (published - relativedelta(years=1) + _DAY, published, YEAR,
                f"{what}: read as the 12 months up to {on}")  # fmt: skip
    if form == "window":
        start = published - _delta(phrase.count, phrase.unit) + _DAY
        return (
            start,
            published,
            _length_coverage(phrase.count, phrase.unit),
            f"the phrase '{phrase.said}' up to {on}",
        )
    if form == "ahead":
        due = published + _delta(phrase.count, phrase.unit)
        if ctx.is_target:
            return (date(due.year, 1, 1), date(due.year, 12, 31), DEADLINE,
                    f"the phrase '{phrase.said}' from {on}: falls due in {due.year}")  # fmt: skip
        return (
            published + _DAY,
            due,
            _length_coverage(phrase.count, phrase.unit),
            f"the phrase '{phrase.said}' from {on}",
        )
    if form == "relative":
        return _relative_span(phrase, published)
    if form == "decade":
        first = published.year // 10 * 10
        return date(first, 1, 1), date(first + 9, 12, 31), MULTI_YEAR, f"the {first}s, from {on}"
    if form == "since":
        start = phrase.year.number
        month = phrase.months[0] + 1 if phrase.months else 1
        begin = date(start, month, 1)
        if begin > published:
            raise _NoSpan(f"the phrase '{phrase.said}' starts after {on}")
        return begin, published, MULTI_YEAR, f"the phrase '{phrase.said}' up to {on}"
    if form == "ytd":
        return (
            date(published.year, 1, 1),
            published,
            PART_YEAR,
            f"the phrase '{phrase.said}': {published.year} up to {on}",
        )
    raise _NoSpan(f"the phrase '{phrase.said}': no rule for the form {form!r}")


def _year_span(
    phrase: PeriodPhrase, published: date | None, ctx: PeriodContext
) -> tuple[date, date, str, str]:
    if phrase.form in ("previous", "same_period"):
        return _anchored_span(phrase, published, ctx)
    ref = phrase.year
    clue = phrase.clue
    if clue is not None and clue[0] is not None and clue[5] is not None and phrase.form != "deadline":
        # "the first six months of the current Iranian year (March 21 through September 22,
        # 2021)": the dates stated in full are the span.
        start, end = _stated(clue, phrase)
        months = phrase.months
        coverage = _length_coverage(months[1] - months[0], "month") if months else _days_coverage(start, end)
        return start, end, coverage, "dates as stated"
    if clue is not None and clue[0] is None and clue[5] is not None and ref.number is None:
        # "the current Iranian year (March 20, 2023)": the stated last day names the year.
        ref = YearRef(ref.calendar, ends=(clue[3], clue[4], clue[5]))
        clue = None
    if phrase.form == "deadline":
        return _deadline_span(phrase, ref, published, ctx)
    if ref.calendar == "range":
        return (date(ref.number, 1, 1), date(ref.number2, 12, 31), MULTI_YEAR,
                f"calendar years {ref.number}-{ref.number2}")  # fmt: skip
    if ref.calendar == "split" and _fiscal_rule(ctx) is None:
        return (date(ref.number, 1, 1), date(ref.number2, 12, 31), MULTI_YEAR,
                f"calendar years {ref.number}-{ref.number2}: no fiscal year on record for "
                f"{_names(ctx.countries)}")  # fmt: skip
    if clue is not None and clue[2] is not None and clue[3] is None and ref.number is None:
        # "the first three months of the Iranian calendar year (started March 21, 2024)": the
        # stated first day names the year, whatever the article's date.
        year, clue = _year_begun(ref, date(clue[2], clue[0], clue[1] or 1), ctx), None
    else:
        year = _year(ref, published, ctx, phrase)
    start, end, coverage = year.start, year.end, YEAR
    if phrase.months is not None:
        first, last = phrase.months
        start, end = year.month(first), year.month(last) - _DAY
        coverage = _length_coverage(last - first, "month")
    if clue is not None:
        start, end = _apply_clue(clue, start, end, phrase)
        coverage = coverage if phrase.months is not None else _days_coverage(start, end)
    return start, end, coverage, year.how


def _stated(clue: tuple[int | None, ...], phrase: PeriodPhrase) -> tuple[date, date]:
    """The span of dates stated with their year: "(March 21- Dec. 21, 2018)"; the first date's
    year, when not said, is the last one's (or the one before, if the span crosses a new year)."""
    m1, d1, y1, m2, d2, y2 = clue
    if y1 is None:
        y1 = y2 if (m1, d1 or 1) <= (m2, d2 or 31) else y2 - 1
    try:
        start, end = date(y1, m1, d1 or 1), _month_day(y2, m2, d2)
    except ValueError as e:
        raise _NoSpan(f"the phrase '{phrase.said}': {e}") from None
    if end < start:
        raise _NoSpan(f"the phrase '{phrase.said}': the stated dates run backwards")
    return start, end


def _deadline_span(phrase: PeriodPhrase, ref: YearRef, published: date | None, ctx: PeriodContext):
    if phrase.unit == "decade":
        if published is None:
            raise _no_date(phrase)
        last = published.year // 10 * 10 + 9
        return date(last, 1, 1), date(last, 12, 31), DEADLINE, f"the decade ends in {last}"
    if ref.calendar in ("range", "split") and (ref.calendar == "range" or _fiscal_rule(ctx) is None):
        ref = YearRef("calendar", ref.number2)
    year = _year(ref, published, ctx, phrase)
    return year.start, year.end, DEADLINE, f"falls due in {year.how}"


def _anchored_span(phrase: PeriodPhrase, published: date | None, ctx: PeriodContext):
    anchor = phrase.anchor
    if phrase.form == "same_period" and phrase.year is not None:
        if anchor is None or anchor.months is None:
            raise _NoSpan(f"the phrase '{phrase.said}': the period it repeats is not named in the sentence")
        if anchor.year is not None and anchor.year.number is not None:
            # "January-February 2022 ... the corresponding period of 2021": a year earlier.
            phrase = replace(phrase, year=None, shift=phrase.year.number - anchor.year.number)
        else:
            moved = replace(anchor, year=phrase.year, clue=None, said=phrase.said)
            return _year_span(moved, published, ctx)
    if anchor is None:
        if phrase.form == "same_period" and phrase.shift == 0:
            raise _NoSpan(f"the phrase '{phrase.said}' refers to a period named before this sentence")
        if phrase.form == "same_period":
            raise _NoSpan(f"the phrase '{phrase.said}': the period it repeats is not named in the sentence")
        ref = replace(phrase.year, offset=phrase.shift)
        if published is None:
            raise _no_date(phrase)
        year = _year(ref, published, ctx, phrase)
        return (
            year.start,
            year.end,
            YEAR,
            f"{year.how}: no year named in the sentence, counted from the article date",
        )
    if anchor.year is None or (
        anchor.year.number is None and anchor.year.offset is None and anchor.year.ends is None
    ):
        # The anchor's year was not said (or it is a span of dates): move its dates instead.
        start, end, coverage, how = _span(anchor, published, ctx)
        start, end = start + relativedelta(years=phrase.shift), end + relativedelta(years=phrase.shift)
    else:
        start, end, coverage, how = _span(_shifted(anchor, phrase.shift), published, ctx)
    return start, end, coverage, f"{how} ('{phrase.said}', counted from '{anchor.said}')"


def _shifted(phrase: PeriodPhrase, years: int) -> PeriodPhrase:
    ref = phrase.year
    if ref is None:
        return phrase
    ends = ref.ends
    if ends is not None and ends[2] is not None:
        ends = (ends[0], ends[1], ends[2] + years)
    return replace(
        phrase,
        year=YearRef(
            ref.calendar,
            None if ref.number is None else ref.number + years,
            None if ref.number2 is None else ref.number2 + years,
            None if ref.offset is None else ref.offset + years,
            ends,
        ),
        clue=None,
    )


def _ending_span(phrase: PeriodPhrase, published: date | None, ctx: PeriodContext):
    if (phrase.unit, phrase.count) in (("month", 12), ("year", 1)):
        year = _year(phrase.year, published, ctx, phrase)
        return year.start, year.end, YEAR, year.how
    end = _end_date(phrase.year, published, phrase)
    # Counted back from the next day, so "the four months to April 30" starts on 1 January.
    start = end + _DAY - _delta(phrase.count, phrase.unit)
    return (
        start,
        end,
        _length_coverage(phrase.count, phrase.unit),
        f"{phrase.count} {phrase.unit}(s) ending {end}",
    )


def _relative_span(phrase: PeriodPhrase, published: date) -> tuple[date, date, str, str]:
    if phrase.unit == "month":
        start = date(published.year, published.month, 1) + relativedelta(months=phrase.count)
        end = start + relativedelta(months=1) - _DAY
        return start, end, MONTH, f"the phrase '{phrase.said}' from the article date {published.isoformat()}"
    quarter = date(published.year, (published.month - 1) // 3 * 3 + 1, 1)
    start = quarter + relativedelta(months=3 * phrase.count)
    end = start + relativedelta(months=3) - _DAY
    return start, end, PART_YEAR, f"the phrase '{phrase.said}' from the article date {published.isoformat()}"


def _year(ref: YearRef, published: date | None, ctx: PeriodContext, phrase: PeriodPhrase) -> _Year:
    """The 12-month year `ref` names."""
    if ref.ends is not None:
        return _year_ending(ref, published, ctx, phrase)
    if ref.number is None and ref.offset is None:
        return _unsaid_year(ref, published, ctx, phrase)
    if ref.number is None and published is None:
        raise _no_date(phrase)
    calendar = ref.calendar
    if calendar == "any":
        calendar = "iranian" if ctx.iranian else "calendar"
    if calendar == "iranian":
        number = ref.number if ref.number is not None else _iranian_number(published) + ref.offset
        return _iranian_year(number)
    if calendar in ("fiscal", "split"):
        return _fiscal_year(ref, published, ctx, phrase)
    number = ref.number if ref.number is not None else published.year + ref.offset
    return _Year(date(number, 1, 1), date(number, 12, 31), f"calendar year {number}")


def _year_begun(ref: YearRef, first: date, ctx: PeriodContext) -> _Year:
    """The year that began on `first`: an Iranian year (whose new year, 20 or 21 March, a text
    may give a day off), else the 12 months from that day."""
    if ref.calendar == "iranian" or (ref.calendar in ("any", "fiscal") and ctx.iranian):
        year = _iranian_year(_iranian_number(first + timedelta(days=15)))
        return replace(year, how=f"{year.how} (began {first.isoformat()}, as stated)")
    end = first + relativedelta(years=1) - _DAY
    return _Year(first, end, f"the year from {first.isoformat()}, as stated")


def _unsaid_year(ref: YearRef, published: date | None, ctx: PeriodContext, phrase: PeriodPhrase) -> _Year:
    """A year not said ("the first four months", "in March"): the latest whose part had ended by
    the article date; with no part, the one holding the article date."""
    if published is None:
        raise _NoSpan(
            f"relative period '{phrase.said}' not resolved: the year is not said and the article has no date"
        )
    current = _year(replace(ref, offset=0), published, ctx, phrase)
    if phrase.months is None:
        return replace(current, how=f"{current.how} (year not said: the one holding the article date)")
    if current.month(phrase.months[1]) - _DAY <= published:
        chosen = current
    else:
        chosen = _year(replace(ref, offset=-1), published, ctx, phrase)
    return replace(chosen, how=f"{chosen.how} (year not said: the latest that had ended by the article date)")


def _iranian_number(day: date) -> int:
    return jdatetime.date.fromgregorian(date=day).year


def _iranian_year(number: int) -> _Year:
    if not 1 <= number <= 3000:
        raise _NoSpan(f"Iranian year {number} is out of range")
    start = jdatetime.date(number, 1, 1).togregorian()
    end = jdatetime.date(number + 1, 1, 1).togregorian() - _DAY
    return _Year(start, end, f"Iranian year {number}", iranian=number)


def _end_date(ref: YearRef, published: date | None, phrase: PeriodPhrase) -> date:
    """The stated last day of an "ending" phrase: its year from the text, else the latest such
    day up to the article date."""
    month, day, year = ref.ends
    if year is None and ref.number is not None:
        year = ref.number2 or ref.number
    try:
        if year is None:
            if published is None:
                raise _no_date(phrase)
            year = (
                published.year if _month_day(published.year, month, day) <= published else published.year - 1
            )
        return _month_day(year, month, day)
    except ValueError as e:
        raise _NoSpan(f"the phrase '{phrase.said}': {e}") from None


def _month_day(year: int, month: int, day: int | None) -> date:
    """The day, or the month's last day when no day is said."""
    if day is None:
        return date(year, month, 1) + relativedelta(months=1) - _DAY
    return date(year, month, day)


def _year_ending(ref: YearRef, published: date | None, ctx: PeriodContext, phrase: PeriodPhrase) -> _Year:
    end = _end_date(ref, published, phrase)
    month, day, _ = ref.ends
    march = month == 3 and (day is None or 19 <= day <= 21)
    if ref.calendar == "iranian" or (march and ctx.iranian and ref.calendar in ("fiscal", "any", "split")):
        # A year ending about 20 March in an Iranian context is the Iranian year.
        year = _iranian_year(_iranian_number(end - timedelta(days=15)))
        return replace(year, how=f"{year.how} (ends {year.end.isoformat()})")
    return _Year(end - relativedelta(years=1) + _DAY, end, f"the 12 months ending {end.isoformat()}")


def _fiscal_year(ref: YearRef, published: date | None, ctx: PeriodContext, phrase: PeriodPhrase) -> _Year:
    rule = _fiscal_rule(ctx)
    if rule is None:
        if ref.number2 is not None:
            raise _NoSpan(
                f"fiscal year '{phrase.said}': no fiscal year on record for {_names(ctx.countries)}"
            )
        year = _year(replace(ref, calendar="calendar"), published, ctx, phrase)
        return replace(year, how=f"{year.how} (no fiscal year on record for {_names(ctx.countries)})")
    if rule.calendar == "iranian":
        # "fiscal 2021-22", "FY2022" for Iran: the Iranian year that starts in (the first) year.
        number = ref.number - 621 if ref.number is not None else _iranian_number(published) + ref.offset
        year = _iranian_year(number)
        return replace(year, how=f"{year.how} (fiscal year, {rule.iso3})")
    if ref.number is not None:
        first = ref.number if ref.number2 is not None or rule.named_by == "start" else ref.number - 1
        start = date(first, rule.first_month, rule.first_day)
    else:
        start = date(published.year, rule.first_month, rule.first_day)
        if start > published:
            start = date(published.year - 1, rule.first_month, rule.first_day)
        start += relativedelta(years=ref.offset)
    end = start + relativedelta(years=1) - _DAY
    return _Year(start, end, f"fiscal year {_month_name(start)}-{_month_name(end)} ({rule.iso3})")


def _apply_clue(
    clue: tuple[int | None, ...], start: date, end: date, phrase: PeriodPhrase
) -> tuple[date, date]:
    """The dates stated in brackets override the computed ones."""
    m1, d1, y1, m2, d2, y2 = clue
    try:
        if m1 is not None:
            start = date(y1 if y1 is not None else start.year, m1, d1 or 1)
        if m2 is not None:
            end = _month_day(y2 if y2 is not None else start.year, m2, d2)
            if y2 is None and end < start:
                end = _month_day(start.year + 1, m2, d2)
    except ValueError as e:
        raise _NoSpan(f"the phrase '{phrase.said}': {e}") from None
    if end < start:
        raise _NoSpan(f"the phrase '{phrase.said}': the stated dates run backwards")
    return start, end


def _delta(count: int, unit: str) -> relativedelta:
    unit = unit.rstrip("s")
    if unit == "decade":
        return relativedelta(years=10 * count)
    if unit == "quarter":
        return relativedelta(months=3 * count)
    return relativedelta(**{unit + "s": count})


def _length_coverage(count: int, unit: str) -> str:
    """Coverage of a span of `count` units: a month, part of a year, a year or several."""
    unit = unit.rstrip("s")
    months = {"year": 12, "decade": 120, "quarter": 3, "month": 1}.get(unit)
    if months is None:  # days, weeks
        days = count * (7 if unit == "week" else 1)
        return YEAR if 360 <= days <= 366 else PART_YEAR if days < 360 else MULTI_YEAR
    months *= count
    return MONTH if months == 1 else PART_YEAR if months < 12 else YEAR if months == 12 else MULTI_YEAR


def _days_coverage(start: date, end: date) -> str:
    days = (end - start).days + 1
    return YEAR if 360 <= days <= 367 else PART_YEAR if days < 360 else MULTI_YEAR


def _shape(phrase: PeriodPhrase, ctx: PeriodContext) -> str:
    """The coverage a phrase has whatever its dates: kept when its span cannot be known."""
    form = phrase.form
    if form == "deadline":
        return DEADLINE
    if form in ("annual", "now"):
        return YEAR
    if form in ("window", "ahead", "ending"):
        return _length_coverage(phrase.count, phrase.unit)
    if form == "relative":
        return MONTH if phrase.unit == "month" else PART_YEAR
    if form in ("decade", "since"):
        return MULTI_YEAR
    if form == "ytd":
        return PART_YEAR
    if form == "vague":
        return MULTI_YEAR if phrase.unit == "past" else ""
    if form == "same_period":
        if phrase.anchor is not None:
            return _shape(phrase.anchor, ctx)
        if phrase.count:  # "this three-month period"
            return _length_coverage(phrase.count, phrase.unit)
        return PART_YEAR if phrase.shift else ""
    if form == "dates":
        try:
            return _days_coverage(*_stated(phrase.clue, phrase))
        except _NoSpan:
            return ""
    if form == "previous":
        return _shape(phrase.anchor, ctx) if phrase.anchor else YEAR
    if phrase.months is not None:
        return _length_coverage(phrase.months[1] - phrase.months[0], "month")
    if phrase.year is not None and phrase.year.calendar == "range":
        return MULTI_YEAR
    if phrase.year is not None and phrase.year.calendar == "split" and _fiscal_rule(ctx) is None:
        return MULTI_YEAR
    return YEAR


# Phrases that look back from the article date: for a target they say when it was stated or
# what it is compared with, never when it falls due.
_BACKWARD = frozenset({"window", "since", "previous", "same_period", "now", "ytd"})


def _as_target(phrase: PeriodPhrase, r: Resolved) -> Resolved:
    """A target's span is the year it falls due: coverage "deadline"."""
    if phrase.form == "annual":
        return Resolved(None, None, YEAR, "a yearly target: its deadline is not said")
    backward = phrase.form in _BACKWARD or (phrase.form == "relative" and phrase.count <= 0)
    backward = backward or (phrase.form == "vague" and phrase.unit == "past")
    if phrase.form == "year" and phrase.year is not None and (phrase.year.offset or 0) < 0:
        backward = True
    if backward:
        return Resolved(
            None, None, DEADLINE, f"the phrase '{phrase.said}' does not say when the target falls due"
        )
    return replace(r, coverage=DEADLINE)


# --- fiscal years --------------------------------------------------------------------------------
def _month_name(day: date) -> str:
    return day.strftime("%B")


def _names(countries: tuple[str, ...]) -> str:
    return ", ".join(countries) if countries else "the countries (none given)"


def _fiscal_rule(ctx: PeriodContext) -> FiscalYear | None:
    """The fiscal year meant: the first of the pair's countries with one on record; in an
    Iranian context with none, the Iranian year."""
    table = fiscal_years()
    for iso3 in ctx.countries:
        if iso3 in table:
            return table[iso3]
    return table.get("IRN") if ctx.iranian else None


@cache
def fiscal_years(path: Path = FISCAL_YEARS_CSV) -> dict[str, FiscalYear]:
    """data/reference/fiscal_years.csv, checked: a bad row stops with a message naming it."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"{path}: cannot read the fiscal-year table: {e}") from None
    needed = {"iso3", "first_month", "first_day", "calendar", "named_by", "note"}
    table: dict[str, FiscalYear] = {}
    for line, row in enumerate(rows, start=2):
        missing = needed - {k for k, v in row.items() if k is not None and v is not None}
        if missing:
            raise ValueError(f"{path} line {line}: missing {', '.join(sorted(missing))}")
        where = f"{path} line {line} ({row['iso3']!r})"
        if not re.fullmatch(r"[A-Z]{3}", row["iso3"]):
            raise ValueError(f"{where}: iso3 must be three capital letters")
        if row["iso3"] in table:
            raise ValueError(f"{where}: {row['iso3']} appears twice")
        if row["calendar"] not in ("gregorian", "iranian") or row["named_by"] not in ("start", "end"):
            raise ValueError(f"{where}: calendar must be gregorian or iranian, named_by start or end")
        try:
            month, day = int(row["first_month"]), int(row["first_day"])
            date(2001, month, day)  # a day that exists in every year
        except ValueError:
            raise ValueError(f"{where}: first_month/first_day {row['first_month']}/{row['first_day']} "
                             "is not a day of the year") from None  # fmt: skip
        table[row["iso3"]] = FiscalYear(
            row["iso3"], month, day, row["calendar"], row["named_by"], row["note"]
        )
    return table
