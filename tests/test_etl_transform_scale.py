"""The vectorised derived tables give, byte for byte, what the per-pair loops they replaced gave.

The loops (`_old_*` below, kept verbatim from etl/transform.py before the rewrite, apart from
names) are the reference: on the seed articles' claims and on thousands of generated ones, both
are written with the same CSV writer and compared as bytes.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.contract import Claim
from etl.corpus import Article
from etl.pipeline import RAW
from etl.tables import columns, empty, read_tables, to_csv_bytes, validate
from etl.transform import (
    MAX_TARGET_CLAIM_IDS,
    articles_table,
    claims_table,
    rank_bases,
    span_label,
    target_gaps,
    trade_balance,
)

# --- the reference: per-pair loops, written plainly ---------------------------------------------
# The same rules as etl/transform.py, one pair and one basis at a time: the vectorised tables must
# give these bytes. (The span's words come from `span_label`, tested on its own below.)
_REF_RULES = [
    ("exact figure with no stated scope", lambda c: c.qualifier == "exact" and not c.scope),
    ("exact figure (scope as stated)", lambda c: c.qualifier == "exact"),
    ("hedged figure with no stated scope", lambda c: not c.scope),
    ("only figures with a stated scope", lambda c: True),
]
_REF_TIMING = {"year": 0, "": 1, "multi_year": 2, "part_year": 3, "month": 3, "deadline": 3}


def _ref_order(rows: pd.DataFrame, articles: pd.DataFrame) -> list:
    """Best basis first: full-year, then latest span end, then the basis rules, then latest article."""
    dated = articles.set_index("article_id")["published"]
    keyed = []
    for c in rows.itertuples():
        timing = _REF_TIMING.get(c.coverage or "", 1)
        tier = next(i for i, (_, rule) in enumerate(_REF_RULES) if rule(c))
        date = dated.get(c.article_id, "") or ""
        keyed.append(
            ((timing, _desc(c.period_end or ""), tier, _desc(date), c.article_id, c.start), timing, tier, c)
        )
    keyed.sort(key=lambda k: k[0])
    return [(timing, tier, c) for _, timing, tier, c in keyed]


def _desc(text: str) -> tuple:
    """A sort key putting later ISO dates first and "" last."""
    return (text == "", tuple(-ord(ch) for ch in text))


def _ref_target_gaps(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for pair, group in claims.groupby("pair", sort=True):
        targets = group[(group["metric"] == "trade_target") & (group["direction"] == "")]
        volumes = group[group["metric"] == "trade_volume"]
        if targets.empty or volumes.empty:
            continue
        counts = targets.groupby(["value", "unit"]).size().reset_index(name="n")
        best = counts.sort_values(["n", "value", "unit"], ascending=[False, False, True]).iloc[0]
        target, unit = float(best["value"]), best["unit"]
        stating = targets[(targets["value"] == target) & (targets["unit"] == unit)]
        target_ids = ";".join(list(stating["claim_id"])[:MAX_TARGET_CLAIM_IDS])
        deadline = max((e for e in stating["period_end"] if e), default="")
        same_unit = volumes[volumes["unit"] == unit]
        if same_unit.empty:
            continue
        for i, (timing, tier, c) in enumerate(_ref_order(same_unit, articles)):
            span = span_label(pd.Series([c.period_start]), pd.Series([c.period_end]), pd.Series([c.coverage]),
                              pd.Series([c.period])).iloc[0]  # fmt: skip
            why = {0: f"latest full-year figure ({span}), ", 1: "period not stated, ",
                   2: f"several years ({span}), "}.get(timing, f"covers {span}, not a year's trade: ")  # fmt: skip
            default = i == 0 and timing < 3
            rows.append({
                "pair": pair, "basis_claim_id": c.claim_id, "current": c.value,
                "current_qualifier": c.qualifier, "current_scope": c.scope,
                "current_speaker": c.speaker, "current_article_id": c.article_id,
                "current_period": c.period, "current_period_start": c.period_start,
                "current_period_end": c.period_end, "current_coverage": c.coverage, "current_span": span,
                "target": target, "target_claim_ids": target_ids, "target_deadline": deadline, "unit": unit,
                "gap": target - c.value, "pct_of_target": 100 * c.value / target if target else 0.0,
                "is_default": default,
                "basis_rule": ("default: " if default else "alternative: ") + why + _REF_RULES[tier][0],
            })  # fmt: skip
    return pd.DataFrame(rows, columns=columns("target_gaps")) if rows else empty("target_gaps")


def _ref_trade_balance(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for pair, group in claims.groupby("pair", sort=True):
        volumes = group[group["metric"] == "trade_volume"]
        exports = group[(group["metric"] == "exports") & (group["category"] == "")]
        if volumes.empty or exports.empty:
            continue
        a, b = pair.split("-")
        for _, _, basis in _ref_order(volumes, articles):
            sides = {}
            for direction in (f"{a}->{b}", f"{b}->{a}"):
                flows = exports[(exports["unit"] == basis.unit) & (exports["direction"] == direction)]
                here = flows[flows["article_id"] == basis.article_id]
                spanned = bool(basis.period_start and basis.period_end)
                same = flows[
                    (flows["period_start"] == basis.period_start) & (flows["period_end"] == basis.period_end)
                ]
                pick = here if len(here) else (same if spanned else same.iloc[0:0])
                if len(pick):
                    best = _ref_order(pick, articles)[0][2]
                    how = "same article" if len(here) else "same period"
                    sides[direction] = (float(best.value), False, best.claim_id, how)
                else:
                    sides[direction] = None
            missing = [d for d, v in sides.items() if v is None]
            if len(missing) == 2:
                continue
            if missing:
                rest = basis.value - sum(v[0] for v in sides.values() if v is not None)
                if rest < 0:
                    continue
                sides[missing[0]] = (rest, True, "", "derived: total minus the other side")
            values = {d: v[0] for d, v in sides.items()}
            if min(values.values()) <= 0:
                continue
            total = sum(values.values()) if not missing else basis.value
            span = span_label(pd.Series([basis.period_start]), pd.Series([basis.period_end]),
                              pd.Series([basis.coverage]), pd.Series([basis.period])).iloc[0]  # fmt: skip
            for direction, (value, derived, claim_id, how) in sides.items():
                other = next(values[d] for d in values if d != direction)
                rows.append({
                    "pair": pair, "basis_claim_id": basis.claim_id, "total": basis.value,
                    "unit": basis.unit, "direction": direction, "exports": value,
                    "derived": derived, "exports_claim_id": claim_id, "matched_by": how,
                    "share_of_total": 100 * value / total if total else 0.0,
                    "ratio_to_other": value / other, "period": basis.period, "period_start": basis.period_start,
                    "period_end": basis.period_end, "coverage": basis.coverage, "span": span,
                })  # fmt: skip
    return pd.DataFrame(rows, columns=columns("trade_balance")) if rows else empty("trade_balance")


def test_span_label_words() -> None:
    got = span_label(
        pd.Series(["2024-01-01", "2024-03-20", "2023-03-21", "2022-01-01", "", ""]),
        pd.Series(["2024-12-31", "2025-03-20", "2023-07-22", "2022-01-31", "", ""]),
        pd.Series(["year", "year", "part_year", "month", "year", ""]),
        pd.Series(["2024", "1403", "first four months of 1402", "January 2022", "annual", ""]),
    )
    assert list(got) == ["2024", "year to 2025-03-20", "4 months to 2023-07-22", "1 month (2022-01)", "annual",
                         "period not stated"]  # fmt: skip


def _csv(table: str, df: pd.DataFrame) -> bytes:
    return to_csv_bytes(validate(table, df[columns(table)].reset_index(drop=True)))


def _assert_same(claims: pd.DataFrame, articles: pd.DataFrame) -> None:
    assert _csv("target_gaps", target_gaps(claims, articles)) == _csv(
        "target_gaps", _ref_target_gaps(claims, articles)
    )
    assert _csv("trade_balance", trade_balance(claims, articles)) == _csv(
        "trade_balance", _ref_trade_balance(claims, articles)
    )


# --- generated claims ----------------------------------------------------------------------------
PAIRS = ["CHN-IRN", "DEU-IRN", "IRN-IRQ", "IRN-TJK", "IRQ-TUR"]
VALUES = [0.0, 0.5e9, 1e9, 1.15e9, 2.5e9, 10e9, 12e9, 0.1 + 0.2, 18e9, 20e9, 25e9, 1e16 / 3]
TARGETS = [20e9, 20e9, 20e9, 25e9, 25e9, 1e9]  # few, so that ties and the cap both happen
# Spans that meet (so the same-period match happens) and do not (so it is refused).
SPANS = [
    ("", "", "", ""),
    ("", "", "", ""),
    ("annual", "", "", "year"),
    ("2024", "2024-01-01", "2024-12-31", "year"),
    ("2023", "2023-01-01", "2023-12-31", "year"),
    ("first four months of 1402", "2023-03-21", "2023-07-22", "part_year"),
    ("January 2024", "2024-01-01", "2024-01-31", "month"),
]


def _generated(seed: int, n_articles: int, claims_per_article: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(seed)
    claims = []
    dates = {}
    for i in range(n_articles):
        aid = f"g{rng.randrange(10**6):06d}_{i}"
        dates[aid] = rng.choice(["", "", "2023-05-01", "2024-01-01", "2024-01-01", "2025-07-18"])
        starts = rng.sample(range(5000), claims_per_article)
        for start in starts:
            pair = rng.choice(PAIRS)
            a, b = pair.split("-")
            metric = rng.choice(["trade_volume", "trade_volume", "trade_target", "exports", "exports",
                                 "import_share"])  # fmt: skip
            # IRN-TJK flows are only ever reported one way: the other side is derived.
            ways = [f"{a}->{b}"] if pair == "IRN-TJK" else [f"{a}->{b}", f"{b}->{a}"]
            direction = rng.choice(ways) if metric in ("exports", "import_share") else ""
            unit = "percent" if metric == "import_share" else rng.choice(["USD", "USD", "USD", "EUR"])
            period, p_start, p_end, coverage = rng.choice(SPANS)
            claims.append(Claim(
                claim_id=f"{aid}:{start}", article_id=aid, pair=pair, metric=metric, direction=direction,
                category=rng.choice(["", "", "", "", "copper"]) if metric == "exports" else "",
                value=rng.choice(TARGETS if metric == "trade_target" else VALUES), unit=unit,
                qualifier=rng.choice(["exact", "exact", "approx", "lower_bound", "upper_bound"]),
                scope=rng.choice(["", "", "including energy", "non-oil"]),
                period=period, period_start=p_start, period_end=p_end, coverage=coverage,
                target_kind="", speaker=rng.choice(["", "Samad Hassanzadeh", "=cmd"]),
                quote="A sentence, with a comma.", start=start, end=start + 5, method="generated",
            ))  # fmt: skip
    df = claims_table(claims)
    arts = [Article(a, "", "sha256:" + "0" * 64, published=d) for a, d in sorted(dates.items())]
    return df, articles_table(arts, df)


def test_seed_articles_give_the_same_tables():
    tables = read_tables(RAW.parent / "processed")
    _assert_same(tables["claims"], tables["articles"])


@pytest.mark.parametrize("seed", range(2))
def test_thousands_of_generated_claims_give_the_same_tables(seed):
    claims, articles = _generated(seed, n_articles=500, claims_per_article=4)
    assert len(claims) == 2000
    gaps = target_gaps(claims, articles)
    assert len(gaps) > 400 and gaps["pair"].nunique() >= 4, "the case must exercise the tables"
    assert (gaps["target_claim_ids"].str.count(";") == MAX_TARGET_CLAIM_IDS - 1).any(), "cap not reached"
    assert trade_balance(claims, articles)["derived"].any()
    _assert_same(claims, articles)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 12), per=st.integers(1, 6))
def test_small_generated_cases_give_the_same_tables(seed, n, per):
    claims, articles = _generated(seed, n_articles=n, claims_per_article=per)
    _assert_same(claims, articles)


def test_the_rank_is_one_sort_key_per_group():
    claims, articles = _generated(3, n_articles=50, claims_per_article=4)
    ranked = rank_bases(claims[claims["metric"] == "trade_volume"], articles)
    for _, group in ranked.groupby("pair", sort=False):
        ref = _ref_order(group.drop(columns=["tier", "timing"]), articles)
        assert list(group["claim_id"]) == [c.claim_id for _, _, c in ref]


def test_a_part_year_figure_is_never_the_default_and_spans_are_never_mixed():
    claims, articles = _generated(11, n_articles=300, claims_per_article=4)
    gaps = target_gaps(claims, articles)
    assert not gaps[gaps["is_default"] & gaps["current_coverage"].isin(["part_year", "month"])].shape[0]
    assert gaps.groupby("pair")["is_default"].sum().max() == 1
    balance = trade_balance(claims, articles)
    reported = (
        balance[~balance["derived"]]
        .merge(
            claims[["claim_id", "article_id", "period_start", "period_end"]],
            left_on="exports_claim_id",
            right_on="claim_id",
            suffixes=("", "_flow"),
        )
        .merge(
            claims[["claim_id", "article_id"]],
            left_on="basis_claim_id",
            right_on="claim_id",
            suffixes=("", "_basis"),
        )
    )
    same_article = reported["article_id"] == reported["article_id_basis"]
    same_span = (reported["period_start"] == reported["period_start_flow"]) & (
        reported["period_end"] == reported["period_end_flow"]
    )
    assert (same_article | (same_span & (reported["period_start"] != ""))).all()
    assert (balance.loc[balance["matched_by"] == "same period", "period_start"] != "").all()


def test_the_cap_on_target_ids_is_documented_in_the_schema():
    from etl.tables import fields

    (field,) = [f for f in fields("target_gaps") if f["name"] == "target_claim_ids"]
    assert f"the first {MAX_TARGET_CLAIM_IDS} " in field["description"]
