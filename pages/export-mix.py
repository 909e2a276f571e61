"""Export mix: one article's list of the categories of one export flow, the shares stated, and the
unitemised rest shown as such ("Iran's export mix to Iraq" for the seeds)."""

import streamlit as st

from charts import catalog, summary
from charts import format as fmt
from charts.catalog import article_label
from charts.figures import direction_name, pair_name
from etl.places import country_name
from ui import data, view
from ui.panel import chart_page, nothing_reviewed, others_with, show_chart
from ui.shell import ensure_app
from ui.text import md


def import_share_section(exporter: str, importer: str, source: str | None) -> None:
    """The exporter's share of the importer's imports, from the list's article when it gives one."""
    share_chart = data.chart("import_share", exporter, importer, source, look=look, reviewed_only=reviewed)
    if not share_chart:
        return
    st.subheader(f"In context: the share of {country_name(importer)}'s imports", anchor=False)
    said = share_chart.data["article_id"].iloc[0]
    st.markdown(
        f"{'The same article' if said == source else md(article_label(said, tables))} "
        f"says goods from {country_name(exporter)} make up "
        f"**{fmt.percent(share_chart.data['value'].iloc[0])}** of {country_name(importer)}'s total imports."
    )
    show_chart(share_chart, tables)


ensure_app()
page = chart_page()  # the title is named once the flow is known
look, pair, reviewed, tables = page.look, page.pair, page.reviewed, page.tables
heading, left, right = page.heading, page.left, page.right
flows = summary.category_flows(tables, pair)
if not flows:
    heading.title(f"Export mix: {pair_name(pair)}")
    st.info(
        f"{pair_name(pair)}: no article lists the categories of goods traded between these two countries."
    )
    with_lists = ["-".join(sorted(f.split("->"))) for f in summary.category_flows(tables)]
    others_with(list(dict.fromkeys(with_lists)), "pages/export-mix.py")
    st.stop()
with left:
    flow = (
        view.pick("flow", "Exports from → to", flows, flows[0], direction_name)
        if len(flows) > 1
        else flows[0]
    )
exporter, importer = flow.split("->")
heading.title(summary.export_mix_title(flow))
lists = catalog.category_lists(tables, exporter, importer)
if reviewed:  # only the lists with a share a person reviewed (the others have no figure left)
    cats = tables["export_categories"]
    key = "list_id" if "list_id" in cats.columns else "source"
    with_share = set(cats.loc[cats["share"].notna(), key])
    lists = [i for i in lists if i in with_share]
    if not lists:
        nothing_reviewed(pair, tables, f"a share of {direction_name(flow)} exports by category")
        import_share_section(exporter, importer, None)
        st.stop()
chosen_list = lists[0]
if len(lists) > 1:
    labels = catalog.list_labels(tables, lists)
    with right:
        chosen_list = view.pick(
            "list", "List of categories (one article and period each)", lists, lists[0],
            labels.__getitem__, help="Articles list categories in their own words and "
            "years: each list is shown on its own, never merged with another",
        )  # fmt: skip
source = catalog.list_article(tables, chosen_list)  # the article the list is in

cats = tables["export_categories"]
key = "list_id" if "list_id" in cats.columns else "source"
rows = cats[(cats["exporter"] == exporter) & (cats["importer"] == importer) & (cats[key] == chosen_list)]
shared = rows[rows["share"].notna()]
stated = (
    "Shares are stated for "
    + (
        f"{len(shared)}: " + md(", ".join(f"{c} {fmt.percent(s)}" for c, s in zip(shared["category"], shared["share"], strict=True)))
        if len(shared)
        else "none of them"
    )
)  # fmt: skip
rest = fmt.percent(max(0.0, 100 - shared["share"].sum()))
unshared = len(rows) - len(shared)
in_words = (
    f"{country_name(exporter)}'s exports to {country_name(importer)} fall in **{len(rows)} "
    f"categor{'y' if len(rows) == 1 else 'ies'}** in {md(catalog.list_label(tables, chosen_list))}. {stated}. "
    + (
        f"The other {unshared} together make up the remaining **{rest}**; the article does not say how it "
        "splits, so it is shown as one block."
        if unshared
        else f"The remaining **{rest}** is not itemised in the article."
    )
)
if not look.presentation:  # presenting, the chart comes first so it fits the screen
    st.markdown(in_words)

balance = tables["trade_balance"]
flow_rows = balance[(balance["direction"] == flow)]
base = None
with right:
    if len(flow_rows) and view.switch("dollars", "Show estimated dollar amounts"):
        options = list(dict.fromkeys(flow_rows["basis_claim_id"]))
        _, default = summary.bases(tables, pair)

        def describe(i: str) -> str:
            row = flow_rows[flow_rows.basis_claim_id == i].iloc[0]
            return f"{direction_name(flow)} {fmt.money(row['exports'], row['unit'])}" + (
                " (derived)" if row["derived"] else ""
            )

        base = view.pick(
            "basis", "Apply the shares to exports on the basis of", options,
            default if default in options else options[0], describe,
        )  # fmt: skip

chart = data.chart("export_mix", exporter, importer, chosen_list, base, look=look, reviewed_only=reviewed)
show_chart(chart, tables)
if look.presentation:
    st.markdown(in_words)
if base:
    st.caption(
        "Amounts are estimates: a stated share times an export figure that is itself derived or hedged."
    )

import_share_section(exporter, importer, source)
