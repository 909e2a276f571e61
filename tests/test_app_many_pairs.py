"""The app on a corpus of many pairs and many years (tests/corpus/many, the team's own writing):
every page for every pair renders with no exception, and its title and chart titles name only the
two countries of the pair shown.

The corpus goes through the ETL (`python -m etl`) into a temporary folder and the app is pointed at
it with TRADE_PROCESSED_DIR and TRADE_RAW_DIR, as a deployment with its own articles would be.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from etl.places import country_index

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
MANY = ROOT / "tests" / "corpus" / "many"
PAIR_PAGES = ["pages/current-vs-target.py", "pages/imbalance.py", "pages/export-mix.py", "pages/timeline.py"]


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("many-processed")
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--articles", str(MANY), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def pointed(processed: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADE_PROCESSED_DIR", str(processed))
    monkeypatch.setenv("TRADE_RAW_DIR", str(MANY))
    return processed


def test_the_corpus_is_many_pairs_and_many_years(processed: Path) -> None:
    """What the corpus promises: 25+ pairs, 10+ years of figures, both directions for some pairs,
    category lists of several exporters and two lists of one flow from different years."""
    claims = pd.read_csv(processed / "claims.csv", keep_default_na=False)
    articles = pd.read_csv(processed / "articles.csv", keep_default_na=False)
    cats = pd.read_csv(processed / "export_categories.csv", keep_default_na=False)
    assert claims["pair"].nunique() >= 25
    years = claims["period"].str.extract(r"\b((?:19|20)\d\d)\b")[0].dropna().unique()
    assert len(years) >= 10, sorted(years)
    flows = claims[claims["metric"] == "exports"].groupby("pair")["direction"].nunique()
    assert (flows == 2).sum() >= 5, "both directions reported for several pairs"
    assert cats["exporter"].nunique() >= 3
    lists = cats.groupby(["exporter", "importer"])["source"].nunique()
    assert lists.max() >= 2, "one flow listed by two articles"
    assert (claims["metric"] == "trade_target").sum() >= 10
    assert (articles["title"] != "").mean() > 0.8 and (articles["published"] != "").mean() > 0.8
    assert (articles["title"] == "").any() and (articles["published"] == "").any()
    assert (articles["publisher"] != "").mean() > 0.8


def _countries(text: str) -> set[str]:
    return {m.iso3 for m in country_index().find(text)}


def _chart_titles(at: AppTest) -> list[str]:
    titles = []
    for element in at.get("plotly_chart"):
        layout = json.loads(element.proto.spec)["layout"]
        titles.append(layout["meta"]["wrap"]["title"])
    return titles


def _pairs(processed: Path) -> list[str]:
    claims = pd.read_csv(processed / "claims.csv", keep_default_na=False)
    return sorted(claims["pair"].unique())


@pytest.mark.parametrize("page", PAIR_PAGES)
def test_every_pair_on_every_page(pointed: Path, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page)
    problems = []
    for pair in _pairs(pointed):
        for key in list(at.query_params):
            del at.query_params[key]
        at.query_params["pair"] = pair
        at.run()
        if at.exception:
            problems.append(f"{pair}: {[e.value for e in at.exception]}")
            continue
        shown = pair.split("-")
        title = at.title[0].value
        named = _countries(title)
        if not named or not named <= set(shown):
            problems.append(f"{pair}: page title {title!r} names {sorted(named)}")
        for chart_title in _chart_titles(at):
            if not _countries(chart_title) <= set(shown):
                problems.append(f"{pair}: chart title {chart_title!r}")
        if any("not available here" in i.value for i in at.info):
            problems.append(f"{pair}: the page did not show the pair asked for")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/sources.py"])
def test_overview_and_sources(pointed: Path, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    if page == "pages/overview.py":
        cards = [m.value for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
        assert len(cards) == len(_pairs(pointed))
        words = " ".join(
            f"{c.value} {c.proto.help}" for c in at.caption
        )  # the sources, and all of them on hover
        text = re.sub(r"\\(.)", r"\1", words)  # Markdown escapes removed
        assert "untitled" not in text
        assert (
            "“The numbers behind Egypt-Saudi trade Trade…” (opening words)" in text
        )  # m40: no title, no date


def test_a_pair_with_lists_both_ways(pointed: Path) -> None:
    """Iran–Iraq: categories listed both ways (m02 and m05 for Iran's exports, m47 for Iraq's). The
    page offers the flow and the list, names the page for the flow, keeps both in the link and
    forgets them with the pair; each list is shown on its own."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["pair"] = "IRN-IRQ"
    at.run()
    at.switch_page("pages/export-mix.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Iran's export mix to Iraq"
    assert at.selectbox(key="widget.list").value == "m05:40"  # the latest list first
    assert any("**8 categories**" in m.value for m in at.markdown)
    at.selectbox(key="widget.list").set_value("m02:191").run()
    assert any("**6 categories**" in m.value for m in at.markdown), "the 2015 list alone, not merged"
    at.selectbox(key="widget.flow").set_value("IRQ->IRN").run()
    assert at.title[0].value == "Iraq's export mix to Iran"
    assert at.query_params["flow"] == "IRQ->IRN" and "list" not in at.query_params
    assert any("**3 categories**" in m.value for m in at.markdown)
    at.selectbox(key="widget.pair").set_value("CHN-PAK").run()
    assert "flow" not in at.query_params and at.title[0].value == "Export mix: China–Pakistan"


def test_the_timeline_over_many_years(pointed: Path) -> None:
    """Iran–Iraq over ten years: every dated figure drawn, the target at its deadline and between
    the first and last articles stating it; the one list share without a period listed."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["pair"] = "IRN-IRQ"
    at.run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _chart_titles(at) == [
        "Iran–Iraq: 13 figures from 2014 to 2024; target $20.0B by 2020, stated 2015–2024"
    ]
    assert [s.value for s in at.subheader] == ["1 figure that gives no date"]
