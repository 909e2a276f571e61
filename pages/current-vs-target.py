"""Current vs target: every current-trade claim against the target, and the growth needed."""

from datetime import date

import streamlit as st

from charts import format as fmt
from charts import summary
from charts.figures import basis_label, pair_name
from ui import data, view
from ui.panel import show_chart
from ui.shell import ensure_app
from ui.text import md

ensure_app()
tables = data.require_tables()
look = view.current().look
gaps = tables["target_gaps"]

st.title("Current trade against the stated target")
pairs = summary.pairs(tables)
left, right = st.columns(2)
with left:
    pair = view.pick("pair", "Country pair", pairs, pairs[0], pair_name)
ids, default = summary.bases(tables, pair)
if not ids:
    s = summary.pair_summary(tables, pair)
    st.info(
        f"{pair_name(pair)}: no current trade figure is reported in the articles, so there is nothing to "
        f"set against the target ({s.target}). The target stays on record in the Sources & data page."
    )
    st.stop()

rows = gaps[gaps["pair"] == pair].set_index("basis_claim_id")
with right:
    basis = view.pick(
        "basis", "Current figure to measure from (basis)", ids, default,
        lambda i: basis_label(rows.loc[i]) + (" (default)" if i == default else ""),
    )  # fmt: skip
chosen = rows.loc[basis]
st.caption(
    f"The default basis is chosen by rule: {rows.loc[default, 'basis_rule'].removeprefix('default: ')}."
)

chart = data.chart("current_vs_target", pair, basis, look=look)
show_chart(chart, tables)

st.subheader("Growth needed to reach the target", anchor=False)
published = tables["articles"].set_index("article_id")["published"].get(chosen["current_article_id"], "")
start = int(published[:4]) if published else date.today().year
year_col, start_col = st.columns(2)
start_year = start_col.number_input(
    "Year the basis figure holds", min_value=1990, max_value=2100, value=start, step=1,
    help="The article's date when it states one, else this year",
)  # fmt: skip
by = year_col.slider("Reach the target by", min_value=int(start_year) + 1, max_value=int(start_year) + 20,
                     value=int(start_year) + 5)  # fmt: skip
rate = fmt.growth_rate(float(chosen["current"]), float(chosen["target"]), by - start_year)
unit = chosen["unit"]
if chosen["gap"] <= 0:
    st.success(f"On this basis trade already meets the {fmt.money(chosen['target'], unit)} target.")
else:
    st.metric(f"Annual growth needed, {int(start_year)} to {by}", fmt.percent(rate * 100, 1))
    st.caption(
        f"From {md(fmt.hedged(chosen['current'], unit, chosen['current_qualifier'], chosen['current_scope']))} "
        f"({md(chosen['current_speaker'] or 'unattributed')}) to {md(fmt.money(chosen['target'], unit))}: "
        f"compound growth of {fmt.percent(rate * 100, 1)} a year for {by - int(start_year)} years."
    )
