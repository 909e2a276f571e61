"""Claims -> the tidy tables the dashboard draws: articles, people, categories, gaps, balance.

Every derived table is built with grouped, vectorised pandas over the whole claims table: the
cost grows with the number of claims, never with its square. Which figure is the default basis
is one separate step, `rank_bases`, a sort key built from columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Protocol

import numpy as np
import pandas as pd

from etl.contract import CategoryRow, Claim
from etl.people import Person
from etl.tables import columns, empty, typed_frame

# Which current figure a chart starts from, best first: (wording shown to users, condition on
# the claims' columns). A claim's tier is the first rule it meets.
BASIS_RULES = [
    ("exact figure with no stated scope", lambda c: (c["qualifier"] == "exact") & (c["scope"] == "")),
    ("exact figure (scope as stated)", lambda c: c["qualifier"] == "exact"),
    ("hedged figure with no stated scope", lambda c: c["scope"] == ""),
    ("only figures with a stated scope", lambda c: pd.Series(True, index=c.index)),
]
# The claims that state a pair's target, listed on each of its gap rows: a cap keeps the table
# linear in the number of claims (every row repeating every target claim of 100,000 articles
# would make it quadratic). The first ones in claims order, that is by article then position.
MAX_TARGET_CLAIM_IDS = 10


class ArticleLike(Protocol):
    article_id: str
    title: str
    publisher: str
    published: str
    url: str
    checksum: str


def claims_table(claims: Iterable[Claim]) -> pd.DataFrame:
    """The claims of extract() as the claims table (columns from tables.yml)."""
    row = attrgetter(*columns("claims"))
    return typed_frame("claims", [row(c) for c in claims])


def categories_table(rows: Iterable[CategoryRow]) -> pd.DataFrame:
    row = attrgetter(*columns("export_categories"))
    return typed_frame("export_categories", [row(r) for r in rows])


def articles_table(articles: Sequence[ArticleLike], claims: pd.DataFrame) -> pd.DataFrame:
    """One row per article, in the given order, with the number of claims found in it."""
    if not articles:
        return empty("articles")
    df = pd.DataFrame({
        name: [getattr(a, name) for a in articles]
        for name in ("article_id", "title", "publisher", "published", "url", "checksum")
    })  # fmt: skip
    df["date_source"] = np.where(df["published"] != "", "metadata", "none")
    counts = claims["article_id"].value_counts()
    df["n_claims"] = df["article_id"].map(counts).fillna(0).astype(int)
    return df[columns("articles")]


def people_table(people: list[Person], claims: pd.DataFrame) -> pd.DataFrame:
    """Everyone in the reference list, plus speakers the rules found who are not in it."""
    rows = [{"name": p.name, "aliases": ";".join(p.aliases), "role": p.role} for p in people]
    known = {p.name for p in people}
    for name in sorted(set(claims["speaker"]) - known - {""}):
        rows.append({"name": name, "aliases": "", "role": ""})
    return pd.DataFrame(rows, columns=columns("people")) if rows else empty("people")


# --- the default basis ---------------------------------------------------------------------------
def rank_bases(claims: pd.DataFrame, articles: pd.DataFrame, by: Sequence[str] = ("pair",)) -> pd.DataFrame:
    """The claims ordered best basis first within each group of `by`, with their `tier`.

    The rank is one sort over a key built from columns: the first basis rule met (tier), then
    the most recently dated article (undated last), then the first stated.
    """
    rules = [rule(claims).to_numpy(dtype=bool) for _, rule in BASIS_RULES]
    ranked = claims.assign(
        tier=np.select(rules, list(range(len(rules))), default=len(rules) - 1),
        _date=claims["article_id"].map(articles.set_index("article_id")["published"]).fillna(""),
    )
    key = [*by, "tier", "_date", "article_id", "start"]
    ascending = [True] * len(by) + [True, False, True, True]
    return ranked.sort_values(key, ascending=ascending, kind="stable").drop(columns="_date")


def _first_in_group(ranked: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    return ranked[~ranked.duplicated(list(by))]


# --- target gaps ---------------------------------------------------------------------------------
def _pair_targets(targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Per pair: the target most sources state (a tie goes to the larger); and the claims that
    state it, as the target_claim_ids of the pair."""
    counts = targets.groupby(["pair", "value", "unit"], sort=True).size().reset_index(name="n")
    counts = counts.sort_values(["pair", "n", "value", "unit"], ascending=[True, False, False, True])
    best = _first_in_group(counts, ["pair"])[["pair", "value", "unit"]]
    stating = targets[["pair", "value", "unit", "claim_id"]].merge(best, on=["pair", "value", "unit"])
    stating = stating[stating.groupby("pair").cumcount() < MAX_TARGET_CLAIM_IDS]  # keeps the claims' order
    ids = stating.groupby("pair", sort=False)["claim_id"].agg(";".join)
    return best.rename(columns={"value": "target"}), ids


# What the derived tables are made of: these metrics, without the columns they never show (the
# sentence and the rule's name are most of the claims table's memory).
DERIVED_METRICS = ("trade_volume", "trade_target", "exports")
_NOT_DERIVED = ("quote", "method")


