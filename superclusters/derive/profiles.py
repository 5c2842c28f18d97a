"""Profiles: what the rows say about each entity, one fact per (row, attribute, entity), and a summary row per system.

A fact is what one claim, relation or event says about one entity it is linked to (`entity_links`): the
claim "Cortex would house approximately 100,000 GPUs" gives Cortex the fact `gpu_count` = "about 100,000
GPUs"; the relation "Tesla owns Cortex" gives Cortex `owner` = "Tesla, Inc." and Tesla `owns` = "Cortex".
Each fact keeps its row's modality, attribution, times and quote, and says how the entity is linked to the
row: a fact whose link (or the link of another entity its value names) is the curator's inference is never
`established`. Facts are made per batch of articles (`fact_rows`); their claims' verdicts come from the claim
groups at the end (`with_verdicts`). The systems (hardware of kind cluster or supercomputer) are summed up
from their facts as they pass (`ProfileSummary`), so no fact has to wait in memory: `systems` is one row per
system, and `epoch_gpu_clusters` the same systems in the fields of Epoch AI's GPU-clusters data. The
vocabulary, the wording and the rules are in docs/profiles.md (its vocabulary table is generated from here).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, MutableMapping
from datetime import date
from typing import Any

from ..inputs.readings import Hardware, Registry
from .context import BASIS_ORDER, Row
from .reconcile import MODALITY_CLASS, group_key

# Hardware of these kinds is a system: one row each in `systems` and `epoch_gpu_clusters`.
SYSTEM_KINDS = ("cluster", "supercomputer")
# The entity kinds that have profiles (an unnamed party has none; it is a value where a row names it).
PROFILED = ("organisation", "person", "hardware", "place")

# Every attribute: its English label and its rank (display order within a profile, lower first: the figures
# readers ask for first, then status, owner, place, the rest). Closed: schemas/profile_facts.json's enum
# must list exactly these (derive.prepare checks it).
ATTRIBUTES: dict[str, tuple[str, int]] = {
    "accelerator": ("Accelerator", 10),
    "component": ("Component", 12),
    "connects_via": ("Connected via", 14),
    "gpu_count": ("GPU count", 20),
    "h100_equivalent_count": ("H100-equivalents", 22),
    "diverted_gpu_count": ("GPUs diverted", 24),
    "server_count": ("Servers", 30),
    "node_count": ("Nodes", 32),
    "power_mw": ("Power", 40),
    "cooling_mw": ("Cooling", 42),
    "bandwidth_gbps": ("Bandwidth", 44),
    "rack_share": ("Share of racks", 46),
    "accelerator_share": ("Share of processors", 48),
    "status": ("Status", 50),
    "milestone": ("Milestone", 55),
    "owner": ("Owner", 60),
    "owns": ("Owns", 61),
    "developer": ("Developer", 62),
    "develops": ("Develops", 63),
    "builder": ("Builder", 64),
    "builds": ("Builds", 65),
    "part_builder": ("Builds part of it", 66),
    "builds_part_of": ("Builds part of", 67),
    "supplier": ("Supplier", 68),
    "supplies": ("Supplies", 69),
    "location": ("Location", 70),
    "hosts": ("Hosts", 71),
    "part_of": ("Part of", 72),
    "has_part": ("Has as part", 73),
    "component_of": ("Component of", 74),
    "connects": ("Connects", 75),
    "purpose": ("Purpose", 80),
    "served_by": ("Served by", 81),
    "powers": ("Powers", 82),
    "powered_by": ("Powered by", 83),
    "depends_on": ("Depends on", 84),
    "needed_by": ("Needed by", 85),
    "investor": ("Investor", 88),
    "invests_in": ("Invests in", 89),
    "investment_usd": ("Investment", 90),
    "capex_usd": ("Capital expenditure", 92),
    "counted_in": ("Counted in", 96),
    "event": ("Event", 100),
    "partner_of": ("Partner of", 110),
    "co_founded": ("Co-founded", 112),
    "co_founder": ("Co-founder", 113),
    "associated_with": ("Associated with", 114),
    "sues": ("Sues", 116),
    "sued_by": ("Sued by", 117),
    "rival_of": ("Rival of", 118),
}
# A relation's predicate -> (the subject's attribute, the object's attribute). uses_component is `accelerator`
# for an object of hardware kind accelerator and `component` otherwise.
PREDICATE_ATTRIBUTES = {
    "owns": ("owns", "owner"),
    "develops": ("develops", "developer"),
    "builds": ("builds", "builder"),
    "builds_part_of": ("builds_part_of", "part_builder"),
    "supplies": ("supplies", "supplier"),
    "uses_component": ("component", "component_of"),
    "connects_via": ("connects_via", "connects"),
    "located_in": ("location", "hosts"),
    "part_of": ("part_of", "has_part"),
    "used_for": ("purpose", "served_by"),
    "depends_on": ("depends_on", "needed_by"),
    "powers": ("powers", "powered_by"),
    "invests_in": ("invests_in", "investor"),
    "partner_of": ("partner_of", "partner_of"),
    "co_founded": ("co_founded", "co_founder"),
    "associated_with": ("associated_with", "associated_with"),
    "sues": ("sues", "sued_by"),
    "rivals": ("rival_of", "rival_of"),
}
COMPARATOR_WORDS = {"=": "", "~": "about ", ">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most "}
UNIT_WORDS = {"GPU": "GPUs", "server": "servers", "node": "nodes", "H100-equivalent": "H100-equivalents", "MW": "MW", "Gbit/s": "Gbit/s"}
SHARE_OF = {"rack_share": "the racks", "accelerator_share": "the processors"}
PHASE_WORDS = {"initial": "initially", "expanded": "when expanded"}
# Statuses that say a system runs (Epoch's "existing"); any other status says it does not yet, or not fully.
RUNNING = ("operational", "operating_provisionally")
# Where no status or milestone says it, a plan to build, develop or fund a system says it is to come (Epoch's
# "planned"); a plan for a figure of it does not ("8.000 ... equivalentes ao H100 on-line até o final do ano" is
# a target for Dojo's capacity, not for its existence).
MAKING = ("builder", "part_builder", "developer", "investor")
CLASS_RANK = {"actual": 0, "prospective": 1, "conjecture": 2}
# The figures `systems` gives a column each (a claim property); other properties go to `other_figures`.
FIGURES = ("gpu_count", "h100_equivalent_count", "server_count", "node_count", "power_mw", "cooling_mw")


def number_words(value: float, unit: str | None) -> str:
    """A quantity in words a reader expects: 100,000; US$500 million; half."""
    if unit == "USD":
        for size, word in ((1e9, "billion"), (1e6, "million")):
            if value >= size:
                return f"US${value / size:g} {word}"
        return f"US${value:,.0f}"
    if unit == "fraction":
        return "half" if value == 0.5 else f"{value * 100:g} %"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def amount_text(claim: Row) -> str:
    """The claim's quantity with its comparator kept: "about 100,000 GPUs", "more than 500 MW", "half"."""
    words = number_words(claim["value"], claim["unit"])
    unit = UNIT_WORDS.get(claim["unit"], "")
    if unit == "GPUs" and claim["value"] == 1:
        unit = "GPU"
    return COMPARATOR_WORDS[claim["comparator"]] + words + (f" {unit}" if unit else "")


