"""Try an article: the claims the ETL would extract from a pasted or uploaded text.

The text is read by the extraction pool of `etl/sandbox.py` (worker processes with a time limit),
never in this server process, where one pathological text would stall every session.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from etl import sandbox

_KEPT = "try.outcome"  # session key: (hash of name and text, rows or message)


def trial_claims(name: str, text: str) -> sandbox.Rows | str:
    """The claims' rows (as `Claim.row()` gives them), or a sentence saying why there are none.

    The outcome is kept in the session, so the reruns that every other widget on the page causes
    do not read the same text again (a text that ran out of time would cost its seconds each time).
    """
    key = hashlib.sha256(f"{name}\0{text}".encode("utf-8", "replace")).hexdigest()
    kept = st.session_state.get(_KEPT)
    if kept is not None and kept[0] == key:
        return kept[1]
    with st.spinner(f"Reading the article (stopped after {sandbox.TIME_LIMIT_S:g} s)…"):
        try:
            outcome: sandbox.Rows | str = sandbox.extract_claims(name, text)
        except sandbox.Busy as busy:  # not kept: the next try may find a free worker
            return str(busy)
        except sandbox.TrialError as problem:
            outcome = str(problem)
    st.session_state[_KEPT] = (key, outcome)
    return outcome
