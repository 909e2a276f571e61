"""Every file a user takes away, downloaded through the browser: chart PNGs from the camera button,
a chart's CSV, the SVG, the citation, the zip of all tables and the slide deck."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import browser_support as bs
import pandas as pd
import pytest

from charts import catalog, summary
from etl.pipeline import PROCESSED
from etl.tables import TABLE_NAMES, formula_safe, read_tables

pytestmark = pytest.mark.browser

PAIR = "IRN-IRQ"
# url path -> the charts on it, by slug (the PNG's file name), in page order
CHART_SLUGS = {
    "current-vs-target": [f"current-vs-target-{PAIR}"],
    "imbalance": [f"imbalance-{PAIR}"],
    "export-mix": ["export-mix-IRN-IRQ", "import-share-IRN-IRQ"],
}


@pytest.fixture(scope="module")
def tables():
    return read_tables(PROCESSED)


def download(page, click, timeout: float = bs.ACTION_TIMEOUT_MS) -> tuple[str, bytes]:
    """(suggested file name, bytes) of the download that `click()` starts."""
    with page.expect_download(timeout=timeout) as started:
        click()
    d = started.value
    assert d.failure() is None, d.failure()
    return d.suggested_filename, Path(d.path()).read_bytes()


def distinct_colours(png: bytes) -> int:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(colours) if colours is not None else 1 << 20


@pytest.mark.parametrize("path", list(CHART_SLUGS))
def test_camera_button_saves_a_slide_sized_png(page, app, path: str) -> None:
    bs.goto(page, app.url, path)
    charts = page.locator(bs.CHART)
    assert charts.count() == len(CHART_SLUGS[path])
    for chart, slug in zip(charts.all(), CHART_SLUGS[path], strict=True):
        chart.hover()  # the modebar shows on hover
        name, png = download(page, chart.locator(bs.CAMERA).click)
        assert name.endswith(".png") and slug in name, name
        width, height = bs.png_size(png)
        assert width >= 1920 and width * 9 == height * 16, (width, height)
        assert len(png) > 30_000, f"{name} is {len(png)} bytes: blank?"
        pytest.importorskip("PIL")
        assert distinct_colours(png) > 50, f"{name} has too few colours to be a drawn chart"


def test_chart_csv_is_exactly_the_rows_plotted(page, app, tables) -> None:
    _, basis = summary.bases(tables, PAIR)
    expected = catalog.current_vs_target(tables, PAIR, basis).data
    bs.goto(page, app.url, "current-vs-target", f"pair={PAIR}&basis={basis}")
    name, body = download(page, page.get_by_role("button", name="Download data (CSV)").click)
    assert name == f"current-vs-target-{PAIR}.csv"
    got = pd.read_csv(io.BytesIO(body), keep_default_na=False)
    want = formula_safe(expected).reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want) == 3
    for col in want.columns:
        if pd.api.types.is_bool_dtype(want[col]):
            assert got[col].tolist() == want[col].tolist(), col
        elif pd.api.types.is_numeric_dtype(want[col]):
            pd.testing.assert_series_equal(got[col].astype(float), want[col].astype(float), check_names=False)
        else:
            assert got[col].astype(str).tolist() == want[col].astype(str).tolist(), col
    bs.assert_no_formula_cells(body.decode("utf-8"))


def test_all_tables_zip_is_a_valid_data_package(page, app, tmp_path) -> None:
    frictionless = pytest.importorskip("frictionless")
    bs.goto(page, app.url, "sources")
    button = page.get_by_role("button", name=re.compile(r"^All tables as one zip"))
    name, body = download(page, button.click, timeout=60_000)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        names = set(z.namelist())
        z.extractall(tmp_path)
    assert names == {"datapackage.json", "README.md", *(f"{t}.csv" for t in TABLE_NAMES)}, names
    assert len([n for n in names if n.endswith(".csv")]) == len(TABLE_NAMES) == 7  # reviewed_claims too
    assert (tmp_path / "README.md").read_text(encoding="utf-8").startswith("# ")
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_sources_csv_downloads_are_the_tables_and_the_filtered_claims(page, app, tables) -> None:
    """Made on click (not on every run of the page): each table's button gives that table, and the
    filtered claims' button the rows the filter leaves."""
    bs.goto(page, app.url, "sources")
    name, body = download(page, page.get_by_role("button", name="claims.csv", exact=True).click)
    assert name == "claims.csv"
    assert body == (PROCESSED / "claims.csv").read_bytes()
    name, body = download(page, page.get_by_role("button", name="target_gaps.csv", exact=True).click)
    assert name == "target_gaps.csv" and body == (PROCESSED / "target_gaps.csv").read_bytes()
    every = len(tables["claims"])
    button = page.get_by_role("button", name=f"Download these {every} claims (CSV)", exact=True)
    name, body = download(page, button.click)
    assert name == "claims-filtered.csv"
    assert len(pd.read_csv(io.BytesIO(body), keep_default_na=False)) == every


