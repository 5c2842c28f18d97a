"""The published package read generically: its tables (schema, rows, files) and its seeds, from datapackage.json."""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPAN_FIELDS = ("article_id", "char_start", "char_end")


@dataclass
class Table:
    """One published table: its schema, its rows as Python values, and where its files are."""

    name: str
    schema: dict[str, Any]
    rows: list[dict[str, Any]]
    files: list[str]

    @property
    def fields(self) -> list[dict[str, Any]]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def pk(self) -> list[str]:
        key = self.schema.get("primaryKey") or []
        return [key] if isinstance(key, str) else list(key)

    @property
    def parquet(self) -> str | None:
        return next((f for f in self.files if f.endswith(".parquet")), None)

    @property
    def is_span(self) -> bool:
        return all(name in self.field_names for name in SPAN_FIELDS)

    def key(self, row: dict[str, Any], index: int) -> str:
        """The row's primary key as text (its position when the table has none), for anchors and labels."""
        if self.pk:
            return "/".join(text(row.get(k)) for k in self.pk)
        return str(index)

    def field(self, name: str) -> dict[str, Any]:
        return next(f for f in self.fields if f["name"] == name)


def text(value: Any) -> str:
    """A cell as the CSV shows it: empty for missing, ISO dates, true/false, integral floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):  # Parquet gives True; the CSV and Table Schema say true
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "|".join(text(v) for v in value)
    return str(value)


def items(value: Any, delimiter: str = "|") -> list[str]:
    """A list cell as its items, whether it arrived as an Arrow/Python list or a delimiter-joined string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text(v) for v in value if text(v) != ""]
    if hasattr(value, "tolist"):  # numpy arrays from pandas
        return items(value.tolist(), delimiter)
    value = text(value)
    return [v for v in value.split(delimiter)] if value else []


def is_list_field(spec: dict[str, Any]) -> bool:
    return spec.get("type") in ("list", "array") or spec["name"].endswith("_ids")


def _coerce(raw: str, spec: dict[str, Any]) -> Any:
    if raw == "":
        return None
    kind = spec.get("type")
    if kind == "integer":
        return int(raw)
    if kind == "number":
        return float(raw)
    return raw


def _read_rows(root: Path, parquet: str | None, csv_path: str | None, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows as dicts of Python values: from Parquet when published (types kept), else from the CSV and the schema."""
    if parquet and (root / parquet).is_file():
        import pyarrow.parquet as pq

        return pq.read_table(root / parquet).to_pylist()
    specs = {f["name"]: f for f in schema.get("fields", [])}
    with open(root / str(csv_path), encoding="utf-8", newline="") as handle:
        return [{k: _coerce(v, specs.get(k, {})) for k, v in row.items()} for row in csv.DictReader(handle)]


def _schema(root: Path, resource: dict[str, Any]) -> dict[str, Any]:
    schema = resource.get("schema") or {}
    if isinstance(schema, str):
        return json.loads((root / schema).read_text(encoding="utf-8"))
    return schema


def load_package(root: Path) -> tuple[dict[str, Any], dict[str, Table], dict[str, str]]:
    """(descriptor, tables by name, seed text by seed stem) from a published package folder."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    grouped: dict[str, list[dict[str, Any]]] = {}
    seeds: dict[str, str] = {}
    for resource in descriptor.get("resources", []):
        path = resource.get("path", "")
        if resource.get("type") == "table" or resource.get("schema"):
            name = resource["name"].removesuffix("-parquet") if resource.get("format") == "parquet" else resource["name"]
            grouped.setdefault(name, []).append(resource)
        elif isinstance(path, str) and path.startswith("seeds/") and path.endswith(".txt"):
            with open(root / path, encoding="utf-8", newline="") as handle:  # newline="": offsets count every character
                seeds[Path(path).stem] = handle.read()
    if not seeds and (root / "seeds").is_dir():  # a descriptor that does not list its seeds as file resources
        for path in sorted((root / "seeds").glob("*.txt")):
            with open(path, encoding="utf-8", newline="") as handle:
                seeds[path.stem] = handle.read()
    tables = {}
    for name, resources in grouped.items():
        parquet = next((r["path"] for r in resources if r.get("format") == "parquet"), None)
        csv_path = next((r["path"] for r in resources if r.get("format") != "parquet"), None)
        schema = _schema(root, resources[0])
        tables[name] = Table(name, schema, _read_rows(root, parquet, csv_path, schema), sorted(r["path"] for r in resources))
    return descriptor, tables, dict(sorted(seeds.items()))
