"""The timeline chart (charts/timeline.py, catalog.timeline): every figure at the span it covers,
targets at their deadlines and at the dates of the articles stating them, figures without a date
never placed, rejected claims never drawn, article text escaped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import catalog
from charts import timeline as tl
from charts.style import PRESENTING
from etl.places import country_index
from etl.tables import columns, read_tables
from ui.data import openings

ROOT = Path(__file__).resolve().parent.parent
DAY_MS = 24 * 3600 * 1000


def _claim(claim_id: str, **fields: object) -> dict:
    row: dict[str, object] = {c: "" for c in columns("claims")}
    row.update(claim_id=claim_id, article_id=claim_id.split(":")[0], pair="IRN-IRQ", metric="trade_volume",
               value=12e9, unit="USD", qualifier="exact", quote="Trade reached $12 billion.", start=0, end=3,
               method="rule", review="unreviewed")  # fmt: skip
    row.update(fields)
    return row


def _articles(**published: str) -> pd.DataFrame:
    ids = sorted(published)
    return pd.DataFrame({"article_id": ids, "title": [f"Title {i}" for i in ids], "publisher": "",
                         "published": [published[i] for i in ids], "url": ""})  # fmt: skip


def _tables(claims: list[dict], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    people = pd.DataFrame({"name": ["Samad Hassanzadeh"], "aliases": [""], "role": [""]})
    return {"claims": pd.DataFrame(claims, columns=columns("claims")), "articles": articles, "people": people}


YEAR_2019 = {"period": "2019", "period_start": "2019-01-01", "period_end": "2019-12-31", "coverage": "year"}
CLAIMS = [
    _claim("a:1", **YEAR_2019),
    _claim("a:2", metric="exports", direction="IRQ->IRN", value=6e8, qualifier="approx", **YEAR_2019),
    _claim("b:1", metric="trade_target", value=20e9, period="by 2025", period_start="2025-01-01",
           period_end="2025-12-31", coverage="deadline", target_kind="goal"),
    _claim("c:1", metric="trade_target", value=20e9, target_kind="goal"),  # no deadline: stated 2023
    _claim("d:1", value=18e9, period="current"),  # no span: never placed
    _claim("e:1", value=99e9, period="2020", period_start="2020-01-01", period_end="2020-12-31",
           review="rejected"),
]  # fmt: skip
ARTICLES = _articles(a="2020-02-01", b="2021-06-30", c="2023-03-14", d="2024-01-01", e="2021-01-01")


@pytest.fixture
def chart() -> catalog.Chart:
    made = catalog.timeline(_tables(CLAIMS, ARTICLES), "IRN-IRQ")
    assert made is not None
    return made


def _traces(fig: go.Figure, kind: str) -> list:
    return [t for t in fig.data if t.type == kind and t.x is not None and t.x[0] is not None]


def test_a_figure_is_a_bar_over_the_span_it_covers(chart: catalog.Chart) -> None:
    bars = _traces(chart.figure, "bar")
    starts = [b for t in bars for b in t.base]
    lengths = [x / DAY_MS for t in bars for x in t.x]
    assert starts == ["2019-01-01", "2019-01-01"]
    assert lengths == [365, 365], "the whole of 2019, its last day included"
    assert [v for t in bars for v in t.text] == ["$12B", "≈$600M"]
    assert chart.figure.layout.xaxis.type == "date"


def test_targets_sit_at_their_deadline_and_at_each_statement(chart: catalog.Chart) -> None:
    marks = {t.marker.symbol: t for t in _traces(chart.figure, "scatter") if t.mode == "markers"}
    assert list(marks["diamond"].x) == ["2025-12-31"], "the deadline"
    assert list(marks["circle"].x) == ["2021-06-30", "2023-03-14"], "each article stating the target"
    line = next(t for t in _traces(chart.figure, "scatter") if t.mode == "lines")
    assert list(line.x) == ["2021-06-30", "2023-03-14"], "first to last statement"
    (target,) = tl.targets(chart.data)
    assert (target.first, target.last, target.deadlines) == ("2021-06-30", "2023-03-14", ("2025-12-31",))
    assert chart.headline == "Iran–Iraq: 2 figures in 2019; target $20.0B by 2025, stated 2021–2023"
    assert "by 2025, stated 2021–2023" in " ".join(a.text for a in chart.figure.layout.annotations)
    assert "stated 2021-06-30 to 2023-03-14, 2 statements" in chart.description


def test_a_figure_without_a_date_is_not_placed(chart: catalog.Chart) -> None:
    _, unplaced = catalog.timeline_rows(_tables(CLAIMS, ARTICLES), "IRN-IRQ")
    assert list(unplaced["claim_id"]) == ["d:1"]
    assert "d:1" not in set(chart.data["claim_id"])
    drawn = [str(x) for t in chart.figure.data if t.x is not None for x in t.x if x is not None]
    drawn += [b for t in _traces(chart.figure, "bar") for b in t.base]
    assert not any(d.startswith(("2024", date.today().isoformat()[:4])) for d in drawn), drawn
    assert "not drawn: 1 figure that gives no date" in chart.figure.layout.meta["wrap"]["subtitle"]
    assert "1 figure gives no date" in chart.description


def test_a_rejected_claim_is_left_out(chart: catalog.Chart) -> None:
    assert "e:1" not in set(chart.data["claim_id"]) and "e" not in chart.sources
    placed, unplaced = catalog.timeline_rows(_tables(CLAIMS, ARTICLES), "IRN-IRQ")
    assert "e:1" not in set(placed["claim_id"]) | set(unplaced["claim_id"])
    assert "$99" not in str(chart.figure.to_dict())


def test_nothing_dated_gives_no_chart() -> None:
    undated = [_claim("d:1", value=18e9), _claim("c:1", metric="trade_target", value=20e9)]
    assert catalog.timeline(_tables(undated, _articles(c="", d="")), "IRN-IRQ") is None


def test_overlapping_spans_get_rows_of_their_own() -> None:
    claims = [_claim("a:1", **YEAR_2019), _claim("b:1", value=11e9, **YEAR_2019),
              _claim("c:1", value=13e9, period="2020", period_start="2020-01-01", period_end="2020-12-31")]  # fmt: skip
    placed, _ = tl.split(pd.DataFrame(claims), _articles(a="", b="", c=""))
    assert tl._pack(placed) == [0, 1, 0]  # 2020 follows 2019 on the first row


def test_a_point_and_an_end_date_are_dots() -> None:
    claims = [_claim("a:1", period_start="2021-05-01", period_end="2021-05-01"),
              _claim("b:1", period_end="2022-03-20")]  # fmt: skip
    chart = catalog.timeline(_tables(claims, _articles(a="", b="")), "IRN-IRQ")
    assert not _traces(chart.figure, "bar")
    (dots,) = [t for t in _traces(chart.figure, "scatter") if t.mode == "markers"]
    assert list(dots.x) == ["2021-05-01", "2022-03-20"]
    assert list(chart.table["When"]) == ["on 2021-05-01", "to 2022-03-20"]
    assert "dot: a figure for one date" in [t.name for t in chart.figure.data if t.showlegend]


def test_article_text_is_escaped_in_hover_and_labels() -> None:
    hostile = '<b>x</b> <a href="javascript:alert(1)">click</a> & <img src=x onerror=alert(1)>'
    claims = [_claim("a:1", quote=hostile, speaker="<i>Evil</i>", **YEAR_2019)]
    articles = _articles(a="2020-01-01").assign(title="<script>alert(1)</script>")
    chart = catalog.timeline(_tables(claims, articles), "IRN-IRQ")
    hover = chart.figure.data[0].customdata[0]
    assert "&lt;b&gt;x&lt;/b&gt;" in hover and "&lt;a href" in hover and "&lt;img" in hover
    assert "<a " not in hover and "<img" not in hover and "<script" not in hover and "<i>" not in hover
    assert "&lt;script&gt;" in chart.figure.layout.meta["wrap"]["source"]


def test_each_value_in_its_own_currency() -> None:
    claims = [_claim("a:1", unit="EUR", value=16e9, **YEAR_2019)]
    chart = catalog.timeline(_tables(claims, _articles(a="")), "IRN-IRQ")
    assert list(chart.figure.data[0].text) == ["€16B"]
    assert list(chart.table["Value"]) == ["€16.0B"]


def test_title_follows_the_numbers_and_names_only_the_pair() -> None:
    claims = [_claim("a:1", pair="CHN-PAK", **YEAR_2019),
              _claim("b:1", pair="CHN-PAK", value=13e9, period_start="2015-01-01", period_end="2015-12-31")]  # fmt: skip
    chart = catalog.timeline(_tables(claims, _articles(a="", b="")), "CHN-PAK")
    assert chart.headline == "China–Pakistan: 2 figures from 2015 to 2019"
    named = {m.iso3 for m in country_index().find(chart.headline)}
    assert named == {"CHN", "PAK"}
    targets = [
        _claim(f"t{i}:1", pair="CHN-PAK", metric="trade_target", value=v) for i, v in enumerate((1e9, 3e9))
    ]
    dated = _articles(a="", b="", t0="2019-02-27", t1="2024-02-12")
    two = catalog.timeline(_tables(claims + targets, dated), "CHN-PAK")
    assert two.headline.endswith("; targets of $1.0B (stated 2019) and $3.0B (stated 2024)")
    more = [
        _claim(f"t{i}:1", pair="CHN-PAK", metric="trade_target", value=v)
        for i, v in enumerate((1e9, 2e9, 3e9, 5e9))
    ]
    dated = _articles(a="", b="", **{f"t{i}": "2020-01-01" for i in range(4)})
    assert (
        catalog.timeline(_tables(more, dated), "CHN-PAK").headline
        == "China–Pakistan: 4 targets, $1.0B to $5.0B"
    )


def test_table_reads_as_words_and_data_keeps_the_raw_rows(chart: catalog.Chart) -> None:
    assert list(chart.table.columns) == [
        "When",
        "What",
        "Value",
        "Stated by",
        "Article's date",
        "Article",
        "Checked",
    ]
    assert set(chart.table["Checked"]) == {"extracted by rule, not reviewed"}
    assert len(chart.table) == len(chart.data) == 4
    assert list(chart.table["What"])[:2] == ["Two-way trade", "Iraq → Iran exports"]
    assert list(chart.table["Value"])[:2] == ["$12.0B", "about $600M"]
    assert {"claim_id", "period_start", "period_end", "published", "quote"} <= set(chart.data.columns)
    assert "lower_bound" not in chart.table.to_csv() and "trade_volume" not in chart.table.to_csv()


def test_on_the_seeds_and_presenting() -> None:
    tables = read_tables(ROOT / "data" / "processed")
    tables = {**tables, "openings": openings(tables["articles"], ROOT / "data" / "raw")}
    chart = catalog.timeline(tables, "IRN-IRQ", PRESENTING)
    assert chart is not None and chart.figure.layout.meta["wrap"]["presentation"]
    # Only one seed article is dated: the $20B target it states is the only thing placed.
    assert set(chart.data["metric"]) == {"trade_target"}
    assert catalog.timeline(tables, "IRN-TJK") is None
    _, unplaced = catalog.timeline_rows(tables, "IRN-IRQ")
    assert len(unplaced) == 9


def test_a_figure_a_person_reviewed_carries_the_mark_and_the_legend_names_it(chart: catalog.Chart) -> None:
    assert "✓ reviewed by a person" not in [t.name for t in chart.figure.data], "nothing reviewed: no key"
    assert chart.figure.layout.meta["wrap"]["source"].endswith("no figure reviewed by a person")
    reviewed = [dict(c, review="confirmed", reviewed_by="Ana <b>Analyst</b>", reviewed_at="2025-01-31T10:00:00Z")
                if c["claim_id"] in ("a:1", "b:1") else c for c in CLAIMS]  # fmt: skip
    made = catalog.timeline(_tables(reviewed, ARTICLES), "IRN-IRQ")
    assert made is not None
    bar_text = [str(x) for t in _traces(made.figure, "bar") for x in t.text]
    assert "$12B ✓" in bar_text and not any("✓" in x for x in bar_text if x != "$12B ✓"), bar_text
    stated = [t for t in _traces(made.figure, "scatter") if t.marker.symbol == "circle"]
    assert [list(t.text) for t in stated] == [["✓", ""]], "the confirmed target's statement is marked"
    assert "✓ reviewed by a person" in [t.name for t in made.figure.data]
    hover = " ".join(str(c) for t in made.figure.data if t.customdata is not None for c in t.customdata)
    assert "Ana &lt;b&gt;Analyst&lt;/b&gt;" in hover and "<b>Analyst" not in hover
    assert made.figure.layout.meta["wrap"]["source"].endswith("; 2 of 4 figures reviewed by a person")
    assert list(made.table["Checked"]).count("extracted by rule, not reviewed") == 2


def test_the_legend_names_the_dotted_line_only_when_a_target_was_stated_more_than_once(
    chart: catalog.Chart,
) -> None:
    names = [t.name for t in chart.figure.data if t.showlegend]
    assert "article stating the target (dotted: first to last)" in names, "stated 2021 and 2023"
    once = [c for c in CLAIMS if c["claim_id"] != "c:1"]
    made = catalog.timeline(_tables(once, ARTICLES), "IRN-IRQ")
    assert made is not None
    names = [t.name for t in made.figure.data if t.showlegend]
    assert "article stating the target" in names and not any("dotted" in str(n) for n in names)
