"""Build the release: dist/v<version>/ with the zip, the other assets and SHA256SUMS, deterministic and checked.

Layout. `dist/` is written exactly as it is served: `dist/v<version>/<name>-<version>.zip`, the other
top-level assets `make release` adds (build/release.py: the SQLite database and its Datasette metadata, the
Epoch-style CSV, the wheel) and `dist/v<version>/SHA256SUMS`, the same `<base>/v<version>/<file>` paths
that a GitHub Release uses and that `superclusters.load(version=..., base_url=...)` downloads from.
Serving `dist/` as built is a working release server.

Contents. The zip holds exactly the package, with `datapackage.json` at its root (no top folder),
which is the convention frictionless reads zipped packages by: `frictionless validate <zip>` and
`frictionless.Package("<zip>")` work on it directly. The file list is derived, never globbed: the
descriptor, every resource's path, every schema file a resource references, and EXTRA_FILES (the
README, CHANGELOG, LICENSE, the Hugging Face card's metadata and the figures the README shows). A listed
path that is a symlink (or runs through one), is hidden (except the card's `.huggingface.yaml`, named by
datasets), leaves the package or is not a regular file is an error; files that nobody listed (a stray
`data/evil.csv`, `seeds/.env`) are never shipped. `package_files` is also what the wheel's
`superclusters/_data/` is copied from (see setup.py), so the list is stated once.

Bytes. Entries are sorted, stored uncompressed (so the bytes do not depend on the machine's zlib),
dated SOURCE_DATE_EPOCH (or a fixed default) and given 0644 permissions: building twice gives the
same bytes. SHA256SUMS lists the zip, every other top-level asset and every file inside the zip (by its
path there); a top-level asset never has the name of a file inside the zip.

Trust. The zip's sha256 is pinned in `superclusters/releases.json`, which ships in the wheel and
which the loader reads as KNOWN_RELEASES: `make release` writes the pin before it builds the wheel, so
the wheel it publishes trusts exactly that zip; the maintainer commits the pin with the version. A
version already pinned to other bytes is refused (bump the version instead), unless --repin is given for
a version that was never published.

Run it as `make release` (python -m superclusters.build.release).
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..errors import BuildError, Problem
from ..errors import shown as quoted
from ..inputs.limits import TooLarge, json_problem, read_json
from ..inputs.paths import MISSING, path_problem
from ..inputs.seeds import sha256_hex
from .files import replace_file

DESCRIPTOR = "datapackage.json"
# Shipped besides what the descriptor lists: what the README links to and what the licence requires.
EXTRA_FILES = (
    "README.md",
    "CHANGELOG.md",
    "LICENSE.md",
    "CITATION.cff",
    "croissant.json",
    ".huggingface.yaml",
    "docs/build.md",
    "docs/content.md",
    "docs/curating.md",
    "docs/data-dictionary.md",
    "docs/failures.md",
    "docs/performance.md",
    "figures/claims_by_source.png",
    "figures/site_article.png",
)
# A hidden file a release may ship: the Hugging Face card's metadata, named by datasets (publish/card.py).
# Every other hidden path is refused, so a planted .env is never shipped.
SHIPPED_HIDDEN = frozenset({".huggingface.yaml"})
PINS = Path(__file__).resolve().parents[1] / "releases.json"
SUMS = "SHA256SUMS"
DEFAULT_EPOCH = 1704067200  # 2024-01-01T00:00:00Z, used when SOURCE_DATE_EPOCH is not set
ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest date a zip entry can carry
ZIP_EPOCH_MAX = 4354819199  # 2107-12-31T23:59:59Z, the latest


RELEASE_VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,63}")  # as the loader's: a version never adds a path segment


def release_name(root: Path) -> tuple[str, str]:
    """(package name, version) from the descriptor, which the build copies from pyproject.toml."""
    from .verify import name_problem

    descriptor = _descriptor(root)
    name, version = descriptor.get("name"), descriptor.get("version")
    problems = []
    if name_problem(name) is not None:  # it names the zip and the database: never a path
        problems.append(Problem(DESCRIPTOR, "", "name", f"{name_problem(name)}; run `make build`"))
    if not isinstance(version, str) or not RELEASE_VERSION.fullmatch(version):  # it names dist/v<version>/
        problems.append(Problem(DESCRIPTOR, "", "version", f"{quoted(version)} is not a version such as '1.0.0'; run `make build`"))
    if problems:
        raise BuildError(problems)
    return name, version


def _descriptor(root: Path) -> dict:
    path = root / DESCRIPTOR
    if path.is_symlink() or not path.is_file():
        raise BuildError([Problem(DESCRIPTOR, "", "", "missing or not a regular file; run `make build` first")])
    try:
        descriptor = read_json(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TooLarge) as exc:
        where, what = json_problem(exc)
        raise BuildError([Problem(DESCRIPTOR, where, "", f"{what}; run `make build`")]) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise BuildError([Problem(DESCRIPTOR, "", "resources", "missing; run `make build`")])
    return descriptor


def package_files(root: Path) -> list[str]:
    """Every path the release ships, relative and sorted: derived from the descriptor plus EXTRA_FILES.

    Raises BuildError naming each listed path that is unsafe to ship (see `_path_problem`), so a
    planted symlink or a descriptor pointing outside the package stops the release instead of
    leaking whatever the link points at.
    """
    descriptor = _descriptor(root)
    listed: set[str] = {DESCRIPTOR, *EXTRA_FILES}
    for resource in descriptor["resources"]:
        paths = resource.get("path") if isinstance(resource, dict) else None
        listed.update(paths if isinstance(paths, list) else [paths])
        schema = resource.get("schema") if isinstance(resource, dict) else None
        if isinstance(schema, str):
            listed.add(schema)
    problems = [p for p in (_path_problem(root, path) for path in sorted(listed, key=str)) if p]
    if problems:
        raise BuildError(problems)
    return sorted(listed)


def _path_problem(root: Path, path: object) -> Problem | None:
    """Why `path` may not be shipped, or None (inputs.paths.path_problem: a plain relative path to a regular file, reached without symlinks)."""
    why = path_problem(root, path, hidden_ok=SHIPPED_HIDDEN)
    if why is None:
        return None
    if why.startswith(MISSING):
        return Problem(str(path), "", "", "missing; run `make build` (and `make figure`) before releasing")
    if why.startswith("path "):  # the path itself is refused, whatever is on disk
        return Problem(DESCRIPTOR, "resources", "path", f"{why}: not a relative path inside the package; a release ships only the package's own files")
    return Problem(str(path), "", "", why)


def _read_no_follow(path: Path) -> bytes:
    """The file's bytes, refusing a symlink swapped in after the check (O_NOFOLLOW)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def members(root: Path) -> list[tuple[str, bytes]]:
    """(path inside the package, bytes) of every released file, sorted."""
    return [(path, _read_no_follow(root / path)) for path in package_files(root)]


