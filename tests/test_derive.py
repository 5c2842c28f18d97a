"""Seed text + curated reading -> rows, tested without touching the disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from superclusters.check.schemas import load_schemas
from superclusters.inputs.seeds import sha256_hex
from tests.conftest import derive_one

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = load_schemas(ROOT / "schemas")
TEXT = " date 2024-06 Tesla diz que Cortex terá 50.000 GPUs até o final do ano. Tesla confirmou no X.\n"
REGISTRY = """
organisations:
  tesla: {name: Tesla, kind: company, aliases: [Tesla], description: car maker}
  x_platform: {name: X, kind: social_platform, aliases: [X], description: platform}
hardware:
  cortex: {name: Cortex, kind: cluster, aliases: [Cortex], organisation: tesla, role: owner, description: cluster}
"""


def reading_yaml(claims: str = "", events: str = "", extra: str = "") -> str:
    sha = sha256_hex(TEXT.encode())
    return f"""
seed: 000_0000000000000000.txt
seed_sha256: {sha}
language: pt
title: "Tesla diz que Cortex terá 50.000 GPUs até o final do ano."
title_source: lead_sentence
title_en: Tesla says Cortex will have 50,000 GPUs by the end of the year.
published: "2024-06"
{extra}
claims:
{
        claims
        or '''  - quote: "Cortex terá 50.000 GPUs até o final do ano"
    value: "50.000"
    property: gpu_count
    hardware: cortex
    time: "até o final do ano"
    modality: planned
    attributed_to: tesla
    attribution_kind: organisation
    en: Cortex will have 50,000 GPUs by the end of the year'''
    }
events:
{
        events
        or '''  - quote: "Tesla confirmou no X"
    type: statement
    description: Tesla confirms on X.
    modality: reported
    organisations: [tesla, x_platform]
    attributed_to: tesla
    attribution_kind: organisation
    en: Tesla confirmed on X'''
    }
