"""Period phrases: every form news uses, found with its words as said and resolved to the days it
covers, against a dated and an undated article; never against the clock.

The sentences are the team's own wording. The article date is that of seed 004 (2025-07-18).
"""

from __future__ import annotations

import inspect
import re
import time
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import periods
from etl.periods import (
    COVERAGES,
    NO_PERIOD,
    PeriodContext,
    PeriodPhrase,
    Resolved,
    find_periods,
    fiscal_years,
    iranian_context,
    nearest,
    resolve,
)

PUBLISHED = date(2025, 7, 18)
CORPUS = Path(__file__).parent / "corpus"
D = date


def only(sentence: str) -> PeriodPhrase:
    found = find_periods(sentence, 0, len(sentence))
    assert len(found) == 1, [p.said for p in found]
    return found[0]


def said(sentence: str) -> list[str]:
    return [p.said for p in find_periods(sentence)]


# (sentence, said, context, span when dated, span when undated); a span is (start, end, coverage)
# and None for no span (the coverage then kept as the phrase's shape).
IND = PeriodContext(countries=("IND", "OMN"))
IRAN = PeriodContext(countries=("IRN", "IRQ"), iranian=True)
NONE = PeriodContext()
TARGET = PeriodContext(is_target=True)
CASES = [
    # calendar years
    ("Bilateral trade hit $4 billion in 2016.", "2016", NONE,
     (D(2016, 1, 1), D(2016, 12, 31), "year"), (D(2016, 1, 1), D(2016, 12, 31), "year")),
    ("2016 was a record year for exports to Oman, at $1bn.", "2016", NONE,
     (D(2016, 1, 1), D(2016, 12, 31), "year"), (D(2016, 1, 1), D(2016, 12, 31), "year")),
    ("During 2016 the two sides traded goods worth $3bn.", "2016", NONE,
     (D(2016, 1, 1), D(2016, 12, 31), "year"), (D(2016, 1, 1), D(2016, 12, 31), "year")),
    ("Exports for 2016 came to $1bn.", "2016", NONE,
     (D(2016, 1, 1), D(2016, 12, 31), "year"), (D(2016, 1, 1), D(2016, 12, 31), "year")),
    ("Shipments from 2015 to 2020 totalled $9bn.", "2015 to 2020", NONE,
     (D(2015, 1, 1), D(2020, 12, 31), "multi_year"), (D(2015, 1, 1), D(2020, 12, 31), "multi_year")),
    # months and parts of a year
    ("In January 2017 shipments reached $90 million.", "January 2017", NONE,
     (D(2017, 1, 1), D(2017, 1, 31), "month"), (D(2017, 1, 1), D(2017, 1, 31), "month")),
    ("Exports rose 8% to $2bn in H1 2022.", "H1 2022", NONE,
     (D(2022, 1, 1), D(2022, 6, 30), "part_year"), (D(2022, 1, 1), D(2022, 6, 30), "part_year")),
    ("Trade stood at $2bn in the first half of 2022.", "first half of 2022", NONE,
     (D(2022, 1, 1), D(2022, 6, 30), "part_year"), (D(2022, 1, 1), D(2022, 6, 30), "part_year")),
    ("Q1 2022 imports were $400m.", "Q1 2022", NONE,
     (D(2022, 1, 1), D(2022, 3, 31), "part_year"), (D(2022, 1, 1), D(2022, 3, 31), "part_year")),
    ("Imports in the first quarter of 2022 were $400m.", "first quarter of 2022", NONE,
     (D(2022, 1, 1), D(2022, 3, 31), "part_year"), (D(2022, 1, 1), D(2022, 3, 31), "part_year")),
    ("Trade in the first ten months of 2021 came to $6bn.", "first ten months of 2021", NONE,
     (D(2021, 1, 1), D(2021, 10, 31), "part_year"), (D(2021, 1, 1), D(2021, 10, 31), "part_year")),
    ("Exports totalled $3.1bn in January-September 2023.", "January-September 2023", NONE,
     (D(2023, 1, 1), D(2023, 9, 30), "part_year"), (D(2023, 1, 1), D(2023, 9, 30), "part_year")),
    ("Exports reached $30 million in November last year.", "November last year", NONE,
     (D(2024, 11, 1), D(2024, 11, 30), "month"), None),
    # fiscal years: the text's own clue first, else the pair's fiscal year
    ("Trade was $10.6bn in 2017-18.", "2017-18", IND,
     (D(2017, 4, 1), D(2018, 3, 31), "year"), (D(2017, 4, 1), D(2018, 3, 31), "year")),
    ("Trade was $2bn in 2017/18.", "2017/18", PeriodContext(countries=("PAK", "QAT")),
     (D(2017, 7, 1), D(2018, 6, 30), "year"), (D(2017, 7, 1), D(2018, 6, 30), "year")),
    ("Exports rose to A$3bn in fiscal 2021-22.", "fiscal 2021-22", PeriodContext(countries=("AUS", "JPN")),
     (D(2021, 7, 1), D(2022, 6, 30), "year"), (D(2021, 7, 1), D(2022, 6, 30), "year")),
    ("Exports were $9bn in FY2022.", "FY2022", IND,
     (D(2021, 4, 1), D(2022, 3, 31), "year"), (D(2021, 4, 1), D(2022, 3, 31), "year")),
    ("Exports were $9bn in FY2022.", "FY2022", PeriodContext(countries=("JPN", "IND")),
     (D(2022, 4, 1), D(2023, 3, 31), "year"), (D(2022, 4, 1), D(2023, 3, 31), "year")),
    ("Exports were $9bn in FY2022.", "FY2022", PeriodContext(countries=("USA", "VNM")),
     (D(2021, 10, 1), D(2022, 9, 30), "year"), (D(2021, 10, 1), D(2022, 9, 30), "year")),
    ("Imports were $3bn in FY22.", "FY22", PeriodContext(countries=("PAK",)),
     (D(2021, 7, 1), D(2022, 6, 30), "year"), (D(2021, 7, 1), D(2022, 6, 30), "year")),
    ("Exports were $1bn in the fiscal year ended March 31, 2019.", "fiscal year ended March 31, 2019", IND,
     (D(2018, 4, 1), D(2019, 3, 31), "year"), (D(2018, 4, 1), D(2019, 3, 31), "year")),
    ("Exports were $1bn in the fiscal year ended March 20, 2019.", "fiscal year ended March 20, 2019", IRAN,
     (D(2018, 3, 21), D(2019, 3, 20), "year"), (D(2018, 3, 21), D(2019, 3, 20), "year")),
    ("Trade hit $5bn in the 2008-2009 fiscal year that ended June 30.", "2008-2009 fiscal year that ended June 30",
     PeriodContext(countries=("CHN", "DEU")),
     (D(2008, 7, 1), D(2009, 6, 30), "year"), (D(2008, 7, 1), D(2009, 6, 30), "year")),
    ("Trade came to NZ$5bn in the 12 months ending March 2018.", "12 months ending March 2018", NONE,
     (D(2017, 4, 1), D(2018, 3, 31), "year"), (D(2017, 4, 1), D(2018, 3, 31), "year")),
    # a year in square brackets, as an editor adds it inside a quotation
    ("Trade in January-April [of 2023] reached $8.7 billion.", "January-April [of 2023]", NONE,
     (D(2023, 1, 1), D(2023, 4, 30), "part_year"), (D(2023, 1, 1), D(2023, 4, 30), "part_year")),
    # counted back from the day after: "the four months to April 30" starts on 1 January
    ("Imports totalled $73m in the four months to April 30, 2020.", "four months to April 30, 2020", NONE,
     (D(2020, 1, 1), D(2020, 4, 30), "part_year"), (D(2020, 1, 1), D(2020, 4, 30), "part_year")),
    ("Trade came to NZ$5bn in the year to June 2019.", "year to June 2019", NONE,
     (D(2018, 7, 1), D(2019, 6, 30), "year"), (D(2018, 7, 1), D(2019, 6, 30), "year")),
    # a year ending in March in an Iranian context is the Iranian year
    ("Trade reached $5bn in the year to March 2019.", "year to March 2019", IRAN,
     (D(2018, 3, 21), D(2019, 3, 20), "year"), (D(2018, 3, 21), D(2019, 3, 20), "year")),
    ("Exports to Iraq reached $9bn in 2017-18.", "2017-18", PeriodContext(iranian=True),
     (D(2017, 3, 21), D(2018, 3, 20), "year"), (D(2017, 3, 21), D(2018, 3, 20), "year")),
    # Iranian years and months
    ("Iran exported $9bn to Iraq in 1401.", "1401", IRAN,
     (D(2022, 3, 21), D(2023, 3, 20), "year"), (D(2022, 3, 21), D(2023, 3, 20), "year")),
    ("Trade in the Iranian year 1401 came to $10bn.", "Iranian year 1401", IRAN,
     (D(2022, 3, 21), D(2023, 3, 20), "year"), (D(2022, 3, 21), D(2023, 3, 20), "year")),
    ("Exports in the current Iranian year have reached $2bn.", "current Iranian year", IRAN,
     (D(2025, 3, 21), D(2026, 3, 20), "year"), None),
    ("Exports were $9bn in the last Iranian year.", "last Iranian year", IRAN,
     (D(2024, 3, 20), D(2025, 3, 20), "year"), None),
    ("Exports were $9.2bn in the Iranian year to March 20.", "Iranian year to March 20", IRAN,
     (D(2024, 3, 20), D(2025, 3, 20), "year"), None),
    ("Exports were $3bn in the first four months of the Iranian year 1402.",
     "first four months of the Iranian year 1402", IRAN,
     (D(2023, 3, 21), D(2023, 7, 22), "part_year"), (D(2023, 3, 21), D(2023, 7, 22), "part_year")),
    # the day the year began, stated in brackets, names it whatever the article's date
    ("Sales to Iraq reached $2bn in the first three months of the Iranian calendar year (started March 21, 2024).",
     "first three months of the Iranian calendar year", IRAN,
     (D(2024, 3, 20), D(2024, 6, 20), "part_year"), (D(2024, 3, 20), D(2024, 6, 20), "part_year")),
    ("Turnover hit $7bn in the current Iranian year (which began on March 21, 2023).", "current Iranian year", IRAN,
     (D(2023, 3, 21), D(2024, 3, 19), "year"), (D(2023, 3, 21), D(2024, 3, 19), "year")),
    ("Exports were $400m in Farvardin 1402.", "Farvardin 1402", IRAN,
     (D(2023, 3, 21), D(2023, 4, 20), "month"), (D(2023, 3, 21), D(2023, 4, 20), "month")),
    ("Exports were $300m in Esfand 1402.", "Esfand 1402", IRAN,
     (D(2024, 2, 20), D(2024, 3, 19), "month"), (D(2024, 2, 20), D(2024, 3, 19), "month")),
    ("Trade is expected to top $10bn by the end of the current Iranian year (March 20, 2023).",
     "by the end of the current Iranian year", PeriodContext(countries=("IRN", "IRQ"), iranian=True, is_target=True),
     (D(2022, 3, 21), D(2023, 3, 20), "deadline"), (D(2022, 3, 21), D(2023, 3, 20), "deadline")),
    # a relative year that also says its number: the number wins
    ("India imported goods worth Rs 52 billion in the last fiscal year 2012-13.", "last fiscal year 2012-13", IND,
     (D(2012, 4, 1), D(2013, 3, 31), "year"), (D(2012, 4, 1), D(2013, 3, 31), "year")),
    ("Trade rose to $4.8bn last year, 2019.", "last year, 2019", NONE,
     (D(2019, 1, 1), D(2019, 12, 31), "year"), (D(2019, 1, 1), D(2019, 12, 31), "year")),
    # relative to the article's date
    ("India shipped rice worth Rs 10,800 crore to Iran during the last fiscal.", "last fiscal", IND,
     (D(2024, 4, 1), D(2025, 3, 31), "year"), None),
    ("Trade rose to $4.8bn last year.", "last year", NONE, (D(2024, 1, 1), D(2024, 12, 31), "year"), None),
    ("Exports this year are worth $2bn.", "this year", NONE, (D(2025, 1, 1), D(2025, 12, 31), "year"), None),
    ("Trade over the past year was $3bn.", "past year", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("Exports were $2bn the previous year.", "previous year", NONE, (D(2024, 1, 1), D(2024, 12, 31), "year"), None),
    ("Trade currently stands at $12bn.", "currently", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("Trade is now about $12bn.", "now", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("At present trade is worth $12bn.", "at present", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("Annual trade is $12bn.", "annual", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("The two trade $12bn annually.", "annual", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("The two trade $12bn a year.", "annual", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("The two trade $12bn per year.", "annual", NONE, (D(2024, 7, 19), D(2025, 7, 18), "year"), None),
    ("Exports were $200m last month.", "last month", NONE, (D(2025, 6, 1), D(2025, 6, 30), "month"), None),
    ("Trade grew to $8bn over the past five years.", "past five years", NONE,
     (D(2020, 7, 19), D(2025, 7, 18), "multi_year"), None),
    ("Trade has topped $50bn since 2010.", "since 2010", NONE, (D(2010, 1, 1), D(2025, 7, 18), "multi_year"), None),
    ("Exports so far this year reached $1bn.", "so far this year", NONE,
     (D(2025, 1, 1), D(2025, 7, 18), "part_year"), None),
    ("Exports reached $150 million in March.", "March", NONE, (D(2025, 3, 1), D(2025, 3, 31), "month"), None),
    # targets resolve to the year they fall due
    ("They aim to raise trade to $5bn by 2030.", "by 2030", TARGET,
     (D(2030, 1, 1), D(2030, 12, 31), "deadline"), (D(2030, 1, 1), D(2030, 12, 31), "deadline")),
    ("They aim to raise trade to $5bn by the end of 2025.", "by 2025", TARGET,
     (D(2025, 1, 1), D(2025, 12, 31), "deadline"), (D(2025, 1, 1), D(2025, 12, 31), "deadline")),
    ("Trade should reach $3bn in the next two years.", "in the next two years", TARGET,
     (D(2027, 1, 1), D(2027, 12, 31), "deadline"), None),
    ("Trade should reach $3bn within five years.", "within five years", TARGET,
     (D(2030, 1, 1), D(2030, 12, 31), "deadline"), None),
    ("Trade should reach $5bn over the next three years.", "over the next three years", TARGET,
     (D(2028, 1, 1), D(2028, 12, 31), "deadline"), None),
    ("Trade should reach $1bn in the near future.", "near future", TARGET, None, None),
    ("Exports should reach $9bn by the end of the current fiscal year.", "by the end of the current fiscal year",
     PeriodContext(is_target=True, countries=("IND",)), (D(2025, 4, 1), D(2026, 3, 31), "deadline"), None),
]  # fmt: skip


def _check(r: Resolved, want: tuple | None, phrase: PeriodPhrase, ctx: PeriodContext) -> None:
    assert r.coverage in COVERAGES
    # A note opening with a quote would be written with the CSV formula guard's apostrophe.
    assert not r.note.startswith(("'", '"')), r.note
    if want is None:
        assert (r.start, r.end) == (None, None), r
        assert r.note, "an empty span says why"
        assert r.coverage == periods._as_target(phrase, r).coverage if ctx.is_target else True
    else:
        assert (r.start, r.end, r.coverage) == want, r.note


@pytest.mark.parametrize(
    ("sentence", "words", "ctx", "dated", "undated"), CASES, ids=[c[0][:60] for c in CASES]
)
def test_every_form_is_found_and_resolved(sentence, words, ctx, dated, undated) -> None:
    phrase = only(sentence)
    assert phrase.said == words
    span = sentence[phrase.start : phrase.end]
    assert span == span.strip() and (words == "annual" or words.split()[-1] in span)
    _check(resolve(phrase, PUBLISHED, ctx), dated, phrase, ctx)
    _check(resolve(phrase, None, ctx), undated, phrase, ctx)


def test_undated_relative_periods_say_why_in_the_note() -> None:
    r = resolve(only("Trade rose to $4.8bn last year."), None, NONE)
    assert r == Resolved(
        None, None, "year", "relative period 'last year' not resolved: the article has no date"
    )
    assert resolve(only("The two trade $12bn a year."), None, NONE).coverage == "year"
    part = resolve(
        only("Exports in the first four months of the current Iranian year were $2bn."), None, IRAN
    )
    assert (part.start, part.coverage) == (None, "part_year")


def test_how_a_span_was_read_is_noted() -> None:
    assert resolve(only("in 1401"), None, IRAN).note == "Iranian year 1401"
    assert resolve(only("in fiscal 2021-22"), None, IND).note == "fiscal year April-March (IND)"
    multi = resolve(only("in 2017-18"), None, PeriodContext(countries=("CHN", "DEU")))
    assert (multi.start, multi.end, multi.coverage) == (D(2017, 1, 1), D(2018, 12, 31), "multi_year")
    assert "no fiscal year on record for CHN, DEU" in multi.note


def test_a_part_of_the_current_iranian_year_with_its_dates_in_brackets() -> None:
    sentence = (
        "Exports rose to $5bn in the first seven months of the current Iranian year (March 21-October 22)."
    )
    phrase = only(sentence)
    assert phrase.said == "first seven months of the current Iranian year"
    assert sentence[phrase.end - 1] == ")"  # the brackets are in the span, not in the name
    r = resolve(phrase, D(2025, 11, 10), IRAN)
    assert (r.start, r.end, r.coverage) == (D(2025, 3, 21), D(2025, 10, 22), "part_year")
    assert resolve(phrase, None, IRAN).start is None


def test_iranian_year_boundaries_follow_nowruz() -> None:
    """Nowruz fell on 21 March 2023 (1402) and on 20 March 2024 (1403)."""
    y1402 = resolve(only("in the Iranian year 1402"), None, IRAN)
    y1403 = resolve(only("in the Iranian year 1403"), None, IRAN)
    assert (y1402.start, y1402.end) == (D(2023, 3, 21), D(2024, 3, 19))
    assert (y1403.start, y1403.end) == (D(2024, 3, 20), D(2025, 3, 20))
    current = only("in the current Iranian year")
    assert resolve(current, D(2024, 3, 19), IRAN).start == D(2023, 3, 21)
    assert resolve(current, D(2024, 3, 20), IRAN).start == D(2024, 3, 20)
    assert resolve(current, D(2023, 3, 20), IRAN).start == D(2022, 3, 21)
    assert resolve(current, D(2023, 3, 21), IRAN).start == D(2023, 3, 21)


def test_previous_and_same_period_count_from_the_sentence_s_own_period() -> None:
    found = find_periods("Trade reached $5bn in 2023, up from $4bn the previous year.")
    assert [p.said for p in found] == ["2023", "previous year"]
    r = resolve(found[1], None, NONE)
    assert (r.start, r.end, r.coverage) == (D(2022, 1, 1), D(2022, 12, 31), "year")
    found = find_periods("Exports hit $2bn in the first half of 2024, up 10% on the same period last year.")
    assert [p.said for p in found] == ["first half of 2024", "same period last year"]
    r = resolve(found[1], None, NONE)
    assert (r.start, r.end, r.coverage) == (D(2023, 1, 1), D(2023, 6, 30), "part_year")
    found = find_periods(
        "Exports were $1.5bn in the first four months of 1402, against $1.2bn a year earlier."
    )
    r = resolve(found[1], None, IRAN)
    assert (r.start, r.end) == (D(2022, 3, 21), D(2022, 7, 22))
    alone = only("Exports were $1bn in the same period last year.")
    assert resolve(alone, PUBLISHED, NONE).start is None
    assert "not named in the sentence" in resolve(alone, PUBLISHED, NONE).note


def test_dates_stated_in_full_are_the_span() -> None:
    r = resolve(only("Exports were $370m from March 21, 2023, to January 22, 2024."), None, IRAN)
    assert (r.start, r.end, r.coverage) == (D(2023, 3, 21), D(2024, 1, 22), "part_year")
    r = resolve(only("Trade was $443m (March 21 through October 22, 2022)."), None, IRAN)
    assert (r.start, r.end) == (D(2022, 3, 21), D(2022, 10, 22))
    r = resolve(only("Exports were $6.9bn in the past nine months (March 21- Dec. 21, 2018)."), None, IRAN)
    assert (r.start, r.end) == (D(2018, 3, 21), D(2018, 12, 21))
    sentence = "Exports were $234m in the first six months of the current Iranian year (March 21 through September 22, 2021)."
    r = resolve(only(sentence), None, IRAN)
    assert (r.start, r.end, r.coverage) == (D(2021, 3, 21), D(2021, 9, 22), "part_year")
    r = resolve(only("Trade was $1bn from March 30 to February 2, 2024."), None, NONE)
    assert (r.start, r.end) == (D(2023, 3, 30), D(2024, 2, 2))  # across a new year
    assert said("Trade was $1bn from March 30, 2024 to February 2, 2024.") == []  # backwards
    assert said("Trade was $1bn from February 30 to March 2, 2024.") == []  # no such day


def test_brackets_and_fiscal_years_name_months() -> None:
    found = find_periods(
        "Exports were $1.6bn during 2002-03 (April-February), against $846m during April-February in 2001-02."
    )
    assert [p.said for p in found] == ["2002-03", "April-February in 2001-02"]
    first, second = (resolve(p, None, IND) for p in found)
    assert (first.start, first.end) == (D(2002, 4, 1), D(2003, 2, 28))
    assert (second.start, second.end) == (D(2001, 4, 1), D(2002, 2, 28))


def test_this_period_takes_its_anchor_from_the_sentence_or_from_the_caller() -> None:
    found = find_periods(
        "Exports were $2bn in January-February 2022, against $1.5bn in the corresponding period in 2021."
    )
    r = resolve(found[1], None, NONE)
    assert (r.start, r.end) == (D(2021, 1, 1), D(2021, 2, 28))
    alone = only("Iran exported goods worth $517 million to Afghanistan over this three-month period.")
    assert alone.form == "same_period" and alone.needs_anchor
    r = resolve(alone, PUBLISHED, IRAN)
    assert (r.start, r.coverage) == (None, "part_year")
    assert r.note == "the phrase 'this three-month period' refers to a period named before this sentence"
    earlier = only("Exports rose in the first quarter of the current Iranian year.")
    r = resolve(replace(alone, anchor=earlier), D(2024, 8, 21), IRAN)
    assert (r.start, r.end, r.coverage) == (D(2024, 3, 20), D(2024, 6, 20), "part_year")
    assert not replace(alone, anchor=earlier).needs_anchor
    year_ago = find_periods(
        "Imports fell to $2.96bn in the first three months of 2009 from $3.94bn in the year-ago period."
    )
    r = resolve(year_ago[1], None, NONE)
    assert (r.start, r.end) == (D(2008, 1, 1), D(2008, 3, 31))


def test_a_deadline_counted_from_an_event_has_no_span() -> None:
    phrase = only("They aim to lift trade to $100bn within five years of signing the agreement.")
    r = resolve(phrase, PUBLISHED, TARGET)
    assert (r.start, r.coverage) == (None, "deadline")
    assert "counted from an event" in r.note
    assert resolve(only("Trade should reach $3bn within five years from now."), PUBLISHED, TARGET).start == D(
        2030, 1, 1
    )


def _pick(sentence: str, figure: str, target: bool = False) -> str:
    phrases = find_periods(sentence)
    at = sentence.index(figure)
    chosen = nearest(phrases, 0, len(sentence), at, at + len(figure), target=target)
    return chosen.said if chosen else ""


def test_the_figure_s_own_period_is_the_one_written_next_to_it() -> None:
    s = "Exports rose from 7.8 billion USD in 2005 to 45.1 billion USD in 2015."
    assert (_pick(s, "7.8 billion USD"), _pick(s, "45.1 billion USD")) == ("2005", "2015")
    s = "Exports rose 33% in January 2020 compared to the same month of 2019, amounting to $118.3 million."
    assert _pick(s, "$118.3 million") == "January 2020"
    s = "Trade reached $5bn in 2023, up from $4bn the previous year."
    assert (_pick(s, "$5bn"), _pick(s, "$4bn")) == ("2023", "previous year")
    s = "The aim is to raise trade from $13.6 billion at present to $20 billion by 2008."
    assert _pick(s, "$13.6 billion") == "at present"
    assert _pick(s, "$20 billion", target=True) == "by 2008"
    s = "In March 2015 they agreed to lift trade to $100 billion by 2020."
    assert _pick(s, "$100 billion", target=True) == "by 2020"
    s = "Iraq aims to raise annual trade with Iran to $20 billion."
    assert _pick(s, "$20 billion", target=True) == "annual"


def test_a_yearly_target_has_no_deadline() -> None:
    r = resolve(only("Iraq aims to raise annual trade with Iran to $20bn."), PUBLISHED, TARGET)
    assert r == Resolved(None, None, "year", "a yearly target: its deadline is not said")


def test_a_target_stated_last_year_does_not_fall_due_last_year() -> None:
    r = resolve(only("Last year they set a target of $10bn."), PUBLISHED, TARGET)
    assert (r.start, r.end, r.coverage) == (None, None, "deadline")


def test_days_and_names_are_not_periods() -> None:
    assert said("The deal signed on 5 May 2019 covers $2bn of goods.") == []
    assert said("The agreement of March 20, 2019 sets a $5bn goal.") == []
    assert said("Saudi Vision 2030 aims at $100bn.") == []
    assert said("They discussed the 2015 nuclear deal and $3bn of trade.") == []
    assert said("Iraq imports 1,401 tonnes and 2,024 cars worth $2.3 million.") == []
    assert said("Mehr news agency reported $1bn of trade.") == []
    assert said("The current fiscal deficit and the next fiscal package total $3bn.") == []


# --- the extractor's period strings stay as they were --------------------------------------------
LEGACY = [
    ("Trade will grow to $30 billion annually.", "annual"),
    ("Exports of $4 billion per annum.", "annual"),
    ("A $10bn target in the near future.", "near future"),
    ("Raise trade to $5bn by the end of 2030.", "by 2030"),
    ("Raise trade to $5bn until 2028.", "by 2028"),
    ("Trade was $2bn in the first half of 2022.", "first half of 2022"),
    ("Exports were $1bn in fiscal 2021-22.", "fiscal 2021-22"),
    ("Last year, exports were $1bn.", "last year"),
    ("Trade was $1.5bn in the past Iranian year.", "past Iranian year"),
    ("Trade should reach $10bn within the next three years.", "within the next three years"),
    ("Trade should reach $5bn over the next three years.", "over the next three years"),
    ("Trade should reach $3bn within two years.", "within two years"),
    ("Exports were $9bn in FY 2024.", "FY2024"),
    ("Exports were $9.2bn in the Iranian year to March 20.", "Iranian year to March 20"),
    ("Exports of Rs 72bn in the first nine months of the current fiscal year.",
     "first nine months of the current fiscal year"),
    ("Exports of Rs 72bn in the first nine months of the current fiscal year (July-March).",
     "first nine months of the current fiscal year"),
    ("Trade was $10.6bn in 2024-25.", "2024-25"),
    ("Exports were €800m in the first quarter of 2025.", "first quarter of 2025"),
    ("Trade was $33.6bn in the first nine months of 2025.", "first nine months of 2025"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "words"), LEGACY)
def test_the_extractor_s_period_strings_are_kept(sentence: str, words: str) -> None:
    assert said(sentence) == [words]


def _expected_periods() -> list[tuple[str, str]]:
    """(text, period) for every expected claim with a period in the test corpora."""
    out = []
    for case in tomllib.loads((CORPUS / "sentences.toml").read_text("utf-8"))["case"]:
        out += [(case["text"], c["period"]) for c in case["claims"] if c.get("period")]
    for expected in sorted(CORPUS.glob("articles*/expected.toml")):
        for article in tomllib.loads(expected.read_text("utf-8"))["article"]:
            text = (expected.parent / f"{article['id']}.txt").read_text("utf-8")
            out += [(text, c["period"]) for c in article["claims"] if c.get("period")]
    return out


def test_every_period_the_corpora_expect_is_found_as_said() -> None:
    expected = _expected_periods()
    assert len(expected) >= 80
    for text, period in expected:
        assert period in {p.said for p in find_periods(text)}, period


# --- the fast scan, the gate and the wiring helper --------------------------------------------
TEXTS = [p.read_text("utf-8") for p in sorted(CORPUS.glob("articles*/*.txt"))]
TEXTS += [c["text"] for c in tomllib.loads((CORPUS / "sentences.toml").read_text("utf-8"))["case"]]
TEXTS += [c[0] for c in CASES] + [c[0] for c in LEGACY]
WORDS = sorted(
    {w for name, p in periods._FORM_PATTERNS for w in re.findall(r"(?<![\\<«:?])\b[a-zA-Z]{2,}\b", p)}
    | set(periods._CORE)
    | set(periods._LEADS)
    | {
        "2016",
        "2017-18",
        "1401",
        "12",
        "5",
        "Q1",
        "H2",
        "1Q",
        "FY22",
        "5th",
        "(",
        ")",
        ",",
        "-",
        "'s",
        "$5bn",
        "billion",  # after a number: no phrase ("12 billion", "500 tonnes")
        "tonnes",
        "Mayor",
        "Decembers",
        "ofx",
        "DAYS",
        "yearly",
        "120",
    }
)


def _plain(text: str) -> list[tuple[tuple[int, int], str | None]]:
    """Each phrase of the plain scan, and its form (the branch that matched)."""
    return [(m.span(), m.lastgroup) for m in periods._ANY.finditer(text)]


def _fast(text: str) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in periods._scan(text, 0, len(text))]


def test_the_fast_scan_finds_what_the_plain_scan_finds_on_the_corpora() -> None:
    for text in TEXTS:
        assert _fast(text) == _plain(text)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(WORDS), max_size=14),
    st.lists(st.sampled_from([" ", "  ", "\n", "-", ", "]), min_size=14, max_size=14),
)
def test_the_fast_scan_finds_what_the_plain_scan_finds_on_generated_text(words, gaps) -> None:
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    assert _fast(text) == _plain(text)


def _samples() -> list[str]:
    return [c[0] for c in CASES] + [c[0] for c in LEGACY] + [f"Trade of $1bn {w}." for w in RELATIVE] + [
        "Exports fell 43% in the mentioned time span.", "Exports were $1bn in the said time span.",
        "Exports rose over this three-month period.", "Exports rose during the above-mentioned period.",
        "Exports rose at the moment.", "Exports rose in that time span.", "Exports were $2bn in the year-ago period.",
    ]  # fmt: skip


# Phrases that open with a number of at most three digits (before any lead words): each unit and
# month a number can be followed by (see periods._NUMBER_GOES_ON). A date range is given its
# "from": at a digit the scan tries only _ANY_DIGIT, which has no date range, so "21 March to 20
# June 2024" opening a text is read as the date "20 June 2024" (a difference kept as it was).
NUMBER_LED = [
    "in 5 decades' time", "in 5 years’ time", "in 2 months time", "12 months to June 2019", "the 3-month period",
    "these 3 months period", "the 4 weeks to May 2019", "the 100 days ending July 1", "3 years ending June 2019",
    "12 months of 2019", "5 of May 2019", "5 May 2019", "from 21 March to 20 June 2024", "2 Sept 2019", "9 DECADES",
]  # fmt: skip


def test_every_number_led_phrase_is_scanned_as_the_plain_scan_does() -> None:
    for phrase in NUMBER_LED:
        for text in (phrase, f"Trade of $1bn {phrase}.", phrase.upper(), phrase.replace(" ", "-")):
            assert _fast(text) == _plain(text), text


LEAD_CHAINS = ["", "in ", "in the ", "of the ", "during the said ", "over that ", "in the mentioned ", "for these ",
               "in that time ", "a ", "one ", "from ", "on ", "the the "]  # fmt: skip


def test_every_lead_chain_before_every_form_is_scanned_as_the_plain_scan_does() -> None:
    for sample in _samples():
        for chain in LEAD_CHAINS:
            for text in (f"Trade {chain}{sample}", f"{chain}{sample[0].lower()}{sample[1:]}"):
                assert _fast(text) == _plain(text), text


def test_forms_tried_by_first_letter_are_all_that_can_match_there() -> None:
    """Every phrase the plain scan finds is found by the forms tried at its first letter, as the
    same form; in either case of the letter."""
    for text in TEXTS + _samples():
        for m in periods._ANY.finditer(text):
            for first in {text[m.start()].lower(), text[m.start()].upper()}:
                variant = text[: m.start()] + first + text[m.start() + 1 :]
                plain = periods._ANY.match(variant, m.start())
                fast = periods._match_any(variant, m.start(), len(variant))
                assert (fast and (fast.span(), fast.lastgroup)) == (plain and (plain.span(), plain.lastgroup))


def test_every_phrase_holds_a_word_the_gate_looks_for() -> None:
    for text in TEXTS + _samples():
        for m in periods._ANY.finditer(text):
            assert periods._may_hold(text, m.start(), m.end()), m.group()


def test_find_periods_reads_only_its_span() -> None:
    text = "In 2016 trade rose. Last year it fell."
    assert [p.said for p in find_periods(text, 20, len(text))] == ["last year"]
    assert find_periods(text, 20, 20) == []
    assert find_periods(text, 5, 2) == []


def test_nearest_picks_the_phrase_closest_to_the_figure_within_the_bounds() -> None:
    text = "In 2023 trade was $5bn, against $4bn in 2022; the goal is $9bn by 2030."
    phrases = find_periods(text)
    fig = text.index("$4bn")
    assert nearest(phrases, 0, text.index(";"), fig, fig + 4).said == "2022"
    fig = text.index("$5bn")
    assert nearest(phrases, 0, text.index(";"), fig, fig + 4).said == "2023"
    fig = text.index("$9bn")
    assert nearest(phrases, text.index(";"), len(text), fig, fig + 4).said == "by 2030"
    assert nearest(phrases, 0, 3, 0, 1) is None
    assert nearest([], 0, len(text), 0, 1) is None


def test_iranian_context() -> None:
    assert iranian_context("Tehran and Baghdad") and iranian_context("Iran's exports")
    assert iranian_context("in Farvardin") and iranian_context("in 1402 exports rose")
    assert not iranian_context("India and Oman traded 1,402 tonnes in 2024")


def test_no_period_says_so() -> None:
    assert NO_PERIOD.start is None and NO_PERIOD.coverage == ""


# --- never the clock ---------------------------------------------------------------------------
RELATIVE = [
    "last year", "this year", "the past year", "the previous year", "currently", "now", "at present",
    "annual", "annually", "a year", "per year", "last month", "the past five years", "this quarter",
    "in the next two years", "within five years", "over the next three years", "in the near future",
    "by the end of the current fiscal year", "the current Iranian year", "the last Iranian year",
    "the first seven months of the current Iranian year", "the Iranian year to March 20", "in March",
    "the first four months", "since 2010", "so far this year", "the coming decade", "this decade",
    "the 100 days ending July 1", "the past six months", "a year earlier", "next year",
]  # fmt: skip


@pytest.mark.parametrize("words", RELATIVE)
@pytest.mark.parametrize("ctx", [NONE, TARGET, IRAN, IND])
def test_relative_periods_without_an_article_date_have_no_span(words: str, ctx: PeriodContext) -> None:
    phrase = only(f"Trade of $1bn {words}.")
    r = resolve(phrase, None, ctx)
    assert (r.start, r.end) == (None, None)
    assert r.note


def test_the_resolver_never_reads_the_clock() -> None:
    source = inspect.getsource(periods)
    assert not re.search(r"\.(?:today|now|utcnow)\(|\btime\.(?:time|localtime)\(", source)
    assert "import time" not in source and "from time" not in source


# --- properties --------------------------------------------------------------------------------
TEMPLATES = [
    "in {y}", "in {y}-{yy:02d}", "in fiscal {y}-{yy:02d}", "in FY{y}", "in FY{yy:02d}", "in {m} {y}",
    "in the first {n} months of {y}", "in the last {n} months of {y}", "in H{h} {y}", "in Q{q} {y}",
    "in the {o} quarter of {y}", "in the {o} half of {y}", "in {m}-{m2} {y}", "in {m} {y}-{m2} {y2}",
    "in {iy}", "in the Iranian year {iy}", "in the first {n} months of the Iranian year {iy}",
    "in {im} {iy}", "in the {r} Iranian year", "in the {r} fiscal year", "{r} year", "{r} month",
    "in the first {n} months of the {r} fiscal year", "the 12 months ending {m} {y}", "the year to {m} {y}",
    "the fiscal year ended {m} {d}, {y}", "by {y}", "by the end of {y}", "within {n} years",
    "in the next {n} years", "the past {n} years", "since {y}", "from {y} to {y2}", "in {m}",
    "the {n} months to {m} {d}", "in the first {n} months", "in Q{q}", "{w}", "in {y}, up on a year earlier",
    "in the first half of {y}, up on the same period last year", "the Iranian year to {m} {d}",
    "the current Iranian year ({m} {d}-{m2} {d2})", "by the end of the current Iranian year ({m} {d}, {y})",
    "the first {n} months of {y} ({m} {d}-{m2} {d2})",
]  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December", "Jan.", "Sept"]  # fmt: skip
IMONTHS = ["Farvardin", "Ordibehesht", "Tir", "Mehr", "Azar", "Dey", "Esfand"]
FILLERS = ["annually", "currently", "now", "a year", "so far this year", "in the near future", "this decade"]

phrase_texts = st.builds(
    lambda t, **k: t.format(**k),
    st.sampled_from(TEMPLATES),
    y=st.integers(1990, 2035), yy=st.integers(0, 99), y2=st.integers(1990, 2040), iy=st.integers(1370, 1415),
    n=st.sampled_from(["one", "two", "three", "four", "six", "nine", "ten", "twelve", "0", "1", "5", "13", "100"]),
    m=st.sampled_from(MONTHS), m2=st.sampled_from(MONTHS), d=st.integers(0, 35), d2=st.integers(0, 35),
    h=st.integers(1, 2), q=st.integers(1, 4), o=st.sampled_from(["first", "second", "third", "fourth", "last"]),
    im=st.sampled_from(IMONTHS), r=st.sampled_from(["last", "this", "next", "current", "past", "previous"]),
    w=st.sampled_from(FILLERS),
)  # fmt: skip
contexts = st.builds(
    PeriodContext,
    is_target=st.booleans(),
    countries=st.lists(st.sampled_from([*fiscal_years(), "CHN", "IRQ", "DEU"]), max_size=2).map(tuple),
    iranian=st.booleans(),
)
published_dates = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2040, 12, 31)))


@settings(max_examples=200, deadline=None)
@given(phrase_texts, published_dates, contexts)
def test_a_span_never_ends_before_it_starts(text: str, published: date | None, ctx: PeriodContext) -> None:
    for phrase in find_periods(text):
        r = resolve(phrase, published, ctx)
        assert (r.start is None) == (r.end is None), r
        if r.start is not None:
            assert r.start <= r.end, (text, r)
        assert r.coverage in COVERAGES
        if r.start is None:
            assert r.note


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), published_dates, contexts)
def test_arbitrary_text_never_raises(text: str, published: date | None, ctx: PeriodContext) -> None:
    for phrase in find_periods(text):
        assert 0 <= phrase.start < phrase.end <= len(text) and phrase.said
        r = resolve(phrase, published, ctx)
        assert r.start is None or r.start <= r.end


