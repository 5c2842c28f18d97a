"""Reconciliation verdicts on constructed cases: comparators, time qualifiers and 'about' tolerance."""

from __future__ import annotations

from datetime import date

import pytest

from superclusters.reconcile import compatible, reconcile


def claim(article, value, comparator="=", time=None, precision=None, start=None, end=None, prop="power_mw", hardware="cortex"):
    return {
        "claim_id": f"{article}-{value}-{time or ''}",
        "article_id": article,
        "property": prop,
        "hardware_id": hardware,
        "organisation_id": "tesla",
        "unit": "MW",
        "value": float(value),
        "comparator": comparator,
        "time_text": time,
        "time_precision": precision,
        "time_start": start,
        "time_end": end,
        "modality": "reported",
        "attributed_to": "x",
    }


def status(*claims):
    (group,) = reconcile(list(claims))["claim_groups"]
    return group["status"]


Y2024 = dict(precision="year", start=date(2024, 1, 1), end=date(2024, 12, 31))
Y2026 = dict(precision="year", start=date(2026, 1, 1), end=date(2026, 12, 31))


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ([claim("a", 500), claim("a", 130)], "single_source"),
        ([claim("a", 500), claim("b", 500)], "agree"),
        ([claim("a", 500), claim("b", 500, ">")], "agree"),  # "over 500" does not contradict 500
        ([claim("a", 130), claim("b", 125, "~")], "agree"),  # about 125 covers 130 (±10 %)
        ([claim("a", 150), claim("b", 125, "~")], "differ"),  # ... but not 150
        ([claim("a", 50_000), claim("b", 100_000, "~")], "differ"),
        ([claim("a", 130, time="this year", **Y2024), claim("b", 500, time="by 2026", **Y2026)], "differ_by_time"),
        ([claim("a", 130, time="au démarrage", precision="none"), claim("b", 500, time="à l'avenir", precision="none")], "differ_by_time"),
        ([claim("a", 130, time="initiale", precision="none"), claim("b", 130, time="au démarrage", precision="none")], "agree"),
        ([claim("a", 130, time="this year", **Y2024), claim("b", 500, time="in 2024", **Y2024)], "differ"),  # same time, other value
        # One report unqualified: explained by time only if an article also states the other value.
        ([claim("a", 130, time="initiale", precision="none"), claim("a", 500, time="à l'avenir", precision="none"), claim("b", 500, ">")], "differ_by_time"),
        ([claim("a", 130, time="initiale", precision="none"), claim("b", 500, ">")], "differ"),
    ],
)
def test_status(claims, expected):
    assert status(*claims) == expected


def test_members_name_what_they_conflict_with():
    a, b = claim("a", 50_000), claim("b", 100_000, "~")
    members = {m["claim_id"]: m for m in reconcile([a, b])["claim_group_members"]}
    assert members[a["claim_id"]]["conflicts_with"] == b["claim_id"]
    assert members[b["claim_id"]]["conflicts_with"] == a["claim_id"]


def test_groups_separate_subjects_and_properties():
    groups = reconcile([claim("a", 1), claim("b", 2, hardware="dojo"), claim("c", 3, prop="cooling_mw")])["claim_groups"]
    assert sorted(g["group_id"] for g in groups) == ["cooling_mw/cortex/tesla", "power_mw/cortex/tesla", "power_mw/dojo/tesla"]


def test_compatibility_of_ranges():
    assert compatible(claim("a", 1000, ">"), claim("b", 12_000))
    assert not compatible(claim("a", 100, "<"), claim("b", 120))


def test_the_published_groups_show_the_real_disagreements(root):
    import pandas as pd

    groups = pd.read_parquet(root / "data" / "claim_groups.parquet").set_index("group_id")["status"]
    assert groups["gpu_count/cortex/tesla"] == "differ"  # 50,000 vs about 100,000
    assert groups["cooling_mw/cortex/tesla"] == "differ_by_time"  # 130 MW now, over 500 MW later
