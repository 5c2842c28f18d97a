"""The "where sources differ" page: claim groups, each claim in its sentence."""

from __future__ import annotations

from typing import Any

from .model import Site
from .package import Table, text

CONTEXT_CHARS = 120  # code points of seed text shown either side of a quote on the "where sources differ" page


def context_of(seed: str, start: int, end: int) -> tuple[str, str, str]:
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(seed), end + CONTEXT_CHARS)
    return ("…" if lo else "") + seed[lo:start], seed[start:end], seed[end:hi] + ("…" if hi < len(seed) else "")


def status_rank(status: str) -> tuple[int, str]:
    """Disagreements first: that is what the page is for."""
    s = status.lower()
    rank = 0 if ("differ" in s or "conflict" in s) else 1 if "agree" in s else 3 if "single" in s else 2
    return rank, s


def _claim_groups(site: Site) -> list[dict[str, Any]]:
    """Each claim group with its member claims in context, then the rows of any other table about the group.

    A members table points into claim_groups and is keyed by its link to claims
    (one row per claim); any other table pointing into claim_groups (claim_pairs,
    with its verdicts and reasons) is shown row by row under the group.
    """
    groups_table = site.tables.get("claim_groups")
    claims = site.tables.get("claims")
    if groups_table is None or claims is None or len(groups_table.pk) != 1:
        return []

    def link_to(table: Table, target: str) -> str | None:
        return next((f for f, t in sorted(site.links[table.name].items()) if t == target), None)

    pointing = [t for _, t in sorted(site.tables.items()) if t.name != groups_table.name and link_to(t, groups_table.name)]
    members_tables = [t for t in pointing if link_to(t, "claims") and t.pk == [link_to(t, "claims")]]
    related_tables = [t for t in pointing if t not in members_tables]
    claim_by_id = {text(r.get(claims.pk[0])): r for r in claims.rows} if len(claims.pk) == 1 else {}
    out = []
    for row in sorted(groups_table.rows, key=lambda r: (status_rank(text(r.get("status"))), text(r.get(groups_table.pk[0])))):
        group_id = text(row.get(groups_table.pk[0]))
        members = []
        for members_table in members_tables:
            group_field, claim_field = link_to(members_table, groups_table.name), link_to(members_table, "claims")
            for member in members_table.rows:
                claim = claim_by_id.get(text(member.get(claim_field)))
                if text(member.get(group_field)) != group_id or claim is None or claim.get("char_start") is None:
                    continue
                stem = site.article_stem.get(text(claim.get("article_id")), "")
                before, quote, after = context_of(site.seeds.get(stem, ""), int(claim["char_start"]), int(claim["char_end"]))
                members.append(
                    {"claim": claim, "member": member, "members_table": members_table, "before": before, "quote": quote, "after": after, "stem": stem}
                )
        members.sort(key=lambda m: (text(m["claim"].get("article_id")), text(m["claim"].get("claim_id"))))
        related = [(t, r, t.key(r, i)) for t in related_tables for i, r in enumerate(t.rows) if text(r.get(link_to(t, groups_table.name) or "")) == group_id]
        out.append({"row": row, "id": group_id, "members": members, "related": related})
    return out
