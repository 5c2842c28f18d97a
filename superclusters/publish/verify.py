"""Check a published package on disk the way a user receives it: every CSV and Parquet file,
read back, typed from the schemas, and run through the same validation as the build.

Used twice: by the build on its staging folder before anything replaces `data/`,
and by `build.py --verify` on a checkout or an unpacked release.

A user's copy is not trusted: the descriptor must exist and list every table in both formats and
every seed, with a sha256 each; a resource path must be relative, without `..`, and name a regular
file inside the package (never a link, device or FIFO, so /dev/zero or /etc/passwd are never read);
CSV and Parquet must hold the same cells; a file that cannot be read is a problem, not a traceback.
Where a resource records its schema's hash (`"schemaHash": "sha256:..."` beside `"schema"`), the
schema file must match it too, so a loosened schema cannot pass an edited cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..check.schemas import PANDAS_DTYPES, TABLES, field_names, pandas_module, with_python_lists
from ..errors import Problem
from ..errors import shown as quoted
from ..inputs.limits import json_problem, read_json
from ..inputs.paths import MISSING, path_problem
from ..inputs.seeds import file_sha256, sha256_hex

MAX_REPORTED = 10  # per file and kind, so one broken file does not bury the others
# The csv module refuses a field over 128 KiB by default; a curated note or a quote can be megabytes (the
# build takes a reading of up to 5 MB), and what the build accepts must read back. A process-wide setting.
csv.field_size_limit(max(csv.field_size_limit(), (1 << 31) - 1))


def unsafe_path(folder: Path, path: Any) -> str | None:
    """Why `path` may not be read as a file of the package at `folder`, or None when it may (the one
    check, inputs.paths.path_problem; a missing file is answered "missing; expected the file datapackage.json lists")."""
    why = path_problem(folder, path)
    return "missing; expected the file datapackage.json lists" if why is not None and why.startswith(MISSING) else why


# A Data Package name (of the package or of a resource): it names files (<name>.sqlite) and tables, so nothing else.
PACKAGE_NAME = re.compile(r"[a-z0-9._-]+")
SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
NAME_EXPECTED = "expected a Data Package name: lower-case letters, digits, '.', '_' and '-', not starting with '.'"


def name_problem(value: Any) -> str | None:
    """Why `value` is not a valid Data Package name (package or resource), or None when it is."""
    if isinstance(value, str) and PACKAGE_NAME.fullmatch(value) and not value.startswith("."):
        return None
    return f"{quoted(value)} is not a valid name; {NAME_EXPECTED}"


def named(value: Any) -> str:
    """A resource's name for a message: as it is when valid, else quoted (repr) so escapes or line breaks never reach the terminal."""
    return value if name_problem(value) is None else quoted(value)


def hash_shown(value: Any) -> str:
    """A descriptor's hash for a message: as it is when it is one (sha256:<64 hex>), else quoted (repr)."""
    return value if isinstance(value, str) and SHA256.fullmatch(value) else quoted(value)


def metadata_problems(descriptor: dict) -> list[Problem]:
    """The descriptor's own metadata that a consumer (the site, the SQLite export) reads: `name` a valid Data
    Package name (it names the database file), `sources` a list of objects with text `path` and `title`,
    `licenses` a list of objects with text `name`, `path` and `title` (each where given)."""
    where = "datapackage.json"
    problems = []
    if "name" in descriptor:
        why = name_problem(descriptor["name"])
        if why is not None:
            problems.append(Problem(where, "", "name", why))
    for key, fields in (("sources", ("path", "title")), ("licenses", ("name", "path", "title"))):
        if key not in descriptor:
            continue
        value = descriptor[key]
        if not isinstance(value, list):
            problems.append(Problem(where, "", key, f"got {quoted(value)}; expected a list of objects"))
            continue
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                problems.append(Problem(where, f"{key}[{index}]", "", f"got {quoted(item)}; expected an object with {', '.join(fields)}"))
                continue
            for field in fields:
                if field in item and not isinstance(item[field], str):
                    problems.append(Problem(where, f"{key}[{index}]", field, f"got {quoted(item[field])}; expected text"))
    return problems


