"""Load benchmark in browsers: N Chromium sessions walking the dashboard at once against one server.

One Streamlit server (`dashboard.py` by default) on a free 127.0.0.1 port and one headless
Chromium (playwright's async API, one browser process, one context per session, all driven from
one event loop with `asyncio.gather`). First an untimed warm-up walk (imports, the cached table
load), then a single-user baseline walk, then `sessions` sessions start together, at most
`concurrency` at a time, each walking:

    overview                 /?pair=IRN-IRQ
    current-vs-target        /current-vs-target?pair=IRN-IRQ
    ... pair via URL         /current-vs-target?pair=IRN-TJK                (no current figure: no chart)
    ... basis via URL        /current-vs-target?pair=IRN-IRQ&basis=001_a16e215cca9023c3:539
    ... basis via the UI     pick 000_f31fa2dc3060489f:1510 in the basis select box (timed from the
                             click to the address bar holding it and the chart redrawn)
    imbalance                /imbalance?pair=IRN-IRQ
    export-mix               /export-mix?pair=IRN-IRQ                       (2 charts)
    sources                  /sources?pair=IRN-IRQ

Every step waits until the script has finished and every chart is drawn (`bench/_harness.py`,
ms from navigation start) and checks for `stException` / `stAlertContentError`; a step that
times out or shows an error is an error. Tracebacks in the server's log are errors too.

Reported: p50 / p95 time-to-drawn over all steps of all sessions, errors, the server's peak RSS
(sampled every 50 ms), wall time, and p95 / single-user median. Goal: p95 within 3x the
single-user median, and no errors. The CLI prints PASS/MISS and exits 0. Browser and server
share the machine's CPUs, so on a small machine the browser's own work is part of the figure.

    python bench/load_browser.py [--sessions 20] [--timeout 180] [--walks 1] [--concurrency 20]

`run_load(sessions, app="dashboard.py", walks=1, timeout_s=180)` returns a `LoadResult` for tests.
"""

import argparse
import asyncio
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h

GOAL_RATIO = 3.0
PAIR, OTHER_PAIR = "IRN-IRQ", "IRN-TJK"
BASES = ["000_f31fa2dc3060489f:701", "001_a16e215cca9023c3:539", "000_f31fa2dc3060489f:1510"]
STEP_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class Step:
    name: str
    path: str
    query: dict[str, str]
    charts: int
    pick_basis: str | None = None  # choose this basis in the select box instead of navigating


DASHBOARD_WALK = (
    Step("overview", "", {"pair": PAIR}, 0),
    Step("current-vs-target", "current-vs-target", {"pair": PAIR}, 1),
    Step("cvt pair (URL)", "current-vs-target", {"pair": OTHER_PAIR}, 0),
    Step("cvt basis (URL)", "current-vs-target", {"pair": PAIR, "basis": BASES[1]}, 1),
    Step("cvt basis (UI)", "current-vs-target", {"pair": PAIR, "basis": BASES[2]}, 1, pick_basis=BASES[2]),
    Step("imbalance", "imbalance", {"pair": PAIR}, 1),
    Step("export-mix", "export-mix", {"pair": PAIR}, 2),
    Step("sources", "sources", {"pair": PAIR}, 0),
)
FLOOR_WALK = (Step("floor", "", {}, 1),)


def walk_for(app: str) -> tuple[Step, ...]:
    return FLOOR_WALK if Path(app).name == h.FLOOR_APP.name else DASHBOARD_WALK


@dataclass
class LoadResult:
    sessions: int
    pages_drawn: int
    errors: list[str]
    p50_ms: float
    p95_ms: float
    single_user_ms: float
    peak_rss_mb: float
    wall_s: float
    pages_planned: int = 0
    idle_rss_mb: float = 0.0
    single_user_p95_ms: float = 0.0
    per_step: dict[str, list[float]] = field(default_factory=dict)
    machine_load: str = ""  # how busy the machine was with other work meanwhile (`_harness.Activity`)
    cpu: str = ""  # CPU seconds of server, browser and the rest during the load phase
    single_user_cpu: str = ""  # the same during the single-user walk

    @property
    def ratio(self) -> float:
        return self.p95_ms / self.single_user_ms if self.single_user_ms else float("inf")

    @property
    def app_errors(self) -> list[str]:
        """Errors the app showed (error elements) or logged (tracebacks), not timeouts."""
        return [e for e in self.errors if "error element" in e or e.startswith("server log")]

    @property
    def ok(self) -> bool:
        return not self.errors and self.pages_drawn == self.pages_planned and self.ratio <= GOAL_RATIO


