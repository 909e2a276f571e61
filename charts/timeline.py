"""The timeline: every figure of one pair at the span it covers, each target at its deadline, and
when each target was first and last stated. Pure pandas and plotly; no Streamlit, no I/O.

A figure is placed only where the ETL read a date for it (claims.period_start / period_end): a
bar over its span, or a dot when it holds for one day or only its end is known. A target is drawn
at its deadline (period_end) and at the dates of the articles that state it (articles.published),
joined by a line from the first statement to the last. A figure with none of these is never put
at a made-up time: `split` hands it back as unplaced, for the page to list.

Figures are drawn in lanes (two-way trade, exports each way, shares, one lane per target), not on
a value axis: values in different currencies or in percent sit side by side, each labelled with
its own unit, and none is drawn against another's scale.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from charts import checked
from charts import format as fmt
from charts.figures import direction_name, pair_name
from charts.style import (
    BLUE,
    GREEN,
    GREY,
    INK,
    ORANGE,
    PURPLE,
    SCREEN,
    SKY,
    VERMILLION,
    Look,
    finish,
    plot_text,
)
from etl.contract import (
    CATEGORY_SHARE,
    EXPORTS,
    FORECAST,
    IMPORT_SHARE,
    PERCENT,
    REJECTED,
    TRADE_TARGET,
    TRADE_VOLUME,
)
from etl.places import country_name

DAY = pd.Timedelta(days=1)
MIN_ROWS = 4  # the height of the plot, in rows, however few lanes there are
QUOTE_CHARS = 240  # hover shows at most this much of the sentence
_MARKS = {"approx": "≈", "lower_bound": ">", "upper_bound": "≤"}  # short forms for bar labels


# --- which figures go where -------------------------------------------------------------------------
def in_use(claims: pd.DataFrame) -> pd.DataFrame:
    """Every claim but those a person rejected (kept in the claims table, drawn nowhere)."""
    return claims if "review" not in claims.columns else claims[claims["review"] != REJECTED]


def _is_target(metric: pd.Series) -> pd.Series:
    return metric == TRADE_TARGET


def split(claims: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(placed, unplaced): the claims given (one pair's), rejected ones left out, each with its
    article's `published` date. A figure is placed when it has a span; a target when it has a
    deadline or its article a date. Placed rows come in drawing order (lane, then time)."""
    dates = dict(zip(articles["article_id"], articles["published"].fillna(""), strict=True))
    rows = in_use(claims).copy()
    rows["published"] = [dates.get(a, "") or "" for a in rows["article_id"]]
    for column in ("period_start", "period_end"):
        rows[column] = rows[column].fillna("").astype(str)
    spanned = (rows["period_start"] != "") | (rows["period_end"] != "")
    target = _is_target(rows["metric"])
    placed_mask = (spanned & ~target) | (target & ((rows["period_end"] != "") | (rows["published"] != "")))
    placed = rows[placed_mask]
    if len(placed):
        order = [lane_of(r) for r in placed.to_dict("records")]
        when = [_first_date(r) for r in placed.to_dict("records")]
        placed = placed.assign(_lane=[o[0] for o in order], _when=when)
        placed = placed.sort_values(["_lane", "_when"], kind="stable").drop(columns=["_lane", "_when"])
    return placed.reset_index(drop=True), rows[~placed_mask].reset_index(drop=True)


def _first_date(row: Mapping) -> str:
    return row["period_start"] or row["period_end"] or row["published"]


def lane_of(row: Mapping) -> tuple[tuple, str, str]:
    """(sort key, name, colour) of the lane a claim is drawn in."""
    metric, direction = row["metric"], row.get("direction") or ""
    flows = sorted(direction.split("->")) if direction else []
    # The first country of the pair exporting comes first, in orange; the other way in green.
    second_way = bool(flows) and direction.split("->")[0] != flows[0]
    if metric == TRADE_VOLUME:
        return (0, "", 0), "Two-way trade", BLUE
    if metric == EXPORTS:
        return (1, direction, 0), f"{direction_name(direction)} exports", GREEN if second_way else ORANGE
    if metric == IMPORT_SHARE:
        exporter, importer = direction.split("->")
        # A share of one product's imports has a lane of its own, never that of all imports.
        product = row.get("category") or ""
        of = f"{product} imports" if product else "imports"
        name = f"Goods from {country_name(exporter)}: share of {country_name(importer)}'s {of}"
        return (2, direction, 1 if product else 0, product), name, PURPLE
    if metric == CATEGORY_SHARE:
        return (3, direction, 0), f"{direction_name(direction)} exports: share by category", SKY
    if metric == TRADE_TARGET:
        kind = "Forecast" if row.get("target_kind") == FORECAST else "Target"
        what = f", {direction_name(direction)} exports" if direction else ""
        key = (5, direction, float(row["value"]), row["unit"])
        return key, f"{kind}: {fmt.money(float(row['value']), row['unit'])}{what}", VERMILLION
    return (
        (4, metric, direction),
        f"{metric.replace('_', ' ').capitalize()} {direction_name(direction)}",
        GREY,
    )


