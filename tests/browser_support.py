"""Helpers for the browser tests: run the dashboard as a real server and drive it in Chromium.

Used by tests/conftest.py (the session fixtures) and tests/test_browser_*.py. Nothing here
imports Playwright at module level, so the rest of the suite runs without it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No network beyond the app under test: every other host name fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

# url path -> (page title as shown, number of charts the page draws)
PAGES = {
    "": ("How far is each country pair from its trade target?", 0),
    "current-vs-target": ("Iran–Iraq: current trade against the stated target", 1),
    "imbalance": ("Iraq's export imbalance with Iran", 1),
    "export-mix": ("Iran's export mix to Iraq", 2),
    "timeline": ("Iran–Iraq: every figure in time", 1),
    "sources": ("Sources & data", 0),
}
CHART = '[data-testid="stPlotlyChart"]'
CAMERA = '[data-title="Download plot as a PNG"]'
SERVER_START_TIMEOUT = 60  # seconds: a cold import of streamlit, pandas, plotly and pandera
PAGE_TIMEOUT_MS = 45_000  # a cold page: the first run reads and checks every table
ACTION_TIMEOUT_MS = 20_000  # clicks, locators and quick downloads
SLOW_DOWNLOAD_MS = 120_000  # SVG and slides: drawn on the server by kaleido, which starts a Chromium


# --- the server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def start_server(timeout: float = SERVER_START_TIMEOUT, env: dict[str, str] | None = None,
                 address: str = "127.0.0.1") -> Server:  # fmt: skip
    """`streamlit run dashboard.py` on a free local port; returns once /_stcore/health says ok.
    `env` adds to (or overrides) the server's environment; `address` is the server.address it
    listens on (the browser always comes in on 127.0.0.1)."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true", "--server.address", address, "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        # The code does not change under test: no file watcher, so no "File change" rerun prompts.
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{server.log_text()}")
        if _healthy(server.url):
            return server
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout}s:\n{server.log_text()}")


def stop_server(server: Server) -> None:
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    with contextlib.suppress(OSError):
        server.log.unlink()


# --- the browser -----------------------------------------------------------------------------------
def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not importable"
    return None


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


# --- waiting on the page ---------------------------------------------------------------------------
# True once the app has finished its script run: no skeleton, no running indicator, no spinner,
# and every chart has its SVG drawn by plotly.
_SETTLED_JS = """
(expected) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]')) return false;
  if (document.querySelector('[data-testid="stSpinner"]')) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.querySelector('h1')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (expected !== null && charts.length !== expected) return false;
  return charts.every(c => c.querySelector('.main-svg') && c.querySelector('.plot-container'));
}
"""


