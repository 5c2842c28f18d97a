"""Entity rows (organisations, people, hardware, places) and the index of every entity, counted from the mentions."""

from __future__ import annotations

from ..errors import Collector
from ..readings import Registry
from .context import Row


def entity_rows(kind: str, registry: Registry, mentions: list[Row], roles: list[Row], problems: Collector) -> list[Row]:
    """organisations, people, hardware or places rows, with counts and first mention derived from the mentions table."""
    by_entity: dict[str, list[Row]] = {}
    for m in mentions:
        if m["entity_type"] == kind:
            by_entity.setdefault(m["entity_id"], []).append(m)
    rows = []
    for ident, entity in registry.table(kind).items():
        seen = sorted(by_entity.get(ident, []), key=lambda m: (m["article_id"], m["char_start"]))
        if not seen:
            problems.add(
                registry.path,
                f"{kind}.{ident}",
                "aliases",
                f"none of {list(entity.aliases)} occurs as a whole word in any seed; every entity must come from a seed",
            )
            continue
        first = seen[0]
        row: Row = {f"{kind}_id": ident, "name": entity.name, "aliases": "|".join(entity.aliases)}
        if kind != "person":
            row["kind"] = entity.kind
        if kind == "hardware":
            if entity.organisation not in registry.organisations:
                problems.add(registry.path, f"hardware.{ident}", "organisation", f"unknown organisation id {entity.organisation!r}")
            row.update({"organisation_id": entity.organisation, "organisation_role": entity.role})
        row["description"] = entity.description
        if kind == "person":
            stated = sorted((r for r in roles if r["person_id"] == ident), key=lambda r: (r["role_article_id"], r["role_char_start"]))
            head = stated[0] if stated else {}
            row.update(
                {
                    "role": head.get("role"),
                    "affiliation_organisation_id": head.get("organisation_id"),
                    "roles_stated": "|".join(dict.fromkeys(f"{r['role']}@{r['organisation_id']}" for r in stated)) or None,
                    **{k: head.get(k) for k in ("role_article_id", "role_quote", "role_char_start", "role_char_end", "role_span_url")},
                }
            )
        row.update(
            {
                "article_count": len({m["article_id"] for m in seen}),
                "mention_count": len(seen),
                "mention_article_id": first["article_id"],
                "mention_quote": first["quote"],
                "mention_char_start": first["char_start"],
                "mention_char_end": first["char_end"],
                "mention_span_url": first["span_url"],
            }
        )
        rows.append(row)
    return rows


def entity_index(tables: dict[str, list[Row]]) -> list[Row]:
    """One row per entity of every kind, with how often relations and links refer to it."""
    relation_count: dict[str, int] = {}
    for r in tables["relations"]:
        for ident in {r["subject_id"], r["object_id"]} - {None}:
            relation_count[ident] = relation_count.get(ident, 0) + 1
    link_rows: dict[str, set[str]] = {}
    for link in tables["entity_links"]:
        link_rows.setdefault(link["entity_id"], set()).add(link["row_id"])
    rows = []
    for kind, table in (("organisation", "organisations"), ("person", "people"), ("hardware", "hardware"), ("place", "places")):
        for r in tables[table]:
            ident = r[f"{kind}_id"]
            rows.append({"entity_id": ident, "entity_type": kind, "name": r["name"], "mention_count": r["mention_count"]})
    for r in tables["unnamed_parties"]:
        rows.append({"entity_id": r["party_id"], "entity_type": "unnamed_party", "name": r["quote"], "mention_count": 1})
    for row in rows:
        row["relation_count"] = relation_count.get(row["entity_id"], 0)
        row["link_count"] = len(link_rows.get(row["entity_id"], ()))
    return rows
