"""Every chart the app offers, with the rows it plots, its sources and its words.

A `Chart` bundles the figure with exactly the rows it was drawn from (the chart's download),
the articles behind them (the source line and citation) and a plain-text description for
screen readers. Pages and the slide deck both get their charts from here, so a chart on a slide
is the chart on the page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from charts import figures
from charts import format as fmt
from charts.style import SCREEN, Look
from etl.places import country_name

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Chart:
    slug: str  # file name for exports
    title: str
    figure: go.Figure
    data: pd.DataFrame  # exactly the rows plotted, with the table's column names
    description: str  # text alternative for screen readers
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)  # the claims behind the chart
    sources: tuple[str, ...] = ()  # article ids


def short_id(article_id: str) -> str:
    return article_id.split("_")[0]


def article_label(article_id: str, articles: pd.DataFrame, width: int = 48) -> str:
    """ "001 “Iraq aims to boost annual trade with Iran…”", or "000 (untitled)"."""
    row = articles[articles["article_id"] == article_id]
    title = row["title"].iloc[0] if len(row) else ""
    if not title:
        return f"{short_id(article_id)} (untitled)"
    if len(title) > width:
        title = title[:width].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return f"{short_id(article_id)} “{title}”"


def source_line(article_ids: list[str] | tuple[str, ...], articles: pd.DataFrame) -> str:
    ids = sorted(dict.fromkeys(article_ids))
    if not ids:
        return "Source: no article"
    label = "Source: news article" if len(ids) == 1 else "Sources: news articles"
    return f"{label} " + "; ".join(article_label(a, articles) for a in ids) + " · figures extracted by rule"


def citation(claims: pd.DataFrame, articles: pd.DataFrame, people: pd.DataFrame) -> str:
    """Who said each figure, where and when, ready to paste under a slide or into a note."""
    lines = []
    roles = dict(zip(people["name"], people["role"], strict=True)) if len(people) else {}
    for c in claims.itertuples():
        art = articles[articles["article_id"] == c.article_id]
        a = art.iloc[0] if len(art) else None
        who = c.speaker or "Unattributed"
        if c.speaker and roles.get(c.speaker):
            who += f" ({roles[c.speaker]})"
        title = (
            f"“{a['title']}” (article {c.article_id})"
            if a is not None and a["title"]
            else f"article {c.article_id}"
        )
        publisher = f", {a['publisher']}" if a is not None and a["publisher"] else ""
        when = a["published"] if a is not None and a["published"] else "date not stated"
        url = f", {a['url']}" if a is not None and a["url"] else ""
        figure = (
            fmt.hedged(c.value, c.unit, c.qualifier, c.scope) if c.unit != "percent" else fmt.percent(c.value)
        )
        lines.append(f"{who}: {figure} ({c.metric.replace('_', ' ')}). {title}{publisher}, {when}{url}. "
                     f"Quote: “{_one_line(c.quote)}”")  # fmt: skip
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip('“”"')


def short_names(people: pd.DataFrame) -> dict[str, str]:
    """A short form of each speaker's name for chart labels: the shortest spelling of two words or
    more ("Abdul Mohsen" for Naseer Abdul Mohsen Abdullah), else the name itself."""
    out = {}
    for row in people.itertuples():
        options = [a for a in str(row.aliases).split(";") if len(a.split()) >= 2] + [row.name]
        out[row.name] = min(options, key=len) if len(row.name) > 18 else row.name
    return out


def _claims(tables: Tables, ids: list[str]) -> pd.DataFrame:
    claims = tables["claims"]
    wanted = [i for i in dict.fromkeys(ids) if i]
    return claims[claims["claim_id"].isin(wanted)]


# --- the charts ------------------------------------------------------------------------------------
def current_vs_target(tables: Tables, pair: str, basis: str, look: Look = SCREEN) -> Chart | None:
    gaps = tables["target_gaps"]
    rows = gaps[gaps["pair"] == pair].reset_index(drop=True)
    if rows.empty:
        return None
    ids = list(rows["basis_claim_id"]) + rows["target_claim_ids"].iloc[0].split(";")
    claims = _claims(tables, ids)
    sources = tuple(sorted(set(claims["article_id"])))
    fig = figures.current_vs_target(
        rows, basis, source_line(sources, tables["articles"]), look, short_names(tables["people"])
    )
    unit = rows["unit"].iloc[0]
    parts = [
        f"{figures.basis_label(r)}: gap {fmt.money(r['gap'], unit)}, {fmt.percent(r['pct_of_target'])} of target"
        for _, r in rows.iterrows()
    ]
    description = (
        f"Bar chart. {figures.pair_name(pair)} target {fmt.money(rows['target'].iloc[0], unit)}. "
        + "; ".join(parts)
        + "."
    )
    return Chart(f"current-vs-target-{pair}", "Current vs target", fig, rows, description, claims, sources)


def imbalance(tables: Tables, pair: str, minor: str, look: Look = SCREEN) -> Chart | None:
    balance = tables["trade_balance"]
    rows = balance[balance["pair"] == pair].reset_index(drop=True)
    if rows.empty:
        return None
    ids = list(rows["basis_claim_id"]) + list(rows["exports_claim_id"])
    claims = _claims(tables, ids)
    sources = tuple(sorted(set(claims["article_id"])))
    fig = figures.imbalance(rows, minor, source_line(sources, tables["articles"]), look)
    unit = rows["unit"].iloc[0]
    parts = []
    for basis in dict.fromkeys(rows["basis_claim_id"]):
        b = rows[rows["basis_claim_id"] == basis]
        m = b[b["direction"] == minor].iloc[0]
        o = b[b["direction"] != minor].iloc[0]
        parts.append(
            f"on a {fmt.money(m['total'], unit)} total, {figures.direction_name(minor)} {fmt.money(m['exports'], unit)}"
            f"{' (derived)' if m['derived'] else ''} against {fmt.money(o['exports'], unit)}{' (derived)' if o['derived'] else ''}"
            f", ratio {fmt.ratio(float(o['ratio_to_other']))}, {fmt.percent(m['share_of_total'], 1)} of two-way trade"
        )
    description = "Grouped bar chart. " + "; ".join(parts) + "."
    return Chart(f"imbalance-{pair}", "Export imbalance", fig, rows, description, claims, sources)


def export_mix(tables: Tables, exporter: str, importer: str, base_basis: str | None = None,
               look: Look = SCREEN) -> Chart | None:  # fmt: skip
    cats = tables["export_categories"]
    rows = cats[(cats["exporter"] == exporter) & (cats["importer"] == importer)].reset_index(drop=True)
    if rows.empty:
        return None
    ids = list(rows["claim_id"])
    base, unit = None, "USD"
    if base_basis:
        bal = tables["trade_balance"]
        flow = bal[(bal["basis_claim_id"] == base_basis) & (bal["direction"] == f"{exporter}->{importer}")]
        if len(flow):
            base, unit = float(flow["exports"].iloc[0]), flow["unit"].iloc[0]
            ids += [base_basis, *flow["exports_claim_id"]]
            others = bal[
                (bal["basis_claim_id"] == base_basis) & (bal["direction"] != f"{exporter}->{importer}")
            ]
            ids += list(others["exports_claim_id"])
    claims = _claims(tables, ids)
    sources = tuple(sorted(set(claims["article_id"]) | set(rows["source"])))
    fig = figures.export_mix(rows, source_line(sources, tables["articles"]), base, unit, look)
    shared = rows[rows["share"].notna()]
    unshared = rows[rows["share"].isna()]
    description = (
        f"Bar chart of {country_name(exporter)}'s exports to {country_name(importer)} by category: "
        + "; ".join(f"{c} {fmt.percent(s)}" for c, s in zip(shared["category"], shared["share"], strict=True))
        + f"; {len(unshared)} further categories ({', '.join(unshared['category'])}) together "
        f"{fmt.percent(max(0.0, 100 - shared['share'].sum()))}, split not reported."
    )
    slug = f"export-mix-{exporter}-{importer}" + ("-usd-estimate" if base else "")
    return Chart(slug, "Export mix", fig, rows, description, claims, sources)


def import_share(tables: Tables, exporter: str, importer: str, look: Look = SCREEN) -> Chart | None:
    claims = tables["claims"]
    rows = claims[(claims["metric"] == "import_share") & (claims["direction"] == f"{exporter}->{importer}")]
    rows = rows.reset_index(drop=True)
    if rows.empty:
        return None
    sources = tuple(sorted(set(rows["article_id"])))
    fig = figures.import_share(rows.head(1), source_line(sources, tables["articles"]), look)
    v = float(rows["value"].iloc[0])
    description = (
        f"Stacked bar: goods from {country_name(exporter)} are {fmt.percent(v)} of {country_name(importer)}'s "
        f"total imports as reported; all other imports {fmt.percent(100 - v)}."
    )
    return Chart(f"import-share-{exporter}-{importer}", "Share of imports", fig, rows.head(1), description,
                 rows.head(1), sources)  # fmt: skip


def all_charts(tables: Tables, pair: str, basis: str, look: Look = SCREEN) -> list[Chart]:
    """Every chart for one view, in page order: what the slide deck holds."""
    charts: list[Chart | None] = [current_vs_target(tables, pair, basis, look)]
    a, b = pair.split("-")
    for minor in (f"{b}->{a}", f"{a}->{b}"):
        bal = tables["trade_balance"]
        rows = bal[(bal["pair"] == pair) & (bal["direction"] == minor)]
        if len(rows) and not rows["derived"].all():
            charts.append(imbalance(tables, pair, minor, look))
            break
    for exporter, importer in ((a, b), (b, a)):
        charts.append(export_mix(tables, exporter, importer, None, look))
        charts.append(import_share(tables, exporter, importer, look))
    return [c for c in charts if c is not None]
