"""Load the curated readings: one YAML file per seed, plus the shared entity registry.

A reading records human judgements only (what a sentence claims, who says it,
with what modality), each anchored by an exact quote. Offsets, numbers, dates
and ids are computed later. Structural mistakes are collected, not raised one
at a time, so a curator sees every one in a single run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from ..errors import Collector, shown
from .fast_yaml import REFUSED, fast_load
from .limits import MAX_CURATED_BYTES, MAX_NESTING, PARSER_SAFE_NESTING, too_deep, yaml_surely_within

try:  # PyYAML's C loader is many times faster; fall back only where libyaml is missing.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class CuratedRules:
    """What a curated file's loader adds to PyYAML's safe loader: duplicate keys (PyYAML would silently
    keep the last one) and complex keys are refused. A mixin, so that tests can put it on the pure-Python
    SafeLoader too and compare it with the C one."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen: dict = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, "a key that is a list or mapping; expected a plain name", key_node.start_mark
                )
            key = key_node.value  # compare the text rather than constructing keys twice
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _Loader(CuratedRules, _BaseLoader):
    """The safe loader with the curated files' rules (the C one where libyaml is installed)."""


ENTITIES_FILE = "entities.yaml"


@dataclass(frozen=True)
class Phrase:
    """A time or date phrase inside an entry's quote; calendar=False marks one that is no calendar time."""

    text: str
    calendar: bool = True
    prefix: str = ""  # context, only for a phrase anchored outside the entry's quote (e.g. `stated`)


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
    stated: Phrase | None = None
    phase: str | None = None
    links: tuple[tuple[str, str], ...] = ()  # (entity id, basis) for entities the quote's sentence does not name
    ambiguity: str | None = None
    clause_note: str | None = None  # why its speaker or statement time differs from another row of its clause


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
    places: tuple[str, ...] = ()
    status: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    ambiguity: str | None = None
    stated: Phrase | None = None  # when the words were said: relative dates count from it
    clause_note: str | None = None


@dataclass(frozen=True)
class RelationEntry:
    """A statement linking two entities (or an entity and a purpose in words)."""

    index: int
    quote: str
    prefix: str
    suffix: str
    subject: str
    predicate: str
    object: str | None
    object_text: str | None
    time: Phrase | None
    stated: Phrase | None
    modality: str
    attributed_to: str
    attribution_kind: str
    links: tuple[tuple[str, str], ...]
    en: str | None
    ambiguity: str | None
    note: str | None
    clause_note: str | None = None


@dataclass(frozen=True)
class PartyEntry:
    """People or a group the seed refers to without naming them."""

    index: int
    label: str
    kind: str
    quote: str
    prefix: str
    suffix: str
    affiliation: str | None
    en: str | None


@dataclass(frozen=True)
class SentenceDismissal:
    """A sentence that states no checkable fact, with the reason (from a closed vocabulary)."""

    index: int
    quote: str
    prefix: str
    suffix: str
    reason: str
    restates: str | None
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
    relations: tuple[RelationEntry, ...] = ()
    unnamed: tuple[PartyEntry, ...] = ()
    dismissed_sentences: tuple[SentenceDismissal, ...] = ()
    source_url: str | None = None


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
class Place:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    description: str


ENTITY_KINDS = ("organisation", "person", "hardware", "place")
# YAML list key -> entry class, and -> the Reading field that holds the entries.
ENTRY_KINDS = {
    "roles": RoleEntry,
    "unnamed": PartyEntry,
    "claims": ClaimEntry,
    "events": EventEntry,
    "relations": RelationEntry,
    "dismissed_numbers": Dismissal,
    "dismissed_sentences": SentenceDismissal,
}
READING_LISTS = {key: key for key in ENTRY_KINDS} | {"dismissed_numbers": "dismissed"}


# Each entity kind's attribute of the Registry.
_TABLE_OF_KIND = {"organisation": "organisations", "person": "people", "hardware": "hardware", "place": "places"}


@dataclass(frozen=True)
class Registry:
    path: str
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    hardware: dict[str, Hardware] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)

    def table(self, kind: str) -> dict:
        """The entities of one kind: organisation, person, hardware or place."""
        return getattr(self, _TABLE_OF_KIND[kind])

    def kind_of(self, ident: str) -> str | None:
        """The kind of a registered id (ids are unique across kinds), or None."""
        for kind in ENTITY_KINDS:
            if ident in getattr(self, _TABLE_OF_KIND[kind]):
                return kind
        return None


