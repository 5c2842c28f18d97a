"""The Hugging Face card: generated from the descriptor and schemas, committed up to date, and read by `datasets`
offline so that load_dataset(<checkout or unpacked release>, "<table>") returns that table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import yaml

from superclusters.publish.card import CARD, card_text
from superclusters.publish.package import Package

LOAD = r"""
import json, sys
import datasets
folder = sys.argv[1]
out = {}
for table in json.loads(sys.argv[2]):
    split = datasets.load_dataset(folder, table, split="train")
    out[table] = {"rows": split.num_rows, "columns": split.column_names}
claims = datasets.load_dataset(folder, "claims", split="train").to_pandas()
out["claim_ids"] = claims["claim_id"].tolist()
out["default_rows"] = datasets.load_dataset(folder, split="train").num_rows
print(json.dumps(out))
"""


def load_offline(folder: Path, tables: list[str], cache: Path) -> dict:
    """datasets.load_dataset on `folder`, in a fresh interpreter with the Hub switched off (datasets reads these at import)."""
    env = dict(os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(cache), HF_DATASETS_CACHE=str(cache / "datasets"))
    result = subprocess.run([sys.executable, "-c", LOAD, str(folder), json.dumps(tables)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_the_committed_card_is_what_the_package_gives(root):
    assert (root / CARD).read_text(encoding="utf-8") == card_text(Package.open(root)), f"{CARD} is stale: run `make build`"
    card = yaml.safe_load((root / CARD).read_text(encoding="utf-8"))
    package = Package.open(root)
    assert [c["config_name"] for c in card["configs"]] == package.tables()
    assert all(c["data_files"] == [{"split": "train", "path": package.path(c["config_name"], "parquet")}] for c in card["configs"])
    assert card["license"] == "cc-by-4.0" and set(card["language"]) == {"pt", "fr", "en"} and card["task_categories"]
    assert not (root / "README.md").read_text(encoding="utf-8").startswith("---"), "README.md stays the users' README, with no YAML header"


def test_load_dataset_reads_each_table_from_the_checkout_offline(root, tmp_path):
    tables = Package.open(root).tables()
    loaded = load_offline(root, tables, tmp_path / "hf")
    for table in tables:
        frame = pd.read_parquet(root / "data" / f"{table}.parquet")
        assert loaded[table] == {"rows": len(frame), "columns": list(frame.columns)}, table
    assert loaded["claim_ids"] == pd.read_parquet(root / "data" / "claims.parquet")["claim_id"].tolist()
    assert loaded["default_rows"] == loaded["claims"]["rows"], "without a name, the default config is claims"


def test_load_dataset_reads_the_unpacked_release_offline(built_release, tmp_path):
    unpacked = tmp_path / "release"
    with zipfile.ZipFile(built_release.archive) as zipped:
        zipped.extractall(unpacked)
        assert CARD in zipped.namelist(), "the card ships in the release"
    loaded = load_offline(unpacked, ["claims", "events"], tmp_path / "hf")
    assert loaded["claims"]["rows"] == len(pd.read_parquet(unpacked / "data" / "claims.parquet")) > 0
    assert loaded["events"]["rows"] == len(pd.read_parquet(unpacked / "data" / "events.parquet")) > 0


def test_a_table_added_to_the_descriptor_gets_its_config(root, tmp_path):
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["resources"] += [
        {"name": "extra", "type": "table", "path": "data/claims.csv", "format": "csv", "schema": "schemas/claims.json"},
        {"name": "extra-parquet", "type": "table", "path": "data/claims.parquet", "format": "parquet", "schema": "schemas/claims.json"},
    ]
    package = Package(root, descriptor, "test")
    card = yaml.safe_load(card_text(package))
    assert card["configs"][-1] == {"config_name": "extra", "data_files": [{"split": "train", "path": "data/claims.parquet"}]}