def value_words(row: Mapping) -> str:
    """The figure as stated: "about $18.0B", "24 %", "carpets: 24 %"."""
    if row["unit"] == PERCENT:
        text = fmt.percent(float(row["value"]))
        category = row.get("category") or ""
        return f"{category}: {text}" if category else text
    return fmt.hedged(float(row["value"]), row["unit"], row["qualifier"], row.get("scope") or "")


def _short_value(row: Mapping) -> str:
    """A bar's label, as short as it reads: "≈$10B", "24 %"."""
    if row["unit"] == PERCENT:  # a category's name is in the hover: most would not fit in the bar
        return fmt.percent(float(row["value"]))
    return _MARKS.get(row["qualifier"], "") + fmt.money_tick(float(row["value"]), row["unit"])


def span_words(row: Mapping) -> str:
    """When a figure holds, in words: "2024", "2021-10-13 to 2022-10-12", "on 2023-05-01",
    "to 2023-05-01"; for a target, when it falls due."""
    start, end = row["period_start"], row["period_end"]
    if row["metric"] == TRADE_TARGET:
        return f"due by {_date_words(end)}" if end else "no deadline stated"
    if start and end and start[4:] == "-01-01" and end[4:] == "-12-31":
        return start[:4] if start[:4] == end[:4] else f"{start[:4]}–{end[:4]}"
    if start and end:
        return f"on {start}" if start == end else f"{start} to {end}"
    return f"to {end}" if end else f"from {start}" if start else "period not stated"


def _date_words(day: str) -> str:
    """ "2025" for the last day of a year (a deadline's usual form), else the date."""
    return day[:4] if day[4:] == "-12-31" else day


# --- targets: statements and deadlines ---------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    name: str
    value: float
    unit: str
    stated: tuple[str, ...]  # dates of the articles stating it, earliest first (dated ones)
    deadlines: tuple[str, ...]  # distinct deadlines its statements give, earliest first
    n_claims: int

    @property
    def first(self) -> str:
        return self.stated[0] if self.stated else ""

    @property
    def last(self) -> str:
        return self.stated[-1] if self.stated else ""

    def words(self, years: bool = False) -> str:
        """ "by 2020, stated 2015-02-08 to 2024-03-14 (3 statements)"; with `years`, "by 2020,
        stated 2015–2024"."""
        parts = []
        if self.deadlines:
            parts.append("by " + " or ".join(_date_words(d) for d in self.deadlines))
        if self.stated:
            first, last = (self.first[:4], self.last[:4]) if years else (self.first, self.last)
            sep = "–" if years else " to "
            parts.append(f"stated {first}" if first == last else f"stated {first}{sep}{last}")
        if not years and self.n_claims > 1:
            parts.append(f"{self.n_claims} statements")
        return ", ".join(parts)


def targets(placed: pd.DataFrame) -> list[Target]:
    """The placed targets, one per lane (same value, unit and direction), in drawing order."""
    out = []
    rows = placed[_is_target(placed["metric"])]
    for (_, name, _), group in _lanes(rows):
        stated = sorted({d for d in group["published"] if d})
        deadlines = sorted({d for d in group["period_end"] if d})
        first = group.iloc[0]
        out.append(
            Target(name, float(first["value"]), first["unit"], tuple(stated), tuple(deadlines), len(group))
        )
    return out


def _lanes(rows: pd.DataFrame) -> list[tuple[tuple[tuple, str, str], pd.DataFrame]]:
    keyed = [lane_of(r) for r in rows.to_dict("records")]
    out: dict[tuple, tuple[tuple[tuple, str, str], list[int]]] = {}
    for i, lane in enumerate(keyed):
        out.setdefault(lane[0], (lane, []))[1].append(i)
    return [(lane, rows.iloc[idx]) for lane, idx in sorted(out.values(), key=lambda v: v[0][0])]


