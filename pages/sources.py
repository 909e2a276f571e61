"""Sources & data: the articles, a reader with claims marked, the claims table, every download."""

from pathlib import Path

import pandas as pd
import streamlit as st

from charts.catalog import article_name, short_id
from charts.exports import csv_bytes, tables_zip
from charts.figures import pair_name
from etl.corpus import decode_article
from etl.extract import Claim
from etl.tables import TABLE_NAMES
from etl.transform import claims_table
from ui import data, review, view
from ui.highlight import article_html, explain, legend_html
from ui.shell import ensure_app
from ui.text import md
from ui.trial import trial_claims

MAX_UPLOAD_BYTES = 1_000_000

ensure_app()
tables = data.require_tables()
articles, claims = tables["articles"], tables["claims"]

st.title("Sources & data")
st.markdown(
    "Every figure in the dashboard is a claim found in one of these articles. Read any article with its "
    "claims marked (hover a mark for what was extracted), filter the claims table, and download the tables."
)

# --- the articles -------------------------------------------------------------------------------
st.subheader("Articles", anchor=False)
listing = pd.DataFrame({
    "Article": articles["article_id"].map(short_id),
    "Title, or opening words when untitled": [article_name(a, tables, 64) for a in articles["article_id"]],
    "Publisher": articles["publisher"].replace("", "not stated"),
    "Published": articles["published"].replace("", "date not stated"),
    "Claims": articles["n_claims"],
    "Reviewed": articles["article_id"].map(review.article_counts(claims)).fillna("0 of 0"),
    "File": articles["article_id"] + ".txt",
})  # fmt: skip
st.dataframe(listing, hide_index=True, width="stretch")
with st.expander("What a person has checked, chart by chart", icon=":material/fact_check:"):
    st.caption(
        "Each chart draws on some claims; a claim counts as checked when a person confirmed, amended or "
        "added it (rejected claims are in no chart)."
    )
    st.dataframe(review.charts_checked(), hide_index=True, width="stretch")

# --- the reader ---------------------------------------------------------------------------------
st.subheader("Read an article", anchor=False)
review.show_unapplied(tables)
ids = list(articles["article_id"])
labels = dict(
    zip(ids, listing["Article"] + " · " + listing["Title, or opening words when untitled"], strict=True)
)
chosen = view.pick("article", "Article", ids, ids[0], lambda i: labels.get(i, i))
try:
    text = data.article_text(data.raw_dir(), chosen)
except (OSError, ValueError) as problem:
    st.warning(f"The text of {md(chosen)} cannot be shown: {md(problem)}. Rebuild with `python -m etl`.")
else:
    mine = claims[claims["article_id"] == chosen]
    if (articles.set_index("article_id").loc[chosen, "n_claims"] or 0) == 0:
        st.caption("No trade figures were found in this article.")
    st.html(legend_html())
    # The article beside its figures, each with its review: confirm, reject, amend; add a missed one.
    review.review_view(chosen, text, mine, article_html(text, mine))
    if len(mine):
        # The same explanations as the marks' hover text, for touch screens and screen readers.
        st.dataframe(
            pd.DataFrame({"figure": [text[s:e] for s, e in zip(mine["start"], mine["end"], strict=True)],
                          "what was extracted": [explain(c) for _, c in mine.iterrows()]}),
            hide_index=True, width="stretch",
        )  # fmt: skip

# --- the claims ---------------------------------------------------------------------------------
st.subheader("Claims", anchor=False)
f_pair, f_metric, f_article = st.columns(3)
pairs = f_pair.multiselect("Pair", sorted(claims["pair"].unique()), format_func=pair_name, key="sources.pair")
metrics = f_metric.multiselect("Metric", sorted(claims["metric"].unique()), key="sources.metric")
in_articles = f_article.multiselect(
    "Article", ids, format_func=lambda i: labels.get(i, i), key="sources.article"
)
shown = claims
if pairs:
    shown = shown[shown["pair"].isin(pairs)]
if metrics:
    shown = shown[shown["metric"].isin(metrics)]
if in_articles:
    shown = shown[shown["article_id"].isin(in_articles)]
st.dataframe(
    shown, hide_index=True, width="stretch",
    column_order=["pair", "metric", "direction", "category", "value", "unit", "qualifier", "scope", "period",
                  "speaker", "quote", "review", "reviewed_by", "article_id", "claim_id", "start", "end", "method"],
    column_config={"quote": st.column_config.TextColumn("quote", width="large"),
                   "value": st.column_config.NumberColumn("value", format="%.0f")},
)  # fmt: skip
# Every download here is made when clicked, not on every run: the page reruns at each filter change.
st.download_button(
    f"Download these {len(shown)} claims (CSV)", (lambda: csv_bytes(shown)), file_name="claims-filtered.csv",
    mime="text/csv", on_click="ignore", icon=":material/download:", key="download.claims-filtered",
)  # fmt: skip

# --- the tables -----------------------------------------------------------------------------------
st.subheader("Download the tables", anchor=False)
st.caption("CSV, UTF-8, with a Frictionless datapackage.json describing every field and unit.")
cols = st.columns(3)
for i, name in enumerate(TABLE_NAMES):
    cols[i % 3].download_button(
        f"{name}.csv", (lambda table=tables[name]: csv_bytes(table)), file_name=f"{name}.csv", mime="text/csv",
        on_click="ignore", icon=":material/table:", key=f"download.{name}", width="stretch",
    )  # fmt: skip
st.download_button(
    "All tables as one zip (with datapackage.json and README)", (lambda: tables_zip(data.processed_dir(), tables)),
    file_name="bilateral-trade-tables.zip", mime="application/zip", on_click="ignore", type="primary",
    icon=":material/folder_zip:", key="download.zip",
)  # fmt: skip

# --- try an article ------------------------------------------------------------------------------
st.subheader("Try an article", anchor=False)
st.markdown(
    "Paste a news article or upload a `.txt` file (UTF-8, at most 1 MB) to see the claims the ETL would "
    "extract from it. Nothing is saved."
)
upload = st.file_uploader("Upload a .txt article", type=["txt"], max_upload_size=1, key="try.upload")
pasted = st.text_area("…or paste its text", height=160, key="try.text", max_chars=MAX_UPLOAD_BYTES)
trial, name = None, ""
if upload is not None:
    try:
        trial, name = decode_article(upload.getvalue(), upload.name, MAX_UPLOAD_BYTES), Path(upload.name).stem
    except ValueError as problem:
        st.error(f"That upload cannot be read: {md(problem)}.")
elif pasted.strip():
    try:  # the same checks as an upload: at most 1 MB of UTF-8, not binary
        trial, name = (
            decode_article(pasted.encode("utf-8", "replace"), "the pasted text", MAX_UPLOAD_BYTES),
            "pasted",
        )
    except ValueError as problem:
        st.error(f"That text cannot be read: {md(problem)}.")
if trial:
    outcome = trial_claims(name or "pasted", trial)
    if isinstance(outcome, str):
        st.error(md(outcome))
    else:
        found = claims_table(Claim(**row) for row in outcome)
        st.markdown(f"**{len(found)} claim{'s' if len(found) != 1 else ''} found.**")
        st.html(legend_html())
        with st.container(height=360, border=True):
            st.html(article_html(trial, found))
        st.dataframe(found, hide_index=True, width="stretch")
        st.download_button(
            "Download these claims (CSV)", (lambda: csv_bytes(found)), file_name=f"claims-{name or 'pasted'}.csv",
            mime="text/csv", on_click="ignore", icon=":material/download:", key="download.try",
        )  # fmt: skip
