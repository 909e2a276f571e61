"""The "Reviewed figures only" toggle on every chart page, run headless with Streamlit's AppTest: in
the link, the chart drawn from the reviewed claims alone, and plain words (never an empty chart)
when none is left."""

from __future__ import annotations

import json

import pytest
from etl_fixtures import COMMITTED, article_id, copy_corpus
from streamlit.testing.v1 import AppTest
from test_app_pages import APP, PAGES, run_page, shown
from test_review import decide, decisions_of

from etl.pipeline import run
from etl.review import write_reviews
from etl.tables import read_table

A0, A1 = article_id("000"), article_id("001")
TWELVE = f"{A0}:701"  # "$12 billion", Hassanzadeh: current trade
EIGHTEEN = f"{A0}:1510"
TARGET = f"{A0}:855"  # "$20 billion" target
IMPORT_SHARE = f"{A1}:1208"  # 65 % of Iraq's imports come from Iran
A4_TARGET = f"{article_id('004')}:2342"  # "$20 billion" a year, in the one dated article
CHART_PAGES = ["pages/current-vs-target.py", "pages/imbalance.py", "pages/export-mix.py", "pages/timeline.py"]
NONE_REVIEWED = (
    "Iran–Iraq: no figure for this pair has been reviewed by a person yet; review figures on Sources & data."
)


def _served(tmp_path, monkeypatch, *actions: tuple[str, str]) -> None:
    """The app pointed at tables built from a copy of the articles with these decisions."""
    claims = read_table("claims", COMMITTED)
    raw = copy_corpus(tmp_path / "raw", metadata=True)
    reviews = write_reviews(
        decisions_of(*(decide(claims, c, a) for c, a in actions)), tmp_path / "reviews.csv"
    )
    run(raw, tmp_path / "processed", reviews=reviews)
    monkeypatch.setenv("TRADE_RAW_DIR", str(raw))
    monkeypatch.setenv("TRADE_PROCESSED_DIR", str(tmp_path / "processed"))
    monkeypatch.setenv("TRADE_REVIEWS_FILE", str(reviews))


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _infos(at: AppTest) -> str:
    return shown("\n".join(i.value for i in at.info))


@pytest.mark.parametrize("page", CHART_PAGES)
def test_on_with_nothing_reviewed_says_so_plainly_with_a_link(page):
    at = run_page(page, reviewed="1")
    assert not at.exception and not at.error
    assert NONE_REVIEWED in _infos(at)
    assert not _charts(at), "never an empty chart"
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert ("Review figures on Sources & data", "sources") in links
    assert at.toggle(key="widget.reviewed").value is True


def test_the_toggle_lives_in_the_link_and_drops_the_basis_it_hung_on():
    at = run_page(PAGES[1], pair="IRN-IRQ", basis=EIGHTEEN)
    assert len(_charts(at)) == 1 and at.query_params["basis"] == EIGHTEEN
    at.toggle(key="widget.reviewed").set_value(True).run()
    assert not at.exception
    assert at.query_params["reviewed"] == "1"
    assert "basis" not in at.query_params, "a basis of the unreviewed figures is stale"
    assert NONE_REVIEWED in _infos(at) and not _charts(at)
    slides = next(b for b in at.get("download_button") if b.proto.label == "Download all charts as slides")
    assert "(reviewed figures only)" in slides.proto.help, "the slide deck follows the toggle"
    at.toggle(key="widget.reviewed").set_value(False).run()
    assert "reviewed" not in at.query_params and len(_charts(at)) == 1


def test_a_bad_toggle_value_in_the_link_is_off_with_a_notice():
    at = run_page(PAGES[1], reviewed="maybe")
    assert not at.exception
    assert "reviewed=“maybe” is not on or off" in _infos(at)
    assert len(_charts(at)) == 1


def test_on_with_a_confirmed_figure_and_target_draws_only_them(tmp_path, monkeypatch):
    _served(tmp_path, monkeypatch, (TWELVE, "confirm"), (TARGET, "confirm"))
    at = run_page(PAGES[1], reviewed="1")
    assert not at.exception and not at.error
    (spec,) = _charts(at)
    bars = spec["data"][0]
    assert bars["customdata"] == [
        "Samad Hassanzadeh: $12.0B (current)<br>✓ reviewed by a person (Ana Analyst, 2025-01-31)"
    ], "one bar: the confirmed figure alone, its hover saying who reviewed it"
    labels = [a["text"] for a in spec["layout"]["annotations"]]
    assert "<b>Samad Hassanzadeh</b>: $12.0B (current) ✓" in labels and "target $20.0B ✓" in labels
    assert "✓ reviewed by a person" in [t.get("name") for t in spec["data"]]
    assert spec["layout"]["meta"]["wrap"]["source"].endswith("; every figure reviewed by a person")
    at.segmented_control(key="mode.current-vs-target-IRN-IRQ").set_value("Table").run()
    assert at.dataframe[0].value["Checked"].tolist() == ["✓ reviewed by a person (Ana Analyst, 2025-01-31)"]


def test_on_with_only_the_current_figure_reviewed_says_what_is_missing(tmp_path, monkeypatch):
    _served(tmp_path, monkeypatch, (TWELVE, "confirm"))
    at = run_page(PAGES[1], reviewed="1")
    assert not at.exception and not _charts(at)
    assert (
        "Iran–Iraq: a person has reviewed 1 figure of this pair, but not both a current trade figure and a "
        "target to set it against; review figures on Sources & data." in _infos(at)
    )


def test_export_mix_with_only_the_import_share_reviewed(tmp_path, monkeypatch):
    _served(tmp_path, monkeypatch, (IMPORT_SHARE, "confirm"))
    at = run_page("pages/export-mix.py", reviewed="1")
    assert not at.exception and not at.error
    assert "not a share of Iran → Iraq exports by category" in _infos(at)
    (spec,) = _charts(at)
    assert spec["data"][0]["text"] == ["65 % ✓"], "only the reviewed import share is drawn"


def test_off_a_rejected_import_share_is_not_drawn(tmp_path, monkeypatch):
    _served(tmp_path, monkeypatch, (IMPORT_SHARE, "reject"))
    at = run_page("pages/export-mix.py")
    assert not at.exception
    assert len(_charts(at)) == 1, "the export mix alone: the rejected share of imports is gone"
    assert "65 %" not in shown("\n".join(m.value for m in at.markdown))


def test_overview_leaves_a_rejected_figure_out(tmp_path, monkeypatch):
    _served(tmp_path, monkeypatch, (EIGHTEEN, "reject"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    text = shown("\n".join(m.value for m in at.markdown))
    assert "about $18.0B" not in text and "over $10.0B to $12.0B" in text


def test_timeline_on_draws_only_the_reviewed_target_statement(tmp_path, monkeypatch):
    _served(tmp_path, monkeypatch, (A4_TARGET, "confirm"))
    at = run_page("pages/timeline.py", reviewed="1")
    assert not at.exception and not at.error
    (spec,) = _charts(at)
    stated = [t for t in spec["data"] if t.get("marker", {}).get("symbol") == "circle" and t["x"][0]]
    assert [t["x"] for t in stated] == [["2025-07-18"]] and [t["text"] for t in stated] == [["✓"]]
    assert "✓ reviewed by a person" in [t.get("name") for t in spec["data"]]
    assert spec["layout"]["meta"]["wrap"]["source"].endswith("; the figure reviewed by a person")
    assert "figures that give no date" not in " ".join(h.value for h in at.subheader), (
        "only reviewed ones listed"
    )
