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

from charts import catalog, figures, style, summary, timeline
from charts import format as fmt
from charts.exports import csv_bytes, readme, slides, tables_zip
from charts.style import PRESENTING, SCREEN
from etl.tables import TABLE_NAMES, empty, read_tables
from ui.data import openings
from ui.highlight import article_html

ROOT = Path(__file__).resolve().parent.parent
PROCESSED = ROOT / "data" / "processed"
BASIS_12B = "000_f31fa2dc3060489f:701"
BASIS_10B = "001_a16e215cca9023c3:539"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """The processed tables as the app loads them: with each article's opening words."""
    t = read_tables(PROCESSED)
    return {**t, "openings": openings(t["articles"], ROOT / "data" / "raw")}


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


def _source_text(fig: go.Figure) -> str:
    """The source line drawn under a figure, as one line of text."""
    return " ".join(fig.layout.meta["wrap"]["source"].split())


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


def test_a_chart_of_many_rows_makes_each_annotation_a_few_times_not_once_per_row(monkeypatch) -> None:
    """Plotly's add_annotation copies every annotation already on the figure, so adding a chart's
    row labels one by one makes n² annotation objects (a pair with 180 figures took a minute);
    `finish` adds them in one step. Counted, not timed: objects made per row stay flat as rows grow."""
    import plotly.graph_objects as go

    made = []
    real = go.layout.Annotation.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(go.layout.Annotation, "__init__", counting)
    per_row = {}
    for n in (20, 80):
        gaps = _gaps([{"basis_claim_id": f"a:{i}", "current": 1e9 + i, "target": 4e9} for i in range(n)])
        made.clear()
        fig = figures.current_vs_target(gaps, "a:0", "Source: x")
        assert len(fig.layout.annotations) == 2 * n + 2  # a value and a label a row, the target, the source
        per_row[n] = len(made) / n
    assert per_row[80] <= per_row[20] * 1.2, per_row


def test_a_pair_of_many_figures_draws_the_first_ranked_and_the_chosen_basis() -> None:
    gaps = _gaps([{"basis_claim_id": f"a:{i}", "current": 1e9 + i, "target": 4e9} for i in range(30)])
    first = catalog.shown_bases(gaps, "a:3", most=12)
    assert list(first["basis_claim_id"]) == [f"a:{i}" for i in range(12)]
    late = catalog.shown_bases(gaps, "a:25", most=12)
    assert list(late["basis_claim_id"]) == [f"a:{i}" for i in range(11)] + ["a:25"]
    assert catalog.shown_bases(gaps.iloc[:5], "a:4", most=12).equals(gaps.iloc[:5])
    fig = figures.current_vs_target(late, "a:25", "Source: x", of=30)
    assert len(fig.data[0].x) == 12
    assert "the first 12 of 30 figures" in fig.layout.title.subtitle.text
    assert "of 30" not in figures.current_vs_target(gaps, "a:25", "Source: x").layout.title.subtitle.text


def test_basis_labels_name_every_basis_as_its_row_does(tables) -> None:
    rows = tables["target_gaps"].query("pair == 'IRN-IRQ'").set_index("basis_claim_id")
    names, when = catalog.short_names(tables["people"]), catalog.basis_when(tables, rows.reset_index())
    labels = summary.basis_labels(tables, "IRN-IRQ")
    assert list(labels) == list(rows.index)
    for basis, row in rows.iterrows():
        said = figures.basis_label(row, names, when.get(basis, ""))
        assert labels[basis] == said + (" (default)" if row["is_default"] else "")
    assert sum(label.endswith("(default)") for label in labels.values()) == 1
    assert summary.basis_labels(tables, "IRN-TJK") == {}
    dated = tables["articles"].query("published != ''")
    assert catalog.article_date(tables, dated["article_id"].iloc[0]) == dated["published"].iloc[0]
    assert catalog.article_date(tables, "no-such-article") == ""


