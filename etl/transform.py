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
import pyarrow as arrow
import pyarrow.compute as pc

from etl.contract import CLAIM_COLUMNS, CategoryRow, Claim
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
    """The claims of extract() in the claims table's extractor columns (CLAIM_COLUMNS); the review
    columns after them are added by etl.review.apply."""
    row = attrgetter(*CLAIM_COLUMNS)
    return typed_frame("claims", [row(c) for c in claims], CLAIM_COLUMNS)


def categories_table(rows: Iterable[CategoryRow]) -> pd.DataFrame:
    row = attrgetter(*columns("export_categories"))
    return typed_frame("export_categories", [row(r) for r in rows])


_ARTICLE_META = ("article_id", "title", "publisher", "published", "url", "checksum")


def articles_table(articles: Sequence[ArticleLike], claims: pd.DataFrame) -> pd.DataFrame:
    """One row per article, in the given order, with the number of claims found in it."""
    if not articles:
        return empty("articles")
    meta = {name: arrow.array([getattr(a, name) for a in articles], arrow.string()) for name in _ARTICLE_META}
    meta["date_source"] = arrow.array([getattr(a, "date_source", "") for a in articles], arrow.string())
    counts = pc.value_counts(arrow.array(claims["article_id"].astype(str), arrow.string()))
    return articles_frame(arrow.table(meta), claims_per_article(meta["article_id"], counts))


def claims_per_article(article_ids: arrow.Array, counts: arrow.StructArray) -> np.ndarray:
    """Each article's number of claims, from pyarrow.compute.value_counts of the claims' article ids."""
    at = pc.index_in(article_ids, value_set=counts.field("values"))
    return pc.fill_null(pc.take(counts.field("counts"), at), 0).to_numpy(zero_copy_only=False)


def articles_frame(meta: arrow.Table, n_claims: np.ndarray) -> pd.DataFrame:
    """The articles table from whole columns: `meta` holds each article's metadata (the columns of
    _ARTICLE_META), `date_source` where the date was read from the text ("" otherwise: "metadata"
    when a date is given, else "none"), and n_claims its claims."""
    stated = meta["date_source"]
    dated = pc.not_equal(meta["published"], "")
    source = pc.if_else(pc.not_equal(stated, ""), stated, pc.if_else(dated, "metadata", "none"))
    table = arrow.table({
        **{name: meta[name] for name in _ARTICLE_META}, "date_source": source,
        "n_claims": arrow.array(np.asarray(n_claims, dtype=np.int64)),
    })  # fmt: skip
    return table.select(columns("articles")).to_pandas(types_mapper=_text_in_arrow)


def _text_in_arrow(t: arrow.DataType) -> object:
    """Text columns as pandas' Arrow-backed strings (no Python object per cell)."""
    return pd.StringDtype("pyarrow", na_value=np.nan) if t in (arrow.string(), arrow.large_string()) else None


def people_table(people: list[Person], claims: pd.DataFrame) -> pd.DataFrame:
    """Everyone in the reference list, plus speakers the rules found who are not in it."""
    rows = [{"name": p.name, "aliases": ";".join(p.aliases), "role": p.role} for p in people]
    known = {p.name for p in people}
    for name in sorted(set(claims["speaker"]) - known - {""}):
        rows.append({"name": name, "aliases": "", "role": ""})
    return pd.DataFrame(rows, columns=columns("people")) if rows else empty("people")


# --- the default basis ---------------------------------------------------------------------------
# How long a span a figure covers decides first whether it can stand for "current" trade: a
# full year, else a figure whose span is not stated, else several years; part of a year or one
# month is never the default (a four-month figure is not a year's trade, and it is not annualised).
TIMING_TIERS = {"year": 0, "": 1, "multi_year": 2, "part_year": 3, "month": 3, "deadline": 3}
NEVER_DEFAULT = 3


# The columns rank_bases reads (besides those it groups by), and the unit every figure is in.
_RANKED_BY = ["pair", "unit", "qualifier", "scope", "coverage", "period_end", "article_id", "start"]


