"""Article pages: the seed text with every row highlighted in the words it comes from, in layers a reader switches.

Each span table is a layer. Layers whose rows are statements (a table with `attributed_to`: claims,
events, relations) are on when the page opens; the others (every sentence, every mention of a name,
unnamed parties) are off, so the text carries one marker per statement rather than one per word.
The switches are checkboxes that work without the script (the stylesheet reads them with :has()).
Dismissed sentences are greyed, with their reason beside them, whatever layers are on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from .model import TOOLTIP_FIELDS, Site, Span
from .names import singular
from .package import Table, text
from .sources import says

PLAIN = "background: none; border-color: transparent; text-decoration: none; box-shadow: none; outline: none;"  # a highlight switched off
MAX_LAYERS = 16  # layers with a switch (layers.css has a rule per layer); a package with more shows the rest always


def tokens(seed: str, spans: list[Span]) -> list[dict[str, Any]]:
    """The seed as a flat list of open/close/text tokens whose elements nest properly.

    The text is cut at every span boundary; each piece is wrapped in the spans
    that cover it, outermost first. A span that crosses another is closed and
    reopened around it, so it becomes several elements sharing one data-row; its
    label link goes on its first piece only.
    """
    bounds = sorted({0, len(seed)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[dict[str, Any]] = []
    stack: list[Span] = []
    labelled: set[int] = set()
    empty = defaultdict(list)
    for span in spans:
        if span.start == span.end:
            empty[span.start].append(span)
    for lo, hi in zip(bounds, bounds[1:] + [None], strict=False):
        covering = [s for s in spans if hi is not None and s.start <= lo and s.end >= hi and s.start < s.end]
        common = 0
        while common < min(len(stack), len(covering)) and stack[common] is covering[common]:
            common += 1
        while len(stack) > common:
            stack.pop()
            out.append({"kind": "close"})
        for span in empty.get(lo, []):
            out.append({"kind": "open", "span": span, "label": True})
            out.append({"kind": "close"})
        for span in covering[common:]:
            first = id(span) not in labelled
            labelled.add(id(span))
            out.append({"kind": "open", "span": span, "label": first})
            stack.append(span)
        if hi is not None:
            for piece in re.split("(\r)", seed[lo:hi]):  # a raw CR would be turned into LF by the HTML parser
                if piece:
                    out.append({"kind": "cr" if piece == "\r" else "text", "text": piece})
    return out


def _article_list(site: Site) -> list[dict[str, Any]]:
    rows = {text(r.get("article_id")): r for r in site.tables["articles"].rows} if "articles" in site.tables else {}
    by_stem = {stem: article_id for article_id, stem in site.article_stem.items() if stem in site.seeds}
    sources = site.descriptor.get("sources", [])  # load_package refuses malformed ones; never a traceback here either
    titles = {
        Path(s["path"]).stem: text(s.get("title", ""))
        for s in (sources if isinstance(sources, list) else [])
        if isinstance(s, dict) and isinstance(s.get("path"), str)
    }
    out = []
    for stem in site.seeds:
        article_id = by_stem.get(stem, stem)
        row = rows.get(article_id, {})
        spans = site.spans(article_id)
        out.append(
            {
                "id": article_id,
                "stem": stem,
                "title": text(row.get("title")) or titles.get(stem, stem),
                "title_en": text(row.get("title_en")),
                "language": text(row.get("language")),
                "row": row,
                "counts": [(name, sum(1 for span in spans if span.table == name)) for name in site.span_tables],
            }
        )
    return out


def is_statement(table: Table) -> bool:
    """A table whose rows say who states something: its layer is on when the page opens."""
    return "attributed_to" in table.field_names


def layers(site: Site, spans: list[Span]) -> list[dict[str, Any]]:
    """One layer per span table, in the order of site.span_tables (its index is the highlight's style and switch)."""
    counts = {name: 0 for name in site.span_tables}
    for span in spans:
        counts[span.table] += 1
    return [
        {"name": name, "index": i, "count": counts[name], "on": is_statement(site.tables[name]), "switch": i < MAX_LAYERS}
        for i, name in enumerate(site.span_tables)
    ]


def layers_css(count: int) -> str:
    """The stylesheet rules that switch layers off: a highlight loses its marks and label, its rows leave the side panel."""
    rules = ["/* Generated by superclusters.site.articles.layers_css: one rule set per layer switch. */"]
    for i in range(min(count, MAX_LAYERS)):
        off = f"main:has(#layer-{i}:not(:checked))"
        rules.append(
            f"{off} .hl.L{i}:not(.is-target) {{ background: none; border-color: transparent; text-decoration: none; box-shadow: none; outline: none; }}"
        )
        rules.append(f"{off} .hl.L{i} > .lbl, {off} .rows .L{i} {{ display: none; }}")
    return "\n".join(rules) + "\n"


def tooltip(site: Site, span: Span) -> str:
    """A glance at the row behind a highlight: what it is and its first few columns (the side panel has the whole row)."""
    table = site.tables[span.table]
    parts = [f"{singular(table.name)} {span.key}"]
    if span.dismissed:
        parts.append(f"dismissed: {span.dismissed}")
    for name, cells in site.summary(table, span.row)[:TOOLTIP_FIELDS]:
        parts.append(f"{name}: {' | '.join(str(c['text']) for c in cells)}")
    return "\n".join(parts)


def pages(site: Site, articles: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, template, values) of every article page."""
    out = []
    for article in articles:
        spans = site.spans(article["id"])
        out.append(
            (
                f"seeds/{article['stem']}.html",
                "article.html",
                {
                    "article": article,
                    "tokens": tokens(site.seeds[article["stem"]], spans),
                    "spans": spans,
                    "layers": layers(site, spans),
                    "tooltip_of": lambda span: tooltip(site, span),
                    "says_of": lambda span: says(site, site.tables[span.table], span.row),
                    "dismissed": [s for s in spans if s.dismissed],
                },
            )
        )
    return out
