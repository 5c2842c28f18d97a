"""The downloads page: exactly the release's files, or, with no release beside the package, the package's own files.

The release folder is `dist/v<version>/` (publish.release). Its SHA256SUMS names every top-level
asset (the zip, the site zip, the Epoch-style CSV, the SQLite file) and every file inside the zip;
the page offers exactly the top-level assets it names that lie beside it, and SHA256SUMS itself.
Anything else in `dist/` (an unpacked zip, an older build, a stray file) is never offered, and an
asset whose bytes do not match SHA256SUMS is a problem, not a download.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import Any

from .package import Package, text

SUMS = "SHA256SUMS"
SUM_LINE = re.compile(r"([0-9a-f]{64}) [ *](.+)")  # sha256sum's format: digest, space, ' ' (text) or '*' (binary), name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def release_folder(package: Package) -> str:
    return f"dist/v{text(package.descriptor.get('version'))}"


def parse_sums(content: str, shown: str, package: Package) -> dict[str, str]:
    """name -> sha256 from a SHA256SUMS file; a line that is not `digest  name` is a problem."""
    sums: dict[str, str] = {}
    for number, line in enumerate(content.splitlines(), 1):
        match = SUM_LINE.fullmatch(line)
        if match is None:
            package.problem(shown, f"line {number}", "", f"{line[:60]!r} is not a sha256sum line; expected '<64 hex digits>  <file name>'")
            continue
        sums[match.group(2)] = match.group(1)
    return sums


def zip_members(data: bytes) -> set[str]:
    """The names inside a zip (its central directory only; nothing is extracted), or none if it is not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def release_downloads(package: Package) -> dict[str, Any]:
    """What the downloads page lists: {source: 'release' or 'package', folder, files: [{name, href, bytes, sha256, copy}]}.

    `copy` is the bytes the site must carry at `href` (release assets are copied into downloads/),
    or None for a package file the site already carries at its own path.
    """
    folder = release_folder(package)
    sums_bytes = package.optional(f"{folder}/{SUMS}")
    if sums_bytes is None:
        files = [{"name": n, "href": n, "bytes": len(data), "sha256": sha256(data), "copy": None} for n, data in package.files.items()]
        return {"source": "package", "folder": "", "files": files}
    shown = f"{folder}/{SUMS}"
    try:
        sums = parse_sums(sums_bytes.decode("utf-8"), shown, package)
    except UnicodeDecodeError as exc:
        package.problem(shown, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected sha256sum's text format")
        sums = {}
    top_level = sorted(n for n in sums if "/" not in n and "\\" not in n and n not in (".", ".."))
    assets: dict[str, bytes] = {}
    for name in (n for n in top_level if n.endswith(".zip")):  # the zips first: what is inside them is no asset
        data = package.optional(f"{folder}/{name}", (shown, name, ""))
        if data is not None:
            assets[name] = data
    inside = set().union(*(zip_members(data) for data in assets.values()))
    for name in (n for n in top_level if not n.endswith(".zip") and n not in inside):  # a file of the zip unpacked beside it is skipped
        data = package.optional(f"{folder}/{name}", (shown, name, ""))
        if data is not None:
            assets[name] = data
    files = []
    for name, data in sorted(assets.items()):
        if name in inside:
            continue
        if sha256(data) != sums[name]:
            package.problem(f"{folder}/{name}", "", "", f"does not match {SUMS} ({sums[name][:12]}…); expected the release's own file (run `make release`)")
            continue
        files.append({"name": name, "href": f"downloads/{name}", "bytes": len(data), "sha256": sums[name], "copy": data})
    files.append({"name": SUMS, "href": f"downloads/{SUMS}", "bytes": len(sums_bytes), "sha256": sha256(sums_bytes), "copy": sums_bytes})
    return {"source": "release", "folder": folder, "files": sorted(files, key=lambda f: f["name"])}
