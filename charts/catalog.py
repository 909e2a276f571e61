"""Every chart the app offers, with the rows it plots, its sources and its words.

A `Chart` bundles the figure with exactly the rows it was drawn from (the chart's download), the
same rows as a reader's table (the Table view), the articles behind them (the source line and
citation) and a plain-text description for screen readers. Pages and the slide deck both get
their charts from here, so a chart on a slide is the chart on the page.

Articles are named the way a reader can find them: by title, or, untitled, by their opening
words, with publisher and date when known. The opening words come from an optional `openings`
table (article_id, opening) that the app's loader adds beside the processed tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from charts import checked, figures
from charts import format as fmt
from charts import timeline as tl
from charts.style import SCREEN, Look, plot_text
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
    table: pd.DataFrame = field(default_factory=pd.DataFrame)  # `data` for reading: words, formatted

    @property
    def headline(self) -> str:
        """The title drawn in the figure, as plain text."""
        return str(self.figure.layout.meta["wrap"]["title"]) if self.figure.layout.meta else self.title


def short_id(article_id: str) -> str:
    return article_id.split("_")[0]


# --- naming articles -------------------------------------------------------------------------------
def _shorten(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


@dataclass(frozen=True)
class _Article:
    title: str
    publisher: str
    published: str
    opening: str


_BY_ID: dict[tuple[int, int], tuple[pd.DataFrame, pd.DataFrame | None, dict[str, _Article]]] = {}


def _articles(tables: Tables) -> dict[str, _Article]:
    """article_id -> what names it, read once per articles table (pages name dozens of articles a
    run; filtering the table for each costs more than drawing the page)."""
    articles, openings = tables["articles"], tables.get("openings")
    key = (id(articles), id(openings))
    hit = _BY_ID.get(key)
    if hit is None:
        first = (
            dict(zip(openings["article_id"], openings["opening"], strict=True))
            if openings is not None
            else {}
        )
        found = {
            a: _Article(t or "", p or "", d or "", first.get(a, ""))
            for a, t, p, d in zip(articles["article_id"], articles["title"], articles["publisher"],
                                  articles["published"], strict=True)
        }  # fmt: skip
        if len(_BY_ID) >= 8:
            _BY_ID.clear()
        hit = _BY_ID[key] = (articles, openings, found)  # the frames are held, so their ids stay theirs
    return hit[2]


def article_name(article_id: str, tables: Tables, width: int = 48) -> str:
    """ "“Its title…”", or untitled, "“Its opening words…” (opening words)", or with neither, the
    article's file id: never a bare number."""
    a = _articles(tables).get(article_id)
    if a and a.title:
        return f"“{_shorten(a.title, width)}”"
    return f"“{_shorten(a.opening, width)}” (opening words)" if a and a.opening else f"article {article_id}"


def article_label(article_id: str, tables: Tables, width: int = 48) -> str:
    """How a reader finds an article: “Its title…” (Publisher, 2025-07-18); untitled, “Its opening
    words…” (opening words; Publisher); with neither, the article's file id."""
    a = _articles(tables).get(article_id)
    details = [d for d in ((a.publisher, a.published) if a else ()) if d]
    name = article_name(article_id, tables, width)
    if not details:
        return name
    if name.endswith("(opening words)"):
        return name.removesuffix(")") + f"; {', '.join(details)})"
    return f"{name} ({', '.join(details)})"


def _opening(article_id: str, tables: Tables) -> str:
    a = _articles(tables).get(article_id)
    return a.opening if a else ""


# A source line names at most this many articles: a pair reported for years has hundreds, and a
# line naming them all would be taller than its chart.
MOST_SOURCES = 6


def source_line(article_ids: list[str] | tuple[str, ...], tables: Tables,
                claims: pd.DataFrame | None = None) -> str:  # fmt: skip
    """The source line drawn under a chart (plotly text, outside words escaped); given the chart's
    `claims`, it ends by counting those a person reviewed."""
    ids = sorted(dict.fromkeys(article_ids))
    tally = f"; {checked.tally(claims)}" if claims is not None else ""
    if not ids:
        return "Source: no article" + tally
    label = "Source: news article" if len(ids) == 1 else "Sources: news articles"
    named = "; ".join(plot_text(article_label(a, tables)) for a in ids[:MOST_SOURCES])
    more = len(ids) - MOST_SOURCES
    if more > 0:  # every one is in the chart's citation and in Sources & data
        named += f" and {more:,} more (listed in Sources & data)"
    return f"{label} {named} · figures extracted by rule{tally}"


