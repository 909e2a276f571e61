"""Load benchmark: N sessions speaking Streamlit's own websocket protocol to one server, no browser.

A browser spends most of its CPU drawing, so on a small machine a load test with browsers measures
the browsers (`bench/load_browser.py`). This client does what the Streamlit frontend does on the
wire and nothing else, so the figures are the server's:

- connect: `GET /_stcore/health` and `/_stcore/host-config` (as the frontend does first), then the
  websocket `/_stcore/stream` with the subprotocol `streamlit`;
- a script run: a `BackMsg` whose `rerun_script` is a `ClientState` (query string, page script hash
  or page name, widget states, the hashes of the messages this client has cached), then every
  `ForwardMsg` until `script_finished` says the run is over (a run that ends early for a rerun,
  `st.rerun` or `st.switch_page`, is followed by the next one, and counts as part of it); a
  `ref_hash` message is resolved from the client's cache, as the frontend does;
- the page is the tree of `delta` messages of the last run (by `delta_path`), its widgets are
  found there, and a widget change sends that widget's new value in the wire format the frontend
  uses (`WidgetState`: a string for a select box, a list of doubles for a slider ...).

Nothing about the dashboard is hard-coded but the pair in the first link: the pages come from the
`navigation` message, the widgets from each page's deltas. Each session walks every page, and on
each page changes every widget it finds, one after the other (every other option of a select box
or segmented control, a slider's ends, a toggle both ways, a multiselect's first option and back,
a button's click, a short article pasted into a text area and cleared), following the widgets
that appear (the presentation toggle brings an "Exit presentation" button). File uploads and
downloads are not exercised: they are plain HTTP, not script runs.

Measured per script run: the time from sending the rerun request to the final `script_finished`
("server time": the run, queueing behind other sessions' runs, and the messages' trip over the
loopback). Errors: an exception element, an error alert, "page not found", a compile error, a run
that does not finish in time, a dropped connection, and every traceback in the server's log.
Memory: the server process's RSS after a warm-up session, and again once all N sessions have
walked and are still connected, divided by N; the extraction workers (the server's children) are
reported apart, since they are started on demand and shared by every session.

First an untimed warm-up walk (imports, caches), then one session alone (the single-session
figures), then N sessions at once. Between two actions a session waits a think time drawn
uniformly from [0.5, 1.5] x `--think` seconds (people read a chart before changing it); with
`--think 0` every session fires its next run as soon as the last one ends, which measures the
server's capacity rather than what people see. Goal: p95 server time per run under load <= 3 x
the single session's p95, and no errors. Prints PASS/MISS; exits 0.

    python bench/load.py [--sessions 50] [--think 4] [--walks 1] [--servers 1] [--app dashboard.py]

With `--servers N`, N servers of the app run side by side and session i talks to server i mod N
throughout, as behind a proxy with sticky sessions (docs/serving.md); the single session runs on
the first.

`run_load(sessions, ...)` returns a `LoadResult` (used by tests/test_load_protocol.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h
import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

GOAL_RATIO = 3.0
FIRST_QUERY = "pair=IRN-IRQ"
RUN_TIMEOUT_S = 120.0  # one script run, queueing included
MAX_OPTIONS = 3  # options tried per select box, multiselect or segmented control
MAX_CHANGES_PER_PAGE = 40  # a page whose widgets keep changing ids cannot loop forever
SAMPLE_ARTICLE = "Trade between Iran and Iraq reached $12 billion last year, the minister said."
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


# --- the page as the frontend sees it ------------------------------------------------------------
@dataclass(frozen=True)
class AppPage:
    title: str
    url_pathname: str
    script_hash: str


@dataclass(frozen=True)
class Widget:
    id: str
    kind: str  # the element's type: selectbox, slider, checkbox, ...
    label: str
    proto: Any

    def changes(self) -> list[tuple[str, WidgetState]]:
        """(what, state) for each value this walk sets, in order, ending where it began when the
        starting value is known."""
        p, kind = self.proto, self.kind
        out: list[tuple[str, WidgetState]] = []

        def state(**value: Any) -> WidgetState:
            ws = WidgetState(id=self.id)
            for name, v in value.items():
                if name.endswith("_array_value"):
                    getattr(ws, name).data[:] = v
                else:
                    setattr(ws, name, v)
            return ws

        if kind in ("selectbox", "radio"):
            current = p.raw_value if p.set_value and p.HasField("raw_value") else None
            if current is None and p.HasField("default") and 0 <= p.default < len(p.options):
                current = p.options[p.default]
            others = [o for o in p.options if o != current][:MAX_OPTIONS]
            out += [(o, state(string_value=o)) for o in others]
            if current is not None and others:
                out.append((current, state(string_value=current)))
        elif kind == "button_group":
            options = [o.content for o in p.options]
            current = [options[i] for i in p.default if 0 <= i < len(options)]
            others = [o for o in options if [o] != current][:MAX_OPTIONS]
            out += [(o, state(string_array_value=[o])) for o in others]
            if others:
                out.append(("/".join(current) or "none", state(string_array_value=current)))
        elif kind == "multiselect":
            if p.options:
                out += [
                    (p.options[0], state(string_array_value=[p.options[0]])),
                    ("none", state(string_array_value=[])),
                ]
        elif kind == "slider" and p.type == p.Type.SLIDER and len(p.default) == 1:
            now = p.value[0] if p.set_value and p.value else p.default[0]
            for v in (p.max, p.min, now):
                out.append((f"{v:g}", state(double_array_value=[v])))
        elif kind == "number_input":
            now = p.value if p.set_value and p.HasField("value") else p.default
            step = p.step or 1
            up = now + step if not p.has_max or now + step <= p.max else now - step
            out += [(f"{up:g}", state(double_value=up)), (f"{now:g}", state(double_value=now))]
        elif kind == "checkbox":
            now = p.value if p.set_value else p.default
            out += [(str(not now), state(bool_value=not now)), (str(now), state(bool_value=now))]
        elif kind in ("text_area", "text_input"):
            out += [("an article", state(string_value=SAMPLE_ARTICLE)), ("empty", state(string_value=""))]
        elif kind == "button" and not p.is_form_submitter:
            out.append(("click", state(trigger_value=True)))
        return out


WIDGET_KINDS = {"selectbox", "radio", "button_group", "multiselect", "slider", "number_input", "checkbox",
                "text_area", "text_input", "button"}  # fmt: skip


def widgets_of(elements: dict[tuple[int, ...], Any]) -> list[Widget]:
    """The widgets of a page, in the order they are on it (delta path order), enabled ones only."""
    found = []
    for path in sorted(elements):
        element = elements[path]
        kind = element.WhichOneof("type")
        if kind not in WIDGET_KINDS:
            continue
        proto = getattr(element, kind)
        if getattr(proto, "disabled", False) or not getattr(proto, "id", ""):
            continue
        found.append(Widget(proto.id, kind, getattr(proto, "label", ""), proto))
    return found


# --- one session ------------------------------------------------------------------------------------
class Session:
    """One websocket connection, driven as the frontend drives it."""

    def __init__(self, base_url: str, name: str):
        self.base_url, self.name = base_url, name
        self.ws: Any = None
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash, as the frontend keeps them
        self.query = ""
        self.page_hash = ""
        self.pages: list[AppPage] = []
        self.elements: dict[tuple[int, ...], Any] = {}
        self.errors: list[str] = []

    async def connect(self) -> None:
        await asyncio.to_thread(self._http, "/_stcore/health")
        await asyncio.to_thread(self._http, "/_stcore/host-config")
        url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None
        )

    def _http(self, path: str) -> None:
        with urllib.request.urlopen(self.base_url + path, timeout=60) as answer:
            answer.read()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def open(self, page: AppPage | None, query: str) -> float:
        """Go to a page as a link does: that page, that query, no widget state."""
        self.query = query
        return await self.rerun(WidgetStates(), page_hash=page.script_hash if page else "",
                                page_name=page.url_pathname if page else "")  # fmt: skip

    async def rerun(self, widgets: WidgetStates, page_hash: str | None = None, page_name: str = "") -> float:
        """One script run; returns its server time in ms. Problems go to `self.errors`."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        state.page_name = page_name
        state.widget_states.CopyFrom(widgets)
        state.cached_message_hashes.extend(self.cache)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), RUN_TIMEOUT_S)
        return (time.perf_counter() - started) * 1000

    async def _until_finished(self) -> None:
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(msg.ref_hash)
                if cached is None:
                    self.errors.append(f"{self.name}: the server referred to a message this client never had")
                    continue
                resolved = ForwardMsg()
                resolved.CopyFrom(cached)
                resolved.metadata.CopyFrom(msg.metadata)
                msg, kind = resolved, resolved.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
            if kind == "new_session":  # a run starts: the page is what this run sends
                self.elements = {}
                self.page_hash = msg.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = [AppPage(p.page_name, p.url_pathname, p.page_script_hash)
                              for p in msg.navigation.app_pages if not p.is_hidden]  # fmt: skip
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "page_not_found":
                self.errors.append(f"{self.name}: page not found ({msg.page_not_found.page_name!r})")
            elif kind == "delta":
                self._delta(msg)
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                self.errors.append(
                    f"{self.name}: compile error {msg.session_event.script_compilation_exception.message}"
                )
            elif kind == "script_finished" and msg.script_finished in FINISHED:
                if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.errors.append(f"{self.name}: the script did not compile")
                return

    def _delta(self, msg: ForwardMsg) -> None:
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        self.elements[path] = element
        kind = element.WhichOneof("type")
        if kind == "exception":
            e = element.exception
            self.errors.append(f"{self.name}: exception {e.type}: {e.message}"[:300])
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self.errors.append(f"{self.name}: error shown: {element.alert.body}"[:300])

    def widget_states(self, chosen: dict[str, WidgetState]) -> WidgetStates:
        """What the frontend sends: the values set so far, for the widgets on the page now."""
        on_page = {w.id for w in widgets_of(self.elements)}
        return WidgetStates(widgets=[s for wid, s in chosen.items() if wid in on_page])


