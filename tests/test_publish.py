"""Publishing is all or nothing, and validation catches what the derivation might let through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from superclusters import pipeline
from superclusters.errors import BuildError
from superclusters.pipeline import build, derive, load_inputs
from superclusters.schemas import TABLES, frame
from superclusters.validate import validate_frames


def snapshot(root: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").iterdir())}
    files["datapackage.json"] = (root / "datapackage.json").read_bytes()
    return files


def assert_untouched(root: Path, before: dict[str, bytes]) -> None:
    assert snapshot(root) == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(".publish")]


def test_a_failure_while_writing_the_third_file_changes_nothing(package_copy, monkeypatch):
    before = snapshot(package_copy)
    written = []
    real_write = Path.write_bytes

    def flaky_write(self, data):
        written.append(self)
        if len(written) == 3:
            raise OSError("disk full (simulated)")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky_write)
    with pytest.raises(OSError, match="simulated"):
        build(package_copy)
    monkeypatch.undo()
    assert_untouched(package_copy, before)


def test_a_validation_failure_changes_nothing(package_copy):
    before = snapshot(package_copy)
    path = package_copy / "schemas" / "organisations.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "name")["constraints"]["pattern"] = "^[a-z]+$"
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(package_copy)
    assert "data/organisations: row tesla: name: value 'Tesla, Inc.' fails str_matches" in str(exc.value)
    assert_untouched(package_copy, before)


def test_an_anchoring_failure_changes_nothing(package_copy):
    before = snapshot(package_copy)
    path = package_copy / "readings" / "002_0336e88edfd704cd.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("approximately 100,000 of these", "approximately 200,000 of these"), encoding="utf-8")
    with pytest.raises(BuildError, match=r"readings/002_0336e88edfd704cd.yaml: claims\[0\].*not found in the seed"):
        build(package_copy)
    assert_untouched(package_copy, before)


def test_a_successful_build_replaces_everything_and_is_byte_identical(package_copy, root):
    files = build(package_copy)
    assert set(files) == {f"data/{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")} | {"datapackage.json"}
    for path, data in files.items():
        assert (root / path).read_bytes() == data, f"{path} differs from the committed file"
    assert (package_copy / "README.md").read_bytes() == (root / "README.md").read_bytes()


@pytest.mark.parametrize(
    ("table", "column", "value", "fragment"),
    [
        ("claims", "quote", "Tesla colocaria on-line um cluster de 60.000 GPUs", "!= seed text"),
        ("claims", "char_end", 99_999, "outside the seed"),
        ("claims", "hardware_id", "colossus", "'colossus' is not an id in hardware"),
        ("events", "organisation_ids", "tesla|spacex", "'spacex' is not an id in organisations"),
        ("claims", "span_url", "seeds/x.txt#char=1,2", "span_url"),
    ],
)
def test_cross_table_checks_catch_tampering(root, table, column, value, fragment):
    inputs = load_inputs(root)
    tables = derive(inputs)
    tables[table][0][column] = value
    frames = {name: frame(tables[name], inputs.schemas[name]) for name in TABLES}
    texts = {seed.article_id: seed.text for seed, _ in inputs.pairs}
    problems = [str(p) for p in validate_frames(frames, inputs.schemas, texts)]
    assert any(fragment in p and f"data/{table}" in p for p in problems), problems


def test_readme_without_markers_is_a_clear_error(root):
    with pytest.raises(BuildError, match="missing the markers"):
        pipeline.readme_with_columns("# no markers", {})
