"""The committed package as users get it: up to date, valid, and the same in CSV and Parquet."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest

from superclusters.build.pipeline import stale_files
from superclusters.check.schemas import TABLES, load_schemas
from superclusters.publish.files import _cell


@pytest.fixture(scope="module")
def root_dir(root):
    return root


@pytest.fixture(scope="module")
def schemas(root_dir):
    return load_schemas(root_dir / "schemas")


def csv_rows(root, table):
    return list(csv.reader(io.StringIO((root / "data" / f"{table}.csv").read_text(encoding="utf-8"), newline="")))


def test_committed_files_are_what_the_inputs_produce(root_dir):
    assert stale_files(root_dir) == []


def test_frictionless_validates_every_resource(clean_package_frictionless_report):
    report = clean_package_frictionless_report  # the whole package's report, made once per run (conftest)
    assert report["errors"] == []
    assert {f"{t}-parquet" for t in TABLES} | set(TABLES) <= report["validated"]


def test_every_text_resource_declares_utf8_and_parquet_none(root_dir):
    descriptor = json.loads((root_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    text = [r for r in descriptor["resources"] if r["format"] != "parquet"]
    parquet = [r for r in descriptor["resources"] if r["format"] == "parquet"]
    assert len(parquet) == len(TABLES) and len(text) > len(TABLES)
    assert all(r["encoding"] == "utf-8" for r in text)
    assert not any("encoding" in r for r in parquet), "encoding applies to text only"


@pytest.mark.parametrize("table", TABLES)
def test_csv_and_parquet_hold_the_same_content(root_dir, schemas, table):
    parquet = pq.read_table(root_dir / "data" / f"{table}.parquet")
    assert parquet.schema.names == [f["name"] for f in schemas[table]["fields"]], "no pandas index, schema order"
    from_parquet = [[_cell(v) for v in row] for row in parquet.to_pandas().itertuples(index=False, name=None)]
    rows = csv_rows(root_dir, table)
    assert rows[0] == parquet.schema.names
    assert rows[1:] == from_parquet


@pytest.mark.parametrize("table", TABLES)
def test_csv_conventions(root_dir, schemas, table):
    data = (root_dir / "data" / f"{table}.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")
    rows = csv_rows(root_dir, table)
    header, body = rows[0], rows[1:]
    key = header.index(schemas[table]["primaryKey"][0])
    assert [r[key] for r in body] == sorted(r[key] for r in body), "rows sorted by primary key"
    for f in schemas[table]["fields"]:
        column = header.index(f["name"])
        values = [r[column] for r in body if r[column]]
        if f["type"] == "integer":
            assert all(v.isdigit() for v in values), f"{table}.{f['name']}: integers stay integers"
        if f["type"] == "date":
            assert all(len(v) == 10 and v[4] == "-" and v[7] == "-" for v in values), f"{table}.{f['name']}: ISO 8601"


# Tables with spans of their own (systems and epoch_gpu_clusters cite rows by id and span link only).
SPAN_TABLES = [
    t for t in TABLES if t not in ("claim_groups", "claim_group_members", "claim_pairs", "entities", "entity_links", "systems", "epoch_gpu_clusters")
]


@pytest.mark.parametrize("table", SPAN_TABLES)
def test_every_published_span_matches_its_seed(root_dir, table):
    rows = csv_rows(root_dir, table)
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    articles = csv_rows(root_dir, "articles")
    seeds = {a["article_id"]: a["seed_path"] for a in [dict(zip(articles[0], r, strict=True)) for r in articles[1:]]}
    prefixes = [name[: -len("char_start")] for name in header if name.endswith("char_start")]
    checked = 0
    for row in body:
        for prefix in prefixes:
            if not row[f"{prefix}char_start"]:
                continue
            article = row.get(f"{prefix}article_id") or row["article_id"]
            text = (root_dir / seeds[article]).read_bytes().decode("utf-8")
            start, end = int(row[f"{prefix}char_start"]), int(row[f"{prefix}char_end"])
            expected = row.get(f"{prefix}quote", row.get(f"{prefix}text", row.get("title")))
            assert text[start:end] == expected, (table, prefix, row)
            if f"{prefix}span_url" in row:
                assert row[f"{prefix}span_url"] == f"{seeds[article]}#char={start},{end}"
            checked += 1
    assert checked >= len(body)


def test_the_seed_readings_cover_every_table(root_dir):
    counts = {t: len(csv_rows(root_dir, t)) - 1 for t in TABLES}
    assert counts["articles"] == 5
    assert all(n > 0 for n in counts.values()), counts
