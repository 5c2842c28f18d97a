"""jsonschema-rs (the fast yes/no on each reading) must agree with jsonschema (the authority that words
the errors): a reading the fast check passed but jsonschema would refuse would be derived unchecked."""

from __future__ import annotations

import copy
import datetime
import json
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from superclusters.check.schemas import load_schemas
from superclusters.inputs.reading_schema import _compiled, conforms, schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads(schema_text(load_schemas(ROOT / "schemas")))
AUTHORITY = _compiled(SCHEMA, "python")  # jsonschema, told what the schema's ECMAScript patterns and integers mean
READINGS = sorted(p for p in (ROOT / "readings").glob("0*.yaml"))

# Values a hand-edited YAML file can produce where the schema expects something else; the YAML-only
# types (dates, bytes, sets) are ones JSON has no type for.
ODD_VALUES = [
    None,
    "",
    "x",
    0,
    -1,
    1.0,
    1.5,
    10**30,
    True,
    math.nan,
    math.inf,
    [],
    {},
    ["x"],
    {"unknown": 1},
    datetime.date(2024, 8, 1),
    datetime.datetime(2024, 8, 1, 12, 0),
    b"bytes",
    {"a", "b"},
]


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in the top level and in the first entry of each list (the schema repeats per entry)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list) and data:
        found.append((*prefix, 0))
        found += _paths(data[0], (*prefix, 0))
    return found


def _replaced(data: object, path: tuple, value: object) -> object:
    changed = copy.deepcopy(data)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize("reading", READINGS, ids=lambda p: p.name)
def test_both_validators_accept_every_curated_reading(reading: Path):
    data = yaml.safe_load(reading.read_text(encoding="utf-8"))
    assert AUTHORITY.is_valid(data)
    assert conforms(data, SCHEMA)


def test_the_validators_agree_on_every_field_replaced_by_odd_values():
    data = yaml.safe_load(READINGS[0].read_text(encoding="utf-8"))
    paths = _paths(data)
    assert len(paths) > 40  # the walk reached into the entries
    checked = disagreements = 0
    for path in paths:
        for value in ODD_VALUES:
            broken = _replaced(data, path, value)
            expected = AUTHORITY.is_valid(broken)
            if conforms(broken, SCHEMA) != expected:
                disagreements += 1
                pytest.fail(f"at {path} = {value!r}: jsonschema says {expected}, the fast check the opposite")
            checked += 1
    assert checked == len(paths) * len(ODD_VALUES) and disagreements == 0


def test_the_validators_agree_on_removed_and_added_fields():
    data = yaml.safe_load(READINGS[1].read_text(encoding="utf-8"))
    for path in _paths(data):
        container = data
        for step in path[:-1]:
            container = container[step]
        if isinstance(container, dict):
            removed = copy.deepcopy(data)
            target = removed
            for step in path[:-1]:
                target = target[step]
            del target[path[-1]]
            assert conforms(removed, SCHEMA) == AUTHORITY.is_valid(removed), f"without {path}"
            added = _replaced(data, (*path[:-1], "not_a_field"), 1)
            assert conforms(added, SCHEMA) == AUTHORITY.is_valid(added) is False, f"extra field beside {path}"


def test_a_value_the_fast_validator_cannot_take_is_decided_by_jsonschema():
    data = yaml.safe_load(READINGS[0].read_text(encoding="utf-8"))
    broken = _replaced(data, ("title",), {"a", "b"})  # a YAML !!set: JSON has no such type
    assert conforms(broken, SCHEMA) is False


def test_the_fast_check_never_accepts_a_text_python_calls_blank():
    """Python's \\s holds U+001C-U+001F and U+0085, ECMAScript's (jsonschema-rs) does not: a text of only
    those must still be refused (red-team finding: "\\x1c" as a gloss was published)."""
    data = yaml.safe_load(READINGS[0].read_text(encoding="utf-8"))
    for blank in ("\x1c", "\x1f", "\x85", " \x1d "):
        broken = _replaced(data, ("title_en",) if "title_en" in data else ("title",), blank)
        assert AUTHORITY.is_valid(broken) is False
        assert conforms(broken, SCHEMA) is False, repr(blank)


def test_every_pattern_given_to_the_fast_check_is_never_looser_than_python_on_any_code_point():
    import re

    import jsonschema_rs

    from superclusters.inputs.reading_schema import python_pattern, rs_pattern

    patterns = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterns.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA)
    assert "\\S" in patterns
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    spaces = [c for c in characters if re.match(r"\s", c)]  # where Rust's \s and Python's differ (U+001C-U+001F, U+0085)
    for pattern in patterns:
        fast = jsonschema_rs.validator_for({"type": "string", "pattern": rs_pattern(pattern)})
        python = re.compile(python_pattern(pattern))
        samples = ["a" * 64, "ab_1", "000_" + "a" * 16 + ".txt", "x\n", "٣٣٣_" + "a" * 16 + ".txt", *(f"https://x{c}y" for c in spaces)]
        for text in characters if pattern == "\\S" else samples:
            if fast.is_valid(text):
                assert python.search(text), f"{pattern!r}: the fast check accepts {text!r}, jsonschema would not"


