"""Chart builders: a table's rows in, a finished plotly figure out. No Streamlit, no I/O.

Each builder draws exactly the rows it is given (the caller picks them, and offers the same rows
as the chart's download), labels what it draws in words as well as colour, and never fills in a
number the rows do not hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts import format as fmt
from charts.checked import LEGEND, MARK, all_checked, mark
from charts.style import (
    BLUE,
    GREEN,
    GREY,
    INK,
    ORANGE,
    SCREEN,
    SKY,
    VERMILLION,
    Look,
    finish,
    nice_ticks,
    plot_text,
)
from etl.places import country_name


def pair_name(pair: str) -> str:
    """ "IRN-IRQ" -> "Iran–Iraq"."""
    return "–".join(country_name(c) for c in pair.split("-"))


def direction_name(direction: str) -> str:
    """ "IRQ->IRN" -> "Iraq → Iran"."""
    return " → ".join(country_name(c) for c in direction.split("->"))


def basis_label(row: pd.Series | dict, names: Mapping[str, str] | None = None, when: str = "") -> str:
    """ "Samad Hassanzadeh: $12.0B" or "Abdul Mohsen: about $18.0B incl. energy" (short names),
    with the article's date when given: "unattributed: $11.0B (2025-01-15)"."""
    figure = fmt.hedged(row["current"], row["unit"], row["current_qualifier"], row["current_scope"])
    speaker = row["current_speaker"]
    return f"{(names or {}).get(speaker, speaker) or 'unattributed'}: {figure}" + (
        f" ({when})" if when else ""
    )


def _empty(title: str, subtitle: str, source: str, message: str, look: Look) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": look.base + 2, "color": GREY})  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(showlegend=False)
    return finish(fig, title, subtitle, source, look)


def _label_rows(
    fig: go.Figure, labels: list[str], look: Look, offset: float, above: float = 0.1
) -> list[dict]:
    """Row labels written above each bar, left-aligned, instead of a y axis: on a phone the bars
    keep the full width, and the source line lines up with the labels. `above`: room over the
    first label (rows), e.g. for a label of the target line. Returns the labels, for `finish`."""
    fig.update_yaxes(visible=False, autorange=False, range=[len(labels) - 0.5, -offset - 0.35 - above])
    font = {"size": look.base, "color": INK}
    return [
        {"x": 0, "y": i - offset, "xref": "x", "yref": "y", "xanchor": "left", "yanchor": "bottom",
         "showarrow": False, "align": "left", "text": label, "font": font, "bgcolor": "rgba(255,255,255,0.85)"}
        for i, label in enumerate(labels)
    ]  # fmt: skip


def _legend_entry(fig: go.Figure, name: str, marker: dict) -> None:
    """A legend entry with no bar of its own: says what a colour or pattern on the chart means."""
    fig.add_bar(x=[None], y=[None], orientation="h", name=name, marker=marker, showlegend=True,
                hoverinfo="skip")  # fmt: skip


def _mark_legend(fig: go.Figure, drawn: bool) -> None:
    """Names the check mark in the legend when a label carries one (and only then)."""
    if drawn:
        _legend_entry(fig, LEGEND, {"color": "rgba(0,0,0,0)"})


def _checked_hover(ids: list[str], checked: Mapping[str, str]) -> str:
    """Hover text saying who reviewed the claims behind an item ("" when none was)."""
    said = list(dict.fromkeys(checked[i] for i in ids if i in checked))
    return "".join(f"<br>{MARK} {plot_text(w)}" for w in said)


def _money_axis(fig: go.Figure, top: float, unit: str, room: float = 1.06) -> None:
    """x from $0 to just past the data: round ticks up to the largest value, labelled in money,
    and `room` for the labels drawn to the right of the longest bar."""
    end = top * room
    ticks = [t for t in nice_ticks(top) if t <= end]
    fig.update_xaxes(tickvals=ticks, ticktext=[fmt.money_tick(t, unit) for t in ticks], tickangle=0,
                     range=[0, end])  # fmt: skip


# How each qualifier is drawn on a current-trade bar, and what its legend entry says.
HEDGES = {
    "approx": (".", "dotted: “about” (approximate)"),
    "lower_bound": ("/", "hatched /: “over” (at least)"),
    "upper_bound": ("\\", "hatched \\: “up to” (at most)"),
}


