"""Adding an article: copy it into seeds/, pin it, and write a draft reading with the drafter's proposals.

`python build.py add PATH [--published DATE] [--language pt|fr|en]` (or `make add ARTICLE=PATH`):

- the file must be a regular file of at most MAX_SEED_BYTES (checked on its size, before it is read),
  meet the seed encoding policy (UTF-8, no byte-order mark, no NUL byte) and hold more than white space;
- it is copied to `seeds/NNN_<16 hex>.txt`: a file already named that way keeps its name (the shared
  seeds are); otherwise NNN is the next free index and the hex is the start of its sha256;
- the draft `readings/<seed stem>.yaml` names the reading schema for editors, pins the sha256, gives the
  detected language (py3langid among pt/fr/en; a text that reads as another language is refused unless
  --language says otherwise), title candidates, the publication date found in a leading
  " date YYYY-MM[-DD]" line, the drafter's proposals (curate/draft.py), each marked `proposed: true`, and one
  stub per sentence with the sentence's exact text; everything a curator must decide reads TODO;
- every text written into the YAML is escaped (control characters, NEL, the line and paragraph
  separators), so no character of an article can change the draft's structure;
- the seed and the draft are written together or not at all, and an existing reading is never overwritten.

While a reading holds TODO or a proposal, the build reports "N of M sentences curated", the number of
proposals to confirm and one line each, and publishes nothing. docs/curating.md walks through the workflow.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem
from ..inputs.limits import MAX_SEED_BYTES
from ..inputs.reading_schema import SCHEMA_COMMENT, TODO
from ..inputs.readings import MAX_CURATED_BYTES, PROPOSED_ENTITIES, Registry
from ..inputs.seeds import Seed, decode_seed, sha256_hex
from ..inputs.sentences import segment

SEED_NAME = re.compile(r"([0-9]{3,})_[0-9a-f]{16}\.txt")  # fullmatch: \d takes other scripts' digits, $ a final line break
DATE_LINE = re.compile(r"^\s*date ([0-9]{4}-[0-9]{2}(?:-[0-9]{2})?)\b")
LANGUAGES = ("pt", "fr", "en")
MIN_CONFIDENCE = 0.9  # below it, the curator must say the language
OTHER_LANGUAGE = 0.5  # a text whose likeliest language (among all py3langid knows) is another, at least this likely, is refused
# Characters written into the draft as they are; every other one is escaped (\uXXXX). PyYAML refuses C0 and C1
# controls, DEL and U+FFFE/U+FFFF outright, folds NEL (U+0085), LS (U+2028) and PS (U+2029) into line breaks
# (so a raw one in a comment starts a new line, and in a quote changes it), and drops a BOM: none may stay raw.
_YAML_RAW = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Added:
    """What `add` wrote: the seed, the draft reading, and what the drafter proposed."""

    seed: Path
    reading: Path
    proposals: int = 0
    notes: list[str] = field(default_factory=list)


def detect_language(text: str) -> tuple[str, float]:
    """(language, probability) among pt, fr and en, by py3langid's bundled model (offline)."""
    identifier = _identifier()
    identifier.set_languages(list(LANGUAGES))
    language, probability = identifier.classify(text)
    return language, float(probability)


def other_language(text: str) -> tuple[str, float] | None:
    """(language, probability) when the text's likeliest language, among all py3langid knows, is not one of
    pt, fr and en: the restricted detection would call a Spanish text Portuguese with 0.98."""
    language, probability = _identifier().classify(text)
    return (language, float(probability)) if language not in LANGUAGES and probability >= OTHER_LANGUAGE else None


def _identifier():
    import py3langid.langid as langid

    return langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)


