"""The committed tables are exactly what the ETL makes, valid Frictionless, and the CLI works."""

from __future__ import annotations

import csv
import json
import subprocess

import frictionless
import pytest
from etl_fixtures import CLAIM_COLUMNS, COMMITTED, PYTHON, REVIEW_COLUMNS, TABLE_FILES, copy_corpus, snapshot

from etl.contract import CLAIM_COLUMNS as EXTRACT_COLUMNS
from etl.pipeline import RAW, run
from etl.tables import TABLE_NAMES, columns, read_table, read_tables, write_tables


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("fresh")
    written = run(RAW, out)
    assert sorted(p.name for p in written) == sorted(TABLE_FILES)
    return out


def test_committed_files_are_the_expected_set():
    assert set(snapshot(COMMITTED)) == set(TABLE_FILES)


def test_fresh_run_writes_only_the_tables(fresh):
    assert set(snapshot(fresh)) == set(TABLE_FILES), "stray files (temp files?) in the output"


@pytest.mark.parametrize("name", TABLE_FILES)
def test_fresh_run_reproduces_committed_file_byte_for_byte(fresh, name):
    committed = (COMMITTED / name).read_bytes()
    made = (fresh / name).read_bytes()
    assert made == committed, f"{name} differs from data/processed/{name}: rerun `python -m etl`"


def test_two_runs_are_identical(fresh, tmp_path):
    run(RAW, tmp_path)
    assert snapshot(tmp_path) == snapshot(fresh)


def test_read_then_write_round_trips_byte_for_byte(tmp_path):
    tables = read_tables(COMMITTED)
    sources = json.loads((COMMITTED / "datapackage.json").read_text(encoding="utf-8"))["sources"]
    write_tables(tables, tmp_path, sources)
    assert snapshot(tmp_path) == snapshot(COMMITTED)


def _report_errors(report) -> list:
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_committed_datapackage_is_valid_frictionless():
    report = frictionless.validate(str(COMMITTED / "datapackage.json"))
    assert report.valid, _report_errors(report)
    assert {t.name for t in report.tasks} == {n.replace("_", "-") for n in TABLE_NAMES}


def test_fresh_datapackage_is_valid_frictionless(fresh):
    report = frictionless.validate(str(fresh / "datapackage.json"))
    assert report.valid, _report_errors(report)
    assert len(report.tasks) == len(TABLE_NAMES)


def test_frictionless_catches_a_broken_table(fresh, tmp_path):
    # Guard against a validator that passes everything: the same package with a bad cell fails.
    for name in TABLE_FILES:
        (tmp_path / name).write_bytes((fresh / name).read_bytes())
    claims = tmp_path / "claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace(",trade_volume,", ",gdp,", 1), encoding="utf-8"
    )
    assert not frictionless.validate(str(tmp_path / "datapackage.json")).valid


# --- the CLI on a plain folder of .txt files ----------------------------------------------------
@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli")
    articles = copy_corpus(base / "in", metadata=False)
    out = base / "out"
    cwd = base / "elsewhere"
    cwd.mkdir()
    proc = subprocess.run(
        [PYTHON, "-m", "etl", "--articles", str(articles), "--out", str(out)],
        cwd=cwd, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return proc, out


def test_cli_on_txt_folder_without_metadata(cli_run):
    proc, out = cli_run
    assert proc.returncode == 0, proc.stderr
    assert (out / "claims.csv").is_file()
    with (out / "claims.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == CLAIM_COLUMNS + REVIEW_COLUMNS
    assert read_table("claims", out)["article_id"].nunique() == 4  # 003 has no claims


def test_cli_claims_without_metadata(cli_run):
    # Without the metadata rows, dates come from the texts' datelines alone (004 carries its own,
    # the one its metadata row gives), so the claims are the committed ones.
    _, out = cli_run
    assert (out / "claims.csv").read_bytes() == (COMMITTED / "claims.csv").read_bytes()
    articles = read_table("articles", out)
    assert (articles["title"] == "").all()
    assert set(articles["date_source"]) <= {"dateline", "none"}
    assert (articles.loc[articles["date_source"] == "none", "published"] == "").all()


def test_claims_columns_in_the_schema_match_the_contract():
    assert columns("claims") == CLAIM_COLUMNS + REVIEW_COLUMNS, "the extractor's columns, then the review's"
    assert EXTRACT_COLUMNS == CLAIM_COLUMNS
