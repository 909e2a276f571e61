"""The app side of reviewing (ui/review.py): who may write, saving and rebuilding, what is shown."""

from __future__ import annotations

import shutil

import pytest
from etl_fixtures import COMMITTED, article_id, copy_corpus

from etl.pipeline import run
from etl.review import REVIEWS_CSV, ReviewError, read_reviews
from etl.tables import read_table
from ui import review as ui_review
from ui.review import Gate, parse_amount, rule_values, status_text, write_gate

A0 = article_id("000")
TWELVE = f"{A0}:701"


# === who may write ================================================================================
@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "LOCALHOST", "::1", "[::1]", "127.0.0.2"])
def test_loopback_servers_may_write(address):
    assert write_gate(address, None).allowed


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "example.org", "", None])
def test_other_addresses_may_not_write_and_say_why(address):
    gate = write_gate(address, None)
    assert not gate.allowed
    assert "other machines may reach it" in gate.reason and "TRADE_REVIEW_WRITE=1" in gate.reason


def test_the_setting_turns_writing_on_or_off_anywhere():
    assert write_gate("0.0.0.0", "1").allowed and write_gate("0.0.0.0", "on").allowed
    assert not write_gate("127.0.0.1", "0").allowed
    odd = write_gate("127.0.0.1", "maybe")
    assert not odd.allowed and "neither 1 (on) nor 0 (off)" in odd.reason
    assert write_gate("127.0.0.1", "  ").allowed, "an empty setting is no setting"


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"X-Forwarded-For": "203.0.113.9"}, "came through a proxy (X-Forwarded-For is set)"),
        ({"forwarded": "for=203.0.113.9"}, "came through a proxy (Forwarded is set)"),
        ({"Via": "1.1 nginx"}, "came through a proxy (Via is set)"),
        ({"Host": "dash.example.org"}, "asked for as dash.example.org"),
        ({"Host": "rebind.example:8501"}, "asked for as rebind.example:8501"),
    ],
    ids=["x-forwarded-for", "forwarded", "via", "host name", "dns rebinding"],
)
def test_a_loopback_server_behind_a_proxy_or_asked_by_name_may_not_write(headers, words):
    gate = write_gate("127.0.0.1", None, headers)
    assert not gate.allowed and words in gate.reason
    assert write_gate("127.0.0.1", "1", headers).allowed, "unless the deployment says so"


@pytest.mark.parametrize("host", ["127.0.0.1:8501", "localhost:8501", "[::1]:8501", "localhost", "127.0.0.1"])
def test_a_loopback_server_asked_by_a_loopback_name_may_write(host):
    assert write_gate("127.0.0.1", None, {"Host": host, "Origin": f"http://{host}"}).allowed


def test_the_gate_reads_streamlits_config(monkeypatch):
    import streamlit as st

    real = st.get_option
    monkeypatch.delenv("TRADE_REVIEW_WRITE", raising=False)
    monkeypatch.setattr(st, "get_option", lambda key: "0.0.0.0" if key == "server.address" else real(key))
    assert not ui_review.gate().allowed
    monkeypatch.setattr(st, "get_option", lambda key: "127.0.0.1" if key == "server.address" else real(key))
    assert ui_review.gate().allowed
    monkeypatch.setenv("TRADE_REVIEW_WRITE", "1")
    assert ui_review.gate().allowed


# === saving ==========================================================================================
@pytest.fixture
def served(tmp_path, monkeypatch):
    """The app's folders pointed at a temporary copy of the data (never the repository's)."""
    raw = copy_corpus(tmp_path / "raw", metadata=True)
    processed = tmp_path / "processed"
    reviews = tmp_path / "reviewed_claims.csv"
    shutil.copyfile(REVIEWS_CSV, reviews)
    run(raw, processed, reviews=reviews)
    monkeypatch.setenv("TRADE_RAW_DIR", str(raw))
    monkeypatch.setenv("TRADE_PROCESSED_DIR", str(processed))
    monkeypatch.setenv("TRADE_REVIEWS_FILE", str(reviews))
    before = REVIEWS_CSV.read_bytes()
    yield processed, reviews
    assert REVIEWS_CSV.read_bytes() == before, "a test wrote the repository's reviews file"


def _confirm() -> dict[str, str]:
    claims = read_table("claims", COMMITTED).set_index("claim_id")
    claim = {**claims.loc[TWELVE].to_dict(), "claim_id": TWELVE}
    text = (COMMITTED.parent / "raw" / f"{A0}.txt").read_text(encoding="utf-8-sig")
    return ui_review.decision_about(claim, text, "confirm", "Ana Analyst")


ON, OFF = Gate(True, "test: on"), write_gate("0.0.0.0", None)


def test_save_writes_the_decision_and_rebuilds_the_tables(served):
    processed, reviews = served
    ui_review.save(_confirm(), ON)
    assert read_reviews(reviews)["claim_id"].tolist() == [TWELVE]
    claims = read_table("claims", processed).set_index("claim_id")
    assert claims.loc[TWELVE, "review"] == "confirmed"
    assert (processed / "reviewed_claims.csv").read_bytes() == reviews.read_bytes()
    ui_review.withdraw(TWELVE, ON)
    assert read_reviews(reviews).empty
    assert read_table("claims", processed).set_index("claim_id").loc[TWELVE, "review"] == "unreviewed"