def source_date_epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return DEFAULT_EPOCH
    # str.isdigit() also takes other scripts' digits ("²", "١"); a zip entry's date ends in 2107.
    if not re.fullmatch(r"[0-9]{1,12}", value) or int(value) > ZIP_EPOCH_MAX:
        raise BuildError(
            [
                Problem(
                    "SOURCE_DATE_EPOCH",
                    "",
                    "",
                    f"{value[:40]!r} is not a number of seconds since 1970 up to {ZIP_EPOCH_MAX} (the end of 2107, the last date a zip entry can carry)",
                )
            ]
        )
    return max(int(value), ZIP_EPOCH_MIN)


def zip_bytes(files: list[tuple[str, bytes]], epoch: int) -> bytes:
    """The zip of `files`, entries at the root, byte-for-byte reproducible."""
    buffer = io.BytesIO()
    stamp = time.gmtime(epoch)[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, data in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
    return buffer.getvalue()


def sha256sums(zip_name: str, zipped: bytes, files: list[tuple[str, bytes]], assets: dict[str, str] | None = None) -> str:
    """`sha256sum` format: the zip, every other top-level asset (`assets`: name -> sha256), then every file by its path inside the zip.

    Top-level names never contain "/" and are never a path inside the zip (build_release refuses a clash), so
    `sha256sum -c --ignore-missing SHA256SUMS` checks the assets in dist/v<version>/ and, run in the unpacked
    zip, every file of the package.
    """
    lines = [(zip_name, sha256_hex(zipped))] + list((assets or {}).items()) + [(path, sha256_hex(data)) for path, data in files]
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(lines))


