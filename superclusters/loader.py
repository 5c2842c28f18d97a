"""Load the dataset's tables as typed pandas DataFrames, from a checkout or a verified release.

    from superclusters import load, load_all
    claims = load("claims")                                   # this checkout's data/, offline
    claims = load("claims", version="1.0.0")                  # the release zip, downloaded once, verified
    tables = load_all(url="https://…/ai-superclusters-2024-1.0.0.zip", sha256="…")

Tables are read from Parquet, so integers stay integers (nullable Int64 where a
cell may be empty), dates are datetime.date, and no text value ("NA", "None")
is ever turned into a missing value. A release zip is checked against its
sha256 before use: an explicit `sha256`, else the hash recorded for that
version in KNOWN_RELEASES, else the SHA256SUMS file published beside the zip.
A zip that does not match is an error and is not cached.

Only pandas, pyarrow and pooch are imported, and only when a table is loaded.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

from .publish import PACKAGE
from .schemas import TABLES

NAME = PACKAGE["name"]
# Where releases are published; each version's assets live under <RELEASES_URL>/v<version>/.
# Override per call with base_url=, or for a session with the AI_SUPERCLUSTERS_RELEASES variable.
RELEASES_URL = os.environ.get("AI_SUPERCLUSTERS_RELEASES", "https://github.com/ai-superclusters-2024/ai-superclusters-2024/releases/download")
# sha256 of each published release zip; add a line when a version is released.
KNOWN_RELEASES: dict[str, str] = {}


class LoaderError(Exception):
    """A table or release could not be loaded; the message says which and why."""


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise LoaderError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")


def _read_parquet(source: Any) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(source).to_pandas()  # the file's pandas metadata restores Int64 and string dtypes


def _checkout_data() -> Path:
    for candidate in (Path(__file__).resolve().parent.parent / "data", Path.cwd() / "data"):
        if (candidate / "claims.parquet").is_file():
            return candidate
    raise LoaderError("no local data/ folder found; pass version= or url= to load a release, or data_dir=")


def _expected_sha256(url: str, version: str | None, sha256: str | None, cache_dir: Path) -> str:
    if sha256:
        return sha256.removeprefix("sha256:")
    if version and version in KNOWN_RELEASES:
        return KNOWN_RELEASES[version]
    import pooch

    sums_url = url.rsplit("/", 1)[0] + "/SHA256SUMS"
    try:
        sums = Path(pooch.retrieve(sums_url, known_hash=None, fname=f"{Path(url).name}.SHA256SUMS", path=cache_dir, progressbar=False))
    except Exception as exc:
        raise LoaderError(f"cannot fetch {sums_url} to verify the release ({exc}); pass sha256= explicitly") from exc
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        if name == Path(url).name:
            return digest
    raise LoaderError(f"{sums_url} lists no sha256 for {Path(url).name}")


def release_zip(
    version: str | None = None, *, url: str | None = None, sha256: str | None = None, base_url: str | None = None, cache_dir: str | Path | None = None
) -> Path:
    """Path of the verified release zip in the cache, downloading it on first use."""
    import pooch

    if url is None:
        if version is None:
            raise LoaderError("pass version= or url=")
        url = f"{(base_url or RELEASES_URL).rstrip('/')}/v{version}/{NAME}-{version}.zip"
    cache = Path(cache_dir) if cache_dir else Path(pooch.os_cache(NAME))
    expected = _expected_sha256(url, version, sha256, cache)
    try:
        return Path(pooch.retrieve(url, known_hash=f"sha256:{expected}", fname=Path(url).name, path=cache, progressbar=False))
    except ValueError as exc:  # pooch's hash mismatch; it has already deleted the download
        raise LoaderError(f"release {url} does not match its expected sha256 {expected}; it was not used or cached. ({exc})") from exc


def load(
    table: str,
    version: str | None = None,
    *,
    url: str | None = None,
    sha256: str | None = None,
    base_url: str | None = None,
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
) -> Any:
    """One table as a typed DataFrame: from a release when version or url is given, else from local data/."""
    _check_table(table)
    if version is None and url is None:
        path = Path(data_dir) if data_dir else _checkout_data()
        return _read_parquet(path / f"{table}.parquet")
    archive = release_zip(version, url=url, sha256=sha256, base_url=base_url, cache_dir=cache_dir)
    with zipfile.ZipFile(archive) as zipped:
        names = [n for n in zipped.namelist() if n.endswith(f"/data/{table}.parquet")]
        if len(names) != 1:
            raise LoaderError(f"{archive} holds no single data/{table}.parquet")
        return _read_parquet(io.BytesIO(zipped.read(names[0])))


def load_all(version: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Every table, keyed by name."""
    return {table: load(table, version, **kwargs) for table in TABLES}
