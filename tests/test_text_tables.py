"""Trade tables flattened into text (etl/text_tables.py) become claims cell by cell."""

from __future__ import annotations

from etl.extract import extract
from etl.text_tables import pipe_cells, table_cells

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


# A markdown table as a page's text arrives: one cell per line, each closed by "|".
PIPE_TABLE = """Chile and Peru have traded more since their agreement took effect.
|
First years (2005-2006) |
Latest years (2019- 2020) |
---|---|---|
Chilean Exports to Peru |
$1.9 billion |
$3.4 billion |
Chilean Imports from Peru |
$2.2 billion |
$2.8 billion |
Chilean Exports to Peru and Bolivia |
$2.5 billion |
$4.1 billion |
Share of Peru's Imports from Chile |
12% |
15% |
Chilean Investment in Peru |
$0.9 billion |
$1.6 billion |
Source: a statistics office
"""


def test_pipe_cells_take_their_rows_label_and_their_columns_heading() -> None:
    cells = pipe_cells(PIPE_TABLE)
    text = PIPE_TABLE
    first = cells[0]
    assert text[first.start : first.end] == "$1.9 billion"
    assert text[first.label_start : first.label_end] == "Chilean Exports to Peru"
    assert text[first.heading_start : first.heading_end] == "First years (2005-2006)"
    assert len(cells) == 10  # five rows of two cells; the source line ends the table


def test_pipe_rows_on_one_line_read_the_same() -> None:
    text = "| Flow | 2019 | 2020 |\n|:---|---:|---:|\n| Peru's exports to Chile | $1 billion | $2 billion |\n"
    cells = pipe_cells(text)
    assert [(text[c.start : c.end], text[c.label_start : c.label_end], text[c.heading_start : c.heading_end])
            for c in cells] == [("$1 billion", "Peru's exports to Chile", "2019"),
                                ("$2 billion", "Peru's exports to Chile", "2020")]  # fmt: skip


def test_pipe_rows_naming_a_flow_between_two_countries_become_claims() -> None:
    claims = extract("t", PIPE_TABLE).claims
    got = sorted((c.metric, c.direction, c.value, c.period_start, c.period_end) for c in claims)
    assert got == sorted([
        ("exports", "CHL->PER", 1.9e9, "2005-01-01", "2006-12-31"),
        ("exports", "CHL->PER", 3.4e9, "2019-01-01", "2020-12-31"),
        ("exports", "PER->CHL", 2.2e9, "2005-01-01", "2006-12-31"),
        ("exports", "PER->CHL", 2.8e9, "2019-01-01", "2020-12-31"),
        ("import_share", "CHL->PER", 12.0, "2005-01-01", "2006-12-31"),
        ("import_share", "CHL->PER", 15.0, "2019-01-01", "2020-12-31"),
    ])  # fmt: skip  # not the row of two partners, not investment


def test_text_with_pipes_but_no_table_has_no_cells() -> None:
    assert pipe_cells("a | b | c\nexports to Peru | $1 billion |\n") == []
    assert pipe_cells("|\n" * 1000 + "---|---|\n") == []
