"""What every page needs, computed once from the package: links between tables, entities, spans per article."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .names import safe
from .package import Table, is_list_field, items, load_package, text
from .references import Entity, entity_for, entity_list, is_entity_table, references, table_links

SPAN_URL = re.compile(r"seeds/[^#/]+\.txt#char=\d+,\d+")  # the published span link form (RFC 5147)
VIEW_FIELDS = ("source_table", "source_id")  # a table with both restates rows of other tables (profile_facts)
TOOLTIP_FIELDS = 6  # a tooltip is a glance; the side panel has the whole row
# Columns a reader wants first when looking at a row; the rest follow in schema order.
PREFERRED = ("property", "value_text", "value", "unit", "comparator", "modality", "attributed_to", "status", "quote_en")
# Kept in the page but not repeated in a row's summary: they are the highlight itself.
SPAN_HOUSEKEEPING = {"article_id", "char_start", "char_end", "span_url", "quote"}


@dataclass
class Span:
    """One highlighted row: which table, which row, and its code-point span in the seed."""

    table: str
    key: str
    start: int
    end: int
    row: dict[str, Any]
    kind_index: int
    dismissed: str = ""

    @property
    def anchor(self) -> str:
        return f"r-{safe(self.table)}-{safe(self.key)}"


class Site:
    """Everything the pages need, computed once from the package: links, entities, spans per article."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.package = load_package(root)
        self.descriptor, self.tables, self.seeds = self.package.descriptor, self.package.tables, self.package.seeds
        self.pk_values = {name: {text(r.get(t.pk[0])) for r in t.rows} for name, t in self.tables.items() if len(t.pk) == 1}
        self.links = {name: table_links(self.tables, self.pk_values, table) for name, table in self.tables.items()}
        self.article_stem = self._article_stems()
        self.entities, self.entity_index = entity_list(self.tables)
        self.span_tables = [name for name in sorted(self.tables) if self.tables[name].is_span and not self.is_view(self.tables[name])]
        self._by_key: dict[str, dict[str, dict[str, Any]]] = {}
        self.references = references(self.tables, self.links, self.entity_index)
        self._check_spans()
        self.package.raise_if_any()

    def _check_spans(self) -> None:
        """Every span is a pair of whole code-point offsets inside its seed, or a problem (never a traceback or a wrong highlight)."""
        for table in (t for _, t in sorted(self.tables.items()) if t.is_span):
            for i, row in enumerate(table.rows):
                start, end = row.get("char_start"), row.get("char_end")
                if start is None and end is None:
                    continue
                seed = self.seeds.get(self.article_stem.get(text(row.get("article_id")), ""))
                whole = all(isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() for v in (start, end))
                if not whole or not 0 <= start <= end <= (len(seed) if seed is not None else float("inf")):
                    limit = f"0-{len(seed)}" if seed is not None else "0 or more"
                    where = f"row {table.key(row, i)[:60]!r}"
                    message = f"{start!r}, {end!r}: expected whole offsets with start <= end in {limit}"
                    self.package.problem(table.files[0], where, "char_start, char_end", message)

    @staticmethod
    def is_view(table: Table) -> bool:
        """A table whose rows restate rows of other tables (each names its source_table and source_id): not a layer of its own."""
        return all(name in table.field_names for name in VIEW_FIELDS)

    @staticmethod
    def is_entity_table(name: str) -> bool:
        return is_entity_table(name)

    def entity_for(self, table: str, value: str) -> Entity | None:
        """The entity a key of `table` names, if `table` holds entities (organisations, or the entities index)."""
        return entity_for(self.entity_index, table, value)

    def row_by_key(self, table: str, key: str) -> dict[str, Any] | None:
        """The row of a single-key table with this key (an index built on first use)."""
        if table not in self._by_key:
            t = self.tables[table]
            self._by_key[table] = {text(r.get(t.pk[0])): r for r in t.rows} if len(t.pk) == 1 else {}
        return self._by_key[table].get(key)

    def _article_stems(self) -> dict[str, str]:
        """article_id -> seed stem, from articles.seed_path, else from span URLs, else the id itself."""
        stems: dict[str, str] = {}
        articles = self.tables.get("articles")
        for row in articles.rows if articles else []:
            if row.get("seed_path"):
                stems[text(row["article_id"])] = Path(text(row["seed_path"])).stem
        for table in self.tables.values():
            if table.is_span and "span_url" in table.field_names:
                for row in table.rows:
                    url = text(row.get("span_url"))
                    if url:
                        stems.setdefault(text(row["article_id"]), Path(url.split("#")[0]).stem)
        for stem in self.seeds:
            stems.setdefault(stem, stem)
        return stems

    # ---- hrefs, relative to the site root
    def article_href(self, article_id: str) -> str | None:
        stem = self.article_stem.get(article_id)
        return f"seeds/{stem}.html" if stem in self.seeds else None

    def href(self, target: str, value: str) -> str | None:
        """Where a key of table `target` is shown: the article page, the entity page or the table row."""
        if not value or value not in self.pk_values.get(target, set()):
            return None
        if self.tables[target].pk == ["article_id"]:
            return self.article_href(value)
        entity = self.entity_for(target, value)
        if entity is not None:
            return entity.path
        return f"tables/{target}.html#row-{safe(value)}"

    def span_href(self, url: str) -> str | None:
        """A published span URL (seeds/<stem>.txt#char=s,e) as the article page link."""
        path, _, fragment = url.partition("#")
        stem = Path(path).stem
        if stem not in self.seeds:
            return None
        return f"seeds/{stem}.html" + (f"#{fragment}" if fragment else "")

    def cell(self, table: Table, row: dict[str, Any], name: str) -> list[dict[str, str | None]]:
        """A cell as parts to render: [{text, href}], one per list item; hrefs are relative to the site root."""
        spec = table.field(name) if name in table.field_names else {"name": name}
        target = self.links[table.name].get(name)
        values = items(row.get(name), spec.get("delimiter", "|")) if is_list_field(spec) else [text(row.get(name))]
        parts: list[dict[str, str | None]] = []
        for value in values:
            href = None
            if target:
                href = self.href(target, value)
            elif name.endswith("span_url") and value:
                href = self.span_href(value)
            elif name == "quote" and table.is_span and row.get("char_start") is not None:
                href = self.row_span_href(table, row)
            elif name == "quote" and "span_url" in table.field_names:  # a view that carries its source row's span link
                href = self.span_href(text(row.get("span_url")))
            elif name.endswith("_id") and name[:-3] + "_table" in table.field_names:  # entity_links: row_table + row_id
                other = text(row.get(name[:-3] + "_table"))
                href = self.href(other, value) if other in self.tables else None
            elif name == "entity_id" and "entity_type" in table.field_names:
                entity = self.entity_index.get(("kind:" + text(row.get("entity_type")), value)) or self.entity_index.get(("", value))
                href = entity.path if entity else None
            elif name in table.pk and len(table.pk) == 1 and table.is_span:
                href = self.row_span_href(table, row)
            elif SPAN_URL.fullmatch(value):  # a span link in any column (chip_count_url, source_urls): the article page
                href = self.span_href(value)
            parts.append({"text": value, "href": href})
        return parts

    def row_span_href(self, table: Table, row: dict[str, Any]) -> str | None:
        page = self.article_href(text(row.get("article_id")))
        if page is None or row.get("char_start") is None or row.get("char_end") is None:
            return None
        return f"{page}#char={int(row['char_start'])},{int(row['char_end'])}"

    def summary(self, table: Table, row: dict[str, Any], compact: bool = False) -> list[tuple[str, list[dict[str, str | None]]]]:
        """The row's non-empty columns, the ones a reader checks first (value, unit, modality, dates...) first.

        `compact` (the article side panel, which repeats for every row) leaves out the key, shown in the
        row's heading, and the *_char_start/_char_end offsets, which the *_span_url link beside them carries.
        """
        names = [n for n in table.field_names if n not in SPAN_HOUSEKEEPING or not table.is_span]
        if compact:
            spans = {n.removesuffix("span_url") for n in names if n.endswith("span_url")}
            names = [n for n in names if n not in table.pk and not any(n in (p + "char_start", p + "char_end") for p in spans)]
        first = [n for n in PREFERRED if n in names]
        dated = [n for n in names if n.endswith(("_start", "_end", "_precision", "_relation")) and not n.endswith(("char_start", "char_end"))]
        basis = [n for n in names if "basis" in n or "reason" in n]
        ordered = list(dict.fromkeys(first + dated + basis + names))
        return [(n, self.cell(table, row, n)) for n in ordered if text(row.get(n)) != "" and items(row.get(n)) != []]

    # ---- spans per article
    def dismissal(self, table: Table, row: dict[str, Any]) -> str:
        """The reason a sentence was dismissed ('' if it was not): a status starting 'dismiss' or a reason given."""
        reasons = [n for n in table.field_names if "reason" in n]
        reason = " ".join(text(row.get(n)) for n in reasons if text(row.get(n)))
        status = text(row.get("status")).lower()
        if status.startswith(("dismiss", "reject", "skip", "discard")) or (reasons and reason and status not in ("", "used", "kept", "extracted")):
            return (reason or status).replace("_", " ")  # 'section_heading' reads 'section heading'
        return ""

    def spans(self, article_id: str) -> list[Span]:
        out = []
        for kind_index, name in enumerate(self.span_tables):
            table = self.tables[name]
            for i, row in enumerate(table.rows):
                if text(row.get("article_id")) != article_id or row.get("char_start") is None or row.get("char_end") is None:
                    continue
                dismissed = self.dismissal(table, row) if "status" in table.field_names else ""
                out.append(Span(name, table.key(row, i), int(row["char_start"]), int(row["char_end"]), row, kind_index, dismissed))
        out.sort(key=lambda s: (s.start, -s.end, s.table, s.key))
        return out
