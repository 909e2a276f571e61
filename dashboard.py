"""Bilateral trade dashboard: `streamlit run dashboard.py`."""

from __future__ import annotations

import streamlit as st

from charts import catalog, summary
from charts.exports import slides
from charts.figures import pair_name
from ui import data, view
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


PAGES = [
    OVERVIEW,
    st.Page(
        "pages/current-vs-target.py",
        title="Current vs target",
        icon=":material/flag:",
        url_path="current-vs-target",
    ),
    st.Page(
        "pages/imbalance.py", title="Iraq's export imbalance", icon=":material/balance:", url_path="imbalance"
    ),
    st.Page(
        "pages/export-mix.py", title="Iran's export mix", icon=":material/category:", url_path="export-mix"
    ),
    st.Page("pages/sources.py", title="Sources & data", icon=":material/description:", url_path="sources"),
]

current = view.presentation()
# Before navigation, so the "build the tables" guard is the same page on every run.
tables = data.require_tables()
ALIASES = [st.Page(overview_link, title="Overview", url_path="overview", visibility="hidden")]
page = st.navigation(PAGES + ALIASES, position="hidden" if current.presentation else "sidebar")

if current.presentation:
    # Presenting: no sidebar or toolbar, larger type. Our own CSS; no article text in it.
    st.html(
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
        [data-testid="stToolbar"], [data-testid="stDecoration"] {display: none !important;}
        .stMainBlockContainer, [data-testid="stMainBlockContainer"] {padding-top: 1rem; max-width: 1400px;}
        html, .stMarkdown p, .stCaption p {font-size: 1.15rem;}
        h1 {font-size: 2.4rem !important;}
        </style>"""
    )
    bar = st.columns([1, 1, 1, 1, 1, 1.2])
    short = ["Overview", "Vs target", "Imbalance", "Export mix", "Sources"]  # fits a projector's width
    for slot, p, label in zip(bar, PAGES, short, strict=False):
        slot.page_link(p, label=label)
    if bar[-1].button("Exit presentation", icon=":material/close_fullscreen:"):
        view.set_presentation(False)
        st.rerun()
else:
    with st.sidebar:
        if st.toggle("Presentation mode", value=False, help="Larger type, 16 : 9 charts, no sidebar. "
                     "Add ?present=1 to a link to open it this way."):  # fmt: skip
            view.set_presentation(True)
            st.rerun()
        pairs = summary.pairs(tables)
        pair = st.session_state.get("view.pair") if st.session_state.get("view.pair") in pairs else pairs[0]
        ids, default = summary.bases(tables, pair)
        basis = st.session_state.get("view.basis") if st.session_state.get("view.basis") in ids else default
        st.download_button(
            "Download all charts as slides",
            (lambda: slides(catalog.all_charts(tables, pair, basis), tables, pair_name(pair))),
            file_name=f"trade-charts-{pair}.pptx",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            on_click="ignore",
            icon=":material/slideshow:",
            disabled=not data.browser_ready(),
            help=f"A .pptx of every chart for {pair_name(pair)}, one per slide, sources in the notes"
            if data.browser_ready()
            else "Slides need Chrome or Chromium on the server to draw the charts, and none was found",
        )
        st.caption("Figures are claims made in news articles, each kept with its sentence.")

with running_page():
    page.run()
