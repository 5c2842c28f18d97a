"""The Table Schemas drive pandera and pyarrow; check the derivation, including its known traps."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.errors
import pyarrow as pa
import pytest

from superclusters.check.schemas import TABLES, arrow_schema, frame, load_schemas, markdown_table, pandera_schema

SCHEMA = {
    "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
    "fields": [
        {"name": "item_id", "type": "string", "constraints": {"required": True, "unique": True}},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
        {"name": "day", "type": "date"},
        {"name": "code", "type": "string", "constraints": {"pattern": "^[a-z]+$"}},
    ],
    "primaryKey": ["item_id"],
}


def good_rows():
    return [
        {"item_id": "x", "count": 1, "kind": "a", "day": date(2024, 1, 2), "code": "ab"},
        {"item_id": "y", "count": None, "kind": None, "day": None, "code": None},
    ]


def failures(rows):
    try:
        pandera_schema(SCHEMA, "t").validate(frame(rows, SCHEMA), lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return exc.failure_cases
    return None


def test_optional_integers_may_be_empty_and_stay_integers():
    df = frame(good_rows(), SCHEMA)
    assert str(df["count"].dtype) == "Int64"
    assert failures(good_rows()) is None


@pytest.mark.parametrize(
    ("column", "bad"),
    [("count", -1), ("kind", "c"), ("day", "2024-01-02"), ("code", "AB"), ("item_id", None)],
)
def test_each_constraint_is_enforced(column, bad):
    rows = good_rows()
    rows[0][column] = bad
    cases = failures(rows)
    assert cases is not None and column in set(cases["column"])


def test_all_errors_are_reported_at_once():
    rows = good_rows()
    rows[0].update(count=-1, kind="c", code="AB")
    rows[1]["item_id"] = "x"  # duplicate key too
    assert {"count", "kind", "code", "item_id"} <= set(failures(rows)["column"])


def test_arrow_schema_types_follow_the_table_schema():
    schema = arrow_schema(SCHEMA)
    assert schema.field("count").type == pa.int64()
    assert schema.field("day").type == pa.date32()
    assert not schema.field("item_id").nullable


def test_columns_unknown_to_the_schema_are_an_error_not_dropped():
    rows = good_rows()
    rows[0]["surprise"] = 1
    with pytest.raises(KeyError, match="surprise"):
        frame(rows, SCHEMA)


def test_published_schemas_are_v2_and_carry_the_column_contract(root):
    schemas = load_schemas(root / "schemas")
    contract = {
        "articles": ["article_id", "seed_path", "sha256", "language", "title", "char_count", "published_start", "published_precision"],
        "claims": [
            "claim_id",
            "article_id",
            "organisation_id",
            "hardware_id",
            "property",
            "value",
            "unit",
            "comparator",
            "value_text",
            "time_text",
            "time_start",
            "time_end",
            "time_precision",
            "modality",
            "attributed_to",
            "quote",
            "char_start",
            "char_end",
            "span_url",
            "quote_en",
        ],
        "organisations": ["organisation_id", "name", "aliases", "kind", "mention_quote", "mention_char_start"],
        "hardware": ["hardware_id", "name", "aliases", "kind", "organisation_id", "mention_quote"],
        "people": ["person_id", "name", "role", "affiliation_organisation_id", "mention_count"],
        "mentions": ["mention_id", "article_id", "entity_type", "entity_id", "quote", "char_start", "char_end"],
        "claim_groups": ["group_id", "property", "status", "status_with_inferred", "rests_on_inferred_link", "reason", "claim_count"],
        "claim_group_members": ["claim_id", "group_id", "counted", "conflicts_with", "revised_by"],
        "claim_pairs": ["pair_id", "group_id", "claim_id", "other_claim_id", "verdict", "rule", "counted", "reason"],
        # The profile tables: the columns /work/notes/profile_contract.md promises the site (issue 18).
        "profile_facts": [
            "fact_id",
            "entity_id",
            "entity_type",
            "attribute",
            "attribute_label",
            "rank",
            "value_text",
            "value",
            "unit",
            "comparator",
            "object_id",
            "time_text",
            "time_start",
            "time_end",
            "phase",
            "stated_start",
            "stated_end",
            "modality",
            "modality_class",
            "attributed_to",
            "link_basis",
            "established",
            "group_id",
            "verdict",
            "source_table",
            "source_id",
            "article_id",
            "quote",
            "span_url",
        ],
        "systems": ["system_id", "name", "owners", "builders", "suppliers", "places", "accelerators", "components", "gpu_count", "server_count"]
        + ["node_count", "power_mw", "cooling_mw", "latest_status", "latest_status_stated_end", "purposes", "first_stated_start", "last_stated_end"]
        + ["article_count", "gpu_count_verdict", "power_mw_verdict", "inferred", "gpu_count_claim_ids", "owner_relation_ids", "status_event_ids"],
        "epoch_gpu_clusters": ["system_id", "name", "owner", "location", "hardware_type", "chip_count", "power_mw", "status", "certainty", "quote"]
        + ["source_urls"],
        "relations": ["relation_id", "subject_id", "predicate", "object_id", "object_text", "modality", "link_basis", "quote", "span_url"],
        "sentences": ["sentence_id", "article_id", "sentence_index", "status", "dismissal_reason", "quote", "span_url"],
        "entity_links": ["link_id", "row_table", "row_id", "role", "entity_id", "basis", "mention_id", "antecedent_sentence_id"],
        "entities": ["entity_id", "entity_type", "name"],
        "places": ["place_id", "name", "kind", "aliases"],
        "unnamed_parties": ["party_id", "article_id", "label", "kind", "quote", "span_url"],
        "events": [
            "event_id",
            "article_id",
            "date_text",
            "date_start",
            "date_end",
            "date_precision",
            "event_type",
            "description",
            "organisation_ids",
            "quote",
            "char_start",
            "char_end",
            "span_url",
        ],
    }
    for name in TABLES:
        schema = schemas[name]
        assert schema["$schema"] == "https://datapackage.org/profiles/2.0/tableschema.json"
        names = [f["name"] for f in schema["fields"]]
        assert set(contract[name]) <= set(names), set(contract[name]) - set(names)
        assert all(f.get("description") for f in schema["fields"]), f"{name}: every column needs a description"
        assert "| column | type |" in markdown_table(schema)


def test_pandera_sees_the_date_trap_that_from_frictionless_schema_misses():
    rows = good_rows()
    rows[0]["day"] = "not a date"
    assert "day" in set(failures(rows)["column"])
    assert isinstance(pd.NA, type(pd.NA))
