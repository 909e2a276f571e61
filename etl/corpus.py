"""Read the article folder and its optional metadata, refusing anything that is not clean text.

All problems are collected first and reported together, one line per file, so a person fixing a
corpus sees every bad file at once rather than one per run.

Only regular files inside the folder are read: a link (even to a file beside it), a folder named
`*.txt`, a FIFO or a device is named as a problem, never followed. The folder is listed once
(`list_corpus`, without reading any article) and each article is read later by `read_article`,
possibly in another process, relative to a descriptor of the folder, without following a link,
and checked on the opened descriptor (fstat), so a link or a FIFO swapped in after the listing is
refused, never read.
"""

from __future__ import annotations

import csv
import datetime
import errno
import hashlib
import io
import os
import re
import stat
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from etl.formula import unescape_cell

MAX_ARTICLE_BYTES = 2_000_000
MAX_METADATA_BYTES = 100_000_000
METADATA_COLUMNS = ("article_id", "title", "publisher", "published", "url")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
# Every byte but those control characters, as bytes.translate's `delete`: what is left of a file
# are its control characters. Each is one byte in UTF-8, and no byte of a longer character is
# below 0x80, so counting them in the bytes counts them in the text, some ten times faster than
# _CONTROL over the decoded text (tests/test_etl_bad_input.py compares the two).
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))
# Open without following a link in the last component, without blocking on a FIFO.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)
_ONLY_REGULAR = "only regular files inside the articles folder are read"


class CorpusError(Exception):
    """One or more input files are unusable; `problems` has one line per file."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    def __reduce__(self) -> tuple:
        return (CorpusError, (self.problems,))


@dataclass(frozen=True)
class Article:
    article_id: str
    text: str
    checksum: str
    title: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""
    date_source: str = ""  # where `published` came from (contract DATE_SOURCES); "" = the metadata or none


@dataclass(frozen=True, slots=True)
class ArticleFile:
    """An article as listed in the folder (its file name and metadata), not yet read."""

    article_id: str
    name: str
    title: str = ""
    publisher: str = ""
    published: str = ""
    url: str = ""


@dataclass
class CorpusListing:
    """The articles of a folder, sorted by id, and every problem found while listing it."""

    folder: Path
    folder_id: tuple[int, int]
    files: list[ArticleFile]
    file_problems: list[tuple[str, str]] = field(default_factory=list)  # (file name, line)
    # Each file's stamp as listed, five numbers a file (see `stamps`): a file whose stamp is the
    # one the extraction cache recorded is not read again.
    stamps: array = field(default_factory=lambda: array("q"))
    folder_problems: list[str] = field(default_factory=list)
    metadata_problems: list[str] = field(default_factory=list)

    def problems(self, read_problems: list[tuple[str, str]] | None = None) -> list[str]:
        """Every problem: the files' (listing and reading) in file-name order, then the folder's,
        then the metadata's."""
        by_file = sorted([*self.file_problems, *(read_problems or [])], key=lambda p: p[0])
        return [line for _, line in by_file] + self.folder_problems + self.metadata_problems


def _is_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def too_large(name: str, size: int, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    return f"{name}: too large ({size:,} bytes; the limit is {max_bytes:,})"


def decode_article(data: bytes, name: str, max_bytes: int = MAX_ARTICLE_BYTES) -> str:
    """The text of an article file, or ValueError saying plainly what is wrong with it."""
    if len(data) > max_bytes:
        raise ValueError(too_large(name, len(data), max_bytes))
    if b"\x00" in data:
        raise ValueError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"{name}: is not UTF-8 text (invalid byte at position {e.start})") from None
    if not text.strip():
        raise ValueError(f"{name}: is empty")
    controls = len(data.translate(None, _NOT_CONTROL_BYTES))
    if controls > 0.01 * len(text) + 2:
        raise ValueError(f"{name}: looks like a binary file, not text")
    return text


# --- what a folder entry is ----------------------------------------------------------------------
def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):  # fmt: skip
        if test(mode):
            return name
    return "not a regular file"


