"""The review view on Sources & data: confirm, reject, amend or add a figure, and what was checked.

Saving writes a person's decision to the reviewed-claims file (etl/review.py checks it, the file is
replaced atomically) and rebuilds the tables, so every chart shows the new state at once.

Writing is off unless it is safe: the app must be served on the loopback address (only this
machine reaches it; `server.address` in Streamlit's config) or the deployment turns it on with
TRADE_REVIEW_WRITE=1, e.g. behind a proxy that lets only analysts in (docs/serving.md). When it is
off, every control is disabled with the reason beside it, and `save` refuses on its own, so no
widget left enabled by mistake can write.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from etl import review
from etl.contract import (
    ADD,
    ADDED,
    AMEND,
    AMENDED,
    CONFIRM,
    CONFIRMED,
    METRICS,
    QUALIFIERS,
    REJECT,
    REJECTED,
    UNREVIEWED,
)
from etl.review import ReviewError
from ui import data
from ui.highlight import explain
from ui.text import md

WRITE_SETTING = "TRADE_REVIEW_WRITE"
_ON, _OFF = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
# Sessions are threads of one server process: one save (check, write, rebuild) at a time, so two
# analysts saving together never lose each other's decision.
_SAVING = threading.Lock()
_FLASH = "review.flash"
REVIEWER = "review.reviewer"

# "12 billion", "12bn", "500 million", "12,000,000,000", "30": after spaces are collapsed to one,
# so the pattern never meets a run of them.
_AMOUNT = re.compile(
    r"(\d[\d,]{0,30}(?:\.\d{1,12})?) ?(thousand|million|billion|trillion|k|m|mn|bn|b|tn)?", re.I
)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9,
          "trillion": 1e12, "tn": 1e12}  # fmt: skip

STATUS_MARK = {CONFIRMED: "✓", AMENDED: "✓", ADDED: "✓", REJECTED: "✗", UNREVIEWED: "·"}


# --- may this server write? ----------------------------------------------------------------------
@dataclass(frozen=True)
class Gate:
    allowed: bool
    reason: str  # why saving is on or off, in words


def write_gate(address: str | None, setting: str | None, headers: Mapping[str, str] | None = None) -> Gate:
    """Whether a server on `address` (Streamlit's server.address) with TRADE_REVIEW_WRITE set to
    `setting` may save decisions for the request that sent `headers`.

    Without the setting, saving needs all three: the server listens on loopback only, the page
    was not passed on by a proxy (a proxy on the same machine makes every colleague look local)
    and the browser asked for this machine by a loopback name (not a DNS name that rebinds to it).
    Headers a client could forge only ever turn saving off, never on."""
    if setting is not None and setting.strip():
        word = setting.strip().lower()
        if word in _ON:
            return Gate(True, f"saving is on ({WRITE_SETTING}={setting.strip()})")
        if word in _OFF:
            return Gate(False, f"saving is turned off here ({WRITE_SETTING}={setting.strip()})")
        return Gate(
            False, f"saving is off: {WRITE_SETTING}={setting.strip()[:20]!r} is neither 1 (on) nor 0 (off)"
        )
    if not _loopback(address):
        where = address or "every network address (server.address is not set)"
        return Gate(
            False,
            f"saving is off: the app is served on {where}, so other machines may reach it. Serve it on "
            f"127.0.0.1, or set {WRITE_SETTING}=1 where only trusted analysts can reach it (docs/serving.md).",
        )
    sent = {str(k).lower(): str(v) for k, v in (headers or {}).items()}  # header names ignore case
    relayed = next((h for h in _PROXY_HEADERS if sent.get(h.lower())), None)
    if relayed:
        return Gate(
            False,
            f"saving is off: this page came through a proxy ({relayed} is set), so people on other machines "
            f"may be using it. Set {WRITE_SETTING}=1 if everyone who can sign in there may change the "
            "record (docs/serving.md).",
        )
    host = sent.get("host", "")
    if host and not _loopback(_host_name(host)):
        return Gate(False, f"saving is off: the page was asked for as {host[:60]}, not by a loopback name "
                           "such as localhost or 127.0.0.1")  # fmt: skip
    return Gate(True, f"saving is on: the app is served on {address}, which only this machine can reach")


# Headers a reverse proxy adds when it passes a request on.
_PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host", "Via")


def _host_name(host: str) -> str:
    """ "127.0.0.1:8501" -> "127.0.0.1", "[::1]:8501" -> "::1", "localhost" -> "localhost"."""
    host = host.strip()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _loopback(address: str | None) -> bool:
    if not address:
        return False
    host = address.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def gate() -> Gate:
    """The gate for this server and this request, read from Streamlit's config, the environment
    and the request's headers on every call."""
    try:
        headers = dict(st.context.headers)
    except Exception:  # outside a script run there is no request: the address and setting decide
        headers = {}
    return write_gate(st.get_option("server.address"), os.environ.get(WRITE_SETTING), headers)


# --- saving ----------------------------------------------------------------------------------------
def _texts(article_id: str) -> dict[str, str]:
    try:
        return {article_id: data.article_text(data.raw_dir(), article_id)}
    except (OSError, ValueError):
        return {}  # the check then says the article is not in the corpus


def save(row: Mapping[str, str], where: Gate | None = None) -> None:
    """Record one decision and rebuild the tables; ReviewError with the reasons when refused. The
    gate is checked here, not only by the page, so a server that may not write never writes."""
    allowed = where or gate()
    if not allowed.allowed:
        raise ReviewError([allowed.reason])
    path = data.reviews_file()
    with _SAVING:
        before = path.read_bytes() if path.is_file() else None
        claims = data.tables()["claims"]
        review.record(row, path, claims, _texts(str(row["article_id"])))
        _rebuild_or_restore(path, before)


def withdraw(claim_id: str, where: Gate | None = None) -> None:
    """Take back the decision about a claim (the claim is then as the rules read it)."""
    allowed = where or gate()
    if not allowed.allowed:
        raise ReviewError([allowed.reason])
    path = data.reviews_file()
    with _SAVING:
        before = path.read_bytes() if path.is_file() else None
        if before is None:
            raise ReviewError([f"there is no decision about {claim_id} to take back"])
        review.withdraw(claim_id, path)
        _rebuild_or_restore(path, before)


def _rebuild_or_restore(path: Path, before: bytes | None) -> None:
    """Rebuild the tables; if that fails the tables stay as they were (the ETL writes all or
    nothing), so the decisions file is put back too, and the reason is given."""
    try:
        data.rebuild()
    except Exception as failure:  # any failure: said in words, and nothing half-saved
        if before is None:
            path.unlink(missing_ok=True)
        else:
            review.write_bytes(before, path)
        raise ReviewError(
            [f"the tables could not be rebuilt, so the decision was not kept: {failure}"]
        ) from None


def parse_amount(text: str) -> float | None:
    """ "12 billion" -> 12e9, "500m" -> 5e8, "12,000,000,000" -> 12e9, "30" -> 30; None if not an amount."""
    words = " ".join(text.split())[:60]
    m = _AMOUNT.fullmatch(words)
    if not m:
        return None
    number = float(m.group(1).replace(",", ""))
    return number * _SCALE[m.group(2).lower()] if m.group(2) else number


def now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decision_about(claim: Mapping[str, object], text: str, action: str, reviewer: str, note: str = "",
                   **fields: object) -> dict[str, str]:  # fmt: skip
    """A decision about an extracted claim, pointing at its figure and sentence as they read now."""
    start, end = int(claim["start"]), int(claim["end"])
    return review.decision_row(
        claim_id=claim["claim_id"], action=action, article_id=claim["article_id"], start=start, end=end,
        figure=text[start:end], quote=claim["quote"], reviewer=reviewer, reviewed_at=now(), note=note, **fields,
    )  # fmt: skip


# --- what the page says ---------------------------------------------------------------------------
def status_text(claim: Mapping[str, object]) -> str:
    """ "✓ confirmed by Ana Analyst, 2025-01-31", "not reviewed (extracted by rule)", … (plain text)."""
    status = str(claim.get("review") or UNREVIEWED)
    if status == UNREVIEWED:
        return "not reviewed: extracted by rule"
    day = str(claim["reviewed_at"])[:10]
    out = f"{STATUS_MARK[status]} {status} by {claim['reviewed_by']}, {day}"
    if claim.get("extracted"):
        out += f" (the rule read: {rule_values(str(claim['extracted']))})"
    if claim.get("review_note"):
        out += f": {claim['review_note']}"
    return out


def rule_values(extracted: str) -> str:
    """The `extracted` JSON as words: "value 18,000,000,000, qualifier approx"."""
    try:
        values = json.loads(extracted)
    except ValueError:
        return extracted
    shown = []
    for field, value in values.items():
        if field in ("period_start", "period_end", "coverage", "period_note", "target_kind"):
            continue  # follow from the fields shown
        shown.append(
            f"{field} {value:,.15g}" if isinstance(value, int | float) else f"{field} {value or '(none)'}"
        )
    return ", ".join(shown)


def article_counts(claims: pd.DataFrame) -> pd.Series:
    """Per article: "2 of 4 reviewed" (a rejected claim counts as reviewed: a person looked)."""
    if "review" not in claims.columns or claims.empty:
        return pd.Series(dtype=str)
    by_article = claims["article_id"]
    done = (claims["review"] != UNREVIEWED).groupby(by_article).sum()
    total = by_article.value_counts().reindex(done.index)
    return done.astype(int).astype(str) + " of " + total.astype(str)


def chart_counts(charts: list, pair_label: str) -> list[dict[str, object]]:
    """One row per chart: how many of the claims behind it a person checked."""
    rows = []
    for chart in charts:
        claims = chart.claims
        done = int(claims["review"].isin(review.BY_A_PERSON).sum()) if "review" in claims.columns else 0
        rows.append(
            {"Chart": chart.title, "Pair": pair_label, "Claims": len(claims), "Reviewed by a person": done}
        )
    return rows


def flash(message: str) -> None:
    st.session_state[_FLASH] = message


def show_flash() -> None:
    message = st.session_state.pop(_FLASH, None)
    if message:
        st.success(md(message), icon=":material/check_circle:")


def _refused(problems: list[str]) -> None:
    st.error("Not saved: " + "; ".join(md(p) for p in problems), icon=":material/block:")


def _attempt(action, *args, done: str) -> None:
    """Run a save or withdraw; on success rerun the page with a note, else say why."""
    try:
        action(*args)
    except ReviewError as e:
        _refused(e.problems)
        return
    flash(done)
    st.rerun()


# --- the view ---------------------------------------------------------------------------------------
def reviewer(allowed: Gate) -> str:
    """The reviewer's name, kept for the session: Streamlit forgets a widget's value when the
    page changes, so it is copied to a key of its own."""
    widget = f"widget.{REVIEWER}"
    if widget not in st.session_state:
        st.session_state[widget] = st.session_state.get(REVIEWER, "")

    def keep() -> None:
        st.session_state[REVIEWER] = st.session_state[widget]

    name = st.text_input(
        "Your name (saved with each decision)", key=widget, max_chars=review.TEXT_LIMITS["reviewer"],
        disabled=not allowed.allowed, placeholder="e.g. Ana Analyst", on_change=keep,
    )  # fmt: skip
    return name.strip()


def figure_controls(claim: Mapping[str, object], base: Mapping[str, object], text: str, allowed: Gate,
                    name: str) -> None:  # fmt: skip
    """Confirm / reject / amend / take back, for one claim. `base` is the claim as the rules read it."""
    cid = str(claim["claim_id"])
    off = not allowed.allowed
    figure = text[int(claim["start"]) : int(claim["end"])]
    st.markdown(f"**{md(figure)}** — {md(status_text(claim))}")
    st.caption(md(explain(claim, review=False)))  # what the claim says now, as the mark's hover text
    if claim.get("method") == review.CURATED:
        if st.button(
            "Take back this added figure", key=f"review.undo.{cid}", disabled=off, icon=":material/undo:"
        ):
            _attempt(withdraw, cid, done=f"The added figure {figure} was taken back.")
        return
    # One row of buttons that wraps when the column is narrow.
    row = st.container(horizontal=True, gap="small")
    confirmed = row.button("Confirm", key=f"review.confirm.{cid}", disabled=off, icon=":material/check:",
                           help="The rule read this figure right")  # fmt: skip
    if confirmed and _need_name(name):
        _attempt(save, decision_about(claim, text, CONFIRM, name), done=f"Confirmed {figure}.")
    if off:
        # Shown, so the reader sees what could be done, but with nothing inside: no form to fill.
        row.button("Reject", key=f"review.reject-box.{cid}", disabled=True, icon=":material/close:")
        row.button("Amend", key=f"review.amend-box.{cid}", disabled=True, icon=":material/edit:")
        return
    with row.popover("Reject", icon=":material/close:", key=f"review.reject-box.{cid}"):
        note = st.text_input("Why is it wrong?", key=f"review.reject-note.{cid}",
                             max_chars=review.TEXT_LIMITS["note"])  # fmt: skip
        rejected = st.button("Reject this figure", key=f"review.reject.{cid}", type="primary")
        if rejected and _need_name(name):
            _attempt(save, decision_about(claim, text, REJECT, name, note.strip()),
                     done=f"Rejected {figure}: no chart uses it now.")  # fmt: skip
    with row.popover("Amend", icon=":material/edit:", key=f"review.amend-box.{cid}"):
        _amend_form(claim, base, text, name)
    if claim.get("review", UNREVIEWED) != UNREVIEWED and row.button(
        "Undo", key=f"review.undo.{cid}", icon=":material/undo:",
        help="Take back the decision: the figure is as the rule read it",
    ):  # fmt: skip
        _attempt(withdraw, cid, done=f"The decision about {figure} was taken back.")


def _need_name(name: str) -> bool:
    if not name:
        st.warning("Type your name first: every decision says who made it.", icon=":material/person:")
    return bool(name)


def _fields_form(prefix: str, current: Mapping[str, object]) -> dict[str, str]:
    """The reviewed fields as text inputs, filled with `current`; returns what was typed."""
    value = current.get("value")
    shown_value = "" if value in (None, "") or pd.isna(value) else f"{float(value):,.15g}"
    left, right = st.columns(2)
    typed = {
        "pair": left.text_input("Pair (ISO codes, sorted)", str(current.get("pair", "")), key=f"{prefix}.pair",
                                placeholder="IRN-IRQ", max_chars=7),
        "metric": right.selectbox("Metric", METRICS, index=_index(METRICS, current.get("metric")),
                                  key=f"{prefix}.metric"),
        "direction": left.text_input("Direction (exporter->importer; empty: two-way)",
                                     str(current.get("direction", "")), key=f"{prefix}.direction",
                                     placeholder="IRQ->IRN", max_chars=8),
        "category": right.text_input("Category (a category share; an import share of one product)", str(current.get("category", "")),
                                     key=f"{prefix}.category", max_chars=review.TEXT_LIMITS["category"]),
        "value": left.text_input("Value (12 billion, 500 million, 30)", shown_value, key=f"{prefix}.value",
                                 max_chars=40),
        "unit": right.text_input("Unit (USD, EUR, … or percent)", str(current.get("unit", "")) or "USD",
                                 key=f"{prefix}.unit", max_chars=7),
        "qualifier": left.selectbox("Qualifier", QUALIFIERS, index=_index(QUALIFIERS, current.get("qualifier")),
                                    key=f"{prefix}.qualifier"),
        "period": right.text_input("Period, as said (2024, annual)", str(current.get("period", "")),
                                   key=f"{prefix}.period", max_chars=review.TEXT_LIMITS["period"]),
    }  # fmt: skip
    return {k: v.strip() for k, v in typed.items()}


def _index(options: tuple[str, ...], value: object) -> int:
    return options.index(value) if value in options else 0


def _typed_value(typed: dict[str, str]) -> tuple[dict[str, object], list[str]]:
    """The typed fields with the value read as a number; problems in words."""
    out: dict[str, object] = dict(typed)
    if typed["value"]:
        amount = parse_amount(typed["value"])
        if amount is None:
            return out, [
                f"value: {typed['value'][:40]!r} is not an amount (write 12 billion, or 30 for 30 %)"
            ]
        out["value"] = amount
    return out, []


def _amend_form(claim: Mapping[str, object], base: Mapping[str, object], text: str, name: str) -> None:
    cid = str(claim["claim_id"])
    with st.form(f"review.amend.{cid}", border=False):
        typed = _fields_form(f"review.amend.{cid}", claim)
        note = st.text_input("Why?", key=f"review.amend-note.{cid}", max_chars=review.TEXT_LIMITS["note"])
        if not st.form_submit_button("Save the amendment", type="primary"):
            return
    fields, problems = _typed_value(typed)
    if problems:
        _refused(problems)
        return
    changed: dict[str, object] = {}
    for field, value in fields.items():
        was = base[field]
        if field == "value" and value != "" and float(value) == float(was):
            continue
        if value == was or (value == "" and was == ""):
            continue
        if value == "":
            if field == "direction" and fields["metric"] == "trade_volume":
                continue  # two-way trade has no direction: the ETL clears it
            if field == "category" and fields["metric"] != "category_share":
                continue
            _refused(
                [f"{field}: an amendment cannot empty a field (an empty field means 'as the rule read it')"]
            )
            return
        changed[field] = value
    if not changed:
        _refused(["nothing was changed; if the rule read it right, confirm it"])
        return
    if _need_name(name):
        _attempt(save, decision_about(claim, text, AMEND, name, note.strip(), **changed),
                 done=f"Amended {text[int(claim['start']) : int(claim['end'])]}.")  # fmt: skip


def add_form(article_id: str, text: str, allowed: Gate, name: str, mine: pd.DataFrame) -> None:
    """Add a figure the rules missed: type it as the article writes it, and the page finds where
    it is (Streamlit cannot read a text selection); where it appears more than once, pick which."""
    with st.container(key=f"review.add-area.{article_id}"):
        _add_area(article_id, text, allowed, name, set(mine["start"].astype(int)))


def _add_area(article_id: str, text: str, allowed: Gate, name: str, claimed: set[int]) -> None:
    off = not allowed.allowed
    figure = st.text_input(
        "The figure, exactly as the article writes it", key=f"review.add.figure.{article_id}",
        placeholder="$20 billion", max_chars=review.MAX_FIGURE_CHARS, disabled=off,
    )  # fmt: skip
    if not figure:
        st.caption(
            "The page finds where the figure is in the article; if it appears more than once, you pick."
        )
        return
    found = _occurrences(text, figure, 0, len(text))
    places = [p for p in found if p not in claimed]
    if not places:
        st.warning(
            f"“{md(figure)}” is not in this article; type it exactly as written."
            if not found
            else f"Every place “{md(figure)}” appears is already a claim: review it above."
        )
        return
    start = places[0]
    if len(places) > 1:
        start = st.radio(
            f"“{md(figure)}” appears {len(places)} times; which one?", places,
            key=f"review.add.which.{article_id}", format_func=lambda p: _in_context(text, p, len(figure)),
        )  # fmt: skip
    else:
        st.caption(md(_in_context(text, start, len(figure), plain=True)))
    with st.form(f"review.add.{article_id}", border=False):
        typed = _fields_form(f"review.add.{article_id}", {"qualifier": "exact"})
        note = st.text_input("Note (optional)", key=f"review.add-note.{article_id}",
                             max_chars=review.TEXT_LIMITS["note"])  # fmt: skip
        if not st.form_submit_button("Add this figure", type="primary", disabled=off):
            return
    fields, problems = _typed_value(typed)
    if problems:
        _refused(problems)
        return
    end = start + len(figure)
    span = review.sentence_span(text, start, end)
    if span is None:
        _refused([f"“{figure}” at {start} is not inside a sentence of the article"])
        return
    row = review.decision_row(
        claim_id=f"{article_id}:{start}", action=ADD, article_id=article_id, start=start, end=end, figure=figure,
        quote=text[span[0] : span[1]], reviewer=name, reviewed_at=now(), note=note.strip(), **fields,
    )  # fmt: skip
    if _need_name(name):
        _attempt(save, row, done=f"Added {figure}.")


def _in_context(text: str, start: int, length: int, plain: bool = False, width: int = 50) -> str:
    """ "…exceeds $10 billion, but Iraq’s goal is to reach **$20 billion**.”" (escaped Markdown)."""
    before = " ".join(text[max(0, start - width) : start].split()[-8:])
    after = " ".join(text[start + length : start + length + width].split()[:8])
    figure = text[start : start + length]
    if plain:
        return f"…{before} {figure} {after}…"
    return f"…{md(before)} **{md(figure)}** {md(after)}…"


def _occurrences(text: str, figure: str, lo: int, hi: int) -> list[int]:
    out, at = [], text.find(figure, lo, hi)
    while at >= 0 and len(out) < 20:
        out.append(at)
        at = text.find(figure, at + 1, hi)
    return out


# --- the whole view, as the Sources & data page places it -------------------------------------------
def review_view(article_id: str, text: str, mine: pd.DataFrame, article_html: str) -> None:
    """The article (marked) beside its figures, each with its review and the controls to change it;
    below, the form to add a figure the rules missed."""
    allowed = gate()
    show_flash()
    if allowed.allowed:
        st.caption(f"Reviewing: {md(allowed.reason)}. Decisions go to {md(data.reviews_file().name)}.")
    else:
        st.info(md(allowed.reason), icon=":material/lock:")
    name = reviewer(allowed)
    reader, figures = st.columns([3, 2], gap="medium")
    with reader, st.container(height=460, border=True):
        st.html(article_html)
    base = review.as_extracted(mine).set_index("claim_id")
    with figures, st.container(height=460, border=True, key=f"review.figures.{article_id}"):
        if mine.empty:
            st.caption("The rules found no figure here; add one below if they missed it.")
        for claim in mine.to_dict("records"):
            with st.container(border=True, key=f"review.claim.{claim['claim_id']}"):
                cid = claim["claim_id"]
                figure_controls(claim, base.loc[cid].to_dict() | {"claim_id": cid} if cid in base.index else claim,
                                text, allowed, name)  # fmt: skip
    with st.expander("Add a figure the rules missed", icon=":material/add:"):
        add_form(article_id, text, allowed, name, mine)


@st.cache_data(max_entries=4, show_spinner=False)
def _chart_counts(directory: str, stamp: tuple) -> pd.DataFrame:
    from charts import catalog, summary
    from charts.figures import pair_name

    tables = data.chart_tables()
    rows = []
    for pair in summary.pairs(tables):
        _, basis = summary.bases(tables, pair)
        rows += chart_counts(catalog.all_charts(tables, pair, basis), pair_name(pair))
    return pd.DataFrame(rows, columns=["Chart", "Pair", "Claims", "Reviewed by a person"])


def charts_checked() -> pd.DataFrame:
    """Per chart of every pair, how many of its claims a person checked (cached per build)."""
    directory = data.processed_dir()
    claims_file = directory / "claims.csv"
    try:
        stat = claims_file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (None, None)
    return _chart_counts(str(directory), stamp)


def unapplied(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Decisions in the processed copy of the reviews file that the last build did not apply (the
    article changed, or the rules no longer find the claim), with the reason, as the ETL gave it."""
    decisions = tables.get("reviewed_claims")
    if decisions is None or decisions.empty:
        return pd.DataFrame(columns=review.REPORT_COLUMNS)
    texts: dict[str, str] = {}
    for aid in decisions["article_id"].unique():
        texts |= _texts(str(aid))
    _, report = review.apply(review.as_extracted(tables["claims"]), texts, decisions)
    return report[report["outcome"] != review.APPLIED]


def show_unapplied(tables: Mapping[str, pd.DataFrame]) -> None:
    stale = unapplied(tables)
    if stale.empty:
        return
    lines = "\n".join(
        f"- {md(r.claim_id)} ({md(r.action)} by {md(r.reviewer)}): {md(r.reason)}" for r in stale.itertuples()
    )
    st.warning(
        f"{len(stale)} decision{'s' if len(stale) != 1 else ''} in {md(data.reviews_file().name)} "
        f"no longer match{'es' if len(stale) == 1 else ''} the articles and {'were' if len(stale) != 1 else 'was'} "
        f"not applied; those figures are shown as the rules read them. Review them again:\n\n{lines}",
        icon=":material/history:",
    )
