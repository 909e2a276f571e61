"""Text from outside (articles, metadata, links, file names) shown inside Streamlit Markdown.

`st.markdown`, `st.caption`, `st.info` and friends read their text as Markdown: a title holding
`[here](http://…)`, `**`, `$x$` or `:red[…]` would turn into a link, bold, maths or colour. Every
piece of outside text passes through `md()` first, so it shows exactly as written. (Streamlit has
no Markdown-escaping helper; CommonMark's backslash escape covers all ASCII punctuation.)
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&^=\"'])")


def md(text: object) -> str:
    """`text` with every Markdown-significant character escaped, and line breaks kept as spaces."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
