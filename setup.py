"""Put the published dataset inside the wheel, from the same file list the release zip uses.

The data is stated once: `superclusters.publish.release.package_files` derives the list from
datapackage.json (plus README, CHANGELOG, LICENSE and the figure). At wheel-build time `build_py`
copies those files into `superclusters/_data/`, where `superclusters.load()` finds them, so nothing
is committed twice. The sdist gets the same files (so a wheel can be built from it). Editable
installs copy nothing: they read the checkout's own data/. All other metadata is in pyproject.toml.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent


def _released_files() -> list[tuple[str, bytes]]:
    """(path, bytes) of every file the release ships; refuses symlinks and unlisted files exactly as the release does."""
    sys.path.insert(0, str(ROOT))
    try:
        from superclusters.publish.release import members
    finally:
        sys.path.remove(str(ROOT))
    return members(ROOT)


class BuildPyWithData(build_py):
    """build_py, then the package's data into superclusters/_data/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "superclusters" / "_data"
        if target.exists():
            shutil.rmtree(target)
        for path, data in _released_files():
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_bytes(data)


class SdistWithData(sdist):
    """sdist, plus the package's data files, so that a wheel built from the sdist carries them too."""

    def make_distribution(self) -> None:
        self.filelist.extend(path for path, _ in _released_files())
        super().make_distribution()


setup(cmdclass={"build_py": BuildPyWithData, "sdist": SdistWithData})
