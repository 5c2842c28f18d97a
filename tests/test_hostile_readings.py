"""Hostile or unlucky curated input ends in a problem line at its place, never a traceback, and never in
published bytes that depend on which optional package is installed (issue 20: 3, 6, 7, 8, 12)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import yaml

from superclusters.check.schemas import load_schemas
from superclusters.errors import Collector
from superclusters.inputs import readings
from superclusters.inputs.fast_yaml import REFUSED, fast_load
from superclusters.inputs.limits import MAX_NESTING
from superclusters.inputs.reading_schema import schema_text
from tests.conftest import problems_of

ROOT = Path(__file__).resolve().parent.parent
PARTIES = "readings/002_0336e88edfd704cd.yaml"
SCHEMA = json.loads(schema_text(load_schemas(ROOT / "schemas")))


class PurePythonLoader(readings.CuratedRules, yaml.SafeLoader):
    """The curated files' loader without libyaml, as on a machine where PyYAML has no C extension."""


def parse(text: str, monkeypatch: pytest.MonkeyPatch, pure_python: bool = False) -> tuple[object, list[str]]:
    """parse_yaml's answer and problems (with `pure_python`, without libyaml)."""
    if pure_python:
        monkeypatch.setattr(readings, "_Loader", PurePythonLoader)
    problems = Collector()
    value = readings.parse_yaml(text, "readings/x.yaml", problems)
    return value, [str(p) for p in problems.problems]


def edited(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# 3. The same answer whichever YAML parser is installed.


@pytest.mark.parametrize("pure_python", [False, True])
def test_a_surrogate_pair_written_as_escapes_is_refused_with_or_without_libyaml_and_yaml_rs(monkeypatch: pytest.MonkeyPatch, pure_python: bool) -> None:
    """yaml_rs read "\\ud83d\\ude00" as 😀 (and it was published), libyaml refuses it, PyYAML's pure-Python
    scanner kept two lone surrogates that no UTF-8 file can hold."""
    text = 'en: "a smile \\ud83d\\ude00"\n'
    assert fast_load(text) is REFUSED
    value, problems = parse(text, monkeypatch, pure_python)
    assert value is None and len(problems) == 1 and problems[0].startswith("readings/x.yaml: line 1, column ")
    assert ("surrogate code point U+D83D" if pure_python else "invalid Unicode character escape code") in problems[0]


@pytest.mark.parametrize(
    "text",
    [
        "k: \\\t\n",  # a tab: libyaml takes it in a plain scalar, the pure-Python scanner refuses it
        "k: |-\n  \tx\n",  # ... and the other way round in a block scalar
        "a:\n\u2028\ufeffb: c\n",  # U+FEFF after a line break: libyaml drops it
        "k: !\n",  # the empty tag: '' to libyaml, None to the pure-Python loader
        "k: !!str 1\n",
        "k: &a x\n",
        "k: >#c\n  x\n",  # a comment glued to a block scalar's header
        "k: [a?]\n",  # flow collections beyond words
        "k: [?]\n",
        "k: [x:]\n",
        "k: [a,\n  b]\n",
    ],
)
def test_what_libyaml_and_the_pure_python_loader_read_differently_is_refused_by_both(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    with_c, c_problems = parse(text, monkeypatch)
    without, python_problems = parse(text, monkeypatch, pure_python=True)
    assert with_c is None and without is None and c_problems and python_problems, (c_problems, python_problems)


# 6. An id or a hash matches its pattern whole: no line break after it.


def test_an_unnamed_partys_label_with_a_line_break_is_refused_at_its_line(package_copy: Path) -> None:
    edited(package_copy, PARTIES, "  - label: engineer\n", '  - label: "engineer\\n"\n')
    found = problems_of(package_copy)
    assert any(p.startswith(f"{PARTIES}: line 16, column 12: unnamed[1].label: got 'engineer\\n'") for p in found), found


def test_a_pin_with_a_line_break_is_a_schema_problem_not_a_changed_seed(package_copy: Path) -> None:
    text = (package_copy / PARTIES).read_text(encoding="utf-8")
    pin = next(line for line in text.splitlines() if line.startswith("seed_sha256: "))
    edited(package_copy, PARTIES, pin, f'seed_sha256: "{pin.split()[1]}\\n"')
    found = problems_of(package_copy)
    assert any(p.startswith(f"{PARTIES}: line 5, column 14: seed_sha256: got ") for p in found), found
    assert not any("seed changed" in p for p in found), found


def test_a_published_id_with_a_line_break_fails_validation(package_frames) -> None:
    """pandera's str_matches is `re.match`, where `^[a-z0-9_]+$` took "tesla\\n"; `--verify` called it valid."""
    from superclusters.check.validate import pandera_problems

    frames, schemas = package_frames
    organisations = frames["organisations"].copy()
    organisations.loc[0, "organisation_id"] = organisations.loc[0, "organisation_id"] + "\n"
    found = [str(p) for p in pandera_problems({"organisations": organisations}, schemas)]
    assert any("organisation_id: value" in p and "\\n' fails str_matches" in p for p in found), found


# 7. Nesting is bounded before anything parses it.


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 950 + "]" * 950 + "\n",  # flow
        "a:\n" + "- " * 950 + "x\n",  # compact block sequences
        "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n",  # indented mappings
        "a: " + "[" * 2_000_000 + "\n",  # 2 MB of brackets: the C composer would crash, libyaml take minutes
        "a:\n" + "- " * 2_000_000 + "x\n",
    ],
)
@pytest.mark.parametrize("pure_python", [False, True])
def test_deep_nesting_is_a_problem_line_not_a_recursion_error(monkeypatch: pytest.MonkeyPatch, text: str, pure_python: bool) -> None:
    value, problems = parse(text, monkeypatch, pure_python)
    assert value is None and len(problems) == 1, problems
    assert any(f in problems[0] for f in (f"lists and mappings may nest at most {MAX_NESTING} levels", "malformed YAML", "inside another one")), problems


