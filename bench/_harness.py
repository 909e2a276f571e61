"""Shared helpers for the browser benchmarks (`bench/pages.py`, `bench/load_browser.py`, `bench/load.py`).

- `Server`: `streamlit run APP` on a free 127.0.0.1 port, headless, no file watcher, no usage
  statistics; waits for `/_stcore/health`; stops with terminate, then kill. While it runs, a
  background thread samples the resident set size (VmRSS in /proc/<pid>/status, summed over the
  process and any children) every 50 ms and keeps the peak.
- `launch_chromium` / `launch_chromium_async`: Debian's Chromium (`/usr/bin/chromium`) through the
  pip package playwright, never a downloaded browser, with every host but 127.0.0.1 unresolvable.
- `drawn` / `drawn_async`: wait until the page is done and every chart is drawn, and return the
  time from navigation start (the page's `performance.now()`).
- `errors` / `errors_async`: the text of any error element on the page.
- `MILESTONES_JS` / `milestones`: when each stage of a page load was first seen (connected, script
  started and done, title, chart element, first chart drawn), for a breakdown of the time.
- `CpuMeter`: CPU seconds over a phase used by the server(s), by the browser (this process's
  other children) and by everything else on the machine; `Activity`: whether other people's
  Streamlit/Chromium/pytest processes ran meanwhile. Both say how much a figure can be trusted
  on a shared machine.

"Done" means: the app is connected and its script has finished (`stApp`'s
`data-test-script-state` is `notRunning`), no element is stale (left over from a previous run),
there is no skeleton, the main area has its title (`h1`), there are at least `expected_charts`
`stPlotlyChart` elements and each holds plotly's `.main-svg`. The status widget
(`stStatusWidget`) is deliberately not used as the "finished" signal: Streamlit only shows it
once a run has lasted 500 ms and keeps it for a 200 ms fade-out after the run ends, so it would
miss short runs and add 200 ms to long ones. An error element on a finished page ends the wait
at once with `PageError`.
"""

from __future__ import annotations

import contextlib
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
FLOOR_APP = ROOT / "bench" / "floor_app.py"

# The browser and its flags are the test suite's (one place says how Chromium runs here).
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

VIEWPORT = {"width": 1280, "height": 800}

CHART = '[data-testid="stPlotlyChart"]'
ERROR_SELECTORS = ('[data-testid="stException"]', '[data-testid="stAlertContentError"]')


