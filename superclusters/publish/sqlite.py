"""Every table of a published package as one SQLite database, and the Datasette metadata that describes it.

    python -m superclusters.publish.sqlite --root . --out dist     # dist/ai-superclusters-2024.sqlite, dist/metadata.json
    datasette dist/ai-superclusters-2024.sqlite -m dist/metadata.json

What the database holds, all read from the package through its datapackage.json (publish/package.py), so a
table added to the package appears here with no change:
- every table, rows in the published order, columns typed from the Table Schema: integer and boolean as
  INTEGER (booleans 0/1), number as REAL, string as TEXT, date as ISO 8601 TEXT (YYYY-MM-DD), list as a JSON
  array in TEXT (`json_each` unnests it); a missing cell is NULL, never "";
- the schema's primary key, NOT NULL for required fields, and every foreign key declared (REFERENCES), with
  `PRAGMA foreign_key_check` empty (checked before the file is written);
- a view per list of ids (`<table>__<column>`: one row per item, e.g. events__organisation_ids), so a join
  needs no JSON, and `entity_profiles` (every profile fact beside its entity's name and type, in display
  order) once the profile tables are published;
- metadata.json for Datasette: the package's title, description, licence and source, each table's
  description and each column's, taken from the descriptor and the schemas.

Why sqlite-utils: frictionless 5.21's SQL adapter (`Package.publish("sqlite:///…")`, with SQLAlchemy) was
tried on this package first: it wrote the claims and events tables empty without an error, and it turns
each `pattern` constraint into `CHECK (… REGEXP …)`, a function SQLite does not have, so every later
insert fails ("unknown function: REGEXP()"). sqlite-utils writes what it is given, types columns as told,
stores lists as JSON and dates as ISO text, and declares keys.

The file is written to a temporary name beside the target and renamed into place, so the target is
always either the old database or the whole new one. Rebuilding gives the same bytes with the same
SQLite library.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..check.schemas import split_list
from ..errors import BuildError, Problem, shown
from .files import replace_file
from .package import Package, PackageError
from .verify import metadata_problems, name_problem, resource_name_problems

DATABASE_STEM = "ai-superclusters-2024"
METADATA = "metadata.json"
# Table Schema type -> the Python type sqlite-utils maps to the SQLite column type.
COLUMN_TYPES = {"integer": int, "boolean": int, "number": float, "string": str, "date": str, "list": str, "any": str}


def database_name(package: Package) -> str:
    """<name>.sqlite, from the descriptor's name (DATABASE_STEM if it has none). Only a valid Data Package name is
    taken (`package_problems` refuses any other first): it is a file name, so never a path, never '..'."""
    name = package.descriptor.get("name", DATABASE_STEM)
    if name_problem(name) is not None:
        raise PackageError(f"{package.origin}: datapackage.json: name: {name_problem(name)}")
    return f"{name}.sqlite"


def package_problems(package: Package) -> list[Problem]:
    """What in the descriptor the export cannot use, all at once: its name, licences and sources (metadata.json),
    its resources' names (each table is an SQLite table; SQLite keeps names beginning with sqlite_ for itself)."""
    problems = metadata_problems(package.descriptor) + resource_name_problems(package.descriptor["resources"], unique=False)
    for table in package.tables():
        if table.lower().startswith("sqlite_"):
            problems.append(Problem("datapackage.json", "resources", table, "names a table SQLite reserves (sqlite_...); expected another name"))
    return problems


def _out_problem(out: Path, exc: OSError) -> BuildError:
    return BuildError([Problem("--out", "", "", f"{shown(str(out))} cannot be written ({exc.strerror or exc}); expected a folder you can create and write to")])


def _cell(value: Any, kind: str, delimiter: str) -> Any:
    """One Parquet cell as the SQLite value: None stays NULL, dates ISO text, lists JSON, booleans 0/1."""
    if kind == "list":
        items = split_list(value, delimiter)
        return None if items is None else json.dumps([str(i) for i in items], ensure_ascii=False)
    if value is None:
        return None
    if kind == "date":
        return value.isoformat()
    if kind == "boolean":
        return int(bool(value))
    return value


