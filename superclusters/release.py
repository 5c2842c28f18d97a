"""Build the release: dist/<name>-<version>.zip and dist/SHA256SUMS, deterministic and checked.

The zip holds one top folder, <name>-<version>/, with datapackage.json, data/,
schemas/, seeds/, README.md, CHANGELOG.md and LICENSE.md. Entries are sorted,
stored uncompressed (so the bytes do not depend on the machine's zlib), dated
SOURCE_DATE_EPOCH (or a fixed default) and given 0644 permissions: building
twice gives the same bytes. SHA256SUMS covers the zip and every file inside it,
so `sha256sum -c SHA256SUMS` works after `unzip` in the same folder.

Usage: python -m superclusters.release [--root DIR] [--dist DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from .errors import BuildError, Problem
from .seeds import sha256_hex

RELEASE_ITEMS = ("datapackage.json", "README.md", "CHANGELOG.md", "LICENSE.md", "data", "schemas", "seeds")
DEFAULT_EPOCH = 1704067200  # 2024-01-01T00:00:00Z, used when SOURCE_DATE_EPOCH is not set
ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest date a zip entry can carry


def release_name(root: Path) -> tuple[str, str]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return descriptor["name"], descriptor["version"]


def members(root: Path) -> list[tuple[str, bytes]]:
    """(path inside the package, bytes) of every released file, sorted."""
    found = []
    for item in RELEASE_ITEMS:
        path = root / item
        if not path.exists():
            raise BuildError([Problem(item, "", "", "missing; a release needs it")])
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        found += [(p.relative_to(root).as_posix(), p.read_bytes()) for p in files]
    return sorted(found)


def source_date_epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return DEFAULT_EPOCH
    if not value.isdigit():
        raise BuildError([Problem("SOURCE_DATE_EPOCH", "", "", f"{value!r} is not a number of seconds since 1970")])
    return max(int(value), ZIP_EPOCH_MIN)


def zip_bytes(files: list[tuple[str, bytes]], top: str, epoch: int) -> bytes:
    buffer = io.BytesIO()
    stamp = time.gmtime(epoch)[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, data in sorted(files):
            info = zipfile.ZipInfo(f"{top}/{path}", date_time=stamp)
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
    return buffer.getvalue()


def sha256sums(zip_name: str, zipped: bytes, files: list[tuple[str, bytes]], top: str) -> str:
    lines = [(zip_name, sha256_hex(zipped))] + [(f"{top}/{path}", sha256_hex(data)) for path, data in files]
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(lines))


def check_release(dist: Path, zip_name: str) -> list[str]:
    """Unpack, compare with SHA256SUMS, validate with frictionless and our own check; return problems."""
    from frictionless import Package

    from .pipeline import verify

    problems = []
    expected = {}
    for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        expected[name] = digest
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(dist / zip_name) as archive:
            archive.extractall(tmp)
        unpacked = {p.relative_to(tmp).as_posix(): p for p in Path(tmp).rglob("*") if p.is_file()}
        actual = {name: sha256_hex(path.read_bytes()) for name, path in unpacked.items()}
        actual[zip_name] = sha256_hex((dist / zip_name).read_bytes())
        for name in sorted(set(expected) | set(actual)):
            if expected.get(name) != actual.get(name):
                problems.append(f"{name}: SHA256SUMS says {expected.get(name)}, file has {actual.get(name)}")
        top = Path(tmp) / zip_name.removesuffix(".zip")
        report = Package(str(top / "datapackage.json")).validate()
        problems += [f"frictionless: {task.name}: {e.message}" for task in report.tasks for e in task.errors]
        problems += [f"verify: {p}" for p in verify(top)]
    return problems


def build_release(root: Path, dist: Path) -> tuple[Path, Path]:
    """Write the zip and SHA256SUMS into `dist` (replacing them only once checked); return their paths."""
    from .pipeline import stale_files

    stale = stale_files(root)
    if stale:
        raise BuildError([Problem(name, "", "", "out of date; run `make build` and commit before releasing") for name in stale])
    name, version = release_name(root)
    top = f"{name}-{version}"
    files = members(root)
    zipped = zip_bytes(files, top, source_date_epoch())
    sums = sha256sums(f"{top}.zip", zipped, files, top)
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dist) as staging:
        staged = Path(staging)
        (staged / f"{top}.zip").write_bytes(zipped)
        (staged / "SHA256SUMS").write_text(sums, encoding="utf-8", newline="\n")
        problems = check_release(staged, f"{top}.zip")
        if problems:
            raise BuildError([Problem("release", "", "", p) for p in problems])
        os.replace(staged / f"{top}.zip", dist / f"{top}.zip")
        os.replace(staged / "SHA256SUMS", dist / "SHA256SUMS")
    return dist / f"{top}.zip", dist / "SHA256SUMS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = Path(__file__).resolve().parent.parent
    parser.add_argument("--root", type=Path, default=here, help="package folder (default: this repository)")
    parser.add_argument("--dist", type=Path, default=None, help="output folder (default: ROOT/dist)")
    args = parser.parse_args(argv)
    try:
        archive, sums = build_release(args.root, args.dist or args.root / "dist")
    except BuildError as exc:
        print(f"release failed, nothing written. {exc}", file=sys.stderr)
        return 1
    print(f"wrote {archive} ({archive.stat().st_size} bytes, sha256 {sha256_hex(archive.read_bytes())}) and {sums}; checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