# --- words ------------------------------------------------------------------------------------------
def headline(pair: str, placed: pd.DataFrame) -> str:
    """The title, from the figures: "Iran–Iraq: 9 figures from 2014 to 2024; target $20.0B by 2020,
    stated 2015–2024"."""
    figures = placed[~_is_target(placed["metric"])]
    parts = []
    if len(figures):
        first = min(_first_date(r)[:4] for r in figures.to_dict("records"))
        last = max((r["period_end"] or r["period_start"])[:4] for r in figures.to_dict("records"))
        n = len(figures)
        when = f"in {first}" if first == last else f"from {first} to {last}"
        parts.append(f"{n} figure{'s' if n != 1 else ''} {when}")
    found = targets(placed)
    if len(found) == 1:
        t = found[0]
        words = t.words(years=True)
        sep = " " if words.startswith("by") else ", " if words else ""
        parts.append(f"{t.name.split(':')[0].lower()} {fmt.money(t.value, t.unit)}{sep}{words}")
    elif 1 < len(found) <= 3:
        each = [f"{fmt.money(t.value, t.unit)} ({t.words(years=True)})" for t in found]
        parts.append("targets of " + ", ".join(each[:-1]) + f" and {each[-1]}")
    elif len(found) > 3:
        low, high = min(found, key=lambda t: t.value), max(found, key=lambda t: t.value)
        parts.append(
            f"{len(found)} targets, {fmt.money(low.value, low.unit)} to {fmt.money(high.value, high.unit)}"
        )
    return f"{pair_name(pair)}: " + "; ".join(parts)


