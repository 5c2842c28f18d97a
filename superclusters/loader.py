"""Load the dataset's tables as typed pandas DataFrames: from the installed package, a checkout, or a verified release.

    from superclusters import load, load_all
    claims = load("claims")                                    # the data shipped with the package, offline
    claims = load("claims", version="1.0.0")                   # a release zip, downloaded once, verified, cached
    tables = load_all(url="http://…/ai-superclusters-2024-1.0.0.zip", sha256="…")

Types. Tables are read from Parquet, so integers stay integers (nullable Int64 where a cell may be
empty) and no text value ("NA", "None") is ever turned into a missing value. Date fields become
pandas datetime64 (so `.dt` works) and list fields become Python lists (so `.explode()` works),
whether the Parquet file stores a list as Arrow list<string> or as a `|`-joined string: the
table's schema says which fields are lists and with which delimiter.

Release layout. A release lives at `<base>/v<version>/<name>-<version>.zip`, beside its SHA256SUMS:
the layout `make release` writes into dist/ and a GitHub Release serves.

Trust. A downloaded zip is used only if its sha256 equals one the user can trust: an explicit
`sha256=`, or the hash pinned for that version in KNOWN_RELEASES (superclusters/releases.json,
written by `make release` and shipped in the package). The SHA256SUMS beside the zip comes from the
same server as the zip, so it only proves the transfer was not corrupted, not that the server is
honest: it is used only with `trust_server_checksums=True`.

Failures. Every failure is a LoaderError naming the URL and what to do; nothing that failed any
check (HTTP status, size, overall deadline, sha256, zip structure, CRC, symlink entries, size
of the unpacked members) is ever left in the cache: pooch moves the download into the cache only
after our downloader has checked it. pooch's own log lines are silenced.

Only pandas, pyarrow, pooch and requests are imported, and only when a table is loaded.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import stat
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from .check.schemas import TABLES
from .publish.files import PACKAGE

NAME = PACKAGE["name"]
HERE = Path(__file__).resolve().parent
# Where releases are published; each version's assets live under <RELEASES_URL>/v<version>/.
# Override per call with base_url=, or for a session with the AI_SUPERCLUSTERS_RELEASES variable.
RELEASES_URL = os.environ.get("AI_SUPERCLUSTERS_RELEASES", "https://github.com/ai-superclusters-2024/ai-superclusters-2024/releases/download")
PINS_FILE = HERE / "releases.json"
# Limits that keep a hostile or broken server from exhausting memory, disk or patience. The 2.0.0
# zip is about 1.3 MiB, so these leave well over an order of magnitude of room.
MAX_DOWNLOAD_BYTES = 64 * 2**20  # the zip, as transferred
MAX_SUMS_BYTES = 2**20  # SHA256SUMS
MAX_UNCOMPRESSED_BYTES = 256 * 2**20  # all members of the zip together, as unpacked (zip-bomb cap)
DOWNLOAD_DEADLINE_SECONDS = 300.0  # a whole download, however slowly the server trickles bytes
SOCKET_TIMEOUT_SECONDS = 30.0  # connecting, and waiting for the next bytes
SHA256 = re.compile(r"[0-9a-f]{64}")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]*")  # SemVer characters: a version never adds path segments to a URL
CACHE_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]*\.zip")  # a URL's last segment used as is only if it is a plain zip name


class LoaderError(Exception):
    """A table or release could not be loaded; the message says which, why, and what to do."""


def _read_pins(path: Path) -> dict[str, str]:
    """The release hashes pinned in this package; a damaged file pins nothing (loads then need sha256=)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v.lower() for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and SHA256.fullmatch(v.lower())}


# sha256 of each published release zip, {version: hex digest}; `make release` adds the line.
KNOWN_RELEASES: dict[str, str] = _read_pins(PINS_FILE)


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise LoaderError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")


def _package_root() -> Path:
    """Folder holding data/ and schemas/: the copy inside an installed wheel, else this checkout."""
    for candidate in (HERE / "_data", HERE.parent):
        if (candidate / "data" / "claims.parquet").is_file():
            return candidate
    raise LoaderError(
        f"this installation has no data ({HERE / '_data'} and {HERE.parent / 'data'} are missing); "
        "reinstall the package from its wheel, run `make build` in a checkout, or pass version= or url= to load a release"
    )


