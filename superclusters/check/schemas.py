"""Table Schemas are the single source of truth; everything typed is derived from them here.

- `frame`: rows -> pandas DataFrame with the schema's column order and dtypes;
- `pandera_schema`: checks for required, unique, enum, pattern, min/max, dates, keys;
- `arrow_schema`: the Parquet schema, descriptions carried as field metadata;
- `markdown_table`: the column table of the data dictionary (docs/data-dictionary.md).

pandera's own `from_frictionless_schema` is not used: it makes integer columns
non-nullable and does not check dates (pandera 0.35).
"""

from __future__ import annotations

import re
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

TABLES = (
    "articles",
    "sentences",
    "claims",
    "events",
    "relations",
    "organisations",
    "people",
    "hardware",
    "places",
    "unnamed_parties",
    "entities",
    "entity_links",
    "mentions",
    "claim_groups",
    "claim_group_members",
    "claim_pairs",
    "profile_facts",
    "systems",
    "epoch_gpu_clusters",
)

# Table Schema type -> pandas dtype used in memory. Dates are datetime.date objects and lists are
# Python lists of strings (Arrow list<string> in Parquet); only the CSV joins them with the field's
# delimiter, as the Table Schema `list` type describes. A missing list is None, never [] (an empty CSV
# cell cannot tell the two apart, so the build never makes an empty list).
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "date": "object", "list": "object", "boolean": "boolean"}


def load_schemas(directory: Path) -> dict[str, dict]:
    """Every table's schema; a missing, unreadable or malformed file is a problem, all reported together."""
    from ..errors import BuildError, Problem
    from ..inputs.limits import json_problem, read_json
    from ..inputs.paths import MISSING, path_problem

    schemas, problems = {}, []
    for name in TABLES:
        shown = f"schemas/{name}.json"
        why = path_problem(directory, f"{name}.json")  # never a link, FIFO or device: a schema is read from a user's copy too
        if why is not None:
            expected = f"expected the Table Schema of {name} (restore it from git)"
            problems.append(Problem(shown, "", "", f"missing; {expected}" if why.startswith(MISSING) else f"{why}; {expected}"))
            continue
        try:
            schema = read_json(directory / f"{name}.json")
        except (OSError, ValueError) as exc:  # unreadable, too large, not UTF-8, not JSON, nested too deep
            where, what = json_problem(exc)
            problems.append(Problem(shown, where, "", what))
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


def list_fields(schema: dict) -> dict[str, str]:
    """Name -> delimiter of every `list` field (the Table Schema default delimiter is ',')."""
    return {f["name"]: f.get("delimiter", ",") for f in schema["fields"] if f["type"] == "list"}


def split_list(value: Any, delimiter: str) -> list[str] | None:
    """A list cell as a Python list: delimited text is split, a list or array is copied, missing or '' is None.

    Any other value is returned as it is, for validation to report rather than for this to hide.
    """
    if isinstance(value, str):
        return value.split(delimiter) if value else None
    if hasattr(value, "__len__"):
        return list(value) if len(value) else None
    return None if missing(value) else value


def frame(rows: list[dict[str, Any]], schema: dict):
    """DataFrame in schema column order; a row with a column the schema lacks is an error, not dropped.

    Built through pyarrow (one C++ pass instead of a Python one per column), so the frame has exactly
    the dtypes a Parquet file written from it reads back with. `list` cells may come as delimited text
    (what derive makes) or as lists; both become Python lists here, so derive need not know the type.
    """
    import pandas as pd
    import pyarrow as pa

    names = field_names(schema)
    extra = sorted(set().union(*rows) - set(names))
    if extra:
        raise KeyError(f"rows carry columns not in the schema: {extra}")
    lists = list_fields(schema)
    try:
        if rows:
            # What pa.Table.from_pylist does (a Python list per column, then from_arrays), with the list
            # cells split per column: copying every row dict to split them cost more than the conversion.
            arrow = arrow_schema(schema).remove_metadata()
            columns = []
            for name in arrow.names:
                try:  # a C-level getter where every row has the column (most tables), else None for a missing one
                    values = list(map(itemgetter(name), rows))
                except KeyError:
                    values = [row.get(name) for row in rows]
                if name in lists:
                    delimiter = lists[name]
                    values = [None if v is None else split_list(v, delimiter) for v in values]
                columns.append(values)
            table = pa.Table.from_arrays(columns, schema=arrow)
        else:
            table = arrow_schema(schema).empty_table()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # A value of the wrong type: build column by column so validation can name its row and column.
        if lists:
            rows = [{**row, **{n: split_list(row[n], d) for n, d in lists.items() if n in row}} for row in rows]
        data = {}
        for f in schema["fields"]:
            values = [row.get(f["name"]) for row in rows]
            try:
                data[f["name"]] = pd.Series(values, dtype=PANDAS_DTYPES[f["type"]])
            except (TypeError, ValueError):
                data[f["name"]] = pd.Series(values, dtype="object")
        return pd.DataFrame(data, columns=names)
    types = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype()}
    return with_python_lists(table.to_pandas(types_mapper=types.get, date_as_object=True), schema)


