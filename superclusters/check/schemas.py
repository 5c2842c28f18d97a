"""Table Schemas are the single source of truth; everything typed is derived from them here.

- `arrow_table`: rows -> Arrow table with the schema's column order and types (the build's one typing;
  check/constraints.py checks it, publish/files.py writes it);
- `arrow_schema`, `parquet_schema`: the Arrow schema (descriptions as field metadata), and with the pandas
  metadata the published Parquet files carry;
- `frame`: rows -> pandas DataFrame with the schema's column order and dtypes, for pandera;
- `pandera_schema`: checks for required, unique, enum, pattern, min/max, dates, keys (the validator of record:
  it words every failure, and `build.py --verify` runs it on the published files);
- `markdown_table`: the column table of the data dictionary (docs/data-dictionary.md).

pandera's own `from_frictionless_schema` is not used: it makes integer columns
non-nullable and does not check dates (pandera 0.35).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..errors import shown

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


def pyarrow_without_pandas() -> None:
    """Let pyarrow settle, without importing pandas, that it need not treat the lists a build converts as pandas
    objects; for build.py, a process that needs pandas only to word a failure.

    What pyarrow does: `pa.array` of a plain list first asks its pandas shim whether the list is a pandas object,
    and the shim imports pandas to answer (about 0.16 s, a third of the five-article build's own work). Here the
    shim's first look runs with pandas hidden, so it records "no pandas" and never looks again while converting;
    any pyarrow call that truly needs pandas imports it then, and `pandas_module` (the way this package imports
    pandas) makes the shim look again. Nothing is done where pandas is loaded already (a test run, a notebook).
    """
    if "pandas" in sys.modules:
        return

    class _Hidden:
        def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
            if name == "pandas" or name.startswith("pandas."):
                raise ImportError("pandas is not loaded by a build that passes")

    import pyarrow as pa

    hidden = _Hidden()
    sys.meta_path.insert(0, hidden)
    try:
        pa.array([])
    finally:
        sys.meta_path.remove(hidden)


def pandas_module() -> Any:
    """pandas, with pyarrow told it is there (see `pyarrow_without_pandas`)."""
    import pandas
    import pyarrow as pa

    try:
        pa.lib._pandas_api.pd  # noqa: B018 - the shim's property imports pandas where its first look found none
    except AttributeError:  # another pyarrow: its shim looks again by itself, or was never told
        pass
    return pandas


def _names(value: Any) -> list[str] | None:
    """A Table Schema key's fields (one name or a list of names) as a list, or None where it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def shape_problems(schema: Any, types: Iterable[str] = PANDAS_DTYPES, resources: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(field, problem) for every way `schema` is not a Table Schema this package can read: the shape of each
    part the build, `--verify`, the SQLite export and the site rely on (a schema comes from a user's copy too,
    and a hostile one must be a problem line, never a TypeError deep inside a reader)."""
    if not isinstance(schema, dict):
        return [("", "expected a Table Schema (a JSON object with fields)")]
    allowed = sorted(types)
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) for f in fields):
        return [("fields", "expected a list of objects, one per column")]
    found: list[tuple[str, str]] = []
    names: list[str] = []
    for i, field in enumerate(fields):
        name = field.get("name")
        where = f"fields[{i}]"
        if not isinstance(name, str) or not name:
            found.append((where, "name: expected the column's name (text)"))
            continue
        names.append(name)
        if field.get("type") not in allowed:
            found.append((where, f"type: {shown(field.get('type'))}; expected one of {allowed}"))
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict):
            found.append((where, "constraints: expected an object"))
            constraints = {}
        for key in ("format", "delimiter", "description", "title"):
            if key in field and not isinstance(field[key], str):
                found.append((where, f"{key}: expected text"))
        if field.get("delimiter") == "":
            found.append((where, "delimiter: expected a non-empty text"))
        pattern = constraints.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern) if isinstance(pattern, str) else found.append((where, "constraints: pattern: expected text"))
            except re.error as exc:
                found.append((where, f"constraints: pattern: {shown(pattern)} is no regular expression ({exc})"))
        for bound in ("minimum", "maximum", "minLength", "maxLength"):
            value = constraints.get(bound)
            numeric = field.get("type") in ("integer", "number") or bound.endswith("Length")
            if value is not None and numeric and (isinstance(value, bool) or not isinstance(value, (int, float))):
                found.append((where, f"constraints: {bound}: {shown(value)}; expected a number"))
            if value is not None and field.get("type") == "date" and not isinstance(value, str):
                found.append((where, f"constraints: {bound}: {shown(value)}; expected a date (YYYY-MM-DD)"))
        if "enum" in constraints and not isinstance(constraints["enum"], list):
            found.append((where, "constraints: enum: expected a list"))
    if len(set(names)) != len(names):
        found.append(("fields", "a name is used twice; expected unique column names"))
    key = _names(schema.get("primaryKey", []))
    if key is None or not all(k in names for k in key):
        found.append(("primaryKey", "expected a column name or a list of column names of this schema"))
    foreign = schema.get("foreignKeys", [])
    if not isinstance(foreign, list):
        found.append(("foreignKeys", "expected a list of objects"))
    else:
        for i, fk in enumerate(foreign):
            reference = fk.get("reference") if isinstance(fk, dict) else None
            own = _names(fk.get("fields")) if isinstance(fk, dict) else None
            other = _names(reference.get("fields")) if isinstance(reference, dict) else None
            if not own or not all(n in names for n in own) or not isinstance(reference, dict) or other is None or len(other) != len(own):
                found.append((f"foreignKeys[{i}]", "expected fields (column names of this schema) and a reference with as many fields"))
            elif not isinstance(reference.get("resource", ""), str) or (resources is not None and reference.get("resource", "") not in ("", *resources)):
                found.append((f"foreignKeys[{i}]", f"reference: resource: {shown(reference.get('resource'))}; expected one of this package's tables"))
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        found.append(("missingValues", "expected a list of texts"))
    return found


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
        shape = shape_problems(schema, resources=TABLES)
        if shape:
            problems.extend(Problem(shown, "", where, what) for where, what in shape)
            continue
        # Table Schema lets a key be one name or a list of names; the build reads lists only.
        schema["primaryKey"] = _names(schema.get("primaryKey", []))
        for fk in schema.get("foreignKeys", []):
            fk["fields"], fk["reference"]["fields"] = _names(fk["fields"]), _names(fk["reference"]["fields"])
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


def _cells(rows: list[dict[str, Any]], name: str, delimiter: str | None) -> list:
    """One column's cells from row dicts (None where a row lacks it); a list column's cells split into lists."""
    try:  # a C-level getter where every row has the column (most tables), else None for a missing one
        values = list(map(itemgetter(name), rows))
    except KeyError:
        values = [row.get(name) for row in rows]
    if delimiter is not None:
        values = [None if v is None else split_list(v, delimiter) for v in values]
    return values


def row_columns(rows: list[dict[str, Any]], schema: dict, names: list[str] | None = None) -> dict[str, list]:
    """Untyped rows as columns (name -> cells, list cells split), for the cross-table checks of rows that are
    typed later or could not be typed."""
    lists = list_fields(schema)
    return {name: _cells(rows, name, lists.get(name)) for name in (field_names(schema) if names is None else names)}


def arrow_table(rows: list[dict[str, Any]], schema: dict) -> Any:
    """Rows -> an Arrow table of the schema's columns and types (`arrow_schema`), or None when a value is not
    of its column's type (`untyped_cells` then names it, and pandera words the problem); a row with a column
    the schema lacks is an error, not dropped.

    The one typing of the build: the checks (check/constraints.py) and both writers work from this table.
    `list` cells may come as delimited text (what derive makes) or as lists; both become lists here, so derive
    need not know the type, and an empty list or text is a missing cell (an empty CSV cell cannot tell them
    apart). A float NaN is a missing cell, as in the pandas frames pandera checks.
    """
    import pyarrow as pa

    names = field_names(schema)
    extra = sorted(set().union(*rows) - set(names))
    if extra:
        raise KeyError(f"rows carry columns not in the schema: {extra}")
    arrow = arrow_schema(schema)
    if not rows:
        return arrow.empty_table()
    lists = list_fields(schema)
    columns = []
    try:
        for field in arrow:
            columns.append(_typed_cells(_cells(rows, field.name, lists.get(field.name)), field.type))
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    return pa.Table.from_arrays(columns, schema=arrow)


def _typed_cells(values: list, kind: Any) -> Any:
    """One column's cells as an Arrow array of `kind`, a float NaN as a missing cell (as pandas reads it).

    Not pyarrow's `from_pandas=True`, which does the same but imports pandas (about 0.2 s) to do it: a NaN is
    looked for only in a float column's result, or in the cells of a column that failed to type."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        array = pa.array(values, kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        if not any(isinstance(v, float) and v != v for v in values):
            raise
        array = pa.array([None if isinstance(v, float) and v != v else v for v in values], kind)
    if pa.types.is_floating(kind) and array.null_count < len(array):
        nan = pc.is_nan(array)
        if nan.true_count:
            array = pc.if_else(nan, pa.scalar(None, kind), array)
    return array


def untyped_cells(rows: list[dict[str, Any]], schema: dict) -> list[tuple[int, str, Any]]:
    """(row position, column, value) of every cell `arrow_table` cannot type (a slow walk, for a failure only)."""
    import pyarrow as pa

    lists = list_fields(schema)
    found = []
    for field in arrow_schema(schema):
        values = _cells(rows, field.name, lists.get(field.name))
        try:
            _typed_cells(values, field.type)
            continue
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
        for position, value in enumerate(values):
            try:
                _typed_cells([value], field.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
                found.append((position, field.name, value))
    return found


def frame(rows: list[dict[str, Any]], schema: dict):
    """The rows as the pandas frame pandera checks, in schema column order (`pandas_frame` of `arrow_table`).

    Where a value is not of its column's type, that column is built by pandas alone (of dtype object if
    pandas cannot type it either), so pandera and `dtype_problems` can name its row and column.
    """
    pd = pandas_module()
    table = arrow_table(rows, schema)
    if table is not None:
        return pandas_frame(table, schema)
    lists = list_fields(schema)
    data = {}
    for f in schema["fields"]:
        values = _cells(rows, f["name"], lists.get(f["name"]))
        try:
            data[f["name"]] = pd.Series(values, dtype=PANDAS_DTYPES[f["type"]])
        except (TypeError, ValueError):
            data[f["name"]] = pd.Series(values, dtype="object")
    return pd.DataFrame(data, columns=field_names(schema))


def pandas_frame(table: Any, schema: dict):
    """An Arrow table of the schema's types as the pandas frame pandera checks: nullable Int64, string and
    boolean dtypes, dates as datetime.date objects, lists as Python lists (any pandas metadata is ignored)."""
    import pyarrow as pa

    pd = pandas_module()
    types = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype(), pa.bool_(): pd.BooleanDtype()}
    table = table.replace_schema_metadata(None)
    return with_python_lists(table.to_pandas(types_mapper=types.get, date_as_object=True), schema)


def with_python_lists(df: Any, schema: dict):
    """`df` with every `list` column holding Python lists (pyarrow's to_pandas gives numpy arrays,
    which compare element-wise and print unlike the lists a user builds)."""
    pd = pandas_module()

    for name, delimiter in list_fields(schema).items():
        if name in df:
            df[name] = pd.Series([split_list(v, delimiter) for v in df[name].tolist()], index=df.index, dtype="object")
    return df


def missing(value: Any) -> bool:
    """True for None, pandas' NA and NaN: the ways a DataFrame spells an empty cell (pandas is not imported
    for it: a value can only be pandas' NA where pandas is loaded already)."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    pandas = sys.modules.get("pandas")
    return pandas is not None and value is pandas.NA


def _is_date(value: Any) -> bool:
    return value is None or (isinstance(value, date) and not hasattr(value, "hour"))


def _is_string_list(value: Any, delimiter: str) -> bool:
    """None, or a non-empty list of non-empty strings none of which holds the delimiter (the CSV could not split it back)."""
    return value is None or (isinstance(value, list) and len(value) > 0 and all(isinstance(item, str) and item and delimiter not in item for item in value))


def pandera_schema(schema: dict, name: str):
    """pandera DataFrameSchema equivalent to the Table Schema's types and constraints."""
    pd = pandas_module()
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
                checks.append(
                    pa.Check(
                        lambda s, r=regex: s.map(lambda v: v is None or all(isinstance(x, str) and r.fullmatch(x) for x in v)),
                        element_wise=False,
                        name="str_matches",
                    )
                )
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


# Table Schema type -> the pandas "logical type" pyarrow records for a column of that Arrow type (its
# pandas_compat.get_logical_type), for `pandas_metadata`.
_PANDAS_LOGICAL = {"string": "unicode", "integer": "int64", "number": "float64", "date": "date", "boolean": "bool"}


def pandas_metadata(schema: dict) -> bytes:
    """The `pandas` schema metadata `pa.Table.from_pandas` attaches for the frame `frame` makes (no index, the
    schema's columns and dtypes), computed without importing pandas, so Parquet files written from Arrow carry
    exactly the bytes files written from pandas did (users' pandas restores the same dtypes from it).
    tests/test_arrow_checks.py compares it with `from_pandas` on every table."""
    import json
    from importlib.metadata import version

    import pyarrow as pa

    columns = []
    for f in schema["fields"]:
        kind = f"list[{_PANDAS_LOGICAL[f.get('itemType', 'string')]}]" if f["type"] == "list" else _PANDAS_LOGICAL[f["type"]]
        columns.append({"name": f["name"], "field_name": f["name"], "pandas_type": kind, "numpy_type": PANDAS_DTYPES[f["type"]], "metadata": None})
    document = {
        "index_columns": [],
        "column_indexes": [],
        "columns": columns,
        "attributes": {},
        "creator": {"library": "pyarrow", "version": pa.__version__},
        "pandas_version": version("pandas"),
    }
    return json.dumps(document).encode("utf8")


def parquet_schema(schema: dict):
    """The Arrow schema each table's Parquet file is written with: `arrow_schema` plus `pandas_metadata`."""
    return arrow_schema(schema).with_metadata({b"pandas": pandas_metadata(schema)})


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
