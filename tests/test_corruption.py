"""A user's copy of the published package, corrupted: frictionless and the project's own check both catch it."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from superclusters.build.pipeline import verify


@pytest.fixture
def published(tmp_path: Path, root: Path) -> Path:
    for name in ("data", "schemas", "seeds"):
        shutil.copytree(root / name, tmp_path / name)
    shutil.copy2(root / "datapackage.json", tmp_path / "datapackage.json")
    return tmp_path


def rewrite_csv(path: Path, change) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows[0], rows[1:], rows)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def frictionless_errors(folder: Path, *resources: str) -> list[tuple[str, str, int | None, str | None]]:
    """(resource, error type, row, field) from frictionless; only `resources` when named.

    A resource validated inside its package still checks its foreign keys against the other resources
    (tested below); validating the whole package (32 resources, about 2 s) for each corruption of one
    table was most of this file's time.
    """
    from frictionless import Package

    package = Package(str(folder / "datapackage.json"))
    if not resources:
        report = package.validate()
        return [(task.name, e.type, getattr(e, "row_number", None), getattr(e, "field_name", None)) for task in report.tasks for e in task.errors]
    errors = []
    for name in resources:
        report = package.get_resource(name).validate()
        errors += [(name, e.type, getattr(e, "row_number", None), getattr(e, "field_name", None)) for task in report.tasks for e in task.errors]
    return errors


def own_problems(folder: Path) -> list[str]:
    return [str(p) for p in verify(folder)]


def test_the_clean_copy_passes_both(published, clean_package_frictionless_report):
    """The copy holds the committed bytes, whose whole-package frictionless report is made once per run."""
    assert clean_package_frictionless_report["errors"] == []
    assert own_problems(published) == []


def test_duplicate_primary_key(published):
    def change(header, body, rows):
        rows.insert(2, list(body[0]))

    rewrite_csv(published / "data" / "claims.csv", change)
    key = "000_9792f8e7dbbae654-1062-gpu_count"
    assert ("claims", "primary-key", 3, None) in [(t, e, r, None) for t, e, r, _ in frictionless_errors(published, "claims")]
    assert any(f"data/claims.csv: row {key}: claim_id" in p for p in own_problems(published))


def test_dangling_foreign_key(published):
    def change(header, body, rows):
        body[0][header.index("hardware_id")] = "colossus"

    rewrite_csv(published / "data" / "claims.csv", change)
    assert any(t == "claims" and e == "foreign-key" and r == 2 for t, e, r, _ in frictionless_errors(published, "claims"))
    assert any("row 000_9792f8e7dbbae654-1062-gpu_count: hardware_id: 'colossus' is not an id in hardware" in p for p in own_problems(published))


def test_quote_that_no_longer_matches_its_span(published):
    def change(header, body, rows):
        body[0][header.index("quote")] = "Tesla colocaria on-line um cluster de 60.000 GPUs"

    rewrite_csv(published / "data" / "claims.csv", change)
    # frictionless knows nothing of seeds, but the file no longer matches its declared hash.
    assert any(t == "claims" and e == "hash-count" for t, e, _, _ in frictionless_errors(published, "claims"))
    assert any("data/claims.csv: row 000_9792f8e7dbbae654-1062-gpu_count: char_start: quote" in p for p in own_problems(published))


@pytest.mark.parametrize(("column", "value", "check"), [("value", "-5", "greater_than_or_equal_to"), ("modality", "rumoured", "isin")])
def test_value_outside_its_constraint(published, column, value, check):
    def change(header, body, rows):
        body[0][header.index(column)] = value

    rewrite_csv(published / "data" / "claims.csv", change)
    assert ("claims", "constraint-error", 2, column) in frictionless_errors(published, "claims")
    assert any(f"row 000_9792f8e7dbbae654-1062-gpu_count: {column}: value" in p and check in p for p in own_problems(published))


def test_truncated_parquet(published):
    path = published / "data" / "events.parquet"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert any(t == "events-parquet" for t, _, _, _ in frictionless_errors(published, "events-parquet"))
    assert any("data/events.parquet: cannot be read as Parquet" in p for p in own_problems(published))
    assert any("data/events.parquet: hash: file does not match" in p for p in own_problems(published))


@pytest.mark.parametrize(
    ("table", "column", "value", "target"),
    [
        ("mentions", "person_id", "elon", "people"),
        ("claim_group_members", "group_id", "nope", "claim_groups"),
        ("claims", "attributed_person_id", "someone", "people"),
    ],
)
def test_foreign_keys_of_the_new_tables(published, table, column, value, target):
    def change(header, body, rows):
        row = next(r for r in body if r[header.index(column)])
        row[header.index(column)] = value

    rewrite_csv(published / "data" / f"{table}.csv", change)
    assert any(t == table and e == "foreign-key" for t, e, _, _ in frictionless_errors(published, table))
    assert any(f"'{value}' is not an id in {target}" in p for p in own_problems(published))


def test_a_foreign_key_is_caught_validating_one_resource_and_the_whole_package_agrees(published):
    """The shortcut above is sound: one resource's report has the same foreign-key error as the package's."""

    def change(header, body, rows):
        body[0][header.index("hardware_id")] = "colossus"

    rewrite_csv(published / "data" / "claims.csv", change)
    alone = [e for e in frictionless_errors(published, "claims") if e[1] == "foreign-key"]
    whole = [e for e in frictionless_errors(published) if e[1] == "foreign-key"]
    assert alone == whole and alone
