"""Publishing is all or nothing, and validation catches what the derivation might let through."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from superclusters.build import stream
from superclusters.build.pipeline import build
from superclusters.check.schemas import TABLES
from superclusters.errors import BuildError
from superclusters.publish.readme import readme_updated


def snapshot(root: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").iterdir())}
    files["datapackage.json"] = (root / "datapackage.json").read_bytes()
    return files


def assert_untouched(root: Path, before: dict[str, bytes]) -> None:
    assert snapshot(root) == before
    assert not [p.name for p in root.iterdir() if p.name.startswith(".publish")]


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def break_reading(root, monkeypatch):
    edit(root, "readings/001_79c4c5b1ec88c645.yaml", "claims:", "claims: [unclosed")


def break_seed(root, monkeypatch):
    edit(root, "seeds/000_9792f8e7dbbae654.txt", "50.000", "60.000")


def break_anchoring(root, monkeypatch):
    edit(root, "readings/002_0336e88edfd704cd.yaml", "approximately 100,000 of these", "approximately 200,000 of these")


def break_normalising(root, monkeypatch):
    edit(root, "readings/004_4cf1754e8857eae4.yaml", 'value: "37.500"', 'value: "37.500 racks"')


def break_dates(root, monkeypatch):
    edit(root, "readings/001_79c4c5b1ec88c645.yaml", 'time: "d\'ici 2026"', 'time: "qui atteindront"')


def break_validating(root, monkeypatch):
    path = root / "schemas" / "organisations.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "name")["constraints"]["pattern"] = "^[a-z]+$"
    path.write_text(json.dumps(schema), encoding="utf-8")


def break_third_write(root, monkeypatch):
    written = []
    real_write = Path.write_bytes

    def flaky_write(self, data):
        written.append(self)
        if len(written) == 3:
            raise OSError("disk full (simulated)")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky_write)


def break_read_back(root, monkeypatch):
    """A Parquet file cut short after it was written, as a full disk would leave it: only the read-back check can see it."""
    from superclusters.publish import files as publish

    real_close = publish.TableFiles.close

    def close(self):
        written = real_close(self)
        parquet = self.folder / self.paths[1]
        parquet.write_bytes(parquet.read_bytes()[:100])
        return written

    monkeypatch.setattr(publish.TableFiles, "close", close)


@pytest.mark.parametrize(
    ("breaker", "error", "fragment"),
    [
        (break_reading, BuildError, "readings/001_79c4c5b1ec88c645.yaml: line"),
        (break_seed, BuildError, "seed changed"),
        (break_anchoring, BuildError, "not found in the seed"),
        (break_normalising, BuildError, "unexpected 'racks'"),
        (break_dates, BuildError, "cannot place 'qui atteindront'"),
        (break_validating, BuildError, "data/organisations: row tesla: name: value 'Tesla, Inc.' fails str_matches"),
        (break_third_write, BuildError, "simulated"),
        (break_read_back, BuildError, "data/articles.parquet: cannot be read back"),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_a_failure_at_any_stage_changes_nothing(package_copy, monkeypatch, breaker, error, fragment):
    before = snapshot(package_copy)
    breaker(package_copy, monkeypatch)
    with pytest.raises(error) as exc:
        build(package_copy)
    monkeypatch.undo()
    assert fragment in str(exc.value)
    assert_untouched(package_copy, before)


def test_a_successful_build_replaces_everything_and_is_byte_identical(package_copy, root):
    files = build(package_copy)
    assert set(files) == {f"data/{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")} | {"datapackage.json", "croissant.json"}
    for path, (size, sha256) in files.items():
        data = (root / path).read_bytes()
        assert (package_copy / path).read_bytes() == data, f"{path} differs from the committed file"
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha256), f"{path}: build() reports another size or hash"
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
def test_cross_table_checks_catch_tampering(root, table, column, value, fragment, tmp_path, monkeypatch):
    """A row derive got wrong (tampered with as it leaves derive) is refused by the build's own checks."""
    derive_batch = stream.derive_batch

    def tampered(*args, **kwargs):
        tables = derive_batch(*args, **kwargs)
        tables[table][0][column] = value
        return tables

    monkeypatch.setattr(stream, "derive_batch", tampered)
    with pytest.raises(BuildError) as failure:
        stream.stage(root, tmp_path / "staged")
    problems = [str(p) for p in failure.value.problems]
    assert any(fragment in p and f"data/{table}" in p for p in problems), problems


def test_readme_without_markers_is_a_clear_error(package_staged):
    staged = package_staged.staged
    with pytest.raises(BuildError, match="missing the markers"):
        readme_updated("# no markers", staged.schemas, staged.kept, staged.counts)
