"""An article's date: the metadata row, else a dateline or a date line at the top, else none;
never a date from the body, never the clock."""

from __future__ import annotations

import inspect
import re
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import dates
from etl.dates import ArticleDate, article_date

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"

DATED = [
    ("TEHRAN, July 18, 2025 (IRNA) – Iran and Iraq discussed trade worth $12 billion.", date(2025, 7, 18)),
    ("TEHRAN, July 18, 2025 – Iran and Iraq discussed trade.", date(2025, 7, 18)),
    ("NEW DELHI, 3 March 2014 (PTI): India and Oman signed a pact.", date(2014, 3, 3)),
    ("Tehran, Iran, 18 July 2025 - Officials met.", date(2025, 7, 18)),
    ("Iran, Iraq discuss trade\n\n18 July 2025\n\nThe two sides met.", date(2025, 7, 18)),
    ("Iran, Iraq discuss trade\nJuly 18, 2025\nThe two sides met.", date(2025, 7, 18)),
    ("Iran, Iraq discuss trade\n\nJuly 18, 2025 - 15:23\n\nTEHRAN – The two sides met.", date(2025, 7, 18)),
    ("2025-07-18\nThe two sides met.", date(2025, 7, 18)),
    ("Published: 18 Jul 2025\nThe two sides met.", date(2025, 7, 18)),
    ("Publish Date : 12 September 2022 - 21:27\n\nChairman: trade to reach $10bn", date(2022, 9, 12)),
    ("Monday, 3 March 2014\n\nThe two sides met.", date(2014, 3, 3)),
    ("April 18, 2015\n\nAustralia two way trade with Japan estimated at $70 billion", date(2015, 4, 18)),
    ("Trade ties\nBy Staff Writer | Jul. 18, 2025 | 3 min read\nThe two sides met.", date(2025, 7, 18)),
    ("Fri 18 Jul 2025 10.32 BST\nThe two sides met.", date(2025, 7, 18)),
    ("Posted on 18th July 2025 at 9:15 am\nThe two sides met.", date(2025, 7, 18)),
    ("18-Jul-2025\nThe two sides met.", date(2025, 7, 18)),
    ("TEHRAN, Tir 27, 1404 (IRNA) - Iran and Iraq met.", date(2025, 7, 18)),
    ("Updated: 19 July 2025\nPublished: 18 July 2025\nThe two sides met.", date(2025, 7, 18)),
    ("Updated: 19 July 2025\nThe two sides met.", date(2025, 7, 19)),
]


@pytest.mark.parametrize(("text", "published"), DATED, ids=[t[:40] for t, _ in DATED])
def test_a_date_at_the_top_is_the_article_s_date(text: str, published: date) -> None:
    found = article_date(text)
    assert (found.published, found.source) == (published, "dateline")
    assert found.note


UNDATED = [
    ("Trade rose after the agreement signed on 5 May 2019, officials said.\nMore text.", "no date line"),
    ("Iran and Iraq signed a deal on July 18, 2025 in Baghdad.", "no date line"),
    ("BAGHDAD, Jan. 5 (Reuters) - Iraq said trade rose.", "the dateline 'Jan. 5' has no year"),
    ("WASHINGTON, March 3 — The United States said", "the dateline 'March 3' has no year"),
    ("NEW DELHI, Feb 30, 2024 (PTI) - India said", "no date line"),
    ("July 2025\nTrade rose.", "no date line"),
    ("Published yesterday\nTrade rose.", "no date line"),
    ("3 days ago\nTrade rose.", "no date line"),
    ("", "no date line"),
    ("x" * 450 + "\n18 July 2025\nTrade rose.", "no date line"),
    ("\n".join(["Line"] * 13) + "\n18 July 2025", "no date line"),
]


@pytest.mark.parametrize(("text", "why"), UNDATED, ids=[t[:40] for t, _ in UNDATED])
def test_no_date_at_the_top_means_none_and_says_why(text: str, why: str) -> None:
    found = article_date(text)
    assert (found.published, found.source) == (None, "none")
    assert found.note.startswith(why)


def test_the_metadata_row_wins() -> None:
    found = article_date("TEHRAN, July 18, 2025 (IRNA) – x", "2025-07-17")
    assert found == ArticleDate(date(2025, 7, 17), "metadata", "from the metadata row")
    assert article_date("x", "  ").source == "none"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-7-18", "metadata date '2025-7-18' is not a date in YYYY-MM-DD form"),
        ("18/07/2025", "not a date in YYYY-MM-DD form"),
        ("2025-02-30", "metadata date '2025-02-30' is not a day of the calendar"),
        ("yesterday", "not a date in YYYY-MM-DD form"),
    ],
)
def test_a_broken_metadata_date_is_named(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        article_date("x", value)


def test_the_seed_articles() -> None:
    found = article_date((RAW / "004_b14702c3159b6398.txt").read_text("utf-8"))
    assert (found.published, found.source) == (date(2025, 7, 18), "dateline")
    for stem in (
        "000_f31fa2dc3060489f",
        "001_a16e215cca9023c3",
        "002_c71d60370df70e7a",
        "003_8f7a0015df3d69a9",
    ):
        assert article_date((RAW / f"{stem}.txt").read_text("utf-8")).source == "none", stem


def test_the_clock_is_never_read() -> None:
    source = inspect.getsource(dates)
    assert not re.search(r"\.(?:today|now|utcnow)\(|\btime\.(?:time|localtime)\(", source)
    assert '"absolute-time"' in source and "REQUIRE_PARTS" in source


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600), st.sampled_from(["", "2025-07-18"]))
def test_arbitrary_text_never_raises(text: str, metadata: str) -> None:
    found = article_date(text, metadata)
    assert found.source in ("metadata", "dateline", "none")
    assert (found.published is None) == (found.source == "none")


@settings(max_examples=100, deadline=None)
@given(
    st.dates(date(1950, 1, 1), date(2049, 12, 31)),
    st.sampled_from(["%d %B %Y", "%B %d, %Y", "%Y-%m-%d", "%A, %d %B %Y", "%d %b %Y"]),
)
def test_any_date_line_is_read_back(day: date, layout: str) -> None:
    text = f"Headline\n\n{day.strftime(layout)}\n\nBody of the article."
    assert article_date(text).published == day


@pytest.mark.parametrize(
    "text",
    [
        "x" * 2_000_000,
        " " * 2_000_000,
        "TEHRAN, " * 250_000,
        "July 18, " * 220_000,
        ("A" * 199 + "\n") * 10_000,
        "\n" * 2_000_000,
    ],
    ids=["letters", "spaces", "place names", "dates without end", "long lines", "newlines"],
)
def test_a_two_megabyte_text_is_read_at_the_top_only(text: str) -> None:
    cpu = time.process_time()
    article_date(text)
    cpu = time.process_time() - cpu
    print(f"{len(text):,} characters: {cpu:.3f} s CPU")
    assert cpu < 1
