"""The public API beyond load(): list_tables, describe, span_text, seed_text, __version__, attrs; every bad
argument or setting a LoaderError; descriptor paths checked; a killed download leaves nothing in the cache."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import superclusters
from superclusters import loader
from superclusters.loader import LoaderError
from superclusters.publish.release import DEFAULT_EPOCH, members, zip_bytes
from tests.http_site import Site, body, trickle

VERSION = "9.9.8"
ZIP = f"/v{VERSION}/ai-superclusters-2024-{VERSION}.zip"


@pytest.fixture(scope="module")
def good(root) -> bytes:
    return zip_bytes(members(root), DEFAULT_EPOCH)


def package_folder(root: Path, target: Path) -> Path:
    """A copy of the published package (descriptor, data, schemas, seeds) to break."""
    target.mkdir(parents=True)
    shutil.copy2(root / "datapackage.json", target / "datapackage.json")
    for name in ("data", "schemas", "seeds"):
        shutil.copytree(root / name, target / name)
    return target


def descriptor_tables(root: Path) -> list[str]:
    resources = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    return [r["name"] for r in resources if r.get("format") == "csv"]


def test_list_tables_is_the_descriptors_tables_and_each_loads_with_its_descriptions(root):
    tables = superclusters.list_tables()
    assert tables == descriptor_tables(root) and "claims" in tables
    assert superclusters.__version__ == json.loads((root / "datapackage.json").read_text())["version"]
    for table in tables:
        frame = superclusters.load(table)
        schema = json.loads((root / "schemas" / f"{table}.json").read_text(encoding="utf-8"))
        assert frame.attrs["table"] == table and frame.attrs["version"] == superclusters.__version__
        assert frame.attrs["description"] == schema["description"] != ""
        assert frame.attrs["columns"] == {f["name"]: f["description"] for f in schema["fields"]}
        assert list(frame.columns) == list(frame.attrs["columns"]) and frame.attrs["schema"] == schema
        described = superclusters.describe(table)
        assert described["rows"] == len(frame) and described["primary_key"] == schema["primaryKey"]


def test_a_table_added_to_the_descriptor_is_listed_and_loaded_without_a_code_change(root, tmp_path):
    package = package_folder(root, tmp_path / "package")
    descriptor = json.loads((package / "datapackage.json").read_text())
    schema = {"description": "A table this code has never heard of.", "fields": [{"name": "x_id", "type": "string", "description": "An id."}]}
    (package / "schemas" / "extra.json").write_text(json.dumps(schema))
    pd.DataFrame({"x_id": ["a", "b"]}).to_parquet(package / "data" / "extra.parquet", index=False)
    descriptor["resources"] += [
        {"name": "extra", "type": "table", "path": "data/extra.csv", "format": "csv", "schema": "schemas/extra.json"},
        {"name": "extra-parquet", "type": "table", "path": "data/extra.parquet", "format": "parquet", "schema": "schemas/extra.json"},
    ]
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    assert superclusters.list_tables(data_dir=package)[-1] == "extra"
    extra = superclusters.load("extra", data_dir=package)
    assert list(extra["x_id"]) == ["a", "b"] and extra.attrs["description"] == "A table this code has never heard of."
    assert set(superclusters.load_all(data_dir=package)) == set(descriptor_tables(package))


def test_span_text_is_the_quote_of_every_row_of_every_span_table(root):
    checked = 0
    for table in superclusters.list_tables():
        frame = superclusters.load(table)
        for prefix in sorted({c[: -len("span_url")] for c in frame.columns if c.endswith("span_url")}):
            quote = f"{prefix}quote" if f"{prefix}quote" in frame.columns else f"{prefix}text"
            if quote not in frame.columns:
                continue
            for span_url, expected in zip(frame[f"{prefix}span_url"], frame[quote], strict=True):
                if isinstance(span_url, str):
                    assert superclusters.span_text(span_url) == expected, (table, span_url)
                    checked += 1
    assert checked > 500
    article = superclusters.load("articles").iloc[0]
    text = superclusters.seed_text(article.article_id)
    assert text == (root / article.seed_path).read_bytes().decode("utf-8") and len(text) == article.char_count
    assert superclusters.span_text(f"https://example.invalid/site/{article.seed_path}#char=0,5") == text[:5], "a prefix before seeds/ is allowed"


def test_span_text_refuses_a_changed_seed_and_offsets_outside_it(root, tmp_path):
    package = package_folder(root, tmp_path / "package")
    seed = next((package / "seeds").iterdir())
    with pytest.raises(LoaderError, match=r"characters 0 to 99999999 are not within"):
        superclusters.span_text(f"seeds/{seed.name}#char=0,99999999", data_dir=package)
    seed.write_bytes(seed.read_bytes().replace(b"e", b"E", 1))
    with pytest.raises(LoaderError, match="does not match the sha256 datapackage.json pins"):
        superclusters.span_text(f"seeds/{seed.name}#char=0,5", data_dir=package)
    with pytest.raises(LoaderError, match="no seed 'seeds/999_0000000000000000.txt'"):
        superclusters.seed_text("999_0000000000000000", data_dir=package)


@pytest.mark.parametrize(
    "path, problem",
    [("../../../../etc/passwd", "contains '..'"), ("/etc/passwd", "is absolute"), ("data", "not a regular file"), ("data/link.parquet", "is a symlink")],
)
def test_every_path_read_from_a_descriptor_is_checked_first(root, tmp_path, path, problem):
    package = package_folder(root, tmp_path / "package")
    (package / "data" / "link.parquet").symlink_to(root / "data" / "claims.parquet")
    descriptor = json.loads((package / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["name"] == "claims-parquet":
            resource["path"] = path
        if resource["name"] == "events":
            resource["schema"] = path
        if resource["path"] == "seeds/002_0336e88edfd704cd.txt":
            resource["path"] = path
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    for call in (
        lambda: superclusters.load("claims", data_dir=package),
        lambda: superclusters.load("events", data_dir=package),
        lambda: superclusters.describe("events", data_dir=package),
        lambda: superclusters.span_text(f"seeds/{path}#char=0,1" if not path.startswith("/") else "seeds/x.txt#char=0,1", data_dir=package),
    ):
        with pytest.raises(LoaderError) as caught:
            call()
        assert problem in str(caught.value) or "is not a span link" in str(caught.value) or "no seed" in str(caught.value), caught.value


BAD_CALLS = {
    "table not text": lambda: superclusters.load(3),
    "table a list": lambda: superclusters.load(["claims"]),
    "unknown table": lambda: superclusters.load("nope"),
    "version a number": lambda: superclusters.load("claims", 2.0),
    "version with a path": lambda: superclusters.load("claims", "../2.0.0"),
    "url not http": lambda: superclusters.load("claims", url="file:///etc/passwd", sha256="0" * 64),
    "url with a space": lambda: superclusters.load("claims", url="http://h/a b.zip", sha256="0" * 64),
    "url bad port": lambda: superclusters.load("claims", url="http://h:99999/a.zip", sha256="0" * 64),
    "url not text": lambda: superclusters.load("claims", url=b"http://h/a.zip", sha256="0" * 64),
    "base_url with a query": lambda: superclusters.load("claims", "1.0.0", base_url="http://h/?x=1"),
    "base_url not text": lambda: superclusters.load("claims", "1.0.0", base_url=5),
    "sha256 bytes": lambda: superclusters.load("claims", url="http://h/a.zip", sha256=b"0" * 64),
    "sha256 short": lambda: superclusters.load("claims", url="http://h/a.zip", sha256="abc"),
    "cache_dir a number": lambda: superclusters.load("claims", "1.0.0", cache_dir=5),
    "cache_dir with NUL": lambda: superclusters.load("claims", "1.0.0", cache_dir="a\x00b"),
    "data_dir a number": lambda: superclusters.load("claims", data_dir=1.5),
    "data_dir missing": lambda: superclusters.load("claims", data_dir="/nonexistent/folder"),
    "data_dir and version": lambda: superclusters.load("claims", "1.0.0", data_dir="."),
    "trust not a bool": lambda: superclusters.load("claims", "1.0.0", trust_server_checksums="yes"),
    "timeout text": lambda: superclusters.load("claims", "1.0.0", sha256="0" * 64, timeout="10"),
    "timeout infinite": lambda: superclusters.load("claims", "1.0.0", sha256="0" * 64, timeout=float("inf")),
    "load_all bad version": lambda: superclusters.load_all(version={}),
    "load_all bad data_dir": lambda: superclusters.load_all(data_dir=object()),
    "list_tables bad data_dir": lambda: superclusters.list_tables(data_dir=3),
    "describe not text": lambda: superclusters.describe(None),
    "describe unknown": lambda: superclusters.describe("nope"),
    "span_text not text": lambda: superclusters.span_text(12),
    "span_text no offsets": lambda: superclusters.span_text("seeds/002_0336e88edfd704cd.txt"),
    "span_text reversed": lambda: superclusters.span_text("seeds/002_0336e88edfd704cd.txt#char=9,1"),
    "span_text escaping": lambda: superclusters.span_text("seeds/../../etc/passwd.txt#char=0,1"),
    "seed_text bad id": lambda: superclusters.seed_text("../etc/passwd"),
    "seed_text not text": lambda: superclusters.seed_text(7),
    "release_url bad version": lambda: loader.release_url(None),
    "release_zip nothing": lambda: loader.release_zip(),
    "unknown keyword": lambda: superclusters.load("claims", data_folder="."),
    "unknown keyword to load_all": lambda: superclusters.load_all(verison="2.0.0"),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_every_bad_argument_is_a_loader_error_naming_it(name):
    with pytest.raises(LoaderError) as caught:
        BAD_CALLS[name]()
    assert "=" in str(caught.value) or "unknown table" in str(caught.value) or "pass " in str(caught.value) or "not within" in str(caught.value), caught.value


@pytest.mark.parametrize(
    "variable, value, match",
    [
        ("AI_SUPERCLUSTERS_RELEASES", "not a url", "environment variable AI_SUPERCLUSTERS_RELEASES="),
        ("AI_SUPERCLUSTERS_RELEASES", "ftp://host/releases", "environment variable AI_SUPERCLUSTERS_RELEASES="),
        ("AI_SUPERCLUSTERS_RELEASES", "http://host/x?a=1", "environment variable AI_SUPERCLUSTERS_RELEASES="),
        ("AI_SUPERCLUSTERS_CACHE", "relative/cache", "environment variable AI_SUPERCLUSTERS_CACHE="),
        ("AI_SUPERCLUSTERS_CACHE", "", "environment variable AI_SUPERCLUSTERS_CACHE="),
    ],
)
def test_every_setting_from_the_environment_is_checked(monkeypatch, variable, value, match):
    monkeypatch.setenv(variable, value)
    with pytest.raises(LoaderError, match=match):
        superclusters.load("claims", "1.0.0", sha256="0" * 64)


def test_the_settings_from_the_environment_are_used(good, tmp_path, monkeypatch):
    with Site(routes={ZIP: body(good)}) as site:
        monkeypatch.setenv("AI_SUPERCLUSTERS_RELEASES", site.url)
        monkeypatch.setenv("AI_SUPERCLUSTERS_CACHE", str(tmp_path / "env-cache"))
        claims = superclusters.load("claims", VERSION, sha256=hashlib.sha256(good).hexdigest())
    assert site.requests == [ZIP] and (tmp_path / "env-cache" / ZIP.rsplit("/", 1)[1]).is_file()
    assert claims.attrs["source"] == site.url + ZIP and claims.attrs["columns"]["quote"]


def test_a_downloaded_release_answers_span_text_seed_text_and_describe(good, tmp_path, monkeypatch):
    monkeypatch.setitem(loader.KNOWN_RELEASES, VERSION, hashlib.sha256(good).hexdigest())
    cache = tmp_path / "cache"
    with Site(routes={ZIP: body(good)}) as site:
        claims = superclusters.load("claims", VERSION, base_url=site.url, cache_dir=cache)
        row = claims.iloc[0]
        assert superclusters.span_text(row.span_url, VERSION, base_url=site.url, cache_dir=cache) == row.quote
        assert superclusters.seed_text(row.article_id, VERSION, base_url=site.url, cache_dir=cache)[row.char_start : row.char_end] == row.quote
        assert superclusters.describe("claims", VERSION, base_url=site.url, cache_dir=cache)["rows"] == len(claims)
        assert superclusters.list_tables(VERSION, base_url=site.url, cache_dir=cache) == superclusters.list_tables()
    assert site.requests == [ZIP], "downloaded once, then read from the cache"


KILLED_CLIENT = """
import os, signal, sys
from superclusters import loader
if sys.argv[3] == "rename":
    loader.fault_hook = lambda step: os.kill(os.getpid(), signal.SIGKILL)