def _shared_node(node: Any) -> Any:
    """The first node reachable twice (an alias, `*name`), or None: composing keeps aliases as shared nodes."""
    found = _node_problem(node, "")
    return found[0] if found is not None and found[1] == ALIAS_MESSAGE else None


ALIAS_MESSAGE = "YAML anchors and aliases (&name, *name) are not allowed in readings; write the value out"
TAG_MESSAGE = "YAML tags (!name, !!type) are not allowed in readings; write the value as plain or quoted text"
_SURROGATE = re.compile("[\ud800-\udfff]")
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")


FLOW_MESSAGE = "a flow collection ([...] or {...}) may hold only words or quoted text, on one line; write it as a block list (- item) instead"
_FLOW_WORD = re.compile(r"\w[\w .+/'\"();-]*")  # as fast_yaml's _FLOW_ITEM


def _simple_flow(node: Any, children: list) -> bool:
    """A flow collection both PyYAML loaders read alike: on one line, each plain item a word (`[a?]`, `[?]`
    and `[x:]` are read differently by libyaml and the pure-Python scanner), no mapping inside a list."""
    if node.start_mark.line != node.end_mark.line:
        return False
    for child in children:
        if isinstance(child, yaml.ScalarNode):
            if not child.style and not _FLOW_WORD.fullmatch(child.value):  # plain: style None (pure Python) or "" (libyaml)
                return False
        elif isinstance(child, yaml.MappingNode) and isinstance(node, yaml.SequenceNode):
            return False
    return True


FLOW_NESTED_MESSAGE = (
    "a flow collection ([...] or {...}) inside another one (only a [list] may be a {mapping}'s value); write it as a block list (- item) instead"
)


def _flow_nested(parent: Any, child: Any) -> bool:
    """Whether `child`, in the flow collection `parent`, is a collection where none may be: anywhere in a
    flow list, and a mapping in a flow mapping (a list as a flow mapping's value, `{aliases: [A, B]}`, is
    what the synthetic registry writes and yaml_rs's path takes; nothing deeper)."""
    return isinstance(child, yaml.MappingNode) or isinstance(child, yaml.SequenceNode) and isinstance(parent, yaml.SequenceNode)


def _structure_problem_at(text: str) -> tuple[int, int, str] | None:
    """(line, column, message), 1-based, where lists and mappings in `text` first nest deeper than
    MAX_NESTING, or a flow collection first nests in another where the curated files allow none
    (`_flow_nested`), found on PyYAML's event stream, which is iterative and stops there: so a text of
    thousands of lines of `[[[[...]]]]` is refused at its first line, before anything is composed (which
    took over a minute for 5 MB). Raises what PyYAML raises on text it cannot parse, as yaml_too_deep_at."""
    stack: list[tuple[bool, bool, Any]] = []  # (flow, sequence, start mark) of each open collection
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            sequence = isinstance(event, yaml.SequenceStartEvent)
            if len(stack) >= MAX_NESTING:
                return event.start_mark.line + 1, event.start_mark.column + 1, too_deep(MAX_NESTING + 1)
            if stack and stack[-1][0]:  # inside a flow collection (everything in one is flow)
                outer_sequence, outer_mark = stack[-1][1], stack[-1][2]
                if outer_sequence and not sequence:  # as _node_problem words it: the outer list is not simple
                    return outer_mark.line + 1, outer_mark.column + 1, FLOW_MESSAGE
                if outer_sequence or not sequence:
                    return event.start_mark.line + 1, event.start_mark.column + 1, FLOW_NESTED_MESSAGE
            stack.append((bool(event.flow_style), sequence, event.start_mark))
        elif isinstance(event, yaml.CollectionEndEvent):
            stack.pop()
    return None


