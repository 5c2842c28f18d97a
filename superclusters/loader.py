"""Load the dataset's tables as typed pandas DataFrames: from the installed package, a checkout, or a verified release.

    import superclusters
    superclusters.list_tables()                                   # the tables this package holds
    claims = superclusters.load("claims")                         # the data shipped with the package, offline
    claims.attrs["columns"]["quote"]                              # every column's description travels with the frame
    superclusters.span_text(claims.span_url[0])                   # the exact words a row rests on
    claims = superclusters.load("claims", version="2.1.0")       # a release zip, downloaded once, verified, cached

Where the data comes from. Without version= or url=, from this installation: the copy inside an
installed wheel (superclusters/_data/), else this checkout. `data_dir=` names another package folder
(one holding datapackage.json, e.g. an unpacked release), its data/ folder, or a bare folder of
Parquet files. With version= or url=, from a release zip (below), unpacked once into the cache. Every
table, column and seed is found through the package's datapackage.json, so a table added to the
package is loadable without a change here; every path read from a descriptor is checked first
(`superclusters.publish.verify.unsafe_path`): relative, inside the package, a regular file.

Types. Tables are read from Parquet, so integers stay integers (nullable Int64 where a cell may be
empty) and no text value ("NA", "None") is ever turned into a missing value. Date fields become
pandas datetime64 (so `.dt` works) and list fields become Python lists (so `.explode()` works),
whether the Parquet file stores a list as Arrow list<string> or as a `|`-joined string: the
table's schema says which fields are lists and with which delimiter. `DataFrame.attrs` carries the
table's description, each column's description, the Table Schema and the dataset version.

Release layout. A release lives at `<base>/v<version>/<name>-<version>.zip`, beside its SHA256SUMS:
the layout `make release` writes into dist/ and a GitHub Release serves.

Trust. A downloaded zip is used only if its sha256 equals one the user can trust: an explicit
`sha256=`, or the hash pinned for that version in KNOWN_RELEASES (superclusters/releases.json,
written by `make release` and shipped in the package). The SHA256SUMS beside the zip comes from the
same server as the zip, so it only proves the transfer was not corrupted, not that the server is
honest: it is used only with `trust_server_checksums=True`.

Cache. A download is held in memory (at most MAX_DOWNLOAD_BYTES) until every check has passed, so a
download that fails, or a process killed while downloading, leaves nothing in the cache. Only then is
the zip written, and later unpacked beside it, each through a temporary name (`.<name>.<pid>.*.part`)
and a rename; a temporary left by a process killed in that instant is removed by the next call once
its process is gone. pooch is not used for this: pooch 1.9 creates its temporary file in the cache
folder before the first byte arrives, and a killed download left it there (0 bytes).

Failures. Every failure is a LoaderError naming the URL or the file and what to do; so is every bad
argument and every bad setting from the environment (AI_SUPERCLUSTERS_RELEASES, AI_SUPERCLUSTERS_CACHE):
never a TypeError or a traceback from deeper down.

Only pandas, pyarrow, requests and platformdirs are imported, and only when they are needed.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import stat
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

from .inputs.paths import MISSING, path_problem
from .publish.files import PACKAGE
from .publish.package import ADVICE, DESCRIPTOR, Package, PackageError

NAME = PACKAGE["name"]
HERE = Path(__file__).resolve().parent
# Where releases are published; each version's assets live under <RELEASES_URL>/v<version>/.
# Override per call with base_url=, or for a session with the AI_SUPERCLUSTERS_RELEASES variable.
RELEASES_URL = "https://github.com/ai-superclusters-2024/ai-superclusters-2024/releases/download"
RELEASES_ENV = "AI_SUPERCLUSTERS_RELEASES"
CACHE_ENV = "AI_SUPERCLUSTERS_CACHE"  # the cache folder, when neither cache_dir= nor the platform's default is wanted
PINS_FILE = HERE / "releases.json"
# Limits that keep a hostile or broken server from exhausting memory, disk or patience. The 2.1.0
# zip is about 2.1 MiB, so these leave well over an order of magnitude of room.
MAX_DOWNLOAD_BYTES = 64 * 2**20  # the zip, as transferred (held in memory until checked)
MAX_SUMS_BYTES = 2**20  # SHA256SUMS
MAX_UNCOMPRESSED_BYTES = 256 * 2**20  # all members of the zip together, as unpacked (zip-bomb cap)
MAX_URL_CHARS = 2048
DOWNLOAD_DEADLINE_SECONDS = 300.0  # a whole download, however slowly the server trickles bytes
SOCKET_TIMEOUT_SECONDS = 30.0  # connecting, and waiting for the next bytes
STALE_PART_SECONDS = 24 * 3600  # a temporary older than this is removed even if its process id is alive (reused)
SHA256 = re.compile(r"[0-9a-f]{64}")
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,63}")  # SemVer characters: a version never adds path segments to a URL
CACHE_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]{0,200}\.zip")  # a URL's last segment used as is only if it is a plain zip name
PART = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[^.]*\.part")  # a temporary in the cache: .<name>.<pid>.<random>.part
SPAN_URL = re.compile(r"(?P<path>seeds/[^/#?\\]+\.txt)#char=(?P<start>[0-9]{1,12}),(?P<end>[0-9]{1,12})")
ARTICLE_ID = re.compile(r"[0-9]{3,}_[0-9a-f]{16}")


class LoaderError(Exception):
    """A table or release could not be loaded; the message says which, why, and what to do."""


def _read_pins(path: Path) -> dict[str, str]:
    """The release hashes pinned in this package; a damaged file pins nothing (loads then need sha256=)."""
    from .inputs.limits import TooLarge, read_json

    try:
        data = read_json(path)
    except (OSError, UnicodeDecodeError, ValueError, TooLarge):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v.lower() for k, v in data.items() if isinstance(k, str) and isinstance(v, str) and SHA256.fullmatch(v.lower())}


# sha256 of each published release zip, {version: hex digest}; `make release` adds the line.
KNOWN_RELEASES: dict[str, str] = _read_pins(PINS_FILE)


# --- arguments and settings: each checked, each failure a LoaderError ----------------------------------


def _shown(value: Any) -> str:
    return repr(value)[:80]


def _text_argument(value: Any, name: str, expected: str) -> str:
    if not isinstance(value, str) or not value:
        raise LoaderError(f"{name}={_shown(value)} is not {expected}")
    return value


def _path_argument(value: Any, name: str) -> Path:
    """A folder argument or setting as a Path: text or os.PathLike, not empty, no NUL byte."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value or "\x00" in value:
        raise LoaderError(f"{name}={_shown(value)} is not a folder path; expected a str or pathlib.Path naming a folder")
    return Path(value)