def current_vs_target(gaps: pd.DataFrame, chosen: str, source: str, look: Look = SCREEN,
                      names: Mapping[str, str] | None = None, when: Mapping[str, str] | None = None,
                      checked: Mapping[str, str] | None = None, of: int | None = None) -> go.Figure:  # fmt: skip
    """Every current-volume claim of one pair as its own bar, topped up to the target by its gap.

    `gaps` holds target_gaps rows of one pair; `chosen` is the basis claim drawn in full colour;
    `names` maps a speaker to the short name shown (the full name is in the hover text); `when`
    maps a basis to when its figure holds (its span, else its article's date), shown beside it so
    figures of different years can be told apart; `checked` maps each claim a person reviewed to
    how (checked.words): its bar's label carries the check mark, its hover says who. `of`: how many
    figures the pair has when `gaps` holds only some of them (catalog.shown_bases).
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
    when = when or {}
    figures = [
        fmt.hedged(r["current"], unit, r["current_qualifier"], r["current_scope"])
        + (f" ({when[r['basis_claim_id']]})" if when.get(r["basis_claim_id"]) else "")
        for _, r in gaps.iterrows()
    ]
    speakers = [s or "" for s in gaps["current_speaker"]]
    checked = checked or {}
    bases = list(gaps["basis_claim_id"])
    labels = [mark(f"<b>{plot_text(names.get(s, s) or 'unattributed')}</b>: {plot_text(f)}", b in checked)
              for s, f, b in zip(speakers, figures, bases, strict=True)]  # fmt: skip
    hover = [
        f"{plot_text(s or 'unattributed')}: {plot_text(f)}" + _checked_hover([b], checked)
        for s, f, b in zip(speakers, figures, bases, strict=True)
    ]
    target_ids = (
        str(gaps["target_claim_ids"].iloc[0]).split(";") if "target_claim_ids" in gaps.columns else []
    )
    target_checked = all_checked(target_ids, set(checked))
    is_chosen = list(gaps["basis_claim_id"] == chosen)
    qualifiers = list(gaps["current_qualifier"])
    hedge = [HEDGES.get(q, ("", ""))[0] for q in qualifiers]
    fig = go.Figure()
    fig.add_bar(
        y=rows, x=gaps["current"], orientation="h", width=0.5, name="Current trade, as stated", showlegend=False,
        marker={"color": [BLUE if c else SKY for c in is_chosen], "pattern": {"shape": hedge, "fgcolor": "white"},
                "line": {"color": INK, "width": [2 if c else 0 for c in is_chosen]}},
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
    )  # fmt: skip
    gap = gaps["gap"].clip(lower=0)
    gap_marker = {"color": "rgba(0,0,0,0)", "line": {"color": VERMILLION, "width": 2},
                  "pattern": {"shape": "x", "fgcolor": VERMILLION, "size": 6, "solidity": 0.15}}  # fmt: skip
    fig.add_bar(
        y=rows, x=gap, orientation="h", width=0.5, name="Gap to target", showlegend=False, marker=gap_marker,
        customdata=[f"gap {fmt.money(g, unit)}" for g in gap], hovertemplate="%{customdata}<extra></extra>",
    )  # fmt: skip
    # The legend names every colour and pattern drawn, and only those.
    _legend_entry(fig, "basis in use", {"color": BLUE, "line": {"color": INK, "width": 2}})
    if not all(is_chosen):
        _legend_entry(fig, "other reported figures", {"color": SKY})
    for qualifier in dict.fromkeys(qualifiers):
        if qualifier in HEDGES:
            shape, words = HEDGES[qualifier]
            _legend_entry(fig, words, {"color": SKY, "pattern": {"shape": shape, "fgcolor": "white"}})
    if (gap > 0).any():
        _legend_entry(fig, "gap to target", gap_marker)
    _mark_legend(fig, target_checked or any(b in checked for b in bases))
    top = max(target, float(gaps["current"].max()))
    said = [
        f"gap {fmt.money(g, unit)}<br>{fmt.percent(pct)} reached"
        if g > 0
        else f"above by<br>{fmt.money(-g, unit)}"
        for g, pct in zip(gaps["gap"], gaps["pct_of_target"], strict=True)
    ]
    notes = [
        {"y": i, "x": max(target, float(cur)), "xshift": 5, "xanchor": "left", "showarrow": False, "text": text,
         "align": "left", "font": {"size": look.base - 2, "color": INK}}
        for i, (text, cur) in enumerate(zip(said, gaps["current"], strict=True))
    ]  # fmt: skip
    fig.add_vline(x=target, line={"color": INK, "dash": "dash", "width": 2})
    notes += _label_rows(fig, labels, look, offset=0.3, above=0.5)
    due = target_due(gaps)
    notes.append(
        {"x": target, "y": -0.3 - 0.35, "yanchor": "bottom", "xanchor": "center", "showarrow": False,
         "text": mark(f"target {fmt.money(target, unit)}" + (f" by {due[:4]}" if due else ""), target_checked),
         "font": {"size": look.base, "color": INK}, "bgcolor": "white"}
    )  # fmt: skip
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    _money_axis(fig, top, unit, room=1.25)  # room for "gap … reached" right of the target line
    n = len(gaps)
    late = overdue(gaps)
    drawn = _first_of(n, of or n, "figures") or f"{n} figure{'s' if n != 1 else ''}"
    return finish(
        fig,
        f"{pair_name(pair)}: current trade against the {fmt.money(target, unit)} target",
        f"Two-way trade, {unit}, as reported: {drawn}, one bar each; dashed line: "
        "the stated target"
        + (f"; it fell due by {due[:4]}, before {_count_words(late.sum(), n)} ended" if late.any() else ""),
        source,
        look,
        plot_height=max(look.plot, 70 * n + 60),
        notes=notes,
    )


def _first_of(n: int, of: int, what: str) -> str:
    """How a subtitle says a chart draws only the first `n` of `of` (catalog.shown_bases); "" when
    it draws them all."""
    if of <= n:
        return ""
    return (
        f"the first {n} of {of:,} {what}, ranked as the default basis is chosen (the rest in Sources & data)"
    )


def target_due(gaps: pd.DataFrame) -> str:
    """The target's deadline (ISO date) in target_gaps rows, or "" when no article gives one."""
    if "target_deadline" not in gaps.columns or gaps.empty:
        return ""
    return str(gaps["target_deadline"].iloc[0] or "")


