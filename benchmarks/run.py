"""Benchmark the real build: `build.py --root <synthetic corpus>` end to end, its phases, and its floor.

Prints one JSON object (and each scale point to stderr as it finishes). Usage (from the repository root):

    .venv/bin/python -m benchmarks.run                  # full run: N = 10, 100, 1000, 10000 (many minutes)
    .venv/bin/python -m benchmarks.run --sizes 10,100   # a quick look

Each scale point is one fresh interpreter running build.py's main() on a synthetic corpus (read, derive,
validate, write CSV and Parquet, read back, swap), so its wall time includes interpreter start and
imports and its peak memory (ru_maxrss of that child) is its own. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# Targets (issue 23): the five-article build at most this many times its import floor; at least this many
# articles a second end to end at N = 10,000 (a first build); at most this peak resident memory per process.
TARGET_FLOOR_RATIO = 1.3
TARGET_ARTICLES_PER_SECOND = 250
TARGET_PEAK_MB = 500
FLOOR_IMPORTS = "import pandas, pyarrow, pandera, frictionless"


def _fresh(code: str, cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system, its children's included) of a fresh interpreter running `code`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _interleaved(codes: dict[str, str], pairs: int) -> dict[str, dict[str, float]]:
    """Each code run `pairs` times, A B A B ... so that they share the machine's load; the best wall and CPU of each."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in codes}
    for _ in range(pairs):
        for name, code in codes.items():
            runs[name].append(_fresh(code))
    return {name: {"best_wall_seconds": round(min(w for w, _ in got), 3), "best_cpu_seconds": round(min(c for _, c in got), 3)} for name, got in runs.items()}


def build_against_floor(workdir: Path) -> dict:
    package = workdir / "package"  # a copy, so the benchmark never rewrites the checkout's data/
    package.mkdir()
    from superclusters.build.pipeline import BUILD_INPUTS, PUBLISHED

    for name in BUILD_INPUTS + PUBLISHED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, package / name)
        else:
            shutil.copy2(ROOT / name, package / name)
    build = f"import runpy, sys; sys.argv = ['build.py', '--root', {str(package)!r}]; runpy.run_path('build.py', run_name='__main__')"
    runs = _interleaved({"build": build, "floor": FLOOR_IMPORTS}, pairs=9)
    result = {"build": runs["build"], "floor": runs["floor"], "floor_imports": FLOOR_IMPORTS, "pairs": 9}
    result["ratio_wall"] = round(runs["build"]["best_wall_seconds"] / runs["floor"]["best_wall_seconds"], 3)
    result["ratio_cpu"] = round(runs["build"]["best_cpu_seconds"] / runs["floor"]["best_cpu_seconds"], 3)
    heavy = "print(sorted(m for m in ('pandas', 'pandera', 'frictionless', 'pyarrow') if m in sys.modules))"
    build_code = (
        f"import runpy, sys\ntry:\n    sys.argv = ['build.py', '--root', {str(package)!r}]; runpy.run_path('build.py', run_name='__main__')\n"
        f"except SystemExit:\n    pass\n{heavy}"
    )
    help_code = (
        "import runpy, sys\ntry:\n    sys.argv = ['build.py', '--help']; runpy.run_path('build.py', run_name='__main__')\n"
        f"except SystemExit:\n    pass\n{heavy}"
    )
    load_code = f"import sys\nfrom superclusters import load\nload('claims')\n{heavy}"
    for name, code in (("heavy_modules_after_build", build_code), ("heavy_modules_after_build_help", help_code), ("heavy_modules_after_load", load_code)):
        out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        result[name] = out.strip().splitlines()[-1]
    return result


# The phases of pipeline.build, in the order it runs them: (module, attribute, phase name). Each is wrapped
# by a timer in the measured process, so the figures are the real build's, not a re-enactment of it.
# (module, attribute, phase): the functions the streamed build (superclusters/build/stream.py) calls, timed where
# they are looked up. They do not overlap, except `write_csv` (CSV formatting), which is part of `write`.
PHASES = (
    ("superclusters.build.stream", "read_article", "read"),
    ("superclusters.build.stream", "derive_batch", "derive"),
    ("superclusters.build.stream", "corpus_tables", "derive"),
    ("superclusters.build.stream", "arrow_table", "type"),
    ("superclusters.check.validate", "table_problems", "validate"),
    ("superclusters.check.validate", "cross_table_problems", "validate"),
    ("superclusters.check.validate", "deferred_problems", "validate"),
    ("superclusters.publish.files", "TableFiles.write", "write"),
    ("superclusters.publish.files", "TableFiles.close", "write"),
    ("superclusters.publish.files", "csv_bytes_arrow", "write_csv"),
    ("superclusters.publish.verify", "streamed_read_back_problems", "read_back"),
    ("superclusters.publish.verify", "descriptor_problems", "read_back"),
)
NESTED = ("write_csv",)