def citation(claims: pd.DataFrame, tables: Tables) -> str:
    """Who said each figure, where and when, and whether a person reviewed it (who, when) or the
    rules alone read it: ready to paste under a slide or into a note (plain text)."""
    articles, people = tables["articles"], tables["people"]
    lines = []
    roles = dict(zip(people["name"], people["role"], strict=True)) if len(people) else {}
    for c in claims.itertuples():
        art = articles[articles["article_id"] == c.article_id]
        a = art.iloc[0] if len(art) else None
        who = c.speaker or "Unattributed"
        if c.speaker and roles.get(c.speaker):
            who += f" ({roles[c.speaker]})"
        if a is not None and a["title"]:
            title = f"“{a['title']}” (article {c.article_id})"
        elif _opening(c.article_id, tables):
            title = f"untitled article opening “{_shorten(_opening(c.article_id, tables), 80)}” (article {c.article_id})"
        else:
            title = f"article {c.article_id}"
        publisher = f", {a['publisher']}" if a is not None and a["publisher"] else ""
        when = a["published"] if a is not None and a["published"] else "date not stated"
        url = f", {a['url']}" if a is not None and a["url"] else ""
        figure = (
            fmt.hedged(c.value, c.unit, c.qualifier, c.scope) if c.unit != "percent" else fmt.percent(c.value)
        )
        review = checked.words(c._asdict())
        lines.append(f"{who}: {figure} ({c.metric.replace('_', ' ')}). {title}{publisher}, {when}{url}. "
                     f"{review[:1].upper() + review[1:]}. Quote: “{_one_line(c.quote)}”")  # fmt: skip
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip('“”"')


# --- naming people ---------------------------------------------------------------------------------
def short_names(people: pd.DataFrame) -> dict[str, str]:
    """One short form of each speaker's name, used on charts, in selectors and captions alike: the
    shortest spelling of two words or more ("Abdul Mohsen" for Naseer Abdul Mohsen Abdullah) for
    a long name, else the name itself. The full name goes in hover text and citations."""
    out = {}
    for row in people.itertuples():
        options = [a for a in str(row.aliases or "").split(";") if len(a.split()) >= 2] + [row.name]
        out[row.name] = min(options, key=len) if len(row.name) > 18 else row.name
    return out


def speaker(name: str, tables: Tables) -> str:
    """A speaker's short name, or "unattributed"."""
    return short_names(tables["people"]).get(name, name) if name else "unattributed"


def published(tables: Tables) -> dict[str, str]:
    """article_id -> its date as stated (only the dated ones)."""
    articles = tables["articles"]
    return {a: d for a, d in zip(articles["article_id"], articles["published"], strict=True) if d}


def article_date(tables: Tables, article_id: str) -> str:
    """One article's date as stated ("" when it gives none): one lookup, not a map of them all."""
    articles = tables["articles"]
    found = articles.loc[articles["article_id"] == article_id, "published"]
    value = found.iloc[0] if len(found) else ""
    return value if isinstance(value, str) else ""


def basis_when(tables: Tables, gaps: pd.DataFrame) -> dict[str, str]:
    """basis claim -> when its figure holds, in words: the span the ETL read ("2024", "4 months to
    2023-07-22"), else the article's date, else nothing."""
    dates = published(tables)
    spans = gaps["current_span"] if "current_span" in gaps.columns else pd.Series("", index=gaps.index)
    out = {}
    for basis, article, span in zip(
        gaps["basis_claim_id"], gaps["current_article_id"], spans.fillna(""), strict=True
    ):
        stated = "" if span in ("", "period not stated") else str(span)
        out[basis] = stated or (f"article of {dates[article]}" if dates.get(article) else "")
    return out


def _claims(tables: Tables, ids: list[str]) -> pd.DataFrame:
    claims = tables["claims"]
    wanted = [i for i in dict.fromkeys(ids) if i]
    return claims[claims["claim_id"].isin(wanted)]


def _articles_column(ids: pd.Series, tables: Tables) -> list[str]:
    return [article_label(a, tables) if a else "" for a in ids]


