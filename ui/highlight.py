"""An article as HTML with its claims marked. Every piece of article text is escaped here.

Built by hand because no Streamlit element marks spans of plain text; the only markup in the
output is ours (<mark>, <p>), with the article's characters escaped, so text such as
"<script>" shows as text and never runs.
"""

from __future__ import annotations

import html

import pandas as pd

from charts import format as fmt

_COLOURS = {
    "trade_volume": "#CFE6F5",
    "trade_target": "#FBE3B3",
    "exports": "#CDEBDD",
    "import_share": "#EBD3E2",
    "category_share": "#F6D4C2",
}


def explain(claim: pd.Series | dict, review: bool = True) -> str:
    """One line saying what a claim is, for the hover text (with whether a person reviewed it)."""
    value = (
        fmt.percent(claim["value"])
        if claim["unit"] == "percent"
        else fmt.hedged(claim["value"], claim["unit"], claim["qualifier"], claim["scope"])
    )
    parts = [claim["metric"].replace("_", " "), claim["pair"], value]
    if claim["direction"]:
        parts.append(claim["direction"])
    if claim["category"]:
        parts.append(claim["category"])
    if claim["period"]:
        parts.append(claim["period"])
    parts.append(f"said by {claim['speaker']}" if claim["speaker"] else "speaker not stated")
    parts.append(f"rule: {claim['method']}")
    if review:
        parts.append(_REVIEW_WORDS.get(str(claim.get("review", "")), "not reviewed"))
    return " · ".join(str(p) for p in parts)


# How a figure's review shows in the reader: a word in the hover text, and a mark after the figure
# (a shape, not a colour, so it reads for everyone).
_REVIEW_WORDS = {
    "confirmed": "confirmed by a person",
    "amended": "amended by a person",
    "added": "added by a person",
    "rejected": "rejected by a person: no chart uses it",
    "unreviewed": "not reviewed",
}
_REVIEW_MARKS = {"confirmed": "✓", "amended": "✓", "added": "✓", "rejected": "✗"}


def article_html(text: str, claims: pd.DataFrame) -> str:
    """Paragraphs of escaped text; each claim's figure in a <mark> with its explanation on hover."""
    marks = sorted(
        (
            (int(c["start"]), int(c["end"]), c)
            for _, c in claims.iterrows()
            if 0 <= int(c["start"]) < int(c["end"]) <= len(text)
        ),
        key=lambda m: m[0],
    )
    out: list[str] = []
    pos = 0
    for start, end, claim in marks:
        if start < pos:
            continue  # overlapping figures (a written range): the first one carries the mark
        out.append(html.escape(text[pos:start]))
        tip = html.escape(explain(claim), quote=True)
        colour = _COLOURS.get(claim["metric"], "#EEEEEE")
        status = str(claim.get("review", ""))
        struck = ";text-decoration:line-through" if status == "rejected" else ""
        badge = _REVIEW_MARKS.get(status, "")
        out.append(
            f'<mark title="{tip}" data-claim="{html.escape(str(claim["claim_id"]), quote=True)}" '
            f'data-review="{html.escape(status or "unreviewed", quote=True)}" '
            f'style="background:{colour};padding:0 2px;border-radius:3px;border-bottom:2px solid #555{struck}">'
            f"{html.escape(text[start:end])}</mark>"
            + (f'<sup aria-hidden="true" style="font-weight:bold">{badge}</sup>' if badge else "")
        )
        pos = end
    out.append(html.escape(text[pos:]))
    body = "".join(out)
    paragraphs = [p for p in body.split("\n") if p.strip()]
    return (
        '<div class="article" style="font-family:Georgia,serif;line-height:1.6;max-width:48em">'
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</div>"
    )


def legend_html() -> str:
    items = "".join(
        f'<span style="background:{c};padding:0 6px;margin-right:8px;border-radius:3px">{html.escape(m.replace("_", " "))}</span>'
        for m, c in _COLOURS.items()
    )
    review = (
        '<span style="margin-left:8px">✓ checked by a person</span>'
        '<span style="margin-left:8px;text-decoration:line-through">rejected</span> ✗'
    )
    return f'<div style="font-size:0.85em">{items}{review}</div>'