def _http_url(value: Any, name: str, base: bool = False) -> str:
    """An http(s) URL with a host; a base URL (under which v<version>/ is appended) has no query or fragment."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL_CHARS or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise LoaderError(f"{name}={_shown(value)} is not a URL; expected http(s)://host/path, at most {MAX_URL_CHARS} characters, no spaces")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number in range
    except ValueError as exc:
        raise LoaderError(f"{name}={_shown(value)} is not a valid URL ({exc}); expected http(s)://host/path") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LoaderError(f"{name}={_shown(value)} is not an http(s) URL with a host; expected http(s)://host/path")
    if base and (parts.query or parts.fragment):
        raise LoaderError(f"{name}={_shown(value)} has a query or fragment; expected the folder releases live under, e.g. https://host/releases/download")
    return value


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise LoaderError(f"{name}={_shown(value)} is not True or False")
    return value


def _deadline(timeout: Any) -> float:
    if timeout is None:
        return DOWNLOAD_DEADLINE_SECONDS
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < math.inf:
        raise LoaderError(f"timeout={_shown(timeout)} is not a positive number of seconds")
    return float(timeout)


def _version(version: Any) -> str:
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        raise LoaderError(f"version={_shown(version)} is not a version number such as '1.0.0'; see CHANGELOG.md for the released versions")
    return version


def releases_url() -> str:
    """Where releases are looked up without base_url=: AI_SUPERCLUSTERS_RELEASES when set (checked), else RELEASES_URL."""
    value = os.environ.get(RELEASES_ENV)
    if value is None:
        return RELEASES_URL
    try:
        return _http_url(value, RELEASES_ENV, base=True)
    except LoaderError as exc:
        raise LoaderError(f"the environment variable {exc}; fix or unset it") from None


def cache_folder(cache_dir: Any = None) -> Path:
    """The cache folder: cache_dir=, else AI_SUPERCLUSTERS_CACHE (an absolute path), else the platform's user cache."""
    if cache_dir is not None:
        return _path_argument(cache_dir, "cache_dir")
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        if not value or "\x00" in value or not os.path.isabs(value):
            raise LoaderError(f"the environment variable {CACHE_ENV}={_shown(value)} is not an absolute folder path; fix or unset it")
        return Path(value)
    import platformdirs

    return Path(platformdirs.user_cache_dir(NAME))


