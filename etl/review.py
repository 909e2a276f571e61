"""Corrections as data: what a person decided about the claims, read, checked and applied.

`data/reference/reviewed_claims.csv` holds one row per decision (tables.yml, `reviewed_claims`):
confirm, reject or amend a claim the rules found, or add a figure they missed. The ETL applies the
decisions after extraction and before the derived tables, so a correction needs no code change and
survives every rebuild. The claims table keeps what the rules said beside what the person decided:
its `review` column says which a chart uses, and `extracted` keeps the rule's values of the fields a
person changed.

A decision names its figure by span and also keeps the figure's text and its sentence as they were.
When an article's text changes so that the span no longer holds that figure in that sentence, the
decision is stale: it is not applied, the claim stays unreviewed, and the run says so by name.

Every cell is checked before anything is applied. Text a person typed (reviewer, note, category,
period) is refused when it holds HTML, could run as a spreadsheet formula, holds control
characters or is far longer than any honest value; problems name the file, the line and the field.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc
import pycountry

from etl.contract import (
    ACTIONS,
    ADD,
    ADDED,
    AMEND,
    AMENDED,
    BY_A_PERSON,
    CATEGORY_SHARE,
    CLAIM_COLUMNS,
    CONFIRM,
    CURATED,
    EXPORTS,
    IMPORT_SHARE,
    METRICS,
    PERCENT,
    QUALIFIERS,
    REJECT,
    REJECTED,
    REVIEW_COLUMNS,
    REVIEWED_FIELDS,
    STATUS_OF_ACTION,
    TRADE_TARGET,
    TRADE_VOLUME,
    UNREVIEWED,
)
from etl.dates import article_date
from etl.figures import REFERENCE
from etl.tables import TableError, columns, empty, to_csv_bytes, validate
from etl.text import sentences
from etl.transform import target_gaps, trade_balance

REVIEWS_CSV = REFERENCE / "reviewed_claims.csv"
TABLE = "reviewed_claims"
MAX_FILE_BYTES = 20_000_000
MAX_FIGURE_CHARS = 200  # the longest written figure ("1 billion and 966 million dollars") is far shorter
# Longest value a person may type in each free-text field.
TEXT_LIMITS = {"article_id": 200, "category": 200, "period": 200, "reviewer": 100, "note": 1_000}
REPORT_COLUMNS = ["line", "claim_id", "action", "reviewer", "outcome", "reason"]
APPLIED, STALE, NOT_APPLIED = "applied", "stale", "not applied"


def max_quote_chars() -> int:
    """The longest quote a decision may keep: the rules read no longer sentence, so none is
    reviewed. Read from etl.extract when a decision is checked (importing the rules costs the
    ETL's own process, which does not extract, a fifth of a second of every run)."""
    from etl.extract import MAX_SENTENCE_CHARS

    return MAX_SENTENCE_CHARS


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The opening of an HTML tag, comment or declaration: "<b", "</", "<!", "<?". No repetition, so
# the scan is linear in the length of the text.
_HTML = re.compile(r"<[/!?]?[A-Za-z]|<!--")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # \t, \n and \r are looked at separately
_INTEGER = re.compile(r"\d{1,9}")
_NUMBER = re.compile(r"\d{1,20}(?:\.\d{1,20})?(?:[eE][+-]?\d{1,3})?")
_PAIR = re.compile(r"[A-Z]{3}-[A-Z]{3}")
_DIRECTION = re.compile(r"[A-Z]{3}->[A-Z]{3}")
_UNIT = re.compile(r"[A-Z]{3}|percent")
_WHEN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_SHARE_METRICS = (IMPORT_SHARE, CATEGORY_SHARE)
_ONE_WAY_METRICS = (EXPORTS, IMPORT_SHARE, CATEGORY_SHARE)


class ReviewError(Exception):
    """The reviews file (or one decision) cannot be used; `problems` has one line per fault,
    each naming the file, the line and the field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


# --- checking one decision -----------------------------------------------------------------------
def text_problem(value: str, limit: int, multiline: bool = False) -> str | None:
    """Why a typed text cannot be stored, or None. Length first, so a huge value costs nothing."""
    if len(value) > limit:
        return f"is {len(value):,} characters long; the limit is {limit:,}"
    if value.startswith(_FORMULA_START):
        return f"starts with {value[0]!r}, which a spreadsheet would run as a formula"
    if _HTML.search(value):
        return "holds HTML markup (a '<' opening a tag); write it without angle brackets"
    if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        return "holds control characters or line breaks"
    if "\t" in value:
        return "holds a tab"
    return None


def _country_problem(code: str) -> str | None:
    return None if pycountry.countries.get(alpha_3=code) else f"{code!r} is not an ISO 3166-1 alpha-3 code"


def claim_problems(claim: Mapping[str, object]) -> list[Problem]:
    """What makes a claim (as it would be after the decision) inconsistent: a direction outside
    its pair, a flow without a direction, a share in dollars, a percentage above 100."""
    out: list[Problem] = []
    pair, metric, direction = str(claim["pair"]), str(claim["metric"]), str(claim["direction"])
    category, unit, value = str(claim["category"]), str(claim["unit"]), claim["value"]
    between = _DIRECTION.fullmatch(direction) and _PAIR.fullmatch(pair)
    if between and "-".join(sorted(direction.split("->"))) != pair:
        out.append(Problem("direction", f"{direction} is not between the two countries of {pair}"))
    if metric in _ONE_WAY_METRICS and not direction:
        out.append(Problem("direction", f"a {metric} figure needs a direction (EXPORTER->IMPORTER)"))
    if metric == TRADE_VOLUME and direction:
        out.append(Problem("direction", "two-way trade (trade_volume) has no direction"))
    if metric == CATEGORY_SHARE and not category:
        out.append(Problem("category", "a category_share figure needs its category"))
    if metric in _SHARE_METRICS and unit and unit != PERCENT:
        out.append(Problem("unit", f"a {metric} figure is a percentage (unit percent), not {unit}"))
    if metric and metric not in _SHARE_METRICS and unit == PERCENT:
        out.append(Problem("unit", f"a {metric} figure is an amount of money, not a percentage"))
    if unit == PERCENT and isinstance(value, float) and value > 100:
        out.append(Problem("value", f"{value:g} is more than 100 percent"))
    return out


def row_problems(row: Mapping[str, str]) -> list[Problem]:
    """Every fault of one decision as written (all cells are text), field by field."""
    out: list[Problem] = []

    def bad(field: str, message: str) -> None:
        out.append(Problem(field, message))

    action = row["action"]
    if action not in ACTIONS:
        bad("action", f"unknown action {action[:40]!r} (expected one of {', '.join(ACTIONS)})")
    for field, limit in TEXT_LIMITS.items():
        if problem := text_problem(row[field], limit, multiline=field == "note"):
            bad(field, problem)
    for field in ("article_id", "reviewer", "figure", "quote"):
        if not row[field]:
            bad(field, "is empty")
    if action in (REJECT, AMEND) and not row["note"]:
        bad("note", f"say why: a {action} needs a note")

    start, end = _span(row, bad)
    figure, quote = row["figure"], row["quote"]
    max_quote = max_quote_chars()
    for field, limit in (("figure", MAX_FIGURE_CHARS), ("quote", max_quote)):
        # Article text, checked against the article when applied; only its size and controls here.
        if len(row[field]) > limit:
            bad(field, f"is {len(row[field]):,} characters long; the limit is {limit:,}")
        elif _CONTROL.search(row[field]):
            bad(field, "holds control characters")
    if start is not None and end is not None and figure and len(figure) != end - start:
        bad("figure", f"is {len(figure)} characters long but the span {start}-{end} is {end - start}")
    if figure and quote and len(quote) <= max_quote and figure not in quote:
        bad("quote", "does not contain the figure")
    if start is not None and row["article_id"] and row["claim_id"] != f"{row['article_id']}:{start}":
        bad("claim_id", f"is {row['claim_id'][:80]!r}; article_id and start make {row['article_id']}:{start}")

    value = _reviewed_fields(row, bad)
    given = [f for f in REVIEWED_FIELDS if row[f]]
    if action in (CONFIRM, REJECT) and given:
        bad(given[0], f"a {action} changes no field; leave {', '.join(given)} empty (or record an amend)")
    if action == AMEND and not given:
        bad("action", f"an amend must change at least one of {', '.join(REVIEWED_FIELDS)}")
    if action == ADD:
        for field in ("pair", "metric", "value", "unit", "qualifier"):
            if not row[field]:
                bad(field, "an added claim needs it")
        if not any(p.field in {"pair", "metric", "direction", "value", "unit"} for p in out):
            out += claim_problems({**row, "value": value})
    return out


def _span(row: Mapping[str, str], bad) -> tuple[int | None, int | None]:
    span = []
    for field in ("start", "end"):
        cell = row[field]
        if not _INTEGER.fullmatch(cell):
            bad(field, f"{cell[:40]!r} is not a whole number of characters")
            span.append(None)
        else:
            span.append(int(cell))
    start, end = span
    if start is not None and end is not None:
        if end <= start:
            bad("end", f"the span {start}-{end} is empty (end must be after start)")
        elif end - start > MAX_FIGURE_CHARS:
            bad(
                "end",
                f"the span {start}-{end} is {end - start:,} characters; a figure is at most {MAX_FIGURE_CHARS}",
            )
    return start, end


def _reviewed_fields(row: Mapping[str, str], bad) -> float | None:
    """Check pair, metric, direction, unit, qualifier, value, reviewed_at; return the value."""
    pair, direction = row["pair"], row["direction"]
    if pair:
        if not _PAIR.fullmatch(pair):
            bad("pair", f"{pair[:40]!r} is not two ISO alpha-3 codes joined by '-' (IRN-IRQ)")
        else:
            a, b = pair.split("-")
            if a >= b:
                bad(
                    "pair",
                    f"{pair}: the two codes must differ and be in alphabetical order ({'-'.join(sorted((a, b)))})",
                )
            for code in {a, b}:
                if problem := _country_problem(code):
                    bad("pair", problem)
    if direction:
        if not _DIRECTION.fullmatch(direction):
            bad("direction", f"{direction[:40]!r} is not EXPORTER->IMPORTER in ISO alpha-3 (IRQ->IRN)")
        else:
            a, b = direction.split("->")
            if a == b:
                bad("direction", f"{direction}: a country does not export to itself")
            for code in {a, b}:
                if problem := _country_problem(code):
                    bad("direction", problem)
    if row["metric"] and row["metric"] not in METRICS:
        bad("metric", f"unknown metric {row['metric'][:40]!r} (expected one of {', '.join(METRICS)})")
    if row["qualifier"] and row["qualifier"] not in QUALIFIERS:
        bad(
            "qualifier",
            f"unknown qualifier {row['qualifier'][:40]!r} (expected one of {', '.join(QUALIFIERS)})",
        )
    if row["unit"] and not _UNIT.fullmatch(row["unit"]):
        bad("unit", f"{row['unit'][:40]!r} is not an ISO 4217 currency code (USD) or percent")
    value = None
    if row["value"]:
        if not _NUMBER.fullmatch(row["value"]):
            bad("value", f"{row['value'][:40]!r} is not a number (write 12000000000 for $12 billion)")
        else:
            value = float(row["value"])
            if not math.isfinite(value):
                bad("value", f"{row['value'][:40]!r} is not a finite number")
                value = None
    when = row["reviewed_at"]
    if not _WHEN.fullmatch(when):
        bad("reviewed_at", f"{when[:40]!r} is not an ISO 8601 UTC time such as 2025-01-31T09:30:00Z")
    else:
        try:
            datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            bad("reviewed_at", f"{when} is not a real date and time")
    return value


# --- the file ------------------------------------------------------------------------------------
def empty_reviews() -> pd.DataFrame:
    return empty(TABLE)


def read_reviews(path: Path = REVIEWS_CSV) -> pd.DataFrame:
    """The decisions in a reviews file, typed as tables.yml says; ReviewError naming the file, the
    line and the field of every fault. A missing file is an error: callers that allow it check."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReviewError([f"{path}: cannot be read ({e.strerror or e})"]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ReviewError([f"{path}: too large ({len(data):,} bytes; the limit is {MAX_FILE_BYTES:,})"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReviewError([f"{path}: is not UTF-8 text (invalid byte at position {e.start})"]) from None
    if text and not text.endswith("\n"):
        raise ReviewError([f"{path}: is cut short (it does not end with a complete row)"])
    rows, problems = _parse(path, text)
    if problems:
        raise ReviewError(problems)
    return _typed(rows, path)


def _parse(path: Path, text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(line, row) for every record, and the problems, each naming file, line and field."""
    expected = columns(TABLE)
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        header = next(reader, None)
        if header != expected:
            got = ", ".join(header or []) or "nothing"
            return [], [f"{path}, line 1: the header is {got[:300]}; expected {', '.join(expected)}"]
        line = reader.line_num + 1
        for cells in reader:
            first, line = line, reader.line_num + 1  # a quoted cell may span lines
            if not cells:
                continue
            if len(cells) != len(expected):
                problems.append(f"{path}, line {first}: {len(cells)} cells; expected {len(expected)}")
                continue
            # The writer puts an apostrophe before text a spreadsheet could run (etl.tables); undo it.
            row = {
                name: cell[1:] if cell.startswith("'") else cell
                for name, cell in zip(expected, cells, strict=True)
            }
            problems += [f"{path}, line {first}, field {p.field}: {p.message}" for p in row_problems(row)]
            if row["claim_id"] in seen:
                problems.append(
                    f"{path}, line {first}, field claim_id: a second decision about {row['claim_id'][:80]} "
                    f"(the first is on line {seen[row['claim_id']]}); keep one"
                )
            seen.setdefault(row["claim_id"], first)
            rows.append((first, row))
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            problems.append(
                f"{path}, line {line}: a cell is longer than {csv.field_size_limit():,} characters"
            )
        else:
            problems.append(f"{path}, line {line}: not a well-formed CSV ({e})")
    return rows, problems


def _typed(rows: list[tuple[int, dict[str, str]]], path: Path | str) -> pd.DataFrame:
    if not rows:
        return empty_reviews()
    df = pd.DataFrame([r for _, r in rows], columns=columns(TABLE))
    df["start"] = df["start"].astype(int)
    df["end"] = df["end"].astype(int)
    df["value"] = pd.to_numeric(df["value"].where(df["value"] != ""), errors="raise").astype(float)
    df.index = pd.Index([line - 2 for line, _ in rows])  # validate() names line = index + 2
    try:
        checked = validate(TABLE, df, path)
    except TableError as e:
        raise ReviewError([str(e)]) from None
    return checked.reset_index(drop=True)


def reviews_bytes(decisions: pd.DataFrame) -> bytes:
    """The file's bytes: the same CSV form as every processed table, so read -> write is exact."""
    return to_csv_bytes(validate(TABLE, decisions[columns(TABLE)].reset_index(drop=True)))


def write_reviews(decisions: pd.DataFrame, path: Path = REVIEWS_CSV) -> Path:
    """Write the decisions atomically (see `write_bytes`)."""
    return write_bytes(reviews_bytes(decisions), path)


def write_bytes(data: bytes, path: Path) -> Path:
    """Replace a file atomically: a temporary file in the same folder, renamed over the old one,
    so a reader never sees half a file and a failed write leaves the old file as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def decision_row(**cells: object) -> dict[str, str]:
    """A decision as the file's text cells (numbers written as the file writes them)."""
    row = {name: "" for name in columns(TABLE)}
    for name, value in cells.items():
        if name not in row:
            raise KeyError(f"reviewed_claims has no field {name!r}")
        if isinstance(value, float):
            value = "" if math.isnan(value) else f"{value:.15g}"
        row[name] = "" if value is None else str(value)
    return row


def with_decision(decisions: pd.DataFrame, row: Mapping[str, str]) -> pd.DataFrame:
    """The decisions with `row` replacing any earlier decision about the same claim (or added).
    Raises ReviewError naming each bad field; checks the row as the file reader would."""
    if problems := row_problems(row):
        raise ReviewError([f"field {p.field}: {p.message}" for p in problems])
    kept = decisions[decisions["claim_id"] != row["claim_id"]]
    new = _typed([(len(kept) + 2, dict(row))], "the new decision")
    return pd.concat([kept, new], ignore_index=True) if len(kept) else new


def without_decision(decisions: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    return decisions[decisions["claim_id"] != claim_id].reset_index(drop=True)


# --- against the articles and the claims ---------------------------------------------------------
def sentence_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The sentence (or run of sentences) holding text[start:end], as offsets; None if the span
    is outside every sentence."""
    found = [s for s in sentences(text) if s.start < end and start < s.end]
    if not found or found[0].start > start or found[-1].end < end:
        return None
    return found[0].start, found[-1].end


def _quote_around(text: str, quote: str, start: int, end: int) -> bool:
    """Whether `quote` occurs in `text` at a place covering [start, end)."""
    lo, hi = max(0, end - len(quote)), start + len(quote)
    return text.find(quote, lo, min(hi, len(text))) >= 0


def stale_reason(decision: Mapping[str, object], texts: Mapping[str, str]) -> str | None:
    """Why a decision no longer points at the figure it was made about, or None."""
    aid, start, end = str(decision["article_id"]), int(decision["start"]), int(decision["end"])
    text = texts.get(aid)
    if text is None:
        return f"article {aid} is not in the corpus"
    if end > len(text):
        return f"the span {start}-{end} is past the end of the article ({len(text):,} characters): its text changed"
    now, then = text[start:end], str(decision["figure"])
    if now != then:
        return f"the text at {start}-{end} now reads {_short(now)}, not {_short(then)} as reviewed"
    if not _quote_around(text, str(decision["quote"]), start, end):
        return (
            f"the sentence around {_short(then)} at {start}-{end} is not the one reviewed: the text changed"
        )
    return None


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _clean(value: object) -> object:
    """A cell as JSON shows it: 12000000000 rather than 12000000000.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.item() if hasattr(value, "item") else value


def placed(period: str, text: str, metric: str, pair: str, published: str = "") -> dict[str, str]:
    """period_start, period_end, coverage and period_note for a period a person wrote, read by the
    same rules as an extracted one, against the article's date (`published` from its metadata row,
    else its dateline)."""
    # The rules, imported when a decision gives a period: compiling them is a fifth of a second
    # that the ETL's own process (whose workers extract) never needs otherwise.
    from etl.periods import PeriodContext, find_periods, iranian_context, resolve

    phrases = find_periods(period) if period else []
    if not phrases:
        note = f"period {period!r} set by a reviewer; not one the rules can place in time" if period else ""
        return {"period_start": "", "period_end": "", "coverage": "", "period_note": note}
    context = PeriodContext(
        is_target=metric == TRADE_TARGET, countries=tuple(pair.split("-")),
        iranian="IRN" in pair or iranian_context(period) or iranian_context(text[:600]),
    )  # fmt: skip
    span = resolve(phrases[0], article_date(text, published).published, context)
    return {
        "period_start": span.start.isoformat() if span.start else "",
        "period_end": span.end.isoformat() if span.end else "",
        "coverage": span.coverage,
        "period_note": f"period set by a reviewer; {span.note}",
    }


def _amended(
    claim: dict[str, object], decision: Mapping[str, object], text: str = "", published: str = ""
) -> tuple[dict[str, object], dict]:
    """The claim with the decision's fields, and what the rules had said for each changed one."""
    new = dict(claim)
    for field in REVIEWED_FIELDS:
        cell = decision[field]
        if field == "value":
            if not pd.isna(cell):
                new[field] = float(cell)
        elif cell:
            new[field] = cell
    if new["metric"] == TRADE_VOLUME:
        new["direction"] = ""  # two-way trade has none; the reviewer changed the metric
    if new["metric"] not in _SHARE_METRICS:  # an import share keeps its product (one product's imports)
        new["category"] = ""
    if new["metric"] != TRADE_TARGET:
        new["target_kind"] = ""
    retargeted = (new["metric"] == TRADE_TARGET) != (claim["metric"] == TRADE_TARGET)  # a deadline or not
    if new["period"] != claim["period"] or (retargeted and new["period"]):
        span = placed(str(new["period"]), text, str(new["metric"]), str(new["pair"]), published)
        if new["period"] == claim["period"]:
            span["period_note"] = span["period_note"].removeprefix("period set by a reviewer; ")
        new.update(span)
    extracted = {f: _clean(claim[f]) for f in CLAIM_COLUMNS if new[f] != claim[f]}
    return new, extracted


def _added(decision: Mapping[str, object], text: str, published: str = "") -> dict[str, object]:
    claim = {c: "" for c in CLAIM_COLUMNS}
    claim.update({f: decision[f] for f in REVIEWED_FIELDS})
    claim.update(
        claim_id=decision["claim_id"], article_id=decision["article_id"], value=float(decision["value"]),
        quote=decision["quote"], start=int(decision["start"]), end=int(decision["end"]), method=CURATED,
    )  # fmt: skip
    claim.update(
        placed(str(decision["period"]), text, str(decision["metric"]), str(decision["pair"]), published)
    )
    return claim


def with_review_columns(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims with the review columns after the extractor's, every claim unreviewed."""
    out = claims[CLAIM_COLUMNS].copy()
    out["review"] = UNREVIEWED
    for column in REVIEW_COLUMNS[1:]:
        out[column] = ""
    return out


def with_review_cells(claims: arrow.Table) -> arrow.Table:
    """with_review_columns of Arrow rows: every claim unreviewed."""
    n = claims.num_rows
    review = [arrow.repeat(arrow.scalar(UNREVIEWED), n)] + [arrow.repeat(arrow.scalar(""), n)] * (
        len(REVIEW_COLUMNS) - 1
    )
    return arrow.Table.from_arrays(
        [claims[c] for c in CLAIM_COLUMNS] + review, names=CLAIM_COLUMNS + REVIEW_COLUMNS
    )


def apply(
    claims: pd.DataFrame,
    texts: Mapping[str, str],
    decisions: pd.DataFrame,
    published: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(claims with every applicable decision applied, one report row per decision).

    `claims` are the rules' claims; `texts` maps article ids to their text, `published` to their
    date from the metadata (for a period a person wrote, as the rules read it). A stale decision (its
    figure or sentence reads differently now) or one that no longer fits (the rules no longer find
    its claim, or now find the figure it adds) is not applied: its claim stays unreviewed and the
    report says why. Only the rows decided on are touched, so a large table costs one copy.
    """
    out = with_review_columns(claims)
    report: list[dict[str, object]] = []
    if decisions.empty:
        return out, pd.DataFrame(report, columns=REPORT_COLUMNS)
    positions = pd.Index(out["claim_id"]).get_indexer(decisions["claim_id"])
    changed: dict[int, dict[str, object]] = {}
    added: list[dict[str, object]] = []
    for i, (d, at) in enumerate(zip(decisions.to_dict("records"), positions, strict=True)):
        claim = _row(out, int(at)) if at >= 0 else None
        outcome, reason = APPLIED, ""
        if stale := stale_reason(d, texts):
            outcome, reason = STALE, stale
        elif problem := _fit_problem(d, claim):
            outcome, reason = NOT_APPLIED, problem
        else:
            who = {"review": STATUS_OF_ACTION[str(d["action"])], "reviewed_by": d["reviewer"],
                   "reviewed_at": d["reviewed_at"], "review_note": d["note"]}  # fmt: skip
            aid = str(d["article_id"])
            when = (published or {}).get(aid, "")
            if claim is None:  # an add (a decision about a missing claim did not fit)
                added.append({**_added(d, texts[aid], when), **who, "extracted": ""})
            elif d["action"] == AMEND:
                new, extracted = _amended(claim, d, texts[aid], when)
                changed[int(at)] = {
                    **new,
                    **who,
                    "extracted": json.dumps(extracted, ensure_ascii=False) if extracted else "",
                }
                if not extracted:
                    reason = "the rules now read the claim as amended"
            else:
                changed[int(at)] = who
        report.append({"line": i + 2, "claim_id": d["claim_id"], "action": d["action"],
                       "reviewer": d["reviewer"], "outcome": outcome, "reason": reason})  # fmt: skip
    columns_at = {name: k for k, name in enumerate(out.columns)}
    for at, values in changed.items():
        for name, value in values.items():
            out.iat[at, columns_at[name]] = value
    if added:  # the corpus and the rules list claims by article id, then by place in the article
        new_rows = pd.DataFrame(added, columns=CLAIM_COLUMNS + REVIEW_COLUMNS).astype(out.dtypes.to_dict())
        out = pd.concat([out, new_rows], ignore_index=True).sort_values(
            ["article_id", "start"], kind="stable"
        )
    return out.reset_index(drop=True), pd.DataFrame(report, columns=REPORT_COLUMNS)


def _row(df: pd.DataFrame, at: int) -> dict[str, object]:
    """One claim as plain Python values (numbers as float and int, text as str)."""
    row = {}
    for name, value in df.iloc[at][CLAIM_COLUMNS].items():
        row[name] = value.item() if hasattr(value, "item") else ("" if pd.isna(value) else value)
    return row


def _fit_problem(d: Mapping[str, object], claim: Mapping[str, object] | None) -> str | None:
    """Why a current decision does not fit the claims the rules found, or None. `claim` is the
    claim with the decision's id, if there is one."""
    cid = str(d["claim_id"])
    if d["action"] == ADD:
        if claim is not None:
            return f"the rules now find this figure (claim {cid}); confirm or amend that claim instead"
        return None
    if claim is None or claim["method"] == CURATED:
        return f"the rules found no claim {cid} (at {d['start']}-{d['end']}); review the figure again"
    if d["action"] == AMEND:
        new, _ = _amended(dict(claim), d)
        if problems := claim_problems(new):
            return "; ".join(f"{p.field}: {p.message}" for p in problems)
    return None


def report_lines(report: pd.DataFrame, source: Path | str) -> list[str]:
    """One line per decision that was not applied, naming the file, line, claim and reason."""
    return [
        f"{source}, line {r.line}: {r.action} of {r.claim_id} by {r.reviewer} not applied ({r.outcome}): "
        f"{r.reason}; the claim stays as the rules read it"
        for r in report.itertuples()
        if r.outcome != APPLIED
    ]


def as_extracted(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims as the rules found them, from a reviewed claims table: amended fields back to the
    rules' values (from `extracted`), added claims left out, the review columns dropped."""
    out = claims[claims["method"] != CURATED] if "review" in claims.columns else claims
    records = out.to_dict("records")
    for claim in records:
        if claim.get("extracted"):
            claim.update(json.loads(str(claim["extracted"])))
    df = pd.DataFrame(records, columns=CLAIM_COLUMNS) if records else empty("claims")[CLAIM_COLUMNS]
    return df.astype({"value": float, "start": int, "end": int})


def decision_problems(row: Mapping[str, str], claims: pd.DataFrame, texts: Mapping[str, str]) -> list[str]:
    """Why a new decision cannot be recorded, one message per fault naming the field; empty when
    it can. `claims` is the claims table (reviewed or not), `texts` the articles' text."""
    if problems := row_problems(row):
        return [f"{p.field}: {p.message}" for p in problems]
    decision = _typed([(2, dict(row))], "the new decision").iloc[0].to_dict()
    if stale := stale_reason(decision, texts):
        return [f"figure: {stale}"]
    base = as_extracted(claims)
    at = int(pd.Index(base["claim_id"]).get_indexer([decision["claim_id"]])[0])
    if problem := _fit_problem(decision, _row(base, at) if at >= 0 else None):
        return [f"claim_id: {problem}"]
    return []


def record(
    row: Mapping[str, str], path: Path, claims: pd.DataFrame, texts: Mapping[str, str]
) -> pd.DataFrame:
    """Check a new decision against the claims and the articles, then write the reviews file with it
    (replacing any earlier decision about the same claim) atomically. ReviewError if refused."""
    if problems := decision_problems(row, claims, texts):
        raise ReviewError(problems)
    decisions = read_reviews(path) if Path(path).is_file() else empty_reviews()
    decisions = with_decision(decisions, row)
    write_reviews(decisions, path)
    return decisions


def withdraw(claim_id: str, path: Path) -> pd.DataFrame:
    """Remove the decision about a claim from the reviews file (atomically), e.g. an added figure."""
    decisions = without_decision(read_reviews(path), claim_id)
    write_reviews(decisions, path)
    return decisions


# --- what the derived tables use -----------------------------------------------------------------
def in_use(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims charts and derived tables may use: every one but those a person rejected."""
    if "review" not in claims.columns:
        return claims
    return claims[claims["review"] != REJECTED]


def review_categories(categories: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Export categories after review: a rejected share is dropped (the category stays listed), an
    amended one takes the reviewed share and category, an added one fills or adds its category."""
    if "review" not in claims.columns:
        return categories
    by_id = claims.set_index("claim_id")
    out = categories.copy()
    # Whole columns for the shares no claim backs any more (every row of a large table is looked
    # at); one row at a time only for the few a person amended.
    ids = out["claim_id"]
    known = (ids != "") & ids.isin(by_id.index)
    review = ids.map(by_id["review"])
    dropped = known & ((review == REJECTED) | (ids.map(by_id["metric"]) != CATEGORY_SHARE))
    out.loc[dropped, "share"] = float("nan")
    out.loc[dropped, "claim_id"] = ""
    for i in out.index[known & ~dropped & (review == AMENDED)]:
        claim = by_id.loc[ids[i]]
        out.loc[i, ["share", "category"]] = [float(claim["value"]), claim["category"]]
        out.loc[i, ["exporter", "importer"]] = str(claim["direction"]).split("->")
    new_rows = []
    for claim in _added_shares(claims):
        exporter, importer = str(claim["direction"]).split("->")
        flow = (
            (out["source"] == claim["article_id"])
            & (out["exporter"] == exporter)
            & (out["importer"] == importer)
        )
        same = (
            flow
            & (out["category"].str.casefold() == str(claim["category"]).casefold())
            & (out["claim_id"] == "")
        )
        if same.any():
            out.loc[same.idxmax(), ["share", "claim_id"]] = [float(claim["value"]), claim["claim_id"]]
            continue
        row = {c: "" for c in out.columns}
        row.update(exporter=exporter, importer=importer, category=claim["category"], share=float(claim["value"]),
                   claim_id=claim["claim_id"], source=claim["article_id"])  # fmt: skip
        row.update(_list_of(out[flow], claim) if "list_id" in out.columns else {})
        new_rows.append(row)
    if new_rows:
        out = pd.concat([out, pd.DataFrame(new_rows, columns=out.columns)], ignore_index=True)
    return out.astype({"share": float})


def _naming_other_metric(ids: arrow.Array, claim_ids: arrow.Array, metrics: arrow.Array) -> arrow.Array:
    """Which of the ids (categories' claim_id) name one of the claims whose metric is not a
    category share: one hash lookup in Arrow."""
    others = pc.filter(claim_ids, pc.fill_null(pc.not_equal(metrics, CATEGORY_SHARE), True))
    return pc.and_(pc.not_equal(ids, ""), pc.is_in(ids, value_set=others))


def unreviewed_categories(categories: arrow.Table, claims: arrow.Table) -> arrow.Table:
    """review_categories of Arrow rows when no claim is reviewed (the extracted rows of a run, a
    batch at a time): a share whose claim is not a category share is dropped, with its claim id."""
    named = _naming_other_metric(categories["claim_id"], claims["claim_id"], claims["metric"])
    if not pc.any(named).as_py():
        return categories
    share = categories.schema.get_field_index("share")
    claim_id = categories.schema.get_field_index("claim_id")
    categories = categories.set_column(
        share, "share", pc.if_else(named, arrow.scalar(None, arrow.float64()), categories["share"])
    )
    return categories.set_column(claim_id, "claim_id", pc.if_else(named, "", categories["claim_id"]))


def _list_of(lists: pd.DataFrame, claim: Mapping[str, object]) -> dict[str, object]:
    """The list an added share belongs to: the last list of its flow in its article that starts
    before it, with that list's period; else a list of its own (its claim id), with its period."""
    start = int(claim["start"])
    before = [
        (int(lid.rsplit(":", 1)[1]), i)
        for i, lid in lists["list_id"].items()
        if int(lid.rsplit(":", 1)[1]) <= start
    ]
    if before:
        listed = lists.loc[max(before)[1]]
        return {
            c: listed[c] for c in ("list_id", "period", "period_start", "period_end") if c in lists.columns
        }
    own = {"list_id": claim["claim_id"]}
    return own | {c: claim[c] for c in ("period", "period_start", "period_end") if c in lists.columns}


def _added_shares(claims: pd.DataFrame) -> Iterable[dict]:
    added = claims[(claims["review"] == ADDED) & (claims["metric"] == CATEGORY_SHARE)]
    return added.to_dict("records")


def chart_tables(tables: Mapping[str, pd.DataFrame], reviewed_only: bool = False) -> dict[str, pd.DataFrame]:
    """The tables the charts draw from: claims a person rejected left out (the ETL already left
    them out of the derived tables). With `reviewed_only`, only claims a person confirmed, amended
    or added, and the derived tables made again from those, so no figure a person has not checked
    reaches a chart; a category's share stays only when its claim was checked."""
    claims = tables["claims"]
    if "review" not in claims.columns:
        return dict(tables)
    usable = in_use(claims)
    if not reviewed_only:
        return {**tables, "claims": usable}
    checked = usable[usable["review"].isin(BY_A_PERSON)]
    articles = tables["articles"]
    cats = tables["export_categories"]
    kept = cats["claim_id"].isin(set(checked["claim_id"]))
    return {
        **tables,
        "claims": checked,
        "target_gaps": target_gaps(checked, articles),
        "trade_balance": trade_balance(checked, articles),
        "export_categories": cats.assign(
            share=cats["share"].where(kept), claim_id=cats["claim_id"].where(kept, "")
        ),
    }