def overdue(gaps: pd.DataFrame) -> pd.Series:
    """For each target_gaps row, whether the target fell due before the period its current figure
    covers ended: its gap is how far trade still is from a goal whose time is up, not progress."""
    due = target_due(gaps)
    if not due or "current_period_end" not in gaps.columns:
        return pd.Series(False, index=gaps.index)
    return gaps["current_period_end"].fillna("").astype(str).map(lambda end: fell_due_before(due, end))


def fell_due_before(deadline: str, held_to: str) -> bool:
    """Whether a deadline (ISO date) came before the end of the period a figure covers."""
    return bool(deadline and held_to and held_to > deadline)


def _count_words(late: int, n: int) -> str:
    if n == 1:
        return "the figure's period"
    return f"the periods of all {n} figures" if late == n else f"the periods of {late} of the {n} figures"


@dataclass(frozen=True)
class Imbalance:
    """Who sells less to whom, read from the figures: `smaller` exports less than `larger` on every
    total, by at least `ratio` (larger / smaller); `balanced` when every total is within 5 %;
    neither when the totals disagree on who sells more."""

    smaller: str  # ISO3 of the country that sells less, "" when balanced or mixed
    larger: str
    ratio: float
    balanced: bool

    @property
    def mixed(self) -> bool:
        return not self.balanced and not self.smaller

    def headline(self, a: str, b: str) -> str:
        """The chart's title in words computed from the numbers (a, b: the pair's two countries)."""
        if self.balanced:
            return f"{country_name(a)} and {country_name(b)} sell each other about as much"
        if self.mixed:
            return f"{country_name(a)}–{country_name(b)}: who sells more depends on the total used"
        degree = "far less" if self.ratio >= 3 else "less" if self.ratio >= 1.5 else "somewhat less"
        return f"{country_name(self.smaller)} sells {degree} to {country_name(self.larger)} than it buys"


