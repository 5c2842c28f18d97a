"""Benchmark the build: its cost against the bare imports, how it scales, and validation throughput.

Prints one JSON object. Usage (from the repository root):

    .venv/bin/python -m benchmarks.run                  # full run: N = 10, 100, 1000, 10000 (several minutes)
    .venv/bin/python -m benchmarks.run --sizes 10,100   # a quick look

Each scale point runs in a fresh process, so its peak memory (ru_maxrss) is its own.
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


def _fresh(code: str, cwd: Path = ROOT) -> float:
    """Wall seconds of a fresh interpreter running `code`."""
    start = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def _best(code: str, repeat: int = 5) -> float:
    return min(_fresh(code) for _ in range(repeat))


def build_against_floor(workdir: Path) -> dict:
    package = workdir / "package"  # a copy, so the benchmark never rewrites the checkout's data/
    package.mkdir()
    from superclusters.pipeline import BUILD_INPUTS, PUBLISHED

    for name in BUILD_INPUTS + PUBLISHED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, package / name)
        else:
            shutil.copy2(ROOT / name, package / name)
    build = f"import runpy, sys; sys.argv = ['build.py', '--root', {str(package)!r}]; runpy.run_path('build.py', run_name='__main__')"
    imports_stated = "import pandas, pyarrow, pyarrow.parquet, pandera.pandas, frictionless"
    imports_used = "import pandas, pyarrow, pyarrow.parquet, pandera.pandas, yaml"
    result = {
        "build_seconds": _best(build),
        "floor_seconds_pandas_pyarrow_pandera_frictionless": _best(imports_stated),
        "floor_seconds_imports_the_build_uses": _best(imports_used),
    }
    result["ratio_vs_stated_floor"] = result["build_seconds"] / result["floor_seconds_pandas_pyarrow_pandera_frictionless"]
    result["ratio_vs_used_imports"] = result["build_seconds"] / result["floor_seconds_imports_the_build_uses"]
    heavy = "print(sorted(m for m in ('pandas', 'pandera', 'frictionless', 'pyarrow') if m in sys.modules))"
    help_code = (
        "import runpy, sys\ntry:\n    sys.argv = ['build.py', '--help']; runpy.run_path('build.py', run_name='__main__')\n"
        f"except SystemExit:\n    pass\n{heavy}"
    )
    load_code = f"import sys\nfrom superclusters import load\nload('claims')\n{heavy}"
    for name, code in (("heavy_modules_after_build_help", help_code), ("heavy_modules_after_load", load_code)):
        out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        result[name] = out.strip().splitlines()[-1]
    return result


def one_size(corpus: Path) -> dict:
    """Derive and validate one synthetic corpus in this process; called in a fresh process per size."""
    from superclusters import pipeline
    from superclusters.schemas import TABLES, frame
    from superclusters.validate import validate_frames

    t0 = time.perf_counter()
    inputs = pipeline.load_inputs(corpus)
    t1 = time.perf_counter()
    tables = pipeline.derive(inputs)
    t2 = time.perf_counter()
    frames = {name: frame(tables[name], inputs.schemas[name]) for name in TABLES}
    problems = validate_frames(frames, inputs.schemas, {seed.article_id: seed.text for seed, _ in inputs.pairs})
    t3 = time.perf_counter()
    if problems:
        raise SystemExit(f"synthetic corpus does not validate: {problems[:3]}")
    n = len(inputs.pairs)
    return {
        "n": n,
        "rows": sum(len(tables[name]) for name in TABLES),
        "read_seconds": round(t1 - t0, 3),
        "derive_seconds": round(t2 - t1, 3),
        "validate_seconds": round(t3 - t2, 3),
        "derive_validate_articles_per_second": round(n / (t3 - t1), 1),
        "end_to_end_articles_per_second": round(n / (t3 - t0), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def validation_throughput(corpus: Path, workdir: Path) -> dict:
    """Own validation (vectorised pandera + cross-table) against frictionless on the same published files."""
    from frictionless import Package

    from superclusters.pipeline import derive, load_inputs, validate
    from superclusters.publish import render
    from superclusters.verify import verify_package

    inputs = load_inputs(corpus)
    frames = validate(derive(inputs), inputs)
    folder = workdir / "published"
    for path, data in render(frames, inputs.schemas, inputs.seed_bytes, "0.0.0").items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    shutil.copytree(corpus / "schemas", folder / "schemas")
    shutil.copytree(corpus / "seeds", folder / "seeds")
    rows = sum(len(df) for df in frames.values())
    texts = {seed.article_id: seed.text for seed, _ in inputs.pairs}
    start = time.perf_counter()
    own = verify_package(folder, inputs.schemas, texts)  # reads CSV and Parquet back: 2 x rows
    own_seconds = time.perf_counter() - start
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("format") == "csv"]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    start = time.perf_counter()
    report = Package(str(folder / "datapackage.json")).validate()
    fl_seconds = time.perf_counter() - start
    return {
        "n": len(inputs.pairs),
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
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--throughput", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        sys.modules.setdefault("hypothesis", None)  # as build.py does: pandera's optional strategies are not used
        print(json.dumps(one_size(args.one)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    from benchmarks.synthetic import generate

    result: dict = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(), "processor": platform.machine()},
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result["build"] = build_against_floor(work)
        scale = []
        for n in sizes:
            corpus = generate(ROOT, work / f"corpus-{n}", n)
            out = subprocess.run([PYTHON, "-m", "benchmarks.run", "--one", str(corpus)], cwd=ROOT, check=True, capture_output=True, text=True).stdout
            scale.append(json.loads(out))
            if n != max(sizes):
                shutil.rmtree(corpus)
        result["scale"] = scale
        by_n = {point["n"]: point for point in scale}
        if 1000 in by_n and 10000 in by_n:
            work_time = {n: by_n[n]["derive_seconds"] + by_n[n]["validate_seconds"] for n in (1000, 10000)}
            total_time = {n: work_time[n] + by_n[n]["read_seconds"] for n in (1000, 10000)}
            result["scaling_ratio_10000_over_1000"] = {
                "derive_validate": round(work_time[10000] / work_time[1000], 2),
                "end_to_end": round(total_time[10000] / total_time[1000], 2),
                "peak_rss": round(by_n[10000]["peak_rss_mb"] / by_n[1000]["peak_rss_mb"], 2),
            }
        result["validation_throughput"] = validation_throughput(work / f"corpus-{max(sizes)}", work)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
