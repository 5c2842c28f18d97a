"""The SQLite database: every table, typed, NULL for missing, lists as JSON, keys declared and holding, rows equal to
the CSV's; deterministic; Datasette serves it with its descriptions, seen in headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from superclusters.errors import BuildError
from superclusters.publish.package import Package
from superclusters.publish.sqlite import COLUMN_TYPES, write_sqlite

SQL_TYPES = {int: "INTEGER", float: "REAL", str: "TEXT"}


@pytest.fixture(scope="module")
def exported(root, tmp_path_factory) -> tuple[Path, Path]:
    return write_sqlite(root, tmp_path_factory.mktemp("sqlite") / "dist")


def csv_rows(root: Path, path: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((root / path).read_text(encoding="utf-8"), newline="")))


def test_every_table_is_there_typed_keyed_and_equal_to_its_csv(root, exported):
    database, _ = exported
    package = Package.open(root)
    connection = sqlite3.connect(database)
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for table in package.tables():
        schema = package.schema(table)
        info = {name: (kind, notnull, pk) for _, name, kind, notnull, _, pk in connection.execute(f'PRAGMA table_info("{table}")')}
        assert list(info) == [f["name"] for f in schema["fields"]], table
        for field in schema["fields"]:
            kind, notnull, _ = info[field["name"]]
            assert kind == SQL_TYPES[COLUMN_TYPES[field["type"]]], (table, field["name"])
            assert notnull == int(bool(field.get("constraints", {}).get("required"))) or field["name"] in schema["primaryKey"]
        assert [name for name, (_, _, pk) in sorted(info.items(), key=lambda kv: kv[1][2]) if pk] == schema["primaryKey"], table
        declared = {(row[3], row[2], row[4]) for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')}
        wanted = {(k["fields"][0], k["reference"]["resource"] or table, k["reference"]["fields"][0]) for k in schema.get("foreignKeys", [])}
        assert declared == wanted, table

        rows = csv_rows(root, package.path(table, "csv"))
        cursor = connection.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        stored = [dict(zip(names, row, strict=True)) for row in cursor]
        assert len(stored) == len(rows), table
        kinds = {f["name"]: (f["type"], f.get("delimiter", ",")) for f in schema["fields"]}
        for got, want in zip(stored, rows, strict=True):
            for name, cell in want.items():
                kind, delimiter = kinds[name]
                value = got[name]
                if cell == "":
                    assert value is None, (table, name, "an empty CSV cell is NULL")
                elif kind == "list":
                    assert json.loads(value) == cell.split(delimiter), (table, name)
                elif kind == "integer":
                    assert value == int(cell), (table, name)
                elif kind == "number":
                    assert value == float(cell), (table, name)
                elif kind == "boolean":
                    assert value == (cell == "true"), (table, name)
                else:  # string and date: the CSV's text, dates as ISO 8601
                    assert value == cell, (table, name)


def test_the_list_views_unnest_the_ids_and_join(exported):
    database, _ = exported
    connection = sqlite3.connect(database)
    unnested = connection.execute("SELECT count(*) FROM events__organisation_ids").fetchone()[0]
    by_json = connection.execute("SELECT sum(json_array_length(organisation_ids)) FROM events").fetchone()[0]
    assert unnested == by_json > 0
    orphans = connection.execute(
        "SELECT count(*) FROM events__organisation_ids v LEFT JOIN organisations o USING (organisation_id) WHERE o.organisation_id IS NULL"
    ).fetchone()[0]
    assert orphans == 0


def test_the_export_is_deterministic_and_the_metadata_comes_from_the_schemas(root, exported, tmp_path):
    database, metadata = exported
    again, _ = write_sqlite(root, tmp_path)
    assert again.read_bytes() == database.read_bytes()
    meta = json.loads(metadata.read_text(encoding="utf-8"))
    package = Package.open(root)
    assert meta["title"] == package.descriptor["title"] and meta["license"] == "CC-BY-4.0" and meta["source_url"].startswith("https://")
    tables = meta["databases"]["ai-superclusters-2024"]["tables"]
    assert set(tables) == set(package.tables())
    claims = package.schema("claims")
    assert tables["claims"]["description"] == claims["description"]
    assert tables["claims"]["columns"] == {f["name"]: f["description"] for f in claims["fields"]}


def test_a_broken_foreign_key_stops_the_export_and_keeps_the_old_file(root, exported, tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    shutil.copy2(root / "datapackage.json", package / "datapackage.json")
    for name in ("data", "schemas", "seeds"):
        shutil.copytree(root / name, package / name)
    claims = pd.read_parquet(package / "data" / "claims.parquet")
    claims.loc[0, "article_id"] = "999_0000000000000000"
    claims.to_parquet(package / "data" / "claims.parquet", index=False)
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy2(exported[0], out / exported[0].name)
    before = (out / exported[0].name).read_bytes()
    with pytest.raises(BuildError, match="foreign key violation"):
        write_sqlite(package, out)
    assert (out / exported[0].name).read_bytes() == before and sorted(p.name for p in out.iterdir()) == [exported[0].name]


def test_profile_views_appear_once_the_profile_tables_exist(root, tmp_path):
    """entity_profiles is made from whatever profile_facts the descriptor lists (the profiles contract's columns)."""
    package = tmp_path / "package"
    package.mkdir()
    for name in ("data", "schemas", "seeds"):
        shutil.copytree(root / name, package / name)
    descriptor = json.loads((root / "datapackage.json").read_text())
    entity = pd.read_parquet(root / "data" / "entities.parquet").iloc[0]
    columns = ["fact_id", "entity_id", "rank", "attribute", "attribute_label", "value_text", "source_table", "source_id", "quote", "span_url"]
    facts = pd.DataFrame(
        [[f"{entity.entity_id}/name/x", entity.entity_id, 1, "name", "Name", "x", "claims", "c", "q", "seeds/x.txt#char=0,1"]], columns=columns
    )
    facts["rank"] = facts["rank"].astype("int64")
    facts.to_parquet(package / "data" / "profile_facts.parquet", index=False)
    schema = {
        "description": "Profile facts.",
        "fields": [{"name": c, "type": "integer" if c == "rank" else "string", "description": c} for c in columns],
        "primaryKey": ["fact_id"],
        "foreignKeys": [{"fields": ["entity_id"], "reference": {"resource": "entities", "fields": ["entity_id"]}}],
    }
    (package / "schemas" / "profile_facts.json").write_text(json.dumps(schema))
    descriptor["resources"] += [
        {"name": "profile_facts", "type": "table", "path": "data/profile_facts.csv", "format": "csv", "schema": "schemas/profile_facts.json"},
        {"name": "profile_facts-parquet", "type": "table", "path": "data/profile_facts.parquet", "format": "parquet", "schema": "schemas/profile_facts.json"},
    ]
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    database, _ = write_sqlite(package, tmp_path / "out")
    rows = sqlite3.connect(database).execute("SELECT entity_name, attribute_label, value_text FROM entity_profiles").fetchall()
    assert rows == [(entity["name"], "Name", "x")]


# --- Datasette, in the browser ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(root, exported):
    """The README's own command (`datasette dist/<name>.sqlite -m dist/metadata.json`), run where dist/ holds the
    export, on a free port of 127.0.0.1."""
    readme = (root / "README.md").read_text(encoding="utf-8").split("## SQLite and Datasette", 1)[1].split("\n## ", 1)[0]
    (command,) = [line for line in re.findall(r"```sh\n(.*?)```", readme, re.S) if line.startswith("datasette ")]
    words = shlex.split(command)
    database, metadata = exported
    dist = database.parent
    assert dist.name == "dist" and words[1:] == [f"dist/{database.name}", "-m", f"dist/{metadata.name}"], words
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / words[0]), *words[1:], "--host", "127.0.0.1", "--port", str(port)],
        cwd=dist.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=2).read()
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"datasette exited: {server.stdout.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.2)
    else:
        server.terminate()
        pytest.fail("datasette did not answer within 60 s")
    yield url
    server.terminate()
    server.wait(10)


