"""Overview: one card per country pair (current trade, target, gap, sources), sortable and
searchable, several cards a row on a desktop and one on a phone; each links to its pair's pages."""

import streamlit as st

from charts import summary
from charts.catalog import article_label
from ui import data, view
from ui.shell import ensure_app
from ui.text import md

ensure_app()
data.require_tables()  # a missing or damaged table is explained, with a button to rebuild
tables = data.chart_tables()  # the figures the charts use: rejected claims left out

st.title("How far is each country pair from its trade target?")
st.caption(
    "Every figure is a claim made in a news article. Sources disagree, so current trade is shown as the "
    "range across them; the gap uses the default basis (the exact figure with no stated scope)."
)
find_col, sort_col = st.columns([3, 2])
with find_col:
    find = view.words("find", "Find a country", placeholder="e.g. Iran, Turkey, IRQ")
with sort_col:
    order = view.pick("sort", "Sort by", list(summary.SORTS), "gap", summary.SORTS.get, quiet_default=True)
cards = summary.ranked(data.summaries(), data.pairs(), order, find)
total = len(data.pairs())
if not cards:
    st.info(f"No country pair matches “{md(find)}”. Clear the search to see all {total}.")
    st.stop()
if find:
    st.caption(f"{len(cards)} of {total} pairs match “{md(find)}”.")

LINKS = (
    ("pages/current-vs-target.py", "Target", ":material/flag:"),
    ("pages/imbalance.py", "Imbalance", ":material/balance:"),
    ("pages/export-mix.py", "Mix", ":material/category:"),
)

# Cards flow in rows: as many as fit (three on a laptop, five on a wide screen); on a phone one a
# row, the full width (our own CSS; no outside text in it).
st.html(
    """<style>@media (max-width: 640px) {
    [data-testid="stLayoutWrapper"]:has(> [class*="st-key-card-"]), [class*="st-key-card-"] {
      width: 100% !important; flex: 1 1 100% !important; max-width: 100% !important;}
    }</style>"""
)
grid = st.container(horizontal=True, wrap=True, gap="small")
for s in cards:
    with grid.container(border=True, width=262, gap="small", key=f"card-{s.pair}"):
        st.markdown(f"**{s.name}**")
        if s.n_current:
            figures = f"{s.n_current} figure{'s' if s.n_current != 1 else ''}"
            st.markdown(f"Current: {md(s.current_range)} ({figures})" + (f"  \nLatest: {md(s.latest)}" if s.latest else ""))  # fmt: skip
        else:
            st.markdown("Current: no figure reported")
        by = f" by {s.due}" if s.due else ""
        if s.gap:
            st.markdown(
                f"Target {md(s.target)}{by} · gap **{md(s.gap)}** · **{md(s.pct_of_target)}** reached",
                help=f"Measured on the default basis: {md(s.basis)}",
            )
            st.progress(min(1.0, max(0.0, s.pct_value / 100)))
            if s.due_passed:
                st.caption(f"Fell due by {s.due}, before the current figure's period ended.")
        else:
            st.markdown(
                f"Target {md(s.target)}{by} · gap not measurable",
                help="No article gives both a current figure and a target for this pair.",
            )
        labels = [article_label(a, tables) for a in s.articles]
        more = f" and {len(labels) - 1} more" if len(labels) > 1 else ""
        st.caption(
            f"{len(labels)} source{'s' if len(labels) != 1 else ''}: {md(labels[0])}{more}",
            help=md("; ".join(labels)) if len(labels) > 1 else None,
        )
        links = st.container(horizontal=True, gap=None)
        for target, label, icon in LINKS:
            links.page_link(target, label=label, icon=icon, query_params={"pair": s.pair})
