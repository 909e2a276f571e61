"""What a page says in words: per-pair summaries, page names and the options a page offers.

Pure pandas. Every sentence here is computed from the tables: who sells less is read from the
figures, a page's name follows the pair shown.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from charts import format as fmt
from charts.catalog import basis_when, short_names, timeline_rows, timeline_table
from charts.figures import basis_label, fell_due_before, pair_name, read_imbalance
from charts.timeline import span_words
from etl.places import country_name

Tables = Mapping[str, pd.DataFrame]
DEFAULT_PAIR = "IRN-IRQ"  # the pair the product opens on (the seed articles' story)


@dataclass(frozen=True)
class PairSummary:
    pair: str
    current_range: str  # "over $10.0B to about $18.0B incl. energy", or "no current figure reported"
    n_current: int
    target: str  # "$20.0B", or "no target stated"
    gap: str  # on the default basis, or ""
    pct_of_target: str
    basis: str  # who stated the default basis figure, and why it is the default
    n_articles: int
    articles: tuple[str, ...]
    latest: str = ""  # the most recent dated current figure: "$12.0B (2025-07-18)", or ""
    gap_value: float = math.nan
    pct_value: float = math.nan
    latest_value: float = math.nan
    due: str = ""  # the target's deadline year ("2030"), when an article gives one
    due_passed: bool = False  # it fell due before the period of the default basis figure ended

    @property
    def name(self) -> str:
        return pair_name(self.pair)


def pairs(tables: Tables) -> list[str]:
    """Every pair the claims name: most trade figures (volumes and targets) first, then the rest."""
    claims = tables["claims"]
    trade = claims["metric"].isin(["trade_volume", "trade_target"])
    counts = (
        pd.DataFrame({"pair": claims["pair"], "trade": trade}).groupby("pair")["trade"].agg(["sum", "size"])
    )
    ordered = counts.sort_values(["sum", "size"], ascending=False, kind="stable")
    return list(ordered.index)


def default_pair(tables: Tables, options: list[str] | None = None) -> str:
    options = pairs(tables) if options is None else options
    return DEFAULT_PAIR if DEFAULT_PAIR in options else (options[0] if options else "")


def summaries(tables: Tables) -> dict[str, PairSummary]:
    """Every pair's summary, in one pass over the claims (the Overview shows dozens)."""
    dates = {
        a: d for a, d in zip(tables["articles"]["article_id"], tables["articles"]["published"], strict=True)
    }
    names = short_names(tables["people"])
    defaults: dict[str, tuple] = {}
    for d in tables["target_gaps"].itertuples():
        if d.is_default:
            defaults.setdefault(d.pair, d)
    by_pair: dict[str, list] = {}
    for c in tables["claims"].itertuples():
        by_pair.setdefault(c.pair, []).append(c)
    return {pair: _summarise(pair, rows, defaults.get(pair), dates, names) for pair, rows in by_pair.items()}


def pair_summary(every: Mapping[str, PairSummary], pair: str) -> PairSummary:
    """`pair`'s summary among `every` (from `summaries`); an empty one for a pair with no claims."""
    found = every.get(pair)
    return found or _summarise(pair, [], None, {}, {})


def held_for(start: str, end: str, published: str) -> str:
    """When a figure holds, as a card says it: the timeline's words for its span ("2019", "2023-01-01
    to 2023-04-30"), else "article of 2025-07-18" (only the date it was said is known)."""
    if start or end:
        return span_words({"metric": "trade_volume", "period_start": start, "period_end": end})
    return f"article of {published}" if published else "date not stated"


