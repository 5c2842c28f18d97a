"""The reading format, stated once as a JSON Schema (schemas/reading.schema.json), and checked with it.

The closed vocabularies (modality, property, event type, status, predicate, phase, dismissal reason,
unnamed-party kind, language, title source, attribution kind) are taken from the table schemas, never
copied: `make build` regenerates the file, and `build.py --check` fails when it is stale. Each reading
names it on its first line (`# yaml-language-server: $schema=../schemas/reading.schema.json`), so an
editor with a YAML language server completes fields and flags mistakes while the curator types.

Checking a reading reports every schema error at once, each at the line and column of the offending
value, located through the YAML node tree (jsonschema knows only the path).
"""

from __future__ import annotations

import json
import re
from typing import Any

SCHEMA_FILE = "reading.schema.json"
SCHEMA_COMMENT = f"# yaml-language-server: $schema=../schemas/{SCHEMA_FILE}"
TODO = "TODO"  # the marker `build.py add` writes where a curator must decide


def _enum(schemas: dict[str, dict], table: str, column: str) -> list[str]:
    field = next(f for f in schemas[table]["fields"] if f["name"] == column)
    return list(field["constraints"]["enum"])


def _text(description: str) -> dict:
    return {"type": "string", "minLength": 1, "pattern": r"\S", "description": description}


def _entry(required: list[str], properties: dict[str, Any], description: str) -> dict:
    return {"type": "object", "description": description, "required": required, "additionalProperties": False, "properties": properties}


def reading_schema(schemas: dict[str, dict]) -> dict:
    """The JSON Schema of a curated reading, with its vocabularies read from the table schemas."""
    phrase = {
        "description": (
            "Words from the seed: a string, or {text, calendar: false} for words that are no calendar time, or {text, prefix} to pick one occurrence."
        ),
        "anyOf": [
            _text("the exact words"),
            {
                "type": "object",
                "required": ["text"],
                "additionalProperties": False,
                "properties": {"text": _text("the exact words"), "calendar": {"type": "boolean"}, "prefix": _text("words right before it")},
            },
        ],
    }
    ids = {"type": "array", "items": _text("an id from readings/entities.yaml"), "description": "ids from readings/entities.yaml"}
    links = {
        "type": "object",
        "description": "For an entity the quote's sentence does not name: coreference (an earlier sentence does) or inferred (give the reason in note).",
        "additionalProperties": {"enum": ["coreference", "inferred"]},
    }
    anchored = {
        "quote": _text("exact copy of the seed's words; must occur once (else add prefix/suffix)"),
        "prefix": _text("words right before the quote, to pick one occurrence"),
        "suffix": _text("words right after the quote, to pick one occurrence"),
    }
    statement = {
        "modality": {"enum": _enum(schemas, "claims", "modality")},
        "attributed_to": _text("a person or organisation id, 'the outlet', or an unnamed party's label"),
        "attribution_kind": {"enum": _enum(schemas, "claims", "attribution_kind")},
        "links": links,
        "en": _text("English gloss (required where the seed is not in English)"),
        "ambiguity": _text("a second reading the curator cannot rule out"),
        "note": _text("why the reading holds; required for an inferred link"),
        "clause_note": _text("why this entry's speaker or statement time differs from another entry quoting the same clause"),
    }
    claim = _entry(
        ["quote", "value", "property", "modality", "attributed_to", "attribution_kind"],
        {
            **anchored,
            **statement,
            "value": _text("the quantity's exact words, inside the quote"),
            "property": {"enum": _enum(schemas, "claims", "property")},
            "organisation": _text("organisation id (not the owner of `hardware`)"),
            "hardware": _text("hardware id"),
            "component": _text("hardware id of what is counted"),
            "time": phrase,
            "stated": phrase,
            "phase": {"enum": _enum(schemas, "claims", "phase")},
        },
        "A quantity the seed states.",
    )
    event = _entry(
        ["quote", "type", "description", "modality", "attributed_to", "attribution_kind"],
        {
            **anchored,
            **statement,
            "type": {"enum": _enum(schemas, "events", "event_type")},
            "status": {"enum": _enum(schemas, "events", "status")},
            "description": _text("what happened, in English"),
            "date": phrase,
            "stated": phrase,
            "organisations": ids,
            "hardware": ids,
            "people": ids,
            "places": ids,
        },
        "Something the seed says happened, is planned, or is the state of a system (type: status).",
    )
    relation = _entry(
        ["quote", "subject", "predicate", "modality", "attributed_to", "attribution_kind"],
        {
            **anchored,
            **statement,
            "subject": _text("entity id or unnamed party label"),
            "predicate": {"enum": _enum(schemas, "relations", "predicate")},
            "object": _text("entity id or unnamed party label"),
            "object_text": _text("the object in the seed's words, inside the quote, where it is no entity"),
            "time": phrase,
            "stated": phrase,
        },
        "A statement linking two entities.",
    )
    relation["oneOf"] = [{"required": ["object"]}, {"required": ["object_text"]}]
    role = _entry(
        ["person", "role", "organisation", "quote"],
        {**anchored, "person": _text("person id"), "role": _text("the role as stated"), "organisation": _text("organisation id")},
        "A person's role as the seed states it.",
    )
    party = _entry(
        ["label", "kind", "quote"],
        {
            **anchored,
            "label": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
            "kind": {"enum": _enum(schemas, "unnamed_parties", "kind")},
            "affiliation": _text("organisation id"),
            "en": _text("English gloss"),
        },
        "People or a group the seed refers to without naming them.",
    )
    number = _entry(
        ["quote", "reason"],
        {**anchored, "reason": _text("why the number states no quantity"), "every": {"type": "boolean"}},
        "A number that states no quantity.",
    )
    sentence = _entry(
        ["quote", "reason"],
        {
            **anchored,
            "reason": {"enum": _enum(schemas, "sentences", "dismissal_reason")},
            "restates": _text("words of the sentence it repeats"),
            "note": _text("why it states no checkable fact"),
        },
        "A sentence that states no checkable fact.",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://github.com/ai-superclusters-2024/ai-superclusters-2024/schemas/{SCHEMA_FILE}",
        "title": "Curated reading of one seed article",
        "description": "Generated by `make build` from schemas/*.json (the vocabularies); do not edit by hand. See docs/curating.md.",
        "type": "object",
        "required": ["seed", "seed_sha256", "language", "title", "title_source"],
        "additionalProperties": False,
        "properties": {
            "seed": {"type": "string", "pattern": r"^\d{3,}_[0-9a-f]{16}\.txt$"},
            "seed_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "language": {"enum": _enum(schemas, "articles", "language")},
            "title": _text("the headline or lead sentence, exactly"),
            "title_source": {"enum": _enum(schemas, "articles", "title_source")},
            "title_en": _text("English gloss of the title"),
            "published": _text("the publication date as the seed words it"),
            "reference_year": {"type": "integer", "minimum": 1900, "maximum": 2100},
            "reference_year_basis": _text("why the year holds where the seed states none"),
            "outlet": _text("organisation id of the outlet, where the seed names it"),
            "source_url": {
                "type": "string",
                "pattern": r"^https?://[^\s]+$",
                "description": "the article's web address, only where the seed states it or the publisher's page was checked; never guessed",
            },
            "roles": {"type": "array", "items": role},
            "unnamed": {"type": "array", "items": party},
            "claims": {"type": "array", "items": claim},
            "events": {"type": "array", "items": event},
            "relations": {"type": "array", "items": relation},
            "dismissed_numbers": {"type": "array", "items": number},
            "dismissed_sentences": {"type": "array", "items": sentence},
        },
    }