# --- the walk ---------------------------------------------------------------------------------------
@dataclass
class Timings:
    runs: dict[str, list[float]] = field(default_factory=dict)  # step kind -> ms
    errors: list[str] = field(default_factory=list)
    planned_pages: int = 0
    finished_walks: int = 0

    def add(self, step: str, ms: float) -> None:
        self.runs.setdefault(step, []).append(ms)

    @property
    def all_ms(self) -> list[float]:
        return [ms for v in self.runs.values() for ms in v]


async def _think(mean_s: float, rng: random.Random) -> None:
    if mean_s > 0:
        await asyncio.sleep(rng.uniform(0.5, 1.5) * mean_s)


async def walk(session: Session, out: Timings, think_s: float, rng: random.Random, walks: int = 1) -> None:
    """Every page, and on each every widget change; runs are timed into `out`."""
    for _ in range(walks):
        if not session.pages:
            out.add("open /", await session.open(None, FIRST_QUERY))
        for page in list(session.pages):
            await _think(think_s, rng)
            out.add(f"open /{page.url_pathname}", await session.open(page, FIRST_QUERY))
            chosen: dict[str, WidgetState] = {}
            visited: set[str] = set()
            changes = 0
            while changes < MAX_CHANGES_PER_PAGE:
                todo = [w for w in widgets_of(session.elements) if w.id not in visited]
                if not todo:
                    break
                widget = todo[0]
                visited.add(widget.id)
                for _what, state in widget.changes():
                    if widget.id not in {w.id for w in widgets_of(session.elements)}:
                        break  # the change before made it go (e.g. presentation mode hides the sidebar)
                    chosen[widget.id] = state
                    await _think(think_s, rng)
                    ms = await session.rerun(session.widget_states(chosen))
                    out.add(f"/{page.url_pathname} {widget.kind} “{widget.label[:28]}”", ms)
                    if state.WhichOneof("value") == "trigger_value":
                        del chosen[widget.id]  # a click counts once
                    changes += 1
        out.finished_walks += 1


