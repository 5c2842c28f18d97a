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


# Failures of the cluster itself: each ends in a problem line within a bounded time (issue 20: 13, 14).
# The timeouts are the engine's parameters, set short here; nothing waits on a clock to make a failure happen.


def _closed_port() -> str:
    """An address nothing listens on: a port bound, then released."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never says a word (no Dask scheduler)."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:  # closed at the end of the test
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for connection in accepted:
        connection.close()


@pytest.fixture
def babbling_server():
    """A TCP server that answers every connection with bytes that are no Dask message (an HTTP error page)."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve() -> None:
        while True:
            try:
                connection = server.accept()[0]
            except OSError:
                return
            with connection:
                connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" * 64)

    threading.Thread(target=serve, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()


@pytest.mark.parametrize(
    ("address", "fragment"),
    [
        ("foo:bar:baz", "is not a scheduler address"),
        ("tcp://", "is not a scheduler address"),
        ("tcp://127.0.0.1:99999", "has port 99999"),
        ("ucx://127.0.0.1:8786", "uses the 'ucx' protocol"),
    ],
)
def test_a_malformed_scheduler_address_is_a_problem_line(address: str, fragment: str) -> None:
    with pytest.raises(BuildError) as failure, dask_engine(address, connect_timeout_s=1):
        pass
    (problem,) = failure.value.problems
    assert str(problem).startswith("--scheduler: ") and fragment in str(problem)


def test_unreachable_and_foreign_schedulers_are_problem_lines_within_the_timeout(silent_server: str, babbling_server: str) -> None:
    import time

    for address, fragment in ((_closed_port(), "no Dask scheduler answer"), (silent_server, "within 1 s"), (babbling_server, "no Dask scheduler answer")):
        started = time.monotonic()
        with pytest.raises(BuildError) as failure, dask_engine(address, connect_timeout_s=1):
            pass
        assert time.monotonic() - started < 15, f"{address}: the connect timeout bounds the wait"
        (problem,) = failure.value.problems
        assert str(problem).startswith("--scheduler: ") and fragment in str(problem), str(problem)


def test_build_py_prints_the_problem_and_exits_1(capsys: pytest.CaptureFixture, silent_server: str) -> None:
    from build import main

    assert main(["--engine", "dask", "--scheduler", silent_server, "--scheduler-timeout", "1", "--check"]) == 1
    err = capsys.readouterr().err
    assert "build failed, nothing written." in err and "--scheduler: no Dask scheduler answered" in err and "Traceback" not in err
    for bad in ("nan", "inf", "0", "-1", "x"):
        with pytest.raises(SystemExit) as usage:
            main(["--engine", "dask", "--scheduler", silent_server, "--scheduler-timeout", bad])
        assert usage.value.code == 2
    assert "--scheduler-timeout" in capsys.readouterr().err


def test_workers_killed_after_the_shared_data_went_out_end_in_a_problem_line(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every worker killed right after the registry was scattered to them: the scattered data is lost and the
    chunks can never run. The build ends with a problem line (was: FutureCancelledError traceback)."""
    import os
    import signal

    from superclusters.build import engine

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:

        def kill_workers(step: str) -> None:
            if step == "after scatter":
                with distributed.Client(cluster.scheduler_address) as client:
                    for pid in client.run(os.getpid).values():
                        os.kill(pid, signal.SIGKILL)

        monkeypatch.setattr(engine, "fault_hook", kill_workers)
        with dask_engine(cluster.scheduler_address, chunk_timeout_s=60), pytest.raises(BuildError) as failure:
            render_files(corpus)
    (problem,) = failure.value.problems
    assert str(problem).startswith("dask: ") and "failed" in str(problem) and "rerun, or build without --engine dask" in str(problem), str(problem)
