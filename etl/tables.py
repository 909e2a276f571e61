"""The processed tables: schemas, safe CSV writing and checked reading.

Schemas come from `data/reference/tables.yml`, the one description of every table; every table
is checked on write and on read (whole columns at once, and by pandera, which names the rows at
fault, when a check fails), and the same description becomes `datapackage.json`.
Writing is all-or-nothing: every file goes to a temporary name first and is renamed over the
old one only when all of them are written, so a failed run leaves the previous tables intact.
`datapackage.json`, which carries every table's sha256, is renamed last; `read_tables` checks
each table against it and retries while a rebuild is under way, so a reader gets the whole old
set or the whole new one, never a mix.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc
import yaml

from etl.figures import REFERENCE
from etl.formula import FORMULA_START

if TYPE_CHECKING:
    import pandera.pandas as pa

TABLES_YML = REFERENCE / "tables.yml"
TABLE_NAMES = (
    "articles", "claims", "export_categories", "people", "target_gaps", "trade_balance", "reviewed_claims",
)  # fmt: skip
DATAPACKAGE = "datapackage.json"

_FORMULA_CLASS = "[" + "".join("\\" + c if c in "\\]^-" else c for c in FORMULA_START) + "]"
_NUMBER_FORMAT = "%.15g"
# How long a reader waits for a rebuild under way to finish, and how long the files must stay
# unchanged before a mismatch with datapackage.json counts as damage rather than a rebuild.
SETTLE_SECONDS = 5.0
QUIET_SECONDS = 1.0


class TableError(Exception):
    """A processed table that is missing or does not match its schema; names the file."""

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@cache
def spec() -> dict:
    with TABLES_YML.open(encoding="utf-8") as f:
        # libyaml's loader when PyYAML was built with it: a fifth of a second less on every run.
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def fields(table: str) -> list[dict]:
    return spec()["tables"][table]["fields"]


def columns(table: str) -> list[str]:
    return [f["name"] for f in fields(table)]


_DTYPES = {"string": str, "date": str, "number": float, "integer": int, "boolean": bool}


@cache
def schema(table: str) -> pa.DataFrameSchema:
    """The table's pandera schema (pandera is imported here, when a table fails `_passes`: it
    costs a fifth of a second and 30 MB of every run that never needs it)."""
    import pandera.pandas as pa

    cols = {}
    for f in fields(table):
        checks = []
        if "enum" in f:
            checks.append(pa.Check.isin(f["enum"]))
        if "pattern" in f:
            checks.append(pa.Check.str_matches(f["pattern"]))
        if "minimum" in f:
            checks.append(pa.Check.ge(f["minimum"]))
        if "maximum" in f:
            checks.append(pa.Check.le(f["maximum"]))
        if f["type"] == "date":
            checks.append(pa.Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$"))
        if f["type"] == "string" and f.get("required"):
            checks.append(pa.Check.str_length(min_value=1))
        nullable = f["type"] == "number" and not f.get("required")
        cols[f["name"]] = pa.Column(
            _DTYPES[f["type"]], checks=checks, nullable=nullable, unique=bool(f.get("unique"))
        )
    return pa.DataFrameSchema(cols, strict=True, ordered=True, name=table)


def validate(table: str, df: pd.DataFrame, path: Path | str = "") -> pd.DataFrame:
    """The table checked against its schema, or a TableError saying which rows are wrong."""
    if _passes(table, df):
        return df
    import pandera.errors

    try:
        return schema(table).validate(df, lazy=True, inplace=True)  # no copy: nothing is coerced
    except pandera.errors.SchemaErrors as e:
        cases = e.failure_cases.head(5)
        detail = "; ".join(
            f"column {r.column!r} {r.check} (line {_line(r.index)}: {r.failure_case!r})"
            for r in cases.itertuples()
        )
        raise TableError(path or f"{table} table", f"does not match its schema: {detail}") from None


# --- the checks, whole columns at a time -----------------------------------------------------------
# `_passes` says a table meets its schema with a few Arrow and numpy operations per column; it
# accepts only what pandera's schema accepts (its column types and checks are the same or
# narrower), so when it says no, pandera checks the table again and names the rows at fault.
_NUMPY_TYPES = {"number": np.dtype(np.float64), "integer": np.dtype(np.int64), "boolean": np.dtype(np.bool_)}


def _passes(table: str, df: pd.DataFrame) -> bool:
    if list(df.columns) != columns(table):
        return False
    return all(_column_passes(f, df[f["name"]]) for f in fields(table))


def _column_passes(f: dict, column: pd.Series) -> bool:
    if f["type"] in ("string", "date"):
        text = _arrow_text(column)
        return text is not None and _text_passes(f, text)
    if column.dtype != _NUMPY_TYPES[f["type"]]:
        return False
    return _numbers_pass(f, column.to_numpy())


def _numbers_pass(f: dict, values: np.ndarray) -> bool:
    if f["type"] == "boolean":
        return True
    if f["type"] == "number":
        missing = np.isnan(values)
        if missing.any():
            if f.get("required"):
                return False
            values = values[~missing]  # pandera's checks skip the empty cells of a nullable column
    if f.get("unique") and len(np.unique(values)) != len(values):
        return False
    return ("minimum" not in f or bool((values >= f["minimum"]).all())) and (
        "maximum" not in f or bool((values <= f["maximum"]).all())
    )


# The same checks on Arrow columns (the extracted rows, a batch at a time, before any pandas).
_ARROW_NUMBERS = {"number": arrow.float64(), "integer": arrow.int64(), "boolean": arrow.bool_()}


def arrow_passes(table: str, rows: arrow.Table | arrow.RecordBatch) -> bool:
    """Whether Arrow rows meet the table's schema, as `_passes` says of the frame they make;
    never true of rows pandera would refuse (`validate` of that frame then names the rows)."""
    if rows.schema.names != columns(table):
        return False
    return all(_arrow_column_passes(f, rows.column(f["name"])) for f in fields(table))


def _arrow_column_passes(f: dict, values: arrow.Array | arrow.ChunkedArray) -> bool:
    if f["type"] in ("string", "date"):
        text = arrow.types.is_string(values.type) or arrow.types.is_large_string(values.type)
        return text and values.null_count == 0 and _text_passes(f, values)
    if values.type != _ARROW_NUMBERS[f["type"]] or (f["type"] != "number" and values.null_count):
        return False
    return _numbers_pass(f, values.to_numpy(zero_copy_only=False))  # a missing number: NaN, as pandas has it


def _arrow_text(column: pd.Series) -> arrow.Array | arrow.ChunkedArray | None:
    """A text column's values in Arrow, or None for a column pandera may not take as text (a
    pyarrow-backed string column is read without a copy; an object column only if all of it is
    Python strings, no None or NaN)."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        values = arrow.array(column)  # the column's own Arrow data, not a copy
        return values if values.null_count == 0 else None
    if (
        pd.api.types.is_object_dtype(dtype)
        and len(column)
        and pd.api.types.infer_dtype(column, skipna=False) == "string"
    ):
        return arrow.array(column.to_numpy(), arrow.large_string())
    return None