def test_a_server_that_may_not_write_refuses_to_save(served):
    processed, reviews = served
    before = (reviews.read_bytes(), (processed / "claims.csv").read_bytes())
    with pytest.raises(ReviewError) as e:
        ui_review.save(_confirm(), OFF)
    assert "saving is off" in e.value.problems[0]
    with pytest.raises(ReviewError):
        ui_review.withdraw(TWELVE, OFF)
    assert (reviews.read_bytes(), (processed / "claims.csv").read_bytes()) == before


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"note": "<script>alert(1)</script>"}, "note: holds HTML"),
        ({"reviewer": '=HYPERLINK("http://x")'}, "reviewer: starts with '='"),
        ({"note": "x" * 1_000_000}, "note: is 1,000,000 characters long"),
        ({"claim_id": f"{A0}:9", "start": "9", "end": "20"}, "figure: the text at 9-20 now reads"),
        ({"claim_id": "nope:701", "article_id": "nope"}, "article nope is not in the corpus"),
    ],
    ids=["html", "formula", "1 MB", "unknown claim id", "unknown article"],
)
def test_a_hostile_decision_is_refused_with_a_clear_message(served, change, words):
    _, reviews = served
    before = reviews.read_bytes()
    with pytest.raises(ReviewError) as e:
        ui_review.save({**_confirm(), **change}, ON)
    assert any(words in p for p in e.value.problems), e.value.problems
    assert reviews.read_bytes() == before


def test_a_failed_rebuild_puts_the_decisions_back(served, monkeypatch):
    _, reviews = served
    before = reviews.read_bytes()

    def broken() -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ui_review.data, "rebuild", broken)
    with pytest.raises(ReviewError, match="could not be rebuilt, so the decision was not kept: disk full"):
        ui_review.save(_confirm(), ON)
    assert reviews.read_bytes() == before


# === words ===========================================================================================
@pytest.mark.parametrize(
    ("typed", "value"),
    [("12 billion", 12e9), ("12bn", 12e9), ("500 Million", 5e8), ("12,000,000,000", 12e9), ("30", 30.0),
     ("1.5 b", 1.5e9), ("  2   trillion ", 2e12)],
)  # fmt: skip
def test_amounts_as_people_type_them(typed, value):
    assert parse_amount(typed) == value


@pytest.mark.parametrize("typed", ["twelve", "$12 billion", "12 gazillion", "-5", "1e9", "", "1" * 100])
def test_what_is_not_an_amount(typed):
    assert parse_amount(typed) is None


def test_status_words():
    assert status_text({"review": "unreviewed"}) == "not reviewed: extracted by rule"
    amended = {"review": "amended", "reviewed_by": "Ana", "reviewed_at": "2025-01-31T09:30:00Z",
               "extracted": '{"value": 18000000000, "qualifier": "approx"}', "review_note": "he said 17"}  # fmt: skip
    assert status_text(amended) == (
        "✓ amended by Ana, 2025-01-31 (the rule read: value 18,000,000,000, qualifier approx): he said 17"
    )
    assert rule_values('{"direction": ""}') == "direction (none)"


# === what charts say ================================================================================
def test_chart_words_for_each_review():
    import pandas as pd

    from charts import checked

    claims = pd.DataFrame([
        {"claim_id": "a:1", "review": "confirmed", "reviewed_by": "Ana", "reviewed_at": "2025-01-31T09:30:00Z"},
        {"claim_id": "a:2", "review": "amended", "reviewed_by": "Ben", "reviewed_at": "2025-02-01T00:00:00Z"},
        {"claim_id": "a:3", "review": "added", "reviewed_by": "Cy", "reviewed_at": "2025-02-02T00:00:00Z"},
        {"claim_id": "a:4", "review": "unreviewed", "reviewed_by": "", "reviewed_at": ""},
        {"claim_id": "a:5", "review": "rejected", "reviewed_by": "Di", "reviewed_at": "2025-02-03T00:00:00Z"},
    ])  # fmt: skip
    said = [checked.words(c) for _, c in claims.iterrows()]
    assert said == [
        "reviewed by a person (Ana, 2025-01-31)", "reviewed and corrected by a person (Ben, 2025-02-01)",
        "added by a person (Cy, 2025-02-02)", "extracted by rule, not reviewed", "extracted by rule, not reviewed",
    ]  # fmt: skip
    assert checked.checked_ids(claims) == {"a:1", "a:2", "a:3"}
    assert checked.tally(claims) == "3 of 5 figures reviewed by a person"
    assert checked.tally(claims.head(3)) == "every figure reviewed by a person"
    assert checked.tally(claims.tail(2)) == "no figure reviewed by a person"
    assert checked.mark("Hassanzadeh: $12.0B", True) == "Hassanzadeh: $12.0B ✓"
    assert checked.all_checked(["a:1", "a:2"], {"a:1", "a:2"}) and not checked.all_checked(
        ["a:1", "a:4"], {"a:1"}
    )
    assert not checked.all_checked([""], {"a:1"}), "a derived side stands on no claim of its own"
