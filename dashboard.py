"""Bilateral trade dashboard: `streamlit run dashboard.py`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from charts import catalog, summary
from charts.exports import slides
from charts.figures import pair_name
from ui import data, view
from ui.assets import plotly_chunk
from ui.shell import running_page

# An emoji icon: Streamlit draws it as a data: URI. A ":material/...:" page icon is fetched from
# fonts.gstatic.com by every visitor's browser (a third-party request the proxy's CSP blocks).
st.set_page_config(page_title="Bilateral trade dashboard", page_icon="🤝", layout="wide")

OVERVIEW = st.Page(
    "pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="", default=True
)


def overview_link() -> None:
    """`/overview` opens the Overview. Streamlit serves the default page only at `/` and answers
    its own name with "Page not found", so this hidden page sends that link on, query and all."""
    st.switch_page(OVERVIEW, query_params=st.query_params.to_dict())


# static/fit.js, its address carrying a hash of its text so a browser never runs a stale copy.
FIT_JS_FILE = Path(__file__).resolve().parent / "static" / "fit.js"
FIT_JS = f"app/static/fit.js?v={hashlib.sha256(FIT_JS_FILE.read_bytes()).hexdigest()[:12]}"

current = view.presentation()
# Before navigation, so the "build the tables" guard is the same page on every run.
data.require_tables()
# Named from the figures the pages draw: a pair whose only claims a person rejected is not offered.
tables = data.chart_tables()
pairs = data.pairs()
pair = view.peek("pair", pairs, summary.default_pair(tables, pairs))

# The navigation names the pages for the pair about to be shown, so they never name other countries.
PAGES = [
    OVERVIEW,
    st.Page(
        "pages/current-vs-target.py",
        title="Current vs target",
        icon=":material/flag:",
        url_path="current-vs-target",
    ),
    st.Page(
        "pages/imbalance.py",
        title=str(data.per_build("imbalance_nav", pair)),
        icon=":material/balance:",
        url_path="imbalance",
    ),
    st.Page(
        "pages/export-mix.py",
        title=str(data.per_build("export_mix_nav", pair)),
        icon=":material/category:",
        url_path="export-mix",
    ),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page("pages/sources.py", title="Sources & data", icon=":material/description:", url_path="sources"),
]
ALIASES = [st.Page(overview_link, title="Overview", url_path="overview", visibility="hidden")]
page = st.navigation(PAGES + ALIASES, position="hidden" if current.presentation else "sidebar")
# Our own script, first on the page (no article text in it): on a page with charts it has the
# browser fetch Streamlit's plotly code at once (4.7 MB, otherwise fetched only when the first chart
# arrives), and it wraps each chart's words for the width the chart has on screen.
CHART_PAGES = ("current-vs-target", "imbalance", "export-mix", "timeline")
chunk = plotly_chunk() if page.url_path in CHART_PAGES else ""
st.html(f'<script src="{FIT_JS}" data-plotly-chunk="{chunk}"></script>', unsafe_allow_javascript=True)


def deck(shown: data.Tables, pair: str, basis: str, reviewed: bool) -> bytes:
    """The slides of every chart of `pair` drawn from `shown`, the tables the pages draw from (with
    `reviewed`, the reviewed claims only, leaving out a chart none of whose figures is left)."""
    charts = [c for c in catalog.all_charts(shown, pair, basis) if not reviewed or len(c.claims)]
    return slides(charts, shown, pair_name(pair) + (" (reviewed figures only)" if reviewed else ""))


def slides_button(where: st.delta_generator.DeltaGenerator, label: str) -> None:
    """The slide deck of every chart for the pair shown, following the page's "Reviewed figures
    only" toggle: made when clicked."""
    reviewed = view.peek_switch("reviewed")
    shown = data.chart_tables(reviewed)
    ids, default = summary.bases(shown, pair)
    basis = view.peek("basis", ids, default)
    where.download_button(
        label,
        (lambda: deck(shown, pair, basis, reviewed)),
        file_name=f"trade-charts-{pair}.pptx",
        mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
        on_click="ignore",
        icon=":material/slideshow:",
        disabled=not data.browser_ready(),
        help=f"A .pptx for {pair_name(pair)}: a title slide, then every chart, one per slide, sources in the notes"
        + (" (reviewed figures only)" if reviewed else "")
        if data.browser_ready()
        else "Slides need Chrome or Chromium on the server to draw the charts, and none was found",
        key="download.slides",
    )


if current.presentation:
    # Presenting: no sidebar or toolbar, larger type, everything on one screen down to 1366 x 768.
    # Our own CSS; no article text in it.
    st.html(
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
        [data-testid="stToolbar"], [data-testid="stDecoration"] {display: none !important;}
        .stMainBlockContainer, [data-testid="stMainBlockContainer"] {padding: 0.5rem 2rem 1rem; max-width: 1800px;}
        html, .stMarkdown p, .stCaption p {font-size: 1.1rem;}
        h1 {font-size: 2rem !important; padding: 0.25rem 0 0.5rem !important;}
        </style>"""
    )
    bar = st.container(horizontal=True, gap="small", vertical_alignment="center")
    # Short names: the bar fits a projector's width.
    short = ["Overview", "Vs target", "Imbalance", "Export mix", "Timeline", "Sources"]
    for p, label in zip(PAGES, short, strict=True):
        bar.page_link(p, label=label)
    slides_button(bar, "Slides")
    if bar.button("Exit presentation", icon=":material/close_fullscreen:"):
        view.set_presentation(False)
        st.rerun()
else:
    with st.sidebar:
        if st.toggle("Presentation mode", value=False, help="Larger type, 16 : 9 charts, no sidebar. "
                     "Add ?present=1 to a link to open it this way."):  # fmt: skip
            view.set_presentation(True)
            st.rerun()
        slides_button(st, "Download all charts as slides")
        st.caption("Figures are claims made in news articles, each kept with its sentence.")

with running_page():
    page.run()