def reviewed(claims: pd.DataFrame) -> dict[str, str]:
    """claim id -> how a person reviewed it (checked.words), for the claims a person reviewed: the
    builders mark those and say who in the hover text."""
    if "review" not in claims.columns:
        return {}
    by_a_person = claims[claims["review"].isin(checked.BY_A_PERSON)]  # a few of many: filtered first
    return {str(c["claim_id"]): checked.words(c) for c in by_a_person.to_dict("records")}


def _with_review(description: str, claims: pd.DataFrame) -> str:
    """The description with what the chart's ✓ marks show, for those who hear it instead: how many
    of its figures a person reviewed."""
    n, said = len(claims), len(reviewed(claims))
    if n == 0:
        return description
    if said == 0:
        tally = (
            "None of its figures was reviewed by a person."
            if n > 1
            else "Its figure was not reviewed by a person."
        )
    elif said == n:
        tally = (
            f"All {n} of its figures were reviewed by a person."
            if n > 1
            else "Its figure was reviewed by a person."
        )
    else:
        tally = f"{said} of its {n} figures were reviewed by a person."
    return f"{description} {tally}"


def _checked_column(id_lists: list[list[str]], claims: pd.DataFrame) -> list[str]:
    """The Table view's "Checked" cell for each row, from the claims the row stands on."""
    said = reviewed(claims)
    out = []
    for ids in id_lists:
        ids = [i for i in ids if i]
        words = list(dict.fromkeys(said[i] for i in ids if i in said))
        if ids and all(i in said for i in ids):
            out.append(f"{checked.MARK} " + "; ".join(words))
        elif words:
            out.append("partly: " + "; ".join(words) + f"; the rest {checked.NOT_REVIEWED}")
        else:
            out.append(checked.NOT_REVIEWED)
    return out


# --- the charts ------------------------------------------------------------------------------------
# A chart draws at most this many bars (current vs target) or groups of bars (imbalance): past
# that nobody reads them, and a pair reported for years has hundreds of figures. The rest stay in
# Sources & data.
MOST_BARS = 12
MOST_GROUPS = 8


def shown_bases(rows: pd.DataFrame, chosen: str, most: int = MOST_BARS) -> pd.DataFrame:
    """The rows of one pair's target_gaps or trade_balance a chart draws: those of the `most`
    first bases (both tables come ranked, the default basis first), with the chosen basis always
    among them, in rank order."""
    order = list(dict.fromkeys(rows["basis_claim_id"]))
    if len(order) <= most:
        return rows
    keep = order[:most]
    if chosen in order and chosen not in keep:
        keep[-1] = chosen
    return rows[rows["basis_claim_id"].isin(keep)].reset_index(drop=True)


def current_vs_target(tables: Tables, pair: str, basis: str, look: Look = SCREEN) -> Chart | None:
    gaps = tables["target_gaps"]
    every = gaps[gaps["pair"] == pair].reset_index(drop=True)
    if every.empty:
        return None
    rows = shown_bases(every, basis, MOST_BARS)
    more = every["basis_claim_id"].nunique() - rows["basis_claim_id"].nunique()
    ids = list(rows["basis_claim_id"]) + rows["target_claim_ids"].iloc[0].split(";")
    claims = _claims(tables, ids)
    sources = tuple(sorted(set(claims["article_id"])))
    names = short_names(tables["people"])
    when = basis_when(tables, rows)
    dates = published(tables)
    fig = figures.current_vs_target(rows, basis, source_line(sources, tables, claims), look, names, when,
                                    reviewed(claims), of=len(every))  # fmt: skip
    unit = rows["unit"].iloc[0]
    parts = [
        f"{figures.basis_label(r, names, when.get(r['basis_claim_id'], ''))}: gap {fmt.money(r['gap'], unit)}, "
        f"{fmt.percent(r['pct_of_target'])} of target"
        for _, r in rows.iterrows()
    ]
    description = (
        f"Bar chart. {figures.pair_name(pair)} target {fmt.money(rows['target'].iloc[0], unit)}. "
        + "; ".join(parts)
        + (f"; {more} more figure{'s' if more != 1 else ''} in Sources & data." if more else ".")
    )
    table = pd.DataFrame({
        "Stated by": [names.get(s, s) or "unattributed" for s in rows["current_speaker"]],
        "Current trade": [fmt.hedged(v, unit, q) for v, q in zip(rows["current"], rows["current_qualifier"], strict=True)],
        "Includes": [s or "not stated" for s in rows["current_scope"]],
        "Holds for": [when.get(b) or "not stated" for b in rows["basis_claim_id"]],
        "Article's date": [dates.get(a, "not stated") for a in rows["current_article_id"]],
        "Target": [fmt.money(v, unit) for v in rows["target"]],
        "Gap to target": [fmt.money(v, unit) for v in rows["gap"]],
        "Share of target reached": [fmt.percent(v) for v in rows["pct_of_target"]],
        "Basis": [("shown in full: " if b == basis else "") + r.replace(":", ",", 1)
                  for b, r in zip(rows["basis_claim_id"], rows["basis_rule"], strict=True)],
        "Article": _articles_column(rows["current_article_id"], tables),
        "Checked": _checked_column([[b] for b in rows["basis_claim_id"]], claims),
    })  # fmt: skip
    return Chart(
        f"current-vs-target-{pair}",
        "Current vs target",
        fig,
        rows,
        _with_review(description, claims),
        claims,
        sources,
        table,
    )


