"""ETL throughput: the whole `python -m etl` command, from reading files to the last table written.

For each corpus size (1,000, 10,000 and 100,000 articles by default) the script writes a folder of
copies of the seed articles (`data/raw/*.txt`, each copy under its own id, so the corpus is as dense
in figures as real news), optionally with sentences of the test corpus (`tests/corpus/
sentences.toml`) mixed in (`--density`). It then runs `python -m etl --articles DIR --out DIR` as a
subprocess, with `--jobs 1` and with the default (one process per core), into a fresh output folder,
and measures:

- wall time, and the articles per second it gives;
- CPU time of the whole process tree (the command, its fork server and its workers: this script
  makes itself their subreaper and reaps them, so their times land in its RUSAGE_CHILDREN);
- peak memory of the whole process tree, from /proc: the sum of every process's resident set
  (RSS, which counts pages shared between processes once per process; every 50 ms) and of its
  proportional set (PSS, which splits them; every second, as reading it slows the processes);
- the cached re-run after adding one article to the largest corpus (default jobs), `--reruns`
  times, one more article each time (wall times on a shared machine vary: the median is given).

It prints the figures and the ratios the goals are stated in: rate, rate at the largest size over
rate at the smallest, peak RSS, rate per core. The machine's load average is printed before and
after each run: figures taken while other work runs are slower than the code. It asserts nothing.

    python bench/etl_throughput.py [--sizes 1000,10000,100000] [--density 0] [--workdir DIR] [--reruns 3]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
SENTENCES = ROOT / "tests" / "corpus" / "sentences.toml"
GOAL_RATE = 1500.0  # articles/s, whole command, at the density of the seed articles
GOAL_RATIO = 0.8  # rate at 100,000 over rate at 1,000
GOAL_RSS_MB = 400.0  # peak RSS of the process tree at 100,000
GOAL_RERUN_S = 5.0  # re-run after adding one article to 100,000
_PR_SET_CHILD_SUBREAPER = 36
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Run:
    label: str
    articles: int
    jobs: str
    wall: float
    cpu: float
    rss_mb: float
    pss_mb: float
    load: tuple[float, float]
    code: int

    @property
    def rate(self) -> float:
        return self.articles / self.wall


# --- the corpus ----------------------------------------------------------------------------------
def test_sentences() -> list[str]:
    with SENTENCES.open("rb") as f:
        cases = tomllib.load(f).get("case", [])
    return [c["text"].strip() for c in cases if isinstance(c, dict) and str(c.get("text", "")).strip()]


def write_corpus(folder: Path, n: int, density: float, seed: int = 0) -> int:
    """n copies of the seed articles, each under its own id; with density > 0, about that share
    of extra sentences from the test corpus appended as a last paragraph. Returns bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [(p.stem, p.read_text("utf-8")) for p in sorted(RAW.glob("*.txt"))]
    extra = test_sentences() if density > 0 else []
    rng = random.Random(seed)
    size = 0
    for i in range(n):
        stem, text = seeds[i % len(seeds)]
        if extra:
            k = max(1, round(density * text.count(". ")))
            text = text.rstrip("\n") + "\n" + " ".join(rng.choice(extra) for _ in range(k)) + "\n"
        data = text.encode("utf-8")
        (folder / f"b{i:06d}_{stem}.txt").write_bytes(data)
        size += len(data)
    return size


# --- measuring a process tree --------------------------------------------------------------------
def children(pid: int) -> list[int]:
    """The processes `pid` started that are still running (Linux's /proc; [] elsewhere)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children(p))
    return out


def _rss_kb(pid: int) -> int:
    """Resident set of one process in KiB (0 once it is gone), from /proc/PID/statm: counters the
    kernel keeps, read without walking the process's memory."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


def _pss_kb(pid: int) -> int:
    """Proportional set of one process in KiB (0 once it is gone). /proc/PID/smaps_rollup walks
    the process's page tables under its memory-map lock: read every 50 ms it slowed a 100,000-
    article run by 6 s (10 %), so it is read once a second."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            text = f.read()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed RSS (every `every` seconds) and PSS (every `pss_every` seconds) of a
    process and all its descendants."""

    def __init__(self, pid: int, every: float = 0.05, pss_every: float = 1.0):
        super().__init__(daemon=True)
        self.pid, self.every, self.pss_each = pid, every, max(1, round(pss_every / every))
        self.rss_kb = self.pss_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        k = 0
        while not self.done.is_set():
            tree = _tree(self.pid)
            self.rss_kb = max(self.rss_kb, sum(_rss_kb(p) for p in tree))
            if k % self.pss_each == 0:
                self.pss_kb = max(self.pss_kb, sum(_pss_kb(p) for p in tree))
            k += 1
            self.done.wait(self.every)


