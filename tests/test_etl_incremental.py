"""Processes, the extraction cache and progress: none of them changes a byte of the tables.

`--jobs N` gives what `--jobs 1` gives; a run served from the cache gives what a run without it
gives; the cache is extracted again where an article, its date, a rule or the people file
changed; a damaged cache is said to be damaged, rebuilt and never trusted.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import multiprocessing.forkserver
import os
import pty
import re
import shutil
import struct
import subprocess
import termios
import threading
from pathlib import Path

import pandas as pd
import pyarrow as arrow
import pytest
from etl_fixtures import PYTHON, ROOT, article_id, copy_corpus, snapshot

import etl.cache
import etl.corpus
import etl.parallel
import etl.pipeline
from etl.cache import CACHE_DIR, MANIFEST, fingerprint
from etl.people import PEOPLE_CSV
from etl.pipeline import run
from etl.review import (
    apply,
    as_extracted,
    decision_row,
    empty_reviews,
    review_categories,
    sentence_span,
    with_decision,
    write_reviews,
)  # fmt: skip
from etl.tables import TABLE_NAMES, TableError, columns, read_table, to_csv_bytes, validate

TEST_ARTICLES = sorted((ROOT / "tests" / "corpus").glob("articles*/*.txt"))


def _corpus(folder: Path, n_test_articles: int = 20) -> Path:
    """The five seed articles and some of the test corpus's articles, with metadata."""
    copy_corpus(folder, metadata=True)
    for path in TEST_ARTICLES[:n_test_articles]:
        shutil.copyfile(path, folder / f"{path.parent.name}-{path.name}")
    return folder


@pytest.fixture
def corpus(tmp_path):
    return _corpus(tmp_path / "articles")


@pytest.fixture
def extractions(monkeypatch):
    """Counts the articles extracted in this process (runs with jobs=1)."""
    seen: list[str] = []
    real = etl.parallel.extract

    def counting(article_id, text, people=None, published=""):
        seen.append(article_id)
        return real(article_id, text, people, published)

    monkeypatch.setattr(etl.parallel, "extract", counting)
    return seen


def _fresh(corpus: Path, tmp_path: Path, **kwargs) -> dict[str, bytes]:
    """The tables of a run without any cache."""
    out = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    run(corpus, out, jobs=1, use_cache=False, **kwargs)
    return snapshot(out)


# --- processes ----------------------------------------------------------------------------------
@pytest.fixture
def workers(monkeypatch, extractions):
    """Runs whose jobs > 1 really use worker processes, also under pytest-xdist (whose workers'
    __main__ cannot be imported again, so etl.parallel would quietly extract in this process:
    the functions the workers run live in etl.parallel, which the fork server imports itself).
    Yields the articles extracted in this process, which such a run leaves empty."""
    monkeypatch.setattr(etl.parallel, "_main_reimportable", lambda: True)
    return extractions


def test_processes_give_the_tables_one_process_gives(tmp_path, workers):
    corpus = _corpus(tmp_path / "articles", n_test_articles=len(TEST_ARTICLES))
    one = _fresh(corpus, tmp_path)
    for jobs in (2, 3):
        out = tmp_path / f"jobs{jobs}"
        workers.clear()
        run(corpus, out, jobs=jobs, use_cache=False)
        assert not workers, f"--jobs {jobs} extracted in this process, not in workers"
        assert snapshot(out) == one, f"--jobs {jobs} differs from --jobs 1"
    assert len(one["claims.csv"].splitlines()) > 50, "the corpus must give many claims"


def test_processes_leave_no_fork_server_behind_that_the_run_started(tmp_path, workers):
    """The fork server the workers come from stops with them (it would hold 30 MB, idle, while
    the tables are built); one that was running before the run is left running."""
    corpus = _corpus(tmp_path / "articles")
    server = multiprocessing.forkserver._forkserver
    before = server._forkserver_pid
    run(corpus, tmp_path / "out", jobs=2, use_cache=False)
    assert not workers, "the run extracted in this process: no fork server was started"
    assert server._forkserver_pid == before
    if before is None:  # and one started by someone else stays
        multiprocessing.forkserver.ensure_running()
        try:
            running = server._forkserver_pid
            run(corpus, tmp_path / "again", jobs=2, use_cache=False)
            assert server._forkserver_pid == running is not None
        finally:
            server._stop()


