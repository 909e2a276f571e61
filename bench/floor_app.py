"""The floor for the page benchmarks: a title and one plotly bar chart (3 bars), nothing else.

`bench/pages.py` serves it next to the dashboard; no Streamlit page can be drawn faster than this.
The chart is made with plotly express, the way plotly's and Streamlit's documentation make a bar
chart; that loads pandas, as every app showing data does. (Built with graph_objects alone, the
floor never imports pandas and its server uses about 79 MB less: see docs/benchmarks.md.)
"""

import plotly.express as px
import streamlit as st

st.title("Floor: one chart")
st.plotly_chart(px.bar(x=["a", "b", "c"], y=[3, 1, 2]), key="floor")
