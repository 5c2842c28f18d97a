"""The release: exactly the package, deterministic, self-checked, openable by data tools, and loadable from dist/ as built."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from superclusters import loader
from superclusters.build.release import release_assets
from superclusters.check.schemas import TABLES
from superclusters.errors import BuildError
from superclusters.loader import load, load_all
from superclusters.publish.release import (
    EXTRA_FILES,
    build_release,
    check_release,
    members,
    package_files,
    pin_release,
    read_pins,
    source_date_epoch,
    zip_bytes,
)
from tests.conftest import copy_package
from tests.http_site import Site


@pytest.fixture
def release(built_release):
    """The run's shared release of this checkout (tests/conftest.py), in its own dist folder, with its own pin file."""
    return built_release.archive, built_release.sums


def full_copy(target: Path) -> Path:
    """A copy of the package with everything a release needs (inputs, outputs and EXTRA_FILES)."""
    copy_package(target)
    for name in EXTRA_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(__file__).resolve().parent.parent / name, target / name)
    return target


def test_dist_is_laid_out_as_served_and_the_zip_holds_exactly_the_package(release, root):
    archive, sums = release
    version = json.loads((root / "datapackage.json").read_text())["version"]
    assert archive.parent.name == f"v{version}" and sums.parent == archive.parent
    assert archive.name == f"ai-superclusters-2024-{version}.zip"
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        infos = zipped.infolist()
    assert names == sorted(names) == package_files(root)
    for needed in (
        "datapackage.json",
        "README.md",
        "CHANGELOG.md",
        "LICENSE.md",
        "figures/claims_by_source.png",
        "data/claims.parquet",
        "data/claims.csv",
        "schemas/claims.json",
        "seeds/002_0336e88edfd704cd.txt",
    ):
        assert needed in names
    assert all(i.external_attr >> 16 == 0o100644 for i in infos)
    assert len({i.date_time for i in infos}) == 1
    listed = {line.split("  ", 1)[1] for line in sums.read_text().splitlines()}
    assets = {p.name for p in archive.parent.iterdir() if p.is_file() and p.name != "SHA256SUMS"}
    assert {archive.name, "ai-superclusters-2024.sqlite", "metadata.json"} <= assets and not assets & set(names)
    assert listed == set(names) | assets, "SHA256SUMS names every file in the zip and every top-level asset"
    assert check_release(archive.parent, archive.name) == []


def test_the_pin_is_written_and_a_changed_version_is_refused(release, tmp_path):
    archive, _ = release
    pins = archive.parent.parent.parent / "pins.json"
    version = archive.parent.name[1:]
    assert read_pins(pins) == {version: __import__("hashlib").sha256(archive.read_bytes()).hexdigest()}
    other = tmp_path / "pins.json"
    other.write_text(json.dumps({version: "0" * 64}))
    with pytest.raises(BuildError, match="a released version never changes; bump the version"):
        pin_release(other, version, "1" * 64)
    assert json.loads(other.read_text()) == {version: "0" * 64}
    assert pin_release(other, version, "1" * 64, repin=True) and read_pins(other) == {version: "1" * 64}


def test_building_twice_gives_identical_bytes_and_honours_source_date_epoch(root, monkeypatch, release, planted_release):
    archive, sums = release
    _, again, again_sums = planted_release  # a second build, from another folder, with files planted that must not matter
    assert again.read_bytes() == archive.read_bytes() and again_sums.read_bytes() == sums.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1724630400")  # 2024-08-26
    dated = zip_bytes(members(root), source_date_epoch())
    assert dated != archive.read_bytes()
    with zipfile.ZipFile(io.BytesIO(dated)) as zipped:
        assert zipped.infolist()[0].date_time == (2024, 8, 26, 0, 0, 0)


