"""Outside text shown through Markdown stays text: links, emphasis, maths and colours are escaped."""

from __future__ import annotations

import re

import pytest

from ui.text import md


@pytest.mark.parametrize(
    "raw",
    ["[click](javascript:alert(1))", "**bold** _it_", "$x^2$ and $y$", ":red[alarm]", "<b>x</b>", "# heading",
     "trade with Iran to $20 billion", "=HYPERLINK(\"x\")"],
)  # fmt: skip
def test_every_markdown_character_is_escaped(raw: str) -> None:
    escaped = md(raw)
    # every Markdown-significant character is preceded by a backslash ...
    assert not re.search(r"(?<!\\)[\[\]()*_$:<>#=]", escaped.replace("\\\\", ""))
    # ... and removing the escapes gives the text back exactly
    assert re.sub(r"\\(.)", r"\1", escaped) == raw


def test_line_breaks_become_spaces() -> None:
    assert md("two\n\nparagraphs") == "two paragraphs"
