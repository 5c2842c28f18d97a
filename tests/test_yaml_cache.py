"""The cache of parsed curated files: same objects as the parser, and never a way around its checks."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from superclusters.errors import Collector
from superclusters.inputs import readings


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SUPERCLUSTERS_YAML_CACHE", str(folder))
    return folder


def parse(text: str) -> tuple[object, list]:
    problems = Collector()
    return readings.parse_yaml(text, "readings/x.yaml", problems), problems.problems


def test_a_clean_file_is_cached_and_read_back_identically(cache: Path, root: Path) -> None:
    text = (root / "readings" / "002_0336e88edfd704cd.yaml").read_text(encoding="utf-8")
    first, problems = parse(text)
    assert not problems and len(list(cache.glob("*.json"))) == 1
    second, problems = parse(text)
    assert not problems and second == first
    assert json.dumps(second, sort_keys=True) == json.dumps(first, sort_keys=True)  # bools stay bools, ints ints


def test_the_cache_answers_by_content(cache: Path) -> None:
    """A planted entry is what a hit returns: the proof that the second parse came from the cache."""
    text = "a: 1\n"
    parse(text)
    (entry,) = cache.glob("*.json")
    entry.write_text('{"a": 2}', encoding="utf-8")
    assert parse(text) == ({"a": 2}, [])
    assert parse("a: 3\n") == ({"a": 3}, [])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("? [a, b]\n: 1\n", "a key that is a list or mapping"),
        ("a: &x [1]\nb: *x\n", "anchors and aliases"),
        ("a: [1\n", "malformed YAML"),
    ],
)
def test_refusals_are_never_cached(cache: Path, text: str, fragment: str) -> None:
    for _ in range(2):  # the second time too: nothing was cached that could skip the check
        value, problems = parse(text)
        assert value is None and len(problems) == 1 and fragment in problems[0].message
        assert "line" in problems[0].entry or fragment == "malformed YAML"
    assert not list(cache.glob("*.json"))


@pytest.mark.parametrize("text", ["d: 2024-08-26\n", "f: 1.5\n", "1: one\n", "yes: true\n"])
def test_values_json_would_change_are_not_cached(cache: Path, text: str) -> None:
    """Dates, floats and non-text keys come back from JSON as something else; they are parsed every time."""
    value, problems = parse(text)
    assert not problems
    assert not list(cache.glob("*.json"))
    again, _ = parse(text)
    assert again == value
    if text.startswith("d:"):
        assert again == {"d": date(2024, 8, 26)}


def test_the_key_depends_on_the_parser_code(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = readings._cache_key("a: 1\n")
    monkeypatch.setattr(readings, "_CACHE_SALT", [b"another parser"])
    assert readings._cache_key("a: 1\n") != key


def test_no_cache_when_switched_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SUPERCLUSTERS_YAML_CACHE", "")
    assert readings._cache_folder() is None
    assert parse("a: 1\n") == ({"a": 1}, [])
