"""How numbers read in the app, the charts and the downloads' captions: one place for all of it."""

from __future__ import annotations

import math

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}
QUALIFIER_WORDS = {"exact": "", "approx": "about", "lower_bound": "over", "upper_bound": "up to"}


def money(value: float, unit: str = "USD", digits: int = 1) -> str:
    """12e9 -> "$12.0B", 5e8 -> "$500M", 1e9 EUR -> "€1.0B", 3e12 IQD -> "IQD 3.0T"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= size:
            number = f"{v / size:.{digits}f}" if suffix in ("T", "B") else f"{v / size:.0f}"
            break
    else:
        number, suffix = f"{v:,.0f}", ""
    symbol = _SYMBOLS.get(unit)
    return f"{sign}{symbol}{number}{suffix}" if symbol else f"{sign}{unit} {number}{suffix}"


def money_tick(value: float, unit: str = "USD") -> str:
    """An axis label, as short as the value allows: 0 -> "$0", 2.5e9 -> "$2.5B", 5e9 -> "$5B"."""
    v = abs(value)
    size, suffix = next(
        ((s, x) for s, x in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")) if v >= s), (1, "")
    )
    number = f"{v / size:.2f}".rstrip("0").rstrip(".")
    sign = "-" if value < 0 else ""
    symbol = _SYMBOLS.get(unit)
    return f"{sign}{symbol}{number}{suffix}" if symbol else f"{sign}{unit} {number}{suffix}"


def percent(value: float, digits: int = 0) -> str:
    """30 -> "30 %", 4.1666 -> "4 %" (digits=0) or "4.2 %" (digits=1)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f} %"


def ratio(value: float) -> str:
    """23.0 -> "23 : 1"; below 1 it is written the other way round: 0.25 -> "1 : 4"."""
    if value >= 1:
        return f"{value:.0f} : 1" if value >= 10 else f"{value:.1f} : 1"
    return f"1 : {1 / value:.0f}" if value <= 0.1 else f"1 : {1 / value:.1f}"


def hedged(value: float, unit: str, qualifier: str, scope: str = "") -> str:
    """A figure as stated: "over $10.0B", "about $18.0B incl. energy"."""
    word = QUALIFIER_WORDS.get(qualifier, "")
    text = f"{word} {money(value, unit)}".strip()
    if scope:
        text += " " + scope.replace("including", "incl.").replace("excluding", "excl.")
    return text


def hedged_range(figures: list[tuple[float, str, str, str]]) -> str:
    """The span of several stated figures, lowest to highest: "over $10.0B to about $18.0B incl.
    energy"; one figure (or several that read the same) is written once."""
    if not figures:
        return ""
    ordered = sorted(figures, key=lambda f: f[0])
    low, high = hedged(*ordered[0]), hedged(*ordered[-1])
    return low if low == high else f"{low} to {high}"


def growth_rate(current: float, target: float, years: float) -> float:
    """Compound annual growth (as a fraction) that takes `current` to `target` in `years`."""
    if current <= 0 or years <= 0:
        return math.nan
    return (target / current) ** (1 / years) - 1
