"""The benchmark's synthetic corpus must stay a valid package as the reading format changes."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synthetic import generate
from superclusters.pipeline import derive, load_inputs, validate

ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_corpus_builds(tmp_path: Path) -> None:
    """Two batches (seven articles): renamed entities per batch, every quote anchored, every sentence accounted for."""
    corpus = generate(ROOT, tmp_path / "corpus", 7)
    inputs = load_inputs(corpus)  # raises BuildError with every problem if the generator broke a reading
    frames = validate(derive(inputs), inputs)
    assert len(frames["articles"]) == 7
    organisations = set(frames["organisations"]["organisation_id"])
    assert {"tesla_ba", "tesla_bb"} <= organisations
