"""`python -m etl [--articles DIR] [--out DIR] [--reviews FILE]`: rebuild the processed tables from
the articles, applying the reviewed-claims decisions."""

from __future__ import annotations

import argparse
import gc
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

# Only modules without pandas here: the rest is imported once the workers' fork server is started
# (see _start_workers_early).
from etl.corpus import CorpusError
from etl.parallel import start_early
from etl.people import PEOPLE_CSV


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: list[str] | None = None, *, command: bool = False) -> int:
    """`command`: this is the command's own process (python -m etl), whose workers may start
    early and whose allocator and cycle collector are set for the run."""
    ap = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    ap.add_argument("--articles", type=Path, help="folder of .txt articles (default: data/raw)")
    ap.add_argument("--out", type=Path, help="folder for the tables (default: data/processed)")
    ap.add_argument(
        "--metadata", type=Path, help="metadata CSV (default: <articles>/articles.csv if present)"
    )
    ap.add_argument("--people", type=Path, default=PEOPLE_CSV, help="people reference CSV")
    ap.add_argument(
        "--jobs", type=_positive, default=None,
        help="processes for extraction (default: the machine's cores, once the corpus is large enough)",
    )  # fmt: skip
    ap.add_argument(
        "--no-cache", action="store_true",
        help="extract every article again, ignoring and keeping <out>/.etl-cache as it is",
    )  # fmt: skip
    ap.add_argument(
        "--reviews", type=Path,
        help="reviewed-claims CSV of decisions to apply (default: data/reference/reviewed_claims.csv "
        "when --articles is data/raw; none for another folder)",
    )  # fmt: skip
    ap.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress bar)")
    args = ap.parse_args(argv)
    if command:
        _start_workers_early(args)
    from etl.pipeline import PROCESSED, RAW, run
    from etl.review import ReviewError, report_lines
    from etl.tables import TableError

    if command:
        _system_allocator()
        _collect_less()
    args.articles = RAW if args.articles is None else args.articles
    args.out = PROCESSED if args.out is None else args.out

    def tell(outcomes) -> None:
        # A decision that no longer fits its article is never dropped silently, even with --quiet.
        for line in report_lines(outcomes, args.reviews or "reviewed_claims.csv"):
            print(f"etl: {line}", file=sys.stderr)

    def note(line: str) -> None:
        if not args.quiet:
            print(f"etl: {line}", file=sys.stderr)

    try:
        written = run(
            args.articles, args.out, args.metadata, args.people, jobs=args.jobs,
            use_cache=not args.no_cache, progress=not args.quiet and sys.stderr.isatty(), note=note,
            reviews=args.reviews, report=tell,
        )  # fmt: skip
    except (CorpusError, ReviewError) as e:
        print(f"etl: {len(e.problems)} problem(s) with the input; nothing was written:", file=sys.stderr)
        for p in e.problems:
            print(f"  - {p}", file=sys.stderr)
        return 2
    except (TableError, ValueError, OSError) as e:
        print(f"etl: {e}; nothing was written", file=sys.stderr)
        return 2
    except BrokenProcessPool:
        # A worker killed from outside (out of memory, a signal) leaves no error of its own to show.
        print(
            "etl: an extraction process stopped before its work was done (killed, or out of memory?); "
            "nothing was written. Run again, or with --jobs 1 to extract in this process.",
            file=sys.stderr,
        )
        return 2
    if not args.quiet:
        print(f"etl: wrote {len(written)} files to {args.out}")
    return 0


def _start_workers_early(args: argparse.Namespace) -> None:
    """Start the workers' fork server before pandas is imported, so the two imports overlap (see
    etl.parallel.start_early). Only for a corpus named by --articles and --out: the default
    folders hold the project's own few articles, and a cache in --out may spare the work."""
    if args.articles is None or args.out is None:
        return
    from etl.cache import CACHE_DIR  # numpy and pyarrow: a tenth of pandas' import, no more

    start_early(args.articles, args.jobs, cached=not args.no_cache and (args.out / CACHE_DIR).exists())


def _without_hypothesis() -> None:
    """pandera imports hypothesis, when installed, on its first check, for data synthesis the ETL
    never asks for: 12 MB and a tenth of a second of every run. Marked absent (pandera does
    without it), in the command's own process only: a test importing main() keeps it."""
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]


def _system_allocator() -> None:
    """Arrow's own allocator (mimalloc) keeps what pandas frees between tables: the peak of a run
    over 100,000 articles is 45 MB higher with it. The system's is as fast for this work. Set for
    the command's own process only (an application calling etl.pipeline.run keeps its own)."""
    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


def _collect_less() -> None:
    """The cycle collector walks every object the imports made (pandas, pyarrow, the rules) each
    time it runs in full, and a run over 100,000 articles makes a few hundred thousand more:
    frozen once imported, and run less often, it takes 0.2 s less of a re-run. Set for the
    command's own process only."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


if __name__ == "__main__":
    _without_hypothesis()
    sys.exit(main(command=True))