def _summarise(pair: str, rows: list, d: tuple | None, dates: Mapping[str, str], names: Mapping[str, str]) -> PairSummary:  # fmt: skip
    volumes = [c for c in rows if c.metric == "trade_volume"]
    targets = [c for c in rows if c.metric == "trade_target" and not c.direction]
    current = fmt.hedged_range([(v.value, v.unit, v.qualifier, v.scope) for v in volumes])
    # The latest figure: by the end of the span it covers when the ETL says, else its article's date.
    dated = [
        (getattr(v, "period_end", "") or dates.get(v.article_id, ""), k, v) for k, v in enumerate(volumes)
    ]
    dated = [x for x in dated if x[0]]
    latest, latest_value = "", math.nan
    if dated:
        _, _, v = max(dated, key=lambda x: (x[0], x[1]))
        when = held_for(
            getattr(v, "period_start", ""), getattr(v, "period_end", ""), dates.get(v.article_id, "")
        )
        latest, latest_value = f"{fmt.hedged(v.value, v.unit, v.qualifier, v.scope)} ({when})", float(v.value)
    gap = pct = basis = due = ""
    gap_value = pct_value = math.nan
    due_passed = False
    if d is not None:
        deadline, held_to = (
            str(getattr(d, "target_deadline", "") or ""),
            str(getattr(d, "current_period_end", "") or ""),
        )
        due, due_passed = deadline[:4], fell_due_before(deadline, held_to)
        target = fmt.money(d.target, d.unit)
        gap, pct = fmt.money(d.gap, d.unit), fmt.percent(d.pct_of_target)
        gap_value, pct_value = float(d.gap), float(d.pct_of_target)
        who = names.get(d.current_speaker, d.current_speaker) or "an unattributed source"
        basis = (
            f"{fmt.hedged(d.current, d.unit, d.current_qualifier, d.current_scope)} ({who}); {d.basis_rule}"
        )
    elif targets:
        value, unit = Counter((t.value, t.unit) for t in targets).most_common(1)[0][0]
        target = fmt.money(value, unit)
    else:
        target = "no target stated"
    ids = tuple(sorted({c.article_id for c in rows}))
    return PairSummary(
        pair, current or "no current figure reported", len(volumes), target, gap, pct, basis, len(ids), ids,
        latest, gap_value, pct_value, latest_value, due, due_passed,
    )  # fmt: skip


# The Overview's orders: URL value -> (label, key to sort on; pairs without the figure go last).
SORTS = {
    "gap": "Gap to target, largest first",
    "share": "Share of target reached, lowest first",
    "latest": "Latest figure, largest first",
    "name": "Name, A to Z",
}


def overview(tables: Tables, sort: str = "gap", find: str = "") -> list[PairSummary]:
    """Every pair's summary whose country names (or codes) hold `find`, in the order `sort`."""
    return ranked(summaries(tables), pairs(tables), sort, find)


def ranked(
    every: Mapping[str, PairSummary], ordered: list[str], sort: str = "gap", find: str = ""
) -> list[PairSummary]:
    """`overview` from the summaries and pairs already made (the app makes them once per build)."""
    words = find.casefold().split()
    found = [every[p] for p in ordered if all(w in _searchable(p) for w in words)]

    def key(s: PairSummary) -> tuple:
        value = {"gap": -s.gap_value, "share": s.pct_value, "latest": -s.latest_value}.get(sort, math.nan)
        missing = math.isnan(value)
        return (0 if sort == "name" else missing, 0.0 if missing else value, s.name)

    return sorted(found, key=key)


def _searchable(pair: str) -> str:
    codes = pair.split("-")
    return " ".join([*codes, *(country_name(c) for c in codes)]).casefold()


def bases(tables: Tables, pair: str) -> tuple[list[str], str]:
    """Basis claim ids of a pair in display order, and the default one."""
    gaps = tables["target_gaps"]
    rows = gaps[gaps["pair"] == pair]
    if rows.empty:
        return [], ""
    ids = list(rows["basis_claim_id"])
    default = rows[rows["is_default"]]["basis_claim_id"]
    return ids, default.iloc[0] if len(default) else ids[0]


