"""Files of Streamlit's own front end that the app asks the browser to load early."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit

_CHUNK = re.compile(r"PlotlyChart\.[\w-]+\.js")
STREAMLIT_JS = Path(streamlit.__file__).parent / "static" / "static" / "js"


def chunk_in(folder: Path) -> str:
    """The one file of Streamlit's plotly chart code in `folder` ("PlotlyChart.D9Z0_fxz.js"), or ""
    when there is none or more than one (the app then loads it when the first chart arrives)."""
    try:
        names = sorted(p.name for p in folder.glob("PlotlyChart.*.js") if _CHUNK.fullmatch(p.name))
    except OSError:
        return ""
    return names[0] if len(names) == 1 else ""


@cache
def plotly_chunk() -> str:
    """Streamlit's plotly chart code for the installed Streamlit (looked up once per process)."""
    return chunk_in(STREAMLIT_JS)
