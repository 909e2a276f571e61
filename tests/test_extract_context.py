"""When a figure holds and who said it, read across an article's sentences: the team's own
wording of the constructions found in real copy (see bench/realnews.py), each with a case where
the rule must not apply."""

from __future__ import annotations

from etl.extract import extract


def spans(text: str, published: str = "") -> dict[float, tuple[str, str, str]]:
    """Each figure's value -> (period as said, period_start, period_end)."""
    return {
        c.value: (c.period, c.period_start, c.period_end)
        for c in extract("t", text, published=published).claims
    }


def test_an_undated_article_s_unsaid_year_is_the_one_of_the_period_it_just_named() -> None:
    text = (
        "Trade between Armenia and Iran came to $90 million between January and April 2021.\n\n"
        "Iran's exports to Armenia were $60 million in the four months to April 30."
    )
    found = spans(text)
    assert found[60e6][1:] == ("2021-01-01", "2021-04-30")


def test_the_unsaid_year_is_borrowed_only_for_a_period_ending_in_the_same_month() -> None:
    # "the first quarter" ends in March, the period named before in April: not the same report.
    text = (
        "Trade between Armenia and Iran came to $90 million between January and April 2021.\n\n"
        "Iran's exports to Armenia were $60 million in the first quarter."
    )
    assert spans(text)[60e6][1:] == ("", "")


def test_a_dated_article_reads_an_unsaid_year_from_its_date_not_from_the_period_before() -> None:
    text = (
        "Trade between Armenia and Iran came to $90 million between January and April 2019.\n\n"
        "Iran's exports to Armenia were $60 million in the four months to April 30."
    )
    assert spans(text, published="2021-06-01")[60e6][1:] == ("2021-01-01", "2021-04-30")


def test_a_relative_year_is_never_borrowed_from_the_period_before() -> None:
    text = (
        "Trade between Armenia and Iran came to $90 million in 2019.\n\n"
        "Iran's exports to Armenia were $60 million last year."
    )
    assert spans(text)[60e6][1:] == ("", "")


def test_the_stated_start_of_an_iranian_year_places_it_and_this_period_follows() -> None:
    text = (
        "Iran's exports to Iraq came to $2 billion in the first three months of the Iranian calendar "
        "year (started March 21, 2024).\n\n"
        "Gas made up $900 million of Iran's exports to Iraq during this period."
    )
    found = spans(text)
    assert found[2e9][1:] == ("2024-03-20", "2024-06-20")
    assert found[900e6][1:] == ("2024-03-20", "2024-06-20")


LEAD = (
    "Kenya's exports to Uganda were worth $600 million in fiscal year 2019-20, the export board said.\n\n"
    "Uganda was Kenya's largest market in Africa that year.\n\n"
    "Tanzania came next.\n\n"
)


def test_a_list_of_figures_after_a_lead_holds_for_the_one_period_the_article_named() -> None:
    text = (
        LEAD + "Kenya's exports to Tanzania stood at $300 million, and its exports to Rwanda at $150 million."
    )
    found = spans(text)
    assert found[600e6][1:] == ("2019-07-01", "2020-06-30")
    assert found[300e6] == found[150e6] == found[600e6]


def test_no_period_is_carried_when_the_article_named_two() -> None:
    text = (
        LEAD.replace("that year", "in 2018")
        + "Kenya's exports to Tanzania stood at $300 million, and its exports to Rwanda at $150 million."
    )
    found = spans(text)
    assert found[300e6] == ("", "", "") and found[150e6] == ("", "", "")


def test_the_period_a_change_is_measured_from_is_not_the_figure_s() -> None:
    text = (
        "Iran's exports to Armenia came to $90 million in the first half of 2021.\n\n"
        "Iran's exports to Georgia were $40 million, up 12% from the same period last year, while its "
        "exports to Turkey were $70 million, up 5% from the same period last year."
    )
    found = spans(text)
    assert found[40e6][1:] == found[70e6][1:] == ("2021-01-01", "2021-06-30")


def test_a_comparison_in_the_figure_s_clause_yields_to_the_sentence_s_own_year() -> None:
    text = (
        "In 2019 Vietnam overtook Japan as Chile's second market, with Chile's exports to Vietnam "
        "valued at $4.1 billion, an increase of 20 per cent over the previous year."
    )
    assert spans(text)[4.1e9][1:] == ("2019-01-01", "2019-12-31")


def test_a_comparing_phrase_next_to_its_figure_is_still_that_figure_s() -> None:
    text = "Chile's exports to Vietnam rose to $4.1 billion in 2019 from $3.4 billion the previous year."
    found = spans(text)
    assert found[3.4e9][1:] == ("2018-01-01", "2018-12-31")


def test_a_figure_after_a_comparison_holds_for_the_year_reported_not_the_year_compared_with() -> None:
    text = (
        "Trade between Chile and Peru rose by 4% in 2023 compared with 2022 to $5.1 billion. "
        "Chile's exports to Peru were $2.9 billion, while its imports from Peru were $2.2 billion."
    )
    found = spans(text)
    assert found[2.9e9][1:] == found[2.2e9][1:] == ("2023-01-01", "2023-12-31")