def schema_text(schemas: dict[str, dict]) -> str:
    return json.dumps(reading_schema(schemas), ensure_ascii=False, indent=2) + "\n"


def _node_at(node: Any, path: list[Any]) -> Any:
    """The deepest YAML node along a jsonschema error path (mapping keys and sequence indices)."""
    import yaml

    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == step), None)
            if found is None:
                break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
    return node


_COMPILED: dict[tuple[str, int], tuple[dict, Any]] = {}


# The schema's patterns are ECMAScript regular expressions, as JSON Schema defines them (an editor's YAML
# language server reads them so), and two engines run them, each told what the other means:
#
# - jsonschema matches with Python's `re`, where `$` also matches before a final line break (so
#   "engineer\n" passed `^[a-z][a-z0-9_]*$`) and `\d` holds every script's digits: for it each pattern's
#   final `$` becomes `\Z` and `\d` becomes `[0-9]` (`python_pattern`), ECMAScript's meaning.
# - jsonschema-rs matches with ECMAScript's classes, but Python's \s also holds U+001C-U+001F and U+0085,
#   so "\S" alone would let jsonschema-rs accept a text of only those, which jsonschema refuses (a text
#   Python calls blank is blank to the build). For the fast check each such pattern is replaced by one
#   that is never looser than Python's (checked over every code point in tests/test_reading_schema_fast.py).
# Rust's \s (Unicode White_Space) lacks U+001C-U+001F and U+0085, which Python's \s holds: a "not white space"
# of the reading schema (\S, or [^\s] inside a class) gets them added, so jsonschema-rs is never looser.
NOT_SPACE_FOR_RS = "[^\\s\\x1c-\\x1f\\x85]"


