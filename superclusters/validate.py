"""Validate every table before anything is written: pandera per table plus cross-table checks.

All problems from all tables are returned together, each naming the table,
the row (by primary key), the column, the bad value and what was expected.
"""

from __future__ import annotations

from typing import Any

from .anchoring import span_url
from .errors import Problem
from .schemas import missing, pandera_schema


def pandera_problems(frames: dict[str, Any], schemas: dict[str, dict]) -> list[Problem]:
    import pandera.errors

    problems = []
    for name, df in frames.items():
        key = schemas[name]["primaryKey"][0]
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


def cross_table_problems(frames: dict[str, Any], schemas: dict[str, dict], seed_texts: dict[str, str]) -> list[Problem]:
    """Foreign keys (including list columns), and every span against its seed text."""
    problems = []
    keys = {name: set(frames[name][schemas[name]["primaryKey"][0]].dropna()) for name in frames}
    seed_paths = dict(zip(frames["articles"]["article_id"], frames["articles"]["seed_path"], strict=True))
    for name, df in frames.items():
        schema = schemas[name]
        key = schema["primaryKey"][0]
        records = df.to_dict("records")
        # Foreign keys, plain and '|'-separated lists of ids.
        references = [(fk["fields"][0], fk["reference"]["resource"], False) for fk in schema.get("foreignKeys", [])]
        # A list column 'x_ids' refers to the table whose primary key is 'x_id'.
        table_by_key = {s["primaryKey"][0]: t for t, s in schemas.items()}
        references += [(f["name"], table_by_key[f["name"][:-1]], True) for f in schema["fields"] if f["type"] == "list" and f["name"][:-1] in table_by_key]
        for column, target, is_list in references:
            for rec in records:
                value = rec[column]
                if missing(value):
                    continue
                for ident in value.split("|") if is_list else [value]:
                    if ident not in keys[target]:
                        problems.append(Problem(f"data/{name}", f"row {rec[key]}", column, f"{ident!r} is not an id in {target}"))
        # Spans: in range, quote exact, link consistent.
        for prefix in _span_prefixes(schema):
            article_column = f"{prefix}article_id" if f"{prefix}article_id" in df else "article_id"
            # The span's text is in <prefix>quote, or <prefix>text for value_ and time_ spans.
            quote_column = next((c for c in (f"{prefix}quote", f"{prefix}text") if c in df), None)
            for rec in records:
                start, end = rec[f"{prefix}char_start"], rec[f"{prefix}char_end"]
                if missing(start):
                    continue
                text = seed_texts.get(rec[article_column])
                where = (f"data/{name}", f"row {rec[key]}", f"{prefix}char_start")
                if text is None:
                    problems.append(Problem(*where, f"article {rec[article_column]!r} has no seed text"))
                    continue
                if not 0 <= start < end <= len(text):
                    problems.append(Problem(*where, f"span {start},{end} is outside the seed (0,{len(text)})"))
                    continue
                if quote_column and rec[quote_column] != text[start:end]:
                    problems.append(Problem(*where, f"quote {rec[quote_column]!r} != seed text {text[start:end]!r}"))
                if f"{prefix}span_url" in rec and rec[f"{prefix}span_url"] != span_url(seed_paths.get(rec[article_column], ""), start, end):
                    problems.append(Problem(*where, f"span_url {rec[f'{prefix}span_url']!r} does not match the span"))
                if prefix == "title_" and rec["title"] != text[start:end]:
                    problems.append(Problem(*where, f"title {rec['title']!r} != seed text {text[start:end]!r}"))
    return problems


def validate_frames(frames: dict[str, Any], schemas: dict[str, dict], seed_texts: dict[str, str]) -> list[Problem]:
    return pandera_problems(frames, schemas) + cross_table_problems(frames, schemas, seed_texts)
