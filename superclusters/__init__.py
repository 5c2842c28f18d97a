"""The AI-superclusters-2024 dataset: load it (`load`, `load_all`) or build it (`build.py`).

Build modules, in the order data flows through them:
seeds (read and pin the texts) -> readings (load the curated YAML) ->
anchoring (quotes to offsets) -> numbers, dates (normalise surface forms) ->
derive (rows for every table) -> schemas (Table Schema -> pandera / pyarrow) ->
validate (all errors at once) -> publish (atomic CSV, Parquet, datapackage.json) ->
verify (read a published copy back) -> release (deterministic zip + SHA256SUMS).
"""

from typing import Any

__all__ = ["load", "load_all"]


def __getattr__(name: str) -> Any:
    """`load` and `load_all` come from the loader when first used: the build imports this package too,
    and needs neither the loader nor what it imports (about 20 ms of a five-article build, issue 13)."""
    if name in __all__:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'superclusters' has no attribute {name!r}")