@pytest.mark.parametrize("start", ["", "a:\n", "a:\r", "a: x\x85", "a: x\u2028", "a:\n\ufeff"])
def test_the_bound_from_the_text_sees_block_nesting_after_any_line_break(start: str) -> None:
    """The cheap bound must never say "shallow" of a deep text, whichever line break YAML 1.1 or 1.2 reads."""
    from superclusters.inputs.limits import yaml_surely_within

    deep = start + "- " * MAX_NESTING + "x\n"
    assert not yaml_surely_within(deep, MAX_NESTING)
    assert yaml_surely_within(start + "- - x\n", MAX_NESTING)


def test_nesting_up_to_the_limit_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    value, problems = parse("a:\n" + "- " * (MAX_NESTING - 1) + "x\n", monkeypatch)  # flow lists may not nest (test_hostile_inputs.py)
    assert problems == [] and value is not None


def test_a_deep_reading_fails_the_build_with_a_problem_line(package_copy: Path) -> None:
    edited(package_copy, PARTIES, "unnamed:\n", "deep:\n" + "- " * 950 + "x\nunnamed:\n")
    found = problems_of(package_copy)
    assert f"{PARTIES}: line 12, column 127: nested {MAX_NESTING + 1} levels deep or more; lists and mappings may nest at most {MAX_NESTING} levels" in found


# 8. The schema and the code agree on types.


@pytest.mark.parametrize(("value", "got"), [("2024.0", "2024.0"), ("true", "True"), ("'2024'", "'2024'")])
def test_reference_year_must_be_an_integer(package_copy: Path, value: str, got: str) -> None:
    """2024.0 passed the schema (JSON Schema calls it an integer) and raised TypeError in dates."""
    edited(package_copy, "readings/000_9792f8e7dbbae654.yaml", "reference_year: 2024\n", f"reference_year: {value}\n")
    found = problems_of(package_copy)
    assert f"readings/000_9792f8e7dbbae654.yaml: line 10, column 17: reference_year: got {got}: {got} is not of type 'integer'" in found, found


