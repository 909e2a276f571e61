"""Claims -> the tidy tables the dashboard draws: articles, people, categories, gaps, balance."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

import pandas as pd

from etl.contract import CLAIM_COLUMNS, CategoryRow, Claim
from etl.corpus import Article
from etl.people import Person
from etl.tables import columns, empty

# Which current figure a chart starts from, best first. The wording is shown to users.
BASIS_RULES = [
    ("exact figure with no stated scope", lambda c: c.qualifier == "exact" and not c.scope),
    ("exact figure (scope as stated)", lambda c: c.qualifier == "exact"),
    ("hedged figure with no stated scope", lambda c: not c.scope),
    ("only figures with a stated scope", lambda c: True),
]


def claims_table(claims: Iterable[Claim]) -> pd.DataFrame:
    rows = [c.row() for c in claims]
    if not rows:
        return empty("claims")
    df = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    return df.astype({"value": float, "start": int, "end": int})


def articles_table(articles: list[Article], claims: pd.DataFrame) -> pd.DataFrame:
    counts = claims["article_id"].value_counts()
    rows = [
        {"article_id": a.article_id, "title": a.title, "publisher": a.publisher,
         "published": a.published, "date_source": "metadata" if a.published else "none",
         "url": a.url, "checksum": a.checksum,
         "n_claims": int(counts.get(a.article_id, 0))}
        for a in articles
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns("articles")) if rows else empty("articles")


def categories_table(rows: Iterable[CategoryRow]) -> pd.DataFrame:
    records = [asdict(r) for r in rows]
    if not records:
        return empty("export_categories")
    df = pd.DataFrame(records, columns=columns("export_categories"))
    return df.astype({"share": float})


def people_table(people: list[Person], claims: pd.DataFrame) -> pd.DataFrame:
    """Everyone in the reference list, plus speakers the rules found who are not in it."""
    rows = [{"name": p.name, "aliases": ";".join(p.aliases), "role": p.role} for p in people]
    known = {p.name for p in people}
    for name in sorted(set(claims["speaker"]) - known - {""}):
        rows.append({"name": name, "aliases": "", "role": ""})
    return pd.DataFrame(rows, columns=columns("people")) if rows else empty("people")


def _basis_order(volumes: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Volume claims of one pair, the default basis first, and the rule that picked it."""
    dated = articles.set_index("article_id")["published"]
    v = volumes.copy()
    v["_date"] = v["article_id"].map(dated).fillna("")
    tier = []
    for row in v.itertuples():
        tier.append(next(i for i, (_, rule) in enumerate(BASIS_RULES) if rule(row)))
    v["tier"] = tier
    # Best tier, then the most recently dated article (undated last), then the first stated.
    v = v.sort_values(["tier", "_date", "article_id", "start"], ascending=[True, False, True, True])
    return v.drop(columns=["_date"]), BASIS_RULES[int(v["tier"].iloc[0])][0]


def target_gaps(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for pair, group in claims.groupby("pair", sort=True):
        targets = group[group["metric"] == "trade_target"]
        volumes = group[group["metric"] == "trade_volume"]
        if targets.empty or volumes.empty:
            continue
        # The target most sources state; a tie goes to the larger (the more ambitious) one.
        counts = targets.groupby(["value", "unit"]).size().reset_index(name="n")
        best = counts.sort_values(["n", "value"], ascending=[False, False]).iloc[0]
        target, unit = float(best["value"]), best["unit"]
        target_ids = ";".join(targets[(targets["value"] == target) & (targets["unit"] == unit)]["claim_id"])
        same_unit = volumes[volumes["unit"] == unit]
        if same_unit.empty:
            continue  # current figures in another currency: no gap without an exchange rate
        ordered, rule = _basis_order(same_unit, articles)
        for i, c in enumerate(ordered.itertuples()):
            rows.append({
                "pair": pair, "basis_claim_id": c.claim_id, "current": c.value,
                "current_qualifier": c.qualifier, "current_scope": c.scope,
                "current_speaker": c.speaker, "current_article_id": c.article_id,
                "target": target, "target_claim_ids": target_ids, "unit": unit,
                "gap": target - c.value, "pct_of_target": 100 * c.value / target if target else 0.0,
                "is_default": i == 0,
                "basis_rule": f"default: {rule}" if i == 0 else f"alternative: {BASIS_RULES[c.tier][0]}",
            })  # fmt: skip
    return pd.DataFrame(rows, columns=columns("target_gaps")) if rows else empty("target_gaps")


def trade_balance(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Each basis total split by direction; an unreported side is total minus the reported one."""
    rows = []
    for pair, group in claims.groupby("pair", sort=True):
        volumes = group[group["metric"] == "trade_volume"]
        exports = group[group["metric"] == "exports"]
        if volumes.empty or exports.empty:
            continue
        ordered, _ = _basis_order(volumes, articles)
        for basis in ordered.itertuples():
            same_unit = exports[exports["unit"] == basis.unit]
            reported = {}
            for direction, flows in same_unit.groupby("direction"):
                reported[direction] = _basis_order(flows, articles)[0].iloc[0]
            if not reported:
                continue
            a, b = pair.split("-")
            sides = {f"{a}->{b}": None, f"{b}->{a}": None}
            for direction, claim in reported.items():
                sides[direction] = (float(claim["value"]), False, claim["claim_id"])
            missing = [d for d, v in sides.items() if v is None]
            if missing:
                known = sum(v[0] for v in sides.values() if v is not None)
                rest = basis.value - known
                if rest < 0:
                    continue  # the reported side exceeds this total: no honest split
                sides[missing[0]] = (rest, True, "")
            values = {d: v[0] for d, v in sides.items()}
            if min(values.values()) <= 0:
                continue  # a zero side has no meaningful ratio
            total = sum(values.values()) if not missing else basis.value
            for direction, (value, derived, claim_id) in sides.items():
                other = next(values[d] for d in values if d != direction)
                rows.append({
                    "pair": pair, "basis_claim_id": basis.claim_id, "total": basis.value,
                    "unit": basis.unit, "direction": direction, "exports": value,
                    "derived": derived, "exports_claim_id": claim_id,
                    "share_of_total": 100 * value / total if total else 0.0,
                    "ratio_to_other": value / other,
                })  # fmt: skip
    return pd.DataFrame(rows, columns=columns("trade_balance")) if rows else empty("trade_balance")
