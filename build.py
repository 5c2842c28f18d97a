#!/usr/bin/env python3
"""Build the dataset: seeds + curated readings -> validated tables in data/ and datapackage.json.

Nothing is written unless every table validates; a failed build leaves the
published files as they were and prints every problem it found.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path


def add_main(argv: list[str]) -> int:
    """`build.py add PATH`: copy an article into seeds/ and write its draft reading (docs/curating.md)."""
    parser = argparse.ArgumentParser(prog="build.py add", description="Add an article: copy it into seeds/, pin it, write a draft reading.")
    parser.add_argument("path", type=Path, help="the article as a UTF-8 text file")
    parser.add_argument("--published", help="the publication date as the article words it (when it has no ' date YYYY-MM-DD' line)")
    parser.add_argument("--language", choices=["pt", "fr", "en"], help="the article's language (default: detected)")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent, help="package folder (default: this repository)")
    args = parser.parse_args(argv)
    from superclusters.curate.add import add
    from superclusters.errors import BuildError

    try:
        seed, reading = add(args.root, args.path, args.published, args.language)
    except BuildError as exc:
        print(f"add failed, nothing written. {exc}", file=sys.stderr)
        return 1
    print(f"wrote {seed} and the draft {reading}; fill in every TODO, then run make build")
    return 0


def _seconds(text: str) -> float:
    """An option's number of seconds: finite and more than 0, at most an hour (argparse words the refusal)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number of seconds") from None
    if not 0 < value <= 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text[:40]!r}: expected a number of seconds above 0 and at most 3600")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["add"]:
        return add_main(argv[1:])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, epilog="Add an article: build.py add PATH (see build.py add --help)"
    )
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent, help="package folder (default: this repository)")
    parser.add_argument("--check", action="store_true", help="build in memory and fail if the published files are not what the inputs produce")
    parser.add_argument("--verify", action="store_true", help="validate the published data/ files as they are on disk (CSV and Parquet)")
    parser.add_argument("--names", action="store_true", help="report capitalised words in the seeds that match no alias (where a missing entity would show)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local", help="where the per-article derive step runs (dask: pip install .[dask])")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: a running Dask scheduler (default: 2 local worker processes)")
    parser.add_argument(
        "--scheduler-timeout",
        metavar="SECONDS",
        type=_seconds,
        help="with --scheduler: how long the scheduler has to answer (default: 10)",
    )
    args = parser.parse_args(argv)
    if args.scheduler is not None and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    if args.scheduler_timeout is not None and args.scheduler is None:
        parser.error("--scheduler-timeout needs --scheduler")
    if not args.root.is_dir():
        parser.error(f"--root {str(args.root)[:200]!r} is not a folder; expected the package folder (the one holding seeds/, readings/ and schemas/)")

    # pandera imports its optional data-synthesis strategies whenever hypothesis (a test dependency) is
    # installed, which costs about 0.3 s; the build never synthesises data, so it is kept out.
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]

    # The build makes millions of small objects that all live until it ends, so the cyclic collector
    # finds almost nothing, yet each full pass walks all of them: 40 s of a 176 s build at N = 10,000,
    # growing faster than the corpus (issue 13). A build is one short process; reference counting frees
    # everything acyclic, and the cycles it leaves cost 2 % of peak memory at N = 1,000 (measured).
    # Re-enabled on return, for callers (tests) that run main() in their own process.
    enabled = gc.isenabled()
    gc.disable()
    try:
        if args.engine == "dask":
            from superclusters.build.engine import CONNECT_TIMEOUT_S, dask_engine
            from superclusters.errors import BuildError

            try:
                with dask_engine(args.scheduler, connect_timeout_s=args.scheduler_timeout or CONNECT_TIMEOUT_S):
                    return _run(args)
            except BuildError as exc:  # Dask could not start or connect; what the build itself finds, _run reports
                print(f"build failed, nothing written. {exc}", file=sys.stderr)
                return 1
        return _run(args)
    finally:
        if enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    """The command itself, run with the collector off."""
    # Heavy libraries load only past --help.
    from superclusters.build.pipeline import build, names_report, stale_files, verify
    from superclusters.errors import BuildError

    try:
        if args.names:
            lines = names_report(args.root)
            print("\n".join(lines) if lines else "every capitalised word is an alias mention")
            return 0
        if args.verify:
            problems = verify(args.root)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            print(f"{len(problems)} problem(s) in the published files" if problems else "published files are valid")
            return 1 if problems else 0
        if args.check:
            stale = stale_files(args.root)
            if stale:
                print("out of date (run `make build`): " + ", ".join(stale), file=sys.stderr)
                return 1
            print("published files match the inputs")
            return 0
        files = build(args.root)
    except BuildError as exc:
        print(f"build failed, nothing written. {exc}", file=sys.stderr)
        return 1
    print(f"published {len(files)} files: " + ", ".join(sorted(files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
