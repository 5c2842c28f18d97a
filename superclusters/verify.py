"""Check a published package on disk the way a user receives it: every CSV and Parquet file,
read back, typed from the schemas, and run through the same validation as the build.

Used twice: by the build on its staging folder before anything replaces `data/`,
and by `build.py --verify` on a checkout or an unpacked release.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import Problem
from .schemas import PANDAS_DTYPES, TABLES, field_names, with_python_lists
from .seeds import sha256_hex


def read_csv_frame(path: Path, schema: dict, shown: str) -> tuple[Any, list[Problem]]:
    """CSV -> typed frame; a cell that is not of its column's type is a problem, not a silent NaN."""
    import pandas as pd

    problems: list[Problem] = []
    raw = pd.read_csv(path, dtype="string", keep_default_na=False, na_values=[""], encoding="utf-8")
    if list(raw.columns) != field_names(schema):
        problems.append(Problem(shown, "header", "", f"columns {list(raw.columns)}; expected {field_names(schema)}"))
        return None, problems
    key = schema["primaryKey"][0]
    for f in schema["fields"]:
        name, kind = f["name"], f["type"]
        column = raw[name]
        if kind in ("integer", "number"):
            parsed = pd.to_numeric(column, errors="coerce")
            bad = column.notna() & (parsed.isna() | ((parsed % 1 != 0) if kind == "integer" else False))
            raw[name] = parsed.where(~bad).astype(PANDAS_DTYPES[kind])
        elif kind == "boolean":
            parsed = column.map({"true": True, "false": False}, na_action="ignore")
            bad = column.notna() & parsed.isna()
            raw[name] = parsed.astype("boolean")
        elif kind == "list":  # delimited text in CSV, a list in memory (as in Parquet)
            raw[name] = with_python_lists(raw[[name]], schema)[name]
            continue
        elif kind == "date":
            parsed = pd.to_datetime(column, format="%Y-%m-%d", errors="coerce")
            bad = column.notna() & parsed.isna()
            raw[name] = pd.Series([None if pd.isna(v) else v.date() for v in parsed], dtype="object", index=raw.index)
        else:
            continue
        for index in raw.index[bad]:
            problems.append(Problem(shown, f"row {raw[key][index]}", name, f"{column[index]!r} is not a valid {kind}"))
    return raw, problems


def read_parquet_frame(path: Path, schema: dict, shown: str) -> tuple[Any, list[Problem]]:
    import pyarrow.parquet as pq

    try:
        df = pq.read_table(path).to_pandas()
    except Exception as exc:  # a truncated or foreign file: pyarrow's own words say what is wrong
        return None, [Problem(shown, "", "", f"cannot be read as Parquet: {exc}")]
    if list(df.columns) != field_names(schema):
        return None, [Problem(shown, "header", "", f"columns {list(df.columns)}; expected {field_names(schema)}")]
    for f in schema["fields"]:
        if str(df[f["name"]].dtype) != PANDAS_DTYPES[f["type"]] and f["type"] not in ("date", "list"):
            df[f["name"]] = df[f["name"]].astype(PANDAS_DTYPES[f["type"]])
    return with_python_lists(df, schema), []


def verify_package(folder: Path, schemas: dict[str, dict], seed_texts: dict[str, str], expected: dict[str, Any] | None = None) -> list[Problem]:
    """Every problem in the data files under `folder` and in the hashes its datapackage.json declares.

    With `expected` (the frames the build has just validated), each file read back must equal its frame,
    which proves it as valid as the frame without running the validation twice more; without it (a
    user's copy), every file is validated from scratch.
    """
    from .validate import validate_frames

    problems: list[Problem] = []
    if expected is not None:
        return read_back_problems(folder, schemas, expected) + hash_problems(folder)
    for fmt, reader in (("csv", read_csv_frame), ("parquet", read_parquet_frame)):
        frames = {}
        for table in TABLES:
            shown = f"data/{table}.{fmt}"
            df, found = reader(folder / shown, schemas[table], shown)
            problems += found
            if df is None:
                continue
            frames[table] = df
        if len(frames) == len(TABLES):
            for p in validate_frames(frames, schemas, seed_texts):
                problems.append(Problem(p.file + f".{fmt}", p.entry, p.field, p.message))
    return problems + hash_problems(folder)


def read_back_problems(folder: Path, schemas: dict[str, dict], expected: dict[str, Any]) -> list[Problem]:
    """Each written file, parsed by pyarrow (C++), must equal the validated frame it was written from."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from .schemas import arrow_schema, list_fields

    problems = []
    for table in TABLES:
        schema = arrow_schema(schemas[table]).remove_metadata()
        want = pa.Table.from_pandas(expected[table], schema=schema, preserve_index=False).replace_schema_metadata(None)
        # pyarrow's CSV reader cannot parse list columns: read them as text and split on each field's delimiter.
        lists = list_fields(schemas[table])
        text_schema = pa.schema([pa.field(f.name, pa.string()) if f.name in lists else f for f in schema])
        options = pacsv.ConvertOptions(column_types=text_schema, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False)
        for fmt in ("csv", "parquet"):
            shown = f"data/{table}.{fmt}"
            try:
                if fmt == "csv":
                    got = pacsv.read_csv(folder / shown, convert_options=options)
                    for name, delimiter in lists.items():
                        got = got.set_column(got.schema.get_field_index(name), name, pc.split_pattern(got[name], delimiter))
                else:
                    got = pq.read_table(folder / shown)
                got = got.cast(schema).replace_schema_metadata(None)
            except (pa.ArrowException, OSError) as exc:
                problems.append(Problem(shown, "", "", f"cannot be read back: {exc}"))
                continue
            if not got.equals(want):
                problems.append(Problem(shown, "", "", "does not read back as the validated table"))
    return problems


def hash_problems(folder: Path) -> list[Problem]:
    """Files whose sha256 differs from the hash datapackage.json declares for them."""
    problems = []
    descriptor_path = folder / "datapackage.json"
    if descriptor_path.exists():
        for resource in json.loads(descriptor_path.read_text(encoding="utf-8"))["resources"]:
            target = folder / resource["path"]
            if "hash" in resource and target.exists() and resource["hash"] != f"sha256:{sha256_hex(target.read_bytes())}":
                problems.append(Problem(resource["path"], "", "hash", f"file does not match datapackage.json's {resource['hash']}"))
    return problems