class Names:
    """Each entity's type, kind and display name: the registry's entities, and the unnamed parties of the rows."""

    def __init__(self, registry: Registry, parties: dict[str, str] | None = None) -> None:
        self.registry, self.parties = registry, parties or {}

    def type(self, ident: str) -> str | None:
        return "unnamed_party" if ident in self.parties else self.registry.kind_of(ident)

    def name(self, ident: str) -> str:
        if ident in self.parties:
            return self.parties[ident]
        kind = self.registry.kind_of(ident)
        return self.registry.table(kind)[ident].name if kind else ident

    def kind(self, ident: str) -> str | None:
        """The registry's kind (cluster, company, city, ...); people have none."""
        kind = self.registry.kind_of(ident)
        return getattr(self.registry.table(kind)[ident], "kind", None) if kind else None


def _weakest(bases: Iterable[str]) -> str:
    return max(bases, key=BASIS_ORDER.__getitem__, default="stated")


def _row_columns(row: Row, table: str, key: str) -> Row:
    """What every fact of a row copies from it: the statement, who said it, when, and where it is in the seed."""
    event = table == "events"
    return {
        "time_text": row["date_text" if event else "time_text"],
        "time_start": row["date_start" if event else "time_start"],
        "time_end": row["date_end" if event else "time_end"],
        # A deadline ("até o final do ano": by 31 December) or a lower bound ("em alguns meses": after) is not a day.
        "time_relation": row["date_relation" if event else "time_relation"],
        "time_precision": row["date_precision" if event else "time_precision"],
        "phase": row.get("phase"),
        "modality": row["modality"],
        "modality_class": MODALITY_CLASS[row["modality"]],
        "attributed_to": row["attributed_to"],
        # The other reading the row records ("H100/H200": either or both) goes wherever its value is shown.
        "ambiguity": row.get("ambiguity"),
        "source_table": table,
        "source_id": row[key],
        "claim_id": row[key] if table == "claims" else None,
        "relation_id": row[key] if table == "relations" else None,
        "event_id": row[key] if table == "events" else None,
        "article_id": row["article_id"],
        "quote": row["quote"],
        "quote_en": row["quote_en"],
        "char_start": row["char_start"],
        "char_end": row["char_end"],
        "span_url": row["span_url"],
    }


