"""Claims: one row per quantity an article states, with its subject links and the time it applies to."""

from __future__ import annotations

import re

from ..errors import shown
from ..inputs.readings import ClaimEntry
from ..normalise.numbers import NumberError, parse_quantity
from .context import ArticleContext, Row, span_columns

# Each property's normalised unit. Counts name what is counted; the surface form
# of a count carries no unit, the others must carry this one (after conversion).
PROPERTY_UNITS = {
    "gpu_count": "GPU",
    "diverted_gpu_count": "GPU",
    "server_count": "server",
    "node_count": "node",
    "h100_equivalent_count": "H100-equivalent",
    "power_mw": "MW",
    "cooling_mw": "MW",
    "capex_usd": "USD",
    "investment_usd": "USD",
    "bandwidth_gbps": "Gbit/s",
    "rack_share": "fraction",
    "accelerator_share": "fraction",
}
MEASURED_UNITS = {"MW", "USD", "Gbit/s", "fraction"}
# Properties of a system itself: an organisation beside the system could only restate its owner.
OWNER_PROPERTIES = {"gpu_count", "server_count", "node_count", "h100_equivalent_count", "power_mw", "cooling_mw", "bandwidth_gbps"}
# The phase lexicon: words that put a quantity in a phase of a build-out, by the article's language. A
# phase is published only where the claim's quote or its time phrase holds one of these words (whole
# words, case and apostrophe style ignored); a calendar deadline alone ("d'ici août", "this year") marks
# no phase. `initial`: the figure at the start. `expanded`: a later figure, said with a word of the future
# or a verb of growth from an earlier figure ("qui atteindront 500 MW", "expand this to over 500 MW").
# "No início" is left out: in the seeds it starts dates ("No início de julho"), never a phase.
# docs/content.md lists the same words (tests/test_content.py checks that it does).
PHASE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "initial": ("initial", "initiale", "initialement", "au démarrage"),
        "expanded": ("à l'avenir", "augmentera", "atteindra", "atteindront", "faire passer"),
    },
    "en": {
        "initial": ("initial", "initially", "at start-up", "at first"),
        "expanded": ("in the future", "expand", "expanded", "expansion", "rise to", "grow to"),
    },
    "pt": {
        "initial": ("inicial", "inicialmente"),
        "expanded": ("no futuro", "expandir", "ampliar", "aumentará"),
    },
}
_PHASE_PATTERNS = {
    language: {phase: re.compile("|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in words)) for phase, words in phases.items()}
    for language, phases in PHASE_WORDS.items()
}


def phases_in(text: str, language: str) -> dict[str, str]:
    """phase -> the first phase word of that phase found in `text` (lower-cased, ’ read as ')."""
    folded = text.replace("\u2019", "'").lower()
    found = {}
    for phase, pattern in _PHASE_PATTERNS.get(language, {}).items():
        if m := pattern.search(folded):
            found[phase] = m.group()
    return found


def _phase(ctx: ArticleContext, entry: str, e: ClaimEntry) -> str | None:
    """The claim's phase: from a phase word of its time phrase, or curated where the quote holds a word of it."""
    language = ctx.reading.language
    in_time = phases_in(e.time.text, language) if e.time is not None else {}
    if len(in_time) > 1:
        ctx.add(entry, "time", f"{e.time.text!r} holds words of both phases ({', '.join(in_time.values())}); expected one")
        return None
    computed = next(iter(in_time), None)
    if e.phase is None:
        return computed
    if computed is not None and computed != e.phase:  # the reading schema checked the value
        ctx.add(entry, "phase", f"is {shown(e.phase)} but the time words {e.time.text!r} say {computed!r}")
        return None
    if e.phase not in phases_in(e.quote, language) and e.phase not in in_time:
        words = ", ".join(repr(w) for w in PHASE_WORDS.get(language, {}).get(e.phase, ()))
        ctx.add(
            entry,
            "phase",
            f"is {shown(e.phase)}, but neither the quote nor its time phrase holds a word of that phase ({language}: {words}); "
            "a phase is published only from the words (docs/content.md#phases); remove phase, and say in note why the figure may belong to a phase",
        )
        return None
    return e.phase


def claim_rows(ctx: ArticleContext, e: ClaimEntry) -> tuple[Row | None, list[Row]]:
    """The claim row and its entity links; (None, []) with problems recorded when the entry is unusable."""
    entry = f"claims[{e.index}] ({e.quote[:40]!r})"
    span = ctx.anchor(entry, e.quote, e.prefix, e.suffix)
    attribution, attributed = ctx.attribution(entry, e)
    ctx.known(entry, "organisation", "organisation", e.organisation)
    ctx.known(entry, "hardware", "hardware", e.hardware)
    ctx.known(entry, "component", "hardware", e.component)
    if e.organisation is None and e.hardware is None:
        ctx.add(entry, "organisation", "a claim needs a subject; expected organisation and/or hardware")
    if (
        e.property in OWNER_PROPERTIES
        and e.hardware in ctx.registry.hardware
        and e.organisation is not None
        and e.organisation == ctx.registry.hardware[e.hardware].organisation
    ):
        ctx.add(
            entry,
            "organisation",
            f"{e.organisation} owns {e.hardware} already (readings/entities.yaml); give organisation only for another role (supplier, builder, recipient)",
        )
    quantity = None
    try:
        quantity = parse_quantity(e.value, ctx.reading.language)
    except NumberError as exc:
        ctx.add(entry, "value", str(exc))
    unit = PROPERTY_UNITS.get(e.property)
    if quantity is not None and unit is not None:
        stated = quantity.unit
        if (unit in MEASURED_UNITS and stated != unit) or (unit not in MEASURED_UNITS and stated is not None):
            expects = unit if unit in MEASURED_UNITS else "a bare count"
            ctx.add(entry, "value", f"{shown(e.value)} reads as unit {stated or 'none'}; property {e.property} expects {expects}")
            quantity = None
    phase = _phase(ctx, entry, e)
    if span is None:
        return None, []
    value_span = ctx.within(entry, "value", span, e.value)
    stated_columns, ref = ctx.statement_time(entry, span, e.stated, e.attribution_kind)
    time_columns = ctx.phrase_columns(entry, "time", span, e.time, ref)
    claim_id = f"{ctx.seed.article_id}-{value_span[0] if value_span else span[0]}-{e.property}"
    roles = [
        (role, ident, kind)
        for role, ident, kind in (
            ("hardware", e.hardware, "hardware"),
            ("organisation", e.organisation, "organisation"),
            ("component", e.component, "hardware"),
        )
        if ident
    ]
    if attributed is not None:
        roles.append(("attributed", *attributed))
    links, basis = ctx.links("claims", claim_id, entry, span, roles, e.links, e.note)
    if quantity is None or value_span is None or time_columns is None or stated_columns is None:
        return None, []
    row = {
        "claim_id": claim_id,
        "article_id": ctx.seed.article_id,
        "organisation_id": e.organisation,
        "hardware_id": e.hardware,
        "component_hardware_id": e.component,
        "property": e.property,
        "value": float(quantity.value),
        "unit": unit,
        "comparator": quantity.comparator,
        **span_columns("value_", ctx.seed, *value_span, text_column="text"),
        **time_columns,
        "phase": phase,
        **stated_columns,
        "modality": e.modality,
        **ctx.statement_columns(entry, e, attribution, span, basis),
    }
    return row, links