def run_async(coroutine: Any) -> Any:
    """Run `coroutine` to the end on a fresh event loop in its own thread.

    asyncio.run refuses to start where a loop is already running, as Playwright's sync API
    leaves one in the main thread when browser tests ran earlier in the same pytest process.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class PageError(RuntimeError):
    """The page finished with an error element on it (or never finished)."""


# --- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it; another process could still take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _direct_children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        with contextlib.suppress(OSError):
            found.extend(int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
    return found


def _children(pid: int) -> list[int]:
    """All descendants of `pid` (via /proc/<pid>/task/*/children)."""
    found: list[int] = []
    for child in _direct_children(pid):
        found.append(child)
        found.extend(_children(child))
    return found


def _status_kb(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def process_rss_mb(pid: int) -> float:
    """Resident set size of `pid` alone (not its children), in MB (10^6 B)."""
    return _status_kb(pid) * 1024 / 1e6


def tree_rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident set size (or `field`, e.g. RssAnon) of `pid` and its descendants, in MB (10^6 B)."""
    return sum(_status_kb(p, field) for p in [pid, *_children(pid)]) * 1024 / 1e6


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of `pid`, plus those of its children it has reaped."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used so far by `pid` and its descendants (reaped ones included)."""
    return sum(_cpu_s(p) for p in [pid, *_children(pid)])


def machine_cpu_s() -> float:
    """Busy CPU seconds of the whole machine since boot, all CPUs (/proc/stat, idle and iowait out)."""
    parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(parts[:8]) - parts[3] - parts[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds over a phase: the servers' trees, this process's other children (the browser), the
    rest of the machine. `start()`, then `stop()` returns a one-line summary."""

    def __init__(self, *server_pids: int) -> None:
        self.server_pids = server_pids
        self.wall = self.server = self.browser = self.machine = 0.0

    def _servers(self) -> float:
        return sum(tree_cpu_s(p) for p in self.server_pids)

    def _browser(self) -> float:
        own = [p for p in _direct_children(os.getpid()) if p not in self.server_pids]
        return sum(tree_cpu_s(p) for p in own)

    def start(self) -> CpuMeter:
        self._t = (time.monotonic(), self._servers(), self._browser(), machine_cpu_s())
        return self

    def stop(self) -> str:
        t, srv, br, mach = self._t
        self.wall = time.monotonic() - t
        self.server = self._servers() - srv
        self.browser = self._browser() - br
        self.machine = machine_cpu_s() - mach
        return self.summary()

    def summary(self) -> str:
        rest = max(0.0, self.machine - self.server - self.browser)
        cap = self.wall * (os.cpu_count() or 1)
        return (
            f"CPU over {self.wall:.1f} s wall ({cap:.0f} CPU-s available): Streamlit {self.server:.1f} s, "
            f"Chromium + Playwright {self.browser:.1f} s, everything else {rest:.1f} s"
        )


class RssMonitor(threading.Thread):
    """Samples `tree_rss_mb(pid)` every `interval` seconds; `peak_mb` is the largest sample."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True, name=f"rss-{pid}")
        self.pid, self.interval = pid, interval
        self.peak_mb = 0.0
        self.peak_anon_mb = 0.0  # of the anonymous part (heap), at the sample with the peak RSS
        self.last_mb = 0.0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            mb = tree_rss_mb(self.pid)
            if mb:
                self.last_mb = mb
                if mb > self.peak_mb:
                    self.peak_mb = mb
                    self.peak_anon_mb = tree_rss_mb(self.pid, "RssAnon")
                self.samples += 1
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=2)


class Activity(threading.Thread):
    """Notes, every `interval` s, whether other people's Streamlit, Chromium or pytest processes run.

    The benchmarks share the machine's CPUs with whatever else runs; `summary()` says how often
    something else was running and the mean 1-minute load average, so a noisy figure is marked.
    """

    PATTERN = ("streamlit", "chromium", "pytest", "playwright")

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True, name="activity")
        self.interval = interval
        self.samples = self.busy = 0
        self.loads: list[float] = []
        self._stop_event = threading.Event()

    def _foreign(self) -> bool:
        mine = {os.getpid(), *_children(os.getpid())}
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in mine:
                continue
            try:
                cmd = (
                    Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
            except OSError:
                continue
            if any(p in cmd for p in self.PATTERN) and "crashpad" not in cmd:  # crashpad: ours, orphaned
                return True
        return False

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.samples += 1
            self.busy += self._foreign()
            self.loads.append(os.getloadavg()[0])
            self._stop_event.wait(self.interval)

    def stop(self) -> str:
        self._stop_event.set()
        self.join(timeout=5)
        return self.summary()

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        share = 100 * self.busy / self.samples
        return (
            f"other Streamlit/Chromium/pytest processes running in {share:.0f}% of {self.samples} samples; "
            f"mean 1-min load avg {statistics.fmean(self.loads):.2f} on {os.cpu_count()} CPUs"
        )


class Server:
    """`streamlit run app` on a free port; use as a context manager."""

    def __init__(
        self, app: str | Path, cwd: Path = ROOT, start_timeout: float = 60.0, extra_args: Sequence[str] = ()
    ) -> None:
        self.app = Path(app) if Path(app).is_absolute() else (ROOT / app)
        self.extra_args = list(extra_args)  # e.g. ["--runner.postScriptGC", "false"] for an experiment
        self.cwd = cwd
        self.start_timeout = start_timeout
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.monitor: RssMonitor | None = None
        self.log_path: Path | None = None
        self.startup_s = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page_url(self, path: str = "", query: Mapping[str, str] | None = None) -> str:
        q = f"?{urlencode(dict(query))}" if query else ""
        return f"{self.url}/{path}{q}"

    def _command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(self.app),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", *self.extra_args,
        ]  # fmt: skip

    def start(self, attempts: int = 3) -> Server:
        last = ""
        for _ in range(attempts):  # a port can be taken between choosing it and binding it
            self.port = free_port()
            fd, log = tempfile.mkstemp(prefix=f"bench-streamlit-{self.port}-", suffix=".log")
            self.log_path = Path(log)
            t0 = time.perf_counter()
            with os.fdopen(fd, "wb") as out:
                self.proc = subprocess.Popen(
                    self._command(), cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT,
                    # A load walk clicks every button: never let it save reviews into the project's data.
                    stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1", "TRADE_REVIEW_WRITE": "0"},
                )  # fmt: skip
            self.monitor = RssMonitor(self.proc.pid)
            self.monitor.start()
            if self._wait_healthy():
                self.startup_s = time.perf_counter() - t0
                return self
            last = self.log_path.read_text(errors="replace")[-2000:]
            self.stop()
        raise RuntimeError(f"streamlit did not start for {self.app}:\n{last}")

    def _wait_healthy(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200 and r.read().strip() == b"ok":
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        return False

    @property
    def peak_rss_mb(self) -> float:
        return self.monitor.peak_mb if self.monitor else 0.0

    @property
    def peak_anon_mb(self) -> float:
        return self.monitor.peak_anon_mb if self.monitor else 0.0

    @property
    def rss_mb(self) -> float:
        return tree_rss_mb(self.proc.pid) if self.proc and self.proc.poll() is None else 0.0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.monitor is not None:
            self.monitor.stop()
        if self.log_path is not None:
            with contextlib.suppress(OSError):
                self.log_path.unlink()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- the browser -----------------------------------------------------------------------------------


def launch_chromium(playwright: Any) -> Any:
    """A headless Debian Chromium through a sync `sync_playwright()` handle."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


async def launch_chromium_async(playwright: Any) -> Any:
    """The same, through an `async_playwright()` handle."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# Returns false while waiting, else {t, charts, errors}. `t` is ms since navigation start.
_DRAWN_JS = """([expected, query]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (query) {
    const have = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(query)) if (have.get(k) !== v) return false;
  }
  const errs = [...document.querySelectorAll(
    '[data-testid="stException"], [data-testid="stAlertContentError"]')];
  if (errs.length) return {t: performance.now(), charts: -1,
                           errors: errs.map(e => (e.innerText || '').trim().slice(0, 300))};
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stElementContainer"][data-stale="true"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.querySelector('h1')) return false;
  const charts = main.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (charts.length < expected) return false;
  for (const c of charts) if (!c.querySelector('.main-svg')) return false;
  return {t: performance.now(), charts: charts.length, errors: []};
}"""

_ERRORS_JS = """(sels) => [...document.querySelectorAll(sels.join(', '))]
  .map(e => (e.innerText || e.getAttribute('data-testid') || '').trim().slice(0, 300))"""

_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {url: location.href,
          script: app && app.getAttribute('data-test-script-state'),
          connection: app && app.getAttribute('data-test-connection-state'),
          charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
          drawn: document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length,
          skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
          stale: document.querySelectorAll('[data-testid="stElementContainer"][data-stale="true"]').length,
          h1: !!document.querySelector('[data-testid="stMain"] h1')};
}"""


# Installed with `context.add_init_script`: the first time (ms since navigation start) each stage
# is seen, for the breakdown `bench/pages.py` prints.
MILESTONES_JS = """(() => {
  window.__bench = {};
  const mark = (k) => { if (!(k in window.__bench)) window.__bench[k] = performance.now(); };
  const look = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return;
    const conn = app.getAttribute('data-test-connection-state');
    const run = app.getAttribute('data-test-script-state');
    if (conn === 'CONNECTED') mark('connected');
    if (run === 'running') mark('script_started');
    if ('script_started' in window.__bench && run === 'notRunning') mark('script_done');
    if (document.querySelector('[data-testid="stMain"] h1')) mark('title');
    if (document.querySelector('[data-testid="stPlotlyChart"]')) mark('chart_element');
    if (document.querySelector('[data-testid="stPlotlyChart"] .main-svg')) mark('first_chart_drawn');
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true});
})();"""
MILESTONES = ("connected", "script_started", "script_done", "title", "chart_element", "first_chart_drawn")


def milestones(page: Any) -> dict[str, float]:
    """The stages `MILESTONES_JS` saw on this page (sync API), ms since navigation start."""
    return dict(page.evaluate("() => window.__bench || {}"))


def _result(value: Mapping[str, Any]) -> float:
    if value["errors"]:
        raise PageError("error element on the page: " + " | ".join(value["errors"]))
    return float(value["t"])


def drawn(
    page: Any, expected_charts: int, timeout: float = 60.0, query: Mapping[str, str] | None = None
) -> float:
    """Wait (sync API) until the page is done with `expected_charts` drawn; ms since navigation start.

    `query`: also wait until the address bar holds these parameters (after a widget change).
    `timeout` is in seconds. Raises `PageError` on an error element or a timeout.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        handle = page.wait_for_function(
            _DRAWN_JS, arg=[expected_charts, dict(query) if query else None], polling="raf",
            timeout=timeout * 1000,
        )  # fmt: skip
    except PlaywrightTimeout as exc:
        raise PageError(f"not drawn within {timeout:.0f} s: {page.evaluate(_STATE_JS)}") from exc
    return _result(handle.json_value())


async def drawn_async(
    page: Any, expected_charts: int, timeout: float = 60.0, query: Mapping[str, str] | None = None
) -> float:
    """`drawn` for the async API."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        handle = await page.wait_for_function(
            _DRAWN_JS, arg=[expected_charts, dict(query) if query else None], polling="raf",
            timeout=timeout * 1000,
        )  # fmt: skip
    except PlaywrightTimeout as exc:
        try:
            state = await page.evaluate(_STATE_JS)
        except Exception as inner:  # the page itself may be gone
            state = repr(inner)
        raise PageError(f"not drawn within {timeout:.0f} s: {state}") from exc
    return _result(await handle.json_value())


def errors(page: Any) -> list[str]:
    """Text of every `stException` / `stAlertContentError` on the page (sync API)."""
    return list(page.evaluate(_ERRORS_JS, list(ERROR_SELECTORS)))


async def errors_async(page: Any) -> list[str]:
    return list(await page.evaluate(_ERRORS_JS, list(ERROR_SELECTORS)))


def now_ms(page: Any) -> float:
    """The page's `performance.now()` (ms since its navigation start), to time in-page changes."""
    return float(page.evaluate("() => performance.now()"))


async def now_ms_async(page: Any) -> float:
    return float(await page.evaluate("() => performance.now()"))


# --- figures -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def machine() -> str:
    """One line: CPUs, Python, OS, Chromium, date (UTC)."""
    try:
        chromium = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        chromium = "chromium version unknown"
    try:
        load = "load avg " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = ""
    import streamlit

    return (
        f"nproc {os.cpu_count()}; Python {platform.python_version()}; streamlit {streamlit.__version__}; "
        f"{platform.system()} {platform.machine()}; {chromium}; "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; {load}"
    )
