"""CITATION.cff and .zenodo.json: valid, and saying what pyproject.toml and datapackage.json say.

cffconvert (`cffconvert --validate`) is not run: its latest release, 2.0.0, requires jsonschema<4, which
conflicts with the jsonschema 4 that frictionless needs. The file is validated instead against the CFF
1.2.0 JSON Schema that cffconvert 2.0.0 itself applies, vendored in tests/profiles/ (see its README),
after loading the YAML as cffconvert does (dates kept as text).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

PROFILES = Path(__file__).resolve().parent / "profiles"


class _TextDates(yaml.SafeLoader):
    """YAML as cffconvert reads it: a date stays the string the schema's `date` pattern checks."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", _TextDates.construct_yaml_str)


def cff_errors(document: dict) -> list[str]:
    schema = json.loads((PROFILES / "citation-cff-1.2.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(document)]


@pytest.fixture(scope="module")
def citation(root: Path) -> dict:
    return yaml.load((root / "CITATION.cff").read_text(encoding="utf-8"), Loader=_TextDates)  # a SafeLoader subclass


@pytest.fixture(scope="module")
def package(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def version(root: Path) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_citation_cff_is_valid_cff_1_2_0(citation):
    assert citation["cff-version"] == "1.2.0"
    assert cff_errors(citation) == []


def test_the_cff_check_can_fail(citation):
    broken = dict(citation, **{"date-released": "24 Nov 2026", "type": "database"})
    del broken["authors"]
    errors = cff_errors(broken)
    assert any(e.startswith("date-released") for e in errors) and any(e.startswith("type") for e in errors)
    assert any("authors" in e for e in errors)


def test_citation_agrees_with_the_package(citation, package, version):
    assert citation["version"] == version == package["version"]
    assert citation["title"] == package["title"]
    assert citation["date-released"] == package["created"][:10]
    assert citation["repository-code"] == citation["url"] == package["homepage"]
    assert citation["type"] == "dataset"
    assert package["licenses"][0]["name"] in citation["license"]
    assert citation["keywords"] == package["keywords"]
    assert " ".join(citation["abstract"].split()) == package["description"]


def test_zenodo_metadata_agrees_with_the_package(root, package, version):
    zenodo = json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["access_right"] == "open"
    assert zenodo["version"] == version and zenodo["title"] == package["title"]
    assert zenodo["publication_date"] == package["created"][:10]
    assert zenodo["license"] == package["licenses"][0]["name"].lower()
    assert zenodo["keywords"] == package["keywords"]
    assert zenodo["description"].startswith(package["description"])
    assert [c["name"] for c in zenodo["creators"]] == [c["title"] for c in package["contributors"] if "creator" in c["roles"]]
    assert {r["identifier"] for r in zenodo["related_identifiers"]} == {package["homepage"]}


def test_readme_bibtex_is_the_one_croissant_states(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Cite", 1)[1].split("\n## ", 1)[0]
    bibtex = section.split("```bibtex\n", 1)[1].split("```", 1)[0].strip()
    assert bibtex == json.loads((root / "croissant.json").read_text(encoding="utf-8"))["citeAs"]
