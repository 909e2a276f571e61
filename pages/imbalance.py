"""Export imbalance: the two directions of a pair's trade, per basis; named for the side that sells
less ("Iraq's export imbalance with Iran" for the seeds), read from the figures."""

import streamlit as st

from charts import format as fmt
from charts import summary
from charts.catalog import MOST_GROUPS, article_name
from charts.figures import direction_name, pair_name
from etl.places import country_name
from ui import data, view
from ui.panel import chart_page, nothing_reviewed, others_with, show_chart
from ui.shell import ensure_app

ensure_app()
page = chart_page()
look, every, pair, reviewed, tables = page.look, page.every, page.pair, page.reviewed, page.tables
heading, right = page.heading, page.right
balance = tables["trade_balance"]
mine = balance[balance["pair"] == pair]
if mine.empty and reviewed:
    heading.title(summary.imbalance_title(every, pair))
    nothing_reviewed(pair, tables, "a two-way total and a one-way export figure of the same period")
    st.stop()
if mine.empty:
    heading.title(summary.imbalance_title(tables, pair))
    st.info(
        f"{pair_name(pair)}: no article reports a one-way export figure for this pair, so its trade cannot "
        "be split into the two directions."
    )
    others_with(summary.balance_pairs(tables), "pages/imbalance.py")
    st.stop()

totals = mine.drop_duplicates("basis_claim_id").set_index(
    "basis_claim_id"
)  # one row a basis, looked up by id
bases = list(totals.index)


def span_of(basis: str) -> str:
    """When a total holds, in words, as the ETL read it ("" when not stated)."""
    span = str(totals.at[basis, "span"]) if "span" in totals.columns else ""
    return "" if span in ("", "period not stated") else span


_, default = summary.bases(tables, pair)
unit = mine["unit"].iloc[0]
with right:
    basis = view.pick(
        "basis", "Two-way total to split (basis)", bases, default if default in bases else bases[0],
        lambda i: f"{fmt.money(totals.at[i, 'total'], unit)} total"
        + (f" ({span_of(i)})" if span_of(i) else "") + ", " + article_name(i.rsplit(":", 1)[0], tables, 36),
    )  # fmt: skip
heading.title(summary.imbalance_title(tables, pair, basis))

# The chart draws the chosen total only when it has more than it can draw: otherwise it is the same
# chart for every choice, built once.
drawn = basis if len(bases) > MOST_GROUPS else ""
chart = data.chart("imbalance", pair, drawn, look=look, reviewed_only=reviewed)
# Presenting, the chart comes first so it fits the screen; the figures in words follow it.
if look.presentation:
    show_chart(chart, tables)
words = st.container()

on_basis = mine[mine["basis_claim_id"] == basis].sort_values("exports", kind="stable")
low, high = on_basis.iloc[0], on_basis.iloc[-1]  # the side that sells less first
a, b, c = words.columns(3)
for column, side in ((a, low), (b, high)):
    column.metric(
        direction_name(side["direction"]) + (" (derived)" if side["derived"] else ""),
        fmt.money(side["exports"], unit),
        help="The two-way total minus the reported side" if side["derived"] else "As reported",
    )
c.metric("Ratio", fmt.ratio(high["exports"] / low["exports"]) if low["exports"] > 0 else "no exports one way")
seller = country_name(low["direction"].split("->")[0])
words.markdown(
    f"On a two-way total of **{fmt.money(low['total'], unit)}**, {seller}'s exports are "
    f"**{fmt.percent(low['share_of_total'], 1)}** of the trade between the two countries."
)
if not look.presentation:
    show_chart(chart, tables)
