"""Article pages: the seed text with every row highlighted in the words it comes from."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from .model import Site, Span
from .package import text


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
    titles = {Path(s.get("path", "")).stem: s.get("title", "") for s in site.descriptor.get("sources", [])}
    out = []
    for stem in site.seeds:
        article_id = by_stem.get(stem, stem)
        row = rows.get(article_id, {})
        out.append(
            {
                "id": article_id,
                "stem": stem,
                "title": text(row.get("title")) or titles.get(stem, stem),
                "title_en": text(row.get("title_en")),
                "language": text(row.get("language")),
                "row": row,
            }
        )
    return out
