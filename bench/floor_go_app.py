"""The lightest floor for the page benchmarks: a title and one bar chart (3 bars) built with
`plotly.graph_objects` alone, nothing else.

`bench/pages.py` serves it next to the dashboard and `bench/floor_app.py` (the same chart made with
plotly express, which imports pandas). Without pandas its server starts faster and is smaller; in
the browser the two draw the same chart.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("Floor: one chart")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])), key="floor")
