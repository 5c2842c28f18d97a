"""Write the validated tables and the descriptor, replacing the published files only as a whole.

How a build publishes (one checkout, any number of builds at once, killed at any instant):

1. Lock. An exclusive `flock` on the package folder itself (no lock file to leave behind): a second
   build in the same checkout waits for the first, up to `SUPERCLUSTERS_LOCK_WAIT` seconds
   (default 600), then fails with a problem line; nothing else takes the lock, so readers never wait.
2. Recover. Under the lock, any `.publish-*` folder is what a killed build left: if it had started
   swapping and had not reached step 5, the previous files it moved aside are moved back; then it is
   removed. So every build starts from the last published pair.
3. Stage. Everything is written into `.publish-<unique>/new/` (unique per build: `tempfile.mkdtemp`;
   a streamed build also spills its validated batches to `.publish-<unique>/validated/`, which the
   read-back compares the files with) and checked there; the previous files are moved to `.publish-<unique>/old/`, never to a shared name.
4. Swap, one top-level name at a time (`data` first, then `README.md` and any other file the build
   renders): rename the published one into `old/`, then the staged one into place. The names are
   written to `.publish-<unique>/swap-list` first, so a roll-back knows exactly what moved.
5. Commit: `os.replace(new/datapackage.json, datapackage.json)`, one atomic rename. The descriptor is
   written last and holds the sha256 of every file, so it is what makes a `data/` "published".

Between steps 4 and 5 a reader may see no `data/` or a `data/` that does not match the descriptor:
the pair is not switched by one rename (that would need `data/` to be a symlink, which git and the
release would not keep). Instead the descriptor is the commit record: `build.py --verify` compares
every file with the descriptor's hashes and reports a mismatch or a missing folder as a problem (a
reader of a checkout that must not see a half-swap should do the same, e.g. with
`verify.descriptor_problems`), and the next build rolls the half-swap back (step 2). A failure (disk full, a `data/`
that cannot be renamed because it is a mount point, Ctrl-C) rolls back at once and is reported as a
problem with the previous files intact. Tests kill the build after every step through `fault_hook`
or the `SUPERCLUSTERS_FAULT` environment variable (see `_step`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ..check.schemas import TABLES, arrow_schema, field_names, list_fields, missing, parquet_schema
from ..errors import BuildError, Problem
from ..inputs.seeds import file_info, file_sha256, sha256_hex

HOMEPAGE = "https://github.com/ai-superclusters-2024/ai-superclusters-2024"
# When this version of the descriptor was made: a constant, not the clock, so that rebuilding gives the same
# bytes. Bump it with the version in pyproject.toml; CITATION.cff's date-released must agree (tested).
CREATED = "2026-12-05T00:00:00Z"

WORK_PREFIX = ".publish-"  # staging and backup folders of one build: .publish-<unique>/{new,old}
SWAP_LIST = "swap-list"  # in .publish-<unique>/: the top-level names being swapped, written before the first rename
LOCK_WAIT_ENV = "SUPERCLUSTERS_LOCK_WAIT"  # seconds a build waits for another one in the same checkout
FAULT_ENV = "SUPERCLUSTERS_FAULT"  # "kill:<step>" or "pause:<step>", for tests that run a build in a subprocess

# Called with the name of every step ("after move out data", ...); a test sets it to raise at a chosen step.
fault_hook: Callable[[str], None] | None = None


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
        "What five news articles (Portuguese, French, English) say about Tesla's Cortex, Dojo, xAI's 100k-H100 "
        "training cluster and the supercomputer xAI is building: claims, events and status statements, relations "
        "between entities, places, people and unnamed sources, every sentence accounted for, and cross-source "
        "verdicts with their reasons. Every row carries the exact quote it comes from and its code-point span in "
        "the hash-pinned seed text."
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


def _column_text(values: list, delimiter: str) -> list[str]:
    """One column's CSV text, exactly what `_cell` gives cell by cell (text, integers and None take a fast path)."""
    return [
        v if type(v) is str else str(v) if type(v) is int else "" if v is None else _cell(v, delimiter)  # noqa: E721
        for v in values
    ]


# The cells the writer quotes: those holding a comma, a double quote, a line feed or a carriage return
# (one pattern for Python's re and Arrow's RE2 alike).
_NEEDS_QUOTES = '[,"\n\r]'


