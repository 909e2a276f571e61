"""Charts say what was checked: marks, legend, source line, citation, Table view and slide notes
follow the reviewed-claims decisions the ETL applied; rejected claims reach no chart; with
"reviewed only", only the claims a person stands behind do."""

from __future__ import annotations

import datetime
import io
import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from etl_fixtures import COMMITTED, article_id, copy_corpus
from test_review import decide, decisions_of

from charts import catalog, checked
from charts.checked import LEGEND, MARK
from etl.pipeline import run
from etl.review import chart_tables, write_reviews
from etl.tables import read_table, read_tables
from ui.data import openings

A0, A1 = article_id("000"), article_id("001")
TWELVE = f"{A0}:701"  # "$12 billion", Hassanzadeh: current trade
TARGET = f"{A0}:855"  # "$20 billion" target
IRAQ_EXPORTS = f"{A0}:1758"  # Iraq's exports to Iran, $500 million
IMPORT_SHARE = f"{A1}:1208"  # 65 % of Iraq's imports come from Iran
AGRI = f"{A1}:1300"  # agricultural products 30 %
PAIR = "IRN-IRQ"


@pytest.fixture(scope="module")
def extracted() -> pd.DataFrame:
    return read_table("claims", COMMITTED)


@pytest.fixture(scope="module")
def build(tmp_path_factory, extracted):
    """Run the ETL over a copy of the articles with some decisions; the tables as the app loads them."""

    def make(*actions: tuple) -> dict[str, pd.DataFrame]:
        """`actions`: (claim id, action) or (claim id, action, {amended fields})."""
        base = tmp_path_factory.mktemp("checked")
        raw = copy_corpus(base / "raw", metadata=True)
        rows = [decide(extracted, a[0], a[1], **(a[2] if len(a) > 2 else {})) for a in actions]
        reviews = write_reviews(decisions_of(*rows), base / "reviews.csv")
        run(raw, base / "out", reviews=reviews)
        tables = read_tables(base / "out")
        return {**tables, "openings": openings(tables["articles"], raw)}

    return make


@pytest.fixture(scope="module")
def unreviewed(build) -> dict[str, pd.DataFrame]:
    return chart_tables(build())


@pytest.fixture(scope="module")
def reviewed(build) -> dict[str, pd.DataFrame]:
    """Hassanzadeh's $12 billion, its target, Iraq's exports, the import share and a category
    share confirmed by a person."""
    return build(
        (TWELVE, "confirm"), (TARGET, "confirm"), (IRAQ_EXPORTS, "confirm"), (IMPORT_SHARE, "confirm"),
        (AGRI, "confirm"),
    )  # fmt: skip


def _legend(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data if t.showlegend]


def _annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations if a.name != "source"]


def _source(fig: go.Figure) -> str:
    return " ".join(fig.layout.meta["wrap"]["source"].split())


# --- rejected claims reach no chart ---------------------------------------------------------------
def test_a_rejected_import_share_is_drawn_by_no_chart(build):
    tables = build((IMPORT_SHARE, "reject"))
    assert catalog.import_share(tables, "IRN", "IRQ") is not None, "read as is, the table still holds it"
    assert catalog.import_share(chart_tables(tables), "IRN", "IRQ") is None
    titles = [c.title for c in catalog.all_charts(chart_tables(tables), PAIR, TWELVE)]
    assert "Share of imports" not in titles


# --- marks and legend ------------------------------------------------------------------------------
def test_nothing_reviewed_draws_no_mark_and_no_legend_entry(unreviewed):
    for chart in catalog.all_charts(unreviewed, PAIR, TWELVE):
        drawn = "\n".join(_annotations(chart.figure) + [str(t.text) for t in chart.figure.data])
        assert MARK not in drawn, chart.title
        assert LEGEND not in _legend(chart.figure), chart.title
        assert _source(chart.figure).endswith("no figure reviewed by a person"), chart.title
        # Screen readers hear the same: the description says no figure was reviewed.
        assert chart.description.endswith(
            ("None of its figures was reviewed by a person.", "Its figure was not reviewed by a person.")
        ), chart.title
        assert set(chart.table["Checked"]) <= {checked.NOT_REVIEWED, ""}, chart.title


