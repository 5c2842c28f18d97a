"""The build from end to end; I/O lives here, at the edges, around the pure derive step."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .derive import Tables, Vocabulary, derive_tables
from .errors import BuildError, Collector, Problem
from .reading_schema import schema_text
from .readings import ENTITIES_FILE, Draft, Reading, Registry, parse_reading, parse_registry, read_text
from .schemas import TABLES, frame, load_schemas
from .seeds import Seed, decode_seed, file_info, file_sha256
from .sentences import segment

# What the build reads, and what it publishes: copy these to build the package somewhere else.
BUILD_INPUTS = ("seeds", "readings", "schemas", "pyproject.toml", "README.md")
PUBLISHED = ("data", "datapackage.json", "croissant.json")

AGREEMENT_BEGIN = "<!-- BEGIN generated agreement summary: computed from the claims by make build -->"
AGREEMENT_END = "<!-- END generated agreement summary -->"
ACCOUNTING_BEGIN = "<!-- BEGIN generated sentence accounting: computed from the readings by make build -->"
ACCOUNTING_END = "<!-- END generated sentence accounting -->"


@dataclass
class Inputs:
    pairs: list[tuple[Seed, Reading]]
    seed_bytes: list[tuple[str, bytes]]
    registry: Registry
    schemas: dict[str, dict]
    registry_ok: bool = True


MAX_SEED_BYTES = 5_000_000  # the seeds are 2-6 kB; a larger file is not an article


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


def _seed_bytes(path: Path, shown: str, reading: Reading, problems: Collector) -> bytes | None:
    """A seed's bytes, or None with a problem: missing, not a regular file (never opened), or too large."""
    import stat

    try:
        info = path.lstat()
    except FileNotFoundError:
        problems.add(shown, "", "", f"seed is missing; {reading.path} was curated from it (sha256 {reading.seed_sha256})")
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, socket or device"
        problems.add(shown, "", "", f"is {kind}, not a regular file; expected the article's text")
        return None
    if info.st_size > MAX_SEED_BYTES:
        problems.add(shown, "", "", f"is {info.st_size} bytes; seeds are limited to {MAX_SEED_BYTES}")
        return None
    return path.read_bytes()


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


def list_readings(root: Path, problems: Collector) -> list[Path]:
    """The curated readings, in article order; a seed no reading names is a problem."""
    reading_files = sorted(p for p in (root / "readings").glob("*.yaml") if p.name != ENTITIES_FILE)
    seed_names = sorted(p.name for p in (root / "seeds").iterdir() if not p.name.startswith(".")) if (root / "seeds").is_dir() else []
    expected = {p.stem + ".txt" for p in reading_files}
    for name in seed_names:
        if name not in expected:
            problems.add(f"seeds/{name}", "", "", f"unknown file in seeds/: no curated reading readings/{Path(name).stem}.yaml names it")
    return reading_files


def read_article(root: Path, path: Path, reading_schema: dict, problems: Collector) -> tuple[Seed, Reading, bytes] | None:
    """One article's seed and reading (and the seed's bytes), or None with its problems collected."""
    shown = f"readings/{path.name}"
    text = read_text(path, shown, problems)
    reading = parse_reading(text, shown, problems, reading_schema) if text is not None else None
    if isinstance(reading, Draft):
        seed_file = root / "seeds" / reading.seed
        total = len(segment(seed_file.read_bytes().decode("utf-8", "replace"))) if reading.seed and seed_file.is_file() else 0
        problems.add(
            shown,
            "",
            "",
            f"draft: {total - reading.stubs} of {total} sentences curated, {reading.todos} TODO marker(s) left; "
            "nothing is published while a reading holds TODO (see docs/curating.md)",
        )
        return None
    if reading is None:
        return None
    if reading.seed != path.stem + ".txt":
        problems.add(shown, "", "seed", f"names {reading.seed!r}; expected {path.stem + '.txt'!r} (a reading is named after its seed)")
        return None
    data = _seed_bytes(root / "seeds" / reading.seed, f"seeds/{reading.seed}", reading, problems)
    if data is None:
        return None
    result = decode_seed(reading.seed, data, reading.seed_sha256)
    if isinstance(result, Seed):
        return result, reading, data
    problems.add(result.file, result.entry, result.field, f"{result.message}. {affected_entries(reading)}")
    return None


