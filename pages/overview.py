"""Overview: one card per country pair: current trade, target, gap, sources."""

import streamlit as st

from charts import summary
from charts.catalog import article_label
from charts.figures import pair_name
from ui import data
from ui.shell import ensure_app
from ui.text import md

ensure_app()
tables = data.require_tables()

st.title("How far is each country pair from its trade target?")
st.caption(
    "Every figure is a claim made in a news article. Sources disagree, so current trade is shown as the "
    "range across them; the gap uses the default basis (the exact figure with no stated scope)."
)

for pair in summary.pairs(tables):
    s = summary.pair_summary(tables, pair)
    with st.container(border=True):
        st.subheader(pair_name(pair), anchor=False)
        if s.n_current:
            st.markdown(f"**Current trade:** {md(s.current_range)} ({s.n_current} figures across sources)")
        else:
            st.markdown("**Current trade:** no current figure reported")
        target, gap, pct = st.columns(3)
        target.metric("Target", s.target)
        if s.gap:
            gap.metric("Gap to target", s.gap)
            pct.metric("Share of target reached", s.pct_of_target)
            st.caption(f"Basis: {md(s.basis)}")
        else:
            gap.metric("Gap to target", "—", help="No current figure is reported for this pair")
            pct.metric("Share of target reached", "—", help="No current figure is reported for this pair")
            st.caption("No article gives a current figure for this pair, so the gap cannot be measured.")
        st.caption(
            f"Backed by {s.n_articles} article{'s' if s.n_articles != 1 else ''}: "
            + md("; ".join(article_label(a, tables["articles"]) for a in s.articles))
        )
