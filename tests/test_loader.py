"""The loader against a real local HTTP server: trust model, every failure a LoaderError, nothing bad cached, native types."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from superclusters import loader
from superclusters.loader import LoaderError, load, release_url
from superclusters.publish.release import DEFAULT_EPOCH, members, read_pins, zip_bytes
from tests.http_site import Site, body, status, trickle

VERSION = "9.9.9"  # a version the package pins nothing for, so each test states its own trust
ZIP = f"/v{VERSION}/ai-superclusters-2024-{VERSION}.zip"
SUMS = f"/v{VERSION}/SHA256SUMS"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def good(root) -> bytes:
    """The bytes of this checkout's release zip, as build_release makes them (tests/test_release.py checks the rest)."""
    return zip_bytes(members(root), DEFAULT_EPOCH)


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def assert_cache_clean(cache: Path) -> None:
    """Nothing at all was left behind: no zip, no SHA256SUMS, no temporary file."""
    left = [p for p in cache.rglob("*") if p.is_file()] if cache.exists() else []
    assert left == [], left


def fails(site: Site, cache: Path, match: str, **kwargs) -> str:
    """Load from `site`; assert a LoaderError naming the URL and matching `match`; return its message."""
    kwargs.setdefault("version", VERSION)
    with pytest.raises(LoaderError) as caught:
        load("claims", base_url=site.url, cache_dir=cache, **kwargs)
    message = str(caught.value)
    assert site.url in message, message
    assert re.search(match, message), message
    assert_cache_clean(cache)
    return message


def sums_for(data: bytes) -> bytes:
    return f"{sha(data)}  ai-superclusters-2024-{VERSION}.zip\n".encode()