def _fact(entity: str, attribute: str, names: Names, common: Row, **values: Any) -> Row:
    label, rank = ATTRIBUTES[attribute]
    basis = values.pop("link_basis")
    return {
        "fact_id": f"{common['source_id']}/{attribute}/{entity}",
        "entity_id": entity,
        "entity_type": names.type(entity),
        "entity_kind": names.kind(entity),
        "entity_name": names.name(entity),
        "attribute": attribute,
        "attribute_label": label,
        "rank": rank,
        "value": None,
        "unit": None,
        "comparator": None,
        "object_id": None,
        "component_id": None,
        "source_kind": None,
        "group_id": None,
        "verdict": None,
        "verdict_with_inferred": None,
        **values,
        "link_basis": basis,
        "established": basis != "inferred",
        **common,
    }


def _claim_facts(claim: Row, links: list[Row], names: Names) -> list[Row]:
    hardware, organisation, component = claim["hardware_id"], claim["organisation_id"], claim["component_hardware_id"]
    # The value names every subject and the component, so a fact rests on all their links.
    basis = _weakest(link["basis"] for link in links if link["role"] in ("hardware", "organisation", "component"))
    common = {**_row_columns(claim, "claims", "claim_id"), "stated_start": claim["stated_start"], "stated_end": claim["stated_end"]}
    values = {"value": claim["value"], "unit": claim["unit"], "comparator": claim["comparator"], "source_kind": claim["property"], "group_id": group_key(claim)}
    amount = amount_text(claim)
    if claim["property"] in SHARE_OF:
        amount += f" of {SHARE_OF[claim['property']]}"
    phase = f" {PHASE_WORDS[claim['phase']]}" if claim.get("phase") else ""
    made = " (" + names.name(component) + ")" if component else ""
    facts = []
    for link in links:
        entity, role = link["entity_id"], link["role"]
        if names.type(entity) not in PROFILED or role not in ("hardware", "organisation", "component"):
            continue
        if role == "component":
            subject = hardware or organisation
            text = f"{amount}{phase} in {names.name(subject)}"
            facts.append(_fact(entity, "counted_in", names, common, **values, object_id=subject, value_text=text, link_basis=basis))
        elif role == "hardware":
            by = f" ({names.name(organisation)})" if organisation else ""
            text = f"{amount}{made}{by}{phase}"
            facts.append(
                _fact(entity, claim["property"], names, common, **values, object_id=organisation, component_id=component, value_text=text, link_basis=basis)
            )
        else:
            of = f" of {names.name(hardware)}" if hardware and claim["property"] in SHARE_OF else (f" ({names.name(hardware)})" if hardware else "")
            text = f"{amount}{of}{made}{phase}"
            facts.append(
                _fact(entity, claim["property"], names, common, **values, object_id=hardware, component_id=component, value_text=text, link_basis=basis)
            )
    return facts


def _relation_facts(relation: Row, links: list[Row], names: Names) -> list[Row]:
    by_role = {link["role"]: link for link in links if link["role"] in ("subject", "object")}
    basis = _weakest(link["basis"] for link in by_role.values())
    common = {**_row_columns(relation, "relations", "relation_id"), "stated_start": relation["stated_start"], "stated_end": relation["stated_end"]}
    subject, target, predicate = relation["subject_id"], relation["object_id"], relation["predicate"]
    as_subject, as_object = PREDICATE_ATTRIBUTES[predicate]
    if predicate == "uses_component" and target and names.type(target) == "hardware" and names.kind(target) == "accelerator":
        as_subject = "accelerator"
    facts = []
    if "subject" in by_role and names.type(subject) in PROFILED:
        value = names.name(target) if target else relation["object_text"]
        facts.append(_fact(subject, as_subject, names, common, object_id=target, source_kind=predicate, value_text=value, link_basis=basis))
    if "object" in by_role and names.type(target) in PROFILED:
        # "Dell (builds a part)": among a system's builders, one that builds a part of it is not a builder of the whole.
        value = names.name(subject) + (" (builds a part)" if predicate == "builds_part_of" else "")
        facts.append(_fact(target, as_object, names, common, object_id=subject, source_kind=predicate, value_text=value, link_basis=basis))
    return facts