def basis_year(tables: Tables, basis: str, published: str = "") -> int | None:
    """The year a basis figure holds: the end of the span it covers when the ETL gives one, else its
    article's date, else None (unknown: the page asks rather than assume today's year)."""
    claims = tables["claims"]
    if "period_end" in claims.columns:
        end = claims.loc[claims["claim_id"] == basis, "period_end"]
        if len(end) and str(end.iloc[0])[:4].isdigit():
            return int(str(end.iloc[0])[:4])
    return int(published[:4]) if published[:4].isdigit() else None


def balance_pairs(tables: Tables) -> list[str]:
    return list(dict.fromkeys(tables["trade_balance"]["pair"]))


def category_flows(tables: Tables, pair: str | None = None) -> list[str]:
    """Export flows with categories, as "EXPORTER->IMPORTER" (of one pair when given)."""
    cats = tables["export_categories"]
    flows = list(dict.fromkeys(cats["exporter"] + "->" + cats["importer"]))
    if pair is None:
        return flows
    return [f for f in flows if "-".join(sorted(f.split("->"))) == pair]


# --- page names that follow the pair --------------------------------------------------------------
def imbalance_title(tables: Tables, pair: str, basis: str | None = None) -> str:
    """ "Iraq's export imbalance with Iran": the side that sells less on `basis` (default: every
    basis of the pair) names the page."""
    balance = tables["trade_balance"]
    rows = balance[balance["pair"] == pair]
    if basis is not None:
        rows = rows[rows["basis_claim_id"] == basis]
    if rows.empty:
        return f"Export imbalance: {pair_name(pair)}"
    words = read_imbalance(rows)
    if words.balanced:
        return f"{pair_name(pair)}: trade about even both ways"
    if words.mixed:
        return f"Export imbalance: {pair_name(pair)}"
    return f"{country_name(words.smaller)}'s export imbalance with {country_name(words.larger)}"


def imbalance_nav(tables: Tables, pair: str) -> str:
    """The navigation's name for the imbalance page: "Iraq's export imbalance" for a pair where the
    figures say who sells less, else "Export imbalance"."""
    title = imbalance_title(tables, pair)
    return title.split(" with ")[0] if "'s export imbalance with " in title else "Export imbalance"


def export_mix_title(flow: str) -> str:
    exporter, importer = flow.split("->")
    return f"{country_name(exporter)}'s export mix to {country_name(importer)}"


def export_mix_nav(tables: Tables, pair: str) -> str:
    """ "Iran's export mix" when the pair has one flow with categories, else "Export mix"."""
    flows = category_flows(tables, pair)
    return f"{country_name(flows[0].split('->')[0])}'s export mix" if len(flows) == 1 else "Export mix"


@dataclass(frozen=True)
class TimelineView:
    placed_any: bool  # whether the pair has a figure or target that can be placed in time
    undated: pd.DataFrame  # the figures that give no date, as the page lists them


def timeline_view(tables: Tables, pair: str) -> TimelineView:
    """What the Timeline page shows besides its chart: a pair reported for years has hundreds of
    undated figures, too many to list again on every run (ui.data makes this once per build)."""
    placed, unplaced = timeline_rows(tables, pair)
    table = timeline_table(unplaced, tables)
    # A table cell is plain text, not Markdown: the period as the article said it, unescaped.
    table["When"] = [f"not stated (said: “{p}”)" if p else "not stated" for p in unplaced["period"]]
    return TimelineView(not placed.empty, table)


def basis_labels(tables: Tables, pair: str) -> dict[str, str]:
    """Each current figure of a pair (its basis claim id) as Current vs target's picker names it.
    Made once per build (ui.data): a pair reported for years has hundreds of bases, and naming
    each from its table row on every run cost a quarter of a second at 1,800."""
    gaps = tables["target_gaps"]
    rows = gaps[gaps["pair"] == pair]
    names, when = short_names(tables["people"]), basis_when(tables, rows)
    return {
        r["basis_claim_id"]: basis_label(r, names, when.get(r["basis_claim_id"], ""))
        + (" (default)" if r["is_default"] else "")
        for r in rows.to_dict("records")
    }
