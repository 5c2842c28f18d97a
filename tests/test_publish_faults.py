"""Publishing under faults: killed builds, concurrent builds, a full disk, a data/ that cannot move (issue 12: 11, 14-21).

Every fault is injected at a named step (`publish.fault_hook` in process, SUPERCLUSTERS_FAULT in a
subprocess), so no test depends on timing. "old" and "new" are two valid packages that differ in a
claims row, their README, and their descriptor; after any fault the checkout must hold one of them
exactly, or a state that `--verify` reports as a problem and the next build rolls back.
"""

from __future__ import annotations

import errno
import functools
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import ROOT, copy_package, staged_files

from superclusters.build.pipeline import build, verify
from superclusters.check.schemas import TABLES
from superclusters.errors import BuildError
from superclusters.publish import files as publish_module
from superclusters.publish.files import WORK_PREFIX, build_lock, publish, recover
from superclusters.publish.readme import AGREEMENT_END, readme_updated

GLOSS = "Tesla would bring online a cluster of 50,000 GPUs"


@pytest.fixture(scope="session")
def versions(tmp_path_factory) -> dict[str, tuple[dict[str, bytes], dict[str, bytes]]]:
    """{"old": (files, also), "new": (files, also)}: what publish() gets for the committed and an edited package."""
    copy = copy_package(tmp_path_factory.mktemp("new") / "package")
    reading = copy / "readings" / "000_9792f8e7dbbae654.yaml"
    reading.write_text(reading.read_text(encoding="utf-8").replace(f'en: "{GLOSS}"', f'en: "{GLOSS} (edited)"', 1), encoding="utf-8")
    files, _, staged = staged_files(copy, tmp_path_factory.mktemp("new-staged"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    new_readme = readme_updated(readme, staged.schemas, staged.kept, staged.counts) + "\n<!-- the new build's README -->\n"
    old_files = {path: (ROOT / path).read_bytes() for path in files}
    assert files["data/claims.csv"] != old_files["data/claims.csv"]
    return {"old": (old_files, {"README.md": readme.encode("utf-8")}), "new": (files, {"README.md": new_readme.encode("utf-8")})}


def state(root: Path) -> dict[str, bytes]:
    """Every published byte in the checkout: data/, the top-level descriptors (*.json) and README.md."""
    found = {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}
    for p in sorted(root.iterdir()):
        if p.is_file() and (p.suffix == ".json" or p.name == "README.md"):
            found[p.name] = p.read_bytes()
    return found


def pair(found: dict[str, bytes]) -> dict[str, bytes]:
    """The part readers must see whole: data/ and datapackage.json (the README is documentation)."""
    return {path: data for path, data in found.items() if path != "README.md"}


def expected(version: tuple[dict[str, bytes], dict[str, bytes]]) -> dict[str, bytes]:
    files, also = version
    return {**files, **also}


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(WORK_PREFIX))


PUBLISHER = """
import pickle, sys
from pathlib import Path
from superclusters.errors import BuildError
from superclusters.publish.files import publish
files, also = pickle.loads(Path(sys.argv[2]).read_bytes())
try:
    publish(files, Path(sys.argv[1]), also=also)
except BuildError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
"""


def start(root: Path, version, tmp_path: Path, fault: str = "", wait: str = "600") -> subprocess.Popen:
    """A publish in its own process (what `build.py` ends with), optionally killed or paused at a step."""
    payload = tmp_path / f"payload-{len(list(tmp_path.glob('payload-*')))}.pickle"
    payload.write_bytes(pickle.dumps(version))
    env = {**os.environ, "SUPERCLUSTERS_FAULT": fault, "SUPERCLUSTERS_LOCK_WAIT": wait}
    return subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(root), str(payload)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@functools.cache
def kill_steps() -> list[str]:
    """Every step after which a SIGKILL leaves a distinct state (each write, each rename, the commit), as a
    publish of the committed package passes them: recorded, so a file the build starts to render is covered too."""
    with tempfile.TemporaryDirectory() as scratch:
        files, _, _ = staged_files(ROOT, Path(scratch) / "staged")
        for name in ("data", "datapackage.json", "README.md"):
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, Path(scratch) / name)
        seen: list[str] = []
        publish_module.fault_hook = seen.append
        try:
            publish(files, Path(scratch), also={"README.md": b"changed\n"})
        finally:
            publish_module.fault_hook = None
    return [step for step in seen if step.startswith("after ")]


def pytest_generate_tests(metafunc) -> None:
    if metafunc.function.__name__ == "test_a_build_killed_after_any_step_leaves_old_or_new_or_a_clear_problem":
        metafunc.parametrize("step", kill_steps())


