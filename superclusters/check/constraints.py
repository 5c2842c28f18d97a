"""Every constraint of a table's Table Schema, checked on its Arrow table: what pandera checks, without pandas.

The build types each batch of rows once (`schemas.arrow_table`) and checks the Arrow table here, in
Arrow's kernels plus Python's `re` and set lookups over each column's distinct values. Only where a check
fails is the table handed to pandera, the validator of record, which words every failure as it always has
(`validate.table_problems`); `build.py --verify` runs pandera on the published files. So a successful build
never imports pandas or pandera, and a failed one reports exactly what it reported before.

What pandera checks, and how each is computed here (tests/test_arrow_checks.py mutates every real table in
every way below and asserts that both flag the same rows and columns):

- required (`nullable=False`): a missing cell: null, a NaN number, an empty list (pandas spells all three NA);
- unique and the primary key (`unique=`, `duplicated(keep=False)`): every row whose non-missing value occurs
  more than once (pandera drops the missing ones from its failure cases);
- enum (`isin`): a non-missing value outside the list; for a list, any item outside it;
- pattern: a string that `re.fullmatch` does not match whole (pandera: `str.fullmatch`), matched with
  Python's own `re` on each distinct value, so Arrow's RE2 (whose `$`, `\\s` and classes differ) never decides;
  for a list, any item that does not match (or is not text);
- minimum and maximum (`ge`, `le`): a non-missing number below or above (NaN is missing);
- dates: every cell of a date32 column is a date or missing, by its type;
- lists: each item text, non-empty and free of the field's delimiter (the CSV could not split it back);
- strict columns and types: the table's columns are the schema's, in order, of the schema's Arrow types
  (pandera: `strict`, `ordered`; `dtype_problems`).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from .schemas import arrow_schema


class Failure(NamedTuple):
    """A cell (or a whole column, `position` None) that fails a check; `check` is pandera's name for it."""

    position: int | None
    column: str
    check: str


_PATTERNS: dict[str, re.Pattern] = {}


def _regex(pattern: str) -> re.Pattern:
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = re.compile(pattern)
    return _PATTERNS[pattern]


def _positions(mask: Any) -> list[int]:
    """Row positions where a boolean array is true (null counts as false)."""
    import pyarrow.compute as pc

    if mask.null_count:
        mask = pc.fill_null(mask, False)
    return pc.indices_nonzero(mask).to_pylist() if mask.true_count else []


def missing_mask(column: Any) -> Any:
    """True where a cell is missing as pandas sees it: null, NaN, or an empty list."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_floating(kind):
        return pc.is_null(column, nan_is_null=True)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pc.fill_null(pc.equal(pc.list_value_length(column), 0), True)
    return pc.is_null(column)


def _duplicates(columns: list[Any], present: Any) -> list[int]:
    """Positions of the rows whose (non-missing) value in `columns` occurs more than once."""
    import pyarrow.compute as pc

    if len(columns) == 1:
        values = columns[0].filter(present)
        if pc.count_distinct(values).as_py() == len(values):
            return []
        counts = pc.value_counts(values)
        repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        return _positions(pc.and_(pc.is_in(columns[0], value_set=repeated), present))
    # A key of several columns: rows compared as tuples of their values (no table of ours has one yet).
    keys = list(zip(*(column.to_pylist() for column in columns), strict=True))
    seen: dict[tuple, int] = {}
    flags = present.to_pylist()
    for key, flag in zip(keys, flags, strict=True):
        if flag:
            seen[key] = seen.get(key, 0) + 1
    return [i for i, (key, flag) in enumerate(zip(keys, flags, strict=True)) if flag and seen[key] > 1]


def _bad_values(distinct: list, ok: Any) -> list:
    return [value for value in distinct if not ok(value)]


def _failing_items(column: Any, delimiter: str, enum: list | None, pattern: str | None) -> dict[str, list[int]]:
    """For a list column: check name -> positions of the rows with an item that fails it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    items = pc.list_flatten(column)
    if not len(items):
        return {}
    parents = pc.list_parent_indices(column)
    found: dict[str, list[int]] = {}

    def rows(bad: Any) -> list[int]:
        bad = pc.fill_null(bad, True)  # a missing item fails every item check
        return sorted(set(parents.filter(bad).to_pylist())) if bad.true_count else []

    odd = pc.or_(pc.equal(items, ""), pc.match_substring(items, delimiter))
    found["list_of_strings"] = rows(odd)
    distinct = pc.unique(items.drop_null()).to_pylist()
    for name, ok in (("isin", None if enum is None else set(enum).__contains__), ("str_matches", None if pattern is None else _regex(pattern).fullmatch)):
        if ok is None:
            continue
        bad = _bad_values(distinct, ok)
        mask = pc.is_in(items, value_set=pa.array(bad, items.type)) if bad else pa.array([False] * len(items))
        found[name] = rows(pc.if_else(pc.is_null(items), None, mask))
    return {name: positions for name, positions in found.items() if positions}


