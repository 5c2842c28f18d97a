"""English words for published codes (publish/words.py), shared by the figure and the site."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from superclusters.publish.words import STATUS_WORDS, interval, property_label, quantity, status_badge, when

ROOT = Path(__file__).resolve().parent.parent


def test_every_verdict_the_schema_allows_has_words() -> None:
    schema = json.loads((ROOT / "schemas" / "claim_groups.json").read_text(encoding="utf-8"))
    allowed = next(f for f in schema["fields"] if f["name"] == "status")["constraints"]["enum"]
    assert set(allowed) == set(STATUS_WORDS)
    assert status_badge("some_new_status") == "some new status"  # an unknown code is shown, never guessed at


def test_properties_and_quantities_read_as_the_profiles_word_them() -> None:
    from superclusters.derive.profiles import ATTRIBUTES

    claims = json.loads((ROOT / "schemas" / "claims.json").read_text(encoding="utf-8"))
    properties = next(f for f in claims["fields"] if f["name"] == "property")["constraints"]["enum"]
    assert all(property_label(p) != p.replace("_", " ") for p in properties)  # every property has the profiles' label
    assert property_label("power_mw") == f"{ATTRIBUTES['power_mw'][0]} (MW)" and property_label("gpu_count") == ATTRIBUTES["gpu_count"][0]
    assert property_label("some_new_code") == "some new code"
    assert quantity("~", 100000.0, "GPU") == "about 100,000 GPUs" and quantity(">", 500, "MW") == "more than 500 MW"
    assert quantity("=", 0.5, "fraction") == "half" and quantity("=", None, "MW") == ""


def test_times_keep_the_precision_of_their_words() -> None:
    assert when("by", "2024-08-01", "2024-08-31", "month") == "by Aug 2024"
    assert when("by", "2026-01-01", "2026-12-31", "year") == "by 2026"
    assert when("in", dt.date(2024, 7, 1), dt.date(2024, 7, 10), "dekad") == "in 1–10 Jul 2024"
    assert when("in", None, "2024-08-26", "range") == "by 26 Aug 2024"  # only a latest date: 'previously'
    assert when("after", "2024-06-11", None, "range") == "after 11 Jun 2024"
    assert when("in", "2024-08-26", "2024-08-26", "range") == "on 26 Aug 2024"
    assert when("", "", "", "none") == "" and when("in", "2024-01-01", "2024-12-31", "none") == ""  # 'at start-up' is no calendar time
    assert interval("2024-01-01", "2024-08-31", "range") == "1 Jan 2024 – 31 Aug 2024"