def imbalance(tables: Tables, pair: str, basis: str = "", look: Look = SCREEN) -> Chart | None:
    """`basis`: the two-way total the page splits, drawn even when it is not among the first."""
    balance = tables["trade_balance"]
    every = balance[balance["pair"] == pair].reset_index(drop=True)
    if every.empty:
        return None
    rows = shown_bases(every, basis, MOST_GROUPS)
    more = every["basis_claim_id"].nunique() - rows["basis_claim_id"].nunique()
    ids = list(rows["basis_claim_id"]) + list(rows["exports_claim_id"])
    claims = _claims(tables, ids)
    sources = tuple(sorted(set(claims["article_id"])))
    fig = figures.imbalance(rows, source_line(sources, tables, claims), look, reviewed(claims), every=every)
    unit = rows["unit"].iloc[0]
    parts = []
    for _, b in rows.groupby("basis_claim_id", sort=False):
        sides = [
            f"{figures.direction_name(r['direction'])} {fmt.money(r['exports'], unit)}"
            f"{' (derived)' if r['derived'] else ''}, {fmt.percent(r['share_of_total'], 1)} of two-way trade"
            for _, r in b.iterrows()
        ]
        parts.append(f"On a {fmt.money(b['total'].iloc[0], unit)} total, " + " against ".join(sides))
    description = (
        f"Grouped bar chart: {fig.layout.meta['wrap']['title']}. "
        + "; ".join(parts)
        + (f"; {more} more total{'s' if more != 1 else ''} in Sources & data." if more else ".")
    )
    table = pd.DataFrame({
        "Two-way total": [fmt.money(v, unit) for v in rows["total"]],
        "Exports from → to": [figures.direction_name(d) for d in rows["direction"]],
        "Exports": [fmt.money(v, unit) for v in rows["exports"]],
        "How known": ["derived: the total minus the other side" if d else "reported" for d in rows["derived"]],
        "Share of two-way trade": [fmt.percent(v, 1) for v in rows["share_of_total"]],
        "Against the other side": [fmt.ratio(float(v)) if v > 0 else "none" for v in rows["ratio_to_other"]],
    })  # fmt: skip
    behind = figures.bar_claims(rows)
    table["Checked"] = _checked_column([behind[(b, d)] for b, d in zip(rows["basis_claim_id"], rows["direction"],
                                                                          strict=True)], claims)  # fmt: skip
    description = _with_review(description, claims)
    return Chart(f"imbalance-{pair}", "Export imbalance", fig, rows, description, claims, sources, table)


def _list_key(cats: pd.DataFrame) -> str:
    """The column naming a list: list_id (one list of one article and period), else the article."""
    return "list_id" if "list_id" in cats.columns else "source"


def category_lists(tables: Tables, exporter: str, importer: str) -> list[str]:
    """The lists of categories of one export flow, latest first (undated last): each list is drawn
    on its own, never merged with another article's or another period's."""
    cats = tables["export_categories"]
    key = _list_key(cats)
    rows = cats[(cats["exporter"] == exporter) & (cats["importer"] == importer)]
    dates = published(tables)
    ends = rows["period_end"] if "period_end" in rows.columns else pd.Series("", index=rows.index)
    when: dict[str, str] = {}
    for list_id, article, end in zip(rows[key], rows["source"], ends.fillna(""), strict=True):
        when.setdefault(list_id, str(end) or dates.get(article, ""))
    return sorted(when, key=lambda k: when[k], reverse=True)


