"""Shared fixtures. The browser ones start one dashboard server and one Chromium per session."""

from __future__ import annotations

import os

import browser_support as bs
import pytest

# No test may save reviews into the project's data: every app a test starts (in process or as a
# server, which inherits this) has saving off, unless the test points it at a temporary copy and
# turns saving on itself (tests/test_browser_review.py).
os.environ["TRADE_REVIEW_WRITE"] = "0"


@pytest.fixture(scope="session")
def chromium_required() -> None:
    """Skip on a laptop without Chromium (saying why); fail in CI (`CI` set), where it must run."""
    if bs.browser_missing():
        if os.environ.get("CI"):
            pytest.fail("CI requires Chromium for the browser tests: apt-get install -y chromium")
        pytest.skip("Chromium not found at /usr/bin/chromium; install it to run the browser tests")


@pytest.fixture(scope="session")
def browser(chromium_required):
    """Headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = bs.launch(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app(browser):
    """The dashboard on a free local port. Its first page loads are recorded as `app.cold`."""
    server = bs.start_server()
    try:
        server.cold = bs.cold_loads(browser, server.url)
        yield server
    finally:
        bs.stop_server(server)


@pytest.fixture
def new_page(browser, app):
    """Factory: a page in a fresh browser context (own cookies, session and downloads)."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        context.set_default_timeout(bs.ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
