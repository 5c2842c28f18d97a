"""The pure middle of the build: seed texts plus curated readings -> rows of every table.

Nothing here touches the disk. Every human judgement comes from a Reading;
everything else (offsets, values, units, dates, ids, counts) is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .anchoring import AnchorError, anchor, anchor_within, find_all, span_url
from .audit import context, numbers_in, uncovered, unmatched_names
from .dates import UNPLACED, DateError, Placed, Reference, place
from .errors import Collector
from .mentions import AliasIndex, Mention, alias_index, find_mentions
from .numbers import NumberError, parse_quantity
from .readings import ClaimEntry, EventEntry, Phrase, Reading, Registry
from .reconcile import reconcile
from .seeds import Seed

# Each property's normalised unit. Counts name what is counted; the surface form
# of a count carries no unit, the others must carry this one (after conversion).
PROPERTY_UNITS = {
    "gpu_count": "GPU",
    "diverted_gpu_count": "GPU",
    "server_count": "server",
    "node_count": "node",
    "h100_equivalent_count": "H100-equivalent",
    "power_mw": "MW",
    "cooling_mw": "MW",
    "capex_usd": "USD",
    "investment_usd": "USD",
    "bandwidth_gbps": "Gbit/s",
    "rack_share": "fraction",
    "accelerator_share": "fraction",
}
MEASURED_UNITS = {"MW", "USD", "Gbit/s", "fraction"}

Row = dict[str, Any]
Tables = dict[str, list[Row]]


@dataclass(frozen=True)
class Vocabulary:
    """Closed vocabularies, read from the schemas so they are stated once."""

    enums: dict[tuple[str, str], list[str]]
    primary_keys: dict[str, str]

    @classmethod
    def from_schemas(cls, schemas: dict[str, dict]) -> Vocabulary:
        enums = {}
        for table, schema in schemas.items():
            for f in schema["fields"]:
                if "enum" in f.get("constraints", {}):
                    enums[(table, f["name"])] = f["constraints"]["enum"]
        return cls(enums, {table: schema["primaryKey"][0] for table, schema in schemas.items()})

    def check(self, table: str, column: str, value: Any, problems: Collector, where: tuple[str, str, str]) -> None:
        allowed = self.enums[(table, column)]
        if value not in allowed:
            problems.add(*where, f"unknown value {value!r}; expected one of {', '.join(map(str, allowed))}")


def _date_columns(prefix: str, placed: Placed | None, text: str | None) -> Row:
    return {
        f"{prefix}_text": text,
        f"{prefix}_start": placed.start if placed else None,
        f"{prefix}_end": placed.end if placed else None,
        f"{prefix}_precision": placed.precision if placed else None,
        f"{prefix}_anchor": placed.anchor if placed else None,
    }


def _span_columns(prefix: str, seed: Seed, start: int, end: int, text_column: str = "quote") -> Row:
    return {
        f"{prefix}{text_column}": seed.text[start:end],
        f"{prefix}char_start": start,
        f"{prefix}char_end": end,
        f"{prefix}span_url": span_url(seed.path, start, end),
    }


class _ArticleDeriver:
    """Rows from one (seed, reading) pair; problems are recorded against the reading's entries."""

    def __init__(self, seed: Seed, reading: Reading, registry: Registry, vocab: Vocabulary, problems: Collector):
        self.seed, self.reading, self.registry, self.vocab, self.problems = seed, reading, registry, vocab, problems
        self.text = seed.text
        self.covered: list[tuple[int, int]] = []  # curated spans, for the completeness audit

    def add(self, entry: str, field: str, message: str) -> None:
        self.problems.add(self.reading.path, entry, field, message)

    def anchor(self, entry: str, quote: str, prefix: str, suffix: str) -> tuple[int, int] | None:
        """Offsets of a curated quote; each anchored span also accounts for the numbers inside it."""
        try:
            span = anchor(self.text, quote, prefix, suffix)
            self.covered.append(span)
            return span
        except AnchorError as exc:
            self.add(entry, "quote", str(exc))
            return None

    def within(self, entry: str, field: str, span: tuple[int, int], inner: str) -> tuple[int, int] | None:
        try:
            return anchor_within(self.text, span, inner, field)
        except AnchorError as exc:
            self.add(entry, field, str(exc))
            return None

    def known(self, entry: str, field: str, kind: str, ident: str | None) -> None:
        table = self.registry.table(kind)
        if ident is not None and ident not in table:
            self.add(entry, field, f"unknown {kind} id {ident!r}; expected one of {', '.join(sorted(table))} (from {self.registry.path})")

    def attribution(self, entry: str, e: ClaimEntry | EventEntry) -> Row:
        """Resolve attributed_to: an id for a person or organisation, 'the outlet', or a description of unnamed sources."""
        person = organisation = None
        text = e.attributed_to
        if e.attribution_kind == "person":
            self.known(entry, "attributed_to", "person", e.attributed_to)
            person = e.attributed_to
            text = self.registry.people[person].name if person in self.registry.people else text
        elif e.attribution_kind == "organisation" or (e.attribution_kind == "outlet" and e.attributed_to != "the outlet"):
            self.known(entry, "attributed_to", "organisation", e.attributed_to)
            organisation = e.attributed_to
            text = self.registry.organisations[organisation].name if organisation in self.registry.organisations else text
        elif e.attribution_kind == "outlet" and self.reading.outlet:
            organisation = self.reading.outlet
            text = self.registry.organisations[organisation].name if organisation in self.registry.organisations else text
        return {"attributed_to": text, "attributed_person_id": person, "attributed_organisation_id": organisation}

    def place(self, entry: str, field: str, phrase: Phrase, ref: Reference | None) -> Placed | None:
        if not phrase.calendar:
            return UNPLACED
        if ref is None:
            return None
        try:
            return place(phrase.text, ref)
        except DateError as exc:
            self.add(entry, field, str(exc))
            return None

    def phrase_columns(self, entry: str, prefix: str, span: tuple[int, int], phrase: Phrase | None, ref: Reference | None) -> Row | None:
        """The <prefix>_* columns of a time or date phrase inside the quote; None (problem recorded) if it fails."""
        if phrase is None:
            return {**_date_columns(prefix, None, None), f"{prefix}_relation": None, f"{prefix}_char_start": None, f"{prefix}_char_end": None}
        inner = self.within(entry, prefix, span, phrase.text)
        placed = self.place(entry, prefix, phrase, ref)
        if inner is None or placed is None:
            return None
        return {
            **_date_columns(prefix, placed, phrase.text),
            f"{prefix}_relation": placed.relation if phrase.calendar else None,
            f"{prefix}_char_start": inner[0],
            f"{prefix}_char_end": inner[1],
        }

    def gloss(self, entry: str, en: str | None) -> str | None:
        if self.reading.language != "en" and not en:
            self.add(entry, "en", "missing English gloss; expected one for a seed not in English")
        return en

    # -- articles -----------------------------------------------------------
    def reference(self) -> tuple[Reference | None, Row]:
        r = self.reading
        published: Placed | None = None
        pub_text = None
        if r.published:
            span = self.anchor("published", r.published, "", "")
            self.covered.extend([span] if span else [])
            pub_text = r.published
            if span:
                try:  # a year-less date ("fin août") takes the reference year, checked just below
                    published = place(r.published, Reference(r.reference_year or 1, None))
                except DateError as exc:
                    self.add("published", "published", str(exc))
        year, basis = r.reference_year, r.reference_year_basis
        if published is not None and published.anchor == "absolute":
            stated = published.start.year
            if year is not None and year != stated:
                self.add("", "reference_year", f"is {year} but the seed's date {r.published!r} states {stated}")
            year, basis = stated, f"stated in the seed's date line ({r.published})"
        elif year is None or not basis:
            self.add("", "reference_year", "missing; the seed states no year, so give reference_year and reference_year_basis")
        if published is not None and published.anchor != "absolute" and not year:
            published = None
        row = {"reference_year": year, "reference_year_basis": basis}
        row.update(_date_columns("published", published, pub_text))
        return (Reference(year, published) if year else None), row

    def article_row(self, ref_row: Row, claim_count: int, event_count: int) -> Row:
        r, s = self.reading, self.seed
        self.vocab.check("articles", "language", r.language, self.problems, (r.path, "", "language"))
        self.vocab.check("articles", "title_source", r.title_source, self.problems, (r.path, "", "title_source"))
        if r.outlet is not None:
            self.known("", "outlet", "organisation", r.outlet)
        title_span = self.anchor("title", r.title, "", "")
        row = {
            "article_id": s.article_id,
            "seed_path": s.path,
            "sha256": s.sha256,
            "language": r.language,
            "title": r.title,
            "title_source": r.title_source,
            "title_char_start": title_span[0] if title_span else None,
            "title_char_end": title_span[1] if title_span else None,
            "title_en": self.gloss("title", r.title_en),
            **ref_row,
            "outlet_organisation_id": r.outlet,
            "char_count": len(s.text),
            "byte_count": s.byte_count,
            "claim_count": claim_count,
            "event_count": event_count,
        }
        return row

    # -- claims and events ----------------------------------------------------
    def common(self, table: str, entry: str, e: ClaimEntry | EventEntry) -> tuple[int, int] | None:
        self.vocab.check(table, "modality", e.modality, self.problems, (self.reading.path, entry, "modality"))
        self.vocab.check(table, "attribution_kind", e.attribution_kind, self.problems, (self.reading.path, entry, "attribution_kind"))
        return self.anchor(entry, e.quote, e.prefix, e.suffix)

    def claim_row(self, e: ClaimEntry, ref: Reference | None) -> Row | None:
        entry = f"claims[{e.index}] ({e.quote[:40]!r})"
        span = self.common("claims", entry, e)
        attribution = self.attribution(entry, e)
        if e.property not in PROPERTY_UNITS:
            self.add(entry, "property", f"unknown property {e.property!r}; expected one of {', '.join(PROPERTY_UNITS)}")
        self.known(entry, "organisation", "organisation", e.organisation)
        self.known(entry, "hardware", "hardware", e.hardware)
        self.known(entry, "component", "hardware", e.component)
        if e.organisation is None and e.hardware is None:
            self.add(entry, "organisation", "a claim needs a subject; expected organisation and/or hardware")
        quantity = None
        try:
            quantity = parse_quantity(e.value, self.reading.language)
        except NumberError as exc:
            self.add(entry, "value", str(exc))
        unit = PROPERTY_UNITS.get(e.property)
        if quantity is not None and unit is not None:
            stated = quantity.unit
            if (unit in MEASURED_UNITS and stated != unit) or (unit not in MEASURED_UNITS and stated is not None):
                self.add(
                    entry,
                    "value",
                    f"{e.value!r} reads as unit {stated or 'none'}; property {e.property} expects {unit if unit in MEASURED_UNITS else 'a bare count'}",
                )
                quantity = None
        if span is None:
            return None
        value_span = self.within(entry, "value", span, e.value)
        time_columns = self.phrase_columns(entry, "time", span, e.time, ref)
        if quantity is None or value_span is None or time_columns is None:
            return None
        return {
            "claim_id": f"{self.seed.article_id}-{value_span[0]}-{e.property}",
            "article_id": self.seed.article_id,
            "organisation_id": e.organisation,
            "hardware_id": e.hardware,
            "component_hardware_id": e.component,
            "property": e.property,
            "value": float(quantity.value),
            "unit": unit,
            "comparator": quantity.comparator,
            **_span_columns("value_", self.seed, *value_span, text_column="text"),
            **time_columns,
            "modality": e.modality,
            "attribution_kind": e.attribution_kind,
            **attribution,
            **_span_columns("", self.seed, *span),
            "quote_en": self.gloss(entry, e.en),
            "note": e.note,
        }

    def event_row(self, e: EventEntry, ref: Reference | None) -> Row | None:
        entry = f"events[{e.index}] ({e.quote[:40]!r})"
        span = self.common("events", entry, e)
        self.vocab.check("events", "event_type", e.type, self.problems, (self.reading.path, entry, "type"))
        for org in e.organisations:
            self.known(entry, "organisations", "organisation", org)
        for hw in e.hardware:
            self.known(entry, "hardware", "hardware", hw)
        for person in e.people:
            self.known(entry, "people", "person", person)
        attribution = self.attribution(entry, e)
        if span is None:
            return None
        date_columns = self.phrase_columns(entry, "date", span, e.date, ref)
        if date_columns is None:
            return None
        return {
            "event_id": f"{self.seed.article_id}-{span[0]}-{e.type}",
            "article_id": self.seed.article_id,
            "event_type": e.type,
            "description": e.description,
            "modality": e.modality,
            **date_columns,
            "organisation_ids": "|".join(e.organisations) or None,
            "hardware_ids": "|".join(e.hardware) or None,
            "person_ids": "|".join(e.people) or None,
            "attribution_kind": e.attribution_kind,
            **attribution,
            **_span_columns("", self.seed, *span),
            "quote_en": self.gloss(entry, e.en),
            "note": e.note,
        }

    def dismissals(self, numbers: list[tuple[int, int]]) -> None:
        """Anchor each dismissal (every occurrence when `every` is set); a dismissal must cover a number."""
        for e in self.reading.dismissed:
            entry = f"dismissed[{e.index}] ({e.quote[:40]!r})"
            if not e.reason:
                continue  # the missing reason is already reported by the reader
            if e.every:
                spans = [(h + len(e.prefix), h + len(e.prefix) + len(e.quote)) for h in find_all(self.text, e.prefix + e.quote + e.suffix)]
                if not spans:
                    self.add(entry, "quote", f"quote {e.quote!r} not found in the seed; expected an exact copy of the seed's text")
            else:
                try:
                    spans = [anchor(self.text, e.quote, e.prefix, e.suffix)]
                except AnchorError as exc:
                    self.add(entry, "quote", str(exc))
                    spans = []
            if spans and len(uncovered(numbers, spans)) == len(numbers):
                self.add(entry, "quote", f"{e.quote!r} contains no number; a dismissal is only for numbers")
            self.covered.extend(spans)

    def audit(self) -> None:
        """Every number in the seed must be inside a curated span or dismissed; fail naming each one."""
        numbers = numbers_in(self.text, self.reading.language)
        self.dismissals(numbers)
        for start, end in uncovered(numbers, self.covered):
            self.problems.add(
                self.seed.path,
                f"char {start}",
                "",
                f"number {self.text[start:end]!r} in {context(self.text, start, end)!r} is in no curated claim, event, role, "
                f"title or date and is not dismissed; add what it states to {self.reading.path}, or dismiss it there with a reason",
            )

    def roles(self) -> list[Row]:
        """Each stated role, anchored; people rows take the first one."""
        rows = []
        for e in self.reading.roles:
            entry = f"roles[{e.index}] ({e.quote[:40]!r})"
            self.known(entry, "person", "person", e.person)
            self.known(entry, "organisation", "organisation", e.organisation)
            span = self.anchor(entry, e.quote, e.prefix, e.suffix)
            if span is not None:
                rows.append(
                    {
                        "person_id": e.person,
                        "role": e.role,
                        "organisation_id": e.organisation,
                        "role_article_id": self.seed.article_id,
                        **_span_columns("role_", self.seed, *span),
                    }
                )
        return rows


