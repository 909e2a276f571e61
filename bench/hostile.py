"""Hostile input: extraction time on pathological texts, at 10 KB, 100 KB and 1 MB.

Each family is text a careless user or an attacker could paste: one figure repeated, huge
whitespace runs, endless lists, capitalised word runs, flow phrases, percentages, and more. Every
case runs `etl.extract.extract` in a fresh subprocess (so a runaway case is killed at the limit,
not waited for) and reports the time of the call alone. Goal (issue 13): every text up to 1 MB in
<= 2 s, and time at 1 MB <= 12 x time at 100 KB (linear growth leaves 10 x).

    python bench/hostile.py [--sizes 10000,100000,1000000] [--limit 30] [--family NAME]

Prints a table and PASS/MISS per family; asserts nothing and exits 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 2.0
GOAL_GROWTH = 12.0


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _padded(head: str, pad: str, tail: str) -> Callable[[int], str]:
    return lambda n: head + pad * max(0, n - len(head) - len(tail)) + tail


def _seeds(n: int) -> str:
    text = "\n".join(p.read_text("utf-8") for p in sorted((ROOT / "data" / "raw").glob("*.txt")))
    return (text * (n // len(text) + 1))[:n]


FAMILIES: dict[str, Callable[[int], str]] = {
    "one figure repeated": _repeat("$1 billion "),
    "figure after a whitespace run": _padded("Iran", " ", "trade $1 billion"),
    "clause break across whitespace": _padded("a", " ", "b"),
    "newline run": _padded("Iran and Iraq trade", "\n", " $1 billion"),
    "percentages repeated": _repeat("accounting for 30 % "),
    "list openers repeated": _repeat("Iran's exports to Iraq fall in categories: "),
    "list items": _padded("Iran's exports to Iraq fall in ten categories: ", "steel, ", "and fruit."),
    "capitalised word run": _repeat("Abdul Mohsen Naseer "),
    "flow phrases repeated": _repeat("Iraq's exports to Iran "),
    "flow phrases with figures": _repeat("Iraq's exports to Iran rose to $5 billion, "),
    "country names repeated": _repeat("Iran and Iraq "),
    "trade word repeated": _repeat("trade "),
    "speech cues repeated": _repeat("Minister Ali Reza said "),
    "period phrases repeated": _repeat("in the first ten months of the current Iranian year "),
    "digits": _repeat("1234567890"),
    "thousands separators": _repeat("1,000,"),
    "currency symbols": _repeat("US$ "),
    "number words": _repeat("twelve billion "),
    "brackets and quotes": _repeat("(“‘"),
    "abbreviations": _repeat("Mr. Dr. U.S. "),
    "dense news sentences": _repeat(
        "Trade between Iran and Iraq reached $12 billion in 2024, Ali Reza said.\n"
    ),
    "non-Latin letters": _repeat("İran ıraq ſ Ωmega Ürümqi 東京 "),
    "seed articles concatenated": _seeds,
}

_CHILD = """
import json, sys, time
from etl.extract import extract
text = sys.stdin.read()
extract("warm", "Trade between Iran and Iraq reached $12 billion, Ali Reza said.")
t = time.perf_counter()
x = extract("case", text)
print(json.dumps({"seconds": time.perf_counter() - t, "claims": len(x.claims)}))
"""


def time_case(text: str, limit: float) -> tuple[float | None, int]:
    """Seconds extract() took on `text` (None when it ran past `limit`), and claims found."""
    try:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD], input=text, capture_output=True, text=True, timeout=limit + 15,
            cwd=ROOT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None, 0
    if out.returncode != 0:
        raise SystemExit(f"extract failed:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["seconds"], result["claims"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--limit", type=float, default=30.0, help="seconds before a case is killed")
    ap.add_argument("--family", action="append", help="only these families (repeatable)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    families = {k: v for k, v in FAMILIES.items() if not args.family or k in args.family}
    header = (
        f"{'family':34}" + "".join(f"{s // 1000:>9} KB" for s in sizes) + f"{'growth':>9}  claims  verdict"
    )
    print(header)
    print("-" * len(header))
    misses = 0
    started = time.perf_counter()
    for name, make in families.items():
        times: list[float | None] = []
        claims = 0
        for size in sizes:
            seconds, claims = time_case(make(size), args.limit)
            times.append(seconds)
        cells = "".join(f"{'> limit' if t is None else f'{t:.3f} s':>12}" for t in times)
        growth = None
        if len(times) >= 2 and times[-1] is not None and times[-2]:
            growth = times[-1] / max(times[-2], 0.01)  # below 10 ms the ratio is noise
        ok = all(t is not None and t <= GOAL_SECONDS for t in times) and (
            growth is None or growth <= GOAL_GROWTH
        )
        misses += not ok
        grow = "n/a" if growth is None else f"{growth:.1f}x"
        print(f"{name:34}{cells}{grow:>9}  {claims:>6}  {'PASS' if ok else 'MISS'}")
    print(
        f"\n{len(families) - misses}/{len(families)} families within {GOAL_SECONDS} s at every size and "
        f"<= {GOAL_GROWTH:.0f}x from the second-largest to the largest size ({time.perf_counter() - started:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
