"""The Timeline page in a real browser: the chart is drawn, its CSV is exactly the rows plotted, the
camera button saves a slide-sized PNG; on the seeds and on the many-pair corpus, at desktop and
phone width (screenshots in tests/artifacts/)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import browser_support as bs
import pandas as pd
import pytest

from charts import catalog
from etl.pipeline import PROCESSED
from etl.tables import formula_safe, read_tables
from ui.data import openings

pytestmark = pytest.mark.browser

MANY = bs.ROOT / "tests" / "corpus" / "many"
PHONE = (390, 844)


def download(page, click, timeout: float = bs.ACTION_TIMEOUT_MS) -> tuple[str, bytes]:
    with page.expect_download(timeout=timeout) as started:
        click()
    d = started.value
    assert d.failure() is None, d.failure()
    return d.suggested_filename, Path(d.path()).read_bytes()


def _tables(processed: Path, raw: Path) -> dict[str, pd.DataFrame]:
    t = read_tables(processed)
    return {**t, "openings": openings(t["articles"], raw)}


def _check_csv(body: bytes, expected: pd.DataFrame) -> pd.DataFrame:
    got = pd.read_csv(io.BytesIO(body), keep_default_na=False, dtype=str)
    want = formula_safe(expected).reset_index(drop=True)
    assert list(got.columns) == list(want.columns)
    assert list(got["claim_id"]) == list(want["claim_id"])
    for col in ("period_start", "period_end", "published", "metric", "quote"):
        assert got[col].tolist() == want[col].astype(str).tolist(), col
    pd.testing.assert_series_equal(got["value"].astype(float), want["value"].astype(float), check_names=False)
    bs.assert_no_formula_cells(body.decode("utf-8"))
    return got


def _open(page, url: str, pair: str) -> None:
    bs.goto(page, url, "timeline", f"pair={pair}", charts=1)
    bs.assert_clean(page)


def test_timeline_on_the_seeds_exports_csv_and_png(page, app) -> None:
    _open(page, app.url, "IRN-IRQ")
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Iran–Iraq: every figure in time"
    chart = page.locator(bs.CHART).first
    words = bs.chart_svg_text(chart)
    assert "Target: $20.0B" in words and "stated 2025" in words
    expected = catalog.timeline(_tables(PROCESSED, bs.ROOT / "data" / "raw"), "IRN-IRQ").data
    name, body = download(page, page.get_by_role("button", name="Download data (CSV)").click)
    assert name == "timeline-IRN-IRQ.csv"
    _check_csv(body, expected)
    chart.hover()
    name, png = download(page, chart.locator(bs.CAMERA).click)
    assert name.endswith(".png") and "timeline-IRN-IRQ" in name
    width, height = bs.png_size(png)
    assert width >= 1920 and width * 9 == height * 16, (width, height)
    assert len(png) > 20_000, f"{name} is {len(png)} bytes: blank?"
    # The figures that give no date are listed under the chart, not drawn.
    assert page.get_by_role("heading", name="9 figures that give no date").count() == 1
    bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bs.full_page_screenshot(page, bs.ARTIFACTS / "timeline-seeds.png")


@pytest.fixture(scope="module")
def many_app(browser, tmp_path_factory: pytest.TempPathFactory):
    """The dashboard pointed at the many-pair corpus, run through the ETL into a temporary folder."""
    out = tmp_path_factory.mktemp("many-processed")
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--articles", str(MANY), "--out", str(out), "--quiet"],
        cwd=bs.ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(bs.ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    server = bs.start_server(env={"TRADE_PROCESSED_DIR": str(out), "TRADE_RAW_DIR": str(MANY)})
    server.processed = out
    try:
        yield server
    finally:
        bs.stop_server(server)


def test_timeline_over_many_years(new_page, many_app) -> None:
    page = new_page(1280, 900)
    _open(page, many_app.url, "IRN-IRQ")
    chart = page.locator(bs.CHART).first
    words = bs.chart_svg_text(chart)
    assert "13 figures from 2014 to 2024" in words and "Two-way trade" in words
    expected = catalog.timeline(_tables(many_app.processed, MANY), "IRN-IRQ").data
    _, body = download(page, page.get_by_role("button", name="Download data (CSV)").click)
    got = _check_csv(body, expected)
    assert len(got) == 16 and set(got["metric"]) >= {"trade_volume", "exports", "trade_target"}
    # Lane words are not drawn over one another.
    boxes = [b for b in (a.bounding_box() for a in chart.locator(".annotation").all()) if b]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1
            assert apart or a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"], (a, b)
    bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bs.full_page_screenshot(page, bs.ARTIFACTS / "timeline-many.png")
    phone = new_page(*PHONE)
    _open(phone, many_app.url, "IRN-IRQ")
    box = phone.locator(bs.CHART).first.bounding_box()
    assert box and box["x"] >= -1 and box["x"] + box["width"] <= PHONE[0] + 2, box
    bs.full_page_screenshot(phone, bs.ARTIFACTS / "timeline-many-phone.png")
