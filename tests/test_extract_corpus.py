"""The extractor against a hand-written corpus of news-style sentences with their expected claims.

tests/corpus/sentences.toml was written from the claims contract, not from the code: each case is
a sentence or short snippet and every claim a careful analyst would record from it (none for
distractors such as years, head counts, investment or growth rates).
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest

from etl.extract import extract

CASES = tomllib.loads((Path(__file__).parent / "corpus" / "sentences.toml").read_text("utf-8"))["case"]
KEYS = ("pair", "metric", "direction", "category", "unit", "qualifier")


def _key(claim: dict) -> tuple:
    return (*(claim.get(k, "") for k in KEYS), round(float(claim["value"]), 6))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_extracts_exactly_the_expected_claims(case: dict) -> None:
    text = case["text"]
    found = extract("case", text).claims
    got = sorted(_key(c.row()) for c in found)
    assert got == sorted(_key(c) for c in case["claims"])
    by_key = {_key(c.row()): c for c in found}
    for expected in case["claims"]:
        claim = by_key[_key(expected)]
        assert text[claim.start : claim.end] == expected["figure"]
        assert claim.quote in text and text.find(claim.quote) <= claim.start < claim.end
        assert math.isfinite(claim.value)
        for optional in ("speaker", "scope", "period"):
            if optional in expected:
                assert getattr(claim, optional) == expected[optional], optional


def test_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 40
    groups = {c["id"].split("-")[0] for c in CASES}
    assert {"money", "qual", "target", "flow", "share", "distractor"} <= groups
    assert sum(1 for c in CASES if not c["claims"]) >= 10
