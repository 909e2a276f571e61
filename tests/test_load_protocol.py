"""Several people at once, on the wire: five sessions speaking Streamlit's websocket protocol walk
every page and change every widget at the same time (bench/load.py, scaled down).

Only correctness under concurrency is asserted: every session walks to the end, every script run
finishes, no run shows an exception or an error, and the server logs no traceback. The walk
itself is checked to be the whole app (every page, the widgets people use), so a client that
quietly stopped finding widgets would fail here. Timings are printed, never asserted; the full
run with 50 sessions is `python bench/load.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_concurrent_sessions_walk_every_page_and_widget() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from load import run_load
    finally:
        sys.path.remove(str(BENCH))
    # Three at once show sessions interleaving on one server; the 50-session figure is bench/load.py's.
    result = run_load(3, think_s=0.0)
    print(
        f"\n3 sessions: {result.runs} runs, p95 {result.p95_ms:.0f} ms, alone p95 {result.single_p95_ms:.0f} ms, "
        f"{result.mb_per_session:.2f} MB per session"
    )
    assert result.errors == []
    assert result.complete, (result.load.finished_walks, result.runs, len(result.single.all_ms))
    steps = " ".join(result.single.runs)
    for page in ("open /current-vs-target", "open /imbalance", "open /export-mix", "open /sources"):
        assert page in steps, steps
    # On the seeds no basis says when it holds, so the walk meets the start year (the page asks for
    # it) but leaves it unpicked, as it found it, and "Reach the target by" never appears.
    for widget in ("Presentation mode", "Exit presentation", "Country pair", "Start from the year", "Show as",
                   "paste its text"):  # fmt: skip
        assert widget in steps, (widget, steps)


def test_the_client_counts_what_a_person_would_see_as_an_error() -> None:
    """An exception element and an error alert in a run's deltas are errors; other alerts are not."""
    sys.path.insert(0, str(BENCH))
    try:
        from load import Session
    finally:
        sys.path.remove(str(BENCH))
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    session = Session("http://127.0.0.1:1", "probe")
    for i, fill in enumerate([
        lambda e: setattr(e.exception, "message", "boom"),
        lambda e: (setattr(e.alert, "body", "That upload cannot be read"), setattr(e.alert, "format", Alert.ERROR)),
        lambda e: (setattr(e.alert, "body", "a notice"), setattr(e.alert, "format", Alert.INFO)),
    ]):  # fmt: skip
        msg = ForwardMsg()
        msg.metadata.delta_path[:] = [0, i]
        fill(msg.delta.new_element)
        session._delta(msg)
    assert len(session.errors) == 2
    assert "boom" in session.errors[0] and "cannot be read" in session.errors[1]
