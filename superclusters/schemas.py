"""Table Schemas are the single source of truth; everything typed is derived from them here.

- `frame`: rows -> pandas DataFrame with the schema's column order and dtypes;
- `pandera_schema`: checks for required, unique, enum, pattern, min/max, dates, keys;
- `arrow_schema`: the Parquet schema, descriptions carried as field metadata;
- `markdown_table`: the README's column table.

pandera's own `from_frictionless_schema` is not used: it makes integer columns
non-nullable and does not check dates (pandera 0.35).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

TABLES = ("articles", "claims", "events", "organisations", "people", "hardware", "mentions", "claim_groups", "claim_group_members")

# Table Schema type -> pandas dtype used in memory. Dates are datetime.date objects,
# lists are their '|'-joined text (as in the CSV), so both formats hold the same values.
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "date": "object", "list": "string", "boolean": "boolean"}


def load_schemas(directory: Path) -> dict[str, dict]:
    """Every table's schema; a missing, unreadable or malformed file is a problem, all reported together."""
    from .errors import BuildError, Problem

    schemas, problems = {}, []
    for name in TABLES:
        shown = f"schemas/{name}.json"
        try:
            schema = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(Problem(shown, "", "", f"missing; expected the Table Schema of {name} (restore it from git)"))
            continue
        except json.JSONDecodeError as exc:
            problems.append(Problem(shown, f"line {exc.lineno}, column {exc.colno}", "", f"invalid JSON: {exc.msg}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(shown, "", "", f"cannot be read as UTF-8 text: {exc}"))
            continue
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str) and f.get("type") in PANDAS_DTYPES for f in fields):
            expected = f"expected a Table Schema: an object whose fields each have a name and a type in {sorted(PANDAS_DTYPES)}"
            problems.append(Problem(shown, "", "fields", expected))
            continue
        schemas[name] = schema
    if problems:
        raise BuildError(problems)
    return schemas


def field_names(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]


def frame(rows: list[dict[str, Any]], schema: dict):
    """DataFrame in schema column order; a row with a column the schema lacks is an error, not dropped.

    Built through pyarrow (one C++ pass instead of a Python one per column), so the frame has exactly
    the dtypes a Parquet file written from it reads back with.
    """
    import pandas as pd
    import pyarrow as pa

    names = field_names(schema)
    extra = sorted({key for row in rows for key in row} - set(names))
    if extra:
        raise KeyError(f"rows carry columns not in the schema: {extra}")
    try:
        table = pa.Table.from_pylist(rows, schema=arrow_schema(schema).remove_metadata()) if rows else arrow_schema(schema).empty_table()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # A value of the wrong type: build column by column so validation can name its row and column.
        data = {}
        for f in schema["fields"]:
            values = [row.get(f["name"]) for row in rows]
            try:
                data[f["name"]] = pd.Series(values, dtype=PANDAS_DTYPES[f["type"]])
            except (TypeError, ValueError):
                data[f["name"]] = pd.Series(values, dtype="object")
        return pd.DataFrame(data, columns=names)
    types = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(types_mapper=types.get, date_as_object=True)


def missing(value: Any) -> bool:
    """True for None, pandas' NA and NaN: the ways a DataFrame spells an empty cell."""
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _is_date(value: Any) -> bool:
    return value is None or (isinstance(value, date) and not hasattr(value, "hour"))


def pandera_schema(schema: dict, name: str):
    """pandera DataFrameSchema equivalent to the Table Schema's types and constraints."""
    import pandas as pd
    import pandera.pandas as pa

    columns = {}
    for f in schema["fields"]:
        cons = f.get("constraints", {})
        checks = []
        if "enum" in cons:
            checks.append(pa.Check.isin(cons["enum"]))
        if "pattern" in cons:
            checks.append(pa.Check.str_matches(cons["pattern"]))
        if "minimum" in cons:
            checks.append(pa.Check.ge(cons["minimum"]))
        if "maximum" in cons:
            checks.append(pa.Check.le(cons["maximum"]))
        if f["type"] == "date":
            checks.append(pa.Check(lambda s: s.map(lambda v: v is pd.NA or _is_date(v)), element_wise=False, name="iso_date"))
        # dtype=None: pandera's own dtype check costs about 1 ms per column; dtype_problems() below
        # compares the exact dtype strings instead, which is equivalent for the dtypes we build.
        columns[f["name"]] = pa.Column(
            None,
            checks=checks,
            nullable=not cons.get("required", False),
            unique=bool(cons.get("unique", False)),
            description=f.get("description"),
        )
    return pa.DataFrameSchema(columns, name=name, strict=True, ordered=True, unique=schema.get("primaryKey"))


def dtype_problems(df: Any, schema: dict) -> list[tuple[str, str]]:
    """(column, message) for every column whose pandas dtype is not the one the schema's type maps to."""
    wrong = []
    for f in schema["fields"]:
        expected = PANDAS_DTYPES[f["type"]]
        if f["name"] in df and str(df[f["name"]].dtype) != expected:
            wrong.append((f["name"], f"dtype {df[f['name']].dtype} where type {f['type']} expects {expected}"))
    return wrong


def arrow_schema(schema: dict):
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32(), "list": pa.string(), "boolean": pa.bool_()}
    return pa.schema(
        [
            pa.field(
                f["name"],
                types[f["type"]],
                nullable=not f.get("constraints", {}).get("required", False),
                metadata={"description": f.get("description", "")},
            )
            for f in schema["fields"]
        ]
    )


def markdown_table(schema: dict) -> str:
    """README column table: name, type, required, description (with the allowed values)."""
    lines = ["| column | type | required | description |", "|---|---|---|---|"]
    for f in schema["fields"]:
        cons = f.get("constraints", {})
        description = f.get("description", "")
        if "enum" in cons:
            description += " One of: " + ", ".join(f"`{v}`" for v in cons["enum"]) + "."
        kind = f["type"] + (f" of {f['itemType']} ('{f['delimiter']}')" if f["type"] == "list" else "")
        description = description.replace("|", "\\|")
        lines.append(f"| `{f['name']}` | {kind} | {'yes' if cons.get('required') else ''} | {description} |")
    keys = ", ".join(f"`{k}`" for k in schema.get("primaryKey", []))
    fks = "; ".join(f"`{fk['fields'][0]}` → `{fk['reference']['resource']}.{fk['reference']['fields'][0]}`" for fk in schema.get("foreignKeys", []))
    lines.append("")
    lines.append(f"Primary key: {keys}." + (f" Foreign keys: {fks}." if fks else ""))
    return "\n".join(lines)
