"""The same inputs give byte-identical files, whichever folder and whatever file-listing order."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import copy_package

from superclusters.build.pipeline import build


def outputs(folder: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted((folder / "data").iterdir())}
    files["datapackage.json"] = (folder / "datapackage.json").read_bytes()
    return files


def test_two_builds_in_separate_folders_are_byte_identical(root, tmp_path):
    first = copy_package(tmp_path / "first")
    second = copy_package(tmp_path / "second")
    shutil.rmtree(first / "data")
    shutil.rmtree(second / "data")
    build(first)
    build(second)
    assert outputs(first) == outputs(second)
    assert outputs(first) == outputs(root)


def test_output_does_not_depend_on_file_listing_order(root, tmp_path, monkeypatch):
    folder = copy_package(tmp_path / "reversed")
    real_iterdir, real_glob = Path.iterdir, Path.glob
    monkeypatch.setattr(Path, "iterdir", lambda self: iter(sorted(real_iterdir(self), reverse=True)))
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter(sorted(real_glob(self, pattern), reverse=True)))
    build(folder)
    monkeypatch.undo()
    assert outputs(folder) == outputs(root)
