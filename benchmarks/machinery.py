"""What each piece of speed machinery buys, measured where it acts (docs/performance.md, "Complexity that pays").

    .venv/bin/python -m benchmarks.machinery                      # N = 5 (the package), 100, 1,000, 10,000
    .venv/bin/python -m benchmarks.machinery --sizes 5,100 --builds

Reading (every reading of a corpus read and checked as the build reads it, `inputs.corpus.read_article`), CPU
seconds in this process, best of `--repeat`, the variants interleaved:

- `fast_paths`: as the build reads (yaml_rs where it provably equals PyYAML, jsonschema-rs for the yes/no);
- `pyyaml_only`: yaml_rs switched off (every text parsed by PyYAML, as when yaml_rs is not installed);
- `jsonschema_only`: jsonschema-rs switched off (jsonschema answers every reading).

With `--builds`, the whole build (`build.py --root`, a fresh process each) with and without its worker
processes, wall and CPU seconds (user + system of every process), first builds.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _read_all(root: Path) -> float:
    """CPU seconds to read and check every reading of the package at `root`."""
    from superclusters.check.schemas import load_schemas
    from superclusters.errors import Collector
    from superclusters.inputs.corpus import list_readings, read_article
    from superclusters.inputs.reading_schema import schema_text

    problems = Collector()
    reading_schema = json.loads(schema_text(load_schemas(root / "schemas")))
    paths = list_readings(root, problems)
    start = time.process_time()
    for path in paths:
        read_article(root, path, reading_schema, problems)
    seconds = time.process_time() - start
    assert not problems.problems, problems.problems[:3]
    return seconds


def reading(root: Path, repeat: int) -> dict[str, float]:
    from superclusters.inputs import reading_schema, readings
    from superclusters.inputs.fast_yaml import REFUSED

    real_fast_load, real_conforms = readings.fast_load, reading_schema.conforms

    def python_only(data, schema):  # jsonschema answers, as where jsonschema-rs is not installed
        return reading_schema._compiled(schema, "python").is_valid(data)

    variants = {
        "fast_paths": lambda: None,
        "pyyaml_only": lambda: setattr(readings, "fast_load", lambda text: REFUSED),
        "jsonschema_only": lambda: setattr(reading_schema, "conforms", python_only),
    }
    best: dict[str, float] = {}
    for _ in range(repeat):
        for name, switch in variants.items():
            switch()
            try:
                best[name] = min(best.get(name, float("inf")), _read_all(root))
            finally:
                readings.fast_load, reading_schema.conforms = real_fast_load, real_conforms
    return {name: round(seconds, 3) for name, seconds in best.items()}


def build(root: Path, workers: bool) -> dict[str, float]:
    """Wall and CPU seconds (every process) of `build.py --root root` in a fresh process, with or without workers."""
    code = (
        "import runpy, sys\n"
        "from superclusters.build import stream\n"
        + ("" if workers else "stream.worker_count = lambda batches: 0\n")
        + f"sys.argv = ['build.py', '--root', {str(root)!r}]\n"
        "runpy.run_path('build.py', run_name='__main__')\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_seconds": round(wall, 2), "cpu_seconds": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5,100,1000,10000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--builds", action="store_true", help="also whole builds with and without worker processes")
    args = parser.parse_args(argv)
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]  # as build.py does
    from benchmarks.synthetic import generate
    from superclusters.build.pipeline import BUILD_INPUTS

    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(size) for size in args.sizes.split(",")):
            if n == 5:  # the package itself, copied (a build writes into the folder it builds)
                corpus = Path(tmp) / "package"
                corpus.mkdir()
                for name in BUILD_INPUTS:
                    (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, corpus / name)
            else:
                corpus = generate(ROOT, Path(tmp) / f"corpus-{n}", n)
            point: dict = {"reading_cpu_seconds": reading(corpus, args.repeat)}
            if args.builds:
                point["build_with_workers"] = build(corpus, True)
                point["build_in_one_process"] = build(corpus, False)
            result[n] = point
            print(json.dumps({n: point}), file=sys.stderr, flush=True)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
