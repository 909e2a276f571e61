"""Extraction accuracy on real news: precision, recall and F1 against hand labels.

The development set is real news excerpts labelled by hand against PRODUCT.md's claims contract
before the extractor ever ran on them (`bench/realnews/labels.toml`: each excerpt's address, the
search query that finds it again, its text's sha256, and its claims). The texts themselves are
third-party news and stay out of git: put them in a folder as `<id>.txt` (default
`$REALNEWS_TEXTS`, else `/work/realnews/texts`); excerpts whose text is missing or whose hash
differs are left out and counted.

Scored like the accuracy issue: a claim is right when (article, pair, metric, direction, value,
unit) match a labelled claim (value within 0.1 %). Also reported: money amounts alone (article,
value, unit), per metric, Iran / not Iran, the speaker of correctly extracted claims, and the
period span (start and end within 31 days of the label) of correct claims whose label has one.

    python bench/realnews.py [--texts DIR] [--labels FILE] [--misses] [--only a001,b017]

Prints the figures (and with --misses every missed and every spurious claim); asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.contract import Claim  # noqa: E402
from etl.extract import extract  # noqa: E402

LABELS = Path(__file__).resolve().parent / "realnews" / "labels.toml"
TEXTS = Path(os.environ.get("REALNEWS_TEXTS", "/work/realnews/texts"))


@dataclass(frozen=True)
class Key:
    article: str
    pair: str
    metric: str
    direction: str
    value: float
    unit: str

    def money(self) -> tuple[str, float, str]:
        return (self.article, round(self.value, 6), self.unit)


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-3 * max(abs(a), abs(b), 1e-9)


def _key(article: str, c: dict) -> Key:
    return Key(article, c["pair"], c["metric"], c.get("direction", ""), float(c["value"]), c["unit"])


def _match(found: list[Key], truth: list[Key]) -> list[tuple[int, int]]:
    """Pairs (found index, truth index), each used once, values compared with a tolerance."""
    used: set[int] = set()
    pairs = []
    for i, f in enumerate(found):
        for j, t in enumerate(truth):
            if j in used:
                continue
            if (f.article, f.pair, f.metric, f.direction, f.unit) == (
                t.article, t.pair, t.metric, t.direction, t.unit
            ) and _same_value(f.value, t.value):  # fmt: skip
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def _prf(tp: int, n_found: int, n_truth: int) -> tuple[float, float, float]:
    p = tp / n_found if n_found else 1.0
    r = tp / n_truth if n_truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _line(name: str, tp: int, n_found: int, n_truth: int) -> str:
    p, r, f = _prf(tp, n_found, n_truth)
    return f"{name:34} P {p:.2f}  R {r:.2f}  F1 {f:.2f}   ({tp} right of {n_found} found, {n_truth} labelled)"


def _name_tokens(name: str) -> list[str]:
    return [t for t in name.lower().replace("-", " ").split() if t not in ("al", "el", "bin", "ibn")]


def same_speaker(found: str, truth: str) -> bool:
    """Same person: equal names, or one name's words ending the other's ("Putin" / "Vladimir Putin")."""
    a, b = _name_tokens(found), _name_tokens(truth)
    if not a or not b:
        return a == b
    short, long_ = sorted((a, b), key=len)
    return long_[-len(short) :] == short or short[-1] == long_[-1]


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _span_right(found: Claim, truth: dict) -> bool:
    days = 31
    f0, f1 = _date(found.period_start), _date(found.period_end)
    t0, t1 = _date(truth.get("period_start", "")), _date(truth.get("period_end", ""))
    if not (f0 and f1 and t0 and t1):
        return False
    return abs((f0 - t0).days) <= days and abs((f1 - t1).days) <= days


def run(labels: Path, texts: Path, show_misses: bool, only: set[str]) -> int:
    articles = tomllib.loads(labels.read_text("utf-8"))["article"]
    if only:
        articles = [a for a in articles if a["id"] in only]
    found_keys: list[Key] = []
    found_claims: list[Claim] = []
    truth_keys: list[Key] = []
    truth_claims: list[dict] = []
    iran: dict[str, bool] = {}
    missing, changed = [], []
    texts_of: dict[str, str] = {}
    for art in articles:
        path = texts / f"{art['id']}.txt"
        if not path.is_file():
            missing.append(art["id"])
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != art["sha256"]:
            changed.append(art["id"])
            continue
        text = data.decode("utf-8")
        texts_of[art["id"]] = text
        iran[art["id"]] = bool(art.get("iran"))
        for c in _extract(art["id"], text):
            found_keys.append(_key(art["id"], c.row()))
            found_claims.append(c)
        for c in art["claims"]:
            truth_keys.append(_key(art["id"], c))
            truth_claims.append(c)
    scored = sorted(texts_of)
    print(
        f"{len(scored)} excerpts scored ({len(missing)} without their text, {len(changed)} changed since labelled)"
    )
    if not scored:
        return 0
    pairs = _match(found_keys, truth_keys)
    print(_line("structured, all", len(pairs), len(found_keys), len(truth_keys)))
    for label, keep in (("— mostly about Iran", True), ("— without Iran", False)):
        ids = {a for a, v in iran.items() if v is keep}
        tp = sum(1 for i, _ in pairs if found_keys[i].article in ids)
        print(
            _line(
                label,
                tp,
                sum(k.article in ids for k in found_keys),
                sum(k.article in ids for k in truth_keys),
            )
        )
    by_metric: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, _ in pairs:
        by_metric[found_keys[i].metric][0] += 1
    for k in found_keys:
        by_metric[k.metric][1] += 1
    for k in truth_keys:
        by_metric[k.metric][2] += 1
    for metric in sorted(by_metric):
        print(_line(f"   {metric}", *by_metric[metric]))
    money_found = Counter(k.money() for k in found_keys if k.unit != "percent")
    money_truth = Counter(k.money() for k in truth_keys if k.unit != "percent")
    tp = sum((money_found & money_truth).values())
    print(_line("money amounts only", tp, sum(money_found.values()), sum(money_truth.values())))
    right_speaker = sum(
        same_speaker(found_claims[i].speaker, truth_claims[j].get("speaker", "")) for i, j in pairs
    )
    print(
        f"{'speaker of correct claims':34} {right_speaker / len(pairs) if pairs else 0:.2f}   ({right_speaker} of {len(pairs)})"
    )
    dated = [(i, j) for i, j in pairs if truth_claims[j].get("period_start")]
    right_span = sum(_span_right(found_claims[i], truth_claims[j]) for i, j in dated)
    print(
        f"{'period span of correct claims':34} {right_span / len(dated) if dated else 0:.2f}   ({right_span} of {len(dated)} with a labelled span)"
    )
    # The other side of the score: a span where the labeller found none is a span made up.
    undated = [(i, j) for i, j in pairs if not truth_claims[j].get("period_start")]
    made_up = [(i, j) for i, j in undated if found_claims[i].period_start]
    print(
        f"{'span given where none is labelled':34} {len(made_up) / len(undated) if undated else 0:.2f}   ({len(made_up)} of {len(undated)} correct claims without a labelled span)"
    )
    if show_misses:
        matched_found = {i for i, _ in pairs}
        matched_truth = {j for _, j in pairs}
        print("\nmissed (labelled, not found):")
        for j, k in enumerate(truth_keys):
            if j not in matched_truth:
                c = truth_claims[j]
                print(
                    f"  {k.article} {k.pair} {k.metric} {k.direction} {k.value:g} {k.unit}  «{c.get('figure', '')}»  {c.get('period', '')}"
                )
        print("\nspurious (found, not labelled):")
        for i, k in enumerate(found_keys):
            if i not in matched_found:
                c = found_claims[i]
                print(
                    f"  {k.article} {k.pair} {k.metric} {k.direction} {k.value:g} {k.unit}  «{texts_of[k.article][c.start : c.end]}»  [{c.method}]"
                )
        print("\nwrong speaker (correct claims):")
        for i, j in pairs:
            f, t = found_claims[i].speaker, truth_claims[j].get("speaker", "")
            if not same_speaker(f, t):
                print(
                    f"  {found_keys[i].article} «{truth_claims[j].get('figure', '')}» found {f!r}, labelled {t!r}"
                )
        print("\nwrong span (correct claims with a labelled span):")
        for i, j in dated:
            if not _span_right(found_claims[i], truth_claims[j]):
                f, t = found_claims[i], truth_claims[j]
                print(
                    f"  {found_keys[i].article} «{t.get('figure', '')}» {t.get('period', '')!r}: found {f.period_start}..{f.period_end} ({f.period!r}), labelled {t['period_start']}..{t['period_end']}"
                )
        print("\nspan given where none is labelled:")
        for i, _j in made_up:
            f = found_claims[i]
            print(
                f"  {found_keys[i].article} {f.value:g} {f.period!r}: found {f.period_start}..{f.period_end}"
            )
    return 0


def _extract(article_id: str, text: str) -> list[Claim]:
    """The claims the ETL records for this excerpt from its text alone (no metadata row: its date
    must come from the text, as for an article a user drops in without one)."""
    return extract(article_id, text).claims


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=Path, default=TEXTS)
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument(
        "--misses", action="store_true", help="list every miss, spurious claim, wrong speaker and span"
    )
    ap.add_argument("--only", default="", help="comma-separated excerpt ids")
    args = ap.parse_args()
    only = {x for x in args.only.split(",") if x}
    return run(args.labels, args.texts, args.misses, only)


if __name__ == "__main__":
    sys.exit(main())
