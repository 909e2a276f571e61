"""All cached loaders: the processed tables, read and checked once per process per file change."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import cast

import pandas as pd
import streamlit as st

import etl.pipeline
import etl.review
from charts import summary
from charts.catalog import Chart
from charts.catalog import citation as catalog_citation
from charts.style import Look
from charts.summary import PairSummary, TimelineView
from etl.pipeline import PROCESSED
from etl.tables import TABLE_NAMES, TableError, read_tables
from ui.text import md

Tables = dict[str, pd.DataFrame]


def _stamp(directory: Path) -> str:
    """Changes whenever a processed file is rewritten, so the cache refreshes after `python -m etl`.
    One string: Streamlit hashes it in one step (a tuple of tuples, item by item, on every run)."""
    stamp = []
    for name in TABLE_NAMES:
        path = directory / f"{name}.csv"
        try:
            st_ = path.stat()
            stamp.append(f"{name}:{st_.st_mtime_ns}:{st_.st_size}")
        except FileNotFoundError:
            stamp.append(f"{name}:missing")
    return ";".join(stamp)


@st.cache_resource(max_entries=2, show_spinner=False)
def _load(directory: str, stamp: str, raw: str) -> Tables:
    # Shared by every session and never mutated: callers filter, which makes new frames.
    tables = read_tables(Path(directory))
    return {**tables, "openings": openings(tables["articles"], Path(raw))}


def processed_dir() -> Path:
    """data/processed, or the folder named by TRADE_PROCESSED_DIR (a deployment's own tables)."""
    return Path(os.environ.get("TRADE_PROCESSED_DIR") or PROCESSED)


def raw_dir() -> Path:
    """The article texts: data/raw, or the folder named by TRADE_RAW_DIR (beside a deployment's
    own TRADE_PROCESSED_DIR)."""
    return Path(os.environ.get("TRADE_RAW_DIR") or etl.pipeline.RAW)


def reviews_file() -> Path:
    """data/reference/reviewed_claims.csv, or the file named by TRADE_REVIEWS_FILE."""
    return Path(os.environ.get("TRADE_REVIEWS_FILE") or etl.review.REVIEWS_CSV)


OPENING_WORDS = 12


def openings(articles: pd.DataFrame, raw: Path) -> pd.DataFrame:
    """The first words of each article's text (article_id, opening): how an untitled article is
    cited. Only texts whose checksum is the one in the articles table are used, so a citation
    never quotes a text the figures were not taken from; an unreadable or changed file is left out
    (the article is then cited by its file id)."""
    rows = []
    for article_id, checksum in zip(articles["article_id"], articles["checksum"], strict=True):
        try:
            data = (raw / f"{article_id}.txt").read_bytes()
        except OSError:
            continue
        if f"sha256:{hashlib.sha256(data).hexdigest()}" != checksum:
            continue
        words = data[:4000].decode("utf-8", errors="replace").split()
        rows.append(
            (article_id, " ".join(words[:OPENING_WORDS]) + ("…" if len(words) > OPENING_WORDS else ""))
        )
    return pd.DataFrame(rows, columns=["article_id", "opening"], dtype=str)


def tables() -> Tables:
    """The processed tables; raises TableError naming the file when one is missing or invalid."""
    directory = processed_dir()
    return _load(str(directory), _stamp(directory), str(raw_dir()))


@st.cache_resource(max_entries=4, show_spinner=False)
def _chart_tables(directory: str, stamp: str, raw: str, reviewed_only: bool) -> Tables:
    # Made once per build (the stamp changes with every rebuild) and shared, like the tables.
    return etl.review.chart_tables(_load(directory, stamp, raw), reviewed_only=reviewed_only)


def chart_tables(reviewed_only: bool = False) -> Tables:
    """The tables every chart draws from: the claims a person rejected left out; with
    `reviewed_only`, only the claims a person confirmed, amended or added, and the derived tables
    made again from those (etl.review.chart_tables). Raises TableError like `tables`."""
    directory = processed_dir()
    return _chart_tables(str(directory), _stamp(directory), str(raw_dir()), reviewed_only)


@st.cache_resource(max_entries=64, show_spinner=False)
def _chart(kind: str, stamp: str, args: tuple, presentation: bool, reviewed_only: bool,
           _tables: Tables) -> Chart | None:  # fmt: skip
    from charts import catalog

    return getattr(catalog, kind)(_tables, *args, look=Look(presentation=presentation))


def chart(kind: str, *args: object, look: Look, reviewed_only: bool = False) -> Chart | None:
    """A chart from charts.catalog, built once per view and shared: the same pair, basis, look and
    reviewed-only choice give the same figure until the processed tables change."""
    directory = processed_dir()
    return _chart(
        kind, _stamp(directory), args, look.presentation, reviewed_only, chart_tables(reviewed_only)
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def _per_build(name: str, directory: str, stamp: str, raw: str, reviewed_only: bool, args: tuple,
               _tables: Tables) -> object:  # fmt: skip
    # What every run asks of the whole tables, made once per build and shared (never mutated):
    # without it each run walks every claim, so every click would get slower as the corpus grows.
    return getattr(summary, name)(_tables, *args)


def per_build(name: str, *args: str, reviewed_only: bool = False) -> object:
    """charts.summary.<name>(chart_tables(reviewed_only), *args), made once per build of the tables
    and shared by every session: for what the navigation and the pages ask on every run."""
    directory = processed_dir()
    return _per_build(name, str(directory), _stamp(directory), str(raw_dir()), reviewed_only, args,
                      chart_tables(reviewed_only))  # fmt: skip


def pairs(reviewed_only: bool = False) -> list[str]:
    """charts.summary.pairs, once per build: every pair, most trade figures first."""
    return cast(list[str], per_build("pairs", reviewed_only=reviewed_only))


def summaries(reviewed_only: bool = False) -> dict[str, PairSummary]:
    """charts.summary.summaries, once per build: each pair's summary."""
    return cast(dict[str, PairSummary], per_build("summaries", reviewed_only=reviewed_only))


def timeline_view(pair: str, reviewed_only: bool = False) -> TimelineView:
    """charts.summary.timeline_view, once per build and pair."""
    return cast(TimelineView, per_build("timeline_view", pair, reviewed_only=reviewed_only))


@st.cache_resource(max_entries=64, show_spinner=False)
def _citation(directory: str, stamp: str, claims_digest: str, _claims: pd.DataFrame, _tables: Tables) -> str:
    return catalog_citation(_claims, _tables)


def citation(claims: pd.DataFrame, tables: Tables) -> str:
    """charts.catalog.citation of a chart's claims, made once per build: the "Cite this chart"
    popover is filled on every run of a chart page. Keyed by the claims' ids, which with the build
    say which rows they are (the reviewed-only tables hold the same rows, fewer of them)."""
    directory = processed_dir()
    ids = claims["claim_id"] if "claim_id" in claims.columns else []
    digest = hashlib.sha256("\n".join(map(str, ids)).encode()).hexdigest()
    return _citation(str(directory), _stamp(directory), digest, claims, tables)


@st.cache_resource(show_spinner=False)
def browser_ready() -> bool:
    """Whether kaleido can draw images here (looked up once per process)."""
    from charts.exports import browser_available

    return browser_available()


def article_text(folder: Path, article_id: str) -> str:
    """The text of `<article_id>.txt` for the reader, read only as a regular file directly inside
    `folder`: an id that is a path (`../x`, `/etc/x`), a link, a directory or a device is refused
    with a ValueError saying so, since the id comes from a table and the choice from a link."""
    name = f"{article_id}.txt"
    if not article_id or Path(name).name != name or name.startswith(".") or "\\" in name or "\x00" in name:
        raise ValueError(f"{article_id!r} is not an article id (an id is a file name in the articles folder)")
    path = folder / name
    try:
        info = os.lstat(path)  # the entry itself, never what a link points at
    except FileNotFoundError:
        raise ValueError(f"{name} is not in the articles folder") from None
    if stat.S_ISLNK(info.st_mode):
        raise ValueError(f"{name} in the articles folder is a link; only regular files there are shown")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{name} in the articles folder is not a regular file")
    return _article_text(str(path), info.st_mtime_ns, info.st_size)


@st.cache_data(max_entries=64, show_spinner=False)
def _article_text(path: str, mtime_ns: int, size: int) -> str:
    from etl.corpus import MAX_ARTICLE_BYTES, decode_article

    # O_NOFOLLOW: a link swapped in after the check above is refused by the kernel, not followed.
    # O_NONBLOCK: a FIFO swapped in cannot hang the read; fstat then refuses it.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as failure:
        if failure.errno == errno.ELOOP:
            raise ValueError(
                f"{Path(path).name} in the articles folder is a link; only regular files are shown"
            ) from None
        raise
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise ValueError(f"{Path(path).name} in the articles folder is not a regular file")
        data = f.read(MAX_ARTICLE_BYTES + 1)
    return decode_article(data, Path(path).name)


def rebuild() -> None:
    """Run the ETL over the articles (with the reviewed-claims decisions) into the processed folder
    and drop the cached tables."""
    from etl.pipeline import run  # imported here: only needed when a user asks for a rebuild

    reviews = reviews_file()
    run(raw_dir(), processed_dir(), reviews=reviews if reviews.is_file() else None)
    _load.clear()
    _chart_tables.clear()


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
    "chart",
    "chart_tables",
    "citation",
    "openings",
    "pairs",
    "per_build",
    "processed_dir",
    "raw_dir",
    "rebuild",
    "require_tables",
    "reviews_file",
    "summaries",
    "tables",
]
