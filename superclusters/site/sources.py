"""A row's source and time in English, for every page that shows a statement: who says it, when it applies, when it was said.

The rows carry who said something in the seed's words (`attributed_to`: "nous avions entendu dire") and
its kind (`attribution_kind`); the sentence a reader sees is built from the ids beside them: a person's
or organisation's name, the article itself, or an unnamed party's English gloss. Nothing is added that
the row does not say.
"""

from __future__ import annotations

from typing import Any

from ..publish.words import property_label, quantity, when
from .model import Site
from .package import Table, text

# unnamed_parties.kind (a closed vocabulary in its schema) -> how a reader names such a party
PARTY_NOUNS = {"insider": "an unnamed insider", "sources": "unnamed sources", "group": "a group", "rumour": "rumours", "people": "unnamed people"}


def name_of(site: Site, entity_id: str) -> str:
    entity = site.entity_index.get(("", entity_id))
    return entity.name if entity is not None else entity_id


def article_row(site: Site, article_id: str) -> dict[str, Any]:
    articles = site.tables.get("articles")
    return next((r for r in articles.rows if text(r.get("article_id")) == article_id), {}) if articles else {}


def party_row(site: Site, party_id: str) -> dict[str, Any]:
    parties = site.tables.get("unnamed_parties")
    if parties is None or not parties.pk:
        return {}
    return next((r for r in parties.rows if text(r.get(parties.pk[0])) == party_id), {})


def outlet_name(site: Site, article_id: str) -> str | None:
    """The name of the article's outlet, where the seed names it and the registry knows it; else None."""
    outlet = text(article_row(site, article_id).get("outlet_organisation_id"))
    return name_of(site, outlet) if outlet and site.entity_index.get(("", outlet)) is not None else None


def attribution(site: Site, row: dict[str, Any]) -> str:
    """'according to Elon Musk', 'according to the article itself', 'according to what Electrek had heard (“nous avions entendu dire”)'."""
    kind, said_by = text(row.get("attribution_kind")), text(row.get("attributed_to"))
    if kind == "person" and text(row.get("attributed_person_id")):
        return f"according to {name_of(site, text(row['attributed_person_id']))}"
    if kind == "organisation" and text(row.get("attributed_organisation_id")):
        return f"according to {name_of(site, text(row['attributed_organisation_id']))}"
    if kind == "outlet":
        outlet = outlet_name(site, text(row.get("article_id")))
        return f"according to {outlet} (the article itself)" if outlet else "according to the article itself"
    if kind == "unnamed_source":
        party = party_row(site, text(row.get("attributed_party_id")))
        if text(party.get("kind")) == "hearsay":  # the outlet's own "we had heard": name the outlet as the hearer
            hearer = outlet_name(site, text(row.get("article_id"))) or "the article's authors"
            return f"according to what {hearer} had heard (“{text(party.get('quote')) or said_by}”)"
        noun = PARTY_NOUNS.get(text(party.get("kind")), "an unnamed source")
        words, gloss = text(party.get("quote")) or said_by, text(party.get("description_en"))
        return f"according to {noun} (“{words}”{': ' + gloss if gloss else ''})" if words else f"according to {noun}"
    return f"according to {said_by}" if said_by else ""


def applies(row: dict[str, Any], prefix: str = "") -> str:
    """When a figure applies, in English, with the seed's words: 'initial phase, by Aug 2024 (“d'ici août”)'.

    The columns are `<prefix>_text`, `_relation`, `_start`, `_end`, `_precision`: `time_` for claims and relations,
    `date_` for events (found from the row when `prefix` is not given), `stated_` for when a statement was made.
    """
    prefix = prefix or ("date" if "date_text" in row and "time_text" not in row else "time")
    phase = f"{text(row.get('phase'))} phase" if prefix == "time" and text(row.get("phase")) else ""
    normalised = when(*(text(row.get(f"{prefix}_{part}")) for part in ("relation", "start", "end", "precision")))
    words = text(row.get(f"{prefix}_text"))
    shown = ", ".join(part for part in (phase, normalised) if part)
    if words:
        shown = f"{shown} (“{words}”)" if shown else f"“{words}”"
    return shown


def said(row: dict[str, Any]) -> str:
    """When the source said it, where the seed says so: 'said by 26 Aug 2024 (“previously”)'."""
    shown = applies(row, "stated")
    return f"said {shown}" if shown else ""


def figure_of(row: dict[str, Any]) -> str:
    """A claim's figure in English: 'about 100,000 GPU'."""
    return quantity(text(row.get("comparator")), row.get("value"), text(row.get("unit")))


def row_value(site: Site, table: Table, row: dict[str, Any]) -> str:
    """What a statement row says, in a few words: a claim's figure, a relation's two ends, an event's description."""
    if "value" in row and "unit" in row:
        return f"{property_label(text(row.get('property')))}: {figure_of(row)}" if text(row.get("property")) else figure_of(row)
    if "predicate" in row:
        subject = name_of(site, text(row.get("subject_id"))) if text(row.get("subject_id")) else ""
        other = name_of(site, text(row.get("object_id"))) if text(row.get("object_id")) else f"“{text(row.get('object_text'))}”"
        return f"{subject} {text(row.get('predicate')).replace('_', ' ')} {other}".strip()
    if text(row.get("description")):
        kind = text(row.get("event_type")).replace("_", " ")
        return f"{kind}: {text(row['description'])}" if kind else text(row["description"])
    return "; ".join(f"{n}: {' | '.join(str(c['text']) for c in cells)}" for n, cells in site.summary(table, row, compact=True)[:3])


def says(site: Site, table: Table, row: dict[str, Any]) -> str:
    """A statement row in one English line: what it says, when it applies and who says it ('' for other rows)."""
    if "attributed_to" not in table.field_names:
        return ""
    return " · ".join(part for part in (row_value(site, table, row), applies(row), attribution(site, row)) if part)