async def _one(
    base_url: str, name: str, out: Timings, think_s: float, seed: int, walks: int,
    done: asyncio.Event | None = None, arrived: Callable[[], None] | None = None,
) -> None:  # fmt: skip
    """Connect, walk, and (under load) stay connected until every session has walked."""
    session = Session(base_url, name)
    rng = random.Random(seed)
    try:
        await session.connect()
        await walk(session, out, think_s, rng, walks)
    except TimeoutError:
        out.errors.append(f"{name}: a run did not finish within {RUN_TIMEOUT_S:.0f} s")
    except (websockets.ConnectionClosed, OSError) as failure:
        out.errors.append(f"{name}: connection lost: {type(failure).__name__}: {failure}"[:300])
    finally:
        out.errors.extend(session.errors)
        if arrived is not None:
            arrived()
        if done is not None:
            await done.wait()
        await session.close()


@dataclass
class LoadResult:
    sessions: int
    think_s: float
    single: Timings
    load: Timings
    wall_s: float
    rss_before_mb: float
    rss_after_mb: float
    peak_rss_mb: float
    cpu: str = ""
    single_cpu: str = ""
    machine_load: str = ""
    server_errors: list[str] = field(default_factory=list)
    servers: int = 1
    workers_mb: float = 0.0  # RSS of the servers' children (extraction workers) with every session on

    @property
    def errors(self) -> list[str]:
        return self.load.errors + self.single.errors + self.server_errors

    @property
    def runs(self) -> int:
        return len(self.load.all_ms)

    @property
    def single_p95_ms(self) -> float:
        return h.percentile(self.single.all_ms, 95)

    @property
    def p95_ms(self) -> float:
        return h.percentile(self.load.all_ms, 95)

    @property
    def ratio(self) -> float:
        return self.p95_ms / self.single_p95_ms if self.single_p95_ms else float("inf")

    @property
    def mb_per_session(self) -> float:
        return (self.rss_after_mb - self.rss_before_mb) / self.sessions if self.sessions else 0.0

    @property
    def complete(self) -> bool:
        """Every session walked to the end, and walked what the single session walked."""
        return self.load.finished_walks == self.sessions and self.runs == self.sessions * len(
            self.single.all_ms
        )

    @property
    def ok(self) -> bool:
        return not self.errors and self.complete and self.ratio <= GOAL_RATIO


