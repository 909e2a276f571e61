"""Every article of a corpus listing read, hashed and extracted, in one or N processes.

Each worker reads its own files (`etl.corpus.read_article`), drops the text once extracted and
sends back only the rows of its claims and categories, so no process ever holds the corpus. The
results come back in article order whatever the number of processes, so the tables are the same
byte for byte. An article whose bytes hash to the checksum the cache knows is not extracted again.
This module imports no pandas: the workers stay small.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import multiprocessing
import multiprocessing.forkserver
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from etl.corpus import ArticleFile, open_folder, read_article
from etl.dates import article_date
from etl.people import PeopleIndex, Person

if TYPE_CHECKING:
    from etl.extract import Extraction

# Processes pay off once the work outgrows their start (about half a second): an extraction
# costs about a millisecond, checking an unchanged article against the cache a fiftieth of that.
_SECONDS_PER_EXTRACTION = 1e-3
_SECONDS_PER_CHECK = 2e-5
_WORTH_PROCESSES_SECONDS = 1.0


class ArticleResult(NamedTuple):
    article_id: str
    checksum: str  # "" when the file could not be read
    problem: str  # "" when it was read
    claims: list[tuple] | None  # None: not extracted (unchanged since the cache, or a check only)
    categories: list[tuple] | None
    dated: tuple[str, str] = ("", "none")  # the article's date (ISO or "") and where it came from
    skipped: tuple[str, ...] = ()  # stretches the work guards did not read, and why


@dataclass(frozen=True)
class Job:
    """What every worker needs, sent once: where the files are and how to turn one into rows."""

    folder: Path
    folder_id: tuple[int, int]
    people: tuple[Person, ...]
    claim_columns: tuple[str, ...]
    category_columns: tuple[str, ...]
    check_only: bool = False  # read and check every file, extract none (the run is refused anyway)


def extract(article_id: str, text: str, people: PeopleIndex, published: str) -> Extraction:
    """etl.extract.extract, imported on first use: a worker has the rules from the fork server (see
    _context), and the command's own process, which extracts only with --jobs 1, never compiles
    them (a fifth of a second of every run)."""
    from etl.extract import extract as rules

    return rules(article_id, text, people, published)


class _Worker:
    def __init__(self, job: Job):
        self.job = job
        self.people = PeopleIndex.build(list(job.people))
        self.claim_row = attrgetter(*job.claim_columns)
        self.category_row = attrgetter(*job.category_columns)
        self.folder_error = ""
        try:
            self.dir_fd = open_folder(job.folder, job.folder_id)
        except ValueError as e:
            self.dir_fd, self.folder_error = None, str(e)

    def __call__(self, task: tuple[ArticleFile, str]) -> ArticleResult:
        file, known_checksum = task
        if self.folder_error:
            return ArticleResult(file.article_id, "", self.folder_error, None, None)
        try:
            text, checksum = read_article(self.job.folder, file, self.dir_fd)
        except ValueError as e:
            return ArticleResult(file.article_id, "", str(e), None, None)
        if self.job.check_only:  # the run is refused: its problems are all that is wanted
            return ArticleResult(file.article_id, checksum, "", None, None)
        if checksum == known_checksum:
            # The date is read from the text's top every time (cheap): a cached article keeps it too.
            date = article_date(text, file.published)
            dated = (date.published.isoformat() if date.published else "", date.source)
            return ArticleResult(file.article_id, checksum, "", None, None, dated)
        found = extract(file.article_id, text, self.people, file.published)
        dated = found.dated[:2]  # the same reading of the date: extract reads it with article_date
        claims = [self.claim_row(c) for c in found.claims]
        categories = [self.category_row(r) for r in found.categories]
        skipped = tuple(f"characters {x.start:,}-{x.end:,} {x.reason}" for x in found.skipped)
        return ArticleResult(file.article_id, checksum, "", claims, categories, dated, skipped)

    def close(self) -> None:
        if self.dir_fd is not None:
            os.close(self.dir_fd)
            self.dir_fd = None


_worker: _Worker | None = None


def _start_worker(job: Job) -> None:
    global _worker
    _worker = _Worker(job)


def _work(task: tuple[ArticleFile, str]) -> ArticleResult:
    assert _worker is not None, "the pool starts every worker with _start_worker"
    return _worker(task)


def cores() -> int:
    """The CPUs this process may use."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worth_processes(to_extract: int, to_check: int) -> bool:
    work = to_extract * _SECONDS_PER_EXTRACTION + to_check * _SECONDS_PER_CHECK
    return work >= _WORTH_PROCESSES_SECONDS