# --- where the data is: a package folder ------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """A package folder (read through publish.package, every path checked), or a bare folder of <table>.parquet
    files (`parquet_dir`) described by this installation's own descriptor and schemas."""

    package: Package
    parquet_dir: Path | None = None

    @property
    def origin(self) -> str:
        return str(self.parquet_dir) if self.parquet_dir is not None else self.package.origin

    def check_table(self, table: Any) -> str:
        tables = self.call(self.package.tables)
        if not isinstance(table, str) or table not in tables:
            raise LoaderError(f"unknown table {_shown(table)}; expected one of {', '.join(tables)} (see list_tables())")
        return table

    def parquet(self, table: str) -> Path:
        if self.parquet_dir is not None:
            why = path_problem(self.parquet_dir, f"{table}.parquet")  # never through a link, never a FIFO or a device
            if why is not None and why.startswith(MISSING):
                raise LoaderError(
                    f"data_dir={_shown(str(self.parquet_dir))} holds no {DESCRIPTOR} and no {table}.parquet; "
                    f"expected a package folder (holding {DESCRIPTOR}), its data/ folder, or a folder of <table>.parquet files"
                )
            if why is not None:
                raise LoaderError(f"data_dir={_shown(str(self.parquet_dir))}: {table}.parquet: {why}")
            return self.parquet_dir / f"{table}.parquet"
        return self.call(self.package.data_file, table, "parquet")

    @staticmethod
    def call(method: Any, *args: Any) -> Any:
        """A publish.package call, its PackageError as a LoaderError."""
        try:
            return method(*args)
        except PackageError as exc:
            raise LoaderError(str(exc)) from None


def _open(root: Path, origin: str | None = None) -> Package:
    return _Source.call(Package.open, root, origin)


def _installed_root() -> Path:
    """Folder holding datapackage.json, data/ and schemas/: the copy inside an installed wheel, else this checkout."""
    for candidate in (HERE / "_data", HERE.parent):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    raise LoaderError(
        f"this installation has no data ({HERE / '_data'} and {HERE.parent / DESCRIPTOR} are missing); "
        "reinstall the package from its wheel, run `make build` in a checkout, or pass version= or url= to load a release"
    )


def package_root() -> Path:
    """The installed package's own data folder (the wheel's superclusters/_data/, or the checkout): what load() reads by default."""
    return _installed_root()