def seed_name(seeds: Path, source: Path, data: bytes) -> str:
    """The seed's file name: kept when it follows the scheme, else the next index and the sha256's start."""
    if SEED_NAME.fullmatch(source.name):
        return source.name
    taken = [int(m.group(1)) for p in seeds.glob("*.txt") if (m := SEED_NAME.fullmatch(p.name))]
    return f"{max(taken, default=-1) + 1:03d}_{sha256_hex(data)[:16]}.txt"


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`, whatever characters it holds.

    JSON's string syntax is valid YAML and escapes quotes, backslashes and C0 controls; the characters
    YAML refuses or folds (see _YAML_RAW) are escaped on top of it."""
    return _YAML_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def read_article(source: Path, shown: str) -> bytes:
    """The article's bytes, refused before it is read when it is no regular file or over the size limit."""
    import stat

    try:
        info = source.stat()
    except OSError as exc:
        raise BuildError([Problem(shown, "", "", f"cannot be read ({exc.strerror}); expected the article's text")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise BuildError([Problem(shown, "", "", "not a regular file; expected the article's text")])
    if info.st_size > MAX_SEED_BYTES:
        raise BuildError([Problem(shown, "", "", f"is {info.st_size} bytes; articles are limited to {MAX_SEED_BYTES} bytes (inputs/limits.MAX_SEED_BYTES)")])
    try:
        return source.read_bytes()
    except OSError as exc:
        raise BuildError([Problem(shown, "", "", f"cannot be read ({exc.strerror}); expected the article's text")]) from None


def decode_article(name: str, data: bytes, shown: str) -> Seed:
    """The article as a seed, checked against the encoding policy; white space alone is no article."""
    result = decode_seed(name, data, sha256_hex(data))
    if isinstance(result, Problem):
        raise BuildError([Problem(shown, result.entry, result.field, result.message.replace(f"seeds/{name}", shown))])
    if not result.text.strip():
        raise BuildError([Problem(shown, "", "", f"holds only white space ({len(data)} bytes); expected the article's text")])
    return result


def choose_language(text: str, shown: str, language: str | None) -> tuple[str, float | None]:
    """The given language (checked), else the detected one; refused when it reads as another language."""
    if language is not None:
        if language not in LANGUAGES:
            raise BuildError([Problem(shown, "", "language", f"got {language!r}; expected one of {', '.join(LANGUAGES)}")])
        return language, None
    other = other_language(text)
    if other is not None:
        raise BuildError(
            [
                Problem(
                    shown,
                    "",
                    "language",
                    f"reads as {other[0]!r} ({other[1]:.2f}), not pt, fr or en: the dataset and the drafter's rules cover those three; "
                    "give --language pt|fr|en if the article is in one of them",
                )
            ]
        )
    detected, confidence = detect_language(text)
    if confidence < MIN_CONFIDENCE:
        raise BuildError([Problem(shown, "", "language", f"detected {detected!r} with only {confidence:.2f}; give --language {'|'.join(LANGUAGES)}")])
    return detected, confidence


def check_published(published: str | None, shown: str = "--published") -> str | None:
    """A publication date as a reading words it (2024, 2024-06, 2024-08-26, "fin août"): placeable by the
    date parser, and free of control and separator characters (it is written into the draft)."""
    if published is None:
        return None
    from ..normalise.dates import DateError, Reference, place

    bad = re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]", published)
    if bad:
        raise BuildError([Problem(shown, "", "", f"holds the control or separator character U+{ord(bad.group()):04X}; expected a date such as 2024-08-26")])
    if not published.strip() or len(published) > 100:
        raise BuildError([Problem(shown, "", "", f"got {published[:100]!r}; expected a date such as 2024, 2024-06 or 2024-08-26")])
    year = re.search(r"(?:19|20)\d{2}", published)
    try:
        place(published, Reference(int(year.group()) if year else 2000))
    except DateError as exc:
        raise BuildError([Problem(shown, "", "", f"{exc}; expected a date such as 2024, 2024-06 or 2024-08-26")]) from None
    return published


def _skeletons(schemas: dict[str, dict]) -> list[str]:
    """Comment lines: the fields of each kind of entry, with the allowed values of every closed vocabulary."""

    def allowed(table: str, column: str) -> str:
        spec = next(f for f in schemas[table]["fields"] if f["name"] == column)
        return " | ".join(spec["constraints"]["enum"])

    return [
        "# How a stub becomes entries (fields marked TODO are the curator's; the schema lists them all):",
        '#   claims:    - {quote: "…", value: "…", property: TODO, hardware: TODO, modality: TODO, attributed_to: TODO, attribution_kind: TODO, en: TODO}',
        f"#     property: {allowed('claims', 'property')}",
        '#   events:    - {quote: "…", type: TODO, description: TODO, modality: TODO, attributed_to: TODO, attribution_kind: TODO, en: TODO}',
        f"#     type: {allowed('events', 'event_type')}",
        f"#     status (for type status): {allowed('events', 'status')}",
        '#   relations: - {quote: "…", subject: TODO, predicate: TODO, object: TODO, modality: TODO, attributed_to: TODO, attribution_kind: TODO, en: TODO}',
        f"#     predicate: {allowed('relations', 'predicate')}",
        f"#   modality: {allowed('claims', 'modality')}",
        f"#   attribution_kind: {allowed('claims', 'attribution_kind')} (attributed_to: an id, 'the outlet', or an unnamed party's label)",
        "#   links: {id: coreference | inferred} for an entity the sentence does not name (inferred needs a note)",
        f'#   dismissed_sentences: - {{quote: "…", reason: TODO}}  reason: {allowed("sentences", "dismissal_reason")}',
    ]


_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*")


def _flow(value: Any) -> str:
    """A value on one line: quoted text, true/false, a number, [list] or {mapping}."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return yaml_quoted(value)
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k if _PLAIN_KEY.fullmatch(k) else yaml_quoted(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} into a draft")


def _entries(key: str, entries: list[dict]) -> list[str]:
    """A list of entries in block style, each key on its own line (the first line of each is `proposed: true`)."""
    if not entries:
        return [f"{key}: []"]
    lines = [f"{key}:"]
    for entry in entries:
        for position, (name, value) in enumerate(entry.items()):
            lead = "  - " if position == 0 else "    "
            lines.append(f"{lead}{name}: {_flow(value)}")
    return lines


def draft_reading(
    seed: Seed, language: str, confidence: float | None, published: str | None, schemas: dict[str, dict] | None = None, proposals: Any = None
) -> str:
    """The draft reading's text: pinned, with title candidates, the drafter's proposals and one stub per sentence."""
    text = seed.text
    sentences = segment(text)
    first_line = text.strip().split("\n", 1)[0].strip()
    date = DATE_LINE.match(first_line)
    headline = first_line[date.end() :].strip() if date else first_line
    candidates = list(dict.fromkeys(c for c in (headline, text[sentences[0][0] : sentences[0][1]] if sentences else "") if c))
    published = published or (date.group(1) if date else None)
    detected = f"detected by py3langid ({confidence:.2f}); check it" if confidence is not None else "given with --language"
    lines = [
        SCHEMA_COMMENT,
        f"# Draft reading of seeds/{seed.name}, written by `build.py add`. Check every proposal (proposed: true),",
        "# fill in every TODO (see docs/curating.md); the build publishes nothing while either is left.",
        f"seed: {seed.name}",
        f"seed_sha256: {seed.sha256}",
        f"language: {language}  # {detected}",
        f"title: {TODO}  # the headline or lead sentence, exactly; candidates: " + " | ".join(yaml_quoted(c[:200]) for c in candidates),
        f"title_source: {TODO}  # headline | lead_sentence",
    ]
    if language != "en":
        lines.append(f"title_en: {TODO}  # English gloss of the title")
    if published:
        lines.append(f"published: {yaml_quoted(published)}  # the date as the seed words it")
    if not published or not re.search(r"(?:19|20)\d{2}", published):
        lines += [
            f"reference_year: {TODO}  # the seed states no year: the year relative dates rest on",
            f"reference_year_basis: {TODO}  # why that year holds",
        ]
    where: dict[int, list[str]] = {}
    if proposals is not None:
        entities = [e for e in proposals.entities if e.get("proposed")]
        if entities:
            lines += [
                "# Entities the registry lacks (or aliases it lacks): add each to readings/entities.yaml, then delete it here.",
                *_entries(PROPOSED_ENTITIES, entities),
            ]
        if proposals.unnamed:
            lines += _entries("unnamed", proposals.unnamed)
        for key in ("claims", "events", "relations"):
            entries = getattr(proposals, key)
            for index, entry in enumerate(entries):
                at = text.find(entry.get("prefix", "") + entry["quote"]) + len(entry.get("prefix", ""))
                sentence = next((i for i, (a, b) in enumerate(sentences) if a <= at < b), None)
                if sentence is not None:
                    where.setdefault(sentence, []).append(f"{key}[{index}]")
            lines += _entries(key, entries)
    else:
        lines += ["claims: []", "events: []", "relations: []"]
    lines += ["dismissed_sentences: []", *(_skeletons(schemas) if schemas else [])]
    if proposals is not None and proposals.notes:
        lines += ["# The drafter's notes:", *(f"#   {yaml_quoted(note)[1:-1]}" for note in proposals.notes[:200])]
    lines += [
        "stubs:",
        "  # One stub per sentence, in order. Check the proposals quoting it, and add the entries they miss:",
        "  # claims (a quantity), events (something that happened, is planned, or a status), relations (a link",
        "  # between two entities), or dismissed_sentences (reason: opinion | rhetoric | restates | section_heading",
        "  # | source_line | generic_statement). Then delete the stub; delete `stubs:` when none is left.",
    ]
    for index, (start, end) in enumerate(sentences):
        proposed = f"; proposed: {', '.join(where[index])}" if index in where else ""
        lines += [f"  - sentence: {index}", f"    quote: {yaml_quoted(text[start:end])}", f"    kind: {TODO}  # claim | event | relation | dismissed{proposed}"]
    return "\n".join(lines) + "\n"


def propose_for(seed: Seed, language: str, published: str | None, registry: Registry, schemas: dict[str, dict]) -> Any:
    """The drafter's proposals, or None with the reason when it fails: a failing drafter leaves the curator
    the stubs, never a traceback (it is heuristic code meeting arbitrary text)."""
    from .draft import Vocabulary, propose

    try:
        return propose(seed.text, language, registry, Vocabulary.from_schemas(schemas), published), None
    except Exception as exc:  # noqa: BLE001 - any failure of the drafter falls back to stubs, with its reason
        return None, f"the drafter failed ({type(exc).__name__}: {exc}); the draft holds stubs only"


def load_registry(root: Path) -> Registry:
    """The shared entity registry, refused with its problems when it cannot be read."""
    from ..errors import Collector
    from ..inputs.corpus import input_folder_problems
    from ..inputs.readings import ENTITIES_FILE, parse_registry, read_text

    folders = input_folder_problems(root, ("readings", "schemas"))  # `draft` reads both, and only from the package
    if folders:
        raise BuildError(folders)
    problems = Collector()
    shown = f"readings/{ENTITIES_FILE}"
    text = read_text(root / "readings" / ENTITIES_FILE, shown, problems)
    registry = parse_registry(text, shown, problems) if text is not None else Registry(shown)
    problems.raise_if_any()
    return registry


def _entry_kind(path: Path) -> str | None:
    """What is at `path`, never following a link: None when nothing is, else 'a regular file', 'a symbolic
    link', 'a folder' or 'a FIFO, socket or device' (as the build words a seed that is no regular file)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BuildError([Problem(f"{path.parent.name}/{path.name}", "", "", f"cannot be read ({exc.strerror or exc})")]) from None
    if stat.S_ISREG(mode):
        return "a regular file"
    return "a symbolic link" if stat.S_ISLNK(mode) else "a folder" if stat.S_ISDIR(mode) else "a FIFO, socket or device"


def _same_seeds(seeds: Path, name: str, data: bytes) -> list[str]:
    """The seeds (other than `name`) holding exactly `data`. Only regular files are compared: a link is never
    followed (its target may lie outside the package, or nowhere), a folder or FIFO never opened."""
    digest, same = sha256_hex(data), []
    try:
        entries = sorted(os.scandir(seeds), key=lambda e: e.name)
    except FileNotFoundError:
        return []  # no seeds/ yet: writing the seed says so
    except OSError as exc:
        raise BuildError([Problem("seeds", "", "", f"cannot be read ({exc.strerror or exc}); expected the package's seeds/ folder")]) from None
    for entry in entries:
        if not entry.name.endswith(".txt") or entry.name == name or not entry.is_file(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_size == len(data) and sha256_hex(Path(entry.path).read_bytes()) == digest:
                same.append(entry.name)
        except OSError:
            continue  # gone or unreadable since listed: not the same article as far as can be told
    return same


def _write(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temporary file, then a rename). Tests replace this function to
    make a write fail (the injection point for add's atomicity)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(OSError):  # gone, or its folder is none: the write's own error is the one to tell
            temporary.unlink()


def add(root: Path, source: Path, published: str | None = None, language: str | None = None) -> Added:
    """Copy `source` into seeds/ and write its draft reading. Raises BuildError, leaving neither file behind."""
    from ..inputs.corpus import input_folder_problems

    shown = str(source)
    published = check_published(published)
    folders = input_folder_problems(root)  # a linked seeds/ would be written outside the package, a linked readings/ read from there
    if folders:
        raise BuildError(folders)
    data = read_article(source, shown)
    seeds = root / "seeds"
    same = _same_seeds(seeds, source.name, data)
    if same:
        raise BuildError([Problem(shown, "", "", f"is already in seeds/ as {same[0]}; its reading is readings/{Path(same[0]).stem}.yaml")])
    name = seed_name(seeds, source, data)
    seed = decode_article(name, data, shown)
    reading = root / "readings" / f"{Path(name).stem}.yaml"
    if reading.exists():
        raise BuildError([Problem(f"readings/{reading.name}", "", "", "exists already; `add` never overwrites a reading")])
    target = seeds / name
    kind = _entry_kind(target)
    if kind not in (None, "a regular file"):  # never read, nor replaced: the build reports it the same way
        raise BuildError([Problem(f"seeds/{name}", "", "", f"is {kind}, not a regular file; expected the article's text (remove it first)")])
    if kind is not None and target.read_bytes() != data:
        raise BuildError([Problem(f"seeds/{name}", "", "", f"exists with other bytes than {shown}; seeds are never edited")])
    language, confidence = choose_language(seed.text, shown, language)
    from ..check.schemas import load_schemas

    schemas = load_schemas(root / "schemas")
    date = DATE_LINE.match(seed.text.strip().split("\n", 1)[0])
    proposals, failure = propose_for(seed, language, published or (date.group(1) if date else None), load_registry(root), schemas)
    text = draft_reading(seed, language, confidence, published, schemas, proposals)
    if len(text) > MAX_CURATED_BYTES:
        raise BuildError(
            [
                Problem(
                    shown,
                    "",
                    "",
                    f"its draft reading would be {len(text)} characters ({len(segment(seed.text))} sentences, {len(data)} bytes); "
                    f"a reading may hold {MAX_CURATED_BYTES} (inputs/readings.MAX_CURATED_BYTES): split the article",
                )
            ]
        )
    created = kind is None
    writing = target
    try:
        if created:
            _write(target, data)
        writing = reading
        _write(reading, text.encode("utf-8"))
    except BaseException as exc:
        if created:
            with contextlib.suppress(OSError):  # the seed goes with the draft it was written for; the write's own error is the one to tell
                target.unlink()
        if isinstance(exc, OSError):
            shown_path = f"{writing.parent.name}/{writing.name}"
            raise BuildError([Problem(shown_path, "", "", f"cannot be written ({exc.strerror or exc}); nothing was added")]) from None
        raise
    notes = ([failure] if failure else []) + (proposals.notes if proposals is not None else [])
    return Added(target, reading, proposals.count() if proposals is not None else 0, notes)