def rank_bases(claims: pd.DataFrame, articles: pd.DataFrame, by: Sequence[str] = ("pair",)) -> pd.DataFrame:
    """The claims ordered best basis first within each group of `by`, with their `timing` and `tier`.

    The rank is one sort over a key built from columns: how long a span the figure covers
    (`timing`, see TIMING_TIERS), the latest span first (undated last), the first basis rule met
    (`tier`), the most recently dated article (undated last), then the first stated.
    """
    rules = [rule(claims).to_numpy(dtype=bool) for _, rule in BASIS_RULES]
    coverage = claims["coverage"].fillna("") if "coverage" in claims else pd.Series("", index=claims.index)
    ranked = claims.assign(
        timing=_looked_up(coverage, pd.Series(TIMING_TIERS)).fillna(1).astype(int),
        tier=np.select(rules, list(range(len(rules))), default=len(rules) - 1),
        _end=claims["period_end"].fillna("") if "period_end" in claims else "",
        _date=_article_dates(claims["article_id"], articles),
    )
    key = [*by, "timing", "_end", "tier", "_date", "article_id", "start"]
    ascending = [True] * len(by) + [True, False, True, False, True, True]
    return ranked.sort_values(key, ascending=ascending, kind="stable").drop(columns=["_date", "_end"])


def _looked_up(keys: pd.Series, values: pd.Series) -> pd.Series:
    """keys.map(values), each distinct key looked up once (a column holds a few pairs or spans in
    thousands of rows); NaN where a key is missing."""
    codes, distinct = pd.factorize(keys)  # code -1: a missing key, which takes the NaN put last
    found = np.append(values.reindex(distinct).to_numpy(), [np.nan])
    return pd.Series(found[codes], index=keys.index)


def _article_dates(article_ids: pd.Series, articles: pd.DataFrame) -> pd.Series:
    """Each claim's article date ("" where the article is not listed): one hash lookup in Arrow,
    not a pandas index of 100,000 article ids built for every call."""
    at = pc.index_in(_text(article_ids), value_set=_text(articles["article_id"]))
    dates = pc.fill_null(pc.take(_text(articles["published"]), at), "")
    return pd.Series(pd.arrays.ArrowStringArray(dates), index=article_ids.index)


def _text(column: pd.Series) -> arrow.Array:
    return arrow.array(column.fillna("").astype(str), type=arrow.large_string())


def span_label(start: pd.Series, end: pd.Series, coverage: pd.Series, said: pd.Series) -> pd.Series:
    """How a figure's span reads beside it: "2024", "year to 2025-03-20", "4 months to 2023-07-22",
    "1 month (2022-01)", else the period as said, else "period not stated". Worded once for each
    distinct span (a corpus states a few hundred spans in thousands of rows)."""
    parts = pd.DataFrame(
        {"s": start.fillna(""), "e": end.fillna(""), "c": coverage.fillna(""), "p": said.fillna("")}
    )
    first, which = _distinct_rows(parts)
    distinct = parts.iloc[first]
    label = _span_words(distinct["s"], distinct["e"], distinct["c"], distinct["p"])
    return pd.Series(label[which], index=start.index)


