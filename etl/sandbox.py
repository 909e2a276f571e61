"""Extraction with a budget: text from outside (pasted or uploaded in the app) is read in a worker
process with a hard time limit, so no text can stall the server that serves everyone else.

The app's server runs every session's script in a thread of one process. Extraction is regex work
in C that holds the interpreter lock for as long as one pattern runs, so a pathological text
extracted in the server would stop every session and the health check with it. Here a small pool
of worker processes, shared by every session in the server, does the work instead:

- at most `POOL_SIZE` workers, started on first use and kept for the next text, so fifty people
  pasting at once cannot start fifty processes; a request waits at most `WAIT_FOR_WORKER_S` for
  a free worker and is then told the reader is busy;
- a worker that has not answered after `TIME_LIMIT_S` is killed (SIGKILL: a pattern running in C
  ignores gentler signals) and a new one is started for the next text;
- a worker that dies (a crash, or the memory cap of `MEMORY_LIMIT_MB` reached) is reported in
  words and replaced;
- results come back as plain data: the claims' rows as dictionaries, never objects to trust.

Workers are forked from a fork server that has already imported the rules, so replacing a killed
worker takes milliseconds, not the second a fresh interpreter needs.

Tests can swap the extractor for a deliberately slow one: `Pool(extractor="module:function")`,
or the environment variable `TRADE_TEST_EXTRACTOR` for the app's shared pool. Nothing else reads it.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

TIME_LIMIT_S = 5.0  # a news article takes milliseconds; seconds mean the text is not one
WAIT_FOR_WORKER_S = 12.0  # how long a request queues for a free worker before "busy"
START_TIMEOUT_S = 60.0  # a worker's start, on a machine that may be busy
POOL_SIZE = 2  # workers shared by every session of one server
MEMORY_LIMIT_MB = 1024  # address space a worker may use; a text that needs more is refused
EXTRACTOR = "etl.extract:extract"
EXTRACTOR_ENV = "TRADE_TEST_EXTRACTOR"  # tests only: "module:function" used instead of EXTRACTOR
_WARM_UP = "Trade between Iran and Iraq reached $12 billion last year, the minister said."
_READY = "ready"

Rows = list[dict[str, Any]]


class TrialError(Exception):
    """The text could not be read within the budget; str() is a sentence for the reader."""


class TooSlow(TrialError):
    def __init__(self, limit_s: float):
        super().__init__(
            f"This text took longer than {limit_s:g} s to read and was stopped; it is probably not a news "
            "article, or far too dense to read as one (thousands of figures or a very long sentence). "
            "Nothing was extracted."
        )


class WorkerCrashed(TrialError):
    def __init__(self, how: str):
        super().__init__(
            f"The article reader stopped unexpectedly on this text ({how}); nothing was extracted. "
            "Other texts still work; if this one is a real news article, please report it."
        )


class Busy(TrialError):
    def __init__(self, waited_s: float):
        super().__init__(
            f"The article reader is busy with other people's texts (waited {waited_s:g} s); "
            "try again in a moment."
        )


class ExtractionFailed(TrialError):
    def __init__(self, what: str):
        super().__init__(f"The rules failed on this text ({what}); nothing was extracted.")


# --- the worker process ---------------------------------------------------------------------------
def _load(spec: str) -> Callable[[str, str], Any]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time limit still holds
        return
    cap = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(
            resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard)
        )


def _serve(conn: Connection, extractor: str, memory_mb: int) -> None:
    """The worker's loop: one (article_id, text) in, ("ok", rows) or ("failed", why) out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the server's terminal: the server decides
    extract = _load(extractor)
    extract("warm-up", _WARM_UP)  # compiles the patterns before the first timed text
    _limit_memory(memory_mb)
    conn.send(_READY)
    while True:
        try:
            article_id, text = conn.recv()
        except EOFError:  # the server has gone: so does its worker
            return
        try:
            rows = [claim.row() for claim in extract(article_id, text).claims]
        except MemoryError:
            conn.send(("failed", f"it needed more than {memory_mb} MB"))
        except Exception as failure:  # a bug in a rule: reported in words, the worker lives on
            conn.send(("failed", f"{type(failure).__name__}: {failure}"[:300]))
        else:
            conn.send(("ok", rows))


