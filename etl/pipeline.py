"""The ETL step: articles folder -> claims and tidy tables -> data/processed (all or nothing).

The corpus is streamed: each article is read, hashed and extracted (in N processes, see
etl.parallel) and only the rows of its claims and categories are kept, in Arrow batches. Rows of
articles unchanged since the last run come from the extraction cache (etl.cache).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as arrow
import pyarrow.compute as pc

from etl.cache import CACHE_DIR, Cached, ExtractionCache, fingerprint
from etl.contract import CLAIM_COLUMNS
from etl.corpus import Article, CorpusError, CorpusListing, list_corpus, read_article
from etl.parallel import ArticleResult, Job, cores, extract_corpus, worth_processes
from etl.people import PEOPLE_CSV, read_people
from etl.review import REVIEWS_CSV, apply, empty_reviews, in_use, read_reviews, review_categories
from etl.tables import TableWriter, columns, fields
from etl.transform import articles_table, derived_input, people_table, target_gaps, trade_balance

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"
# The tables made of the rows each article gives, and the column naming a row's article.
EXTRACTED = {"claims": "article_id", "export_categories": "source"}
_ARROW_TYPES = {"string": arrow.string(), "date": arrow.string(), "number": arrow.float64(),
                "integer": arrow.int64(), "boolean": arrow.bool_()}  # fmt: skip
_BATCH_ROWS = 20_000


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


@dataclass
class _Rows:
    """Rows of one table as they arrive, turned into Arrow batches every _BATCH_ROWS rows."""

    schema: arrow.Schema
    batches: list[arrow.RecordBatch] = field(default_factory=list)
    pending: list[tuple] = field(default_factory=list)

    def add(self, rows: Iterable[tuple]) -> None:
        self.pending.extend(rows)
        if len(self.pending) >= _BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            values = zip(*self.pending, strict=True)
            arrays = [arrow.array(v, type=f.type) for v, f in zip(values, self.schema, strict=True)]
            self.batches.append(arrow.RecordBatch.from_arrays(arrays, schema=self.schema))
            self.pending = []

    def table(self) -> arrow.Table:
        self._flush()
        return arrow.Table.from_batches(self.batches, schema=self.schema)


@dataclass
class _Collected:
    checksums: list[str] = field(default_factory=list)  # one per listed article, "" if unread
    dates: list[tuple[str, str]] = field(default_factory=list)  # (published, date_source) per article
    skipped: list[str] = field(default_factory=list)  # lines naming what the work guards did not read
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, line)
    reused: list[str] = field(default_factory=list)  # ids whose rows come from the cache
    rows: dict[str, _Rows] = field(default_factory=dict)


def _collect(results: Iterable[ArticleResult], listing: CorpusListing, progress: bool) -> _Collected:
    """The results, in listing order: checksums, problems, and the rows of new extractions."""
    got = _Collected(rows={name: _Rows(arrow_schema(name)) for name in EXTRACTED})
    bar = _progress_bar(len(listing.files), progress)
    for file, r in zip(listing.files, results, strict=True):
        bar.update()
        got.checksums.append(r.checksum)
        got.dates.append(r.dated)
        got.skipped += [f"{file.name}: {why}" for why in r.skipped]
        if r.problem:
            got.problems.append((file.name, r.problem))
        elif r.claims is None:
            got.reused.append(file.article_id)
        else:
            got.rows["claims"].add(r.claims)
            got.rows["export_categories"].add(r.categories or [])
    bar.close()
    return got


def _progress_bar(total: int, show: bool):  # a tqdm bar, imported only where it is shown
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=" articles", file=sys.stderr, mininterval=0.5, smoothing=0.05)


class _NoBar:
    def update(self) -> None:
        pass

    def close(self) -> None:
        pass


def _combined(
    new: arrow.Table, cached: arrow.Table | None, reused: list[str], order: list[str], key: str
) -> arrow.Table:
    """The rows of every article, in article order: reused ones from the cache, the rest new.
    `key` is the column naming each row's article."""
    if cached is None or not reused:
        return new  # extracted in article order
    keep = pc.is_in(cached[key], value_set=arrow.array(reused, arrow.string()))
    table = arrow.concat_tables([cached.filter(keep), new])
    del cached, new
    rank = pc.index_in(table[key], value_set=arrow.array(order, arrow.string())).to_numpy()
    if (np.diff(rank) >= 0).all():
        return table  # only articles added after the others, or removed
    # Each article's rows come whole from one part, in the order extraction gave them. Column by
    # column, so that the unordered copy of one column is let go before the next is taken.
    at = np.argsort(rank, kind="stable")
    taken = {}
    for name in table.column_names:
        taken[name] = table.column(name).take(at)
        table = table.drop_columns([name])
    return arrow.table(taken)


