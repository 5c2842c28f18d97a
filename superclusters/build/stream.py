"""The build, streamed: articles pass through derive, validation and writing in batches.

Why: holding every row of a 10,000-article corpus as Python dicts and then as frames took 5.6 GB
(issue 13). Here a batch of `batch_articles` articles is read, derived, typed, validated and appended
to each table's CSV and Parquet file (one Parquet row group per batch), then dropped. What crosses
batches is small and bounded by the registry or by a few values per article:

- `CorpusSummary`: per entity its mention counts and first mention, the roles, the claims' columns
  reconcile needs (the entity tables and claim groups are made from it at the end);
- the articles' own rows (the descriptor and the README list every article) and the sentence counts;
- the keys of the tables other rows refer to, as Arrow arrays, for references a batch cannot settle;
- each table's last key: within a batch rows are sorted by primary key, and every batch must begin
  after the previous one ends, so the files are sorted and keys unique across the whole corpus (keys
  begin with their article's id, and articles come in id order, so this holds by construction; a
  corpus where it did not would be reported, never written out of order);
- the profile facts (`derive.PENDING`): made, typed and checked with their batch, but written only at the
  end, when their claims' verdicts are known; meanwhile each batch's facts wait on disk (Arrow IPC), in an
  anonymous temporary file, and what the systems' rows need of them waits, pickled per system, in another
  (`ProfileSummary` with an `AppendStore`).

This is the build's one path (`build.py`, `--check` and `--names` run it; tests that need the tables stage
into a scratch folder and read them back). A single batch (any corpus of up to `batch_articles` articles,
such as the five-article package) writes each Parquet file as one row group, exactly what pyarrow writes
for the whole table at once; a corpus in several batches differs only in the Parquet files' row groups (tested).
Problems are collected across every batch and raised together at the end, as the whole-corpus build did;
once one is found, later batches are still read and derived for their problems but no longer validated or
written, and the staging folder is discarded by `publish`.

Each batch (`_batch`) is typed once as Arrow tables and checked there (check/constraints.py; pandera only
words a failure). With several batches and CPUs, batches are made by worker processes forked from the build
(`_batches`, `worker_count`), which return Arrow IPC and CSV text; the build writes them in order and merges
each batch's summary as if it had derived the batch itself, so the bytes never depend on the workers.
"""

from __future__ import annotations

import functools
import json
import pickle
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.schemas import TABLES, arrow_table, field_names, load_schemas, row_columns
from ..derive import PENDING, PER_ARTICLE, PROFILE_TABLES, CorpusSummary, Vocabulary, corpus_tables, derive_batch, prepare, sort_by_key
from ..derive.entities import ENTITY_TABLES
from ..derive.profiles import ProfileSummary, SystemFacts, profile_rows, system_facts
from ..derive.reconcile import group_key, reconcile_groups
from ..errors import BuildError, Collector
from ..inputs.corpus import input_folder_problems, list_readings, read_article, regular_file_problem
from ..inputs.reading_schema import schema_text
from ..inputs.readings import ENTITIES_FILE, Registry, parse_registry, read_text
from ..publish.readme import AGREEMENT_COLUMNS, GLANCE_COLUMNS, SINGLE_GROUP_COLUMNS, SentenceCounts, sentence_counts

# Articles per batch: also the published Parquet files' row groups (one per batch and table), so it is a
# constant of the format, not a setting; a setting would make the published bytes depend on it. Peak memory
# grows with it (about 1.5 MB an article); the fixed cost per batch (Arrow calls per column, a row group) shrinks.
# Tests change it (monkeypatch) to build a small corpus in several batches.
BATCH_ARTICLES = 100
# The articles' columns the descriptor (sources, seeds' publishers) and the README (sentence accounting) read.
ARTICLE_COLUMNS = ("article_id", "seed_path", "language", "title", "outlet_organisation_id", "claim_count", "event_count", "relation_count")
# The cross-article tables the descriptor (organisations: the outlets' names) and the README (claim_groups,
# epoch_gpu_clusters: the systems at a glance) need.
KEPT = ("organisations", "claim_groups", "epoch_gpu_clusters")
# Of a kept table, only the columns the README reads (the rest can be long: quotes, notes, lists of ids); of a
# claim group only one article reports, only its status (every claim group's row in full was some 43 MB at
# N = 10,000, held from the claim groups to the end of the build, its peak).
KEPT_COLUMNS = {"epoch_gpu_clusters": GLANCE_COLUMNS, "claim_groups": AGREEMENT_COLUMNS}
# Systems typed, validated and written at a time: each cites some dozens of relations and events, whose
# references are settled slice by slice against the written keys.
PROFILE_SLICE = 250
# Pending rows (a batch's profile facts: some 7,000 of 42 columns) typed, validated and written at a time.
PENDING_SLICE = 1_500


