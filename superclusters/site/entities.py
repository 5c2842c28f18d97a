"""Entity pages as fact sheets: what the sources say about a system, organisation, person or place, answers first.

A page opens with the entity's profile (from the profile table: any table with entity_id,
attribute, attribute_label, rank and value_text, such as profile_facts): first a glance, one line per
attribute in the profile's own order, then every fact with when it applies, who says it, when it was
said, the verdict of its claim group and the quote, linked to its words. Facts that rest on an
inferred link are kept apart and marked, never shown as established. Then come the rows about the
entity grouped by kind (claims, relations, events: the tables whose rows say who states them), each
with its value. Entity links, mentions and every other row, including the entity's own listing, are
in a folded "all rows" section.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..publish.words import property_label, status_badge, when
from .model import Site
from .names import singular
from .package import Table, text
from .references import Entity
from .sources import applies, attribution, row_value, said

PROFILE_FIELDS = {"entity_id", "attribute", "attribute_label", "rank", "value_text"}
GLANCE_CHARS = 160  # a glance line shows distinct values up to about this many characters; the rest are in the table below it


def profile_table(site: Site) -> Table | None:
    """The long profile table, found by its columns (the contract of issue 18), not its name."""
    return next((t for _, t in sorted(site.tables.items()) if PROFILE_FIELDS <= set(t.field_names)), None)


def is_established(fact: dict[str, Any]) -> bool:
    """False where the fact rests on the curator's inference (`established` false, or `link_basis` inferred)."""
    established = fact.get("established")
    if established is not None and text(established) != "":
        return text(established) == "true"
    return text(fact.get("link_basis")) != "inferred"


def source_row(site: Site, fact: dict[str, Any]) -> dict[str, Any]:
    """The core row a fact rests on (source_table, source_id), or the fact itself where the package lacks it."""
    table = site.tables.get(text(fact.get("source_table")))
    if table is None or len(table.pk) != 1:
        return fact
    return site.row_by_key(table.name, text(fact.get("source_id"))) or fact


def fact_line(site: Site, fact: dict[str, Any], index: int) -> dict[str, Any]:
    """One fact as the evidence table shows it."""
    row = source_row(site, fact)
    time = applies(row)
    stated = said(row)
    if not stated and (fact.get("stated_start") or fact.get("stated_end")):
        stated = f"said {when('in', fact.get('stated_start'), fact.get('stated_end'), 'range')}"
    verdict = text(fact.get("verdict"))
    with_inferred = text(fact.get("verdict_with_inferred"))
    href = site.span_href(text(fact.get("span_url"))) if text(fact.get("span_url")) else None
    article_id = text(fact.get("article_id"))
    return {
        "id": f"fact-{index}",
        "value": text(fact.get("value_text")),
        "applies": time,
        "who": attribution(site, row) if row is not fact else (f"according to {text(fact.get('attributed_to'))}" if text(fact.get("attributed_to")) else ""),
        "said": stated,
        "verdict": status_badge(verdict) if verdict else "",
        "status": verdict,
        "verdict_with_inferred": status_badge(with_inferred) if with_inferred and with_inferred != verdict else "",
        "article_id": article_id,
        "article_href": site.article_href(article_id),
        "quote": text(fact.get("quote")),
        "quote_en": text(fact.get("quote_en")),
        "href": href,
        "source": (text(fact.get("source_table")), text(fact.get("source_id"))),
        "established": is_established(fact),
        "basis": text(fact.get("link_basis")),
    }


