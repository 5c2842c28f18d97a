"""The downloads page: the release's files, or the package's own, with sizes and sha256."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_files(root: Path, descriptor: dict[str, Any]) -> list[str]:
    """The package's own files: datapackage.json, every resource's path and its schema file."""
    names = {"datapackage.json"}
    for resource in descriptor.get("resources", []):
        paths = resource.get("path")
        names.update([paths] if isinstance(paths, str) else paths or [])
        if isinstance(resource.get("schema"), str):
            names.add(resource["schema"])
    return sorted(n for n in names if (root / n).is_file())


def _downloads(root: Path, out: Path, published: list[str]) -> dict[str, Any]:
    """Release files from dist/ when built (copied into the site), else the package's own files."""
    dist = root / "dist"
    release = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()) if dist.is_dir() else []
    if release:
        for name in release:
            (out / "downloads" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dist / name, out / "downloads" / name)
        files = [{"name": n, "href": f"downloads/{n}", "bytes": (dist / n).stat().st_size, "sha256": file_sha256(dist / n)} for n in release]
        return {"source": "release", "files": files}
    files = [{"name": n, "href": n, "bytes": (root / n).stat().st_size, "sha256": file_sha256(root / n)} for n in published]
    return {"source": "package", "files": files}