def affected_entries(reading: Reading) -> str:
    """Which curated entries rest on a seed, for the message when that seed is wrong."""
    labels = [f"claims[{e.index}] ({e.quote[:30]!r})" for e in reading.claims]
    labels += [f"events[{e.index}] ({e.quote[:30]!r})" for e in reading.events]
    shown = "; ".join(labels[:6]) + ("; ..." if len(labels) > 6 else "")
    return f"Affected: {len(reading.claims)} claims and {len(reading.events)} events in {reading.path}: {shown}"


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
    from .validate import validate_frames

    frames = {name: frame(tables[name], inputs.schemas[name]) for name in TABLES}
    seed_texts = {seed.article_id: seed.text for seed, _ in inputs.pairs}
    problems = validate_frames(frames, inputs.schemas, seed_texts)
    if problems:
        raise BuildError(problems)
    return frames


def render_files(root: Path) -> tuple[dict[str, bytes], Inputs, dict[str, Any]]:
    """All published bytes for the package at `root`, validated, without writing anything."""
    from .publish import render

    inputs = load_inputs(root)
    frames = validate(derive(inputs), inputs)
    from .publish import schema_hashes

    return render(frames, inputs.schemas, inputs.seed_bytes, package_version(root), schema_hashes(root)), inputs, frames


def package_version(root: Path) -> str:
    """The one place the version lives: pyproject.toml's [project] version (SemVer)."""
    import tomllib

    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    if not re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", version):
        raise BuildError([Problem("pyproject.toml", "project", "version", f"{version!r} is not SemVer MAJOR.MINOR.PATCH")])
    return version


def _replace_block(readme: str, begin: str, end: str, body: list[str]) -> str:
    if begin not in readme or end not in readme:
        raise BuildError([Problem("README.md", "", "", f"missing the markers {begin!r} and {end!r} around a generated block")])
    pattern = re.escape(begin) + ".*?" + re.escape(end)
    return re.sub(pattern, lambda _: "\n".join([begin, *body, end]), readme, flags=re.S)


def agreement_summary(frames: dict[str, Any]) -> list[str]:
    """README lines: every claim group that more than one article reports, with its verdict and the reason."""
    from .reconcile import STATUS_ORDER

    groups = frames["claim_groups"]
    order = {status: i for i, status in enumerate(STATUS_ORDER + ("single_source",))}
    shown = groups[groups["article_count"] > 1].sort_values(["status", "group_id"], key=lambda c: c.map(order) if c.name == "status" else c)
    counts = groups["status"].value_counts()
    lines = ["", "| group (property / hardware / organisation) | status (with inferred links) | why | what each source says |", "|---|---|---|---|"]
    for row in shown.itertuples():
        # the rule in words: the last clause of the reason (the pair's claims are listed beside it)
        reason = (row.reason.split("; counting those")[0] if row.reason.startswith("only one") else row.reason.rsplit(": ", 1)[-1]).replace("|", "/")
        lines.append(f"| `{row.group_id}` | **{row.status}** ({row.status_with_inferred}) | {reason} | {row.summary.split(': ', 1)[1].replace('|', '/')} |")
    totals = ", ".join(f"{counts.get(s, 0)} {s}" for s in order if counts.get(s, 0))
    lines += [
        "",
        f"All {len(groups)} groups: {totals}. Values read `comparator value unit (article, modality, time, phase, source)`; "
        "each group's full reason, naming the pair of claims that decided it, is in `claim_groups.reason`, every compared pair in `claim_pairs`.",
        "",
    ]
    return lines


SentenceCounts = dict[str, tuple[int, int, dict[str, int]]]  # article_id -> (sentences, yielding rows, dismissal reason -> count)


