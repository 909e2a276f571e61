"""What the last run extracted, kept beside the tables so that a re-run extracts only what changed.

`<out>/.etl-cache/` holds, for every article of the last successful run, its id, the checksum of
its text and its metadata date, and the rows of its claims and export categories (Arrow files,
each row naming its article: claims.article_id, export_categories.source).
A run reuses an article's rows only when its id, checksum and date are unchanged and the whole
cache was made with the same rules: `fingerprint` hashes the etl/ sources, the reference data,
the people file and the versions that shape extraction. `manifest.json` gives every file's
sha256; anything that does not match it (a truncated or edited file, garbage, a file some other
program wrote) is reported and the cache rebuilt, never trusted.
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as arrow
import pyarrow.compute as pc

from etl.figures import REFERENCE

CACHE_DIR = ".etl-cache"
MANIFEST = "manifest.json"
MAGIC = "bilateral-trade-dashboard extraction cache"
FORMAT = 1
_ETL_DIR = Path(__file__).resolve().parent
_MAX_MANIFEST_BYTES = 1_000_000
_INDEX = arrow.schema([("article_id", arrow.string()), ("checksum", arrow.string()),
                       ("published", arrow.string())])  # fmt: skip


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


@dataclass
class Cached:
    """The last run's articles (index: article_id, checksum, published) and their rows."""

    index: arrow.Table
    tables: dict[str, arrow.Table]

    def known(self, ids: list[str], published: list[str]) -> list[str]:
        """For each article (id, metadata date): the checksum of the text its cached rows were
        extracted from, or "" where there are none or the date changed."""
        at = pc.index_in(
            arrow.array(ids, arrow.string()), value_set=self.index["article_id"].combine_chunks()
        )
        checksum = pc.take(self.index["checksum"], at)
        same_date = pc.equal(pc.take(self.index["published"], at), arrow.array(published, arrow.string()))
        return pc.fill_null(pc.if_else(same_date, checksum, ""), "").to_pylist()


def _sha256_file(path: Path) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


class ExtractionCache:
    """The cache folder of one output folder, for one fingerprint."""

    def __init__(self, folder: Path, fingerprint: str, note: Callable[[str], None] = lambda _: None):
        self.folder = Path(folder)
        self.fingerprint = fingerprint
        self.note = note
        self.usable = True

    # --- loading -----------------------------------------------------------------------------
    def load(self, schemas: Mapping[str, tuple[arrow.Schema, str]]) -> Cached | None:
        """The cached rows, or None (saying why when the cache was there but is not trusted)."""
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

    def _load(self, schemas: Mapping[str, tuple[arrow.Schema, str]]) -> Cached | None:
        manifest = self._manifest()
        if manifest is None:
            return None
        if manifest.get("fingerprint") != self.fingerprint:
            self.note(
                "the rules or the reference data changed since the last run: every article is extracted again"
            )
            return None
        files = manifest.get("files")
        if not isinstance(files, dict) or set(files) != {"articles", *schemas}:
            raise CacheDamaged(f"{MANIFEST} does not list the cached tables")
        index = self._table(files["articles"], _INDEX)
        ids = index["article_id"]
        if pc.count_distinct(ids).as_py() != len(ids):
            raise CacheDamaged("an article is listed twice")
        tables = {name: self._table(files[name], schema) for name, (schema, _) in schemas.items()}
        for name, (_, article_column) in schemas.items():
            listed = pc.is_in(tables[name][article_column], value_set=ids.combine_chunks())
            if pc.any(pc.invert(listed)).as_py():
                raise CacheDamaged(f"{name} holds rows of an article the cache does not list")
        return Cached(index, tables)

    def _table(self, entry: object, schema: arrow.Schema) -> arrow.Table:
        """A cached table, read only after its bytes match the manifest's sha256."""
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or "/" in entry["file"]:
            raise CacheDamaged(f"{MANIFEST} has a malformed file entry")
        path = self.folder / entry["file"]
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CacheDamaged(f"{entry['file']} cannot be read: {e.strerror}") from None
        if len(data) != entry.get("bytes") or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            raise CacheDamaged(f"{entry['file']} does not match its checksum")
        try:
            table = arrow.ipc.open_file(arrow.py_buffer(data)).read_all()
        except (arrow.ArrowException, OSError, ValueError) as e:
            raise CacheDamaged(f"{entry['file']} is not an Arrow file ({e})") from None
        if not table.schema.equals(schema):
            raise CacheDamaged(f"{entry['file']} has other columns than this ETL writes")
        return table

    # --- saving ------------------------------------------------------------------------------
    # In two steps, so that the caller can let the rows go before the tables are written: `stage`
    # writes the rows' files (named by their own hash, so they never overwrite a file the current
    # manifest lists), `commit` the index and the manifest that lists them, once the run has
    # written its tables. A cache that cannot be written only costs speed: the run goes on.
    def stage(self, tables: Mapping[str, arrow.Table]) -> None:
        self._staged: dict[str, dict] | None = None
        if not self.usable:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._staged = {name: self._write(table, name) for name, table in tables.items()}
        except OSError as e:
            self._failed(e)

    def commit(self, ids: list[str], checksums: list[str], published: list[str]) -> None:
        """List the staged rows under these articles (with the checksum and date of each)."""
        if not self.usable or getattr(self, "_staged", None) is None:
            return
        try:
            index = arrow.table([ids, checksums, published], schema=_INDEX)
            files = {"articles": self._write(index, "articles"), **self._staged}
            manifest = {"magic": MAGIC, "format": FORMAT, "fingerprint": self.fingerprint, "files": files}
            fd, tmp = tempfile.mkstemp(prefix=".manifest.", suffix=".tmp", dir=self.folder)
            with open(fd, "w", encoding="utf-8") as f:
                json.dump(manifest, f, indent=1)
            os.replace(tmp, self.folder / MANIFEST)
            self._drop_unlisted({entry["file"] for entry in files.values()})
        except OSError as e:
            self._failed(e)

    def _failed(self, e: OSError) -> None:
        self.note(
            f"the extraction cache could not be saved in {self.folder} ({e}); the next run extracts every article"
        )

    def _write(self, table: arrow.Table, name: str) -> dict:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
        os.close(fd)
        try:
            options = arrow.ipc.IpcWriteOptions(
                compression="zstd" if arrow.Codec.is_available("zstd") else None
            )
            with (
                arrow.OSFile(tmp, "wb") as sink,
                arrow.ipc.new_file(sink, table.schema, options=options) as w,
            ):
                w.write_table(table)
            digest, size = _sha256_file(Path(tmp))
            final = f"{name}-{digest[:16]}.arrow"
            os.replace(tmp, self.folder / final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return {"file": final, "sha256": digest, "bytes": size}

    def _drop_unlisted(self, listed: set[str]) -> None:
        """Remove the cache files of earlier runs (only names this module makes)."""
        for path in self.folder.iterdir():
            ours = path.suffix == ".arrow" or (path.name.startswith(".") and path.suffix == ".tmp")
            if ours and path.name not in listed and path.is_file():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
