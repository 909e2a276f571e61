"""Writing and reading the processed folder: the fast CSV writer gives pandas' bytes, and a reader
racing a writer gets the whole old table set or the whole new one, never a mix."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as arrow
import pytest
from etl_fixtures import COMMITTED, PYTHON, ROOT, copy_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

import etl.tables
from etl.pipeline import run
from etl.tables import (
    DATAPACKAGE,
    TABLE_NAMES,
    TableError,
    arrow_csv_lines,
    arrow_passes,
    csv_chunks,
    csv_header,
    csv_lines,
    datapackage,
    line_sizes,
    lines_bytes,
    lines_with_cr,
    package_json,
    quoted_chunks,
    read_table,
    read_tables,
    rows_with_cr,
    to_csv_bytes,
    validate,
)  # fmt: skip


# --- the fast writer ----------------------------------------------------------------------------
def _fast(df: pd.DataFrame) -> bytes:
    return b"".join(csv_chunks(df))


def test_fast_writer_gives_the_committed_bytes():
    for name, df in read_tables(COMMITTED).items():
        assert _fast(df) == (COMMITTED / f"{name}.csv").read_bytes() == to_csv_bytes(df), name


TEXT = st.text(alphabet=st.sampled_from([*"ab ,\"'=+-@\t\n;é“”\u2028\x85", "\x00", "\x1f"]), max_size=8)
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.1 + 0.2, 12e9, 1e15, 1e16, -0.0])


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(TEXT, FLOATS, st.integers(-(2**62), 2**62), st.booleans(), TEXT | st.none()),
        min_size=0,
        max_size=12,
    ),
    storage=st.sampled_from(["str", "object"]),
)
def test_fast_writer_gives_pandas_bytes_on_any_cells(rows, storage):
    df = pd.DataFrame(rows, columns=["text", "number", "integer", "flag", "maybe"])
    df = df.astype({"number": float, "integer": np.int64, "flag": bool, "text": storage})
    assert _fast(df) == to_csv_bytes(df)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(TEXT, FLOATS, st.integers(-(2**62), 2**62), st.booleans()), max_size=12))
def test_lines_of_arrow_rows_are_the_lines_of_their_frame(rows):
    df = pd.DataFrame(rows, columns=["text", "number", "integer", "flag"])
    df = df.astype({"number": float, "integer": np.int64, "flag": bool})
    in_arrow = arrow.Table.from_pandas(df, preserve_index=False)
    assert lines_bytes(arrow_csv_lines(in_arrow)) == lines_bytes(csv_lines(df))


def _broken(table: str, column: str, value: object) -> pd.DataFrame:
    df = read_table(table, COMMITTED)
    return df.astype({column: object}).assign(**{column: [value, *df[column].tolist()[1:]]})


@pytest.mark.parametrize(
    "table,df",
    [
        ("claims", read_table("claims", COMMITTED)),
        ("claims", _broken("claims", "metric", "not a metric")),  # an enum
        ("claims", _broken("claims", "claim_id", "")),  # a required text
        ("claims", read_table("claims", COMMITTED).assign(value=np.nan)),  # a required number
        ("claims", read_table("claims", COMMITTED).assign(start=-1)),  # a minimum
        ("claims", read_table("claims", COMMITTED).assign(period_end="2024-1-1")),  # a date
        ("claims", read_table("claims", COMMITTED).assign(start=1.5)),  # an integer's type
        ("export_categories", read_table("export_categories", COMMITTED).assign(share=np.nan)),  # nullable
        ("claims", read_table("claims", COMMITTED).iloc[:, ::-1]),  # the columns' order
    ],
)
def test_arrow_rows_pass_as_their_frame_passes(table, df):
    in_arrow = arrow.Table.from_pandas(df, preserve_index=False)
    assert arrow_passes(table, in_arrow) == etl.tables._passes(table, df)
    try:
        validate(table, df)
    except TableError:
        assert not arrow_passes(table, in_arrow), "passed in Arrow what pandera refuses"


def test_fast_writer_gives_pandas_bytes_across_blocks(monkeypatch):
    import etl.tables

    monkeypatch.setattr(etl.tables, "_CHUNK_ROWS", 7)
    df = pd.DataFrame({"a": [f"=x{i}," for i in range(50)], "b": np.arange(50) / 3})
    assert _fast(df) == to_csv_bytes(df)


def test_a_carriage_return_or_other_cells_use_pandas_itself():
    df = pd.DataFrame({"a": ["x\ry", "z"], "b": [1, 2]})
    assert _fast(df) == to_csv_bytes(df)
    mixed = pd.DataFrame({"a": ["x", 3, None], "b": pd.array([1, None, 3], dtype="Int64")})
    assert _fast(mixed) == to_csv_bytes(mixed)


def test_fast_writer_reads_a_column_arrow_holds_in_chunks():
    chunked = pd.concat([pd.DataFrame({"a": ["x,y", "=1"]}), pd.DataFrame({"a": ["z"]})], ignore_index=True)
    df = chunked.astype({"a": pd.StringDtype("pyarrow", na_value=np.nan)})
    assert _fast(df) == to_csv_bytes(df)


def test_rows_rendered_alone_are_the_rows_of_the_whole_table():
    """Lines rendered a few rows at a time (an article's, cached) put end to end give the table."""
    df = pd.DataFrame({"t": ["a", "b,c", '"q"', "=f", ""], "n": [1.5, np.nan, 12e9, 0.1 + 0.2, -0.0],
                       "i": [1, 2, 3, 4, 5], "b": [True, False, True, False, True]})  # fmt: skip
    parts = [lines_bytes(csv_lines(df.iloc[a:b])) for a, b in ((0, 2), (2, 2), (2, 5))]
    assert csv_header(df.columns) + b"".join(parts) == to_csv_bytes(df)
    assert line_sizes(csv_lines(df)).sum() == len(to_csv_bytes(df)) - len(csv_header(df.columns))


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.text(alphabet='ab,\r\n"=', max_size=5), FLOATS, st.booleans()), max_size=12),
    storage=st.sampled_from(["str", "object"]),
)
def test_the_lines_with_a_carriage_return_are_the_rows_with_one(rows, storage):
    df = pd.DataFrame(rows, columns=["text", "number", "flag"]).astype({"text": storage, "number": float})
    assert lines_with_cr(csv_lines(df)).tolist() == rows_with_cr(df).tolist()


