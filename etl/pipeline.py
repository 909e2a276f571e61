"""The ETL step: articles folder -> claims and tidy tables -> data/processed (all or nothing).

The corpus is streamed: each article is read, hashed and extracted (in N processes, see
etl.parallel), and its rows go, a batch at a time, into a segment of the extraction cache
(etl.cache): the extractor's rows as Arrow and the same rows rendered as CSV lines. The claims and
export categories tables are then the segments' lines copied in article order (the articles a
person's decisions name rendered again), and the derived tables are built from the few columns
they need, so no process holds the corpus or its sentences. An article unchanged since the last
run (the same file stamp, or the same text) keeps the rows it has in the cache: a re-run reads,
extracts, renders and validates only what changed. Without the cache (`use_cache=False`) the
segment is written to a scratch folder and removed: the tables are the same, byte for byte.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc

from etl.cache import (
    CACHE_DIR,
    EXTRACTED,
    INDEX,
    MAX_SEGMENTS,
    RACY_NS,
    STAMP,
    Cached,
    ExtractionCache,
    Segment,
    SegmentWriter,
    expand_ranges,
    fingerprint,
)
from etl.contract import CLAIM_COLUMNS
from etl.corpus import CorpusError, CorpusListing, list_corpus, read_article
from etl.parallel import Job, cores, extract_corpus, worth_processes
from etl.people import PEOPLE_CSV, read_people
from etl.review import (
    REJECTED,
    REVIEWS_CSV,
    apply,
    empty_reviews,
    read_reviews,
    review_categories,
    unreviewed_categories,
    with_review_cells,
    with_review_columns,
)
from etl.tables import (
    SourceColumns,
    TableError,
    TableWriter,
    arrow_csv_lines,
    arrow_passes,
    columns,
    csv_header,
    csv_kinds,
    csv_lines,
    empty,
    fields,
    line_sizes,
    lines_bytes,
    lines_with_cr,
    rows_with_cr,
    validate,
)
from etl.transform import (
    _NOT_DERIVED,
    DERIVED_METRICS,
    articles_frame,
    claims_per_article,
    people_table,
    target_gaps,
    trade_balance,
)

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
_ARROW_TYPES = {"string": arrow.string(), "date": arrow.string(), "number": arrow.float64(),
                "integer": arrow.int64(), "boolean": arrow.bool_()}  # fmt: skip
# Rows rendered and validated at a time: the memory this takes is never given back to the system
# (freed, but fragmented), so a small batch keeps the peak low; the cost per batch is small.
_BATCH_ROWS = 5_000
# The claims' columns the derived, articles and people tables read: all but the sentence and the
# rule's name (transform.derived_input leaves out the same), most of the claims' memory.
_LIGHT = [c for c in CLAIM_COLUMNS if c not in _NOT_DERIVED]
# Of those, the ones target_gaps and trade_balance read: each copy they make inside carries every
# column they are given (a column they come to need is a KeyError the tests meet at once).
_FIGURES = [c for c in _LIGHT if c not in ("end", "target_kind", "period_note")]


class FolderError(ValueError):
    """The articles and output folders overlap."""


def check_folders(articles_dir: Path, out_dir: Path) -> None:
    """Refuse an output folder that is, or is inside, the articles folder, or the reverse: the
    tables would land among the articles (an `articles.csv` overwritten by our own)."""
    articles, out = Path(articles_dir).resolve(), Path(out_dir).resolve()
    if out == articles:
        raise FolderError(
            f"--out {out_dir} is the articles folder itself; write the tables to another folder"
        )
    if out.is_relative_to(articles):
        raise FolderError(
            f"--out {out_dir} is inside the articles folder {articles_dir}; choose a folder outside it"
        )
    if articles.is_relative_to(out):
        raise FolderError(
            f"the articles folder {articles_dir} is inside --out {out_dir}; choose another --out"
        )


def arrow_schema(table: str) -> arrow.Schema:
    """A table of tables.yml as Arrow columns; for claims, the extractor's columns only (the
    review's are added after extraction, so neither the workers nor the cache ever hold them)."""
    kept = [f for f in fields(table) if table != "claims" or f["name"] in CLAIM_COLUMNS]
    return arrow.schema([(f["name"], _ARROW_TYPES[f["type"]]) for f in kept])


def _row_schemas() -> dict[str, arrow.Schema]:
    return {name: arrow_schema(name) for name in EXTRACTED}


def _light_schema() -> arrow.Schema:
    claims = arrow_schema("claims")
    return arrow.schema([claims.field(name) for name in _LIGHT])


