"""The streamed build (superclusters/build/stream.py): batches of articles give the tables one batch gives,
problems from every batch are reported together, and what crosses batches is checked at the end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from superclusters.build import stream
from superclusters.build.pipeline import build, stale_files, verify
from superclusters.check.schemas import TABLES, arrow_schema, load_schemas
from superclusters.check.validate import deferred_problems
from superclusters.errors import BuildError, Collector
from superclusters.publish.verify import streamed_read_back_problems


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A 12-article synthetic corpus (benchmarks/synthetic.py), built once in a single batch."""
    from benchmarks.synthetic import generate

    root = generate(Path(__file__).resolve().parent.parent, tmp_path_factory.mktemp("corpus") / "package", 12)
    build(root)
    return root


def _rebuilt_in_batches(corpus: Path, target: Path, monkeypatch, size: int) -> Path:
    shutil.copytree(corpus, target)
    monkeypatch.setattr(stream, "BATCH_ARTICLES", size)
    build(target)
    return target


@pytest.mark.parametrize("size", [1, 5])
def test_batches_give_the_tables_one_batch_gives(corpus, tmp_path, monkeypatch, size):
    batched = _rebuilt_in_batches(corpus, tmp_path / "batched", monkeypatch, size)
    for table in TABLES:
        # CSV: byte for byte; Parquet: the same table, cut into one row group per batch.
        assert (batched / f"data/{table}.csv").read_bytes() == (corpus / f"data/{table}.csv").read_bytes(), table
        one, many = pq.ParquetFile(corpus / f"data/{table}.parquet"), pq.ParquetFile(batched / f"data/{table}.parquet")
        assert many.read().equals(one.read()), table
    per_article = pq.ParquetFile(batched / "data/claims.parquet")
    assert per_article.num_row_groups == -(-12 // size)
    assert verify(batched) == []


def test_one_batch_writes_what_writing_each_whole_table_at_once_writes(corpus, tmp_path):
    """A corpus of one batch: each table's Parquet file is one row group with exactly the bytes pyarrow writes for
    the whole table at once (the streamed writer adds nothing of its own), and the build is deterministic (a
    second staging gives the same bytes as the published build)."""
    import pyarrow as pa
    from conftest import staged_files

    files, _, _ = staged_files(corpus, tmp_path / "again")
    for path, data in files.items():
        assert (corpus / path).read_bytes() == data, path
    schemas = load_schemas(corpus / "schemas")
    for table in TABLES:
        written = pq.ParquetFile(corpus / f"data/{table}.parquet")
        assert written.num_row_groups == 1, table
        read = written.read()  # a list reads back as list<element: ...>; the build writes list<item: ...>
        read = read.cast(arrow_schema(schemas[table]).with_metadata(read.schema.metadata))
        whole = pa.BufferOutputStream()
        pq.write_table(read, whole, compression="zstd", write_statistics=True)
        assert whole.getvalue().to_pybytes() == (corpus / f"data/{table}.parquet").read_bytes(), table


def test_problems_of_every_batch_are_reported_together_and_nothing_is_written(corpus, tmp_path, monkeypatch):
    broken = tmp_path / "broken"
    shutil.copytree(corpus, broken)
    readings = sorted(p for p in (broken / "readings").glob("0*.yaml"))
    for reading in (readings[0], readings[-1]):  # the first and the last batch
        text = reading.read_text(encoding="utf-8")
        reading.write_text(text.replace("modality: reported", "modality: rumoured", 1), encoding="utf-8")
    before = {p: p.read_bytes() for p in (broken / "data").iterdir()}
    monkeypatch.setattr(stream, "BATCH_ARTICLES", 2)
    with pytest.raises(BuildError) as exc:
        build(broken)
    message = str(exc.value)
    assert readings[0].name in message and readings[-1].name in message
    assert {p: p.read_bytes() for p in (broken / "data").iterdir()} == before
    assert not list(broken.glob(".publish-*"))


def test_the_published_bytes_do_not_depend_on_any_setting(corpus, tmp_path, monkeypatch):
    """The batch size is the Parquet row groups' size, so it is a constant, not a setting (red-team finding:
    with an environment variable, `--check` failed after a build made with another value)."""
    assert not [name for name in dir(stream) if name.endswith("_ENV")]
    # (the synthetic corpus carries no docs/, so the generated data dictionary is missing there)
    assert [path for path in stale_files(corpus) if not path.startswith("docs/")] == []


def test_a_full_disk_when_a_table_is_finished_names_the_file(corpus, tmp_path, monkeypatch):
    import errno

    from superclusters.publish import files as publish

    copy = tmp_path / "copy"
    shutil.copytree(corpus, copy)
    before = {p: p.read_bytes() for p in (copy / "data").iterdir()}

    def full(step: str) -> None:
        if step == "after write data/events.parquet":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish, "fault_hook", full)
    with pytest.raises(BuildError, match=r"data/events\.parquet: cannot be written \(No space left on device\)"):
        build(copy)
    assert {p: p.read_bytes() for p in (copy / "data").iterdir()} == before
    assert not list(copy.glob(".publish-*"))