@dataclass(frozen=True)
class Aliases:
    """Every alias of every entity, compiled once for the whole corpus."""

    surface: dict[str, tuple[str, str]]  # alias -> (kind, entity id)
    index: AliasIndex

    @classmethod
    def from_registry(cls, registry: Registry, problems: Collector) -> Aliases:
        surface: dict[str, tuple[str, str]] = {}
        for kind in ("organisation", "person", "hardware"):
            for ident, entity in registry.table(kind).items():
                for alias in entity.aliases:
                    if alias in surface and surface[alias] != (kind, ident):
                        problems.add(
                            registry.path,
                            f"{kind}.{ident}",
                            "aliases",
                            f"alias {alias!r} is also an alias of {surface[alias][0]} {surface[alias][1]}; an alias must name one entity",
                        )
                    surface[alias] = (kind, ident)
        try:
            index = alias_index(surface)
        except ValueError as exc:
            problems.add(registry.path, "", "aliases", str(exc))
            index = alias_index({})
        return cls(surface, index)


def derive_article(
    seed: Seed, reading: Reading, registry: Registry, vocab: Vocabulary, aliases: Aliases, problems: Collector, names: list | None = None
) -> tuple[Tables, list[Mention]]:
    """Rows of one article, and its entity mentions; the per-article unit of work (pure)."""
    d = _ArticleDeriver(seed, reading, registry, vocab, problems)
    ref, ref_row = d.reference()
    claims = [row for e in reading.claims if (row := d.claim_row(e, ref)) is not None]
    events = [row for e in reading.events if (row := d.event_row(e, ref)) is not None]
    article = d.article_row(ref_row, len(reading.claims), len(reading.events))
    roles = d.roles()
    d.audit()
    found = find_mentions(seed.text, aliases.index)
    if names is not None:
        names.extend((seed.article_id, start, name) for start, name in unmatched_names(seed.text, [(m.start, m.end) for m in found]))
    mentions = [
        {
            "mention_id": f"{seed.article_id}-{m.start}",
            "article_id": seed.article_id,
            "entity_type": m.kind,
            "entity_id": m.entity_id,
            "organisation_id": m.entity_id if m.kind == "organisation" else None,
            "person_id": m.entity_id if m.kind == "person" else None,
            "hardware_id": m.entity_id if m.kind == "hardware" else None,
            **_span_columns("", seed, m.start, m.end),
        }
        for m in found
    ]
    return {"articles": [article], "claims": claims, "events": events, "mentions": mentions, "roles": roles}, found


