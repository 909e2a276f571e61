"""Property tests: whatever text arrives, the extractor answers sanely and the same way twice."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.contract import CLAIM_COLUMNS
from etl.extract import extract
from etl.figures import find_money, find_percent

SENTENCES = [
    c["text"]
    for c in tomllib.loads((Path(__file__).parent / "corpus" / "sentences.toml").read_text("utf-8"))["case"]
]
FRAGMENTS = [
    "$12 billion", "USD 30bn", "€1.5 bln", "20 billion dollars", "65%", "about", "over", "Iran", "Iraq",
    "Tehran", "exports to", "imports from", "trade", "target", "aims to raise", "said", "the ambassador",
    "“", "”", "\n", ". ", ", ", "—", "<script>", "=SUM(A1)", "\x00", "\u202e", "🇮🇷",
]  # fmt: skip

# Arbitrary Unicode, and text built from the pieces the rules look for (more likely to reach them).
texts = st.one_of(
    st.text(max_size=600),
    st.lists(st.sampled_from(FRAGMENTS + SENTENCES[:20]), max_size=25).map("".join),
    st.lists(st.one_of(st.sampled_from(SENTENCES), st.text(max_size=40)), max_size=6).map(" ".join),
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts)
def test_claims_point_into_the_text(text: str) -> None:
    result = extract("prop", text)
    for claim in result.claims:
        row = claim.row()
        assert list(row) == CLAIM_COLUMNS
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start : claim.end].strip(), "the span holds the figure"
        assert claim.quote and claim.quote in text
        assert text.find(claim.quote) <= claim.start or claim.quote in text[: claim.end]
        assert math.isfinite(claim.value) and claim.value >= 0
        assert claim.claim_id == f"prop:{claim.start}"
        a, b = claim.pair.split("-")
        assert len(a) == len(b) == 3 and a < b
        if claim.unit == "percent":
            assert claim.value <= 100


@SETTINGS
@given(texts)
def test_same_text_same_claims(text: str) -> None:
    assert extract("prop", text) == extract("prop", text)


@SETTINGS
@given(st.text(max_size=300))
def test_figure_finders_never_raise_and_stay_in_bounds(text: str) -> None:
    for figure in find_money(text) + find_percent(text):
        assert 0 <= figure.start < figure.end <= len(text)
        assert math.isfinite(figure.value) and figure.value >= 0
