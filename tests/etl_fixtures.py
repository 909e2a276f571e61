"""Plain helpers shared by the ETL tests (test_etl_*.py).

Kept out of conftest.py on purpose: conftest is for fixtures every suite needs (browser ones
will live there). Test modules import these helpers and define their own small fixtures.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from etl.pipeline import PROCESSED, RAW

ROOT = Path(__file__).resolve().parent.parent
assert RAW == ROOT / "data" / "raw", "the tests expect the ETL's default paths under the repo"
COMMITTED = PROCESSED
PYTHON = sys.executable

AMBASSADOR = "Naseer Abdul Mohsen Abdullah"
HASSANZADEH = "Samad Hassanzadeh"

ARTICLE_IDS = (
    "000_f31fa2dc3060489f",
    "001_a16e215cca9023c3",
    "002_c71d60370df70e7a",
    "003_8f7a0015df3d69a9",
    "004_b14702c3159b6398",
)

# The claims contract's columns, in order (PRODUCT.md, "The claims table").
CLAIM_COLUMNS = [
    "claim_id", "article_id", "pair", "metric", "direction", "category", "value", "unit",
    "qualifier", "scope", "period", "period_start", "period_end", "coverage", "target_kind", "speaker",
    "quote", "start", "end", "method", "period_note",
]  # fmt: skip
# What the review adds after them (etl/review.py): status, who, when, why, the rule's values.
REVIEW_COLUMNS = ["review", "reviewed_by", "reviewed_at", "review_note", "extracted"]

TABLE_FILES = (
    "articles.csv",
    "claims.csv",
    "export_categories.csv",
    "people.csv",
    "target_gaps.csv",
    "trade_balance.csv",
    "reviewed_claims.csv",
    "datapackage.json",
)


def article_id(prefix: str) -> str:
    """'000' -> the full article id of that article."""
    (aid,) = [a for a in ARTICLE_IDS if a.startswith(prefix + "_")]
    return aid


def article_text(aid: str) -> str:
    return (RAW / f"{aid}.txt").read_text(encoding="utf-8-sig")


def sha256_file(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def copy_corpus(dest: Path, prefixes: tuple[str, ...] = ("000", "001", "002", "003", "004"),
                metadata: bool = False) -> Path:  # fmt: skip
    """A folder holding some of the real articles (and optionally the real metadata)."""
    dest.mkdir(parents=True, exist_ok=True)
    for p in prefixes:
        shutil.copyfile(RAW / f"{article_id(p)}.txt", dest / f"{article_id(p)}.txt")
    if metadata:
        shutil.copyfile(RAW / "articles.csv", dest / "articles.csv")
    return dest


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file in a folder (hidden ones too), name -> bytes."""
    return {p.name: p.read_bytes() for p in sorted(Path(directory).iterdir()) if p.is_file()}