async def _step(page: Any, server: h.Server, step: Step, timeout: float) -> float:
    if step.pick_basis is None:
        await page.goto(server.page_url(step.path, step.query), wait_until="commit", timeout=timeout * 1000)
        ms = await h.drawn_async(page, step.charts, timeout)
    else:
        if f"/{step.path}" not in page.url:  # the select box lives on current-vs-target
            await page.goto(server.page_url(step.path, {"pair": PAIR}), wait_until="commit")
            await h.drawn_async(page, step.charts, timeout)
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="basis")
        await box.locator("input").click(timeout=timeout * 1000)
        option = page.get_by_role("option").nth(BASES.index(step.pick_basis))
        await option.wait_for(timeout=timeout * 1000)
        t0 = await h.now_ms_async(page)
        await option.click(timeout=timeout * 1000)
        ms = await h.drawn_async(page, step.charts, timeout, query={"basis": step.pick_basis}) - t0
    found = await h.errors_async(page)
    if found:
        raise h.PageError("; ".join(found))
    return ms


async def _session(
    sid: str, browser: Any, server: h.Server, steps: Sequence[Step], walks: int, deadline: float,
    times: dict[str, list[float]], errors: list[str], gate: asyncio.Semaphore,
) -> None:  # fmt: skip
    async with gate:
        context = await browser.new_context(viewport=h.VIEWPORT)
        try:
            page = await context.new_page()
            for w in range(walks):
                for step in steps:
                    left = deadline - time.monotonic()
                    if left <= 1:
                        errors.append(f"{sid} walk {w} {step.name}: not reached before the time limit")
                        continue
                    try:
                        ms = await _step(page, server, step, min(STEP_TIMEOUT_S, left))
                    except Exception as exc:  # every failure is counted, the walk goes on
                        errors.append(f"{sid} walk {w} {step.name}: {type(exc).__name__}: {exc}"[:500])
                    else:
                        times.setdefault(step.name, []).append(ms)
        finally:
            await context.close()


async def _run(
    server: h.Server, sessions: int, steps: Sequence[Step], walks: int, timeout_s: float, concurrency: int,
    log: Any,
) -> tuple[dict[str, list[float]], dict[str, list[float]], list[str], float, str, str]:  # fmt: skip
    from playwright.async_api import async_playwright

    started = time.monotonic()
    async with async_playwright() as pw:
        browser = await h.launch_chromium_async(pw)
        try:
            one = asyncio.Semaphore(1)
            warm_t: dict[str, list[float]] = {}
            warm_e: list[str] = []
            await _session("warm-up", browser, server, steps, 1, started + timeout_s / 3, warm_t, warm_e, one)
            log(f"warm-up walk: {sum(map(len, warm_t.values()))} steps drawn, {len(warm_e)} errors")
            base_t: dict[str, list[float]] = {}
            base_e: list[str] = []
            base_deadline = time.monotonic() + timeout_s / 3
            cpu = h.CpuMeter(server.proc.pid).start()  # type: ignore[union-attr]
            await _session("single", browser, server, steps, walks, base_deadline, base_t, base_e, one)
            log("single-user walk: " + ", ".join(f"{k} {v[0]:.0f}" for k, v in base_t.items()))
            single_cpu = f"{cpu.stop()}; server {cpu.server / len(steps) / walks * 1e3:.0f} ms/step"
            log(f"single-user walk: {single_cpu}")

            times: dict[str, list[float]] = {}
            errors: list[str] = list(warm_e) + list(base_e)
            cpu = h.CpuMeter(server.proc.pid).start()  # type: ignore[union-attr]
            gate = asyncio.Semaphore(max(1, concurrency))
            t0 = time.monotonic()
            deadline = t0 + timeout_s
            jobs = [
                _session(f"s{i:02d}", browser, server, steps, walks, deadline, times, errors, gate)
                for i in range(sessions)
            ]
            try:
                await asyncio.wait_for(asyncio.gather(*jobs), timeout=timeout_s + 15)
            except TimeoutError:
                errors.append(f"load phase cut off after {timeout_s + 15:.0f} s")
            wall = time.monotonic() - t0
            cpu_use = (
                cpu.stop()
                + f"; server {cpu.server / max(1, sessions * walks * len(steps)) * 1e3:.0f} ms/step"
            )
        finally:
            await browser.close()
    return base_t, times, errors, wall, cpu_use, single_cpu