def check_release(folder: Path, zip_name: str) -> list[str]:
    """Unpack, compare with SHA256SUMS (the zip, every top-level asset, every file inside) and the package's file
    list, validate with frictionless and our own check."""
    from frictionless import Package

    from .verify import verify_published

    problems = []
    expected = {}
    for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        expected[name] = digest
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(folder / zip_name) as archive:
            archive.extractall(tmp)
        unpacked = {p.relative_to(tmp).as_posix(): p for p in Path(tmp).rglob("*") if p.is_file()}
        actual = {name: sha256_hex(path.read_bytes()) for name, path in unpacked.items()}
        for asset in sorted(p for p in folder.iterdir() if p.is_file() and p.name != SUMS and not p.name.startswith(".")):
            if asset.name in unpacked:
                problems.append(f"{asset.name}: a top-level asset with the name of a file inside the zip; SHA256SUMS could not tell them apart")
            actual[asset.name] = sha256_hex(asset.read_bytes())
        for name in sorted(set(expected) | set(actual)):
            if expected.get(name) != actual.get(name):
                problems.append(f"{name}: SHA256SUMS says {expected.get(name)}, file has {actual.get(name)}")
        try:
            listed = set(package_files(Path(tmp)))
        except BuildError as exc:
            problems += [f"contents: {p}" for p in exc.problems]
        else:
            problems += [f"{name}: in the zip but not in the package's file list" for name in sorted(set(unpacked) - listed)]
        report = Package(str(Path(tmp) / DESCRIPTOR)).validate()
        problems += [f"frictionless: {task.name}: {e.message}" for task in report.tasks for e in task.errors]
        problems += [f"verify: {p}" for p in verify_published(Path(tmp))]
    return problems


def read_pins(pins: Path) -> dict[str, str]:
    """The pinned release hashes, {version: sha256}; an absent file pins nothing."""
    if not pins.exists():
        return {}
    try:
        data = read_json(pins)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TooLarge) as exc:
        where, what = json_problem(exc)
        raise BuildError([Problem(str(pins), where, "", f"{what}; restore it from git")]) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise BuildError([Problem(str(pins), "", "", 'expected {"<version>": "<sha256>", ...}; restore it from git')])
    return data


def pin_release(pins: Path, version: str, digest: str, repin: bool = False) -> bool:
    """Record `version`'s sha256 in `pins` (atomically); False if it was already pinned to it.

    A version pinned to other bytes is refused: users who installed that pin would reject the new
    zip, and a published version must never change. `repin` is for a version never published.
    """
    known = read_pins(pins)
    if known.get(version) == digest:
        return False
    if version in known and not repin:
        raise BuildError(
            [
                Problem(
                    str(pins),
                    version,
                    "",
                    f"already pinned to sha256 {known[version]}, but this build is {digest}: a released version never changes; "
                    "bump the version in pyproject.toml and CHANGELOG.md (or pass --repin if it was never published)",
                )
            ]
        )
    known[version] = digest
    replace_file(pins, (json.dumps(dict(sorted(known.items())), indent=2) + "\n").encode("utf-8"))
    return True


