"""Events: one row per thing an article says happened, is planned, or is the state of a system."""

from __future__ import annotations

from ..inputs.readings import EventEntry
from .context import ArticleContext, Row


def event_rows(ctx: ArticleContext, e: EventEntry) -> tuple[Row | None, list[Row]]:
    entry = f"events[{e.index}] ({e.quote[:40]!r})"
    if (e.type == "status") != (e.status is not None):
        ctx.add(entry, "status", "a status event (type: status) needs a status, and only it may have one")
    span = ctx.anchor(entry, e.quote, e.prefix, e.suffix)
    roles = []
    for field, kind, ids in (
        ("organisations", "organisation", e.organisations),
        ("hardware", "hardware", e.hardware),
        ("people", "person", e.people),
        ("places", "place", e.places),
    ):
        for ident in ids:
            ctx.known(entry, field, kind, ident)
            roles.append(("participant", ident, kind))
    attribution, attributed = ctx.attribution(entry, e)
    if attributed is not None and attributed[0] not in {ident for _, ident, _ in roles}:
        roles.append(("attributed", *attributed))
    if span is None:
        return None, []
    event_id = f"{ctx.seed.article_id}-{span[0]}-{e.type}" + (f"-{e.status}" if e.status else "")
    links, basis = ctx.links("events", event_id, entry, span, roles, e.links, e.note)
    # A relative date counts from when the words were said ("estará disponível em alguns meses", announced
    # "No início deste mês"), as for claims and relations.
    stated_columns, ref = ctx.statement_time(entry, span, e.stated, e.attribution_kind)
    date_columns = ctx.phrase_columns(entry, "date", span, e.date, ref)
    if date_columns is None or stated_columns is None:
        return None, []
    row = {
        "event_id": event_id,
        "article_id": ctx.seed.article_id,
        "event_type": e.type,
        "status": e.status,
        "description": e.description,
        "modality": e.modality,
        **date_columns,
        **stated_columns,
        "organisation_ids": "|".join(e.organisations) or None,
        "hardware_ids": "|".join(e.hardware) or None,
        "person_ids": "|".join(e.people) or None,
        "place_ids": "|".join(e.places) or None,
        **ctx.statement_columns(entry, e, attribution, span, basis),
    }
    return row, links