def test_datasette_serves_the_database_with_its_descriptions_in_chromium(datasette, root):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from superclusters.site import chrome
    from tests.test_site import require_chromium

    require_chromium()
    package = Package.open(root)
    claims_schema = package.schema("claims")
    claims_count = len(csv_rows(root, package.path("claims", "csv")))
    with chrome() as browser:
        browser.get(f"{datasette}/ai-superclusters-2024")
        WebDriverWait(browser, 20).until(lambda d: "claims" in d.page_source)
        assert package.descriptor["title"] in browser.find_element(By.TAG_NAME, "body").text
        browser.get(f"{datasette}/ai-superclusters-2024/claims")
        body = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body")).text
        assert claims_schema["description"].split(".")[0] in body, "the table's description is shown"
        assert f"{claims_count} rows" in body
        assert "CC-BY-4.0" in body, "the licence is shown"
        # a foreign key is a link to the row it names, labelled with that row's name
        links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "td.col-article_id a")]
        assert links and all("/ai-superclusters-2024/articles/" in href for href in links)
        browser.get(f"{datasette}/ai-superclusters-2024/claims?_sort=claim_id")
        WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "td.col-claim_id"))
        quote_description = claims_schema["fields"][[f["name"] for f in claims_schema["fields"]].index("quote")]["description"]
        column_help = browser.execute_script("return document.documentElement.innerHTML")
        assert quote_description.split(":")[0] in column_help, "the columns' descriptions are shown"
        rows = json.loads(urllib.request.urlopen(f"{datasette}/ai-superclusters-2024/events__organisation_ids.json?_shape=array&_size=max").read())
        assert rows and {"event_id", "organisation_id"} <= set(rows[0])