def wait_for_app(page, charts: int | None = None, timeout: float = PAGE_TIMEOUT_MS) -> None:
    """Wait until the script run is over and every chart on the page is drawn.

    With `charts` given, also until exactly that many charts are on the page (a page that has
    not drawn its charts yet would otherwise count as settled).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_SETTLED_JS, arg=charts, timeout=timeout, polling=100)
    except PlaywrightTimeout:
        state = page.evaluate(
            """() => { const a = document.querySelector('[data-testid="stApp"]');
                       const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
                       return {script: a && a.getAttribute('data-test-script-state'),
                               connection: a && a.getAttribute('data-test-connection-state'),
                               charts: c.length, drawn: c.filter(x => x.querySelector('.main-svg')).length}; }"""
        )
        raise AssertionError(
            f"{page.url} not settled after {timeout / 1000:.0f}s (expected {charts} charts): {state}, "
            f"{problems(page)}"
        ) from None


def goto(page, base_url: str, path: str = "", query: str = "", charts: int | None = None) -> None:
    """Open a page of the app and wait until it is drawn (`charts` defaults to the page's count)."""
    url = f"{base_url}/{path}" + (f"?{query}" if query else "")
    page.goto(url, wait_until="domcontentloaded")
    wait_for_app(page, charts if charts is not None else PAGES.get(path, (None, None))[1])


def pick_option(page, box, name: str, timeout: float = 10_000) -> None:
    """Choose `name` in a select box whose list is long (only part of it is drawn): put it in the
    box's text field to narrow the list, then click it. Typing key by key once left no such option in
    CI under load; the field is filled at once instead, and once more if the option does not show."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    option = page.get_by_role("option", name=name, exact=True)
    for attempt in range(2):
        box.click()
        box.fill(name)
        try:
            option.wait_for(state="visible", timeout=timeout)
        except PlaywrightTimeout:
            if attempt:
                raise AssertionError(f"no option {name!r} after putting it in {box}") from None
            page.keyboard.press("Escape")
            continue
        option.click()
        return


def problems(page) -> dict[str, list[str]]:
    """What the page shows that should not be there: exceptions, error boxes, dialogs."""
    return {
        "exceptions": page.locator('[data-testid="stException"]').all_inner_texts(),
        "errors": page.locator('[data-testid="stAlertContentError"]').all_inner_texts(),
        "dialogs": page.locator('[data-testid="stDialog"]').all_inner_texts(),
    }


def assert_clean(page) -> None:
    found = problems(page)
    assert not any(found.values()), f"{page.url}: {found}"


def settle_frames(page) -> None:
    """Two animation frames: lets a resize or redraw reach the screen before a screenshot."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def full_page_screenshot(page, path: Path) -> None:
    """The whole page. Streamlit scrolls inside its main block, not the document, so the
    viewport is made as tall as the content for the shot and then put back."""
    viewport = page.viewport_size
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   return Math.max(m ? m.scrollHeight : 0, document.scrollingElement.scrollHeight); }"""
    )
    page.set_viewport_size(
        {"width": viewport["width"], "height": min(max(height, viewport["height"]), 16_000)}
    )
    try:
        wait_for_app(page)
        settle_frames(page)
        page.screenshot(path=path, full_page=True)
    finally:
        page.set_viewport_size(viewport)
        wait_for_app(page)


# --- the first loads of a new server ---------------------------------------------------------------
# A link someone shares is opened on a server that may have just started. The first session opens
# a non-default page (the case most likely to go wrong on a fresh server), then every other page.
COLD_ORDER = ("current-vs-target", "imbalance", "export-mix", "timeline", "sources", "")


def cold_loads(browser, base_url: str) -> list[dict]:
    """Open every page once, each in a new session, right after the server started; return what
    each showed. Recorded rather than asserted, so the test that checks it does not depend on
    which test happens to run first."""
    results = []
    for path in COLD_ORDER:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        started = time.monotonic()
        result = {"path": path, "error": None}
        try:
            goto(page, base_url, path)
        except Exception as failure:  # a timeout is a finding: recorded for the test to report
            result["error"] = f"{type(failure).__name__}: {failure}".splitlines()[0]
        result["seconds"] = round(time.monotonic() - started, 2)
        titles = page.locator('[data-testid="stMain"] h1').all_inner_texts()
        result["title"] = titles[0] if titles else ""
        result["charts"] = page.locator(CHART).count()
        result.update(problems(page))
        context.close()
        results.append(result)
    return results


def chart_svg_text(chart) -> str:
    """All text drawn inside a plotly chart's SVG (titles, labels, annotations)."""
    return chart.evaluate(
        "el => [...el.querySelectorAll('.main-svg text')].map(t => t.textContent).join(' \\n ')"
    )


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; ValueError if the bytes are not a PNG."""
    import struct

    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def assert_no_formula_cells(csv_text: str) -> None:
    """No cell of a downloaded CSV would run as a spreadsheet formula (numbers such as -3.5 may
    start with a minus)."""
    for row in csv.reader(io.StringIO(csv_text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")) or _is_number(cell), cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