def test_a_key_that_is_not_text_is_refused(package_copy: Path) -> None:
    """jsonschema took a dict with an int key, and sorting its unknown fields with the text ones raised TypeError."""
    edited(package_copy, "readings/000_9792f8e7dbbae654.yaml", "reference_year: 2024\n", "reference_year: 2024\n1: one\n")
    found = problems_of(package_copy)
    assert found == ["readings/000_9792f8e7dbbae654.yaml: 1: a key YAML reads as int; expected a field name (quote it if it is one)"]


# 12. Invisible characters that turn text around.


def test_the_invisible_characters_are_exactly_unicodes_controls_and_format_characters_and_the_fillers() -> None:
    expected = {c for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")} - {ord("\t"), ord("\n")}
    assert not expected & set(readings.INVISIBLE_FILLERS), "a filler is listed that Unicode already counts as a control or format character"
    expected |= set(readings.INVISIBLE_FILLERS)
    found = {c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and readings.INVISIBLE.match(chr(c))}
    assert found == expected, "regenerate readings.INVISIBLE for this Python's Unicode version"


def test_an_unterminated_right_to_left_override_in_an_entity_name_is_refused(package_copy: Path) -> None:
    edited(package_copy, "readings/entities.yaml", "    name: Tesla, Inc.\n", '    name: "\u202eTesla, Inc."\n')
    found = problems_of(package_copy)
    assert (
        "readings/entities.yaml: organisation.tesla: name: holds U+202E (RIGHT-TO-LEFT OVERRIDE), an invisible character that changes how the text"
        " around it reads; a name, alias or description never needs one: remove it"
    ) in found, found


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200b", "\u200f", "\x07", "\u2028"])
def test_an_invisible_character_in_a_gloss_is_refused_where_the_seed_holds_none(package_copy: Path, character: str) -> None:
    escaped = json.dumps(character)[1:-1]  # as a curator would write it in double quotes
    glossed = "readings/000_9792f8e7dbbae654.yaml"
    edited(package_copy, glossed, 'title_en: "Video', f'title_en: "{escaped}Video')
    found = [p for p in problems_of(package_copy) if "invisible character" in p]
    name = unicodedata.name(character, "a control character")
    why = "an invisible character that changes how the text around it reads; the seed holds none: remove it"
    assert found == [f"{glossed}: title_en: holds U+{ord(character):04X} ({name}), {why}"]


def test_an_invisible_character_the_seed_holds_is_kept(package_copy: Path) -> None:
    """A seed's own soft hyphen is part of its text: a quote keeps it, and so may a gloss."""
    from superclusters.inputs.seeds import sha256_hex

    seed = package_copy / "seeds" / "002_0336e88edfd704cd.txt"
    data = seed.read_bytes().replace(b"one engineer involved", "one engi\u00adneer involved".encode(), 1)
    seed.write_bytes(data)
    text = (package_copy / PARTIES).read_text(encoding="utf-8")
    pin = next(line for line in text.splitlines() if line.startswith("seed_sha256: "))
    edited(package_copy, PARTIES, pin, f"seed_sha256: {sha256_hex(data)}")
    edited(package_copy, PARTIES, 'quote: "one engineer involved in the project"', 'quote: "one engi\\u00adneer involved in the project"')
    assert not [p for p in problems_of(package_copy) if "invisible character" in p]


# Paths a reading names are checked like any other.


def test_a_drafts_seed_outside_the_package_is_never_read(package_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from superclusters.inputs import corpus

    opened = []
    monkeypatch.setattr(corpus, "segment", lambda text: opened.append(text) or [])
    (package_copy / "readings" / "005_0000000000000000.yaml").write_text("seed: /etc/passwd\nstubs:\n  - TODO\n", encoding="utf-8")
    found = problems_of(package_copy)
    assert any(p.startswith("readings/005_0000000000000000.yaml: draft: ") for p in found), found
    assert opened == []
