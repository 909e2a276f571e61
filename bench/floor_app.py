"""The floor for the page benchmarks: a title and one plotly bar chart (3 bars), nothing else.

`bench/pages.py` serves it next to the dashboard; no Streamlit page can be drawn faster than this.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("Floor: one chart")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])), key="floor")