def _text_passes(f: dict, text: arrow.Array | arrow.ChunkedArray) -> bool:
    if not len(text):
        return True
    if f.get("unique") and pc.count_distinct(text).as_py() != len(text):
        return False
    if (
        f["type"] == "string"
        and f.get("required")
        and not pc.all(pc.greater(pc.binary_length(text), 0)).as_py()
    ):
        return False
    if "enum" in f and not pc.all(pc.is_in(text, value_set=arrow.array(f["enum"], text.type))).as_py():
        return False
    patterns = [f["pattern"]] if "pattern" in f else []
    if f["type"] == "date":
        patterns.append(r"^(\d{4}-\d{2}-\d{2})?$")
    # As pandas matches a pattern on Arrow strings (RE2, anchored at the start); where pandas would
    # use Python's re instead, RE2 is the narrower of the two for these patterns (ASCII \d, a "$"
    # that is the end of the text only), so a pass here is a pass there.
    return all(
        pc.all(pc.match_substring_regex(text, "^(" + p.removeprefix("^") + ")")).as_py() for p in patterns
    )


def _line(index: object) -> str:
    """File line of a data row (header is line 1), as people see it in an editor."""
    return str(int(index) + 2) if isinstance(index, int | np.integer) else "?"


def empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({f["name"]: pd.Series(dtype=_DTYPES[f["type"]]) for f in fields(table)})


def typed_frame(
    table: str, rows: Sequence[Sequence[object]], names: Sequence[str] | None = None
) -> pd.DataFrame:
    """Rows (tuples in the table's column order, or in the order of `names`, some of its columns)
    as a frame with the column types of tables.yml."""
    names = list(names or columns(table))
    if not rows:
        return empty(table)[names]
    df = pd.DataFrame(rows, columns=names)
    return df.astype(
        {f["name"]: _DTYPES[f["type"]] for f in fields(table) if f["type"] != "string" and f["name"] in names}
    )