def _distinct_rows(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct row of `df`, and each row's place among those."""
    codes = np.zeros(len(df), dtype=np.int64)
    for name in df.columns:
        column, _ = pd.factorize(df[name])
        _, codes = np.unique(codes * (int(column.max(initial=0)) + 1) + column, return_inverse=True)
    _, first, which = np.unique(codes, return_index=True, return_inverse=True)
    return first, which.reshape(-1)


def _span_words(s: pd.Series, e: pd.Series, coverage: pd.Series, said: pd.Series) -> np.ndarray:
    months = _months_between(s, e)
    calendar_year = (s.str[5:] == "01-01") & (e.str[5:] == "12-31") & (s.str[:4] == e.str[:4])
    label = np.select(
        [
            (coverage == "year") & calendar_year,
            (coverage == "year") & (e != ""),
            coverage.isin(["part_year", "multi_year"]) & (e != ""),
            (coverage == "month") & (e != ""),
            said != "",
        ],
        [
            s.str[:4],
            "year to " + e,
            months.astype(str) + " months to " + e,
            "1 month (" + e.str[:7] + ")",
            said,
        ],
        default="period not stated",
    )
    return np.asarray(label, dtype=object)


def _months_between(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Months from start to end (inclusive), to the nearest whole month; 0 where either is empty.
    Counted in days so that Iranian months (21 March to 22 July: four) read right."""
    s = pd.to_datetime(start.where(start != ""), errors="coerce")
    e = pd.to_datetime(end.where(end != ""), errors="coerce")
    days = (e - s).dt.days + 1
    return (days / 30.44).round().fillna(0).astype(int).to_numpy()


def _first_in_group(ranked: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    return ranked[~ranked.duplicated(list(by))]


# --- target gaps ---------------------------------------------------------------------------------
def _pair_targets(targets: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Per pair: the target most sources state (a tie goes to the larger); the claims that state
    it, as the target_claim_ids of the pair; and the latest deadline they give ("" if none)."""
    two_way = targets[targets["direction"] == ""]  # a one-way goal is not the pair's target
    counts = two_way.groupby(["pair", "value", "unit"], sort=True).size().reset_index(name="n")
    counts = counts.sort_values(["pair", "n", "value", "unit"], ascending=[True, False, False, True])
    best = _first_in_group(counts, ["pair"])[["pair", "value", "unit"]]
    stating = two_way[["pair", "value", "unit", "claim_id", "period_end"]].merge(
        best, on=["pair", "value", "unit"]
    )
    deadlines = stating[stating["period_end"] != ""].groupby("pair")["period_end"].max()
    stating = stating[stating.groupby("pair").cumcount() < MAX_TARGET_CLAIM_IDS]  # keeps the claims' order
    ids = stating.groupby("pair", sort=False)["claim_id"].agg(";".join)
    return best.rename(columns={"value": "target"}), ids, deadlines


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
    pair_targets, target_ids, deadlines = _pair_targets(targets)
    same_unit = volumes.merge(pair_targets, on=["pair", "unit"])
    if same_unit.empty:
        return empty("target_gaps")
    g = rank_bases(same_unit, articles).reset_index(drop=True)
    for name in ("period", "period_start", "period_end", "coverage"):
        g[name] = g[name].fillna("")
    first = (g.groupby("pair", sort=False).cumcount() == 0) & (g["timing"] < NEVER_DEFAULT)
    span = span_label(g["period_start"], g["period_end"], g["coverage"], g["period"])
    value, target = g["value"].to_numpy(float), g["target"].to_numpy(float)
    out = pd.DataFrame({
        "pair": g["pair"], "basis_claim_id": g["claim_id"], "current": value,
        "current_qualifier": g["qualifier"], "current_scope": g["scope"],
        "current_speaker": g["speaker"], "current_article_id": g["article_id"],
        "current_period": g["period"], "current_period_start": g["period_start"],
        "current_period_end": g["period_end"], "current_coverage": g["coverage"], "current_span": span,
        "target": target, "target_claim_ids": _looked_up(g["pair"], target_ids), "target_deadline": _deadline_of(g["pair"], deadlines),
        "unit": g["unit"], "gap": target - value, "pct_of_target": _ratio(100 * value, target),
        "is_default": first.to_numpy(),
        "basis_rule": _basis_rules(first.to_numpy(), g["timing"].to_numpy(), g["tier"].to_numpy(), span),
    })  # fmt: skip
    return out[columns("target_gaps")]


def _basis_rules(first: np.ndarray, timing: np.ndarray, tier: np.ndarray, span: pd.Series) -> np.ndarray:
    """Why each basis is (or is not) the default, in words: worded once for each distinct
    (default or not, timing, tier, span), as a pair's rows repeat a few of them."""
    parts = pd.DataFrame({"first": first, "timing": timing, "tier": tier, "span": span.to_numpy()})
    at, which = _distinct_rows(parts)
    d = parts.iloc[at]
    why = np.select(
        [d["timing"] == 0, d["timing"] == 1, d["timing"] == 2],
        [
            "latest full-year figure (" + d["span"] + "), ",
            "period not stated, ",
            "several years (" + d["span"] + "), ",
        ],
        default="covers " + d["span"] + ", not a year's trade: ",
    )
    label = np.array([text for text, _ in BASIS_RULES], dtype=object)[d["tier"].to_numpy()]
    words = np.where(d["first"], "default: ", "alternative: ") + why + label
    return np.asarray(words, dtype=object)[which]


def _deadline_of(pairs: pd.Series, deadlines: pd.Series) -> pd.Series:
    """Each pair's target deadline, "" where it has none: one lookup of the whole column (no
    float column filled with text when no pair has one)."""
    found = _looked_up(pairs, deadlines)
    return found.astype(object).where(found.notna(), "").astype(str)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, and 0.0 where den is 0."""
    return np.divide(num, den, out=np.zeros_like(num, dtype=float), where=den != 0)


# --- trade balance -------------------------------------------------------------------------------
_SIDE_KEYS = ["pair", "unit", "direction"]


def _matching_sides(bases: pd.DataFrame, exports: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """For each basis total and direction, the one-way figure of the same span: stated in the same
    article, else covering the same days. Figures years apart are never set side by side."""
    ranked = rank_bases(exports, articles, by=_SIDE_KEYS)
    cols = [*_SIDE_KEYS, "value", "claim_id"]
    # The best flow of each article, and of each stated span (one row each: the joins stay linear).
    by_article = _first_in_group(ranked, [*_SIDE_KEYS, "article_id"])[[*cols, "article_id"]]
    spanned = ranked[(ranked["period_start"] != "") & (ranked["period_end"] != "")]
    by_span = _first_in_group(spanned, [*_SIDE_KEYS, "period_start", "period_end"])[
        [*cols, "period_start", "period_end"]
    ]
    same_article = bases.merge(by_article, on=[*_SIDE_KEYS, "article_id"], how="left", suffixes=("", "_a"))
    same_span = bases.merge(
        by_span, on=[*_SIDE_KEYS, "period_start", "period_end"], how="left", suffixes=("", "_s")
    )
    has_span = (bases["period_start"] != "").to_numpy() & (bases["period_end"] != "").to_numpy()
    use_article = same_article["value_a"].notna().to_numpy()
    use_span = ~use_article & same_span["value_s"].notna().to_numpy() & has_span
    reported = np.where(
        use_article, same_article["value_a"], np.where(use_span, same_span["value_s"], np.nan)
    )
    claim_id = np.where(
        use_article, same_article["claim_id_a"], np.where(use_span, same_span["claim_id_s"], "")
    )
    matched = np.where(use_article, "same article", np.where(use_span, "same period", ""))
    return bases.assign(reported=reported, exports_claim_id=claim_id, matched_by=matched)


def trade_balance(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Each basis total split by direction, with one-way figures of the same span only; an
    unreported side is the total minus the reported one, marked derived."""
    # Only the columns each side reads go on (every sort and merge copies every column it is given).
    volumes = _figures(claims, "trade_volume")[[*_RANKED_BY, "claim_id", "value", "period", "period_start"]]
    exports = _figures(claims, "exports")
    exports = exports.loc[
        exports["category"].fillna("") == "",  # a category's flow ("copper exports") is not the side
        [*_RANKED_BY, "direction", "claim_id", "value", "period_start"],
    ]
    exports = exports.assign(**{c: exports[c].fillna("") for c in ("period_start", "period_end")})
    if volumes.empty or exports.empty:
        return empty("trade_balance")
    bases = rank_bases(volumes[volumes["pair"].isin(exports["pair"].unique())], articles).reset_index(
        drop=True
    )
    bases = bases[["pair", "claim_id", "value", "unit", "article_id", "period", "period_start", "period_end",
                   "coverage"]].fillna("").assign(_order=np.arange(len(bases)))  # fmt: skip
    # The two sides of a pair "A-B": A->B first, then B->A.
    a, b = bases["pair"].str[:3], bases["pair"].str[4:]
    sides = pd.concat(
        [bases.assign(direction=a + "->" + b, _side=0), bases.assign(direction=b + "->" + a, _side=1)]
    )
    rows = _matching_sides(sides.reset_index(drop=True), exports, articles)
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
        "matched_by": np.where(derived.ravel(), "derived: total minus the other side", rows["matched_by"]),
        "share_of_total": share.ravel(), "ratio_to_other": ratio.ravel(),
        "period": rows["period"], "period_start": rows["period_start"], "period_end": rows["period_end"],
        "coverage": rows["coverage"],
        "span": span_label(rows["period_start"], rows["period_end"], rows["coverage"], rows["period"]),
    })  # fmt: skip
    out = out[np.repeat(keep, 2)]
    return out[columns("trade_balance")].reset_index(drop=True) if len(out) else empty("trade_balance")
