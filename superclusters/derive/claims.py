"""Claims: one row per quantity an article states, with its subject links and the time it applies to."""

from __future__ import annotations

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
# Time words that name a phase of a build-out rather than a calendar time.
PHASES = {
    "initiale": "initial",
    "initial": "initial",
    "au démarrage": "initial",
    "at start-up": "initial",
    "no início": "initial",
    "à l'avenir": "expanded",
    "in the future": "expanded",
    "no futuro": "expanded",
}


def _phase(ctx: ArticleContext, entry: str, e: ClaimEntry) -> str | None:
    computed = PHASES.get(e.time.text.lower()) if e.time is not None else None
    if e.phase is not None and computed is not None and computed != e.phase:  # the reading schema checked the value
        ctx.add(entry, "phase", f"is {shown(e.phase)} but the time words {e.time.text!r} say {computed!r}")
    return e.phase or computed


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
    stated_columns, ref = ctx.statement_time(entry, span, e.stated)
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