# --- formula safety ------------------------------------------------------------------------------
def formula_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe.

    Numbers stay numbers. A cell already starting with an apostrophe gets one more, so that
    `formula_unsafe` gives back exactly the original text.
    """
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
            )
    return out


def formula_unsafe(series: pd.Series) -> pd.Series:
    """The text `formula_safe` was given: a leading apostrophe is dropped only where it guards a
    formula character (or another apostrophe), so "'Tis the season" stays as it is."""
    text = series.astype(str)
    guarded = text.str.match("'" + _FORMULA_CLASS).fillna(False).astype(bool)
    return text.where(~guarded, text.str.slice(1))


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The CSV form used everywhere: processed files, downloads and the zip."""
    safe = formula_safe(df)
    # Python's csv module does not quote a lone carriage return when rows end in "\n"; a table
    # holding one gets every text cell quoted instead, so it still reads back as written.
    quoting = csv.QUOTE_NONNUMERIC if _has_cr(safe) else csv.QUOTE_MINIMAL
    return safe.to_csv(
        index=False, lineterminator="\n", float_format=_NUMBER_FORMAT, quoting=quoting
    ).encode()


def _has_cr(df: pd.DataFrame) -> bool:
    return any(
        _column_has_cr(df[c])
        for c in df.columns
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])
    )


def _column_has_cr(column: pd.Series) -> bool:
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        return _holds_any(_one_chunk(arrow.array(column).cast(_TEXT)), b"\r")  # no Python object per cell
    return bool(column.astype(str).str.contains("\r", regex=False).any())


# --- fast CSV ------------------------------------------------------------------------------------
# The processed tables reach hundreds of thousands of rows; `csv_chunks` writes them from whole
# columns at a time, byte for byte as `to_csv_bytes` does (tests compare the two).
def _quote_triggers() -> str:
    """The characters that make this Python's csv writer quote a cell (",", '"', "\n" on 3.11)."""
    found = []
    for c in map(chr, range(128)):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(["a" + c + "b", "x"])
        if buf.getvalue().startswith('"'):
            found.append(c)
    return "".join(found)


def _regex_class(chars: str) -> str:
    return "[" + "".join("\\" + c if c in "\\]^-" else c for c in chars) + "]"


_QUOTE_CHARS = _quote_triggers()
_QUOTE_TRIGGERS = _regex_class(_QUOTE_CHARS)
# Every one is ASCII, so a byte equal to one is that character (never part of a longer UTF-8 one).
_QUOTE_BYTES = _QUOTE_CHARS.encode("ascii")
_FORMULA_BYTES = np.frombuffer("".join(FORMULA_START).encode("ascii"), dtype=np.uint8)
_TEXT = arrow.large_string()
_CHUNK_ROWS = 10_000


def _lit(text: str) -> arrow.Scalar:
    return arrow.scalar(text, _TEXT)


def _text_cells(values: arrow.Array | arrow.ChunkedArray) -> arrow.Array:
    """Formula-safe, and quoted where the csv writer would quote (most columns need neither: a
    look at the column's bytes says so, and only a column that needs it is matched cell by cell)."""
    text = _one_chunk(pc.fill_null(values.cast(_TEXT), _lit("")))
    if _starts_with_any(text, _FORMULA_BYTES):
        formula = pc.match_substring_regex(text, "^" + _FORMULA_CLASS)
        text = pc.if_else(formula, pc.binary_join_element_wise(_lit("'"), text, _lit("")), text)
    if _holds_any(text, _QUOTE_BYTES):
        special = pc.match_substring_regex(text, _QUOTE_TRIGGERS)
        doubled = pc.replace_substring(text, '"', '""')
        text = pc.if_else(special, pc.binary_join_element_wise(_lit('"'), doubled, _lit('"'), _lit("")), text)
    return text


def _one_chunk(text: arrow.Array | arrow.ChunkedArray) -> arrow.Array:
    return text.combine_chunks() if isinstance(text, arrow.ChunkedArray) else text


def _text_bytes(text: arrow.Array) -> memoryview:
    """The cells' bytes end to end (a slice of the array's data buffer: no copy)."""
    offsets = _offsets(text)
    return memoryview(text.buffers()[2] or b"")[offsets[0] : offsets[-1]] if len(text) else memoryview(b"")


def _holds_any(text: arrow.Array, chars: bytes) -> bool:
    """Whether a cell holds one of these ASCII characters (a scan of bytes, as fast as memory)."""
    data = _text_bytes(text).tobytes()
    return any(bytes([c]) in data for c in chars)


