"""Chart builders: a table's rows in, a finished plotly figure out. No Streamlit, no I/O.

Each builder draws exactly the rows it is given (the caller picks them, and offers the same rows
as the chart's download), labels what it draws in words as well as colour, and never fills in a
number the rows do not hold.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts.style import BLUE, GREEN, GREY, INK, ORANGE, SCREEN, SKY, VERMILLION, Look, finish
from etl.places import country_name


def pair_name(pair: str) -> str:
    """ "IRN-IRQ" -> "Iran–Iraq"."""
    return "–".join(country_name(c) for c in pair.split("-"))


def direction_name(direction: str) -> str:
    """ "IRQ->IRN" -> "Iraq → Iran"."""
    return " → ".join(country_name(c) for c in direction.split("->"))


def basis_label(row: pd.Series | dict) -> str:
    """ "Samad Hassanzadeh: $12.0B" or "N. Abdul Mohsen: about $18.0B incl. energy"."""
    figure = fmt.hedged(row["current"], row["unit"], row["current_qualifier"], row["current_scope"])
    speaker = row["current_speaker"] or "unattributed"
    return f"{speaker}: {figure}"


def _empty(title: str, subtitle: str, source: str, message: str, look: Look) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": look.base + 2, "color": GREY})  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(showlegend=False)
    return finish(fig, title, subtitle, source, look)


def _label_rows(fig: go.Figure, labels: list[str], look: Look, offset: float) -> None:
    """Row labels written above each bar, left-aligned, instead of a y axis: on a phone the bars
    keep the full width, and the source line lines up with the labels."""
    for i, label in enumerate(labels):
        fig.add_annotation(x=0, y=i - offset, xref="x", yref="y", xanchor="left", yanchor="bottom",
                           showarrow=False, align="left", text=label, font={"size": look.base, "color": INK},
                           bgcolor="rgba(255,255,255,0.85)")  # fmt: skip
    fig.update_yaxes(visible=False, autorange=False, range=[len(labels) - 0.5, -0.5 - offset - 0.35])


def current_vs_target(gaps: pd.DataFrame, chosen: str, source: str, look: Look = SCREEN,
                      names: dict[str, str] | None = None) -> go.Figure:  # fmt: skip
    """Every current-volume claim of one pair as its own bar, topped up to the target by its gap.

    `gaps` holds target_gaps rows of one pair; `chosen` is the basis claim drawn in full colour;
    `names` maps a speaker to the short name shown (default: the name as in the table).
    """
    if gaps.empty:
        return _empty(
            "Current trade against target", "US dollars", source, "No current figure reported", look
        )
    names = names or {}
    pair = gaps["pair"].iloc[0]
    unit = gaps["unit"].iloc[0]
    target = float(gaps["target"].iloc[0])
    rows = list(range(len(gaps)))
    labels = [
        f"<b>{names.get(r['current_speaker'], r['current_speaker']) or 'unattributed'}</b>: "
        + fmt.hedged(r["current"], unit, r["current_qualifier"], r["current_scope"])
        for _, r in gaps.iterrows()
    ]
    is_chosen = gaps["basis_claim_id"] == chosen
    hedge = gaps["current_qualifier"].map(
        {"exact": "", "approx": ".", "lower_bound": "/", "upper_bound": "\\"}
    )
    fig = go.Figure()
    fig.add_bar(
        y=rows, x=gaps["current"], orientation="h", width=0.5, name="Current trade, as stated",
        marker={"color": [BLUE if c else SKY for c in is_chosen], "pattern": {"shape": list(hedge), "fgcolor": "white"},
                "line": {"color": INK, "width": [2 if c else 0 for c in is_chosen]}},
        customdata=labels, hovertemplate="%{customdata}<extra></extra>",
    )  # fmt: skip
    gap = gaps["gap"].clip(lower=0)
    fig.add_bar(
        y=rows, x=gap, orientation="h", width=0.5, name="Gap to target",
        marker={"color": "rgba(0,0,0,0)", "line": {"color": VERMILLION, "width": 2},
                "pattern": {"shape": "x", "fgcolor": VERMILLION, "size": 6, "solidity": 0.15}},
        customdata=[f"gap {fmt.money(g, unit)}" for g in gap], hovertemplate="%{customdata}<extra></extra>",
    )  # fmt: skip
    top = max(target, float(gaps["current"].max()))
    for i, (g, pct, cur) in enumerate(zip(gaps["gap"], gaps["pct_of_target"], gaps["current"], strict=True)):
        text = (
            f"gap {fmt.money(g, unit)}<br>{fmt.percent(pct)} reached"
            if g > 0
            else f"above by<br>{fmt.money(-g, unit)}"
        )
        fig.add_annotation(y=i, x=max(target, float(cur)), xshift=8, xanchor="left", showarrow=False, text=text,
                           align="left", font={"size": look.base - 1, "color": INK})  # fmt: skip
    fig.add_vline(x=target, line={"color": INK, "dash": "dash", "width": 2})
    _label_rows(fig, labels, look, offset=0.3)
    fig.add_annotation(x=target, y=-0.3 - 0.35, yanchor="bottom", xanchor="center", showarrow=False,
                       text=f"target {fmt.money(target, unit)}", font={"size": look.base, "color": INK},
                       bgcolor="white")  # fmt: skip
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickprefix="$" if unit == "USD" else "", range=[0, top * 1.55], nticks=4, tickangle=0,
                     ticksuffix="" if unit == "USD" else f" {unit}")  # fmt: skip
    n = len(gaps)
    return finish(
        fig,
        f"{pair_name(pair)}: current trade against the {fmt.money(target, unit)} target",
        f"Annual two-way trade, {unit}: {n} reported figure{'s' if n != 1 else ''}, one bar each; "
        "dashed line: the stated target; hatched: the gap, and how much of the target is reached",
        source,
        look,
    )


def imbalance(balance: pd.DataFrame, minor: str, source: str, look: Look = SCREEN) -> go.Figure:
    """Both directions of a pair's trade on each basis; the derived side drawn hatched.

    `balance` holds trade_balance rows of one pair; `minor` is the direction the story is about
    (e.g. "IRQ->IRN"), drawn first. One group of two bars per reported two-way total.
    """
    if balance.empty:
        return _empty("Export imbalance", "US dollars", source, "No one-way figure reported", look)
    unit = balance["unit"].iloc[0]
    order = list(dict.fromkeys(balance["basis_claim_id"]))
    labels = []
    for b in order:
        rows_b = balance[balance.basis_claim_id == b]
        ratio = float(rows_b[rows_b.direction != minor]["ratio_to_other"].iloc[0])
        labels.append(f"On a {fmt.money(rows_b['total'].iloc[0], unit)} total: <b>{fmt.ratio(ratio)}</b>")
    fig = go.Figure()
    directions = [minor] + [d for d in balance["direction"].unique() if d != minor]
    for k, (direction, colour) in enumerate(zip(directions, (ORANGE, BLUE), strict=False)):
        rows = balance[balance["direction"] == direction].set_index("basis_claim_id").loc[order]
        derived = rows["derived"].astype(bool)
        fig.add_bar(
            y=[i + (k - 0.5) * 0.3 for i in range(len(order))], x=rows["exports"], orientation="h", width=0.28,
            name=direction_name(direction) + (" (derived)" if derived.all() else ""),
            marker={"color": [_tint(colour) if d else colour for d in derived], "line": {"color": colour, "width": 2},
                    "pattern": {"shape": ["/" if d else "" for d in derived], "fgcolor": colour, "solidity": 0.3,
                                "fillmode": "overlay"}},
            text=[f"{fmt.money(v, unit)}{' derived' if d else ''} · {fmt.percent(s, 1)}"
                  for v, d, s in zip(rows["exports"], derived, rows["share_of_total"], strict=True)],
            textposition="outside", textfont={"size": look.base - 1, "color": INK}, cliponaxis=False,
            hovertemplate="%{fullData.name}: %{text} of trade<extra></extra>",
        )  # fmt: skip
    _label_rows(fig, labels, look, offset=0.35)
    top = float(balance["exports"].max())
    fig.update_xaxes(tickprefix="$" if unit == "USD" else "", range=[0, top * 1.75], nticks=4, tickangle=0)
    fig.update_layout(barmode="overlay", legend_traceorder="normal")
    small, big = (country_name(c) for c in minor.split("->"))
    return finish(
        fig,
        f"{small} sells far less to {big} than it buys",
        f"Exports each way, {unit}, and share of two-way trade, on each reported total; hatched: derived as "
        "the total minus the reported side; bold: the ratio",
        source,
        look,
    )


UNITEMISED = "other categories, split not reported"


def export_mix(categories: pd.DataFrame, source: str, base: float | None = None, unit: str = "USD",
               look: Look = SCREEN) -> go.Figure:  # fmt: skip
    """Shares of one export flow by category; categories without a stated share stay one block.

    `categories` holds export_categories rows of one exporter/importer. With `base` (the flow in
    money) the shares are also shown as estimated amounts.
    """
    if categories.empty:
        return _empty("Export mix", "percent", source, "No export categories reported", look)
    exporter, importer = categories["exporter"].iloc[0], categories["importer"].iloc[0]
    shared = categories[categories["share"].notna()].sort_values("share", ascending=False)
    unshared = categories[categories["share"].isna()]
    remainder = max(0.0, 100.0 - float(shared["share"].sum()))
    names = [c[:1].upper() + c[1:] for c in shared["category"]]
    values = list(shared["share"])
    colours = [GREEN, ORANGE, BLUE, VERMILLION, SKY][: len(names)]
    patterns = [""] * len(names)
    if len(unshared) or remainder > 0:
        n = len(unshared)
        names.append(f"{_count_word(n).capitalize()} {UNITEMISED}" if n else "Not itemised")
        values.append(remainder)
        colours.append("#D9D9D9")
        patterns.append(".")
    amounts = [base * v / 100 for v in values] if base else None
    text = [
        f"{fmt.percent(v)}" + (f" · ≈ {fmt.money(a, unit)} (estimate)" if amounts else "")
        for v, a in zip(values, amounts or values, strict=True)
    ]
    hover = [""] * len(shared) + (["<br>".join(unshared["category"])] if len(names) > len(shared) else [])
    fig = go.Figure(
        go.Bar(
            y=list(range(len(names))), x=values, orientation="h", width=0.5, text=text, textposition="outside",
            cliponaxis=False,
            marker={"color": colours, "pattern": {"shape": patterns, "fgcolor": GREY}, "line": {"color": INK, "width": 1}},
            customdata=[f"{n}<br>{h}" if h else n for n, h in zip(names, hover, strict=True)],
            hovertemplate="%{customdata}: %{text}<extra></extra>", textfont={"size": look.base, "color": INK},
            showlegend=False,
        )
    )  # fmt: skip
    _label_rows(fig, names, look, offset=0.3)
    fig.update_xaxes(ticksuffix=" %", range=[0, 150 if base else 118], dtick=25, tickangle=0)
    subtitle = f"Percent of {country_name(exporter)}'s exports to {country_name(importer)}, by category"
    if base:
        subtitle += f"; amounts are estimates on {fmt.money(base, unit)} of exports"
    return finish(
        fig,
        f"What {country_name(exporter)} sells to {country_name(importer)}: {len(shared)} of "
        f"{len(categories)} categories have a stated share",
        subtitle,
        source,
        look,
    )


def import_share(share: pd.DataFrame, source: str, look: Look = SCREEN) -> go.Figure:
    """An exporter's share of the importer's total imports, against the rest (100 minus it)."""
    if share.empty:
        return _empty("Share of imports", "percent", source, "No import share reported", look)
    row = share.iloc[0]
    exporter, importer = row["direction"].split("->")
    value = float(row["value"])
    fig = go.Figure()
    fig.add_bar(y=[""], x=[value], orientation="h", name=f"Goods from {country_name(exporter)} (reported)",
                marker={"color": BLUE}, text=[fmt.percent(value)], textposition="inside",
                textfont={"color": "white", "size": look.base + 2})  # fmt: skip
    fig.add_bar(y=[""], x=[100 - value], orientation="h", name="All other imports (100 minus the reported share)",
                marker={"color": "white", "line": {"color": GREY, "width": 2}, "pattern": {"shape": "/", "fgcolor": GREY}},
                text=[fmt.percent(100 - value)], textposition="inside", textfont={"color": INK, "size": look.base + 2})  # fmt: skip
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(
        range=[0, 100], ticksuffix=" %", title_text=f"Share of {country_name(importer)}'s total imports"
    )
    fig.update_yaxes(visible=False)
    fig = finish(
        fig,
        f"{country_name(exporter)}'s goods make up {fmt.percent(value)} of {country_name(importer)}'s imports",
        f"Percent of {country_name(importer)}'s total imports, as reported",
        source,
        look,
    )
    fig.update_layout(height=300 if not look.presentation else 540)
    return fig


def _tint(hex_colour: str, alpha: float = 0.18) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _count_word(n: int) -> str:
    words = [
        "no",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    ]
    return words[n] if n < len(words) else str(n)
