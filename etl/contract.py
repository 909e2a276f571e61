"""The claims contract (PRODUCT.md, "The claims table"): what a claim is, field by field.

Every module that writes or reads a claim's metric, qualifier or coverage takes the words from
here rather than writing the string again, so a renamed value is renamed everywhere at once.
`data/reference/tables.yml` documents the same fields for the processed CSVs and the data
package; tests/test_contract.py checks that the two agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

# --- metrics -------------------------------------------------------------------------------------
TRADE_VOLUME = "trade_volume"  # two-way trade of a pair
TRADE_TARGET = "trade_target"  # an aimed-at or forecast level (one-way when it has a direction)
EXPORTS = "exports"  # a one-way flow EXPORTER->IMPORTER
# The exporter's share of the importer's imports: of all of them when `category` is empty, else of
# that one product's imports ("12% of China's imported crude oil": category "crude oil").
IMPORT_SHARE = "import_share"
CATEGORY_SHARE = "category_share"  # a product category's share of a one-way flow
METRICS = (TRADE_VOLUME, TRADE_TARGET, EXPORTS, IMPORT_SHARE, CATEGORY_SHARE)

# --- qualifiers ----------------------------------------------------------------------------------
EXACT, APPROX, LOWER_BOUND, UPPER_BOUND = "exact", "approx", "lower_bound", "upper_bound"
QUALIFIERS = (EXACT, APPROX, LOWER_BOUND, UPPER_BOUND)

# --- time ----------------------------------------------------------------------------------------
# The span a figure covers: any 12-month span (calendar, fiscal, Iranian), part of a year, one
# month, several years, or the year a target falls due.
YEAR, PART_YEAR, MONTH, MULTI_YEAR, DEADLINE = "year", "part_year", "month", "multi_year", "deadline"
COVERAGES = (YEAR, PART_YEAR, MONTH, MULTI_YEAR, DEADLINE)
GOAL, FORECAST = "goal", "forecast"  # a target someone aims at, or one someone expects
TARGET_KINDS = (GOAL, FORECAST)
# Where an article's date comes from.
DATE_SOURCES = ("metadata", "dateline", "none")

PERCENT = "percent"  # the unit of shares; money is in ISO 4217 codes
CURATED = "curated"  # the method of a claim a person added


@dataclass(frozen=True, slots=True)
class Claim:
    """One numeric claim, in the contract's column order."""

    claim_id: str  # <article_id>:<start>
    article_id: str
    pair: str  # sorted ISO alpha-3 codes joined by "-"
    metric: str  # one of METRICS
    direction: str  # EXPORTER->IMPORTER for one-way figures, else ""
    category: str  # the product of a category_share, or of an import_share of one product's imports
    value: float  # in units of `unit`: 12 billion dollars is 12e9
    unit: str  # ISO 4217 code or PERCENT
    qualifier: str  # one of QUALIFIERS
    scope: str  # what the figure includes, as said
    period: str  # when it holds, as said
    period_start: str  # ISO date, or "" when the text does not say
    period_end: str
    coverage: str  # one of COVERAGES, or ""
    target_kind: str  # one of TARGET_KINDS for a trade_target, else ""
    speaker: str
    quote: str  # the sentence, verbatim
    start: int  # the figure's character span in the article
    end: int
    method: str  # the rule that found it
    period_note: str = ""  # how the span was read, or why it is empty

    def row(self) -> dict[str, object]:
        return asdict(self)


CLAIM_COLUMNS = [f.name for f in fields(Claim)]

# --- review --------------------------------------------------------------------------------------
# What a person decided about a claim (data/reference/reviewed_claims.csv, read by etl/review.py).
CONFIRM, REJECT, AMEND, ADD = "confirm", "reject", "amend", "add"
ACTIONS = (CONFIRM, REJECT, AMEND, ADD)
# A claim's review status in the claims table; the extractor's claims start unreviewed.
UNREVIEWED, CONFIRMED, AMENDED, REJECTED, ADDED = "unreviewed", "confirmed", "amended", "rejected", "added"
REVIEW_STATUSES = (UNREVIEWED, CONFIRMED, AMENDED, REJECTED, ADDED)
STATUS_OF_ACTION = {CONFIRM: CONFIRMED, REJECT: REJECTED, AMEND: AMENDED, ADD: ADDED}
BY_A_PERSON = (CONFIRMED, AMENDED, ADDED)  # statuses a person stands behind: "reviewed" on charts
# The fields a reviewer may amend (or must give for an added claim), in claims column order.
REVIEWED_FIELDS = ("pair", "metric", "direction", "category", "value", "unit", "qualifier", "period")
# Columns the review adds to the claims table, after the extractor's CLAIM_COLUMNS:
# the status, who and when, why, and what the rule had said for the fields a person changed.
REVIEW_COLUMNS = ["review", "reviewed_by", "reviewed_at", "review_note", "extracted"]


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """A product category of one flow, as one article lists it (a share when one is stated)."""

    exporter: str
    importer: str
    category: str
    share: float | None
    claim_id: str
    source: str  # the article
    list_id: str = ""  # <article_id>:<offset of the list>, so lists are never merged
    period: str = ""
    period_start: str = ""
    period_end: str = ""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A stretch of an article the rules did not read, and why (too long, too dense)."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Extraction:
    claims: list[Claim]
    categories: list[CategoryRow]
    skipped: tuple[Skipped, ...] = ()
    # The article's date as the extraction read it: (ISO date or "", DATE_SOURCES entry, note).
    dated: tuple[str, str, str] = ("", "none", "")