def _starts_with_any(text: arrow.Array, chars: np.ndarray) -> bool:
    """Whether a cell starts with one of these ASCII characters (its first byte is that character)."""
    offsets = _offsets(text)
    if not len(text) or offsets[-1] == offsets[0]:
        return False
    first = offsets[:-1][offsets[1:] > offsets[:-1]]
    return bool(np.isin(np.frombuffer(text.buffers()[2], dtype=np.uint8)[first], chars).any())


def _float_cells(values: np.ndarray) -> arrow.Array:
    """Each number as "%.15g" writes it ("" for NaN). A whole number below 10**15 has no other
    form than its digits, so those (nearly every figure) are cast at once; the rest one by one."""
    whole = np.isfinite(values) & (np.abs(values) < 1e15) & (values == np.trunc(values))
    whole &= ~((values == 0) & np.signbit(values))  # "-0"
    cells = pc.cast(arrow.array(np.where(whole, values, 0).astype(np.int64)), _TEXT)
    if whole.all():
        return cells
    # Each distinct value written once (a column repeats its shares and ratios).
    distinct, which = np.unique(values[~whole], return_inverse=True)
    words = np.array([("" if v != v else _NUMBER_FORMAT % v) for v in distinct.tolist()], dtype=object)
    rest = words[which.reshape(-1)]
    return pc.replace_with_mask(cells, arrow.array(~whole), arrow.array(rest, _TEXT))


def _cell_kind(series: pd.Series) -> str | None:
    """How `to_csv_bytes` writes a column's cells, for the kinds `csv_chunks` writes itself."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return "text"
    if not isinstance(dtype, np.dtype):
        return None  # nullable and extension types: left to pandas
    if pd.api.types.is_object_dtype(dtype):
        return "text" if pd.api.types.infer_dtype(series) in ("string", "empty") else None
    return {"b": "bool", "i": "int", "u": "int", "f": "float"}.get(dtype.kind)


def _cells(series: pd.Series, kind: str) -> arrow.Array:
    if kind == "text":
        return _text_cells(arrow.array(series, type=_TEXT, from_pandas=True))
    values = series.to_numpy()
    if kind == "bool":
        return pc.if_else(arrow.array(values, arrow.bool_()), _lit("True"), _lit("False"))
    if kind == "int":
        return pc.cast(arrow.array(values), _TEXT)
    return _float_cells(values.astype(float))


def csv_kinds(df: pd.DataFrame) -> list[str | None]:
    """How each column's cells are written; None for a column `csv_lines` cannot write."""
    return [_cell_kind(df[c]) for c in df.columns]


def csv_header(names: Sequence[str]) -> bytes:
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(names)
    return header.getvalue().encode()


def csv_lines(df: pd.DataFrame, kinds: Sequence[str | None] | None = None) -> arrow.Array:
    """One CSV line per row ("...\n"), as `to_csv_bytes` writes a table without a carriage return,
    built from whole columns in Arrow: no Python object per cell (see `lines_bytes`)."""
    kinds = csv_kinds(df) if kinds is None else kinds
    if None in kinds:
        raise ValueError("csv_lines writes text, bool, integer and float columns only")
    if not len(df):
        return arrow.array([], _TEXT)
    return _lines([_cells(df[c], kind) for c, kind in zip(df.columns, kinds, strict=True)])


def arrow_csv_lines(rows: arrow.Table | arrow.RecordBatch) -> arrow.Array:
    """csv_lines of the frame Arrow rows make (text, boolean, int64 and float64 columns), without
    making it."""
    if not rows.num_rows:
        return arrow.array([], _TEXT)
    return _lines([_arrow_cells(rows.column(k)) for k in range(rows.num_columns)])


def _arrow_cells(values: arrow.Array | arrow.ChunkedArray) -> arrow.Array:
    t = values.type
    if arrow.types.is_string(t) or arrow.types.is_large_string(t):
        return _text_cells(values)
    if arrow.types.is_boolean(t) and not values.null_count:
        return pc.if_else(values, _lit("True"), _lit("False"))
    if arrow.types.is_int64(t) and not values.null_count:
        return pc.cast(values, _TEXT)
    if arrow.types.is_float64(t):
        return _float_cells(values.to_numpy(zero_copy_only=False))  # a missing number: NaN, written ""
    raise ValueError(f"arrow_csv_lines writes text, boolean, int64 and float64 columns only, not {t}")


