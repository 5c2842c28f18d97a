"""Absurd input to the parsers and the schema loader ends in the project's own error, never a crash (issue 12: 10, 36);
hostile build inputs and curation-tool inputs (the red team's final round, D8-D17) are refused at once with one
problem line, never a hang, a traceback, a read outside the package or minutes of work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from superclusters.check.schemas import load_schemas
from superclusters.errors import BuildError
from superclusters.normalise.dates import DateError, Placed, Reference, place
from superclusters.normalise.numbers import NumberError, parse_digits, parse_quantity
from tests.conftest import ROOT, problems_of

PUBLISHED = Reference(2024, Placed("in", date(2024, 8, 26), date(2024, 8, 26), "day", "absolute"))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: parse_quantity("kW " + "9" * 320, "en"), "more than 24 digits"),  # was OverflowError
        (lambda: parse_quantity("1" * 4400, "en"), "characters"),  # was ValueError (int() digit limit)
        (lambda: parse_digits("1" * 4400, "en"), "more than 24 digits"),
        (lambda: parse_digits("²", "fr"), "is not a fr number"),  # was ValueError from int()
        (lambda: parse_digits("1,²", "fr"), "decimals"),
    ],
)
def test_numbers_refuse_absurd_digits_with_number_error(call, fragment):
    with pytest.raises(NumberError, match=fragment):
        call()


@pytest.mark.parametrize(
    ("text", "ref", "fragment"),
    [
        ("NEXT 100000 MONTHS", PUBLISHED, "year 10357 is out of range"),
        ("2024-02-30", PUBLISHED, "day is out of range"),
        ("2024-00", PUBLISHED, "month must be in 1..12"),
        ("last week", Reference(1, Placed("in", date(1, 1, 1), date(1, 1, 1), "day", "absolute")), "out of range"),
        ("next year", Reference(9999), "out of range"),
        ("last year", Reference(1), "out of range"),
        ("em 20240826123", PUBLISHED, "too long to be a date phrase"),
        ("x" * 600, PUBLISHED, "too long to be a date phrase"),
    ],
)
def test_dates_refuse_what_the_calendar_cannot_hold_with_date_error(text, ref, fragment):
    with pytest.raises(DateError, match=fragment):
        place(text, ref)


def test_a_good_phrase_still_places():
    assert place("2024-08-26", PUBLISHED).start == date(2024, 8, 26)


def test_missing_and_invalid_schema_files_are_problems_together(package_copy):
    (package_copy / "schemas" / "claims.json").unlink()
    (package_copy / "schemas" / "events.json").write_text('{"fields": [', encoding="utf-8")
    (package_copy / "schemas" / "people.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        load_schemas(package_copy / "schemas")
    lines = [str(p) for p in exc.value.problems]
    assert lines[0].startswith("schemas/claims.json: missing; expected the Table Schema of claims")
    assert lines[1].startswith("schemas/events.json: line 1, column 13: invalid JSON")
    assert lines[2].startswith("schemas/people.json: expected a Table Schema (a JSON object with fields)")
    assert len(lines) == 3


def test_a_build_with_a_missing_schema_prints_the_problem_not_a_traceback(package_copy, capsys):
    import build

    (package_copy / "schemas" / "hardware.json").unlink()
    assert build.main(["--root", str(package_copy)]) == 1
    err = capsys.readouterr().err
    assert "schemas/hardware.json: missing" in err and "Traceback" not in err


# -- the red team's final round: build inputs and curation tools ---------------------------------------

READING = "readings/000_9792f8e7dbbae654.yaml"


def edited(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *arguments], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


# D8. A FIFO where README.md or pyproject.toml should be blocked the build for ever.


@pytest.mark.parametrize("name", ["README.md", "pyproject.toml"])
def test_a_fifo_readme_or_pyproject_is_refused_at_once(package_copy: Path, name: str) -> None:
    (package_copy / name).unlink()
    os.mkfifo(package_copy / name)
    started = time.monotonic()
    result = run("--root", str(package_copy), timeout=60)  # before the fix: blocked until the timeout
    assert result.returncode == 1, result.stderr
    assert f"  - {name}: not a regular file (a folder, device or FIFO); expected the file itself" in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr and time.monotonic() - started < 30


@pytest.mark.parametrize("name", ["README.md", "pyproject.toml"])
def test_a_linked_readme_or_pyproject_is_refused_and_nothing_is_published(package_copy: Path, tmp_path: Path, name: str) -> None:
    """A link to a file outside the package was followed: its text became the package's README, its version the
    descriptor's (a third red team's finding)."""
    outside = tmp_path / f"outside-{name}"
    (package_copy / name).rename(outside)
    (package_copy / name).symlink_to(outside)
    before = (package_copy / "datapackage.json").read_bytes()
    result = run("--root", str(package_copy), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    expected = f"  - {name}: is a symbolic link, not a regular file; expected the file itself (links are never followed)"
    assert expected in result.stderr.splitlines(), result.stderr
    assert (package_copy / name).is_symlink() and (package_copy / "datapackage.json").read_bytes() == before


# D9. A linked seeds/ or readings/ folder (or reading file) was followed: files from outside were published.


@pytest.mark.parametrize("folder", ["seeds", "readings", "schemas"])
def test_a_linked_input_folder_is_refused_before_anything_is_read(package_copy: Path, tmp_path: Path, folder: str) -> None:
    outside = tmp_path / f"outside-{folder}"
    (package_copy / folder).rename(outside)
    (package_copy / folder).symlink_to(outside, target_is_directory=True)
    assert problems_of(package_copy) == [f"{folder}: is a symbolic link, not a folder; expected the package's own {folder}/ folder (links are never followed)"]


def test_a_linked_reading_file_is_refused(package_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "reading.yaml"
    (package_copy / READING).rename(outside)
    (package_copy / READING).symlink_to(outside)
    found = problems_of(package_copy)
    assert f"{READING}: is a symbolic link, not a regular file; expected a YAML file (links are never followed)" in found, found


def test_seeds_as_a_plain_file_is_named_as_such(package_copy: Path) -> None:
    import shutil

    shutil.rmtree(package_copy / "seeds")
    (package_copy / "seeds").write_text("", encoding="utf-8")
    assert problems_of(package_copy) == ["seeds: is not a folder; expected the package's seeds/ folder"]


# D10. Invisible fillers outside Unicode's Cc, Cf, Zl and Zp passed into published names and notes.


@pytest.mark.parametrize("character", ["\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u034f", "\ufe0f", "\U000e0100", "\u180b", "\u17b4", "\U00016fe4"])
def test_an_invisible_filler_in_an_entity_name_is_refused(package_copy: Path, character: str) -> None:
    edited(package_copy, "readings/entities.yaml", "    name: Tesla, Inc.\n", f"    name: {json.dumps('Tesla, Inc.' + character, ensure_ascii=False)}\n")
    found = problems_of(package_copy)
    assert any(p.startswith(f"readings/entities.yaml: organisation.tesla: name: holds U+{ord(character):04X} (") for p in found), found


@pytest.mark.parametrize("character", ["\u3164", "\u2800", "\ufe0f"])
def test_an_invisible_filler_in_a_gloss_is_refused_where_the_seed_holds_none(package_copy: Path, character: str) -> None:
    edited(package_copy, READING, 'title_en: "Video', f'title_en: "{json.dumps(character)[1:-1]}Video')
    found = [p for p in problems_of(package_copy) if "invisible character" in p]
    assert len(found) == 1 and found[0].startswith(f"{READING}: title_en: holds U+{ord(character):04X} ("), found
    assert found[0].endswith("the seed holds none: remove it")


# D12. The drafter was quadratic on a long clause of numbers (and slow on many names): its work must grow
# linearly with the article. Timing ratios with a generous bound: eight times the text may take at most
# 16 times as long (linear: 8; the old quadratic searches: 23 and more).


def _draft_seconds(body: str) -> float:
    from superclusters.check.schemas import load_schemas
    from superclusters.curate.add import load_registry
    from superclusters.curate.draft import Vocabulary, propose

    registry, vocabulary = load_registry(ROOT), Vocabulary.from_schemas(load_schemas(ROOT / "schemas"))
    text = "Tesla a annoncé que le cluster Cortex comptera des GPU Nvidia à Austin. " + body + ".\n"
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        propose(text, "fr", registry, vocabulary, "2024")
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(("unit", "count"), [("1 ", 2000), ("xAI utilisé pour Cortex ", 250), ("Tesla xAI Nvidia Cortex Dojo Austin Musk ", 250)])
def test_the_drafters_work_grows_linearly_with_the_article(unit: str, count: int) -> None:
    small, large = _draft_seconds(unit * count), _draft_seconds(unit * 8 * count)
    assert large < 16 * max(small, 0.01), (small, large)


def test_a_400_kb_clause_of_numbers_drafts_within_seconds() -> None:
    assert _draft_seconds("1 " * 200_000) < 15


# D14. `add` raised a traceback on a dangling link in seeds/, and followed links to compare their targets.

ARTICLE = "Tesla a annoncé que le cluster Cortex comptera 50 000 GPU Nvidia H100 à Austin. Elon Musk a dit que la puissance atteindra 130 MW en 2025.\n"


@pytest.fixture()
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_add_skips_a_dangling_link_in_seeds(package_copy: Path, article: Path) -> None:
    (package_copy / "seeds" / "zz.txt").symlink_to("/nonexistent/x")
    result = run("add", str(article), "--root", str(package_copy), "--published", "2024")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def test_add_never_reads_a_links_target_in_seeds(package_copy: Path, article: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(ARTICLE, encoding="utf-8")  # the same bytes: only reading the link's target would tell
    (package_copy / "seeds" / "zz.txt").symlink_to(outside)
    result = run("add", str(article), "--root", str(package_copy), "--published", "2024")
    assert result.returncode == 0 and "already in seeds/" not in result.stderr, result.stderr


def test_add_with_seeds_a_plain_file_is_one_line(package_copy: Path, article: Path) -> None:
    import shutil

    shutil.rmtree(package_copy / "seeds")
    (package_copy / "seeds").write_text("", encoding="utf-8")
    result = run("add", str(article), "--root", str(package_copy), "--published", "2024")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "  - seeds: is not a folder; expected the package's seeds/ folder" in result.stderr.splitlines(), result.stderr


def test_the_clean_up_of_a_failed_add_never_raises(package_copy: Path, article: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from superclusters.curate import add as adding

    def failing(path: Path, data: bytes) -> None:
        if path.suffix == ".yaml":
            raise OSError(28, "No space left on device")
        path.write_bytes(data)

    monkeypatch.setattr(adding, "_write", failing)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: (_ for _ in ()).throw(NotADirectoryError(20, "Not a directory")))
    with pytest.raises(BuildError) as failure:
        adding.add(package_copy, article, "2024", "fr")
    assert [str(p) for p in failure.value.problems] == ["readings/005_e29b2ad21a1f835d.yaml: cannot be written (No space left on device); nothing was added"]


# D17. Lines of nested empty flow lists took 77 s to compose before the schema refused them.


def test_flow_lists_nested_in_flow_lists_are_refused_at_the_first_line_at_once() -> None:
    from superclusters.errors import Collector
    from superclusters.inputs.readings import parse_yaml

    text = "".join(f"k{i}: " + "[" * 60 + "]" * 60 + "\n" for i in range(36_500))  # 4.7 MB, under MAX_CURATED_BYTES
    problems = Collector()
    started = time.monotonic()
    assert parse_yaml(text, "readings/x.yaml", problems) is None
    assert time.monotonic() - started < 5
    assert [str(p) for p in problems.problems] == [
        "readings/x.yaml: line 1, column 6: a flow collection ([...] or {...}) inside another one (only a [list] may be a {mapping}'s value); "
        "write it as a block list (- item) instead"
    ]


@pytest.mark.parametrize("text", ["a: [[x]]\n", "a: {b: {c: d}}\n", "a: {b: [[c]]}\n"])
def test_a_small_nested_flow_collection_is_refused_too(text: str) -> None:
    from superclusters.errors import Collector
    from superclusters.inputs.readings import parse_yaml

    problems = Collector()
    assert parse_yaml(text, "x.yaml", problems) is None
    assert "inside another one" in str(problems.problems[0])


def test_a_flow_list_as_a_flow_mappings_value_is_still_read() -> None:
    from superclusters.errors import Collector
    from superclusters.inputs.readings import parse_yaml

    problems = Collector()
    assert parse_yaml("tesla: {name: Tesla, aliases: [Tesla, TSLA]}\n", "x.yaml", problems) == {"tesla": {"name": "Tesla", "aliases": ["Tesla", "TSLA"]}}
    assert not problems.problems


def test_a_readme_that_is_not_utf8_and_a_root_name_too_long_are_problem_lines(package_copy: Path, tmp_path: Path) -> None:
    """Both were tracebacks (UnicodeDecodeError; OSError: File name too long), a third red team found."""
    (package_copy / "README.md").write_bytes(b"\xff\xfe not UTF-8\n")
    result = run("--root", str(package_copy), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "  - README.md: is not UTF-8 text; expected the package's README (restore it from git)" in result.stderr.splitlines()
    long_root = run("--root", str(tmp_path / ("a" * 300)), "--verify", timeout=60)
    assert long_root.returncode == 2 and "Traceback" not in long_root.stderr and "cannot be read (File name too long)" in long_root.stderr