def _event_facts(event: Row, links: list[Row], names: Names) -> list[Row]:
    participants = [link for link in links if link["role"] == "participant" and names.type(link["entity_id"]) in PROFILED]
    common = {**_row_columns(event, "events", "event_id"), "stated_start": event["stated_start"], "stated_end": event["stated_end"]}
    kind = event["event_type"]
    # A status or milestone is the state of the hardware the event names; its other participants only take part
    # ("Tesla was not ready to receive the processors, while xAI was" names xAI too, and says it was ready).
    facts = []
    for link in participants:
        entity = link["entity_id"]
        about = names.type(entity) == "hardware"
        if kind == "status" and about:
            # The description says what the status is of ("the small section the video shows") and when, which
            # the status word alone loses.
            attribute, text = "status", f"{event['status'].replace('_', ' ')}: {event['description']}"
        elif kind == "operational_milestone" and about:
            attribute, text = "milestone", event["description"]
        else:
            attribute, text = "event", event["description"]
        facts.append(_fact(entity, attribute, names, common, source_kind=event["status"] or kind, value_text=text, link_basis=link["basis"]))
    return facts


def fact_rows(tables: dict[str, list[Row]], registry: Registry) -> list[Row]:
    """profile_facts rows (without their verdicts) of some whole articles' claims, relations and events (pure)."""
    names = Names(registry, {p["party_id"]: p["quote"] for p in tables["unnamed_parties"]})
    links: dict[str, list[Row]] = {}
    for link in tables["entity_links"]:
        links.setdefault(link["row_id"], []).append(link)
    facts: list[Row] = []
    for claim in tables["claims"]:
        facts += _claim_facts(claim, links.get(claim["claim_id"], []), names)
    for relation in tables["relations"]:
        facts += _relation_facts(relation, links.get(relation["relation_id"], []), names)
    for event in tables["events"]:
        facts += _event_facts(event, links.get(event["event_id"], []), names)
    return facts


Statuses = dict[str, tuple[str, str]]  # group_id -> (status, status_with_inferred)


def with_verdicts(facts: list[Row], statuses: Statuses) -> list[Row]:
    """The facts with their claim group's verdicts filled in (in place; returned for convenience)."""
    for fact in facts:
        if fact["group_id"] is not None:
            fact["verdict"], fact["verdict_with_inferred"] = statuses[fact["group_id"]]
    return facts


# -- systems -----------------------------------------------------------------------------------------

# The system row's column groups: each gathers the facts of some attributes (established ones; the others go
# to `inferred`), shows them as text and lists the rows they rest on.
GROUP_OF = {
    "accelerator": "accelerators",
    **{figure: figure for figure in FIGURES},
    "status": "statuses",
    "milestone": "milestones",
    "owner": "owners",
    "builder": "builders",
    "part_builder": "builders",
    "developer": "builders",
    "supplier": "suppliers",
    "investor": "investors",
    "location": "places",
    "component": "components",
    "connects_via": "components",
    "purpose": "purposes",
    "powers": "purposes",
}
# Groups of facts from one table each, and the table a group takes its other attributes from.
RELATION_GROUPS = ("accelerators", "owners", "builders", "suppliers", "investors", "places", "part_of", "components", "purposes", "other_relations")
EVENT_GROUPS = ("statuses", "milestones", "other_events")
CLAIM_GROUPS = (*FIGURES, "other_figures")
OTHER_GROUP = {"claims": "other_figures", "relations": "other_relations", "events": "other_events"}
# Groups whose text names each fact's attribute (they mix attributes of different kinds).
LABELLED = ("other_figures", "other_relations", "inferred")
SEPARATOR = " · "
AMBIGUOUS = " (ambiguous)"  # after an Epoch value whose rows record another reading; the reading is in `notes`
ID_COLUMN = {"claims": "claim", "relations": "relation", "events": "event"}


def _singular(group: str) -> str:
    return {"statuses": "status", "part_of": "part_of", "other_figures": "other_figure", "other_relations": "other", "other_events": "other"}.get(
        group, group.removesuffix("s")
    )


def said_words(start: date | None, end: date | None) -> str:
    """When a statement was made, as far as the seed says: 'said 2024-08-26', 'said by 2024-08-26', ..."""
    if start is not None and start == end:
        return f"said {start.isoformat()}"
    if start is not None and end is not None:
        return f"said {start.isoformat()}/{end.isoformat()}"
    if end is not None:
        return f"said by {end.isoformat()}"
    if start is not None:
        return f"said from {start.isoformat()}"
    return ""


def segment(fact: Row, labelled: bool = False) -> str:
    """One fact as the systems table shows it: its value, then how, by whom, for when, when said and where."""
    qualifiers = [fact["modality"], fact["attributed_to"]]
    if fact["time_text"]:
        qualifiers.append(f"«{fact['time_text']}»")
    said = said_words(fact["stated_start"], fact["stated_end"])
    if said:
        qualifiers.append(said)
    qualifiers.append(fact["article_id"].split("_", 1)[0])
    if fact.get("ambiguity"):
        qualifiers.append(f"ambiguous: «{fact['ambiguity']}»")
    label = f"{fact['attribute_label']}: " if labelled else ""
    return f"{label}{fact['value_text']} ({'; '.join(qualifiers)})"


