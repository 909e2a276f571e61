"""ETL throughput: how many news articles a second `etl.extract.extract` handles on one core.

The benchmark builds a corpus of N synthetic articles from the project's own test sentences
(`tests/corpus/sentences.toml`, the `[[case]]` tables' `text`), or, while that file is missing
or unreadable, from the sentences of the articles in `data/raw/*.txt`. Each article is a
headline line, then paragraphs (one per line) of 12 or more snippets drawn with a seeded random
generator until the article reaches a size drawn between 1.5 and 4 KB, like real news copy. The
same seed always gives the same corpus.

It then times the extractor single-threaded, pinned to one CPU, over the whole corpus: best and
median of `--repeat` passes. One-time loading (the `etl` import, then the first `extract` call,
which reads pycountry and the reference CSVs and compiles the patterns) is timed apart and
reported as start-up. Memory is reported two ways: the peak of Python allocations (tracemalloc)
during one extra, untimed pass, and the process's peak resident set size (getrusage).

The script only prints; it asserts nothing about time. `--profile` adds a cProfile pass and
prints the 25 functions with the highest cumulative time.

    python bench/etl_throughput.py [--articles 5000] [--seed 0] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import platform
import pstats
import random
import re
import resource
import statistics
import sys
import time
import tomllib
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SENTENCES_TOML = ROOT / "tests" / "corpus" / "sentences.toml"
RAW_DIR = ROOT / "data" / "raw"
GOAL_ARTICLES_PER_SECOND = 2000.0

MIN_SNIPPETS = 12
MIN_BYTES, MAX_BYTES = 1500, 4000
HARD_MAX_BYTES = 4096

# Used once, before timing, so that every lazy load in etl/ happens outside the timed passes:
# a money figure, a share and a named speaker reach pycountry, the reference CSVs and people.csv.
WARM_UP_TEXT = (
    "Trade between Iran and Iraq reached $12 billion in 2024, accounting for 15% of Iraq's "
    "imports, Minister Ali Reza said."
)

_COUNTRIES = [
    ("Iran", "TEHRAN"), ("Iraq", "BAGHDAD"), ("Turkey", "ANKARA"), ("China", "BEIJING"),
    ("Pakistan", "ISLAMABAD"), ("India", "NEW DELHI"), ("Saudi Arabia", "RIYADH"),
    ("Egypt", "CAIRO"), ("Russia", "MOSCOW"), ("Tajikistan", "DUSHANBE"),
    ("Kazakhstan", "ASTANA"), ("Brazil", "BRASILIA"), ("Japan", "TOKYO"), ("Germany", "BERLIN"),
]  # fmt: skip
_HEADLINES = [
    "{a} and {b} discuss ways to boost bilateral trade",
    "{a}, {b} eye closer economic ties",
    "{a}-{b} trade talks open with focus on energy and transit",
    "{a} seeks to expand exports to {b}",
    "Officials from {a} and {b} review trade figures, set new goals",
    "{a} ambassador: trade with {b} can grow further",
    "Business leaders from {a} and {b} meet to deepen commercial exchanges",
]
_DASHES = ["–", "—", "-"]

ExtractFn = Callable[[str, str], Any]  # etl.extract.extract(article_id, text) -> Extraction
Articles = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Corpus:
    """Synthetic articles as (article_id, text), and where their sentences came from."""

    articles: list[tuple[str, str]]
    source: str
    snippet_counts: list[int]

    @property
    def total_bytes(self) -> int:
        return sum(len(text.encode("utf-8")) for _, text in self.articles)


@dataclass(frozen=True)
class PassResult:
    seconds: float
    claims: int
    articles_with_claims: int


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def load_test_sentences(path: Path = SENTENCES_TOML) -> tuple[list[str], str]:
    """The `text` of every `[[case]]` in the test corpus; ([], reason) when it cannot be used."""
    if not path.is_file():
        return [], f"{_shown(path)} not found"
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return [], f"{_shown(path)} unreadable ({exc})"
    cases = data.get("case")
    if not isinstance(cases, list):
        return [], f"{_shown(path)} has no [[case]] tables"
    texts = [
        c["text"].strip()
        for c in cases
        if isinstance(c, dict) and isinstance(c.get("text"), str) and c["text"].strip()
    ]
    if not texts:
        return [], f"{_shown(path)} has no case with a text"
    return texts, ""


def load_raw_sentences(raw_dir: Path = RAW_DIR) -> list[str]:
    """Sentences of the articles in data/raw/*.txt, by a plain split on '. '."""
    out: list[str] = []
    for path in sorted(raw_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for piece in line.split(". "):
                piece = piece.strip()
                if len(piece) < 20:
                    continue
                out.append(piece if piece[-1] in '.!?”"' else piece + ".")
    return out


def load_filler(corpora: Path = ROOT / "tests" / "corpus") -> list[str]:
    """Sentences without any figure, from the test articles: the bulk of a real news story."""
    out = []
    for path in sorted(corpora.glob("articles*/*.txt")):
        for sentence in re.split(r"(?<=[.!?])\s+", path.read_text("utf-8")):
            sentence = " ".join(sentence.split())
            if 40 <= len(sentence) <= 400 and not re.search(r"[\d%$€£]", sentence):
                out.append(sentence)
    return out