def test_the_kill_steps_cover_every_write_and_rename():
    steps = kill_steps()
    assert {f"after write data/{t}.{fmt}" for t in TABLES for fmt in ("csv", "parquet")} <= set(steps)
    assert {"after write swap-list", "after move out data", "after move in data", "after move out README.md"} <= set(steps)
    assert steps[-1] == "after replace datapackage.json"  # the commit comes last


def test_a_build_killed_after_any_step_leaves_old_or_new_or_a_clear_problem(package_copy, versions, tmp_path, step):
    old, new = expected(versions["old"]), expected(versions["new"])
    assert state(package_copy) == old
    process = start(package_copy, versions["new"], tmp_path, fault=f"kill:{step}")
    process.communicate()
    assert process.returncode == -signal.SIGKILL

    if pair(state(package_copy)) not in (pair(old), pair(new)):  # half-swapped: --verify must say so, without a traceback
        problems = [str(p) for p in verify(package_copy)]
        assert problems, "a half-swapped checkout passed --verify"
        assert any("data/" in p or "hash" in p for p in problems), problems

    with build_lock(package_copy):  # what the next build does first
        recover(package_copy)
    committed = step == "after replace datapackage.json"
    assert state(package_copy) == (new if committed else old)
    assert leftovers(package_copy) == []


def test_a_second_build_fails_clearly_while_the_first_holds_the_lock(package_copy, versions, tmp_path):
    first = start(package_copy, versions["new"], tmp_path, fault="pause:after move out data")
    assert first.stdout.readline().strip() == "paused after move out data"  # data/ is moved out right now
    second = start(package_copy, versions["old"], tmp_path, wait="0")
    _, err = second.communicate()
    assert second.returncode == 1
    assert "data: lock: another build is publishing in this checkout" in err and "Traceback" not in err
    first.communicate("\n")
    assert first.returncode == 0
    assert state(package_copy) == expected(versions["new"])
    assert leftovers(package_copy) == []


def test_a_second_build_waits_for_the_first_then_publishes(package_copy, versions, tmp_path):
    first = start(package_copy, versions["new"], tmp_path, fault="pause:after move in data")
    assert first.stdout.readline().startswith("paused")
    second = start(package_copy, versions["old"], tmp_path)
    assert second.stderr.readline().startswith("waiting up to 600 s for another build")
    first.communicate("\n")
    second.communicate()
    assert (first.returncode, second.returncode) == (0, 0)
    assert state(package_copy) == expected(versions["old"])  # the second build published last
    assert leftovers(package_copy) == []


def test_concurrent_builds_never_lose_data(package_copy, versions, tmp_path):
    processes = [start(package_copy, versions["new" if i % 2 else "old"], tmp_path) for i in range(6)]
    results = [(p.communicate(), p.returncode) for p in processes]
    assert [rc for _, rc in results] == [0] * 6, results
    assert state(package_copy) in (expected(versions["old"]), expected(versions["new"]))
    assert leftovers(package_copy) == []


def fail_at(monkeypatch, step: str, code: int) -> None:
    def hook(name: str) -> None:
        if name == step:
            raise OSError(code, os.strerror(code))

    monkeypatch.setattr(publish_module, "fault_hook", hook)


@pytest.mark.parametrize(
    ("step", "code", "fragment"),
    [
        (
            "before write data/claims.csv",
            errno.ENOSPC,
            "data/claims.csv: cannot be written (No space left on device); the published files were left as they were: the disk is full",
        ),
        ("before write swap-list", errno.ENOSPC, "swap-list: cannot be written (No space left on device)"),
        ("before move out README.md", errno.EIO, "README.md: cannot be renamed (Input/output error)"),
        (
            "before move out data",
            errno.EBUSY,
            "data: cannot be renamed (Device or resource busy); the published files were left as they were: data/ must be an ordinary folder",
        ),
        ("before move in data", errno.EXDEV, "data: cannot be renamed (Invalid cross-device link)"),
        ("before move in README.md", errno.EXDEV, "README.md: cannot be renamed"),
        ("before replace datapackage.json", errno.EIO, "datapackage.json: cannot be renamed (Input/output error)"),
    ],
)
def test_disk_full_and_an_immovable_data_are_problems_with_old_files_intact(package_copy, versions, monkeypatch, step, code, fragment):
    before = state(package_copy)
    fail_at(monkeypatch, step, code)
    with pytest.raises(BuildError) as exc:
        publish(versions["new"][0], package_copy, also=versions["new"][1])
    assert fragment in str(exc.value)
    assert state(package_copy) == before
    assert leftovers(package_copy) == []


