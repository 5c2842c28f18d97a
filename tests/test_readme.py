"""Every README code block a user would run is run here as written (the "Download and use" section's in
tests/test_readme_download.py, the Datasette command in tests/test_sqlite.py, the Quick start by CI), and a block
added to the README without a test that runs it fails `test_every_block_is_run_by_a_test`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HOMEPAGE = "https://github.com/ai-superclusters-2024/ai-superclusters-2024.git"

# Section -> {language: number of blocks}, each run by the test named beside it; a README block not counted here fails.
RUN_BY = {
    "Use the data now": ({"sh": 1, "python": 1}, "test_use_the_data_now_on_a_fresh_clone"),
    "Quick start": ({"sh": 1}, "tests/test_ci.py: CI runs `make test`; test_make_build_installs_only_the_build_group"),
    "Download and use": ({"sh": 4, "python": 3}, "tests/test_readme_download.py"),
    "SQLite and Datasette": ({"sh": 2, "python": 1}, "test_sqlite_examples_run (make sqlite, sqlite3); tests/test_sqlite.py (datasette)"),
    "Hugging Face datasets": ({"python": 1}, "test_hugging_face_example_runs_offline"),
    "Load the data": ({"python": 7, "r": 1}, "test_load_examples_run (R is not installed here: the r block is the one not run)"),
    "Cite": ({"bibtex": 1}, "tests/test_cite.py compares it with croissant.json (not code)"),
    "Validate": ({"sh": 1}, "test_validate_commands_run"),
}


def sections(readme: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", readme, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def readme_section(root: Path, name: str) -> str:
    return sections((root / "README.md").read_text(encoding="utf-8"))[name]


def opening_fences(text: str) -> list[str]:
    """The language of every fenced block in `text`, in order ("" for a block that names none)."""
    languages, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            if not inside:
                languages.append(line[3:].strip())
            inside = not inside
    return languages


def test_every_block_is_run_by_a_test(root):
    found = {}
    for name, text in sections((root / "README.md").read_text(encoding="utf-8")).items():
        counts: dict[str, int] = {}
        for language in opening_fences(text):
            counts[language] = counts.get(language, 0) + 1
        if counts:
            found[name] = counts
    assert found == {name: counts for name, (counts, _) in RUN_BY.items()}, "a README block was added or moved: run it in a test and count it here"


def test_every_span_link_in_the_readme_is_a_real_rows(root):
    import superclusters

    spans = set()
    for table in superclusters.list_tables():
        frame = superclusters.load(table)
        for column in (c for c in frame.columns if c.endswith("span_url")):
            spans.update(u for u in frame[column] if isinstance(u, str))
    links = re.findall(r"seeds/[0-9]{3}_[0-9a-f]{16}\.txt#char=[0-9]+,[0-9]+", (root / "README.md").read_text(encoding="utf-8"))
    assert links and set(links) <= spans, set(links) - spans


def run(block: str, cwd: Path, env: dict | None = None, timeout: float = 900) -> str:
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout)
    assert result.returncode == 0, f"{block}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def checkout_copy(root: Path, target: Path) -> Path:
    """What `git clone` gives: every file git tracks (or would, for files not committed yet), as they are now."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (root / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, target / name)
    return target


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def test_use_the_data_now_on_a_fresh_clone(root, tmp_path):
    """The data user's path, on a fresh "clone" with a fresh venv: the install line as written, then the Python block."""
    text = readme_section(root, "Use the data now")
    (shell,) = blocks(text, "sh")
    (python,) = blocks(text, "python")
    lines = shell.strip().splitlines()
    assert lines[:2] == [f"git clone {HOMEPAGE}", "cd ai-superclusters-2024"], "clone and cd come first (done here by copying)"
    clone = checkout_copy(root, tmp_path / "ai-superclusters-2024")
    run("\n".join(lines[2:]), clone, clean_env())
    (clone / "user.py").write_text(python, encoding="utf-8")
    result = subprocess.run([str(clone / ".venv" / "bin" / "python"), "user.py"], cwd=clone, capture_output=True, text=True, env=clean_env(), timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    printed = result.stdout.splitlines()
    assert printed[0].startswith("['articles', 'sentences', 'claims'") and "One row per quantity" in printed[1]


def test_load_examples_run(root):
    section = readme_section(root, "Load the data")
    python = blocks(section, "python")
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for block in python:
            exec(block, namespace)  # noqa: S102 - the README's own examples
    finally:
        os.chdir(cwd)
    claims, claims_csv = namespace["claims"], namespace["claims_csv"]
    assert len(claims) == len(claims_csv) > 0
    assert str(claims["char_start"].dtype) == "Int64" and str(claims_csv["char_start"].dtype) == "Int64"
    assert (claims["quote"] == claims_csv["quote"]).all()
    # the DuckDB and Polars examples return the same rows pandas sees
    assert len(namespace["cortex_links"]) > 0 and set(namespace["cortex_links"]["predicate"]) >= {"owns", "located_in"}
    assert len(namespace["event_organisations_db"]) == len(namespace["events_pl"].drop_nulls("organisation_ids"))
    import pandas as pd

    groups = pd.read_parquet(root / "data" / "claim_groups.parquet")
    assert namespace["verdicts"].height == int((groups["article_count"] > 1).sum()) > 0
    assert len(namespace["claim_records"]) == len(claims)


def test_sqlite_examples_run(root, tmp_path):
    """`make sqlite` in a copy of the checkout (its .venv the one make built for the tests), then the sqlite3 block."""
    text = readme_section(root, "SQLite and Datasette")
    make, datasette = blocks(text, "sh")
    (python,) = blocks(text, "python")
    assert make.split("#")[0].strip() == "make sqlite" and datasette.strip().startswith("datasette dist/")
    copy = checkout_copy(root, tmp_path / "checkout")
    (copy / ".venv").symlink_to(Path(sys.prefix))
    run(make, copy, clean_env())
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        exec(python, namespace)  # noqa: S102 - the README's own example
    finally:
        os.chdir(cwd)
    import pandas as pd

    claims = pd.read_parquet(root / "data" / "claims.parquet")
    assert len(namespace["gpu_claims"]) == int((claims["property"] == "gpu_count").sum()) > 0
    events = pd.read_parquet(root / "data" / "events.parquet")
    assert len(namespace["event_organisations_sql"]) == int(events["organisation_ids"].map(lambda v: 0 if v is None else len(v)).sum())


def test_hugging_face_example_runs_offline(root, tmp_path):
    (python,) = blocks(readme_section(root, "Hugging Face datasets"), "python")
    env = dict(clean_env(), HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    script = python + "\nprint(claims_hf.num_rows)\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    import pandas as pd

    assert int(result.stdout.split()[-1]) == len(pd.read_parquet(root / "data" / "claims.parquet"))


def test_validate_commands_run(root):
    (shell,) = blocks(readme_section(root, "Validate"), "sh")
    printed = run(shell, root, clean_env())
    assert "published files match the inputs" in printed


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_build_installs_only_the_build_group(root):
    """`make build` installs pyproject's dependencies and build group at requirements.txt's pins, nothing of the others."""
    import tomllib

    dry = subprocess.run(["make", "-n", "build"], cwd=root, capture_output=True, text=True, check=True).stdout
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    install = next((line for line in dry.splitlines() if "pip install" in line), "")
    if install:  # the venv is not set up yet (or its pins changed): the line make would run
        assert "-c requirements.txt" in install
        for requirement in project["dependencies"] + extras["build"]:
            assert f"'{requirement}'" in install
        for group in ("test", "dask", "site", "release"):
            assert not any(f"'{requirement}'" in install for requirement in extras[group]), group
    test_dry = subprocess.run(["make", "-n", "test"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert ".ci/install-chromium" in test_dry, "make test installs Chromium for the browser tests"
    assert json.loads(json.dumps(sorted(extras))) == ["build", "dask", "release", "site", "test"]
