"""Load the curated readings: one YAML file per seed, plus the shared entity registry.

A reading records human judgements only (what a sentence claims, who says it,
with what modality), each anchored by an exact quote. Offsets, numbers, dates
and ids are computed later. Structural mistakes are collected, not raised one
at a time, so a curator sees every one in a single run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Collector

try:  # PyYAML's C loader is many times faster; fall back only where libyaml is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _Loader(_BaseLoader):
    """Safe loader that refuses duplicate keys: PyYAML would silently keep the last one."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: dict = {}
        for key_node, _ in node.value:
            # Keys here are plain scalars; compare their text rather than constructing them twice.
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


ENTITIES_FILE = "entities.yaml"


@dataclass(frozen=True)
class Phrase:
    """A time or date phrase inside an entry's quote; calendar=False marks one that is no calendar time."""

    text: str
    calendar: bool = True


@dataclass(frozen=True)
class ClaimEntry:
    index: int
    quote: str
    prefix: str
    suffix: str
    value: str
    property: str
    organisation: str | None
    hardware: str | None
    component: str | None
    time: Phrase | None
    modality: str
    attributed_to: str
    attribution_kind: str
    en: str | None
    note: str | None


@dataclass(frozen=True)
class EventEntry:
    index: int
    quote: str
    prefix: str
    suffix: str
    type: str
    description: str
    modality: str
    date: Phrase | None
    organisations: tuple[str, ...]
    hardware: tuple[str, ...]
    people: tuple[str, ...]
    attributed_to: str
    attribution_kind: str
    en: str | None
    note: str | None


@dataclass(frozen=True)
class RoleEntry:
    """A person's role as the seed states it, anchored by the quote that states it."""

    index: int
    person: str
    role: str
    organisation: str
    quote: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Dismissal:
    """A number in the seed that states no quantity (the '2' of 'Grok 2'), with the reason."""

    index: int
    quote: str
    reason: str
    every: bool  # dismiss every occurrence of the quote, not just one anchored occurrence
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Reading:
    path: str  # as shown in messages, e.g. readings/000_x.yaml
    seed: str  # seed file name
    seed_sha256: str
    language: str
    title: str
    title_source: str
    title_en: str | None
    published: str | None
    reference_year: int | None
    reference_year_basis: str | None
    outlet: str | None
    roles: tuple[RoleEntry, ...]
    claims: tuple[ClaimEntry, ...]
    events: tuple[EventEntry, ...]
    dismissed: tuple[Dismissal, ...]


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Hardware:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    organisation: str
    role: str
    description: str


@dataclass(frozen=True)
class Registry:
    path: str
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    hardware: dict[str, Hardware] = field(default_factory=dict)

    def table(self, kind: str) -> dict:
        """The entities of one kind: organisation, person or hardware."""
        return {"organisation": self.organisations, "person": self.people, "hardware": self.hardware}[kind]


