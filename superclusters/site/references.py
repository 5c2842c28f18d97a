"""How rows refer to tables and to entities, found from the schemas and the data rather than from a list of known tables.

- a *link* is a schema foreign key, a field named like another table's primary key (`hardware_id`,
  `outlet_organisation_id`), a list field `<x>_ids` whose `<x>_id` is a primary key, or a list field
  whose values are all keys of one table (`conflicts_with`); a value links only if its target exists;
- *entities* come from an `entities` table when there is one, else from the organisations, people,
  hardware and places tables (derive.entities.ENTITY_TABLES);
- an entity's *references* are every row that links to it, its own listing included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..derive.entities import ENTITY_TABLES as DERIVED_ENTITY_TABLES
from .names import safe, singular
from .package import Table, is_list_field, items, text

ENTITY_TABLES = tuple(table for _, table in DERIVED_ENTITY_TABLES)  # organisations, people, hardware, places


def is_entity_table(name: str) -> bool:
    return name in ENTITY_TABLES or name == "entities"


@dataclass
class Entity:
    """Something entity pages are made for: an organisation, person, system or place."""

    kind: str
    id: str
    name: str
    table: str

    @property
    def path(self) -> str:
        return f"entities/{safe(self.kind)}/{safe(self.id)}.html"


def table_links(tables: dict[str, Table], pk_values: dict[str, set[str]], table: Table) -> dict[str, str]:
    """field name -> the table its values are keys of: a declared foreign key, a field named like a key, or a list of one table's keys."""
    found: dict[str, str] = {}
    for fk in table.schema.get("foreignKeys", []):
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else fields
        target = fk.get("reference", {}).get("resource") or table.name
        if len(fields) == 1 and target in tables:
            found[fields[0]] = target
    pk_owner = {t.pk[0]: name for name, t in sorted(tables.items()) if len(t.pk) == 1}
    for spec in table.fields:
        name = spec["name"]
        if name in found or name in table.pk:
            continue
        singular_name = name[:-1] if name.endswith("_ids") else name
        for pk, owner in pk_owner.items():
            if owner != table.name and (singular_name == pk or singular_name.endswith("_" + pk)):
                found[name] = owner
                break
        else:
            if is_list_field(spec):  # a list of keys of one table, whatever it is called (conflicts_with)
                values = {v for row in table.rows for v in items(row.get(name), spec.get("delimiter", "|"))}
                owners = [t for t, keys in pk_values.items() if values and values <= keys]
                if len(owners) > 1:  # claim_group_members is keyed by claim_id too: keep the table the others refer to
                    owners = [t for t in owners if not any(declared_target(tables, t, tables[t].pk[0]) == o for o in owners)]
                if len(owners) == 1:
                    found[name] = owners[0]
    return found


def declared_target(tables: dict[str, Table], table: str, field_name: str) -> str | None:
    """The table a schema foreign key on `field_name` points to, if one is declared."""
    for fk in tables[table].schema.get("foreignKeys", []):
        fields = fk.get("fields")
        if (fields == field_name or fields == [field_name]) and fk.get("reference", {}).get("resource"):
            return fk["reference"]["resource"]
    return None


def entity_list(tables: dict[str, Table]) -> tuple[list[Entity], dict[tuple[str, str], Entity]]:
    """Every entity (from the entities index when there is one, else the entity tables), and an index by (table, id),
    ('', id) and ('kind:<kind>', id)."""
    entities: list[Entity] = []
    if "entities" in tables and "entity_id" in tables["entities"].field_names:
        for row in tables["entities"].rows:
            entity_id = text(row.get("entity_id"))
            entities.append(Entity(text(row.get("entity_type")) or "entity", entity_id, text(row.get("name")) or entity_id, "entities"))
    else:
        for name in ENTITY_TABLES:
            table = tables.get(name)
            if table is None or len(table.pk) != 1:
                continue
            for row in table.rows:
                entity_id = text(row.get(table.pk[0]))
                entities.append(Entity(singular(name), entity_id, text(row.get("name")) or entity_id, name))
    entities.sort(key=lambda e: (e.kind, e.id))
    index: dict[tuple[str, str], Entity] = {}
    for entity in entities:
        index[(entity.table, entity.id)] = entity
        index.setdefault(("", entity.id), entity)  # by id alone; ids are unique across kinds in practice
        index[("kind:" + entity.kind, entity.id)] = entity
    return entities, index


def entity_for(index: dict[tuple[str, str], Entity], table: str, value: str) -> Entity | None:
    """The entity a key of `table` names, if `table` holds entities (organisations, or the entities index)."""
    if is_entity_table(table):
        return index.get((table, value)) or index.get(("", value))
    return None


def references(
    tables: dict[str, Table], links: dict[str, dict[str, str]], index: dict[tuple[str, str], Entity]
) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(entity kind, id) -> [(table, row index)] of every row that refers to it, including its own rows."""
    refs: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for name in sorted(tables):
        table = tables[name]
        for i, row in enumerate(table.rows):
            hits: list[Entity] = []
            if is_entity_table(name) and len(table.pk) == 1:
                own = entity_for(index, name, text(row.get(table.pk[0])))
                if own is not None:
                    hits.append(own)
            for field_name, target in links[name].items():
                spec = table.field(field_name)
                values = items(row.get(field_name), spec.get("delimiter", "|")) if is_list_field(spec) else [text(row.get(field_name))]
                hits += [e for v in values if v and (e := entity_for(index, target, v)) is not None]
            if "entity_id" in table.field_names and "entity_type" in table.field_names and name != "entities":
                kind, value = text(row.get("entity_type")), text(row.get("entity_id"))
                hit = index.get(("kind:" + kind, value)) or index.get(("", value))
                if hit is not None:
                    hits.append(hit)
            for key in dict.fromkeys((e.kind, e.id) for e in hits):
                refs[key].append((name, i))
    return refs
