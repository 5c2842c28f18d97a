"""The release artifacts: deterministic, self-checked, and loadable over real HTTP from 127.0.0.1."""

from __future__ import annotations

import http.server
import shutil
import threading
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from superclusters.loader import LoaderError, load, load_all
from superclusters.release import build_release, check_release
from superclusters.schemas import TABLES


@pytest.fixture(scope="module")
def release(tmp_path_factory, root):
    """A freshly built release of this checkout, in its own dist folder."""
    dist = tmp_path_factory.mktemp("dist")
    archive, sums = build_release(root, dist)
    return archive, sums


def test_release_holds_the_package_and_sums_cover_everything(release):
    archive, sums = release
    top = archive.name.removesuffix(".zip")
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        infos = zipped.infolist()
    assert names == sorted(names)
    for needed in (
        "datapackage.json",
        "README.md",
        "CHANGELOG.md",
        "LICENSE.md",
        "data/claims.parquet",
        "data/claims.csv",
        "schemas/claims.json",
        "seeds/002_0336e88edfd704cd.txt",
    ):
        assert f"{top}/{needed}" in names
    assert all(i.external_attr >> 16 == 0o100644 for i in infos)
    assert len({i.date_time for i in infos}) == 1
    listed = {line.split("  ", 1)[1] for line in sums.read_text().splitlines()}
    assert listed == set(names) | {archive.name}
    assert check_release(archive.parent, archive.name) == []


def test_building_twice_gives_identical_bytes_and_honours_source_date_epoch(root, tmp_path, monkeypatch, release):
    archive, sums = release
    again, again_sums = build_release(root, tmp_path / "again")
    assert again.read_bytes() == archive.read_bytes() and again_sums.read_bytes() == sums.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1724630400")  # 2024-08-26
    dated, _ = build_release(root, tmp_path / "dated")
    assert dated.read_bytes() != archive.read_bytes()
    with zipfile.ZipFile(dated) as zipped:
        assert zipped.infolist()[0].date_time == (2024, 8, 26, 0, 0, 0)


def test_check_release_catches_a_tampered_file(release, tmp_path):
    archive, sums = release
    shutil.copy2(sums, tmp_path / "SHA256SUMS")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tmp_path / archive.name, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("data/claims.csv"):
                data = data.replace(b"50000", b"60000", 1)
            target.writestr(info, data)
    problems = check_release(tmp_path, archive.name)
    assert any("data/claims.csv: SHA256SUMS says" in p for p in problems)


class _Server:
    """A static file server on 127.0.0.1 that counts the requests it answers."""

    def __init__(self, folder: Path):
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def do_GET(self):  # noqa: N802 - http.server's name
                outer.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def publish_dir(tmp_path: Path, archive: Path, sums: Path, version: str, tamper: bool = False) -> Path:
    folder = tmp_path / "site" / f"v{version}"
    folder.mkdir(parents=True)
    shutil.copy2(sums, folder / "SHA256SUMS")
    data = archive.read_bytes()
    if tamper:
        data = data.replace(b"Cortex", b"Cortix", 1)
    (folder / archive.name).write_bytes(data)
    return tmp_path / "site"


def version_of(archive: Path) -> str:
    return archive.name.removesuffix(".zip").rsplit("-", 1)[1]


def test_download_verifies_loads_and_then_uses_the_cache(release, tmp_path, root):
    archive, sums = release
    version = version_of(archive)
    site = publish_dir(tmp_path, archive, sums, version)
    cache = tmp_path / "cache"
    with _Server(site) as server:
        claims = load("claims", version, base_url=server.url, cache_dir=cache)
        first = list(server.requests)
        tables = load_all(version, base_url=server.url, cache_dir=cache)
        assert server.requests == first, "second and later calls must come from the cache"
    assert first == [f"/v{version}/SHA256SUMS", f"/v{version}/{archive.name}"]
    local = load("claims", data_dir=root / "data")
    pd.testing.assert_frame_equal(claims, local)
    assert set(tables) == set(TABLES)
    assert str(claims["char_start"].dtype) == "Int64"
    assert all(type(d).__name__ == "date" for d in claims["time_start"].dropna())


def test_a_tampered_zip_is_rejected_and_not_cached(release, tmp_path):
    archive, sums = release
    version = version_of(archive)
    site = publish_dir(tmp_path, archive, sums, version, tamper=True)
    cache = tmp_path / "cache"
    with _Server(site) as server, pytest.raises(LoaderError, match="does not match its expected sha256"):
        load("claims", version, base_url=server.url, cache_dir=cache)
    assert not list(cache.glob("*.zip"))


def test_an_explicit_sha256_is_enforced(release, tmp_path):
    archive, sums = release
    version = version_of(archive)
    site = publish_dir(tmp_path, archive, sums, version)
    with _Server(site) as server:
        url = f"{server.url}/v{version}/{archive.name}"
        with pytest.raises(LoaderError, match="does not match"):
            load("claims", url=url, sha256="0" * 64, cache_dir=tmp_path / "c1")
        assert len(load("articles", url=url, sha256=__import__("hashlib").sha256(archive.read_bytes()).hexdigest(), cache_dir=tmp_path / "c2")) == 5


def test_text_that_looks_missing_stays_text(tmp_path, root):
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    claims = pd.read_parquet(data / "claims.parquet")
    claims.loc[0, "attributed_to"] = "NA"
    claims.loc[1, "attributed_to"] = "None"
    claims.to_parquet(data / "claims.parquet", index=False)
    loaded = load("claims", data_dir=data)
    assert list(loaded["attributed_to"][:2]) == ["NA", "None"]


def test_unknown_table_is_a_clear_error():
    with pytest.raises(LoaderError, match="unknown table 'claim'"):
        load("claim")


def test_loading_does_not_import_the_build_stack(root):
    import subprocess
    import sys

    code = "import sys; from superclusters import load; load('claims'); print(sorted(m for m in ('pandera', 'frictionless', 'yaml') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
