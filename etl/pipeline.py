"""The ETL step: articles folder -> claims and tidy tables -> data/processed (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from etl.corpus import read_corpus
from etl.extract import extract
from etl.people import PEOPLE_CSV, PeopleIndex, read_people
from etl.tables import write_tables
from etl.transform import (
    articles_table,
    categories_table,
    claims_table,
    people_table,
    target_gaps,
    trade_balance,
)

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
PROCESSED = ROOT / "data" / "processed"


def run(
    articles_dir: Path = RAW,
    out_dir: Path = PROCESSED,
    metadata: Path | None = None,
    people_csv: Path = PEOPLE_CSV,
) -> list[Path]:
    # --- load ---
    articles = read_corpus(articles_dir, metadata)
    people = read_people(people_csv)

    # --- process ---
    index = PeopleIndex.build(people)
    extractions = [extract(a.article_id, a.text, index) for a in articles]
    claims = claims_table(c for x in extractions for c in x.claims)
    articles_df = articles_table(articles, claims)
    tables = {
        "articles": articles_df,
        "claims": claims,
        "export_categories": categories_table(r for x in extractions for r in x.categories),
        "people": people_table(people, claims),
        "target_gaps": target_gaps(claims, articles_df),
        "trade_balance": trade_balance(claims, articles_df),
    }
    sources = [
        {
            "title": f"{a.article_id}.txt" + (f": {a.title}" if a.title else ""),
            **({"path": a.url} if a.url else {}),
        }
        for a in articles
    ]

    # --- save ---
    return write_tables(tables, out_dir, sources)
