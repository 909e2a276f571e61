"""Files of Streamlit's own front end that the app asks the browser to load early."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit

_CHUNK = re.compile(r"PlotlyChart\.[\w-]+\.js")


@cache
def plotly_chunk() -> str:
    """The file name of Streamlit's plotly chart code (e.g. "PlotlyChart.D9Z0_fxz.js"), or "" when
    this Streamlit has no such file (the app then loads it when the first chart arrives, as usual)."""
    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    names = sorted(p.name for p in folder.glob("PlotlyChart.*.js") if _CHUNK.fullmatch(p.name))
    return names[0] if len(names) == 1 else ""