def _lines(cells: list[arrow.Array]) -> arrow.Array:
    rows = pc.binary_join_element_wise(*cells, _lit(","))
    lines = pc.binary_join_element_wise(rows, _lit(""), _lit("\n"))
    # A pyarrow-backed column can come in chunks; the lines are wanted as one buffer.
    return lines.combine_chunks() if isinstance(lines, arrow.ChunkedArray) else lines


def line_sizes(lines: arrow.Array) -> np.ndarray:
    """The length in bytes of each line."""
    return np.diff(_offsets(lines))


def lines_bytes(lines: arrow.Array) -> memoryview:
    """The lines one after the other: the slice of the array's own data buffer they fill."""
    if not len(lines):
        return memoryview(b"")
    offsets = _offsets(lines)
    return memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]]


def _offsets(lines: arrow.Array) -> np.ndarray:
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    return offsets[lines.offset : lines.offset + len(lines) + 1]


def lines_with_cr(lines: arrow.Array) -> np.ndarray:
    """Which of csv_lines' lines hold a carriage return: the rows with one in a text cell, as
    `rows_with_cr` says (only a text cell can hold one, and writing it keeps it), found by one
    scan of the lines' bytes, and line by line only when the scan finds one."""
    if not _holds_any(lines, b"\r"):
        return np.zeros(len(lines), dtype=bool)
    return pc.match_substring(lines, "\r").to_numpy(zero_copy_only=False)


def rows_with_cr(df: pd.DataFrame) -> np.ndarray:
    """Which rows hold a carriage return in a text cell (a table with one is quoted whole)."""
    found = np.zeros(len(df), dtype=bool)
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            found |= df[c].astype(str).str.contains("\r", regex=False).to_numpy(dtype=bool)
    return found


def csv_chunks(df: pd.DataFrame) -> Iterator[bytes]:
    """The bytes of `to_csv_bytes(df)`, a block of rows at a time, from whole columns at once."""
    kinds = csv_kinds(df)
    if None in kinds or _has_cr(df):
        yield to_csv_bytes(df)  # rare: every text cell quoted, or cells of another kind
        return
    yield csv_header(df.columns)
    for start in range(0, len(df), _CHUNK_ROWS):
        yield bytes(lines_bytes(csv_lines(df.iloc[start : start + _CHUNK_ROWS], kinds)))


def quoted_chunks(frames: Iterable[pd.DataFrame]) -> Iterator[bytes]:
    """The bytes of `to_csv_bytes` of the frames put end to end, one frame at a time, for a table
    that holds a carriage return somewhere (every text cell quoted, as pandas writes it)."""
    for i, df in enumerate(frames):
        yield formula_safe(df).to_csv(
            index=False, header=i == 0, lineterminator="\n", float_format=_NUMBER_FORMAT,
            quoting=csv.QUOTE_NONNUMERIC,
        ).encode()  # fmt: skip


# --- reading -------------------------------------------------------------------------------------
def read_table(table: str, directory: Path) -> pd.DataFrame:
    """One table, checked against its schema (not against datapackage.json: see read_tables)."""
    path = Path(directory) / f"{table}.csv"
    if not path.is_file():
        raise TableError(path, "file is missing")
    return parse_table(table, path, path.read_bytes())


def parse_table(table: str, path: Path, content: bytes) -> pd.DataFrame:
    """The table held in `content` (the bytes of `path`), typed and checked against its schema."""
    if content and not content.endswith(b"\n"):
        raise TableError(path, "is cut short (it does not end with a complete row)")
    try:
        raw = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as e:
        raise TableError(path, f"is not UTF-8 text ({e.reason} at byte {e.start})") from None
    except pd.errors.EmptyDataError:
        raise TableError(path, "file is empty") from None
    except pd.errors.ParserError as e:
        raise TableError(path, f"is not a well-formed CSV ({e})") from None
    expected = columns(table)
    if list(raw.columns) != expected:
        missing = [c for c in expected if c not in raw.columns]
        extra = [c for c in raw.columns if c not in expected]
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if extra:
            parts.append("unexpected column(s) " + ", ".join(map(str, extra)))
        raise TableError(path, "; ".join(parts) or "columns are not in the documented order")
    df = pd.DataFrame(index=raw.index)
    for f in fields(table):
        col = raw[f["name"]]
        kind = f["type"]
        if kind in ("string", "date"):
            df[f["name"]] = formula_unsafe(col).astype(str)
            continue
        if kind == "boolean":
            mapped = col.str.lower().map({"true": True, "false": False})
            bad = mapped.isna()
        else:
            mapped = pd.to_numeric(col.where(col != ""), errors="coerce")
            bad = (mapped.isna() & (col != "")) | mapped.isin([np.inf, -np.inf])
            if kind == "integer":
                bad |= mapped.isna() | (mapped.notna() & (mapped % 1 != 0))
        if kind != "number" or f.get("required"):
            bad |= col == ""
        if bad.any():
            row = int(bad.idxmax())
            raise TableError(
                path, f"column {f['name']!r} expects {kind} values, line {row + 2} has {col[row]!r}"
            )
        df[f["name"]] = mapped.astype(_DTYPES[kind]) if kind != "number" else mapped.astype(float)
    return validate(table, df, path)