def _recency(day: date | None) -> tuple[int, int]:
    """Sort key putting the latest day first and an unknown one last."""
    return (0, -day.toordinal()) if day is not None else (1, 0)


def choice_key(fact: Row) -> tuple:
    """The order in which a system's figures are offered for its one Epoch value (lowest first): reported before
    prospective before conjecture; the first phase (or none) before the expanded one, as Epoch records a cluster
    as it first runs; the latest statement; then the fact id, so the choice never depends on the input order."""
    return (
        CLASS_RANK[fact["modality_class"]],
        0 if fact["phase"] in (None, "initial") else 1,
        _recency(fact["stated_end"]),
        _recency(fact["stated_start"]),
        fact["fact_id"],
    )


class _System:
    """What a system's row needs from its facts, kept as they pass: texts, ids, and a few chosen facts."""

    def __init__(self) -> None:
        self.segments: dict[str, dict[str, None]] = {}  # group -> its texts, in first-seen order, each once
        self.ids: dict[str, dict[tuple[str, str], None]] = {}  # group -> (table, row id), in order, each once
        self.groups: dict[str, dict[str, None]] = {}  # figure group -> claim group ids
        self.statuses: list[tuple] = []  # established statuses: (as-of start, as-of end, class, status, segment, event id, url, quote)
        self.chosen: dict[str, tuple[tuple, Row]] = {}  # Epoch field -> (choice key, fact subset)
        self.named: dict[str, dict[str, list[tuple[str, str, str, str, bool]]]] = {}  # Epoch field -> value -> [(url, table, id, class, ambiguous)]
        self.milestone: Row | None = None  # the first established prospective milestone (says a system is to come)
        self.prospective: Row | None = None  # the first established prospective plan to make it (MAKING: says it is to come)
        self.articles: dict[str, None] = {}
        self.first: date | None = None
        self.last: date | None = None
        self.facts = 0

    def add(self, fact: Row) -> None:
        self.facts += 1
        self.articles[fact["article_id"]] = None
        if fact["stated_start"] is not None and (self.first is None or fact["stated_start"] < self.first):
            self.first = fact["stated_start"]
        if fact["stated_end"] is not None and (self.last is None or fact["stated_end"] > self.last):
            self.last = fact["stated_end"]
        table, attribute = fact["source_table"], fact["attribute"]
        if not fact["established"]:
            self._keep("inferred", segment(fact, labelled=True), table, fact["source_id"])
            return
        group = GROUP_OF.get(attribute, OTHER_GROUP[table])
        if attribute == "part_of" and fact.get("object_type") == "place":
            group = "places"
        self._keep(group, segment(fact, labelled=group in LABELLED), table, fact["source_id"])
        if fact["group_id"] is not None:
            self.groups.setdefault(group, {})[fact["group_id"]] = None
        if attribute == "status":
            start = fact["time_start"] or fact["stated_start"]
            end = fact["time_end"] or fact["stated_end"]
            self.statuses.append((start, end, fact["modality_class"], fact["source_kind"], segment(fact), fact["source_id"], fact["span_url"], fact["quote"]))
        if fact["modality_class"] == "prospective" and attribute == "milestone" and self.milestone is None:
            self.milestone = _kept(fact)
        if fact["modality_class"] == "prospective" and attribute in MAKING and self.prospective is None:
            self.prospective = _kept(fact)
        if fact["ambiguity"]:
            self._keep("ambiguous", segment(fact, labelled=True), table, fact["source_id"])
        epoch_field = {"gpu_count": "chip_count", "h100_equivalent_count": "h100_equivalents", "power_mw": "power_mw"}.get(attribute)
        if epoch_field is not None:
            key = choice_key(fact)
            if epoch_field not in self.chosen or key < self.chosen[epoch_field][0]:
                self.chosen[epoch_field] = (key, _kept(fact))
        named = {"owner": "owner", "location": "location", "accelerator": "hardware_type"}.get(attribute)
        if group == "places":
            named = "location"
        if named is not None:
            source = (fact["span_url"], table, fact["source_id"], fact["modality_class"], bool(fact["ambiguity"]))
            self.named.setdefault(named, {}).setdefault(fact["value_text"], []).append(source)

    def _keep(self, group: str, text: str, table: str, row_id: str) -> None:
        self.segments.setdefault(group, {})[text] = None
        self.ids.setdefault(group, {})[(table, row_id)] = None


