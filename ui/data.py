"""All cached loaders: the processed tables, read and checked once per process per file change."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from charts.catalog import Chart
from charts.style import Look
from etl.pipeline import PROCESSED
from etl.tables import TABLE_NAMES, TableError, read_tables
from ui.text import md

Tables = dict[str, pd.DataFrame]


def _stamp(directory: Path) -> tuple:
    """Changes whenever a processed file is rewritten, so the cache refreshes after `python -m etl`."""
    stamp = []
    for name in TABLE_NAMES:
        path = directory / f"{name}.csv"
        try:
            st_ = path.stat()
            stamp.append((name, st_.st_mtime_ns, st_.st_size))
        except FileNotFoundError:
            stamp.append((name, None, None))
    return tuple(stamp)


@st.cache_resource(max_entries=2, show_spinner=False)
def _load(directory: str, stamp: tuple) -> Tables:
    # Shared by every session and never mutated: callers filter, which makes new frames.
    return read_tables(Path(directory))


def processed_dir() -> Path:
    """data/processed, or the folder named by TRADE_PROCESSED_DIR (a deployment's own tables)."""
    return Path(os.environ.get("TRADE_PROCESSED_DIR") or PROCESSED)


def tables() -> Tables:
    """The processed tables; raises TableError naming the file when one is missing or invalid."""
    directory = processed_dir()
    return _load(str(directory), _stamp(directory))


@st.cache_resource(max_entries=64, show_spinner=False)
def _chart(kind: str, stamp: tuple, args: tuple, presentation: bool, _tables: Tables) -> Chart | None:
    from charts import catalog

    return getattr(catalog, kind)(_tables, *args, look=Look(presentation=presentation))


def chart(kind: str, *args: object, look: Look) -> Chart | None:
    """A chart from charts.catalog, built once per view and shared: the same pair, basis and look
    give the same figure until the processed tables change."""
    directory = processed_dir()
    return _chart(kind, _stamp(directory), args, look.presentation, tables())


@st.cache_resource(show_spinner=False)
def browser_ready() -> bool:
    """Whether kaleido can draw images here (looked up once per process)."""
    from charts.exports import browser_available

    return browser_available()


@st.cache_data(max_entries=64, show_spinner=False)
def article_text(path: str, stamp: float) -> str:
    """An article's text for the reader; ValueError (naming the file) when it is unreadable."""
    from etl.corpus import decode_article

    return decode_article(Path(path).read_bytes(), path)


def rebuild() -> None:
    """Run the ETL over data/raw into the processed folder and drop the cached tables."""
    from etl.pipeline import run  # imported here: only needed when a user asks for a rebuild

    run(out_dir=processed_dir())
    _load.clear()


def require_tables() -> Tables:
    """The tables for a page; when they are missing or damaged, say so in plain words and offer to
    rebuild them, then stop the page. Never a traceback."""
    try:
        return tables()
    except TableError as problem:
        st.title("The data tables need to be built")
        st.warning(
            f"The dashboard reads the tables in {md(processed_dir())}, and one is not usable: {md(problem)}. "
            "Build them from the articles in `data/raw` with the button below, or run `python -m etl` "
            "in the project folder."
        )
        if st.button("Build the tables now", type="primary", icon=":material/build:", key="rebuild-tables"):
            with st.spinner("Extracting claims from the articles…"):
                try:
                    rebuild()
                except Exception as failure:  # shown to the user in words, never as a traceback
                    st.warning(f"The build did not finish: {md(failure)}")
                    st.stop()
            st.rerun()
        st.stop()
        raise  # unreachable: st.stop() ends the run


__all__ = [
    "TableError",
    "Tables",
    "article_text",
    "browser_ready",
    "processed_dir",
    "rebuild",
    "require_tables",
    "tables",
]