def one_build(corpus: Path, one_process: bool = False) -> dict:
    """Run `build.py --root corpus` in this (fresh) process with a timer around each phase; print its figures.

    `write` is CSV and Parquet (and the spill the read-back compares with), `write_csv` the CSV formatting
    within it; `other` is the rest (sorting, the corpus summary, descriptors, Croissant, hashing, the swap).
    The garbage collector's own time is summed from gc.callbacks.
    """
    import gc
    import importlib
    import runpy

    started = time.perf_counter()
    sys.modules.setdefault("hypothesis", None)  # type: ignore[arg-type]  # as build.py does
    import pyarrow.parquet  # noqa: F401  # the libraries the build imports on its way (a phase would otherwise carry them)

    import superclusters.build.pipeline  # noqa: F401  # the imports build.py makes past --help
    import superclusters.build.stream

    if one_process:  # every phase in this process, where its timer sees it (the workers' phases are theirs)
        superclusters.build.stream.worker_count = lambda batches: 0
    import superclusters.publish.files  # noqa: F401
    import superclusters.publish.verify  # noqa: F401

    seconds: dict[str, float] = {"imports": time.perf_counter() - started}

    def timed(function, name):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    for module, attribute, name in PHASES:
        target = importlib.import_module(module)
        *owner, leaf = attribute.split(".")
        for step in owner:  # a method: patched on its class
            target = getattr(target, step)
        setattr(target, leaf, timed(getattr(target, leaf), name))
    gc_seconds, gc_start = [0.0], [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            gc_seconds[0] += time.perf_counter() - gc_start[0]

    gc.callbacks.append(on_gc)
    t0 = time.perf_counter()
    sys.argv = ["build.py", "--root", str(corpus)]
    try:
        runpy.run_path(str(ROOT / "build.py"), run_name="__main__")
    except SystemExit as exc:
        if exc.code:
            raise
    build_seconds = time.perf_counter() - t0
    counted = sum(v for k, v in seconds.items() if k not in ("imports", *NESTED))
    seconds["other"] = build_seconds - counted
    seconds["garbage_collector_within_phases"] = gc_seconds[0]
    n = sum(1 for _ in (corpus / "seeds").glob("*.txt"))
    rows = 0
    for path in (corpus / "data").glob("*.csv"):
        with path.open("rb") as f:
            rows += sum(1 for _ in f) - 1
    return {
        "n": n,
        "rows": rows,
        "phase_seconds": {k: round(v, 3) for k, v in seconds.items()},
        "gc_collections": [s["collections"] for s in gc.get_stats()],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # The worker processes (stream.worker_count of them, each batch and the read-back's tables): the largest one's peak.
        "workers": superclusters.build.stream.worker_count(2),
        "largest_worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def _measure(corpus: Path, one_process: bool = False) -> dict:
    """Wall time of a fresh interpreter building `corpus`; the child reports its own peak RSS (ru_maxrss)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [PYTHON, "-m", "benchmarks.run", "--one", str(corpus), *(["--one-process"] if one_process else [])]
    child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode:
        raise SystemExit(f"build of {corpus} failed:\n{child.stderr[-3000:]}")
    point = json.loads(child.stdout.strip().splitlines()[-1])
    point["wall_seconds"] = round(wall, 3)
    point["cpu_seconds_all_processes"] = round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 3)
    point["end_to_end_articles_per_second"] = round(point["n"] / wall, 1)
    # An upper bound of the processes' peaks at once: the build's own and each worker at the largest one's.
    point["peak_rss_mb_sum_bound"] = round(point["peak_rss_mb"] + point["workers"] * point["largest_worker_peak_rss_mb"], 1)
    return point


def targets(result: dict) -> dict:
    """Each target of issue 23 against what this run measured: met or not, with the number."""
    found: dict = {}
    floor = result.get("build")
    if floor:
        found["five_article_build_vs_import_floor"] = {
            "target": f"<= {TARGET_FLOOR_RATIO}",
            "measured_wall_ratio": floor["ratio_wall"],
            "measured_cpu_ratio": floor["ratio_cpu"],
            "met": floor["ratio_wall"] <= TARGET_FLOOR_RATIO,
        }
    largest = max(result.get("scale", []), key=lambda point: point["n"], default=None)
    if largest is not None and largest["n"] >= 10_000:
        rate, peak = largest["end_to_end_articles_per_second"], largest["peak_rss_mb"]
        found["articles_per_second_at_10000"] = {"target": f">= {TARGET_ARTICLES_PER_SECOND}", "measured": rate, "met": rate >= TARGET_ARTICLES_PER_SECOND}
        found["peak_mb_per_process_at_10000"] = {
            "target": f"<= {TARGET_PEAK_MB}",
            "measured_build_process": peak,
            "measured_largest_worker": largest["largest_worker_peak_rss_mb"],
            "workers": largest["workers"],
            "sum_bound": largest["peak_rss_mb_sum_bound"],
            "met": max(peak, largest["largest_worker_peak_rss_mb"]) <= TARGET_PEAK_MB,
        }
    return found


def linearity(scale: list[dict]) -> dict:
    """Scaling with the fixed cost (interpreter, imports, schemas: the smallest build) taken out."""
    by_n = {point["n"]: point for point in scale}
    smallest = by_n[min(by_n)]
    fixed = smallest["wall_seconds"]
    result: dict = {"fixed_seconds_smallest_build": fixed}
    result["per_article_ms_above_fixed"] = {n: round(1000 * (p["wall_seconds"] - fixed) / n, 3) for n, p in by_n.items() if n != min(by_n)}
    if 1000 in by_n and 10000 in by_n:
        variable = {n: by_n[n]["wall_seconds"] - fixed for n in (1000, 10000)}
        result["t10000_over_t1000_fixed_removed"] = round(variable[10000] / variable[1000], 2)
        result["t10000_over_t1000_raw"] = round(by_n[10000]["wall_seconds"] / by_n[1000]["wall_seconds"], 2)
        result["peak_rss_10000_over_1000"] = round(by_n[10000]["peak_rss_mb"] / by_n[1000]["peak_rss_mb"], 2)
    return result


def validation_throughput(corpus: Path, workdir: Path) -> dict:
    """Own validation (vectorised pandera + cross-table) against frictionless on the same published files."""
    import pyarrow.parquet as pq
    from frictionless import Package

    from superclusters.build.pipeline import build
    from superclusters.check.schemas import TABLES, load_schemas
    from superclusters.publish.verify import verify_package

    folder = workdir / "published"
    shutil.copytree(corpus, folder)
    build(folder)
    schemas = load_schemas(folder / "schemas")
    rows = sum(pq.read_metadata(folder / "data" / f"{table}.parquet").num_rows for table in TABLES)
    texts = {path.stem: path.read_bytes().decode("utf-8") for path in sorted((folder / "seeds").glob("*.txt"))}
    start = time.perf_counter()
    own = verify_package(folder, schemas, texts)  # reads CSV and Parquet back: 2 x rows
    own_seconds = time.perf_counter() - start
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("format") == "csv"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    start = time.perf_counter()
    report = Package(str(folder / "datapackage.json")).validate()
    fl_seconds = time.perf_counter() - start
    return {
        "n": len(texts),
        "rows_per_format": rows,
        "own_validation_seconds_csv_and_parquet": round(own_seconds, 2),
        "own_rows_per_second": round(2 * rows / own_seconds),
        "own_valid": not own,
        "frictionless_seconds_csv": round(fl_seconds, 2),
        "frictionless_rows_per_second": round(rows / fl_seconds),
        "frictionless_valid": report.valid,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--no-floor", action="store_true", help="skip the five-article build against the bare imports")
    parser.add_argument("--throughput", action="store_true", help="also compare own validation with frictionless at N = 1,000")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--one-process", action="store_true", help="no worker processes, so every phase is timed (with workers, the phases are the build process's own)"
    )
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_build(args.one, args.one_process)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    from benchmarks.synthetic import generate

    result: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpu_model": _cpu_model(),
        },
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.no_floor:
            result["build"] = build_against_floor(work)
        scale = []
        for n in sizes:
            corpus = generate(ROOT, work / f"corpus-{n}", n)
            point = _measure(corpus, args.one_process)
            print(json.dumps(point), file=sys.stderr, flush=True)  # progress: the 10,000 point takes minutes
            scale.append(point)
            if args.throughput and n == 1000:
                generate(ROOT, work / "corpus-throughput", n)
                result["validation_throughput"] = validation_throughput(work / "corpus-throughput", work)
            shutil.rmtree(corpus)
        result["scale"] = scale
        result["linearity"] = linearity(scale)
    result["targets"] = targets(result)
    print(json.dumps(result, indent=2))
    for name, verdict in result["targets"].items():
        print(f"{name}: {'met' if verdict['met'] else 'NOT MET'} ({ {k: v for k, v in verdict.items() if k != 'met'} })", file=sys.stderr)
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