def _schema(table: str, folder: Path | None) -> dict:
    """The table's schema: from `folder` (the data's own package) when it has one, else this package's."""
    candidates = ([folder / f"{table}.json"] if folder else []) + [HERE / "_data" / "schemas" / f"{table}.json", HERE.parent / "schemas" / f"{table}.json"]
    for path in candidates:
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise LoaderError(f"schema {path} is unreadable ({exc}); reinstall the package or rebuild with `make build`") from None
    return {"fields": []}  # no schema anywhere: the Parquet types are used as they are (date32 still becomes datetime64)


def _as_list(value: Any, delimiter: str) -> Any:
    """One list cell as a Python list (or None when missing), from either Parquet representation."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value.split(delimiter) if value else None
    try:
        return list(value)  # Arrow list<string> arrives as a numpy array
    except TypeError:  # pd.NA and other scalars that mean "missing"
        return None


def _typed(df: Any, schema: dict) -> Any:
    """Dates as datetime64 and lists as Python lists, per the schema; other columns keep the Parquet types."""
    import pandas as pd

    for field in schema.get("fields", []):
        name = field.get("name")
        if name not in df.columns:
            continue
        if field.get("type") == "date":
            if not pd.api.types.is_datetime64_any_dtype(df[name]):
                try:
                    df[name] = pd.to_datetime(df[name], format="ISO8601")  # dates stored as text
                except (TypeError, ValueError) as exc:
                    raise LoaderError(f"column {name} holds values that are not dates ({str(exc)[:200]}); reinstall or download the data again") from None
            df[name] = df[name].astype("datetime64[ms]")  # one unit whichever way the file stored the dates
        elif field.get("type") == "list":
            delimiter = field.get("delimiter", ",")
            df[name] = pd.Series([_as_list(v, delimiter) for v in df[name]], index=df.index, dtype=object)
    return df


def _read_parquet(source: Any, schema: dict, where: str) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # The file's pandas metadata restores Int64 and string dtypes; Arrow date32 becomes datetime64, whatever the schema says.
        df = pq.read_table(source).to_pandas(date_as_object=False)
    except (OSError, pa.ArrowException) as exc:
        raise LoaderError(
            f"{where} is not a readable Parquet file ({exc}); reinstall the package, rebuild with `make build`, or download the release again"
        ) from None
    return _typed(df, schema)


# --- downloading --------------------------------------------------------------------------------


def _fetch(url: str, sink: Any, limit: int, deadline: float) -> None:
    """Stream `url` into `sink(chunk)`; LoaderError on any HTTP or network failure, over `limit` bytes, or past `deadline`.

    The deadline is checked between reads, and each read returns what has arrived (read1), so a
    server trickling one byte at a time is cut off on time; the socket timeout covers a server that
    sends nothing at all.
    """
    import requests

    started = time.monotonic()
    socket_timeout = min(SOCKET_TIMEOUT_SECONDS, deadline)
    try:
        with requests.get(url, stream=True, timeout=(socket_timeout, socket_timeout), headers={"Accept-Encoding": "identity"}) as response:
            if response.status_code != 200:
                advice = (
                    "no such file: check version= and base_url= (a release lives at <base>/v<version>/<name>-<version>.zip)"
                    if response.status_code == 404
                    else "the server failed; try again later or use another mirror with base_url="
                )
                raise LoaderError(f"{url}: HTTP {response.status_code} {response.reason}; {advice}")
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                raise LoaderError(f"{url}: the server announces {declared} bytes, more than the {limit} a release may have; check the URL")
            received = 0
            while True:
                if time.monotonic() - started > deadline:
                    raise LoaderError(
                        f"{url}: download not finished after {deadline:g} s (overall deadline); try again later, or pass timeout= a longer deadline"
                    )
                chunk = response.raw.read1(65536)
                if not chunk:
                    break
                received += len(chunk)
                if received > limit:
                    raise LoaderError(f"{url}: more than {limit} bytes, more than a release may have; check the URL")
                sink(chunk)
            if declared is not None and declared.isdigit() and received != int(declared):
                raise LoaderError(f"{url}: transfer cut short ({received} of {declared} bytes); try again")
    except LoaderError:
        raise
    except Exception as exc:  # requests, urllib3 and socket errors have no common base; each is a failed transfer
        reason = str(exc)[:300] or type(exc).__name__
        raise LoaderError(f"{url}: download failed ({reason}); check the network and the URL, then try again") from None


def _check_zip(path: str, url: str) -> None:
    """Refuse a zip that is corrupt, has link or escaping entries, or unpacks to more than MAX_UNCOMPRESSED_BYTES.

    Every member is read through (in chunks, never whole) so that its CRC is checked; zipfile never
    yields more than a member's declared size, and the declared sizes are capped first.
    """
    what = f"the release {url}"
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise LoaderError(
                    f"{what} would unpack to {total} bytes, more than the {MAX_UNCOMPRESSED_BYTES} allowed (a zip bomb?); it was not used or cached"
                )
            for info in infos:
                name = info.filename
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise LoaderError(
                        f"{what} has a symlink entry {name[:100]!r}; a release never contains links. It was not used or cached; report it to the publisher"
                    )
                if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts or "\\" in name:
                    raise LoaderError(f"{what} has an entry outside the package ({name[:100]!r}); it was not used or cached; report it to the publisher")
                with archive.open(info) as member:
                    while member.read(2**20):
                        pass
            if "datapackage.json" not in archive.namelist():
                raise LoaderError(f"{what} has no datapackage.json at its root, so it is not a release of {NAME}; check the URL")
    except LoaderError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, RuntimeError, OSError) as exc:
        raise LoaderError(f"{what} is not a valid zip ({str(exc)[:200]}); it was not used or cached; try again, or report it to the publisher") from None


class _VerifiedDownload:
    """A pooch downloader that streams with limits and a deadline, then checks sha256 and zip structure.

    pooch gives it a temporary file inside the cache and moves that into place only if this returns
    normally, and deletes it otherwise: a download that fails any check never lands in the cache.
    """

    def __init__(self, expected: str, deadline: float):
        self.expected = expected
        self.deadline = deadline

    def __call__(self, url: str, output_file: str, pooch: Any, check_only: bool = False) -> None:
        digest = hashlib.sha256()
        with open(output_file, "wb") as out:

            def sink(chunk: bytes) -> None:
                digest.update(chunk)
                out.write(chunk)

            _fetch(url, sink, MAX_DOWNLOAD_BYTES, self.deadline)
        if digest.hexdigest() != self.expected:
            raise LoaderError(
                f"release {url} does not match its expected sha256 {self.expected} (got {digest.hexdigest()}); it was not used or cached. "
                "If the release was re-published, get its new sha256 from a source you trust"
            )
        _check_zip(output_file, url)


def _server_checksum(url: str, deadline: float) -> str:
    """The zip's sha256 as the SHA256SUMS beside it states it (only with trust_server_checksums=True); never cached."""
    sums_url = url.rsplit("/", 1)[0] + "/SHA256SUMS"
    received = bytearray()
    _fetch(sums_url, received.extend, MAX_SUMS_BYTES, deadline)
    try:
        text = bytes(received).decode("utf-8")
    except UnicodeDecodeError:
        raise LoaderError(f"{sums_url} is not a SHA256SUMS file (not UTF-8 text); pass sha256= from a source you trust") from None
    zip_name = url.rsplit("/", 1)[1]
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if name.lstrip("*") == zip_name and SHA256.fullmatch(digest.lower()):
            return digest.lower()
    raise LoaderError(f"{sums_url} lists no valid sha256 for {zip_name}; pass sha256= from a source you trust")