def read_imbalance(balance: pd.DataFrame) -> Imbalance:
    """Who exports less, on each basis of a pair's trade_balance rows (two directions per basis)."""
    sides: set[tuple[str, str]] = set()  # (sells less, sells more) on a basis
    ratios: list[float] = []
    for _, rows in balance.groupby("basis_claim_id", sort=False):
        by_exporter = {
            d.split("->")[0]: float(v) for d, v in zip(rows["direction"], rows["exports"], strict=True)
        }
        if len(by_exporter) != 2:
            continue
        (low, v_low), (high, v_high) = sorted(by_exporter.items(), key=lambda kv: kv[1])
        ratio = v_high / v_low if v_low > 0 else math.inf if v_high > 0 else 1.0
        if ratio < 1.05:
            ratios.append(1.0)
            continue
        sides.add((low, high))
        ratios.append(ratio)
    if not sides:
        return Imbalance("", "", 1.0, True)
    if len(sides) > 1 or 1.0 in ratios:
        return Imbalance("", "", 1.0, False)
    low, high = sides.pop()
    return Imbalance(low, high, min(ratios), False)


def imbalance(balance: pd.DataFrame, source: str, look: Look = SCREEN,
              checked: Mapping[str, str] | None = None, every: pd.DataFrame | None = None) -> go.Figure:  # fmt: skip
    """Both directions of a pair's trade on each basis; a derived side drawn hatched.

    `balance` holds trade_balance rows of one pair; one group of two bars per reported two-way
    total, the side that sells less first. The title says who sells less, from the numbers.
    `checked` maps each claim a person reviewed to how: a total, and a bar whose claims (a derived
    side: the total and the other side) were all reviewed, carry the check mark. `every`: all the
    pair's rows when `balance` holds only some bases (catalog.shown_bases): the title reads them all.
    """
    if balance.empty:
        return _empty("Export imbalance", "US dollars", source, "No one-way figure reported", look)
    unit = balance["unit"].iloc[0]
    pair = balance["pair"].iloc[0]
    every = balance if every is None else every
    words = read_imbalance(every)
    checked = checked or {}
    behind = bar_claims(balance)
    order = list(dict.fromkeys(balance["basis_claim_id"]))
    directions = sorted(balance["direction"].unique(), key=lambda d: (not d.startswith(words.smaller), d))
    labels = []
    for b in order:
        rows_b = balance[balance.basis_claim_id == b].set_index("direction")
        ratio = _ratio_text(rows_b, directions)
        span = str(rows_b["span"].iloc[0]) if "span" in rows_b.columns else ""
        span = "" if span in ("", "nan", "period not stated") else f" ({plot_text(span)})"
        total = fmt.money(rows_b["total"].iloc[0], unit)
        labels.append(
            f"{mark(f'On a {total} total', b in checked)}{span}{': ' if ratio else ''}<b>{ratio}</b>"
        )
    fig = go.Figure()
    colours = (ORANGE, BLUE)
    drawn_mark = any(b in checked for b in order)
    for k, (direction, colour) in enumerate(zip(directions, colours, strict=False)):
        rows = balance[balance["direction"] == direction].set_index("basis_claim_id").reindex(order)
        derived = rows["derived"].fillna(False).astype(bool)
        ids = [behind.get((b, direction), []) for b in order]
        ticks = [all_checked(i, set(checked)) for i in ids]
        drawn_mark = drawn_mark or any(ticks)
        fig.add_bar(
            y=[i + (k - 0.5) * 0.3 for i in range(len(order))], x=rows["exports"], orientation="h", width=0.28,
            name=direction_name(direction), showlegend=False,
            marker={"color": [_tint(colour) if d else colour for d in derived], "line": {"color": colour, "width": 2},
                    "pattern": {"shape": ["/" if d else "" for d in derived], "fgcolor": colour, "solidity": 0.3,
                                "fillmode": "overlay"}},
            text=[mark(f"{fmt.money(v, unit)}{' derived' if d else ''} · {fmt.percent(s, 1)}", t)
                  for v, d, s, t in zip(rows["exports"], derived, rows["share_of_total"], ticks, strict=True)],
            customdata=[_checked_hover(i, checked) if t else "" for i, t in zip(ids, ticks, strict=True)],
            textposition="auto", insidetextanchor="end", textfont={"size": look.base - 1}, cliponaxis=False,
            insidetextfont={"color": [INK if d or colour == ORANGE else "white" for d in derived]},
            outsidetextfont={"color": INK},
            hovertemplate="%{fullData.name}: %{text} of trade%{customdata}<extra></extra>",
        )  # fmt: skip
        _legend_entry(
            fig, direction_name(direction), {"color": colour, "line": {"color": colour, "width": 2}}
        )
    if balance["derived"].astype(bool).any():
        _legend_entry(fig, "hatched: derived, the total minus the reported side",
                      {"color": _tint(GREY), "line": {"color": GREY, "width": 2},
                       "pattern": {"shape": "/", "fgcolor": GREY, "solidity": 0.3, "fillmode": "overlay"}})  # fmt: skip
    _mark_legend(fig, drawn_mark)
    notes = _label_rows(fig, labels, look, offset=0.35)
    _money_axis(fig, float(balance["exports"].max()), unit, room=1.1)
    fig.update_layout(barmode="overlay", legend_traceorder="normal")
    a, b = pair.split("-")
    return finish(
        fig,
        words.headline(a, b),
        f"Exports each way, {unit}, and share of two-way trade, on "
        f"{_first_of(len(order), every['basis_claim_id'].nunique(), 'reported totals') or 'each reported total'}; "
        "bold: the ratio",
        source,
        look,
        plot_height=max(look.plot, 95 * len(order) + 50),
        notes=notes,
    )