def csv_bytes_arrow(table: Any, schema: dict, header: bool = True) -> bytes:
    """CSV bytes of an Arrow table of the schema's columns, made by Arrow's C++ kernels: every cell as `_cell`
    writes it (empty for missing, integers without '.0', ISO dates, lists joined by their field's delimiter),
    quoted (RFC 4180: in double quotes, a quote doubled) where it holds a comma, a double quote, a line feed or
    a carriage return; `header=False` gives the rows only, for a batch after the first.

    Why not `pyarrow.csv.write_csv`: it quotes every string (or, unquoted, refuses quotes and commas),
    which would change every published CSV byte. Nor the csv module: its QUOTE_MINIMAL began to quote a
    carriage return only in CPython 3.11.9 and 3.12.3 (gh-67044), so the bytes would depend on the
    interpreter, and an unquoted carriage return does not read back (pyarrow's reader ends the row there).
    So each column is turned into text by a cast (integers, booleans, ISO dates), a join (lists) or, for
    numbers, `_cell` itself (Arrow writes 1e+20 and -0 where Python writes 100000000000000000000 and 0); the
    cells are joined into lines, and the lines' bytes are one buffer. tests/test_csv_writer.py compares it
    with the csv module's writer through `_cell` on odd and generated cells and on every real table.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    names = field_names(schema)
    if table.num_columns != len(names) or len(names) < 2:  # a one-column row would need csv's quoting of ""
        raise ValueError(f"table has {table.num_columns} columns; the schema has {len(names)} (the Arrow writer needs two or more)")
    head = (",".join(names) + "\n").encode("utf-8") if header else b""
    if table.num_rows == 0:
        return head
    delimiters = list_fields(schema)
    texts = []
    for name, column in zip(names, table.itercolumns(), strict=True):
        column = column.combine_chunks()
        kind = column.type
        # Each kernel call costs about 70 us whatever the batch, so only the calls a column needs are made:
        # integers, booleans and dates never need quotes.
        if name in delimiters:
            text = pc.binary_join(column, delimiters[name])
        elif pa.types.is_string(kind):
            text = column
        elif pa.types.is_floating(kind):
            text = pa.array(_column_text(column.to_pylist(), "|"), pa.string())
        else:
            text = pc.cast(column, pa.string())
            texts.append(pc.fill_null(text, "") if text.null_count else text)
            continue
        if text.null_count:
            text = pc.fill_null(text, "")
        needs = pc.match_substring_regex(text, _NEEDS_QUOTES)
        if needs.true_count:
            quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
            text = pc.if_else(needs, quoted, text)
        texts.append(text)
    lines = pc.binary_join_element_wise(*texts, ",")
    lines = pc.binary_join_element_wise(lines, "", "\n").cast(pa.large_string())  # each line and its terminator
    # The lines' characters lie end to end in the array's data buffer, between its first and last offset.
    offsets = lines.buffers()[1]
    first, last = (int.from_bytes(offsets[8 * i : 8 * i + 8].to_pybytes(), "little") for i in (lines.offset, lines.offset + len(lines)))
    return head + lines.buffers()[2][first:last].to_pybytes()


# Beside each table's validated batches in the spill folder: how its CSV must be read back. A row is never
# longer than the batch it was written in, and pyarrow's CSV reader fails on a row longer than its block
# ("straddling object straddles two block boundaries"); and a value holding a line break needs its
# quote-aware chunker (slower, so only where one does).
CSV_SHAPE = "{table}.csv-shape.json"


class TableFiles:
    """One table's CSV and Parquet files, written batch by batch by a streaming build and hashed as written.

    Each batch is one Parquet row group, so a table written in one batch (the five-article package)
    has exactly the bytes pyarrow's `write_table` gives for the whole table. With `spill`, each
    validated batch is also appended to `<spill>/<table>.arrow` (Arrow IPC), which the read-back
    compares the written files with, without holding the table in memory. The fault-injection steps
    are those of `publish`'s own writes: "before write data/<table>.csv" when the file is opened,
    "after write ..." when it is complete.
    """

    def __init__(self, folder: Path, table: str, schema: dict, spill: Path | None = None) -> None:
        import pyarrow as pa

        self.table, self.schema, self.folder = table, schema, folder
        self.paths = [f"data/{table}.csv", f"data/{table}.parquet"]
        self.arrow = arrow_schema(schema)
        self.parquet_schema = parquet_schema(schema)
        self.csv_hash = hashlib.sha256()
        self.csv_size = 0
        self.csv_file: Any = None
        self.parquet: Any = None
        self.spill: Any = None
        self.batches = 0
        self.csv_shape = {"largest_batch_bytes": 0, "line_breaks_in_values": False}  # for the read-back (CSV_SHAPE)
        for path in self.paths:
            try:
                _step(f"before write {path}")
            except OSError as exc:
                raise BuildError([_os_problem(path, "cannot be written", exc)]) from None
        try:
            (folder / "data").mkdir(parents=True, exist_ok=True)
            self.csv_file = open(folder / self.paths[0], "wb")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise BuildError([_os_problem(self.paths[0], "cannot be written", exc)]) from None
        self.spill_folder = spill
        if spill is not None:
            try:
                spill.mkdir(parents=True, exist_ok=True)
                self.spill = pa.ipc.new_file(str(spill / f"{table}.arrow"), self.arrow.remove_metadata())
            except OSError as exc:
                self.csv_file.close()
                raise BuildError([_os_problem(f"{spill.name}/{table}.arrow", "cannot be written", exc)]) from None

    def write(self, table: Any, csv_rows: bytes | None = None) -> None:
        """Append one validated batch (an Arrow table of the schema's columns, `schemas.arrow_table`) to both files;
        `csv_rows`, where given, is the batch's CSV text without the header, as `csv_bytes_arrow` made it already."""
        import pyarrow.parquet as pq

        if csv_rows is None:
            data = csv_bytes_arrow(table, self.schema, header=self.batches == 0)
        else:
            data = (csv_bytes_arrow(table.slice(0, 0), self.schema) if self.batches == 0 else b"") + csv_rows
        path = self.paths[0]
        shape = self.csv_shape
        shape["largest_batch_bytes"] = max(shape["largest_batch_bytes"], len(data))
        lines = table.num_rows + (self.batches == 0)
        shape["line_breaks_in_values"] = shape["line_breaks_in_values"] or data.count(b"\n") != lines or b"\r" in data
        try:
            self.csv_file.write(data)
            self.csv_hash.update(data)
            self.csv_size += len(data)
            path = self.paths[1]
            if self.parquet is None:  # the schema carries the pandas metadata the files had when pandas wrote them
                self.parquet = pq.ParquetWriter(str(self.folder / path), self.parquet_schema, compression="zstd", write_statistics=True)
            self.parquet.write_table(table)
            path = "validated batches for the read-back"
            if self.spill is not None:
                self.spill.write_table(table.replace_schema_metadata(None))
        except OSError as exc:
            raise BuildError([_os_problem(path, "cannot be written", exc)]) from None
        self.batches += 1

    def close(self) -> dict[str, tuple[int, str]]:
        """Finish both files (a table with no batch gets its header and schema) and return each one's (size, sha256 hex)."""
        if self.batches == 0:
            self.write(self.arrow.empty_table())
        try:
            self.csv_file.close()
            self.parquet.close()
            if self.spill is not None:
                self.spill.close()
                (self.spill_folder / CSV_SHAPE.format(table=self.table)).write_text(json.dumps(self.csv_shape), encoding="utf-8")
            parquet = file_sha256(self.folder / self.paths[1])
        except OSError as exc:
            raise BuildError([_os_problem(self.paths[1], "cannot be written", exc)]) from None
        for path in self.paths:
            try:
                _step(f"after write {path}")
            except OSError as exc:  # as _write reports a failure at its own "after write" step
                raise BuildError([_os_problem(path, "cannot be written", exc)]) from None
        return {self.paths[0]: (self.csv_size, self.csv_hash.hexdigest()), self.paths[1]: parquet}

    def abandon(self) -> None:
        """Close what is open after a failure (the staging folder is removed with them)."""
        for handle in (self.csv_file, self.parquet, self.spill):
            try:
                if handle is not None:
                    handle.close()
            except Exception:  # noqa: BLE001 - already failing; the files go with the staging folder
                pass


def _outlets(kept: dict[str, list[dict]]) -> dict[str, str]:
    """article_id -> name of the outlet the seed names as its own publisher (articles.outlet_organisation_id),
    for the articles that name one; an outlet merely cited in the text is not its publisher."""
    names = {row["organisation_id"]: row["name"] for row in kept["organisations"]}
    return {row["article_id"]: names[row["outlet_organisation_id"]] for row in kept["articles"] if not missing(row["outlet_organisation_id"])}


# Where a spreadsheet user meets the CSV files (a data portal shows each resource's description), the
# stance on formula injection (docs/failures.md, "Security"): the CSV is data, every cell as the build
# validated it, equal to the Parquet file and, for quotes, to the seed's own words; a cell that begins with
# =, +, - or @ is text, and is never altered (a leading ' would break the exact quotes and the offsets).
CSV_NOTE = (
    "RFC 4180 CSV, UTF-8. Every cell is data, never a formula: a text cell may begin with =, +, - or @ "
    "(a quote or a gloss) and is published exactly as written. In a spreadsheet, import the file with every "
    "column as text rather than opening it directly; or load the Parquet file."
)


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


def descriptor(
    files: Mapping[str, bytes | tuple[int, str]],
    seeds: list[tuple[str, bytes | tuple[int, str]]],
    version: str,
    kept: dict[str, list[dict]],
    schemas: dict[str, dict],
    hashes: dict[str, str] | None = None,
) -> dict:
    """datapackage.json (Data Package v2): a CSV and a Parquet resource per table, plus the seed texts, all hashed.

    Every table in TABLES gets its two resources from its schema, so a new table needs nothing here.
    `files` and `seeds` hold each file's bytes, or its (size, sha256 hex) where the build streamed it to disk;
    `kept` the rows of the articles (their sources) and the organisations (the outlets' names) as validated.
    """
    resources = []
    for table in TABLES:
        for fmt, media in (("csv", "text/csv"), ("parquet", "application/vnd.apache.parquet")):
            path = f"data/{table}.{fmt}"
            size, sha256 = file_info(files[path])
            resource = {
                "name": table if fmt == "csv" else f"{table}-parquet",
                "type": "table",
                "path": path,
                "format": fmt,
                "mediatype": media,
                "schema": f"schemas/{table}.json" if fmt == "csv" else parquet_resource_schema(schemas[table], table),
                "hash": f"sha256:{sha256}",
            }
            if isinstance(resource["schema"], str) and hashes and resource["schema"] in hashes:
                # The schema file's own hash, so a loosened schema plus an edited, re-hashed cell is caught.
                resource["schemaHash"] = hashes[resource["schema"]]
            if fmt == "csv":
                resource["description"] = CSV_NOTE
                # `encoding` applies to text only, so the Parquet resources carry none.
                resource["encoding"] = "utf-8"
                # frictionless counts bytes of CSV only; on Parquet it would report a byte-count error.
                resource["bytes"] = size
                resource["dialect"] = {
                    "$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                    "header": True,
                    "delimiter": ",",
                    "lineTerminator": "\n",
                    "quoteChar": '"',
                }
            resources.append(resource)
    outlets = _outlets(kept)
    articles = sorted(kept["articles"], key=lambda row: row["article_id"])
    seed_articles = {row["seed_path"]: row["article_id"] for row in articles}
    for name, data in seeds:
        size, sha256 = file_info(data)
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
                "bytes": size,
                "hash": f"sha256:{sha256}",
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
    for row in articles:
        outlet = outlets.get(row["article_id"])
        title = f"{row['article_id']} ({row['language']}{', ' + outlet if outlet else ''}): {row['title']}"
        sources.append({"title": title, "path": row["seed_path"]})
    return {**PACKAGE, "version": version, "sources": sources, "resources": resources}


def schema_hashes(root: Path) -> dict[str, str]:
    """'sha256:<hex>' of each table's schema file, keyed by its path in the package ('schemas/claims.json').

    For the descriptor: recorded on each table resource as `"schemaHash": "sha256:..."` beside its
    `"schema"` path (frictionless accepts that custom property), it lets `--verify` catch a schema
    loosened together with an edited and re-hashed cell.
    """
    return {f"schemas/{t}.json": "sha256:" + sha256_hex((root / "schemas" / f"{t}.json").read_bytes()) for t in TABLES}


def _step(name: str) -> None:
    """Fault-injection point, called before and after every write and rename of a publish.

    In-process tests set `fault_hook` (to raise ENOSPC, EBUSY, ...); subprocess tests set
    SUPERCLUSTERS_FAULT=kill:<step> to SIGKILL the build there, or pause:<step> to stop it until a
    line arrives on stdin (so a second build can be started at a known instant, without sleeps).
    """
    if fault_hook is not None:
        fault_hook(name)
    action, where = fault_setting() or ("", "")
    if where == name:
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action == "pause":
            print(f"paused {name}", flush=True)
            sys.stdin.readline()


def _os_problem(shown: str, doing: str, exc: OSError, outcome: str = "the published files were left as they were") -> Problem:
    """A failed write or rename as a problem line, with advice that fits the cause."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        advice = "the disk is full; free some space and rerun"
    elif exc.errno in (errno.EBUSY, errno.EXDEV, errno.EPERM):
        advice = "data/ must be an ordinary folder on the checkout's own file system (not a mount point or a link to another disk)"
    else:
        advice = "check permissions and free space, then rerun"
    return Problem(shown, "", "", f"{doing} ({reason}); {outcome}: {advice}")


def _write(target: Path, data: bytes, shown: str, step: str = "write") -> None:
    step = f"{step} {shown}"
    try:
        _step(f"before {step}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        raise BuildError([_os_problem(shown, "cannot be written", exc)]) from None
    _step(f"after {step}")


def replace_file(target: Path, data: bytes) -> None:
    """Write `target` whole or not at all (a temporary beside it, then a rename), readable by all like every
    published file: mkstemp makes its temporaries 0600, which the rename would keep. Only a regular file (or
    nothing) is replaced: the rename would otherwise swap a device (`--zip /dev/null`), a FIFO or a link for it."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(errno.EEXIST, "exists and is not a regular file (a link, folder, device or FIFO); expected a new or ordinary file", str(target))
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _rename(source: Path, target: Path, shown: str, step: str) -> None:
    try:
        _step(f"before {step}")
        os.replace(source, target)
    except OSError as exc:
        raise BuildError([_os_problem(shown, "cannot be renamed", exc)]) from None
    _step(f"after {step}")


MAX_LOCK_WAIT_S = 86_400.0


def lock_wait_s() -> float:
    """SUPERCLUSTERS_LOCK_WAIT (default 600): a number of seconds from 0 to a day; "nan" or "inf" would wait for ever."""
    text = os.environ.get(LOCK_WAIT_ENV, "600")
    try:
        value = float(text) if text.isascii() else float("nan")  # float() also reads other scripts' digits ("٣")
    except ValueError:
        value = float("nan")
    if not 0 <= value <= MAX_LOCK_WAIT_S:  # also refuses nan and inf
        raise BuildError([Problem(LOCK_WAIT_ENV, "", "", f"{text[:40]!r} is not a number of seconds from 0 to {MAX_LOCK_WAIT_S:g}")])
    return value


FAULT_ACTIONS = ("kill", "pause")


def fault_setting() -> tuple[str, str] | None:
    """SUPERCLUSTERS_FAULT as (action, step), None when unset or empty; anything else is a problem, never
    a setting silently ignored (a test that meant to kill the build would pass without killing it)."""
    text = os.environ.get(FAULT_ENV, "")
    if not text:
        return None
    action, _, where = text.partition(":")
    # Every step is "before …" or "after …" a write, rename or move (`_step`): another name would never fire.
    if action not in FAULT_ACTIONS or not re.fullmatch(r"(?:before|after) \S.*", where, re.S):
        expected = "expected kill:<step> or pause:<step>, a step being 'before …' or 'after …' a write, rename or move, or nothing"
        raise BuildError([Problem(FAULT_ENV, "", "", f"{text[:80]!r}; {expected}")])
    return action, where


@contextmanager
def build_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the package folder: one publishing build per checkout at a time.

    The lock is the kernel's `flock` on the folder's own descriptor, released when the process ends
    however it ends (a SIGKILL included), so a killed build never leaves a stale lock behind.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX (Windows): no lock; README "Security" says so
        yield
        return
    if wait is None:
        wait = lock_wait_s()
    fd = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting up to {wait:g} s for another build in {root} to finish publishing", file=sys.stderr, flush=True)
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        message = f"another build is publishing in this checkout and did not finish within {wait:g} s; wait for it, or set {LOCK_WAIT_ENV}"
                        raise BuildError([Problem("data", "", "lock", message)]) from None
                    time.sleep(0.05)  # flock has no timeout of its own; polling is how one waits with a deadline
        yield
    finally:
        os.close(fd)  # releases the lock


def _roll_back(root: Path, work: Path) -> None:
    """Undo a swap that began (its swap list exists) but was not committed (new/datapackage.json still staged)."""
    new, old, swap_list = work / "new", work / "old", work / SWAP_LIST
    if not swap_list.is_file() or not (new / "datapackage.json").exists():
        if not (root / "data").exists() and (work / "data").is_dir():  # left by the build before unique names
            os.replace(work / "data", root / "data")
        return
    for name in swap_list.read_text(encoding="utf-8").split("\n"):
        if name and not (new / name).exists() and (root / name).exists():  # the new one had been moved in
            os.replace(root / name, work / f"discarded-{name}")
        if name and (old / name).exists() and not (root / name).exists():
            os.replace(old / name, root / name)


def recover(root: Path) -> None:
    """Roll back and remove what killed builds left in `root`; call it holding `build_lock`."""
    for work in sorted(root.glob(WORK_PREFIX + "*")):
        if work.is_symlink() or not work.is_dir():
            work.unlink()
            continue
        _roll_back(root, work)
        shutil.rmtree(work)


Stager = Callable[[Path], tuple[dict[str, bytes], dict[str, bytes]]]


def publish(
    files: dict[str, bytes],
    root: Path,
    check: Callable[[Path], None] | None = None,
    also: dict[str, bytes] | None = None,
    stage: Stager | None = None,
) -> None:
    """Stage `files` (and top-level files `also`, such as README.md), run `check` on the staging folder,
    then swap in every top-level name they hold, datapackage.json last: all of them, or on failure none.

    `stage`, when given, is called with the staging folder first (a streaming build writes data/ there
    itself) and returns more `files` and `also` to write beside what it wrote (the descriptor, the README).
    """
    also = also or {}
    fault_setting()  # a malformed setting stops the build before anything is written
    with build_lock(root):
        try:
            recover(root)
        except OSError as exc:
            left = "nothing was written; the folder is kept"
            raise BuildError([_os_problem(WORK_PREFIX + "*", "a folder left by an interrupted build cannot be rolled back", exc, left)]) from None
        try:
            work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=root))
        except OSError as exc:
            raise BuildError([_os_problem(WORK_PREFIX + "*", "a staging folder cannot be made", exc)]) from None
        new, old = work / "new", work / "old"
        try:
            if stage is not None:
                new.mkdir()
                staged, staged_also = stage(new)
                files, also = {**files, **staged}, {**also, **staged_also}
            for path, data in {**files, **also}.items():
                _write(new / path, data, path)
            # Every top-level name the build publishes, swapped one by one: data/ first, so that from the first
            # rename on the old descriptor no longer matches (and --verify says so); the descriptor last.
            names = sorted({p.name for p in new.iterdir()} - {"datapackage.json"} if new.is_dir() else set(), key=lambda name: (name != "data", name))
            if check is not None:
                check(new)
            old.mkdir()
            _write(work / SWAP_LIST, "\n".join(names).encode("utf-8"), SWAP_LIST)  # from here on, a roll-back knows what moved
            for name in names:
                if (root / name).exists():
                    _rename(root / name, old / name, name, f"move out {name}")
                _rename(new / name, root / name, name, f"move in {name}")
            _rename(new / "datapackage.json", root / "datapackage.json", "datapackage.json", "replace datapackage.json")
        except BaseException as failure:
            try:
                _roll_back(root, work)
            except OSError as exc:  # keep the folder: the next build finishes the roll-back
                kept = f"the previous files are in {work.name}/old and the next build puts them back"
                raise BuildError([_os_problem("data", "cannot be put back", exc, kept)]) from None
            shutil.rmtree(work, ignore_errors=True)
            if isinstance(failure, OSError):  # outside _write/_rename: making old/
                raise BuildError([_os_problem(work.name, "cannot be prepared", failure)]) from None
            raise
        shutil.rmtree(work, ignore_errors=True)
