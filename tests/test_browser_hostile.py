"""Hostile and broken input on the Sources page: article text is shown as text, never run; the
claims CSV cannot run as spreadsheet formulas; unreadable uploads get a message naming the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import browser_support as bs
import pytest

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=2">'
LINK = "[click](javascript:alert(1))"
CLAIM = "Trade between Iran and Iraq reached $12 billion last year, the minister said."
# A file name and lines a spreadsheet would run: the name becomes the claims' article_id and
# claim_id, and the last two lines are claims whose quote starts with a formula character.
HOSTILE_NAME = "=hostile.txt"
HOSTILE = "\n".join([
    "Hostile article", SCRIPT, IMG, LINK,
    '=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)",
    CLAIM,
    "- Iran and Iraq aim to raise trade to $20 billion, the minister added.",
    "=SUM(1) Iraq's exports to Iran stand at $500 million, he said.",
]) + "\n"  # fmt: skip
UPLOADER = '[data-testid="stFileUploader"] input[type="file"]'


def upload(page, name: str, data: bytes) -> None:
    page.locator(UPLOADER).set_input_files(files=[{"name": name, "mimeType": "text/plain", "buffer": data}])


def test_hostile_article_is_shown_as_text(page, app) -> None:
    bs.goto(page, app.url, "sources")
    upload(page, HOSTILE_NAME, HOSTILE.encode())
    # The reader for the upload: the HTML block whose marks carry the upload's claim ids.
    reader = page.locator('[data-testid="stHtml"]').filter(has=page.locator('mark[data-claim^="=hostile:"]'))
    reader.wait_for(state="attached")
    bs.wait_for_app(page, 0)
    bs.assert_clean(page)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"

    assert page.get_by_text("3 claims found.").is_visible()
    marks = reader.locator("mark").all_inner_texts()
    assert marks == ["$12 billion", "$20 billion", "$500 million"], marks
    reader.locator("mark").first.scroll_into_view_if_needed()
    assert reader.locator("mark", has_text="$12 billion").is_visible()
    # Every hostile line is there as text, and none of it became markup.
    for literal in (SCRIPT, IMG, LINK, '=HYPERLINK("http://x")', "@SUM(A1)"):
        assert reader.get_by_text(literal, exact=True).count() == 1, literal
    assert reader.get_by_text(SCRIPT, exact=True).is_visible()
    assert reader.locator("script, img, a, iframe, object, embed, [onerror], [onclick]").count() == 0
    assert reader.locator("p").count() == 11, "one paragraph per line of the article"
    assert page.locator('a[href^="javascript:"]').count() == 0


def test_claims_csv_from_a_hostile_article_is_formula_safe(page, app) -> None:
    bs.goto(page, app.url, "sources")
    upload(page, HOSTILE_NAME, HOSTILE.encode())
    button = page.get_by_role("button", name="Download these claims (CSV)", exact=True)
    button.wait_for(state="visible")
    bs.wait_for_app(page, 0)
    with page.expect_download() as started:
        button.click()
    body = Path(started.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["metric"] for r in rows] == ["trade_volume", "trade_target", "exports"], rows
    assert rows[0]["quote"] == CLAIM
    # The cells a spreadsheet would have run are kept, behind an apostrophe.
    assert rows[0]["article_id"] == "'=hostile"
    assert rows[1]["quote"].startswith("'- Iran and Iraq")
    assert rows[2]["quote"].startswith("'=SUM(1) Iraq")
    bs.assert_no_formula_cells(body)


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
    + bytes(range(256)) * 4
)


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("chart.txt", PNG_BYTES, "binary"),
        (
            "latin1.txt",
            "Téhéran: trade between Iran and Iraq reached $12 billion.".encode("latin-1"),
            "UTF-8",
        ),
        ("empty.txt", b"", "empty"),
    ],
    ids=["binary", "latin-1", "empty"],
)
def test_unreadable_upload_is_named_in_an_error(page, app, name: str, data: bytes, why: str) -> None:
    bs.goto(page, app.url, "sources")
    upload(page, name, data)
    error = page.locator('[data-testid="stAlertContentError"]', has_text=name)
    error.wait_for(state="visible")
    bs.wait_for_app(page, 0)
    assert why in error.inner_text(), error.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("button", name="Download these claims (CSV)", exact=True).count() == 0


def test_builtin_article_reader_marks_claims_and_runs_nothing(page, app) -> None:
    article = "000_f31fa2dc3060489f"
    bs.goto(page, app.url, "sources", f"article={article}")
    bs.assert_clean(page)
    reader = page.locator('[data-testid="stHtml"]').filter(has=page.locator(".article"))
    assert reader.count() == 1
    marks = reader.locator("mark")
    assert marks.count() >= 4
    texts = marks.all_inner_texts()
    assert "$12 billion" in texts and "$20 billion" in texts, texts
    for i in range(marks.count()):
        assert (marks.nth(i).get_attribute("data-claim") or "").startswith(f"{article}:")
        assert marks.nth(i).get_attribute("title"), "each mark explains its claim on hover"
    assert reader.locator("script, img, iframe, object, embed, [onerror], [onclick]").count() == 0
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