def test_current_vs_target_marks_the_reviewed_bar_and_target(reviewed):
    chart = catalog.current_vs_target(reviewed, PAIR, TWELVE)
    labels = _annotations(chart.figure)
    marked = [a for a in labels if a.endswith(MARK)]
    assert marked == ["<b>Samad Hassanzadeh</b>: $12.0B (current) ✓"], labels
    # The target stands on three claims; one reviewed is not all of them.
    assert "target $20.0B" in labels
    assert _legend(chart.figure)[-1] == LEGEND
    hover = chart.figure.data[0].customdata
    assert hover[0].endswith("<br>✓ reviewed by a person (Ana Analyst, 2025-01-31)")
    assert MARK not in hover[1]
    assert _source(chart.figure).endswith("; 2 of 6 figures reviewed by a person")
    assert chart.description.endswith(" 2 of its 6 figures were reviewed by a person.")
    assert chart.table["Checked"].tolist() == [
        "✓ reviewed by a person (Ana Analyst, 2025-01-31)", checked.NOT_REVIEWED, checked.NOT_REVIEWED,
    ]  # fmt: skip


def test_imbalance_marks_a_bar_only_when_every_claim_behind_it_was_reviewed(reviewed):
    chart = catalog.imbalance(reviewed, PAIR)
    text = {trace.name: list(trace.text) for trace in chart.figure.data if trace.text is not None}
    # On the $12B total (reviewed): Iraq's reported $500M is reviewed; Iran's side is derived from
    # the total and Iraq's side, both reviewed. On the other totals, the derived side is not.
    iraq, iran = text["Iraq → Iran"], text["Iran → Iraq"]
    assert iraq == ["$500M · 4.2 % ✓", "$500M · 2.8 % ✓"]
    assert iran == ["$11.5B derived · 95.8 % ✓", "$17.5B derived · 97.2 %"]
    labels = _annotations(chart.figure)
    assert labels[0].startswith("On a $12.0B total ✓") and MARK not in labels[1]
    assert LEGEND in _legend(chart.figure)
    checked_cells = dict(zip(zip(chart.data["basis_claim_id"], chart.data["direction"], strict=True),
                             chart.table["Checked"], strict=True))  # fmt: skip
    assert checked_cells[(TWELVE, "IRN->IRQ")].startswith(MARK)
    assert checked_cells[(f"{A0}:1510", "IRN->IRQ")].startswith("partly: reviewed by a person")


def test_export_mix_marks_the_reviewed_category(reviewed):
    chart = catalog.export_mix(reviewed, "IRN", "IRQ")
    labels = _annotations(chart.figure)
    assert "Agricultural products ✓" in labels and "Leather" in labels
    assert LEGEND in _legend(chart.figure)
    assert MARK not in next(a for a in labels if a.startswith("Leather"))
    cells = dict(zip(chart.table["Category"], chart.table["Checked"], strict=True))
    assert cells["Agricultural products"].startswith(MARK) and cells["Leather"] == checked.NOT_REVIEWED
    assert cells["Chemicals"] == "", "a category named without a share is no figure"


def test_import_share_marks_the_reviewed_share(reviewed):
    chart = catalog.import_share(reviewed, "IRN", "IRQ")
    assert list(chart.figure.data[0].text) == ["65 % ✓"]
    assert LEGEND in _legend(chart.figure)
    assert _source(chart.figure).endswith("; the figure reviewed by a person")


# --- words ----------------------------------------------------------------------------------------
def test_the_citation_says_for_each_figure_who_reviewed_it_or_that_no_one_did(reviewed):
    chart = catalog.current_vs_target(reviewed, PAIR, TWELVE)
    lines = catalog.citation(chart.claims, reviewed).splitlines()
    assert len(lines) == 6
    twelve = [line for line in lines if "$12.0B" in line]
    assert "date not stated. Reviewed by a person (Ana Analyst, 2025-01-31). Quote: “We believe" in twelve[0]
    assert sum(". Extracted by rule, not reviewed. Quote: “" in line for line in lines) == 4


