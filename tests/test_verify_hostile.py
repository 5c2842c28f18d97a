"""`--verify` on a hostile or damaged copy: it checks what it claims, reads only the package's own
regular files, and reports every unreadable file as a problem line, never a traceback (issue 12: 22-27)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import test_corruption

from superclusters.build.pipeline import verify
from superclusters.check.schemas import load_schemas
from superclusters.inputs.seeds import sha256_hex
from superclusters.publish.files import schema_hashes
from superclusters.publish.verify import descriptor_problems

CLAIM = "000_9792f8e7dbbae654-1062-gpu_count"
published = test_corruption.published  # the fixture: a user's copy of the package, to break


def problems(folder: Path) -> list[str]:
    return [str(p) for p in verify(folder)]


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def save_descriptor(folder: Path, value: dict) -> None:
    (folder / "datapackage.json").write_text(json.dumps(value, indent=2), encoding="utf-8")


def rehash(folder: Path, path: str) -> None:
    """Record the file's new sha256 (and size) in datapackage.json, as a careful tamperer would."""
    value = descriptor(folder)
    data = (folder / path).read_bytes()
    for resource in value["resources"]:
        if resource["path"] == path:
            resource["hash"] = f"sha256:{sha256_hex(data)}"
            if "bytes" in resource:
                resource["bytes"] = len(data)
    save_descriptor(folder, value)


def edit_csv_cell(folder: Path, table: str, column: str, value: str) -> None:
    path = folder / "data" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[1][rows[0].index(column)] = value
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def edit_parquet_cell(folder: Path, table: str, column: str, value: str) -> None:
    path = folder / "data" / f"{table}.parquet"
    data = pq.read_table(path)
    values = data.column(column).to_pylist()
    values[0] = value
    data = data.set_column(data.schema.get_field_index(column), data.schema.field(column), pa.array(values, data.schema.field(column).type))
    pq.write_table(data, path, compression="zstd")


def test_a_deleted_descriptor_fails(published):
    (published / "datapackage.json").unlink()
    edit_csv_cell(published, "claims", "modality", "reported")
    found = problems(published)
    assert found[0].startswith("datapackage.json: missing; expected the package descriptor")
    assert f"data/claims.parquet: row {CLAIM}: modality: 'planned' differs from data/claims.csv's 'reported'" in found


def test_a_removed_resource_entry_fails(published):
    value = descriptor(published)
    value["resources"] = [r for r in value["resources"] if r["path"] != "data/claims.csv"]
    save_descriptor(published, value)
    edit_csv_cell(published, "claims", "modality", "reported")
    found = problems(published)
    assert any(p.startswith("datapackage.json: resources: claims: no resource lists data/claims.csv") for p in found), found
    assert any("differs from data/claims.csv's 'reported'" in p for p in found)


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/etc/passwd", "is absolute"),
        ("/dev/zero", "is absolute"),
        ("../../../../etc/hostname", "contains '..'"),
        ("data/../../outside.csv", "contains '..'"),
        ("data", "not a regular file"),
        (".", "is not a plain relative path"),
        ("data//claims.csv", "is not a plain relative path"),
        ("data/.hidden.csv", "hidden"),
        ("data/a\x00b.csv", "cannot be read (embedded null byte)"),
        (None, "is not a relative path"),
        ("C:/Windows/win.ini", "is absolute"),
    ],
)
def test_resource_paths_outside_the_package_are_refused(published, path, fragment):
    value = descriptor(published)
    value["resources"][0]["path"] = path
    save_descriptor(published, value)
    found = [str(p) for p in descriptor_problems(published, load_schemas(published / "schemas"), complete=True)]  # the part that reads paths
    assert any(p.startswith("datapackage.json: resources[0] (articles): path:") and fragment in p for p in found), found


def test_links_to_devices_and_outside_files_are_never_read(published, tmp_path):
    (published / "data" / "claims.csv").unlink()
    os.symlink("/dev/zero", published / "data" / "claims.csv")
    seed = next((published / "seeds").glob("*.txt"))
    seed.unlink()
    os.symlink("/dev/zero", seed)
    found = problems(published)
    assert "data/claims.csv: data/claims.csv is a symlink; links are never followed (put the file itself there)" in found
    assert f"seeds/{seed.name}: seeds/{seed.name} is a symlink; links are never followed (put the file itself there)" in found


