"""Hostile and unlucky curated inputs: each is one `file: entry: field: problem` line, never a traceback.

One test per defect of issue 12's list (1)-(9), (12), (13); each failed before the fix (a traceback, a
silent drop, or a flood of false messages) and passes now.
"""

from __future__ import annotations

import os
import time

import pytest

from superclusters.build.pipeline import build
from superclusters.errors import BuildError

READING = "readings/000_9792f8e7dbbae654.yaml"
REGISTRY = "readings/entities.yaml"


def problems_of(package) -> list[str]:
    with pytest.raises(BuildError) as exc:
        build(package)
    return [str(p) for p in exc.value.problems]


def rewrite(package, name, old, new):
    path = package / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_1_people_as_a_list(package_copy):
    text = (package_copy / REGISTRY).read_text(encoding="utf-8")
    start, end = text.index("people:\n"), text.index("\nhardware:")
    (package_copy / REGISTRY).write_text(text[:start] + "people: [a, b]\n" + text[end:], encoding="utf-8")
    assert "readings/entities.yaml: people: got list; expected a mapping of id to entry" in problems_of(package_copy)


@pytest.mark.parametrize("key", ["123", "no"])
def test_2_an_id_that_yaml_reads_as_a_number_or_boolean(package_copy, key):
    rewrite(package_copy, REGISTRY, "  electrek:\n", f"  {key}:\n    name: X\n    kind: company\n    aliases: [Zzz]\n    description: d\n  electrek:\n")
    found = problems_of(package_copy)
    assert any(f"organisations.{key if key == '123' else 'False'}: id" in p and "is not a name" in p for p in found), found


def test_3_a_complex_key(package_copy):
    rewrite(package_copy, READING, "language: pt\n", "language: pt\n? [a, b]\n: c\n")
    found = problems_of(package_copy)
    assert any(p.startswith(f"{READING}: line ") and "a key that is a list or mapping" in p for p in found), found


@pytest.mark.parametrize("content", ["", "# only a comment\n", "   \n"])
def test_4_an_empty_or_comment_only_reading_stops_the_build(package_copy, content):
    (package_copy / READING).write_text(content, encoding="utf-8")
    before = (package_copy / "datapackage.json").read_bytes()
    found = problems_of(package_copy)
    assert f"{READING}: the reading is empty (or only comments); expected a mapping with seed, seed_sha256, language, title, ..." in found
    assert (package_copy / "datapackage.json").read_bytes() == before


@pytest.mark.parametrize("year", ["10000", "-5", "100000000000000000000000"])
def test_5_an_out_of_range_reference_year(package_copy, year):
    rewrite(package_copy, READING, "reference_year: 2024", f"reference_year: {year}")
    found = problems_of(package_copy)
    # the reading schema bounds it (reported at its line), so no date is ever computed from it
    assert any(p.startswith(f"{READING}: line ") and "reference_year: got " in p and ("maximum of 2100" in p or "minimum of 1900" in p) for p in found), found


def test_7_yaml_aliases_are_refused_before_they_expand(package_copy):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    (package_copy / READING).write_text(bomb, encoding="utf-8")
    started = time.monotonic()
    found = problems_of(package_copy)
    assert time.monotonic() - started < 30  # generous: the point is that nothing is expanded (it used to take minutes)
    assert any("YAML anchors and aliases (&name, *name) are not allowed" in p for p in found), found


def test_8_a_huge_value_is_echoed_truncated(package_copy):
    rewrite(package_copy, READING, "title_source: headline", 'title_source: "' + "x" * 1_000_000 + '"')
    found = problems_of(package_copy)
    assert all(len(p) < 2_000 for p in found), max(map(len, found))
    assert any("title_source" in p and "characters)" in p for p in found), found


def test_9_an_empty_alias_is_one_problem_not_a_flood(package_copy):
    rewrite(package_copy, REGISTRY, "    aliases: [Tesla]", '    aliases: [Tesla, ""]')
    found = problems_of(package_copy)
    assert found == ["readings/entities.yaml: organisation.tesla: aliases: alias '' must start with a letter or digit and have no outer spaces"], found


def test_12_a_yaml_error_in_one_file_does_not_hide_the_others(package_copy):
    rewrite(package_copy, READING, "language: pt\n", "language: [pt\n")
    rewrite(package_copy, "readings/002_0336e88edfd704cd.yaml", 'value: "approximately 100,000"', 'value: "approximately 100,00"')
    found = problems_of(package_copy)
    assert any(p.startswith(f"{READING}: line ") and "malformed YAML" in p for p in found), found
    assert any(p.startswith("readings/002_0336e88edfd704cd.yaml: claims[0]") and "value" in p for p in found), found
    assert not any("occurs as a whole word in any seed" in p for p in found), found  # no false cross-article problems


@pytest.mark.parametrize("kind", ["folder", "fifo", "symlink"])
def test_13_a_seed_that_is_no_regular_file_is_named_as_such(package_copy, kind):
    seed = package_copy / "seeds" / "000_9792f8e7dbbae654.txt"
    data = seed.read_bytes()
    seed.unlink()
    if kind == "folder":
        seed.mkdir()
        expected = "is a folder, not a regular file"
    elif kind == "fifo":
        os.mkfifo(seed)  # reading it would block: it must never be opened
        expected = "is a FIFO, socket or device, not a regular file"
    else:
        (package_copy / "elsewhere.txt").write_bytes(data)
        seed.symlink_to(package_copy / "elsewhere.txt")
        expected = "is a symbolic link, not a regular file"
    assert f"seeds/000_9792f8e7dbbae654.txt: {expected}; expected the article's text" in problems_of(package_copy)


def test_6_an_impossible_date_in_the_seeds_date_line(package_copy):
    """A seed whose date line reads 2024-02-30, with a reading that quotes it: a problem, not a ValueError."""
    seed = package_copy / "seeds" / "002_0336e88edfd704cd.txt"
    data = seed.read_bytes().replace(b"2024-08-26", b"2024-02-30", 1)
    seed.write_bytes(data)
    from superclusters.inputs.seeds import sha256_hex

    reading = package_copy / "readings" / "002_0336e88edfd704cd.yaml"
    text = reading.read_text(encoding="utf-8").replace('published: "2024-08-26"', 'published: "2024-02-30"')
    text = text.replace("c48443ac3863827e941aecc7245a636b3ef7193554cb8c015022600b5d507d23", sha256_hex(data))
    reading.write_text(text, encoding="utf-8")
    found = problems_of(package_copy)
    expected = "readings/002_0336e88edfd704cd.yaml: published: published: cannot place '2024-02-30': day is out of range for month"
    assert any(p.startswith(expected) for p in found), found
