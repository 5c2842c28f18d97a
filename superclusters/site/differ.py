"""The "where sources differ" page: one compact card per claim group, disagreements first.

A card is headed in words ("Cortex — Power (MW)"), says its verdict and the reason in plain words,
and lists each claim on one line: the figure, when it applies, who says it, when it was said, the
article and the quote (a link that selects exactly those words). The comparison of each pair of
articles and each claim in its sentence are folded below. Groups stated by a single article come
last, in a compact list: they are not differences, but a reader looking for a figure finds it here.

The tables are found by their links, not their names: a members table points into claim_groups and
is keyed by its link to claims; any other table pointing into claim_groups (claim_pairs) is shown
row by row in the folded part, in words where it has a verdict and a reason.
"""

from __future__ import annotations

from typing import Any

from ..publish.words import STATUS_WORDS, property_label, status_badge, status_sentence
from .model import Site
from .package import Table, text
from .sources import applies, article_row, attribution, figure_of, name_of, said

CONTEXT_CHARS = 120  # code points of seed text shown either side of a quote in the folded "in its sentence" part


def context_of(seed: str, start: int, end: int) -> tuple[str, str, str]:
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(seed), end + CONTEXT_CHARS)
    return ("…" if lo else "") + seed[lo:start], seed[start:end], seed[end:hi] + ("…" if hi < len(seed) else "")


def whole_offsets(start: Any, end: Any) -> tuple[int, int] | None:
    """(start, end) where both are whole numbers (an int, or text of ASCII digits), else None."""

    def whole(value: Any) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        return None

    first, last = whole(start), whole(end)
    return None if first is None or last is None else (first, last)


def status_rank(status: str) -> tuple[int, str]:
    """Disagreements first, in the order of the verdict's precedence (claim_groups.status); single sources last."""
    order = list(STATUS_WORDS)
    return (order.index(status) if status in order else len(order) - 1), status


def explanation(reason: str) -> str:
    """The plain-words end of a generated reason ('…: same time, incompatible values'), without the claim ids before it.

    reconcile writes every comparison as '<claim> says <figure> (<details>); <claim> says …: <why>'; the
    part after the last '): ' is the why, in words. A reason of another shape is shown whole.
    """
    head, sep, tail = reason.rpartition("): ")
    return tail if sep and " says " in head else reason


def heading(site: Site, row: dict[str, Any]) -> str:
    """'Cortex — Power (MW)': the group's subject and property as a reader names them; 'xAI supercomputer — Share of racks, Dell'
    where a system and an organisation together are the subject (the organisation's share of the system)."""
    system, organisation = (name_of(site, text(row.get(f))) if text(row.get(f)) else "" for f in ("hardware_id", "organisation_id"))
    label = property_label(text(row.get("property")))
    if system and organisation:
        return f"{system} — {label}, {organisation}"
    return f"{system or organisation or 'Unnamed subject'} — {label}"


def verdict(row: dict[str, Any]) -> str:
    """The verdict and its reason in plain words, with what counting inferred links would change."""
    status, with_inferred = text(row.get("status")), text(row.get("status_with_inferred"))
    words = [status_sentence(status)]
    why = explanation(text(row.get("reason")))
    if status not in ("single_source",) and why and why != text(row.get("reason")):
        words.append(f"Why: {why}.")
    if with_inferred and with_inferred != status:
        words.append(f"Counting the claims whose subject is only the curator's inference too: {status_badge(with_inferred)} ({why}).")
    return " ".join(words)


def claim_line(site: Site, claim: dict[str, Any]) -> dict[str, Any]:
    """One claim as the card shows it."""
    article_id = text(claim.get("article_id"))
    stem = site.article_stem.get(article_id, "")
    span = site.row_span_href(site.tables["claims"], claim)
    return {
        "claim": claim,
        "figure": figure_of(claim),
        "applies": applies(claim),
        "who": attribution(site, claim),
        "said": said(claim),
        "article_id": article_id,
        "article_href": site.article_href(article_id),
        "language": text(article_row(site, article_id).get("language")),
        "span": span,
        "stem": stem,
    }


def pair_line(site: Site, table: Table, row: dict[str, Any], claims: dict[str, dict[str, Any]]) -> str | None:
    """A pair comparison in words ('130 MW (001) and 100 MW (003): sources disagree — same time, incompatible values'), if it is one."""
    links = [f for f, target in sorted(site.links[table.name].items()) if target == "claims"]
    pair = [claims.get(text(row.get(f))) for f in links]
    if len(pair) != 2 or None in pair or not text(row.get("verdict")):
        return None
    said_by = [f"{figure_of(c)} ({text(c.get('article_id'))[:3]}, {attribution(site, c).removeprefix('according to ')})" for c in pair if c]
    counted = "" if row.get("counted") in (None, True, "true") else " Not counted in the verdict: one claim's subject is the curator's inference."
    return f"{said_by[0]} and {said_by[1]}: {status_badge(text(row['verdict']))} — {explanation(text(row.get('reason')))}.{counted}"


def claim_groups(site: Site) -> list[dict[str, Any]]:
    """Each claim group as a card: heading, verdict, one line per claim, folded pairs and contexts."""
    groups_table = site.tables.get("claim_groups")
    claims = site.tables.get("claims")
    if groups_table is None or claims is None or len(groups_table.pk) != 1 or len(claims.pk) != 1:
        return []

    def link_to(table: Table, target: str) -> str | None:
        return next((f for f, t in sorted(site.links[table.name].items()) if t == target), None)

    pointing = [t for _, t in sorted(site.tables.items()) if t.name != groups_table.name and link_to(t, groups_table.name)]
    members_tables = [t for t in pointing if link_to(t, "claims") and t.pk == [link_to(t, "claims")]]
    related_tables = [t for t in pointing if t not in members_tables]
    claim_by_id = {text(r.get(claims.pk[0])): r for r in claims.rows}
    out = []
    for row in sorted(groups_table.rows, key=lambda r: (status_rank(text(r.get("status"))), heading(site, r))):
        group_id = text(row.get(groups_table.pk[0]))
        lines = []
        for members_table in members_tables:
            group_field, claim_field = link_to(members_table, groups_table.name), link_to(members_table, "claims")
            for member in members_table.rows:
                claim = claim_by_id.get(text(member.get(claim_field)))
                if text(member.get(group_field)) != group_id or claim is None:
                    continue
                line = claim_line(site, claim)
                offsets = whole_offsets(claim.get("char_start"), claim.get("char_end"))
                if offsets is not None:  # a span table's offsets are checked on load; a claims table without article_id is not one
                    line["context"] = context_of(site.seeds.get(line["stem"], ""), *offsets)
                lines.append(line)
        lines.sort(key=lambda m: (m["article_id"], m["claim"].get("value") or 0, text(m["claim"].get("claim_id"))))
        pairs, related = [], []
        for table in related_tables:
            for i, related_row in enumerate(table.rows):
                if text(related_row.get(link_to(table, groups_table.name) or "")) != group_id:
                    continue
                words = pair_line(site, table, related_row, claim_by_id)
                if words is not None:
                    pairs.append({"table": table, "key": table.key(related_row, i), "words": words})
                else:
                    related.append((table, related_row, table.key(related_row, i)))
        out.append(
            {
                "row": row,
                "id": group_id,
                "status": text(row.get("status")),
                "badge": status_badge(text(row.get("status"))),
                "heading": heading(site, row),
                "verdict": verdict(row),
                "claims": lines,
                "pairs": pairs,
                "related": related,
            }
        )
    return out
