"""The app around every page: dashboard.py runs the pages; a page run on its own runs dashboard.py.

Streamlit reads a `pages/` folder next to the main script as an old-style multipage app until
the app's first `st.navigation` call in the process. A first visit straight to a page's link is
then run as that page's script alone, without the navigation, sidebar and checks that
dashboard.py sets up. `ensure_app()` at the top of each page notices that and runs the whole app
instead; from then on Streamlit uses dashboard.py's navigation.
"""

from __future__ import annotations

import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"
_state = threading.local()  # each session's script runs in its own thread


@contextmanager
def running_page() -> Iterator[None]:
    """dashboard.py wraps `page.run()` in this, so a page knows the app is around it."""
    _state.inside = True
    try:
        yield
    finally:
        _state.inside = False


def ensure_app() -> None:
    """Call first in every page script: outside the app, run the app, then end this run."""
    if getattr(_state, "inside", False):
        return
    runpy.run_path(str(DASHBOARD), run_name="__main__")
    st.stop()
