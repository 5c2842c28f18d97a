"""The per-article step on Dask (two local worker processes): the same bytes as the local build."""

from __future__ import annotations

import shutil
from pathlib import Path

import distributed  # pinned in requirements.txt: a missing Dask fails here rather than skipping
import pytest

from benchmarks.synthetic import generate
from superclusters import derive
from superclusters.build.engine import dask_engine
from superclusters.build.pipeline import render_files
from superclusters.errors import BuildError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(ROOT, tmp_path_factory.mktemp("engine") / "corpus", 12)


def test_dask_build_is_byte_identical_and_runs_on_the_workers(cluster, corpus: Path) -> None:
    local, _, _ = render_files(corpus)
    with dask_engine(cluster.scheduler_address) as client, distributed.get_task_stream(client) as stream:
        remote, _, _ = render_files(corpus)
    assert derive.article_mapper is derive.derive_articles, "the local step is restored after the block"
    assert remote == local
    chunks = [task for task in stream.data if str(task["key"]).startswith("_derive_chunk")]
    assert len({task["worker"] for task in chunks}) == 2, "both workers derived articles"


def test_problems_found_on_a_worker_come_back(cluster, corpus: Path, tmp_path: Path) -> None:
    broken = tmp_path / "corpus"
    shutil.copytree(corpus, broken)
    reading = sorted((broken / "readings").glob("0*.yaml"))[3]
    text = reading.read_text(encoding="utf-8")
    first_quote = next(line for line in text.splitlines() if line.lstrip().startswith("- quote:"))
    reading.write_text(text.replace(first_quote, first_quote.split("quote:")[0] + "quote: not in the seed at all", 1), encoding="utf-8")
    with pytest.raises(BuildError) as local:
        render_files(broken)
    with dask_engine(cluster.scheduler_address), pytest.raises(BuildError) as remote:
        render_files(broken)
    assert [str(p) for p in remote.value.problems] == [str(p) for p in local.value.problems]
    assert any("not in the seed at all" in str(p) for p in remote.value.problems)


def test_the_names_report_is_filled_with_or_without_an_engine(cluster, root: Path) -> None:
    """--names collects into this process's list, so it always derives here; it must not come back empty."""
    from superclusters.build.pipeline import names_report

    local = names_report(root)
    assert local and any(" AI " in line for line in local)
    with dask_engine(cluster.scheduler_address):
        assert names_report(root) == local
