"""What a page says in words: per-pair summaries and the options a page offers. Pure pandas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from charts import format as fmt

Tables = Mapping[str, pd.DataFrame]


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


def pairs(tables: Tables) -> list[str]:
    """Pairs with a trade figure, most-reported first."""
    claims = tables["claims"]
    trade = claims[claims["metric"].isin(["trade_volume", "trade_target"])]
    counts = trade.groupby("pair").size().sort_values(ascending=False, kind="stable")
    return list(counts.index)


def pair_summary(tables: Tables, pair: str) -> PairSummary:
    claims = tables["claims"]
    mine = claims[claims["pair"] == pair]
    volumes = mine[mine["metric"] == "trade_volume"].sort_values("value", kind="stable")
    targets = mine[mine["metric"] == "trade_target"]
    gaps = tables["target_gaps"]
    default = gaps[(gaps["pair"] == pair) & gaps["is_default"]]
    if volumes.empty:
        current = "no current figure reported"
    else:
        low, high = volumes.iloc[0], volumes.iloc[-1]
        current = fmt.hedged(low.value, low.unit, low.qualifier, low.scope)
        if len(volumes) > 1:
            current += " to " + fmt.hedged(high.value, high.unit, high.qualifier, high.scope)
    if len(default):
        d = default.iloc[0]
        target = fmt.money(d.target, d.unit)
        gap, pct = fmt.money(d.gap, d.unit), fmt.percent(d.pct_of_target)
        who = d.current_speaker or "an unattributed source"
        basis = (
            f"{fmt.hedged(d.current, d.unit, d.current_qualifier, d.current_scope)} ({who}); {d.basis_rule}"
        )
    elif len(targets):
        common = targets.groupby(["value", "unit"]).size().sort_values(ascending=False).index[0]
        target, gap, pct, basis = fmt.money(common[0], common[1]), "", "", ""
    else:
        target, gap, pct, basis = "no target stated", "", "", ""
    ids = tuple(sorted(set(mine["article_id"])))
    return PairSummary(pair, current, len(volumes), target, gap, pct, basis, len(ids), ids)


def bases(tables: Tables, pair: str) -> tuple[list[str], str]:
    """Basis claim ids of a pair in display order, and the default one."""
    gaps = tables["target_gaps"]
    rows = gaps[gaps["pair"] == pair]
    if rows.empty:
        return [], ""
    ids = list(rows["basis_claim_id"])
    default = rows[rows["is_default"]]["basis_claim_id"]
    return ids, default.iloc[0] if len(default) else ids[0]


def balance_pairs(tables: Tables) -> list[str]:
    return list(dict.fromkeys(tables["trade_balance"]["pair"]))


def category_flows(tables: Tables) -> list[str]:
    """Export flows with categories, as "EXPORTER->IMPORTER"."""
    cats = tables["export_categories"]
    return list(dict.fromkeys(cats["exporter"] + "->" + cats["importer"]))
