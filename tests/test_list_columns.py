"""Table Schema `list` fields: native Arrow list<string> in Parquet, delimiter-joined in CSV, real lists in
memory, and still checked in full although frictionless cannot read Parquet lists (see publish/files.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import test_corruption

from superclusters.build.pipeline import verify
from superclusters.check.schemas import TABLES, arrow_schema, arrow_table, frame, list_fields, load_schemas, pandera_schema
from superclusters.publish.files import _cell, csv_bytes_arrow, parquet_resource_schema

published = test_corruption.published  # the fixture: a user's copy of the package, to break

SCHEMA = {
    "fields": [
        {"name": "item_id", "type": "string", "constraints": {"required": True}},
        {"name": "tags", "type": "list", "itemType": "string", "delimiter": "|"},
        {"name": "day", "type": "date"},
    ],
    "primaryKey": ["item_id"],
}


@pytest.fixture(scope="module")
def schemas(root: Path) -> dict[str, dict]:
    return load_schemas(root / "schemas")


def list_columns(schemas: dict[str, dict]) -> list[tuple[str, str, str]]:
    return [(table, name, delimiter) for table in TABLES for name, delimiter in list_fields(schemas[table]).items()]


def test_the_package_has_list_columns(schemas):
    assert len(list_columns(schemas)) >= 5


def test_parquet_types_follow_the_schema(root, schemas):
    for table in TABLES:
        parquet = pq.read_schema(root / "data" / f"{table}.parquet")
        for f in schemas[table]["fields"]:
            kind = parquet.field(f["name"]).type
            if f["type"] == "list":
                assert kind == pa.list_(pa.string()), (table, f["name"], kind)
            if f["type"] == "date":
                assert kind == pa.date32(), (table, f["name"], kind)


def test_parquet_lists_are_the_csv_cells_split_on_the_fields_delimiter(root, schemas):
    checked = 0
    for table, name, delimiter in list_columns(schemas):
        cells = [row[name] for row in csv.DictReader(io.StringIO((root / "data" / f"{table}.csv").read_text(encoding="utf-8"), newline=""))]
        lists = pq.read_table(root / "data" / f"{table}.parquet", columns=[name])[name].to_pylist()
        assert [c.split(delimiter) if c else None for c in cells] == lists, (table, name)
        checked += sum(v is not None for v in lists)
    assert checked > 20


def test_users_can_explode_list_columns_from_parquet(root):
    events = pd.read_parquet(root / "data" / "events.parquet")
    exploded = events.explode("organisation_ids")["organisation_ids"].dropna()
    organisations = set(pd.read_parquet(root / "data" / "organisations.parquet")["organisation_id"])
    assert len(exploded) > len(events["organisation_ids"].dropna()) and set(exploded) <= organisations


def test_frame_turns_delimited_text_into_lists_and_csv_joins_them_back():
    rows = [{"item_id": "a", "tags": "x|y", "day": None}, {"item_id": "b", "tags": None, "day": None}, {"item_id": "c", "tags": ["z"], "day": None}]
    df = frame(rows, SCHEMA)
    assert df["tags"].tolist() == [["x", "y"], None, ["z"]]
    assert str(df["tags"].dtype) == "object"
    assert csv_bytes_arrow(arrow_table(rows, SCHEMA), SCHEMA).decode() == "item_id,tags,day\na,x|y,\nb,,\nc,z,\n"
    assert pa.Table.from_pandas(df, schema=arrow_schema(SCHEMA), preserve_index=False)["tags"].to_pylist() == [["x", "y"], None, ["z"]]


def test_a_semicolon_list_is_joined_with_its_own_delimiter():
    schema = json.loads(json.dumps(SCHEMA))
    schema["fields"][1]["delimiter"] = ";"
    assert b"a,x;y," in csv_bytes_arrow(arrow_table([{"item_id": "a", "tags": ["x", "y"], "day": None}], schema), schema)
    assert _cell(["p", "q"], ";") == "p;q" and _cell(None) == "" and _cell("plain") == "plain"


@pytest.mark.parametrize("bad", [["x|y"], [""], [1], 5])
def test_a_list_cell_the_csv_could_not_round_trip_is_a_validation_error(bad):
    import pandera.errors

    df = frame([{"item_id": "a", "tags": "ok", "day": None}], SCHEMA)
    df.at[0, "tags"] = bad
    with pytest.raises(pandera.errors.SchemaErrors, match="list_of_strings"):
        pandera_schema(SCHEMA, "t").validate(df, lazy=True)


def test_parquet_resources_declare_the_schema_with_lists_typed_any_only(root, schemas):
    """Generic over the tables: a Parquet resource's schema is its table's, except list fields typed `any`."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    for table in TABLES:
        declared = resources[f"{table}-parquet"]["schema"]
        assert declared == parquet_resource_schema(schemas[table], table)
        if not list_fields(schemas[table]):
            assert declared == f"schemas/{table}.json"
            continue
        assert [f["name"] for f in declared["fields"]] == [f["name"] for f in schemas[table]["fields"]]
        for mine, real in zip(declared["fields"], schemas[table]["fields"], strict=True):
            if real["type"] == "list":
                assert mine["type"] == "any" and mine.get("constraints") == real.get("constraints")
            else:
                assert mine == real
        assert {k: v for k, v in declared.items() if k != "fields"} == {k: v for k, v in schemas[table].items() if k != "fields"}


def test_verify_catches_a_dangling_id_inside_a_parquet_list(published):
    """What frictionless cannot see in Parquet (it types list columns `any`), build.py --verify does."""
    path = published / "data" / "events.parquet"
    table = pq.read_table(path)
    lists = table["organisation_ids"].to_pylist()
    row = next(i for i, v in enumerate(lists) if v)
    lists[row] = [*lists[row], "colossus_corp"]
    index = table.schema.get_field_index("organisation_ids")
    pq.write_table(table.set_column(index, table.schema.field(index), pa.array(lists, pa.list_(pa.string()))), path)
    problems = [str(p) for p in verify(published)]
    assert any("data/events.parquet" in p and "organisation_ids: 'colossus_corp' is not an id in organisations" in p for p in problems), problems
    assert not any("data/events.csv:" in p and "colossus_corp" in p for p in problems)


def test_verify_catches_a_dangling_id_inside_a_csv_list(published):
    path = published / "data" / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index("hardware_ids")
    row = next(r for r in rows[1:] if r[column])
    row[column] += "|colossus"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    problems = [str(p) for p in verify(published)]
    assert any("data/events.csv" in p and "hardware_ids: 'colossus' is not an id in hardware" in p for p in problems), problems


@pytest.mark.parametrize(("constraint", "good", "bad"), [({"enum": ["x", "y"]}, "x|y", "x|z"), ({"pattern": "[a-z]+"}, "ab|c", "ab|C1")])
def test_enum_and_pattern_on_a_list_field_apply_to_each_item(constraint, good, bad):
    import pandera.errors

    schema = json.loads(json.dumps(SCHEMA))
    schema["fields"][1]["constraints"] = constraint
    rows = [{"item_id": "a", "tags": good, "day": None}, {"item_id": "b", "tags": None, "day": None}]
    pandera_schema(schema, "t").validate(frame(rows, schema), lazy=True)
    rows[1]["tags"] = bad
    with pytest.raises(pandera.errors.SchemaErrors) as exc:
        pandera_schema(schema, "t").validate(frame(rows, schema), lazy=True)
    assert set(exc.value.failure_cases["column"]) == {"tags"}
