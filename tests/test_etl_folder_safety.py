"""Only regular files inside the articles folder are read; folders that overlap are refused; a
formula-safe CSV read and written again is unchanged; a bad people file is named."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import stat
from pathlib import Path

import pytest
from etl_fixtures import article_id, copy_corpus, snapshot

import etl.corpus
from etl.__main__ import main
from etl.corpus import ArticleFile, _stem, list_corpus, read_article
from etl.pipeline import FolderError, run
from etl.tables import read_table

META_HEADER = "article_id,title,publisher,published,url\n"


@pytest.fixture
def corpus(tmp_path):
    return copy_corpus(tmp_path / "articles", ("001", "002"))


@pytest.fixture
def out(tmp_path):
    """An output folder holding the tables of an earlier good run."""
    dest = tmp_path / "out"
    run(copy_corpus(tmp_path / "earlier", ("000",)), dest)
    return dest


def _cli(capsys, articles, out, *extra) -> tuple[int, str]:
    code = main(["--articles", str(articles), "--out", str(out), "--quiet", *extra])
    return code, capsys.readouterr().err


def _refused(code: int, err: str, out: Path, before: dict[str, bytes], *words: str) -> list[str]:
    assert code == 2, err
    assert "nothing was written" in err
    assert snapshot(out) == before, "the previous tables were touched"
    for word in words:
        assert word in err, f"{word!r} not in: {err}"
    return [line for line in err.splitlines() if line.startswith("  - ")]


# --- links, folders and other non-files --------------------------------------------------------
def _symlink_inside(corpus: Path) -> Path:
    link = corpus / "copy.txt"
    link.symlink_to(corpus / f"{article_id('001')}.txt")
    return link


def _symlink_outside(corpus: Path) -> Path:
    secret = corpus.parent / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nTrade between Iran and Iraq is $9 billion.\n")
    link = corpus / "passwd.txt"
    link.symlink_to(secret)
    return link


def _dangling(corpus: Path) -> Path:
    link = corpus / "gone.txt"
    link.symlink_to(corpus.parent / "does-not-exist.txt")
    return link


def _folder_named_txt(corpus: Path) -> Path:
    folder = corpus / "notes.txt"
    folder.mkdir()
    (folder / "inner.txt").write_text("Trade between Iran and Iraq is $9 billion.\n")
    return folder


def _fifo(corpus: Path) -> Path:
    fifo = corpus / "pipe.txt"
    os.mkfifo(fifo)
    return fifo


def _socket(corpus: Path) -> Path:
    path = corpus / "sock.txt"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()
    return path


def _link_to_folder(corpus: Path) -> Path:
    link = corpus / "elsewhere.txt"
    link.symlink_to(corpus.parent, target_is_directory=True)
    return link


NOT_FILES = {
    "symlink to an article beside it": (_symlink_inside, "symbolic link"),
    "symlink to a file outside": (_symlink_outside, "symbolic link"),
    "dangling symlink": (_dangling, "does not exist"),
    "folder named .txt": (_folder_named_txt, "is a folder"),
    "FIFO": (_fifo, "FIFO"),
    "socket": (_socket, "socket"),
    "symlink to a folder": (_link_to_folder, "symbolic link"),
}


@pytest.mark.parametrize("case", list(NOT_FILES))
def test_what_is_not_a_regular_file_is_named_and_stops_the_run(capsys, corpus, out, case):
    make, words = NOT_FILES[case]
    path = make(corpus)
    before = snapshot(out)
    lines = _refused(*_cli(capsys, corpus, out), out, before, words)
    assert len(lines) == 1 and lines[0].startswith(f"  - {path}: "), lines


def test_every_non_file_is_listed_in_one_run(capsys, corpus, out):
    paths = [make(corpus) for make, _ in NOT_FILES.values()]
    before = snapshot(out)
    lines = _refused(*_cli(capsys, corpus, out), out, before)
    assert len(lines) == len(paths)
    for path in paths:
        assert sum(str(path) in line for line in lines) == 1, path


def test_the_secret_behind_a_link_never_reaches_the_tables(capsys, corpus, tmp_path):
    _symlink_outside(corpus)
    code, err = _cli(capsys, corpus, tmp_path / "fresh")
    assert code == 2 and "root:x" not in err
    assert not (tmp_path / "fresh" / "claims.csv").exists()


@pytest.mark.parametrize("kind", ["folder", "symlink", "dangling symlink"])
def test_articles_csv_that_is_not_a_file_is_refused(capsys, corpus, out, tmp_path, kind):
    meta = corpus / "articles.csv"
    if kind == "folder":
        meta.mkdir()
    else:
        real = tmp_path / "real-metadata.csv"
        if kind == "symlink":
            real.write_text(META_HEADER + f"{article_id('001')},Title,,,\n", encoding="utf-8")
        meta.symlink_to(real)
    before = snapshot(out)
    words = {"folder": "is a folder", "symlink": "symbolic link", "dangling symlink": "does not exist"}[kind]
    lines = _refused(*_cli(capsys, corpus, out), out, before, str(meta), words)
    assert len(lines) == 1


def test_an_explicit_metadata_path_may_be_a_link_but_not_a_folder(capsys, corpus, out, tmp_path):
    real = tmp_path / "meta.csv"
    real.write_text(META_HEADER + f"{article_id('001')},A title,,,\n", encoding="utf-8")
    link = tmp_path / "meta-link.csv"
    link.symlink_to(real)
    code, err = _cli(capsys, corpus, out, "--metadata", str(link))
    assert code == 0, err
    assert read_table("articles", out)["title"].tolist() == ["A title", ""]
    folder = tmp_path / "meta-folder.csv"
    folder.mkdir()
    before = snapshot(out)
    _refused(*_cli(capsys, corpus, out, "--metadata", str(folder)), out, before, str(folder), "is a folder")


def test_a_link_swapped_in_after_the_listing_is_not_read(corpus, tmp_path):
    """The check-then-open gap: the file is replaced by a link between listing and reading."""
    listing = list_corpus(corpus)
    target = listing.files[0]
    path = corpus / target.name
    secret = tmp_path / "secret.txt"
    secret.write_text("Trade between Iran and Iraq is $9 billion, the secret says.\n")
    path.unlink()
    path.symlink_to(secret)
    with pytest.raises(ValueError, match="symbolic link"):
        read_article(corpus, target)


def test_a_folder_swapped_in_after_the_listing_is_not_read(corpus):
    listing = list_corpus(corpus)
    target = listing.files[0]
    path = corpus / target.name
    path.unlink()
    path.mkdir()
    with pytest.raises(ValueError, match="not a regular file"):
        read_article(corpus, target)


def test_a_fifo_swapped_in_after_the_listing_does_not_block(corpus):
    listing = list_corpus(corpus)
    target = listing.files[0]
    path = corpus / target.name
    path.unlink()
    os.mkfifo(path)  # opening it for reading would wait for a writer forever without O_NONBLOCK
    with pytest.raises(ValueError, match="FIFO"):
        read_article(corpus, target)


def test_the_open_is_checked_by_descriptor(monkeypatch, corpus):
    """The decision is made on the opened descriptor (fstat), not on a path looked up again."""
    listing = list_corpus(corpus)
    target = listing.files[0]
    seen = []
    real_fstat = os.fstat
    monkeypatch.setattr(etl.corpus.os, "fstat", lambda fd: seen.append(fd) or real_fstat(fd))
    monkeypatch.setattr(etl.corpus.os, "stat", lambda *a, **k: pytest.fail("a path was looked up again"))
    read_article(corpus, target)
    assert seen


def test_listing_refuses_what_it_cannot_read_without_reading_articles(monkeypatch, corpus):
    _fifo(corpus)
    monkeypatch.setattr(etl.corpus, "_read_regular", lambda *a, **k: pytest.fail("listing read a file"))
    listing = list_corpus(corpus)
    assert [f.article_id for f in listing.files] == [article_id("001"), article_id("002")]
    assert len(listing.file_problems) == 1 and "FIFO" in listing.file_problems[0][1]
    assert all(
        isinstance(f, ArticleFile) and stat.S_ISREG(os.lstat(corpus / f.name).st_mode) for f in listing.files
    )


# --- overlapping folders ------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["same", "out inside articles", "articles inside out"])
def test_overlapping_articles_and_out_folders_are_refused(capsys, tmp_path, where):
    base = copy_corpus(tmp_path / "base", ("001",), metadata=True)
    articles, out = {
        "same": (base, base),
        "out inside articles": (base, base / "processed"),
        "articles inside out": (base, tmp_path),
    }[where]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, err = _cli(capsys, articles, out)
    assert code == 2 and "nothing was written" in err
    assert "--out" in err and "articles folder" in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_overlap_is_found_through_links_and_dots(tmp_path):
    articles = copy_corpus(tmp_path / "articles", ("001",))
    (tmp_path / "alias").symlink_to(articles, target_is_directory=True)
    with pytest.raises(FolderError, match="is the articles folder"):
        run(articles, tmp_path / "alias")
    with pytest.raises(FolderError, match="inside the articles folder"):
        run(articles, tmp_path / "alias" / ".." / "articles" / "sub")


# --- formula-safe metadata ----------------------------------------------------------------------
TITLES = {
    article_id("001"): "'=1+1",  # as our own articles.csv writes the title "=1+1"
    article_id("002"): "'Tis the season",  # a title that starts with an apostrophe
}


def _metadata(path: Path, titles: dict[str, str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["article_id", "title", "publisher", "published", "url"])
        for aid, title in titles.items():
            w.writerow([aid, title, "-Press", "", "@handle"])


def test_formula_safe_metadata_round_trips_through_many_runs(tmp_path):
    corpus = copy_corpus(tmp_path / "articles", ("001", "002"))
    _metadata(corpus / "articles.csv", TITLES)
    outs = []
    for i in range(4):
        out = tmp_path / f"out{i}"
        run(corpus, out, use_cache=False)
        outs.append((out / "articles.csv").read_bytes())
        # The next run reads our own output as its metadata.
        shutil.copyfile(out / "articles.csv", corpus / "articles.csv")
    assert outs[1:] == outs[:-1], "a cell changed from one run to the next"
    titles = read_table("articles", tmp_path / "out3").set_index("article_id")["title"].to_dict()
    assert titles == {article_id("001"): "=1+1", article_id("002"): "'Tis the season"}
    rows = list(csv.DictReader(outs[-1].decode().splitlines()))
    assert [r["title"] for r in rows] == ["'=1+1", "''Tis the season"]
    assert {r["publisher"] for r in rows} == {"'-Press"} and {r["url"] for r in rows} == {"'@handle"}


def test_first_run_keeps_the_metadata_cells_as_written(tmp_path):
    corpus = copy_corpus(tmp_path / "articles", ("001", "002"))
    _metadata(corpus / "articles.csv", TITLES)
    run(corpus, tmp_path / "out")
    rows = list(csv.DictReader((tmp_path / "out" / "articles.csv").read_text("utf-8").splitlines()))
    # "'=1+1" is written back as it was; "'Tis" gains the apostrophe that keeps its own.
    assert [r["title"] for r in rows] == ["'=1+1", "''Tis the season"]


# --- the people file ----------------------------------------------------------------------------
PEOPLE_CASES = {
    "latin-1": ("name,aliases,role\nJosé Pérez,,Minister\n".encode("latin-1"), "UTF-8"),
    "missing": (None, "not found"),
    "folder": ("folder", "is a folder"),
    "no name column": (b"who,aliases,role\nX,,\n", "missing column"),
    "extra cells": (b"name,aliases,role\nA,B,C,D\n", "line 2"),
    "NUL byte": (b"name,aliases,role\nA\x00B,,\n", "control character"),
    "unclosed quote": (b'name,aliases,role\n"Ali Reza,,Minister\nJane Roe,,\n', "unclosed quote"),
    "empty name": (b"name,aliases,role\n ,x,\n", "line 2"),
}


@pytest.mark.parametrize("case", list(PEOPLE_CASES))
def test_a_bad_people_file_is_named(capsys, corpus, out, tmp_path, case):
    data, words = PEOPLE_CASES[case]
    people = tmp_path / "people.csv"
    if data == "folder":
        people.mkdir()
    elif data is not None:
        people.write_bytes(data)
    before = snapshot(out)
    code, err = _cli(capsys, corpus, out, "--people", str(people))
    _refused(code, err, out, before, str(people), words)
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "name",
    ["a.txt", "a.TXT", "x.tXt", ".txt", "..txt", "a..txt", "...a.txt", ".a.txt", "txt", "a.txt.bak", "a."],
)
def test_article_ids_are_read_as_splitext_reads_file_names(name):
    root, ext = os.path.splitext(name)
    assert _stem(name) == (root if ext.lower() == ".txt" else None)