def test_a_source_line_names_a_few_articles_and_counts_the_rest(tables, monkeypatch) -> None:
    ids = list(tables["articles"]["article_id"])
    every = catalog.source_line(ids, tables)
    assert all(catalog.article_label(a, tables) in every for a in ids) and "more" not in every
    monkeypatch.setattr(catalog, "MOST_SOURCES", 2)
    line = catalog.source_line(ids, tables)
    assert line.startswith("Sources: news articles ")
    assert sum(catalog.article_label(a, tables) in line for a in ids) == 2
    assert f" and {len(ids) - 2} more (listed in Sources & data)" in line


def test_the_catalog_chart_draws_the_chosen_basis_when_bars_are_capped(tables, monkeypatch) -> None:
    monkeypatch.setattr(catalog, "MOST_BARS", 2)
    every = tables["target_gaps"].query("pair == 'IRN-IRQ'")
    last = every["basis_claim_id"].iloc[-1]
    chart = catalog.current_vs_target(tables, "IRN-IRQ", last)
    assert chart is not None
    assert list(chart.data["basis_claim_id"]) == [every["basis_claim_id"].iloc[0], last]
    assert list(chart.figure.data[0].x) == list(chart.data["current"]) and len(chart.table) == 2
    assert "; 1 more figure in Sources & data." in chart.description
    assert "the first 2 of 3 figures" in chart.figure.layout.title.subtitle.text


def test_current_vs_target_single_row() -> None:
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 3e9, "target": 4e9}])
    fig = figures.current_vs_target(gaps, "a:5", "Source: x")
    text = _texts(fig)
    assert "target $4.0B" in text and "gap $1.0B" in text and "75 % reached" in text
    assert fig.layout.title.subtitle.text and "USD" in fig.layout.title.subtitle.text
    assert any("Source: x" in a.text for a in fig.layout.annotations)


def test_current_vs_target_says_when_the_target_fell_due_before_a_figure_s_period_ended() -> None:
    gaps = _gaps([
        {"basis_claim_id": "a:5", "current": 3e9, "target": 4e9, "target_deadline": "2020-12-31",
         "current_period_end": "2023-12-31"},
        {"basis_claim_id": "a:9", "current": 2e9, "target": 4e9, "target_deadline": "2020-12-31",
         "current_period_end": "2019-12-31"},
    ])  # fmt: skip
    fig = figures.current_vs_target(gaps, "a:5", "Source: x")
    assert "target $4.0B by 2020" in _texts(fig)
    subtitle = fig.layout.title.subtitle.text.replace("<br>", " ")
    assert "it fell due by 2020, before the periods of 1 of the 2 figures ended" in subtitle
    assert list(figures.overdue(gaps)) == [True, False]
    on_time = gaps.assign(target_deadline="2030-12-31")
    assert "fell due" not in figures.current_vs_target(on_time, "a:5", "Source: x").layout.title.subtitle.text


def test_current_vs_target_above_target_draws_no_negative_gap() -> None:
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 6e9, "target": 4e9}])
    fig = figures.current_vs_target(gaps, "a:5", "Source: x")
    assert min(fig.data[1].y) == 0
    assert "above by<br>$2.0B" in _texts(fig)


def test_builders_on_empty_tables_say_so() -> None:
    assert "No current figure reported" in _texts(figures.current_vs_target(empty("target_gaps"), "", "s"))
    assert "No one-way figure reported" in _texts(figures.imbalance(empty("trade_balance"), "s"))
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
    assert present.layout.height == PRESENTING.height  # a fixed stage, fitted to the screen by fit.js
    assert present.layout.meta["wrap"]["presentation"] is True