@dataclass
class Staged:
    """What a streamed build wrote, and what the descriptor, Croissant and the README need from it."""

    files: dict[str, tuple[int, str]]  # data/<table>.<format> -> (size in bytes, sha256 hex)
    seeds: list[tuple[str, tuple[int, str]]]  # seed file name -> (size, sha256 hex), in article order
    kept: dict[str, list[dict]]  # rows of the articles (ARTICLE_COLUMNS) and of the tables in KEPT, as validated
    counts: SentenceCounts
    schemas: dict[str, dict]


class SeedTexts(dict):
    """Seed texts by article id, read from disk when asked for: the cross-article tables quote spans (an
    entity's first mention) from any article, long after its batch was dropped. Only the last `keep` texts
    are held; keeping every text met would hold most of the corpus at the end of a large build."""

    def __init__(self, root: Path, seed_paths: dict[str, str], keep: int = 64) -> None:
        super().__init__()
        self.root, self.seed_paths, self.keep = root, seed_paths, keep

    def get(self, article_id: str, default: Any = None) -> Any:
        if article_id not in self and article_id in self.seed_paths:
            if len(self) >= self.keep:
                self.pop(next(iter(self)))
            self[article_id] = (self.root / self.seed_paths[article_id]).read_bytes().decode("utf-8")
        return super().get(article_id, default)


class _Either:
    """Membership in either of two sets, without copying the larger (the registry's ids) for every batch."""

    def __init__(self, first: set, second: set) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second


