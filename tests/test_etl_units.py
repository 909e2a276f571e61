"""Unit tests, one module at a time: figures, text, places, people, tables, transform."""

from __future__ import annotations

import pandas as pd
import pytest
from etl_fixtures import AMBASSADOR, copy_corpus

from etl.contract import CLAIM_COLUMNS, Claim
from etl.corpus import Article
from etl.extract import extract
from etl.figures import find_money, find_percent
from etl.people import PeopleIndex, Person, default_people, people_in, speaker_of
from etl.pipeline import run
from etl.places import country_index, main_pair
from etl.review import apply, empty_reviews
from etl.tables import (
    columns,
    empty,
    formula_safe,
    formula_unsafe,
    read_table,
    read_tables,
    to_csv_bytes,
    validate,
)
from etl.text import dateline_end, paragraphs, sentences
from etl.transform import (
    articles_table,
    categories_table,
    claims_table,
    people_table,
    target_gaps,
    trade_balance,
)

# === figures ====================================================================================
MONEY = [
    ("$12 billion", 12e9, "USD"),
    ("$12bn", 12e9, "USD"),
    ("US$1.5bln", 1.5e9, "USD"),
    ("USD 30 billion", 30e9, "USD"),
    ("USD30bn", 30e9, "USD"),
    ("€1 billion", 1e9, "EUR"),
    ("20 billion dollars", 20e9, "USD"),
    ("twelve billion US dollars", 12e9, "USD"),
    ("half a billion dollars", 0.5e9, "USD"),
    ("500 million Iraqi dinars", 500e6, "IQD"),
    ("$500m", 500e6, "USD"),
    ("$500 million", 500e6, "USD"),
    ("$12,000,000,000", 12e9, "USD"),
    ("$1.0 billion", 1e9, "USD"),
]


@pytest.mark.parametrize(("form", "value", "unit"), MONEY, ids=[m[0] for m in MONEY])
def test_money_forms(form, value, unit):
    text = f"Trade between the two countries reached {form} last year."
    (fig,) = find_money(text)
    assert text[fig.start : fig.end] == form
    assert fig.value == pytest.approx(value)
    assert fig.unit == unit
    assert fig.kind == "money" and fig.range_part == ""


@pytest.mark.parametrize("form", ["$10-12 billion", "$10–12 billion"])
def test_money_range_gives_both_ends(form):
    text = f"Trade is worth {form} a year."
    low, high = find_money(text)
    assert (low.range_part, low.value) == ("low", 10e9)
    assert (high.range_part, high.value) == ("high", 12e9)
    assert text[low.start : low.end] == form
    assert text[high.start : high.end] == "12 billion"  # its own start, so its claim_id differs
    assert low.unit == high.unit == "USD"


@pytest.mark.parametrize(
    "text",
    [
        "Trade grew sharply in 2024.",
        "Some 1,200 students study in Iran.",
        "The pipeline runs 500 km to the border.",
        "The 5 metres wall was built in 1999 by 300 workers.",
        "He visited 12 provinces on 30 June.",
    ],
)
def test_not_money(text):
    assert find_money(text) == []
    assert find_percent(text) == []


def test_several_figures_keep_their_own_spans():
    text = "Trade hit $12 billion in 2024, up from $10bn; the target is 20 billion dollars."
    figs = find_money(text)
    assert [text[f.start : f.end] for f in figs] == ["$12 billion", "$10bn", "20 billion dollars"]
    assert [f.value for f in figs] == [12e9, 10e9, 20e9]


@pytest.mark.parametrize(
    ("form", "value"), [("65%", 65), ("30 %", 30), ("65 percent", 65), ("sixty-five per cent", 65)]
)
def test_percent_forms(form, value):
    text = f"These products make up {form} of Iraq's imports."
    (fig,) = find_percent(text)
    assert text[fig.start : fig.end] == form
    assert fig.value == value and fig.unit == "percent"
    assert find_money(text) == []


# === text =======================================================================================
def _sentence_texts(text):
    return [s.of(text) for s in sentences(text)]


