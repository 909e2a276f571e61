"""Iran's export mix: the categories, the shares stated, and the unitemised rest shown as such."""

import streamlit as st

from charts import format as fmt
from charts import summary
from charts.figures import direction_name, pair_name
from etl.places import country_name
from ui import data, view
from ui.panel import show_chart
from ui.shell import ensure_app
from ui.text import md

ensure_app()
tables = data.require_tables()
look = view.current().look

st.title("Iran's export mix to Iraq")
flows = summary.category_flows(tables)
if not flows:
    st.info("No article lists export categories.")
    st.stop()
pairs = list(dict.fromkeys("-".join(sorted(f.split("->"))) for f in flows))
left, right = st.columns(2)
with left:
    pair = view.pick("pair", "Country pair", pairs, "IRN-IRQ" if "IRN-IRQ" in pairs else pairs[0], pair_name)
flow = next(f for f in flows if "-".join(sorted(f.split("->"))) == pair)
exporter, importer = flow.split("->")

cats = tables["export_categories"]
rows = cats[(cats["exporter"] == exporter) & (cats["importer"] == importer)]
shared = rows[rows["share"].notna()]
st.markdown(
    f"{country_name(exporter)}'s exports to {country_name(importer)} fall in **{len(rows)} categories**. "
    f"Shares are stated for {len(shared)}: "
    + md(", ".join(f"{c} {fmt.percent(s)}" for c, s in zip(shared["category"], shared["share"], strict=True)))
    + f". The other {len(rows) - len(shared)} together make up the remaining "
    f"**{fmt.percent(max(0.0, 100 - shared['share'].sum()))}**; the articles do not say how it splits, so "
    "it is shown as one block."
)

balance = tables["trade_balance"]
flow_rows = balance[(balance["direction"] == flow)]
base = None
with right:
    if len(flow_rows):
        options = list(dict.fromkeys(flow_rows["basis_claim_id"]))
        if st.toggle("Show estimated dollar amounts", key="export_mix.dollars"):
            _, default = summary.bases(tables, pair)
            base = view.pick(
                "basis", "Apply the shares to exports on the basis of", options,
                default if default in options else options[0],
                lambda i: f"{direction_name(flow)} {fmt.money(flow_rows[flow_rows.basis_claim_id == i]['exports'].iloc[0])}"
                + (" (derived)" if flow_rows[flow_rows.basis_claim_id == i]["derived"].iloc[0] else ""),
            )  # fmt: skip

chart = data.chart("export_mix", exporter, importer, base, look=look)
show_chart(chart, tables)
if base:
    st.caption(
        "Amounts are estimates: a stated share times an export figure that is itself derived or hedged."
    )

share_chart = data.chart("import_share", exporter, importer, look=look)
if share_chart:
    st.subheader("In context: the share of Iraq's imports", anchor=False)
    st.markdown(
        f"The article says these {len(rows)} categories of {country_name(exporter)}'s goods make up "
        f"**{fmt.percent(share_chart.data['value'].iloc[0])}** of {country_name(importer)}'s total imports."
    )
    show_chart(share_chart, tables)
