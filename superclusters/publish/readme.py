"""The README's generated blocks (the systems at a glance; where the sources agree and disagree; how every
sentence is accounted for), computed from the validated tables and written between their markers by the build.

They read a few kept tables as plain rows (dicts of the published values; the build keeps only these, see
stream.KEPT) and the sentences' counts per article."""

from __future__ import annotations

import re
from typing import Any

from ..errors import BuildError, Problem

AGREEMENT_BEGIN = "<!-- BEGIN generated agreement summary: computed from the claims by make build -->"
AGREEMENT_END = "<!-- END generated agreement summary -->"
ACCOUNTING_BEGIN = "<!-- BEGIN generated sentence accounting: computed from the readings by make build -->"
ACCOUNTING_END = "<!-- END generated sentence accounting -->"
GLANCE_BEGIN = "<!-- BEGIN generated systems at a glance: computed from the tables by make build -->"
GLANCE_END = "<!-- END generated systems at a glance -->"


def _replace_block(readme: str, begin: str, end: str, body: list[str], path: str = "README.md") -> str:
    if begin not in readme or end not in readme:
        raise BuildError([Problem(path, "", "", f"missing the markers {begin!r} and {end!r} around a generated block")])
    pattern = re.escape(begin) + ".*?" + re.escape(end)
    return re.sub(pattern, lambda _: "\n".join([begin, *body, end]), readme, flags=re.S)


# Of the claim groups, the columns the agreement summary reads: all of them for a group more than one article
# reports, only SINGLE_GROUP_COLUMNS (its status, counted) for the others, most of the groups.
AGREEMENT_COLUMNS = ("group_id", "status", "status_with_inferred", "reason", "summary", "article_count")
SINGLE_GROUP_COLUMNS = ("status", "article_count")


def agreement_summary(kept: dict[str, list[dict]]) -> list[str]:
    """README lines: every claim group that more than one article reports, with its verdict and the reason."""
    from ..derive.reconcile import STATUS_ORDER

    groups = kept["claim_groups"]
    order = {status: i for i, status in enumerate(STATUS_ORDER + ("single_source",))}
    shown = sorted((g for g in groups if g["article_count"] > 1), key=lambda g: (order[g["status"]], g["group_id"]))
    counts: dict[str, int] = {}
    for group in groups:
        counts[group["status"]] = counts.get(group["status"], 0) + 1
    lines = ["", "| group (property / hardware / organisation) | status (with inferred links) | why | what each source says |", "|---|---|---|---|"]
    for row in shown:
        # the rule in words: the last clause of the reason (the pair's claims are listed beside it)
        why = row["reason"]
        reason = (why.split("; counting those")[0] if why.startswith("only one") else why.rsplit(": ", 1)[-1]).replace("|", "/")
        said = row["summary"].split(": ", 1)[1].replace("|", "/")
        lines.append(f"| `{row['group_id']}` | **{row['status']}** ({row['status_with_inferred']}) | {reason} | {said} |")
    totals = ", ".join(f"{counts.get(s, 0)} {s}" for s in order if counts.get(s, 0))
    lines += [
        "",
        f"All {len(groups)} groups: {totals}. Values read `comparator value unit (article, modality, time, phase, source)`; "
        "each group's full reason, naming the pair of claims that decided it, is in `claim_groups.reason`, every compared pair in `claim_pairs`.",
        "",
    ]
    return lines


def _link(text: str, url: Any) -> str:
    """A Markdown link to the words a value rests on (a span link into a seed), or the text alone."""
    from ..check.schemas import missing

    text = text.replace("|", "/").replace("[", "(").replace("]", ")")
    return text if missing(url) or not url else f"[{text}]({url})"


def _linked(values: Any, urls: Any) -> str:
    """'; '-separated values, each linked to its own url (the lists are aligned), or an empty cell."""
    from ..check.schemas import missing

    if missing(values) or not values:
        return ""
    return "; ".join(_link(value, url) for value, url in zip(values.split("; "), urls if isinstance(urls, list) else [], strict=False))


# The columns of epoch_gpu_clusters the glance reads (a streamed build keeps only these of that table).
GLANCE_COLUMNS = (
    "system_id",
    "name",
    "owner",
    "owner_urls",
    "location",
    "location_urls",
    "hardware_type",
    "hardware_type_urls",
    "chip_count_text",
    "chip_count_url",
    "h100_equivalents_text",
    "h100_equivalents_url",
    "power_mw_text",
    "power_mw_url",
    "status",
    "status_urls",
    "certainty",
)