def table_failures(table: Any, schema: dict) -> list[Failure]:
    """Every cell of `table` (an Arrow table) that fails a constraint of `schema`, and every column that is not
    the schema's; an empty list when the table is valid as a table (foreign keys and spans are
    `validate.cross_table_problems`')."""
    import pyarrow as pa
    import pyarrow.compute as pc

    expected = arrow_schema(schema)
    if table.schema.names != expected.names:
        wrong = set(table.schema.names) ^ set(expected.names) or set(expected.names)
        return [Failure(None, name, "column_in_schema") for name in sorted(wrong)]
    failures: list[Failure] = []
    columns: dict[str, Any] = {}
    present: dict[str, Any] = {}
    for field, wanted in zip(schema["fields"], expected, strict=True):
        name = field["name"]
        column = table.column(name).combine_chunks()
        if not column.type.equals(wanted.type):
            failures.append(Failure(None, name, "dtype"))
            continue
        constraints = field.get("constraints", {})
        absent = missing_mask(column)
        columns[name], present[name] = column, pc.invert(absent)
        if constraints.get("required"):
            failures += [Failure(i, name, "not_nullable") for i in _positions(absent)]
        if constraints.get("unique"):
            failures += [Failure(i, name, "field_uniqueness") for i in _duplicates([column], present[name])]
        if field["type"] == "list":
            for check, positions in _failing_items(column, field.get("delimiter", ","), constraints.get("enum"), constraints.get("pattern")).items():
                failures += [Failure(i, name, check) for i in positions]
            continue
        checks = []
        if "enum" in constraints:
            checks.append(("isin", set(constraints["enum"]).__contains__))
        if "pattern" in constraints:
            if not pa.types.is_string(column.type):  # pandas has no .str of it: pandera's check fails on the column
                failures.append(Failure(None, name, "str_matches"))
            else:
                checks.append(("str_matches", _regex(constraints["pattern"]).fullmatch))
        if checks:
            distinct = pc.unique(column.filter(present[name])).to_pylist()
            for check, ok in checks:
                bad = _bad_values(distinct, ok)
                if bad:
                    failures += [Failure(i, name, check) for i in _positions(pc.and_(pc.is_in(column, value_set=pa.array(bad, column.type)), present[name]))]
        for bound, compare, check in (("minimum", pc.less, "greater_than_or_equal_to"), ("maximum", pc.greater, "less_than_or_equal_to")):
            if bound in constraints:
                if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
                    failures.append(Failure(None, name, check))  # pandera cannot compare such a column with a number
                    continue
                limit = constraints[bound]
                exact = pa.types.is_integer(column.type) and isinstance(limit, int)  # compared as integers, never rounded
                outside = pc.and_(compare(column, pa.scalar(limit, column.type if exact else pa.float64())), present[name])
                failures += [Failure(i, name, f"{check}({constraints[bound]})") for i in _positions(outside)]
    key = schema.get("primaryKey") or []
    if key and all(name in columns for name in key):
        everywhere = present[key[0]]
        for name in key[1:]:
            everywhere = pc.and_(everywhere, present[name])
        for i in _duplicates([columns[name] for name in key], everywhere):
            failures += [Failure(i, name, "multiple_fields_uniqueness") for name in key]
    return failures