def test_a_full_disk_before_staging_is_a_problem(package_copy, versions, monkeypatch):
    before = state(package_copy)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish_module.tempfile, "mkdtemp", no_space)
    with pytest.raises(BuildError, match=r"\.publish-\*: a staging folder cannot be made \(No space left on device\); the published files were left"):
        publish(versions["new"][0], package_copy, also=versions["new"][1])
    monkeypatch.undo()
    assert state(package_copy) == before


def test_a_full_disk_when_making_the_backup_folder_is_a_problem(package_copy, versions, monkeypatch):
    before = state(package_copy)
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.name == "old":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(BuildError, match=r"\.publish-\w+: cannot be prepared \(No space left on device\); the published files were left"):
        publish(versions["new"][0], package_copy, also=versions["new"][1])
    monkeypatch.undo()
    assert state(package_copy) == before
    assert leftovers(package_copy) == []


def test_a_full_disk_during_a_build_prints_a_problem_not_a_traceback(package_copy, monkeypatch, capsys):
    import build as build_script

    fail_at(monkeypatch, "before write data/events.parquet", errno.ENOSPC)
    before = state(package_copy)
    assert build_script.main(["--root", str(package_copy)]) == 1
    err = capsys.readouterr().err
    assert "build failed, nothing written" in err and "data/events.parquet: cannot be written (No space left on device)" in err
    assert "Traceback" not in err
    assert state(package_copy) == before


def test_a_failed_readme_update_replaces_nothing(package_copy):
    """The README's end marker removed and an input changed: the build fails and no file is replaced."""
    readme = package_copy / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace(AGREEMENT_END, ""), encoding="utf-8")
    reading = package_copy / "readings" / "000_9792f8e7dbbae654.yaml"
    reading.write_text(reading.read_text(encoding="utf-8").replace(f'en: "{GLOSS}"', f'en: "{GLOSS} (edited)"', 1), encoding="utf-8")
    before = state(package_copy)
    with pytest.raises(BuildError, match="missing the markers"):
        build(package_copy)
    assert state(package_copy) == before
    assert leftovers(package_copy) == []


def test_folders_left_by_killed_builds_are_rolled_back_and_removed(package_copy):
    old = state(package_copy)
    (package_copy / ".publish-stale" / "new" / "data").mkdir(parents=True)  # killed while staging
    (package_copy / ".publish-stale" / "new" / "data" / "claims.csv").write_bytes(b"partial")
    (package_copy / ".publish-previous").mkdir()  # killed by the build before unique names, with data/ moved out
    shutil.move(package_copy / "data", package_copy / ".publish-previous" / "data")
    with build_lock(package_copy):
        recover(package_copy)
    assert leftovers(package_copy) == []
    assert state(package_copy) == old


def test_ctrl_c_mid_swap_puts_the_previous_files_back(package_copy, versions, monkeypatch):
    before = state(package_copy)

    def interrupt(name: str) -> None:
        if name == "after move in data":
            raise KeyboardInterrupt

    monkeypatch.setattr(publish_module, "fault_hook", interrupt)
    with pytest.raises(KeyboardInterrupt):
        publish(versions["new"][0], package_copy, also=versions["new"][1])
    assert state(package_copy) == before
    assert leftovers(package_copy) == []


def test_verify_on_a_half_swapped_checkout_prints_problems_not_a_traceback(package_copy, capsys):
    import build as build_script

    work = package_copy / ".publish-killed"
    (work / "old").mkdir(parents=True)
    (work / "new").mkdir()
    shutil.copy2(package_copy / "datapackage.json", work / "new" / "datapackage.json")
    (work / "swap-list").write_text("README.md\ndata", encoding="utf-8")
    shutil.move(package_copy / "data", work / "old" / "data")  # killed right after "move out data"
    assert build_script.main(["--root", str(package_copy), "--verify"]) == 1
    captured = capsys.readouterr()
    assert "data/claims.csv: missing" in captured.err
    assert ".publish-killed: left by an interrupted build; run `make build`" in captured.err
    assert "Traceback" not in captured.err
    with build_lock(package_copy):
        recover(package_copy)
    assert build_script.main(["--root", str(package_copy), "--verify"]) == 0


def test_every_top_level_file_render_makes_is_swapped_and_rolled_back(package_copy, versions, monkeypatch):
    """A descriptor beside datapackage.json (such as a croissant.json) is published with the pair, or not at all."""
    files = {**versions["new"][0], "extra.json": b"{}\n"}
    before = state(package_copy)
    fail_at(monkeypatch, "before replace datapackage.json", errno.EIO)
    with pytest.raises(BuildError):
        publish(files, package_copy)
    assert state(package_copy) == before and not (package_copy / "extra.json").exists()
    monkeypatch.undo()
    publish(files, package_copy)
    assert (package_copy / "extra.json").read_bytes() == b"{}\n"
    assert leftovers(package_copy) == []