def _quote(text: str) -> str:
    """The sentence for hover: escaped, at most QUOTE_CHARS, in lines of about 70 characters."""
    one = " ".join(str(text).split()).strip('“”"')
    if len(one) > QUOTE_CHARS:
        one = one[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"
    return "<br>".join(plot_text(line) for line in textwrap.wrap(f"“{one}”", 70))


def _hover(row: Mapping, lane: str, names: Mapping[str, str], labels: Mapping[str, str]) -> str:
    who = row.get("speaker") or "unattributed"
    article = labels.get(row["article_id"]) or f"article {row['article_id']}"
    dated = f", {row['published']}" if row["published"] and row["published"] not in article else ""
    return "<br>".join([
        f"<b>{plot_text(lane)}: {plot_text(value_words(row))}</b>",
        plot_text(span_words(row)),
        _quote(row["quote"]),
        f"{plot_text(who)} · {plot_text(article)}{plot_text(dated)}",
        plot_text(checked.words(row)),
    ])  # fmt: skip


# --- the figure -------------------------------------------------------------------------------------
def _pack(rows: pd.DataFrame) -> list[int]:
    """A sub-row for each figure of one lane, so no two overlapping spans share one (greedy, in
    time order: the first sub-row free at the figure's start)."""
    ends: list[pd.Timestamp] = []
    out = []
    for r in rows.to_dict("records"):
        start = pd.Timestamp(r["period_start"] or r["period_end"])
        end = pd.Timestamp(r["period_end"] or r["period_start"]) + DAY
        for k, last in enumerate(ends):
            if last <= start:
                ends[k] = end
                out.append(k)
                break
        else:
            ends.append(end)
            out.append(len(ends) - 1)
    return out


def _is_span(row: Mapping) -> bool:
    """A figure drawn as a bar: its start and end are known and differ (else a dot)."""
    return bool(row["period_start"] and row["period_end"] and row["period_start"] != row["period_end"])


def _ink_on(colour: str) -> str:
    return INK if colour in (ORANGE, SKY, PURPLE) else "white"


def _key_entry(
    fig: go.Figure, name: str, marker: dict, mode: str = "markers", line: dict | None = None
) -> None:
    """A legend entry that draws nothing: says what a mark on the chart means."""
    fig.add_scatter(x=[None], y=[None], mode=mode, name=name, marker=marker, line=line or {},
                    showlegend=True, hoverinfo="skip")  # fmt: skip


def figure(placed: pd.DataFrame, source: str, look: Look = SCREEN, names: Mapping[str, str] | None = None,
           labels: Mapping[str, str] | None = None, unplaced: int = 0) -> go.Figure:  # fmt: skip
    """The timeline of one pair from `split`'s placed rows. `names` maps a speaker to the short
    name shown; `labels` an article to how a reader finds it (both plain text, escaped here);
    `unplaced`: how many figures give no date (said in the subtitle, never drawn)."""
    names, labels = names or {}, labels or {}
    pair = placed["pair"].iloc[0]
    fig = go.Figure()
    y = 0  # the next free row; lanes top to bottom
    label_rows: list[tuple[int, str]] = []
    drawn: set[str] = set()
    dates: list[pd.Timestamp] = []
    for (_, name, colour), rows in _lanes(placed):
        records = rows.to_dict("records")
        if records[0]["metric"] == TRADE_TARGET:
            target = next(t for t in targets(rows) if t.name == name)
            # Years only: the words fit a phone's width; the days are in the hover and the table.
            label_rows.append((y, f"<b>{plot_text(name)}</b> · {plot_text(target.words(years=True))}"))
            dates += _draw_target(fig, records, y, name, names, labels, drawn, look)
            y += 1
            continue
        label_rows.append((y, f"<b>{plot_text(name)}</b>"))
        rows_of = _pack(rows)
        placed_rows = list(zip(records, rows_of, strict=True))
        bars = [(r, k) for r, k in placed_rows if _is_span(r)]
        dots = [(r, k) for r, k in placed_rows if not _is_span(r)]
        if bars:
            starts = [pd.Timestamp(r["period_start"]) for r, _ in bars]
            ends = [pd.Timestamp(r["period_end"]) + DAY for r, _ in bars]
            dates += starts + ends
            marks = _checked_marks([r for r, _ in bars], drawn)
            fig.add_bar(
                y=[y + k for _, k in bars], base=[s.strftime("%Y-%m-%d") for s in starts],
                x=[(e - s) / pd.Timedelta(milliseconds=1) for s, e in zip(starts, ends, strict=True)],
                orientation="h", width=0.4, marker={"color": colour, "line": {"color": "white", "width": 1}},
                text=[plot_text(checked.mark(_short_value(r), bool(m))) for (r, _), m in zip(bars, marks, strict=True)],
                textposition="inside",
                insidetextanchor="middle", textfont={"color": _ink_on(colour), "size": look.base - 1},
                customdata=[_hover(r, name, names, labels) for r, _ in bars],
                hovertemplate="%{customdata}<extra></extra>", showlegend=False, name=name,
            )  # fmt: skip
            drawn.add("bar")
        if dots:
            when = [pd.Timestamp(r["period_end"] or r["period_start"]) for r, _ in dots]
            dates += when
            marks = _checked_marks([r for r, _ in dots], drawn)
            fig.add_scatter(
                x=[w.strftime("%Y-%m-%d") for w in when], y=[y + k for _, k in dots],
                mode="markers+text" if any(marks) else "markers",
                marker={"color": colour, "size": look.base - 1, "line": {"color": INK, "width": 1}},
                text=marks, textposition="middle right",
                textfont={"color": INK, "size": look.base},
                customdata=[_hover(r, name, names, labels) for r, _ in dots],
                hovertemplate="%{customdata}<extra></extra>", showlegend=False, name=name,
            )  # fmt: skip
            drawn.add("dot")
        y += max(rows_of) + 1
    _keys(fig, drawn)
    pitch = round(look.base * 4.6)  # px per row: the bar, and the lane's words above the next one
    font = {"size": look.base, "color": INK}
    notes = [
        {"x": 0, "xref": "paper", "y": row - 0.38, "yref": "y", "xanchor": "left", "yanchor": "bottom",
         "showarrow": False, "align": "left", "text": text, "font": font, "bgcolor": "rgba(255,255,255,0.85)"}
        for row, text in label_rows
    ]  # fmt: skip
    # A chart of one or two rows keeps the height of four: no bar as tall as the slide.
    room = max(0.0, MIN_ROWS - y) / 2
    fig.update_yaxes(visible=False, autorange=False, range=[y - 0.5 + room, -0.95 - room])
    low, high = min(dates), max(dates)
    # At least two years wide, so the axis names years, even for a single date.
    pad = max(pd.Timedelta(days=120), (high - low) * 0.04, (pd.Timedelta(days=730) - (high - low)) / 2)
    fig.update_xaxes(type="date", range=[(low - pad).strftime("%Y-%m-%d"), (high + pad).strftime("%Y-%m-%d")],
                     showgrid=True, tickangle=0)  # fmt: skip
    # A bar's value is written inside it only when it fits; otherwise hover and the table give it.
    fig.update_layout(barmode="overlay", uniformtext={"mode": "hide", "minsize": look.base - 3},
                      legend_traceorder="normal", hovermode="closest")  # fmt: skip
    subtitle = "Each figure at the span it covers, as reported, in its own currency or percent"
    if unplaced:
        subtitle += (
            f"; not drawn: {unplaced} figure{'s that give' if unplaced != 1 else ' that gives'} no date"
        )
    return finish(fig, headline(pair, placed), subtitle, source, look,
                  plot_height=max(look.plot // 2, int(pitch * (y + 0.45))), notes=notes)  # fmt: skip


def _draw_target(fig: go.Figure, records: list[dict], y: int, name: str, names: Mapping[str, str],
                 labels: Mapping[str, str], drawn: set[str], look: Look) -> list[pd.Timestamp]:  # fmt: skip
    """One target's lane: a line from the first article stating it to the last, a circle at each
    statement, a diamond at each deadline. Returns the dates drawn."""
    stated = sorted((r for r in records if r["published"]), key=lambda r: r["published"])
    dates = []
    if stated:
        first, last = stated[0]["published"], stated[-1]["published"]
        if first != last:
            drawn.add("stated-line")
            fig.add_scatter(x=[first, last], y=[y, y], mode="lines", line={"color": VERMILLION, "width": 2, "dash": "dot"},
                            hoverinfo="skip", showlegend=False)  # fmt: skip
        marks = _checked_marks(stated, drawn)
        fig.add_scatter(
            x=[r["published"] for r in stated], y=[y] * len(stated), name=name,
            mode="markers+text" if any(marks) else "markers", showlegend=False, text=marks,
            textposition="top center", textfont={"color": INK, "size": look.base},
            marker={"color": "white", "size": look.base - 2, "symbol": "circle", "line": {"color": VERMILLION, "width": 2}},
            customdata=[f"Stated on {r['published']}<br>" + _hover(r, name, names, labels) for r in stated],
            hovertemplate="%{customdata}<extra></extra>",
        )  # fmt: skip
        dates += [pd.Timestamp(r["published"]) for r in stated]
        drawn.add("stated")
    due: dict[str, list[dict]] = {}
    for r in records:
        if r["period_end"]:
            due.setdefault(r["period_end"], []).append(r)
    if due:
        fig.add_scatter(
            x=list(due), y=[y] * len(due), mode="markers", name=name, showlegend=False,
            marker={"color": VERMILLION, "size": look.base + 2, "symbol": "diamond", "line": {"color": INK, "width": 1}},
            customdata=[f"Due by {d}" + (f" (in {len(rs)} statements)" if len(rs) > 1 else "") + "<br>"
                        + _hover(rs[0], name, names, labels) for d, rs in due.items()],
            hovertemplate="%{customdata}<extra></extra>",
        )  # fmt: skip
        dates += [pd.Timestamp(d) for d in due]
        drawn.add("deadline")
    return dates


def _checked_marks(records: list[dict], drawn: set[str]) -> list[str]:
    """The check mark beside each figure a person reviewed ("" for the others); noting in `drawn`
    that one is on the chart, so the legend names it."""
    marks = [checked.MARK if checked.is_checked(r) else "" for r in records]
    if any(marks):
        drawn.add("checked")
    return marks


def _keys(fig: go.Figure, drawn: set[str]) -> None:
    """The legend names every kind of mark drawn, and only those."""
    if "bar" in drawn:
        _key_entry(fig, "bar: the span a figure covers", {"color": GREY, "symbol": "square", "size": 12})
    if "dot" in drawn:
        _key_entry(
            fig, "dot: a figure for one date", {"color": GREY, "size": 11, "line": {"color": INK, "width": 1}}
        )
    if "deadline" in drawn:
        _key_entry(fig, "target's deadline", {"color": VERMILLION, "symbol": "diamond", "size": 13,
                                              "line": {"color": INK, "width": 1}})  # fmt: skip
    if "checked" in drawn:  # a figure a person reviewed: ✓ in its bar's words, or a ring round its dot
        _key_entry(fig, checked.LEGEND, {"color": "rgba(0,0,0,0)"})
    if "stated" in drawn:  # the dotted line is named only when a target was stated more than once
        joined = "stated-line" in drawn
        _key_entry(fig, "article stating the target" + (" (dotted: first to last)" if joined else ""),
                   {"color": "white", "size": 10, "line": {"color": VERMILLION, "width": 2}},
                   mode="lines+markers" if joined else "markers",
                   line={"color": VERMILLION, "width": 2, "dash": "dot"})  # fmt: skip
