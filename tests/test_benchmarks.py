"""The benchmark's synthetic corpus must stay a valid package as the reading format changes."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synthetic import generate
from superclusters.build.pipeline import build

ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_corpus_builds(tmp_path: Path) -> None:
    """Two batches (seven articles): renamed entities per batch, every quote anchored, every sentence accounted for."""
    import pyarrow.parquet as pq

    corpus = generate(ROOT, tmp_path / "corpus", 7)
    build(corpus)  # raises BuildError with every problem if the generator broke a reading
    assert pq.read_metadata(corpus / "data" / "articles.parquet").num_rows == 7
    organisations = set(pq.read_table(corpus / "data" / "organisations.parquet", columns=["organisation_id"])["organisation_id"].to_pylist())
    assert {"tesla_ba", "tesla_bb"} <= organisations


def test_every_timed_phase_names_a_function_the_build_calls() -> None:
    """The benchmark times phases by patching these names; a renamed function must fail here, not time nothing."""
    import importlib

    from benchmarks.run import PHASES

    for module, attribute, _ in PHASES:
        target = importlib.import_module(module)
        for step in attribute.split("."):
            target = getattr(target, step)
        assert callable(target), f"{module}.{attribute}"