class _Unsettled(Exception):
    """The files on disk are not (yet) the one set datapackage.json describes."""

    def __init__(self, path: Path, problem: str, content: bytes | None = None):
        self.path, self.problem, self.content = path, problem, content
        super().__init__(f"{path}: {problem}")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _Unsettled(path, "file is missing") from None


def _manifest_hashes(path: Path, content: bytes) -> dict[str, str]:
    """table file name -> "sha256:..." as datapackage.json states it."""
    try:
        resources = json.loads(content)["resources"]
        hashes = {r["path"]: r["hash"] for r in resources if isinstance(r, dict) and "hash" in r}
    except (ValueError, KeyError, TypeError):
        raise _Unsettled(path, "is not a datapackage.json this ETL wrote (no list of resources)") from None
    for name in TABLE_NAMES:
        if not str(hashes.get(f"{name}.csv", "")).startswith("sha256:"):
            raise _Unsettled(path, f"gives no sha256 for {name}.csv")
    return hashes


def _verified_contents(directory: Path) -> dict[str, bytes]:
    """Every table's bytes, each matching the hash datapackage.json (read first) gives for it."""
    manifest = directory / DATAPACKAGE
    hashes = _manifest_hashes(manifest, _read_bytes(manifest))
    contents = {}
    for name in TABLE_NAMES:
        path = directory / f"{name}.csv"
        content = _read_bytes(path)
        if "sha256:" + hashlib.sha256(content).hexdigest() != hashes[path.name]:
            raise _Unsettled(path, f"does not match the sha256 that {DATAPACKAGE} gives for it", content)
        contents[name] = content
    return contents


def _folder_state(directory: Path) -> tuple:
    """What changes when any file of the set is replaced."""
    state = []
    for filename in (DATAPACKAGE, *(f"{name}.csv" for name in TABLE_NAMES)):
        try:
            st = (directory / filename).stat()
            state.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            state.append(None)
    return tuple(state)


def _settled_error(e: _Unsettled) -> TableError:
    """The error to report for a mismatch that did not go away: the table's own fault if it has one."""
    if e.content is not None:
        try:
            parse_table(e.path.stem, e.path, e.content)
        except TableError as own:
            return own
        return TableError(e.path, f"{e.problem} (edited by hand, or a rebuild was interrupted): "
                                  "rebuild the tables with `python -m etl`")  # fmt: skip
    return TableError(e.path, e.problem)


def read_tables(directory: Path) -> dict[str, pd.DataFrame]:
    """Every table, all from one build: each file's bytes are checked against the sha256 in
    datapackage.json (which a build renames into place last). While they disagree, a build is
    under way: read again, briefly, until they agree or nothing has changed for QUIET_SECONDS."""
    directory = Path(directory)
    start = time.monotonic()
    state, quiet_since, pause = None, start, 0.005
    while True:
        try:
            contents = _verified_contents(directory)
        except _Unsettled as e:
            now, seen = time.monotonic(), _folder_state(directory)
            if seen != state:
                state, quiet_since = seen, now
            if now - quiet_since >= QUIET_SECONDS or now - start >= SETTLE_SECONDS:
                raise _settled_error(e) from None
            time.sleep(pause)
            pause = min(2 * pause, 0.1)
            continue
        return {name: parse_table(name, directory / f"{name}.csv", contents[name]) for name in TABLE_NAMES}


