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
from datetime import date
from pathlib import Path
from typing import Any

from .schemas import TABLES, arrow_schema, field_names, missing
from .seeds import sha256_hex

PACKAGE = {
    "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
    "name": "ai-superclusters-2024",
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
    "contributors": [{"title": "ai-superclusters-2024 maintainers", "roles": ["creator", "curator"]}],
}


def _cell(value: Any) -> str:
    """CSV text of one cell: empty for missing, integers without '.0', ISO 8601 dates."""
    if missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(df: Any, schema: dict) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(field_names(schema))
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def parquet_bytes(df: Any, schema: dict) -> bytes:
    """Parquet with no pandas index; nullable integers keep their Int64 dtype on read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, schema=arrow_schema(schema), preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=True)
    return sink.getvalue().to_pybytes()


def descriptor(files: dict[str, bytes], seeds: list[tuple[str, bytes]], version: str, articles: Any) -> dict:
    """datapackage.json: a CSV and a Parquet resource per table, plus the seed texts, all hashed."""
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
                "encoding": "utf-8",
                "schema": f"schemas/{table}.json",
                "hash": f"sha256:{sha256_hex(files[path])}",
            }
            if fmt == "csv":
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
    for name, data in seeds:
        resources.append(
            {
                "name": "seed-" + name.removesuffix(".txt").replace("_", "-"),
                "type": "file",
                "path": f"seeds/{name}",
                "format": "txt",
                "mediatype": "text/plain",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": f"sha256:{sha256_hex(data)}",
            }
        )
    sources = [
        {"title": f"{row.article_id} ({row.language}): {row.title}", "path": row.seed_path}
        for row in articles.sort_values("article_id").itertuples(index=False)
    ]
    return {**PACKAGE, "version": version, "sources": sources, "resources": resources}


def render(frames: dict[str, Any], schemas: dict[str, dict], seeds: list[tuple[str, bytes]], version: str) -> dict[str, bytes]:
    """Every published file as bytes, keyed by its path in the package (pure apart from pyarrow)."""
    files: dict[str, bytes] = {}
    for table in TABLES:
        files[f"data/{table}.csv"] = csv_bytes(frames[table], schemas[table])
        files[f"data/{table}.parquet"] = parquet_bytes(frames[table], schemas[table])
    files["datapackage.json"] = (json.dumps(descriptor(files, seeds, version, frames["articles"]), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def schema_hashes(root: Path) -> dict[str, str]:
    """'sha256:<hex>' of each table's schema file, keyed by its path in the package ('schemas/claims.json').

    For the descriptor: recorded as a resource's `schema: {"path": ..., "hash": ...}`, it lets
    `--verify` catch a schema loosened together with an edited and re-hashed cell.
    """
    return {f"schemas/{t}.json": "sha256:" + sha256_hex((root / "schemas" / f"{t}.json").read_bytes()) for t in TABLES}


def publish(files: dict[str, bytes], root: Path, check=None) -> None:
    """Write into a temporary folder, run `check` on it, then swap it in for data/ and datapackage.json."""
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
        try:
            for name in ("data", "datapackage.json"):
                if (root / name).exists():
                    os.replace(root / name, backup / name)
                    moved.append(name)
                os.replace(staging / name, root / name)
        except BaseException:
            for name in ("data", "datapackage.json"):  # put the previous files back
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
