"""The build types each table once as Arrow and checks it there (check/constraints.py); pandera, the validator of
record, only words a failure. These tests prove the two agree: every real table, mutated in every way its Table
Schema constrains, is flagged by the Arrow checks in exactly the rows and columns pandera flags; and the Parquet
files written from Arrow carry the pandas metadata pandas would have attached."""

from __future__ import annotations

from typing import Any

import pandera.errors
import pyarrow as pa
import pytest

from superclusters.check.constraints import table_failures
from superclusters.check.schemas import TABLES, arrow_schema, arrow_table, dtype_problems, frame, pandas_metadata, untyped_cells
from superclusters.check.validate import _pandera_schema, pandera_problems, table_problems

Verdict = set[tuple[int | None, str]]  # (row position, or None for the whole column; column)


def pandera_verdict(rows: list[dict], schema: dict, name: str) -> Verdict:
    """The cells and columns pandera (with `dtype_problems`, as the build runs it) flags in the frame of `rows`."""
    df = frame(rows, schema)
    found: Verdict = {(None, column) for column, _ in dtype_problems(df, schema)}
    try:
        _pandera_schema(schema, name).validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        for case in exc.failure_cases.to_dict("records"):
            index = case.get("index")
            found.add((None if index is None or index != index else int(index), case.get("column") or str(case.get("failure_case"))))
    return found


def arrow_verdict(rows: list[dict], schema: dict) -> tuple[Verdict, bool]:
    """The cells the Arrow checks flag in `rows`, and whether they could be typed at all."""
    table = arrow_table(rows, schema)
    if table is None:
        return {(position, column) for position, column, _ in untyped_cells(rows, schema)}, False
    return {(f.position, f.column) for f in table_failures(table, schema)}, True


def _with_items(value: Any, make) -> Any:
    return [make(item) for item in value] if isinstance(value, list) and value else [make("x")]


# Mutations of one cell each, by kind: field -> the new value, or None where the kind does not apply to the field.
# Each kind is applied to every field it applies to, in a row of its own (so one table checks them all at once).
CELL_MUTATIONS = {
    "missing": lambda f, v: (None,),
    "nan": lambda f, v: (float("nan"),) if f["type"] == "number" else None,
    "trailing_line_break": lambda f, v: (
        ((v or "x") + "\n",) if f["type"] == "string" else (_with_items(v, lambda i: i + "\n"),) if f["type"] == "list" else None
    ),
    "trailing_crlf": lambda f, v: ((v or "x") + "\r\n",) if f["type"] == "string" else None,
    "prefix": lambda f, v: ("X" + (v or ""),) if f["type"] == "string" else (_with_items(v, lambda i: "X" + i),) if f["type"] == "list" else None,
    "leading_space": lambda f, v: (" " + (v or "x"),) if f["type"] == "string" else None,
    "outside_enum": lambda f, v: ("zz_outside",) if f["type"] == "string" else (["zz_outside"],) if f["type"] == "list" else None,
    "below_minimum": lambda f, v: (f["constraints"]["minimum"] - 1,) if "minimum" in f.get("constraints", {}) else None,
    "just_below_minimum": lambda f, v: (f["constraints"]["minimum"] - 0.5,) if "minimum" in f.get("constraints", {}) and f["type"] == "number" else None,
    "above_maximum": lambda f, v: (f["constraints"]["maximum"] + 1,) if "maximum" in f.get("constraints", {}) else None,
    "empty_list": lambda f, v: ([],) if f["type"] == "list" else None,
    "empty_text": lambda f, v: ("",) if f["type"] == "list" else None,
    "delimiter_in_item": lambda f, v: (["a" + f.get("delimiter", ",") + "b"],) if f["type"] == "list" else None,
    "empty_item": lambda f, v: ("a" + 2 * f.get("delimiter", ",") + "b",) if f["type"] == "list" else None,
    "missing_item": lambda f, v: (["a", None],) if f["type"] == "list" else None,
}
# A value of the wrong type for a field's type (in a row of its own: the column can then not be typed at all).
# Not among them: what pyarrow's conversion takes, as the build always typed it (a float in an integer column is
# truncated, a datetime in a date column keeps its date, bytes in a text column are decoded).
WRONG_TYPES = {"integer": "x", "number": "x", "date": "2024-01-01", "boolean": "yes", "list": 5}


