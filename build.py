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


def _article_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="the article as a UTF-8 text file")
    parser.add_argument("--published", help="the publication date as the article words it: 2024, 2024-06, 2024-08-26 (default: a leading ' date ...' line)")
    parser.add_argument("--language", choices=["pt", "fr", "en"], help="the article's language (default: detected)")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent, help="package folder (default: this repository)")


def add_main(argv: list[str]) -> int:
    """`build.py add PATH`: copy an article into seeds/ and write its draft reading with proposals (docs/curating.md)."""
    parser = argparse.ArgumentParser(
        prog="build.py add", description="Add an article: copy it into seeds/, pin it, write a draft reading with the drafter's proposals."
    )
    _article_arguments(parser)
    args = parser.parse_args(argv)
    from superclusters.curate.add import add
    from superclusters.errors import BuildError

    try:
        added = add(args.root, args.path, args.published, args.language)
    except BuildError as exc:
        print(f"add failed, nothing written. {exc}", file=sys.stderr)
        return 1
    for note in added.notes:
        print(f"  note: {note}", file=sys.stderr)
    print(f"wrote {added.seed} and the draft {added.reading} with {added.proposals} proposals to confirm; check each, fill in every TODO, then run make build")
    return 0


def draft_main(argv: list[str]) -> int:
    """`build.py draft PATH`: print what the drafter proposes for an article, without writing anything."""
    parser = argparse.ArgumentParser(
        prog="build.py draft",
        description="Propose entities, claims, relations and events for an article (read-only: nothing is written). See docs/curating.md.",
    )
    _article_arguments(parser)
    parser.add_argument("--json", action="store_true", help='print one JSON object {"entities": [...], "claims": [...], "relations": [...], "events": [...]}')
    args = parser.parse_args(argv)
    import json

    from superclusters.curate.add import DATE_LINE, check_published, choose_language, decode_article, load_registry, propose_for, read_article
    from superclusters.errors import BuildError

    try:
        published = check_published(args.published)
        data = read_article(args.path, str(args.path))
        seed = decode_article(args.path.name, data, str(args.path))
        language, _ = choose_language(seed.text, str(args.path), args.language)
        from superclusters.check.schemas import load_schemas

        date = DATE_LINE.match(seed.text.strip().split("\n", 1)[0])
        proposals, failure = propose_for(
            seed, language, published or (date.group(1) if date else None), load_registry(args.root), load_schemas(args.root / "schemas")
        )
    except BuildError as exc:
        print(f"draft failed. {exc}", file=sys.stderr)
        return 1
    if proposals is None:
        print(f"draft failed: {failure}", file=sys.stderr)
        return 1
    for note in proposals.notes:
        print(f"  note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(proposals.as_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{args.path}: {language}, {proposals.count()} proposals")
    for entity in proposals.entities:
        state = "registered" if entity.get("registered") and not entity.get("add_aliases") else "new" if not entity.get("registered") else "add aliases"
        print(f"  entity    {entity['id']:<24} {entity['type']:<13} {state:<12} {entity['quote']!r}")
    for claim in proposals.claims:
        subject = claim.get("hardware") or claim.get("organisation")
        print(f"  claim     {claim['property']:<24} {claim['value']!r} ({subject}, {claim['modality']}): {claim['quote'][:70]!r}")
    for relation in proposals.relations:
        target = relation.get("object") or repr(relation.get("object_text"))[:40]
        print(f"  relation  {relation['subject']} {relation['predicate']} {target}: {relation['quote'][:70]!r}")
    for event in proposals.events:
        kind = event["type"] + (f" ({event['status']})" if event.get("status") else "")
        print(f"  event     {kind:<24} {event['quote'][:80]!r}")
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
    if argv[:1] == ["draft"]:
        return draft_main(argv[1:])
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Add an article: build.py add PATH; see what the drafter proposes for one: build.py draft PATH (see --help of each)",
    )
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent, help="package folder (default: this repository)")
    parser.add_argument("--check", action="store_true", help="build into a scratch folder and fail if the published files are not what the inputs produce")
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
    try:
        is_folder = args.root.is_dir()
    except OSError as exc:  # a name too long, a folder that cannot be searched
        parser.error(f"--root {str(args.root)[:200]!r} cannot be read ({exc.strerror or exc}); expected the package folder")
    if not is_folder:
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
    from superclusters.check.schemas import pyarrow_without_pandas
    from superclusters.errors import BuildError

    # A build that passes never needs pandas (it types, checks and writes Arrow tables; pandas and pandera word a
    # failure); keep pyarrow from importing it on its own.
    pyarrow_without_pandas()

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
