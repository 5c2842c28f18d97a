"""Prove nothing was missed: every number and every sentence of a seed is accounted for.

Numbers: each lies inside a curated span (claim, event, relation, role, title, date, unnamed party),
inside a whole-word mention of a registered entity (the "100" of "H100", the "3" of "Grok 3"), or is
dismissed in the reading with a reason. Sentences: each overlaps a claim, event, relation, role, title
or publication-date span, or the reading dismisses it with a reason from a closed vocabulary.
"""

from __future__ import annotations

from ..errors import shown
from ..normalise.anchoring import AnchorError, anchor, find_all
from .audit import context, numbers_in, uncovered
from .context import ArticleContext, Row, sentence_id, span_columns


def dismiss_numbers(ctx: ArticleContext, numbers: list[tuple[int, int]]) -> None:
    """Anchor each number dismissal (every occurrence when `every` is set); a dismissal must cover a number."""
    for e in ctx.reading.dismissed:
        entry = f"dismissed_numbers[{e.index}] ({e.quote[:40]!r})"
        if not e.reason:
            continue  # the missing reason is already reported by the reader
        if e.every:
            spans = [(h + len(e.prefix), h + len(e.prefix) + len(e.quote)) for h in find_all(ctx.text, e.prefix + e.quote + e.suffix)]
            if not spans:
                ctx.add(entry, "quote", f"quote {shown(e.quote)} not found in the seed; expected an exact copy of the seed's text")
        else:
            try:
                spans = [anchor(ctx.text, e.quote, e.prefix, e.suffix)]
            except AnchorError as exc:
                ctx.add(entry, "quote", str(exc))
                spans = []
        if spans and len(uncovered(numbers, spans)) == len(numbers):
            ctx.add(entry, "quote", f"{shown(e.quote)} contains no number; a dismissal is only for numbers")
        ctx.covered.extend(spans)


def audit_numbers(ctx: ArticleContext) -> None:
    """Every number in the seed must be accounted for; fail naming each one that is not."""
    numbers = numbers_in(ctx.text, ctx.reading.language)
    dismiss_numbers(ctx, numbers)
    covered = ctx.covered + [(m.start, m.end) for m in ctx.mentions]
    for start, end in uncovered(numbers, covered):
        ctx.problems.add(
            ctx.seed.path,
            f"char {start}",
            "",
            f"number {ctx.text[start:end]!r} in {context(ctx.text, start, end)!r} is in no curated claim, event, relation, role, "
            f"title or date, nor in an entity's name, and is not dismissed; add what it states to {ctx.reading.path}, or dismiss it there with a reason",
        )


def sentence_rows(ctx: ArticleContext) -> list[Row]:
    """The sentences table for one article; an unaccounted sentence is a problem naming seed and offset."""
    counts = [0] * len(ctx.sentences)
    for span in ctx.row_spans:
        for index in ctx.sentence_indices(span):
            counts[index] += 1
    dismissed: dict[int, tuple[str, str | None, str | None]] = {}
    for e in ctx.reading.dismissed_sentences:
        entry = f"dismissed_sentences[{e.index}] ({e.quote[:40]!r})"
        span = ctx.anchor(entry, e.quote, e.prefix, e.suffix, row=False)
        if span is None:
            continue
        indices = ctx.sentence_indices(span)
        if len(indices) != 1:
            ctx.add(entry, "quote", f"spans {len(indices)} sentences; expected words from one sentence")
            continue
        index = indices[0]
        if counts[index]:
            ctx.add(entry, "quote", f"sentence {index} yields {counts[index]} row(s) already; a dismissal is only for a sentence that yields none")
        restates = None
        if e.reason == "restates":
            if e.restates is None:
                ctx.add(entry, "restates", "missing; expected words from the sentence this one repeats")
            else:
                target = ctx.anchor(entry, e.restates, "", "", row=False)
                if target is not None:
                    restates = sentence_id(ctx.seed.article_id, ctx.sentence_indices(target)[0])
        elif e.restates is not None:
            ctx.add(entry, "restates", "only for reason restates")
        if not e.note and e.reason in ("opinion", "generic_statement"):
            ctx.add(entry, "note", f"a sentence dismissed as {e.reason} needs a note saying why it states no checkable fact")
        dismissed[index] = (e.reason, restates, e.note)
    rows = []
    for index, (start, end) in enumerate(ctx.sentences):
        reason, restates, note = dismissed.get(index, (None, None, None))
        if not counts[index] and reason is None:
            ctx.problems.add(
                ctx.seed.path,
                f"char {start}",
                "",
                f"sentence {index} {ctx.text[start:end][:80]!r} yields no claim, event, relation, role, title or date and is not dismissed; "
                f"add what it states to {ctx.reading.path}, or list it under dismissed_sentences with a reason",
            )
        rows.append(
            {
                "sentence_id": sentence_id(ctx.seed.article_id, index),
                "article_id": ctx.seed.article_id,
                "sentence_index": index,
                **span_columns("", ctx.seed, start, end),
                "status": "dismissed" if reason else "yields_rows",
                "row_count": counts[index],
                "dismissal_reason": reason,
                "restates_sentence_id": restates,
                "note": note,
            }
        )
    return rows


def role_rows(ctx: ArticleContext) -> list[Row]:
    """Each stated role of a person, anchored; people rows take the first one."""
    rows = []
    for e in ctx.reading.roles:
        entry = f"roles[{e.index}] ({e.quote[:40]!r})"
        ctx.known(entry, "person", "person", e.person)
        ctx.known(entry, "organisation", "organisation", e.organisation)
        span = ctx.anchor(entry, e.quote, e.prefix, e.suffix)
        if span is not None:
            rows.append(
                {
                    "person_id": e.person,
                    "role": e.role,
                    "organisation_id": e.organisation,
                    "role_article_id": ctx.seed.article_id,
                    **span_columns("role_", ctx.seed, *span),
                }
            )
    return rows


def party_rows(ctx: ArticleContext) -> list[Row]:
    """The article's unnamed parties; registers their labels on the context for attribution and relations."""
    rows = []
    for e in ctx.reading.unnamed:
        entry = f"unnamed[{e.index}] ({e.quote[:40]!r})"
        ctx.known(entry, "affiliation", "organisation", e.affiliation)
        if e.label in ctx.parties or ctx.registry.kind_of(e.label):
            ctx.add(entry, "label", f"{shown(e.label)} is already a label in this reading or an id in the registry; expected a new one")
            continue
        span = ctx.anchor(entry, e.quote, e.prefix, e.suffix, row=False)
        if span is None:
            continue
        row = {
            "party_id": f"{ctx.seed.article_id}-{e.label}",
            "article_id": ctx.seed.article_id,
            "label": e.label,
            "kind": e.kind,
            "affiliation_organisation_id": e.affiliation,
            **span_columns("", ctx.seed, *span),
            "description_en": ctx.gloss(entry, e.en),
        }
        ctx.parties[e.label] = row
        rows.append(row)
    return rows