def _not_regular(path: Path, st: os.stat_result, what: str) -> str | None:
    """Why the entry at `path` (lstat result `st`) is not read, or None for a regular file."""
    if stat.S_ISLNK(st.st_mode):
        target = os.readlink(path)
        if not os.path.exists(path):
            return f"{path}: is a symbolic link to {target}, which does not exist; {_ONLY_REGULAR}"
        return f"{path}: is a symbolic link (to {target}); {_ONLY_REGULAR}"
    if stat.S_ISDIR(st.st_mode):
        return f"{path}: is a folder, not {what}"
    if not stat.S_ISREG(st.st_mode):
        return f"{path}: is {_kind(st.st_mode)}, not {what}; {_ONLY_REGULAR}"
    return None


def _stem(name: str) -> str | None:
    """The article id a `*.txt` name gives, read as os.path.splitext reads it ("a.TXT" is "a";
    ".txt" has no extension), else None. Plain string tests: a folder may list 100,000 names."""
    if name[-4:].lower() == ".txt" and name[:-4].strip("."):
        return name[:-4]
    return None


# --- reading a file safely -----------------------------------------------------------------------
def _read_regular(path: Path, limit: int, dir_fd: int | None = None) -> bytes:
    """The bytes of a regular file (at most `limit` + 1 of them), opened without following a
    link (relative to `dir_fd` when given) and checked on the opened descriptor."""
    try:
        fd = os.open(path.name if dir_fd is not None else path, _OPEN_FLAGS, dir_fd=dir_fd)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ValueError(f"{path}: is a symbolic link; {_ONLY_REGULAR}") from None
        raise ValueError(f"{path}: cannot be read ({e.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path}: is {_kind(st.st_mode)}; {_ONLY_REGULAR}")
        if st.st_size > limit:
            raise ValueError(too_large(str(path), st.st_size, limit))
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(fd, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def open_folder(folder: Path, expected: tuple[int, int]) -> int | None:
    """A descriptor of the articles folder, checked to be the folder listed (None where the
    platform cannot open files relative to one); ValueError if it is another folder now."""
    if os.open not in os.supports_dir_fd:
        return None
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ValueError(f"{folder}: the articles folder cannot be opened ({e.strerror})") from None
    if (os.fstat(fd).st_dev, os.fstat(fd).st_ino) != expected:
        os.close(fd)
        raise ValueError(f"{folder}: the articles folder was replaced while the ETL was running")
    return fd


def read_article(folder: Path, file: ArticleFile, dir_fd: int | None = None) -> tuple[str, str]:
    """(text, "sha256:...") of a listed article, or ValueError naming the file and the fault."""
    path = folder / file.name
    data = _read_regular(path, MAX_ARTICLE_BYTES, dir_fd)
    text = decode_article(data, str(path))
    return text, "sha256:" + hashlib.sha256(data).hexdigest()


# --- listing -------------------------------------------------------------------------------------
_NO_STAMP = (-1, -1, -1, -1, -1)


def _signed(value: int) -> int:
    """A 64-bit device or inode number as a signed one (some file systems use the top bit)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def stamps(folder: Path, files: list[ArticleFile]) -> array:
    """(device, inode, size, modification and change time in ns) of each file, without following
    a link; -1s for a file gone or not regular (it is read, and refused, later). A change to a
    file's text changes its stamp (a rewrite that restores the modification time still moves the
    change time), so an unchanged stamp means an unchanged text."""
    out = array("q")
    dir_fd = (
        os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        if os.stat in os.supports_dir_fd
        else None
    )
    try:
        for file in files:
            try:
                if dir_fd is None:
                    st = os.stat(folder / file.name, follow_symlinks=False)
                else:
                    st = os.stat(file.name, dir_fd=dir_fd, follow_symlinks=False)
            except OSError:
                out.extend(_NO_STAMP)
                continue
            if not stat.S_ISREG(st.st_mode):
                out.extend(_NO_STAMP)
                continue
            out.extend((_signed(st.st_dev), _signed(st.st_ino), st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    return out


def _read_metadata(path: Path, raw: bytes, ids: set[str], problems: list[str]) -> dict[str, dict[str, str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(f"{path}: is not UTF-8 text (invalid byte at position {e.start})")
        return {}
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or []
    except csv.Error as e:
        problems.append(f"{path}: is not a well-formed CSV ({e})")
        return {}
    if "article_id" not in header:
        problems.append(f"{path}: has no article_id column (expected: {', '.join(METADATA_COLUMNS)})")
        return {}
    rows: dict[str, dict[str, str]] = {}
    try:
        for line, row in enumerate(reader, start=2):
            if None in row:
                problems.append(f"{path}, line {line}: more cells than columns")
                continue
            # A metadata file copied from our own articles.csv is formula-safe: read it back as text.
            cells = {k: unescape_cell((row.get(k) or "").strip()) for k in METADATA_COLUMNS}
            aid = cells["article_id"]
            where = f"{path}, line {line}"
            if not aid:
                problems.append(f"{where}: empty article_id")
            elif aid in rows:
                problems.append(f"{where}: duplicate article_id {aid!r}")
            elif aid not in ids:
                problems.append(f"{where}: names {aid}.txt, which is not in the articles folder")
            else:
                date = cells["published"]
                if date and not _is_date(date):
                    problems.append(f"{where}: published date {date!r} is not a real date written YYYY-MM-DD")
                rows[aid] = cells
    except csv.Error as e:
        problems.append(f"{path}: is not a well-formed CSV ({e})")
    return rows


def _metadata_bytes(meta_path: Path, explicit: bool, problems: list[str]) -> bytes | None:
    """The metadata file's bytes; None when there is none (or it is refused, with a problem)."""
    try:
        st = os.lstat(meta_path) if not explicit else os.stat(meta_path)
    except FileNotFoundError:
        if explicit:
            problems.append(f"{meta_path}: metadata file not found")
        return None
    # The default articles.csv sits among the articles: a link there is refused like any other.
    refused = _not_regular(meta_path, st, "a CSV file")
    if refused:
        problems.append(refused)
        return None
    try:
        # Named on the command line, a link is the user's choice; articles.csv in the folder is not.
        return _read_regular(Path(os.path.realpath(meta_path)) if explicit else meta_path, MAX_METADATA_BYTES)
    except ValueError as e:
        problems.append(str(e))
        return None