@pytest.fixture
def early(monkeypatch) -> list[str]:
    """etl.parallel.start_early as in the command's own process (whose __main__ workers can
    import), the fork servers it starts counted instead of started."""
    started: list[str] = []
    monkeypatch.setattr(etl.parallel, "_main_reimportable", lambda: True)
    monkeypatch.setattr(multiprocessing.forkserver, "ensure_running", lambda: started.append("server"))
    monkeypatch.setattr(etl.parallel, "_started_early", False)
    return started


def test_the_fork_server_starts_early_only_for_a_run_bound_to_use_workers(tmp_path, early):
    corpus = _corpus(tmp_path / "articles")  # a few articles: worth processes only when asked for
    etl.parallel.start_early(corpus, 1, cached=False)
    etl.parallel.start_early(corpus, 2, cached=True)  # the cache may leave nothing to extract
    etl.parallel.start_early(corpus, None, cached=False)
    etl.parallel.start_early(tmp_path / "missing", 2, cached=False)
    assert early == []
    etl.parallel.start_early(corpus, 2, cached=False)
    assert early == ["server"] and etl.parallel._started_early


def test_a_fork_server_started_early_stops_when_the_run_needs_no_workers(tmp_path, monkeypatch):
    """Started early, the server is the run's own: stopped once extraction is done, whether or not
    workers came from it."""
    corpus = _corpus(tmp_path / "articles")
    server = multiprocessing.forkserver._forkserver
    if server._forkserver_pid is not None:
        pytest.skip("a fork server is running already (start_early leaves it alone)")
    monkeypatch.setattr(etl.parallel, "_main_reimportable", lambda: True)
    try:
        etl.parallel.start_early(corpus, 2, cached=False)
        assert server._forkserver_pid is not None
        run(corpus, tmp_path / "out", jobs=1, use_cache=False)
        assert server._forkserver_pid is None and not etl.parallel._started_early
    finally:
        server._stop()


def test_processes_report_every_bad_file_as_one_process_does(tmp_path, workers):
    corpus = _corpus(tmp_path / "articles")
    (corpus / "latin1.txt").write_bytes("Trade is €12 billion.".encode("cp1252"))
    (corpus / "empty.txt").write_bytes(b"")
    messages = []
    for jobs in (1, 2):
        with pytest.raises(etl.corpus.CorpusError) as e:
            run(corpus, tmp_path / f"out{jobs}", jobs=jobs, use_cache=False)
        messages.append(e.value.problems)
    assert messages[0] == messages[1] and len(messages[0]) == 2