@pytest.fixture(scope="module")
def real_rows(package_tables) -> dict[str, list[dict]]:
    """Each real table's rows as the build typed and wrote them (lists as lists, dates as dates)."""
    tables, _ = package_tables
    return {name: table.to_pylist() for name, table in tables.items()}


@pytest.mark.parametrize("name", TABLES)
def test_the_arrow_checks_flag_what_pandera_flags_in_every_table(name: str, real_rows, package_tables) -> None:
    _, schemas = package_tables
    schema, rows = schemas[name], real_rows[name]
    assert arrow_verdict(rows, schema) == (set(), True) and pandera_verdict(rows, schema, name) == set(), "the real table is valid"
    kinds = list(CELL_MUTATIONS)
    flagged = 0
    for start in range(0, len(kinds), len(rows)):  # as many kinds per round as the table has rows
        mutated = [dict(row) for row in rows]
        for offset, kind in enumerate(kinds[start : start + len(rows)]):
            for field in schema["fields"]:
                change = CELL_MUTATIONS[kind](field, rows[offset][field["name"]])
                if change is not None:
                    mutated[offset][field["name"]] = change[0]
        arrow, typed = arrow_verdict(mutated, schema)
        assert typed, name
        assert arrow == pandera_verdict(mutated, schema, name), f"{name}: {kinds[start : start + len(rows)]}"
        flagged += len(arrow)
    assert flagged >= sum("required" in f.get("constraints", {}) for f in schema["fields"]), name
    # A duplicate of a whole row: every unique column and the primary key flag both rows.
    duplicated = [dict(rows[1]), *[dict(row) for row in rows[1:]]]
    arrow, _ = arrow_verdict(duplicated, schema)
    key = schema["primaryKey"][0]
    assert {(0, key), (1, key)} <= arrow
    assert arrow == pandera_verdict(duplicated, schema, name)


@pytest.mark.parametrize("name", TABLES)
def test_a_value_of_the_wrong_type_is_refused_where_pandera_refuses_it(name: str, real_rows, package_tables) -> None:
    """A value Arrow cannot type is named by its row and column; pandera names the same cell, or (where pandas
    could not type the column) the column by its dtype. pandas types the integer 5 as the text "5", which pandera
    then takes wherever its pattern and enum allow: the Arrow typing refuses it (and `table_problems` says so,
    below), so a text column is the one place the build is stricter than pandera was."""
    _, schemas = package_tables
    schema, rows = schemas[name], real_rows[name]
    mutated = [dict(row) for row in rows]
    wrong = {field["name"] for field in schema["fields"] if field["type"] in WRONG_TYPES}
    for field in schema["fields"]:
        if field["name"] in wrong:
            mutated[0][field["name"]] = WRONG_TYPES[field["type"]]
    if wrong:
        arrow, typed = arrow_verdict(mutated, schema)
        assert not typed and arrow == {(0, column) for column in wrong}, name
        pandera = pandera_verdict(mutated, schema, name)
        assert {column for _, column in pandera} == wrong, name
        assert all((0, column) in pandera or (None, column) in pandera for column in wrong), name
    text = [f["name"] for f in schema["fields"] if f["type"] == "string"]
    mutated = [dict(row) for row in rows]
    for column in text:
        mutated[0][column] = 5
    arrow, typed = arrow_verdict(mutated, schema)
    assert not typed and arrow == {(0, column) for column in text}
    assert pandera_verdict(mutated, schema, name) <= arrow


