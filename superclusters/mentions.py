"""Find every whole-word occurrence of every alias of every organisation, person and product.

One regular expression holds all aliases, longest first, so that at any position
the longest alias wins ("Michael Dell" over "Dell", "Grok 2" over "Grok") and
matches never overlap. Word boundaries are Unicode-aware on both sides, so the
platform "X" never matches inside "xAI" or "Texas".
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # organisation | person | hardware
    entity_id: str


def alias_pattern(aliases: dict[str, tuple[str, str]]) -> re.Pattern[str]:
    """aliases: surface form -> (kind, entity id). Longest alias first, so it wins at a shared start."""
    ordered = sorted(aliases, key=lambda a: (-len(a), a))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in ordered) + r")(?!\w)")


def find_mentions(text: str, pattern: re.Pattern[str], aliases: dict[str, tuple[str, str]]) -> list[Mention]:
    return [Mention(m.start(), m.end(), *aliases[m.group()]) for m in pattern.finditer(text)]