def _rows(package: Package, table: str, schema: dict) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = package.data_file(table, "parquet")
    try:
        records = pq.read_table(path).to_pylist()
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise PackageError(
            f"{package.origin}: {package.path(table, 'parquet')} is not a readable Parquet file ({str(exc)[:200]}); rebuild it with `make build`"
        ) from None
    fields = [(f["name"], f.get("type", "string"), f.get("delimiter", ",")) for f in schema["fields"]]
    return [{name: _cell(record.get(name), kind, delimiter) for name, kind, delimiter in fields} for record in records]


def _list_id_views(package: Package, schemas: dict[str, dict]) -> dict[str, str]:
    """name -> SELECT of a view per list field whose items are ids of one table (`<x>_ids` where `<x>_id` is a primary key)."""
    keys = {s["primaryKey"][0]: t for t, s in schemas.items() if len(s.get("primaryKey", [])) == 1}
    views = {}
    for table, schema in schemas.items():
        own = schema.get("primaryKey", [])
        if len(own) != 1:
            continue
        for field in schema["fields"]:
            item_key = field["name"].removesuffix("s")
            if field.get("type") == "list" and field["name"].endswith("_ids") and item_key in keys:
                views[f"{table}__{field['name']}"] = (
                    f'SELECT "{table}"."{own[0]}" AS "{own[0]}", items.value AS "{item_key}" '
                    f'FROM "{table}", json_each("{table}"."{field["name"]}") AS items ORDER BY 1, items.key'
                )
    return views


# Views over the entity profiles (docs: /work/notes/profile_contract.md): made only when the tables and columns
# they read exist, so the database builds the same way before and after those tables are published.
PROFILE_VIEWS = {
    "entity_profiles": (
        {
            "profile_facts": ("fact_id", "entity_id", "rank", "attribute", "attribute_label", "value_text", "source_table", "source_id", "quote", "span_url"),
            "entities": ("entity_id", "entity_type", "name"),
        },
        "SELECT entities.name AS entity_name, entities.entity_type AS entity_type, profile_facts.* FROM profile_facts "
        "JOIN entities ON entities.entity_id = profile_facts.entity_id ORDER BY entities.name, profile_facts.entity_id, "
        "profile_facts.rank, profile_facts.fact_id",
    ),
}


def _profile_views(schemas: dict[str, dict]) -> dict[str, str]:
    views = {}
    for name, (needs, select) in PROFILE_VIEWS.items():
        if all(t in schemas and set(columns) <= {f["name"] for f in schemas[t]["fields"]} for t, columns in needs.items()):
            views[name] = select
    return views