def _entity_rows(kind: str, registry: Registry, mentions: list[Row], roles: list[Row], problems: Collector) -> list[Row]:
    """organisations, people or hardware rows, with counts and first mention derived from the mentions table."""
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


def derive_tables(pairs: list[tuple[Seed, Reading]], registry: Registry, vocab: Vocabulary, problems: Collector, names: list | None = None) -> Tables:
    """Every table from every article; problems collected, rows in primary-key order.

    `names`, when given, receives (article_id, offset, name) for capitalised names that match no alias.
    """
    for table, column in (("organisations", "kind"), ("hardware", "kind"), ("hardware", "organisation_role")):
        entities = registry.organisations if table == "organisations" else registry.hardware
        for ident, entity in entities.items():
            value = getattr(entity, "role" if column == "organisation_role" else column)
            vocab.check(table, column, value, problems, (registry.path, f"{table}.{ident}", column))
    if set(vocab.enums[("claims", "property")]) != set(PROPERTY_UNITS):
        problems.add("schemas/claims.json", "property", "enum", f"differs from derive.PROPERTY_UNITS {sorted(PROPERTY_UNITS)}")

    aliases = Aliases.from_registry(registry, problems)
    tables: Tables = {"articles": [], "claims": [], "events": [], "mentions": []}
    roles: list[Row] = []
    for seed, reading in sorted(pairs, key=lambda p: p[0].article_id):
        rows, _ = derive_article(seed, reading, registry, vocab, aliases, problems, names)
        for table in tables:
            tables[table].extend(rows[table])
        roles.extend(rows["roles"])
    tables["organisations"] = _entity_rows("organisation", registry, tables["mentions"], roles, problems)
    tables["people"] = _entity_rows("person", registry, tables["mentions"], roles, problems)
    tables["hardware"] = _entity_rows("hardware", registry, tables["mentions"], roles, problems)
    tables.update(reconcile(tables["claims"]))

    for table, key in vocab.primary_keys.items():
        seen: dict[str, int] = {}
        for row in tables[table]:
            seen[row[key]] = seen.get(row[key], 0) + 1
        for ident, count in seen.items():
            if count > 1:
                problems.add(f"data/{table}", ident, key, f"duplicate id ({count} entries produce it); expected each to be unique")
        tables[table].sort(key=lambda row: row[key])
    return tables
