"""A published package folder read through its datapackage.json: its tables, their schemas, their files, its seeds.

The loader, the SQLite export and the Hugging Face card all read a package this way, so a table added to the
descriptor reaches them with no list to update. Nothing is trusted: every path taken from the descriptor is
checked with `verify.unsafe_path` before it is opened (relative, inside the package, a regular file), JSON
is read with a size cap, and a seed must match the size and sha256 the descriptor pins for it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..inputs.limits import MAX_JSON_BYTES, MAX_SEED_BYTES, json_loads
from ..inputs.paths import MISSING, path_problem
from .verify import name_problem, unsafe_path

DESCRIPTOR = "datapackage.json"
PARQUET_SUFFIX = "-parquet"  # the Parquet twin of the CSV resource <table> is named <table>-parquet
ADVICE = "rebuild it with `make build`, reinstall the package, or download the release again"


class PackageError(Exception):
    """The package folder cannot be read as published; the message names the file and what to do."""


def read_json(path: Path, shown: str, advice: str = ADVICE) -> Any:
    """A JSON file of the package, read with a size cap; any failure is a PackageError with `advice`.

    Opened without waiting (O_NONBLOCK) and refused unless it is a regular file, so a FIFO or a device put
    in its place is never read (opening a FIFO for reading would wait for a writer for ever)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise PackageError(f"{shown}: not a regular file (a folder, device or FIFO); expected the file itself; {advice}")
            data = handle.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise PackageError(f"{shown} cannot be read ({exc.strerror or exc}); {advice}") from None
    if len(data) > MAX_JSON_BYTES:
        raise PackageError(f"{shown} is larger than {MAX_JSON_BYTES} bytes, too large to be this package's; {advice}")
    try:
        return json_loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise PackageError(f"{shown} is not valid UTF-8 JSON ({str(exc)[:200]}); {advice}") from None


@dataclass(frozen=True)
class Package:
    """A published package folder (a checkout, the wheel's copy, an unpacked release)."""

    root: Path
    descriptor: dict
    origin: str  # what to call it in messages: a folder or a release URL

    @classmethod
    def open(cls, root: Path, origin: str | None = None) -> Package:
        origin = origin or str(root)
        why = path_problem(root, DESCRIPTOR)  # the check --verify makes: never through a link, never a FIFO or a device
        if why is not None and not why.startswith(MISSING):
            raise PackageError(f"{origin}: {DESCRIPTOR}: {why}; {ADVICE}")
        descriptor = read_json(root / DESCRIPTOR, f"{origin}: {DESCRIPTOR}")
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
            raise PackageError(f"{origin}: {DESCRIPTOR} has no list of resources, so it is not a Data Package; check the folder")
        return cls(root, descriptor, origin)

    @property
    def resources(self) -> dict[str, dict]:
        return {r["name"]: r for r in self.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)}

    def tables(self) -> list[str]:
        """Every table with both a CSV and a Parquet resource, in the descriptor's order; a resource whose name is
        not a valid Data Package name (`build.py --verify` reports it) is no table: a name becomes a file or a table."""
        resources = self.resources
        return [
            name
            for name, r in resources.items()
            if r.get("format") == "csv" and r.get("type") == "table" and name + PARQUET_SUFFIX in resources and name_problem(name) is None
        ]

    def version(self) -> str:
        version = self.descriptor.get("version")
        return version if isinstance(version, str) else ""

    def file(self, path: Any, what: str) -> Path:
        """The file at a descriptor path, checked first: relative, inside the package, a regular file."""
        problem = unsafe_path(self.root, path)
        if problem:
            raise PackageError(f"{self.origin}: {what} {repr(path)[:80]}: {problem}; the package's {DESCRIPTOR} cannot be trusted, {ADVICE}")
        return self.root / path

    def schema(self, table: str) -> dict:
        """The table's Table Schema: the CSV resource's (list fields typed `list`, with their delimiter)."""
        schema = self.resources[table].get("schema")
        if isinstance(schema, str):
            schema = read_json(self.file(schema, f"the schema of {table}"), f"{self.origin}: {schema}")
        from ..check.schemas import shape_problems

        shape = shape_problems(schema, resources=self.tables())
        if shape:
            where, what = shape[0]
            more = f" (and {len(shape) - 1} more)" if len(shape) > 1 else ""
            raise PackageError(f"{self.origin}: the schema of {table}: {where + ': ' if where else ''}{what}{more}; {ADVICE}")
        return schema

    def path(self, table: str, fmt: str) -> str:
        """The descriptor's path of a table's file in `fmt` ("csv" or "parquet"), as written there (checked by `file`)."""
        return self.resources[table + (PARQUET_SUFFIX if fmt == "parquet" else "")].get("path")

    def data_file(self, table: str, fmt: str) -> Path:
        return self.file(self.path(table, fmt), f"the {fmt} file of {table}")

    def seed(self, path: str) -> str:
        """The seed's text, checked against the size and sha256 the descriptor pins; read without newline translation."""
        resource = next((r for r in self.descriptor["resources"] if isinstance(r, dict) and r.get("path") == path), None)
        if resource is None:
            raise PackageError(f"{self.origin}: no seed {repr(path)[:80]} in {DESCRIPTOR}; expected a path such as seeds/<article_id>.txt from a span_url")
        target = self.file(path, "seed")
        expected_hash = str(resource.get("hash", "")).removeprefix("sha256:")
        stated = resource.get("bytes")
        # The descriptor's size, never more than a seed may be: a hostile `bytes` (10**30) is no read size.
        limit = min(stated, MAX_SEED_BYTES) if isinstance(stated, int) and not isinstance(stated, bool) and stated >= 0 else MAX_SEED_BYTES
        try:
            with open(target, "rb") as handle:
                data = handle.read(limit + 1)
        except OSError as exc:
            raise PackageError(f"{self.origin}: {path} cannot be read ({exc.strerror or exc}); {ADVICE}") from None
        if hashlib.sha256(data).hexdigest() != expected_hash:
            raise PackageError(f"{self.origin}: {path} does not match the sha256 {DESCRIPTOR} pins for it; the offsets would not hold, {ADVICE}")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise PackageError(f"{self.origin}: {path} is not UTF-8 text; {ADVICE}") from None