def bar_claims(balance: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(basis, direction) -> the claims a bar of the imbalance chart stands on: a reported side its
    own claim; a derived side the total and the other side's claim (it is the one minus the other)."""
    out: dict[tuple[str, str], list[str]] = {}
    for basis, rows in balance.groupby("basis_claim_id", sort=False):
        reported = [str(c) for c in rows["exports_claim_id"].fillna("") if c]
        for direction, derived, claim in zip(
            rows["direction"], rows["derived"].fillna(False), rows["exports_claim_id"].fillna(""), strict=True
        ):
            out[(str(basis), direction)] = [str(basis), *reported] if bool(derived) else [str(claim)]
    return out


def _ratio_text(rows_b: pd.DataFrame, directions: list[str]) -> str:
    """ "23 : 1" for the larger side against the smaller on one basis ("" when unknown)."""
    values = [float(rows_b["exports"].get(d, math.nan)) for d in directions]
    if len(values) != 2 or any(math.isnan(v) for v in values):
        return ""
    high, low = max(values), min(values)
    return fmt.ratio(high / low) if low > 0 else ""


UNITEMISED = "other categories, split not reported"
UNITEMISED_FILL = "#D9D9D9"


def export_mix(categories: pd.DataFrame, source: str, base: float | None = None, unit: str = "USD",
               look: Look = SCREEN, checked: Mapping[str, str] | None = None) -> go.Figure:  # fmt: skip
    """Shares of one export flow by category; categories without a stated share stay one block.

    `categories` holds the export_categories rows of one list (one exporter/importer, one
    article). With `base` (the flow in money) the shares are also shown as estimated amounts.
    `checked` maps each claim a person reviewed to how: its category carries the check mark.
    """
    if categories.empty:
        return _empty("Export mix", "percent", source, "No export categories reported", look)
    exporter, importer = categories["exporter"].iloc[0], categories["importer"].iloc[0]
    shared = categories[categories["share"].notna()].sort_values("share", ascending=False, kind="stable")
    unshared = categories[categories["share"].isna()]
    remainder = max(0.0, 100.0 - float(shared["share"].sum()))
    checked = checked or {}
    shared_ids = [str(i) for i in shared["claim_id"].fillna("")]
    names = [mark(plot_text(c[:1].upper() + c[1:]), i in checked)
             for c, i in zip(shared["category"], shared_ids, strict=True)]  # fmt: skip
    values = [float(v) for v in shared["share"]]
    palette = [GREEN, ORANGE, BLUE, VERMILLION, SKY]
    colours = [palette[i % len(palette)] for i in range(len(names))]
    patterns = [""] * len(names)
    if len(unshared) or remainder > 0:
        n = len(unshared)
        names.append(f"{_count_word(n).capitalize()} {UNITEMISED}" if n else "Not itemised")
        values.append(remainder)
        colours.append(UNITEMISED_FILL)
        patterns.append(".")
    amounts = [base * v / 100 for v in values] if base else None
    text = [
        f"{fmt.percent(v)}" + (f" · ≈ {fmt.money(a, unit)} (estimate)" if amounts else "")
        for v, a in zip(values, amounts or values, strict=True)
    ]
    hover = [_checked_hover([i], checked).removeprefix("<br>") for i in shared_ids] + (
        ["<br>".join(plot_text(c) for c in unshared["category"])] if len(names) > len(shared) else []
    )
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
    if "." in patterns:
        _legend_entry(fig, "dotted: categories named without a share, together" if len(unshared) else "dotted: the rest, not itemised",
                      {"color": UNITEMISED_FILL, "pattern": {"shape": ".", "fgcolor": GREY}, "line": {"color": INK, "width": 1}})  # fmt: skip
    _mark_legend(fig, any(i in checked for i in shared_ids))
    notes = _label_rows(fig, names, look, offset=0.3)
    ticks = nice_ticks(max(values), 5)
    fig.update_xaxes(tickvals=ticks, ticktext=[fmt.percent(t) for t in ticks], tickangle=0,
                     range=[0, max(values) * (1.6 if base else 1.2) + 4])  # fmt: skip
    subtitle = f"Percent of {country_name(exporter)}'s exports to {country_name(importer)}, by category"
    if base:
        subtitle += f"; amounts are estimates on {fmt.money(base, unit)} of exports"
    return finish(
        fig,
        f"What {country_name(exporter)} sells to {country_name(importer)}: {len(shared)} of "
        f"{len(categories)} categor{'y' if len(categories) == 1 else 'ies'} "
        f"{'has' if len(shared) == 1 else 'have'} a stated share",
        subtitle,
        source,
        look,
        plot_height=max(look.plot, 60 * len(names) + 40),
        notes=notes,
    )


def import_share(share: pd.DataFrame, source: str, look: Look = SCREEN,
                 checked: Mapping[str, str] | None = None) -> go.Figure:  # fmt: skip
    """An exporter's share of the importer's total imports, against the rest (100 minus it); the
    reported share carries the check mark when its claim is in `checked` (reviewed by a person)."""
    if share.empty:
        return _empty("Share of imports", "percent", source, "No import share reported", look)
    row = share.iloc[0]
    exporter, importer = row["direction"].split("->")
    value = float(row["value"])
    checked = checked or {}
    cid = str(row.get("claim_id", ""))
    fig = go.Figure()
    fig.add_bar(y=[""], x=[value], orientation="h", name=f"Goods from {country_name(exporter)} (reported)",
                marker={"color": BLUE}, text=[mark(fmt.percent(value), cid in checked)], textposition="inside",
                textfont={"color": "white", "size": look.base + 2}, customdata=[_checked_hover([cid], checked)],
                hovertemplate="%{fullData.name}: %{text}%{customdata}<extra></extra>")  # fmt: skip
    fig.add_bar(y=[""], x=[100 - value], orientation="h", name="hatched: all other imports (100 minus the reported share)",
                marker={"color": "white", "line": {"color": GREY, "width": 2}, "pattern": {"shape": "/", "fgcolor": GREY}},
                text=[fmt.percent(100 - value)], textposition="inside", textfont={"color": INK, "size": look.base + 2})  # fmt: skip
    _mark_legend(fig, cid in checked)
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(
        range=[0, 100], tickvals=[0, 25, 50, 75, 100], ticksuffix=" %",
        title_text=f"Share of {country_name(importer)}'s total imports",
    )  # fmt: skip
    fig.update_yaxes(visible=False)
    return finish(
        fig,
        f"{country_name(exporter)}'s goods make up {fmt.percent(value)} of {country_name(importer)}'s imports",
        f"Percent of {country_name(importer)}'s total imports, as reported",
        source,
        look,
        plot_height=90,
    )


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
