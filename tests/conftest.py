"""Shared fixtures: the repository root and a scratch copy of the package's inputs."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session", autouse=True)
def yaml_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh cache of parsed YAML for the test run (also for the builds tests start as subprocesses):
    the checkout's .cache/ is never read, so no test passes on an entry an older parser wrote."""
    import os

    folder = tmp_path_factory.mktemp("parsed-yaml")
    os.environ["SUPERCLUSTERS_YAML_CACHE"] = str(folder)
    return folder


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


@pytest.fixture(scope="session")
def package_frames() -> tuple[dict, dict]:
    """The real package's validated frames and its schemas, built once per test run (read them, never change them)."""
    from superclusters.build.pipeline import derive, load_inputs, validate

    inputs = load_inputs(ROOT)
    return validate(derive(inputs), inputs), inputs.schemas


@dataclass(frozen=True)
class BuiltRelease:
    archive: Path  # <dist>/v<version>/<name>-<version>.zip
    sums: Path  # <dist>/v<version>/SHA256SUMS
    pins: Path  # the pin file it wrote (<dist>/../pins.json)
    output: str  # what `make release` printed


@pytest.fixture(scope="session")
def built_release(tmp_path_factory: pytest.TempPathFactory) -> BuiltRelease:
    """ONE release of this checkout per test run (per xdist worker), made as `make release` makes it, through
    release.main: each build validates the zip with frictionless (about 2 s), and five tests built their own.
    Read it, never change it: a test that must break or extend it copies it first (copy_release)."""
    import contextlib
    import io

    from superclusters.build.release import main

    folder = tmp_path_factory.mktemp("release")
    pins, printed = folder / "pins.json", io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["--root", str(ROOT), "--dist", str(folder / "dist"), "--pins", str(pins)]) == 0
    (archive,) = (folder / "dist").glob("v*/*.zip")
    return BuiltRelease(archive, archive.parent / "SHA256SUMS", pins, printed.getvalue())


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout with nothing pinned, released as `make release` does (python -m superclusters.build.release)."""
    import subprocess
    import sys

    from superclusters.publish.release import EXTRA_FILES

    root = ROOT
    src = copy_package(tmp_path_factory.mktemp("flow") / "src")
    for name in (*EXTRA_FILES, "setup.py", "build.py"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, src / name)
    shutil.copytree(root / "superclusters", src / "superclusters", ignore=shutil.ignore_patterns("__pycache__", "_data"))
    (src / "superclusters" / "releases.json").write_text("{}\n")
    result = subprocess.run([sys.executable, "-m", "superclusters.build.release"], cwd=src, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0 and "no wheel built" not in result.stdout, result.stdout + result.stderr
    return src


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
