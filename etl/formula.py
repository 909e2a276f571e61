"""Spreadsheet formula safety of CSV cells (CSV injection), shared by the readers and writers.

A spreadsheet runs a cell that starts with one of FORMULA_START as a formula, so the processed
tables write such a cell with an apostrophe in front (etl.tables.formula_safe). `unescape_cell`
undoes exactly that: it drops an apostrophe only where it guards one of these characters, so
"'=1+1" reads back as "=1+1" and "'Tis the season" stays as it is. Kept free of pandas, for the
workers that read metadata.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def unescape_cell(value: str) -> str:
    """A cell of a formula-safe CSV as it was before the apostrophe went in front."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value