# --- the catalog on the real tables --------------------------------------------------------------
def test_current_vs_target_chart_plots_exactly_the_gap_rows(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.current_vs_target(tables, "IRN-IRQ", BASIS_12B)
    assert chart is not None
    assert list(chart.data.columns) == list(tables["target_gaps"].columns)
    assert sorted(chart.data["current"]) == [10e9, 12e9, 18e9]
    assert list(chart.figure.data[0].x) == list(chart.data["current"])
    assert "gap $8.0B" in chart.description and "60 %" in chart.description
    assert set(chart.sources) == {"000_f31fa2dc3060489f", "001_a16e215cca9023c3", "004_b14702c3159b6398"}
    source = _source_text(chart.figure)
    assert "“The Iranian and Iraqi governments are exploring…” (opening words)" in source  # 000, untitled
    assert "(untitled)" not in source


def test_imbalance_chart_ratio_and_derived(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.imbalance(tables, "IRN-IRQ")
    assert chart is not None
    text = _texts(chart.figure)
    assert "23 : 1" in text and "$11.5B derived" in text and "$500M · 4.2 %" in text
    assert chart.headline == "Iraq sells far less to Iran than it buys"
    assert "Iraq → Iran $500M, 4.2 % of two-way trade" in chart.description


def test_export_mix_chart_on_real_tables(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.export_mix(tables, "IRN", "IRQ")
    assert chart is not None and len(chart.data) == 10
    assert list(chart.figure.data[0].x) == [30.0, 3.0, 67.0]
    assert "Eight other categories, split not reported" in _texts(chart.figure)
    dollars = catalog.export_mix(tables, "IRN", "IRQ", None, BASIS_12B)
    assert dollars is not None and "≈ $3.5B (estimate)" in _texts(dollars.figure)  # 30 % of $11.5B


def test_all_charts_and_summaries(tables: dict[str, pd.DataFrame]) -> None:
    charts = catalog.all_charts(tables, "IRN-IRQ", BASIS_12B)
    assert [c.title for c in charts] == [
        "Current vs target",
        "Export imbalance",
        "Export mix",
        "Share of imports",
        "Timeline",
    ]
    assert catalog.all_charts(tables, "IRN-TJK", "") == []
    assert summary.pairs(tables) == ["IRN-IRQ", "IRN-TJK"]
    tjk = summary.pair_summary(summary.summaries(tables), "IRN-TJK")
    assert tjk.current_range == "no current figure reported" and tjk.target == "$1.0B" and tjk.gap == ""


def test_a_cards_latest_figure_says_the_span_it_holds_for_or_the_date_it_was_said() -> None:
    assert summary.held_for("2019-01-01", "2019-12-31", "2020-03-06") == "2019"
    assert summary.held_for("2018-01-01", "2019-12-31", "") == "2018–2019"
    assert summary.held_for("2023-01-01", "2023-04-30", "") == "2023-01-01 to 2023-04-30"
    assert summary.held_for("", "", "2025-07-18") == "article of 2025-07-18"
    assert summary.held_for("", "", "") == "date not stated"


def test_citation_names_speaker_article_and_date(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.current_vs_target(tables, "IRN-IRQ", BASIS_12B)
    text = catalog.citation(chart.claims, tables)
    assert "Samad Hassanzadeh" in text and "date not stated" in text and "2025-07-18" in text
    assert "untitled article opening “The Iranian and Iraqi governments are exploring" in text
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


# --- words computed from the numbers -------------------------------------------------------------
def _balance(a_to_b: float, b_to_a: float, bases: int = 1) -> pd.DataFrame:
    """trade_balance rows of the pair AAA-BBB (Afghanistan? no: made-up codes) on `bases` totals."""
    rows = []
    for k in range(bases):
        total = a_to_b + b_to_a
        for direction, value, other in (("IRN->IRQ", a_to_b, b_to_a), ("IRQ->IRN", b_to_a, a_to_b)):
            rows.append({"pair": "IRN-IRQ", "basis_claim_id": f"x:{k}", "total": total, "unit": "USD",
                         "direction": direction, "exports": value, "derived": False, "exports_claim_id": f"y:{k}",
                         "share_of_total": 100 * value / total, "ratio_to_other": value / other if other else 0.0})  # fmt: skip
    return pd.DataFrame(rows)


def test_imbalance_of_many_totals_draws_the_first_and_the_chosen_but_reads_its_title_from_all() -> None:
    many = _balance(0.5e9, 11.5e9, bases=20)
    shown = catalog.shown_bases(many, "x:15", most=8)
    assert list(dict.fromkeys(shown["basis_claim_id"])) == [f"x:{k}" for k in range(7)] + ["x:15"]
    # A hidden total that says the opposite makes the title say it depends on the total used.
    opposite = _balance(11.5e9, 0.5e9).assign(basis_claim_id="x:19")
    flipped = pd.concat([many[many["basis_claim_id"] != "x:19"], opposite], ignore_index=True)
    fig = figures.imbalance(catalog.shown_bases(flipped, "", most=8), "s", every=flipped)
    assert "depends on the total used" in fig.layout.meta["wrap"]["title"]
    assert "the first 8 of 20 reported totals" in fig.layout.title.subtitle.text
    assert len(fig.data[0].x) == 8


def test_the_catalog_imbalance_draws_the_chosen_total_when_groups_are_capped(tables, monkeypatch) -> None:
    many = _balance(0.5e9, 11.5e9, bases=3)
    monkeypatch.setattr(catalog, "MOST_GROUPS", 2)
    chart = catalog.imbalance({**tables, "trade_balance": many}, "IRN-IRQ", "x:2")
    assert chart is not None
    assert list(dict.fromkeys(chart.data["basis_claim_id"])) == ["x:0", "x:2"]
    assert "; 1 more total in Sources & data." in chart.description


@pytest.mark.parametrize(
    ("a_to_b", "b_to_a", "headline"),
    [(11.5e9, 0.5e9, "Iraq sells far less to Iran than it buys"),
     (0.5e9, 11.5e9, "Iran sells far less to Iraq than it buys"),  # the same numbers, swapped
     (4e9, 2e9, "Iraq sells less to Iran than it buys"),
     (5e9, 4e9, "Iraq sells somewhat less to Iran than it buys"),
     (3e9, 3e9, "Iran and Iraq sell each other about as much")],
)  # fmt: skip
def test_imbalance_title_is_read_from_the_bars(a_to_b: float, b_to_a: float, headline: str) -> None:
    fig = figures.imbalance(_balance(a_to_b, b_to_a), "s")
    assert " ".join(fig.layout.meta["wrap"]["title"].split()) == headline
    drawn = {t.name: list(t.x) for t in fig.data if t.x is not None and None not in list(t.x)}
    assert drawn == {"Iran → Iraq": [a_to_b], "Iraq → Iran": [b_to_a]}


def test_imbalance_title_says_when_totals_disagree() -> None:
    mixed = pd.concat([_balance(1e9, 3e9), _balance(3e9, 1e9).assign(basis_claim_id="z:0")])
    assert "depends on the total used" in figures.imbalance(mixed, "s").layout.meta["wrap"]["title"]


def test_page_names_follow_the_pair(tables: dict[str, pd.DataFrame]) -> None:
    assert summary.imbalance_title(tables, "IRN-IRQ") == "Iraq's export imbalance with Iran"
    assert summary.imbalance_nav(tables, "IRN-IRQ") == "Iraq's export imbalance"
    assert summary.export_mix_nav(tables, "IRN-IRQ") == "Iran's export mix"
    swapped = {**tables, "trade_balance": _balance(0.5e9, 11.5e9)}
    assert summary.imbalance_title(swapped, "IRN-IRQ") == "Iran's export imbalance with Iraq"
    assert summary.imbalance_nav(tables, "IRN-TJK") == "Export imbalance"  # no figures: no country named
    assert summary.export_mix_nav(tables, "IRN-TJK") == "Export mix"


# --- legends: every pattern drawn is explained -----------------------------------------------------
def _patterns_drawn(fig: go.Figure) -> set[str]:
    shapes: set[str] = set()
    for trace in fig.data:
        if trace.type != "bar" or trace.x is None or all(v is None for v in trace.x):
            continue
        shape = trace.marker.pattern.shape if trace.marker.pattern else None
        shapes |= {s for s in (shape if isinstance(shape, tuple | list) else [shape]) if s}
    return shapes


def _patterns_in_legend(fig: go.Figure) -> set[str]:
    """Pattern shapes shown in the legend (plotly lists a trace unless told not to, given two)."""
    listed = [
        t
        for t in fig.data
        if t.type == "bar" and t.name and (t.showlegend or (t.showlegend is None and len(fig.data) > 1))
    ]  # only bars have patterns (the timeline's legend also lists markers)
    return {
        t.marker.pattern.shape for t in listed if t.marker.pattern and isinstance(t.marker.pattern.shape, str)
    }


def test_every_pattern_drawn_has_a_legend_entry(tables: dict[str, pd.DataFrame]) -> None:
    charts = catalog.all_charts(tables, "IRN-IRQ", BASIS_12B)
    charts.append(catalog.imbalance({**tables, "trade_balance": _balance(0.5e9, 11.5e9)}, "IRN-IRQ"))
    seen = set()
    for chart in charts:
        drawn = _patterns_drawn(chart.figure)
        assert drawn <= _patterns_in_legend(chart.figure), (chart.slug, drawn)
        seen |= drawn
    assert {".", "/", "x"} <= seen  # dotted (approx, unitemised), hatched (over, derived), the gap
    legend = " ".join(
        t.name for t in catalog.all_charts(tables, "IRN-IRQ", BASIS_12B)[0].figure.data if t.showlegend
    )
    assert "“about”" in legend and "“over”" in legend and "“up to”" not in legend  # only what is drawn


# --- axes ---------------------------------------------------------------------------------------
def test_money_axis_fits_the_data_and_shows_zero() -> None:
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 12e9, "target": 20e9},
                  {"basis_claim_id": "a:6", "current": 18e9, "target": 20e9}])  # fmt: skip
    axis = figures.current_vs_target(gaps, "a:5", "s").layout.xaxis
    assert axis.tickvals[0] == 0 and axis.ticktext[0] == "$0"
    assert max(axis.tickvals) == 20e9 and axis.ticktext[-1] == "$20B"  # not $30B for a $20B target
    assert 20e9 < axis.range[1] <= 25e9
    bal = figures.imbalance(_balance(0.5e9, 11.5e9), "s").layout.xaxis
    assert bal.ticktext[0] == "$0" and max(bal.tickvals) <= 15e9 and bal.range[1] <= 1.15 * 11.5e9


def test_nice_ticks() -> None:
    assert style.nice_ticks(20) == [0, 5, 10, 15, 20]
    assert style.nice_ticks(18) == [0, 5, 10, 15, 20]
    assert style.nice_ticks(11.5) == [0, 2.5, 5, 7.5, 10, 12.5]
    assert fmt.money_tick(2.5e9) == "$2.5B" and fmt.money_tick(0) == "$0" and fmt.money_tick(5e8) == "$500M"


# --- text fitted to the chart's width -----------------------------------------------------------
def test_titles_wrap_by_width_not_at_forty_characters() -> None:
    long = "Iran–Iraq: current trade against the $20.0B target, on every reported basis"
    wide = style.wrap(long, 900, 19, bold=True)
    narrow = style.wrap(long, 330, 19, bold=True)
    assert len(wide) == 1 and len(narrow) >= 3
    assert all(style.text_width(line, 19, bold=True) <= 330 for line in narrow)
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 3e9, "target": 4e9}])
    fig = figures.current_vs_target(gaps, "a:5", "Source: " + "word " * 60)
    source_lines = fig.layout.annotations[-1].text.count("<br>") + 1
    assert source_lines == 3, "60 words at 11 px fill three lines of an 820 px chart (a laptop's)"
    meta = fig.layout.meta["wrap"]
    assert meta["title"] and meta["source"].startswith("Source:"), "fit.js rewraps these words on screen"


