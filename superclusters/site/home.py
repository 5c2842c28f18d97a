"""The home page's metadata for search engines: the package's Croissant record embedded as JSON-LD, and served as croissant.json.

Google Dataset Search, Hugging Face and Kaggle read a dataset page's `<script type="application/ld+json">`;
the Croissant file (publish.croissant) is exactly that record, so it is embedded as published (its
relative contentUrl values resolve against the site root, where the data files are copied).
"""

from __future__ import annotations

import json

from ..inputs.limits import MAX_JSON_BYTES, json_loads, json_problem
from .package import Package

CROISSANT = "croissant.json"
# In a <script> element only "</script" or "<!--" can end or confuse the data; JSON's \u escapes say the same
# characters without them (the WHATWG and Google's structured-data guidance both recommend escaping "<").
SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def croissant_jsonld(package: Package) -> tuple[bytes, str] | None:
    """(croissant.json's bytes, the same record as JSON safe inside <script>), or None when the package has none."""
    data = package.optional(CROISSANT, limit=("MAX_JSON_BYTES", MAX_JSON_BYTES))
    if data is None:
        return None
    try:
        record = json_loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        where, what = json_problem(exc)
        package.problem(CROISSANT, where, "", what)
        return None
    if not isinstance(record, dict) or "@context" not in record:
        package.problem(CROISSANT, "", "@context", "missing; expected a Croissant JSON-LD object")
        return None
    script = json.dumps(record, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return data, "".join(SCRIPT_ESCAPES.get(c, c) for c in script)
