"""The build from end to end; I/O lives here, at the edges, around the pure derive step."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..check.schemas import TABLES, frame, load_schemas
from ..derive import Tables, Vocabulary, derive_tables
from ..errors import BuildError, Collector, Problem
from ..inputs.corpus import list_readings, package_version, read_article
from ..inputs.reading_schema import schema_text
from ..inputs.readings import ENTITIES_FILE, Reading, Registry, parse_registry, read_text
from ..inputs.seeds import Seed, file_info, file_sha256
from ..publish.readme import readme_updated

# What the build reads, and what it publishes: copy these to build the package somewhere else.
BUILD_INPUTS = ("seeds", "readings", "schemas", "pyproject.toml", "README.md")
PUBLISHED = ("data", "datapackage.json", "croissant.json")


@dataclass
class Inputs:
    pairs: list[tuple[Seed, Reading]]
    seed_bytes: list[tuple[str, bytes]]
    registry: Registry
    schemas: dict[str, dict]
    registry_ok: bool = True


def load_inputs(root: Path) -> Inputs:
    """Read seeds, readings, registry and schemas; every problem across them is raised together.

    Where some readings fail, the articles that did load are still derived, so their problems are
    reported in the same run rather than after the first fix.
    """
    inputs, problems = gather_inputs(root)
    if problems.problems:
        if inputs.registry_ok and inputs.pairs:
            later = Collector()
            derive_tables(inputs.pairs, inputs.registry, Vocabulary.from_schemas(inputs.schemas), later, partial=True)
            problems.extend(later.problems)
        problems.raise_if_any()
    return inputs


def gather_inputs(root: Path) -> tuple[Inputs, Collector]:
    """Everything that could be read, and the problems with the rest."""
    problems = Collector()
    schemas = load_schemas(root / "schemas")
    registry_text = read_text(root / "readings" / ENTITIES_FILE, f"readings/{ENTITIES_FILE}", problems)
    registry = parse_registry(registry_text, f"readings/{ENTITIES_FILE}", problems) if registry_text is not None else Registry(f"readings/{ENTITIES_FILE}")

    reading_schema = json.loads(schema_text(schemas))
    reading_files = list_readings(root, problems)
    pairs, seed_bytes = [], []
    for path in reading_files:
        article = read_article(root, path, reading_schema, problems)
        if article is not None:
            pairs.append(article[:2])
            seed_bytes.append((article[1].seed, article[2]))
    registry_ok = not any(p.file == f"readings/{ENTITIES_FILE}" for p in problems.problems)
    return Inputs(pairs, seed_bytes, registry, schemas, registry_ok), problems


def derive(inputs: Inputs, names: list | None = None) -> Tables:
    problems = Collector()
    tables = derive_tables(inputs.pairs, inputs.registry, Vocabulary.from_schemas(inputs.schemas), problems, names)
    problems.raise_if_any()
    return tables


def names_report(root: Path) -> list[str]:
    """Capitalised words that match no alias, one line per distinct word, most frequent first (a report, not a check)."""
    names: list = []
    inputs = load_inputs(root)
    derive(inputs, names)
    texts = {seed.article_id: seed.text for seed, _ in inputs.pairs}
    by_word: dict[str, list] = {}
    for article_id, start, word in names:
        by_word.setdefault(word, []).append((article_id, start))
    lines = []
    for word, places in sorted(by_word.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        article_id, start = places[0]
        text = texts[article_id]
        lines.append(f"{len(places):3d}  {word:<16} first in {article_id} at {start}: {text[max(0, start - 25) : start + 30]!r}")
    return lines


def validate(tables: Tables, inputs: Inputs) -> dict[str, Any]:
    """Typed frames, checked by pandera and the cross-table checks; raises with every problem."""
    from ..check.validate import validate_frames

    frames = {name: frame(tables[name], inputs.schemas[name]) for name in TABLES}
    seed_texts = {seed.article_id: seed.text for seed, _ in inputs.pairs}
    problems = validate_frames(frames, inputs.schemas, seed_texts)
    if problems:
        raise BuildError(problems)
    return frames


def render_files(root: Path) -> tuple[dict[str, bytes], Inputs, dict[str, Any]]:
    """All published bytes for the package at `root`, validated, without writing anything."""
    from ..publish.files import render

    inputs = load_inputs(root)
    frames = validate(derive(inputs), inputs)
    from ..publish.files import schema_hashes

    return render(frames, inputs.schemas, inputs.seed_bytes, package_version(root), schema_hashes(root)), inputs, frames


def staged_extras(root: Path, staged: Any) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The descriptor and Croissant files for what a streamed build wrote, and the README if its
    generated blocks change (their markers are checked here, so a README without them fails the build)."""
    from ..publish.croissant import croissant_bytes
    from ..publish.files import descriptor, schema_hashes

    package = descriptor(staged.files, staged.seeds, package_version(root), staged.frames, staged.schemas, schema_hashes(root))
    files = {"datapackage.json": (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
    files["croissant.json"] = croissant_bytes(package, staged.schemas, staged.files)
    also = {}
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        updated = readme_updated(text, staged.schemas, staged.frames, staged.counts)
        if updated != text:
            also["README.md"] = updated.encode("utf-8")
    return files, also


def build(root: Path) -> dict[str, tuple[int, str]]:
    """Stream the articles through derive, validation and writing into a staging folder, read every file
    back, then publish data/, datapackage.json and the README's generated blocks as one swap.

    A build that fails at any point leaves the published files as they were ("nothing written" is true):
    the staging folder is discarded. Returns each published file's (size, sha256 hex).
    """
    from ..publish.files import publish
    from ..publish.verify import descriptor_problems, streamed_read_back_problems
    from .stream import stage

    written: dict[str, tuple[int, str]] = {}
    schemas: dict[str, dict] = {}

    def write(new: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
        staged = stage(root, new, spill=new.parent / "validated")
        schemas.update(staged.schemas)
        files, also = staged_extras(root, staged)
        written.update(staged.files)
        written.update({path: file_info(data) for path, data in files.items()})
        return files, also

    def read_back(staging: Path) -> None:
        """The files as written, read back in both formats, must equal what was validated before they replace data/."""
        from .stream import release_memory

        release_memory()  # what staging left behind, before the read-back allocates its own
        problems = streamed_read_back_problems(staging, schemas, staging.parent / "validated")
        problems += descriptor_problems(staging, schemas, complete=False)
        if problems:
            raise BuildError(problems)

    publish({}, root, check=read_back, stage=write)
    return written


def stale_files(root: Path) -> list[str]:
    """Published files, the README's generated blocks and the schema-generated files that differ from what the inputs produce now."""
    import tempfile

    from .stream import stage

    with tempfile.TemporaryDirectory(prefix="superclusters-check-") as scratch:
        staged = stage(root, Path(scratch))
    files, _ = staged_extras(root, staged)
    wanted = {**staged.files, **{path: file_info(data) for path, data in files.items()}}
    stale = []
    for path, (size, sha256) in wanted.items():
        target = root / path
        if not target.is_file() or target.stat().st_size != size or file_sha256(target)[1] != sha256:
            stale.append(path)
    from ..publish.generated import stale as stale_generated

    stale += stale_generated(root)
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        if readme_updated(text, staged.schemas, staged.frames, staged.counts) != text:
            stale.append("README.md (generated blocks)")
    return stale


def verify(root: Path) -> list[Problem]:
    """Problems in the published package at `root` (a checkout or an unpacked release), plus a hint where
    an interrupted build left its work folder behind; never raises on bad files."""
    from ..publish.files import WORK_PREFIX
    from ..publish.verify import verify_published

    problems = verify_published(root)
    if problems:
        for work in sorted(root.glob(WORK_PREFIX + "*")):
            problems.append(Problem(work.name, "", "", "left by an interrupted build; run `make build`, which rolls it back, then verify again"))
    return problems