def test_check_release_catches_a_tampered_file_and_an_unlisted_one(release, tmp_path):
    archive, sums = release
    shutil.copy2(sums, tmp_path / "SHA256SUMS")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(tmp_path / archive.name, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "data/claims.csv":
                data = data.replace(b"50000", b"60000", 1)
            target.writestr(info, data)
        target.writestr("data/evil.csv", b"a\n1\n")
    problems = check_release(tmp_path, archive.name)
    assert any(p.startswith("data/claims.csv: SHA256SUMS says") for p in problems)
    assert "data/evil.csv: in the zip but not in the package's file list" in problems


def test_frictionless_opens_the_zip_directly(release, root):
    from frictionless import Package

    archive, _ = release
    resources = json.loads((root / "datapackage.json").read_text())["resources"]
    package = Package(str(archive))
    assert [r.name for r in package.resources] == [r["name"] for r in resources]
    # Validated once, by the CLI a user runs: the same validator as package.validate() (which this test
    # also ran, 1.5 s more), with every task's name, validity, rows and seed hash checked below.
    cli = Path(sys.executable).parent / "frictionless"
    result = subprocess.run([str(cli), "validate", "--json", str(archive)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    tasks = json.loads(result.stdout)["tasks"]
    assert sorted(t["name"] for t in tasks) == sorted(r["name"] for r in resources)
    assert all(t["valid"] for t in tasks)
    assert all(t["stats"]["rows"] > 0 for t in tasks if t["name"] in TABLES or t["name"].removesuffix("-parquet") in TABLES), "every table is read for real"
    assert all(t["stats"].get("sha256") for t in tasks if t["name"].startswith("seed-")), "every seed's hash is checked"


@pytest.fixture(scope="module")
def planted_release(tmp_path_factory):
    """A second, independent release: built from a full copy of the package in another folder, with a hidden
    symlinked secret, a symlink out of the package and an unlisted file planted in it. Each build validates
    its zip (about 2 s), so the determinism test and the never-shipped test share this one."""
    folder = tmp_path_factory.mktemp("planted")
    package = full_copy(folder / "package")
    secret = folder / "environ"
    secret.write_text("AWS_SECRET=fake-secret\n")
    os.symlink(secret, package / "seeds" / ".env")
    os.symlink("/etc/passwd", package / "schemas" / "passwd")
    (package / "data" / "evil.csv").write_text("planted-unlisted-file\nyes\n")
    archive, sums = build_release(package, folder / "dist", assets=release_assets(package, wheel=False))
    return package, archive, sums


def test_planted_hidden_symlinked_and_unlisted_files_are_never_shipped(planted_release):
    package, archive, sums = planted_release
    assert {(package / "seeds" / ".env").is_symlink(), (package / "schemas" / "passwd").is_symlink(), (package / "data" / "evil.csv").is_file()} == {True}
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        blob = b"".join(zipped.read(n) for n in names)
    assert names == package_files(package)
    assert not {"seeds/.env", "schemas/passwd", "data/evil.csv"} & set(names)
    assert b"fake-secret" not in blob and b"root:" not in blob and b"planted-unlisted-file" not in blob
    assert "evil" not in sums.read_text() and ".env" not in sums.read_text()


def test_a_listed_file_reached_through_a_symlink_is_an_error_and_nothing_is_written(tmp_path):
    package = full_copy(tmp_path / "package")
    real = tmp_path / "elsewhere.png"
    shutil.move(package / "figures" / "claims_by_source.png", real)
    os.symlink(real, package / "figures" / "claims_by_source.png")
    with pytest.raises(BuildError, match="figures/claims_by_source.png is a symlink"):
        build_release(package, tmp_path / "dist")
    shutil.move(package / "figures", tmp_path / "figures")
    os.symlink(tmp_path / "figures", package / "figures")
    with pytest.raises(BuildError, match="figures is a symlink"):
        build_release(package, tmp_path / "dist")
    assert not list((tmp_path / "dist").rglob("*.zip"))


@pytest.mark.parametrize("path", ["/etc/passwd", "../../etc/hostname", "seeds/../../x", ".env", "seeds/.hidden.txt", "/dev/zero"])
def test_a_descriptor_path_outside_the_package_or_hidden_is_an_error(tmp_path, path):
    package = full_copy(tmp_path / "package")
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "extra", "path": path})
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(BuildError, match="not a relative path inside the package|hidden"):
        package_files(package)


def test_dist_as_built_serves_releases_by_version_quietly(release, root, tmp_path, monkeypatch, capfd):
    archive, _ = release
    version = archive.parent.name[1:]
    monkeypatch.setitem(loader.KNOWN_RELEASES, version, read_pins(archive.parent.parent.parent / "pins.json")[version])
    cache = tmp_path / "cache"
    with Site(archive.parent.parent) as site:  # dist/ exactly as build_release wrote it
        claims = load("claims", version, base_url=site.url, cache_dir=cache)
        first = list(site.requests)
        tables = load_all(version, base_url=site.url, cache_dir=cache)
        assert site.requests == first, "second and later calls must come from the cache"
    assert first == [f"/v{version}/{archive.name}"], "a pinned version never needs the server's SHA256SUMS"
    out, err = capfd.readouterr()
    assert out == "" and err == "", "pooch's log lines must not reach the user"
    pd.testing.assert_frame_equal(claims, load("claims", data_dir=root / "data"))
    assert set(tables) == set(TABLES)
    assert str(claims["char_start"].dtype) == "Int64"


def test_make_release_prints_the_pin(built_release):
    # The shared release is made by release.main, i.e. `make release`; this checks what it printed and wrote.
    (version, digest), *_ = read_pins(built_release.pins).items()
    assert f"pinned {version} -> {digest}" in built_release.output
    assert built_release.sums == built_release.archive.parent / "SHA256SUMS" and built_release.sums.is_file()
    assert built_release.archive.parent.name == f"v{version}"


def test_make_release_refuses_published_files_the_inputs_no_longer_produce(tmp_path):
    """`make release` (build.release.cut_release) checks the published files against the inputs first."""
    from superclusters.build.release import cut_release

    package = full_copy(tmp_path / "package")
    (package / "data" / "claims.csv").write_bytes(b"stale\n")
    with pytest.raises(BuildError, match=r"data/claims.csv: out of date; run `make build`"):
        cut_release(package, tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_the_epoch_style_table_is_also_a_download_of_its_own(root, tmp_path):
    """When the package has epoch_gpu_clusters (the profiles' Epoch AI-style export), the release offers its CSV
    beside the zip, byte for byte, and the SQLite database holds it like every other table."""
    package = full_copy(tmp_path / "package")
    pd.DataFrame({"name": ["Cortex"], "chip_count": [100000]}).to_parquet(package / "data" / "epoch_gpu_clusters.parquet", index=False)
    (package / "data" / "epoch_gpu_clusters.csv").write_text("name,chip_count\nCortex,100000\n")
    schema = {"description": "Epoch-style.", "fields": [{"name": "name", "type": "string"}, {"name": "chip_count", "type": "integer"}], "primaryKey": ["name"]}
    (package / "schemas" / "epoch_gpu_clusters.json").write_text(json.dumps(schema))
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"] += [
        {"name": "epoch_gpu_clusters", "type": "table", "path": "data/epoch_gpu_clusters.csv", "format": "csv", "schema": "schemas/epoch_gpu_clusters.json"},
        {
            "name": "epoch_gpu_clusters-parquet",
            "type": "table",
            "path": "data/epoch_gpu_clusters.parquet",
            "format": "parquet",
            "schema": "schemas/epoch_gpu_clusters.json",
        },
    ]
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    staging = tmp_path / "staging"
    staging.mkdir()
    release_assets(package, wheel=False)(staging)
    version = descriptor["version"]
    download = staging / f"ai-superclusters-2024-{version}-epoch_gpu_clusters.csv"
    assert download.read_bytes() == (package / "data" / "epoch_gpu_clusters.csv").read_bytes()
    import sqlite3

    assert sqlite3.connect(staging / "ai-superclusters-2024.sqlite").execute("SELECT name, chip_count FROM epoch_gpu_clusters").fetchall() == [
        ("Cortex", 100000)
    ]


@pytest.mark.parametrize("value", ["²", "١٢٣", "12a", "-1", "4354819200", "99999999999999"])
def test_a_source_date_epoch_that_no_zip_can_carry_is_a_problem_line(monkeypatch, value):
    """Other scripts' digits passed str.isdigit() and int(); a date after 2107 made zipfile raise a traceback."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH: .* is not a number of seconds since 1970 up to 4354819199"):
        source_date_epoch()