def _kept(fact: Row) -> Row:
    """The columns of a fact the Epoch row may show."""
    names = ("fact_id", "attribute_label", "value", "comparator", "value_text", "modality", "modality_class", "group_id", "component_id", "quote", "ambiguity")
    return {
        **{k: fact[k] for k in names},
        "segment": segment(fact, labelled=fact["attribute"] not in ("status", "milestone")),
        "table": fact["source_table"],
        "id": fact["source_id"],
        "url": fact["span_url"],
    }


# The facts of a batch about systems, by system, in reading order; and the names of the components they name.
SystemFacts = tuple[dict[str, list[Row]], dict[str, str]]


def system_facts(facts: list[Row], registry: Registry) -> SystemFacts:
    """The facts about systems among a batch's facts, by system (pure: a worker process can choose them)."""
    mine: dict[str, list[Row]] = {}
    component_names: dict[str, str] = {}
    # In reading order (article, then offset): batches hold whole articles and come in article order, so the
    # systems' texts and lists do not depend on how the corpus is cut into batches.
    for fact in sorted(facts, key=lambda f: (f["article_id"], f["char_start"], f["fact_id"])):
        if fact["entity_type"] != "hardware" or fact["entity_kind"] not in SYSTEM_KINDS:
            continue
        if fact["object_id"] is not None:
            fact = {**fact, "object_type": registry.kind_of(fact["object_id"])}
        mine.setdefault(fact["entity_id"], []).append(fact)
        if fact["component_id"] is not None:
            component_names[fact["component_id"]] = registry.hardware[fact["component_id"]].name
    return mine, component_names


class ProfileSummary:
    """What `systems` and `epoch_gpu_clusters` need from the facts, added a batch at a time (whole articles, in
    article order): per system its texts and row ids as they will be published, never the facts themselves.

    Each system's state is kept pickled in `store`, a mapping of system id to bytes: a dict by default, or one
    on disk (the streamed build's), so that a corpus of thousands of systems does not hold them all in memory.
    """

    def __init__(self, store: MutableMapping[str, bytes] | None = None) -> None:
        self.store: MutableMapping[str, bytes] = {} if store is None else store
        self.component_names: dict[str, str] = {}  # component hardware id -> name, for the Epoch hardware type

    def add(self, facts: list[Row], registry: Registry) -> None:
        self.absorb(system_facts(facts, registry))

    def absorb(self, selected: SystemFacts) -> None:
        """Take the facts `system_facts` chose from a batch (in this process or another)."""
        mine, component_names = selected
        self.component_names.update(component_names)
        for ident, facts_of_system in mine.items():
            system = self.system(ident)
            for fact in facts_of_system:
                system.add(fact)
            self.store[ident] = pickle.dumps(system, protocol=pickle.HIGHEST_PROTOCOL)

    def system(self, ident: str) -> _System:
        """The system's state so far (empty for a system no fact names)."""
        return pickle.loads(self.store[ident]) if ident in self.store else _System()


def profile_rows(registry: Registry, summary: ProfileSummary, statuses: Statuses) -> Iterator[tuple[Row, Row]]:
    """Each registered system's `systems` row and `epoch_gpu_clusters` row, in system id order, one system at a
    time (a system no fact names has its name only)."""
    for ident, hardware in sorted(registry.hardware.items()):
        if hardware.kind in SYSTEM_KINDS:
            system = summary.system(ident)
            yield system_row(ident, hardware, system, statuses), epoch_row(ident, hardware, system, summary.component_names, statuses)


def _ids(pairs: Iterable[tuple[str, str]], table: str) -> str | None:
    """A list cell ('|'-delimited text, as derive makes it) of the row ids from one table, or None."""
    return "|".join(row_id for t, row_id in pairs if t == table) or None


def _verdicts(groups: Iterable[str], statuses: Statuses, named: bool) -> str | None:
    """The claim groups' verdicts in words: the status, and what counting inferred links gives where it differs."""
    shown = []
    for group in groups:
        status, with_inferred = statuses[group]
        text = status + (f" (counting inferred links: {with_inferred})" if with_inferred != status else "")
        shown.append(f"{group}: {text}" if named else text)
    return "; ".join(shown) or None


def latest_statuses(statuses: list[tuple]) -> list[tuple]:
    """The latest stated statuses: reported ones where there are any (else the prospective, else the rest), and of
    those each that no other is known to follow (its as-of interval ends before another's starts); dated ones
    before undated ones, which cannot be ordered."""
    for rank in sorted(CLASS_RANK.values()):
        pool = [s for s in statuses if CLASS_RANK[s[2]] == rank]
        if pool:
            break
    else:
        return []
    dated = [s for s in pool if s[1] is not None]
    if not dated:
        return pool
    return [s for s in dated if not any(o[0] is not None and o[0] > s[1] for o in dated)]


