"""What the last run extracted, kept beside the tables so that a re-run only does what changed.

`<out>/.etl-cache/` holds, for every article of the last successful run, one row of an index
(`articles-*.arrow`): its id, the checksum of its text, its metadata date, the date read from its
text, the stamp of its file (device, inode, size, modification and change times) and where its
rows are. The rows live in segments, each written by one run: for claims and for export
categories, the extractor's rows (an Arrow file, read by memory map) and the same rows rendered as
the CSV lines of an unreviewed article (`*.lines`), both in article order.

A re-run reuses an article's rows when its id and date are unchanged and either its file's stamp
is the one recorded (the file is not even read) or its text hashes to the recorded checksum; and
only when the whole cache was made with the same rules: `fingerprint` hashes the etl/ sources,
the reference data, the people file and the versions that shape extraction. Its lines are copied
into the new tables as they are, and only the columns the derived tables need are read.

`manifest.json` gives every file's sha256; anything that does not match it (a truncated or edited
file, garbage, a file some other program wrote) or does not fit the index (a row range past the
end of its file, rows of another article) is reported and the cache rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as arrow
import pyarrow.compute as pc

from etl.figures import REFERENCE

CACHE_DIR = ".etl-cache"
MANIFEST = "manifest.json"
MAGIC = "bilateral-trade-dashboard extraction cache"
FORMAT = 2
# The tables made of the rows each article gives, and the column naming a row's article.
EXTRACTED = {"claims": "article_id", "export_categories": "source"}
STAMP = ("dev", "ino", "size", "mtime_ns", "ctime_ns")
# A file changed again within the same tick of its clock keeps its stamp; so a stamp is recorded
# only for files last changed at least this long before the run started (git does the same).
RACY_NS = 2_000_000_000
# Segments are merged into one when there are more than this many, or when more of their rows
# belong to articles changed or removed since than to articles still listed.
MAX_SEGMENTS = 4
_ETL_DIR = Path(__file__).resolve().parent
_MAX_MANIFEST_BYTES = 10_000_000
_RANGE = ("row", "rows", "at", "bytes", "cr")  # per table: first row, rows, first byte, bytes, has a CR


def _range_fields(table: str) -> list[tuple[str, arrow.DataType]]:
    types = (arrow.int64(), arrow.int64(), arrow.int64(), arrow.int64(), arrow.bool_())
    return [(f"{table}_{name}", t) for name, t in zip(_RANGE, types, strict=True)]


INDEX = arrow.schema(
    [("article_id", arrow.string()), ("checksum", arrow.string()), ("published", arrow.string()),
     ("dated", arrow.string()), ("date_source", arrow.string())]
    + [(name, arrow.int64()) for name in STAMP]
    + [("segment", arrow.int64())]
    + [f for table in EXTRACTED for f in _range_fields(table)]
)  # fmt: skip


class CacheDamaged(Exception):
    """The cache cannot be trusted; says why."""


def fingerprint(people_csv: Path) -> str:
    """Changes whenever anything that shapes what extraction finds changes."""
    h = hashlib.sha256()
    versions = [f"format {FORMAT}", sys.version, importlib.metadata.version("pycountry")]
    h.update(json.dumps(versions).encode())
    sources = sorted(_ETL_DIR.glob("*.py")) + sorted(p for p in REFERENCE.iterdir() if p.is_file())
    for path in [*sources, Path(people_csv)]:
        data = path.read_bytes()
        h.update(f"{path.name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def _sha256_file(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


# --- segments ------------------------------------------------------------------------------------
@dataclass
class Segment:
    """The files of one segment (per table: rows and lines), checked against the manifest."""

    folder: Path
    entries: dict[str, dict]  # "<table>" and "<table>.lines" -> manifest entry
    rows: dict[str, int] = field(default_factory=dict)  # table -> number of rows

    def rows_file(self, table: str) -> Path:
        return self.folder / self.entries[table]["file"]

    def lines_file(self, table: str) -> Path:
        return self.folder / self.entries[f"{table}.lines"]["file"]

    def lines_size(self, table: str) -> int:
        return int(self.entries[f"{table}.lines"]["bytes"])

    def read(self, table: str, names: Iterable[str] | None = None) -> arrow.Table:
        """The rows of a table (only the columns named), memory-mapped: nothing is copied. (Asking
        the reader for some columns, IpcReadOptions.included_fields, copies the whole file.)"""
        rows = arrow.ipc.open_file(arrow.memory_map(str(self.rows_file(table)))).read_all()
        return rows if names is None else rows.select(list(names))


class SegmentWriter:
    """A new segment, written batch by batch in article order (its files renamed by their hash
    on `close`, so they never overwrite a file a manifest lists)."""

    def __init__(self, folder: Path, schemas: Mapping[str, arrow.Schema]):
        self.folder = Path(folder)
        self.rows = dict.fromkeys(schemas, 0)
        self.bytes = dict.fromkeys(schemas, 0)
        self._temps: list[Path] = []
        self._writers = {}
        self._lines = {}
        self._hashes = {name: hashlib.sha256() for name in schemas}
        try:
            for name, schema in schemas.items():
                self._writers[name] = arrow.ipc.new_file(str(self._temp(name, ".arrow")), schema)
                self._lines[name] = open(self._temp(name, ".lines"), "wb")  # noqa: SIM115 (closed in close)
        except BaseException:
            self.discard()
            raise

    def _temp(self, name: str, suffix: str) -> Path:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix + ".tmp", dir=self.folder)
        os.close(fd)
        self._temps.append(Path(tmp))
        return Path(tmp)

    def add(self, table: str, rows: arrow.RecordBatch | arrow.Table, lines: memoryview) -> tuple[int, int]:
        """Append rows and their lines; where they start (row, byte)."""
        at = (self.rows[table], self.bytes[table])
        if rows.num_rows:
            self._writers[table].write(rows)
        self._lines[table].write(lines)
        self._hashes[table].update(lines)
        self.rows[table] += rows.num_rows
        self.bytes[table] += len(lines)
        return at

    def close(self) -> Segment:
        entries = {}
        for name, writer in self._writers.items():
            writer.close()
            self._lines[name].close()
        for tmp in list(self._temps):
            name = tmp.name[1:].split(".", 1)[0]
            kind = "lines" if tmp.name.endswith(".lines.tmp") else "rows"
            digest, size = (
                (self._hashes[name].hexdigest(), self.bytes[name]) if kind == "lines" else _sha256_file(tmp)
            )
            final = f"{name}-{digest[:16]}." + ("lines" if kind == "lines" else "arrow")
            os.replace(tmp, self.folder / final)
            self._temps.remove(tmp)
            entries[name if kind == "rows" else f"{name}.lines"] = {
                "file": final,
                "sha256": digest,
                "bytes": size,
            }
        return Segment(self.folder, entries, dict(self.rows))

    def discard(self) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(Exception):
                writer.close()
        for f in self._lines.values():
            f.close()
        for tmp in self._temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        self._temps = []


# --- the cache as loaded -------------------------------------------------------------------------
@dataclass
class Cached:
    """The last run's index (one row per article) and the segments its rows are in."""

    index: arrow.Table
    segments: list[Segment]
    _columns: dict[str, np.ndarray] = field(default_factory=dict)

    def lookup(self, ids: list[str], published: list[str]) -> np.ndarray:
        """For each article (id, metadata date): its row in the index, or -1 where there is none
        or its date changed (the date is an input of extraction)."""
        at = pc.index_in(
            arrow.array(ids, arrow.string()), value_set=self.index["article_id"].combine_chunks()
        )
        same_date = pc.equal(pc.take(self.index["published"], at), arrow.array(published, arrow.string()))
        return (
            pc.if_else(pc.fill_null(same_date, False), at, -1).to_numpy(zero_copy_only=False).astype(np.int64)
        )

    def forget_columns(self) -> None:
        """Let go of the columns `column` turned into Python objects."""
        self._columns.clear()

    def column(self, name: str) -> np.ndarray:
        if name not in self._columns:
            self._columns[name] = self.index[name].to_numpy()
        return self._columns[name]


