"""The installed package carries the data: sdist -> wheel -> a fresh folder -> `load("claims")` offline, from anywhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pandas as pd

from superclusters.loader import load
from superclusters.publish.release import package_files


def source_tree(root: Path, target: Path) -> Path:
    """What the build reads: the packaging files, the code, and the released files (no .git, no venv, no stray data)."""
    for name in ("pyproject.toml", "setup.py", *package_files(root)):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target / name)
    shutil.copytree(root / "superclusters", target / "superclusters", ignore=shutil.ignore_patterns("__pycache__", "_data"))
    return target


def run(*args: str, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_the_wheel_built_from_the_sdist_loads_offline_from_any_folder(root, tmp_path):
    src = source_tree(root, tmp_path / "src")
    build_sdist = "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))"
    sdist_name = run(sys.executable, "-c", build_sdist, str(tmp_path / "sdist"), cwd=src).strip().splitlines()[-1]
    with tarfile.open(tmp_path / "sdist" / sdist_name) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    assert (unpacked / "data" / "claims.parquet").is_file(), "the sdist carries the data, so a wheel can be built from it"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "wheels"), str(unpacked), cwd=tmp_path)
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    run(*pip, "install", "--no-deps", "--no-index", "--target", str(tmp_path / "site"), str(wheel), cwd=tmp_path)
    shutil.rmtree(tmp_path / "src")
    shutil.rmtree(tmp_path / "unpacked")  # nothing but the installed package is left to read from

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import sys, superclusters\n"
        "from superclusters import load\n"
        "claims = load('claims')\n"
        "claims.to_pickle('claims.pkl')\n"
        "print(superclusters.__file__)\n"
        "print(sorted(m for m in ('requests', 'urllib3', 'pooch', 'frictionless', 'pandera') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PYTHONPATH=str(tmp_path / "site"), AI_SUPERCLUSTERS_RELEASES="http://127.0.0.1:9/unreachable", HTTPS_PROXY="http://127.0.0.1:9")
    location, imported = run(sys.executable, "-c", code, cwd=elsewhere, env=env).splitlines()[-2:]
    assert location.startswith(str(tmp_path / "site")), location
    assert imported == "[]", "loading the installed data needs no network and no build stack"
    installed = pd.read_pickle(elsewhere / "claims.pkl")
    pd.testing.assert_frame_equal(installed, load("claims", data_dir=root / "data"))
    assert len(installed) == len(pd.read_parquet(root / "data" / "claims.parquet"))
    data = tmp_path / "site" / "superclusters" / "_data"
    shipped = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file())
    assert shipped == package_files(root), "the wheel carries exactly the release's files"

    # What else a user of the wheel runs, from a folder that holds no package: the site, and the data's own
    # span check (span_text, seed_text), all from the installed copy.
    site = run(sys.executable, "-m", "superclusters.site", "--out", "site", cwd=elsewhere, env=env)
    assert "wrote site/" in site and (elsewhere / "site" / "index.html").is_file() and (elsewhere / "site" / "seeds").is_dir()
    spans = (
        "import superclusters\n"
        "claims = superclusters.load('claims')\n"
        "assert all(superclusters.span_text(u) == q for u, q in zip(claims.span_url, claims.quote))\n"
        "print(len(claims), superclusters.__version__, superclusters.load('events').attrs['description'][:20])\n"
    )
    count, version, _ = run(sys.executable, "-c", spans, cwd=elsewhere, env=env).split(" ", 2)
    assert int(count) == len(installed) and version == json.loads((root / "datapackage.json").read_text())["version"]

    # Hugging Face datasets reads the installed data folder too (its .huggingface.yaml ships in the wheel), offline.
    hf = "import datasets, superclusters.loader as l; print(datasets.load_dataset(str(l.package_root()), 'claims', split='train').num_rows)"
    hf_env = dict(env, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    assert int(run(sys.executable, "-c", hf, cwd=elsewhere, env=hf_env).split()[-1]) == len(installed)
