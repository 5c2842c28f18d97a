"""datapackage.json and every Table Schema against the official Data Package v2 JSON-Schema profiles
(vendored in tests/profiles/, see its README), plus what the profiles cannot say: role vocabulary,
seed licences, outlets, and that frictionless still checks the seed hashes."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from superclusters.check.schemas import TABLES

PROFILES = Path(__file__).resolve().parent / "profiles"
# The Data Package v2 contributor roles (the spec recommends DataCite's contributorType vocabulary, plus "creator").
ROLES = {
    "creator",
    "contact",
    "contactPerson",
    "dataCollector",
    "dataCurator",
    "dataManager",
    "distributor",
    "editor",
    "hostingInstitution",
    "producer",
    "projectLeader",
    "projectManager",
    "projectMember",
    "publisher",
    "registrationAgency",
    "registrationAuthority",
    "relatedPerson",
    "researcher",
    "researchGroup",
    "rightsHolder",
    "sponsor",
    "supervisor",
    "workPackageLeader",
    "other",
}


def load_profile(name: str) -> dict:
    """A vendored profile. The official v2.0 Table Schema profile omits the `list` field type that the v2.0
    spec defines (tests/profiles/README.md): that one alternative is added from our transcription."""
    profile = json.loads((PROFILES / f"{name}.json").read_text(encoding="utf-8"))
    if name == "tableschema":
        profile["properties"]["fields"]["items"]["oneOf"].append(json.loads((PROFILES / "tableschema-list-field.json").read_text(encoding="utf-8")))
    return profile


def profile_errors(document: dict, name: str) -> list[str]:
    """Every violation of the vendored profile `name`. jsonschema checks `format` only where it has the
    optional libraries (here not for uri and date-time), so those two are checked by the tests below."""
    validator = jsonschema.Draft7Validator(load_profile(name), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in validator.iter_errors(document)]


@pytest.fixture(scope="module")
def descriptor(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def test_descriptor_passes_the_official_v2_package_profile(descriptor):
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert profile_errors(descriptor, "datapackage") == []


def test_every_resource_passes_the_official_v2_resource_profile(descriptor):
    errors = {r["name"]: profile_errors(r, "dataresource") for r in descriptor["resources"]}
    assert {name: e for name, e in errors.items() if e} == {}


def test_every_inline_dialect_and_schema_passes_its_profile(descriptor):
    dialects = [r["dialect"] for r in descriptor["resources"] if isinstance(r.get("dialect"), dict)]
    inline = [r["schema"] for r in descriptor["resources"] if isinstance(r.get("schema"), dict)]
    assert dialects, "the CSV resources state their dialect"
    assert [e for d in dialects for e in profile_errors(d, "tabledialect")] == []
    assert [e for s in inline for e in profile_errors(s, "tableschema")] == []


# Table schemas only: schemas/reading.schema.json is the JSON Schema of the curated readings, not a table.
@pytest.mark.parametrize(
    "path", sorted(p for p in (Path(__file__).resolve().parent.parent / "schemas").glob("*.json") if p.name != "reading.schema.json"), ids=lambda p: p.name
)
def test_every_table_schema_passes_the_official_v2_tableschema_profile(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema.get("$schema") == "https://datapackage.org/profiles/2.0/tableschema.json"
    assert profile_errors(schema, "tableschema") == []


def test_the_profile_check_can_fail(descriptor):
    broken = json.loads(json.dumps(descriptor))
    seed = next(r for r in broken["resources"] if r["path"].startswith("seeds/"))
    seed["type"] = "file"  # what v1 allowed and v2 does not
    broken["contributors"] = []
    errors = profile_errors(broken, "datapackage")
    assert any("'file' is not one of ['table']" in e for e in errors), errors
    assert any(e.startswith("contributors") for e in errors), errors


def test_the_list_field_supplement_is_needed_and_still_strict():
    """Documents the profile's gap (if a later profile adds `list`, drop the supplement) and that the
    supplement rejects what the spec forbids."""
    official = json.loads((PROFILES / "tableschema.json").read_text(encoding="utf-8"))
    schema = {"fields": [{"name": "ids", "type": "list", "itemType": "string", "delimiter": "|"}]}
    assert list(jsonschema.Draft7Validator(official).iter_errors(schema)), "the official v2.0 profile rejects list fields"
    assert profile_errors(schema, "tableschema") == []
    schema["fields"][0]["itemType"] = "object"  # not a primitive: the spec does not allow it
    assert profile_errors(schema, "tableschema") != []


def test_every_table_has_a_csv_and_a_parquet_resource(descriptor):
    names = {r["name"] for r in descriptor["resources"]}
    assert {t for t in TABLES} | {f"{t}-parquet" for t in TABLES} <= names


def test_identity_homepage_and_created_are_well_formed(descriptor):
    assert descriptor["id"].startswith("urn:uuid:") and len(descriptor["id"]) == len("urn:uuid:") + 36
    assert descriptor["homepage"].startswith("https://")
    created = datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))  # RFC 3339, in UTC
    assert created.tzinfo is not None and descriptor["created"].endswith("Z")


def test_contributor_roles_come_from_the_spec_vocabulary(descriptor):
    roles = {role for c in descriptor["contributors"] for role in c.get("roles", [])}
    assert roles and roles <= ROLES, roles - ROLES
    assert "dataCurator" in roles


def csv_records(root: Path, table: str) -> list[dict[str, str]]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO((root / "data" / f"{table}.csv").read_text(encoding="utf-8"), newline="")))


def test_seeds_carry_their_publishers_copyright_and_sources_name_the_outlet(descriptor, root):
    """The outlet comes from articles.outlet_organisation_id (what each seed names as its own publisher):
    an organisation merely cited in an article (DataCentreDynamics in 000) must not appear."""
    organisations = {o["organisation_id"]: o["name"] for o in csv_records(root, "organisations")}
    articles = csv_records(root, "articles")
    seeds = {r["path"]: r for r in descriptor["resources"] if r["path"].startswith("seeds/")}
    sources = {s["path"]: s for s in descriptor["sources"]}
    assert set(seeds) == {a["seed_path"] for a in articles} == set(sources)
    named = 0
    for article in articles:
        seed, source = seeds[article["seed_path"]], sources[article["seed_path"]]
        assert "type" not in seed, "v2 allows only 'table'; a plain file carries no type"
        assert seed["licenses"] != descriptor["licenses"], "the package's CC BY does not cover the seed"
        [licence] = seed["licenses"]
        assert licence["path"] == "LICENSE.md" and "Copyright" in licence["title"] and "verif" in licence["title"]
        outlet = organisations.get(article["outlet_organisation_id"])
        others = [name for ident, name in organisations.items() if ident != article["outlet_organisation_id"]]
        if outlet:
            named += 1
            assert outlet in licence["title"] and outlet in source["title"]
        assert not any(name in licence["title"] for name in others), licence["title"]
    assert named >= 1, "003 names Electrek as its outlet"
    assert "Electrek" in sources["seeds/003_013686575329e581.txt"]["title"]
    assert "DataCentreDynamics" not in sources["seeds/000_9792f8e7dbbae654.txt"]["title"]


def test_licence_file_agrees_that_seeds_stay_with_their_publishers(root):
    text = (root / "LICENSE.md").read_text(encoding="utf-8")
    assert "Seed texts" in text and "copyright stays with the articles'" in text


def test_frictionless_still_checks_the_seed_hashes(root, tmp_path):
    """A seed changed by one byte fails frictionless's hash check (validating the seed resources only: fast)."""
    from frictionless import Package

    for name in ("seeds", "schemas"):
        shutil.copytree(root / name, tmp_path / name)
    shutil.copy2(root / "datapackage.json", tmp_path / "datapackage.json")
    seed = sorted((tmp_path / "seeds").glob("*.txt"))[0]
    seed.write_bytes(seed.read_bytes().replace(b"Tesla", b"Tesle", 1))
    package = Package(str(tmp_path / "datapackage.json"))
    reports = {r.name: r.validate() for r in package.resources if r.path.startswith("seeds/")}
    assert len(reports) == 5
    broken = {name for name, report in reports.items() if not report.valid}
    assert broken == {"seed-" + seed.stem.replace("_", "-")}
    errors = [e.type for e in reports["seed-" + seed.stem.replace("_", "-")].tasks[0].errors]
    assert "hash-count" in errors, errors
