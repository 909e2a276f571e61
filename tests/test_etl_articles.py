"""The must-hold list: what the ETL has to find in the five real articles, and nothing else."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest
from etl_fixtures import (
    AMBASSADOR,
    ARTICLE_IDS,
    HASSANZADEH,
    article_id,
    article_text,
    sha256_file,
)

from etl.pipeline import RAW, run
from etl.tables import read_table

TJK = "IRN-TJK"
IRQ = "IRN-IRQ"

# (article prefix, pair, metric, direction, value, qualifier) -> the rest of what must hold.
# `figure` is text[start:end]; fields left out are not pinned by the contract.
EXPECTED = {
    ("000", IRQ, "trade_volume", "", 12e9, "exact"):
        {"figure": "$12 billion", "unit": "USD", "speaker": HASSANZADEH, "scope": ""},
    ("000", IRQ, "trade_target", "", 20e9, "exact"):
        {"figure": "$20 billion", "unit": "USD", "speaker": HASSANZADEH, "scope": ""},
    ("000", IRQ, "trade_volume", "", 18e9, "approx"):
        {"figure": "$18 billion", "unit": "USD", "speaker": AMBASSADOR,
         "scope": "including energy"},
    ("000", IRQ, "exports", "IRQ->IRN", 0.5e9, "approx"):
        {"figure": "$500 million", "unit": "USD", "speaker": AMBASSADOR, "scope": ""},
    ("001", IRQ, "trade_volume", "", 10e9, "lower_bound"):
        {"figure": "$10 billion", "unit": "USD", "speaker": AMBASSADOR, "scope": "",
         "period": "annual"},
    ("001", IRQ, "trade_target", "", 20e9, "exact"):
        {"figure": "$20 billion", "unit": "USD", "speaker": AMBASSADOR, "scope": "",
         "period": "annual"},
    ("001", IRQ, "import_share", "IRN->IRQ", 65.0, "exact"):
        {"figure": "65%", "unit": "percent", "category": ""},
    ("001", IRQ, "category_share", "IRN->IRQ", 30.0, "exact"):
        {"figure": "30%", "unit": "percent", "category": "agricultural products"},
    ("001", IRQ, "category_share", "IRN->IRQ", 3.0, "exact"):
        {"figure": "3%", "unit": "percent", "category": "leather"},
    ("002", TJK, "trade_target", "", 1.0e9, "exact"):
        {"figure": "$1.0 billion", "unit": "USD", "period": "near future", "scope": ""},
    ("004", IRQ, "trade_target", "", 20e9, "exact"):
        {"figure": "20 billion dollars", "unit": "USD", "speaker": AMBASSADOR,
         "period": "annual", "scope": ""},
}  # fmt: skip


def _key(row: pd.Series) -> tuple:
    return (row.article_id[:3], row.pair, row.metric, row.direction, float(row.value), row.qualifier)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    run(RAW, out)
    return out


@pytest.fixture(scope="module")
def claims(out):
    return read_table("claims", out)


@pytest.fixture(scope="module")
def by_key(claims):
    keyed = {}
    for row in claims.itertuples(index=False):
        keyed.setdefault(_key(row), []).append(row)
    return keyed


# --- claims: exactly the must-hold list ---------------------------------------------------------
def test_claims_are_exactly_the_must_hold_list(claims):
    found = [_key(r) for r in claims.itertuples(index=False)]
    assert len(found) == len(set(found)), f"the same claim twice: {sorted(found)}"
    assert set(found) == set(EXPECTED), (
        f"missing: {sorted(set(EXPECTED) - set(found))}; unexpected: {sorted(set(found) - set(EXPECTED))}"
    )


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda k: f"{k[0]}-{k[2]}-{k[4]:g}")
def test_claim_details(by_key, key):
    (row,) = by_key[key]
    text = article_text(row.article_id)
    want = EXPECTED[key]
    assert text[row.start : row.end] == want["figure"]
    assert row.unit == want["unit"]
    for field in ("speaker", "scope", "period", "category"):
        if field in want:
            assert getattr(row, field) == want[field], field


def test_ambassador_is_one_speaker_under_three_spellings(claims):
    # The raw texts really do spell him three ways ...
    assert "Naseer Abdul Mohsen," in article_text(article_id("000"))
    assert "Nasir Abdulmuhsin" in article_text(article_id("001"))
    assert "Naseer Abdul Mohsen Abdullah" in article_text(article_id("004"))
    # ... and every claim of his carries the one canonical name.
    his = claims[claims["speaker"] == AMBASSADOR]
    assert set(his["article_id"].str[:3]) == {"000", "001", "004"}
    assert len(his) == 5
    assert not any(
        s != AMBASSADOR and ("Mohsen" in s or "muhsin" in s or "Abdulla" in s) for s in claims["speaker"]
    )


def test_every_claim_id_is_article_and_start(claims):
    for row in claims.itertuples(index=False):
        assert row.claim_id == f"{row.article_id}:{row.start}"
    assert claims["claim_id"].is_unique


def test_every_quote_is_the_verbatim_sentence_holding_the_figure(claims):
    for row in claims.itertuples(index=False):
        text = article_text(row.article_id)
        assert row.quote.strip() == row.quote and row.quote
        # Some occurrence of the quote in the text must contain the figure's span.
        pos, holds = text.find(row.quote), False
        while pos != -1:
            if pos <= row.start and row.end <= pos + len(row.quote):
                holds = True
                break
            pos = text.find(row.quote, pos + 1)
        assert holds, f"{row.claim_id}: quote does not contain the figure in the text"
        # A whole sentence: starts a line or follows a sentence end, and ends a sentence.
        before = text[:pos].rstrip(" ")
        assert before == "" or before[-1] in '\n.!?”"', f"{row.claim_id}: quote starts mid-sentence"
        assert row.quote[-1] in '.!?”"', f"{row.claim_id}: quote ends mid-sentence"


def test_pairs_are_sorted_iso3_and_directions_lie_in_the_pair(claims):
    for row in claims.itertuples(index=False):
        a, b = row.pair.split("-")
        assert a < b
        if row.direction:
            exporter, importer = row.direction.split("->")
            assert {exporter, importer} == {a, b}
        else:
            assert row.metric in ("trade_volume", "trade_target")


# --- articles -----------------------------------------------------------------------------------
def test_articles_table(out):
    articles = read_table("articles", out)
    assert list(articles["article_id"]) == list(ARTICLE_IDS)
    counts = dict(zip(articles["article_id"].str[:3], articles["n_claims"], strict=True))
    assert counts == {"000": 4, "001": 5, "002": 1, "003": 0, "004": 1}
    published = dict(zip(articles["article_id"].str[:3], articles["published"], strict=True))
    assert published == {"000": "", "001": "", "002": "", "003": "", "004": "2025-07-18"}
    with (RAW / "articles.csv").open(encoding="utf-8", newline="") as f:
        titles = {r["article_id"]: r["title"] for r in csv.DictReader(f)}
    for row in articles.itertuples(index=False):
        assert row.checksum == sha256_file(RAW / f"{row.article_id}.txt")
        assert row.title == titles[row.article_id]


def test_n_claims_matches_claims_table(out, claims):
    articles = read_table("articles", out)
    counts = claims["article_id"].value_counts()
    for row in articles.itertuples(index=False):
        assert row.n_claims == counts.get(row.article_id, 0)


# --- export categories --------------------------------------------------------------------------
CATEGORIES = [
    "mechanical and electrical equipment", "transportation goods", "chemicals",
    "agricultural products", "food industries", "textiles and clothing",
    "metals and mineral products", "stones and glass", "leather", "various industrial goods",
]  # fmt: skip


def test_export_categories(out, claims):
    cats = read_table("export_categories", out)
    assert sorted(cats["category"]) == sorted(CATEGORIES)
    assert set(zip(cats["exporter"], cats["importer"], strict=True)) == {("IRN", "IRQ")}
    assert set(cats["source"]) == {article_id("001")}
    shares = {r.category: r.share for r in cats.itertuples(index=False)}
    assert shares.pop("agricultural products") == 30
    assert shares.pop("leather") == 3
    assert len(shares) == 8 and all(math.isnan(s) for s in shares.values()), shares
    # The shares point at their claims; the others point nowhere.
    ids = set(claims["claim_id"])
    for r in cats.itertuples(index=False):
        assert (r.claim_id in ids) if not math.isnan(r.share) else r.claim_id == ""


def test_unknown_shares_are_empty_cells_not_zero(out):
    with (out / "export_categories.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["share"] for r in rows) == [""] * 8 + ["3", "30"]


# --- derived: target gaps and trade balance -----------------------------------------------------
def test_target_gaps(out, claims):
    gaps = read_table("target_gaps", out)
    assert set(gaps["pair"]) == {IRQ}, "IRN-TJK has a target but no current figure: no gap row"
    assert sorted(gaps["current"]) == [10e9, 12e9, 18e9]
    assert (gaps["target"] == 20e9).all() and (gaps["unit"] == "USD").all()
    (default,) = gaps[gaps["is_default"]].itertuples(index=False)
    twelve = claims[(claims["metric"] == "trade_volume") & (claims["value"] == 12e9)]
    assert default.basis_claim_id == twelve["claim_id"].item()
    assert default.current == 12e9 and default.current_qualifier == "exact"
    assert default.gap == 8e9
    assert default.pct_of_target == pytest.approx(60)
    for row in gaps.itertuples(index=False):
        assert row.gap == pytest.approx(row.target - row.current)
        assert row.pct_of_target == pytest.approx(100 * row.current / row.target)
    targets = claims[(claims["metric"] == "trade_target") & (claims["pair"] == IRQ)]
    assert set(default.target_claim_ids.split(";")) == set(targets["claim_id"])


def test_trade_balance_on_the_12bn_basis(out, claims):
    balance = read_table("trade_balance", out)
    twelve = claims[(claims["metric"] == "trade_volume") & (claims["value"] == 12e9)]
    rows = balance[balance["basis_claim_id"] == twelve["claim_id"].item()]
    sides = {r.direction: r for r in rows.itertuples(index=False)}
    assert set(sides) == {"IRN->IRQ", "IRQ->IRN"}
    iran, iraq = sides["IRN->IRQ"], sides["IRQ->IRN"]
    assert iran.exports == 11.5e9 and iran.derived and iran.exports_claim_id == ""
    exports = claims[claims["metric"] == "exports"]
    assert iraq.exports == 0.5e9 and not iraq.derived
    assert iraq.exports_claim_id == exports["claim_id"].item()
    assert iran.ratio_to_other == pytest.approx(23)
    assert iraq.share_of_total == pytest.approx(100 * 0.5 / 12)  # ~4.17 %
    assert iran.share_of_total + iraq.share_of_total == pytest.approx(100)
    assert (rows["total"] == 12e9).all()
    # One pair of rows per volume basis of the article that states the one-way figure (000); the
    # $10 billion of 001 is never split with it. Nothing for a pair without a one-way figure.
    assert len(balance) == 4 and set(balance["pair"]) == {IRQ}
    assert set(balance["basis_claim_id"].str[:3]) == {"000"}


def test_people_table_has_the_ambassador_once(out):
    people = read_table("people", out)
    assert (people["name"] == AMBASSADOR).sum() == 1
    aliases = people.loc[people["name"] == AMBASSADOR, "aliases"].item().split(";")
    assert {"Naseer Abdul Mohsen", "Nasir Abdulmuhsin"} <= set(aliases)
