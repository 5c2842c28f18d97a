"""The README's loading examples run as written against the committed data."""

import os
import re


def test_load_examples_run(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Load the data", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) >= 3
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for block in blocks:
            exec(block, namespace)  # noqa: S102 - the README's own examples
    finally:
        os.chdir(cwd)
    claims, claims_csv = namespace["claims"], namespace["claims_csv"]
    assert len(claims) == len(claims_csv) > 0
    assert str(claims["char_start"].dtype) == "Int64" and str(claims_csv["char_start"].dtype) == "Int64"
    assert (claims["quote"] == claims_csv["quote"]).all()
    # the DuckDB and Polars examples return the same rows pandas sees
    assert len(namespace["cortex_links"]) > 0 and set(namespace["cortex_links"]["predicate"]) >= {"owns", "located_in"}
    assert len(namespace["event_organisations_db"]) == len(namespace["events_pl"].drop_nulls("organisation_ids"))
    import pandas as pd

    groups = pd.read_parquet(root / "data" / "claim_groups.parquet")
    assert namespace["verdicts"].height == int((groups["article_count"] > 1).sum()) > 0
