"""The AI-superclusters-2024 dataset: load it (`load`, `load_all`) or build it (`build.py`).

Build modules, in the order data flows through them:
seeds (read and pin the texts) -> readings (load the curated YAML) ->
anchoring (quotes to offsets) -> numbers, dates (normalise surface forms) ->
derive (rows for every table) -> schemas (Table Schema -> pandera / pyarrow) ->
validate (all errors at once) -> publish (atomic CSV, Parquet, datapackage.json) ->
verify (read a published copy back) -> release (deterministic zip + SHA256SUMS).
"""

from .loader import load, load_all

__all__ = ["load", "load_all"]
