"""The claims contract in etl/contract.py and the table documentation in tables.yml agree."""

from __future__ import annotations

import re

from etl import contract
from etl.tables import fields


def _field(table: str, name: str) -> dict:
    (f,) = [f for f in fields(table) if f["name"] == name]
    return f


def test_claim_columns_are_the_documented_columns_in_order() -> None:
    # The extractor's columns first, then those the review adds (etl/review.py).
    assert [f["name"] for f in fields("claims")] == contract.CLAIM_COLUMNS + contract.REVIEW_COLUMNS


def test_review_words_match() -> None:
    assert _field("claims", "review")["enum"] == list(contract.REVIEW_STATUSES)
    assert _field("reviewed_claims", "action")["enum"] == list(contract.ACTIONS)
    assert set(contract.STATUS_OF_ACTION) == set(contract.ACTIONS)
    assert set(contract.STATUS_OF_ACTION.values()) == set(contract.REVIEW_STATUSES) - {contract.UNREVIEWED}
    documented = [f["name"] for f in fields("reviewed_claims")]
    assert all(f in documented for f in contract.REVIEWED_FIELDS)
    metric = re.compile(_field("reviewed_claims", "metric")["pattern"])
    assert all(metric.fullmatch(m) for m in (*contract.METRICS, "")) and not metric.fullmatch("gdp")
    qualifier = re.compile(_field("reviewed_claims", "qualifier")["pattern"])
    assert all(qualifier.fullmatch(q) for q in (*contract.QUALIFIERS, "")) and not qualifier.fullmatch(
        "roughly"
    )
    assert contract.CURATED == "curated"


def test_enumerations_match() -> None:
    assert _field("claims", "metric")["enum"] == list(contract.METRICS)
    assert _field("claims", "qualifier")["enum"] == list(contract.QUALIFIERS)
    assert _field("articles", "date_source")["enum"] == list(contract.DATE_SOURCES)
    coverage = re.compile(_field("claims", "coverage")["pattern"])
    assert all(coverage.fullmatch(c) for c in (*contract.COVERAGES, ""))
    assert not coverage.fullmatch("decade")
    kind = re.compile(_field("claims", "target_kind")["pattern"])
    assert all(kind.fullmatch(k) for k in (*contract.TARGET_KINDS, ""))
