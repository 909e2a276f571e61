"""The extractor against whole news articles written for testing (tests/corpus/articles).

Each article is wire copy about a different country pair, full of distractors (years, counts,
growth rates, investment, global totals, export targets); expected.toml lists every claim a
careful analyst would record, with its speaker where the text names one.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from etl.extract import extract

CORPUS = Path(__file__).parent / "corpus" / "articles"
ARTICLES = tomllib.loads((CORPUS / "expected.toml").read_text("utf-8"))["article"]
KEYS = ("pair", "metric", "direction", "category", "unit", "qualifier")


def _key(claim: dict) -> tuple:
    return (*(claim.get(k, "") for k in KEYS), round(float(claim["value"]), 3))


@pytest.mark.parametrize("article", ARTICLES, ids=[a["id"] for a in ARTICLES])
def test_article_claims(article: dict) -> None:
    text = (CORPUS / f"{article['id']}.txt").read_text("utf-8")
    found = [c.row() for c in extract(article["id"], text).claims]
    assert Counter(_key(c) for c in found) == Counter(_key(c) for c in article["claims"])
    for expected in article["claims"]:
        matches = [c for c in found if _key(c) == _key(expected)]
        assert any(text[c["start"] : c["end"]] == expected["figure"] for c in matches), expected["figure"]
        if "speaker" in expected:
            assert expected["speaker"] in {c["speaker"] for c in matches}, expected
        for optional in ("scope", "period"):
            if optional in expected:
                assert expected[optional] in {c[optional] for c in matches}, (optional, expected)
