"""Group the claims that state the same property of the same subject, and say whether the sources agree.

Two reports from different articles are compared as value ranges:
  "="  -> [v, v];  "~" -> [v - 10%, v + 10%];  ">" and ">=" -> [v, inf);  "<" and "<=" -> [0, v].
(">" is read as ">=": "over 500 MW" does not contradict "500 MW".) Ranges that meet are compatible.

An incompatible pair is a difference in time, not in fact, when its time qualifiers say so:
both are calendar intervals that do not overlap, or both are phases ("initiale", "à l'avenir") that
differ. Where the times cannot be compared (one report has no qualifier, or one is a phase and the
other a date), the pair still counts as explained by time if either article also states the other's
value at another time; otherwise it is a conflict.

Group status: single_source (one article), differ (any conflict), differ_by_time (incompatible
pairs, all explained by time), agree (every cross-article pair compatible).
"""

from __future__ import annotations

import math
from typing import Any

Row = dict[str, Any]
TOLERANCE = 0.10  # "about", "approximately", "cerca de", "environ": within ±10 %
PHASES = {  # phrase (lower case) -> phase label, for qualifiers that are no calendar time
    "initiale": "start",
    "initial": "start",
    "au démarrage": "start",
    "at start-up": "start",
    "no início": "start",
    "à l'avenir": "later",
    "in the future": "later",
    "no futuro": "later",
}


def value_range(value: float, comparator: str) -> tuple[float, float]:
    if comparator == "~":
        return value * (1 - TOLERANCE), value * (1 + TOLERANCE)
    if comparator in (">", ">="):
        return value, math.inf
    if comparator in ("<", "<="):
        return 0.0, value
    return value, value


def compatible(a: Row, b: Row) -> bool:
    (lo_a, hi_a), (lo_b, hi_b) = value_range(a["value"], a["comparator"]), value_range(b["value"], b["comparator"])
    return max(lo_a, lo_b) <= min(hi_a, hi_b) * (1 + 1e-9)


def _time(claim: Row) -> tuple:
    if claim.get("time_text") is None:
        return ("unqualified",)
    if claim.get("time_precision") == "none":
        return ("phase", PHASES.get(claim["time_text"].lower(), claim["time_text"].lower()))
    return ("interval", claim.get("time_start"), claim.get("time_end"))


def time_relation(a: Row, b: Row) -> str:
    """same, different, or unknown: whether two reports speak of the same moment."""
    ta, tb = _time(a), _time(b)
    if ta[0] == tb[0] == "unqualified":
        return "same"
    if ta[0] == tb[0] == "phase":
        return "same" if ta[1] == tb[1] else "different"
    if ta[0] == tb[0] == "interval":
        start_a, end_a, start_b, end_b = ta[1], ta[2], tb[1], tb[2]
        overlap = (start_a is None or end_b is None or start_a <= end_b) and (start_b is None or end_a is None or start_b <= end_a)
        return "same" if overlap else "different"
    return "unknown"


def _format(claim: Row) -> str:
    value = claim["value"]
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"
    comparator = "" if claim["comparator"] == "=" else claim["comparator"]
    when = f", {claim['time_text']}" if claim.get("time_text") else ""
    return f"{comparator}{number} {claim['unit']} ({claim['article_id'][:3]}, {claim['modality']}{when}, {claim['attributed_to']})"


def group_key(claim: Row) -> str:
    return "/".join((claim["property"], claim.get("hardware_id") or "-", claim.get("organisation_id") or "-"))


def reconcile(claims: list[Row]) -> dict[str, list[Row]]:
    """claim_groups and claim_group_members rows from the claims rows (pure)."""
    groups: dict[str, list[Row]] = {}
    for claim in claims:
        groups.setdefault(group_key(claim), []).append(claim)
    group_rows, member_rows = [], []
    for group_id, members in sorted(groups.items()):
        members = sorted(members, key=lambda c: c["claim_id"])
        conflicts: dict[str, list[str]] = {c["claim_id"]: [] for c in members}
        by_time: dict[str, list[str]] = {c["claim_id"]: [] for c in members}
        for a in members:
            for b in members:
                if a["article_id"] == b["article_id"] or compatible(a, b):
                    continue
                relation = time_relation(a, b)
                if relation == "unknown":
                    also_b = any(compatible(b, c) for c in members if c["article_id"] == a["article_id"] and c is not a)
                    also_a = any(compatible(a, c) for c in members if c["article_id"] == b["article_id"] and c is not b)
                    relation = "different" if also_a or also_b else "same"
                (by_time if relation == "different" else conflicts)[a["claim_id"]].append(b["claim_id"])
        articles = {c["article_id"] for c in members}
        if len(articles) == 1:
            status = "single_source"
        elif any(conflicts.values()):
            status = "differ"
        elif any(by_time.values()):
            status = "differ_by_time"
        else:
            status = "agree"
        first = members[0]
        group_rows.append(
            {
                "group_id": group_id,
                "property": first["property"],
                "hardware_id": first.get("hardware_id"),
                "organisation_id": first.get("organisation_id"),
                "unit": first["unit"],
                "status": status,
                "article_count": len(articles),
                "claim_count": len(members),
                "value_min": min(c["value"] for c in members),
                "value_max": max(c["value"] for c in members),
                "summary": f"{status}: " + "; ".join(_format(c) for c in members),
            }
        )
        for c in members:
            member_rows.append(
                {
                    "claim_id": c["claim_id"],
                    "group_id": group_id,
                    "article_id": c["article_id"],
                    "conflicts_with": "|".join(conflicts[c["claim_id"]]) or None,
                    "differs_by_time_from": "|".join(by_time[c["claim_id"]]) or None,
                }
            )
    return {"claim_groups": group_rows, "claim_group_members": member_rows}
