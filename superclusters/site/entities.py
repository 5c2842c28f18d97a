"""Entity pages: every row that refers to an organisation, person, system or place."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .model import Site
from .package import text


def _by_article(site: Site, refs: list[tuple[str, int]], articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows referring to an entity, grouped by the article they come from; rows from no article last."""
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, i in refs:
        groups[text(site.tables[name].rows[i].get("article_id"))].append((name, i))
    order = [a["id"] for a in articles if a["id"] in groups] + sorted(k for k in groups if k and k not in {a["id"] for a in articles})
    if "" in groups:
        order.append("")
    titles = {a["id"]: a for a in articles}

    def in_text_order(ref: tuple[str, int]) -> tuple[str, int, str]:
        name, i = ref
        row = site.tables[name].rows[i]
        start = row.get("char_start")
        return name, int(start) if isinstance(start, int | float) else -1, site.tables[name].key(row, i)

    return [{"article": titles.get(k), "article_id": k, "rows": sorted(groups[k], key=in_text_order)} for k in order]
