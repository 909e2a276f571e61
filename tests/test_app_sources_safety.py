"""The Sources page against hostile input, run headless with AppTest.

- The article reader shows only regular files directly inside the articles folder: a link in the
  URL, an id in a table that is a path, a symlink or a directory in the corpus each get a warning
  naming the file, and nothing outside the corpus is ever shown.
- "Try an article" reads the text in the extraction pool with a time limit and says so plainly
  when the limit is reached, or when the pasted text is too large or not text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import slow_extractors
from streamlit.testing.v1 import AppTest

from etl import sandbox
from ui import data

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
FIRST, SECOND = "000_f31fa2dc3060489f", "001_a16e215cca9023c3"
SECRET = "root:x:0:0:the secret outside the corpus"


def sources(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/sources.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def everything(at: AppTest) -> str:
    """All the text and HTML the page sent."""
    parts = [m.value for m in at.markdown] + [h.proto.body for h in at.get("html")]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [e.value for e in at.error]
    return shown("\n".join(parts))


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of data/raw the page reads instead, and a secret file beside it."""
    import etl.pipeline

    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    monkeypatch.setattr(etl.pipeline, "RAW", raw)
    data._article_text.clear()
    yield raw
    data._article_text.clear()


# --- the reader --------------------------------------------------------------------------------
@pytest.mark.parametrize("hostile", ["../../../../etc/passwd", "/etc/passwd", "../secret", f"{FIRST}/../x"])
def test_a_link_naming_a_path_shows_the_first_article_instead(corpus: Path, hostile: str) -> None:
    at = sources(article=hostile)
    notice = shown(" ".join(i.value for i in at.info))
    assert "not available" in notice and hostile[:40] in notice
    assert at.selectbox(key="widget.article").value == FIRST
    assert SECRET not in everything(at) and "root:" not in everything(at)
    assert not at.warning


def test_a_symlink_in_the_corpus_is_refused_by_name(corpus: Path) -> None:
    target = corpus / f"{FIRST}.txt"
    target.unlink()
    target.symlink_to(corpus.parent / "secret.txt")
    at = sources(article=FIRST)
    warning = shown(" ".join(w.value for w in at.warning))
    assert f"{FIRST}.txt" in warning and "is a link" in warning
    assert SECRET not in everything(at)
    at.selectbox(key="widget.article").set_value(SECOND).run()  # a regular file: shown
    assert not at.warning and any('class="article"' in h.proto.body for h in at.get("html"))


def test_a_directory_named_like_an_article_is_refused(corpus: Path) -> None:
    (corpus / f"{FIRST}.txt").unlink()
    (corpus / f"{FIRST}.txt").mkdir()
    at = sources(article=FIRST)
    assert "not a regular file" in shown(" ".join(w.value for w in at.warning))


def _rehash(processed: Path) -> None:
    """datapackage.json's sizes and hashes made to match the edited tables."""
    package = json.loads((processed / "datapackage.json").read_text("utf-8"))
    for resource in package["resources"]:
        data = (processed / resource["path"]).read_bytes()
        resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (processed / "datapackage.json").write_text(json.dumps(package, indent=2), "utf-8")


def test_an_id_in_the_tables_that_is_a_path_is_refused(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment's own tables (TRADE_PROCESSED_DIR) naming an article `../secret`."""
    processed = tmp_path / "processed"
    shutil.copytree(ROOT / "data" / "processed", processed)
    for name in (
        "articles.csv",
        "claims.csv",
        "target_gaps.csv",
        "trade_balance.csv",
        "export_categories.csv",
    ):
        path = processed / name
        path.write_text(path.read_text("utf-8").replace(FIRST, "../secret"), "utf-8")
    _rehash(processed)  # as a deployment's own build would write them: consistent, but hostile
    monkeypatch.setenv("TRADE_PROCESSED_DIR", str(processed))
    at = sources(article="../secret")
    warning = shown(" ".join(w.value for w in at.warning))
    assert "is not an article id" in warning, warning
    assert SECRET not in everything(at)


@pytest.mark.parametrize(
    ("article_id", "why"),
    [("../secret", "not an article id"), ("/etc/passwd", "not an article id"), ("a/b", "not an article id"),
     ("a\\b", "not an article id"), ("", "not an article id"), (".hidden", "not an article id"),
     ("x\x00y", "not an article id"), ("missing", "not in the articles folder"), ("link", "is a link"),
     ("folder", "not a regular file"), ("fifo", "not a regular file")],
)  # fmt: skip
def test_article_text_reads_only_regular_files_in_the_folder(corpus: Path, article_id: str, why: str) -> None:
    (corpus / "link.txt").symlink_to(corpus.parent / "secret.txt")
    (corpus / "folder.txt").mkdir()
    os.mkfifo(corpus / "fifo.txt")
    with pytest.raises(ValueError, match=re.escape(why)):
        data.article_text(corpus, article_id)
    assert data.article_text(corpus, FIRST).startswith((corpus / f"{FIRST}.txt").read_text("utf-8-sig")[:40])


# --- try an article ------------------------------------------------------------------------------
@pytest.fixture
def misbehaving_pool(monkeypatch: pytest.MonkeyPatch):
    pool = sandbox.Pool(size=1, extractor="slow_extractors:misbehaving")
    monkeypatch.setattr(sandbox, "_shared", pool)
    monkeypatch.setattr(sandbox, "TIME_LIMIT_S", 1.0)
    yield pool
    pool.close()


def test_a_text_that_runs_out_of_time_gets_a_plain_message(misbehaving_pool: sandbox.Pool) -> None:
    at = sources()
    at.text_area(key="try.text").input(f"Iran and Iraq.\n{slow_extractors.SPIN}").run()
    assert not at.exception
    error = shown(" ".join(e.value for e in at.error))
    assert "took longer than 1 s to read and was stopped" in error and "not a news article" in error
    assert at.get("download_button") and not any(b.proto.label == "Download these claims (CSV)"
                                                  for b in at.get("download_button"))  # fmt: skip
    # Another widget on the page does not read the same text again.
    started = len(misbehaving_pool.pids)
    at.multiselect(key="sources.metric").set_value(["trade_target"]).run()
    assert "took longer than" in " ".join(e.value for e in at.error)
    assert len(misbehaving_pool.pids) == started
    # A real article after it is read by a new worker.
    at.text_area(key="try.text").input("Trade between Iran and Iraq reached $12 billion last year.").run()
    assert any("1 claim found" in m.value for m in at.markdown)
    assert not at.error


def test_a_crash_while_reading_gets_a_plain_message(misbehaving_pool: sandbox.Pool) -> None:
    at = sources()
    at.text_area(key="try.text").input(slow_extractors.CRASH).run()
    assert not at.exception
    assert "stopped unexpectedly" in shown(" ".join(e.value for e in at.error))


@pytest.mark.parametrize(
    ("text", "why"),
    [("é" * 600_000, "too large"), ("Iran\x01\x02\x03\x04\x05 trade", "binary")],
    ids=["over-1-MB-of-UTF-8", "control-characters"],
)
def test_pasted_text_gets_the_same_checks_as_an_upload(text: str, why: str) -> None:
    at = sources()
    at.text_area(key="try.text").input(text).run()
    assert not at.exception
    error = shown(" ".join(e.value for e in at.error))
    assert "That text cannot be read" in error and why in error, error