def test_outside_words_are_escaped_for_plotly() -> None:
    gaps = _gaps(
        [{"basis_claim_id": "a:5", "current": 3e9, "target": 4e9, "current_speaker": "<a href='x'>Z</a>"}]
    )
    text = _texts(figures.current_vs_target(gaps, "a:5", "s"))
    assert "<a href" not in text and "&lt;a href" in text


# --- names: articles and people -------------------------------------------------------------------
def test_articles_are_named_so_a_reader_can_find_them(tables: dict[str, pd.DataFrame]) -> None:
    label = catalog.article_label("000_f31fa2dc3060489f", tables)
    assert label == "“The Iranian and Iraqi governments are exploring…” (opening words)"
    assert catalog.article_label("004_b14702c3159b6398", tables) == (
        "“Iranian, Iraqi officials discuss enhancing…” (2025-07-18)"
    )
    articles = tables["articles"].copy()
    articles.loc[articles["article_id"] == "000_f31fa2dc3060489f", ["publisher", "published"]] = [
        "IRNA",
        "2025-07-01",
    ]
    dated = {**tables, "articles": articles}
    assert catalog.article_label("000_f31fa2dc3060489f", dated).endswith("(opening words; IRNA, 2025-07-01)")
    no_text = {**tables, "openings": tables["openings"].iloc[0:0]}
    assert catalog.article_label("003_8f7a0015df3d69a9", no_text) == "article 003_8f7a0015df3d69a9"
    for a in tables["articles"]["article_id"]:
        assert "untitled" not in catalog.article_label(a, tables)


