"""The one check on a path read from a file (a descriptor's resource, a schema's path, a reading's seed),
before anything opens it: every command that reads such a path (the build, `--verify`, the release, the
site, the loader) asks `path_problem` first, so a hostile copy cannot make any of them read or copy
/etc/passwd, /dev/zero, a FIFO or a file outside the package.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any

MISSING = "missing"  # the start of the answer for a path that names no file (a caller may accept that)


def path_problem(folder: Path, path: Any, hidden_ok: frozenset[str] = frozenset()) -> str | None:
    """Why `path` may not be opened as a file of the package at `folder`, or None when it may.

    It must be a plain relative POSIX path (no leading `/`, drive, URL scheme, backslash, `..`, `.` or
    empty part, nothing hidden but the whole paths in `hidden_ok`), each of its parts reached without a
    symbolic link, and name a regular file (never a folder, device or FIFO). A missing file is answered MISSING.
    """
    shown = repr(path)[:80]  # a hostile path is echoed, but never whole
    if not isinstance(path, str) or not path:
        return f"path {shown} is not a relative path; expected e.g. 'data/claims.csv'"
    parts = path.split("/")
    if PurePosixPath(path).is_absolute() or "\\" in path or ":" in parts[0]:
        return f"path {shown} is absolute; expected a path inside the package"
    if ".." in parts:
        return f"path {shown} contains '..'; expected a path inside the package"
    if any(part in ("", ".") for part in parts):
        return f"path {shown} is not a plain relative path (it has an empty or '.' part); expected e.g. 'data/claims.csv'"
    if any(part.startswith(".") for part in parts) and path not in hidden_ok:
        return f"path {shown} names a hidden file or folder; a package holds none"
    current = folder
    for index, part in enumerate(parts):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return f"{MISSING}; expected the file the package lists"
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
            return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
        if stat.S_ISLNK(mode):
            return f"{'/'.join(parts[: index + 1])} is a symlink; links are never followed (put the file itself there)"
    if not stat.S_ISREG(mode):
        return "not a regular file (a folder, device or FIFO); expected the file itself"
    return None
