"""Every code block of the README's "Download and use" section runs as written, against a release cut the way
`make release` cuts it (tests/conftest.py `released`: pinned, wheel built after the pin) and served from 127.0.0.1.

Only two things differ from a user's machine: the http.server of the README is this test's own server on a free
port (the README's http://127.0.0.1:8000 is replaced by its address), and the README's scratch venv
/tmp/superclusters-user is made inside this test's temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.http_site import Site

README_PORT_URL = "http://127.0.0.1:8000"
README_VENV = "/tmp/superclusters-user"
SETUP_MARKERS = ("make release", "http.server")  # what the `released` fixture did: cut the release; the test serves it


def section(root: Path) -> str:
    readme = (root / "README.md").read_text(encoding="utf-8")
    return readme.split("## Download and use\n", 1)[1].split("\n## ", 1)[0]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_no_placeholder_urls(root):
    text = section(root)
    assert "example.org" not in text and "<sha256" not in text


def run_shell(block: str, cwd: Path, env: dict) -> str:
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, f"{block}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout


def test_download_and_use_examples_run_against_a_released_checkout(root, released, tmp_path):
    text = section(root)
    version = json.loads((released / "datapackage.json").read_text())["version"]
    assert version in text, "the README's examples name the current version"
    shell = blocks(text, "sh")
    python = blocks(text, "python")
    setup = [b for b in shell if any(m in b for m in SETUP_MARKERS)]
    install = [b for b in shell if "pip install" in b and b not in setup]
    checks = [b for b in shell if b not in setup and b not in install]
    assert len(setup) == 1 and len(install) == 1 and len(checks) == 2 and len(python) == 3

    # The checkout as `make release` left it: its dist/ (copied, the blocks unpack into it) and the .venv make made.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copytree(released / "dist", checkout / "dist")
    (checkout / ".venv").symlink_to(Path(sys.prefix))
    user_venv = tmp_path / "superclusters-user"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")  # the user's default cache, kept out of the real one

    # Install the wheel the release flow built into a fresh venv, as written (the package index supplies pandas & co).
    printed = run_shell(install[0].replace(README_VENV, str(user_venv)), checkout, env)
    assert printed.splitlines()[-1].startswith(version), printed[-2000:]

    # The Python block, in that venv, from another folder: offline data, then the release by version with no sha256=.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "user.py").write_text(python[0] + "\nprint(len(claims), len(tables), claims.attrs['version'])\n", encoding="utf-8")
    with Site(checkout / "dist") as site:
        (elsewhere / "user.py").write_text((elsewhere / "user.py").read_text().replace(README_PORT_URL, site.url))
        result = subprocess.run([str(user_venv / "bin" / "python"), "user.py"], cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        requests = list(site.requests)
    zip_path = f"/v{version}/ai-superclusters-2024-{version}.zip"
    assert requests == [zip_path], "the pinned release is fetched once, with no SHA256SUMS, then read from the cache"
    rows, tables, loaded_version = result.stdout.split()
    assert int(rows) > 0 and int(tables) >= 16 and loaded_version == version

    # Check and unpack the files by hand, then read them with pandas and DuckDB, then frictionless on the zip.
    run_shell(checks[0], checkout, env)
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(checkout)
    try:
        for block in python[1:]:
            exec(block, namespace)  # noqa: S102 - the README's own examples
    finally:
        os.chdir(cwd)
    assert len(namespace["claims"]) == int(rows) and len(namespace["cortex_claims"]) > 0
    assert set(namespace["cortex_claims"]["property"]) >= {"gpu_count", "power_mw"}
    report = run_shell(checks[1], checkout, env)
    assert "valid" in report.lower() or report == "", report


def test_a_shell_block_that_fails_is_caught(tmp_path):
    """The harness above really notices a failing check (sha256sum on a changed file)."""
    (tmp_path / "f").write_text("a")
    (tmp_path / "SUMS").write_text("0" * 64 + "  f\n")
    with pytest.raises(AssertionError):
        run_shell("sha256sum -c --quiet SUMS", tmp_path, dict(os.environ))
