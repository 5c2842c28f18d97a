"""Names for pages and anchors, from ids that may hold anything."""

from __future__ import annotations

import hashlib
import re


def safe(name: str) -> str:
    """A file or anchor name for any id: ids may hold '/', spaces or non-ASCII; a hash keeps altered ones distinct."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if cleaned == name and name and not name.startswith("."):  # '.' and '..' would be folders, not names
        return name
    return f"{cleaned[:60]}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def singular(name: str) -> str:
    if name == "people":
        return "person"
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name