def list_article(tables: Tables, list_id: str) -> str:
    """The article a list of categories comes from."""
    cats = tables["export_categories"]
    hit = cats.loc[cats[_list_key(cats)] == list_id, "source"]
    return str(hit.iloc[0]) if len(hit) else ""


def list_label(tables: Tables, list_id: str) -> str:
    """How the page names a list: its article, and the period it holds for when stated."""
    return list_labels(tables, [list_id])[list_id]


def list_labels(tables: Tables, list_ids: list[str]) -> dict[str, str]:
    """`list_label` of each list, from one pass over the categories (a picker names hundreds)."""
    cats = tables["export_categories"]
    first = cats.drop_duplicates(_list_key(cats)).set_index(_list_key(cats))
    out = {}
    for list_id in list_ids:
        if list_id not in first.index:
            out[list_id] = article_label("", tables)
            continue
        period = str(first.at[list_id, "period"]) if "period" in first.columns else ""
        out[list_id] = article_label(str(first.at[list_id, "source"]), tables) + (
            f", for {period}" if period else ""
        )
    return out


def export_mix(tables: Tables, exporter: str, importer: str, list_id: str | None = None,
               base_basis: str | None = None, look: Look = SCREEN) -> Chart | None:  # fmt: skip
    """One list of categories of one flow (`list_id`, default the latest list)."""
    lists = category_lists(tables, exporter, importer)
    if not lists:
        return None
    list_id = list_id if list_id in lists else lists[0]
    cats = tables["export_categories"]
    key = _list_key(cats)
    rows = cats[(cats["exporter"] == exporter) & (cats["importer"] == importer) & (cats[key] == list_id)]
    rows = rows.reset_index(drop=True)
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
    fig = figures.export_mix(rows, source_line(sources, tables, claims), base, unit, look, reviewed(claims))
    shared = rows[rows["share"].notna()]
    unshared = rows[rows["share"].isna()]
    description = (
        f"Bar chart of {country_name(exporter)}'s exports to {country_name(importer)} by category: "
        + "; ".join(f"{c} {fmt.percent(s)}" for c, s in zip(shared["category"], shared["share"], strict=True))
        + f"; {len(unshared)} further categories ({', '.join(unshared['category'])}) together "
        f"{fmt.percent(max(0.0, 100 - shared['share'].sum()))}, split not reported."
    )
    table = pd.DataFrame({
        "Category": [c[:1].upper() + c[1:] for c in rows["category"]],
        "Share of exports": [fmt.percent(s) if pd.notna(s) else "not stated" for s in rows["share"]],
    })  # fmt: skip
    if base:
        table["Estimated amount"] = [
            fmt.money(base * s / 100, unit) if pd.notna(s) else "" for s in rows["share"]
        ]
    table["Listed in"] = _articles_column(rows["source"], tables)
    table["Checked"] = [
        cell if pd.notna(s) else "" for cell, s in
        zip(_checked_column([[str(i)] for i in rows["claim_id"].fillna("")], claims), rows["share"], strict=True)
    ]  # fmt: skip
    slug = f"export-mix-{exporter}-{importer}" + ("-usd-estimate" if base else "")
    return Chart(slug, "Export mix", fig, rows, _with_review(description, claims), claims, sources, table)


def import_share(tables: Tables, exporter: str, importer: str, source: str | None = None,
                 look: Look = SCREEN) -> Chart | None:  # fmt: skip
    """The exporter's share of the importer's imports: from `source` when that article gives one,
    else the latest article that does. A share of one product's imports (an import_share with a
    category: "35 % of India's crude oil imports") is not a share of all imports: never drawn here."""
    claims = tables["claims"]
    rows = claims[
        (claims["metric"] == "import_share")
        & (claims["direction"] == f"{exporter}->{importer}")
        & (claims["category"].fillna("") == "")
    ]
    if rows.empty:
        return None
    dates = tables["articles"].set_index("article_id")["published"].to_dict()
    same = rows[rows["article_id"] == source]
    if len(same):
        rows = same
    else:
        rows = rows.assign(_when=rows["article_id"].map(lambda a: dates.get(a) or ""))
        rows = rows.sort_values("_when", ascending=False, kind="stable").drop(columns="_when")
    rows = rows.head(1).reset_index(drop=True)
    sources = tuple(sorted(set(rows["article_id"])))
    fig = figures.import_share(rows, source_line(sources, tables, rows), look, reviewed(rows))
    v = float(rows["value"].iloc[0])
    description = (
        f"Stacked bar: goods from {country_name(exporter)} are {fmt.percent(v)} of {country_name(importer)}'s "
        f"total imports as reported; all other imports {fmt.percent(100 - v)}."
    )
    table = pd.DataFrame({
        "From": [country_name(exporter)], "To": [country_name(importer)],
        f"Share of {country_name(importer)}'s total imports": [fmt.percent(v)],
        "Stated by": [speaker(rows["speaker"].iloc[0], tables)],
        "Article": _articles_column(rows["article_id"], tables),
        "Checked": _checked_column([[str(rows["claim_id"].iloc[0])]], rows),
    })  # fmt: skip
    return Chart(f"import-share-{exporter}-{importer}", "Share of imports", fig, rows,
                 _with_review(description, rows), rows, sources, table)  # fmt: skip


