"""Adding an article: the draft reading, TODO handling, the reading schema, and a full round trip."""

from __future__ import annotations

import json

import pytest
import yaml

from superclusters.build.pipeline import build
from superclusters.check.schemas import load_schemas
from superclusters.curate.add import add, detect_language
from superclusters.errors import BuildError
from superclusters.inputs.reading_schema import SCHEMA_COMMENT, SCHEMA_FILE, schema_text
from superclusters.inputs.sentences import segment

SEED = "004_4cf1754e8857eae4"


def test_the_round_trip_gives_byte_identical_tables(package_copy, root):
    """Remove a reading, scaffold it again from its seed, fill the stubs from the removed entries: same tables."""
    original = (package_copy / "readings" / f"{SEED}.yaml").read_text(encoding="utf-8")
    (package_copy / "readings" / f"{SEED}.yaml").unlink()
    added = add(package_copy, package_copy / "seeds" / f"{SEED}.txt")
    seed_path, reading_path = added.seed, added.reading
    assert seed_path.name == f"{SEED}.txt" and reading_path.name == f"{SEED}.yaml"
    draft_text = reading_path.read_text(encoding="utf-8")
    assert draft_text.startswith(SCHEMA_COMMENT)
    draft = yaml.safe_load(draft_text)
    seed_text = seed_path.read_text(encoding="utf-8")
    sentences = segment(seed_text)
    assert [s["quote"] for s in draft["stubs"]] == [seed_text[a:b] for a, b in sentences]  # one anchored stub per sentence
    assert draft["language"] == "pt" and draft["published"] == "2024-06"

    with pytest.raises(BuildError) as exc:  # a draft is never published, and says how far curation is
        build(package_copy)
    lines = [str(p) for p in exc.value.problems]
    proposals = [e for key in ("proposed_entities", "unnamed", "claims", "events", "relations") for e in draft.get(key, [])]
    assert proposals and all(e["proposed"] is True for e in proposals) and added.proposals == len(proposals)
    glosses = sum(e.get("en") == "TODO" for e in proposals)  # the drafter leaves the English gloss to the curator
    todos = len(sentences) + 3 + glosses
    summary = f"readings/{SEED}.yaml: draft: 0 of {len(sentences)} sentences curated, {todos} TODO marker(s) left; {len(proposals)} proposal(s) to confirm;"
    assert any(line.startswith(summary) and "nothing is published while a reading holds TODO" in line for line in lines), lines
    assert sum("stubs[" in line for line in lines) == len(sentences)
    assert sum("proposal to confirm" in line or "proposed entity" in line for line in lines) == len(proposals)
    assert not any(line.startswith("seeds/") for line in lines)  # no wall of derived errors

    # Fill it in: the top-level decisions and every entry from the removed reading; the stubs and proposals go.
    removed = yaml.safe_load(original)
    filled = {key: value for key, value in draft.items() if key not in ("stubs", "proposed_entities")}
    for key, value in removed.items():
        if key not in ("seed", "seed_sha256", "language", "published"):
            filled[key] = value
    assert filled["seed_sha256"] == removed["seed_sha256"]
    reading_path.write_text(SCHEMA_COMMENT + "\n" + yaml.safe_dump(filled, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build(package_copy)
    for path in sorted((root / "data").iterdir()):
        assert (package_copy / "data" / path.name).read_bytes() == path.read_bytes(), path.name
    assert (package_copy / "datapackage.json").read_bytes() == (root / "datapackage.json").read_bytes()


def test_add_names_new_seeds_by_the_scheme_and_never_overwrites(package_copy, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Headline here\n\nTesla builds a cluster in Austin. It has 1,000 GPUs.\n", encoding="utf-8")
    added = add(package_copy, article, published="2024-09-01", language="en")
    seed, reading = added.seed, added.reading
    assert seed.name.startswith("005_") and len(seed.stem) == 20
    assert 'published: "2024-09-01"' in reading.read_text(encoding="utf-8")
    with pytest.raises(BuildError, match=f"is already in seeds/ as {seed.name}"):
        add(package_copy, article, language="en")  # the same article twice
    with pytest.raises(BuildError, match="exists already; `add` never overwrites a reading"):
        add(package_copy, seed, language="en")  # the seed itself: named by the scheme, its reading exists


def test_add_refuses_text_that_breaks_the_seed_policy(package_copy, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xef\xbb\xbfHeadline\n")
    with pytest.raises(BuildError, match="byte-order mark"):
        add(package_copy, bad, language="en")
    assert not any(p.name.startswith("005_") for p in (package_copy / "readings").iterdir())


def test_language_detection_on_the_seeds(root):
    found = {p.stem[:3]: detect_language(p.read_text(encoding="utf-8"))[0] for p in sorted((root / "seeds").glob("*.txt"))}
    assert found == {"000": "pt", "001": "fr", "002": "en", "003": "fr", "004": "pt"}


def test_the_reading_schema_is_generated_from_the_table_schemas(root):
    schemas = load_schemas(root / "schemas")
    assert (root / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text(schemas), "run python -m superclusters.inputs.reading_schema"
    reading = json.loads(schema_text(schemas))
    predicate = next(f for f in schemas["relations"]["fields"] if f["name"] == "predicate")
    assert reading["properties"]["relations"]["items"]["properties"]["predicate"]["enum"] == predicate["constraints"]["enum"]
    for path in (root / "readings").glob("0*.yaml"):
        assert path.read_text(encoding="utf-8").startswith(SCHEMA_COMMENT), path.name


def test_schema_errors_are_reported_at_line_and_column_all_at_once(package_copy):
    path = package_copy / "readings" / f"{SEED}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    modality: speculation\n", "    modality: rumoured\n", 1).replace("    predicate: co_founded\n", "    predicate: cofounded\n", 1)
    text = text.replace('    value: "800 Gb/s"\n', '    value: "800 Gb/s"\n    colour: blue\n', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(package_copy)
    lines = [str(p) for p in exc.value.problems if p.file == f"readings/{SEED}.yaml"]
    lines_text = text.splitlines()
    for needle, message in (
        ("modality: rumoured", "got 'rumoured'; expected one of"),
        ("predicate: cofounded", "got 'cofounded'; expected one of"),
        ("colour: blue", "unknown field(s) colour"),
    ):
        line_number = next(i for i, line in enumerate(lines_text, 1) if needle in line)
        assert any(f": line {line_number}, column " in line and message in line for line in lines) or (
            needle == "colour: blue" and any(message in line for line in lines)
        ), (needle, lines)
    assert len(lines) == 3, lines


def test_a_reading_still_holding_a_todo_is_not_derived(package_copy):
    path = package_copy / "readings" / f"{SEED}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    modality: speculation\n", "    modality: TODO  # reported | planned\n", 1), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(package_copy)
    lines = [str(p) for p in exc.value.problems]
    assert any(line.startswith(f"readings/{SEED}.yaml: line ") and ": claims[4]" in line and "not curated yet (TODO)" in line for line in lines), lines
    assert any(line.startswith(f"readings/{SEED}.yaml: draft: 32 of 32 sentences curated, 1 TODO marker(s) left;") for line in lines), lines


def test_build_py_add_from_the_command_line(package_copy, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    article = tmp_path / "x.txt"
    article.write_text("Un titre\n\nTesla construit un cluster à Austin. Il aura 100 000 GPU.\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "add", str(article), "--root", str(package_copy)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "the draft" in run.stdout and list((package_copy / "readings").glob("005_*.yaml"))