def fact_sheet(site: Site, entity: Entity) -> dict[str, Any] | None:
    """The entity's profile: attributes in the profile's rank order, each with its glance values and its facts."""
    table = profile_table(site)
    if table is None:
        return None
    facts = [r for r in table.rows if text(r.get("entity_id")) == entity.id]
    if not facts:
        return None

    def rank(fact: dict[str, Any]) -> tuple[Any, ...]:
        number = fact.get("rank")
        return (number if isinstance(number, int | float) else float("inf"), text(fact.get("attribute")))

    def order(fact: dict[str, Any]) -> tuple[Any, ...]:
        return (text(fact.get("stated_start")) or "9999", text(fact.get("article_id")), text(fact.get("source_id")))

    by_attribute: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact in sorted(facts, key=lambda f: (rank(f), order(f))):
        by_attribute[text(fact.get("attribute"))].append(fact)
    attributes, index = [], 0
    for attribute, group in by_attribute.items():
        lines = []
        for fact in group:
            lines.append(fact_line(site, fact, index))
            index += 1
        established = [line for line in lines if line["established"]]
        inferred = [line for line in lines if not line["established"]]
        values: dict[str, dict[str, Any]] = {}
        for line, fact in zip(lines, group, strict=True):
            if line["established"]:
                number = fact.get("value") if isinstance(fact.get("value"), int | float) else None
                values.setdefault(line["value"], {"text": line["value"], "anchor": line["id"], "count": 0, "number": number})["count"] += 1
        ordered = sorted(values.values(), key=lambda v: (v["number"] is None, v["number"] or 0))  # figures smallest first
        shown, used = [], 0
        for value in ordered:
            if shown and used + len(value["text"]) > GLANCE_CHARS:
                break
            shown.append(value)
            used += len(value["text"]) + 2
        label = text(group[0].get("attribute_label")) or property_label(attribute)
        attributes.append(
            {
                "attribute": attribute,
                "label": label,
                "shown": shown,
                "more": len(ordered) - len(shown),
                "verdicts": sorted({(line["verdict"], line["status"]) for line in established if line["verdict"]}),
                "established": established,
                "inferred": inferred,
            }
        )
    return {"table": table, "attributes": attributes, "count": len(facts), "inferred": sum(len(a["inferred"]) for a in attributes)}


def statement_tables(site: Site) -> list[str]:
    """Tables whose rows say who states them (claims, relations, events), other than views restating another table's rows."""
    return [name for name, table in sorted(site.tables.items()) if "attributed_to" in table.field_names and not site.is_view(table)]


def rows_by_kind(site: Site, refs: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """The statement rows about the entity, grouped by table, each with its value, time, source and quote, in article order."""
    kinds = []
    for name in statement_tables(site):
        table = site.tables[name]
        rows = sorted((i for n, i in refs if n == name), key=lambda i: (text(table.rows[i].get("article_id")), table.rows[i].get("char_start") or 0))
        lines = []
        for i in rows:
            row = table.rows[i]
            lines.append(
                {
                    "key": table.key(row, i),
                    "value": row_value(site, table, row),
                    "applies": applies(row),
                    "who": attribution(site, row),
                    "quote": text(row.get("quote")),
                    "href": site.row_span_href(table, row) if table.is_span else None,
                    "modality": text(row.get("modality")),
                    "basis": text(row.get("link_basis")),
                }
            )
        if lines:
            kinds.append({"table": name, "label": name.replace("_", " "), "kind": singular(name), "rows": lines})
    return kinds


def by_article(site: Site, refs: list[tuple[str, int]], articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows referring to an entity, grouped by the article they come from; rows from no article last."""
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, i in refs:
        groups[text(site.tables[name].rows[i].get("article_id"))].append((name, i))
    order = [a["id"] for a in articles if a["id"] in groups] + sorted(k for k in groups if k and k not in {a["id"] for a in articles})
    if "" in groups:
        order.append("")
    titles = {a["id"]: a for a in articles}

    def in_text_order(ref: tuple[str, int]) -> tuple[str, int, str]:
        name, i = ref
        row = site.tables[name].rows[i]
        start = row.get("char_start")
        return name, int(start) if isinstance(start, int | float) else -1, site.tables[name].key(row, i)

    return [{"article": titles.get(k), "article_id": k, "rows": sorted(groups[k], key=in_text_order)} for k in order]


def pages(site: Site, articles: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, template, values) of every entity page and the entities index."""
    out = []
    statements = set(statement_tables(site))
    for entity in site.entities:
        refs = site.references.get((entity.kind, entity.id), [])
        own = [(n, i) for n, i in refs if site.is_entity_table(n) and site.tables[n].key(site.tables[n].rows[i], i) == entity.id]
        values = {
            "entity": entity,
            "entity_kind": next((text(site.tables[n].rows[i].get("kind")) for n, i in own if text(site.tables[n].rows[i].get("kind"))), ""),
            "sheet": fact_sheet(site, entity),
            "kinds": rows_by_kind(site, [ref for ref in refs if ref[0] in statements]),
            "own": own,
            "groups": by_article(site, [ref for ref in refs if ref not in own], articles),
            "all_count": len(refs),
        }
        out.append((entity.path, "entity.html", values))
    counts = {(e.kind, e.id): len(site.references.get((e.kind, e.id), [])) for e in site.entities}
    out.append(("entities/index.html", "entities.html", {"entities": site.entities, "counts": counts}))
    return out
