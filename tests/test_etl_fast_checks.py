"""tables._passes, the whole-column checks that spare a run pandera, never accepts a table that
pandera's schema refuses: checked on the seed tables and on copies broken a cell or a column at a
time. Where it refuses, validate asks pandera, which names the row at fault."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from etl.pipeline import PROCESSED
from etl.tables import TABLE_NAMES, TableError, _passes, read_table, schema, validate


def _pandera_passes(table: str, df: pd.DataFrame) -> bool:
    try:
        schema(table).validate(df, lazy=True)
    except pandera.errors.SchemaErrors:
        return False
    return True


def _broken_copies(df: pd.DataFrame, seed: int = 0) -> list[pd.DataFrame]:
    """The table with one cell emptied, made odd text, NaN or -1, a column made Python objects or
    a row repeated; and its columns reversed."""
    rng = np.random.default_rng(seed)
    copies = []
    for column in df.columns:
        for value in ("", "ZZ\n", np.nan, -1, None):
            broken = df.copy()
            try:
                broken.loc[int(rng.integers(len(df))), column] = value
            except (TypeError, ValueError):
                continue  # a column that cannot hold it: nothing to check
            copies.append(broken)
        as_objects = df.copy()
        as_objects[column] = as_objects[column].astype(object)
        copies.append(as_objects)
    copies.append(pd.concat([df, df.iloc[[0]]], ignore_index=True))
    copies.append(df[df.columns[::-1]])
    return copies


@pytest.mark.parametrize("table", [t for t in TABLE_NAMES if t != "reviewed_claims"])
def test_fast_checks_never_pass_what_pandera_refuses(table: str) -> None:
    df = read_table(table, PROCESSED)
    assert len(df), f"the seed {table} table is empty: nothing to break"
    assert _passes(table, df), f"the seed {table} table meets its schema"
    for broken in _broken_copies(df):
        if _passes(table, broken):
            assert _pandera_passes(table, broken), f"{table}: passed a table pandera refuses"


def test_a_refused_table_is_named_by_pandera() -> None:
    articles = read_table("articles", PROCESSED)
    articles.loc[1, "checksum"] = "md5:0"
    with pytest.raises(TableError, match=r"column 'checksum' str_matches.*line 3: 'md5:0'"):
        validate("articles", articles)


def test_an_empty_table_passes() -> None:
    from etl.tables import empty

    for table in TABLE_NAMES:
        assert validate(table, empty(table)) is not None