class ExtractionCache:
    """The cache folder of one output folder, for one fingerprint."""

    def __init__(self, folder: Path, fingerprint: str, note: Callable[[str], None] = lambda _: None):
        self.folder = Path(folder)
        self.fingerprint = fingerprint
        self.note = note
        self.usable = True

    # --- loading -----------------------------------------------------------------------------
    def load(self, schemas: Mapping[str, arrow.Schema]) -> Cached | None:
        """The cache, or None (saying why when the cache was there but is not trusted)."""
        try:
            st = os.lstat(self.folder)
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            # Not ours to replace: a file or a link where the cache folder should be.
            self.usable = False
            self.note(f"{self.folder} is not a folder; the extraction cache is off for this run")
            return None
        try:
            return self._load(schemas)
        except CacheDamaged as e:
            self.note(f"the extraction cache in {self.folder} is not usable ({e}); it is rebuilt")
            return None

    def _manifest(self) -> dict | None:
        path = self.folder / MANIFEST
        try:
            with path.open("rb") as f:
                raw = f.read(_MAX_MANIFEST_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise CacheDamaged(f"{MANIFEST} cannot be read: {e.strerror}") from None
        try:
            manifest = json.loads(raw)
        except ValueError:
            raise CacheDamaged(f"{MANIFEST} is not a manifest this ETL wrote") from None
        if (
            not isinstance(manifest, dict)
            or manifest.get("magic") != MAGIC
            or manifest.get("format") != FORMAT
        ):
            raise CacheDamaged(f"{MANIFEST} is not a manifest this ETL wrote")
        return manifest

    def _load(self, schemas: Mapping[str, arrow.Schema]) -> Cached | None:
        manifest = self._manifest()
        if manifest is None:
            return None
        if manifest.get("fingerprint") != self.fingerprint:
            self.note(
                "the rules or the reference data changed since the last run: every article is extracted again"
            )
            return None
        segments = manifest.get("segments")
        if not isinstance(segments, list) or not all(isinstance(s, dict) for s in segments):
            raise CacheDamaged(f"{MANIFEST} does not list the cached segments")
        index = self._table(manifest.get("articles"), INDEX)
        loaded = [self._segment(entries, schemas) for entries in segments]
        _check_index(index, loaded)
        return Cached(index, loaded)

    def _verified(self, entry: object) -> Path:
        """The file of a manifest entry, once its bytes match the entry's size and sha256."""
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or "/" in entry["file"]:
            raise CacheDamaged(f"{MANIFEST} has a malformed file entry")
        path = self.folder / entry["file"]
        try:
            digest, size = _sha256_file(path)
        except OSError as e:
            raise CacheDamaged(f"{entry['file']} cannot be read: {e.strerror}") from None
        if size != entry.get("bytes") or digest != entry.get("sha256"):
            raise CacheDamaged(f"{entry['file']} does not match its checksum")
        return path

    def _table(self, entry: object, schema: arrow.Schema) -> arrow.Table:
        path = self._verified(entry)
        try:
            table = arrow.ipc.open_file(arrow.memory_map(str(path))).read_all()
        except (arrow.ArrowException, OSError, ValueError) as e:
            raise CacheDamaged(f"{path.name} is not an Arrow file ({e})") from None
        if not table.schema.equals(schema):
            raise CacheDamaged(f"{path.name} has other columns than this ETL writes")
        return table

    def _segment(self, entries: dict, schemas: Mapping[str, arrow.Schema]) -> Segment:
        if set(entries) != {*schemas, *(f"{name}.lines" for name in schemas)}:
            raise CacheDamaged(f"{MANIFEST} lists a segment without its files")
        segment = Segment(self.folder, entries)
        for name, schema in schemas.items():
            segment.rows[name] = self._table(entries[name], schema).num_rows
            self._verified(entries[f"{name}.lines"])
        return segment

    # --- saving ------------------------------------------------------------------------------
    # A segment is written while the run goes (`new_segment`); `commit` writes the index and the
    # manifest that lists it, once the run has written its tables. A cache that cannot be written
    # only costs speed: the run goes on.
    def new_segment(self, schemas: Mapping[str, arrow.Schema]) -> SegmentWriter | None:
        if not self.usable:
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            return SegmentWriter(self.folder, schemas)
        except OSError as e:
            self.failed(e)
            return None

    def commit(self, index: arrow.Table, segments: list[Segment]) -> None:
        """List these segments and this index (articles in order, `segment` numbering the list)."""
        if not self.usable:
            return
        try:
            manifest = {
                "magic": MAGIC, "format": FORMAT, "fingerprint": self.fingerprint,
                "articles": self._write_index(index), "segments": [s.entries for s in segments],
            }  # fmt: skip
            fd, tmp = tempfile.mkstemp(prefix=".manifest.", suffix=".tmp", dir=self.folder)
            with open(fd, "w", encoding="utf-8") as f:
                json.dump(manifest, f, indent=1)
            os.replace(tmp, self.folder / MANIFEST)
            listed = {manifest["articles"]["file"]} | {
                e["file"] for s in segments for e in s.entries.values()
            }
            self._drop_unlisted(listed)
        except OSError as e:
            self.failed(e)

    def failed(self, e: OSError) -> None:
        self.usable = False
        self.note(
            f"the extraction cache could not be saved in {self.folder} ({e}); the next run extracts every article"
        )

    def _write_index(self, index: arrow.Table) -> dict:
        fd, tmp = tempfile.mkstemp(prefix=".articles.", suffix=".tmp", dir=self.folder)
        os.close(fd)
        try:
            with arrow.OSFile(tmp, "wb") as sink, arrow.ipc.new_file(sink, index.schema) as w:
                w.write_table(index)
            digest, size = _sha256_file(Path(tmp))
            final = f"articles-{digest[:16]}.arrow"
            os.replace(tmp, self.folder / final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return {"file": final, "sha256": digest, "bytes": size}

    def _drop_unlisted(self, listed: set[str]) -> None:
        """Remove the cache files of earlier runs (only names this module makes)."""
        for path in self.folder.iterdir():
            ours = path.suffix in (".arrow", ".lines") or (
                path.name.startswith(".") and path.suffix == ".tmp"
            )
            if ours and path.name not in listed and path.is_file():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


def _check_index(index: arrow.Table, segments: list[Segment]) -> None:
    """Every article listed once, its rows inside its segment's files and naming it."""
    ids = index["article_id"]
    if pc.count_distinct(ids).as_py() != len(ids):
        raise CacheDamaged("an article is listed twice")
    where = index["segment"].to_numpy()
    if len(where) and (where.min() < 0 or where.max() >= len(segments)):
        raise CacheDamaged("an article's rows are in a segment the manifest does not list")
    for table, key in EXTRACTED.items():
        row, rows = index[f"{table}_row"].to_numpy(), index[f"{table}_rows"].to_numpy()
        at, size = index[f"{table}_at"].to_numpy(), index[f"{table}_bytes"].to_numpy()
        ends = np.array([s.rows[table] for s in segments], dtype=np.int64)
        sizes = np.array([s.lines_size(table) for s in segments], dtype=np.int64)
        if len(where) and (
            (row < 0).any() or (rows < 0).any() or (row + rows > ends[where]).any()
            or (at < 0).any() or (size < 0).any() or (at + size > sizes[where]).any()
        ):  # fmt: skip
            raise CacheDamaged(f"the index places {table} rows past the end of their segment")
        for s, segment in enumerate(segments):
            mine = where == s
            named = segment.read(table, [key])[key]
            taken = pc.take(named, expand_ranges(row[mine], rows[mine]))
            owners = pc.take(ids, arrow.array(np.repeat(np.flatnonzero(mine), rows[mine])))
            if not pc.all(pc.equal(taken, owners)).as_py() and len(taken):
                raise CacheDamaged(f"{table} rows are listed under another article than theirs")


def expand_ranges(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The row numbers of consecutive ranges: start[0]..start[0]+count[0]-1, start[1].., ..."""
    total = int(count.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(count)
    return np.repeat(start - (ends - count), count) + np.arange(total, dtype=np.int64)