def build_release(root: Path, dist: Path, pins: Path | None = None, repin: bool = False, assets: Callable[[Path], None] | None = None) -> tuple[Path, Path]:
    """Write dist/v<version>/ and return (zip, SHA256SUMS), in this order: the zip, checked; its sha256 pinned in
    `pins` (if given); `assets(staging)` writing the other top-level assets (the database, the wheel built from
    the pinned state, ...); SHA256SUMS over all of them; the whole folder checked again; then each file moved
    into dist/v<version>/. Nothing there changes unless every check passed.
    """
    name, version = release_name(root)
    zip_name = f"{name}-{version}.zip"
    files = members(root)
    zipped = zip_bytes(files, source_date_epoch())
    if pins is not None:
        read_pins(pins)  # an unreadable pin file stops the release before anything is written
    folder = dist / f"v{version}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".staging-") as staging:
            staged = Path(staging)
            (staged / zip_name).write_bytes(zipped)
            (staged / SUMS).write_text(sha256sums(zip_name, zipped, files), encoding="utf-8", newline="\n")
            problems = check_release(staged, zip_name)
            if problems:
                raise BuildError([Problem("release", "", "", p) for p in problems])
            if pins is not None:
                pin_release(pins, version, sha256_hex(zipped), repin)
            if assets is not None:
                assets(staged)
                others = {p.name: sha256_hex(p.read_bytes()) for p in sorted(staged.iterdir()) if p.is_file() and p.name not in (zip_name, SUMS)}
                (staged / SUMS).write_text(sha256sums(zip_name, zipped, files, others), encoding="utf-8", newline="\n")
                problems = check_release(staged, zip_name)
                if problems:
                    raise BuildError([Problem("release", "", "", p) for p in problems])
            for path in sorted(staged.iterdir()):
                if path.is_file() and path.name != SUMS:
                    os.replace(path, folder / path.name)
            os.replace(staged / SUMS, folder / SUMS)  # last: SHA256SUMS never names a file that is not there yet
    except OSError as exc:  # --dist under a file, in /proc, read-only, a full disk: what was staged goes with the staging folder
        reason = exc.strerror or str(exc)
        if exc.filename is not None:
            reason += f": {quoted(str(exc.filename))}"
        expected = "expected a folder you can create and write to"
        raise BuildError([Problem("--dist", "", "", f"{quoted(str(dist))} cannot be written ({reason}); {expected}")]) from None
    return folder / zip_name, folder / SUMS


def resum(folder: Path, zip_name: str) -> Path:
    """Rewrite folder/SHA256SUMS over what the folder holds now (the zip, its files and every top-level asset) and
    check it: for an asset made after `make release`, such as the site's zip the release workflow adds."""
    zipped = (folder / zip_name).read_bytes()
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        files = [(info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    inside = {path for path, _ in files}
    others = {
        p.name: sha256_hex(p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file() and p.name not in (zip_name, SUMS) and not p.name.startswith(".")
    }
    # A file unpacked from the zip beside it (README.md, datapackage.json, ...) is no asset of the release: it
    # would be listed twice in SHA256SUMS, once as the zip's member and once as a download.
    shadowing = sorted(set(others) & inside)
    if shadowing:
        raise BuildError(
            [
                Problem(
                    f"{folder.name}/{name}", "", "", "is a file of the zip unpacked beside it, not a release asset; remove it (unpack into a folder instead)"
                )
                for name in shadowing
            ]
        )
    previous = (folder / SUMS).read_bytes() if (folder / SUMS).is_file() else None
    replace_file(folder / SUMS, sha256sums(zip_name, zipped, files, others).encode("utf-8"))
    problems = check_release(folder, zip_name)
    if problems:  # nothing changes unless every check passed: the old SHA256SUMS comes back
        if previous is None:
            (folder / SUMS).unlink()
        else:
            replace_file(folder / SUMS, previous)
        raise BuildError([Problem("release", "", "", p) for p in problems])
    return folder / SUMS
