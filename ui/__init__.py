"""Streamlit-side helpers: cached loaders, the view kept in the URL, the chart panel."""
