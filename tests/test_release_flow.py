"""The release flow a maintainer runs and a data user meets: `make release` cuts the release, pins it and builds
the wheel from the pinned state; that wheel, installed in a fresh venv beside the OLDEST pandas and pyarrow the
package supports, loads the release by version from a local server with no sha256=, and every span_text equals
its quote. One venv for the whole session (building it downloads the old packages once)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

from tests.http_site import Site

# pandas 2.0 and pyarrow 12 wheels are built against numpy 1.x: the oldest environment has the numpy they were made for.
OLDEST_COMPANIONS = ("numpy==1.24.4",)


def oldest_requirements(root: Path) -> list[str]:
    """Each dependency at the lower bound pyproject.toml states (so the test follows the stated range)."""
    dependencies = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pins = []
    for requirement in dependencies:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)(,<[0-9.]+)?", requirement)
        assert match, f"{requirement}: every dependency is a range with a lower bound"
        pins.append(f"{match[1]}=={match[2]}")
    return pins + list(OLDEST_COMPANIONS)


def run(*args: str, cwd: Path, env: dict | None = None, timeout: float = 900) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="session")
def oldest_venv(tmp_path_factory) -> Path:
    """A fresh venv holding only the oldest supported dependencies (from the package registry)."""
    root = Path(__file__).resolve().parent.parent
    folder = tmp_path_factory.mktemp("oldest-venv")
    run(sys.executable, "-m", "venv", str(folder), cwd=folder)
    run(str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *oldest_requirements(root), cwd=folder)
    return folder


def test_make_release_pins_before_it_builds_the_wheel(released):
    version = json.loads((released / "datapackage.json").read_text())["version"]
    folder = released / "dist" / f"v{version}"
    pins = json.loads((released / "superclusters" / "releases.json").read_text())
    assert list(pins) == [version]
    (wheel,) = folder.glob("*.whl")
    with zipfile.ZipFile(wheel) as zipped:
        assert json.loads(zipped.read("superclusters/releases.json")) == pins, "the wheel carries the pin of the release it was cut with"
        metadata = zipped.read(next(n for n in zipped.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist: ") and "extra ==" not in line]
    assert requires and not any("==" in r for r in requires), f"the wheel's dependencies are ranges: {requires}"
    top_level = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert {f"ai-superclusters-2024-{version}.zip", "ai-superclusters-2024.sqlite", "metadata.json", wheel.name, "SHA256SUMS"} <= set(top_level)
    listed = {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}
    assert set(top_level) - {"SHA256SUMS"} <= listed, "SHA256SUMS names every top-level asset"
    check = subprocess.run(["sha256sum", "-c", "--quiet", "--ignore-missing", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


USER_SCRIPT = r"""
import json, sys
import pandas, pyarrow
import superclusters
from superclusters import load, list_tables, span_text, seed_text, describe