def glance(kept: dict[str, list[dict]]) -> list[str]:
    """README lines: one row per system (the Epoch-style export), each value linking to the words it rests on."""
    from types import SimpleNamespace

    from ..check.schemas import missing

    rows = [SimpleNamespace(**row) for row in sorted(kept["epoch_gpu_clusters"], key=lambda row: row["system_id"])]
    lines = ["", "| system | owner | where | accelerators | GPUs (or H100-equivalents) | power | status | certainty |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        status = "" if missing(r.status) else _link(r.status, r.status_urls[0] if isinstance(r.status_urls, list) else None)
        cells = [
            f"**{r.name}**",
            _linked(r.owner, r.owner_urls),
            _linked(r.location, r.location_urls),
            _linked(r.hardware_type, r.hardware_type_urls),
            _link(r.chip_count_text, r.chip_count_url)
            if not missing(r.chip_count_text)
            else _link(r.h100_equivalents_text, r.h100_equivalents_url)
            if not missing(r.h100_equivalents_text)
            else "",
            "" if missing(r.power_mw_text) else _link(r.power_mw_text, r.power_mw_url),
            status,
            "" if missing(r.certainty) else r.certainty,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Each value links to the words it rests on. Only what a row states and links to the system by name or by "
        "an earlier sentence is shown; what rests on the curator's inference is in the `notes`, and so is the other "
        "reading of a value marked (ambiguous), whose words allow more than one. One figure is shown "
        "per cell (the rule that picks it, and how status and certainty are computed, are in "
        "[docs/profiles.md](docs/profiles.md)); every figure with its phase, time, source and verdict is in the "
        "`systems` table, every fact about every entity in `profile_facts`, and these rows, with their quotes, in "
        "`epoch_gpu_clusters`.",
        "",
    ]
    return lines


SentenceCounts = dict[str, tuple[int, int, dict[str, int]]]  # article_id -> (sentences, yielding rows, dismissal reason -> count)


def sentence_counts(sentences: Any) -> SentenceCounts:
    """Per article, how many sentences it has, how many yield rows, and why the others are dismissed (`sentences`:
    the table's article_id, status and dismissal_reason columns, each a sequence of the cells)."""
    counts: SentenceCounts = {}
    for article_id, status, reason in zip(sentences["article_id"], sentences["status"], sentences["dismissal_reason"], strict=True):
        total, yielding, reasons = counts.get(article_id, (0, 0, {}))
        if status == "dismissed":
            reasons[reason] = reasons.get(reason, 0) + 1
        counts[article_id] = (total + 1, yielding + (status == "yields_rows"), reasons)
    return counts


def accounting_summary(kept: dict[str, list[dict]], counts: SentenceCounts) -> list[str]:
    """README lines: per article, how many sentences yield rows and how many are dismissed, and why
    (`counts` as `sentence_counts` gives them: the build streams the sentences instead of keeping them)."""
    lines = ["", "| article | language | sentences | yield rows | dismissed (reasons) | claims | events | relations |", "|---|---|---|---|---|---|---|---|"]
    for a in sorted(kept["articles"], key=lambda row: row["article_id"]):
        total, yielding, reasons = counts.get(a["article_id"], (0, 0, {}))
        dismissed = sum(reasons.values())
        shown = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
        lines.append(
            f"| {a['article_id'][:3]} | {a['language']} | {total} | {yielding} | {dismissed}"
            f"{f' ({shown})' if shown else ''} | {a['claim_count']} | {a['event_count']} | {a['relation_count']} |"
        )
    total = sum(c[0] for c in counts.values())
    yielding = sum(c[1] for c in counts.values())
    dismissed_count = sum(sum(c[2].values()) for c in counts.values())
    lines += ["", f"All {total} sentences: {yielding} yield rows, {dismissed_count} are dismissed.", ""]
    return lines


def readme_updated(readme: str, schemas: dict[str, dict], kept: dict[str, list[dict]], counts: SentenceCounts) -> str:
    """README text with its generated blocks (computed from the data) replaced; the column tables live in docs/."""
    text = _replace_block(readme, GLANCE_BEGIN, GLANCE_END, glance(kept))
    text = _replace_block(text, AGREEMENT_BEGIN, AGREEMENT_END, agreement_summary(kept))
    return _replace_block(text, ACCOUNTING_BEGIN, ACCOUNTING_END, accounting_summary(kept, counts))