async def _measure(servers: Sequence[h.Server], sessions: int, think_s: float, walks: int, seed: int,
                   log: Callable[[str], None]) -> LoadResult:  # fmt: skip
    for server in servers:
        warm = Timings()
        await _one(server.url, "warm-up", warm, 0.0, seed, 1)
        log(f"warm-up walk on :{server.port}: {len(warm.all_ms)} runs, {len(warm.errors)} errors")
    pids = [s.proc.pid for s in servers if s.proc is not None]
    rss_before = sum(map(h.process_rss_mb, pids))
    single = Timings()
    cpu = h.CpuMeter(*pids).start()
    await _one(servers[0].url, "single", single, 0.0, seed, walks)
    single_cpu = f"{cpu.stop()}; server {cpu.server / max(1, len(single.all_ms)) * 1e3:.0f} ms CPU/run"
    log(f"single session: {len(single.all_ms)} runs, p50 {h.percentile(single.all_ms, 50):.0f} ms, "
        f"p95 {h.percentile(single.all_ms, 95):.0f} ms")  # fmt: skip

    load = Timings()
    done = asyncio.Event()
    arrived = 0
    rss_after = workers_mb = 0.0

    def one_arrived() -> None:
        nonlocal arrived, rss_after, workers_mb
        arrived += 1
        if arrived == sessions:  # all have walked and are still connected: their state is held now
            rss_after = sum(map(h.process_rss_mb, pids))
            workers_mb = sum(s.rss_mb for s in servers) - rss_after
            done.set()

    cpu = h.CpuMeter(*pids).start()
    started, client_cpu = time.monotonic(), time.process_time()
    # Session i on server i mod N: what a sticky proxy does, every session on one server throughout.
    await asyncio.gather(*[
        _one(servers[i % len(servers)].url, f"s{i:02d}", load, think_s, seed + 1 + i, walks, done, one_arrived)
        for i in range(sessions)
    ])  # fmt: skip
    wall, client_cpu = time.monotonic() - started, time.process_time() - client_cpu
    load_cpu = (f"{cpu.stop()}; server {cpu.server / max(1, len(load.all_ms)) * 1e3:.0f} ms CPU/run; "
                f"of everything else, this load generator {client_cpu:.1f} s")  # fmt: skip
    return LoadResult(sessions, think_s, single, load, wall, rss_before, rss_after,
                      sum(s.peak_rss_mb for s in servers), cpu=load_cpu, single_cpu=single_cpu,
                      servers=len(servers), workers_mb=workers_mb)  # fmt: skip


def _server_errors(log_text: str) -> list[str]:
    tracebacks = re.findall(r"Traceback \(most recent call last\):\n(?:[ \t].*\n)*.*", log_text)
    errors = []
    for last in sorted({tb.splitlines()[-1] for tb in tracebacks}):
        n = sum(tb.splitlines()[-1] == last for tb in tracebacks)
        errors.append(f"server log, {n} traceback(s) ending: {last[:300]}")
    if tracebacks:
        kept = Path(tempfile.gettempdir()) / f"bench-load-server-{int(time.time())}.log"
        kept.write_text(log_text)
        errors.append(f"server log kept at {kept}")
    return errors