def test_the_cli_takes_jobs_and_refuses_zero(tmp_path):
    corpus = copy_corpus(tmp_path / "articles", ("001", "002"))
    proc = subprocess.run([PYTHON, "-m", "etl", "--articles", str(corpus), "--out", str(tmp_path / "out"),
                           "--jobs", "2"], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert snapshot(tmp_path / "out") == _fresh(corpus, tmp_path)
    proc = subprocess.run([PYTHON, "-m", "etl", "--articles", str(corpus), "--jobs", "0"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 2 and "--jobs" in proc.stderr


# --- the cache gives the same bytes -------------------------------------------------------------
def test_a_second_run_extracts_nothing_and_writes_the_same_bytes(corpus, tmp_path, extractions):
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    first = snapshot(out)
    n = len(extractions)
    assert n == 25
    run(corpus, out, jobs=1)
    assert len(extractions) == n, "unchanged articles were extracted again"
    assert snapshot(out) == first == _fresh(corpus, tmp_path)


@pytest.mark.parametrize("change", ["add", "edit", "remove", "date", "title"])
def test_after_a_change_only_what_changed_is_extracted(corpus, tmp_path, extractions, change):
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    meta = corpus / "articles.csv"
    aid = article_id("000")
    expected = {
        "add": ["zz-new"],
        "edit": [aid],
        "remove": [],
        "date": [aid],
        "title": [],  # the title is not an input of extraction
    }[change]
    if change == "add":
        (corpus / "zz-new.txt").write_text("Trade between Iran and Turkey reached $5 billion in 2024.\n")
    elif change == "edit":
        path = corpus / f"{aid}.txt"
        path.write_text(path.read_text("utf-8").replace("$12 billion", "$13 billion"), "utf-8")
    elif change == "remove":
        (corpus / f"{article_id('003')}.txt").unlink()
        meta.write_text("".join(line for line in meta.open() if not line.startswith(article_id("003"))))
    else:
        text = meta.read_text("utf-8")
        line = next(x for x in text.splitlines() if x.startswith(aid))
        cells = line.split(",")
        if change == "date":
            cells[3] = "2020-01-01"
        else:
            cells[1] = "Another title"
        meta.write_text(text.replace(line, ",".join(cells)), "utf-8")
    extractions.clear()
    run(corpus, out, jobs=1)
    assert extractions == expected
    assert snapshot(out) == _fresh(corpus, tmp_path)


def test_a_changed_people_file_extracts_everything_again(corpus, tmp_path, extractions):
    out = tmp_path / "out"
    people = tmp_path / "people.csv"
    shutil.copyfile(PEOPLE_CSV, people)
    run(corpus, out, people_csv=people, jobs=1)
    with people.open("a", encoding="utf-8") as f:
        f.write("Jane Roe,J. Roe,Envoy\n")
    extractions.clear()
    run(corpus, out, people_csv=people, jobs=1)
    assert len(extractions) == 25
    assert snapshot(out) == _fresh(corpus, tmp_path, people_csv=people)


def test_the_fingerprint_covers_rules_reference_data_and_people(tmp_path, monkeypatch):
    etl_copy = tmp_path / "etl"
    shutil.copytree(ROOT / "etl", etl_copy, ignore=shutil.ignore_patterns("__pycache__"))
    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", reference)
    monkeypatch.setattr(etl.cache, "_ETL_DIR", etl_copy)
    monkeypatch.setattr(etl.cache, "REFERENCE", reference)
    people = reference / "people.csv"
    base = fingerprint(people)
    assert fingerprint(people) == base
    for edited in (etl_copy / "extract.py", reference / "currencies.csv", reference / "tables.yml", people):
        original = edited.read_bytes()
        edited.write_bytes(original + b"\n")
        assert fingerprint(people) != base, f"editing {edited.name} did not change the fingerprint"
        edited.write_bytes(original)
    assert fingerprint(people) == base
    (etl_copy / "dates.py").write_text("RULE = 1\n")  # a new rules module counts too
    assert fingerprint(people) != base


# --- a damaged cache ----------------------------------------------------------------------------
def _entry(manifest: dict, name: str) -> dict:
    """A file's manifest entry: "articles" (the index), or a table's rows ("claims") or lines
    ("claims.lines") in the first segment."""
    return manifest["articles"] if name == "articles" else manifest["segments"][0][name]


def _cache_file(out: Path, name: str) -> Path:
    manifest = json.loads((out / CACHE_DIR / MANIFEST).read_text())
    return out / CACHE_DIR / _entry(manifest, name)["file"]


def _rewrite(out: Path, name: str, table: arrow.Table) -> None:
    """A cache file replaced by a well-formed Arrow file, the manifest updated to match it."""
    path = _cache_file(out, name)
    with arrow.OSFile(str(path), "wb") as sink, arrow.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    manifest_path = out / CACHE_DIR / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    digest, size = etl.cache._sha256_file(path)
    _entry(manifest, name).update(sha256=digest, bytes=size)
    manifest_path.write_text(json.dumps(manifest))


def _read(out: Path, name: str) -> arrow.Table:
    return arrow.ipc.open_file(str(_cache_file(out, name))).read_all()


def _truncate(out):
    path = _cache_file(out, "claims")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(out):
    path = _cache_file(out, "export_categories")
    path.write_bytes(os.urandom(path.stat().st_size))


def _flip_a_byte(out):
    path = _cache_file(out, "articles")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _edited_lines(out):
    """The rendered lines edited (a figure changed): copying them would publish the edit."""
    path = _cache_file(out, "claims.lines")
    path.write_bytes(path.read_bytes().replace(b"12000000000", b"13000000000", 1))


def _garbage_manifest(out):
    (out / CACHE_DIR / MANIFEST).write_bytes(b"\x00\xff not json")


def _someone_elses_manifest(out):
    (out / CACHE_DIR / MANIFEST).write_text(json.dumps({"name": "my-package", "files": {}}))


def _wrong_fingerprint(out):
    path = out / CACHE_DIR / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["fingerprint"] = "0" * 64
    path.write_text(json.dumps(manifest))


def _matching_hash_wrong_rows(out):
    """A cache file swapped for a well-formed one, with the manifest updated to match: the rows
    of another article under this one's id must still not be trusted blindly (schema check)."""
    _rewrite(out, "claims", arrow.table({"_article_id": ["x"], "something": [1]}))


def _rows_past_the_end(out):
    """An index whose hashes match but which places an article's rows past its segment's end."""
    index = _read(out, "articles")
    rows = index["claims_rows"].to_numpy().copy()
    rows[0] += 1000
    _rewrite(out, "articles", index.set_column(index.schema.get_field_index("claims_rows"), "claims_rows",
                                               arrow.array(rows)))  # fmt: skip


def _rows_of_another_article(out):
    """Two articles' places swapped in a well-formed index: each would get the other's claims."""
    index = _read(out, "articles")
    swapped = {}
    for name in ("claims_row", "claims_rows", "claims_at", "claims_bytes"):
        values = index[name].to_numpy().copy()
        values[[0, 1]] = values[[1, 0]]
        swapped[name] = values
    for name, values in swapped.items():
        index = index.set_column(index.schema.get_field_index(name), name, arrow.array(values))
    _rewrite(out, "articles", index)


def _listed_twice(out):
    index = _read(out, "articles")
    _rewrite(out, "articles", arrow.concat_tables([index, index.slice(0, 1)]))


def _missing_file(out):
    _cache_file(out, "claims").unlink()


def _missing_lines(out):
    _cache_file(out, "export_categories.lines").unlink()


DAMAGE = {
    "truncated": (_truncate, "checksum"),
    "garbage": (_garbage, "checksum"),
    "one byte flipped": (_flip_a_byte, "checksum"),
    "edited lines": (_edited_lines, "checksum"),
    "garbage manifest": (_garbage_manifest, "not a manifest this ETL wrote"),
    "someone else's manifest": (_someone_elses_manifest, "not a manifest this ETL wrote"),
    "wrong fingerprint": (_wrong_fingerprint, "rules or the reference data changed"),
    "well-formed but other columns": (_matching_hash_wrong_rows, "other columns"),
    "rows past the end": (_rows_past_the_end, "past the end"),
    "rows of another article": (_rows_of_another_article, "another article"),
    "an article listed twice": (_listed_twice, "listed twice"),
    "missing file": (_missing_file, "cannot be read"),
    "missing lines": (_missing_lines, "cannot be read"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_cache_is_named_rebuilt_and_never_trusted(corpus, tmp_path, extractions, case):
    damage, words = DAMAGE[case]
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    damage(out)
    notes: list[str] = []
    extractions.clear()
    run(corpus, out, jobs=1, note=notes.append)
    assert len(extractions) == 25, "the damaged cache was used"
    assert len(notes) == 1 and words in notes[0], notes
    assert snapshot(out) == _fresh(corpus, tmp_path)
    extractions.clear()
    notes.clear()
    run(corpus, out, jobs=1, note=notes.append)
    assert extractions == [] and notes == [], "the cache was not rebuilt"
    files = sorted(p.name for p in (out / CACHE_DIR).iterdir())
    assert len(files) == 6, f"files of the damaged cache left behind: {files}"  # manifest, index, 2 x 2


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_a_cache_path_that_is_not_our_folder_is_left_alone(corpus, tmp_path, extractions, kind):
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if kind == "file":
        (out / CACHE_DIR).write_text("someone's notes\n")
    else:
        (out / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    notes: list[str] = []
    run(corpus, out, jobs=1, note=notes.append)
    run(corpus, out, jobs=1, note=notes.append)
    assert len(extractions) == 50, "a cache was used"
    assert all("not a folder" in n for n in notes) and len(notes) == 2
    assert list(elsewhere.iterdir()) == []
    if kind == "file":
        assert (out / CACHE_DIR).read_text() == "someone's notes\n"
    tables = {name: data for name, data in snapshot(out).items() if name != CACHE_DIR}
    assert tables == _fresh(corpus, tmp_path)


def test_no_cache_neither_reads_nor_writes_it(corpus, tmp_path, extractions):
    out = tmp_path / "out"
    run(corpus, out, jobs=1, use_cache=False)
    assert not (out / CACHE_DIR).exists()
    assert [p.name for p in out.iterdir() if p.is_dir()] == [], "the scratch segment was left behind"
    run(corpus, out, jobs=1)
    cached = {p.name: p.read_bytes() for p in (out / CACHE_DIR).iterdir()}
    run(corpus, out, jobs=1, use_cache=False)
    assert len(extractions) == 75
    assert {p.name: p.read_bytes() for p in (out / CACHE_DIR).iterdir()} == cached


def test_the_cache_stays_out_of_git_and_the_datapackage(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out)
    package = (out / "datapackage.json").read_text("utf-8")
    assert CACHE_DIR not in package and "arrow" not in package
    ignored = subprocess.run(["git", "check-ignore", "-q", f"data/processed/{CACHE_DIR}/manifest.json"],
                             cwd=ROOT, capture_output=True)  # fmt: skip
    assert ignored.returncode == 0, ".etl-cache is not in .gitignore"


# --- file stamps: an unchanged file is not read ------------------------------------------------
@pytest.fixture
def reads(monkeypatch):
    """Counts the article files read in this process (runs with jobs=1), and trusts a stamp
    however recent (the 2-second guard against a change within one clock tick would otherwise
    make every file of a test, all written a moment ago, be hashed again)."""
    seen: list[str] = []
    real = etl.parallel.read_article

    def counting(folder, file, dir_fd=None):
        seen.append(file.article_id)
        return real(folder, file, dir_fd)

    monkeypatch.setattr(etl.parallel, "read_article", counting)
    monkeypatch.setattr(etl.pipeline, "RACY_NS", 0)
    return seen


def test_a_file_with_its_recorded_stamp_is_not_read_again(corpus, tmp_path, reads, extractions):
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    first = snapshot(out)
    reads.clear()
    run(corpus, out, jobs=1)
    assert reads == [] and len(extractions) == 25
    assert snapshot(out) == first == _fresh(corpus, tmp_path)


def test_a_touched_file_is_hashed_not_extracted_then_trusted(corpus, tmp_path, reads, extractions):
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    first = snapshot(out)
    aid = article_id("001")
    os.utime(corpus / f"{aid}.txt")  # a new modification time, the same text
    reads.clear()
    run(corpus, out, jobs=1)
    assert reads == [aid] and len(extractions) == 25, "hashed again, not extracted again"
    tables = {name: data for name, data in snapshot(out).items()}
    assert tables == first
    reads.clear()
    run(corpus, out, jobs=1)
    assert reads == [], "the new stamp was recorded"


def test_an_edit_that_keeps_size_and_modification_time_is_seen(corpus, tmp_path, reads, extractions):
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    path = corpus / f"{article_id('000')}.txt"
    before = path.stat()
    path.write_text(path.read_text("utf-8").replace("$12 billion", "$13 billion"), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or `rsync -t` leave it
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    extractions.clear()
    run(corpus, out, jobs=1)
    assert extractions == [article_id("000")], "the change time gave the edit away"
    assert b"13000000000" in (out / "claims.csv").read_bytes()
    assert snapshot(out) == _fresh(corpus, tmp_path)


def test_a_file_changed_just_before_the_run_is_hashed_next_time(corpus, tmp_path, monkeypatch):
    """A stamp taken within RACY_NS of the run's start is not trusted: the file could change again
    within the same tick of its clock and keep it."""
    seen: list[str] = []
    real = etl.parallel.read_article
    monkeypatch.setattr(
        etl.parallel, "read_article", lambda f, file, fd=None: seen.append(1) or real(f, file, fd)
    )
    out = tmp_path / "out"
    run(corpus, out, jobs=1)  # every file was written a moment ago
    seen.clear()
    run(corpus, out, jobs=1)
    assert len(seen) == 25


def test_a_bad_row_from_the_rules_is_named_by_its_line_in_the_claims_table(
    corpus, tmp_path, reads, monkeypatch
):
    """Rows are validated a batch at a time, the cached ones not at all; the line a schema error
    names is still the row's line in the claims table (earlier articles come from the cache)."""
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    aid = article_id("002")
    lines = (out / "claims.csv").read_text("utf-8").splitlines()
    line = next(k for k, text in enumerate(lines, start=1) if text.startswith(f"{aid}:"))
    real = etl.parallel.extract

    def bad_qualifier(article, text, people=None, published=""):
        found = real(article, text, people, published)
        if article != aid:
            return found
        return dataclasses.replace(
            found, claims=[dataclasses.replace(c, qualifier="roughly") for c in found.claims]
        )

    monkeypatch.setattr(etl.parallel, "extract", bad_qualifier)
    with (corpus / f"{aid}.txt").open("a", encoding="utf-8") as f:
        f.write("\n")
    with pytest.raises(TableError, match=f"line {line}: 'roughly'"):
        run(corpus, out, jobs=1)


# --- the rows and lines of the cache ------------------------------------------------------------
def test_many_small_batches_give_the_same_bytes(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.pipeline, "_BATCH_ROWS", 7)
    out = tmp_path / "out"
    run(corpus, out, jobs=2)
    assert snapshot(out) | {CACHE_DIR: b""} == _fresh(corpus, tmp_path) | {CACHE_DIR: b""}
    run(corpus, out, jobs=1)
    assert {k: v for k, v in snapshot(out).items()} == _fresh(corpus, tmp_path)


def _segments(out: Path) -> int:
    return len(json.loads((out / CACHE_DIR / MANIFEST).read_text())["segments"])


def test_each_run_adds_a_segment_until_they_are_merged(corpus, tmp_path, extractions):
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    counts = []
    for k in range(etl.cache.MAX_SEGMENTS + 1):
        (corpus / f"zz-new{k}.txt").write_text(
            f"Trade between Iran and Turkey reached ${k + 2} billion in 2024.\n"
        )
        extractions.clear()
        run(corpus, out, jobs=1)
        assert extractions == [f"zz-new{k}"]
        assert snapshot(out) == _fresh(corpus, tmp_path), f"run {k}"
        counts.append(_segments(out))
    assert counts == [*range(2, etl.cache.MAX_SEGMENTS + 1), 1, 2], counts  # merged once past the limit
    extractions.clear()
    run(corpus, out, jobs=1)
    assert extractions == [] and snapshot(out) == _fresh(corpus, tmp_path)


def test_rows_of_removed_articles_are_dropped_once_most_are_unused(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(etl.pipeline, "_BATCH_ROWS", 10)  # the slack allowed before merging
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    held = (
        out
        / CACHE_DIR
        / json.loads((out / CACHE_DIR / MANIFEST).read_text())["segments"][0]["claims"]["file"]
    )
    for path in sorted(corpus.glob("articles-*.txt"))[:-2]:
        path.unlink()
    run(corpus, out, jobs=1)
    assert not held.exists(), "the segment of the removed articles was kept"
    assert snapshot(out) == _fresh(corpus, tmp_path)


def test_a_carriage_return_in_a_cell_quotes_the_whole_table_cached_or_not(corpus, tmp_path, monkeypatch):
    """A carriage return in a cell makes pandas quote every text cell of its table; lines cached
    an article at a time cannot, so the table is then written whole, the same cached or not.
    (Neither today's rules nor a reviewer's note can put one there: rules may change.)"""
    real = etl.parallel.extract

    def with_cr(aid, text, people=None, published=""):
        found = real(aid, text, people, published)
        if aid != article_id("001"):
            return found
        return dataclasses.replace(
            found, claims=[dataclasses.replace(c, quote=c.quote + "\r") for c in found.claims]
        )

    monkeypatch.setattr(etl.parallel, "extract", with_cr)
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    written = (out / "claims.csv").read_bytes()
    assert written.startswith(b'"claim_id","article_id"') and b"\r" in written
    assert written == to_csv_bytes(read_table("claims", out))
    (corpus / "zz-new.txt").write_text("Trade between Iran and Turkey reached $6 billion in 2024.\n")
    run(corpus, out, jobs=1)
    assert snapshot(out) == _fresh(corpus, tmp_path)
    monkeypatch.setattr(etl.parallel, "extract", real)
    with (corpus / f"{article_id('001')}.txt").open("a", encoding="utf-8") as f:
        f.write("\n")  # extracted again, without the carriage return
    run(corpus, out, jobs=1)
    assert (out / "claims.csv").read_bytes().startswith(b"claim_id,article_id")
    assert snapshot(out) == _fresh(corpus, tmp_path)


def test_a_cache_that_cannot_be_written_costs_only_speed(corpus, tmp_path, monkeypatch):
    real = etl.cache.SegmentWriter

    def refusing(folder, schemas):
        if Path(folder).name == CACHE_DIR:
            raise OSError(28, "No space left on device")
        return real(folder, schemas)

    monkeypatch.setattr(etl.cache, "SegmentWriter", refusing)
    notes: list[str] = []
    out = tmp_path / "out"
    run(corpus, out, jobs=1, note=notes.append)
    assert len(notes) == 1 and "could not be saved" in notes[0], notes
    tables = {name: data for name, data in snapshot(out).items()}
    assert tables == _fresh(corpus, tmp_path)
    assert [p.name for p in out.iterdir() if p.is_dir()] in ([], [CACHE_DIR])


def test_a_refused_run_leaves_no_segment_behind(corpus, tmp_path):
    out = tmp_path / "out"
    run(corpus, out, jobs=1)
    cached = sorted(p.name for p in (out / CACHE_DIR).iterdir())
    (corpus / "zz-latin1.txt").write_bytes("Trade is €12 billion.".encode("cp1252"))
    with pytest.raises(etl.corpus.CorpusError):
        run(corpus, out, jobs=1)
    assert sorted(p.name for p in (out / CACHE_DIR).iterdir()) == cached


# --- decisions on cached rows -------------------------------------------------------------------
def _text(aid: str) -> str:
    return (ROOT / "data" / "raw" / f"{aid}.txt").read_text("utf-8-sig")


def _decide(claims: pd.DataFrame, claim_id: str, action: str, **cells) -> dict[str, str]:
    c = claims.set_index("claim_id").loc[claim_id]
    text = _text(c["article_id"])
    cells.setdefault("note", "" if action == "confirm" else "checked")
    return decision_row(claim_id=claim_id, action=action, article_id=c["article_id"], start=int(c["start"]),
                        end=int(c["end"]), figure=text[int(c["start"]) : int(c["end"])], quote=c["quote"],
                        reviewer="Ana Analyst", reviewed_at="2025-01-31T09:30:00Z", **cells)  # fmt: skip


def _add(claims: pd.DataFrame, aid: str, **cells) -> dict[str, str]:
    """An `add` of the first number in the article the rules did not take for a claim."""
    text, taken = _text(aid), set(claims.loc[claims["article_id"] == aid, "start"])
    for m in re.finditer(r"\d+", text):
        span = sentence_span(text, m.start(), m.end())
        if m.start() not in taken and span is not None and m.start() > 200:
            return decision_row(claim_id=f"{aid}:{m.start()}", action="add", article_id=aid, start=m.start(),
                                end=m.end(), figure=m.group(), quote=text[span[0] : span[1]],
                                reviewer="Ana Analyst", reviewed_at="2025-01-31T09:30:00Z", **cells)  # fmt: skip
    raise AssertionError(f"no number left unclaimed in {aid}")


def _decisions(claims: pd.DataFrame) -> pd.DataFrame:
    """Decisions of every kind, on two articles: confirm, reject, amend a share, add a claim and
    add a share of a category the article does not list (appended after every other category)."""
    a0, a1 = article_id("000"), article_id("001")
    rows = [
        _decide(claims, f"{a0}:701", "confirm"),
        _decide(claims, f"{a0}:855", "reject"),
        _decide(claims, f"{a1}:1342", "amend", value=4.0),
        _decide(claims, f"{a1}:1300", "reject"),
        _add(claims, a0, pair="IRN-IRQ", metric="trade_volume", value=5e9, unit="USD", qualifier="exact"),
        _add(claims, a1, pair="IRN-IRQ", metric="category_share", direction="IRN->IRQ", category="Carpets",
             value=3.0, unit="percent", qualifier="exact"),
    ]  # fmt: skip
    out = empty_reviews()
    for row in rows:
        out = with_decision(out, row)
    return out


def test_decisions_give_what_a_review_of_the_whole_table_gives(corpus, tmp_path, monkeypatch):
    """Decisions are applied to the articles they name only; the tables are those a review of
    the whole claims table gives (apply, review_categories), cached, uncached, in N processes."""
    plain = tmp_path / "plain"
    run(corpus, plain, jobs=1)
    extracted = as_extracted(read_table("claims", plain))
    decisions = _decisions(extracted)
    reviews = write_reviews(decisions, tmp_path / "reviews.csv")
    texts = {p.stem: p.read_text("utf-8-sig") for p in corpus.glob("*.txt")}
    listing = etl.corpus.list_corpus(corpus)
    published = {
        f.article_id: f.published for f in listing.files if f.article_id in set(decisions["article_id"])
    }
    whole, report = apply(extracted, texts, decisions, published)
    assert set(report["outcome"]) == {"applied"}, report
    assert len(whole) == len(extracted) + 2
    categories = read_table("export_categories", plain)
    want_claims = to_csv_bytes(validate("claims", whole[columns("claims")]))
    want_categories = to_csv_bytes(validate("export_categories", review_categories(categories, whole)))
    out = tmp_path / "out"
    for kwargs in ({"jobs": 1}, {"jobs": 1}, {"jobs": 2, "use_cache": False}):
        run(corpus, out, reviews=reviews, **kwargs)
        assert (out / "claims.csv").read_bytes() == want_claims, kwargs
        assert (out / "export_categories.csv").read_bytes() == want_categories, kwargs
    monkeypatch.setattr(etl.pipeline, "_BATCH_ROWS", 5)
    fresh = tmp_path / "fresh"
    run(corpus, fresh, jobs=2, reviews=reviews)
    assert snapshot(fresh) | {CACHE_DIR: b""} == snapshot(out) | {CACHE_DIR: b""}


# --- progress -----------------------------------------------------------------------------------
def _cli(corpus: Path, out: Path, *extra: str, tty: bool = False) -> tuple[int, str, str]:
    args = [PYTHON, "-m", "etl", "--articles", str(corpus), "--out", str(out), *extra]
    if not tty:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr
    main, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new pty is 0 wide
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(main, chunks))
    reader.start()
    stdout = proc.communicate(timeout=120)[0]
    reader.join(timeout=10)
    os.close(main)
    return proc.returncode, stdout, b"".join(chunks).decode(errors="replace")


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO once the other side is closed
            return
        if not chunk:
            return
        chunks.append(chunk)


def test_progress_bar_on_a_terminal_with_rate_and_time_left(corpus, tmp_path):
    code, stdout, stderr = _cli(corpus, tmp_path / "out", "--no-cache", tty=True)
    assert code == 0
    assert stdout == f"etl: wrote {len(TABLE_NAMES) + 1} files to {tmp_path / 'out'}\n"
    assert "articles/s" in stderr and "25/25" in stderr and "<" in stderr, stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(corpus, tmp_path):
    code, stdout, stderr = _cli(corpus, tmp_path / "out")
    assert (code, stdout, stderr) == (
        0,
        f"etl: wrote {len(TABLE_NAMES) + 1} files to {tmp_path / 'out'}\n",
        "",
    )


def test_quiet_prints_nothing_on_a_terminal(corpus, tmp_path):
    code, stdout, stderr = _cli(corpus, tmp_path / "out", "--quiet", tty=True)
    assert (code, stdout, stderr) == (0, "", "")