def with_python_lists(df: Any, schema: dict):
    """`df` with every `list` column holding Python lists (pyarrow's to_pandas gives numpy arrays,
    which compare element-wise and print unlike the lists a user builds)."""
    import pandas as pd

    for name, delimiter in list_fields(schema).items():
        if name in df:
            df[name] = pd.Series([split_list(v, delimiter) for v in df[name].tolist()], index=df.index, dtype="object")
    return df


def missing(value: Any) -> bool:
    """True for None, pandas' NA and NaN: the ways a DataFrame spells an empty cell."""
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _is_date(value: Any) -> bool:
    return value is None or (isinstance(value, date) and not hasattr(value, "hour"))


def _is_string_list(value: Any, delimiter: str) -> bool:
    """None, or a non-empty list of non-empty strings none of which holds the delimiter (the CSV could not split it back)."""
    return value is None or (isinstance(value, list) and len(value) > 0 and all(isinstance(item, str) and item and delimiter not in item for item in value))


def pandera_schema(schema: dict, name: str):
    """pandera DataFrameSchema equivalent to the Table Schema's types and constraints."""
    import pandas as pd
    import pandera.pandas as pa

    columns = {}
    for f in schema["fields"]:
        cons = f.get("constraints", {})
        checks = []
        if f["type"] == "list":
            # A list cell holds several values: enum and pattern apply to each item (pandera's isin and
            # str_matches would compare the whole list and fail on every non-empty cell); a pattern matches
            # an item whole, as below.
            if "enum" in cons:
                allowed = set(cons["enum"])
                checks.append(pa.Check(lambda s, a=allowed: s.map(lambda v: v is None or set(v) <= a), element_wise=False, name="isin"))
            if "pattern" in cons:
                regex = re.compile(cons["pattern"])
                checks.append(pa.Check(lambda s, r=regex: s.map(lambda v: v is None or all(r.fullmatch(x) for x in v)), element_wise=False, name="str_matches"))
        elif "enum" in cons:
            checks.append(pa.Check.isin(cons["enum"]))
        if "pattern" in cons and f["type"] != "list":
            # A Table Schema pattern matches the whole value (frictionless' spec); pandera's str_matches is
            # `re.match`, where the schemas' final `$` also matches before a line break ("tesla\n" passed).
            checks.append(pa.Check(lambda s, p=cons["pattern"]: s.str.fullmatch(p).fillna(True).astype(bool), element_wise=False, name="str_matches"))
        if "minimum" in cons:
            checks.append(pa.Check.ge(cons["minimum"]))
        if "maximum" in cons:
            checks.append(pa.Check.le(cons["maximum"]))
        if f["type"] == "date":
            checks.append(pa.Check(lambda s: s.map(lambda v: v is pd.NA or _is_date(v)), element_wise=False, name="iso_date"))
        if f["type"] == "list":
            delimiter = f.get("delimiter", ",")
            checks.append(pa.Check(lambda s, d=delimiter: s.map(lambda v: _is_string_list(v, d)), element_wise=False, name="list_of_strings"))
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

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32(), "boolean": pa.bool_()}

    def arrow_type(f: dict):
        # A list field is a native Arrow list of its itemType (Table Schema's default itemType is string).
        return pa.list_(types[f.get("itemType", "string")]) if f["type"] == "list" else types[f["type"]]

    return pa.schema(
        [
            pa.field(
                f["name"],
                arrow_type(f),
                nullable=not f.get("constraints", {}).get("required", False),
                metadata={"description": f.get("description", "")},
            )
            for f in schema["fields"]
        ]
    )


def markdown_table(schema: dict) -> str:
    """Data-dictionary column table: name, type, required, description (with the allowed values)."""
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
