"""Page benchmark: time from `page.goto` to every chart drawn, per dashboard page, against a floor.

Three servers run side by side: the dashboard (`dashboard.py`) and two floors, each a title and
one three-bar plotly chart, the least a Streamlit page with a chart can do: `bench/floor_go_app.py`
builds it with `plotly.graph_objects` (the lightest), `bench/floor_app.py` with plotly express (as
the documentation does; it imports pandas). Each run of
each page opens a fresh browser context (nothing cached, a new Streamlit session), navigates to
the page with `?pair=IRN-IRQ` and waits until the script has finished, nothing is stale or a
skeleton, the title is there and every expected chart holds plotly's `.main-svg` (see
`bench/_harness.py`). The figure is the page's `performance.now()` at that moment, i.e. ms since
navigation start. Pages without charts (Overview, Sources & data) are timed to their content
rendered and the script finished. Rounds visit the targets in turn, so drift hits all of them
alike; `--warmup` rounds come first and are not counted.

Goals: every page's median within 1.3x the graph_objects floor's median (the ratio to the express
floor is printed too); the dashboard server's peak RSS within 60 MB of the express floor server's (both sampled every 50 ms over the whole run, children included).
The script only prints, with PASS/MISS per goal (failed runs are listed), and always exits 0.

    python bench/pages.py [--runs 7] [--warmup 2]
"""

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h

GOAL_RATIO = 1.3
FLOOR_GO_APP = Path(__file__).resolve().parent / "floor_go_app.py"
GOAL_RSS_MB = 60.0
QUERY = {"pair": "IRN-IRQ"}


@dataclass
class Target:
    name: str
    server: str  # "dashboard", "floor" (plotly express) or "floor_go" (graph_objects)
    path: str
    charts: int
    ms: list[float] = field(default_factory=list)
    stages: list[dict[str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def targets() -> list[Target]:
    return [
        Target("floor-go (1 chart)", "floor_go", "", 1),
        Target("floor-px (1 chart)", "floor", "", 1),
        Target("overview", "dashboard", "", 0),
        Target("current-vs-target", "dashboard", "current-vs-target", 1),
        Target("imbalance", "dashboard", "imbalance", 1),
        Target("export-mix", "dashboard", "export-mix", 2),
        Target("sources", "dashboard", "sources", 0),
    ]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="timed runs per page (default 7)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one page (default 60)")
    return ap.parse_args(argv)


def measure(browser: object, url: str, t: Target, timeout: float) -> tuple[float, dict[str, float]]:
    context = browser.new_context(viewport=h.VIEWPORT)  # type: ignore[attr-defined]
    context.add_init_script(h.MILESTONES_JS)
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit", timeout=timeout * 1000)
        ms = h.drawn(page, t.charts, timeout)
        found = h.errors(page)
        if found:
            raise h.PageError("; ".join(found))
        return ms, h.milestones(page)
    finally:
        context.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright

    print("Page benchmark: page.goto -> all charts drawn, fresh browser context per run")
    print(f"machine   {h.machine()}")
    print(f"runs      {args.runs} timed per page after {args.warmup} warm-up round(s); query ?pair=IRN-IRQ")
    todo = targets()
    activity = h.Activity()
    activity.start()
    with (
        h.Server(h.DASHBOARD) as dash,
        h.Server(h.FLOOR_APP) as floor,
        h.Server(FLOOR_GO_APP) as floor_go,
        sync_playwright() as pw,
    ):
        servers = {"dashboard": dash, "floor": floor, "floor_go": floor_go}
        for name, s in servers.items():
            print(f"server    {name} :{s.port} (up in {s.startup_s:.1f} s, {s.rss_mb:.0f} MB idle)")
        browser = h.launch_chromium(pw)
        cpu = h.CpuMeter(dash.proc.pid, floor.proc.pid, floor_go.proc.pid).start()  # type: ignore[union-attr]
        try:
            for rnd in range(args.warmup + args.runs):
                shown: list[str] = []
                for t in todo:
                    url = servers[t.server].page_url(t.path, QUERY)
                    try:
                        ms, stages = measure(browser, url, t, args.timeout)
                    except Exception as exc:  # recorded and reported, the run goes on
                        t.errors.append(f"round {rnd + 1}: {exc}"[:400])
                        shown.append(f"{t.name.split()[0]} FAILED")
                        continue
                    shown.append(f"{t.name.split()[0]} {ms:.0f}")
                    if rnd >= args.warmup:
                        t.ms.append(ms)
                        t.stages.append(stages)
                label = " (warm-up)" if rnd < args.warmup else ""
                print(f"  round {rnd + 1}/{args.warmup + args.runs}{label}: {', '.join(shown)}", flush=True)
            cpu_use = cpu.stop()  # before the browser closes: its processes' CPU time goes with them
        finally:
            browser.close()
        dash_rss, floor_rss, go_rss = dash.peak_rss_mb, floor.peak_rss_mb, floor_go.peak_rss_mb
        dash_anon, floor_anon = dash.peak_anon_mb, floor.peak_anon_mb

    go_t, px_t = todo[0], todo[1]
    go_median, px_median = h.median(go_t.ms), h.median(px_t.ms)
    print()
    print(
        f"{'page':<20}{'charts':>7}{'median ms':>11}{'p90 ms':>9}{'x go':>7}{'x px':>7}  goal <= {GOAL_RATIO}x go"
    )
    all_ok = True
    for t in todo:
        med, p90 = h.median(t.ms), h.percentile(t.ms, 90)
        ratio = med / go_median if t.ms and go_t.ms else float("nan")
        ratio_px = med / px_median if t.ms and px_t.ms else float("nan")
        if t in (go_t, px_t):
            goal = "(floor)"
        else:
            ok = bool(t.ms) and not t.errors and ratio <= GOAL_RATIO
            all_ok &= ok
            goal = h.verdict(ok)
        print(f"{t.name:<20}{t.charts:>7}{med:>11.0f}{p90:>9.0f}{ratio:>7.2f}{ratio_px:>7.2f}  {goal}"
              + (f"  ({len(t.errors)} failed runs)" if t.errors else ""))  # fmt: skip
    print(f"page time goal (every page median <= {GOAL_RATIO}x the graph_objects floor): {h.verdict(all_ok)}")
    diff = dash_rss - floor_rss
    print(f"server peak RSS: dashboard {dash_rss:.1f} MB, express floor {floor_rss:.1f} MB "
          f"(graph_objects floor {go_rss:.1f} MB), "
          f"difference {diff:+.1f} MB (goal <= {GOAL_RSS_MB:.0f} MB): {h.verdict(diff <= GOAL_RSS_MB)}")  # fmt: skip
    print(f"  of which anonymous (heap, RssAnon at the peak): dashboard {dash_anon:.1f} MB, "
          f"floor {floor_anon:.1f} MB")  # fmt: skip
    print()
    print("where the time goes: median ms since navigation start at which each stage was first seen")
    print(
        f"{'page':<20}" + "".join(f"{m.replace('_', ' '):>19}" for m in h.MILESTONES) + f"{'all drawn':>11}"
    )
    for t in todo:
        cells = [h.median([s[m] for s in t.stages if m in s]) for m in h.MILESTONES]
        print(f"{t.name:<20}" + "".join(f"{c:>19.0f}" for c in cells) + f"{h.median(t.ms):>11.0f}")
    print(f"machine during the run: {activity.stop()}")
    print(f"  {cpu_use}")
    failures = [e for t in todo for e in t.errors]
    for e in failures[:10]:
        print(f"error: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