def _local(data_dir: Any) -> _Source:
    """The package at data_dir= (a package folder, its data/ folder, or a bare Parquet folder), else the installed one."""
    if data_dir is None:
        return _Source(_open(_installed_root()))
    folder = _path_argument(data_dir, "data_dir")
    try:
        is_folder = folder.is_dir()
    except OSError as exc:  # a name too long, a folder that may not be entered
        raise LoaderError(f"data_dir={_shown(str(folder))} cannot be read ({exc.strerror or exc}); expected a package folder you can read") from None
    if not is_folder:
        raise LoaderError(f"data_dir={_shown(str(folder))} is not a folder; expected a package folder (holding {DESCRIPTOR}) or its data/ folder")
    for root in (folder, folder.parent):
        try:
            os.lstat(root / DESCRIPTOR)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            reason = exc.strerror or exc
            raise LoaderError(
                f"data_dir={_shown(str(folder))}: {root / DESCRIPTOR} cannot be read ({reason}); expected a package folder you can read"
            ) from None
        # A descriptor is there, of whatever kind: it is the package's, and opening it refuses a link, a FIFO or a
        # device (never the bare-Parquet fallback, which would say something else).
        return _Source(_open(root))
    return _Source(_open(_installed_root()), parquet_dir=folder)


# --- reading a table ------------------------------------------------------------------------------------


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


def _first_line(exc: BaseException) -> str:
    """An exception's message on one line (pandas adds multi-line hints), cut to 200 characters."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _typed(df: Any, schema: dict) -> Any:
    """Dates as datetime64 and lists as Python lists, per the schema; other columns keep the Parquet types."""
    import pandas as pd

    for field in schema.get("fields", []):
        name = field.get("name")
        if not isinstance(name, str) or name not in df.columns:
            continue
        if field.get("type") == "date":
            if not pd.api.types.is_datetime64_any_dtype(df[name]):
                try:
                    df[name] = pd.to_datetime(df[name], format="ISO8601")  # dates stored as text
                except (TypeError, ValueError) as exc:
                    raise LoaderError(f"column {name} holds values that are not dates ({_first_line(exc)}); reinstall or download the data again") from None
            try:
                df[name] = df[name].astype("datetime64[ms]")  # one unit whichever way the file stored the dates
            except (TypeError, ValueError) as exc:  # e.g. a timezone-aware timestamp: a date has no time zone
                raise LoaderError(f"column {name} holds values that are not dates ({_first_line(exc)}); reinstall or download the data again") from None
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
    except (OSError, ValueError, pa.ArrowException, KeyError, TypeError) as exc:  # Key/TypeError: pandas metadata of the wrong shape
        raise LoaderError(
            f"{where} is not a readable Parquet file ({str(exc)[:300]}); reinstall the package, rebuild with `make build`, or download the release again"
        ) from None
    return _typed(df, schema)


def _description(source: _Source, table: str) -> dict[str, Any]:
    """What travels with a table: its description, each column's, its schema, the dataset version and where it came from."""
    schema = source.call(source.package.schema, table)
    fields = [f for f in schema["fields"] if isinstance(f.get("name"), str)]
    return {
        "table": table,
        "description": schema.get("description", ""),
        "columns": {f["name"]: f.get("description", "") for f in fields},
        "primary_key": schema.get("primaryKey", []),
        "foreign_keys": schema.get("foreignKeys", []),
        "schema": schema,
        "version": source.package.version(),
        "source": source.origin,
    }


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


def _check_zip(data: bytes, url: str) -> None:
    """Refuse a zip that is corrupt, has link or escaping entries, or unpacks to more than MAX_UNCOMPRESSED_BYTES.

    Every member is read through (in chunks, never whole) so that its CRC is checked; zipfile never
    yields more than a member's declared size, and the declared sizes are capped first.
    """
    what = f"the release {url}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
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
                pure = PurePosixPath(name)
                if pure.is_absolute() or ".." in pure.parts or "\\" in name or "\x00" in name or (pure.parts and ":" in pure.parts[0]):
                    raise LoaderError(f"{what} has an entry outside the package ({name[:100]!r}); it was not used or cached; report it to the publisher")
                with archive.open(info) as member:
                    while member.read(2**20):
                        pass
            if DESCRIPTOR not in archive.namelist():
                raise LoaderError(f"{what} has no {DESCRIPTOR} at its root, so it is not a release of {NAME}; check the URL")
    except LoaderError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, RuntimeError, OSError) as exc:
        raise LoaderError(f"{what} is not a valid zip ({str(exc)[:200]}); it was not used or cached; try again, or report it to the publisher") from None