# --- the new index -------------------------------------------------------------------------------
class _Index:
    """The cache index this run makes, one entry per listed article, in listing order: copied
    from the old index for articles kept, filled in for those read or extracted."""

    def __init__(self, n: int, cached: Cached | None, kept_at: np.ndarray):
        self.columns: dict[str, np.ndarray] = {}
        for f in INDEX:
            if f.name in ("article_id", "published", *STAMP):
                continue  # from the listing
            old = cached.column(f.name) if cached else None
            if arrow.types.is_string(f.type):
                values = np.full(n, "", dtype=object)
            else:
                values = np.zeros(n, dtype=np.bool_ if arrow.types.is_boolean(f.type) else np.int64)
            if old is not None:
                kept = kept_at >= 0
                values[kept] = old[kept_at[kept]]
            self.columns[f.name] = values
        self.columns["segment"][kept_at < 0] = -1

    def table(self, listing: CorpusListing, started_ns: int) -> arrow.Table:
        stamps = _recorded_stamps(listing, started_ns)
        data = {"article_id": [f.article_id for f in listing.files],
                "published": [f.published for f in listing.files], **self.columns, **stamps}  # fmt: skip
        return arrow.table({f.name: arrow.array(data[f.name], f.type) for f in INDEX}, schema=INDEX)


def _stamps(listing: CorpusListing) -> dict[str, np.ndarray]:
    values = np.frombuffer(listing.stamps, dtype=np.int64).reshape(-1, len(STAMP))
    return {name: values[:, k] for k, name in enumerate(STAMP)}


def _recorded_stamps(listing: CorpusListing, started_ns: int) -> dict[str, np.ndarray]:
    """The stamps to keep: a file changed too close to the run's start may change again within the
    same tick of its clock, unseen, so it is marked unknown (size -1) and hashed next time."""
    stamps = {name: values.copy() for name, values in _stamps(listing).items()}
    racy = (stamps["mtime_ns"] >= started_ns - RACY_NS) | (stamps["ctime_ns"] >= started_ns - RACY_NS)
    stamps["size"][racy] = -1
    return stamps


def _trusted(cached: Cached, at: np.ndarray, listing: CorpusListing) -> np.ndarray:
    """The articles whose file has the stamp recorded with their rows: not read again."""
    trusted = at >= 0
    if not trusted.any():
        return trusted
    now, old = _stamps(listing), at[trusted]
    same = cached.column("size")[old] >= 0
    for name in STAMP:
        same &= cached.column(name)[old] == now[name][trusted]
    trusted[trusted] = same
    return trusted


# --- extraction, a batch at a time ---------------------------------------------------------------
class _Pending(NamedTuple):
    position: int  # in the listing
    first_rows: tuple[int, int]  # where its claims and categories start in their tables (errors say)
    claims: list[tuple]
    categories: list[tuple]


@dataclass
class _Batches:
    """Extracted rows as they arrive: every _BATCH_ROWS rows rendered, validated and written to
    the new segment, and their place recorded in the index."""

    index: _Index
    segment: SegmentWriter
    schemas: dict[str, arrow.Schema]
    pending: list[_Pending] = field(default_factory=list)
    rows: int = 0

    def add(self, item: _Pending) -> None:
        self.pending.append(item)
        self.rows += len(item.claims) + len(item.categories)
        if self.rows >= _BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        at = np.array([p.position for p in self.pending])
        first = np.array([p.first_rows for p in self.pending], dtype=np.int64).reshape(-1, 2)
        claims = self._batch("claims", [p.claims for p in self.pending])
        categories = self._batch("export_categories", [p.categories for p in self.pending])
        self.pending, self.rows = [], 0
        # In Arrow from end to end: no frame is made of the rows unless they fail their schema.
        extracted = arrow.Table.from_batches([claims[0]])
        self._write("claims", at, claims, with_review_cells(extracted), first[:, 0])
        reviewed = unreviewed_categories(arrow.Table.from_batches([categories[0]]), extracted)
        self._write("export_categories", at, categories, reviewed, first[:, 1])
        self.index.columns["segment"][at] = -2  # the new segment (numbered once the run is done)

    def _batch(self, table: str, per_article: list[list[tuple]]) -> tuple[arrow.RecordBatch, list]:
        schema = self.schemas[table]
        rows = [row for rows in per_article for row in rows]
        values = zip(*rows, strict=True) if rows else [[] for _ in schema]
        arrays = [arrow.array(v, type=f.type) for v, f in zip(values, schema, strict=True)]
        return arrow.RecordBatch.from_arrays(arrays, schema=schema), per_article

    def _write(self, table: str, at: np.ndarray, batch: tuple, table_rows: arrow.Table,
               first_rows: np.ndarray) -> None:  # fmt: skip
        """Write the extractor's rows and the lines of `table_rows` (those rows as the table holds
        them); `first_rows`: where each article's rows start in the table."""
        rows, per_article = batch
        counts = np.array([len(r) for r in per_article], dtype=np.int64)
        table_rows = table_rows.select(columns(table))
        _check(table, table_rows, expand_ranges(first_rows, counts))
        lines = arrow_csv_lines(table_rows)
        # A carriage return in a cell quotes the whole table: its article's lines are never used.
        needs_pandas = lines_with_cr(lines)
        first_row, first_byte = self.segment.add(table, rows, lines_bytes(lines))
        sizes = _per_article(line_sizes(lines), counts)
        c = self.index.columns
        c[f"{table}_rows"][at] = counts
        c[f"{table}_row"][at] = first_row + np.cumsum(counts) - counts
        c[f"{table}_bytes"][at] = sizes
        c[f"{table}_at"][at] = first_byte + np.cumsum(sizes) - sizes
        c[f"{table}_cr"][at] = _per_article(needs_pandas.astype(np.int64), counts) > 0


