"""The extractor's work guards: whatever is pasted, an article is read in time linear in its
length, and what is not read is said (`Extraction.skipped`), never silently dropped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl import extract as rules
from etl.extract import extract
from etl.text import Sentence, clause_around, clause_breaks

FIGURE = "Trade between Iran and Iraq reached $12 billion in 2024."


def test_a_sentence_too_long_is_skipped_and_said() -> None:
    long = "Trade between Iran and Iraq reached $12 billion " + "and more " * 400 + "."
    x = extract("a", long + "\n" + FIGURE)
    assert [c.value for c in x.claims] == [12e9]  # the ordinary sentence is still read
    assert len(x.skipped) == 1 and x.skipped[0].start == 0
    assert "too long" in x.skipped[0].reason


def test_a_sentence_too_dense_is_skipped_and_said() -> None:
    dense = "Trade between Iran and Iraq: " + ", ".join(["$1 billion"] * (rules.MAX_FIGURES_PER_SENTENCE + 1))
    x = extract("a", dense + ".\n" + FIGURE)
    assert [c.value for c in x.claims] == [12e9]
    assert [s.reason.split(" (")[0] for s in x.skipped] == ["too dense"]


def test_figures_past_the_article_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "MAX_FIGURES_PER_ARTICLE", 3)
    text = "\n".join(f"Trade between Iran and Iraq reached ${n} billion, Ali Reza said." for n in range(1, 7))
    x = extract("a", text)
    assert sorted(c.value for c in x.claims) == [1e9, 2e9, 3e9]
    (past,) = x.skipped
    assert past.start == text.index("$4 billion") and past.end == len(text)
    assert "limit of 3 figures" in past.reason


@pytest.mark.parametrize(
    "text",
    [
        "$1 billion " * 3000,
        "Iran" + " " * 50_000 + "trade $1 billion",
        "accounting for 30 % " * 3000,
        "Iran's exports to Iraq fall in categories: " * 2000,
        "." * 50_000 + " Trade between Iran and Iraq reached $1 billion.",
        "Abdul Mohsen Naseer " * 5000 + "said trade hit $1 billion.",
    ],
    ids=["figures", "spaces", "percent", "lists", "dots", "names"],
)
def test_pathological_text_is_read_without_error(text: str) -> None:
    x = extract("a", text)
    for claim in x.claims:
        assert text[claim.start : claim.end].strip()
    for s in x.skipped:
        assert 0 <= s.start < s.end <= len(text) and s.reason


def _clause_by_scanning(text: str, s: Sentence, pos: int) -> tuple[int, int]:
    """The plain definition: the last break ending at or before pos, the first starting after."""
    start, end = s.start, s.end
    for b_start, b_end in clause_breaks(text, s):
        if b_end <= pos:
            start = b_end
        elif b_start >= pos:
            end = b_start
            break
    return start, end


@given(
    st.lists(
        st.sampled_from(["trade", " ", ", but ", "; ", " while ", ": ", "$5bn", "and", ","]), max_size=30
    )
)
def test_clause_lookup_agrees_with_a_scan(pieces: list[str]) -> None:
    text = "".join(pieces) or " "
    s = Sentence(0, len(text), 0)
    breaks = clause_breaks(text, s)
    for pos in range(len(text)):
        assert clause_around(s, breaks, pos) == _clause_by_scanning(text, s, pos)


def test_clause_breaks_across_whitespace_runs() -> None:
    text = "a" + " " * 5_000 + "while b, but c" + " " * 5_000 + "d"
    s = Sentence(0, len(text), 0)
    assert [text[b:e].strip() for b, e in clause_breaks(text, s)] == ["while", ", but"]


def test_the_etl_says_what_it_did_not_read(tmp_path) -> None:
    from etl.pipeline import run

    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "dense.txt").write_text(
        "Trade between Iran and Iraq: " + ", ".join(["$1 billion"] * (rules.MAX_FIGURES_PER_SENTENCE + 1)) + ".\n"
        + FIGURE + "\n",
        encoding="utf-8",
    )  # fmt: skip
    notes: list[str] = []
    run(corpus, tmp_path / "out", jobs=1, use_cache=False, note=notes.append)
    assert any("dense.txt" in n and "too dense" in n for n in notes), notes