def build_database(package: Package, target: Path) -> list[str]:
    """Write the database to `target` (atomically); return the names of its tables and views."""
    import sqlite_utils

    tables = package.tables()
    schemas = {table: package.schema(table) for table in tables}
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        db = sqlite_utils.Database(connection)
        foreign_keys = []
        for table in tables:
            schema = schemas[table]
            columns = {f["name"]: COLUMN_TYPES.get(f.get("type", "string"), str) for f in schema["fields"]}
            required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
            primary_key = schema.get("primaryKey", [])
            db[table].create(columns, pk=tuple(primary_key) if len(primary_key) > 1 else (primary_key[0] if primary_key else None), not_null=required)
            db[table].insert_all(_rows(package, table, schema), batch_size=1000)
            for key in schema.get("foreignKeys", []):
                reference = key.get("reference", {})
                other = reference.get("resource") or table  # "" refers to the table itself (Table Schema)
                if other in schemas:
                    fields, other_fields = key.get("fields", []), reference.get("fields", [])
                    fields = fields if isinstance(fields, list) else [fields]
                    other_fields = other_fields if isinstance(other_fields, list) else [other_fields]
                    foreign_keys.append(
                        (table, fields[0] if len(fields) == 1 else tuple(fields), other, other_fields[0] if len(other_fields) == 1 else tuple(other_fields))
                    )
        if foreign_keys:
            db.add_foreign_keys(foreign_keys)
        violations = connection.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            shown = "; ".join(f"{t} row {rowid} -> {parent}" for t, rowid, parent, _ in violations[:10])
            raise BuildError(
                [Problem(target.name, "", "", f"{len(violations)} foreign key violation(s): {shown}; the package's keys do not hold, run `make build`")]
            )
        views = {**_list_id_views(package, schemas), **_profile_views(schemas)}
        for name, select in views.items():
            db.create_view(name, select)
        connection.commit()
        connection.execute("VACUUM")
        connection.close()
        os.chmod(temporary, 0o644)  # mkstemp made it 0600; a published file is readable by all
        if os.path.lexists(target) and not (target.is_file() and not target.is_symlink()):  # never swap out a device, FIFO or link
            raise BuildError(
                [Problem(target.name, "", "", "exists and is not a regular file (a link, folder, device or FIFO); remove it or choose another --out")]
            )
        os.replace(temporary, target)
    except PackageError as exc:
        raise BuildError([Problem(target.name, "", "", str(exc))]) from None
    except sqlite3.Error as exc:  # a table or view SQLite will not take; the descriptor's checks name the usual causes
        why = f"cannot be written as SQLite ({str(exc)[:200]}); check the package with `build.py --verify`"
        raise BuildError([Problem(target.name, "", "", why)]) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return [*tables, *views]


def datasette_metadata(package: Package) -> dict:
    """Datasette's metadata.json: titles, descriptions, licence and source, from the descriptor and the schemas."""
    descriptor = package.descriptor
    licence = (descriptor.get("licenses") or [{}])[0]  # checked by package_problems: a list of objects
    homepage = descriptor.get("homepage", "")
    tables = {}
    for table in package.tables():
        schema = package.schema(table)
        entry: dict[str, Any] = {"description": schema.get("description", "")}
        entry["columns"] = {f["name"]: f.get("description", "") for f in schema["fields"]}
        tables[table] = entry
    return {
        "title": descriptor.get("title", ""),
        "description": descriptor.get("description", ""),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"{descriptor.get('name', '')} {package.version()}: five news articles, curated readings (see the seeds and the quotes)",
        "source_url": homepage,
        "about": "datapackage.json, data dictionary and code",
        "about_url": homepage,
        "databases": {
            database_name(package).removesuffix(".sqlite"): {
                "title": descriptor.get("title", ""),
                "description": descriptor.get("description", ""),
                "tables": tables,
            }
        },
    }


def write_sqlite(root: Path, out: Path) -> tuple[Path, Path]:
    """<out>/<name>.sqlite and <out>/metadata.json for the package at `root`."""
    try:
        package = Package.open(root)
        problems = package_problems(package)
        if problems:
            raise BuildError(problems)
        database = out / database_name(package)
        metadata = (json.dumps(datasette_metadata(package), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        build_database(package, database)
        replace_file(out / METADATA, metadata)
    except PackageError as exc:  # its message starts with the package folder, which the problem names
        raise BuildError([Problem(str(root), "", "", str(exc).removeprefix(f"{root}: "))]) from None
    except OSError as exc:  # --out cannot be made or written (under a file, read-only, /proc, a full disk)
        raise _out_problem(out, exc) from None
    return database, out / METADATA


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the published package folder (default: here)")
    parser.add_argument("--out", type=Path, default=Path("dist"), help="where to write the database and metadata.json (default: dist)")
    args = parser.parse_args(argv)
    try:
        database, metadata = write_sqlite(args.root, args.out)
    except BuildError as exc:
        print(f"sqlite export failed, nothing written. {exc}", file=sys.stderr)
        return 1
    print(f"wrote {database} ({database.stat().st_size} bytes) and {metadata}")
    print(f"browse it: datasette {database} -m {metadata}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