# --- writing -------------------------------------------------------------------------------------
def datapackage(sources: list[dict[str, str]]) -> dict:
    """The Frictionless descriptor of the processed tables, built from tables.yml."""
    meta = spec()
    resources = []
    for name, table in meta["tables"].items():
        schema_fields = []
        for f in table["fields"]:
            constraints = {
                k: f[k] for k in ("required", "unique", "enum", "pattern", "minimum", "maximum") if k in f
            }
            field = {"name": f["name"], "type": f["type"], "description": f["description"]}
            if f["type"] == "boolean":
                field |= {"trueValues": ["True"], "falseValues": ["False"]}
            if "unit" in f:
                field["unit"] = f["unit"]
            if constraints:
                field["constraints"] = constraints
            schema_fields.append(field)
        table_schema: dict = {"fields": schema_fields, "missingValues": [""]}
        if "primary_key" in table:
            table_schema["primaryKey"] = table["primary_key"]
        resources.append({
            "name": name.replace("_", "-"), "path": f"{name}.csv", "title": table["title"],
            "description": " ".join(table["description"].split()), "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "schema": table_schema,
        })  # fmt: skip
    pkg = meta["package"]
    return {
        "name": pkg["name"], "title": pkg["title"], "description": " ".join(pkg["description"].split()),
        "licenses": pkg["licenses"], "sources": sources, "resources": resources,
    }  # fmt: skip


@dataclass(frozen=True)
class SourceColumns:
    """datapackage.json's list of sources as whole columns: each article's title and path (""
    where it has none, and then no "path" key)."""

    titles: arrow.Array
    paths: arrow.Array

    def as_dicts(self) -> list[dict[str, str]]:
        return [
            {"title": title, **({"path": path} if path else {})}
            for title, path in zip(self.titles.to_pylist(), self.paths.to_pylist(), strict=True)
        ]

    def json_list(self) -> str | None:
        """The list as package_json writes it, built in Arrow; None when there is none, or when a
        cell holds a character JSON escapes (a quote, a backslash, a control character): those
        lists are written from `as_dicts` by the json module."""
        titles, paths = (_one_chunk(c.cast(_TEXT)) for c in (self.titles, self.paths))
        if not len(titles) or _needs_json_escape(titles) or _needs_json_escape(paths):
            return None
        path = pc.if_else(
            pc.not_equal(paths, _lit("")),
            pc.binary_join_element_wise(_lit(',\n      "path": "'), paths, _lit('"'), _lit("")),
            _lit(""),
        )
        entries = pc.binary_join_element_wise(
            _lit('    {\n      "title": "'), titles, _lit('"'), path, _lit("\n    },\n"), _lit("")
        )
        text = _text_bytes(_one_chunk(entries)).tobytes().decode("utf-8")
        return "[\n" + text.removesuffix(",\n") + "\n  ]"


def _needs_json_escape(text: arrow.Array) -> bool:
    data = np.frombuffer(_text_bytes(text), dtype=np.uint8)
    return bool((data < 0x20).any() or (data == ord('"')).any() or (data == ord("\\")).any())


def package_json(descriptor: dict, sources_json: str | None = None) -> str:
    """json.dumps(descriptor, indent=2, ensure_ascii=False), the list of sources (one per article,
    100,000 of them) written a string at a time by the C encoder: with an indent, json.dumps
    encodes everything in Python, and the sources are most of the file. `sources_json`: that list
    already written (SourceColumns.json_list), put in place of the descriptor's."""
    if sources_json is not None:
        marker = "sources-" + os.urandom(8).hex()
        text = json.dumps({**descriptor, "sources": marker}, indent=2, ensure_ascii=False)
        return text.replace(json.encoder.encode_basestring(marker), sources_json, 1)
    sources = descriptor["sources"]
    if not sources or not all(isinstance(x, dict) and x and all(isinstance(v, str) for v in x.values())
                              for x in sources):  # fmt: skip
        return json.dumps(descriptor, indent=2, ensure_ascii=False)
    marker = "sources-" + os.urandom(8).hex()
    text = json.dumps({**descriptor, "sources": marker}, indent=2, ensure_ascii=False)
    quoted = json.encoder.encode_basestring  # the C encoder of one string, as ensure_ascii=False uses
    entries = (
        "    {\n" + ",\n".join(f"      {quoted(k)}: {quoted(v)}" for k, v in source.items()) + "\n    }"
        for source in sources
    )
    return text.replace(quoted(marker), "[\n" + ",\n".join(entries) + "\n  ]", 1)