def _bounds(tables: dict[str, list], primary_keys: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each non-empty table's first and last key (its rows sorted)."""
    return {table: (rows[0][primary_keys[table]], rows[-1][primary_keys[table]]) for table, rows in tables.items() if rows}


def _order_problems(bounds: dict[str, tuple[str, str]], primary_keys: dict[str, str], last: dict[str, str], problems: Collector) -> None:
    """Each table's first row of this batch (`bounds`: its first and last key) must sort after the previous batch's
    last; `last` is then updated."""
    for table, (first, final) in bounds.items():
        if table in last and first <= last[table]:
            problems.add(
                f"data/{table}",
                first,
                primary_keys[table],
                f"sorts before (or equals) {last[table]!r}, a row of an earlier article; "
                "expected every id to begin with its article's id, so that articles in id order give rows in id order",
            )
        last[table] = final


def _written_keys(folder: Path, table: str, key: str) -> Any:
    """The primary keys of a table already written to `folder`, read back from its Parquet file (that column's
    pages only; the CSV reader would parse every column of the whole file): references one batch could not
    settle are rare, so the keys are not kept in memory for them."""
    import pyarrow.parquet as pq

    return pq.read_table(folder / "data" / f"{table}.parquet", columns=[key], use_threads=False)[key]


# Rows of a cross-article table typed, validated and written at a time (each is sorted as a whole).
SLICE_ROWS = 5_000


def _pending_file(folder: Path, table: str) -> Any:
    """An anonymous temporary file beside the staged files for a pending table's batches: on disk, not in
    memory, and gone however the build ends (on POSIX it has no name once made, so it is never published)."""
    import tempfile

    from ..errors import BuildError
    from ..publish.files import _os_problem

    try:
        return tempfile.TemporaryFile(dir=folder, prefix=f".pending-{table}-")
    except OSError as exc:
        raise BuildError([_os_problem(f"{folder.name}/.pending-{table}", "cannot be written", exc)]) from None


class AppendStore(MutableMapping):
    """A mapping of text keys to bytes kept in a file (an anonymous temporary file): each value is appended and
    only its place (offset, length) is held in memory; a replaced value's old bytes stay unread in the file."""

    def __init__(self, handle: Any) -> None:
        self.handle, self.places = handle, {}

    def __getitem__(self, key: str) -> bytes:
        offset, length = self.places[key]
        self.handle.seek(offset)
        return self.handle.read(length)

    def __setitem__(self, key: str, value: bytes) -> None:
        offset = self.handle.seek(0, 2)
        self.handle.write(value)
        self.places[key] = (offset, len(value))

    def __delitem__(self, key: str) -> None:
        del self.places[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __len__(self) -> int:
        return len(self.places)


def _reference_columns(rows: list[dict], schema: dict) -> dict[str, list]:
    """The columns the cross-table checks read (key, foreign keys, span), for rows that are typed and written
    later (when their verdicts are known)."""
    names = {schema["primaryKey"][0], "article_id", "quote", "char_start", "char_end", "span_url"}
    names |= {fk["fields"][0] for fk in schema.get("foreignKeys", [])}
    return row_columns(rows, schema, [f["name"] for f in schema["fields"] if f["name"] in names])


def _typed(name: str, rows: list[dict], schema: dict, problems: Collector) -> Any:
    """`rows` as an Arrow table of the table's schema, its problems added to `problems` (worded by pandera);
    the table, or None where a value could not be typed."""
    from ..check.validate import table_problems

    table = arrow_table(rows, schema)
    problems.extend(table_problems(name, schema, table, rows))
    return table


def _kept_rows(table: str, piece: Any) -> list[dict]:
    """What the build keeps of a written slice of a KEPT table for the descriptor and the README: the rows, of the
    columns in KEPT_COLUMNS; of a claim group one article reports, only SINGLE_GROUP_COLUMNS."""
    rows = (piece.select(list(KEPT_COLUMNS[table])) if table in KEPT_COLUMNS else piece).to_pylist()
    if table == "claim_groups":
        rows = [row if row["article_count"] > 1 else {k: row[k] for k in SINGLE_GROUP_COLUMNS} for row in rows]
    return rows


def _write_profiles(
    write: Any, pairs: Iterator[tuple[dict, dict]], problems: Collector, folder: Path, spill: Path | None, primary_keys: dict[str, str]
) -> None:
    """Write the systems' two rows (`derive.PROFILE_TABLES`), made one system at a time, in slices of
    PROFILE_SLICE; each slice's references to claims, relations and events are settled at once against the keys
    as written (`_settled`), so they never wait as one entry each until the end."""
    slices: dict[str, list] = {table: [] for table in PROFILE_TABLES}

    def flush() -> None:
        later: list = []
        for table, rows in slices.items():
            write(table, rows, close=False, defer=later)
            rows.clear()
            # Typing, checking and writing a slice of these long rows leaves some 50 MB of freed heap at N = 10,000;
            # kept until the end of the slice, it made this phase the build's peak (docs/performance.md).
            release_memory()
        problems.extend(_settled(later, folder, spill, primary_keys))

    for pair in pairs:
        for table, row in zip(PROFILE_TABLES, pair, strict=True):
            slices[table].append(row)
        if len(slices[PROFILE_TABLES[0]]) == PROFILE_SLICE:
            flush()
    if slices[PROFILE_TABLES[0]]:
        flush()


def _settled(references: list, folder: Path, spill: Path | None, primary_keys: dict[str, str]) -> list:
    """The references (as `cross_table_problems` defers them) whose id is no key of the target as written, as
    problems. The keys are read a batch at a time and matched against the few ids wanted: from the validated
    batches spilled for the read-back where there are any (the read-back proves the files equal them), else
    from the written Parquet file's row groups. Reading a whole key column costs some 90 MB at N = 10,000, and a
    set of every key as much."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from ..errors import Problem

    wanted: dict[str, set[str]] = {}
    for reference in references:
        wanted.setdefault(reference[4], set()).add(str(reference[3]))
    found: set[tuple[str, str]] = set()
    problems = []
    for target, ids in wanted.items():
        value_set = pa.array(sorted(ids), pa.string())
        key = primary_keys[target]
        path = spill / f"{target}.arrow" if spill is not None else folder / "data" / f"{target}.parquet"
        try:
            if spill is not None:
                # Only the key column is read, a batch at a time, into memory freed as it goes: mapped, the column's
                # pages of the whole file would count in the build's memory (some 20 MB at N = 10,000) while open.
                with pa.OSFile(str(path)) as source:
                    field_index = pa.ipc.open_file(source).schema.get_field_index(key)
                    batches = pa.ipc.open_file(source, options=pa.ipc.IpcReadOptions(use_threads=False, included_fields=[field_index]))
                    for i in range(batches.num_record_batches):
                        keys = batches.get_batch(i).column(0)
                        found.update((target, k) for k in pc.filter(keys, pc.is_in(keys, value_set=value_set)).to_pylist())
            else:
                parquet = pq.ParquetFile(path)
                for group in range(parquet.num_row_groups):
                    keys = parquet.read_row_group(group, columns=[key], use_threads=False).column(0)
                    found.update((target, k) for k in pc.filter(keys, pc.is_in(keys, value_set=value_set)).to_pylist())
        except (pa.ArrowException, OSError) as exc:
            problems.append(Problem(path.name, "", "", f"cannot be read back to check references to {target}: {exc}"))
            found.update((target, i) for i in ids)  # reported once above, not once per reference
    return problems + [
        Problem(file, entry, column, f"{ident!r} is not an id in {target}")
        for file, entry, column, ident, target in references
        if (target, str(ident)) not in found
    ]


def _with_verdicts(table: Any, verdicts: dict[str, tuple[str, str]]) -> Any:
    """Profile facts typed without their verdicts, with them: each fact of a claim takes its claim group's status
    and status counting inferred links (`profiles.with_verdicts`, done on Arrow columns)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    groups = pa.array(list(verdicts), pa.string())
    group_ids = table.column("group_id")
    where = pc.index_in(group_ids, value_set=groups)
    if where.null_count != group_ids.null_count:  # with_verdicts' KeyError: every claim has its group
        unknown = pc.filter(group_ids, pc.and_(pc.is_null(where), pc.is_valid(group_ids)))
        raise KeyError(f"profile facts name claim groups that were not made: {unknown.unique().to_pylist()[:5]}")
    for column, part in (("verdict", 0), ("verdict_with_inferred", 1)):
        values = pa.array([statuses[part] for statuses in verdicts.values()], pa.string())
        table = table.set_column(table.schema.get_field_index(column), table.schema.field(column), pc.take(values, where))
    return table


def _write_pending(handle: Any, sink: Any, schema: dict, verdicts: dict[str, tuple[str, str]], problems: Collector) -> None:
    """Write a pending table's batches (Arrow IPC, each typed and pickled in `handle` by its batch, in order) in
    slices of PENDING_SLICE rows, with their claims' verdicts filled in and every slice checked (their references
    and spans were checked with their batch)."""
    import pyarrow as pa

    from ..check.validate import table_problems

    handle.seek(0)
    while True:
        try:
            blob = pickle.load(handle)
        except EOFError:
            break
        table = _with_verdicts(pa.ipc.open_stream(blob).read_all(), verdicts)
        for start in range(0, table.num_rows, PENDING_SLICE):
            piece = table.slice(start, PENDING_SLICE)
            problems.extend(table_problems(sink.table, schema, piece))
            if not problems.problems:
                sink.write(piece)
        del table, blob
    handle.close()


def release_memory() -> None:
    """Free a finished batch's memory: its reference cycles, which build.py's
    disabled collector would otherwise keep until the end, and the blocks Arrow's allocator keeps for reuse.

    Only the youngest generation is collected: with the collector off nothing is ever promoted, so it holds
    exactly what was made since the last batch, and the cost stays proportional to a batch (linear overall).
    """
    import gc

    import pyarrow as pa

    gc.collect(0)
    pa.default_memory_pool().release_unused()
    _trim_heap()


def _trim_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim; elsewhere nothing): Python's
    larger objects live there, and without it a finished batch's pages stay counted in the peak memory."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's malloc_trim, looked up once (`find_library` runs a subprocess each time), or None elsewhere."""
    import ctypes
    import ctypes.util

    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc: nothing to trim this way
        return None


@dataclass
class _Context:
    """What every batch needs, the same for all: made once, and inherited by the worker processes as they fork."""

    root: Path
    reading_files: list[Path]
    reading_schema: dict
    registry: Registry
    vocab: Vocabulary
    aliases: Any  # None where the registry could not be read: batches are then read for their problems only
    schemas: dict[str, dict]
    primary_keys: dict[str, str]
    registered: dict[str, set]  # the registry's ids of each entity table
    entity_ids: set
    batch_articles: int
    names: bool  # collect the capitalised words that match no alias (--names)


@dataclass
class _Batch:
    """What one batch of articles leaves for the build (made by `_batch`, in this process or a worker): its
    problems by step, and only if it has none, its typed tables (Arrow IPC) and CSV text to write."""

    read_problems: list
    derive_problems: list = field(default_factory=list)
    bounds: dict[str, tuple[str, str]] = field(default_factory=dict)
    check_problems: list = field(default_factory=list)
    deferred: list = field(default_factory=list)
    tables: dict[str, bytes] = field(default_factory=dict)  # table -> Arrow IPC stream of the typed batch
    csv: dict[str, bytes] = field(default_factory=dict)  # table -> the batch's CSV rows (no header)
    kept: bytes = b""  # pickled (seeds, the articles' ARTICLE_COLUMNS, sentence counts)
    summary: CorpusSummary | None = None  # the batch's own summary (its profiles are in `systems`)
    systems: SystemFacts | None = None
    names: list = field(default_factory=list)


class _Chosen:
    """A batch's stand-in for the ProfileSummary: it keeps the facts about systems, for the build to absorb."""

    def __init__(self) -> None:
        self.selected: SystemFacts = ({}, {})

    def add(self, facts: list[dict], registry: Registry) -> None:
        self.selected = system_facts(facts, registry)


def _from_ipc(data: bytes) -> Any:
    import pyarrow as pa

    return pa.ipc.open_stream(data).read_all()


def _ipc(table: Any) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _batch(context: _Context, start: int) -> _Batch:
    """Read, derive, type and check the articles of one batch (pure apart from reading the inputs): what the
    sequential build did for a batch before writing it."""
    from ..check.validate import cross_table_problems, table_problems
    from ..publish.files import csv_bytes_arrow

    problems = Collector()
    pairs = []
    for path in context.reading_files[start : start + context.batch_articles]:
        article = read_article(context.root, path, context.reading_schema, problems)
        if article is not None:
            pairs.append(article[:2])
    result = _Batch(problems.problems)
    if context.aliases is None:
        return result
    pairs.sort(key=lambda p: p[0].article_id)
    derived = Collector()
    summary = CorpusSummary()
    summary.profiles = chosen = _Chosen()
    names: list | None = [] if context.names else None
    tables = derive_batch(pairs, context.registry, context.vocab, context.aliases, derived, summary, names)
    sort_by_key(tables, context.primary_keys, derived)
    summary.profiles = None
    result.derive_problems, result.bounds = derived.problems, _bounds(tables, context.primary_keys)
    result.summary, result.systems, result.names = summary, chosen.selected, names or []
    if result.read_problems or result.derive_problems:
        return result  # read and derived for their problems; nothing more is checked
    schemas = context.schemas
    checks = Collector()
    # Each table typed once (Arrow), and checked; the pending tables get their verdicts at the end, and are
    # checked then (here they are typed, and the columns their references and spans are in are checked).
    typed = {t: _typed(t, tables[t], schemas[t], checks) for t in PER_ARTICLE}
    frames = {t: typed[t] if typed[t] is not None else row_columns(tables[t], schemas[t]) for t in PER_ARTICLE}
    frames.update({t: _reference_columns(tables[t], schemas[t]) for t in PENDING})
    waiting = {t: arrow_table(tables[t], schemas[t]) for t in PENDING}
    for t, table in waiting.items():
        if table is None:
            checks.extend(table_problems(t, schemas[t], None, tables[t]))
    # Every claim has its group (reconcile makes one per group_key), so a batch knows the groups its facts name.
    # References to the entity tables (made only at the end) are checked against the registry's ids, which those
    # tables hold once every entity is mentioned (a build where one is not fails anyway); deferring them instead
    # would keep a reference per mention and link, a gigabyte at N = 10,000.
    entities = _Either(context.entity_ids, {row["party_id"] for row in tables["unnamed_parties"]})
    known = {**context.registered, "entities": entities, "claim_groups": {group_key(claim) for claim in tables["claims"]}}
    del tables
    seed_texts = {seed.article_id: seed.text for seed, _ in pairs}
    checks.extend(cross_table_problems(frames, schemas, seed_texts, defer=result.deferred, known_keys=known))
    result.check_problems = checks.problems
    if checks.problems:
        return result
    for t in PER_ARTICLE:
        result.tables[t] = _ipc(typed[t])
        result.csv[t] = csv_bytes_arrow(typed[t], schemas[t], header=False)
    for t, table in waiting.items():
        result.tables[t] = _ipc(table)
    seeds = [(seed.name, (seed.byte_count, seed.sha256)) for seed, _ in sorted(pairs, key=lambda p: p[0].name)]
    articles = list(zip(*(typed["articles"].column(c).to_pylist() for c in ARTICLE_COLUMNS), strict=True))
    sentences = typed["sentences"].select(["article_id", "status", "dismissal_reason"]).to_pydict()
    result.kept = pickle.dumps((seeds, articles, sentence_counts(sentences)), protocol=pickle.HIGHEST_PROTOCOL)
    return result


# The batches' context in a worker process (set before the workers fork; see `_batches`).
_CONTEXT: _Context | None = None


def _batch_in_worker(start: int) -> _Batch:
    assert _CONTEXT is not None
    result = _batch(_CONTEXT, start)
    release_memory()
    return result


def worker_count(batches: int) -> int:
    """Worker processes for `batches` batches: one per CPU this process may use (at most 4), none for a single
    batch (the five-article package: starting a worker costs more than it saves), and none where another engine
    derives the articles (`--engine dask`) or the platform cannot fork."""
    import multiprocessing
    import os

    from .. import derive

    if batches < 2 or derive.article_mapper is not derive.derive_articles or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cpus, 4) if cpus > 1 else 0


