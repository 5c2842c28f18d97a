"""The articles row: title, publication date and the reference year relative dates rest on."""

from __future__ import annotations

from ..errors import shown
from ..normalise.dates import DateError, Placed, Reference, place
from .context import ArticleContext, Row, date_columns


def reference(ctx: ArticleContext) -> Row:
    """Place the stated publication date and settle the reference year; sets ctx.ref."""
    r = ctx.reading
    published: Placed | None = None
    if r.published:
        span = ctx.anchor("published", r.published, "", "")
        if span:
            try:  # a year-less date ("fin août") takes the reference year, checked just below
                published = place(r.published, Reference(r.reference_year or 1, None))
            except DateError as exc:
                ctx.add("published", "published", str(exc))
    year, basis = r.reference_year, r.reference_year_basis
    if published is not None and published.anchor == "absolute":
        stated = published.start.year
        if year is not None and year != stated:
            ctx.add("", "reference_year", f"is {year} but the seed's date {shown(r.published)} states {stated}")
        year, basis = stated, f"stated in the seed's date line ({r.published})"
    elif year is None or not basis:
        ctx.add("", "reference_year", "missing; the seed states no year, so give reference_year and reference_year_basis")
    if published is not None and published.anchor != "absolute" and not year:
        published = None
    if published is not None and published.anchor == "assumed_year" and year and published.start.year != year:
        published = place(r.published, Reference(year, None))
    ctx.ref = Reference(year, published) if year else None
    row = {"reference_year": year, "reference_year_basis": basis}
    row.update(date_columns("published", published, r.published if r.published else None))
    return row


def article_row(ctx: ArticleContext, ref_row: Row, counts: dict[str, int]) -> Row:
    """The article's row. What the seed does not state stays empty, and a column says so (outlet_stated,
    published_stated): an outlet is taken only where the seed names it, a source URL only where the reading
    gives one (curated, never guessed)."""
    r, s = ctx.reading, ctx.seed
    if r.outlet is not None:
        ctx.known("", "outlet", "organisation", r.outlet)
        if r.outlet in ctx.registry.table("organisation") and not any(m.entity_id == r.outlet for m in ctx.mentions):
            ctx.add("", "outlet", f"the seed never names {shown(r.outlet)}; give outlet only where the seed names its publisher")
    title_span = ctx.anchor("title", r.title, "", "")
    return {
        "article_id": s.article_id,
        "seed_path": s.path,
        "sha256": s.sha256,
        "language": r.language,
        "title": r.title,
        "title_source": r.title_source,
        "title_char_start": title_span[0] if title_span else None,
        "title_char_end": title_span[1] if title_span else None,
        "title_en": ctx.gloss("title", r.title_en),
        **ref_row,
        "outlet_organisation_id": r.outlet,
        "outlet_stated": r.outlet is not None,
        "published_stated": r.published is not None,
        "source_url": r.source_url,
        "char_count": len(s.text),
        "byte_count": s.byte_count,
        **counts,
    }