def _reap_all() -> None:
    """Wait for every orphan re-parented to this script (the fork server and its workers)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


def run_etl(label: str, articles_dir: Path, out: Path, n: int, jobs: int | None) -> Run:
    cmd = [sys.executable, "-m", "etl", "--articles", str(articles_dir), "--out", str(out), "--quiet"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    sampler = TreeSampler(proc.pid)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    _reap_all()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return Run(label, n, "default" if jobs is None else str(jobs), wall, cpu, sampler.rss_kb / 1024,
               sampler.pss_kb / 1024, (load_before, os.getloadavg()[0]), code)  # fmt: skip


def show(r: Run) -> None:
    cores = os.cpu_count() or 1
    per_core = r.rate / (1 if r.jobs == "1" else cores)
    print(f"{r.label:<34} {r.articles:>8,} {r.jobs:>8} {r.wall:>8.2f} {r.rate:>9,.0f} {per_core:>9,.0f} "
          f"{r.cpu:>8.2f} {r.articles / r.cpu:>9,.0f} {r.rss_mb:>8.0f} {r.pss_mb:>8.0f}   "
          f"{r.load[0]:.1f}→{r.load[1]:.1f}" + ("" if r.code == 0 else f"   EXIT {r.code}"), flush=True)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma-separated")
    p.add_argument("--density", type=float, default=0.0,
                   help="extra test-corpus sentences per seed sentence appended to each copy (default 0)")  # fmt: skip
    p.add_argument("--workdir", type=Path, help="where the corpora go (default: a temporary folder, removed)")
    p.add_argument("--jobs-1-up-to", type=int, default=None,
                   help="run --jobs 1 only for corpora up to this size (default: every size)")  # fmt: skip
    p.add_argument("--reruns", type=int, default=3,
                   help="re-runs after adding one more article each time (default 3)")  # fmt: skip
    p.add_argument("--reruns-only", action="store_true",
                   help="skip the cold runs and re-run the largest corpus's output of an earlier run "
                        "in --workdir (made by the same code: its cache is then used)")  # fmt: skip
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="etl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print("ETL throughput: the whole `python -m etl` command")
    print(f"python   {platform.python_version()} {platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
    print(f"corpus   copies of {len(list(RAW.glob('*.txt')))} seed articles, density {args.density:g}")
    print()
    print(f"{'run':<34} {'articles':>8} {'jobs':>8} {'wall s':>8} {'art/s':>9} {'/s/core':>9} "
          f"{'cpu s':>8} {'art/cpu-s':>9} {'RSS MB':>8} {'PSS MB':>8}   load")  # fmt: skip
    runs: dict[tuple[int, str], Run] = {}
    try:
        for n in sizes:
            corpus = work / f"corpus-{n}"
            if not corpus.exists():  # written aside, then renamed: an interrupted run leaves no half corpus
                shutil.rmtree(work / "partial", ignore_errors=True)
                write_corpus(work / "partial", n, args.density)
                (work / "partial").rename(corpus)
            single = args.jobs_1_up_to is None or n <= args.jobs_1_up_to
            if args.reruns_only:
                if not (work / f"out-{n}-default").is_dir():
                    sys.exit(f"--reruns-only: no earlier output {work / f'out-{n}-default'} to re-run")
                continue
            for jobs in ([1] if single else []) + [None]:
                out = work / f"out-{n}-{jobs or 'default'}"
                shutil.rmtree(out, ignore_errors=True)
                r = run_etl("cold (empty cache)", corpus, out, n, jobs)
                runs[(n, r.jobs)] = r
                show(r)
        n = sizes[-1]
        corpus, out = work / f"corpus-{n}", work / f"out-{n}-default"
        r = run_etl("re-run, nothing changed", corpus, out, n, None)
        show(r)
        write_corpus(work / "one", 1, args.density, seed=1)
        new = next((work / "one").iterdir())
        reruns = []
        for k in range(max(1, args.reruns)):
            shutil.copyfile(new, corpus / f"zzzzzz_added{k}.txt")
            reruns.append(run_etl("re-run after adding one article", corpus, out, n + 1 + k, None))
            show(reruns[-1])
        for k in range(len(reruns)):
            (corpus / f"zzzzzz_added{k}.txt").unlink()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)

    print()
    small, large = sizes[0], sizes[-1]
    for jobs in ("1", "default"):
        sizes_run = [n for n in sizes if (n, jobs) in runs]
        if len(sizes_run) >= 2:
            a, b = runs[(sizes_run[0], jobs)], runs[(sizes_run[-1], jobs)]
            small, large = sizes_run[0], sizes_run[-1]
            print(f"jobs {jobs:<8} rate {b.rate:,.0f}/s at {large:,} (goal {GOAL_RATE:,.0f}/s: {b.rate / GOAL_RATE:.2f}x); "
                  f"rate {large:,} / {small:,} = {b.rate / a.rate:.2f} (goal >= {GOAL_RATIO}); "
                  f"per CPU-second {b.articles / b.cpu:,.0f} vs {a.articles / a.cpu:,.0f} "
                  f"({(b.articles / b.cpu) / (a.articles / a.cpu):.2f}); "
                  f"peak RSS {b.rss_mb:,.0f} MB (goal <= {GOAL_RSS_MB:.0f}), PSS {b.pss_mb:,.0f} MB")  # fmt: skip
    walls = [r.wall for r in reruns]
    print(
        f"re-run after adding one article to {sizes[-1]:,}: median {statistics.median(walls):.2f} s of "
        f"{len(walls)} ({', '.join(f'{w:.2f}' for w in walls)}; goal <= {GOAL_RERUN_S:.0f} s); "
        f"CPU {statistics.median(r.cpu for r in reruns):.2f} s; peak RSS {max(r.rss_mb for r in reruns):.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