"""


def run(yaml_text: str):
    return derive_one(TEXT, REGISTRY, yaml_text)


def test_a_good_reading_gives_rows_with_computed_offsets_values_and_dates():
    tables, problems = run(reading_yaml())
    assert problems == []
    (claim,) = tables["claims"]
    assert TEXT[claim["char_start"] : claim["char_end"]] == claim["quote"]
    assert TEXT[claim["value_char_start"] : claim["value_char_end"]] == "50.000"
    assert claim["value"] == 50_000 and claim["unit"] == "GPU" and claim["comparator"] == "="
    assert str(claim["time_end"]) == "2024-12-31" and claim["time_relation"] == "by"
    assert claim["claim_id"] == f"000_0000000000000000-{TEXT.index('50.000')}-gpu_count"
    (article,) = tables["articles"]
    assert article["char_count"] == len(TEXT) and article["published_precision"] == "month"
    assert article["reference_year"] == 2024 and article["claim_count"] == 1
    orgs = {row["organisation_id"]: row for row in tables["organisations"]}
    assert orgs["x_platform"]["mention_char_start"] == TEXT.index(" X.") + 1  # whole word, not inside a word
    assert orgs["tesla"]["mention_count"] == 2 and orgs["tesla"]["article_count"] == 1


def test_every_mistake_is_reported_at_once_with_file_entry_and_field():
    # Entries that break the reading schema (claims[2], claims[3]) are reported at their line and left out;
    # the others are still derived in the same run, so their problems show too.
    claims = """  - quote: "Cortex terá 60.000 GPUs"
    value: "60.000"
    property: gpu_count
    hardware: cortex
    modality: planned
    attributed_to: tesla
    attribution_kind: organisation
    en: x
  - quote: "Tesla"
    value: "50.000"
    property: gpu_count
    hardware: cortex
    modality: planned
    attributed_to: tesla
    attribution_kind: organisation
    en: x
  - quote: "Cortex terá 50.000 GPUs"
    value: "50.000"
    property: gpu_power
    hardware: dojo
    organisation: spacex
    modality: rumoured
    attributed_to: tesla
    attribution_kind: organisation
    en: x
  - quote: "Cortex terá 50.000 GPUs até o final do ano"
    value: "50.00"
    property: gpu_count
    hardware: cortex
    time: "no dia de são nunca"
    modality: planned
    attribution_kind: organisation
    en: x"""
    _, problems = run(reading_yaml(claims=claims))
    text = "\n".join(problems)
    expected = [
        "claims[0] ('Cortex terá 60.000 GPUs'): quote: quote 'Cortex terá 60.000 GPUs' not found",
        "claims[1] ('Tesla'): quote: quote 'Tesla' occurs 2 times",
        "line 29, column 15: claims[2].property: got 'gpu_power'; expected one of gpu_count",
        "line 32, column 15: claims[2].modality: got 'rumoured'; expected one of reported",
        "line 36, column 5: claims[3]: 'attributed_to' is missing (required)",
    ]
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not reported in:\n{text}"
    assert all(p.startswith("readings/000_0000000000000000.yaml") for p in problems)


def test_an_unplaceable_date_is_reported():
    claims = """  - quote: "Cortex terá 50.000 GPUs até o final do ano"
    value: "50.000"
    property: gpu_count
    hardware: cortex
    time: "o final"
    modality: planned
    attributed_to: tesla
    attribution_kind: organisation
    en: x"""
    _, problems = run(reading_yaml(claims=claims))
    assert any("time: cannot place 'o final'" in p for p in problems), problems


def test_malformed_yaml_names_its_line():
    _, problems = run(reading_yaml() + "\nbroken: [unclosed\n")
    assert len(problems) == 1 and "malformed YAML" in problems[0] and "line " in problems[0]


def test_wrong_unit_for_a_property_is_reported():
    claims = """  - quote: "Cortex terá 50.000 GPUs"
    value: "50.000"
    property: power_mw
    hardware: cortex
    modality: planned
    attributed_to: tesla
    attribution_kind: organisation
    en: x"""
    _, problems = run(reading_yaml(claims=claims))
    assert any("property power_mw expects MW" in p for p in problems), problems


def test_missing_english_gloss_is_reported_for_a_non_english_seed():
    _, problems = run(reading_yaml().replace("    en: Cortex will have 50,000 GPUs by the end of the year\n", "\n"))
    assert any("missing English gloss" in p for p in problems), problems


def test_ids_are_stable_when_entries_are_reordered():
    tables_a, _ = run(reading_yaml())
    extra_event = """  - quote: "Tesla confirmou no X"
    type: statement
    description: Tesla confirms on X.
    modality: reported
    attributed_to: tesla
    attribution_kind: organisation
    en: Tesla confirmed on X
  - quote: "Tesla diz que Cortex"
    type: announcement
    description: Tesla speaks.
    modality: reported
    attributed_to: tesla
    attribution_kind: organisation
    en: Tesla says"""
    tables_b, problems = run(reading_yaml(events=extra_event))
    assert problems == []
    ids_a = {r["event_id"] for r in tables_a["events"]}
    ids_b = {r["event_id"] for r in tables_b["events"]}
    assert ids_a < ids_b


def test_vocabulary_in_code_matches_the_schema():
    from superclusters.derive import PROPERTY_UNITS

    claims = json.loads((ROOT / "schemas" / "claims.json").read_text())
    fields = {f["name"]: f for f in claims["fields"]}
    assert set(fields["property"]["constraints"]["enum"]) == set(PROPERTY_UNITS)
    assert set(PROPERTY_UNITS.values()) == set(fields["unit"]["constraints"]["enum"])


@pytest.mark.parametrize("table", ["articles", "claims", "events", "organisations", "hardware"])
def test_rows_are_sorted_by_primary_key(table):
    tables, _ = run(reading_yaml())
    key = SCHEMAS[table]["primaryKey"][0]
    keys = [row[key] for row in tables[table]]
    assert keys == sorted(keys)


def test_a_duplicate_id_is_reported():
    claim = """  - quote: "Cortex terá 50.000 GPUs até o final do ano"
    value: "50.000"
    property: gpu_count
    hardware: cortex
    modality: planned
    attributed_to: tesla
    attribution_kind: organisation
    en: x"""
    _, problems = run(reading_yaml(claims=claim + "\n" + claim))
    assert any("duplicate id (2 entries produce it)" in p and "claim_id" in p for p in problems), problems


def test_a_duplicate_yaml_key_is_reported_not_silently_dropped():
    _, problems = run(reading_yaml(extra="language: fr"))
    assert any("duplicate key 'language'" in p and "line " in p for p in problems), problems