def sentence_counts(sentences: Any) -> SentenceCounts:
    """Per article, how many sentences it has, how many yield rows, and why the others are dismissed."""
    counts: SentenceCounts = {}
    for article_id, status, reason in zip(sentences["article_id"], sentences["status"], sentences["dismissal_reason"], strict=True):
        total, yielding, reasons = counts.get(article_id, (0, 0, {}))
        if status == "dismissed":
            reasons[reason] = reasons.get(reason, 0) + 1
        counts[article_id] = (total + 1, yielding + (status == "yields_rows"), reasons)
    return counts


def accounting_summary(frames: dict[str, Any], counts: SentenceCounts | None = None) -> list[str]:
    """README lines: per article, how many sentences yield rows and how many are dismissed, and why
    (`counts` as `sentence_counts` gives them, where the build streamed the sentences instead of keeping them)."""
    counts = sentence_counts(frames["sentences"]) if counts is None else counts
    articles = frames["articles"]
    lines = ["", "| article | language | sentences | yield rows | dismissed (reasons) | claims | events | relations |", "|---|---|---|---|---|---|---|---|"]
    for a in articles.sort_values("article_id").itertuples():
        total, yielding, reasons = counts.get(a.article_id, (0, 0, {}))
        dismissed = sum(reasons.values())
        shown = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        lines.append(
            f"| {a.article_id[:3]} | {a.language} | {total} | {yielding} | {dismissed}"
            f"{f' ({shown})' if shown else ''} | {a.claim_count} | {a.event_count} | {a.relation_count} |"
        )
    total = sum(c[0] for c in counts.values())
    yielding = sum(c[1] for c in counts.values())
    dismissed_count = sum(sum(c[2].values()) for c in counts.values())
    lines += ["", f"All {total} sentences: {yielding} yield rows, {dismissed_count} are dismissed.", ""]
    return lines


def readme_updated(readme: str, schemas: dict[str, dict], frames: dict[str, Any], counts: SentenceCounts | None = None) -> str:
    """README text with its generated blocks (computed from the data) replaced; the column tables live in docs/."""
    text = _replace_block(readme, AGREEMENT_BEGIN, AGREEMENT_END, agreement_summary(frames))
    return _replace_block(text, ACCOUNTING_BEGIN, ACCOUNTING_END, accounting_summary(frames, counts))


def staged_extras(root: Path, staged: Any) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The descriptor and Croissant files for what a streamed build wrote, and the README if its
    generated blocks change (their markers are checked here, so a README without them fails the build)."""
    from .croissant import croissant_bytes
    from .publish import descriptor, schema_hashes

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
    from .publish import publish
    from .stream import stage
    from .verify import descriptor_problems, streamed_read_back_problems

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
    from .generated import stale as stale_generated

    stale += stale_generated(root)
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        if readme_updated(text, staged.schemas, staged.frames, staged.counts) != text:
            stale.append("README.md (generated blocks)")
    return stale


def verify(root: Path) -> list[Problem]:
    """Problems in the published package at `root` (a checkout or an unpacked release); never raises on bad files."""
    from .publish import WORK_PREFIX
    from .verify import unsafe_path, verify_package

    try:
        schemas = load_schemas(root / "schemas")
    except BuildError as exc:
        return exc.problems
    problems, seed_texts = [], {}
    for path in sorted((root / "seeds").glob("*.txt")):
        shown = f"seeds/{path.name}"
        why = unsafe_path(root, shown)
        if why is not None:
            problems.append(Problem(shown, "", "", why))
            continue
        try:
            seed_texts[path.stem] = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(shown, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected the seed's UTF-8 text"))
    problems += verify_package(root, schemas, seed_texts)
    if problems:
        for work in sorted(root.glob(WORK_PREFIX + "*")):
            problems.append(Problem(work.name, "", "", "left by an interrupted build; run `make build`, which rolls it back, then verify again"))
    return problems
