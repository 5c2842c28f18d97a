"""Every code block of the README's "Download and use" section runs as written, against dist/ served from 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from superclusters import loader
from superclusters.publish.release import read_pins
from tests.conftest import copy_release
from tests.http_site import Site

README_PORT_URL = "http://127.0.0.1:8000"
SETUP_MARKERS = ("make release", "http.server")  # what the test does itself: build dist/ and serve it


def section(root: Path) -> str:
    readme = (root / "README.md").read_text(encoding="utf-8")
    return readme.split("## Download and use\n", 1)[1].split("\n## ", 1)[0]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_no_placeholder_urls(root):
    text = section(root)
    assert "example.org" not in text and "<sha256" not in text


def test_download_and_use_examples_run_against_a_local_release(root, tmp_path, monkeypatch, built_release):
    text = section(root)
    version = json.loads((root / "datapackage.json").read_text())["version"]
    setup_blocks = [b for b in blocks(text, "sh") if any(m in b for m in SETUP_MARKERS)]
    shell_blocks = [b for b in blocks(text, "sh") if b not in setup_blocks]
    python_blocks = blocks(text, "python")
    assert len(setup_blocks) == 1 and len(shell_blocks) >= 2 and len(python_blocks) >= 3

    # What `make release` made (the run's shared release, copied: the shell blocks unpack into it) and what the
    # README's http.server line serves, in this test's own folder.
    copy_release(built_release, tmp_path / "dist")
    monkeypatch.setitem(loader.KNOWN_RELEASES, version, read_pins(built_release.pins)[version])
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the default cache, kept out of the real one
    monkeypatch.chdir(tmp_path)

    def as_written(block: str) -> str:
        return block.replace("1.0.0", version)

    with Site(tmp_path / "dist") as site:
        namespace: dict = {}
        for block in python_blocks:
            if "read_parquet" in block:
                continue  # reads the unpacked folder: run after the shell blocks below
            exec(as_written(block).replace(README_PORT_URL, site.url), namespace)  # noqa: S102 - the README's own examples
        downloaded = list(site.requests)
    assert f"/v{version}/ai-superclusters-2024-{version}.zip" in downloaded
    assert not any(r.endswith("SHA256SUMS") for r in downloaded), "a pinned release needs no server checksums"
    assert len(namespace["claims"]) > 0 and set(namespace["tables"]) == set(loader.TABLES)

    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    for block in shell_blocks:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", as_written(block)], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert result.returncode == 0, f"{block}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    for block in python_blocks:
        if "read_parquet" in block:
            exec(as_written(block), namespace)  # noqa: S102
    assert len(namespace["claims"]) > 0


def test_a_shell_block_that_fails_is_caught(tmp_path):
    """The harness above really notices a failing check (sha256sum on a changed file)."""
    (tmp_path / "f").write_text("a")
    (tmp_path / "SUMS").write_text("0" * 64 + "  f\n")
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run(["bash", "-euo", "pipefail", "-c", "sha256sum -c --quiet SUMS"], cwd=tmp_path, check=True, capture_output=True)