def test_a_batch_that_sorts_before_the_previous_one_is_refused():
    problems = Collector()
    last = {"claims": "002_b-10-gpu_count"}
    stream._order_problems({"claims": ("002_a-5-gpu_count", "002_a-5-gpu_count")}, {"claims": "claim_id"}, last, problems)
    assert len(problems.problems) == 1
    assert "sorts before (or equals) '002_b-10-gpu_count'" in str(problems.problems[0])
    stream._order_problems({"claims": ("003_a-1-x", "003_a-2-x")}, {"claims": "claim_id"}, last, problems)
    assert len(problems.problems) == 1 and last["claims"] == "003_a-2-x"


def test_references_one_batch_could_not_settle_are_settled_against_every_key():
    import pyarrow as pa

    deferred = [
        ("data/entity_links", "row L1", "mention_id", "001_a-10", "mentions"),  # in another batch: fine
        ("data/entity_links", "row L2", "mention_id", "001_a-99", "mentions"),  # nowhere
        ("data/claim_pairs", "row P1", "group_id", "g-missing", "claim_groups"),
    ]
    keys = {"mentions": pa.chunked_array([pa.array(["000_a-1"]), pa.array(["001_a-10"])]), "claim_groups": {"g"}}
    problems = deferred_problems(deferred, keys)
    assert [(p.entry, p.field) for p in problems] == [("row L2", "mention_id"), ("row P1", "group_id")]
    assert "'001_a-99' is not an id in mentions" in problems[0].message


def test_the_read_back_finds_a_cell_changed_after_writing(corpus, tmp_path):
    staging = tmp_path / "staging"
    staged = stream.stage(corpus, staging, spill=tmp_path / "spill", batch_articles=5)
    assert streamed_read_back_problems(staging, staged.schemas, tmp_path / "spill") == []
    claims = staging / "data/claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace(",reported,", ",planned,", 1), encoding="utf-8")
    problems = streamed_read_back_problems(staging, staged.schemas, tmp_path / "spill")
    assert [(p.file, p.message) for p in problems] == [("data/claims.csv", "does not read back as the validated table")]


def test_a_failure_opening_a_later_table_closes_the_files_already_open(corpus, tmp_path, monkeypatch):
    """Red-team review: the sinks opened before the failing one were left to the garbage collector."""
    import errno

    from superclusters.publish import files as publish

    opened = []
    real_init = publish.TableFiles.__init__

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        opened.append(self)

    def full(step: str) -> None:
        if step == "before write data/events.csv":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish.TableFiles, "__init__", init)
    monkeypatch.setattr(publish, "fault_hook", full)
    with pytest.raises(BuildError, match=r"data/events\.csv: cannot be written"):
        stream.stage(corpus, tmp_path / "staging", spill=tmp_path / "spill")
    assert opened and all(sink.csv_file.closed for sink in opened)


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_the_batches_give_the_same_bytes_and_problems_in_worker_processes_or_here(corpus, tmp_path, monkeypatch, workers):
    """Batches derived and checked in worker processes (or in this one) give the files a build in one process gives,
    and a broken corpus the same problems in the same order (worker_count decides; the bytes never depend on it)."""
    monkeypatch.setattr(stream, "BATCH_ARTICLES", 2)
    monkeypatch.setattr(stream, "worker_count", lambda batches: workers)
    staged = stream.stage(corpus, tmp_path / "staged")
    monkeypatch.setattr(stream, "worker_count", lambda batches: 0)
    here = stream.stage(corpus, tmp_path / "here")
    assert staged.files == here.files and staged.kept == here.kept and staged.counts == here.counts
    for path in staged.files:
        assert (tmp_path / "staged" / path).read_bytes() == (tmp_path / "here" / path).read_bytes(), path
        if path.endswith(".csv"):
            assert (tmp_path / "staged" / path).read_bytes() == (corpus / path).read_bytes(), path
    monkeypatch.setattr(stream, "worker_count", lambda batches: workers)
    broken = tmp_path / "broken"
    shutil.copytree(corpus, broken)
    readings = sorted(broken.glob("readings/0*.yaml"))
    for reading in (readings[1], readings[6]):
        reading.write_text(reading.read_text(encoding="utf-8").replace("modality: reported", "modality: rumoured", 1), encoding="utf-8")
    with pytest.raises(BuildError) as failure:
        stream.stage(broken, tmp_path / "broken-staged")
    monkeypatch.setattr(stream, "worker_count", lambda batches: 0)
    with pytest.raises(BuildError) as here:
        stream.stage(broken, tmp_path / "broken-here")
    assert [str(p) for p in failure.value.problems] == [str(p) for p in here.value.problems]
    assert len(here.value.problems) >= 2


def test_a_worker_process_that_dies_ends_the_build_with_a_problem_line(corpus, tmp_path, monkeypatch):
    import os
    import signal

    real = stream._batch

    def dying(context, start):
        if start == 4:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(context, start)

    monkeypatch.setattr(stream, "BATCH_ARTICLES", 2)
    monkeypatch.setattr(stream, "worker_count", lambda batches: 2)
    monkeypatch.setattr(stream, "_batch", dying)
    with pytest.raises(BuildError) as failure:
        stream.stage(corpus, tmp_path / "staged")
    (problem,) = failure.value.problems
    assert "a worker process deriving the articles stopped" in str(problem) and "rerun" in str(problem)