def _context() -> multiprocessing.context.BaseContext:
    """Workers started from a small server process that has imported only this module and the
    rules (not pandas), so each costs little memory and starts with the rules compiled; plain
    spawn where there is no fork server."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["etl.parallel", "etl.extract"])
        return ctx
    return multiprocessing.get_context("spawn")


# Whether this process started the fork server ahead of its first pool (start_early), so that the
# server is stopped once the workers are done, as one the pool started would be.
_started_early = False


def start_early(articles_dir: Path, jobs: int | None, cached: bool) -> None:
    """Start the workers' fork server now, so that it imports the rules while the caller imports
    pandas and lists the corpus, not after (on two cores the first article is extracted about half
    a second sooner). Only when the run is bound to start workers: more than one process allowed,
    no cache (`cached`) that may spare the work, and enough articles (counted only up to that
    many); a guess that proves wrong costs only a server stopped unused."""
    global _started_early
    processes = jobs if jobs is not None else cores()
    if processes < 2 or cached or not _main_reimportable():
        return
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    if "forkserver" not in multiprocessing.get_all_start_methods() or server is None:
        return  # spawn: nothing to start ahead
    if getattr(server, "_forkserver_pid", 0) is not None:
        return  # running already (someone else's): the pool will use it, and leave it running
    # As worth_processes would judge the articles when none is cached (with --jobs: any two).
    enough = 2 if jobs is not None else math.ceil(_WORTH_PROCESSES_SECONDS / _SECONDS_PER_EXTRACTION)
    if _count_articles(articles_dir, enough) < enough:
        return
    _context()
    multiprocessing.forkserver.ensure_running()
    _started_early = True


def _count_articles(folder: Path, at_most: int) -> int:
    """The number of `.txt` names in the folder, up to at_most (0 for a folder that cannot be read:
    the listing names the problem)."""
    try:
        with os.scandir(folder) as entries:
            return sum(1 for _ in itertools.islice((e for e in entries if e.name.endswith(".txt")), at_most))
    except OSError:
        return 0


def _main_reimportable() -> bool:
    """Whether workers can start: multiprocessing re-imports the parent's __main__ in each of
    them (`python -m etl` and `python -m pytest` it skips). From a REPL or stdin there is nothing
    to import and the workers would fail and be restarted forever."""
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None):
        return True
    path = getattr(main, "__file__", None)
    return path is not None and os.path.isfile(path)


def extract_corpus(tasks: list[tuple[ArticleFile, str]], job: Job, jobs: int) -> Iterator[ArticleResult]:
    """One result per task, in order. A task is an article file and the checksum of the text its
    cached rows came from ("" for none): an article whose text still hashes to it is not extracted."""
    if jobs <= 1 or len(tasks) < 2 or not _main_reimportable():
        if _started_early:  # started for workers that proved not worth it
            _stop_fork_server(getattr(multiprocessing.forkserver, "_forkserver", None))
        worker = _Worker(job)
        try:
            yield from map(worker, tasks)
        finally:
            worker.close()
        return
    chunk = max(1, min(64, len(tasks) // (8 * jobs)))
    # concurrent.futures rather than multiprocessing.Pool: the Pool's worker-handler thread wakes
    # on every result message until another thread reads it, and spins (75 turns a message, 0.16
    # CPU-s of the command's own process at 10,000 articles); the executor's one thread waits.
    with _fork_server_stopped_if_ours():
        workers = ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_start_worker, initargs=(job,))
        try:
            yield from workers.map(_work, tasks, chunksize=chunk)
        finally:
            # Only the chunks under way are waited for: a run stopped early (a table that does not
            # match its schema) does not extract the rest of the corpus first.
            workers.shutdown(cancel_futures=True)


@contextlib.contextmanager
def _fork_server_stopped_if_ours() -> Iterator[None]:
    """Stop the fork server once the workers are done, if this run started it (here or in
    start_early): it would stay, idle, until the program ends (30 MB of a run's peak while the
    tables are built). A server already running is left alone."""
    server = getattr(multiprocessing.forkserver, "_forkserver", None)
    ours = _started_early or (server is not None and getattr(server, "_forkserver_pid", 0) is None)
    try:
        yield
    finally:
        if ours:
            _stop_fork_server(server)


def _stop_fork_server(server: object) -> None:
    """ForkServer._stop is the method CPython's own tests use; where a Python lacks it, the server
    simply stays."""
    global _started_early
    _started_early = False
    stop = getattr(server, "_stop", None)
    if stop is not None:
        with contextlib.suppress(OSError):
            stop()