def test_the_year_of_the_figure_a_change_is_measured_from_is_not_another_figure_s() -> None:
    text = (
        "Chile's exports to Peru reached $2.9 billion in 2023, up from $900 million in 2003, and its "
        "imports from Peru climbed to $2.2 billion, up 150 percent."
    )
    found = spans(text)
    assert found[900e6][1:] == ("2003-01-01", "2003-12-31")
    assert found[2.2e9][1:] == ("2023-01-01", "2023-12-31")


def test_an_undated_change_from_a_stated_year_holds_for_the_year_after() -> None:
    text = (
        "Chile's exports to Peru were $2.9 billion in the first half of this year, up 8% from the "
        "similar period in 2013."
    )
    assert spans(text)[2.9e9][1:] == ("2014-01-01", "2014-06-30")


def test_an_undated_change_in_an_iranian_year_from_stated_months_holds_for_the_year_after() -> None:
    text = (
        "Trade between Iran and Oman rose in the first five months of the current Iranian year.\n\n"
        "Oman's exports to Iran reached $400 million, up 57% against March-July 2020."
    )
    assert spans(text)[400e6][1:] == ("2021-03-21", "2021-08-22")


def test_a_dated_article_counts_this_year_from_its_date_not_from_the_year_compared_with() -> None:
    text = (
        "Chile's exports to Peru were $2.9 billion in the first half of this year, up 8% from the "
        "similar period in 2013."
    )
    assert spans(text, published="2020-08-01")[2.9e9][1:] == ("2020-01-01", "2020-06-30")


def test_a_year_that_is_only_compared_with_is_never_the_figure_s() -> None:
    assert spans("Chile's exports to Peru rose 8% compared with 2013 to $2.9 billion.")[2.9e9] == ("", "", "")


def test_a_body_that_speaks_ends_the_last_person_s_statement() -> None:
    text = (
        "Trade between Chile and Peru came to $5.1 billion in 2023, said Chile's Ambassador in Lima, "
        "Roberto Salas. The two plan to raise trade to $8 billion by 2030, the Ministry announced."
    )
    speakers = {c.value: c.speaker for c in extract("t", text).claims}
    assert speakers == {5.1e9: "Roberto Salas", 8e9: ""}


def test_an_undated_article_s_year_read_from_one_change_serves_its_other_relative_years() -> None:
    text = (
        "Trade between Kazakhstan and Uzbekistan rose 12% compared to the same period in 2021 and "
        "reached $1.9 billion in the first five months of this year.\n\n"
        '"Last year, trade between Kazakhstan and Uzbekistan reached a record $4.6 billion," the '
        "minister said."
    )
    found = spans(text)
    assert found[1.9e9][1:] == ("2022-01-01", "2022-05-31")
    assert found[4.6e9][1:] == ("2021-01-01", "2021-12-31")


def test_a_year_after_a_change_in_percent_is_what_the_change_is_measured_from() -> None:
    text = (
        "Oman's exports to India fell 3% in the first quarter of the year.\n\n"
        "Trade between Oman and India rose more than 10 per cent last year from 2020, to $9 billion."
    )
    found = spans(text)
    assert found[9e9][1:] == ("2021-01-01", "2021-12-31")


def test_a_dated_article_never_reads_its_year_from_a_change() -> None:
    text = "Trade between Oman and India rose more than 10 per cent last year from 2020, to $9 billion."
    assert spans(text, published="2024-03-01")[9e9][1:] == ("2023-01-01", "2023-12-31")


def test_the_reporting_period_of_a_year_is_the_part_of_it_reported_before() -> None:
    text = (
        "Armenia's trade turnover with Iran in February 2023 amounted to $60 million, against $50 "
        "million in the same period of 2022.\n\n"
        "Iran stayed the second Armenian trade turnover partner over the reporting period of 2023, "
        "followed by Georgia ($300 million) and China ($90 million)."
    )
    found = spans(text)
    assert found[300e6][1:] == found[60e6][1:] == ("2023-02-01", "2023-02-28")


def test_a_year_named_after_the_reported_part_is_not_narrowed_without_reporting_period() -> None:
    text = (
        "Armenia's trade with Iran in February 2023 amounted to $60 million.\n\n"
        "Iran's exports to Armenia came to $700 million over 2023 as a whole."
    )
    assert spans(text)[700e6][1:] == ("2023-01-01", "2023-12-31")


def test_a_sentence_that_sources_the_figure_gives_its_period() -> None:
    text = (
        "China is now Kenya's largest source of imports, at $1.2 billion. This is according to the "
        "statistics bureau's trade data for the second quarter of 2019."
    )
    assert spans(text)[1.2e9][1:] == ("2019-04-01", "2019-06-30")


def test_a_period_in_the_next_sentence_that_does_not_source_the_figure_is_not_its() -> None:
    text = (
        "China is now Kenya's largest source of imports, at $1.2 billion. Kenya's exports to China "
        "reached $200 million in the second quarter of 2019."
    )
    assert spans(text)[1.2e9][1:] == ("", "")


def test_an_undated_iranian_year_to_a_day_is_read_against_the_year_the_text_pins() -> None:
    text = (
        "Trade between Iran and Iraq rose 12% compared to the same period in 2021 and reached $4 "
        "billion in the first five months of this year.\n\n"
        "Iran's exports to Iraq came to $9 billion in the Iranian year to March 20."
    )
    assert spans(text)[9e9][1:] == ("2021-03-21", "2022-03-20")