def run_load(
    sessions: int, app: str = "dashboard.py", think_s: float = 4.0, walks: int = 1, seed: int = 1,
    *, servers: int = 1, verbose: bool = False,
) -> LoadResult:  # fmt: skip
    """Start `servers` servers for `app`, walk once on each to warm it, once alone, then with
    `sessions` at once spread over the servers."""

    def log(msg: str) -> None:
        if verbose:
            print(msg, flush=True)

    activity = h.Activity()
    activity.start()
    with contextlib.ExitStack() as stack:
        running = [stack.enter_context(h.Server(app)) for _ in range(servers)]
        for server in running:
            log(f"server :{server.port} up in {server.startup_s:.1f} s, {server.rss_mb:.0f} MB")
        result = h.run_async(_measure(running, sessions, think_s, walks, seed, log))
        server_log = "\n".join(server.log() for server in running)
    result.machine_load = activity.stop()
    result.server_errors = _server_errors(server_log)
    return result


# --- the command -------------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=50, help="concurrent sessions (default 50)")
    ap.add_argument("--think", type=float, default=4.0,
                    help="mean seconds a session waits between two actions (default 4; 0: none)")  # fmt: skip
    ap.add_argument("--walks", type=int, default=1, help="walks per session (default 1)")
    ap.add_argument("--app", default="dashboard.py", help="app to serve (default dashboard.py)")
    ap.add_argument("--servers", type=int, default=1,
                    help="servers, each session on one of them as behind a sticky proxy (default 1)")  # fmt: skip
    ap.add_argument("--seed", type=int, default=1, help="seed of the think times (default 1)")
    return ap.parse_args(argv)


def report(r: LoadResult) -> None:
    print()
    print(f"{'step':<58}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'alone ms':>10}")
    for step, v in r.load.runs.items():
        alone = r.single.runs.get(step, [])
        print(f"{step[:57]:<58}{len(v):>5}{h.percentile(v, 50):>9.0f}{h.percentile(v, 95):>9.0f}"
              f"{max(v):>9.0f}{h.percentile(alone, 50):>10.0f}")  # fmt: skip
    s, x = r.single.all_ms, r.load.all_ms
    print()
    print(f"script runs           {len(x)} in {r.wall_s:.1f} s ({len(x) / r.wall_s:.1f}/s), "
          f"{r.load.finished_walks} of {r.sessions} walks finished; {len(s)} runs per walk")  # fmt: skip
    print(
        f"server time per run   one session alone: p50 {h.percentile(s, 50):.0f} ms, p95 {h.percentile(s, 95):.0f} ms"
    )
    print(f"                      {r.sessions} sessions:       p50 {h.percentile(x, 50):.0f} ms, "
          f"p95 {h.percentile(x, 95):.0f} ms, max {max(x, default=float('nan')):.0f} ms")  # fmt: skip
    print(
        f"server memory         {r.servers} server process(es): {r.rss_before_mb:.0f} MB after warm-up, "
        f"{r.rss_after_mb:.0f} MB with {r.sessions} sessions connected: {r.mb_per_session:.2f} MB per session"
    )
    print(f"                      extraction workers {r.workers_mb:.0f} MB; peak of servers and workers "
          f"{r.peak_rss_mb:.0f} MB")  # fmt: skip
    print(f"single session        {r.single_cpu}")
    print(f"under load            {r.cpu}")
    print(f"machine meanwhile     {r.machine_load}")
    print(f"errors                {len(r.errors)}")
    for e in r.errors[:15]:
        print("  " + " ".join(e.split())[:300])
    print(
        f"p95 under load / p95 alone = {r.ratio:.2f} (goal <= {GOAL_RATIO:.0f}): {h.verdict(r.ratio <= GOAL_RATIO)}"
    )
    print(f"no errors, every run finished: {h.verdict(not r.errors and r.complete)}")
    print(f"load goal: {h.verdict(r.ok)}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"Load benchmark (websocket protocol): {args.sessions} sessions x {args.walks} walk(s), "
          f"think time {args.think:g} s (mean), {args.servers} server(s) of {args.app}")  # fmt: skip
    print(f"machine   {h.machine()}")
    r = run_load(
        args.sessions, args.app, args.think, args.walks, args.seed, servers=args.servers, verbose=True
    )
    report(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