def _node_problem(node: Any, text: str) -> tuple[Any, str] | None:
    """(node, message) for the first node that breaks a rule of curated files, or None.

    - An alias (a node reachable twice: composing keeps aliases as shared nodes): a few lines of
      aliases can expand to gigabytes, and readings never need them; nor an anchor (`&name`) or a tag
      (`!name`): the C and pure-Python loaders read the empty tag `!` differently (tests/test_fast_yaml.py).
    - Lists and mappings nesting deeper than MAX_NESTING.
    - A scalar holding a surrogate code point (only an escape can write one): libyaml refuses a
      `\\ud83d` escape, PyYAML's pure-Python scanner keeps it as a lone surrogate (no UTF-8 can hold
      it), and yaml_rs joins a pair of them; refused here, the answer is the same whichever is installed.
    - A block scalar header followed by a comment with no space between (`|#`): libyaml takes it, the
      pure-Python scanner and the YAML spec do not.
    - A flow collection that is not simple (`_simple_flow`), where the two loaders differ.
    """
    escapes, properties, blocks = "\\" in text, "!" in text or "&" in text, "|" in text or ">" in text
    seen: set[int] = set()
    level, depth = [node], 0
    while level:
        below = []
        for current in level:
            if id(current) in seen:
                return current, ALIAS_MESSAGE
            seen.add(id(current))
            if properties or blocks:
                first = text[current.start_mark.index : current.start_mark.index + 1]
                if properties and first in ("!", "&"):
                    return current, TAG_MESSAGE if first == "!" else ALIAS_MESSAGE
                if blocks and first in ("|", ">") and _BLOCK_HEADER_COMMENT.match(text, current.start_mark.index):
                    return current, "a comment right after a block scalar's header (|#, >-#); put a space before the #"
            if isinstance(current, yaml.ScalarNode):
                if escapes and _SURROGATE.search(current.value):
                    code = ord(_SURROGATE.search(current.value).group())
                    return current, f"an escape gives the surrogate code point U+{code:04X}, which is no character; write the character itself"
                continue
            if depth >= MAX_NESTING:
                return current, too_deep(MAX_NESTING + 1)
            children = current.value if isinstance(current, yaml.SequenceNode) else [n for pair in current.value for n in pair]
            if current.flow_style:
                if not _simple_flow(current, children):
                    return current, FLOW_MESSAGE
                nested = next((c for c in children if _flow_nested(current, c)), None)
                if nested is not None:
                    return nested, FLOW_NESTED_MESSAGE
            below.extend(children)
        level, depth = below, depth + 1
    return None


# Characters PyYAML's C (libyaml) and pure-Python loaders read differently, refused before either runs so
# that the answer does not depend on whether libyaml is installed (tests/test_fast_yaml.py compares them):
# a tab, which libyaml takes in a plain scalar and refuses in a block scalar's text, and the pure-Python
# scanner the other way round; U+FEFF, which libyaml drops at a line's start. Other differences are
# refused on the composed nodes (_node_problem).
_REFUSED_WHY = {
    "\t": "a tab character; YAML separates and indents with spaces (inside double quotes, write \\t)",
    "\ufeff": "a byte-order mark or zero-width no-break space (U+FEFF), which libyaml drops after a line break; remove it",
}
_REFUSED_CHARACTER = re.compile("[" + "".join(_REFUSED_WHY) + "]")


def parse_yaml(text: str, path: str, problems: Collector) -> Any:
    """Parse YAML, turning a syntax error into a problem with its line and column.

    Anchors and aliases (`&a`, `*a`) are refused: a few lines of aliases can expand to gigabytes (a
    "billion laughs" file), and curated readings never need them. The check runs on the composed node
    graph, where an alias is a node reached twice, before anything is expanded.

    yaml_rs parses the text first (some 9 times faster), but its answer is taken only when it provably
    equals PyYAML's (fast_yaml.fast_load): a text it might read differently, and every text with a
    problem, goes the PyYAML way below, which words each problem as before.
    """
    if len(text) > MAX_CURATED_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_CURATED_BYTES:
        problems.add(path, "", "", f"is {len(text.encode('utf-8', 'surrogatepass'))} bytes; curated files are limited to {MAX_CURATED_BYTES}")
        return None
    refused = _REFUSED_CHARACTER.search(text)
    if refused is not None:
        at = refused.start()
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        problems.add(path, f"line {line}, column {column}", "", _REFUSED_WHY[refused.group()])
        return None
    fast = True
    if not yaml_surely_within(text, PARSER_SAFE_NESTING):  # see limits.py: only then is the depth found before parsing
        try:
            at = _structure_problem_at(text)  # the depth, and flow collections nested in flow collections
        except (yaml.YAMLError, ValueError):  # the parse below stops at the same place, within the depth
            at, fast = None, False
        if at is not None:
            problems.add(path, f"line {at[0]}, column {at[1]}", "", at[2])
            return None
    value = fast_load(text) if fast else REFUSED  # yaml_rs, only where it provably gives PyYAML's objects (superclusters/inputs/fast_yaml.py)
    if value is REFUSED:
        value = _pyyaml_load(text, path, problems)
        if value is REFUSED:
            return None
    return value