class TableWriter:
    """Stage the processed tables one at a time (each validated and written to a temporary file,
    so a caller can let a large table go before building the next), then `commit`: every file
    renamed over the old one, datapackage.json last. Leaving the `with` block without a commit,
    or a failed commit, leaves the previous tables as they were and no temporary file behind.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.staged: dict[str, tuple[Path, str, int]] = {}  # table -> (temporary file, sha256, bytes)
        self._temps: list[tuple[Path, Path]] = []

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp, _ in self._temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def stage(self, name: str, df: pd.DataFrame) -> None:
        df = validate(name, df[columns(name)].reset_index(drop=True))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        digest, size = _stage(self.out_dir, f"{name}.csv", csv_chunks(df), self._temps, sync=False)
        self.staged[name] = (self._temps[-1][0], digest, size)

    def stage_rendered(self, name: str, chunks: Iterable[bytes]) -> None:
        """Stage a table its caller validated and rendered (header and lines, e.g. lines copied from
        the extraction cache, which were validated when first written)."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        digest, size = _stage(self.out_dir, f"{name}.csv", chunks, self._temps, sync=False)
        self.staged[name] = (self._temps[-1][0], digest, size)

    def commit(self, sources: list[dict[str, str]] | SourceColumns) -> list[Path]:
        """Swap every staged table in, with a datapackage.json giving each one's sha256."""
        missing = [name for name in TABLE_NAMES if name not in self.staged]
        if missing:
            raise ValueError(f"tables not staged: {', '.join(missing)}")
        sources_json = None
        if isinstance(sources, SourceColumns):
            sources_json = sources.json_list()
            sources = [] if sources_json is not None else sources.as_dicts()
        descriptor = datapackage(sources)
        for resource in descriptor["resources"]:
            # Frictionless checks these on validate: a truncated or edited file no longer passes.
            _, digest, size = self.staged[resource["path"].removesuffix(".csv")]
            resource["bytes"], resource["hash"] = size, digest
        manifest = (package_json(descriptor, sources_json) + "\n").encode()
        order = [(self.staged[name][0], self.out_dir / f"{name}.csv") for name in TABLE_NAMES]
        # Each table is made durable here, not as it is written: the disk writes one table while
        # the next is built, and still every file is on disk before any is renamed into place.
        for tmp, _ in order:
            _sync(tmp)
        _stage(self.out_dir, DATAPACKAGE, [manifest], self._temps)
        _swap_in([*order, self._temps[-1]])
        self._temps = []
        return [final for _, final in order] + [self.out_dir / DATAPACKAGE]


def write_tables(
    tables: Mapping[str, pd.DataFrame], out_dir: Path, sources: list[dict[str, str]]
) -> list[Path]:
    """Validate every table, then replace the processed files all at once (see TableWriter).

    A final name never goes missing on the way (the old file stays until the new one replaces it),
    and readers check every file against datapackage.json (see read_tables).
    """
    for name in TABLE_NAMES:
        validate(name, tables[name][columns(name)].reset_index(drop=True))
    with TableWriter(out_dir) as writer:
        for name in TABLE_NAMES:
            writer.stage(name, tables[name])
        return writer.commit(sources)


def _stage(
    out_dir: Path, filename: str, chunks: Iterable[bytes], staged: list[tuple[Path, Path]], sync: bool = True
) -> tuple[str, int]:
    """Write a temporary file beside `filename` (on disk before returning unless `sync` is False:
    the caller then calls `_sync` before renaming it); its sha256 and size."""
    fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".tmp", dir=out_dir)
    staged.append((Path(tmp), out_dir / filename))
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "wb") as f:
        for chunk in chunks:
            f.write(chunk)
            digest.update(chunk)
            size += len(chunk)
        f.flush()
        if sync:
            os.fsync(f.fileno())
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; the tables are meant to be shared
    return "sha256:" + digest.hexdigest(), size


def _sync(path: Path) -> None:
    """Wait until a file written earlier is on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_copy(final: Path) -> Path | None:
    """A second name for the current file (a hard link, else a copy), to put back on failure."""
    if not final.exists():
        return None
    backup = final.with_name(f".{final.name}.bak")
    with contextlib.suppress(FileNotFoundError):
        backup.unlink()  # left by a run that was killed
    try:
        os.link(final, backup)
    except OSError:
        shutil.copy2(final, backup)
    return backup


def _swap_in(staged: list[tuple[Path, Path]]) -> None:
    """Rename each temporary file over its final name, in order; all or none."""
    done: list[tuple[Path | None, Path]] = []  # (backup, final) of files already replaced
    pending: Path | None = None
    try:
        for tmp, final in staged:
            pending = _keep_copy(final)
            os.replace(tmp, final)
            done.append((pending, final))
            pending = None
    except BaseException:
        for backup, final in reversed(done):
            if backup is not None:
                os.replace(backup, final)
            else:
                with contextlib.suppress(FileNotFoundError):
                    final.unlink()
        if pending is not None:
            with contextlib.suppress(FileNotFoundError):
                pending.unlink()
        raise
    for backup, _ in done:
        if backup is not None:
            with contextlib.suppress(FileNotFoundError):
                backup.unlink()
