"""The view a link reproduces: the page (the URL path) and everything chosen on it (the query).

One small helper owns the URL: a value read from the link is checked against what exists, a bad
one falls back to the default with a short notice, and every choice is written back so the
address bar always holds a link to what is on screen: pair, basis, the growth calculator's
years, the Overview's order and search, presentation mode. The last choice is also kept in the
session so it survives moving between pages.

Some choices only mean something for another one: a basis is a claim of one pair, the years of
the growth calculator belong to one basis. When a choice changes, the choices that hang on it
(`DEPENDS`) are forgotten, in the session and in the link, so no stale key of another pair stays
in the address bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from charts.style import Look
from ui.text import md

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# key -> the keys whose values belong to its value
DEPENDS: dict[str, tuple[str, ...]] = {
    "pair": ("basis", "flow", "list", "from", "by"),
    "basis": ("from", "by"),
    "flow": ("list",),
    "from": ("by",),
    # Reviewed figures only: the bases and lists on offer are those of the reviewed claims.
    "reviewed": ("basis", "list"),
}


@dataclass(frozen=True)
class View:
    presentation: bool

    @property
    def look(self) -> Look:
        return Look(presentation=self.presentation)


def notice(message: str) -> None:
    """A short note at the top of the page, e.g. when a link asked for something unknown.

    The message quotes what the link said, so all of it is escaped (a link is outside text)."""
    st.info(md(message), icon=":material/link_off:")


def _dependents(key: str) -> list[str]:
    """Every key that hangs on `key`, directly or through another."""
    out: list[str] = []
    for k in DEPENDS.get(key, ()):
        out += [k, *_dependents(k)]
    return list(dict.fromkeys(out))


def forget(keys: Sequence[str], link: bool = True) -> None:
    """Drop choices from the session (and from the link unless `link` is False)."""
    for k in keys:
        st.session_state.pop(f"view.{k}", None)
        st.session_state.pop(f"widget.{k}", None)
        if link and k in st.query_params:
            del st.query_params[k]


def _remember(key: str, value: str, default: str | None = None) -> None:
    """Keep a choice in the session and in the link (a default that needs no saying is left out).
    A changed choice makes the session forget the choices that hung on the old one."""
    before = st.session_state.get(f"view.{key}")
    if before is not None and before != value:
        forget(_dependents(key), link=False)
    st.session_state[f"view.{key}"] = value
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def _changed(key: str, value: str, default: str | None = None) -> None:
    """A choice made on the page: remembered, and what hung on it dropped from the link too."""
    if st.session_state.get(f"view.{key}") != value:
        forget(_dependents(key))
    _remember(key, value, default)


def _quote(raw: str, limit: int = 40) -> str:
    return raw if len(raw) <= limit else raw[:limit] + "…"


def resolve(key: str, options: Sequence[str], default: str, describe: Callable[[str], str] = str) -> str:
    """The value for `key`: from the link if valid, else the last choice, else `default`."""
    raw = st.query_params.get(key)
    remembered = st.session_state.get(f"view.{key}")
    if raw is not None and raw in options:
        value = raw
    else:
        value = remembered if remembered in options else default
        if raw is not None:
            notice(
                f"The link asks for {key} “{_quote(raw)}”, which is not available here; showing {describe(value)}."
            )
    _remember(key, value)
    return value


def pick(key: str, label: str, options: Sequence[str], default: str, describe: Callable[[str], str] = str,
         help: str | None = None, *, quiet_default: bool = False) -> str:  # fmt: skip
    """A select box bound to the URL parameter `key`. Options that read the same are numbered, so
    a reader can tell them apart (and Streamlit, which tells options apart by their words, too).
    With `quiet_default`, the default (a constant, the same for every reader) is left out of the link."""
    value = resolve(key, options, default, describe)
    if quiet_default:
        _remember(key, value, default)
    widget = f"widget.{key}"
    st.session_state[widget] = value
    words = distinct([describe(o) for o in options])
    label_of = dict(zip(options, words, strict=True))

    def changed() -> None:
        _changed(key, st.session_state[widget], default if quiet_default else None)

    st.selectbox(label, options, format_func=label_of.get, key=widget, on_change=changed, help=help)
    return value


def distinct(labels: list[str]) -> list[str]:
    """The labels, with "(2)", "(3)" … added to the second and later of any that repeat."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def words(key: str, label: str, placeholder: str = "", max_chars: int = 60) -> str:
    """A text box bound to the URL parameter `key` (empty: left out of the link)."""
    raw = st.query_params.get(key)
    remembered = st.session_state.get(f"view.{key}", "")
    value = (raw[:max_chars] if raw is not None else remembered) or ""
    _remember(key, value, default="")
    widget = f"widget.{key}"
    st.session_state[widget] = value

    def changed() -> None:
        _changed(key, st.session_state[widget].strip()[:max_chars], default="")

    st.text_input(label, key=widget, on_change=changed, placeholder=placeholder, max_chars=max_chars)
    return value


def switch(key: str, label: str, help: str | None = None) -> bool:
    """A toggle bound to the URL parameter `key` (`1` when on; off is left out of the link)."""
    raw = st.query_params.get(key)
    if raw is not None and raw.lower() not in _TRUE | _FALSE:
        notice(f"The link's {key}=“{_quote(raw, 20)}” is not on or off; it is off.")
        raw = "0"
    value = "1" if (raw or st.session_state.get(f"view.{key}", "0")).lower() in _TRUE else "0"
    _remember(key, value, default="0")
    widget = f"widget.{key}"
    st.session_state[widget] = value == "1"

    def changed() -> None:
        _changed(key, "1" if st.session_state[widget] else "0", default="0")

    st.toggle(label, key=widget, on_change=changed, help=help)
    return value == "1"


def presentation() -> View:
    """Presentation mode from `?present=` (or the toggle), applied to the whole app."""
    raw = st.query_params.get("present")
    remembered = st.session_state.get("view.present", "0")
    if raw is None:
        value = remembered
    elif raw.lower() in _TRUE:
        value = "1"
    elif raw.lower() in _FALSE:
        value = "0"
    else:
        value = "0"
        notice(f"The link's present=“{raw[:20]}” is not on or off; presentation mode is off.")
    _remember("present", value, default="0")
    return View(presentation=value == "1")


def current() -> View:
    """The view dashboard.py resolved for this run (pages call this, not `presentation`)."""
    return View(presentation=st.session_state.get("view.present") == "1")


def set_presentation(on: bool) -> None:
    _remember("present", "1" if on else "0", default="0")


def peek_switch(key: str) -> bool:
    """What `switch` will give the page for `key`, without a notice or a write (for the app around
    the pages: the slide deck follows the page's toggle)."""
    raw = st.query_params.get(key)
    if raw is not None and raw.lower() in _TRUE | _FALSE:
        return raw.lower() in _TRUE
    return st.session_state.get(f"view.{key}", "0") == "1"


def peek(key: str, options: Sequence[str], default: str) -> str:
    """What `resolve` will give the page for `key`, without a notice or a write: for the app
    around the pages (the navigation's names follow the pair the page is about to show)."""
    raw = st.query_params.get(key)
    if raw in options:
        return raw
    remembered = st.session_state.get(f"view.{key}")
    return remembered if remembered in options else default