def test_a_table_with_a_carriage_return_written_in_parts_is_written_whole():
    df = pd.DataFrame({"t": ["a", "x\ry", "b"], "n": [1.0, 2.5, np.nan]})
    assert b"".join(quoted_chunks([df.iloc[:1], df.iloc[1:]])) == to_csv_bytes(df)


TITLES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({"title": TITLES}, optional={"path": TITLES}), max_size=6))
def test_the_datapackage_is_json_dumps_with_an_indent_of_two(sources):
    descriptor = datapackage(sources)
    assert package_json(descriptor) == json.dumps(descriptor, indent=2, ensure_ascii=False)


def test_every_table_is_on_disk_before_any_is_renamed(monkeypatch, tmp_path):
    """Tables are made durable at commit, not as they are written; still before any rename."""
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def replace(src, dst):
        if Path(dst).name in {f"{name}.csv" for name in TABLE_NAMES} | {DATAPACKAGE}:
            events.append("rename")
        return real_replace(src, dst)

    monkeypatch.setattr(etl.tables.os, "fsync", lambda fd: events.append("sync") or real_fsync(fd))
    monkeypatch.setattr(etl.tables.os, "replace", replace)
    run(copy_corpus(tmp_path / "in", ("000", "001")), tmp_path / "out", jobs=1, use_cache=False)
    assert events == ["sync"] * (len(TABLE_NAMES) + 1) + ["rename"] * (len(TABLE_NAMES) + 1)


# --- reading against datapackage.json -----------------------------------------------------------
@pytest.fixture
def tables_dir(tmp_path):
    dest = tmp_path / "processed"
    dest.mkdir()
    for name in [*(f"{t}.csv" for t in TABLE_NAMES), DATAPACKAGE]:
        (dest / name).write_bytes((COMMITTED / name).read_bytes())
    return dest