def test_abbreviations_do_not_split():
    text = "The U.S. Treasury said so. Mr. Smith agreed with Dr. Jones. Then it ended."
    assert _sentence_texts(text) == [
        "The U.S. Treasury said so.",
        "Mr. Smith agreed with Dr. Jones.",
        "Then it ended.",
    ]


def test_quotation_ending_in_full_stop_splits():
    text = "He said, “Trade is strong.” The minister then left."
    assert _sentence_texts(text) == ["He said, “Trade is strong.”", "The minister then left."]


def test_decimal_figures_do_not_split():
    text = "Trade is $12.5 billion. It grew 3.5 percent."
    assert _sentence_texts(text) == ["Trade is $12.5 billion.", "It grew 3.5 percent."]


def test_sentence_offsets_are_exact_and_paragraphs_counted():
    text = "  TEHRAN – Iran and Iraq met. They agreed!\n\nBAGHDAD — Talks went well?  Yes.\n"
    got = sentences(text)
    expected = [
        ("TEHRAN – Iran and Iraq met.", 0),
        ("They agreed!", 0),
        ("BAGHDAD — Talks went well?", 1),
        ("Yes.", 1),
    ]
    assert [(s.of(text), s.paragraph) for s in got] == expected
    for s, (body, _) in zip(got, expected, strict=True):
        assert text.index(body) == s.start and s.end == s.start + len(body)
    assert [p.of(text) for p in paragraphs(text)] == [
        "TEHRAN – Iran and Iraq met. They agreed!",
        "BAGHDAD — Talks went well?  Yes.",
    ]


def test_hard_wrapped_lines_join_their_paragraph_but_bullets_and_headings_do_not():
    text = (
        "Trade figures\n"
        "The two countries said on Monday that their bilateral trade, which grew fast,\n"
        "Reached a record last year and would\n"
        "keep growing.\n"
        "- a bullet line\n"
        "Another paragraph."
    )
    assert [p.of(text) for p in paragraphs(text)] == [
        "Trade figures",
        "The two countries said on Monday that their bilateral trade, which grew fast,\n"
        "Reached a record last year and would\nkeep growing.",
        "- a bullet line",
        "Another paragraph.",
    ]


# === places =====================================================================================
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Iranian exports rose.", [("Iranian", "IRN", "demonym")]),
        ("Officials met in Tehran.", [("Tehran", "IRN", "capital")]),
        ("Talks in Dushanbe ended.", [("Dushanbe", "TJK", "capital")]),
        ("The U.S. objected.", [("U.S.", "USA", "name")]),
        ("The United Arab Emirates agreed.", [("United Arab Emirates", "ARE", "name")]),
        ("Iran–Iraq ties are strong.", [("Iran", "IRN", "name"), ("Iraq", "IRQ", "name")]),
        ("Iraq’s exports to Iran fell.", [("Iraq", "IRQ", "name"), ("Iran", "IRN", "name")]),
        ("Trade figures were released.", []),
    ],
)
def test_country_mentions(text, found):
    mentions = country_index().find(text)
    assert [(text[m.start : m.end], m.iso3, m.kind) for m in mentions] == found


def test_longest_match_wins():
    text = "The United Arab Emirates and the United States met."
    isos = [m.iso3 for m in country_index().find(text)]
    assert isos == ["ARE", "USA"]


@pytest.mark.parametrize("dash", ["–", "—", "-"])
def test_dateline_is_skipped(dash):
    text = f"TEHRAN {dash} Iraq and Tajikistan signed a deal.\n"
    (para,) = paragraphs(text)
    start = dateline_end(text, para)
    assert text[start:].startswith("Iraq and Tajikistan")
    assert [m.iso3 for m in country_index().find(text, start, para.end)] == ["IRQ", "TJK"]


def test_no_dateline_in_ordinary_paragraph():
    text = "Iran and Iraq signed a deal.\n"
    (para,) = paragraphs(text)
    assert dateline_end(text, para) == para.start