def _patterns_of(schema: object) -> set[str]:
    if isinstance(schema, dict):
        own = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return own.union(*(_patterns_of(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(_patterns_of(v) for v in schema))
    return set()


# Around each anchored pattern's match: a line break after (Python's `$` matched before it), before, other
# scripts' digits (Python's \d), a space, and nothing at all.
EDGES = ["engineer", "a" * 64, "000_0123456789abcdef.txt", "٣٣٣_0123456789abcdef.txt", "１２３_0123456789abcdef.txt"]


@pytest.mark.parametrize("pattern", sorted(_patterns_of(SCHEMA) - {"\\S"}))
def test_both_engines_read_every_anchored_pattern_as_a_whole_value_match(pattern: str) -> None:
    """JSON Schema patterns are ECMAScript searches: `^...$` must match the whole value, with no line
    break after it, in jsonschema (Python's `re`) as in jsonschema-rs and an editor."""
    import re

    import jsonschema_rs

    assert pattern.startswith("^") and pattern.endswith("$"), "an id's or a hash's pattern must be anchored at both ends"
    fast = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    python = _compiled({"type": "string", "pattern": pattern}, "python")
    ecmascript = re.compile(pattern.replace("\\d", "[0-9]")[:-1], re.ASCII)  # what ECMAScript means, as a whole-value match
    for edge in EDGES:
        for text in (edge, edge + "\n", "\n" + edge, edge + " ", edge + "\r\n", ""):
            expected = ecmascript.fullmatch(text) is not None
            assert fast.is_valid(text) == expected, (pattern, text)
            assert python.is_valid(text) == expected, (pattern, text)


@pytest.mark.parametrize(("field", "value"), [("reference_year", 2024.0), ("reference_year", True), ("reference_year", "2024")])
def test_an_integer_field_takes_only_an_int(field: str, value: object) -> None:
    """JSON Schema calls 2024.0 an integer, and jsonschema-rs says yes to it; the build needs an int (dates
    raised TypeError on 2024.0): both answers must be no, and the error is worded."""
    from superclusters.inputs.reading_schema import schema_problems

    data = yaml.safe_load(READINGS[0].read_text(encoding="utf-8"))
    broken = _replaced(data, (field,), value)
    assert conforms(broken, SCHEMA) is False
    node = yaml.compose(READINGS[0].read_text(encoding="utf-8"))
    assert any(entry == field and "is not of type 'integer'" in message for _, entry, message in schema_problems(broken, node, SCHEMA))


def test_without_jsonschema_rs_the_answer_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """jsonschema-rs is an optional speed-up: missing, jsonschema answers, and the same."""
    import sys

    from superclusters.inputs import reading_schema

    data = yaml.safe_load(READINGS[0].read_text(encoding="utf-8"))
    cases = [data, _replaced(data, ("seed_sha256",), "0" * 64 + "\n"), _replaced(data, ("language",), "xx")]
    with_rs = [conforms(case, SCHEMA) for case in cases]
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)
    monkeypatch.setattr(reading_schema, "_COMPILED", {})
    assert [conforms(case, SCHEMA) for case in cases] == with_rs == [True, False, False]


# Generated text in every field of a reading (and of the second one, which has unnamed parties): line
# breaks, every kind of Unicode space, other scripts' digits, hex. jsonschema-rs may be stricter than
# jsonschema (then jsonschema decides), never looser: the build's answer is jsonschema's either way.
TEXT = st.text(alphabet=st.sampled_from(list("0123456789abcdef_.tx \n\r\t\x0b\x0c\x1c\x85\xa0\u2028\u3000\ufeff٣１Aé")), max_size=70)
LOADED = {reading.name: yaml.safe_load(reading.read_text(encoding="utf-8")) for reading in READINGS[:3]}
PATHS = [(name, path) for name, data in LOADED.items() for path in _paths(data)]


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(PATHS), TEXT)
def test_the_fast_check_is_never_looser_than_jsonschema_on_generated_text(where: tuple, text: str) -> None:
    name, path = where
    broken = _replaced(LOADED[name], path, text)
    if conforms(broken, SCHEMA):
        assert AUTHORITY.is_valid(broken), f"{name} {path} = {text!r}: jsonschema-rs says yes, jsonschema no"