def test_a_table_edited_by_hand_is_named_against_the_manifest(tables_dir):
    path = tables_dir / "people.csv"
    path.write_text(
        path.read_text("utf-8").replace("President of Iran", "President of Iran (edited)", 1), "utf-8"
    )
    start = time.monotonic()
    with pytest.raises(TableError, match="does not match the sha256") as e:
        read_tables(tables_dir)
    assert e.value.path == path
    assert time.monotonic() - start < 4, "a settled mismatch should not wait for the full deadline"


def test_a_damaged_table_gets_its_own_message_not_only_the_hash(tables_dir):
    path = tables_dir / "claims.csv"
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(TableError, match="cut short") as e:
        read_tables(tables_dir)
    assert e.value.path == path


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda p: p.unlink(), "file is missing"),
        (lambda p: p.write_text("{not json"), "is not a datapackage.json"),
        (lambda p: p.write_text(json.dumps({"resources": [{"path": "claims.csv"}]})), "gives no sha256"),
    ],
    ids=["missing", "not json", "no hashes"],
)
def test_a_bad_manifest_is_named(tables_dir, damage, words):
    damage(tables_dir / DATAPACKAGE)
    with pytest.raises(TableError, match=words) as e:
        read_tables(tables_dir)
    assert e.value.path == tables_dir / DATAPACKAGE


def test_the_tables_are_parsed_from_the_bytes_that_were_checked(monkeypatch, tables_dir):
    """No second read: a file swapped after its hash was checked cannot reach the parser."""
    import etl.tables

    reads: list[Path] = []
    real = Path.read_bytes

    def counting(self):
        reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    monkeypatch.setattr(etl.tables, "read_table", lambda *a: pytest.fail("read_tables read a table again"))
    read_tables(tables_dir)
    assert sorted(p.name for p in reads) == sorted([DATAPACKAGE, *(f"{t}.csv" for t in TABLE_NAMES)])


# --- a writer and readers racing ----------------------------------------------------------------
WRITER = """
import json, sys, time
from pathlib import Path
from etl.tables import read_tables, write_tables
folder, stop = Path(sys.argv[1]), Path(sys.argv[2])
sets = []
for source in sys.argv[3:]:
    sources = json.loads((Path(source) / "datapackage.json").read_text())["sources"]
    sets.append((read_tables(Path(source)), sources))
print("ready", flush=True)
end, n = time.monotonic() + 120, 0
while not stop.exists() and time.monotonic() < end:
    tables, sources = sets[n % 2]
    write_tables(tables, folder, sources)
    n += 1
print(n, flush=True)
"""


def _old_read_tables(directory: Path) -> dict[str, pd.DataFrame]:
    """How read_tables read before: one file after another, nothing tying them together."""
    return {name: read_table(name, directory) for name in TABLE_NAMES}


def _digest(tables: dict[str, pd.DataFrame]) -> str:
    return hashlib.sha256(b"".join(to_csv_bytes(tables[name]) for name in TABLE_NAMES)).hexdigest()


def _consistent(tables: dict[str, pd.DataFrame]) -> bool:
    counts = tables["claims"].groupby("article_id").size()
    n_claims = tables["articles"].set_index("article_id")["n_claims"]
    return bool((n_claims == counts.reindex(n_claims.index, fill_value=0)).all()) and set(
        counts.index
    ) <= set(n_claims.index)


def _reader(read, folder: Path, stop: threading.Event, log: list) -> None:
    while not stop.is_set():
        before = (folder / DATAPACKAGE).stat().st_ino
        try:
            tables = read(folder)
        except TableError as e:  # the old reader can meet a file cut by nothing but a mix
            log.append(("error", str(e), True))
            continue
        overlapped = (folder / DATAPACKAGE).stat().st_ino != before
        log.append((_digest(tables), _consistent(tables), overlapped))


