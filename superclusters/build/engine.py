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

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .. import derive
from ..errors import BuildError, Collector, Problem

# How long a Dask scheduler has to answer when the build connects (a closed port, a host that drops
# packets, or a server that is no Dask scheduler at all, which would otherwise keep the client waiting
# for minutes), and how long one chunk of articles may take on a worker (every worker lost and none
# coming back would otherwise wait for ever). A chunk is about an eighth of a batch of 100 articles, a
# second or two; a scheduler on a LAN answers in milliseconds.
CONNECT_TIMEOUT_S = 10.0
CHUNK_TIMEOUT_S = 600.0
SCHEDULER = "--scheduler"  # the problem lines name the option the address came from

# Called with the name of each step of a mapper's batch ("after scatter"); a test sets it to kill workers
# at a known point (as publish.files.fault_hook does for the publishing steps).
fault_hook: Callable[[str], None] | None = None


def _cluster_failures() -> tuple[type[BaseException], ...]:
    """What a lost worker, scheduler or connection raises in the client, as against an error a task raised
    itself (a bug in derive, which comes back with its own type and traceback, as in the local build)."""
    from distributed import KilledWorker

    return (OSError, TimeoutError, concurrent.futures.CancelledError, asyncio.CancelledError, KilledWorker)


def _lost(exc: BaseException, doing: str) -> BuildError:
    reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return BuildError([Problem("dask", "", "", f"{doing} failed ({type(exc).__name__}: {reason}); nothing was written: rerun, or build without --engine dask")])


def _derive_chunk(pairs: list, registry: Any, vocab: Any, aliases: Any) -> list[tuple[dict, list[Problem]]]:
    """On a worker: each article's rows and problems, as derive.derive_articles gives them."""
    out = []
    for seed, reading in pairs:
        problems = Collector()
        rows, _ = derive.derive_article(seed, reading, registry, vocab, aliases, problems)
        out.append((rows, problems.problems))
    return out


def dask_mapper(client: Any, chunks_per_worker: int = 4, chunk_timeout_s: float = CHUNK_TIMEOUT_S):
    """An `article_mapper` that derives chunks of articles on `client`'s workers, results in order.

    A lost worker, scheduler or connection ends the build with a problem line (BuildError), within
    `chunk_timeout_s` a chunk; an error a task raised itself comes back as it is.
    """

    scattered: list[tuple[tuple, Any]] = []  # ((registry, vocab, aliases), their futures): one build's, kept

    def mapper(pairs: list, registry: Any, vocab: Any, aliases: Any) -> Iterator[tuple[dict, list[Problem]]]:
        if not pairs:
            return
        failures = _cluster_failures()
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            size = max(1, -(-len(pairs) // (workers * chunks_per_worker)))
            # The registry, vocabulary and alias index go to every worker once per build, not with every chunk
            # nor with every batch of a streamed build (the same objects come with each batch).
            if not scattered or any(a is not b for a, b in zip(scattered[0][0], (registry, vocab, aliases), strict=True)):
                scattered[:] = [((registry, vocab, aliases), client.scatter([registry, vocab, aliases], broadcast=True))]
            shared = scattered[0][1]
            _step("after scatter")
            futures = [client.submit(_derive_chunk, pairs[i : i + size], *shared, pure=False) for i in range(0, len(pairs), size)]
        except failures as exc:
            raise _lost(exc, "sending the articles to the Dask workers") from None
        for future in futures:  # in submission order: the rows keep the local build's order
            try:
                chunk = future.result(timeout=chunk_timeout_s)
            except failures as exc:
                raise _lost(exc, "deriving articles on a Dask worker") from None
            yield from chunk

    return mapper


def _step(name: str) -> None:
    if fault_hook is not None:
        fault_hook(name)


def scheduler_problem(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> str | None:
    """Why the build cannot use the Dask scheduler at `address`, or None: the address must parse, and a
    scheduler must answer there within `timeout_s` (asked for its identity, as the client's handshake would)."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.core import rpc

    expected = "expected host:port or tcp://host:port, such as tcp://127.0.0.1:8786"
    try:
        protocol, location = parse_address(address)
        if protocol not in ("tcp", "tls"):
            return f"{address[:80]!r} uses the {protocol!r} protocol; {expected} (or tls://)"
        _, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        return f"{address[:80]!r} is not a scheduler address ({str(exc)[:120]}); {expected}"
    if not 0 < port < 65536:
        return f"{address[:80]!r} has port {port}; {expected}"

    async def identity() -> Any:
        scheduler = rpc(address, timeout=timeout_s)
        try:
            return await scheduler.identity()
        finally:
            await scheduler.close_rpc()

    try:
        answer = asyncio.run(asyncio.wait_for(identity(), timeout_s))
    except TimeoutError:
        return f"no Dask scheduler answered at {address[:80]} within {timeout_s:g} s; start one there, or check the address and the port"
    except Exception as exc:  # noqa: BLE001 - a refused connection, a server speaking another protocol (it can even make the reader ask for exabytes)
        return f"no Dask scheduler answers at {address[:80]} ({type(exc).__name__}: {str(exc)[:120]}); start one there, or check the address"
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        return f"the server at {address[:80]} is no Dask scheduler (it answered {str(answer)[:80]!r})"
    return None


@contextmanager
def dask_engine(
    scheduler: str | None = None, n_workers: int = 2, connect_timeout_s: float = CONNECT_TIMEOUT_S, chunk_timeout_s: float = CHUNK_TIMEOUT_S
) -> Iterator[Any]:
    """derive_tables runs its per-article step on Dask inside this block: on the scheduler at
    `scheduler` (host:port), or on a LocalCluster of `n_workers` processes started for the block.

    Raises BuildError (a problem line, never a traceback) where Dask is not installed, the address is
    malformed, no scheduler answers within `connect_timeout_s`, or the local cluster cannot start.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BuildError([Problem("dask", "", "", "--engine dask needs Dask: pip install 'ai-superclusters-2024[dask]'")]) from None

    cluster = client = None
    try:
        if scheduler:
            why = scheduler_problem(scheduler, connect_timeout_s)
            if why is not None:
                raise BuildError([Problem(SCHEDULER, "", "", why)])
            client = Client(scheduler, timeout=connect_timeout_s)
        else:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster, timeout=connect_timeout_s)
    except BuildError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever starting a cluster or connecting raised
        if cluster is not None:
            cluster.close()
        raise _lost(exc, "starting Dask" if not scheduler else f"connecting to the Dask scheduler at {scheduler[:80]}") from None
    previous = derive.article_mapper
    derive.article_mapper = dask_mapper(client, chunk_timeout_s=chunk_timeout_s)
    try:
        yield client
    finally:
        derive.article_mapper = previous
        try:
            client.close(timeout=connect_timeout_s)
            if cluster is not None:
                cluster.close(timeout=connect_timeout_s)
        except Exception:  # noqa: BLE001 - closing a client whose scheduler is gone; the build's own outcome stands
            pass