@pytest.mark.parametrize(
    ("damage", "fragment"),
    [
        (lambda f: (f / "data" / "events.csv").unlink(), "data/events.csv: missing"),
        (lambda f: (f / "datapackage.json").write_text("{not json", encoding="utf-8"), "datapackage.json: line 1, column 2: invalid JSON"),
        (lambda f: (f / "datapackage.json").write_bytes(b'{"a": "\xff"}'), "datapackage.json: byte 7: invalid UTF-8"),
        (lambda f: (f / "datapackage.json").write_text("[]", encoding="utf-8"), "datapackage.json: resources: expected a JSON object"),
        (lambda f: next((f / "seeds").glob("*.txt")).write_bytes(b"caf\xff"), ": byte 3: invalid UTF-8"),
        (lambda f: (f / "data" / "people.csv").write_bytes("person_id\nJosé\n".encode("latin-1")), "data/people.csv: byte 13: invalid UTF-8"),
        (lambda f: (f / "data" / "people.csv").write_bytes(b""), "data/people.csv: is empty"),
        (lambda f: (f / "data" / "hardware.csv").write_bytes((f / "data" / "hardware.csv").read_bytes() + b"a,b\n"), "data/hardware.csv: line"),
        (lambda f: (f / "schemas" / "events.json").unlink(), "schemas/events.json: missing"),
    ],
)
def test_unreadable_files_are_problems_not_tracebacks(published, damage, fragment):
    damage(published)
    found = problems(published)
    assert any(fragment in p for p in found), found


def test_a_short_row_is_reported_not_padded(published):
    path = published / "data" / "hardware.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = ",".join(lines[1].split(",")[:2]) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert any(p.startswith("data/hardware.csv: line 2: 2 fields; expected") for p in problems(published))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_one_format_edited_and_rehashed_differs_from_the_other(published, fmt):
    (edit_csv_cell if fmt == "csv" else edit_parquet_cell)(published, "claims", "modality", "reported")
    rehash(published, f"data/claims.{fmt}")
    found = problems(published)
    assert any(p.startswith(f"data/claims.parquet: row {CLAIM}: modality:") and "differs from data/claims.csv" in p for p in found), found


@pytest.mark.parametrize("spelling", ["schemaHash", "schema object"])
def test_a_loosened_schema_is_caught_by_its_recorded_hash(published, spelling):
    """The schema's hash recorded in the descriptor, then the enum loosened and both formats edited and re-hashed."""
    value = descriptor(published)
    hashes = schema_hashes(published)
    for resource in value["resources"]:
        if not isinstance(resource.get("schema"), str):  # no schema, or one inlined in the descriptor
            continue
        if spelling == "schemaHash":
            resource["schemaHash"] = hashes[resource["schema"]]
        else:
            resource["schema"] = {"path": resource["schema"], "hash": hashes[resource["schema"]]}
    save_descriptor(published, value)
    assert problems(published) == []

    schema = json.loads((published / "schemas" / "claims.json").read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "modality")["constraints"]["enum"].append("rumoured")
    (published / "schemas" / "claims.json").write_text(json.dumps(schema), encoding="utf-8")
    for fmt in ("csv", "parquet"):
        (edit_csv_cell if fmt == "csv" else edit_parquet_cell)(published, "claims", "modality", "rumoured")
        rehash(published, f"data/claims.{fmt}")
    assert problems(published) == ["schemas/claims.json: hash: schema does not match datapackage.json's " + hashes["schemas/claims.json"]] * 2


def test_the_clean_copy_is_valid(published):
    assert problems(published) == []


def test_frictionless_accepts_the_schema_hash_spelling_verify_reads(published):
    """So the descriptor can carry `schemaHash` without breaking `frictionless validate` in `make build`."""
    from frictionless import Package

    value = descriptor(published)
    hashes = schema_hashes(published)
    for resource in value["resources"]:
        if isinstance(resource.get("schema"), str):
            resource["schemaHash"] = hashes[resource["schema"]]
    save_descriptor(published, value)
    assert Package(str(published / "datapackage.json")).validate().valid


def test_a_hash_with_a_line_break_edited_into_both_formats_and_rehashed_fails_verify(published):
    """pandera's str_matches (`re.match`) took "…\\n" for `^[0-9a-f]{64}$`; --verify called such a copy valid (issue 20: 6)."""
    sha256 = next(csv.DictReader(io.StringIO((published / "data" / "articles.csv").read_text(encoding="utf-8"))))["sha256"]
    for fmt in ("csv", "parquet"):
        (edit_csv_cell if fmt == "csv" else edit_parquet_cell)(published, "articles", "sha256", sha256 + "\n")
        rehash(published, f"data/articles.{fmt}")
    found = problems(published)
    assert any(p.startswith("data/articles.csv: row ") and f": sha256: value '{sha256}\\n' fails str_matches" in p for p in found), found


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("datapackage.json", "datapackage.json: line 1, column 65: invalid JSON: nested 65 levels deep or more"),
        ("schemas/claims.json", "schemas/claims.json: line 1, column 65: invalid JSON: nested 65 levels deep or more"),
    ],
)
def test_json_nested_too_deep_is_a_problem_line(published, target, fragment):
    """Python's json raised RecursionError near 1,000 levels (a traceback); the limit is applied before it parses."""
    (published / target).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    found = problems(published)
    assert any(p.startswith(fragment) for p in found), found
