"""The processed tables: schemas, safe CSV writing and checked reading.

Schemas come from `data/reference/tables.yml`, the one description of every table; pandera
checks a table on write and on read, and the same description becomes `datapackage.json`.
Writing is all-or-nothing: every file goes to a temporary name first and is renamed over the
old one only when all of them are written, so a failed run leaves the previous tables intact.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from etl.figures import REFERENCE

TABLES_YML = REFERENCE / "tables.yml"
TABLE_NAMES = ("articles", "claims", "export_categories", "people", "target_gaps", "trade_balance")
DATAPACKAGE = "datapackage.json"

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER_FORMAT = "%.15g"


class TableError(Exception):
    """A processed table that is missing or does not match its schema; names the file."""

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@cache
def spec() -> dict:
    with TABLES_YML.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def fields(table: str) -> list[dict]:
    return spec()["tables"][table]["fields"]


def columns(table: str) -> list[str]:
    return [f["name"] for f in fields(table)]


_DTYPES = {"string": str, "date": str, "number": float, "integer": int, "boolean": bool}


@cache
def schema(table: str) -> pa.DataFrameSchema:
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
    try:
        return schema(table).validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        cases = e.failure_cases.head(5)
        detail = "; ".join(
            f"column {r.column!r} {r.check} (line {_line(r.index)}: {r.failure_case!r})"
            for r in cases.itertuples()
        )
        raise TableError(path or f"{table} table", f"does not match its schema: {detail}") from None


def _line(index: object) -> str:
    """File line of a data row (header is line 1), as people see it in an editor."""
    return str(int(index) + 2) if isinstance(index, int | np.integer) else "?"


def empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({f["name"]: pd.Series(dtype=_DTYPES[f["type"]]) for f in fields(table)})


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
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def formula_unsafe(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v[1:] if isinstance(v, str) and v.startswith("'") else v)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The CSV form used everywhere: processed files, downloads and the zip."""
    safe = formula_safe(df)
    # Python's csv module does not quote a lone carriage return when rows end in "\n"; a table
    # holding one gets every text cell quoted instead, so it still reads back as written.
    has_cr = any(
        safe[c].astype(str).str.contains("\r", regex=False).any()
        for c in safe.columns
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c])
    )
    quoting = csv.QUOTE_NONNUMERIC if has_cr else csv.QUOTE_MINIMAL
    return safe.to_csv(
        index=False, lineterminator="\n", float_format=_NUMBER_FORMAT, quoting=quoting
    ).encode()


# --- reading -------------------------------------------------------------------------------------
def read_table(table: str, directory: Path) -> pd.DataFrame:
    path = Path(directory) / f"{table}.csv"
    if not path.is_file():
        raise TableError(path, "file is missing")
    content = path.read_bytes()
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


def read_tables(directory: Path) -> dict[str, pd.DataFrame]:
    return {name: read_table(name, directory) for name in TABLE_NAMES}


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


def write_tables(
    tables: Mapping[str, pd.DataFrame], out_dir: Path, sources: list[dict[str, str]]
) -> list[Path]:
    """Validate every table, then replace the processed files all at once.

    Everything is written to temporary files first. Only then are they renamed over the old files;
    if a rename fails part-way, the files already replaced are put back, so the folder holds
    either the whole old set or the whole new one.
    """
    out_dir = Path(out_dir)
    payload: dict[str, bytes] = {}
    for name in TABLE_NAMES:
        df = validate(name, tables[name][columns(name)].reset_index(drop=True))
        payload[f"{name}.csv"] = to_csv_bytes(df)
    descriptor = datapackage(sources)
    for resource in descriptor["resources"]:
        data = payload[resource["path"]]
        # Frictionless checks these on validate: a truncated or edited file no longer passes.
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    payload[DATAPACKAGE] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()

    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []  # (temporary file, final name)
    backups: list[tuple[Path, Path]] = []  # (backup, final name) of files already replaced
    try:
        for filename, data in payload.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{filename}.", suffix=".tmp", dir=out_dir)
            staged.append((Path(tmp), out_dir / filename))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; the tables are meant to be shared
        for tmp, final in staged:
            backup = final.with_name(f".{final.name}.bak")
            if final.exists():
                os.replace(final, backup)
                backups.append((backup, final))
            else:
                backups.append((Path(), final))
            os.replace(tmp, final)
    except BaseException:
        for backup, final in reversed(backups):
            if backup != Path():
                os.replace(backup, final)
            else:
                with contextlib.suppress(FileNotFoundError):
                    final.unlink()
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    for backup, _ in backups:
        if backup != Path():
            with contextlib.suppress(FileNotFoundError):
                backup.unlink()
    return [final for _, final in staged]