def resource_name_problems(resources: list, unique: bool = True) -> list[Problem]:
    """Every resource named by a valid Data Package name (a name is a table, a file, a page), and, when `unique`,
    no two alike (publish.package reads the last of two, as a descriptor that adds a table again means it to)."""
    problems, seen = [], set()
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict):
            continue
        name = resource.get("name")
        why = name_problem(name)
        if why is not None:
            problems.append(Problem("datapackage.json", f"resources[{index}]", "name", why))
        elif unique and name in seen:
            problems.append(Problem("datapackage.json", f"resources[{index}] ({name})", "name", "another resource has this name; expected unique names"))
        seen.add(name)
    return problems


def read_csv_frame(path: Path, schema: dict, shown: str) -> tuple[Any, list[Problem]]:
    """CSV -> typed frame; a cell that is not of its column's type is a problem, not a silent NaN."""
    pd = pandas_module()

    problems: list[Problem] = []
    text, problems = read_csv_text(path, len(field_names(schema)), shown)
    if text is None:
        return None, problems
    try:
        raw = pd.read_csv(io.StringIO(text), dtype="string", keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as exc:
        return None, [Problem(shown, "", "", f"cannot be read as CSV: {exc}")]
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


def read_csv_text(path: Path, width: int, shown: str) -> tuple[str | None, list[Problem]]:
    """The CSV's text if it is UTF-8 with every row as wide as the header; pandas would pad a short row silently."""
    data = path.read_bytes()
    if not data:
        return None, [Problem(shown, "", "", "is empty; expected a header row and the table's rows")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected UTF-8 text")]
    problems = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if len(row) != width and len(problems) < MAX_REPORTED:
                problems.append(Problem(shown, f"line {reader.line_num}", "", f"{len(row)} fields; expected {width}, as many as the schema's columns"))
    except csv.Error as exc:
        problems.append(Problem(shown, f"line {reader.line_num}", "", f"malformed CSV: {exc}"))
    return (None if problems else text), problems


def read_parquet_frame(path: Path, schema: dict, shown: str) -> tuple[Any, list[Problem]]:
    import pyarrow.parquet as pq

    pandas_module()
    try:
        df = pq.read_table(path).to_pandas()
    except Exception as exc:  # a truncated or foreign file: pyarrow's own words say what is wrong
        return None, [Problem(shown, "", "", f"cannot be read as Parquet: {exc}")]
    if list(df.columns) != field_names(schema):
        return None, [Problem(shown, "header", "", f"columns {list(df.columns)}; expected {field_names(schema)}")]
    for f in schema["fields"]:
        if str(df[f["name"]].dtype) != PANDAS_DTYPES[f["type"]] and f["type"] not in ("date", "list"):
            try:
                df[f["name"]] = df[f["name"]].astype(PANDAS_DTYPES[f["type"]])
            except (TypeError, ValueError) as exc:
                return None, [Problem(shown, "", f["name"], f"column of {df[f['name']].dtype} cannot be read as {f['type']}: {exc}")]
    return with_python_lists(df, schema), []


def verify_package(folder: Path, schemas: dict[str, dict], seed_texts: dict[str, str]) -> list[Problem]:
    """Every problem in the data files under `folder` and in the hashes its datapackage.json declares.

    Each file is validated from scratch and the two formats are compared cell by cell (a user's copy);
    the build checks its own staging folder with `streamed_read_back_problems` instead.
    """
    from ..check.validate import validate_frames

    problems = descriptor_problems(folder, schemas, complete=True)
    read: dict[str, dict[str, Any]] = {"csv": {}, "parquet": {}}
    for fmt, reader in (("csv", read_csv_frame), ("parquet", read_parquet_frame)):
        for table in TABLES:
            shown = f"data/{table}.{fmt}"
            why = unsafe_path(folder, shown)
            if why is not None:
                problems.append(Problem(shown, "", "", why))
                continue
            df, found = reader(folder / shown, schemas[table], shown)
            problems += found
            if df is not None:
                read[fmt][table] = df
        if len(read[fmt]) == len(TABLES):
            for p in validate_frames(read[fmt], schemas, seed_texts):
                problems.append(Problem(p.file + f".{fmt}", p.entry, p.field, p.message))
    for table in TABLES:
        if table in read["csv"] and table in read["parquet"]:
            problems += format_problems(folder / f"data/{table}.csv", read["parquet"][table], schemas[table], table)
    return problems


def format_problems(csv_path: Path, parquet: Any, schema: dict, table: str) -> list[Problem]:
    """Cells where the Parquet file differs from the CSV, compared as text: the Parquet table (as read and typed
    for pandera) is written out with the publisher's own CSV writer and must give the CSV file's bytes. Only
    when it does not are the two parsed to name the differing cells."""
    import pyarrow as pa

    from ..check.schemas import arrow_schema
    from .files import csv_bytes_arrow

    shown = f"data/{table}.parquet"
    try:
        written = csv_bytes_arrow(pa.Table.from_pandas(parquet, schema=arrow_schema(schema), preserve_index=False), schema).decode("utf-8")
    except (pa.ArrowException, ValueError, TypeError) as exc:  # cells no CSV of this schema can hold (pandera names them too)
        return [Problem(shown, "", "", f"cannot be written as data/{table}.csv to compare the two formats: {str(exc)[:200]}")]
    actual = csv_path.read_text(encoding="utf-8")
    if written == actual:
        return []
    rows = list(csv.reader(io.StringIO(actual, newline="")))[1:]
    from_parquet = list(csv.reader(io.StringIO(written, newline="")))[1:]
    if len(rows) != len(from_parquet):
        return [Problem(shown, "", "", f"{len(from_parquet)} rows; data/{table}.csv has {len(rows)}: the two formats must hold the same table")]
    names = field_names(schema)
    key = names.index(schema["primaryKey"][0])
    problems = []
    for row, other in zip(rows, from_parquet, strict=True):
        for name, text, value in zip(names, row, other, strict=True):
            if value != text and len(problems) < MAX_REPORTED:
                problems.append(Problem(shown, f"row {row[key]}", name, f"{value!r} differs from data/{table}.csv's {text!r}"))
    return problems


def recorded_schema_hash(resource: dict) -> tuple[Any, Any] | None:
    """(schema path, 'sha256:...') where the resource records its schema's hash, else None.

    Two spellings: `"schema": "schemas/t.json", "schemaHash": "sha256:..."` (a custom property, which
    frictionless 5.21 accepts) or `"schema": {"path": ..., "hash": ...}` (which frictionless rejects as
    an inline schema without fields, so the descriptor should use the first).
    """
    schema = resource.get("schema")
    if isinstance(schema, dict) and "hash" in schema:
        return schema.get("path"), schema["hash"]
    if "schemaHash" in resource:
        return schema, resource["schemaHash"]
    return None


def descriptor_problems(folder: Path, schemas: dict[str, dict], complete: bool) -> list[Problem]:
    """datapackage.json must exist, parse, list every table in both formats (and, when `complete`, every
    seed), with safe paths, and every file it lists must match its sha256 (and its schema's, if recorded)."""
    shown = "datapackage.json"
    why = unsafe_path(folder, shown)
    if why is not None:
        return [Problem(shown, "", "", why.replace("the file datapackage.json lists", "the package descriptor; rebuild or unpack the release again"))]
    try:
        descriptor = read_json(folder / shown)
    except (OSError, ValueError) as exc:  # unreadable, too large, not UTF-8, not JSON, nested too deep
        where, what = json_problem(exc)
        return [Problem(shown, where, "", what)]
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        return [Problem(shown, "", "resources", "expected a JSON object whose resources are a list of objects")]

    problems = metadata_problems(descriptor) + resource_name_problems(resources)
    listed: dict[str, dict] = {}
    for index, resource in enumerate(resources):
        entry = f"resources[{index}] ({named(resource.get('name'))})"
        path = resource.get("path")
        why = unsafe_path(folder, path)
        if why is not None:
            if complete or not why.startswith("missing"):
                problems.append(Problem(shown, entry, "path", why))
            continue
        listed[path] = resource
        if resource.get("hash") != f"sha256:{file_sha256(folder / path)[1]}":
            problems.append(Problem(path, "", "hash", f"file does not match datapackage.json's {hash_shown(resource.get('hash'))}"))
        recorded = recorded_schema_hash(resource)
        if recorded is not None:
            schema_path, schema_hash = recorded
            why = unsafe_path(folder, schema_path)
            if why is not None:
                if complete or not why.startswith("missing"):  # the build's staging folder holds no schemas/
                    problems.append(Problem(shown, entry, "schema", why))
            elif schema_hash != f"sha256:{sha256_hex((folder / schema_path).read_bytes())}":
                problems.append(Problem(schema_path, "", "hash", f"schema does not match datapackage.json's {hash_shown(schema_hash)}"))

    wanted = [(f"data/{t}.{fmt}", t if fmt == "csv" else f"{t}-parquet") for t in TABLES for fmt in ("csv", "parquet")]
    if complete and (folder / "seeds").is_dir():
        wanted += [(f"seeds/{p.name}", "") for p in sorted((folder / "seeds").glob("*.txt"))]
    for path, name in wanted:
        resource = listed.get(path)
        if resource is None:
            if not any(r.get("path") == path for r in resources):
                expectation = "expected one with its sha256, for every table in both formats and every seed"
                problems.append(Problem(shown, "resources", name or path, f"no resource lists {path}; {expectation}"))
        elif name and resource.get("name") != name:
            problems.append(Problem(shown, "resources", name, f"the resource for {path} is named {quoted(resource.get('name'))}; expected {name!r}"))
    return problems


class _Rows:
    """Rows from a stream of record batches, taken in any number at a time (the files' batches and the
    validated batches are cut differently; each is converted to the table's Arrow schema on arrival)."""

    def __init__(self, batches: Iterator[Any], schema: Any, convert: Callable[[Any], Any] = lambda batch: batch) -> None:
        self.batches, self.schema, self.convert = batches, schema, convert
        self.pending: list[Any] = []
        self.count = 0

    def _pull(self) -> bool:
        batch = next(self.batches, None)
        if batch is None:
            return False
        batch = self.convert(batch)
        self.pending.append(batch)
        self.count += batch.num_rows
        return True

    def take(self, n: int) -> Any:
        import pyarrow as pa

        while self.count < n and self._pull():
            pass
        table = pa.Table.from_batches(self.pending, schema=self.schema)
        head, rest = table.slice(0, n), table.slice(n)
        self.pending, self.count = rest.to_batches(), rest.num_rows
        return head

    def left(self) -> int:
        """Rows not taken yet (reads the rest of the stream)."""
        while self._pull():
            pass
        return self.count


def csv_read_options(path: Path, spill: Path | None = None) -> tuple[Any, Any]:
    """pyarrow's ReadOptions and ParseOptions for a CSV the build wrote at `path`: blocks of at least 1 MiB
    and never smaller than the largest batch written (so than any row), and the quote-aware chunker where
    a value holds a line break (it falls out of sync without it), as the writer recorded in `spill`
    (files.CSV_SHAPE). Without that record, blocks as large as the file, and the quote-aware chunker."""
    import pyarrow.csv as pacsv

    from ..inputs.limits import json_loads
    from .files import CSV_SHAPE

    try:
        shape = json_loads((spill / CSV_SHAPE.format(table=path.stem)).read_text(encoding="utf-8")) if spill is not None else None
        block, line_breaks = int(shape["largest_batch_bytes"]), bool(shape["line_breaks_in_values"])
    except (OSError, ValueError, TypeError, KeyError):
        block, line_breaks = path.stat().st_size, True
    block = min(max(1 << 20, block + 1), (1 << 31) - 1)  # pyarrow takes an int32
    return pacsv.ReadOptions(use_threads=False, block_size=block), pacsv.ParseOptions(newlines_in_values=line_breaks)


def streamed_read_back_problems(folder: Path, schemas: dict[str, dict], spill: Path, workers: int = 0) -> list[Problem]:
    """Each written file, parsed by pyarrow (C++) batch by batch, must equal the validated batches the
    build spilled to `spill/<table>.arrow` as it wrote them, which proves them as valid as the batches
    without validating twice more; memory stays bounded by a batch rather than the table (issue 13).

    With `workers`, the tables are read back by that many processes forked from this one (each reads its
    tables a batch at a time); the problems come in table order either way."""
    if workers < 2:
        return [problem for table in TABLES for problem in _read_back_table(folder, schemas, spill, table)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    # The largest tables first, so that no worker is left with one of them at the end.
    order = sorted(TABLES, key=lambda table: -(spill / f"{table}.arrow").stat().st_size)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        found = dict(zip(order, pool.map(partial(_read_back_table, folder, schemas, spill), order), strict=True))
    return [problem for table in TABLES for problem in found[table]]


def _read_back_table(folder: Path, schemas: dict[str, dict], spill: Path, table: str) -> list[Problem]:
    """`streamed_read_back_problems` for one table."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from ..check.schemas import arrow_schema, list_fields

    problems: list[Problem] = []
    schema = arrow_schema(schemas[table]).remove_metadata()
    lists = list_fields(schemas[table])
    text_schema = pa.schema([pa.field(f.name, pa.string()) if f.name in lists else f for f in schema])
    options = pacsv.ConvertOptions(column_types=text_schema, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False)

    def from_csv(batch: Any, lists: dict = lists, schema: Any = schema) -> Any:
        # pyarrow's CSV reader cannot parse list columns: they are read as text and split on each field's delimiter.
        columns = [pc.split_pattern(batch.column(i), lists[f.name]) if f.name in lists else batch.column(i) for i, f in enumerate(batch.schema)]
        return pa.RecordBatch.from_arrays(columns, names=batch.schema.names).cast(schema)

    def from_parquet(batch: Any, schema: Any = schema) -> Any:
        return batch.replace_schema_metadata(None).cast(schema)

    # Read, not memory-mapped: mapped pages count in the process's resident memory, all of them by the end.
    with pa.OSFile(str(spill / f"{table}.arrow")) as source:
        spilled = pa.ipc.open_file(source)
        for fmt in ("csv", "parquet"):
            shown = f"data/{table}.{fmt}"
            try:
                # Single-threaded, and a row group at a time: pyarrow's threaded CSV reader and Parquet
                # `iter_batches` buffer far ahead (about 100 MB more peak memory at N = 10,000, measured).
                if fmt == "csv":
                    read, parse = csv_read_options(folder / shown, spill)
                    got = _Rows(iter(pacsv.open_csv(folder / shown, read_options=read, parse_options=parse, convert_options=options)), schema, from_csv)
                else:
                    parquet = pq.ParquetFile(folder / shown)
                    groups = (b for g in range(parquet.num_row_groups) for b in parquet.read_row_group(g, use_threads=False).to_batches())
                    got = _Rows(groups, schema, from_parquet)
                same = True
                for i in range(spilled.num_record_batches):
                    want = pa.Table.from_batches([spilled.get_batch(i)])
                    if not got.take(want.num_rows).equals(want):
                        same = False
                        break
                    # Arrow's allocator keeps freed blocks for reuse; hand them back, or the peak grows by table.
                    pa.default_memory_pool().release_unused()
                same = same and got.left() == 0
            except (pa.ArrowException, OSError) as exc:
                problems.append(Problem(shown, "", "", f"cannot be read back: {exc}"))
                continue
            if not same:
                problems.append(Problem(shown, "", "", "does not read back as the validated table"))
    return problems


def verify_published(root: Path) -> list[Problem]:
    """Problems in the published package at `root` (a checkout or an unpacked release); never raises on bad files."""
    from ..check.schemas import load_schemas
    from ..errors import BuildError

    try:
        schemas = load_schemas(root / "schemas")
    except BuildError as exc:
        return exc.problems
    problems, seed_texts = [], {}
    for path in sorted((root / "seeds").glob("*.txt")):
        shown = f"seeds/{path.name}"
        why = unsafe_path(root, shown)
        if why is not None:
            problems.append(Problem(shown, "", "", why))
            continue
        try:
            seed_texts[path.stem] = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(shown, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected the seed's UTF-8 text"))
    return problems + verify_package(root, schemas, seed_texts)
