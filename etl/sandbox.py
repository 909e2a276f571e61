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
  ignores gentler signals) and a new one is started for the next text; the kernel also caps each
  text's CPU time (RLIMIT_CPU), so a worker cannot outlive a server that died mid-text;
- a worker that dies (a crash, or its memory cap `MEMORY_LIMIT_MB` reached) is reported in words
  and replaced;
- texts go to the worker and claims come back as JSON: plain data, never objects to unpickle.

A worker is `python -m etl.sandbox`, a fresh interpreter that imports the rules and nothing of the
app (multiprocessing would re-import the server's `__main__`, which under Streamlit is the page
script, in every worker). It talks over two pipes of its own, framed by
`multiprocessing.connection.Connection` (POSIX: Linux and macOS, where the app is served).

Tests swap the extractor for a deliberately slow one: `Pool(extractor="module:function")`, or the
environment variable `TRADE_TEST_EXTRACTOR` for the server's shared pool. Nothing else reads it.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

TIME_LIMIT_S = 5.0  # a news article takes milliseconds; seconds mean the text is not one
WAIT_FOR_WORKER_S = 12.0  # how long a request queues for a free worker before "busy"
START_TIMEOUT_S = 60.0  # a worker's start, on a machine that may be busy
POOL_SIZE = 2  # workers shared by every session of one server
MEMORY_LIMIT_MB = 1024  # address space a worker may use; a text that needs more is refused
MAX_ANSWER_BYTES = 64_000_000  # the claims of one text, as JSON
EXTRACTOR = "etl.extract:extract"
EXTRACTOR_ENV = "TRADE_TEST_EXTRACTOR"  # tests only: "module:function" used instead of EXTRACTOR
_WARM_UP = "Trade between Iran and Iraq reached $12 billion last year, the minister said."
_READY = b"ready"

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


# --- the worker process: python -m etl.sandbox IN_FD OUT_FD EXTRACTOR MEMORY_MB ---------------------
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


def _limit_cpu(seconds: float) -> None:
    """Let the kernel end this process (SIGXCPU) once this text has used `seconds` more CPU. The
    server kills an overrunning worker sooner; this holds when the server is gone."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(usage.ru_utime + usage.ru_stime + seconds) + 1
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(
            resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard)
        )


def serve(inbox: Connection, outbox: Connection, extractor: str, memory_mb: int) -> None:
    """The worker's loop: one request {id, text, limit_s} in, {ok: rows} or {failed: why} out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the server's terminal: the server decides
    extract = _load(extractor)
    extract("warm-up", _WARM_UP)  # compiles the patterns before the first timed text
    _limit_memory(memory_mb)
    outbox.send_bytes(_READY)
    while True:
        try:
            request = json.loads(inbox.recv_bytes())
        except EOFError:  # the server has gone: so does its worker
            return
        _limit_cpu(float(request["limit_s"]) + 5)
        try:
            answer = {"ok": [claim.row() for claim in extract(request["id"], request["text"]).claims]}
        except MemoryError:
            answer = {"failed": f"it needed more than {memory_mb} MB"}
        except Exception as failure:  # a bug in a rule: reported in words, the worker lives on
            answer = {"failed": f"{type(failure).__name__}: {failure}"[:300]}
        outbox.send_bytes(json.dumps(answer).encode())


def _main(argv: list[str]) -> None:
    inbox, outbox = Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False)
    serve(inbox, outbox, argv[2], int(argv[3]))


# --- the server side ------------------------------------------------------------------------------
class _Worker:
    """One worker process and the two pipes to it."""

    def __init__(self, extractor: str, memory_mb: int):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # The worker imports what this process imports (the project, and in tests their helpers).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "etl.sandbox", str(to_child_r), str(from_child_w), extractor,
                 str(memory_mb)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, env=env,
            )  # fmt: skip
        except BaseException:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)
        try:
            if not self.inbox.poll(START_TIMEOUT_S):
                raise WorkerCrashed(f"the worker did not start within {START_TIMEOUT_S:g} s")
            if self.inbox.recv_bytes(64) != _READY:
                raise WorkerCrashed("the worker started wrongly")
        except (EOFError, OSError):
            self.kill()
            raise WorkerCrashed(
                f"the worker failed to start, {_exit_reason(self.process.returncode)}"
            ) from None
        except WorkerCrashed:
            self.kill()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.inbox.closed

    def kill(self) -> None:
        """SIGKILL and reap: a worker stuck in a regex does not see gentler signals."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for end in (self.inbox, self.outbox):
            with contextlib.suppress(OSError):
                end.close()

    def extract(self, article_id: str, text: str, limit_s: float) -> Rows:
        self.outbox.send_bytes(json.dumps({"id": article_id, "text": text, "limit_s": limit_s}).encode())
        if not self.inbox.poll(limit_s):
            self.kill()
            raise TooSlow(limit_s)
        try:
            answer = json.loads(self.inbox.recv_bytes(MAX_ANSWER_BYTES))
        except (EOFError, OSError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
            code = self.process.returncode
            self.kill()
            raise WorkerCrashed(_exit_reason(code)) from None
        if "ok" not in answer:
            raise ExtractionFailed(str(answer.get("failed", "no answer")))
        return answer["ok"]


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
        self.pids.append(worker.pid)
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


if __name__ == "__main__":
    _main(sys.argv[1:])
