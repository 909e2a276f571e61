"""The view lives in the URL: a link reproduces it, a bad value is explained, not fatal, and
presentation mode can be asked for in the link."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import browser_support as bs
import pytest

pytestmark = pytest.mark.browser

PAIR = "IRN-IRQ"
BASIS_18B = "000_f31fa2dc3060489f:1510"
BASIS_10B = "001_a16e215cca9023c3:539"
# One short name per person, as on the chart, and when the figure holds as the ETL read it.
LABEL_18B = "Abdul Mohsen: about $18.0B incl. energy (current)"
LABEL_10B = "Abdul Mohsen: over $10.0B (annual)"
BASIS_BOX = "Current figure to measure from (basis)"


def query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def basis_box(page):
    return page.get_by_role("combobox", name=BASIS_BOX)


def growth_caption(page) -> str:
    return page.locator('[data-testid="stCaptionContainer"]', has_text="compound growth").inner_text()


def growth_value(page) -> str:
    return page.locator('[data-testid="stMarkdownContainer"]', has_text="Annual growth needed").inner_text()


def test_link_round_trip(new_page, app) -> None:
    page = new_page()
    bs.goto(page, app.url, "current-vs-target", f"pair={PAIR}&basis={BASIS_18B}")
    bs.assert_clean(page)
    assert basis_box(page).input_value() == LABEL_18B
    # The article says neither when $18B holds nor when it was written: the page asks for the year.
    asks = page.locator('[data-testid="stAlertContentInfo"]', has_text="pick the year it holds for")
    assert asks.count() == 1
    assert query(page.url) == {"pair": PAIR, "basis": BASIS_18B}, page.url

    # Pick another basis in the UI: the address bar follows.
    basis_box(page).click()
    page.get_by_role("option", name=LABEL_10B, exact=True).click()
    page.wait_for_url(lambda url: query(url).get("basis") == BASIS_10B)
    bs.wait_for_app(page, 1)
    assert basis_box(page).input_value() == LABEL_10B
    assert query(page.url) == {"pair": PAIR, "basis": BASIS_10B}, page.url

    # Change the growth calculator's start year: it goes in the link with the year it is reached by.
    bs.pick_option(page, page.get_by_role("combobox", name="Start from the year the figure holds"), "2020")
    page.wait_for_url(lambda url: query(url).get("from") == "2020")
    bs.wait_for_app(page, 1)
    assert query(page.url) == {"pair": PAIR, "basis": BASIS_10B, "from": "2020", "by": "2025"}, page.url
    assert "over $10.0B" in growth_caption(page)
    seen = growth_value(page)

    # The link, opened by someone else (a new context: no shared session), shows the same view.
    other = new_page()
    other.goto(page.url, wait_until="domcontentloaded")
    bs.wait_for_app(other, 1)
    bs.assert_clean(other)
    assert basis_box(other).input_value() == LABEL_10B
    assert "over $10.0B" in growth_caption(other)
    assert growth_value(other) == seen
    assert query(other.url) == query(page.url), other.url


def test_switching_pair_drops_the_other_pairs_basis(new_page, app) -> None:
    page = new_page()
    bs.goto(page, app.url, "current-vs-target", f"pair={PAIR}&basis={BASIS_18B}&from=2020&by=2030")
    pair_box = page.get_by_role("combobox", name="Country pair")
    pair_box.click()
    page.get_by_role("option", name="Iran–Tajikistan", exact=True).click()
    page.wait_for_url(lambda url: query(url).get("pair") == "IRN-TJK")
    bs.wait_for_app(page, 0)
    assert query(page.url) == {"pair": "IRN-TJK"}, page.url
    bs.assert_clean(page)
    assert not page.locator('[data-testid="stAlertContentInfo"]', has_text="not available").count()


@pytest.mark.parametrize(
    ("link", "bad"),
    [("pair=NOPE", "NOPE"), ("basis=garbage", "garbage"), ("present=maybe", "maybe")],
    ids=["pair", "basis", "present"],
)
def test_bad_link_value_gets_a_notice(page, app, link: str, bad: str) -> None:
    bs.goto(page, app.url, "current-vs-target", link)
    bs.assert_clean(page)
    notices = page.locator('[data-testid="stAlertContentInfo"]').all_inner_texts()
    assert any(bad in n for n in notices), notices
    # The page falls back to the default view, draws it, and the address bar no longer asks for it.
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == bs.PAGES["current-vs-target"][0]
    assert page.locator(bs.CHART).count() == 1
    assert basis_box(page).input_value() == "Samad Hassanzadeh: $12.0B (current) (default)"
    assert bad not in page.url


def test_presentation_link_hides_the_sidebar(page, app) -> None:
    bs.goto(page, app.url, "", "present=1")
    bs.assert_clean(page)
    assert page.get_by_role("button", name=re.compile("Exit presentation")).is_visible()
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.locator('[data-testid="stSidebarCollapsedControl"]').is_hidden()
    assert query(page.url).get("present") == "1"


def test_presentation_embed_link_draws_charts_without_toolbar(page, app) -> None:
    bs.goto(page, app.url, "imbalance", "present=1&embed=true")
    bs.assert_clean(page)
    chart = page.locator(bs.CHART)
    assert chart.count() == 1
    assert page.locator('[data-testid="stToolbar"]').is_hidden()
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    # Presenting draws the chart on a stage fitted to the window (here 900 px high), not at 460 px.
    page.wait_for_function("() => document.querySelector('.js-plotly-plot').__fit")
    height = float(chart.locator(".main-svg").first.get_attribute("height"))
    assert height > 560, height