def build_corpus(
    n_articles: int, seed: int, sentences_toml: Path = SENTENCES_TOML, raw_dir: Path = RAW_DIR,
    density: float = 1.0,
) -> Corpus:  # fmt: skip
    """N articles of drawn snippets, the same for the same seed and the same sentences."""
    filler = load_filler() if density < 1 else []
    snippets, reason = load_test_sentences(sentences_toml)
    if snippets:
        source = f"{_shown(sentences_toml)}: {len(snippets)} cases"
    else:
        snippets = load_raw_sentences(raw_dir)
        source = f"data/raw/*.txt: {len(snippets)} sentences (fallback: {reason})"
    if not snippets:
        raise SystemExit("no sentences for a corpus: no test corpus and no data/raw/*.txt")

    rng = random.Random(seed)
    articles: list[tuple[str, str]] = []
    counts: list[int] = []
    for i in range(n_articles):
        (a, city), (b, _) = rng.sample(_COUNTRIES, 2)
        headline = rng.choice(_HEADLINES).format(a=a, b=b)
        target = rng.randint(MIN_BYTES, MAX_BYTES)
        size = len(headline.encode("utf-8")) + 1
        drawn: list[str] = []
        while len(drawn) < MIN_SNIPPETS or size < target:
            s = rng.choice(snippets) if not filler or rng.random() < density else rng.choice(filler)
            n = len(s.encode("utf-8")) + 1
            if len(drawn) >= MIN_SNIPPETS and size + n > HARD_MAX_BYTES:
                break
            drawn.append(s)
            size += n
        # 1-3 snippets a paragraph; a snippet with its own line breaks (a headline and a
        # dateline paragraph) stays on its own lines.
        paragraphs: list[str] = []
        j = 0
        while j < len(drawn):
            k = rng.randint(1, 3)
            group = drawn[j : j + k]
            multi = [pos for pos, snippet in enumerate(group) if "\n" in snippet]
            if multi and multi[0] == 0:
                group = group[:1]
                paragraphs.extend(line for line in group[0].splitlines() if line.strip())
            else:
                group = group[: multi[0]] if multi else group
                paragraphs.append(" ".join(group))
            j += len(group)
        paragraphs[0] = f"{city} {rng.choice(_DASHES)} {paragraphs[0]}"
        articles.append((f"bench-{i:05d}", "\n".join([headline, *paragraphs]) + "\n"))
        counts.append(len(drawn))
    return Corpus(articles, source, counts)