loader.load("claims", url=sys.argv[1], sha256=sys.argv[2], cache_dir=sys.argv[4], timeout=60)
"""


def run_client(url: str, digest: str, when: str, cache: Path, root: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(KILLED_CLIENT), url, digest, when, str(cache)], env=env, cwd=root)


def test_a_download_killed_midway_leaves_nothing_in_the_cache(good, tmp_path, root):
    """Issue 20, item 16: pooch's temporary file stayed behind (0 bytes) when the process was killed."""
    cache = tmp_path / "cache"
    cache.mkdir()
    with Site() as site:
        site.routes[ZIP] = trickle(total=len(good), interval=0.01, stop=site.stop)
        client = run_client(site.url + ZIP, hashlib.sha256(good).hexdigest(), "download", cache, root)
        deadline = time.monotonic() + 60
        while ZIP not in site.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ZIP in site.requests, "the client started its download"
        time.sleep(0.3)  # some bytes have arrived
        client.send_signal(signal.SIGKILL)
        client.wait(30)
    assert list(cache.iterdir()) == []


def test_a_process_killed_while_storing_leaves_a_temporary_the_next_load_removes(good, tmp_path, root):
    cache = tmp_path / "cache"
    digest = hashlib.sha256(good).hexdigest()
    with Site(routes={ZIP: body(good)}) as site:
        client = run_client(site.url + ZIP, digest, "rename", cache, root)
        assert client.wait(120) == -signal.SIGKILL
        left = [p.name for p in cache.iterdir()]
        assert len(left) == 1 and left[0].startswith(".ai-superclusters-2024-9.9.8.zip.") and left[0].endswith(".part"), left
        claims = superclusters.load("claims", url=site.url + ZIP, sha256=digest, cache_dir=cache)
    assert len(claims) > 0
    assert not [p for p in cache.iterdir() if p.name.endswith(".part")], "the dead process's temporary was swept"