version, base_url = sys.argv[1], sys.argv[2]
out = {"pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "version": superclusters.__version__, "where": superclusters.__file__}
claims = load("claims", version=version, base_url=base_url, timeout=60)    # no sha256=: the installed wheel pins it
out["rows"] = len(claims)
out["attrs"] = {k: claims.attrs[k] for k in ("table", "description", "version")} | {"quote": claims.attrs["columns"]["quote"]}
checked = mismatched = 0
for source in ({"version": version, "base_url": base_url}, {}):                  # the downloaded release, then the installed data
    for table in list_tables(**source):
        frame = load(table, **source)
        if "span_url" in frame.columns and "quote" in frame.columns:
            for url, quote in zip(frame["span_url"], frame["quote"]):
                checked += 1
                mismatched += span_text(url, **source) != quote
out["span_checked"], out["span_mismatched"] = checked, mismatched
out["tables"] = list_tables()
out["described_rows"] = describe("claims")["rows"]
out["seed_chars"] = len(seed_text(claims["article_id"].iloc[0], version=version, base_url=base_url))
out["dtypes"] = {c: str(claims[c].dtype) for c in ("char_start", "time_start", "quote")}
print(json.dumps(out))
"""


def test_the_released_wheel_installs_beside_the_oldest_pandas_and_loads_the_release_by_version(released, oldest_venv, tmp_path, root):
    version = json.loads((released / "datapackage.json").read_text())["version"]
    (wheel,) = (released / "dist" / f"v{version}").glob("*.whl")
    python = str(oldest_venv / "bin" / "python")
    before = run(python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check", cwd=tmp_path)
    # Nothing is fetched (--no-index) and nothing else is installed (--no-deps); `pip check` then proves every
    # dependency the wheel declares is met by the oldest versions.
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-index", "--force-reinstall", "--no-deps", str(wheel), cwd=tmp_path)
    run(python, "-m", "pip", "check", "--disable-pip-version-check", cwd=tmp_path)
    after = run(python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check", cwd=tmp_path)
    assert {line for line in before.splitlines()} <= {line for line in after.splitlines()}, "installing the wheel changed no dependency"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "user.py").write_text(USER_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "AI_SUPERCLUSTERS_RELEASES")}
    env["AI_SUPERCLUSTERS_CACHE"] = str(tmp_path / "cache")
    with Site(released / "dist") as site:
        result = json.loads(run(python, "user.py", version, site.url, cwd=elsewhere, env=env).splitlines()[-1])
    assert site.requests == [f"/v{version}/ai-superclusters-2024-{version}.zip"], "the pinned zip, and nothing else (no SHA256SUMS)"
    oldest = dict(line.split("==") for line in oldest_requirements(root))
    assert Version(result["pandas"]) == Version(oldest["pandas"]) and Version(result["pyarrow"]) == Version(oldest["pyarrow"])
    assert result["where"].startswith(str(oldest_venv)), "the installed wheel, not this checkout"
    assert result["version"] == version and result["rows"] > 0 and result["described_rows"] == result["rows"]
    assert result["attrs"]["table"] == "claims" and result["attrs"]["version"] == version and result["attrs"]["description"] and result["attrs"]["quote"]
    assert result["span_checked"] > 500 and result["span_mismatched"] == 0
    assert result["dtypes"] == {"char_start": "Int64", "time_start": "datetime64[ms]", "quote": "string"}
    assert result["tables"] == json.loads(run(sys.executable, "-c", "import superclusters, json; print(json.dumps(superclusters.list_tables()))", cwd=root))


def test_the_wheel_is_rebuilt_to_the_same_bytes(released, tmp_path):
    """Dated SOURCE_DATE_EPOCH like the zip: anyone rebuilding the tag gets the wheel the release holds."""
    from superclusters.build.release import build_wheel

    version = json.loads((released / "datapackage.json").read_text())["version"]
    (published,) = (released / "dist" / f"v{version}").glob("*.whl")
    assert build_wheel(released, tmp_path).read_bytes() == published.read_bytes()


def test_resum_refuses_a_zip_unpacked_beside_it_and_leaves_sha256sums_as_it_was(released, tmp_path):
    """`--resum` (the workflow adds the site's zip) over a release folder where the zip was unpacked in place:
    the unpacked files are no assets; SHA256SUMS was rewritten anyway, listing them twice, and left 0600."""
    from superclusters.errors import BuildError
    from superclusters.publish.release import resum

    version = json.loads((released / "datapackage.json").read_text())["version"]
    folder = tmp_path / f"v{version}"
    shutil.copytree(released / "dist" / f"v{version}", folder)
    (zip_path,) = folder.glob("*.zip")
    sums = folder / "SHA256SUMS"
    before = sums.read_bytes()
    assert oct(sums.stat().st_mode & 0o777) == "0o644" and oct((released / "superclusters" / "releases.json").stat().st_mode & 0o777) == "0o644"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extract("README.md", folder)
    with pytest.raises(BuildError, match=f"v{version}/README.md: is a file of the zip unpacked beside it"):
        resum(folder, zip_path.name)
    assert sums.read_bytes() == before
    (folder / "README.md").unlink()
    (folder / "extra-asset.txt").write_text("an asset added after make release\n")
    resum(folder, zip_path.name)
    assert "extra-asset.txt" in sums.read_text() and oct(sums.stat().st_mode & 0o777) == "0o644"
