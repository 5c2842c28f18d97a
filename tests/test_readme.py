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
