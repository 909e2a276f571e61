"""etl/sandbox.py: extraction in worker processes with a time limit.

Each misbehaviour comes from tests/slow_extractors.py, plugged into a pool of its own: a regex that
never ends (holding the interpreter lock in C), a crash, a memory hog, a rule that raises. The
limits here are short so the tests are quick; the assertions on time are loose bounds that only
a limit that does not fire would break.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import slow_extractors

from etl import sandbox
from etl.extract import extract

CLAIM = "Trade between Iran and Iraq reached $12 billion last year, the minister said."
LIMIT_S = 1.0


@pytest.fixture
def pool() -> Iterator[sandbox.Pool]:
    pool = sandbox.Pool(size=1, extractor="slow_extractors:misbehaving", memory_mb=512)
    yield pool
    pool.close()


def gone(pid: int) -> bool:
    """The process has ended (a zombie not yet reaped counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except (OSError, IndexError):
        return True
    return state in "ZX"


def test_rows_are_the_claims_the_rules_give() -> None:
    pool = sandbox.Pool(size=1)
    try:
        rows = pool.extract("a1", CLAIM)
    finally:
        pool.close()
    assert rows == [c.row() for c in extract("a1", CLAIM).claims]
    assert rows and all(type(r) is dict for r in rows)
    assert pool.pids and pool.pids[0] != os.getpid()


def test_a_text_that_runs_forever_is_stopped_at_the_limit_and_its_worker_killed(pool: sandbox.Pool) -> None:
    pool.extract("warm", CLAIM)  # the worker's start is not part of the limit
    spinner = pool.pids[-1]
    started = time.monotonic()
    with pytest.raises(sandbox.TooSlow, match=f"took longer than {LIMIT_S:g} s"):
        pool.extract("spin", slow_extractors.SPIN, time_limit_s=LIMIT_S)
    took = time.monotonic() - started
    assert LIMIT_S <= took < LIMIT_S + 10, took
    assert spinner != os.getpid()
    assert gone(spinner), "the overrunning worker is killed, not left running"
    # The next text is read by a new worker.
    assert pool.extract("after", CLAIM)[0]["value"] == 12e9
    assert pool.pids[-1] != spinner


def test_a_crash_is_reported_in_words_and_the_worker_replaced(pool: sandbox.Pool) -> None:
    with pytest.raises(sandbox.WorkerCrashed, match="SIGABRT"):
        pool.extract("crash", slow_extractors.CRASH)
    assert len(pool.extract("after", CLAIM)) == 1
    assert len(pool.pids) == 2


def test_a_text_that_needs_too_much_memory_is_refused(pool: sandbox.Pool) -> None:
    with pytest.raises(sandbox.ExtractionFailed, match="more than 512 MB"):
        pool.extract("hog", slow_extractors.HOG, time_limit_s=30)
    assert len(pool.extract("after", CLAIM)) == 1


def test_a_rule_that_raises_is_reported_and_the_worker_kept(pool: sandbox.Pool) -> None:
    with pytest.raises(sandbox.ExtractionFailed, match="ValueError: a rule tripped"):
        pool.extract("bug", slow_extractors.RAISE)
    assert len(pool.extract("after", CLAIM)) == 1
    assert len(pool.pids) == 1, "an exception in a rule does not cost a worker"


def test_a_worker_that_died_while_idle_is_replaced(pool: sandbox.Pool) -> None:
    pool.extract("first", CLAIM)
    os.kill(pool.pids[0], 9)
    deadline = time.monotonic() + 10
    while not gone(pool.pids[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(pool.extract("second", CLAIM)) == 1
    assert len(pool.pids) == 2


def test_many_callers_share_at_most_size_workers() -> None:
    pool = sandbox.Pool(size=2)
    results: list[int] = []
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            results.append(len(pool.extract(f"t{i}", CLAIM, wait_s=60)))
        except BaseException as failure:
            errors.append(failure)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(12)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    finally:
        pool.close()
    assert errors == [] and results == [1] * 12
    assert 1 <= len(pool.pids) <= 2


def test_a_caller_that_cannot_get_a_worker_in_time_is_told_it_is_busy(pool: sandbox.Pool) -> None:
    pool.extract("warm", CLAIM)
    outcome: list[str] = []

    def spin() -> None:
        try:
            pool.extract("spin", slow_extractors.SPIN, time_limit_s=3.0)
        except sandbox.TrialError as stopped:
            outcome.append(type(stopped).__name__)

    spinner = threading.Thread(target=spin)
    spinner.start()
    time.sleep(0.5)
    try:
        with pytest.raises(sandbox.Busy, match="busy with other people's texts"):
            pool.extract("waiting", CLAIM, wait_s=0.2)
    finally:
        spinner.join(30)
    assert outcome == ["TooSlow"]
    assert len(pool.extract("after", CLAIM)) == 1


def test_the_shared_pool_takes_the_test_extractor_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sandbox, "_shared", None)
    monkeypatch.setenv(sandbox.EXTRACTOR_ENV, "slow_extractors:misbehaving")
    try:
        with pytest.raises(sandbox.ExtractionFailed, match="a rule tripped"):
            sandbox.extract_claims("bug", slow_extractors.RAISE)
    finally:
        sandbox.shared_pool().close()
    monkeypatch.setattr(sandbox, "_shared", None)
    monkeypatch.delenv(sandbox.EXTRACTOR_ENV)
    try:
        assert sandbox.shared_pool().extractor == sandbox.EXTRACTOR
    finally:
        sandbox.shared_pool().close()


def test_the_kernel_ends_a_worker_that_outruns_its_cpu_budget() -> None:
    """The guard for a worker whose server died mid-text: RLIMIT_CPU, enforced by the kernel even
    while a regex holds the interpreter lock."""
    import signal
    import subprocess
    import sys

    spin = "from etl.sandbox import _limit_cpu; _limit_cpu(1); import re; re.match(r'(a+)+$', 'a' * 64 + '!')"
    started = time.monotonic()
    ended = subprocess.run([sys.executable, "-c", spin], timeout=60, check=False)
    assert ended.returncode in (-signal.SIGXCPU, -signal.SIGKILL), ended.returncode
    assert time.monotonic() - started < 30
