"""Every page in a real browser: it loads (from a cold server too), draws its charts, shows no error,
fits a phone, and shows the key numbers. Screenshots of each page and chart go to tests/artifacts/."""

from __future__ import annotations

import re

import browser_support as bs
import pytest

pytestmark = pytest.mark.browser

PHONE = (390, 844)


def slug(path: str) -> str:
    return path or "overview"


def test_every_page_loads_from_a_cold_server(app) -> None:
    """The first sessions of a fresh server (see browser_support.cold_loads) all drew their page."""
    assert [r["path"] for r in app.cold] == list(bs.COLD_ORDER)
    for r in app.cold:
        title, charts = bs.PAGES[r["path"]]
        assert r["error"] is None, r
        assert r["title"] == title, r
        assert r["charts"] == charts, r
        assert not r["exceptions"] and not r["errors"], r


def test_no_page_not_found_dialog_on_a_cold_server(app) -> None:
    dialogs = {r["path"]: r["dialogs"] for r in app.cold if r["dialogs"]}
    assert not dialogs, dialogs


@pytest.mark.parametrize("path", list(bs.PAGES), ids=slug)
def test_page_draws_every_chart(page, app, path: str) -> None:
    title, n_charts = bs.PAGES[path]
    bs.goto(page, app.url, path)
    bs.assert_clean(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == title
    charts = page.locator(bs.CHART)
    assert charts.count() == n_charts
    bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i in range(n_charts):
        chart = charts.nth(i)
        # Drawn: plotly's SVG is there with its title and axes, and the chart has a real size.
        assert chart.locator(".main-svg").count() >= 1
        assert chart.locator(".gtitle").count() == 1, "the title is drawn inside the figure"
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] >= 200, box
        chart.screenshot(path=bs.ARTIFACTS / f"{slug(path)}-{i + 1}.png")
    bs.full_page_screenshot(page, bs.ARTIFACTS / f"{slug(path)}.png")
    assert (bs.ARTIFACTS / f"{slug(path)}.png").stat().st_size > 10_000


@pytest.mark.parametrize("path", list(bs.PAGES), ids=slug)
def test_page_fits_a_phone(new_page, app, path: str) -> None:
    title, n_charts = bs.PAGES[path]
    page = new_page(*PHONE)
    bs.goto(page, app.url, path)
    bs.assert_clean(page)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == title
    assert page.locator(bs.CHART).count() == n_charts
    widths = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   return {document: document.scrollingElement.scrollWidth,
                           main: m.scrollWidth, mainVisible: m.clientWidth, viewport: innerWidth}; }"""
    )
    assert widths["viewport"] == PHONE[0]
    assert widths["document"] <= PHONE[0] + 2, widths
    assert widths["main"] <= widths["mainVisible"] + 2, widths
    for i in range(n_charts):
        box = page.locator(bs.CHART).nth(i).bounding_box()
        assert box and box["x"] >= -1 and box["x"] + box["width"] <= PHONE[0] + 2, box
    bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bs.full_page_screenshot(page, bs.ARTIFACTS / f"{slug(path)}-phone.png")


def metric(page, label: str, scope=None) -> str:
    """The value of the one metric labelled exactly `label` (inside `scope`, default the page)."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    box = (
        (scope or page)
        .locator('[data-testid="stMetric"]')
        .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=exact))
    )
    assert box.count() == 1, f"{box.count()} metrics labelled {label!r}"
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_overview_cards_link_to_their_pair(page, app) -> None:
    bs.goto(page, app.url, "")
    card = page.locator('[class*="st-key-card-IRN-IRQ"]')
    assert card.count() == 1
    assert "Target $20.0B · gap $8.0B · 60 % reached" in " ".join(card.inner_text().split())
    card.get_by_role("link", name="Imbalance").click()
    page.wait_for_url(lambda url: "/imbalance" in url and "pair=IRN-IRQ" in url)
    bs.wait_for_app(page, 1)
    assert page.locator('[data-testid="stMain"] h1').first.inner_text() == "Iraq's export imbalance with Iran"


def test_overview_search_and_sort(page, app) -> None:
    bs.goto(page, app.url, "", "sort=name")
    box = page.get_by_role("textbox", name="Find a country")
    box.fill("tajik")
    box.press("Enter")
    page.wait_for_url(lambda url: "find=tajik" in url)
    bs.wait_for_app(page, 0)
    assert page.locator('[class*="st-key-card-"]').count() == 1
    assert page.locator('[class*="st-key-card-IRN-TJK"]').count() == 1


