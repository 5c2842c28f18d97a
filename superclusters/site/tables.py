"""Table pages: the rows first, readable on a laptop screen; the data dictionary folded below them.

Any table the descriptor lists gets a page. Its columns are shown key first (the row's id, then
what is stated, its value and unit, who says it and when, the words it comes from), the rest in
schema order; long text is clamped to a few lines (the page's script adds a button to expand a
row), so a row is never taller than a few lines and the columns a reader compares sit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .model import Site
from .package import Table, text

# The columns a reader compares, in reading order: what, how much, who says it, when, in which words, how sure
# (the short columns before the long quote, so all of them fit on a laptop's first screen).
# Only those a table has are used; every other column follows in schema order.
KEY_COLUMNS = (
    "name",
    "entity_id",
    "attribute_label",  # (its code, attribute, follows in schema order: the label says it in words)
    "property",
    "predicate",
    "event_type",
    "value_text",
    "value",
    "unit",
    "comparator",
    "object_id",
    "object_text",
    "attributed_to",
    "time_text",
    "date_text",
    "quote",
    "stated_text",
    "phase",
    "quote_en",
    "modality",
    "status",
    "verdict",
)
LONG_CHARS = 40  # a column whose longest cell is longer than this is given room (18rem) rather than squeezed, and clamped
CLAMP_CHARS = LONG_CHARS  # shorter cells fit in three lines of a short column (at most 9rem)
NUMERIC = ("integer", "number")


@dataclass(frozen=True)
class Column:
    name: str
    spec: dict[str, Any]
    css: str  # "num", "long" or "" (a short text column)
    clamped: bool  # its cells are wrapped in <div class="c"> and clamped to three lines

    @property
    def description(self) -> str:
        return text(self.spec.get("description"))


def columns(table: Table) -> list[Column]:
    """The table's columns in display order (key first), each with how it is laid out."""
    names = table.field_names
    ordered = list(dict.fromkeys([*table.pk, *(n for n in KEY_COLUMNS if n in names), *names]))
    out = []
    for name in ordered:
        spec = table.field(name)
        longest = max((len(text(row.get(name))) for row in table.rows), default=0)
        css = "num" if spec.get("type") in NUMERIC else "long" if longest > LONG_CHARS else ""
        out.append(Column(name, spec, css, longest > CLAMP_CHARS))
    return out


def pages(site: Site) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, template, values) of the tables index and one page per table."""
    out: list[tuple[str, str, dict[str, Any]]] = [("tables/index.html", "tables.html", {})]
    for name, table in sorted(site.tables.items()):
        out.append((f"tables/{name}.html", "table.html", {"table": table, "columns": columns(table)}))
    return out
