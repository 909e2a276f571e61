"""Bad input: clear messages naming every bad file, and processed tables never half-written."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from etl_fixtures import COMMITTED, PYTHON, article_id, copy_corpus, snapshot

import etl.tables
from etl.__main__ import main
from etl.pipeline import run
from etl.tables import TableError, read_table

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
META_HEADER = "article_id,title,publisher,published,url\n"
BENCH = Path(__file__).resolve().parent.parent / "bench"

# name -> (file bytes, words of which one must be in the message)
BAD_FILES = {
    "latin1.txt": ("Trade between Iran and Iraq is €12 billion.".encode("cp1252"), ("UTF-8",)),
    "empty.txt": (b"", ("empty",)),
    "blank.txt": (b"  \n\t \r\n   \n", ("empty",)),
    "nul.txt": (b"Trade\x00\x00\x00 between\x00 Iran\x00", ("binary",)),
    "image.txt": (PNG, ("binary", "UTF-8")),
    "huge.txt": (b"Trade between Iran and Iraq grew. " * 64_000, ("large",)),  # ~2.2 MB
}


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """Tables from an earlier good run (two articles), and their bytes."""
    base = tmp_path_factory.mktemp("previous")
    out = base / "out"
    run(copy_corpus(base / "in", ("000", "003")), out)
    return out, snapshot(out)


@pytest.fixture
def out(tmp_path, previous):
    """An out dir already holding the previous tables."""
    dest = tmp_path / "out"
    shutil.copytree(previous[0], dest)
    return dest


@pytest.fixture
def corpus(tmp_path):
    """A folder of two good articles, to which a test adds something bad."""
    return copy_corpus(tmp_path / "articles", ("001", "002"))


def _cli(capsys, articles, out, *extra) -> tuple[int, str]:
    code = main(["--articles", str(articles), "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.err


def _assert_refused(code, err, out, previous, *names):
    assert code != 0
    for name in names:
        assert str(name) in err, f"{name} not named in: {err}"
    assert snapshot(out) == previous[1], "the previous tables were touched"


# --- one bad article at a time ------------------------------------------------------------------
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_article_file_is_refused_and_named(capsys, corpus, out, previous, name):
    data, words = BAD_FILES[name]
    _write(corpus / name, data)
    code, err = _cli(capsys, corpus, out)
    _assert_refused(code, err, out, previous, corpus / name)
    line = next(x for x in err.splitlines() if name in x)
    assert any(w in line for w in words), line
    # Only the bad file is named: the good articles are not blamed.
    assert article_id("001") not in err and article_id("002") not in err


def test_huge_file_limit_is_about_2mb():
    from etl.corpus import MAX_ARTICLE_BYTES, decode_article

    assert 2_000_000 <= MAX_ARTICLE_BYTES <= 2 * 1024 * 1024
    decode_article(b"Trade grew. " * 1000, "ok.txt")  # an ordinary article passes
    with pytest.raises(ValueError, match="too large"):
        decode_article(b"a" * (2 * 1024 * 1024 + 1), "big.txt")


def test_all_bad_files_are_named_in_one_run(tmp_path, out, previous):
    """Real `python -m etl` in a subprocess: exit status and every bad file in one message."""
    corpus = copy_corpus(tmp_path / "articles", ("001",))
    for name, (data, _) in BAD_FILES.items():
        _write(corpus / name, data)
    (corpus / "articles.csv").write_text(
        META_HEADER + "ghost,,,,\n" + f"{article_id('001')},,,July 2025,\n", encoding="utf-8"
    )
    proc = subprocess.run(
        [PYTHON, "-m", "etl", "--articles", str(corpus), "--out", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode != 0
    for name in BAD_FILES:
        assert str(corpus / name) in proc.stderr, name
    assert "ghost" in proc.stderr and "July 2025" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(out) == previous[1]


# --- metadata -----------------------------------------------------------------------------------
METADATA_CASES = {
    "names_missing_file": (f"{article_id('001')},T,,,\nghost_article,T,,,\n", ("ghost_article",)),
    "duplicate_ids": (f"{article_id('001')},A,,,\n{article_id('001')},B,,,\n",
                      ("duplicate", article_id("001"))),
    "date_not_iso": (f"{article_id('001')},,,18/07/2025,\n", ("18/07/2025", "YYYY-MM-DD")),
    "date_with_time": (f"{article_id('001')},,,2025-07-18 15:23,\n", ("2025-07-18 15:23",)),
}  # fmt: skip


@pytest.mark.parametrize("case", list(METADATA_CASES))
def test_bad_metadata_is_refused_and_named(capsys, corpus, out, previous, case):
    rows, words = METADATA_CASES[case]
    meta = corpus / "articles.csv"
    meta.write_text(META_HEADER + rows, encoding="utf-8")
    code, err = _cli(capsys, corpus, out)
    _assert_refused(code, err, out, previous, meta, *words)


def test_impossible_calendar_date_is_refused(capsys, corpus, out, previous):
    meta = corpus / "articles.csv"
    meta.write_text(META_HEADER + f"{article_id('001')},,,2025-02-30,\n", encoding="utf-8")
    code, err = _cli(capsys, corpus, out)
    _assert_refused(code, err, out, previous, meta, "2025-02-30")


def test_metadata_without_article_id_column(capsys, corpus, out, previous):
    meta = corpus / "articles.csv"
    meta.write_text(f"id,title\n{article_id('001')},T\n", encoding="utf-8")
    code, err = _cli(capsys, corpus, out)
    _assert_refused(code, err, out, previous, meta, "article_id")


def test_explicit_metadata_path_that_does_not_exist(capsys, corpus, out, previous, tmp_path):
    meta = tmp_path / "nowhere.csv"
    code, err = _cli(capsys, corpus, out, "--metadata", str(meta))
    _assert_refused(code, err, out, previous, meta)


def test_metadata_and_article_problems_reported_together(capsys, corpus, out, previous):
    _write(corpus / "empty.txt", b"")
    meta = corpus / "articles.csv"
    meta.write_text(META_HEADER + "ghost,,,,\n", encoding="utf-8")
    code, err = _cli(capsys, corpus, out)
    _assert_refused(code, err, out, previous, corpus / "empty.txt", meta, "ghost")


# --- the folder itself --------------------------------------------------------------------------
def test_articles_folder_that_does_not_exist(capsys, tmp_path, out, previous):
    missing = tmp_path / "no_such_folder"
    code, err = _cli(capsys, missing, out)
    _assert_refused(code, err, out, previous, missing)


def test_articles_folder_with_no_txt(capsys, tmp_path, out, previous):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.md").write_text("Trade between Iran and Iraq is $12 billion.\n")
    (folder / "article.txt.bak").write_text("Trade between Iran and Iraq is $12 billion.\n")
    code, err = _cli(capsys, folder, out)
    _assert_refused(code, err, out, previous, folder)


def test_a_good_run_does_replace_the_previous_tables(capsys, corpus, out, previous):
    # Counterpart of the refusals above: the out dir is writable, so "untouched" means refused.
    code, _ = _cli(capsys, corpus, out)
    assert code == 0
    assert snapshot(out) != previous[1]
    assert set(snapshot(out)) == set(previous[1])


# --- an interrupted write -----------------------------------------------------------------------
def _fail_on_call(n, real):
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError("disk full (simulated)")
        return real(*args, **kwargs)

    return wrapper, calls


@pytest.mark.parametrize("target", ["fsync", "fdopen"])
def test_write_interrupted_on_third_file_keeps_previous_tables(monkeypatch, corpus, out,
                                                                previous, target):  # fmt: skip
    wrapper, calls = _fail_on_call(3, getattr(os, target))
    monkeypatch.setattr(etl.tables.os, target, wrapper)
    with pytest.raises(OSError, match="simulated"):
        run(corpus, out)
    assert calls["n"] == 3, "the failure was not injected on the 3rd file"
    assert snapshot(out) == previous[1], "previous tables changed, or temp files left behind"


def test_interrupted_write_through_cli_exits_nonzero(monkeypatch, capsys, corpus, out, previous):
    wrapper, _ = _fail_on_call(3, os.fsync)
    monkeypatch.setattr(etl.tables.os, "fsync", wrapper)
    code, err = _cli(capsys, corpus, out)
    assert code != 0 and "simulated" in err
    assert snapshot(out) == previous[1]


def test_interrupted_write_into_new_folder_leaves_no_temp_files(monkeypatch, corpus, tmp_path):
    wrapper, _ = _fail_on_call(3, os.fsync)
    monkeypatch.setattr(etl.tables.os, "fsync", wrapper)
    dest = tmp_path / "new_out"
    with pytest.raises(OSError):
        run(corpus, dest)
    assert not dest.exists() or snapshot(dest) == {}


def test_failed_rename_on_third_file_keeps_previous_tables(monkeypatch, corpus, out, previous):
    wrapper, calls = _fail_on_call(3, os.replace)
    monkeypatch.setattr(etl.tables.os, "replace", wrapper)
    with pytest.raises(OSError):
        run(corpus, out)
    assert calls["n"] >= 3  # the 3rd rename failed; the roll-back renames come after it
    assert snapshot(out) == previous[1], "tables are a mix of two runs, or temp files left behind"


# --- reading a damaged table --------------------------------------------------------------------
@pytest.fixture
def tables_dir(tmp_path):
    dest = tmp_path / "processed"
    shutil.copytree(COMMITTED, dest)
    return dest


def _rewrite_claims(directory, edit):
    path = directory / "claims.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _set_cell(column, value, row=1):
    def edit(rows):
        rows[row][rows[0].index(column)] = value

    return edit


def test_read_deleted_file(tables_dir):
    path = tables_dir / "claims.csv"
    path.unlink()
    with pytest.raises(TableError, match="missing") as e:
        read_table("claims", tables_dir)
    assert str(path) in str(e.value)


def _drop_column(column):
    def edit(rows):
        i = rows[0].index(column)
        for r in rows:
            del r[i]

    return edit


READ_CASES = {
    "missing_column": (_drop_column("unit"), ("missing", "unit")),
    "value_not_a_number": (_set_cell("value", "twelve"), ("value", "twelve")),
    "start_not_an_integer": (_set_cell("start", "701.5"), ("start", "701.5")),
    "metric_not_in_enum": (_set_cell("metric", "gdp"), ("metric", "gdp")),
    "qualifier_not_in_enum": (_set_cell("qualifier", "roughly"), ("qualifier", "roughly")),
    "negative_value": (_set_cell("value", "-5"), ("value",)),
    "bad_pair": (_set_cell("pair", "Iran-Iraq"), ("pair",)),
    "empty_required_quote": (_set_cell("quote", ""), ("quote",)),
    "duplicate_claim_id": (_set_cell("claim_id", "000_f31fa2dc3060489f:701", row=2),
                           ("claim_id",)),
}  # fmt: skip


@pytest.mark.parametrize("case", list(READ_CASES))
def test_read_damaged_claims_names_file_and_column(tables_dir, case):
    edit, words = READ_CASES[case]
    path = _rewrite_claims(tables_dir, edit)
    with pytest.raises(TableError) as e:
        read_table("claims", tables_dir)
    message = str(e.value)
    assert str(path) in message
    for word in words:
        assert word in message, message
    assert e.value.path == path


def test_read_wrong_boolean(tables_dir):
    path = tables_dir / "target_gaps.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",True,", ",yes,", 1), "utf-8")
    with pytest.raises(TableError, match="is_default") as e:
        read_table("target_gaps", tables_dir)
    assert str(path) in str(e.value)


def _last_line_cut(table, marker: str, offset: int = 0):
    """Cut the file inside its last row, right after `marker` (+ offset characters)."""

    def cut(directory):
        path = directory / f"{table}.csv"
        data = path.read_bytes()
        i = data.rindex(marker.encode()) + len(marker.encode()) + offset
        assert data[i:].strip(), "the cut must lose part of a row"
        path.write_bytes(data[:i])
        return path

    return cut


TRUNCATIONS = {
    # cut inside a number: the later required cells are empty
    "claims_mid_value": (_last_line_cut("claims", ",20000", 0), ("claims.csv", "cut short")),
    # cut inside a quoted sentence: the CSV is not well formed
    "claims_mid_quote": (_last_line_cut("claims", "“Trade between"), ("claims.csv", "cut short")),
    "claims_mid_last_field": (_last_line_cut("claims", "money + trade + a"), ("claims.csv", "cut short")),
    "people_after_name": (_last_line_cut("people", "Hiyam Al-Yasiri"), ("people.csv", "cut short")),
}


@pytest.mark.parametrize(("cut", "words"), list(TRUNCATIONS.values()), ids=list(TRUNCATIONS))
def test_read_truncated_file(tables_dir, cut, words):
    path = cut(tables_dir)
    table = path.stem
    with pytest.raises(TableError) as e:
        read_table(table, tables_dir)
    assert str(path) in str(e.value)
    for word in words:
        assert word in str(e.value)


def test_read_empty_and_non_utf8_files(tables_dir):
    path = tables_dir / "articles.csv"
    path.write_bytes(b"")
    with pytest.raises(TableError, match="empty"):
        read_table("articles", tables_dir)
    path.write_bytes((COMMITTED / "articles.csv").read_bytes().replace(b"sha256", b"sha\xff56", 1))
    with pytest.raises(TableError, match="UTF-8") as e:
        read_table("articles", tables_dir)
    assert str(path) in str(e.value)


def test_read_intact_committed_tables_passes(tables_dir):
    # The damage tests above mean something only if the undamaged copy reads cleanly.
    for name in etl.tables.TABLE_NAMES:
        table = read_table(name, tables_dir)
        # No decision is committed yet: the reviewed_claims copy holds only its header.
        assert len(table) > 0 or name == "reviewed_claims"


# --- a worker killed from outside ------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    sys.path.insert(0, str(BENCH))
    try:
        from etl_throughput import children  # the benchmark finds its process tree the same way
    finally:
        sys.path.remove(str(BENCH))
    return children(pid)


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="finds the workers in Linux's /proc")
def test_a_worker_killed_mid_run_is_named_and_leaves_the_old_tables(tmp_path, out, previous):
    """Out of memory, the kernel kills a process without a word: the command says what happened
    and keeps the previous tables whole, where before it waited for the lost work forever."""
    import signal
    import time

    articles = tmp_path / "many"
    articles.mkdir()
    seeds = [p.read_bytes() for p in sorted(COMMITTED.parent.joinpath("raw").glob("*.txt"))]
    for i in range(6000):
        (articles / f"a{i:05d}.txt").write_bytes(seeds[i % len(seeds)])
    proc = subprocess.Popen(
        [PYTHON, "-m", "etl", "--articles", str(articles), "--out", str(out), "--jobs", "2", "--quiet",
         "--no-cache"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        killed, deadline = None, time.monotonic() + 60
        while killed is None and proc.poll() is None and time.monotonic() < deadline:
            # The command's children: the fork server, whose children are the workers. Killed once
            # both run: one killed while the pool is still starting can hang CPython 3.11's
            # ProcessPoolExecutor (seen in 1 of 10 tries; left in the closing note).
            workers = [w for server in _children(proc.pid) for w in _children(server)]
            if len(workers) >= 2:
                time.sleep(0.5)
                os.kill(workers[0], signal.SIGKILL)
                killed = workers[0]
            time.sleep(0.02)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert killed is not None, f"no worker seen before the run ended: {err}"
    assert proc.returncode == 2, err
    assert "an extraction process stopped before its work was done" in err and "Traceback" not in err, err
    assert snapshot(out) == previous[1], "the previous tables were touched"
