"""Shared fixtures: the repository root and a scratch copy of the package's inputs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


from superclusters.build.pipeline import BUILD_INPUTS, PUBLISHED  # noqa: E402

INPUTS = BUILD_INPUTS + PUBLISHED


def copy_package(target: Path) -> Path:
    """Copy everything the build reads (and the published files) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name)
        else:
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="session")
def clean_package_frictionless_report() -> dict:
    """frictionless' report on the committed package, made once per run (about 2 s each; several test
    files made it): `errors` as (resource, error type, message), and the names of the `validated` resources."""
    from frictionless import Package

    report = Package(str(ROOT / "datapackage.json")).validate()
    return {
        "errors": [(task.name, e.type, e.message) for task in report.tasks for e in task.errors],
        "validated": {task.name for task in report.tasks},
    }


def staged_files(root: Path, folder: Path) -> tuple[dict[str, bytes], dict[str, bytes], Any]:
    """What a build of the package at `root` publishes, made by the build's one path (`stream.stage` into
    `folder`, then the descriptor, Croissant and README): (files by path, top-level extras such as README.md,
    the Staged record); nothing is published."""
    from superclusters.build.pipeline import staged_extras
    from superclusters.build.stream import stage

    staged = stage(root, folder)
    extras, also = staged_extras(root, staged)
    files = {path: (folder / path).read_bytes() for path in staged.files}
    return {**files, **extras}, also, staged


@dataclass(frozen=True)
class StagedPackage:
    folder: Path  # the scratch folder the build wrote data/ into
    files: dict  # every published file's bytes, by path
    staged: Any  # stream.Staged: what the descriptor and the README are made from


@pytest.fixture(scope="session")
def package_staged(tmp_path_factory: pytest.TempPathFactory) -> StagedPackage:
    """The real package as the build's one path makes it, staged once per test run (read it, never change it)."""
    folder = tmp_path_factory.mktemp("package-staged")
    files, _, staged = staged_files(ROOT, folder)
    return StagedPackage(folder, files, staged)


@pytest.fixture(scope="session")
def package_tables(package_staged: StagedPackage) -> tuple[dict, dict]:
    """The real package's tables as the build writes them (read back from the staged Parquet files as Arrow
    tables), and its schemas (read them, never change them)."""
    import pyarrow.parquet as pq

    from superclusters.check.schemas import TABLES

    tables = {t: pq.read_table(package_staged.folder / "data" / f"{t}.parquet") for t in TABLES}
    return tables, package_staged.staged.schemas


@pytest.fixture(scope="session")
def package_frames(package_tables) -> tuple[dict, dict]:
    """The same tables as pandas frames with the dtypes the validator of record (pandera) checks, as
    `build.py --verify` reads a published Parquet file (read them, never change them)."""
    from superclusters.check.schemas import pandas_frame

    tables, schemas = package_tables
    return {t: pandas_frame(table, schemas[t]) for t, table in tables.items()}, schemas


@dataclass(frozen=True)
class BuiltRelease:
    archive: Path  # <dist>/v<version>/<name>-<version>.zip
    sums: Path  # <dist>/v<version>/SHA256SUMS
    pins: Path  # the pin file it wrote (<dist>/../pins.json)
    output: str  # what `make release` printed


def shared_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once per test run, whichever xdist worker asks first; the others wait for it (a
    file lock) and reuse it. Without xdist it is simply made once. A failed `make` leaves no folder behind, so
    every worker that needs it fails with the same error instead of reading half of it."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker has its own basetemp under the run's shared one
        base = base.parent
    folder, done = base / f"shared-{name}", base / f"shared-{name}.done"
    with FileLock(str(base / f"shared-{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            done.touch()
    return folder


@pytest.fixture(scope="session")
def built_release(tmp_path_factory: pytest.TempPathFactory) -> BuiltRelease:
    """ONE release of this checkout per test run (shared by the xdist workers), made as `make release` makes it,
    through release.main: each build validates the zip with frictionless (about 2 s), and five tests built their
    own. Read it, never change it: a test that must break or extend it copies it first (copy_release)."""

    def make(folder: Path) -> None:
        import contextlib
        import io

        from superclusters.build.release import main

        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(["--root", str(ROOT), "--dist", str(folder / "dist"), "--pins", str(folder / "pins.json")]) == 0
        (folder / "printed.txt").write_text(printed.getvalue(), encoding="utf-8")

    folder = shared_once(tmp_path_factory, "release", make)
    (archive,) = (folder / "dist").glob("v*/*.zip")
    return BuiltRelease(archive, archive.parent / "SHA256SUMS", folder / "pins.json", (folder / "printed.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout with nothing pinned, released as `make release` does (python -m
    superclusters.build.release), once per test run (shared by the xdist workers; read it, never change it)."""

    def make(folder: Path) -> None:
        import subprocess
        import sys

        from superclusters.publish.release import EXTRA_FILES

        src = copy_package(folder / "src")
        for name in (*EXTRA_FILES, "setup.py", "build.py"):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
        shutil.copytree(ROOT / "superclusters", src / "superclusters", ignore=shutil.ignore_patterns("__pycache__", "_data"))
        (src / "superclusters" / "releases.json").write_text("{}\n")
        result = subprocess.run([sys.executable, "-m", "superclusters.build.release"], cwd=src, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0 and "no wheel built" not in result.stdout, result.stdout + result.stderr

    return shared_once(tmp_path_factory, "released", make) / "src"


def problems_of(root: Path) -> list[str]:
    """Every problem the build finds in the package at `root` (the build's one path, staged into a scratch
    folder; nothing is published)."""
    import tempfile

    from superclusters.build.stream import stage
    from superclusters.errors import BuildError

    with tempfile.TemporaryDirectory() as scratch:
        try:
            stage(root, Path(scratch))
        except BuildError as failure:
            return [str(p) for p in failure.problems]
    return []


def derive_one(seed_text: str, registry_yaml: str, reading_yaml: str) -> tuple[dict, list[str]]:
    """The tables the build's derive step makes of one hand-made article (seed 000_0000000000000000.txt), and
    every problem it finds, as lines."""
    from superclusters.check.schemas import load_schemas
    from superclusters.derive import Vocabulary, derive_tables
    from superclusters.errors import Collector
    from superclusters.inputs.reading_schema import reading_schema
    from superclusters.inputs.readings import parse_reading, parse_registry
    from superclusters.inputs.seeds import decode_seed, sha256_hex

    schemas = load_schemas(ROOT / "schemas")
    problems = Collector()
    registry = parse_registry(registry_yaml, "readings/entities.yaml", problems)
    reading = parse_reading(reading_yaml, "readings/000_0000000000000000.yaml", problems, reading_schema(schemas))
    seed = decode_seed("000_0000000000000000.txt", seed_text.encode(), sha256_hex(seed_text.encode()))
    tables = derive_tables([(seed, reading)], registry, Vocabulary.from_schemas(schemas), problems) if reading else {}
    return tables, [str(p) for p in problems.problems]


def copy_release(release: BuiltRelease, target: Path) -> Path:
    """A writable copy of the shared release's dist/ folder at `target`; returns it."""
    shutil.copytree(release.archive.parent.parent, target)
    return target


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the package's inputs and outputs, to break safely."""
    return copy_package(tmp_path / "package")


# Property tests: random in development, a fixed sequence in CI so a landing never depends on luck.
try:
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, deadline=None)
    settings.register_profile("dev", deadline=None)
    settings.load_profile("ci" if os.environ.get("CI") else "dev")
except ImportError:  # pragma: no cover
    pass
