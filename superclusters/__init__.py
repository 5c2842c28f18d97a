"""Build the AI-superclusters-2024 dataset from hash-pinned news articles.

Modules, in the order data flows through them:
seeds (read and pin the texts) -> readings (load the curated YAML) ->
anchoring (quotes to offsets) -> numbers, dates (normalise surface forms) ->
derive (rows for every table) -> schemas (Table Schema -> pandera / pyarrow) ->
validate (all errors at once) -> publish (atomic CSV, Parquet, datapackage.json).
"""