def parse_yaml(text: str, path: str, problems: Collector) -> Any:
    """Parse YAML, turning a syntax error into a problem with its line and column."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problems.add(path, where, "", f"malformed YAML: {getattr(exc, 'problem', None) or exc}")
        return None


class _Fields:
    """Typed access to one mapping, recording a problem for each missing or mistyped field."""

    def __init__(self, data: Any, path: str, entry: str, problems: Collector):
        self.data = data if isinstance(data, dict) else {}
        self.path, self.entry, self.problems = path, entry, problems
        if not isinstance(data, dict):
            problems.add(path, entry, "", f"expected a mapping of fields, got {type(data).__name__}")

    def _get(self, name: str, kinds: tuple[type, ...], required: bool, expected: str) -> Any:
        value = self.data.get(name)
        if value is None:
            if required:
                self.problems.add(self.path, self.entry, name, f"missing required field; expected {expected}")
            return None
        if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
            self.problems.add(self.path, self.entry, name, f"got {value!r}; expected {expected}")
            return None
        return value

    def text(self, name: str, required: bool = True) -> str | None:
        value = self._get(name, (str,), required, "text")
        if value is not None and not value.strip():
            self.problems.add(self.path, self.entry, name, "is blank; expected text")
        return value

    def integer(self, name: str, required: bool = True) -> int | None:
        return self._get(name, (int,), required, "an integer")

    def ids(self, name: str) -> tuple[str, ...]:
        value = self._get(name, (list,), False, "a list of ids")
        if value is None:
            return ()
        bad = [v for v in value if not isinstance(v, str)]
        if bad:
            self.problems.add(self.path, self.entry, name, f"got {bad!r}; expected ids as text")
        return tuple(v for v in value if isinstance(v, str))

    def phrase(self, name: str) -> Phrase | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return Phrase(value)
        sub = _Fields(value, self.path, f"{self.entry}.{name}", self.problems)
        text = sub.text("text")
        calendar = sub.data.get("calendar", True)
        if not isinstance(calendar, bool):
            self.problems.add(self.path, self.entry, f"{name}.calendar", f"got {calendar!r}; expected true or false")
            calendar = True
        return Phrase(text or "", calendar)

    def unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problems.add(self.path, self.entry, str(key), f"unknown field; expected one of {', '.join(sorted(allowed))}")


def _entry_label(kind: str, index: int, data: Any) -> str:
    quote = data.get("quote") if isinstance(data, dict) else None
    short = f" ({quote[:40]!r})" if isinstance(quote, str) else ""
    return f"{kind}[{index}]{short}"


CLAIM_FIELDS = {
    "quote",
    "prefix",
    "suffix",
    "value",
    "property",
    "organisation",
    "hardware",
    "component",
    "time",
    "modality",
    "attributed_to",
    "attribution_kind",
    "en",
    "note",
}
EVENT_FIELDS = {
    "quote",
    "prefix",
    "suffix",
    "type",
    "description",
    "modality",
    "date",
    "organisations",
    "hardware",
    "people",
    "attributed_to",
    "attribution_kind",
    "en",
    "note",
}
READING_FIELDS = {
    "seed",
    "seed_sha256",
    "language",
    "title",
    "title_source",
    "title_en",
    "published",
    "reference_year",
    "reference_year_basis",
    "outlet",
    "roles",
    "claims",
    "events",
    "dismissed",
}


def parse_reading(text: str, path: str, problems: Collector) -> Reading | None:
    """Reading from YAML text; None (with problems recorded) when it is unusable."""
    data = parse_yaml(text, path, problems)
    if data is None:
        return None
    top = _Fields(data, path, "", problems)
    top.unknown(READING_FIELDS)
    roles = []
    for index, item in enumerate(top.data.get("roles") or []):
        f = _Fields(item, path, _entry_label("roles", index, item), problems)
        f.unknown({"person", "role", "organisation", "quote", "prefix", "suffix"})
        roles.append(
            RoleEntry(
                index,
                f.text("person") or "",
                f.text("role") or "",
                f.text("organisation") or "",
                f.text("quote") or "",
                f.text("prefix", False) or "",
                f.text("suffix", False) or "",
            )
        )
    dismissed = []
    for index, item in enumerate(top.data.get("dismissed") or []):
        f = _Fields(item, path, _entry_label("dismissed", index, item), problems)
        f.unknown({"quote", "reason", "every", "prefix", "suffix"})
        every = f.data.get("every", False)
        if not isinstance(every, bool):
            problems.add(path, f.entry, "every", f"got {every!r}; expected true or false")
        dismissed.append(
            Dismissal(index, f.text("quote") or "", f.text("reason") or "", every is True, f.text("prefix", False) or "", f.text("suffix", False) or "")
        )

    claims = []
    for index, item in enumerate(top.data.get("claims") or []):
        f = _Fields(item, path, _entry_label("claims", index, item), problems)
        f.unknown(CLAIM_FIELDS)
        claims.append(
            ClaimEntry(
                index,
                f.text("quote") or "",
                f.text("prefix", False) or "",
                f.text("suffix", False) or "",
                f.text("value") or "",
                f.text("property") or "",
                f.text("organisation", False),
                f.text("hardware", False),
                f.text("component", False),
                f.phrase("time"),
                f.text("modality") or "",
                f.text("attributed_to") or "",
                f.text("attribution_kind") or "",
                f.text("en", False),
                f.text("note", False),
            )
        )
    events = []
    for index, item in enumerate(top.data.get("events") or []):
        f = _Fields(item, path, _entry_label("events", index, item), problems)
        f.unknown(EVENT_FIELDS)
        events.append(
            EventEntry(
                index,
                f.text("quote") or "",
                f.text("prefix", False) or "",
                f.text("suffix", False) or "",
                f.text("type") or "",
                f.text("description") or "",
                f.text("modality") or "",
                f.phrase("date"),
                f.ids("organisations"),
                f.ids("hardware"),
                f.ids("people"),
                f.text("attributed_to") or "",
                f.text("attribution_kind") or "",
                f.text("en", False),
                f.text("note", False),
            )
        )
    return Reading(
        path=path,
        seed=top.text("seed") or "",
        seed_sha256=top.text("seed_sha256") or "",
        language=top.text("language") or "",
        title=top.text("title") or "",
        title_source=top.text("title_source") or "",
        title_en=top.text("title_en", False),
        published=top.text("published", False),
        reference_year=top.integer("reference_year", False),
        reference_year_basis=top.text("reference_year_basis", False),
        outlet=top.text("outlet", False),
        roles=tuple(roles),
        claims=tuple(claims),
        events=tuple(events),
        dismissed=tuple(dismissed),
    )


def parse_registry(text: str, path: str, problems: Collector) -> Registry:
    """The organisations, people and hardware every reading refers to by id."""
    data = parse_yaml(text, path, problems)
    registry = Registry(path)
    if data is None:
        return registry
    top = _Fields(data, path, "", problems)
    top.unknown({"organisations", "people", "hardware"})
    for person_id, item in (top.data.get("people") or {}).items():
        f = _Fields(item, path, f"people.{person_id}", problems)
        f.unknown({"name", "aliases", "description"})
        registry.people[person_id] = Person(person_id, f.text("name") or "", f.ids("aliases"), f.text("description") or "")
    for org_id, item in (top.data.get("organisations") or {}).items():
        f = _Fields(item, path, f"organisations.{org_id}", problems)
        f.unknown({"name", "kind", "aliases", "description"})
        registry.organisations[org_id] = Organisation(org_id, f.text("name") or "", f.text("kind") or "", f.ids("aliases"), f.text("description") or "")
    for hw_id, item in (top.data.get("hardware") or {}).items():
        f = _Fields(item, path, f"hardware.{hw_id}", problems)
        f.unknown({"name", "kind", "aliases", "organisation", "role", "description"})
        registry.hardware[hw_id] = Hardware(
            hw_id,
            f.text("name") or "",
            f.text("kind") or "",
            f.ids("aliases"),
            f.text("organisation") or "",
            f.text("role") or "",
            f.text("description") or "",
        )
    return registry


def read_text(path: Path, shown: str, problems: Collector) -> str | None:
    """Read a curated file as strict UTF-8, recording (not raising) a decoding problem."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        problems.add(shown, "", "", "file is missing")
    except UnicodeDecodeError as exc:
        problems.add(shown, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected UTF-8 text")
    return None
