"""Several people at once: five concurrent sessions walk every page (bench/load_browser.py, scaled down).

The full browser run (20 sessions) is `python bench/load_browser.py`;
here only correctness under concurrency is asserted: every page of every walk is drawn, no
error element appears, and the server logs no traceback. Timings are printed, never asserted.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_five_concurrent_sessions_draw_every_page(chromium_required: None) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from load_browser import run_load
    finally:
        sys.path.remove(str(BENCH))
    # In its own thread: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(run_load, 5, timeout_s=300).result()
    print(
        f"\n5 sessions: {result.pages_drawn}/{result.pages_planned} pages drawn, p50 {result.p50_ms:.0f} ms, "
        f"p95 {result.p95_ms:.0f} ms, single user {result.single_user_ms:.0f} ms, server peak {result.peak_rss_mb:.0f} MB"
    )
    assert result.errors == []
    assert result.pages_planned > 0 and result.pages_drawn == result.pages_planned
