"""Publishing: turning validated tables into the files users get.

files (CSV, Parquet, datapackage.json, and the atomic swap into data/) · verify (the published files
read back from disk, the way a user receives them) · croissant (croissant.json) ·
readme (the README's generated blocks) · generated (the reading schema and data dictionary made from the
table schemas) · figure (figures/claims_by_source.png) · release (the deterministic zip, SHA256SUMS, pins).
"""