def _batches(context: _Context, workers: int) -> Iterator[_Batch]:
    """Every batch's result, in order: made here one after the other, or by `workers` processes forked from this
    one (which already holds the registry, the aliases and the schemas), with at most two batches per worker
    ahead of the one being written, so memory stays bounded by a few batches whatever the corpus."""
    starts = range(0, len(context.reading_files), context.batch_articles)
    if not workers:
        for start in starts:
            yield _batch(context, start)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from ..errors import BuildError, Problem

    global _CONTEXT
    _CONTEXT = context
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    ahead: deque = deque()
    upcoming = iter(starts)

    def submit() -> None:
        following = next(upcoming, None)
        if following is not None:
            ahead.append(pool.submit(_batch_in_worker, following))

    try:
        while True:
            try:
                while len(ahead) < 2 * workers:
                    before = len(ahead)
                    submit()
                    if len(ahead) == before:
                        break
                if not ahead:
                    return
                result = ahead.popleft().result()
            except BrokenProcessPool as exc:
                raise BuildError([Problem("build", "", "", f"a worker process deriving the articles stopped ({exc}); nothing was written: rerun")]) from None
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _CONTEXT = None


def stage(root: Path, folder: Path, spill: Path | None = None, batch_articles: int | None = None, unmatched: list | None = None) -> Staged:
    """Read, derive, validate and write the package at `root` into `folder` (data/ only), batch by batch.

    Raises BuildError with every problem found; `folder` then holds partial files for the caller to
    discard. With `spill`, each table's validated batches are also written there for the read-back.
    `unmatched`, when given, receives (article_id, offset, word) for capitalised words that match no alias (`--names`).
    """
    batch_articles = batch_articles or BATCH_ARTICLES
    import gc

    # What exists now (libraries, schemas) lives until the end: out of the collector's sight, so that
    # collecting a finished batch's objects (`release_memory`) walks only that batch.
    gc.freeze()
    try:
        return _stage(root, folder, spill, batch_articles, unmatched)
    finally:
        gc.unfreeze()