def derived_input(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims the derived tables use, as target_gaps and trade_balance take them."""
    return claims.loc[claims["metric"].isin(DERIVED_METRICS), ~claims.columns.isin(_NOT_DERIVED)]


def _figures(claims: pd.DataFrame, metric: str) -> pd.DataFrame:
    return claims.loc[claims["metric"] == metric, ~claims.columns.isin(_NOT_DERIVED)]


def target_gaps(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Each current-volume claim against its pair's target, the default basis first."""
    targets = _figures(claims, "trade_target")
    volumes = _figures(claims, "trade_volume")
    if targets.empty or volumes.empty:
        return empty("target_gaps")
    # Current figures in another currency than the target have no gap without an exchange rate.
    pair_targets, target_ids = _pair_targets(targets)
    same_unit = volumes.merge(pair_targets, on=["pair", "unit"])
    if same_unit.empty:
        return empty("target_gaps")
    g = rank_bases(same_unit, articles).reset_index(drop=True)
    first = g.groupby("pair", sort=False).cumcount() == 0
    label = np.array([text for text, _ in BASIS_RULES], dtype=object)[g["tier"].to_numpy()]
    value, target = g["value"].to_numpy(float), g["target"].to_numpy(float)
    out = pd.DataFrame({
        "pair": g["pair"], "basis_claim_id": g["claim_id"], "current": value,
        "current_qualifier": g["qualifier"], "current_scope": g["scope"],
        "current_speaker": g["speaker"], "current_article_id": g["article_id"],
        "target": target, "target_claim_ids": g["pair"].map(target_ids), "unit": g["unit"],
        "gap": target - value, "pct_of_target": _ratio(100 * value, target),
        "is_default": first.to_numpy(),
        "basis_rule": np.where(first, "default: " + label, "alternative: " + label),
    })  # fmt: skip
    return out[columns("target_gaps")]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, and 0.0 where den is 0."""
    return np.divide(num, den, out=np.zeros_like(num, dtype=float), where=den != 0)


# --- trade balance -------------------------------------------------------------------------------
def trade_balance(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Each basis total split by direction; an unreported side is total minus the reported one."""
    volumes = _figures(claims, "trade_volume")
    exports = _figures(claims, "exports")
    if volumes.empty or exports.empty:
        return empty("trade_balance")
    bases = rank_bases(volumes[volumes["pair"].isin(exports["pair"])], articles).reset_index(drop=True)
    bases = bases[["pair", "claim_id", "value", "unit"]].assign(_order=np.arange(len(bases)))
    # The two sides of a pair "A-B": A->B first, then B->A.
    a, b = bases["pair"].str[:3], bases["pair"].str[4:]
    sides = [bases.assign(direction=a + "->" + b, _side=0), bases.assign(direction=b + "->" + a, _side=1)]
    # The side reported for a basis: the best exports claim of that pair, unit and direction.
    best = _first_in_group(rank_bases(exports, articles, by=("pair", "unit", "direction")),
                           ["pair", "unit", "direction"])  # fmt: skip
    best = best[["pair", "unit", "direction", "value", "claim_id"]].rename(
        columns={"value": "reported", "claim_id": "exports_claim_id"}
    )
    rows = pd.concat(sides).merge(best, on=["pair", "unit", "direction"], how="left")
    rows = rows.sort_values(["_order", "_side"]).reset_index(drop=True)

    total = rows["value"].to_numpy(float)
    reported = rows["reported"].to_numpy(float)
    this = reported.reshape(-1, 2)  # one line per basis: [A->B, B->A]
    n_reported = (~np.isnan(this)).sum(axis=1)
    # A missing side is the total minus the reported one (0 + it, as a Python sum would give).
    rest = total[::2] - np.nansum(this, axis=1)
    derived = np.isnan(this) & (n_reported == 1)[:, None]
    exports_value = np.where(derived, rest[:, None], this)
    keep = (n_reported > 0) & ~((n_reported == 1) & (rest < 0))  # the reported side exceeds the total
    keep &= np.nanmin(np.where(np.isnan(exports_value), np.inf, exports_value), axis=1) > 0
    basis_total = np.where(n_reported == 2, this.sum(axis=1), total[::2])
    share = _ratio(100 * exports_value, np.repeat(basis_total[:, None], 2, axis=1))
    ratio = exports_value / np.where(keep[:, None], exports_value[:, ::-1], 1.0)

    out = pd.DataFrame({
        "pair": rows["pair"], "basis_claim_id": rows["claim_id"], "total": total,
        "unit": rows["unit"], "direction": rows["direction"], "exports": exports_value.ravel(),
        "derived": derived.ravel(), "exports_claim_id": rows["exports_claim_id"].fillna(""),
        "share_of_total": share.ravel(), "ratio_to_other": ratio.ravel(),
    })  # fmt: skip
    out = out[np.repeat(keep, 2)]
    return out[columns("trade_balance")].reset_index(drop=True) if len(out) else empty("trade_balance")