def _expected_sha256(url: str, version: str | None, sha256: str | None, trust_server_checksums: bool, deadline: float) -> str:
    """The hash the zip must have, from the most trustworthy source given (see the module's docstring)."""
    if sha256:
        digest = sha256.removeprefix("sha256:").lower()
        if not SHA256.fullmatch(digest):
            raise LoaderError(f"sha256={sha256[:80]!r} is not a sha256 hex digest (64 characters 0-9a-f)")
        return digest
    if version and version in KNOWN_RELEASES:
        return KNOWN_RELEASES[version]
    if trust_server_checksums:
        return _server_checksum(url, deadline)
    pinned = ", ".join(sorted(KNOWN_RELEASES)) or "none"
    raise LoaderError(
        f"no trusted sha256 for {url}: this package pins the releases {pinned}. Pass sha256= from a source you trust "
        "(the release notes, a checked copy), upgrade the package to one that pins this version, or pass "
        "trust_server_checksums=True to accept the SHA256SUMS from the same server (guards against corrupted "
        "downloads only, not against a tampered server)"
    )


def release_url(version: str, base_url: str | None = None) -> str:
    """Where `version`'s zip is published: <base>/v<version>/<name>-<version>.zip."""
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        raise LoaderError(f"version={str(version)[:40]!r} is not a version number such as '1.0.0'; see CHANGELOG.md for the released versions")
    return f"{(base_url or RELEASES_URL).rstrip('/')}/v{version}/{NAME}-{version}.zip"


