"""One chart on a page: the figure (or its table), its description, downloads and citation."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from charts import summary
from charts.catalog import Chart
from charts.checked import LEGEND
from charts.exports import csv_bytes, images
from charts.figures import pair_name
from charts.style import EXPORT_HEIGHT, EXPORT_SCALE, EXPORT_WIDTH, Look
from ui import data, view
from ui.data import Tables, browser_ready
from ui.text import md

REVIEWED_ONLY = "Reviewed figures only"
SOURCES = "pages/sources.py"


@dataclass(frozen=True)
class ChartPage:
    """What every chart page starts with: the pair picked, the review toggle and the tables."""

    look: Look
    every: Tables  # the tables with rejected claims left out: what the pair list is made from
    pair: str
    reviewed: bool  # "Reviewed figures only" is on
    tables: Tables  # what this page's charts draw from (reviewed claims only when `reviewed`)
    heading: DeltaGenerator  # the title's place, above the controls; the page names it
    left: DeltaGenerator
    right: DeltaGenerator


def chart_page() -> ChartPage:
    """The head of a chart page: its title's place, then the pair picker and the review toggle."""
    data.require_tables()  # a missing or damaged table is explained, with a button to rebuild
    look = view.current().look
    every = data.chart_tables()  # rejected claims left out
    heading = st.empty()  # the title names the pair, which is picked just below it
    pairs = data.pairs()
    left, right = st.columns(2)
    with left:
        pair = view.pick("pair", "Country pair", pairs, summary.default_pair(every, pairs), pair_name)
        reviewed = reviewed_only()
    return ChartPage(look, every, pair, reviewed, data.chart_tables(reviewed), heading, left, right)


def plotly_config(slug: str) -> dict:
    """The camera button saves a 1920 x 1080 PNG named after the chart (title and source inside)."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": slug,
            "width": EXPORT_WIDTH,
            "height": EXPORT_HEIGHT,
            "scale": EXPORT_SCALE,
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
    }


def others_with(pairs: list[str], page: str, limit: int = 8) -> None:
    """Links to the same page for the pairs that have what this one lacks."""
    if not pairs:
        return
    st.caption("Pairs with these figures:")
    row = st.container(horizontal=True, wrap=True, gap="small")
    for pair in pairs[:limit]:
        row.page_link(page, label=pair_name(pair), query_params={"pair": pair})
    if len(pairs) > limit:
        st.caption(f"…and {len(pairs) - limit} more in the pair list above.")


def reviewed_only() -> bool:
    """The "Reviewed figures only" toggle of a chart page, kept in the link as `reviewed=1`."""
    return view.switch(
        "reviewed", REVIEWED_ONLY,
        help="Draw only the figures a person confirmed, corrected or added on Sources & data. Either "
        f"way, {LEGEND} is marked on the chart.",
    )  # fmt: skip


def nothing_reviewed(pair: str, tables: Tables, needs: str) -> None:
    """Said instead of a chart that the reviewed claims leave empty: in words, with a link to the
    review view. `tables` are the reviewed-only tables; `needs` says what the chart needs."""
    claims = tables["claims"]
    n = int((claims["pair"] == pair).sum()) if "pair" in claims.columns else 0
    if n == 0:
        said = f"{pair_name(pair)}: no figure for this pair has been reviewed by a person yet"
    else:
        said = (
            f"{pair_name(pair)}: a person has reviewed {n} figure{'s' if n != 1 else ''} of this pair, but not "
            f"{needs}"
        )
    st.info(f"{said}; review figures on Sources & data.", icon=":material/fact_check:")
    st.page_link(SOURCES, label="Review figures on Sources & data", icon=":material/rate_review:")


def show_chart(chart: Chart, tables: Tables) -> None:
    # The figure goes first, so the browser starts fetching plotly's script as early as it can;
    # the Chart/Table switch below it is read from its state before it is drawn.
    switch = f"mode.{chart.slug}"
    if st.session_state.get(switch) == "Table":
        # The rows for reading: words and formatted figures; the CSV below keeps the raw columns.
        st.dataframe(
            chart.table if len(chart.table.columns) else chart.data, hide_index=True, width="stretch"
        )
    else:
        st.plotly_chart(
            chart.figure, config=plotly_config(chart.slug), key=f"chart.{chart.slug}", alt=chart.title,
            theme=None,
        )  # fmt: skip
    st.caption(md(chart.description))  # names and categories come from the articles
    mode, csv, svg, cite = st.columns([1.1, 1, 1, 1])
    mode.segmented_control(
        "Show as",
        ["Chart", "Table"],
        default="Chart",
        key=switch,
        label_visibility="collapsed",
        required=True,
    )
    # Made when clicked, not on every run (and the click does not rerun the page).
    csv.download_button(
        "Download data (CSV)", (lambda: csv_bytes(chart.data)), file_name=f"{chart.slug}.csv", mime="text/csv",
        on_click="ignore", icon=":material/download:", key=f"csv.{chart.slug}", width="stretch",
        help="Exactly the rows this chart draws, with the processed table's column names and raw values",
    )  # fmt: skip
    has_browser = browser_ready()
    svg.download_button(
        "Download SVG", (lambda: images([chart], "svg")[0]), file_name=f"{chart.slug}.svg",
        mime="image/svg+xml", on_click="ignore", icon=":material/image:", key=f"svg.{chart.slug}",
        width="stretch", disabled=not has_browser,
        help="Vector image for slides and print" if has_browser
        else "SVG export needs Chrome or Chromium on the server, and none was found",
    )  # fmt: skip
    with cite.popover("Cite this chart", icon=":material/format_quote:", width="stretch"):
        st.caption("Who said each figure, where and when; copy with the button at the corner.")
        st.code(data.citation(chart.claims, tables) or "No claims.", language=None,
                wrap_lines=True)  # fmt: skip