# --- the server side ------------------------------------------------------------------------------
def _context() -> multiprocessing.context.BaseContext:
    """Fork server where there is one (Linux, macOS): it imports the rules once and forks workers
    from that clean, single-threaded process; spawn elsewhere. Never plain fork: the server has
    threads."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "etl.sandbox", "etl.extract"])
    return ctx


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, extractor: str, memory_mb: int):
        ctx = _context()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(child, extractor, memory_mb), name="trial-extract", daemon=True
        )
        self.process.start()
        child.close()
        try:
            if not self.conn.poll(START_TIMEOUT_S):
                raise WorkerCrashed(f"the worker did not start within {START_TIMEOUT_S:g} s")
            if self.conn.recv() != _READY:
                raise WorkerCrashed("the worker started wrongly")
        except (EOFError, OSError):
            self.kill()
            raise WorkerCrashed(f"the worker failed to start, exit code {self.process.exitcode}") from None
        except WorkerCrashed:
            self.kill()
            raise

    @property
    def alive(self) -> bool:
        return self.process.is_alive() and not self.conn.closed

    def kill(self) -> None:
        """SIGKILL and reap: a worker stuck in a regex does not see gentler signals."""
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def extract(self, article_id: str, text: str, limit_s: float) -> Rows:
        self.conn.send((article_id, text))
        if not self.conn.poll(limit_s):
            self.kill()
            raise TooSlow(limit_s)
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(5)
            code = self.process.exitcode
            self.kill()
            raise WorkerCrashed(_exit_reason(code)) from None
        if status != "ok":
            raise ExtractionFailed(str(payload))
        return payload


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"the worker was ended by {signal.Signals(-code).name}"
        except ValueError:
            return f"the worker was ended by signal {-code}"
    return f"the worker exited with code {code}"


class Pool:
    """At most `size` worker processes shared by every caller; thread-safe."""

    def __init__(
        self, size: int = POOL_SIZE, extractor: str | None = None, memory_mb: int = MEMORY_LIMIT_MB
    ) -> None:
        self.extractor = extractor or EXTRACTOR
        self.memory_mb = memory_mb
        self._slots: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self._slots.put(None)  # started on first use
        self.pids: list[int] = []  # every worker started, in order (kills are replaced by new ones)

    def extract(
        self,
        article_id: str,
        text: str,
        time_limit_s: float = TIME_LIMIT_S,
        wait_s: float = WAIT_FOR_WORKER_S,
    ) -> Rows:
        """The claims' rows of `text`, or a TrialError saying in words why there are none."""
        try:
            worker = self._slots.get(timeout=wait_s)
        except queue.Empty:
            raise Busy(wait_s) from None
        try:
            if worker is None or not worker.alive:
                worker = None
                worker = self._start()
            try:
                return worker.extract(article_id, text, time_limit_s)
            except (BrokenPipeError, ConnectionError):  # it died while idle: one retry on a new one
                worker.kill()
                worker = None
                worker = self._start()
                return worker.extract(article_id, text, time_limit_s)
        finally:
            self._slots.put(worker if worker is not None and worker.alive else None)

    def _start(self) -> _Worker:
        worker = _Worker(self.extractor, self.memory_mb)
        self.pids.append(worker.process.pid or 0)
        return worker

    def close(self) -> None:
        """Kill the idle workers; their slots start new ones when next needed (busy workers are
        killed when they overrun, or kept when they return)."""
        idle = []
        while True:
            try:
                idle.append(self._slots.get_nowait())
            except queue.Empty:
                break
        for worker in idle:
            if worker is not None:
                worker.kill()
            self._slots.put(None)


_shared: Pool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> Pool:
    """The one pool of this server process, used by every session."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Pool(extractor=os.environ.get(EXTRACTOR_ENV) or None)
        return _shared


def extract_claims(article_id: str, text: str, time_limit_s: float | None = None) -> Rows:
    """Extract in the shared pool, within `time_limit_s` (default `TIME_LIMIT_S`): rows as
    `etl.extract.Claim.row()` gives them, or a TrialError."""
    return shared_pool().extract(article_id, text, TIME_LIMIT_S if time_limit_s is None else time_limit_s)
