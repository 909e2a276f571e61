"""Timeline: every figure of a pair at the span it covers, targets at their deadlines and when
they were stated; the figures that give no date listed, never placed at a made-up time."""

import streamlit as st

from charts.figures import pair_name
from ui import data
from ui.panel import chart_page, nothing_reviewed, show_chart
from ui.shell import ensure_app

ensure_app()
page = chart_page()
look, pair, reviewed, tables, heading = page.look, page.pair, page.reviewed, page.tables, page.heading
heading.title(f"{pair_name(pair)}: every figure in time")
view = data.timeline_view(pair, reviewed_only=reviewed)

if not view.placed_any and reviewed:
    nothing_reviewed(pair, tables, "a figure that says when it holds, or a dated target")
elif not view.placed_any:
    st.info(
        f"{pair_name(pair)}: no figure here says when it holds, and no target has a deadline or a dated "
        "article, so nothing can be placed in time. The figures are listed below."
    )
else:
    if not look.presentation:  # presenting, the chart comes first so it fits the screen
        st.caption(
            "A bar spans the period a figure covers; a dot, a figure for one date. A target sits at its "
            "deadline (◆) and at the date of each article stating it (○), joined from the first to the last. "
            "Hover for the sentence and the article."
        )
    show_chart(data.chart("timeline", pair, look=look, reviewed_only=reviewed), tables)

if len(view.undated):
    n = len(view.undated)
    st.subheader(f"{n} figure{'s' if n != 1 else ''} that give{'s' if n == 1 else ''} no date", anchor=False)
    st.caption(
        "Not drawn: the article does not say when the figure holds (or, for a target, when it falls "
        "due), and a figure is never placed at the article's date or today's instead."
    )
    st.dataframe(view.undated, hide_index=True, width="stretch")
