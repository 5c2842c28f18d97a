"""The build from end to end; I/O lives here, at the edges, around the pure derive step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem
from ..inputs.corpus import package_version, regular_file_problem
from ..inputs.seeds import file_info, file_sha256
from ..publish.readme import readme_updated

# Validated batches (Arrow IPC) above which the read-back runs in worker processes: about 250 articles' worth.
READ_BACK_IN_WORKERS_BYTES = 32 * 2**20
# What the build reads, and what it publishes: copy these to build the package somewhere else.
BUILD_INPUTS = ("seeds", "readings", "schemas", "pyproject.toml", "README.md")
PUBLISHED = ("data", "datapackage.json", "croissant.json")


def names_report(root: Path) -> list[str]:
    """Capitalised words that match no alias, one line per distinct word, most frequent first (a report, not a check).

    The words come from the build itself (`stream.stage` into a scratch folder that is then removed), so the
    report sees the articles exactly as a build derives them; a package with problems raises them all.
    """
    import tempfile

    from .stream import stage

    names: list = []
    with tempfile.TemporaryDirectory(prefix="superclusters-names-") as scratch:
        staged = stage(root, Path(scratch), unmatched=names)
    seed_paths = {row["article_id"]: row["seed_path"] for row in staged.kept["articles"]}
    by_word: dict[str, list] = {}
    for article_id, start, word in names:
        by_word.setdefault(word, []).append((article_id, start))
    lines = []
    for word, places in sorted(by_word.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        article_id, start = places[0]
        text = (root / seed_paths[article_id]).read_bytes().decode("utf-8")
        lines.append(f"{len(places):3d}  {word:<16} first in {article_id} at {start}: {text[max(0, start - 25) : start + 30]!r}")
    return lines


def readme_text(root: Path) -> str | None:
    """The package's README.md (whose generated blocks the build rewrites), None where there is none; a link, a
    FIFO (which would block the build for ever) or text that is not UTF-8 is a problem line."""
    irregular = regular_file_problem(root, "README.md")
    if irregular is not None:
        raise BuildError([irregular])
    try:
        return (root / "README.md").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        why = "is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else f"cannot be read ({exc.strerror or exc})"
        raise BuildError([Problem("README.md", "", "", f"{why}; expected the package's README (restore it from git)")]) from None


def staged_extras(root: Path, staged: Any) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The descriptor and Croissant files for what a streamed build wrote, and the README if its
    generated blocks change (their markers are checked here, so a README without them fails the build)."""
    from ..publish.croissant import croissant_bytes
    from ..publish.files import descriptor, schema_hashes

    package = descriptor(staged.files, staged.seeds, package_version(root), staged.kept, staged.schemas, schema_hashes(root))
    files = {"datapackage.json": (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}
    files["croissant.json"] = croissant_bytes(package, staged.schemas, staged.files)
    also = {}
    text = readme_text(root)
    if text is not None:
        updated = readme_updated(text, staged.schemas, staged.kept, staged.counts)
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
        from .stream import release_memory, worker_count

        release_memory()  # what staging left behind, before the read-back allocates its own
        spill = staging.parent / "validated"
        # A large package is read back by worker processes, table by table (forking costs more than a small one takes).
        large = sum(path.stat().st_size for path in spill.glob("*.arrow")) > READ_BACK_IN_WORKERS_BYTES
        problems = streamed_read_back_problems(staging, schemas, spill, workers=worker_count(2) if large else 0)
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
    text = readme_text(root)
    if text is not None:
        if readme_updated(text, staged.schemas, staged.kept, staged.counts) != text:
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