def test_main_pair_is_the_two_most_mentioned():
    text = "Iran and Iraq met. Iran said Iraq and Iran agree. Turkey watched."
    assert main_pair(country_index().find(text)) == ("IRN", "IRQ")


# === people =====================================================================================
def _people(text, countries=frozenset()):
    return people_in(text, default_people(), set(countries))


def _speakers(text, countries=frozenset()):
    mentions = _people(text, countries)
    sents = sentences(text)
    return [speaker_of(text, s, mentions, sents) for s in sents]


def test_three_spellings_are_one_person():
    text = (
        "Naseer Abdul Mohsen met officials. Later, Nasir Abdulmuhsin spoke. "
        "Naseer Abdul Mohsen Abdullah left."
    )
    mentions = _people(text)
    assert [text[m.start : m.end] for m in mentions] == [
        "Naseer Abdul Mohsen", "Nasir Abdulmuhsin", "Naseer Abdul Mohsen Abdullah",
    ]  # fmt: skip
    assert {m.name for m in mentions} == {AMBASSADOR}


def test_one_word_alias_alone_is_not_the_ambassador():
    text = "Ahmed Abdullah, a farmer, said prices rose. Abdullah added that trade is slow."
    assert AMBASSADOR not in {m.name for m in _people(text)}
    assert _speakers(text) == ["Ahmed Abdullah", "Ahmed Abdullah"]
    # Alone, "Abdullah said" is someone called Abdullah, never the ambassador.
    assert [m.name for m in _people("Abdullah said trade with Iraq is slow.", {"Iraq"})] == ["Abdullah"]


def test_one_word_alias_counts_when_full_name_present():
    text = "Nasir Abdulmuhsin arrived on Monday. Abdullah said trade is growing."
    assert [m.name for m in _people(text)] == [AMBASSADOR, AMBASSADOR]
    assert _speakers(text)[1] == AMBASSADOR


def test_the_ambassador_resolves_to_last_ambassador_mentioned():
    text = "Nasir Abdulmuhsin met Samad Hassanzadeh on Monday. Trade is strong, the ambassador added."
    # The last person named is Hassanzadeh, but the last *ambassador* is Abdulmuhsin.
    assert _speakers(text) == ["", AMBASSADOR]
    text2 = (
        "Nasir Abdulmuhsin met Samad Hassanzadeh on Monday. "
        "John Smith, Britain’s ambassador to Iran, joined them later. "
        "Trade is strong, the ambassador added."
    )
    assert _speakers(text2, {"Britain", "Iran"})[-1] == "John Smith"


@pytest.mark.parametrize(
    "text",
    ["Meanwhile John Smith said trade with Iraq is strong.",
     "On Tuesday John Smith said trade with Iraq is strong."],
)  # fmt: skip
def test_unknown_speaker_after_a_capitalised_opening_word(text):
    assert _speakers(text, {"Iraq"}) == ["John Smith"]


@pytest.mark.parametrize(
    "text",
    ["Trade with Iraq is worth a billion dollars, traders in Peshawar said.",
     "Trade with Iraq exceeds $20 billion, the business council in Dubai said.",
     "Trade with Iraq is strong, officials at Basra said.",
     "Trade with Iraq is strong, traders in the southern Basra said."],
)  # fmt: skip
def test_a_place_before_said_is_not_a_speaker(text):
    assert _speakers(text, {"Iraq"}) == [""]


@pytest.mark.parametrize(
    "text",
    ["Officials said trade with Iraq reached $12 billion in 2024.",
     "Trade with Iraq will reach $20 billion, They said.",
     "Trade with Iraq reached $12 billion, Analysts noted."],
)  # fmt: skip
def test_a_word_for_people_is_not_a_speaker_s_name(text):
    assert _speakers(text, {"Iraq"}) == [""]


def test_a_person_after_from_still_speaks():
    text = "A statement from Erdogan said trade with Iraq reached $10 billion."
    assert _speakers(text, {"Iraq"}) == ["Erdogan"]