def rs_pattern(pattern: str) -> str:
    """An ECMAScript pattern of the reading schema as jsonschema-rs must read it to be never looser than Python."""
    pattern = pattern.replace("[^\\s]", NOT_SPACE_FOR_RS)
    return re.sub(r"(?<!\\)\\S", lambda _: NOT_SPACE_FOR_RS, pattern)


def python_pattern(pattern: str) -> str:
    """An ECMAScript pattern of the reading schema as Python's `re` must read it to mean the same."""
    pattern = pattern.replace("\\d", "[0-9]")
    return pattern[:-1] + "\\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern


def _patterns(schema: Any, rewrite: Any) -> Any:
    """`schema` with each pattern rewritten (a copy; the original is left as it is)."""
    if isinstance(schema, dict):
        return {k: rewrite(v) if k == "pattern" and isinstance(v, str) else _patterns(v, rewrite) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_patterns(v, rewrite) for v in schema]
    return schema


def _compiled(schema: dict, engine: str) -> Any:
    """The schema's validator for `engine` ("python": jsonschema, "rs": jsonschema-rs), made once per schema."""
    compiled = _COMPILED.get((engine, id(schema)))
    if compiled is None or compiled[0] is not schema:  # keyed by identity; the schema is kept so its id is not reused
        if engine == "rs":
            import jsonschema_rs

            validator = jsonschema_rs.validator_for(_patterns(schema, rs_pattern))
        else:
            from jsonschema import Draft202012Validator, validators

            # JSON Schema calls 2024.0 an integer; the build needs an int (dates do arithmetic on it), and
            # YAML reads 2024.0 as a float: an integer is a Python int, never a float nor a bool.
            checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", lambda _, value: type(value) is int)
            validator = validators.extend(Draft202012Validator, type_checker=checker)(_patterns(schema, python_pattern))
        compiled = _COMPILED[(engine, id(schema))] = (schema, validator)
    return compiled[1]


def _holds_float(data: Any) -> bool:
    stack = [data]
    while stack:
        current = stack.pop()
        if type(current) is float:
            return True
        if type(current) is dict:
            stack.extend(current.values())
        elif type(current) is list:
            stack.extend(current)
    return False


def conforms(data: Any, schema: dict) -> bool:
    """Whether `data` passes the reading schema, answered by jsonschema-rs (compiled once per schema).

    Why not jsonschema's own `is_valid`: it cost about 4 ms a reading, a third of a 1,000-article build
    (issue 13); jsonschema-rs answers the same in about 0.1 ms. jsonschema stays the authority for the
    messages (`schema_problems`, run only when this says no), and answers itself where jsonschema-rs is
    not installed, for any value jsonschema-rs cannot take (it raises on Python objects JSON has no type
    for, such as a set), and where the data holds a float (jsonschema-rs calls 2024.0 an integer). The
    build's result never depends on which answered: jsonschema-rs is never looser than jsonschema
    (tests/test_reading_schema_fast.py), and where it is stricter, jsonschema finds no problem and the
    reading is taken whole, as if jsonschema-rs had said yes.
    """
    if not _holds_float(data):
        try:
            return bool(_compiled(schema, "rs").is_valid(data))
        except Exception:  # noqa: BLE001 - jsonschema-rs missing, or a value it cannot convert; jsonschema decides
            pass
    return _compiled(schema, "python").is_valid(data)


def schema_problems(data: Any, node: Any, schema: dict, with_paths: bool = False) -> list[tuple]:
    """(where, entry, message) for every way `data` breaks the reading schema, at line and column
    (with `with_paths`, the error's path in the data as a fourth item)."""
    from ..errors import shown

    found = []
    for error in sorted(_compiled(schema, "python").iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(error.absolute_path)
        at = _node_at(node, path)
        mark = at.start_mark
        entry = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[")
        if error.validator == "additionalProperties":
            allowed = sorted(error.schema.get("properties", {}))
            message = f"unknown field(s) {', '.join(sorted(set(error.instance) - set(allowed)))}; expected one of {', '.join(allowed)}"
        elif error.validator == "enum":
            message = f"got {shown(error.instance)}; expected one of {', '.join(map(str, error.validator_value))}"
        elif error.validator == "oneOf" and path and "relations" in [str(p) for p in path]:
            message = "expected exactly one of object (an entity id) and object_text (words inside the quote)"
        elif error.validator == "required":
            message = error.message.replace("is a required property", "is missing (required)")
        else:
            message = f"got {shown(error.instance)}: {error.message if len(error.message) < 200 else error.validator + ' check failed'}"
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        found.append((where, entry, message, path) if with_paths else (where, entry, message))
    return found
