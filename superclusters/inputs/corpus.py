"""The package's inputs as the build meets them: the list of readings, each article's reading and seed
(refused with a problem when missing, oversized, not a regular file or changed), and the version."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import BuildError, Collector, Problem, shown
from .limits import MAX_SEED_BYTES
from .paths import path_problem
from .readings import ENTITIES_FILE, Draft, Reading, invisible_problems, invisible_text, parse_reading, read_text
from .seeds import Seed, decode_seed
from .sentences import segment


def _seed_bytes(path: Path, shown: str, reading: Reading, problems: Collector) -> bytes | None:
    """A seed's bytes, or None with a problem: missing, not a regular file (never opened), or too large."""
    import stat

    try:
        info = path.lstat()
    except FileNotFoundError:
        problems.add(shown, "", "", f"seed is missing; {reading.path} was curated from it (sha256 {reading.seed_sha256})")
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, socket or device"
        problems.add(shown, "", "", f"is {kind}, not a regular file; expected the article's text")
        return None
    if info.st_size > MAX_SEED_BYTES:
        problems.add(shown, "", "", f"is {info.st_size} bytes; articles are limited to {MAX_SEED_BYTES} bytes (inputs/limits.MAX_SEED_BYTES)")
        return None
    return path.read_bytes()


INPUT_FOLDERS = ("seeds", "readings", "schemas")


def input_folder_problems(root: Path, names: tuple[str, ...] = INPUT_FOLDERS) -> list[Problem]:
    """A problem for each of the package's input folders that is a symbolic link (which would make the build
    read, and publish, files from outside the package) or no folder; checked before anything in them is read.
    A missing one is left to the reads that need it, which say what is missing."""
    import os
    import stat

    found = []
    for name in names:
        try:
            mode = os.lstat(root / name).st_mode
        except FileNotFoundError:
            continue
        except (OSError, ValueError) as exc:
            found.append(Problem(name, "", "", f"cannot be read ({getattr(exc, 'strerror', None) or exc}); expected the package's {name}/ folder"))
            continue
        if stat.S_ISLNK(mode):
            found.append(Problem(name, "", "", f"is a symbolic link, not a folder; expected the package's own {name}/ folder (links are never followed)"))
        elif not stat.S_ISDIR(mode):
            found.append(Problem(name, "", "", f"is not a folder; expected the package's {name}/ folder"))
    return found


def regular_file_problem(root: Path, name: str) -> Problem | None:
    """A problem when the package's top-level file `name` (README.md, pyproject.toml) is there but is no
    regular file, so it is never opened: a FIFO would block the build for ever, a device never end."""
    import os
    import stat

    try:
        mode = os.lstat(root / name).st_mode
    except OSError:
        return None  # missing or unreadable: the read says so
    if stat.S_ISLNK(mode):  # its text would be published as the package's own (a README, a version) from outside it
        return Problem(name, "", "", "is a symbolic link, not a regular file; expected the file itself (links are never followed)")
    if not stat.S_ISREG(mode):
        return Problem(name, "", "", "not a regular file (a folder, device or FIFO); expected the file itself")
    return None


def list_readings(root: Path, problems: Collector) -> list[Path]:
    """The curated readings, in article order; a seed no reading names is a problem."""
    reading_files = sorted(p for p in (root / "readings").glob("*.yaml") if p.name != ENTITIES_FILE)
    seed_names = sorted(p.name for p in (root / "seeds").iterdir() if not p.name.startswith(".")) if (root / "seeds").is_dir() else []
    expected = {p.stem + ".txt" for p in reading_files}
    for name in seed_names:
        if name not in expected:
            problems.add(f"seeds/{name}", "", "", f"unknown file in seeds/: no curated reading readings/{Path(name).stem}.yaml names it")
    return reading_files


def read_article(root: Path, path: Path, reading_schema: dict, problems: Collector) -> tuple[Seed, Reading, bytes] | None:
    """One article's seed and reading (and the seed's bytes), or None with its problems collected."""
    shown = f"readings/{path.name}"
    text = read_text(path, shown, problems)
    reading = parse_reading(text, shown, problems, reading_schema) if text is not None else None
    if isinstance(reading, Draft):
        seed_file = f"seeds/{reading.seed}"  # the draft's own word: checked like any path read from a file
        readable = path_problem(root, seed_file) is None and (root / seed_file).stat().st_size <= MAX_SEED_BYTES
        total = len(segment((root / seed_file).read_bytes().decode("utf-8", "replace"))) if readable else 0
        proposals = f"{reading.proposals} proposal(s) to confirm; " if reading.proposals else ""
        problems.add(
            shown,
            "",
            "",
            f"draft: {total - reading.stubs} of {total} sentences curated, {reading.todos} TODO marker(s) left; {proposals}"
            "nothing is published while a reading holds TODO or a proposal (see docs/curating.md)",
        )
        return None
    if reading is None:
        return None
    if reading.seed != path.stem + ".txt":
        problems.add(shown, "", "seed", f"names {reading.seed!r}; expected {path.stem + '.txt'!r} (a reading is named after its seed)")
        return None
    data = _seed_bytes(root / "seeds" / reading.seed, f"seeds/{reading.seed}", reading, problems)
    if data is None:
        return None
    result = decode_seed(reading.seed, data, reading.seed_sha256)
    if isinstance(result, Seed):
        if invisible_text(text):
            before = len(problems.problems)
            invisible_problems(reading, result.text, problems)
            if len(problems.problems) > before:
                return None
        return result, reading, data
    problems.add(result.file, result.entry, result.field, f"{result.message}. {affected_entries(reading)}")
    return None


def affected_entries(reading: Reading) -> str:
    """Which curated entries rest on a seed, for the message when that seed is wrong."""
    labels = [f"claims[{e.index}] ({e.quote[:30]!r})" for e in reading.claims]
    labels += [f"events[{e.index}] ({e.quote[:30]!r})" for e in reading.events]
    shown = "; ".join(labels[:6]) + ("; ..." if len(labels) > 6 else "")
    return f"Affected: {len(reading.claims)} claims and {len(reading.events)} events in {reading.path}: {shown}"


def package_version(root: Path) -> str:
    """The one place the version lives: pyproject.toml's [project] version (SemVer)."""
    import tomllib

    irregular = regular_file_problem(root, "pyproject.toml")
    if irregular is not None:
        raise BuildError([irregular])
    try:
        version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, KeyError, TypeError) as exc:
        why = f"cannot be read ({type(exc).__name__}: {str(exc)[:120]})"
        raise BuildError([Problem("pyproject.toml", "project", "version", f'{why}; expected a [project] table with version = "MAJOR.MINOR.PATCH"')]) from None
    if not isinstance(version, str) or not re.fullmatch(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", version):  # ASCII digits: \d takes every script's
        raise BuildError([Problem("pyproject.toml", "project", "version", f"{shown(version)} is not SemVer MAJOR.MINOR.PATCH")])
    return version