def test_unknown_person_is_found_and_speaks():
    text = "President Joe Smith said trade with Iraq is strong."
    mentions = _people(text, {"Iraq"})
    assert [(text[m.start : m.end], m.name) for m in mentions] == [("Joe Smith", "Joe Smith")]
    assert _speakers(text, {"Iraq"}) == ["Joe Smith"]


def test_speaker_reaches_the_claim():
    text = (
        "Nasir Abdulmuhsin, Iraq’s ambassador to Iran, met Samad Hassanzadeh in Tehran. "
        "Trade between Iran and Iraq is about $18 billion, the ambassador added."
    )
    (claim,) = extract("t", text).claims
    assert (claim.metric, claim.value, claim.qualifier) == ("trade_volume", 18e9, "approx")
    assert claim.speaker == AMBASSADOR
    assert claim.quote == "Trade between Iran and Iraq is about $18 billion, the ambassador added."


def test_people_index_from_custom_list():
    index = PeopleIndex.build([Person("Jane Roe", "Envoy", ("J. Roe", "Roe"))])
    text = "J. Roe said trade is up. Roe then left."
    mentions = people_in(text, index, set())
    assert [m.name for m in mentions] == ["Jane Roe", "Jane Roe"]


# === tables: formula safety =====================================================================
DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://x")']
HARMLESS = ["plain", "", "a=b", "trade + 1", "x-y", "12"]


def test_formula_safe_prefixes_dangerous_text_only():
    df = pd.DataFrame({
        "text": DANGEROUS + HARMLESS,
        "number": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, -7.0, 8.0, 9.0, 10.0, 11.0, 12.0, -13.0],
    })  # fmt: skip
    safe = formula_safe(df)
    assert list(safe["text"]) == ["'" + v for v in DANGEROUS] + HARMLESS
    pd.testing.assert_series_equal(safe["number"], df["number"])
    assert list(df["text"]) == DANGEROUS + HARMLESS, "formula_safe changed its input"


def test_formula_round_trip_is_exact():
    values = [*DANGEROUS, *HARMLESS, "'already quoted", "''twice", "'=x", "'"]
    df = pd.DataFrame({"text": values})
    safe = formula_safe(df)
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in safe["text"])
    assert list(formula_unsafe(safe["text"])) == values


def test_formula_safety_through_csv_and_read_table(tmp_path):
    people = pd.DataFrame({
        "name": ["=cmd|' /C calc'!A0", "'Quoted", "Plain Name", "-Dash"],
        "aliases": ["+1;@x", "", "a;b", "\tTab"],
        "role": ["@role", "-", "Envoy", "'"],
    })  # fmt: skip
    data = to_csv_bytes(people)
    for line in data.decode().splitlines()[1:]:
        assert not line.startswith(("=", "+", "-", "@", "\t", "\r")), line
    (tmp_path / "people.csv").write_bytes(data)
    back = read_table("people", tmp_path)
    pd.testing.assert_frame_equal(back, people, check_dtype=False)


# === transform ==================================================================================
def _claim(aid, start, metric, value, qualifier="exact", pair="IRN-IRQ", direction="",
           unit="USD", scope="", speaker=""):  # fmt: skip
    return Claim(
        claim_id=f"{aid}:{start}", article_id=aid, pair=pair, metric=metric, direction=direction,
        category="", value=value, unit=unit, qualifier=qualifier, scope=scope, period="",
        period_start="", period_end="", coverage="", target_kind="", speaker=speaker,
        quote="A sentence.", start=start, end=start + 3, method="test",
    )  # fmt: skip


def _articles(claims, **published):
    ids = sorted(set(claims["article_id"]) | set(published))
    arts = [Article(a, "text", "sha256:" + "0" * 64, published=published.get(a, "")) for a in ids]
    return articles_table(arts, claims)