def _pyyaml_load(text: str, path: str, problems: Collector, loader_class: type | None = None) -> Any:
    """The careful path: PyYAML's objects for `text`, or REFUSED with the problem recorded at its line and column."""
    loader = None
    try:
        loader = (loader_class or _Loader)(text)  # the pure-Python reader checks the characters here, libyaml while parsing
        node = loader.get_single_node()
        if node is None:
            return None
        found = _node_problem(node, text)
        if found is not None:
            mark = found[0].start_mark
            problems.add(path, f"line {mark.line + 1}, column {mark.column + 1}", "", found[1])
            return REFUSED
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problems.add(path, where, "", f"malformed YAML: {getattr(exc, 'problem', None) or exc}")
        return REFUSED
    except ValueError as exc:  # PyYAML's pure-Python scanner: an escape past U+10FFFF (chr() refuses it; libyaml words it)
        problems.add(path, "unknown position", "", f"malformed YAML: {exc}")
        return REFUSED
    finally:
        if loader is not None:
            loader.dispose()


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
            self.problems.add(self.path, self.entry, name, f"got {shown(value)}; expected {expected}")
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
            self.problems.add(self.path, self.entry, name, f"got {shown(bad)}; expected ids as text")
        return tuple(v for v in value if isinstance(v, str))

    def unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problems.add(self.path, self.entry, shown(key), f"unknown field; expected one of {', '.join(sorted(allowed))}")


def _value(kind: str, value: Any) -> Any:
    """A schema-valid YAML value as the entry field of annotation `kind` holds it."""
    if "Phrase" in kind:
        if value is None or isinstance(value, str):
            return None if value is None else Phrase(value)
        return Phrase(value["text"], value.get("calendar", True), value.get("prefix", ""))
    if kind.startswith("tuple[tuple"):  # links: {id: basis}
        return tuple(sorted((value or {}).items()))
    if kind.startswith("tuple"):
        return tuple(value or ())
    if kind == "bool":
        return bool(value)
    if kind == "str":
        return value or ""
    return value


_ENTRY_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}  # class -> (field name, annotation), once


def _entry(cls: type, index: int, item: dict) -> Any:
    """One curated entry from a reading that passed the reading schema.

    The schema is the check, so nothing here is checked again: each dataclass field takes the YAML field
    of the same name (the hand-written field checks of _Fields remain for the registry only).
    """
    spec = _ENTRY_FIELDS.get(cls)
    if spec is None:  # dataclasses.fields() and the annotations' text cost more than the entry itself
        spec = _ENTRY_FIELDS[cls] = tuple((f.name, str(f.type)) for f in fields(cls) if f.name != "index")
    return cls(index=index, **{name: _value(kind, item.get(name)) for name, kind in spec})


def _entry_label(kind: str, index: int, data: Any) -> str:
    quote = data.get("quote") if isinstance(data, dict) else None
    short = f" ({quote[:40]!r})" if isinstance(quote, str) else ""
    return f"{kind}[{index}]{short}"


def _mapping(top: _Fields, name: str) -> dict:
    """A mapping-valued top-level field of the registry, keyed by ids that are text."""
    value = top.data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        top.problems.add(top.path, "", name, f"got {type(value).__name__}; expected a mapping of id to entry")
        return {}
    good = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip() or not key.isidentifier():
            top.problems.add(
                top.path,
                f"{name}.{shown(key)}",
                "",
                f"id {shown(key)} is not a name; expected lower-case text such as 'tesla' (quote it if YAML reads it as a number or boolean)",
            )
            continue
        good[key] = item
    return good


@dataclass(frozen=True)
class Draft:
    """A reading `build.py add` wrote that still holds TODO markers or proposals: not curated yet, never derived."""

    path: str
    seed: str
    stubs: int  # sentence stubs left
    todos: int  # TODO markers left in all
    proposals: int = 0  # entries the drafter proposed (`proposed: true`) and proposed entities, left to confirm


PROPOSED = "proposed"  # the marker on an entry the drafter proposed (curate/draft.py); the curator deletes it to confirm
PROPOSED_ENTITIES = "proposed_entities"  # a draft's list of entities for readings/entities.yaml