def _download(url: str, expected: str, deadline: float) -> bytes:
    """The zip's bytes, in memory, checked: sha256 and zip structure. Nothing touches the disk."""
    received = bytearray()
    _fetch(url, received.extend, MAX_DOWNLOAD_BYTES, deadline)
    data = bytes(received)
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise LoaderError(
            f"release {url} does not match its expected sha256 {expected} (got {digest}); it was not used or cached. "
            "If the release was re-published, get its new sha256 from a source you trust"
        )
    _check_zip(data, url)
    return data


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


def _expected_sha256(url: str, version: str | None, sha256: Any, trust_server_checksums: bool, deadline: float) -> str:
    """The hash the zip must have, from the most trustworthy source given (see the module's docstring)."""
    if sha256 is not None:
        digest = sha256.removeprefix("sha256:").lower() if isinstance(sha256, str) else None
        if digest is None or not SHA256.fullmatch(digest):
            raise LoaderError(f"sha256={_shown(sha256)} is not a sha256 hex digest (64 characters 0-9a-f)")
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
    version = _version(version)
    base = releases_url() if base_url is None else _http_url(base_url, "base_url", base=True)
    return f"{base.rstrip('/')}/v{version}/{NAME}-{version}.zip"


# Called between writing a temporary into the cache and renaming it into place; a test sets it to kill the process there.
fault_hook: Any = None


def _sweep(cache: Path) -> None:
    """Remove temporaries (.<name>.<pid>.<random>.part) whose process is gone, or that are older than a day."""
    try:
        entries = list(os.scandir(cache))
    except OSError:
        return
    for entry in entries:
        match = PART.fullmatch(entry.name)
        if not match:
            continue
        pid = int(match["pid"])
        try:
            alive = _process_alive(pid) and time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_PART_SECONDS
        except OSError:
            continue
        if alive:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                import shutil

                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        except OSError:
            pass  # a read-only cache keeps its leftovers; they are never read


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or a pid we cannot ask about: leave its file alone
    return True


def _store(cache: Path, name: str, data: bytes, url: str) -> Path:
    """Write `data` to cache/name through a temporary and a rename, so the name only ever holds a whole file."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache, prefix=f".{name}.{os.getpid()}.", suffix=".part", delete=False) as handle:
            partial = Path(handle.name)
            try:
                handle.write(data)
            except BaseException:
                handle.close()
                partial.unlink(missing_ok=True)
                raise
        try:
            if fault_hook is not None:
                fault_hook("before rename")
            os.replace(partial, cache / name)
        finally:
            partial.unlink(missing_ok=True)
    except OSError as exc:
        raise LoaderError(f"cannot store {url} in the cache folder {cache} ({exc.strerror or exc}); pass cache_dir= a folder you can write to") from None
    return cache / name


def _cached_zip(path: Path, expected: str) -> bool:
    """Whether the cache already holds the zip with exactly the expected bytes (hashed on every use, as pooch did)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or path.stat().st_size > MAX_DOWNLOAD_BYTES:
            return False
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(2**20):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == expected


def release_zip(
    version: str | None = None,
    *,
    url: str | None = None,
    sha256: str | None = None,
    base_url: str | None = None,
    cache_dir: str | os.PathLike | None = None,
    trust_server_checksums: bool = False,
    timeout: float | None = None,
) -> Path:
    """Path of the verified release zip in the cache, downloading it on first use."""
    _flag(trust_server_checksums, "trust_server_checksums")
    deadline = _deadline(timeout)
    if url is None:
        if version is None:
            raise LoaderError("pass version= or url=")
        url = release_url(version, base_url)
    else:
        url = _http_url(url, "url")
        if version is not None:
            _version(version)
        if base_url is not None:
            _http_url(base_url, "base_url", base=True)
    cache = cache_folder(cache_dir)
    expected = _expected_sha256(url, version, sha256, trust_server_checksums, deadline)
    # The cache file is named after the URL when that is a plain zip name, else after the content's hash:
    # a URL ending in "..", "/" or a query can never name a file outside the cache or a hidden one.
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    fname = last if CACHE_NAME.fullmatch(last) else f"{NAME}-sha256-{expected[:16]}.zip"
    _sweep(cache)
    target = cache / fname
    if _cached_zip(target, expected):
        return target.resolve()
    data = _download(url, expected, deadline)
    return _store(cache, fname, data, url).resolve()


