"""The claims contract in etl/contract.py and the table documentation in tables.yml agree."""

from __future__ import annotations

import re

from etl import contract
from etl.tables import fields


def _field(table: str, name: str) -> dict:
    (f,) = [f for f in fields(table) if f["name"] == name]
    return f


def test_claim_columns_are_the_documented_columns_in_order() -> None:
    assert [f["name"] for f in fields("claims")] == contract.CLAIM_COLUMNS


def test_enumerations_match() -> None:
    assert _field("claims", "metric")["enum"] == list(contract.METRICS)
    assert _field("claims", "qualifier")["enum"] == list(contract.QUALIFIERS)
    assert _field("articles", "date_source")["enum"] == list(contract.DATE_SOURCES)
    coverage = re.compile(_field("claims", "coverage")["pattern"])
    assert all(coverage.fullmatch(c) for c in (*contract.COVERAGES, ""))
    assert not coverage.fullmatch("decade")
    kind = re.compile(_field("claims", "target_kind")["pattern"])
    assert all(kind.fullmatch(k) for k in (*contract.TARGET_KINDS, ""))
