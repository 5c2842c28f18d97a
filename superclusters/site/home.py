"""The home page's metadata for search engines: the package's Croissant record embedded as JSON-LD, and served as croissant.json.

Google Dataset Search, Hugging Face and Kaggle read a dataset page's `<script type="application/ld+json">`;
the Croissant file (publish.croissant) is exactly that record, so it is embedded as published (its
relative contentUrl values resolve against the site root, where the data files are copied).
"""

from __future__ import annotations

import json

from .package import Package

CROISSANT = "croissant.json"
# In a <script> element only "</script" or "<!--" can end or confuse the data; JSON's \u escapes say the same
# characters without them (the WHATWG and Google's structured-data guidance both recommend escaping "<").
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def croissant_jsonld(package: Package) -> tuple[bytes, str] | None:
    """(croissant.json's bytes, the same record as JSON safe inside <script>), or None when the package has none."""
    data = package.optional(CROISSANT)
    if data is None:
        return None
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        package.problem(CROISSANT, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected a UTF-8 JSON-LD file")
        return None
    except json.JSONDecodeError as exc:
        package.problem(CROISSANT, f"line {exc.lineno}, column {exc.colno}", "", f"invalid JSON: {exc.msg}")
        return None
    except RecursionError:
        package.problem(CROISSANT, "", "", "nested too deeply; expected a Croissant JSON-LD record")
        return None
    if not isinstance(record, dict) or "@context" not in record:
        package.problem(CROISSANT, "", "@context", "missing; expected a Croissant JSON-LD object")
        return None
    script = json.dumps(record, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return data, "".join(SCRIPT_ESCAPES.get(c, c) for c in script)