def _stage(root: Path, folder: Path, spill: Path | None, batch_articles: int, unmatched: list | None) -> Staged:
    from ..check.validate import cross_table_problems, deferred_problems
    from ..publish.files import TableFiles

    # Before anything is read: no input folder may be a link, no top-level input a FIFO.
    irregular = input_folder_problems(root) + [p for p in (regular_file_problem(root, name) for name in ("pyproject.toml", "README.md")) if p]
    if irregular:
        raise BuildError(irregular)
    problems = Collector()
    schemas = load_schemas(root / "schemas")
    registry_path = f"readings/{ENTITIES_FILE}"
    registry_text = read_text(root / "readings" / ENTITIES_FILE, registry_path, problems)
    registry = parse_registry(registry_text, registry_path, problems) if registry_text is not None else Registry(registry_path)
    registry_ok = not problems.problems
    vocab = Vocabulary.from_schemas(schemas)
    primary_keys = {t: s["primaryKey"][0] for t, s in schemas.items()}
    aliases = prepare(registry, vocab, problems) if registry_ok else None
    reading_schema = json.loads(schema_text(schemas))
    reading_files = list_readings(root, problems)

    registered: dict[str, set] = {table: set(registry.table(kind)) for kind, table in ENTITY_TABLES}
    entity_ids = set().union(*registered.values())
    names = unmatched is not None
    context = _Context(root, reading_files, reading_schema, registry, vocab, aliases, schemas, primary_keys, {**registered}, entity_ids, batch_articles, names)
    summary = CorpusSummary()
    last: dict[str, str] = {}
    deferred: list = []
    # What each batch leaves for the end (its articles' columns, its seeds' sizes and hashes, its sentence
    # counts), pickled into one bytes object a batch: as many small objects they would pin the allocator's
    # arenas the batch's rows shared with them (see CorpusSummary.seal).
    kept_batches: list[bytes] = []
    inputs_failed = False
    sinks: dict[str, Any] = {}
    pending: dict[str, Any] = {}
    try:
        for table in TABLES:  # one at a time, so those opened before a failure are closed by the handler below
            sinks[table] = TableFiles(folder, table, schemas[table], spill)
        for table in (*PENDING, "systems"):
            pending[table] = _pending_file(folder, table)
        summary.profiles = ProfileSummary(AppendStore(pending["systems"]))
        batches = -(-len(reading_files) // batch_articles)
        # Each batch's problems are taken in the order the sequential build found them: reading, deriving, the
        # order of its keys, then (only while there is no problem at all) its checks; a batch with a problem, or
        # after one, is still read and derived for its problems but no longer checked or written.
        for result in _batches(context, worker_count(batches)):
            problems.extend(result.read_problems)
            inputs_failed = inputs_failed or bool(result.read_problems)
            if aliases is None:
                continue
            if unmatched is not None:
                unmatched.extend(result.names)
            problems.extend(result.derive_problems)
            summary.merge(result.summary)
            summary.profiles.absorb(result.systems)
            _order_problems(result.bounds, primary_keys, last, problems)
            if problems.problems:
                continue
            problems.extend(result.check_problems)
            deferred.extend(result.deferred)
            if problems.problems:
                continue
            for table in PER_ARTICLE:
                sinks[table].write(_from_ipc(result.tables[table]), csv_rows=result.csv[table])
            for table in PENDING:
                pickle.dump(result.tables[table], pending[table], protocol=pickle.HIGHEST_PROTOCOL)
            kept_batches.append(result.kept)
            summary.seal()
            del result
            release_memory()

        if aliases is None:
            problems.raise_if_any()
        files: dict[str, tuple[int, str]] = {}
        for table in PER_ARTICLE:
            files.update(sinks[table].close())
        tables = corpus_tables(registry, summary, problems, partial=inputs_failed, claim_groups=False)
        sort_by_key(tables, primary_keys, problems)
        problems.raise_if_any()

        seeds: list[tuple[str, tuple[int, str]]] = []
        articles: list[tuple] = []
        counts: SentenceCounts = {}
        for blob in kept_batches:
            batch_seeds, batch_articles_rows, batch_counts = pickle.loads(blob)
            seeds += batch_seeds
            articles += batch_articles_rows
            counts.update(batch_counts)
        all_articles = [dict(zip(ARTICLE_COLUMNS, row, strict=True)) for row in articles]
        del articles
        seed_paths = {row["article_id"]: row["seed_path"] for row in all_articles}
        seed_texts = SeedTexts(root, seed_paths)
        # The keys the cross-article tables refer to: the articles and claims as written (deferring those
        # references instead would keep one entry per claim pair and group member, about 30 MB at N = 10,000),
        # and each cross-article table's own (claim_pairs -> claim_groups, ...).
        registered["articles"] = set(seed_paths)
        registered["claims"] = {claim[0] for claim in summary.claims}
        registered.update({t: {row[primary_keys[t]] for row in rows} for t, rows in tables.items()})
        kept: dict[str, list[dict]] = {table: [] for table in KEPT}

        def write(table: str, rows: list, close: bool = True, defer: list | None = None) -> None:
            """Type, validate and write `rows` (sorted) in slices; `close` finishes the table's files; references
            no key settles are added to `defer` (by default the build's `deferred`)."""
            for start in range(0, max(len(rows), 1), SLICE_ROWS):
                part = rows[start : start + SLICE_ROWS]
                piece = _typed(table, part, schemas[table], problems)
                later = deferred if defer is None else defer
                checked = {table: piece if piece is not None else row_columns(part, schemas[table])}
                problems.extend(cross_table_problems(checked, schemas, seed_texts, seed_paths=seed_paths, defer=later, known_keys=registered))
                if not problems.problems:
                    sinks[table].write(piece)
                    if table in KEPT:
                        kept[table] += _kept_rows(table, piece)
            if close:
                files.update(sinks[table].close())

        for table in list(tables):
            write(table, tables.pop(table))
            release_memory()
        # The claim groups come group by group in group_id order: their rows are written as they come, so
        # they never all exist at once; members and pairs are sorted by their own keys, so they wait.
        # Members and pairs wait as tuples (a quarter of a dict's memory), in their schema's column order.
        groups: list[dict] = []
        waiting: dict[str, list[tuple]] = {"claim_group_members": [], "claim_pairs": []}
        registered["claim_groups"] = set()
        verdicts: dict[str, tuple[str, str]] = {}  # group_id -> (status, status_with_inferred), for the profiles
        for group_row, member_rows, pair_rows in reconcile_groups(summary.claims, summary.inferred, as_row=summary.claim_row):
            groups.append(group_row)
            registered["claim_groups"].add(group_row["group_id"])
            verdicts[group_row["group_id"]] = (group_row["status"], group_row["status_with_inferred"])
            for table, rows in (("claim_group_members", member_rows), ("claim_pairs", pair_rows)):
                names = field_names(schemas[table])
                for row in rows:
                    if not row.keys() <= set(names):  # a column the schema lacks is an error, as arrow_table makes it
                        raise KeyError(f"{table} rows carry columns not in the schema: {sorted(set(row) - set(names))}")
                waiting[table].extend(tuple(row.get(name) for name in names) for row in rows)
            if len(groups) == SLICE_ROWS:
                write("claim_groups", groups, close=False)
                groups = []
        if groups or not sinks["claim_groups"].batches:
            write("claim_groups", groups)
        else:  # the last slice was full and is written
            files.update(sinks["claim_groups"].close())
        profiles = summary.profiles
        del summary, groups
        for table in list(waiting):
            rows = waiting.pop(table)
            names = field_names(schemas[table])
            key = names.index(primary_keys[table])
            rows.sort(key=lambda row, key=key: row[key])
            for before, after in zip(rows, rows[1:], strict=False):  # neighbours, once sorted
                if before[key] == after[key]:
                    problems.add(f"data/{table}", after[key], primary_keys[table], "duplicate id; expected each to be unique")
            release_memory()
            for start in range(0, max(len(rows), 1), SLICE_ROWS):
                write(table, [dict(zip(names, row, strict=True)) for row in rows[start : start + SLICE_ROWS]], close=False)
            files.update(sinks[table].close())
            del rows
        # The profiles last, once the members and pairs (the build's peak) are written. The keys of the claims and
        # the claim groups (some 40 MB at N = 10,000) are no longer needed: the systems' references to claims are
        # settled like those to relations and events, against the written files (`_settled`).
        for table in ("claims", "claim_groups"):
            registered.pop(table, None)
        release_memory()
        for table in PENDING:
            _write_pending(pending.pop(table), sinks[table], schemas[table], verdicts, problems)
            files.update(sinks[table].close())
            release_memory()
        _write_profiles(write, profile_rows(registry, profiles, verdicts), problems, folder, spill, primary_keys)
        for table in PROFILE_TABLES:
            files.update(sinks[table].close())
        del verdicts, profiles
        release_memory()
        if deferred:
            targets = {reference[4] for reference in deferred}
            known = {t: registered[t] if t in registered else _written_keys(folder, t, primary_keys[t]) for t in targets}
            problems.extend(deferred_problems(deferred, known))
        problems.raise_if_any()
    except BaseException:
        for sink in sinks.values():
            sink.abandon()
        raise
    finally:
        for handle in pending.values():
            handle.close()
    kept["articles"] = all_articles
    return Staged(files, seeds, kept, counts, schemas)
