"""The view a link reproduces: page (the URL path), pair, basis and presentation mode (the query).

One small helper owns the URL: a value read from the link is checked against what exists, a bad
one falls back to the default with a short notice, and every choice is written back so the
address bar always holds a link to what is on screen. The last choice is also kept in the
session so it survives moving between pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from charts.style import Look
from ui.text import md

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


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


def _remember(key: str, value: str, default: str | None = None) -> None:
    """Keep a choice in the session and in the link (a default that needs no saying is left out)."""
    st.session_state[f"view.{key}"] = value
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != value:
        st.query_params[key] = value


def resolve(key: str, options: Sequence[str], default: str, describe: Callable[[str], str] = str) -> str:
    """The value for `key`: from the link if valid, else the last choice, else `default`."""
    raw = st.query_params.get(key)
    remembered = st.session_state.get(f"view.{key}")
    if raw is not None and raw in options:
        value = raw
    else:
        value = remembered if remembered in options else default
        if raw is not None:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            notice(
                f"The link asks for {key} “{shown}”, which is not available here; showing {describe(value)}."
            )
    _remember(key, value)
    return value


def pick(key: str, label: str, options: Sequence[str], default: str, describe: Callable[[str], str] = str,
         help: str | None = None) -> str:  # fmt: skip
    """A select box bound to the URL parameter `key`."""
    value = resolve(key, options, default, describe)
    widget = f"widget.{key}"
    st.session_state[widget] = value

    def changed() -> None:
        _remember(key, st.session_state[widget])

    st.selectbox(label, options, format_func=describe, key=widget, on_change=changed, help=help)
    return value


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