def timeline_rows(tables: Tables, pair: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(placed, unplaced) claims of one pair for the timeline, rejected ones left out."""
    claims = tables["claims"]
    return tl.split(claims[claims["pair"] == pair], tables["articles"])


def timeline_table(rows: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """Timeline rows for reading: when each figure holds (or falls due), what and who, where."""
    records = rows.to_dict("records")
    names = short_names(tables["people"])  # once, not per row
    return pd.DataFrame({
        "When": [tl.span_words(r) for r in records],
        "What": [tl.lane_of(r)[1] for r in records],
        "Value": [tl.value_words(r) for r in records],
        "Stated by": [names.get(r["speaker"], r["speaker"]) if r["speaker"] else "unattributed" for r in records],
        "Article's date": [r["published"] or "not stated" for r in records],
        "Article": [article_label(r["article_id"], tables) for r in records],
        "Checked": _checked_column([[str(r["claim_id"])] for r in records], rows),
    }, columns=["When", "What", "Value", "Stated by", "Article's date", "Article", "Checked"])  # fmt: skip


def timeline(tables: Tables, pair: str, look: Look = SCREEN) -> Chart | None:
    """Every figure of a pair at the span it covers, targets at their deadlines and statements;
    None when nothing of the pair has a date (the page lists those figures instead)."""
    placed, unplaced = timeline_rows(tables, pair)
    if placed.empty:
        return None
    sources = tuple(sorted(set(placed["article_id"])))
    labels = {a: article_label(a, tables) for a in sources}
    names = short_names(tables["people"])
    claims = placed.drop(columns="published")
    fig = tl.figure(placed, source_line(sources, tables, claims), look, names, labels, unplaced=len(unplaced))
    records = placed.to_dict("records")
    lanes: dict[str, list[str]] = {}
    for r in (r for r in records if r["metric"] != tl.TRADE_TARGET):
        lanes.setdefault(tl.lane_of(r)[1], []).append(f"{tl.value_words(r)} ({tl.span_words(r)})")
    said = [f"{lane}: {', '.join(items)}" for lane, items in lanes.items()]
    said += [f"{t.name}, {t.words()}" for t in tl.targets(placed)]
    description = f"Timeline: {fig.layout.meta['wrap']['title']}. " + "; ".join(said) + "."
    if len(unplaced):
        n = len(unplaced)
        description += f" {n} figure{'s give' if n != 1 else ' gives'} no date and {'are' if n != 1 else 'is'} not drawn."
    return Chart(f"timeline-{pair}", "Timeline", fig, placed, _with_review(description, claims), claims,
                 sources, timeline_table(placed, tables))  # fmt: skip


def all_charts(tables: Tables, pair: str, basis: str, look: Look = SCREEN) -> list[Chart]:
    """Every chart for one view, in page order: what the slide deck holds."""
    charts: list[Chart | None] = [
        current_vs_target(tables, pair, basis, look),
        imbalance(tables, pair, basis, look),
    ]
    a, b = pair.split("-")
    for exporter, importer in ((a, b), (b, a)):
        lists = category_lists(tables, exporter, importer)
        charts.append(export_mix(tables, exporter, importer, lists[0] if lists else None, None, look))
        article = list_article(tables, lists[0]) if lists else None
        charts.append(import_share(tables, exporter, importer, article, look))
    charts.append(timeline(tables, pair, look))
    return [c for c in charts if c is not None]
