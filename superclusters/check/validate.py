"""Validate every table before anything is written: pandera per table plus cross-table checks.

All problems from all tables are returned together, each naming the table,
the row (by primary key), the column, the bad value and what was expected.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Mapping
from typing import Any

from ..errors import Problem
from ..normalise.anchoring import span_url
from .schemas import dtype_problems, missing, pandera_schema

_PANDERA: dict[tuple[str, str], Any] = {}


def _pandera_schema(schema: dict, name: str) -> Any:
    """pandera's schema for a table, made once per schema text: a streaming build validates each table
    once per batch, and making the schema costs about as much as validating a small batch."""
    import json

    key = (name, json.dumps(schema, sort_keys=True))
    if key not in _PANDERA:
        _PANDERA[key] = pandera_schema(schema, name)
    return _PANDERA[key]


def pandera_problems(frames: dict[str, Any], schemas: dict[str, dict]) -> list[Problem]:
    import pandera.errors

    problems = []
    for name, df in frames.items():
        key = schemas[name]["primaryKey"][0]
        problems += [Problem(f"data/{name}", "(column)", column, message) for column, message in dtype_problems(df, schemas[name])]
        try:
            _pandera_schema(schemas[name], name).validate(df, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            for case in exc.failure_cases.to_dict("records"):
                index = case.get("index")
                row = df[key].iloc[int(index)] if index is not None and index == index and key in df else "(table)"
                column = case.get("column") or ""
                problems.append(Problem(f"data/{name}", f"row {row}", str(column), f"value {case.get('failure_case')!r} fails {case.get('check')}"))
    return problems


def _span_prefixes(schema: dict) -> list[str]:
    return [f["name"][: -len("char_start")] for f in schema["fields"] if f["name"].endswith("char_start")]


def _references(cells: list, is_list: bool) -> Iterator[tuple[int, Any]]:
    """(row position, id) of every reference in a column; a list cell gives one per item, as
    `Series.explode` did (an empty list or a missing cell gives none that is checked)."""
    if not is_list:
        yield from enumerate(cells)
        return
    for position, cell in enumerate(cells):
        if isinstance(cell, list | tuple) or hasattr(cell, "__array__"):
            for item in cell:
                yield position, item
        else:  # a scalar in a list column (text, or missing): explode kept it as it was
            yield position, cell


def list_target(column: str, table_by_key: Mapping[str, str]) -> str | None:
    """The primary key a list column of ids refers to: 'claim_ids' and 'gpu_count_claim_ids' to claim_id; None for
    a list of anything else ('aliases', 'source_urls')."""
    if not column.endswith("_ids"):
        return None
    found = [key for key in table_by_key if column == key + "s" or column.endswith("_" + key + "s")]
    return max(found, key=len) if found else None


# A reference the checks could not settle within the frames they were given: (file, entry, column, id, target table).
Deferred = tuple[str, str, str, Any, str]


def cross_table_problems(
    frames: dict[str, Any],
    schemas: dict[str, dict],
    seed_texts: Mapping[str, str],
    seed_paths: dict[str, str] | None = None,
    defer: list[Deferred] | None = None,
    known_keys: Mapping[str, Container] | None = None,
) -> list[Problem]:
    """Foreign keys (including the items of list columns), and every span against its seed text.

    A streaming build checks one batch of articles at a time: it passes `defer`, and a reference to
    an id that is not in the frames given (another batch's row, or an entity table made at the end)
    is added there for `deferred_problems` to settle once every key is known, instead of being reported.
    `known_keys` adds ids known to exist in tables that are not among the frames (the registry's entities).
    The span comparison walks plain Python lists, which stays linear and cheap for any number of rows.
    """
    problems = []
    # A key column names the first table (in TABLES order) with that primary key: claim_id is claims', not
    # claim_group_members' (which is keyed by the claims it groups).
    table_by_key: dict[str, str] = {}
    for t, s in schemas.items():
        table_by_key.setdefault(s["primaryKey"][0], t)
    keys = {name: set(frames[name][schemas[name]["primaryKey"][0]].dropna().tolist()) for name in frames}
    for name, known in (known_keys or {}).items():
        keys[name] = keys[name] | known if name in keys else known
    if seed_paths is None:
        seed_paths = dict(zip(frames["articles"]["article_id"], frames["articles"]["seed_path"], strict=True))
    for name, df in frames.items():
        schema = schemas[name]
        key = schema["primaryKey"][0]
        row_keys = df[key].tolist()
        references = [(fk["fields"][0], fk["reference"]["resource"], False) for fk in schema.get("foreignKeys", [])]
        # A list column 'x_ids' or '<anything>_x_ids' refers to the table whose primary key is 'x_id'.
        references += [
            (f["name"], table_by_key[target], True) for f in schema["fields"] if f["type"] == "list" and (target := list_target(f["name"], table_by_key))
        ]
        for column, target, is_list in references:
            # Python set lookups over the column's values: pandas' `isin(<set>)` on Arrow-backed strings
            # and `explode` cost most of this step (issue 13); the rows and messages are the same.
            known = keys.get(target, ())
            values = df[column].tolist()
            # Most columns refer only to known ids: settle them by their distinct values (a set built in C)
            # and walk the rows only when one is unknown, to name each row it is in.
            if not is_list and all(missing(v) or v in known for v in set(values)):
                continue
            for position, ident in _references(values, is_list):
                if not missing(ident) and ident not in known:
                    if defer is not None:
                        defer.append((f"data/{name}", f"row {row_keys[position]}", column, ident, target))
                    else:
                        problems.append(Problem(f"data/{name}", f"row {row_keys[position]}", column, f"{ident!r} is not an id in {target}"))
        for prefix in _span_prefixes(schema):
            article_column = f"{prefix}article_id" if f"{prefix}article_id" in df else "article_id"
            # The span's text is in <prefix>quote, or <prefix>text for value_ and time_ spans.
            quote_column = next((c for c in (f"{prefix}quote", f"{prefix}text") if c in df), None)
            url_column = f"{prefix}span_url" if f"{prefix}span_url" in df else None
            columns = [df[article_column], df[f"{prefix}char_start"], df[f"{prefix}char_end"]]
            columns.append(df[quote_column] if quote_column else df["title"])
            columns.append(df[url_column] if url_column else df[article_column])
            for row_key, article, start, end, quote, url in zip(row_keys, *(c.tolist() for c in columns), strict=True):
                if missing(start):
                    continue
                where = (f"data/{name}", f"row {row_key}", f"{prefix}char_start")
                text = seed_texts.get(article)
                if text is None:
                    problems.append(Problem(*where, f"article {article!r} has no seed text"))
                elif not 0 <= start < end <= len(text):
                    problems.append(Problem(*where, f"span {start},{end} is outside the seed (0,{len(text)})"))
                else:
                    if quote != text[start:end]:
                        problems.append(Problem(*where, f"quote {quote!r} != seed text {text[start:end]!r}"))
                    if url_column and url != span_url(seed_paths.get(article, ""), start, end):
                        problems.append(Problem(*where, f"span_url {url!r} does not match the span"))
    return problems


def deferred_problems(deferred: list[Deferred], keys: dict[str, Any]) -> list[Problem]:
    """The deferred references whose id is in none of `keys[target]` (a set, or an Arrow array of
    every batch's keys), reported as `cross_table_problems` reports them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    problems = []
    by_target: dict[str, list[Deferred]] = {}
    for reference in deferred:
        by_target.setdefault(reference[4], []).append(reference)
    for target, references in by_target.items():
        known = keys.get(target)
        if isinstance(known, pa.Array | pa.ChunkedArray):
            found = pc.is_in(pa.array([str(r[3]) for r in references], pa.string()), value_set=known).to_pylist()
        else:
            found = [known is not None and r[3] in known for r in references]
        for (file, entry, column, ident, _), ok in zip(references, found, strict=True):
            if not ok:
                problems.append(Problem(file, entry, column, f"{ident!r} is not an id in {target}"))
    return problems


def validate_frames(frames: dict[str, Any], schemas: dict[str, dict], seed_texts: dict[str, str]) -> list[Problem]:
    return pandera_problems(frames, schemas) + cross_table_problems(frames, schemas, seed_texts)