def _proposal_paths(data: dict) -> list[tuple]:
    """(list key, index) of every proposed entry: one marked `proposed`, or one in proposed_entities."""
    found = []
    for key, value in data.items():
        if isinstance(value, list):
            found += [(key, i) for i, item in enumerate(value) if key == PROPOSED_ENTITIES or isinstance(item, dict) and PROPOSED in item]
    return found


def _todo_paths(data: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every value that is the TODO marker."""
    from .reading_schema import TODO

    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _todo_paths(value, (*path, key))]
    if isinstance(data, list):
        return [p for index, value in enumerate(data) for p in _todo_paths(value, (*path, index))]
    return [path] if isinstance(data, str) and data.strip() == TODO else []


def _may_hold_todo(text: str) -> bool:
    """False when no value can be the TODO marker, so the walk of every value (_todo_paths) is skipped:
    a value spells the marker in the text unless a double-quoted escape (a backslash) writes it."""
    from .reading_schema import TODO

    return TODO in text or "\\" in text


def _draft(data: dict, text: str, path: str, problems: Collector) -> Draft:
    """One problem line per stub, proposal or TODO field, at its line: no wall of derived errors."""
    from .reading_schema import _node_at

    node = yaml.compose(text, Loader=_Loader)
    todos = _todo_paths(data)
    proposals = _proposal_paths(data)
    stubs = data.get("stubs") if isinstance(data.get("stubs"), list) else []
    reported = set()
    for path_in_data in sorted(proposals + todos, key=lambda p: _node_at(node, list(p)).start_mark.index):
        head = path_in_data[:2] if path_in_data and isinstance(data.get(path_in_data[0]), list) and len(path_in_data) > 1 else path_in_data[:1]
        if head in reported:
            continue
        reported.add(head)
        mark = _node_at(node, list(path_in_data)).start_mark
        label = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in head).replace(".[", "[")
        item = data.get(head[0])
        entry = item[head[1]] if len(head) == 2 and isinstance(item, list) and isinstance(item[head[1]], dict) else {}
        quote = entry.get("quote", entry.get("name")) if entry else None
        shown_quote = f" ({quote[:40]!r})" if isinstance(quote, str) else ""
        if head in proposals:
            message = "proposal to confirm: check it against the seed, then delete `proposed: true` (correct it first if need be), or delete the entry"
            if head[0] == PROPOSED_ENTITIES:
                message = "proposed entity: add it to readings/entities.yaml (or use the id of one there) and delete it here, or delete it"
        else:
            message = "not curated yet (TODO); fill it in or remove it"
        problems.add(path, f"line {mark.line + 1}", f"{label}{shown_quote}", message)
    return Draft(path, str(data.get("seed", "")), len(stubs), len(todos), len(proposals))


def _non_text_key(data: Any) -> tuple[str, Any] | None:
    """(where, key) of the first mapping key that is not text (`1: one`, `yes: x`), or None."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, current = stack.pop()
        if type(current) is dict:
            for key, value in current.items():
                if type(key) is not str:
                    return where, key
                stack.append((f"{where}.{key}" if where else key, value))
        elif type(current) is list:
            stack.extend((f"{where}[{index}]", value) for index, value in enumerate(current))
    return None


def parse_reading(text: str, path: str, problems: Collector, schema: dict) -> Reading | Draft | None:
    """Reading from YAML text; a Draft while TODO markers remain; None (with problems recorded) when unusable.

    The reading is checked against `schema` (the reading JSON Schema, superclusters/inputs/reading_schema.py)
    and every error is reported at its line and column; only a reading that passes is turned into entries,
    so the fields below are read, not checked again.
    """
    data = parse_yaml(text, path, problems)
    if data is None:
        if not any(p.file == path for p in problems.problems):
            problems.add(path, "", "", "the reading is empty (or only comments); expected a mapping with seed, seed_sha256, language, title, ...")
        return None
    if not isinstance(data, dict):
        problems.add(path, "", "", f"got {type(data).__name__}; expected a mapping with seed, seed_sha256, language, title, ...")
        return None
    odd = _non_text_key(data)
    if odd is not None:  # JSON Schema (and the code after it) knows only text keys
        where, key = odd
        problems.add(path, where, shown(key), f"a key YAML reads as {type(key).__name__}; expected a field name (quote it if it is one)")
        return None
    if _may_hold_todo(text) and _todo_paths(data) or "stubs" in data or PROPOSED in text and _proposal_paths(data):
        return _draft(data, text, path, problems)
    from .reading_schema import conforms, schema_problems

    skip: set[tuple[str, int]] = set()  # entries that break the schema: reported, left out, the rest still derived
    if not conforms(data, schema):  # the node tree is composed only to place errors
        node = yaml.compose(text, Loader=_Loader)
        for where, entry, message, error_path in schema_problems(data, node, schema, with_paths=True):
            problems.add(path, where, entry, message)
            if len(error_path) >= 2 and isinstance(error_path[1], int):
                skip.add((error_path[0], error_path[1]))
            else:
                return None  # a top-level field is wrong: nothing of this reading can be trusted
    lists = {key: tuple(_entry(cls, i, item) for i, item in enumerate(data.get(key) or []) if (key, i) not in skip) for key, cls in ENTRY_KINDS.items()}
    top = {f.name: data.get(f.name) for f in fields(Reading) if f.name not in ("path", *READING_LISTS.values())}
    return Reading(path=path, **top, **{name: lists[key] for key, name in READING_LISTS.items()})


def parse_registry(text: str, path: str, problems: Collector) -> Registry:
    """The organisations, people and hardware every reading refers to by id."""
    data = parse_yaml(text, path, problems)
    registry = Registry(path)
    if data is None:
        if not any(p.file == path for p in problems.problems):
            problems.add(path, "", "", "the registry is empty; expected organisations, people, hardware and places")
        return registry
    if not isinstance(data, dict):
        problems.add(path, "", "", f"got {type(data).__name__}; expected a mapping with organisations, people, hardware and places")
        return registry
    top = _Fields(data, path, "", problems)
    top.unknown({"organisations", "people", "hardware", "places"})
    for person_id, item in _mapping(top, "people").items():
        f = _Fields(item, path, f"people.{person_id}", problems)
        f.unknown({"name", "aliases", "description"})
        registry.people[person_id] = Person(person_id, f.text("name") or "", f.ids("aliases"), f.text("description") or "")
    for org_id, item in _mapping(top, "organisations").items():
        f = _Fields(item, path, f"organisations.{org_id}", problems)
        f.unknown({"name", "kind", "aliases", "description"})
        registry.organisations[org_id] = Organisation(org_id, f.text("name") or "", f.text("kind") or "", f.ids("aliases"), f.text("description") or "")
    for hw_id, item in _mapping(top, "hardware").items():
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
    for place_id, item in _mapping(top, "places").items():
        f = _Fields(item, path, f"places.{place_id}", problems)
        f.unknown({"name", "kind", "aliases", "description"})
        registry.places[place_id] = Place(place_id, f.text("name") or "", f.text("kind") or "", f.ids("aliases"), f.text("description") or "")
    seen: dict[str, str] = {}
    for kind in ENTITY_KINDS:
        for ident in registry.table(kind):
            if ident in seen:
                problems.add(path, f"{kind}.{ident}", "", f"id is also a {seen[ident]} id; ids must be unique across kinds")
            seen[ident] = kind
    if invisible_text(text):
        for kind in ENTITY_KINDS:
            for ident, entity in registry.table(kind).items():
                for name, character in _invisible_fields(entity):
                    problems.add(path, f"{kind}.{ident}", name, invisible_message(character, "a name, alias or description never needs one"))
    return registry


# Code points that change how the text around them reads without showing themselves: control characters
# (but the tab and the line feed), format characters (bidi overrides and isolates such as U+202E, which
# turned an index page's entity names around; zero-width spaces and joiners; the soft hyphen; U+FEFF) and
# the line and paragraph separators: Unicode's categories Cc, Cf, Zl and Zp, as Python 3.11's Unicode 14
# lists them; and the characters of other categories that render as nothing or as blank space yet are no
# space (INVISIBLE_FILLERS: `Tesla` + U+3164 reads as `Tesla`). tests/test_hostile_readings.py compares
# the set with unicodedata and this list.
INVISIBLE_FILLERS = {
    0x034F: "COMBINING GRAPHEME JOINER (Mn)",
    0x115F: "HANGUL CHOSEONG FILLER (Lo)",
    0x1160: "HANGUL JUNGSEONG FILLER (Lo)",
    0x3164: "HANGUL FILLER (Lo)",
    0xFFA0: "HALFWIDTH HANGUL FILLER (Lo)",
    0x2800: "BRAILLE PATTERN BLANK (So)",
    0x17B4: "KHMER VOWEL INHERENT AQ (Mn)",
    0x17B5: "KHMER VOWEL INHERENT AA (Mn)",
    0x16FE4: "KHITAN SMALL SCRIPT FILLER (Mn)",
    **{c: "MONGOLIAN FREE VARIATION SELECTOR (Mn)" for c in (0x180B, 0x180C, 0x180D, 0x180F)},
    **{c: "VARIATION SELECTOR (Mn)" for c in range(0xFE00, 0xFE10)},
    **{c: "VARIATION SELECTOR SUPPLEMENT (Mn)" for c in range(0xE0100, 0xE01F0)},
}
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U00016fe4\U000e0100-\U000e01ef]"  # INVISIBLE_FILLERS
)


