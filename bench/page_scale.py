"""Page cost as the corpus grows: the server's time for a run of each page at several corpus sizes.

For each size the script writes N copies of the seed articles (as bench/etl_throughput.py does:
each copy under its own id, so one pair ends up with N/5 copies of each figure, the worst case for
a page that lists a pair's figures), builds the tables with `python -m etl`, and runs every page
of the dashboard in Streamlit's AppTest (the script as the server runs it, no browser): the first
run after a build (which fills the per-build caches: charts, pairs, summaries) and then the median
of `--runs` later runs (a widget change reruns the page: what every click costs the server, and
what one session's click takes from everyone else's). It prints seconds per run and the growth
from the smallest size to the largest. It asserts nothing.

    python bench/page_scale.py [--sizes 5,300,3000] [--runs 5] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

PAGES = ["pages/overview.py", "pages/current-vs-target.py", "pages/imbalance.py", "pages/export-mix.py",
         "pages/timeline.py", "pages/sources.py"]  # fmt: skip


def page_times(page: str, runs: int) -> tuple[float, float]:
    """(first run after the build, median of later runs) of one page, in seconds, in a fresh
    process: the caches start empty, as on a server after `python -m etl`."""
    code = f"""
import json, logging, statistics, time
logging.disable(logging.WARNING)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / "dashboard.py")!r}, default_timeout=900)
t = time.perf_counter(); at.run(); nav = time.perf_counter() - t
if {page!r} != "pages/overview.py":
    at.switch_page({page!r})
t = time.perf_counter(); at.run(); first = time.perf_counter() - t
assert not at.exception, [e.value for e in at.exception]
later = []
for _ in range({runs}):
    t = time.perf_counter(); at.run(); later.append(time.perf_counter() - t)
print(json.dumps([first if {page!r} != "pages/overview.py" else nav, statistics.median(later)]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=os.environ.copy(), timeout=3600, check=True)  # fmt: skip
    first, later = json.loads(out.stdout.strip().splitlines()[-1])
    return first, later


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,300,3000", help="corpus sizes, articles (default 5,300,3000)")
    parser.add_argument("--runs", type=int, default=5, help="later runs per page (default 5)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the corpora go (default: a temp dir)"
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from etl_throughput import write_corpus

    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="page-scale-"))
    print(f"Page cost by corpus size (AppTest, server time per run); load avg {os.getloadavg()[0]:.1f}")
    print(f"{'articles':>8} {'claims':>7}  " + "  ".join(f"{Path(p).stem[:17]:>17}" for p in PAGES))
    table: dict[int, list[tuple[float, float]]] = {}
    for n in sizes:
        raw, processed = work / f"{n}" / "raw", work / f"{n}" / "processed"
        if not processed.exists():
            write_corpus(raw, n, 0)
            subprocess.run([sys.executable, "-m", "etl", "--articles", str(raw), "--out", str(processed),
                            "--quiet"], cwd=ROOT, check=True)  # fmt: skip
        os.environ["TRADE_PROCESSED_DIR"], os.environ["TRADE_RAW_DIR"] = str(processed), str(raw)
        claims = sum(1 for _ in (processed / "claims.csv").open(encoding="utf-8")) - 1
        table[n] = [page_times(p, args.runs) for p in PAGES]
        cells = "  ".join(f"{first:7.2f} / {later:7.3f}" for first, later in table[n])
        print(f"{n:>8} {claims:>7}  {cells}", flush=True)
    print("each cell: first run after a build / median of later runs, seconds")
    if len(sizes) > 1:
        small, large = table[sizes[0]], table[sizes[-1]]
        growth = "  ".join(f"{b[1] / a[1]:17.1f}" for a, b in zip(small, large, strict=True))
        print(f"later runs, {sizes[-1]:,} over {sizes[0]:,} articles ({sizes[-1] // sizes[0]}x):")
        print(f"{'':>17}  {growth}")
    print(f"load avg {os.getloadavg()[0]:.1f}; corpora in {work}")
    return 0


if __name__ == "__main__":
    started = time.time()
    code = main()
    print(f"({time.time() - started:.0f} s)")
    sys.exit(code)