# --- linear time ---------------------------------------------------------------------------------
PATHOLOGICAL = {
    "the first": "the first " * 100_000,
    "fiscal 2017-": "fiscal 2017-" * 80_000,
    "spaces": "in" + " " * 1_000_000 + "2016",
    "newlines": "by the end of\n" * 70_000,
    "digits": "1 " * 250_000,
    "years": "2017 " * 40_000,
    "H and Q": "Q1-Q" * 250_000,
    "months": "January-" * 50_000,
    "brackets": "the current Iranian year (March 21-" * 12_000,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_text_is_handled_in_linear_time(name: str) -> None:
    """Bounded by this process's CPU time, which other work on the machine barely changes."""
    text = PATHOLOGICAL[name]
    wall, cpu = time.perf_counter(), time.process_time()
    found = find_periods(text, 0, len(text))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{name}: {len(text):,} characters, {len(found):,} phrases, {cpu:.2f} s CPU ({wall:.2f} s wall)")
    assert cpu < 5, f"{name} took {cpu:.1f} s of CPU"


# --- the fiscal-year table -----------------------------------------------------------------------
def test_the_fiscal_year_table_holds_the_countries_news_names() -> None:
    table = fiscal_years()
    assert {"IND", "PAK", "AUS", "NZL", "JPN", "GBR", "EGY", "BGD", "KEN", "USA", "CAN", "IRN"} <= set(table)
    assert (table["IND"].first_month, table["IND"].first_day) == (4, 1)
    assert table["IRN"].calendar == "iranian"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("IND,13,1,gregorian,end,x", "line 2 ('IND'): first_month/first_day 13/1 is not a day of the year"),
        ("IND,2,30,gregorian,end,x", "first_month/first_day 2/30 is not a day of the year"),
        ("India,4,1,gregorian,end,x", "iso3 must be three capital letters"),
        ("IND,4,1,julian,end,x", "calendar must be gregorian or iranian"),
        ("IND,4,1,gregorian,middle,x", "named_by start or end"),
        ("IND,4,1", "line 2: missing calendar, named_by, note"),
        ("IND,4,1,gregorian,end,x\nIND,4,1,gregorian,end,y", "line 3 ('IND'): IND appears twice"),
    ],
)
def test_a_broken_fiscal_year_table_is_named_with_its_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "fiscal_years.csv"
    path.write_text("iso3,first_month,first_day,calendar,named_by,note\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)) as err:
        fiscal_years(path)
    assert str(path) in str(err.value)


def test_an_unreadable_fiscal_year_table_is_named(tmp_path: Path) -> None:
    path = tmp_path / "fiscal_years.csv"
    path.write_bytes(b"\xff\xfe\x00 not utf-8")
    with pytest.raises(ValueError, match="cannot read the fiscal-year table"):
        fiscal_years(path)
    with pytest.raises(ValueError, match="cannot read"):
        fiscal_years(tmp_path / "missing.csv")
