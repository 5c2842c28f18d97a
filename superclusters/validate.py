"""Validate every table before anything is written: pandera per table plus cross-table checks.

All problems from all tables are returned together, each naming the table,
the row (by primary key), the column, the bad value and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .anchoring import span_url
from .errors import Problem
from .schemas import dtype_problems, missing, pandera_schema


def pandera_problems(frames: dict[str, Any], schemas: dict[str, dict]) -> list[Problem]:
    import pandera.errors

    problems = []
    for name, df in frames.items():
        key = schemas[name]["primaryKey"][0]
        problems += [Problem(f"data/{name}", "(column)", column, message) for column, message in dtype_problems(df, schemas[name])]
        try:
            pandera_schema(schemas[name], name).validate(df, lazy=True)
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


def cross_table_problems(frames: dict[str, Any], schemas: dict[str, dict], seed_texts: dict[str, str]) -> list[Problem]:
    """Foreign keys (including the items of list columns), and every span against its seed text.

    Vectorised where pandas can do it; the span comparison walks plain Python lists, which stays
    linear and cheap even for hundreds of thousands of rows.
    """
    problems = []
    table_by_key = {s["primaryKey"][0]: t for t, s in schemas.items()}
    keys = {name: set(frames[name][schemas[name]["primaryKey"][0]].dropna().tolist()) for name in frames}
    seed_paths = dict(zip(frames["articles"]["article_id"], frames["articles"]["seed_path"], strict=True))
    for name, df in frames.items():
        schema = schemas[name]
        key = schema["primaryKey"][0]
        row_keys = df[key].tolist()
        references = [(fk["fields"][0], fk["reference"]["resource"], False) for fk in schema.get("foreignKeys", [])]
        # A list column 'x_ids' refers to the table whose primary key is 'x_id'.
        references += [(f["name"], table_by_key[f["name"][:-1]], True) for f in schema["fields"] if f["type"] == "list" and f["name"][:-1] in table_by_key]
        for column, target, is_list in references:
            # Python set lookups over the column's values: pandas' `isin(<set>)` on Arrow-backed strings
            # and `explode` cost most of this step (issue 13); the rows and messages are the same.
            known = keys[target]
            for position, ident in _references(df[column].tolist(), is_list):
                if not missing(ident) and ident not in known:
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


def validate_frames(frames: dict[str, Any], schemas: dict[str, dict], seed_texts: dict[str, str]) -> list[Problem]:
    return pandera_problems(frames, schemas) + cross_table_problems(frames, schemas, seed_texts)