def test_an_amended_figure_says_it_was_corrected(build):
    tables = chart_tables(build((f"{A0}:1510", "amend", {"value": 17e9, "qualifier": "exact"})))
    chart = catalog.current_vs_target(tables, PAIR, TWELVE)
    lines = catalog.citation(chart.claims, tables).splitlines()
    assert "Reviewed and corrected by a person (Ana Analyst, 2025-01-31). Quote:" in next(
        line for line in lines if "$17.0B" in line
    )
    assert any(label.startswith("<b>Abdul Mohsen</b>: $17.0B") and label.endswith(MARK)
               for label in _annotations(chart.figure))  # fmt: skip


def test_the_slide_notes_say_what_was_checked(reviewed, monkeypatch):
    from pptx import Presentation
    from test_charts import _TINY_PNG

    import charts.exports

    monkeypatch.setattr(charts.exports, "images", lambda charts, fmt="png": [_TINY_PNG] * len(charts))
    charts_ = catalog.all_charts(reviewed, PAIR, TWELVE)
    deck = Presentation(
        io.BytesIO(charts.exports.slides(charts_, reviewed, "Iran–Iraq", datetime.date(2026, 3, 1)))
    )
    notes = [s.notes_slide.notes_text_frame.text for s in list(deck.slides)[1:]]
    assert "Claims behind this chart (2 of 6 figures reviewed by a person):" in notes[0]
    assert "Reviewed by a person (Ana Analyst, 2025-01-31). Quote:" in notes[0]
    assert "Extracted by rule, not reviewed. Quote:" in notes[0]


# --- reviewed only ----------------------------------------------------------------------------------
def test_reviewed_only_draws_only_what_a_person_checked(reviewed):
    only = chart_tables(reviewed, reviewed_only=True)
    chart = catalog.current_vs_target(only, PAIR, TWELVE)
    assert chart.data["basis_claim_id"].tolist() == [TWELVE]
    assert chart.data["target_claim_ids"].tolist() == [TARGET]
    assert set(chart.claims["claim_id"]) == {TWELVE, TARGET}
    assert _source(chart.figure).endswith("; every figure reviewed by a person")
    assert all(cell.startswith(MARK) for cell in chart.table["Checked"])
    assert "target $20.0B ✓" in _annotations(chart.figure)


def test_reviewed_only_with_nothing_reviewed_leaves_no_chart(unreviewed):
    only = chart_tables(unreviewed, reviewed_only=True)
    assert catalog.current_vs_target(only, PAIR, TWELVE) is None
    assert catalog.imbalance(only, PAIR) is None
    assert catalog.import_share(only, "IRN", "IRQ") is None
    mix = catalog.export_mix(only, "IRN", "IRQ")
    assert mix.claims.empty, "categories stay listed, but with no share left there is no figure"


# --- hostile --------------------------------------------------------------------------------------
HOSTILE = '<img src=x onerror="alert(1)"> <b>Eve</b> &amp; Co'


def test_a_reviewer_name_with_html_is_escaped_in_the_chart_and_plain_in_the_citation(reviewed):
    claims = reviewed["claims"].copy()
    claims.loc[claims["claim_id"] == TWELVE, "reviewed_by"] = HOSTILE
    tables = {**reviewed, "claims": claims}
    chart = catalog.current_vs_target(tables, PAIR, TWELVE)
    hover = chart.figure.data[0].customdata[0]
    assert '&lt;img src=x onerror="alert(1)"&gt; &lt;b&gt;Eve&lt;/b&gt; &amp;amp; Co' in hover
    assert "<img" not in json.dumps(chart.figure.to_plotly_json(), ensure_ascii=False)
    # The citation is plain text (shown as code, pasted as text): the name exactly as written.
    assert f"Reviewed by a person ({HOSTILE}, 2025-01-31). Quote:" in catalog.citation(chart.claims, tables)
    assert chart.table["Checked"].iloc[0] == f"✓ reviewed by a person ({HOSTILE}, 2025-01-31)"
