"""Iraq's export imbalance: Iraq -> Iran against Iran -> Iraq, per basis."""

import streamlit as st

from charts import format as fmt
from charts import summary
from charts.figures import direction_name, pair_name
from ui import data, view
from ui.panel import show_chart
from ui.shell import ensure_app

ensure_app()
tables = data.require_tables()
look = view.current().look
balance = tables["trade_balance"]

st.title("Iraq's export imbalance with Iran")
pairs = summary.balance_pairs(tables)
if not pairs:
    st.info("No article reports a one-way export figure, so the two directions of trade cannot be split.")
    st.stop()
left, right = st.columns(2)
with left:
    pair = view.pick("pair", "Country pair", pairs, "IRN-IRQ" if "IRN-IRQ" in pairs else pairs[0], pair_name)
mine = balance[balance["pair"] == pair]
reported = mine[~mine["derived"]]
minor = reported["direction"].iloc[0]  # the reported side is the story: what the small exporter sells
bases = list(dict.fromkeys(mine["basis_claim_id"]))
_, default = summary.bases(tables, pair)
with right:
    basis = view.pick(
        "basis", "Two-way total to split (basis)", bases, default if default in bases else bases[0],
        lambda i: f"{fmt.money(mine[mine.basis_claim_id == i]['total'].iloc[0], mine['unit'].iloc[0])} total",
    )  # fmt: skip

row = mine[(mine["basis_claim_id"] == basis) & (mine["direction"] == minor)].iloc[0]
other = mine[(mine["basis_claim_id"] == basis) & (mine["direction"] != minor)].iloc[0]
unit = row["unit"]
a, b, c = st.columns(3)
a.metric(direction_name(minor), fmt.money(row["exports"], unit), help="As reported")
b.metric(direction_name(other["direction"]) + (" (derived)" if other["derived"] else ""),
         fmt.money(other["exports"], unit), help="Two-way total minus the reported side" if other["derived"] else None)  # fmt: skip
c.metric("Ratio", fmt.ratio(float(other["ratio_to_other"])))
st.markdown(
    f"On a two-way total of **{fmt.money(row['total'], unit)}**, {direction_name(minor).split(' → ')[0]}'s exports "
    f"are **{fmt.percent(row['share_of_total'], 1)}** of the trade between the two countries."
)

chart = data.chart("imbalance", pair, minor, look=look)
show_chart(chart, tables)