def test_openings_skip_a_text_that_changed(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    (tmp_path / "000_f31fa2dc3060489f.txt").write_text("A different text now.", encoding="utf-8")
    found = openings(tables["articles"], tmp_path)
    assert found.empty, "a text whose checksum differs from the table's is never quoted"
    (tmp_path / "nothing").mkdir()
    assert openings(tables["articles"], tmp_path / "nothing").empty


def test_figures_of_a_pair_carry_their_articles_date() -> None:
    gaps = _gaps([{"basis_claim_id": "a:5", "current": 3e9, "target": 4e9, "current_article_id": "a"},
                  {"basis_claim_id": "b:5", "current": 2e9, "target": 4e9, "current_article_id": "b"}])  # fmt: skip
    fig = figures.current_vs_target(gaps, "a:5", "s", when={"a:5": "2024"})
    labels = [a.text for a in fig.layout.annotations]
    assert "<b>X</b>: $3.0B (2024)" in labels and "<b>X</b>: $2.0B" in labels  # b: not known when


def test_one_short_name_per_person(tables: dict[str, pd.DataFrame]) -> None:
    chart = catalog.current_vs_target(tables, "IRN-IRQ", BASIS_12B)
    labels = " ".join(a.text for a in chart.figure.layout.annotations)
    assert "<b>Abdul Mohsen</b>" in labels and "Naseer Abdul Mohsen Abdullah" not in labels
    hover = " ".join(chart.figure.data[0].customdata)
    assert "Naseer Abdul Mohsen Abdullah" in hover  # the full name on hover
    names = catalog.short_names(tables["people"])
    row = tables["target_gaps"].set_index("basis_claim_id").loc[BASIS_10B]
    assert figures.basis_label(row, names) == "Abdul Mohsen: over $10.0B"  # the selector's words
    assert set(chart.table["Stated by"]) == {"Samad Hassanzadeh", "Abdul Mohsen"}


# --- the table view --------------------------------------------------------------------------------
def test_table_view_is_for_reading(tables: dict[str, pd.DataFrame]) -> None:
    for chart in catalog.all_charts(tables, "IRN-IRQ", BASIS_12B):
        text = chart.table.to_csv(index=False)
        assert len(chart.table) == len(chart.data), chart.slug
        for raw in ("basis_claim_id", "lower_bound", "12000000000", "_", "000_f31fa2dc3060489f:"):
            assert raw not in text, (chart.slug, raw)
    gap = catalog.current_vs_target(tables, "IRN-IRQ", BASIS_12B).table
    assert list(gap["Current trade"]) == ["$12.0B", "over $10.0B", "about $18.0B"]
    assert "Gap to target" in gap.columns and "$8.0B" in set(gap["Gap to target"])


# --- the overview -----------------------------------------------------------------------------------
def test_a_range_of_one_figure_is_written_once() -> None:
    assert fmt.hedged_range([(4e9, "USD", "exact", ""), (4e9, "USD", "exact", "")]) == "$4.0B"
    assert fmt.hedged_range(
        [(18e9, "USD", "approx", "including energy"), (10e9, "USD", "lower_bound", "")]
    ) == ("over $10.0B to about $18.0B incl. energy")


def test_overview_sorts_and_finds(tables: dict[str, pd.DataFrame]) -> None:
    assert [s.pair for s in summary.overview(tables, "name")] == ["IRN-IRQ", "IRN-TJK"]
    assert [s.pair for s in summary.overview(tables, "gap")] == ["IRN-IRQ", "IRN-TJK"]  # no gap: last
    assert [s.pair for s in summary.overview(tables, "name", "tajik")] == ["IRN-TJK"]
    assert [s.pair for s in summary.overview(tables, "name", "IRQ")] == ["IRN-IRQ"]
    assert summary.overview(tables, "gap", "narnia") == []


# --- the slide deck ---------------------------------------------------------------------------------
def test_slide_deck_opens_with_a_title_slide(tables: dict[str, pd.DataFrame], monkeypatch) -> None:
    import datetime

    from pptx import Presentation

    import charts.exports

    monkeypatch.setattr(charts.exports, "images", lambda charts, fmt="png": [_TINY_PNG] * len(charts))
    charts_ = catalog.all_charts(tables, "IRN-IRQ", BASIS_12B)
    deck = Presentation(io.BytesIO(slides(charts_, tables, "Iran–Iraq", datetime.date(2026, 3, 1))))
    first, *rest = list(deck.slides)
    words = " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert "Iran–Iraq" in words and "01 March 2026" in words
    assert "“Iraq aims to boost annual trade with Iran to…”" in words
    assert "“The Iranian and Iraqi governments are exploring…” (opening words)" in words
    assert len(rest) == len(charts_)


_TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _with_product_share(tables: dict[str, pd.DataFrame], keep_total: bool) -> dict[str, pd.DataFrame]:
    """The tables plus a newer article saying Iran supplies 40 % of Iraq's gas imports (an
    import_share with the product as its category); with or without the share of all imports."""
    claims = tables["claims"]
    total = claims[(claims["metric"] == "import_share") & (claims["category"] == "")]
    assert len(total), "the committed tables hold a share of all of Iraq's imports"
    product = total.iloc[[0]].assign(
        claim_id="zz_product:10", article_id="zz_product", category="gas", value=40.0, start=10, end=13,
        quote="Iran supplies 40% of Iraq's gas imports.",
    )  # fmt: skip
    article = (
        tables["articles"].iloc[[0]].assign(article_id="zz_product", published="2099-01-01", title="Gas")
    )
    kept = claims if keep_total else claims.drop(total.index)
    return {
        **tables,
        "claims": pd.concat([kept, product], ignore_index=True),
        "articles": pd.concat([tables["articles"], article], ignore_index=True),
    }


def test_a_share_of_one_products_imports_is_never_drawn_as_a_share_of_all_imports(
    tables: dict[str, pd.DataFrame],
) -> None:
    both = _with_product_share(tables, keep_total=True)
    total = tables["claims"][(tables["claims"]["metric"] == "import_share")]["value"].iloc[0]
    for source in (None, "zz_product"):  # the latest article, or the product's own, asked for
        chart = catalog.import_share(both, "IRN", "IRQ", source)
        assert chart is not None and chart.data["value"].tolist() == [total]
        assert "40 %" not in _texts(chart.figure) and "40 %" not in chart.description
    assert catalog.import_share(_with_product_share(tables, keep_total=False), "IRN", "IRQ") is None
    lanes = {
        timeline.lane_of(r)[1]
        for r in both["claims"][both["claims"]["metric"] == "import_share"].to_dict("records")
    }
    assert lanes == {
        "Goods from Iran: share of Iraq's imports",
        "Goods from Iran: share of Iraq's gas imports",
    }