def test_the_build_words_a_failure_as_pandera_does_and_never_drops_one(real_rows, package_tables) -> None:
    _, schemas = package_tables
    schema = schemas["claims"]
    rows = [dict(row) for row in real_rows["claims"]]
    rows[0]["modality"] = "rumoured"
    rows[2]["claim_id"] = rows[3]["claim_id"]
    typed = arrow_table(rows, schema)
    assert table_problems("claims", schema, typed, rows) == pandera_problems({"claims": frame(rows, schema)}, {"claims": schema}) != []
    rows = [dict(row) for row in real_rows["claims"]]
    rows[1]["quote"] = 5  # pandas would take it as the text "5", and pandera with it
    assert pandera_problems({"claims": frame(rows, schema)}, {"claims": schema}) == []
    (problem,) = table_problems("claims", schema, arrow_table(rows, schema), rows)
    assert (problem.file, problem.entry, problem.field) == ("data/claims", f"row {rows[1]['claim_id']}", "quote") and "5" in problem.message


def test_columns_the_schema_lacks_or_misses_or_mistypes_are_flagged(package_tables) -> None:
    tables, schemas = package_tables
    table, schema = tables["claim_groups"], schemas["claim_groups"]
    assert table_failures(table.drop_columns(["summary"]), schema) != []
    assert table_failures(table.append_column("extra", pa.array([1] * table.num_rows)), schema) != []
    assert table_failures(table.select(list(reversed(table.column_names))), schema) != []
    retyped = table.set_column(table.column_names.index("claim_count"), "claim_count", table["claim_count"].cast(pa.int32()))
    assert {(f.position, f.column) for f in table_failures(retyped, schema)} == {(None, "claim_count")}


def test_checks_read_tables_made_of_several_chunks_and_slices(real_rows, package_tables) -> None:
    """The build writes batches; the checks must name the same rows whatever the table's chunks and offsets."""
    _, schemas = package_tables
    schema = schemas["events"]
    rows = [dict(row) for row in real_rows["events"]]
    for position in (3, 40, 41):
        rows[position]["organisation_ids"] = ["spacex|x", ""][position % 2 : position % 2 + 1] or None
        rows[position]["event_type"] = "zz"
    whole = arrow_table(rows, schema)
    chunked = pa.concat_tables([arrow_table(rows[:41], schema), arrow_table(rows[41:], schema)])
    sliced = pa.concat_tables([whole.slice(0, 20), whole.slice(20)])
    expected = {(f.position, f.column) for f in table_failures(whole, schema)}
    assert expected and expected == {(f.position, f.column) for f in table_failures(chunked, schema)} == {
        (f.position, f.column) for f in table_failures(sliced, schema)
    }
    assert expected == pandera_verdict(rows, schema, "events")


@pytest.mark.parametrize("name", TABLES)
def test_the_parquet_pandas_metadata_is_what_pandas_attached(name: str, package_frames) -> None:
    """Written from Arrow, each Parquet file still carries the metadata `pa.Table.from_pandas` attached to the frame
    of the table (computed here without pandas), so the files are byte-identical and pandas restores the dtypes."""
    frames, schemas = package_frames
    for df in (frames[name], frames[name].iloc[0:0]):
        attached = pa.Table.from_pandas(df, schema=arrow_schema(schemas[name]), preserve_index=False).schema.metadata[b"pandas"]
        assert pandas_metadata(schemas[name]) == attached


def test_a_build_that_passes_imports_neither_pandas_nor_pandera(package_copy) -> None:
    """build.py, run as a user runs it, types, checks and writes Arrow only: pandas and pandera are never loaded
    (they are loaded to word a failure, and by --verify)."""
    import subprocess
    import sys

    from conftest import ROOT

    code = (
        "import runpy, sys\n"
        f"sys.argv = ['build.py', '--root', {str(package_copy)!r}]\n"
        "try:\n    runpy.run_path('build.py', run_name='__main__')\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('pandas', 'pandera')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (package_copy / "data" / "claims.csv").read_bytes() == (ROOT / "data" / "claims.csv").read_bytes()