def test_readers_racing_a_writer_get_one_whole_set(tmp_path):
    # Two table sets that disagree: five articles, and three of them with other claims counts.
    builds = []
    for name, prefixes in (("a", ("000", "001", "002", "003", "004")), ("b", ("001", "004"))):
        run(copy_corpus(tmp_path / f"in-{name}", prefixes), tmp_path / name, use_cache=False)
        builds.append(_digest(read_tables(tmp_path / name)))
    folder = tmp_path / "shared"
    run(tmp_path / "in-a", folder, use_cache=False)

    stop_file = tmp_path / "stop"
    writer = subprocess.Popen(
        [PYTHON, "-c", WRITER, str(folder), str(stop_file), str(tmp_path / "a"), str(tmp_path / "b")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert writer.stdout.readline().strip() == "ready"
    stop = threading.Event()
    new_log: list = []
    old_log: list = []
    readers = [threading.Thread(target=_reader, args=(read_tables, folder, stop, new_log)) for _ in range(2)]
    readers.append(threading.Thread(target=_reader, args=(_old_read_tables, folder, stop, old_log)))
    for r in readers:
        r.start()
    # Race until the readers have met enough writes (and the old reader a mix), 60 s at most.
    start = time.monotonic()
    while time.monotonic() - start < 60:
        time.sleep(0.5)
        overlapped = sum(1 for _, _, o in new_log if o)
        old_mixed = sum(1 for d, ok, _ in old_log if d not in builds or not ok)
        if time.monotonic() - start > 5 and overlapped >= 10 and old_mixed >= 1:
            break
    stop_file.touch()
    writes = int(writer.communicate(timeout=60)[0].split()[-1])
    stop.set()
    for r in readers:
        r.join()

    overlapped = sum(1 for _, _, o in new_log if o)
    assert writes >= 2 and overlapped >= 10, (
        f"{writes} writes, {len(new_log)} reads, {overlapped} during a write"
    )
    wrong = [entry for entry in new_log if entry[0] not in builds or not entry[1]]
    assert wrong == [], f"{len(wrong)} of {len(new_log)} reads were a mix of two builds"
    assert {d for d, _, _ in new_log} == set(builds), "the readers should have seen both builds"
    # The same race against the old reader does mix the two builds: the test can fail.
    mixed = [entry for entry in old_log if entry[0] not in builds or not entry[1]]
    assert mixed, f"the old reader never saw a mix in {len(old_log)} reads: the race is too gentle"


def test_fast_writer_sees_a_formula_or_a_quote_in_any_row_of_a_long_column():
    """The writer looks at a column's bytes to decide whether any cell needs a guard or quotes:
    one such cell among thousands, first, last or in a later block, is still written as pandas does."""
    for cell in ("=1+2", "a,b", 'say "x"', "two\nlines", "-3", "'quoted", "@x", "\tx"):
        for at in (0, 4_999, 9_999):
            words = ["plain é text"] * 10_000
            words[at] = cell
            df = pd.DataFrame(
                {"t": words, "share": np.tile([0.1 + 0.2, -0.0, np.nan, 95.83333333333333], 2_500)}
            )
            assert _fast(df) == to_csv_bytes(df), (cell, at)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TITLES, TITLES), max_size=6))
def test_sources_from_columns_are_the_datapackage_json_dumps_writes(rows):
    """A list of sources built in Arrow (SourceColumns) is written as json.dumps writes the same
    list of dicts; a list with a character JSON escapes is left to json itself."""
    from etl.tables import SourceColumns

    columns = SourceColumns(
        arrow.array([t for t, _ in rows], arrow.string()), arrow.array([p for _, p in rows], arrow.string())
    )
    sources = columns.as_dicts()
    assert sources == [{"title": t, **({"path": p} if p else {})} for t, p in rows]
    expected = json.dumps(datapackage(sources), indent=2, ensure_ascii=False)
    written = columns.json_list()
    if written is None:
        assert not rows or any(c in t + p for t, p in rows for c in '"\\' + "".join(map(chr, range(32))))
    else:
        assert package_json(datapackage([]), written) == expected