def _pandas_type(t: arrow.DataType) -> object:
    return pd.StringDtype("pyarrow", na_value=np.nan) if t in (arrow.string(), arrow.large_string()) else None


def _frame(table: arrow.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_pandas_type)


def _processes(jobs: int | None, to_extract: int, to_check: int) -> int:
    if jobs is not None:
        return max(1, jobs)
    return cores() if worth_processes(to_extract, to_check) else 1


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
    listing = list_corpus(articles_dir, metadata)
    people = read_people(people_csv)
    decisions = _decisions(reviews, articles_dir)
    cache = ExtractionCache(Path(out_dir) / CACHE_DIR, fingerprint(people_csv), note) if use_cache else None
    cached = (
        cache.load({name: (arrow_schema(name), key) for name, key in EXTRACTED.items()}) if cache else None
    )
    order = [f.article_id for f in listing.files]
    known = cached.known(order, [f.published for f in listing.files]) if cached else [""] * len(order)
    refused = bool(listing.file_problems or listing.folder_problems or listing.metadata_problems)
    job = Job(listing.folder, listing.folder_id, tuple(people), tuple(CLAIM_COLUMNS),
              tuple(columns("export_categories")), check_only=refused)  # fmt: skip
    n_known = sum(map(bool, known))
    processes = _processes(jobs, len(listing.files) - n_known, n_known)

    # --- process ---
    got = _collect(extract_corpus(listing, job, known, processes), listing, progress)
    if refused or got.problems:
        raise CorpusError(listing.problems(got.problems))
    del known
    for line in got.skipped:  # "too dense", "too long": said, never silently dropped
        note(f"not read: {line}")
    extracted = {}
    for name, key in EXTRACTED.items():  # each source let go once combined: the rows are most of the memory
        previous = cached.tables.pop(name) if cached else None
        extracted[name] = _combined(got.rows.pop(name).table(), previous, got.reused, order, key)
    changed = cache is not None and _changed(cached, got, listing)
    if changed:
        cache.stage(extracted)

    # --- save ---
    with TableWriter(out_dir) as writer:
        _stage_tables(writer, listing, got.checksums, got.dates, people, extracted, decisions, report)
        written = writer.commit(_sources(listing))
    if changed:
        cache.commit(order, got.checksums, [f.published for f in listing.files])
    return written


def _stage_tables(writer: TableWriter, listing: CorpusListing, checksums: list[str],
                  dates: list[tuple[str, str]], people: list, extracted: dict[str, arrow.Table],
                  decisions: pd.DataFrame, report: Callable[[pd.DataFrame], None]) -> None:  # fmt: skip
    """Build and stage every table, the largest first, each let go once staged."""
    # A person's decisions after extraction, before anything is derived: rejected claims stay in
    # the claims table (marked) but feed no derived table; amended values are the ones used.
    named = set(decisions["article_id"])
    claims, outcomes = apply(
        _frame(extracted.pop("claims")), _texts_of(listing, decisions), decisions,
        {f.article_id: f.published for f in listing.files if f.article_id in named},
    )  # fmt: skip
    report(outcomes)
    writer.stage("claims", claims)
    writer.stage("reviewed_claims", decisions)
    per_article, figures = claims[["article_id", "speaker"]], derived_input(in_use(claims))
    categories = review_categories(_frame(extracted.pop("export_categories")), claims)
    del claims
    writer.stage("export_categories", categories)
    del categories
    _give_back()
    articles = articles_table(
        [Article(f.article_id, "", checksum, f.title, f.publisher, published, f.url, source)
         for f, checksum, (published, source) in zip(listing.files, checksums, dates, strict=True)],
        per_article)  # fmt: skip
    writer.stage("articles", articles)
    writer.stage("people", people_table(people, per_article))
    del per_article
    writer.stage("target_gaps", target_gaps(figures, articles))
    _give_back()
    writer.stage("trade_balance", trade_balance(figures, articles))


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
    """Return the memory of the tables let go to the system: Arrow's allocator keeps it otherwise,
    and the next tables are built by pandas and numpy, which allocate elsewhere."""
    arrow.default_memory_pool().release_unused()


def _sources(listing: CorpusListing) -> list[dict[str, str]]:
    """datapackage.json's list of the articles."""
    return [
        {
            "title": f"{f.article_id}.txt" + (f": {f.title}" if f.title else ""),
            **({"path": f.url} if f.url else {}),
        }
        for f in listing.files
    ]


def _changed(cached: Cached | None, got: _Collected, listing: CorpusListing) -> bool:
    return (
        cached is None or len(got.reused) != len(listing.files) or cached.index.num_rows != len(listing.files)
    )
