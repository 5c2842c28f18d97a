"""Write the validated tables and the descriptor, replacing the published files only as a whole.

Everything is written into a temporary folder beside `data/`, then swapped in;
on any failure the previous `data/` and `datapackage.json` stay as they were
and the temporary folder is removed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from .croissant import croissant_bytes
from .schemas import TABLES, arrow_schema, field_names, list_fields, missing
from .seeds import sha256_hex

HOMEPAGE = "https://github.com/ai-superclusters-2024/ai-superclusters-2024"
# When this version of the descriptor was made: a constant, not the clock, so that rebuilding gives the same
# bytes. Bump it with the version in pyproject.toml; CITATION.cff's date-released must agree (tested).
CREATED = "2026-11-24T00:00:00Z"

PACKAGE = {
    "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
    "name": "ai-superclusters-2024",
    # A globally unique, stable identifier (the Data Package spec suggests a UUID or a DOI); derived from the
    # homepage with uuid5 so it never changes between builds. A DOI minted by Zenodo may replace it.
    "id": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, HOMEPAGE)),
    "homepage": HOMEPAGE,
    "created": CREATED,
    "title": "AI training superclusters of 2024, as five news articles report them",
    "description": (
        "Claims, events, organisations and hardware about Tesla's Cortex, Dojo and xAI's supercomputer, "
        "taken from five news articles (Portuguese, French, English). Every row carries the exact quote it "
        "comes from and its code-point span in the hash-pinned seed text."
    ),
    "keywords": ["AI", "supercomputers", "GPU clusters", "Tesla Cortex", "Dojo", "xAI", "provenance"],
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0, for the curated readings and derived tables "
            "(quotes and seed texts remain their publishers'; see LICENSE.md)",
        }
    ],
    # Roles from the Data Package v2 vocabulary (DataCite's contributor types): "dataCurator", not "curator".
    "contributors": [{"title": "ai-superclusters-2024 maintainers", "path": HOMEPAGE, "roles": ["creator", "dataCurator"]}],
}


def _cell(value: Any, delimiter: str = "|") -> str:
    """CSV text of one cell: empty for missing, integers without '.0', ISO 8601 dates, lists joined by `delimiter`."""
    if isinstance(value, str):
        return value
    if hasattr(value, "__len__"):  # a list cell (a Python list, or the numpy array pyarrow reads back)
        return delimiter.join(_cell(item) for item in value)
    if missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):  # numpy bool is no Python bool
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(df: Any, schema: dict) -> bytes:
    """CSV text; each list cell is joined with its own field's delimiter, as the Table Schema declares."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(field_names(schema))
    delimiters = [list_fields(schema).get(name, "|") for name in field_names(schema)]
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_cell(v, d) for v, d in zip(row, delimiters, strict=True)])
    return buffer.getvalue().encode("utf-8")