def system_row(ident: str, hardware: Hardware, system: _System, statuses: Statuses) -> Row:
    """The `systems` row of one system, from what its facts left in `system`."""
    row: Row = {"system_id": ident, "name": hardware.name, "kind": hardware.kind}
    for group in (*RELATION_GROUPS, *CLAIM_GROUPS, *EVENT_GROUPS):
        table = "relations" if group in RELATION_GROUPS else "claims" if group in CLAIM_GROUPS else "events"
        row[group] = SEPARATOR.join(system.segments.get(group, {})) or None
        row[f"{_singular(group)}_{ID_COLUMN[table]}_ids"] = _ids(system.ids.get(group, {}), table)
        if table == "claims":
            verdict_column = "other_figure_verdicts" if group == "other_figures" else f"{group}_verdict"
            row[verdict_column] = _verdicts(system.groups.get(group, {}), statuses, named=group == "other_figures")
    latest = latest_statuses(system.statuses)
    row["latest_status"] = SEPARATOR.join(dict.fromkeys(s[4] for s in latest)) or None
    row["latest_status_stated_start"] = min((s[0] for s in latest if s[0] is not None), default=None)
    row["latest_status_stated_end"] = max((s[1] for s in latest if s[1] is not None), default=None)
    row["latest_status_event_ids"] = "|".join(dict.fromkeys(s[5] for s in latest)) or None
    row["inferred"] = SEPARATOR.join(system.segments.get("inferred", {})) or None
    for table in ("claims", "relations", "events"):
        row[f"inferred_{ID_COLUMN[table]}_ids"] = _ids(system.ids.get("inferred", {}), table)
    row.update(
        {
            "first_stated_start": system.first,
            "last_stated_end": system.last,
            "article_count": len(system.articles),
            "article_ids": "|".join(system.articles) or None,
            "fact_count": system.facts,
        }
    )
    return row


def epoch_row(ident: str, hardware: Hardware, system: _System, component_names: dict[str, str], statuses: Statuses) -> Row:
    """The `epoch_gpu_clusters` row of one system: Epoch AI's GPU-clusters fields, each no more than its rows say
    (rules in docs/profiles.md: which figure is shown, existing or planned, the certainty)."""
    row: Row = {"system_id": ident, "name": hardware.name}
    behind: dict[tuple[str, str], str] = {}  # (table, row id) -> span url, of every value the row shows
    shown: list[tuple[str, Row]] = []  # (label, fact) of the figures shown, for the certainty
    classes: list[str] = []  # the modality class of every value shown (a named value's best)
    for field, label in (("chip_count", "chip count"), ("h100_equivalents", "H100-equivalents"), ("power_mw", "power")):
        chosen = system.chosen.get(field, (None, None))[1]
        row[field] = chosen["value"] if chosen else None
        row[f"{field}_comparator"] = chosen["comparator"] if chosen else None
        row[f"{field}_text"] = (chosen["value_text"] + (AMBIGUOUS if chosen["ambiguity"] else "")) if chosen else None
        row[f"{field}_url"] = chosen["url"] if chosen else None
        if chosen:
            shown.append((label, chosen))
            classes.append(chosen["modality_class"])
            behind[(chosen["table"], chosen["id"])] = chosen["url"]
    for field in ("owner", "location", "hardware_type"):
        values = {value: list(sources) for value, sources in system.named.get(field, {}).items()}
        chip = system.chosen.get("chip_count", (None, {}))[1]
        if field == "hardware_type" and chip.get("component_id"):
            source = (chip["url"], chip["table"], chip["id"], chip["modality_class"], bool(chip["ambiguity"]))
            values.setdefault(component_names[chip["component_id"]], []).append(source)
        # A value every row of which records another reading ("Nvidia H200", named only in "H100/H200") says so.
        row[field] = "; ".join(value + (AMBIGUOUS if all(s[4] for s in sources) else "") for value, sources in values.items()) or None
        row[f"{field}_urls"] = "|".join(sources[0][0] for sources in values.values()) or None
        for sources in values.values():
            behind.update({(table, row_id): url for url, table, row_id, _, _ in sources})
            classes.append(min((s[3] for s in sources), key=CLASS_RANK.__getitem__))
    status, deciding, context = _epoch_status(system)
    said = deciding + [f for f in context if f["id"] not in {d["id"] for d in deciding}]
    row["status"] = status
    row["status_text"] = SEPARATOR.join(dict.fromkeys(f["segment"] for f in said)) or None
    row["status_urls"] = "|".join(dict.fromkeys(f["url"] for f in said)) or None
    behind.update({(f["table"], f["id"]): f["url"] for f in said})
    classes += [f["modality_class"] for f in deciding]
    row["certainty"], row["certainty_reason"] = certainty(shown, classes, statuses)
    inferred = SEPARATOR.join(system.segments.get("inferred", {}))
    ambiguous = SEPARATOR.join(system.segments.get("ambiguous", {}))
    notes = [f"Not established (rests on an inferred link): {inferred}"] if inferred else []
    notes += [f"Ambiguous (the row records another reading of its words, or what its English gloss loses): {ambiguous}"] if ambiguous else []
    row["notes"] = ". ".join(notes) or None
    row["quote"] = " … ".join(dict.fromkeys([chosen["quote"] for _, chosen in shown] + [f["quote"] for f in deciding])) or None
    row["source_urls"] = "|".join(dict.fromkeys(behind.values())) or None
    for table in ("claims", "relations", "events"):
        row[f"{ID_COLUMN[table]}_ids"] = _ids(behind, table)
    row["article_count"] = len(system.articles)
    return row