def rezip(good: bytes, change: dict[str, bytes] | None = None, extra: list[tuple[zipfile.ZipInfo, bytes]] | None = None) -> bytes:
    """A well-formed zip with the release's members, some replaced, some added (what a tampering server would build)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, (change or {}).get(info.filename, source.read(info)))
        for info, data in extra or []:
            target.writestr(info, data)
    return out.getvalue()


def tampered_claims(good: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        claims = pd.read_parquet(io.BytesIO(source.read("data/claims.parquet")))
    claims.loc[0, "value"] = 999999
    buffer = io.BytesIO()
    claims.to_parquet(buffer, index=False)
    return rezip(good, {"data/claims.parquet": buffer.getvalue()})


# --- trust ---------------------------------------------------------------------------------------


def test_a_tampered_zip_with_matching_sums_from_the_same_server_is_refused_by_default(good, cache):
    evil = tampered_claims(good)
    with Site(routes={ZIP: body(evil), SUMS: body(sums_for(evil))}) as site:
        message = fails(site, cache, "no trusted sha256")
        assert "trust_server_checksums=True" in message and "sha256=" in message
        assert site.requests == [], "without a trusted hash nothing is downloaded"
        # The opt-in does what it says, and no more: the server's own SHA256SUMS vouches for its zip.
        claims = load("claims", VERSION, base_url=site.url, cache_dir=cache, trust_server_checksums=True)
    assert 999999 in set(claims["value"])


def test_a_pinned_version_refuses_other_bytes_and_caches_nothing(good, cache, monkeypatch):
    monkeypatch.setitem(loader.KNOWN_RELEASES, VERSION, sha(good))
    evil = tampered_claims(good)
    with Site(routes={ZIP: body(evil), SUMS: body(sums_for(evil))}) as site:
        fails(site, cache, "does not match its expected sha256", trust_server_checksums=True)
        assert SUMS not in site.requests, "a pin outranks the server's SHA256SUMS"
    with Site(routes={ZIP: body(good)}) as site:
        assert len(load("claims", VERSION, base_url=site.url, cache_dir=cache)) > 0


def test_the_pins_shipped_with_the_package_are_read(tmp_path):
    pins = tmp_path / "releases.json"
    pins.write_text('{"1.2.3": "%s", "bad": "not-a-hash"}' % ("A" * 64))
    assert loader._read_pins(pins) == {"1.2.3": "a" * 64}
    pins.write_bytes(b"\xff\xfe")
    assert loader._read_pins(pins) == {}
    assert read_pins(loader.PINS_FILE) == loader._read_pins(loader.PINS_FILE), "the release writes what the loader reads"


def test_an_invalid_explicit_sha256_or_timeout_is_a_clear_error(cache):
    with pytest.raises(LoaderError, match="not a sha256 hex digest"):
        load("claims", url="http://127.0.0.1:9/x.zip", sha256="abc", cache_dir=cache)
    for timeout in (0, -1, "10", float("nan"), True):
        with pytest.raises(LoaderError, match="not a positive number of seconds"):
            load("claims", url="http://127.0.0.1:9/x.zip", sha256="0" * 64, cache_dir=cache, timeout=timeout)


# --- failures: each a LoaderError naming the URL and what to do, and nothing cached ------------------


@pytest.mark.parametrize("code, advice", [(404, "check version= and base_url="), (500, "try again later")])
def test_http_errors_on_the_zip(good, cache, code, advice):
    with Site(routes={ZIP: status(code)}) as site:
        message = fails(site, cache, f"HTTP {code}", sha256=sha(good))
    assert advice in message and ZIP in message


def test_http_error_on_sha256sums(cache):
    with Site(routes={SUMS: status(500)}) as site:
        fails(site, cache, "HTTP 500", trust_server_checksums=True)


def test_random_bytes_as_sha256sums(cache):
    with Site(routes={SUMS: body(bytes(range(256)) * 4)}) as site:
        fails(site, cache, "not a SHA256SUMS file", trust_server_checksums=True)
    with Site(routes={SUMS: body(b"not a checksum line\n")}) as site:
        fails(site, cache, "lists no valid sha256", trust_server_checksums=True)


def test_a_bad_sha256sums_never_blocks_a_later_load(good, cache):
    with Site(routes={SUMS: body(b"\x00garbage"), ZIP: body(good)}) as site:
        fails(site, cache, "not a SHA256SUMS file|lists no valid sha256", trust_server_checksums=True)
        site.routes[SUMS] = body(sums_for(good))
        assert len(load("claims", VERSION, base_url=site.url, cache_dir=cache, trust_server_checksums=True)) > 0


def test_a_truncated_transfer(good, cache):
    with Site(routes={ZIP: body(good[: len(good) // 2], declared=len(good))}) as site:
        fails(site, cache, "cut short|download failed", sha256=sha(good))


def test_not_a_zip(cache):
    junk = os.urandom(4096)
    with Site(routes={ZIP: body(junk)}) as site:
        fails(site, cache, "is not a valid zip", sha256=sha(junk))


def test_a_crc_error(good, cache):
    with zipfile.ZipFile(io.BytesIO(good)) as zipped:
        info = zipped.getinfo("data/claims.csv")
    broken = bytearray(good)
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 100  # inside the stored member's bytes
    broken[offset] ^= 0xFF
    broken = bytes(broken)
    with Site(routes={ZIP: body(broken)}) as site:
        fails(site, cache, "is not a valid zip .*CRC", sha256=sha(broken))


def test_a_symlink_entry(good, cache):
    link = zipfile.ZipInfo("data/passwd")
    link.create_system = 3
    link.external_attr = 0o120777 << 16
    evil = rezip(good, extra=[(link, b"/etc/passwd")])
    with Site(routes={ZIP: body(evil)}) as site:
        fails(site, cache, "has a symlink entry 'data/passwd'", sha256=sha(evil))


def test_a_zip_bomb_is_refused_without_unpacking_it(good, cache, monkeypatch):
    monkeypatch.setattr(loader, "MAX_UNCOMPRESSED_BYTES", 4 * 2**20)
    bomb_member = zipfile.ZipInfo("data/bomb.csv")
    bomb_member.compress_type = zipfile.ZIP_DEFLATED
    bomb = rezip(good, extra=[(bomb_member, bytes(8 * 2**20))])
    assert len(bomb) < len(good) + 64 * 1024, "the bomb is small on the wire"
    with Site(routes={ZIP: body(bomb)}) as site:
        fails(site, cache, "would unpack to .* zip bomb", sha256=sha(bomb))


def test_a_zip_without_a_descriptor_is_not_a_release(cache):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        zipped.writestr("hello.txt", "hi")
    with Site(routes={ZIP: body(out.getvalue())}) as site:
        fails(site, cache, "no datapackage.json at its root", sha256=sha(out.getvalue()))


def test_a_server_that_trickles_bytes_meets_the_overall_deadline(good, cache):
    with Site() as site:
        site.routes[ZIP] = trickle(total=10_000, interval=0.02, stop=site.stop)
        started = time.monotonic()
        fails(site, cache, r"not finished after 0\.5 s .*pass timeout=", sha256=sha(good), timeout=0.5)
        assert time.monotonic() - started < 5


def test_an_oversized_download_is_cut_off(good, cache, monkeypatch):
    monkeypatch.setattr(loader, "MAX_DOWNLOAD_BYTES", 1000)
    with Site(routes={ZIP: body(good)}) as site:
        fails(site, cache, "more than the 1000 a release may have", sha256=sha(good))


def test_nothing_listening(good, cache):
    with Site() as site:
        url = site.url
    with pytest.raises(LoaderError, match=f"{url}.*download failed"):
        load("claims", VERSION, base_url=url, sha256=sha(good), cache_dir=cache, timeout=5)
    assert_cache_clean(cache)


def test_a_cache_that_cannot_be_written_gets_advice_that_fits(good, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with Site(routes={ZIP: body(good)}) as site:
        with pytest.raises(LoaderError, match=r"cannot store .* in the cache folder .*pass cache_dir= a folder you can write to"):
            load("claims", VERSION, base_url=site.url, sha256=sha(good), cache_dir=blocker / "cache")


def test_a_read_only_cache_gets_advice_that_fits_even_as_root(good, cache, monkeypatch):
    """Root ignores chmod, so the failure a read-only folder gives (EACCES on creating the download file) is injected."""
    import tempfile

    real = tempfile.NamedTemporaryFile
    cache.mkdir()

    def read_only(*args, **kwargs):
        if Path(kwargs.get("dir") or ".").resolve() == cache.resolve():
            raise PermissionError(13, "Permission denied", str(cache))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", read_only)
    with Site(routes={ZIP: body(good)}) as site:
        message = fails(site, cache, r"cannot store .* in the cache folder .*Permission denied.*pass cache_dir= a folder you can write to", sha256=sha(good))
    assert "sha256=" not in message.split("cache folder", 1)[1], "the advice fits the failure"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_gets_advice_that_fits(good, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        with Site(routes={ZIP: body(good)}) as site, pytest.raises(LoaderError, match="pass cache_dir= a folder you can write to"):
            load("claims", VERSION, base_url=site.url, sha256=sha(good), cache_dir=cache)
    finally:
        cache.chmod(0o755)


def test_a_cached_release_loads_offline_from_a_read_only_cache(good, cache, monkeypatch):
    monkeypatch.setitem(loader.KNOWN_RELEASES, VERSION, sha(good))
    with Site(routes={ZIP: body(good)}) as site:
        load("claims", VERSION, base_url=site.url, cache_dir=cache)
        url = site.url
    cache.chmod(0o555)
    try:
        assert len(load("claims", VERSION, base_url=url, cache_dir=cache)) > 0  # the server is gone: the cache answers
    finally:
        cache.chmod(0o755)


def test_release_url_is_the_layout_make_release_writes():
    assert release_url("1.2.3", "http://h/x/") == "http://h/x/v1.2.3/ai-superclusters-2024-1.2.3.zip"
    for bad in ("../../etc", "1.0/../2", "", " 1.0.0"):
        with pytest.raises(LoaderError, match="not a version number"):
            release_url(bad)


@pytest.mark.parametrize("path", ["/files/..", "/files/", "/get?name=../../x.zip", "/.hidden.zip"])
def test_an_odd_url_never_names_a_file_outside_the_cache(good, tmp_path, path):
    cache = tmp_path / "deep" / "cache"
    with Site(routes={path: body(good), "/": body(good)}) as site:  # the client may normalise "/files/.." to "/"
        archive = loader.release_zip(url=site.url + path, sha256=sha(good), cache_dir=cache)
    assert archive.parent == cache.resolve() and not archive.name.startswith(".")
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [archive.name]


# --- types ---------------------------------------------------------------------------------------------


def test_dates_are_datetime64_and_lists_explode(root):
    events = load("events", data_dir=root / "data")
    assert pd.api.types.is_datetime64_any_dtype(events["date_start"])
    assert events["date_start"].dt.year.dropna().between(2000, 2100).all()
    exploded = events.explode("organisation_ids")
    assert len(exploded) > len(events) and "tesla" in set(exploded["organisation_ids"])
    claims = load("claims", data_dir=root / "data")
    assert pd.api.types.is_datetime64_any_dtype(claims["time_start"])


def test_native_arrow_lists_and_joined_strings_load_the_same(root, tmp_path):
    """Parquet list columns may be Arrow list<string> (as published) or `|`-joined strings (older copies): both load alike."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    frame = pq.read_table(data / "events.parquet").to_pandas()
    for name in ("organisation_ids", "hardware_ids", "person_ids", "place_ids"):
        frame[name] = ["|".join(v) if v is not None else None for v in frame[name]]
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), data / "events.parquet")
    joined_events = load("events", data_dir=data)
    native_events = load("events", data_dir=root / "data")
    assert pa.types.is_list(pq.read_schema(root / "data" / "events.parquet").field("organisation_ids").type)
    assert pa.types.is_string(pq.read_schema(data / "events.parquet").field("organisation_ids").type) or pa.types.is_large_string(
        pq.read_schema(data / "events.parquet").field("organisation_ids").type
    )
    pd.testing.assert_frame_equal(native_events, joined_events)
    assert native_events["organisation_ids"].map(lambda v: v is None or isinstance(v, list)).all()


def test_dates_stored_as_text_become_datetime64_and_bad_ones_are_a_loader_error(root, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    claims = pd.read_parquet(data / "claims.parquet")
    claims["time_start"] = [d.isoformat() if d is not None and d == d else None for d in claims["time_start"]]
    claims.to_parquet(data / "claims.parquet", index=False)
    loaded = load("claims", data_dir=data)
    pd.testing.assert_series_equal(loaded["time_start"], load("claims", data_dir=root / "data")["time_start"])
    assert pd.api.types.is_datetime64_any_dtype(loaded["time_start"])
    claims.loc[0, "time_start"] = "not a date"
    claims.to_parquet(data / "claims.parquet", index=False)
    with pytest.raises(LoaderError, match="column time_start holds values that are not dates"):
        load("claims", data_dir=data)


def test_a_corrupt_local_parquet_is_a_loader_error(root, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(root / "data", data)
    (data / "claims.parquet").write_bytes(b"PAR1 broken")
    with pytest.raises(LoaderError, match="not a readable Parquet file"):
        load("claims", data_dir=data)