def _check(table: str, rows: arrow.Table, row_numbers: np.ndarray) -> None:
    """Rows that do not meet the table's schema are a TableError naming them (by their place in
    the table): pandera checks their frame, made only then."""
    if not arrow_passes(table, rows):
        frame = _frame(rows)
        frame.index = row_numbers
        validate(table, frame)


def _per_article(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sums of consecutive runs of values, `counts` long each (a run may be empty)."""
    total = np.concatenate([[0], np.cumsum(values)])
    ends = np.cumsum(counts)
    return total[ends] - total[ends - counts]


@dataclass
class _Collected:
    skipped: list[str] = field(default_factory=list)  # lines naming what the work guards did not read
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, line)


def _collect(listing: CorpusListing, cached: Cached | None, at: np.ndarray, batches: _Batches, job: Job,
             jobs: int | None, progress: bool) -> _Collected:  # fmt: skip
    """Every article read (unless its file's stamp is the recorded one), hashed and, if new or
    changed, extracted, in listing order: checksums and dates go to the index, rows to the new
    segment. `at`: each article's row in the cache's index (-1: none)."""
    files, n = listing.files, len(listing.files)
    trusted = _trusted(cached, at, listing) if cached else np.zeros(n, dtype=bool)
    known = cached.column("checksum") if cached else None
    tasks = [(files[i], known[at[i]] if at[i] >= 0 else "") for i in np.flatnonzero(~trusted)]
    n_known = sum(1 for _, checksum in tasks if checksum)
    results = extract_corpus(tasks, job, _processes(jobs, len(tasks) - n_known, n_known))
    index, got = batches.index.columns, _Collected()
    old_rows = _cached_rows(cached, at)
    # Where an article's rows start in their tables (a validation error names the line): the rows
    # of the trusted articles before it, plus those of the articles read so far.
    trusted_rows = np.where(trusted[:, None], old_rows, 0)
    before = np.cumsum(trusted_rows, axis=0) - trusted_rows
    read_rows = np.zeros(len(EXTRACTED), dtype=np.int64)
    bar = _progress_bar(n, progress)
    bar.update(int(trusted.sum()))
    for i, r in zip(np.flatnonzero(~trusted).tolist(), results, strict=True):
        bar.update()
        index["checksum"][i] = r.checksum
        index["dated"][i], index["date_source"][i] = r.dated
        got.skipped += [f"{files[i].name}: {why}" for why in r.skipped]
        if r.problem:
            got.problems.append((files[i].name, r.problem))
        elif r.claims is None:
            read_rows += old_rows[i]  # unchanged: its rows stay where they are
        else:
            first = before[i] + read_rows
            batches.add(_Pending(i, (int(first[0]), int(first[1])), r.claims, r.categories or []))
            read_rows += (len(r.claims), len(r.categories or []))
    batches.flush()
    bar.close()
    return got


def _cached_rows(cached: Cached | None, at: np.ndarray) -> np.ndarray:
    """For each article, the number of claims and of categories rows the cache holds (0, 0 where
    it holds none)."""
    rows = np.zeros((len(at), len(EXTRACTED)), dtype=np.int64)
    if cached is not None:
        for k, table in enumerate(EXTRACTED):
            rows[:, k] = np.where(at >= 0, cached.column(f"{table}_rows")[np.maximum(at, 0)], 0)
    return rows


def _progress_bar(total: int, show: bool):  # a tqdm bar, imported only where it is shown
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=" articles", file=sys.stderr, mininterval=0.5, smoothing=0.05)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _processes(jobs: int | None, to_extract: int, to_check: int) -> int:
    if jobs is not None:
        return max(1, jobs)
    return cores() if worth_processes(to_extract, to_check) else 1


# --- reading the rows back -----------------------------------------------------------------------
@dataclass
class _Places:
    """Where every article's rows are: which segment, first row and number of rows, first byte
    and number of bytes of its lines, per table."""

    segments: list[Segment]
    where: np.ndarray
    columns: dict[str, np.ndarray]
    ids: arrow.Array  # each article's id, in order

    def rows(self, table: str, chosen: np.ndarray, names: list[str] | None = None) -> arrow.Table:
        """The rows of the chosen articles (positions, in order), only the columns named."""
        schema = arrow_schema(table)
        names = names or schema.names
        parts, owners = [], []
        for s in np.unique(self.where[chosen]):
            mine = chosen[self.where[chosen] == s]
            count = self.columns[f"{table}_rows"][mine]
            parts.append(
                _taken(
                    self.segments[s].read(table, names),
                    expand_ranges(self.columns[f"{table}_row"][mine], count),
                )
            )
            owners.append(np.repeat(mine, count))
        if not parts:
            return arrow.schema([schema.field(name) for name in names]).empty_table()
        rows = arrow.concat_tables(parts)
        owner = np.concatenate(owners)
        if (np.diff(owner) < 0).any():  # back to article order (new articles only at the end need not)
            rows = rows.take(np.argsort(owner, kind="stable"))
        return rows

    def lines(self, table: str, chosen: np.ndarray) -> Iterator[tuple[Segment, int, int]]:
        """(segment, first byte, bytes) of the chosen articles' lines, neighbours merged."""
        at, size = self.columns[f"{table}_at"][chosen], self.columns[f"{table}_bytes"][chosen]
        where = self.where[chosen]
        if not len(chosen):
            return
        # A new piece wherever the segment changes or the next lines do not follow on.
        breaks = np.flatnonzero((where[1:] != where[:-1]) | (at[1:] != at[:-1] + size[:-1])) + 1
        starts = np.concatenate([[0], breaks])
        ends = np.concatenate([breaks, [len(chosen)]])
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            total = int(size[a:b].sum())
            if total:
                yield self.segments[where[a]], int(at[a]), total


def _taken(rows: arrow.Table, at: np.ndarray) -> arrow.Table:
    """rows.take(at), without a copy when `at` is one run of consecutive rows (a memory-mapped
    segment's rows are then only read, never held twice)."""
    if len(at) and at[-1] - at[0] == len(at) - 1 and (np.diff(at) == 1).all():
        return rows.slice(int(at[0]), len(at))
    return rows.take(at)


def _copy(table: str, segment: Segment, at: int, size: int) -> Iterator[bytes]:
    with segment.lines_file(table).open("rb") as f:
        f.seek(at)
        while size > 0:
            chunk = f.read(min(size, 1 << 20))
            if not chunk:
                raise OSError(f"{segment.lines_file(table)} is shorter than its manifest says")
            size -= len(chunk)
            yield chunk


def _frame(table: arrow.Table | arrow.RecordBatch) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_pandas_type)


def _pandas_type(t: arrow.DataType) -> object:
    return pd.StringDtype("pyarrow", na_value=np.nan) if t in (arrow.string(), arrow.large_string()) else None


# --- the run -------------------------------------------------------------------------------------
def run(
    articles_dir: Path = RAW,
    out_dir: Path = PROCESSED,
    metadata: Path | None = None,
    people_csv: Path = PEOPLE_CSV,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: bool = False,
    note: Callable[[str], None] = lambda _: None,
    reviews: Path | None = None,
    report: Callable[[pd.DataFrame], None] = lambda _: None,
) -> list[Path]:
    """Rebuild the tables of `out_dir` from the articles; the files written.

    `jobs`: processes for extraction (None: the machine's cores when the work is worth it).
    `use_cache`: reuse the rows of unchanged articles from `<out_dir>/.etl-cache`.
    `note`: called with a line about the cache when it is not used as expected.
    `reviews`: the reviewed-claims file (default: data/reference/reviewed_claims.csv when the
    articles are data/raw, else none); `report` gets one row per decision saying whether it was
    applied and, if not, why. Reviews are applied after extraction (and after the cache: the cache
    holds what the rules found, never what a person decided).
    """
    # --- load ---
    check_folders(articles_dir, out_dir)
    started_ns = time.time_ns()
    people = read_people(people_csv)  # first: a bad people file is named before anything reads it raw
    cache = ExtractionCache(Path(out_dir) / CACHE_DIR, fingerprint(people_csv), note) if use_cache else None
    with ThreadPoolExecutor(max_workers=1) as aside:
        # The cache's files are hashed (hashlib lets go of the interpreter lock) while the folder
        # is listed, mostly system calls: on two cores a third of a second less at 100,000.
        loading = aside.submit(cache.load, _row_schemas()) if cache else None
        listing = list_corpus(articles_dir, metadata)
        decisions = _decisions(reviews, articles_dir)
        cached = loading.result() if loading else None
    _give_back()  # what checking the cache took

    with _NewSegment(out_dir, cache, _row_schemas()) as segment:
        # --- process ---
        places, new_index = _extract(listing, cached, segment, people, jobs, progress, note, started_ns)
        corpus = _Corpus.of(listing, new_index, decisions)
        # What the tables need of the listing and the index is in Arrow columns now: their Python
        # objects (100,000 of each) go before the tables are built.
        del listing
        if cached is not None:
            cached.forget_columns()
        _give_back()

        # --- save ---
        with TableWriter(out_dir) as writer:
            _stage_tables(writer, corpus, places, people, decisions, report)
            written = writer.commit(corpus.sources())
        if segment.in_cache:
            segment.keep()
            _save_cache(cache, cached, new_index, places)
    return written


def _extract(listing: CorpusListing, cached: Cached | None, segment: _NewSegment, people: list,
             jobs: int | None, progress: bool, note: Callable[[str], None],
             started_ns: int) -> tuple[_Places, arrow.Table]:  # fmt: skip
    """Every article read (unless its file's stamp is the recorded one) and, where new or
    changed, extracted into the new segment (CorpusError naming every unusable file); where
    every article's rows are now, and the cache index this run makes."""
    refused = bool(listing.file_problems or listing.folder_problems or listing.metadata_problems)
    job = Job(listing.folder, listing.folder_id, tuple(people), tuple(CLAIM_COLUMNS),
              tuple(columns("export_categories")), check_only=refused)  # fmt: skip
    ids = [f.article_id for f in listing.files]
    at = cached.lookup(ids, [f.published for f in listing.files]) if cached else np.full(len(ids), -1)
    index = _Index(len(ids), cached, at)
    got = _collect(listing, cached, at, _Batches(index, segment.writer, _row_schemas()), job, jobs, progress)
    new = segment.close()
    if refused or got.problems:
        raise CorpusError(listing.problems(got.problems))
    for line in got.skipped:  # "too dense", "too long": said, never silently dropped
        note(f"not read: {line}")
    places = _Places(*_numbered(cached, new, index), index.columns, arrow.array(ids, arrow.string()))
    new_index = index.table(listing, started_ns)
    for name in ("checksum", "dated", "date_source"):  # in new_index now; the tables take them there
        del index.columns[name]
    return places, new_index


@dataclass
class _Corpus:
    """What the tables need of the listed articles once they are extracted: their ids, metadata,
    checksums and dates (Arrow columns), and the text of those the decisions name."""

    columns: arrow.Table
    texts: dict[str, str]  # article id -> text, for the articles decisions name
    published: dict[str, str]  # article id -> metadata date, for the same

    @classmethod
    def of(cls, listing: CorpusListing, index: arrow.Table, decisions: pd.DataFrame) -> _Corpus:
        files = listing.files
        meta = {name: arrow.array([getattr(f, name) for f in files], arrow.string())
                for name in ("title", "publisher", "url")}  # fmt: skip
        named = set(decisions["article_id"])
        return cls(
            arrow.table(
                {**meta, **{n: index[n] for n in ("article_id", "checksum", "dated", "date_source")}}
            ),
            _texts_of(listing, decisions),
            {f.article_id: f.published for f in files if f.article_id in named},
        )

    def articles(self, claim_counts: arrow.StructArray) -> pd.DataFrame:
        """The articles table, from whole columns (`claim_counts`: the claims' article ids, counted)."""
        if not self.columns.num_rows:
            return empty("articles")
        meta = self.columns.rename_columns(
            ["published" if name == "dated" else name for name in self.columns.column_names]
        )
        return articles_frame(meta, claims_per_article(meta["article_id"], claim_counts))

    def sources(self) -> SourceColumns:
        """datapackage.json's list of the articles: "<id>.txt: <title>" ("<id>.txt" untitled) and
        the article's address, from whole columns."""
        ids, titles = (self.columns[n].combine_chunks() for n in ("article_id", "title"))
        named = pc.binary_join_element_wise(ids, ".txt", "")
        titled = pc.if_else(
            pc.not_equal(titles, ""), pc.binary_join_element_wise(named, ": ", titles, ""), named
        )
        return SourceColumns(titled, self.columns["url"].combine_chunks())


class _NewSegment:
    """The segment this run writes: in the cache folder, else (no cache, or a cache that cannot
    be written) in a scratch folder removed at the end. Its files are removed too unless `keep`
    is called (once the tables are written)."""

    def __init__(self, out_dir: Path, cache: ExtractionCache | None, schemas: dict[str, arrow.Schema]):
        self.scratch: tempfile.TemporaryDirectory | None = None
        self.writer: SegmentWriter | None = cache.new_segment(schemas) if cache else None
        self.in_cache = self.writer is not None
        if self.writer is None:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            self.scratch = tempfile.TemporaryDirectory(prefix=".etl-scratch-", dir=out_dir)
            self.writer = SegmentWriter(Path(self.scratch.name), schemas)
        self.segment: Segment | None = None
        self.kept = False

    def __enter__(self) -> _NewSegment:
        return self

    def close(self) -> Segment:
        self.segment = self.writer.close()
        return self.segment

    def keep(self) -> None:
        self.kept = True

    def __exit__(self, *exc: object) -> None:
        if self.segment is None:
            self.writer.discard()
        elif not self.kept:
            _drop_files(self.segment)
        if self.scratch is not None:
            self.scratch.cleanup()


def _drop_files(segment: Segment) -> None:
    for entry in segment.entries.values():
        (segment.folder / entry["file"]).unlink(missing_ok=True)


def _numbered(cached: Cached | None, new: Segment, index: _Index) -> tuple[list[Segment], np.ndarray]:
    """The segments this run's articles are in (old ones still used, then the new one), and each
    article's segment numbered in that list (in place in the index)."""
    where = index.columns["segment"]
    old = cached.segments if cached else []
    used = np.unique(where[where >= 0])
    renumber = np.full(len(old) + 1, -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    where[where >= 0] = renumber[where[where >= 0]]
    where[where == -2] = len(used)
    return [old[s] for s in used] + [new], where


# --- saving the cache ----------------------------------------------------------------------------
def _save_cache(cache: ExtractionCache, cached: Cached | None, index: arrow.Table, places: _Places) -> None:
    """List this run's articles and segments (merged into one when there are too many, or when
    most of their rows are no longer used); nothing is written when nothing changed. A cache that
    cannot be saved only costs speed."""
    segments = places.segments
    if not (places.where == len(segments) - 1).any():  # the new segment holds no article
        _drop_files(segments[-1])
        segments = segments[:-1]
        if cached is not None and index.equals(cached.index) and len(segments) == len(cached.segments):
            return
    try:
        if len(segments) > MAX_SEGMENTS or _mostly_unused(segments, places):
            index, segments = _compacted(index, places, cache.folder)
    except OSError as e:
        cache.failed(e)
        return
    cache.commit(index, segments)


def _mostly_unused(segments: list[Segment], places: _Places) -> bool:
    used = sum(int(places.columns[f"{t}_rows"].sum()) for t in EXTRACTED)
    held = sum(s.rows[t] for s in segments for t in EXTRACTED)
    return held > 2 * used + _BATCH_ROWS


def _compacted(index: arrow.Table, places: _Places, folder: Path) -> tuple[arrow.Table, list[Segment]]:
    """Every article's rows and lines copied, in order, into one new segment."""
    writer = SegmentWriter(folder, _row_schemas())
    moved = {f"{t}_{k}": places.columns[f"{t}_{k}"].copy() for t in EXTRACTED for k in ("row", "at")}
    try:
        for chosen in _article_batches(places):
            for table in EXTRACTED:
                lines = b"".join(
                    chunk for piece in places.lines(table, chosen) for chunk in _copy(table, *piece)
                )
                first_row, first_byte = writer.add(table, places.rows(table, chosen), memoryview(lines))
                count, size = (
                    places.columns[f"{table}_rows"][chosen],
                    places.columns[f"{table}_bytes"][chosen],
                )
                moved[f"{table}_row"][chosen] = first_row + np.cumsum(count) - count
                moved[f"{table}_at"][chosen] = first_byte + np.cumsum(size) - size
        segment = writer.close()
    except BaseException:
        writer.discard()
        raise
    moved["segment"] = np.zeros(index.num_rows, dtype=np.int64)
    for name, values in moved.items():
        index = index.set_column(index.schema.get_field_index(name), INDEX.field(name), arrow.array(values))
    return index, [segment]


def _article_batches(places: _Places) -> Iterator[np.ndarray]:
    """The articles in order, in runs of about _BATCH_ROWS rows."""
    rows = sum(places.columns[f"{t}_rows"] for t in EXTRACTED)
    ends = np.flatnonzero(np.diff(np.cumsum(rows) // _BATCH_ROWS, prepend=0)) + 1
    bounds = [0, *ends.tolist(), len(rows)]
    for a, b in itertools.pairwise(bounds):
        if b > a:
            yield np.arange(a, b)


# --- the tables ----------------------------------------------------------------------------------
def _stage_tables(writer: TableWriter, corpus: _Corpus, places: _Places, people: list,
                  decisions: pd.DataFrame, report: Callable[[pd.DataFrame], None]) -> None:  # fmt: skip
    """Build and stage every table, each let go once staged."""
    # A person's decisions after extraction, before anything is derived: rejected claims stay in
    # the claims table (marked) but feed no derived table; amended values are the ones used. Only
    # the articles they name are read whole: the decisions touch nothing else.
    decided = _decided(places, decisions)
    claims, outcomes = apply(
        _frame(places.rows("claims", decided)), corpus.texts, decisions, corpus.published
    )
    report(outcomes)
    categories = review_categories(_frame(places.rows("export_categories", decided)), claims)
    if _needs_pandas(places, decided, claims, categories):
        light = _stage_whole(writer, places, decided, claims, categories)
    else:
        light = _stage_copied(writer, places, decided, claims, categories)
    del claims, categories
    writer.stage("reviewed_claims", decisions)
    _check_unique(light["claim_id"])
    figures, claim_counts, speakers = _from_light(light)
    del light  # a memory-mapped segment is let go here: nothing refers to it any more
    _give_back()
    articles = corpus.articles(claim_counts)
    writer.stage("articles", articles)
    writer.stage("people", people_table(people, speakers))
    # The derived tables read an article's date only (rank_bases): the rest of the table can go.
    dates = articles[["article_id", "published"]].copy()
    del articles, claim_counts
    _give_back()
    writer.stage("target_gaps", target_gaps(figures, dates))
    # trade_balance reads volumes and one-way flows only: the targets go before it starts.
    figures = figures[figures["metric"] != "trade_target"]
    _give_back()
    writer.stage("trade_balance", trade_balance(figures, dates))
    _give_back()


def _from_light(light: arrow.Table) -> tuple[pd.DataFrame, arrow.StructArray, pd.DataFrame]:
    """What the other tables read of the claims, each a copy (so `light` can go): the figures of
    the derived tables (the rows transform.derived_input(in_use(claims)) gives, in the columns
    they read), the number of claims of each article id (pyarrow.compute.value_counts) and the
    speakers (people_table looks at each name once)."""
    used = pc.and_(light["_in_use"], pc.is_in(light["metric"], value_set=arrow.array(DERIVED_METRICS)))
    figures = _frame(light.select(_FIGURES).filter(used))
    articles = pc.value_counts(light["article_id"])
    speakers = pd.DataFrame({"speaker": pc.unique(light["speaker"]).to_pylist()}, dtype=object)
    return figures, articles, speakers


def _decided(places: _Places, decisions: pd.DataFrame) -> np.ndarray:
    """The articles decisions name, by id or by one of their claims (positions, in order)."""
    if decisions.empty:
        return np.zeros(0, dtype=np.int64)
    owners = places.rows("claims", np.arange(len(places.ids)), ["article_id", "claim_id"])
    decided_ids = arrow.array(decisions["claim_id"].astype(str).tolist(), arrow.string())
    holding = pc.filter(owners["article_id"], pc.is_in(owners["claim_id"], value_set=decided_ids))
    wanted = set(decisions["article_id"].astype(str)) | set(holding.to_pylist())
    chosen = pc.is_in(places.ids, value_set=arrow.array(sorted(wanted), arrow.string()))
    return np.flatnonzero(chosen.to_numpy(zero_copy_only=False))


def _needs_pandas(
    places: _Places, decided: np.ndarray, claims: pd.DataFrame, categories: pd.DataFrame
) -> bool:
    """Whether the claims or categories must be written by pandas whole: a carriage return in a
    cell quotes every text cell of its table, which lines rendered an article at a time cannot."""
    others = np.ones(len(places.ids), dtype=bool)
    others[decided] = False
    cached = any(places.columns[f"{t}_cr"][others].any() for t in EXTRACTED)
    reviewed = (frame for frame in (claims, categories))
    return cached or any(None in csv_kinds(f) or rows_with_cr(f).any() for f in reviewed)


def _stage_copied(writer: TableWriter, places: _Places, decided: np.ndarray, claims: pd.DataFrame,
                  categories: pd.DataFrame) -> arrow.Table:  # fmt: skip
    """Claims and categories: every article's cached lines, those of the articles decided on
    rendered again; returns the light columns of every claim, in order."""
    counts = places.columns["claims_rows"].copy()
    counts[decided] = claims["article_id"].value_counts().reindex(places.ids.take(decided).to_pylist(),
                                                                  fill_value=0).to_numpy()  # fmt: skip
    claims.index = expand_ranges(_first_rows(counts)[decided], counts[decided])
    claims = validate("claims", claims[columns("claims")])
    writer.stage_rendered(
        "claims", _table_bytes(places, "claims", decided, csv_lines(claims), counts[decided])
    )
    # Categories a person added come after every other row (review_categories appends them).
    cat_counts = places.columns["export_categories_rows"]
    in_place = int(cat_counts[decided].sum())
    categories.index = np.concatenate([
        expand_ranges(_first_rows(cat_counts)[decided], cat_counts[decided]),
        int(cat_counts.sum()) + np.arange(len(categories) - in_place),
    ])  # fmt: skip
    categories = validate("export_categories", categories[columns("export_categories")])
    lines = csv_lines(categories)
    writer.stage_rendered("export_categories", _table_bytes(
        places, "export_categories", decided, lines.slice(0, in_place), cat_counts[decided],
        tail=lines.slice(in_place),
    ))  # fmt: skip
    return _light(places, decided, claims, counts)


def _first_rows(counts: np.ndarray) -> np.ndarray:
    """The row number of each article's first row in its table (counts: rows per article)."""
    return np.cumsum(counts) - counts


def _table_bytes(places: _Places, table: str, decided: np.ndarray, rendered: arrow.Array,
                 rendered_counts: np.ndarray, tail: arrow.Array | None = None) -> Iterator[bytes]:  # fmt: skip
    """The header, then every article's lines in order: copied from its segment, or (the articles
    decided on) taken from `rendered`; then `tail`."""
    yield csv_header(columns(table))
    sizes = _per_article(line_sizes(rendered), rendered_counts)
    starts = np.cumsum(sizes) - sizes
    data = lines_bytes(rendered)
    bounds = [-1, *decided.tolist(), len(places.ids)]
    for k in range(len(bounds) - 1):
        for piece in places.lines(table, np.arange(bounds[k] + 1, bounds[k + 1])):
            yield from _copy(table, *piece)
        if k < len(decided):
            yield bytes(data[starts[k] : starts[k] + sizes[k]])
    if tail is not None and len(tail):
        yield bytes(lines_bytes(tail))


def _light(places: _Places, decided: np.ndarray, claims: pd.DataFrame, counts: np.ndarray) -> arrow.Table:
    """The light columns of every claim in article order (the decided articles' as reviewed), and
    `_in_use`: False for a claim a person rejected."""
    others = np.setdiff1d(np.arange(len(places.ids)), decided)
    light = places.rows("claims", others, _LIGHT)
    light = light.append_column("_in_use", arrow.array(np.ones(light.num_rows, dtype=bool)))
    if not len(decided):
        return light
    reviewed = arrow.Table.from_pandas(claims[_LIGHT], schema=_light_schema(), preserve_index=False)
    reviewed = reviewed.append_column("_in_use", arrow.array((claims["review"] != REJECTED).to_numpy(bool)))
    owners = np.concatenate([np.repeat(others, counts[others]), np.repeat(decided, counts[decided])])
    both = arrow.concat_tables([light, reviewed])
    return both.take(np.argsort(owners, kind="stable"))


def _stage_whole(writer: TableWriter, places: _Places, decided: np.ndarray, claims: pd.DataFrame,
                 categories: pd.DataFrame) -> arrow.Table:  # fmt: skip
    """Claims and categories built whole in pandas and written as to_csv_bytes writes them (a
    table with a carriage return in a cell: rare, and the only case that holds every row)."""
    everyone = np.arange(len(places.ids))
    others = np.setdiff1d(everyone, decided)
    unreviewed = with_review_columns(_frame(places.rows("claims", others)))
    counts = places.columns["claims_rows"].copy()
    counts[decided] = claims["article_id"].value_counts().reindex(places.ids.take(decided).to_pylist(),
                                                                  fill_value=0).to_numpy()  # fmt: skip
    whole = _in_order([unreviewed, claims], [others, decided], counts)
    unreviewed_categories = review_categories(_frame(places.rows("export_categories", others)), unreviewed)
    del unreviewed
    cat_counts = places.columns["export_categories_rows"]
    in_place = int(cat_counts[decided].sum())
    whole_categories = pd.concat([
        _in_order([unreviewed_categories, categories.iloc[:in_place]], [others, decided], cat_counts),
        categories.iloc[in_place:],
    ], ignore_index=True)  # fmt: skip
    writer.stage("claims", whole)
    writer.stage("export_categories", whole_categories)
    del whole_categories
    light = arrow.Table.from_pandas(whole[_LIGHT], schema=_light_schema(), preserve_index=False)
    return light.append_column("_in_use", arrow.array((whole["review"] != REJECTED).to_numpy(bool)))


def _in_order(frames: list[pd.DataFrame], owners: list[np.ndarray], counts: np.ndarray) -> pd.DataFrame:
    """Frames of the rows of some articles each (`owners`: their positions, in order), as one
    frame in article order."""
    rows_of = np.concatenate([np.repeat(o, counts[o]) for o in owners])
    both = pd.concat(frames, ignore_index=True)
    return both.iloc[np.argsort(rows_of, kind="stable")].reset_index(drop=True)


def _check_unique(claim_ids: arrow.ChunkedArray) -> None:
    """claims.claim_id is unique across the table (validation sees a batch of rows at a time)."""
    if pc.count_distinct(claim_ids).as_py() == len(claim_ids):
        return
    counts = pc.value_counts(claim_ids)
    twice = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))[0].as_py()
    raise TableError("claims table", f"does not match its schema: column 'claim_id' has {twice!r} twice")


def _decisions(reviews: Path | None, articles_dir: Path) -> pd.DataFrame:
    """The decisions to apply: the given file (which must exist), else the project's own file when
    the articles are the project's own (another folder's articles were never reviewed here)."""
    if reviews is not None:
        return read_reviews(reviews)
    if Path(articles_dir).resolve() == RAW.resolve() and REVIEWS_CSV.is_file():
        return read_reviews(REVIEWS_CSV)
    return empty_reviews()


def _texts_of(listing: CorpusListing, decisions: pd.DataFrame) -> dict[str, str]:
    """The text of each article a decision names (read again: the extraction keeps no text). An
    article that cannot be read now is left out, so its decisions are reported as stale."""
    wanted = set(decisions["article_id"])
    texts = {}
    for file in listing.files:
        if file.article_id in wanted:
            try:
                texts[file.article_id] = read_article(listing.folder, file)[0]
            except (OSError, ValueError):
                continue
    return texts


def _give_back() -> None:
    """Return the memory of the tables let go to the system: Arrow's allocator and the C library's
    keep it otherwise (the next table, built by pandas and numpy, would not reuse all of it)."""
    arrow.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc() -> ctypes.CDLL | None:
    """The GNU C library, whose malloc_trim hands freed heap pages back; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


_LIBC = _libc()