def _status_fact(status: tuple) -> Row:
    start, end, modality_class, _, text, event_id, url, quote = status
    return {"segment": text, "table": "events", "id": event_id, "url": url, "quote": quote, "modality_class": modality_class}


def _epoch_status(system: _System) -> tuple[str | None, list[Row], list[Row]]:
    """existing (a reported status says it runs), planned (a status, a planned milestone, or else a plan, target
    or expectation says it is to come), or None (no row says either); the facts that decide it, and the latest
    statuses beside them (so "existing" is read with "not finished" where the seeds say both)."""
    latest = [_status_fact(s) for s in latest_statuses(system.statuses)]
    running = [_status_fact(s) for s in system.statuses if s[2] == "actual" and s[3] in RUNNING]
    if running:
        return "existing", running, latest
    if latest:
        return "planned", latest, []
    evidence = system.milestone or system.prospective
    return ("planned", [evidence], []) if evidence is not None else (None, [], [])


def certainty(shown: list[tuple[str, Row]], classes: list[str], statuses: Statuses) -> tuple[str | None, str | None]:
    """The Epoch row's certainty, by the first rule that fires over the values it shows (`classes`: the modality
    class of each) and its figures' claim groups: conflicting (a figure's group is in conflict), unresolved (a
    figure's group cannot be resolved), speculative (a value rests on a conjecture), prospective (on a plan,
    target or expectation), reported (every value is reported as fact); None when the row shows no value."""
    if not classes:
        return None, None
    reasons = []
    for label, fact in shown:
        verdict = statuses[fact["group_id"]][0]
        reasons.append(f"{label}: {fact['modality']} ({fact['modality_class']}), claim group {fact['group_id']} {verdict}")
    counts = {c: classes.count(c) for c in CLASS_RANK if c in classes}
    reasons.append("values shown: " + ", ".join(f"{n} {c}" for c, n in counts.items()))
    verdicts = {statuses[fact["group_id"]][0] for _, fact in shown}
    if "conflict" in verdicts:
        label = "conflicting"
    elif "unresolved" in verdicts:
        label = "unresolved"
    elif "conjecture" in classes:
        label = "speculative"
    elif "prospective" in classes:
        label = "prospective"
    else:
        label = "reported"
    return label, "; ".join(reasons)


def vocabulary() -> list[tuple[str, str, int, str, str]]:
    """(attribute, label, rank, the rows it comes from, its column group in systems) of every attribute, for the
    documentation's table (docs/profiles.md, generated)."""
    from .claims import PROPERTY_UNITS

    origins: dict[str, list[str]] = {}
    for prop in PROPERTY_UNITS:
        origins.setdefault(prop, []).append(f"claims: property `{prop}`, for its system or organisation")
    origins.setdefault("counted_in", []).append("claims: what a claim counts (`component_hardware_id`)")
    for predicate, (as_subject, as_object) in PREDICATE_ATTRIBUTES.items():
        origins.setdefault(as_subject, []).append(f"relations `{predicate}`, for the subject")
        origins.setdefault(as_object, []).append(f"relations `{predicate}`, for the object")
    origins.setdefault("accelerator", []).append("relations `uses_component` to hardware of kind accelerator, for the subject")
    origins["component"] = ["relations `uses_component` to anything else, for the subject"]
    origins.setdefault("status", []).append("events of type `status`, for the hardware they name")
    origins.setdefault("milestone", []).append("events of type `operational_milestone`, for the hardware they name")
    origins.setdefault("event", []).append("every other event, for each participant")
    rows = []
    for attribute, (label, rank) in ATTRIBUTES.items():
        source = (
            "claims" if attribute in PROPERTY_UNITS or attribute == "counted_in" else "events" if attribute in ("status", "milestone", "event") else "relations"
        )
        column = GROUP_OF.get(attribute, OTHER_GROUP[source])
        rows.append((attribute, label, rank, "; ".join(origins[attribute]), column))
    return rows
