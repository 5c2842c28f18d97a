"""Group the claims that state the same property of the same subject, and say whether the sources agree.

Every pair of claims from different articles in a group is compared, and exactly one rule decides its
verdict (docs/content.md gives the same rules with examples):

1. modality_class_differs -> not_comparable. Modalities fall into three classes: actual (reported),
   prospective (planned, target, expected, proposal) and conjecture (estimate, speculation,
   interpretation). A plan is not the same thing as a completed act, so they are not compared.
2. times_differ -> different_time. The times the quantities apply to are both stated and do not meet:
   calendar intervals that do not overlap, or different phases (initial vs expanded).
3. times_not_comparable -> unresolved. One claim gives no time (or neither does), or one gives a phase
   and the other a calendar interval: nothing in the seeds says whether they speak of the same moment.
   An open bound (">100 MW", "milhares") never places a value at another time.
4. values_compatible -> agree. Same time (overlapping intervals, or the same phase; the phase decides
   where both have one) and the value ranges meet: "=" is [v, v]; "~" is v +/- 10 %; ">", ">=" are [v, inf); "<", "<=" [0, v].
5. later_statement_revises -> revision. Same time, incompatible values, and one statement was made
   strictly before the other (stated_* intervals that do not overlap): the later one revises it.
6. values_incompatible -> conflict. Same time, incompatible values, statements not ordered in time.

A pair counts towards the group's `status` only when both claims' subject links are stated or
coreference; `status_with_inferred` counts the curator's inferred links too. Group status: single_source
when fewer than two articles count; else conflict, revision, unresolved, agree, different_time,
not_comparable: the first that some counted pair has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

Row = dict[str, Any]
TOLERANCE = 0.10  # "about", "approximately", "cerca de", "environ": within ±10 %
MODALITY_CLASS = {
    "reported": "actual",
    "planned": "prospective",
    "target": "prospective",
    "expected": "prospective",
    "proposal": "prospective",
    "estimate": "conjecture",
    "speculation": "conjecture",
    "interpretation": "conjecture",
}
STATUS_ORDER = ("conflict", "revision", "unresolved", "agree", "different_time", "not_comparable")


# The claim columns reconcile() reads (a claim row has about 40); a streamed build keeps only these
# (derive.entities.CorpusSummary). claim_id first.
RECONCILE_FIELDS = (
    "claim_id",
    "article_id",
    "property",
    "hardware_id",
    "organisation_id",
    "unit",
    "value",
    "comparator",
    "modality",
    "phase",
    "time_start",
    "time_end",
    "time_precision",
    "time_text",
    "stated_start",
    "stated_end",
    "attributed_to",
)


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


def _overlap(start_a: Any, end_a: Any, start_b: Any, end_b: Any) -> bool:
    return (start_a is None or end_b is None or start_a <= end_b) and (start_b is None or end_a is None or start_b <= end_a)


def _has_interval(claim: Row) -> bool:
    return claim.get("time_precision") not in (None, "none") and (claim.get("time_start") is not None or claim.get("time_end") is not None)


def time_relation(a: Row, b: Row) -> str:
    """same, different or unknown: whether two claims speak of the same moment."""
    if a.get("phase") and b.get("phase"):
        return "same" if a["phase"] == b["phase"] else "different"
    if _has_interval(a) and _has_interval(b):
        return "same" if _overlap(a["time_start"], a["time_end"], b["time_start"], b["time_end"]) else "different"
    # Neither, or only one, says when: nothing in the seeds ties the two to the same moment.
    return "unknown"


def stated_before(a: Row, b: Row) -> bool:
    """True when claim a was stated strictly before claim b (both statement times known and apart)."""
    return a.get("stated_end") is not None and b.get("stated_start") is not None and a["stated_end"] < b["stated_start"]


def _format(claim: Row) -> str:
    value = claim["value"]
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"
    comparator = "" if claim["comparator"] == "=" else claim["comparator"]
    when = f", {claim['time_text']}" if claim.get("time_text") else ""
    phase = f", phase {claim['phase']}" if claim.get("phase") else ""
    return f"{comparator}{number} {claim['unit']} ({claim['article_id'][:3]}, {claim['modality']}{when}{phase}, {claim['attributed_to']})"


def compare(a: Row, b: Row) -> tuple[str, str, str]:
    """(verdict, rule, reason in words) for two claims of different articles."""
    said = f"{a['claim_id']} says {_format(a)}; {b['claim_id']} says {_format(b)}"
    class_a, class_b = MODALITY_CLASS[a["modality"]], MODALITY_CLASS[b["modality"]]
    if class_a != class_b:
        return "not_comparable", "modality_class_differs", f"{said}: a {a['modality']} ({class_a}) and a {b['modality']} ({class_b}) statement are not compared"
    relation = time_relation(a, b)
    if relation == "different":
        return "different_time", "times_differ", f"{said}: they apply to different times, so their values are not compared"
    if relation == "unknown":
        return "unresolved", "times_not_comparable", f"{said}: the seeds do not say whether they apply to the same time"
    if compatible(a, b):
        return "agree", "values_compatible", f"{said}: same time, compatible values"
    if stated_before(a, b) or stated_before(b, a):
        earlier, later = (a, b) if stated_before(a, b) else (b, a)
        return (
            "revision",
            "later_statement_revises",
            f"{said}: same time, incompatible values; {later['claim_id']} was stated after {earlier['claim_id']} and revises it",
        )
    return "conflict", "values_incompatible", f"{said}: same time, incompatible values, and neither statement is dated before the other"


def group_key(claim: Row) -> str:
    return "/".join((claim["property"], claim.get("hardware_id") or "-", claim.get("organisation_id") or "-"))


def _status(pairs: list[Row], articles: set[str]) -> tuple[str, Row | None]:
    if len(articles) < 2:
        return "single_source", None
    for status in STATUS_ORDER:
        for pair in pairs:
            if pair["verdict"] == status:
                return status, pair
    return "single_source", None  # pragma: no cover - two articles always give a pair


def reconcile(claims: list[Any], inferred: set[str] | None = None, as_row: Callable[[Any], Row] | None = None) -> dict[str, list[Row]]:
    """claim_groups, claim_group_members and claim_pairs rows from the claims rows (pure).

    `inferred` holds the claim_ids whose subject (hardware or organisation) link is the curator's inference.
    `as_row`, when given, turns each item of `claims` into its row (see `reconcile_groups`).
    """
    tables: dict[str, list[Row]] = {"claim_groups": [], "claim_group_members": [], "claim_pairs": []}
    for group_row, member_rows, pair_rows in reconcile_groups(claims, inferred, as_row):
        tables["claim_groups"].append(group_row)
        tables["claim_group_members"] += member_rows
        tables["claim_pairs"] += pair_rows
    return tables


def reconcile_groups(
    claims: list[Any], inferred: set[str] | None = None, as_row: Callable[[Any], Row] | None = None
) -> Iterator[tuple[Row, list[Row], list[Row]]]:
    """Each claim group's row, its members' rows and its pairs' rows, group by group in group_id order.

    A streamed build writes the groups as they come and keeps its claims compactly, made into rows
    (`as_row`) one group at a time, so neither all group rows nor all claim rows exist at once (issue 13).
    """
    inferred = inferred or set()
    row = as_row or (lambda claim: claim)
    groups: dict[str, list[Any]] = {}
    for claim in claims:
        groups.setdefault(group_key(row(claim)), []).append(claim)
    for group_id, members in sorted(groups.items()):
        members = sorted((row(c) for c in members), key=lambda c: c["claim_id"])
        pairs = []
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a["article_id"] == b["article_id"]:
                    continue
                verdict, rule, reason = compare(a, b)
                counted = a["claim_id"] not in inferred and b["claim_id"] not in inferred
                pairs.append(
                    {
                        "pair_id": f"{a['claim_id']}~{b['claim_id']}",
                        "group_id": group_id,
                        "claim_id": a["claim_id"],
                        "other_claim_id": b["claim_id"],
                        "verdict": verdict,
                        "rule": rule,
                        "counted": counted,
                        "reason": reason,
                    }
                )
        counted_articles = {c["article_id"] for c in members if c["claim_id"] not in inferred}
        status, decisive = _status([p for p in pairs if p["counted"]], counted_articles)
        status_all, decisive_all = _status(pairs, {c["article_id"] for c in members})
        if decisive is not None:
            reason = f"{decisive['verdict']} ({decisive['rule']}): {decisive['reason']}"
        elif len(counted_articles) < 2 and decisive_all is not None:
            reason = (
                "only one article counts (the other claims rest on an inferred link); "
                f"counting those: {decisive_all['verdict']} ({decisive_all['rule']}): {decisive_all['reason']}"
            )
        else:
            reason = "only one article states it"
        first = members[0]
        group_row = {
            "group_id": group_id,
            "property": first["property"],
            "hardware_id": first.get("hardware_id"),
            "organisation_id": first.get("organisation_id"),
            "unit": first["unit"],
            "status": status,
            "status_with_inferred": status_all,
            "rests_on_inferred_link": any(c["claim_id"] in inferred for c in members),
            "reason": reason,
            "article_count": len({c["article_id"] for c in members}),
            "counted_article_count": len(counted_articles),
            "claim_count": len(members),
            "value_min": min(c["value"] for c in members),
            "value_max": max(c["value"] for c in members),
            "summary": f"{status}: " + "; ".join(_format(c) for c in members),
        }
        member_rows = []
        for c in members:
            mine = [p for p in pairs if c["claim_id"] in (p["claim_id"], p["other_claim_id"])]

            def others(verdict: str, claim_id: str = c["claim_id"], mine: list[Row] = mine) -> str | None:
                found = sorted(p["other_claim_id"] if p["claim_id"] == claim_id else p["claim_id"] for p in mine if p["verdict"] == verdict)
                return "|".join(found) or None

            revised_by = sorted(
                (p["other_claim_id"] if p["claim_id"] == c["claim_id"] else p["claim_id"])
                for p in mine
                if p["verdict"] == "revision"
                and stated_before(c, next(m for m in members if m["claim_id"] in (p["claim_id"], p["other_claim_id"]) and m is not c))
            )
            member_rows.append(
                {
                    "claim_id": c["claim_id"],
                    "group_id": group_id,
                    "article_id": c["article_id"],
                    "counted": c["claim_id"] not in inferred,
                    "conflicts_with": others("conflict"),
                    "revised_by": "|".join(revised_by) or None,
                }
            )
        yield group_row, member_rows, pairs
