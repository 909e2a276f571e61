"""Current vs target: every current-trade claim against the target, and the growth needed."""

from typing import cast

import streamlit as st

from charts import format as fmt
from charts import summary
from charts.catalog import article_date, speaker
from charts.figures import overdue, pair_name, target_due
from charts.summary import basis_year
from ui import data, view
from ui.panel import chart_page, nothing_reviewed, show_chart
from ui.shell import ensure_app
from ui.text import md

ensure_app()
page = chart_page()
look, every, pair, reviewed, tables = page.look, page.every, page.pair, page.reviewed, page.tables
heading, right = page.heading, page.right
gaps = tables["target_gaps"]
heading.title(f"{pair_name(pair)}: current trade against the stated target")
ids, default = summary.bases(tables, pair)
if not ids and reviewed:
    nothing_reviewed(pair, tables, "both a current trade figure and a target to set it against")
    st.stop()
if not ids:
    s = summary.pair_summary(data.summaries(reviewed), pair)
    if s.n_current and s.target == "no target stated":
        reason = f"the articles give current trade ({md(s.current_range)}) but no target to set it against"
    elif s.n_current:
        reason = f"no current figure can be set against the target ({md(s.target)})"
    else:
        reason = f"no current trade figure is reported, so there is nothing to set against the target ({md(s.target)})"
    st.info(f"{pair_name(pair)}: {reason}. Every claim stays on record in the Sources & data page.")
    st.stop()

rows = gaps[gaps["pair"] == pair].set_index("basis_claim_id")
labels = cast(dict[str, str], data.per_build("basis_labels", pair, reviewed_only=reviewed))
with right:
    basis = view.pick("basis", "Current figure to measure from (basis)", ids, default, labels.__getitem__)
chosen = rows.loc[basis]
rule = (
    f"The default basis is chosen by rule: {md(rows.loc[default, 'basis_rule'].removeprefix('default: '))}."
    if bool(rows.loc[default, "is_default"])
    else "No figure here covers a full year, so none is the default basis; the first one is shown."
)
# A target whose deadline passed before the period the basis covers: the gap is how far trade still
# is from it, not progress within its time.
if overdue(rows.loc[[basis]]).any():
    rule += (
        f" The target was due by {target_due(rows)[:4]}, before the period this figure covers ended "
        f"({chosen['current_period_end']}): the gap is how far trade still is from it."
    )
if not look.presentation:  # presenting, the chart comes first so it fits the screen
    st.caption(rule)

chart = data.chart("current_vs_target", pair, basis, look=look, reviewed_only=reviewed)
show_chart(chart, tables)
if look.presentation:
    st.caption(rule)

st.subheader("Growth needed to reach the target", anchor=False)
held = basis_year(tables, basis, article_date(tables, chosen["current_article_id"]))
start_col, by_col = st.columns(2)
with start_col:
    # Unknown when the figure's period and its article's date are both unstated: the reader picks
    # the year, since assuming today's would change the answer with the day the page is opened.
    picked = view.pick(
        "from", "Start from the year the figure holds", ["", *(str(y) for y in range(1990, 2101))],
        str(held) if held else "", lambda y: y or "Pick the year",
        help="The year the figure covers when the article says, else the article's date; "
        "when neither is known, the year you pick",
    )  # fmt: skip
unit = chosen["unit"]
if chosen["gap"] <= 0:
    st.success(f"On this basis trade already meets the {fmt.money(chosen['target'], unit)} target.")
elif not picked:
    st.info(
        "The article does not say when this figure holds, and has no date, so the year growth starts "
        "from is not known: pick the year it holds for to see the annual growth needed.",
        icon=":material/event:",
    )
else:
    start_year = int(picked)
    with by_col:
        years = [str(y) for y in range(start_year + 1, start_year + 21)]
        by = int(view.pick("by", "Reach the target by", years, str(start_year + 5)))
    rate = fmt.growth_rate(float(chosen["current"]), float(chosen["target"]), by - start_year)
    # Words, not a metric widget: one element fewer for the browser to load before the chart.
    st.markdown(f"Annual growth needed, {start_year} to {by}: **{fmt.percent(rate * 100, 1)}**")
    st.caption(
        f"From {md(fmt.hedged(chosen['current'], unit, chosen['current_qualifier'], chosen['current_scope']))} "
        f"({md(speaker(chosen['current_speaker'], tables))}) to {md(fmt.money(chosen['target'], unit))}: "
        f"compound growth of {fmt.percent(rate * 100, 1)} a year for {by - start_year} years."
    )
