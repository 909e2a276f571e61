"""Read the article folder and its optional metadata, refusing anything that is not clean text.

All problems are collected first and reported together, one line per file, so a person fixing a
corpus sees every bad file at once rather than one per run.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

MAX_ARTICLE_BYTES = 2_000_000
METADATA_COLUMNS = ("article_id", "title", "publisher", "published", "url")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")


class CorpusError(Exception):
    """One or more input files are unusable; `problems` has one line per file."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Article:
    article_id: str
    text: str
    checksum: str
    title: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""


def _is_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def decode_article(data: bytes, name: str, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """The text of an article file, or ValueError saying plainly what is wrong with it."""
    if len(data) > max_bytes:
        raise ValueError(f"{name}: too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if b"\x00" in data:
        raise ValueError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"{name}: is not UTF-8 text (invalid byte at position {e.start})") from None
    if not text.strip():
        raise ValueError(f"{name}: is empty")
    controls = len(_CONTROL.findall(text))
    if controls > 0.01 * len(text) + 2:
        raise ValueError(f"{name}: looks like a binary file, not text")
    return text


def _read_metadata(path: Path, ids: set[str], problems: list[str]) -> dict[str, dict[str, str]]:
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(f"{path}: is not UTF-8 text (invalid byte at position {e.start})")
        return {}
    reader = csv.DictReader(io.StringIO(raw))
    if "article_id" not in (reader.fieldnames or []):
        problems.append(f"{path}: has no article_id column (expected: {', '.join(METADATA_COLUMNS)})")
        return {}
    rows: dict[str, dict[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        if None in row:
            problems.append(f"{path}, line {line}: more cells than columns")
            continue
        aid = (row.get("article_id") or "").strip()
        where = f"{path}, line {line}"
        if not aid:
            problems.append(f"{where}: empty article_id")
        elif aid in rows:
            problems.append(f"{where}: duplicate article_id {aid!r}")
        elif aid not in ids:
            problems.append(f"{where}: names {aid}.txt, which is not in the articles folder")
        else:
            date = (row.get("published") or "").strip()
            if date and not _is_date(date):
                problems.append(f"{where}: published date {date!r} is not a real date written YYYY-MM-DD")
            rows[aid] = {k: (row.get(k) or "").strip() for k in METADATA_COLUMNS}
    return rows


def read_corpus(articles_dir: Path, metadata: Path | None = None) -> list[Article]:
    """Every `*.txt` article in `articles_dir` with its metadata (`articles.csv` by default)."""
    articles_dir = Path(articles_dir)
    if not articles_dir.is_dir():
        raise CorpusError([f"{articles_dir}: no such folder of articles"])
    problems: list[str] = []
    texts: dict[str, tuple[str, str]] = {}
    seen: dict[str, Path] = {}
    for path in sorted(articles_dir.iterdir()):
        if path.suffix.lower() != ".txt" or not path.is_file():
            continue
        key = path.stem.casefold()
        if key in seen:
            problems.append(f"{path}: duplicate article id {path.stem!r} (also {seen[key].name})")
            continue
        seen[key] = path
        data = path.read_bytes()
        try:
            texts[path.stem] = (decode_article(data, str(path)), "sha256:" + hashlib.sha256(data).hexdigest())
        except ValueError as e:
            problems.append(str(e))
    if not seen:
        problems.append(f"{articles_dir}: holds no .txt articles")
    meta_path = Path(metadata) if metadata else articles_dir / "articles.csv"
    meta: dict[str, dict[str, str]] = {}
    if meta_path.is_file():
        meta = _read_metadata(meta_path, {p.stem for p in seen.values()}, problems)
    elif metadata:
        problems.append(f"{meta_path}: metadata file not found")
    if problems:
        raise CorpusError(problems)
    return [
        Article(aid, text, checksum, **{k: v for k, v in meta.get(aid, {}).items() if k != "article_id"})
        for aid, (text, checksum) in sorted(texts.items())
    ]