def _unpacked(archive: Path, url: str) -> Path:
    """The release zip unpacked beside it (once; through a temporary folder and a rename), named after its sha256."""
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    folder = archive.with_name(f"{archive.stem}-{digest[:16]}")
    if (folder / DESCRIPTOR).is_file() and not folder.is_symlink():
        return folder
    cache = archive.parent
    try:
        partial = Path(tempfile.mkdtemp(dir=cache, prefix=f".{folder.name}.{os.getpid()}.", suffix=".part"))
        try:
            with zipfile.ZipFile(archive) as zipped:
                for info in zipped.infolist():  # names were checked before the zip was cached (_check_zip)
                    if info.is_dir():
                        continue
                    target = partial / info.filename
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zipped.open(info) as member, open(target, "wb") as out:
                        while chunk := member.read(2**20):
                            out.write(chunk)
            if fault_hook is not None:
                fault_hook("before rename")
            try:
                os.rename(partial, folder)
            except OSError:
                if not (folder / DESCRIPTOR).is_file():  # another process unpacked it first: use theirs
                    raise
        finally:
            if partial.exists():
                import shutil

                shutil.rmtree(partial, ignore_errors=True)
    except (OSError, zipfile.BadZipFile) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise LoaderError(f"cannot unpack {url} in the cache folder {cache} ({reason}); pass cache_dir= a folder you can write to") from None
    return folder


# --- the public API --------------------------------------------------------------------------------------


class Source(TypedDict, total=False):
    """Where the data comes from, the keyword arguments every function of the API takes (all optional).

    url: a release zip's URL (with sha256=, or a pinned version=); sha256: the zip's sha256 you trust;
    base_url: where releases live (default RELEASES_URL or AI_SUPERCLUSTERS_RELEASES); cache_dir: where
    downloads are kept (default AI_SUPERCLUSTERS_CACHE or the platform's cache); data_dir: a package folder,
    its data/ folder or a folder of Parquet files, instead of this installation's data;
    trust_server_checksums: accept the SHA256SUMS beside the zip; timeout: seconds for a whole download.
    """

    url: str
    sha256: str
    base_url: str
    cache_dir: str | os.PathLike
    data_dir: str | os.PathLike
    trust_server_checksums: bool
    timeout: float


def _package(version: Any, source: dict[str, Any]) -> _Source:
    """Where the data comes from, every argument checked: a release (version= or url=), data_dir=, or this installation."""
    unknown = sorted(set(source) - set(Source.__annotations__))
    if unknown:
        raise LoaderError(f"unknown argument {unknown[0]}=; expected version= or one of {', '.join(f'{k}=' for k in Source.__annotations__)}")
    url, sha256, base_url = source.get("url"), source.get("sha256"), source.get("base_url")
    cache_dir, data_dir, timeout = source.get("cache_dir"), source.get("data_dir"), source.get("timeout")
    trust_server_checksums = source.get("trust_server_checksums", False)
    _flag(trust_server_checksums, "trust_server_checksums")
    _deadline(timeout)
    if cache_dir is not None:
        _path_argument(cache_dir, "cache_dir")
    if sha256 is not None and not isinstance(sha256, str):
        raise LoaderError(f"sha256={_shown(sha256)} is not a sha256 hex digest (64 characters 0-9a-f)")
    if version is None and url is None:
        if base_url is not None:
            _http_url(base_url, "base_url", base=True)
        return _local(data_dir)
    if data_dir is not None:
        raise LoaderError("pass data_dir= or a release (version= or url=), not both")
    archive = release_zip(
        version, url=url, sha256=sha256, base_url=base_url, cache_dir=cache_dir, trust_server_checksums=trust_server_checksums, timeout=timeout
    )
    shown = url or release_url(version, base_url)
    return _Source(_open(_unpacked(archive, shown), shown))


