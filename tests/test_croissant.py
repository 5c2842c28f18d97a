"""croissant.json: valid for mlcroissant, every table readable as records with typed fields, every file
listed with its sha256 — all derived from the schemas, so a new table is covered without a change here."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from superclusters.check.schemas import TABLES, load_schemas
from superclusters.publish.croissant import DATA_TYPES, RECORDS_FROM

MLCROISSANT = Path(sys.executable).parent / "mlcroissant"
# mlcroissant 1.1.1's own deprecation noise (rdflib's ConjunctiveGraph, pandas' inplace=): not ours to fix.
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.filterwarnings("ignore:The inplace keyword")]


@pytest.fixture(scope="module")
def description(root: Path) -> dict:
    return json.loads((root / "croissant.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def schemas(root: Path) -> dict[str, dict]:
    return load_schemas(root / "schemas")


@pytest.fixture(scope="module")
def records(root: Path) -> dict[str, list[dict]]:
    """Every table's records, as mlcroissant reads them from croissant.json (once per module: ~0.5 s)."""
    import mlcroissant as mlc

    dataset = mlc.Dataset(jsonld=str(root / "croissant.json"))
    return {table: list(dataset.records(record_set=table)) for table in TABLES}


def csv_rows(root: Path, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((root / "data" / f"{table}.csv").read_text(encoding="utf-8"), newline="")))


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MLCROISSANT), "validate", "--jsonld", str(path)], capture_output=True, text=True, timeout=120, env=os.environ | {"NO_COLOR": "1"}
    )


def test_mlcroissant_validate_accepts_it_and_can_refuse(root, tmp_path, description):
    result = validate(root / "croissant.json")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "error" not in result.stderr.lower() and "warning" not in result.stderr.lower(), result.stderr[-3000:]
    broken = json.loads(json.dumps(description))
    broken["recordSet"][0]["field"][0]["dataType"] = "sc:NoSuchType"
    del broken["name"]
    (tmp_path / "croissant.json").write_text(json.dumps(broken), encoding="utf-8")
    assert validate(tmp_path / "croissant.json").returncode != 0


def test_states_croissant_1_1_and_the_packages_name_and_version(root, description):
    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    assert description["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert (description["name"], description["version"], description["url"]) == (package["name"], package["version"], package["homepage"])
    assert description["license"] == package["licenses"][0]["path"]


def test_every_file_is_a_file_object_with_its_sha256(root, description):
    objects = {o["contentUrl"]: o for o in description["distribution"]}
    expected = {f"data/{t}.{fmt}" for t in TABLES for fmt in ("csv", "parquet")}
    assert set(objects) == expected
    for path, item in objects.items():
        data = (root / path).read_bytes()
        assert item["sha256"] == hashlib.sha256(data).hexdigest(), path
        assert item["contentSize"] == f"{len(data)} B"


def test_every_table_is_a_record_set_with_its_typed_fields(description, schemas):
    sets = {r["@id"]: r for r in description["recordSet"]}
    assert list(sets) == list(TABLES)
    for table in TABLES:
        fields = sets[table]["field"]
        assert [f["name"] for f in fields] == [f["name"] for f in schemas[table]["fields"]]
        for mine, real in zip(fields, schemas[table]["fields"], strict=True):
            is_list = real["type"] == "list"
            assert mine["dataType"] == DATA_TYPES[real.get("itemType", "string") if is_list else real["type"]]
            assert mine.get("isArray", False) is is_list
            assert mine["source"] == {"fileObject": {"@id": f"{table}-{RECORDS_FROM}"}, "extract": {"column": real["name"]}}
        keys = schemas[table]["primaryKey"]
        assert sets[table]["key"] == ({"@id": f"{table}/{keys[0]}"} if len(keys) == 1 else [{"@id": f"{table}/{k}"} for k in keys])


def test_mlcroissant_reads_every_record_of_every_table(root, records):
    for table in TABLES:
        assert len(records[table]) == len(csv_rows(root, table)), table
    assert len(records["claims"]) == len(csv_rows(root, "claims")) > 0


def test_records_hold_the_published_values_typed(root, records, schemas):
    """Each table's first and last record equal the CSV rows, once mlcroissant's bytes are decoded."""

    def text(value):
        if value is None:
            return ""
        if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
            return "true" if value else "false"
        if isinstance(value, bytes):
            return value.decode("utf-8")
        if isinstance(value, list):
            return "|".join(text(v) for v in value)
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    seen_types: set[str] = set()
    for table in TABLES:
        rows = csv_rows(root, table)
        for index in (0, -1):
            record, row = records[table][index], rows[index]
            for f in schemas[table]["fields"]:
                value = record[f"{table}/{f['name']}"]
                assert text(value) == row[f["name"]], (table, index, f["name"], value)
                if value is not None:
                    seen_types.add(f["type"])
                    if f["type"] == "list":
                        assert isinstance(value, list)
                    if f["type"] == "integer":
                        assert isinstance(value, int)
    assert {"string", "integer", "list"} <= seen_types


def test_a_new_table_would_get_its_record_set_and_files(root, schemas, monkeypatch):
    """Generic over TABLES: the generator is given an extra schema and bytes and describes them."""
    import superclusters.publish.croissant as module

    package = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    extra = {"description": "places", "fields": [{"name": "place_id", "type": "string"}, {"name": "names", "type": "list"}], "primaryKey": ["place_id"]}
    files = {f"data/{t}.{fmt}": b"x" for t in TABLES for fmt in ("csv", "parquet")} | {"data/places.csv": b"p", "data/places.parquet": b"q"}
    monkeypatch.setattr(module, "TABLES", (*TABLES, "places"))
    made = module.croissant(package, schemas | {"places": extra}, files)
    assert made["recordSet"][-1]["@id"] == "places" and made["recordSet"][-1]["field"][1]["isArray"] is True
    assert {"data/places.csv", "data/places.parquet"} <= {o["contentUrl"] for o in made["distribution"]}


def test_a_tampered_file_is_refused_by_its_sha256(root, tmp_path, description):
    """mlcroissant checks hashes only of what it downloads; this is the check for local files."""
    shutil.copytree(root / "data", tmp_path / "data")
    path = tmp_path / "data" / "claims.csv"
    path.write_bytes(path.read_bytes() + b"\n")
    wrong = [o["contentUrl"] for o in description["distribution"] if hashlib.sha256((tmp_path / o["contentUrl"]).read_bytes()).hexdigest() != o["sha256"]]
    assert wrong == ["data/claims.csv"]
