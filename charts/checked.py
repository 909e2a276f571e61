"""What a person checked, in the words and marks every chart uses. Pure functions over claims.

A figure a person confirmed, amended or added is "reviewed by a person"; any other is "extracted
by rule, not reviewed". Charts mark a reviewed figure with a check mark in its label (a shape in
the text, so it reads without colour) and name the mark in the legend; citations and slide notes
say which kind each figure is; the source line counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from etl.contract import ADDED, AMENDED, BY_A_PERSON, CONFIRMED

MARK = "✓"
LEGEND = f"{MARK} reviewed by a person"
NOT_REVIEWED = "extracted by rule, not reviewed"


def is_checked(claim: Mapping[str, object] | pd.Series) -> bool:
    return str(claim.get("review", "")) in BY_A_PERSON


def checked_ids(claims: pd.DataFrame) -> set[str]:
    """Ids of the claims a person stands behind."""
    if "review" not in claims.columns:
        return set()
    return set(claims.loc[claims["review"].isin(BY_A_PERSON), "claim_id"])


def words(claim: Mapping[str, object] | pd.Series) -> str:
    """ "reviewed by a person (Ana Analyst, 2025-01-31)", "added by a person (…)", or "extracted by
    rule, not reviewed" (plain text: callers escape it for where it goes)."""
    status = str(claim.get("review", ""))
    if status not in BY_A_PERSON:
        return NOT_REVIEWED
    how = {CONFIRMED: "reviewed", AMENDED: "reviewed and corrected", ADDED: "added"}[status]
    who = ", ".join(
        p for p in (str(claim.get("reviewed_by", "")), str(claim.get("reviewed_at", ""))[:10]) if p
    )
    return f"{how} by a person" + (f" ({who})" if who else "")


def mark(label: str, checked: bool) -> str:
    """A chart label with the check mark after it when a person reviewed its figure."""
    return f"{label} {MARK}" if checked else label


def all_checked(ids: Iterable[str], checked: set[str]) -> bool:
    """Whether every claim behind a drawn item (a bar may stand on several) was reviewed."""
    wanted = [i for i in ids if i]
    return bool(wanted) and all(i in checked for i in wanted)


def tally(claims: pd.DataFrame) -> str:
    """ "2 of 5 figures reviewed by a person", "every figure reviewed by a person", or "no figure
    reviewed by a person": for the source line under a chart."""
    n = len(claims)
    done = len(checked_ids(claims)) if n else 0
    if n == 0 or done == 0:
        return "no figure reviewed by a person"
    if done == n:
        return "every figure reviewed by a person" if n > 1 else "the figure reviewed by a person"
    return f"{done} of {n} figures reviewed by a person"