def release_zip(
    version: str | None = None,
    *,
    url: str | None = None,
    sha256: str | None = None,
    base_url: str | None = None,
    cache_dir: str | Path | None = None,
    trust_server_checksums: bool = False,
    timeout: float | None = None,
) -> Path:
    """Path of the verified release zip in the cache, downloading it on first use."""
    import pooch

    pooch.get_logger().setLevel("WARNING")  # pooch would print "Downloading…" and hash hints to the user
    if url is None:
        if version is None:
            raise LoaderError("pass version= or url=")
        url = release_url(version, base_url)
    deadline = DOWNLOAD_DEADLINE_SECONDS if timeout is None else timeout
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or not 0 < deadline < float("inf"):
        raise LoaderError(f"timeout={str(timeout)[:40]!r} is not a positive number of seconds")
    expected = _expected_sha256(url, version, sha256, trust_server_checksums, deadline)
    cache = Path(cache_dir) if cache_dir else Path(pooch.os_cache(NAME))
    # The cache file is named after the URL when that is a plain zip name, else after the content's hash:
    # a URL ending in "..", "/" or a query can never name a file outside the cache or a hidden one.
    last = url.split("?", 1)[0].rsplit("/", 1)[-1]
    fname = last if CACHE_NAME.fullmatch(last) else f"{NAME}-sha256-{expected[:16]}.zip"
    try:
        path = pooch.retrieve(
            url,
            known_hash=f"sha256:{expected}",
            fname=fname,
            path=cache,
            downloader=_VerifiedDownload(expected, deadline),
            progressbar=False,
        )
    except LoaderError:
        raise
    except OSError as exc:  # the network's errors are LoaderErrors already: this is the cache folder
        raise LoaderError(f"cannot store {url} in the cache folder {cache} ({exc.strerror or exc}); pass cache_dir= a folder you can write to") from None
    except ValueError as exc:  # pooch's own hash check; it has deleted the file
        raise LoaderError(f"release {url} does not match its expected sha256 {expected}; it was not used or cached. ({exc})") from None
    return Path(path)


def load(
    table: str,
    version: str | None = None,
    *,
    url: str | None = None,
    sha256: str | None = None,
    base_url: str | None = None,
    cache_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    trust_server_checksums: bool = False,
    timeout: float | None = None,
) -> Any:
    """One table as a typed DataFrame: from a release when version or url is given, else from data_dir or the package's own data."""
    _check_table(table)
    if version is None and url is None:
        if data_dir:
            folder = Path(data_dir)
            return _read_parquet(folder / f"{table}.parquet", _schema(table, folder.parent / "schemas"), str(folder / f"{table}.parquet"))
        root = _package_root()
        return _read_parquet(root / "data" / f"{table}.parquet", _schema(table, root / "schemas"), str(root / "data" / f"{table}.parquet"))
    archive = release_zip(
        version, url=url, sha256=sha256, base_url=base_url, cache_dir=cache_dir, trust_server_checksums=trust_server_checksums, timeout=timeout
    )
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = set(zipped.namelist())
            if f"data/{table}.parquet" not in names:
                raise LoaderError(f"{archive} holds no data/{table}.parquet; delete it from the cache and load again")
            data = zipped.read(f"data/{table}.parquet")
            schema_name = f"schemas/{table}.json"
            schema = json.loads(zipped.read(schema_name).decode("utf-8")) if schema_name in names else _schema(table, None)
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LoaderError(f"{archive} is unreadable ({str(exc)[:200]}); delete it from the cache and load again") from None
    return _read_parquet(io.BytesIO(data), schema, f"{archive}!data/{table}.parquet")


def load_all(version: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """Every table, keyed by name."""
    return {table: load(table, version, **kwargs) for table in TABLES}