def test_target_gaps_on_a_tiny_table():
    claims = claims_table([
        _claim("a", 10, "trade_volume", 12e9),
        _claim("b", 5, "trade_volume", 15e9, "approx"),
        _claim("a", 50, "trade_target", 20e9),
        _claim("b", 60, "trade_target", 20e9),
        _claim("c", 1, "trade_target", 25e9),
    ])  # fmt: skip
    gaps = validate("target_gaps", target_gaps(claims, _articles(claims)))
    assert list(gaps["basis_claim_id"]) == ["a:10", "b:5"]
    assert list(gaps["is_default"]) == [True, False]
    assert (gaps["target"] == 20e9).all(), "the target most sources state"
    assert set(gaps["target_claim_ids"].iloc[0].split(";")) == {"a:50", "b:60"}
    assert list(gaps["gap"]) == [8e9, 5e9]
    assert list(gaps["pct_of_target"]) == pytest.approx([60, 75])
    assert gaps["basis_rule"].iloc[0].startswith("default:")


def test_target_tie_goes_to_the_larger():
    claims = claims_table([
        _claim("a", 1, "trade_volume", 5e9),
        _claim("a", 9, "trade_target", 10e9),
        _claim("b", 9, "trade_target", 30e9),
    ])  # fmt: skip
    gaps = target_gaps(claims, _articles(claims))
    assert gaps["target"].tolist() == [30e9]


def test_default_basis_prefers_exact_unscoped_then_latest_dated():
    claims = claims_table([
        _claim("old", 1, "trade_volume", 10e9),
        _claim("new", 1, "trade_volume", 11e9),
        _claim("undated", 1, "trade_volume", 9e9),
        _claim("scoped", 1, "trade_volume", 18e9, scope="including energy"),
        _claim("new", 50, "trade_target", 20e9),
    ])  # fmt: skip
    articles = _articles(claims, old="2024-01-01", new="2025-01-01", scoped="2026-01-01")
    gaps = target_gaps(claims, articles)
    assert gaps["basis_claim_id"].tolist() == ["new:1", "old:1", "undated:1", "scoped:1"]
    assert gaps["is_default"].tolist() == [True, False, False, False]


def test_pair_with_target_but_no_current_gives_no_gap_row():
    claims = claims_table([
        _claim("a", 1, "trade_target", 1e9, pair="IRN-TJK"),
        _claim("a", 9, "trade_volume", 12e9),
        _claim("a", 20, "trade_target", 20e9),
    ])  # fmt: skip
    gaps = target_gaps(claims, _articles(claims))
    assert gaps["pair"].tolist() == ["IRN-IRQ"]


def test_pair_with_current_but_no_target_gives_no_gap_row():
    claims = claims_table([_claim("a", 9, "trade_volume", 12e9)])
    gaps = target_gaps(claims, _articles(claims))
    assert gaps.empty and list(gaps.columns) == columns("target_gaps")


def test_target_in_another_currency_than_the_current_figure():
    claims = claims_table([
        _claim("a", 1, "trade_volume", 5e9, pair="DEU-IRN"),
        _claim("a", 40, "trade_target", 10e9, pair="DEU-IRN", unit="EUR"),
    ])  # fmt: skip
    gaps = target_gaps(claims, _articles(claims))
    assert gaps.empty and list(gaps.columns) == columns("target_gaps")


def test_trade_balance_derives_the_unreported_side():
    claims = claims_table([
        _claim("a", 10, "trade_volume", 12e9),
        _claim("a", 80, "exports", 0.5e9, "approx", direction="IRQ->IRN"),
    ])  # fmt: skip
    balance = validate("trade_balance", trade_balance(claims, _articles(claims)))
    sides = {r.direction: r for r in balance.itertuples(index=False)}
    assert set(sides) == {"IRN->IRQ", "IRQ->IRN"}
    iran, iraq = sides["IRN->IRQ"], sides["IRQ->IRN"]
    assert (iran.exports, iran.derived, iran.exports_claim_id) == (11.5e9, True, "")
    assert (iraq.exports, iraq.derived, iraq.exports_claim_id) == (0.5e9, False, "a:80")
    assert iran.ratio_to_other == pytest.approx(23)
    assert iraq.ratio_to_other == pytest.approx(1 / 23)
    assert iraq.share_of_total == pytest.approx(100 / 24)
    assert (balance["total"] == 12e9).all() and (balance["basis_claim_id"] == "a:10").all()