def run_load(
    sessions: int, app: str = "dashboard.py", walks: int = 1, timeout_s: float = 180,
    *, concurrency: int | None = None, verbose: bool = False,
) -> LoadResult:  # fmt: skip
    """Start a server for `app`, measure a single-user walk, then `sessions` concurrent walks."""
    steps = walk_for(app)

    def log(msg: str) -> None:
        if verbose:
            print(msg, flush=True)

    activity = h.Activity()
    activity.start()
    with h.Server(app) as server:
        idle = server.rss_mb
        log(f"server :{server.port} up in {server.startup_s:.1f} s, {idle:.0f} MB")
        base_t, times, errors, wall, cpu_use, single_cpu = h.run_async(
            _run(server, sessions, steps, walks, timeout_s, concurrency or sessions, log)
        )
        peak = server.peak_rss_mb
        server_log = server.log()
    machine_load = activity.stop()
    tracebacks = re.findall(r"Traceback \(most recent call last\):\n(?:[ \t].*\n)*.*", server_log)
    for last in sorted({tb.splitlines()[-1] for tb in tracebacks}):
        n = sum(tb.splitlines()[-1] == last for tb in tracebacks)
        errors.append(f"server log, {n} traceback(s) ending: {last[:300]}")
    if tracebacks:
        kept = Path(tempfile.gettempdir()) / f"bench-load-server-{int(time.time())}.log"
        kept.write_text(server_log)
        errors.append(f"server log kept at {kept}")
    base = [ms for v in base_t.values() for ms in v]
    everything = [ms for v in times.values() for ms in v]
    return LoadResult(
        sessions=sessions,
        pages_drawn=len(everything),
        errors=errors,
        p50_ms=h.percentile(everything, 50),
        p95_ms=h.percentile(everything, 95),
        single_user_ms=h.median(base),
        peak_rss_mb=peak,
        wall_s=wall,
        pages_planned=sessions * walks * len(steps),
        idle_rss_mb=idle,
        single_user_p95_ms=h.percentile(base, 95),
        per_step=times,
        machine_load=machine_load,
        cpu=cpu_use,
        single_user_cpu=single_cpu,
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    ap.add_argument(
        "--timeout", type=float, default=180, help="time limit of the load phase, s (default 180)"
    )
    ap.add_argument("--walks", type=int, default=1, help="walks per session (default 1)")
    ap.add_argument("--concurrency", type=int, default=None, help="sessions at once (default: all)")
    ap.add_argument("--app", default="dashboard.py", help="app to serve (default dashboard.py)")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    steps = walk_for(args.app)
    print(f"Load benchmark: {args.sessions} concurrent sessions x {args.walks} walk(s) of {len(steps)} steps, "
          f"{args.app}")  # fmt: skip
    print(f"machine   {h.machine()}")
    r = run_load(
        args.sessions, args.app, args.walks, args.timeout, concurrency=args.concurrency, verbose=True
    )
    print()
    print(f"{'step':<20}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for step in steps:
        v = r.per_step.get(step.name, [])
        print(f"{step.name:<20}{len(v):>5}{h.percentile(v, 50):>9.0f}{h.percentile(v, 95):>9.0f}"
              f"{max(v, default=float('nan')):>9.0f}")  # fmt: skip
    print()
    print(f"steps drawn          {r.pages_drawn} of {r.pages_planned} in {r.wall_s:.1f} s")
    print(f"time to drawn        p50 {r.p50_ms:.0f} ms, p95 {r.p95_ms:.0f} ms")
    print(f"single user          median {r.single_user_ms:.0f} ms (p95 {r.single_user_p95_ms:.0f} ms)")
    print(f"server RSS           {r.idle_rss_mb:.0f} MB after start, peak {r.peak_rss_mb:.1f} MB")
    print(f"single-user walk     {r.single_user_cpu}")
    print(f"load phase           {r.cpu}")
    print(f"machine meanwhile    {r.machine_load}")
    timeouts = len(r.errors) - len(r.app_errors)
    print(f"errors               {len(r.errors)}: {len(r.app_errors)} shown or logged by the app, "
          f"{timeouts} timeouts or steps cut by the time limit")  # fmt: skip
    for e in (r.app_errors + [e for e in r.errors if e not in r.app_errors])[:15]:
        print("  " + " ".join(e.split())[:300])
    print(
        f"p95 / single-user median = {r.ratio:.2f} (goal <= {GOAL_RATIO:.0f}x): {h.verdict(r.ratio <= GOAL_RATIO)}"
    )
    print(f"no errors, every step drawn: {h.verdict(not r.errors and r.pages_drawn == r.pages_planned)}")
    print(f"load goal: {h.verdict(r.ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
