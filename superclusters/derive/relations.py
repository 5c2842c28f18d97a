"""Relations: statements that link two entities (who owns, builds, supplies, uses what; where things are)."""

from __future__ import annotations

from ..inputs.readings import RelationEntry
from .context import ArticleContext, Row


def relation_rows(ctx: ArticleContext, e: RelationEntry) -> tuple[Row | None, list[Row]]:
    entry = f"relations[{e.index}] ({e.quote[:40]!r})"
    span = ctx.anchor(entry, e.quote, e.prefix, e.suffix)
    subject = ctx.entity(entry, "subject", e.subject)
    target = ctx.entity(entry, "object", e.object)
    if (e.object is None) == (e.object_text is None):
        ctx.add(entry, "object", "expected exactly one of object (an entity id) and object_text (words inside the quote)")
    attribution, attributed = ctx.attribution(entry, e)
    if span is None or subject is None or (e.object is not None and target is None):
        return None, []
    if e.object_text is not None:
        ctx.within(entry, "object_text", span, e.object_text)
    stated_columns, ref = ctx.statement_time(entry, span, e.stated, e.attribution_kind)
    time_columns = ctx.phrase_columns(entry, "time", span, e.time, ref)
    object_key = e.object or "text"
    relation_id = f"{ctx.seed.article_id}-{span[0]}-{e.predicate}-{e.subject}-{object_key}"
    roles = [("subject", *subject)] + ([("object", *target)] if target else [])
    if attributed is not None and attributed[0] not in {subject[0], target[0] if target else None}:
        roles.append(("attributed", *attributed))
    links, basis = ctx.links("relations", relation_id, entry, span, roles, e.links, e.note)
    if time_columns is None or stated_columns is None:
        return None, []
    row = {
        "relation_id": relation_id,
        "article_id": ctx.seed.article_id,
        "subject_id": subject[0],
        "subject_type": subject[1],
        "predicate": e.predicate,
        "object_id": target[0] if target else None,
        "object_type": target[1] if target else None,
        "object_text": e.object_text,
        "modality": e.modality,
        **time_columns,
        **stated_columns,
        **ctx.statement_columns(entry, e, attribution, span, basis),
    }
    return row, links