def parquet_bytes(df: Any, schema: dict) -> bytes:
    """Parquet with no pandas index; nullable integers keep their Int64 dtype on read, list fields are
    native list<string> columns (no splitting for DuckDB or Polars users), dates are date32."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, schema=arrow_schema(schema), preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True)
    return sink.getvalue().to_pybytes()


def _outlets(frames: dict[str, Any]) -> dict[str, str]:
    """article_id -> name of the outlet the seed names as its own publisher (articles.outlet_organisation_id),
    for the articles that name one; an outlet merely cited in the text is not its publisher."""
    names = dict(zip(frames["organisations"]["organisation_id"], frames["organisations"]["name"], strict=True))
    articles = frames["articles"]
    return {a: names[o] for a, o in zip(articles["article_id"], articles["outlet_organisation_id"], strict=True) if not missing(o)}


def parquet_resource_schema(schema: dict, table: str) -> str | dict:
    """The schema frictionless checks a Parquet resource against: schemas/<table>.json, or for a table with
    list fields, that schema inlined with each list field typed `any`.

    frictionless 5.21 cannot read an Arrow list column from Parquet: its Parquet parser goes through
    pandas, which hands each cell over as a numpy array, and its `list` (and `array`) field accepts only
    str, list or tuple, so every list cell would be a type error. Typed `any` (constraints kept), the
    list columns are still required where the schema says so, and every other column, the primary key
    and the foreign keys are still checked by frictionless; the items of the lists are checked by the
    build and by `build.py --verify`, which read the Parquet lists natively (tests/test_list_columns.py).
    """
    lists = list_fields(schema)
    if not lists:
        return f"schemas/{table}.json"
    fields = []
    for f in schema["fields"]:
        if f["name"] in lists:
            f = {k: v for k, v in f.items() if k not in ("itemType", "delimiter")} | {"type": "any"}
            note = " (Arrow list<string> in Parquet; typed `any` here only because frictionless cannot read Parquet lists.)"
            f["description"] = f.get("description", "") + note
        fields.append(f)
    return {**schema, "fields": fields}


def descriptor(files: dict[str, bytes], seeds: list[tuple[str, bytes]], version: str, frames: dict[str, Any], schemas: dict[str, dict]) -> dict:
    """datapackage.json (Data Package v2): a CSV and a Parquet resource per table, plus the seed texts, all hashed.

    Every table in TABLES gets its two resources from its schema, so a new table needs nothing here.
    """
    resources = []
    for table in TABLES:
        for fmt, media in (("csv", "text/csv"), ("parquet", "application/vnd.apache.parquet")):
            path = f"data/{table}.{fmt}"
            resource = {
                "name": table if fmt == "csv" else f"{table}-parquet",
                "type": "table",
                "path": path,
                "format": fmt,
                "mediatype": media,
                "schema": f"schemas/{table}.json" if fmt == "csv" else parquet_resource_schema(schemas[table], table),
                "hash": f"sha256:{sha256_hex(files[path])}",
            }
            if fmt == "csv":
                # `encoding` applies to text only, so the Parquet resources carry none.
                resource["encoding"] = "utf-8"
                # frictionless counts bytes of CSV only; on Parquet it would report a byte-count error.
                resource["bytes"] = len(files[path])
                resource["dialect"] = {
                    "$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                    "header": True,
                    "delimiter": ",",
                    "lineTerminator": "\n",
                    "quoteChar": '"',
                }
            resources.append(resource)
    outlets = _outlets(frames)
    articles = frames["articles"].sort_values("article_id")
    seed_articles = dict(zip(articles["seed_path"], articles["article_id"], strict=True))
    for name, data in seeds:
        publisher = outlets.get(seed_articles.get(f"seeds/{name}", ""))
        # No "type": v2 allows only "table", and a seed is a plain text file. The package's CC BY licence
        # does not cover it (LICENSE.md): its copyright stays with the article's publisher.
        resources.append(
            {
                "name": "seed-" + name.removesuffix(".txt").replace("_", "-"),
                "path": f"seeds/{name}",
                "format": "txt",
                "mediatype": "text/plain",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": f"sha256:{sha256_hex(data)}",
                "licenses": [
                    {
                        "path": "LICENSE.md",
                        "title": f"Copyright {publisher or 'the article’s publisher (the text names no outlet)'}; "
                        "all rights reserved. Included only so that every quote and offset can be verified; "
                        "not covered by the package's licences.",
                    }
                ],
            }
        )
    sources = []
    for row in articles.itertuples(index=False):
        outlet = outlets.get(row.article_id)
        sources.append({"title": f"{row.article_id} ({row.language}{', ' + outlet if outlet else ''}): {row.title}", "path": row.seed_path})
    return {**PACKAGE, "version": version, "sources": sources, "resources": resources}


def render(frames: dict[str, Any], schemas: dict[str, dict], seeds: list[tuple[str, bytes]], version: str) -> dict[str, bytes]:
    """Every published file as bytes, keyed by its path in the package (pure apart from pyarrow)."""
    files: dict[str, bytes] = {}
    for table in TABLES:
        files[f"data/{table}.csv"] = csv_bytes(frames[table], schemas[table])
        files[f"data/{table}.parquet"] = parquet_bytes(frames[table], schemas[table])
    package = descriptor(files, seeds, version, frames, schemas)
    files["datapackage.json"] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files["croissant.json"] = croissant_bytes(package, schemas, files)
    return files


def publish(files: dict[str, bytes], root: Path, check=None) -> None:
    """Write into a temporary folder, run `check` on it, then swap in everything render made (data/, the descriptors)."""
    staging = Path(tempfile.mkdtemp(prefix=".publish-", dir=root))
    backup = root / ".publish-previous"
    try:
        for path, data in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if check is not None:
            check(staging)
        shutil.rmtree(backup, ignore_errors=True)
        backup.mkdir()
        moved = []
        names = sorted({path.split("/")[0] for path in files})  # data, datapackage.json, croissant.json: all render makes
        try:
            for name in names:
                if (root / name).exists():
                    os.replace(root / name, backup / name)
                    moved.append(name)
                os.replace(staging / name, root / name)
        except BaseException:
            for name in names:  # put the previous files back
                if name in moved:
                    if (root / name).is_dir():
                        shutil.rmtree(root / name)
                    elif (root / name).exists():
                        (root / name).unlink()
                    os.replace(backup / name, root / name)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)
