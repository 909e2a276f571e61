"""Deliberately bad extractors for the tests of etl/sandbox.py: each is plugged in as
`Pool(extractor="slow_extractors:NAME")`, or for a whole app server through the environment
variable TRADE_TEST_EXTRACTOR, so the time limit is proven whatever the real rules do.

A text containing a marker word misbehaves; any other text goes to the real `etl.extract.extract`,
so the same server also shows that ordinary articles keep working.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from etl.extract import Extraction, extract

SPIN = "SPIN-FOREVER"  # a regex that backtracks for hours, holding the interpreter lock in C
CRASH = "CRASH-NOW"  # the worker process dies at once, as a segfault would end it
HOG = "EAT-MEMORY"  # allocates far beyond any worker's memory cap
RAISE = "RAISE-BUG"  # a rule raises an exception
PIDFILE_ENV = "SLOW_EXTRACTOR_PIDFILE"  # where each call writes the id of the process doing the work

_CATASTROPHIC = re.compile(r"(a+)+$")


def _note_pid() -> None:
    target = os.environ.get(PIDFILE_ENV)
    if target:
        Path(target).write_text(str(os.getpid()), encoding="utf-8")


def misbehaving(article_id: str, text: str) -> Extraction:
    """The real extractor, except on a text containing one of the markers above."""
    if SPIN in text:
        _note_pid()
        _CATASTROPHIC.match("a" * 64 + "!")  # 2**64 steps: never returns
    if CRASH in text:
        os.abort()
    if HOG in text:
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(1024)]  # 64 GB
        return extract(article_id, str(len(hoard)))
    if RAISE in text:
        raise ValueError("a rule tripped over this text")
    return extract(article_id, text)