def _list_txt(folder: Path, listing: CorpusListing) -> list[str]:
    """The names of the regular `*.txt` files, in name order; the rest are problems."""
    names = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _stem(entry.name) is None:
                continue
            # The entry's own type: a link is never followed (read_article checks the file again).
            if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
                path = folder / entry.name
                refused = _not_regular(path, entry.stat(follow_symlinks=False), "an article file")
                listing.file_problems.append((entry.name, refused or f"{path}: is not a regular file"))
            else:
                names.append(entry.name)
    names.sort()
    regular, seen = [], {}
    for name in names:
        stem = name[:-4]
        key = stem.casefold()
        if key in seen:
            listing.file_problems.append(
                (name, f"{folder / name}: duplicate article id {stem!r} (also {seen[key]})")
            )
            continue
        seen[key] = name
        regular.append(name)
    return regular


def list_corpus(articles_dir: Path, metadata: Path | None = None) -> CorpusListing:
    """The `*.txt` articles of a folder with their metadata (`articles.csv` by default), without
    reading any article. Problems are collected in the listing, not raised, so that a run can
    still read every file and report all of them together."""
    folder = Path(articles_dir)
    try:
        st = os.stat(folder)
        if not stat.S_ISDIR(st.st_mode):
            raise NotADirectoryError(folder)
    except OSError:
        raise CorpusError([f"{articles_dir}: no such folder of articles"]) from None
    listing = CorpusListing(folder, (st.st_dev, st.st_ino), [])
    regular = _list_txt(folder, listing)
    if not regular and not listing.file_problems:
        listing.folder_problems.append(f"{articles_dir}: holds no .txt articles")
    meta_path = Path(metadata) if metadata else folder / "articles.csv"
    raw = _metadata_bytes(meta_path, metadata is not None, listing.metadata_problems)
    stems = sorted((name[:-4], name) for name in regular)
    meta = {}
    if raw is not None:
        meta = _read_metadata(meta_path, raw, {aid for aid, _ in stems}, listing.metadata_problems)
    for aid, name in stems:
        cells = meta.get(aid, {})
        listing.files.append(ArticleFile(aid, name, cells.get("title", ""), cells.get("publisher", ""),
                                         cells.get("published", ""), cells.get("url", "")))  # fmt: skip
    listing.stamps = stamps(folder, listing.files)
    return listing