def invisible_text(text: str) -> bool:
    """False when no value parsed from the YAML `text` can hold an INVISIBLE character (none in it, and no
    escape that could write one), so the walk over the values is skipped."""
    return "\\" in text or INVISIBLE.search(text) is not None


def invisible_message(character: str, why: str) -> str:
    import unicodedata

    name = unicodedata.name(character, "a control character")
    return f"holds U+{ord(character):04X} ({name}), an invisible character that changes how the text around it reads; {why}: remove it"


def _invisible_fields(entry: Any, allowed: str = "") -> list[tuple[str, str]]:
    """(field, character) for each field of a curated entry that holds an INVISIBLE character not in `allowed`."""
    found = []
    for item in fields(entry):
        values = [getattr(entry, item.name)]
        while values:
            value = values.pop()
            if isinstance(value, str):
                bad = next((m.group() for m in INVISIBLE.finditer(value) if m.group() not in allowed), None)
                if bad is not None:
                    found.append((item.name, bad))
                    break
            elif isinstance(value, tuple):
                values.extend(value)
            elif isinstance(value, Phrase):
                values.extend((value.text, value.prefix))
    return found


def invisible_problems(reading: Reading, seed_text: str, problems: Collector) -> None:
    """A problem for each curated value that holds an INVISIBLE character its seed does not hold.

    One the seed holds is the seed's own text: a quote must keep it (offsets and the exact text rest on
    it), and so may a gloss that copies it. The published tables keep such text as it is; whoever shows it
    must isolate it (the site does). One the seed does not hold was typed or pasted, and would make the
    published text read otherwise than it is.
    """
    allowed = "".join(set(INVISIBLE.findall(seed_text)))
    for name, character in _invisible_fields(reading, allowed):
        if name not in READING_LISTS.values():
            problems.add(reading.path, "", name, invisible_message(character, "the seed holds none"))
    for key, attribute in READING_LISTS.items():
        for entry in getattr(reading, attribute):
            for name, character in _invisible_fields(entry, allowed):
                quote = getattr(entry, "quote", "")
                problems.add(reading.path, f"{key}[{entry.index}] ({quote[:40]!r})", name, invisible_message(character, "the seed holds none"))


def read_text(path: Path, shown: str, problems: Collector) -> str | None:
    """Read a curated file as strict UTF-8, recording (not raising) a problem: missing, a symbolic link or
    not a regular file (a FIFO would block, a device never end: none is opened), over MAX_CURATED_BYTES (by its size,
    before it is read), or not UTF-8."""
    import stat

    try:
        info = path.lstat()  # a link is never followed: it could name a file outside the package
        if stat.S_ISLNK(info.st_mode):
            problems.add(shown, "", "", "is a symbolic link, not a regular file; expected a YAML file (links are never followed)")
            return None
        if not stat.S_ISREG(info.st_mode):
            problems.add(shown, "", "", "not a regular file (a folder, device or FIFO); expected a YAML file")
            return None
        if info.st_size > MAX_CURATED_BYTES:
            problems.add(shown, "", "", f"is {info.st_size} bytes; curated files are limited to {MAX_CURATED_BYTES}")
            return None
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        problems.add(shown, "", "", "file is missing")
    except OSError as exc:
        problems.add(shown, "", "", f"cannot be read ({exc.strerror or exc})")
    except UnicodeDecodeError as exc:
        problems.add(shown, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected UTF-8 text")
    return None
