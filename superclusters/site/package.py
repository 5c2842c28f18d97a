"""The published package read generically: its tables (schema, rows, files) and its seeds, from datapackage.json.

Every path the descriptor or a schema names is checked by publish.verify.unsafe_path before it is
read, and every problem (unsafe path, unreadable file, schema that is not a Table Schema) is
collected and raised at once as a BuildError, before the site writes anything.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..check.schemas import shape_problems
from ..errors import BuildError, Collector, Problem, shown
from ..inputs.limits import MAX_JSON_BYTES, MAX_SEED_BYTES, json_loads, json_problem
from ..publish.verify import metadata_problems, named, unsafe_path

SPAN_FIELDS = ("article_id", "char_start", "char_end")
DESCRIPTOR = "datapackage.json"
NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")  # a table's name becomes tables/<name>.html
RESERVED = {"index"}  # tables/index.html lists the tables
SEED_LIMIT = ("MAX_SEED_BYTES", MAX_SEED_BYTES)


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


class Reader:
    """Reads files of the package at `root` after `unsafe_path` allows them, collecting every problem."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems = Collector()
        self.files: dict[str, bytes] = {}

    def read(self, path: Any, where: tuple[str, str, str], limit: tuple[str, int] | None = None) -> bytes | None:
        """The bytes of `path` (relative to the package), or None with a problem at `where` (file, entry, field).

        `limit` is (its name in inputs/limits.py, bytes): a larger file is refused before more than that is read.
        """
        why = unsafe_path(self.root, path)
        if why is not None:
            self.problems.add(*where, why)
            return None
        if path not in self.files:
            try:  # O_NOFOLLOW: a link swapped in after the check is refused, not followed
                fd = os.open(self.root / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                with os.fdopen(fd, "rb") as handle:
                    data = handle.read(limit[1] + 1) if limit else handle.read()
            except OSError as exc:
                self.problems.add(*where, f"cannot be read ({exc.strerror or exc})")
                return None
            if limit and len(data) > limit[1]:
                self.problems.add(path, "", "", f"is larger than {limit[1]} bytes (inputs/limits.{limit[0]}); expected this package's own file")
                return None
            self.files[path] = data
        return self.files[path]

    def json(self, path: str, where: tuple[str, str, str]) -> Any:
        """A JSON file, read with the size cap and parsed with the nesting bound every JSON read here has (inputs/limits)."""
        data = self.read(path, where, ("MAX_JSON_BYTES", MAX_JSON_BYTES))
        if data is None:
            return None
        try:
            return json_loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            where, what = json_problem(exc)
            self.problems.add(path, where, "", what)
        return None

    def text(self, path: str, where: tuple[str, str, str], limit: tuple[str, int] | None = None) -> str | None:
        data = self.read(path, where, limit)
        if data is None:
            return None
        try:
            return data.decode("utf-8")  # every character kept (no newline translation): offsets count them all
        except UnicodeDecodeError as exc:
            self.problems.add(path, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected UTF-8 text")
            return None


@dataclass
class Package:
    """A published package as the site may use it: every file it names checked and read once.

    `files` holds the bytes of every file of the package (the descriptor, each resource's files,
    schema files, seeds), keyed by their checked relative path, so what the site copies is what was
    checked. `optional` reads other files (a figure, the release beside the package) the same way.
    """

    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, Table]
    seeds: dict[str, str]
    files: dict[str, bytes]
    reader: Reader

    def optional(self, path: str, where: tuple[str, str, str] | None = None, limit: tuple[str, int] | None = None) -> bytes | None:
        """The bytes of `path` if it exists; None if it does not. An unsafe path is a problem (see raise_if_any)."""
        why = unsafe_path(self.root, path)
        if why is not None and why.startswith("missing"):  # unsafe_path's word for a path that is fine but absent
            return None
        return self.reader.read(path, where or (path, "", ""), limit)

    def problem(self, file: str, entry: str, field_name: str, message: str) -> None:
        self.reader.problems.add(file, entry, field_name, message)

    def raise_if_any(self) -> None:
        self.reader.problems.raise_if_any()


# Every type Table Schema v2 names: the site draws any table, not only the types this package's build writes.
TABLE_SCHEMA_TYPES = (
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "list",
    "datetime",
    "date",
    "time",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
)


def _rows(reader: Reader, name: str, paths: list[tuple[str, str]], schema: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Rows as dicts of Python values: from Parquet when published (types kept), else from the CSV and the schema."""
    parquet = next((p for p, fmt in paths if fmt == "parquet"), None)
    csv_path = next((p for p, fmt in paths if fmt != "parquet"), None)
    if parquet is not None:
        data = reader.files[parquet]
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            rows = pq.read_table(pa.BufferReader(data)).to_pylist()
        except (pa.ArrowException, OSError, ValueError) as exc:
            reader.problems.add(parquet, "", "", f"cannot be read as Parquet ({str(exc)[:120]})")
            return None
    else:
        content = reader.text(str(csv_path), (str(csv_path), "", ""))
        if content is None:
            return None
        specs = {f["name"]: f for f in schema["fields"]}
        csv.field_size_limit(max(csv.field_size_limit(), len(content)))  # a long curated note is one field, not an error
        try:
            rows = [{k: _coerce(v, specs.get(k, {})) for k, v in row.items()} for row in csv.DictReader(io.StringIO(content, newline=""))]
        except (csv.Error, ValueError) as exc:
            reader.problems.add(str(csv_path), "", "", f"cannot be read as CSV typed by its schema ({str(exc)[:120]})")
            return None
    known = set(schema_names := [f["name"] for f in schema["fields"]])
    strays = sorted({k for row in rows for k in row if not isinstance(k, str) or k not in known}, key=str)
    if strays:
        reader.problems.add(parquet or str(csv_path), "", "", f"columns {strays[:5]} are not in {name}'s schema; expected {schema_names[:8]}...")
        return None
    missing = [n for n in schema_names if rows and n not in rows[0]]
    if missing:
        reader.problems.add(parquet or str(csv_path), "", "", f"columns {missing[:5]} of {name}'s schema are missing from the file")
        return None
    return rows


def load_package(root: Path) -> Package:
    """The package at `root`, every path it names checked before use; raises BuildError listing every problem.

    A download is not trusted: datapackage.json may name `..`, absolute paths or links to files
    outside the package (see publish.verify.unsafe_path), and none of those is read or copied.
    """
    reader = Reader(root)
    descriptor = reader.json(DESCRIPTOR, (DESCRIPTOR, "", ""))
    if descriptor is None:
        reader.problems.raise_if_any()
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise BuildError([Problem(DESCRIPTOR, "", "resources", "expected a JSON object whose resources are a list of objects")])
    reader.problems.extend(metadata_problems(descriptor))  # its name, sources and licences, which pages show

    grouped: dict[str, list[tuple[str, str]]] = {}
    schemas: dict[str, Any] = {}
    seeds: dict[str, str] = {}
    for index, resource in enumerate(resources):
        entry = f"resources[{index}] ({named(resource.get('name'))})"
        paths = resource.get("path")
        paths = paths if isinstance(paths, list) and paths else [paths]
        is_seed = len(paths) == 1 and isinstance(paths[0], str) and paths[0].startswith("seeds/") and paths[0].endswith(".txt")
        is_table = resource.get("type") == "table" or bool(resource.get("schema"))
        if is_seed and not is_table:
            content = reader.text(paths[0], (DESCRIPTOR, entry, "path"), SEED_LIMIT)
            if content is not None:
                seeds[PurePosixPath(paths[0]).stem] = content
            continue
        if any(reader.read(path, (DESCRIPTOR, entry, "path")) is None for path in paths):
            continue
        if is_table:
            name = resource.get("name")
            if not isinstance(name, str) or not NAME.fullmatch(name) or name.removesuffix("-parquet") in RESERVED:
                reader.problems.add(DESCRIPTOR, entry, "name", f"{shown(name)} cannot name a page; expected letters, digits, _ and -, not 'index'")
                continue
            parquet = resource.get("format") == "parquet"
            name = name.removesuffix("-parquet") if parquet else name
            if len(paths) != 1:
                reader.problems.add(DESCRIPTOR, entry, "path", "a table split over several files; expected one file per format")
                continue
            grouped.setdefault(name, []).append((paths[0], "parquet" if parquet else "csv"))
            schema = resource.get("schema")
            if isinstance(schema, str):
                schema = reader.json(schema, (DESCRIPTOR, entry, "schema"))
                if schema is None:
                    continue
            for where, what in shape_problems(schema, types=TABLE_SCHEMA_TYPES):  # the build's and --verify's check
                reader.problems.add(DESCRIPTOR, entry, "schema", f"{where}: {what}" if where else what)
            schemas.setdefault(name, schema)
    if not seeds and (root / "seeds").is_dir():  # a descriptor that does not list its seeds as file resources
        for path in sorted((root / "seeds").glob("*.txt")):
            content = reader.text(f"seeds/{path.name}", (f"seeds/{path.name}", "", ""), SEED_LIMIT)
            if content is not None:
                seeds[path.stem] = content
    reader.problems.raise_if_any()

    tables = {}
    for name, paths in sorted(grouped.items()):
        rows = _rows(reader, name, paths, schemas[name])
        if rows is not None:
            tables[name] = Table(name, schemas[name], rows, sorted(p for p, _ in paths))
    reader.problems.raise_if_any()
    return Package(root, descriptor, tables, dict(sorted(seeds.items())), dict(sorted(reader.files.items())), reader)