def test_trade_balance_with_both_sides_reported_derives_nothing():
    claims = claims_table([
        _claim("a", 10, "trade_volume", 12e9),
        _claim("a", 80, "exports", 0.5e9, direction="IRQ->IRN"),
        _claim("a", 90, "exports", 11e9, direction="IRN->IRQ"),
    ])  # fmt: skip
    balance = trade_balance(claims, _articles(claims))
    assert not balance["derived"].any()
    assert sorted(balance["exports"]) == [0.5e9, 11e9]


def test_trade_balance_skips_a_side_larger_than_the_total():
    claims = claims_table([
        _claim("a", 10, "trade_volume", 1e9),
        _claim("a", 80, "exports", 2e9, direction="IRQ->IRN"),
    ])  # fmt: skip
    balance = trade_balance(claims, _articles(claims))
    assert balance.empty and list(balance.columns) == columns("trade_balance")


def test_empty_claims_give_empty_tables_with_the_right_columns():
    claims = claims_table([])
    assert claims.empty and list(claims.columns) == CLAIM_COLUMNS, "the extractor's columns"
    claims = apply(claims, {}, empty_reviews())[0]
    assert claims.empty and list(claims.columns) == columns("claims"), "and the review's after them"
    articles = articles_table([], claims)
    tables = {
        "claims": claims,
        "articles": articles,
        "export_categories": categories_table([]),
        "people": people_table([], claims),
        "target_gaps": target_gaps(claims, articles),
        "trade_balance": trade_balance(claims, articles),
    }
    for name, df in tables.items():
        assert df.empty, name
        assert list(df.columns) == columns(name), name
        validate(name, df)  # the schema accepts the empty table
        assert list(empty(name).columns) == columns(name)


def test_articles_table_counts_zero_claims():
    claims = claims_table([_claim("a", 1, "trade_volume", 1e9)])
    arts = articles_table(
        [Article("a", "t", "sha256:" + "1" * 64), Article("b", "t", "sha256:" + "2" * 64)], claims
    )
    assert arts["n_claims"].tolist() == [1, 0]


def test_people_table_adds_unknown_speakers_once():
    claims = claims_table([
        _claim("a", 1, "trade_volume", 1e9, speaker="Joe Smith"),
        _claim("a", 9, "trade_target", 2e9, speaker="Joe Smith"),
        _claim("a", 20, "trade_target", 3e9, speaker="Known Person"),
    ])  # fmt: skip
    people = people_table([Person("Known Person", "Envoy", ("K. Person",))], claims)
    assert people["name"].tolist() == ["Known Person", "Joe Smith"]
    assert people["aliases"].tolist() == ["K. Person", ""]


def test_pipeline_on_an_article_without_claims(tmp_path):
    corpus = copy_corpus(tmp_path / "in", ("003",))
    run(corpus, tmp_path / "out")
    tables = read_tables(tmp_path / "out")
    assert tables["claims"].empty
    assert tables["articles"]["n_claims"].tolist() == [0]
    for name in ("export_categories", "target_gaps", "trade_balance"):
        assert tables[name].empty, name
    assert len(tables["people"]) == len(default_people().people)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # The scale word left out of the second figure: it takes the first one's.
        ("USD 27,398 million as against USD 19,381 a year ago", [27_398e6, 19_381e6]),
        ("fell from $4386 to $1806 million", [4_386e6, 1_806e6]),
        # Not compared, too far apart in size, or too short to tell from a cut-off figure.
        ("USD 12 million; USD 4,500 each", [12e6, 4_500]),
        ("$2 million compared with $1,500 a tonne", [2e6, 1_500]),
        ("$26.7 compared with $22.1 billion", [26.7, 22.1e9]),
    ],
)
def test_a_figure_without_its_scale_word_takes_the_scale_of_the_one_it_is_compared_with(
    text: str, values: list[float]
) -> None:
    assert [f.value for f in find_money(text)] == values