def load(
    table: str,
    version: str | None = None,
    **source: Unpack[Source],
) -> Any:
    """One table as a typed DataFrame, its description, column descriptions, schema and version in `.attrs`.

    From a release when version= or url= is given, else from data_dir= or the package's own data. Every
    function here takes the same keyword arguments for where the data comes from: see `Source`.
    """
    _text_argument(table, "table", "a table name; see list_tables()")
    where = _package(version, source)
    where.check_table(table)
    path = where.parquet(table)
    df = _read_parquet(path, where.call(where.package.schema, table), str(path))
    df.attrs.update(_description(where, table))
    return df


def load_all(
    version: str | None = None,
    **source: Unpack[Source],
) -> dict[str, Any]:
    """Every table, keyed by name (the release or folder is checked and, for a release, downloaded once)."""
    where = _package(version, source)
    return {table: load(table, version, **source) for table in where.call(where.package.tables)}


def list_tables(
    version: str | None = None,
    **source: Unpack[Source],
) -> list[str]:
    """The names of the tables the package holds, in the descriptor's order (what load() accepts)."""
    where = _package(version, source)
    return where.call(where.package.tables)


def describe(
    table: str,
    version: str | None = None,
    **source: Unpack[Source],
) -> dict[str, Any]:
    """A table's description, columns (name -> description), keys, Table Schema, dataset version and row count: what load() puts in attrs, plus rows."""
    _text_argument(table, "table", "a table name; see list_tables()")
    where = _package(version, source)
    where.check_table(table)
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = where.parquet(table)
    try:
        rows = pq.read_metadata(path).num_rows
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise LoaderError(f"{path} is not a readable Parquet file ({str(exc)[:300]}); {ADVICE}") from None
    return {**_description(where, table), "rows": rows}


def span_text(
    span_url: str,
    version: str | None = None,
    **source: Unpack[Source],
) -> str:
    """The exact words a row's `span_url` (`seeds/<article_id>.txt#char=<start>,<end>`) points at, from the hash-checked seed.

    Offsets are Unicode code points, end-exclusive (RFC 5147), so for every row `span_text(row.span_url) == row.quote`.
    """
    if not isinstance(span_url, str):
        raise LoaderError(f"span_url={_shown(span_url)} is not a span link; expected 'seeds/<article_id>.txt#char=<start>,<end>'")
    # A link may carry a prefix (a site's address, a folder): what counts is the seeds/<file>#char=... at its end.
    match = SPAN_URL.fullmatch("seeds/" + span_url.rsplit("/seeds/", 1)[1] if "/seeds/" in span_url else span_url)
    if not match:
        raise LoaderError(f"span_url={_shown(span_url)} is not a span link; expected 'seeds/<article_id>.txt#char=<start>,<end>'")
    start, end = int(match["start"]), int(match["end"])
    where = _package(version, source)
    text = where.call(where.package.seed, match["path"])
    if not start <= end <= len(text):
        raise LoaderError(f"span_url={_shown(span_url)}: characters {start} to {end} are not within the seed's {len(text)} characters")
    return text[start:end]


def seed_text(
    article_id: str,
    version: str | None = None,
    **source: Unpack[Source],
) -> str:
    """The whole text of an article's seed (`articles.article_id`), exactly as published and checked against its sha256."""
    if not isinstance(article_id, str) or not ARTICLE_ID.fullmatch(article_id):
        raise LoaderError(f"article_id={_shown(article_id)} is not an article id; expected e.g. '002_0336e88edfd704cd' (articles.article_id)")
    where = _package(version, source)
    return where.call(where.package.seed, f"seeds/{article_id}.txt")


def version() -> str:
    """The dataset version of this installation's data (datapackage.json's, which the build copies from pyproject.toml)."""
    try:
        return _local(None).package.version()
    except LoaderError:
        from importlib import metadata

        try:
            return metadata.version(NAME)
        except metadata.PackageNotFoundError:
            return "unknown"
