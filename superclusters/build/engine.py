"""Run the per-article derive step on Dask (`build.py --engine dask [--scheduler ADDRESS]`).

`derive.derive_article` is a pure function of one seed and its reading (plus the read-only registry,
vocabulary and alias index), so it runs anywhere: the articles are cut into chunks, each chunk is derived
on a `dask.distributed` worker, and the rows and problems come back in article order. Everything after it
(entities, reconciliation, validation, writing) runs in this process as before, so the output is byte
for byte the local build's. The streamed build calls the mapper once per batch of articles
(superclusters/build/stream.py), 100 articles at a time.
Dask is an optional extra (`pip install ai-superclusters-2024[dask]`).

On one 2-core machine this does not pay (see docs/performance.md): the rows are pickled back to the
client, which costs about what deriving them does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import derive
from ..errors import Collector, Problem


def _derive_chunk(pairs: list, registry: Any, vocab: Any, aliases: Any) -> list[tuple[dict, list[Problem]]]:
    """On a worker: each article's rows and problems, as derive.derive_articles gives them."""
    out = []
    for seed, reading in pairs:
        problems = Collector()
        rows, _ = derive.derive_article(seed, reading, registry, vocab, aliases, problems)
        out.append((rows, problems.problems))
    return out


def dask_mapper(client: Any, chunks_per_worker: int = 4):
    """An `article_mapper` that derives chunks of articles on `client`'s workers, results in order."""

    scattered: list[tuple[tuple, Any]] = []  # ((registry, vocab, aliases), their futures): one build's, kept

    def mapper(pairs: list, registry: Any, vocab: Any, aliases: Any) -> Iterator[tuple[dict, list[Problem]]]:
        if not pairs:
            return
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = max(1, -(-len(pairs) // (workers * chunks_per_worker)))
        # The registry, vocabulary and alias index go to every worker once per build, not with every chunk
        # nor with every batch of a streamed build (the same objects come with each batch).
        if not scattered or any(a is not b for a, b in zip(scattered[0][0], (registry, vocab, aliases), strict=True)):
            scattered[:] = [((registry, vocab, aliases), client.scatter([registry, vocab, aliases], broadcast=True))]
        shared = scattered[0][1]
        futures = [client.submit(_derive_chunk, pairs[i : i + size], *shared, pure=False) for i in range(0, len(pairs), size)]
        for future in futures:  # in submission order: the rows keep the local build's order
            yield from future.result()

    return mapper


@contextmanager
def dask_engine(scheduler: str | None = None, n_workers: int = 2) -> Iterator[Any]:
    """derive_tables runs its per-article step on Dask inside this block: on the scheduler at
    `scheduler` (host:port), or on a LocalCluster of `n_workers` processes started for the block."""
    from distributed import Client, LocalCluster

    cluster = None if scheduler else LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(scheduler) if scheduler else Client(cluster)
    previous = derive.article_mapper
    derive.article_mapper = dask_mapper(client)
    try:
        yield client
    finally:
        derive.article_mapper = previous
        client.close()
        if cluster is not None:
            cluster.close()
