"""Shared fixtures: the repository root and a scratch copy of the package's inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of everything the build reads (and the published files), to break safely."""
    for name in ("seeds", "readings", "schemas", "data"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("README.md", "datapackage.json"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


# Property tests: random in development, a fixed sequence in CI so a landing never depends on luck.
try:
    import os

    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, deadline=None)
    settings.register_profile("dev", deadline=None)
    settings.load_profile("ci" if os.environ.get("CI") else "dev")
except ImportError:  # pragma: no cover
    pass
