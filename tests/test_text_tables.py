"""Trade tables flattened into text (etl/text_tables.py) become claims cell by cell."""

from __future__ import annotations

from etl.extract import extract
from etl.text_tables import table_cells

TABLE = """Trade between Nepal and India has grown (Nepal's fiscal year runs July 16 to July 15).

In US$ million
  2014-15 2015-16 2014-15 2015-16
Total Export 838.5 659.3 -8.7 -21.3
Export to India 549 371.3 -9.2 -32.3
Import from India 4831.9 4487.1 0.3 -7.1
Total trade with India 5381.0 4858.4 3.8 -6.1
Trade Balance with India -4282.9 -4115.8 5.4 0.4
"""


def test_cells_take_the_caption_unit_and_only_the_first_run_of_years() -> None:
    cells = table_cells(TABLE)
    export = [c for c in cells if c.label == "Export to India"]
    assert [(c.period, c.value, c.unit) for c in export] == [
        ("2014-15", 549e6, "USD"),
        ("2015-16", 371.3e6, "USD"),
    ]
    assert not [c for c in cells if c.label.startswith("Trade Balance")]  # negative cells: balances


def test_rows_become_flows_and_volumes_of_the_reporting_country() -> None:
    claims = extract("t", TABLE).claims
    got = sorted((c.metric, c.direction, c.pair, c.value, c.period) for c in claims)
    assert ("exports", "NPL->IND", "IND-NPL", 549e6, "2014-15") in got
    assert ("exports", "IND->NPL", "IND-NPL", 4487.1e6, "2015-16") in got
    assert ("trade_volume", "", "IND-NPL", 5381e6, "2014-15") in got
    assert not [c for c in claims if c.value in (838.5e6, 659.3e6)]  # "Total Export": with the world
    for c in claims:
        assert TABLE[c.start : c.end] in c.quote


def test_numbers_without_a_caption_or_a_year_row_are_not_read() -> None:
    assert table_cells("Export to India 549 371.3\n") == []
    assert table_cells("In US$ million\nExport to India 549 371.3\n") == []