@pytest.fixture(scope="module")
def deck(browser, app, tables):
    """The slide deck from the sidebar button, downloaded once for the slide tests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page = context.new_page()
        bs.goto(page, app.url, "current-vs-target")
        button = page.locator('[data-testid="stSidebar"]').get_by_role(
            "button", name="Download all charts as slides"
        )
        name, body = download(page, button.click, timeout=bs.SLOW_DOWNLOAD_MS)
    finally:
        context.close()
    from pptx import Presentation

    _, basis = summary.bases(tables, PAIR)
    return name, Presentation(io.BytesIO(body)), catalog.all_charts(tables, PAIR, basis)


def test_slides_hold_a_title_slide_then_one_picture_per_chart(deck) -> None:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    name, presentation, charts = deck
    assert name == f"trade-charts-{PAIR}.pptx"
    title, *slides = list(presentation.slides)
    assert len(slides) == len(charts) == 5  # four charts and the timeline
    words = " ".join(s.text_frame.text for s in title.shapes if s.has_text_frame)
    assert "Iran–Iraq" in words and "made" in words and "Sources" in words
    assert "“Iraq aims to boost annual trade with Iran to…”" in words
    for slide in slides:
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert pictures[0].image.content_type == "image/png"
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()


def test_slide_notes_name_every_source_article(deck) -> None:
    _, presentation, charts = deck
    for slide, chart in zip(list(presentation.slides)[1:], charts, strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert chart.sources, chart.slug
        for article_id in chart.sources:
            named = article_id in notes or re.search(
                rf"(?<![\w.]){catalog.short_id(article_id)}(?![\w.])", notes
            )
            assert named, f"{chart.slug}: notes do not name source article {article_id}:\n{notes}"


def test_download_svg(page, app) -> None:
    bs.goto(page, app.url, "imbalance")
    name, body = download(
        page, page.get_by_role("button", name="Download SVG").click, timeout=bs.SLOW_DOWNLOAD_MS
    )
    assert name == f"imbalance-{PAIR}.svg"
    text = body.decode("utf-8").lstrip()
    assert text.startswith(("<svg", "<?xml")), text[:80]
    assert "</svg>" in text and "Iraq sells far less to Iran than it buys" in text
    assert ">$0<" in text, "the x axis starts at a labelled $0"


def test_cite_this_chart(page, app) -> None:
    bs.goto(page, app.url, "current-vs-target")
    page.get_by_role("button", name="Cite this chart").click()
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    code.wait_for(state="visible")
    text = code.inner_text()
    assert "Samad Hassanzadeh" in text
    assert "000_f31fa2dc3060489f" in text
    assert "Iraq aims to boost annual trade with Iran to $20 billion" in text  # article 001 by title
    assert "$12 billion" in text, "each line quotes the sentence the figure came from"
