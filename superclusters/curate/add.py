"""Adding an article: copy it into seeds/, pin it, and write a draft reading for a curator to fill in.

`python build.py add PATH [--published DATE] [--language pt|fr|en]` (or `make add ARTICLE=PATH`):

- the text must meet the seed encoding policy (UTF-8, no byte-order mark, no NUL byte);
- it is copied to `seeds/NNN_<16 hex>.txt`: a file already named that way keeps its name (the shared
  seeds are); otherwise NNN is the next free index and the hex is the start of its sha256;
- the draft `readings/<seed stem>.yaml` names the reading schema for editors, pins the sha256, gives the
  detected language (py3langid, restricted to pt/fr/en; the flag overrides it), title candidates, the
  publication date found in a leading " date YYYY-MM[-DD]" line, and one stub per sentence with the
  sentence's exact text; everything a curator must decide reads TODO, with the allowed values in a comment;
- an existing reading is never overwritten.

While a reading holds TODO, the build reports "N of M sentences curated" and one line per stub, and
publishes nothing. docs/curating.md walks through the workflow.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import BuildError, Problem
from ..inputs.reading_schema import SCHEMA_COMMENT, TODO
from ..inputs.seeds import Seed, decode_seed, sha256_hex
from ..inputs.sentences import segment

SEED_NAME = re.compile(r"^(\d{3,})_[0-9a-f]{16}\.txt$")
DATE_LINE = re.compile(r"^\s*date (\d{4}-\d{2}(?:-\d{2})?)\b")
LANGUAGES = ("pt", "fr", "en")
MIN_CONFIDENCE = 0.9  # below it, the curator must say the language


def detect_language(text: str) -> tuple[str, float]:
    """(language, probability) among pt, fr and en, by py3langid's bundled model (offline)."""
    import py3langid.langid as langid

    identifier = langid.LanguageIdentifier.from_modelpath(langid.MODEL_DIR / langid.MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    language, probability = identifier.classify(text)
    return language, float(probability)


def seed_name(seeds: Path, source: Path, data: bytes) -> str:
    """The seed's file name: kept when it follows the scheme, else the next index and the sha256's start."""
    if SEED_NAME.match(source.name):
        return source.name
    taken = [int(m.group(1)) for p in seeds.glob("*.txt") if (m := SEED_NAME.match(p.name))]
    return f"{max(taken, default=-1) + 1:03d}_{sha256_hex(data)[:16]}.txt"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _skeletons(schemas: dict[str, dict]) -> list[str]:
    """Comment lines: the fields of each kind of entry, with the allowed values of every closed vocabulary."""

    def allowed(table: str, column: str) -> str:
        field = next(f for f in schemas[table]["fields"] if f["name"] == column)
        return " | ".join(field["constraints"]["enum"])

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


def draft_reading(seed: Seed, language: str, confidence: float | None, published: str | None, schemas: dict[str, dict] | None = None) -> str:
    """The draft reading's text: pinned, with title candidates and one TODO stub per sentence."""
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
        f"# Draft reading of seeds/{seed.name}, written by `build.py add`. Fill in every TODO (see docs/curating.md);",
        "# the build publishes nothing while any TODO is left.",
        f"seed: {seed.name}",
        f"seed_sha256: {seed.sha256}",
        f"language: {language}  # {detected}",
        f"title: {TODO}  # the headline or lead sentence, exactly; candidates: " + " | ".join(_q(c[:200]) for c in candidates),
        f"title_source: {TODO}  # headline | lead_sentence",
    ]
    if language != "en":
        lines.append(f"title_en: {TODO}  # English gloss of the title")
    if published:
        lines.append(f"published: {_q(published)}  # the date as the seed words it")
    else:
        lines += [
            f"reference_year: {TODO}  # the seed states no date: the year relative dates rest on",
            f"reference_year_basis: {TODO}  # why that year holds",
        ]
    lines += [
        "claims: []",
        "events: []",
        "relations: []",
        "dismissed_sentences: []",
        *(_skeletons(schemas) if schemas else []),
        "stubs:",
        "  # One stub per sentence, in order. Turn each into entries that quote words of its sentence:",
        "  # claims (a quantity), events (something that happened, is planned, or a status), relations (a link",
        "  # between two entities), or dismissed_sentences (reason: opinion | rhetoric | restates | section_heading",
        "  # | source_line | generic_statement). Then delete the stub; delete `stubs:` when none is left.",
    ]
    for index, (start, end) in enumerate(sentences):
        lines += [f"  - sentence: {index}", f"    quote: {_q(text[start:end])}", f"    kind: {TODO}  # claim | event | relation | dismissed"]
    return "\n".join(lines) + "\n"


def add(root: Path, source: Path, published: str | None = None, language: str | None = None) -> tuple[Path, Path]:
    """Copy `source` into seeds/ and write its draft reading; returns both paths. Raises BuildError."""
    shown = str(source)
    if not source.is_file():
        raise BuildError([Problem(shown, "", "", "not a regular file; expected the article's text")])
    data = source.read_bytes()
    seeds = root / "seeds"
    digest = sha256_hex(data)
    same = [p.name for p in sorted(seeds.glob("*.txt")) if p.name != source.name and p.stat().st_size == len(data) and sha256_hex(p.read_bytes()) == digest]
    if same:
        raise BuildError([Problem(shown, "", "", f"is already in seeds/ as {same[0]}; its reading is readings/{Path(same[0]).stem}.yaml")])
    name = seed_name(seeds, source, data)
    result = decode_seed(name, data, sha256_hex(data))
    if isinstance(result, Problem):
        raise BuildError([Problem(shown, result.entry, result.field, result.message.replace(f"seeds/{name}", shown))])
    reading = root / "readings" / f"{Path(name).stem}.yaml"
    if reading.exists():
        raise BuildError([Problem(f"readings/{reading.name}", "", "", "exists already; `add` never overwrites a reading")])
    target = seeds / name
    if target.exists() and target.read_bytes() != data:
        raise BuildError([Problem(f"seeds/{name}", "", "", f"exists with other bytes than {shown}; seeds are never edited")])
    confidence = None
    if language is None:
        language, confidence = detect_language(result.text)
        if confidence < MIN_CONFIDENCE:
            raise BuildError([Problem(shown, "", "language", f"detected {language!r} with only {confidence:.2f}; give --language {'|'.join(LANGUAGES)}")])
    elif language not in LANGUAGES:
        raise BuildError([Problem(shown, "", "language", f"got {language!r}; expected one of {', '.join(LANGUAGES)}")])
    from ..check.schemas import load_schemas

    text = draft_reading(result, language, confidence, published, load_schemas(root / "schemas"))
    if not target.exists():
        tmp = target.with_name(f".{name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    tmp = reading.with_name(f".{reading.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(reading)
    return target, reading