@pytest.mark.parametrize(("width", "path"), [(1280, "current-vs-target"), (PHONE[0], "current-vs-target"),
                                             (1280, "export-mix")])  # fmt: skip
def test_chart_words_use_the_chart_width(new_page, app, width: int, path: str) -> None:
    """Titles and source lines are wrapped for the width the chart has, and never run past it."""
    page = new_page(width, 900)
    bs.goto(page, app.url, path)
    page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every(g => g.__fit)")
    bs.settle_frames(page)
    for chart in page.locator(bs.CHART).all():
        box = chart.bounding_box()
        for selector in (".gtitle", ".annotation-text-g"):
            for text in chart.locator(selector).all():
                t = text.bounding_box()
                if t:
                    assert t["x"] >= box["x"] - 1 and t["x"] + t["width"] <= box["x"] + box["width"] + 1, (
                        selector, t, box)  # fmt: skip
        lines = chart.locator(".gtitle").evaluate("t => t.querySelectorAll('tspan.line').length || 1")
        title = chart.locator(".gtitle").evaluate("t => t.textContent")
        if width > 1000:
            assert lines == 1, title  # a title of 50 to 65 characters fits on one line of an 820 px chart
        else:
            assert lines >= 2, title


PRESENTING = [(1366, 768), (1920, 1080)]


@pytest.mark.parametrize("size", PRESENTING, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", ["current-vs-target", "imbalance", "export-mix", "timeline"])
def test_presentation_fits_the_screen(new_page, app, size: tuple[int, int], path: str) -> None:
    """Presenting on a projector: the chart's axis above the fold, every control on screen."""
    page = new_page(*size)
    bs.goto(page, app.url, path, "present=1")
    bs.assert_clean(page)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot').__fit")
    bs.settle_frames(page)
    axis = page.locator(bs.CHART).first.locator(".xaxislayer-above").bounding_box()
    assert axis and axis["y"] + axis["height"] <= size[1], (axis, size)
    chart = page.locator(bs.CHART).first.bounding_box()
    assert chart["height"] >= 400, chart
    for name in ("Slides", "Exit presentation"):
        button = page.get_by_role("button", name=name)
        box = button.bounding_box()
        assert (
            box
            and box["y"] >= 0
            and box["y"] + box["height"] <= size[1]
            and box["x"] + box["width"] <= size[0]
        )
    # The view's controls (pair, basis) sit above the chart and on screen; what follows the chart
    # (the growth calculator) is reached by scrolling, as on a slide's notes.
    above = [c for c in page.get_by_role("combobox").all() if c.bounding_box()["y"] < chart["y"]]
    assert len(above) >= 1
    for combo in above:
        box = combo.bounding_box()
        assert box["y"] + box["height"] <= size[1] and box["x"] + box["width"] <= size[0], box
    bs.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=bs.ARTIFACTS / f"present-{path}-{size[0]}x{size[1]}.png")


def test_imbalance_shows_the_ratio(page, app) -> None:
    bs.goto(page, app.url, "imbalance")
    assert metric(page, "Ratio") == "23 : 1"
    assert "23 : 1" in bs.chart_svg_text(page.locator(bs.CHART).first)


def test_export_mix_shows_the_unitemised_rest(page, app) -> None:
    bs.goto(page, app.url, "export-mix")
    drawn = bs.chart_svg_text(page.locator(bs.CHART).first)
    assert "67 %" in drawn
    assert "30 %" in drawn and "3 %" in drawn
    assert "65 %" in bs.chart_svg_text(page.locator(bs.CHART).nth(1))


def test_overview_is_one_card_a_row_on_a_phone_and_several_on_a_laptop(new_page, app) -> None:
    for width, per_row in ((PHONE[0], 1), (1280, 2)):
        page = new_page(width, 900)
        bs.goto(page, app.url, "")
        cards = page.locator('[class*="st-key-card-"]')
        boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
        main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
        tops = [round(b["y"]) for b in boxes]
        assert tops.count(tops[0]) == per_row, (width, boxes)
        if per_row == 1:
            assert boxes[0]["width"] >= main["width"] - 2 * 40, (boxes[0], main)  # the column's width
