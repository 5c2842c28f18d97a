"""Files generated from the table schemas and the code alone: the reading schema, the data dictionary, and the
profile attributes' table in docs/profiles.md.

They depend on no article, so `make build` writes them first (`python -m superclusters.publish.generated`), each
replaced atomically and only when it changed; `build.py --check` fails when one is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..check.schemas import TABLES, load_schemas, markdown_table
from ..inputs import CHECKOUT
from ..inputs.reading_schema import SCHEMA_FILE, schema_text

DICTIONARY = "docs/data-dictionary.md"
PROFILES = "docs/profiles.md"
VOCABULARY_BEGIN = "<!-- BEGIN generated attribute vocabulary: from derive/profiles.py by make build -->"
VOCABULARY_END = "<!-- END generated attribute vocabulary -->"


def data_dictionary(schemas: dict[str, dict]) -> str:
    """docs/data-dictionary.md: every column of every table, from schemas/*.json."""
    lines = [
        "# Data dictionary",
        "",
        "Every column of every table, generated from `schemas/*.json` by `make build`; do not edit by hand.",
        "What the tables record, and the rules behind the computed columns, is in [content.md](content.md).",
        "",
        "Tables: " + " · ".join(f"[{name}](#{name})" for name in TABLES),
    ]
    for name in TABLES:
        lines += ["", f"## {name}", "", schemas[name].get("description", ""), "", markdown_table(schemas[name])]
    return "\n".join(lines) + "\n"


def vocabulary_table() -> list[str]:
    """The lines of docs/profiles.md's attribute table: each attribute, its label and rank, where it comes from."""
    from ..derive.profiles import vocabulary

    lines = ["", "| attribute | label | rank | from | `systems` column |", "|---|---|---|---|---|"]
    lines += [f"| `{a}` | {label} | {rank} | {origin} | `{column}` |" for a, label, rank, origin, column in vocabulary()]
    return [*lines, ""]


def generated_files(root: Path) -> dict[Path, str]:
    """Each generated file and its text; docs/profiles.md (hand-written around a generated table) where it exists."""
    from .readme import _replace_block

    schemas = load_schemas(root / "schemas")
    files = {root / "schemas" / SCHEMA_FILE: schema_text(schemas), root / DICTIONARY: data_dictionary(schemas)}
    profiles = root / PROFILES
    if profiles.is_file():
        files[profiles] = _replace_block(profiles.read_text(encoding="utf-8"), VOCABULARY_BEGIN, VOCABULARY_END, vocabulary_table(), PROFILES)
    return files


def stale(root: Path) -> list[str]:
    """The generated files that differ from what the schemas give now."""
    return [
        f"{path.relative_to(root).as_posix()} (run python -m superclusters.publish.generated)"
        for path, text in generated_files(root).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def main() -> int:
    root = CHECKOUT
    for path, text in generated_files(root).items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8", newline="\n")
            tmp.replace(path)
            print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
