"""Chart builders, catalog, formatting, exports and the article highlighter, without Streamlit."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import catalog, figures, summary
from charts import format as fmt
from charts.exports import csv_bytes, readme, tables_zip
from charts.style import PRESENTING, SCREEN
from etl.tables import TABLE_NAMES, empty, read_tables
from ui.highlight import article_html

ROOT = Path(__file__).resolve().parent.parent
PROCESSED = ROOT / "data" / "processed"
BASIS_12B = "000_f31fa2dc3060489f:701"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return read_tables(PROCESSED)


def _texts(fig: go.Figure) -> str:
    """Every piece of text drawn in a figure: titles, annotations, bar labels, tick labels."""
    parts = [fig.layout.title.text or "", fig.layout.title.subtitle.text or ""]
    parts += [a.text for a in fig.layout.annotations]
    for trace in fig.data:
        text = getattr(trace, "text", None)
        if text is not None:
            parts += [str(t) for t in (text if isinstance(text, list | tuple) else [text])]
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None:
                parts += [str(v) for v in values]
    return "\n".join(parts)


# --- formatting ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(12e9, "USD", "$12.0B"), (5e8, "USD", "$500M"), (1e9, "EUR", "€1.0B"), (3e12, "IQD", "IQD 3.0T"),
     (750, "USD", "$750"), (-2e9, "USD", "-$2.0B"), (math.nan, "USD", "n/a")],
)  # fmt: skip
def test_money(value: float, unit: str, text: str) -> None:
    assert fmt.money(value, unit) == text


def test_percent_ratio_hedged_growth() -> None:
    assert fmt.percent(30) == "30 %"
    assert fmt.percent(4.1666, 1) == "4.2 %"
    assert fmt.ratio(23.0) == "23 : 1"
    assert fmt.ratio(2.5) == "2.5 : 1"
    assert fmt.ratio(0.25) == "1 : 4.0"
    assert fmt.hedged(10e9, "USD", "lower_bound") == "over $10.0B"
    assert fmt.hedged(18e9, "USD", "approx", "including energy") == "about $18.0B incl. energy"
    assert fmt.growth_rate(12e9, 20e9, 5) == pytest.approx((20 / 12) ** 0.2 - 1)
    assert math.isnan(fmt.growth_rate(0, 20e9, 5))


# --- builders on small tables --------------------------------------------------------------------
def _gaps(rows: list[dict]) -> pd.DataFrame:
    base = {"pair": "AAA-BBB", "current_qualifier": "exact", "current_scope": "", "current_speaker": "X",
            "current_article_id": "a", "target_claim_ids": "a:1", "unit": "USD", "is_default": False,
            "basis_rule": "alternative"}  # fmt: skip
    out = []
    for r in rows:
        row = base | r
        row["gap"] = row["target"] - row["current"]
        row["pct_of_target"] = 100 * row["current"] / row["target"]
        out.append(row)
    return pd.DataFrame(out)


def test_current_vs_target_single_row() -> None:
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 3e9, "target": 4e9}])
    fig = figures.current_vs_target(gaps, "a:5", "Source: x")
    text = _texts(fig)
    assert "target $4.0B" in text and "gap $1.0B" in text and "75 % reached" in text
    assert fig.layout.title.subtitle.text and "USD" in fig.layout.title.subtitle.text
    assert any("Source: x" in a.text for a in fig.layout.annotations)


def test_current_vs_target_above_target_draws_no_negative_gap() -> None:
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 6e9, "target": 4e9}])
    fig = figures.current_vs_target(gaps, "a:5", "Source: x")
    assert min(fig.data[1].y) == 0
    assert "above by<br>$2.0B" in _texts(fig)


def test_builders_on_empty_tables_say_so() -> None:
    assert "No current figure reported" in _texts(figures.current_vs_target(empty("target_gaps"), "", "s"))
    assert "No one-way figure reported" in _texts(figures.imbalance(empty("trade_balance"), "A->B", "s"))
    assert "No export categories reported" in _texts(figures.export_mix(empty("export_categories"), "s"))
    assert "No import share reported" in _texts(figures.import_share(empty("claims"), "s"))


def test_export_mix_never_divides_the_remainder() -> None:
    cats = pd.DataFrame({
        "exporter": ["IRN"] * 4, "importer": ["IRQ"] * 4, "category": ["a", "b", "c", "d"],
        "share": [40.0, math.nan, math.nan, math.nan], "claim_id": ["x:1", "", "", ""], "source": ["x"] * 4,
    })  # fmt: skip
    fig = figures.export_mix(cats, "s")
    bar = fig.data[0]
    assert list(bar.x) == [40.0, 60.0]
    assert "Three other categories, split not reported" in _texts(fig)
    with_dollars = figures.export_mix(cats, "s", base=10e9)
    assert "≈ $4.0B (estimate)" in _texts(with_dollars)


def test_presentation_look_is_larger_and_16_by_9() -> None:
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 3e9, "target": 4e9}])
    screen = figures.current_vs_target(gaps, "a:5", "s", SCREEN)
    present = figures.current_vs_target(gaps, "a:5", "s", PRESENTING)
    assert present.layout.font.size > screen.layout.font.size
    assert present.layout.height == 675  # 16 : 9 of a 1200 px stage


# --- the catalog on the real tables --------------------------------------------------------------
def test_current_vs_target_chart_plots_exactly_the_gap_rows(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.current_vs_target(tables, "IRN-IRQ", BASIS_12B)
    assert chart is not None
    assert list(chart.data.columns) == list(tables["target_gaps"].columns)
    assert sorted(chart.data["current"]) == [10e9, 12e9, 18e9]
    assert list(chart.figure.data[0].x) == list(chart.data["current"])
    assert "gap $8.0B" in chart.description and "60 %" in chart.description
    assert set(chart.sources) == {"000_f31fa2dc3060489f", "001_a16e215cca9023c3", "004_b14702c3159b6398"}
    assert "000" in chart.figure.layout.annotations[-1].text or any(
        "000" in a.text for a in chart.figure.layout.annotations
    )


def test_imbalance_chart_ratio_and_derived(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.imbalance(tables, "IRN-IRQ", "IRQ->IRN")
    assert chart is not None
    text = _texts(chart.figure)
    assert "23 : 1" in text and "$11.5B derived" in text and "$500M · 4.2 %" in text
    assert "ratio 23 : 1" in chart.description


def test_export_mix_chart_on_real_tables(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.export_mix(tables, "IRN", "IRQ")
    assert chart is not None and len(chart.data) == 10
    assert list(chart.figure.data[0].x) == [30.0, 3.0, 67.0]
    assert "Eight other categories, split not reported" in _texts(chart.figure)
    dollars = catalog.export_mix(tables, "IRN", "IRQ", BASIS_12B)
    assert dollars is not None and "≈ $3.5B (estimate)" in _texts(dollars.figure)  # 30 % of $11.5B


def test_all_charts_and_summaries(tables: dict[str, pd.DataFrame]) -> None:
    charts = catalog.all_charts(tables, "IRN-IRQ", BASIS_12B)
    assert [c.title for c in charts] == [
        "Current vs target",
        "Export imbalance",
        "Export mix",
        "Share of imports",
    ]
    assert catalog.all_charts(tables, "IRN-TJK", "") == []
    assert summary.pairs(tables) == ["IRN-IRQ", "IRN-TJK"]
    tjk = summary.pair_summary(tables, "IRN-TJK")
    assert tjk.current_range == "no current figure reported" and tjk.target == "$1.0B" and tjk.gap == ""


def test_citation_names_speaker_article_and_date(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.current_vs_target(tables, "IRN-IRQ", BASIS_12B)
    text = catalog.citation(chart.claims, tables["articles"], tables["people"])
    assert "Samad Hassanzadeh" in text and "date not stated" in text and "2025-07-18" in text
    assert "“We believe the current $12 billion" in text


# --- exports -------------------------------------------------------------------------------------
def test_csv_download_is_formula_safe_and_numbers_stay_numbers() -> None:
    df = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "fine", "'q"],
                       "value": [-1.5, 2, 3, 4, 5, 6, 7, 8]})  # fmt: skip
    rows = list(csv.reader(io.StringIO(csv_bytes(df).decode())))
    assert rows[0] == ["text", "value"]
    for text, value in rows[1:]:
        assert not text.startswith(("=", "+", "-", "@", "\t", "\r"))
        float(value)
    assert rows[1][1] == "-1.5"


def test_zip_has_every_table_datapackage_and_readme(tables: dict[str, pd.DataFrame]) -> None:
    import frictionless

    blob = tables_zip(PROCESSED, tables)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        names = set(z.namelist())
        assert {"datapackage.json", "README.md", "claims.csv", "trade_balance.csv"} <= names
        assert len([n for n in names if n.endswith(".csv")]) == len(TABLE_NAMES)
        out = Path(__file__).parent / "artifacts" / "zip"
        out.mkdir(parents=True, exist_ok=True)
        z.extractall(out)
    assert frictionless.validate(out / "datapackage.json").valid
    assert "## Columns" in readme(tables) and "claim_id" in readme(tables)


# --- the article reader --------------------------------------------------------------------------
def test_article_html_escapes_everything_and_marks_claims() -> None:
    text = "<script>alert(1)</script>\n<b>Trade</b> between Iran & Iraq is $12 billion."
    claims = pd.DataFrame([{
        "claim_id": "x:43", "start": text.index("$12"), "end": text.index("$12") + 11, "metric": "trade_volume",
        "pair": "IRN-IRQ", "value": 12e9, "unit": "USD", "qualifier": "exact", "scope": "", "direction": "",
        "category": "", "period": "", "speaker": "<i>evil</i>", "method": "rule",
    }])  # fmt: skip
    html = article_html(text, claims)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "&amp;" in html
    assert "<i>evil</i>" not in html
    assert '<mark title="trade volume · IRN-IRQ · $12.0B' in html and ">$12 billion</mark>" in html