def pin_to_one_cpu() -> str:
    """Keep the process on one CPU (Linux); say what was done."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this platform); extractor is single-threaded"
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[0]})
    return f"pinned to CPU {cpus[0]} ({len(cpus)} available, os.cpu_count()={os.cpu_count()})"


def one_pass(extract: ExtractFn, articles: Articles) -> PassResult:
    """Extract every article once; wall time with perf_counter, claims counted, nothing kept."""
    claims = with_claims = 0
    start = time.perf_counter()
    for article_id, text in articles:
        n = len(extract(article_id, text).claims)
        claims += n
        with_claims += n > 0
    return PassResult(time.perf_counter() - start, claims, with_claims)


def traced_peak(extract: ExtractFn, articles: Articles) -> tuple[int, int]:
    """(peak, still held) bytes of Python allocations during one untimed pass."""
    tracemalloc.start()
    try:
        one_pass(extract, articles)
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, current


def max_rss_bytes() -> int:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def profile_pass(extract: ExtractFn, articles: Articles, top: int = 25) -> None:
    """cProfile one pass and print the `top` functions by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    one_pass(extract, articles)
    profiler.disable()
    print(f"\ncProfile, one pass over {len(articles)} articles, top {top} by cumulative time:")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats(pstats.SortKey.CUMULATIVE).print_stats(top)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=5000, help="articles in the corpus (5000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the corpus generator (0)")
    p.add_argument("--repeat", type=int, default=3, help="timed passes; best and median (3)")
    p.add_argument("--profile", action="store_true", help="also cProfile one pass (top 25)")
    p.add_argument(
        "--density", type=float, default=1.0,
        help="share of snippets that are test sentences (all carry numbers); the rest are sentences "
        "without figures from the test articles, as in real news, where about 1 sentence in 5 "
        "carries a figure (default 1.0: every snippet a test sentence, the heaviest load)",
    )  # fmt: skip
    args = p.parse_args(argv)
    if args.articles < 1 or args.repeat < 1:
        p.error("--articles and --repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cpu = pin_to_one_cpu()

    t0 = time.perf_counter()
    corpus = build_corpus(args.articles, args.seed, density=args.density)
    build_s = time.perf_counter() - t0
    n = len(corpus.articles)
    mb = corpus.total_bytes / 1e6
    sizes = [len(text.encode("utf-8")) / 1000 for _, text in corpus.articles]

    # --- start-up: import and the first call (lazy loads), kept out of the timed passes ------
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    extract = importlib.import_module("etl.extract").extract
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    extract("warm-up", WARM_UP_TEXT)
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    extract("warm-up", WARM_UP_TEXT)
    second_s = time.perf_counter() - t0

    # --- timed passes -------------------------------------------------------------------------
    runs = [one_pass(extract, corpus.articles) for _ in range(args.repeat)]
    times = [r.seconds for r in runs]
    best, median = min(times), statistics.median(times)
    peak, held = traced_peak(extract, corpus.articles)
    rss = max_rss_bytes()

    print("ETL throughput: etl.extract.extract, single-threaded")
    print(f"python          {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.system()} {platform.machine()}")  # fmt: skip
    print(f"cpu             {cpu}")
    print(
        f"corpus          {corpus.source}; seed {args.seed}; density {args.density:g}; built in {build_s:.2f} s"
    )
    counts = corpus.snippet_counts
    print(f"articles        {n}  (snippets/article {min(counts)}–{max(counts)}, "
          f"mean {statistics.fmean(counts):.1f}; size {min(sizes):.2f}–{max(sizes):.2f} KB, "
          f"mean {statistics.fmean(sizes):.2f} KB)")  # fmt: skip
    print(f"total           {mb:.2f} MB ({corpus.total_bytes} bytes, UTF-8)")
    print(f"start-up        import etl.extract {import_s * 1e3:.1f} ms; first extract() "
          f"{first_s * 1e3:.1f} ms (pycountry, reference CSVs, patterns), "
          f"same call warm {second_s * 1e3:.2f} ms")  # fmt: skip
    print(f"passes          {args.repeat} × {n} articles: "
          + ", ".join(f"{t:.3f} s" for t in times))  # fmt: skip
    print(f"claims found    {runs[0].claims} per pass ({runs[0].claims / n:.2f}/article; "
          f"{runs[0].articles_with_claims} articles with ≥1 claim)")  # fmt: skip
    print(f"articles/s      best {n / best:,.1f}   median {n / median:,.1f}")
    print(f"MB/s            best {mb / best:.3f}   median {mb / median:.3f}")
    print(f"ms/article      best {best / n * 1e3:.3f}   median {median / n * 1e3:.3f}")
    print(f"memory          tracemalloc peak {peak / 1e6:.2f} MB during one pass "
          f"({held / 1e6:.2f} MB still held after); "
          f"ru_maxrss {rss / 1e6:.1f} MB (process)")  # fmt: skip
    goal = GOAL_ARTICLES_PER_SECOND
    ratio_best, ratio_median = n / best / goal, n / median / goal
    print(f"goal {goal:.0f}/s:     {ratio_best:.2f}x (best), {ratio_median:.2f}x (median)")

    if args.profile:
        profile_pass(extract, corpus.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
