"""Every setting from the environment or the command line is checked: a value that is no number, not
finite or out of range is a problem line naming the setting, never a traceback, never a wait for ever,
never silently ignored (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from superclusters.errors import BuildError
from superclusters.inputs.corpus import package_version
from superclusters.publish import files


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e999", "86401", "ten", "", "٣", "１０"])
def test_a_lock_wait_that_is_no_finite_number_of_seconds_is_a_problem(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """ "nan" and "inf" waited for ever; a negative number never waited."""
    monkeypatch.setenv(files.LOCK_WAIT_ENV, value)
    with pytest.raises(BuildError, match=r"SUPERCLUSTERS_LOCK_WAIT: .* is not a number of seconds from 0 to 86400"):
        files.lock_wait_s()


@pytest.mark.parametrize("value", ["0", "0.5", "600", "86400"])
def test_a_lock_wait_in_range_is_taken(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(files.LOCK_WAIT_ENV, value)
    assert files.lock_wait_s() == float(value)


@pytest.mark.parametrize("value", ["kill", "kil:after write data/claims.csv", "pause:", ":x", "explode:here", "pause:nonexistent", "kill:after"])
def test_a_malformed_fault_setting_stops_the_build_before_anything_is_written(package_copy: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """It was ignored: a fault test that meant to kill a build passed without killing it."""
    from superclusters.build.pipeline import build

    before = (package_copy / "datapackage.json").read_bytes()
    monkeypatch.setenv(files.FAULT_ENV, value)
    with pytest.raises(BuildError, match=r"SUPERCLUSTERS_FAULT: .*expected kill:<step> or pause:<step>, a step being 'before …' or 'after …'"):
        build(package_copy)
    assert (package_copy / "datapackage.json").read_bytes() == before


@pytest.mark.parametrize(
    ("pyproject", "fragment"),
    [
        ('[project\nversion = "1.0.0"\n', "TOMLDecodeError"),
        ("[tool]\nx = 1\n", "KeyError"),
        ("[project]\nversion = 1\n", "1 is not SemVer"),
        ('[project]\nversion = "١.٠.٠"\n', "is not SemVer"),  # \d took other scripts' digits
        ("[project]\nversion = " + "[" * 5000 + "]" * 5000 + "\n", "RecursionError"),
    ],
)
def test_a_broken_pyproject_version_is_a_problem(tmp_path: Path, pyproject: str, fragment: str) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        package_version(tmp_path)
    (problem,) = failure.value.problems
    assert str(problem).startswith("pyproject.toml: project: version: ") and fragment in str(problem)


def test_build_py_refuses_a_root_that_is_no_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from build import main

    with pytest.raises(SystemExit) as usage:
        main(["--root", str(tmp_path / "missing"), "--check"])
    assert usage.value.code == 2 and "is not a folder; expected the package folder" in capsys.readouterr().err


def test_the_figure_command_reports_missing_tables_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from superclusters.publish.figure import main

    assert main(["--root", str(tmp_path), "--out", str(tmp_path / "f.png")]) == 1
    assert "figure failed, nothing written: FileNotFoundError" in capsys.readouterr().err
