"""Find every whole-word occurrence of every alias of every organisation, person and product.

Aliases are indexed by their first word and then by length. The text is walked
word by word; at each word the text is sliced at each candidate length, longest
first, and looked up, so the longest alias wins ("Michael Dell" over "Dell", "Grok 2" over "Grok").
A longer mention may contain mentions of other entities that start at a later word (the "xAI" of
"supercomputador que a xAI está construindo"), except inside a person's or a place's name, where the
word is part of the name ("Dell" in "Michael Dell" is his surname, not the company; the "Tesla" of
"sede da Tesla" is no more counted than that of "Tesla HQ", where the longest alias wins), and except
other aliases of the same entity. A match must end at a word
boundary, so the platform "X" never matches inside "xAI" or "Texas". The cost is linear in the text and independent
of the number of aliases (however many share a first word), which keeps the
build linear as the registry grows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"\w+")
WORD_CHAR = re.compile(r"\w")
# Kinds whose names are not searched for other entities' mentions: the words are part of the name.
NAMES_WITHOUT_NESTING = frozenset({"person", "place"})


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str  # organisation | person | hardware
    entity_id: str


@dataclass(frozen=True)
class AliasIndex:
    # first word -> [(length, {alias: (kind, entity id)})], longest length first
    by_first_word: dict[str, list[tuple[int, dict[str, tuple[str, str]]]]]
    candidates: re.Pattern[str]  # words that start with a character some alias starts with


def alias_index(aliases: dict[str, tuple[str, str]]) -> AliasIndex:
    """aliases: surface form -> (kind, entity id). Raises ValueError for an alias that does not start with a word."""
    grouped: dict[str, dict[int, dict[str, tuple[str, str]]]] = {}
    for alias, target in aliases.items():
        first = WORD.match(alias)
        if first is None:
            raise ValueError(f"alias {alias!r} of {target[0]} {target[1]} must start with a letter or digit")
        grouped.setdefault(first.group(), {}).setdefault(len(alias), {})[alias] = target
    index = {word: sorted(by_length.items(), reverse=True) for word, by_length in grouped.items()}
    first_chars = "".join(sorted({word[0] for word in index}))
    # Only words starting with one of these characters can begin a mention; the regex skips the rest in C.
    pattern = re.compile(r"(?<!\w)[" + re.escape(first_chars) + r"]\w*") if first_chars else re.compile(r"(?!)")
    return AliasIndex(index, pattern)


def find_mentions(text: str, index: AliasIndex) -> list[Mention]:
    found: list[Mention] = []
    outer: Mention | None = None  # the mention the current word lies inside, if any
    by_first_word = index.by_first_word
    for word in index.candidates.finditer(text):
        start = word.start()
        inside = outer is not None and start < outer.end
        if inside and outer.kind in NAMES_WITHOUT_NESTING:
            continue
        for length, aliases in by_first_word.get(word.group(), ()):
            end = start + length
            target = aliases.get(text[start:end])
            if target is None or WORD_CHAR.match(text, end):
                continue
            if inside and (target[1] == outer.entity_id or end > outer.end):
                continue
            mention = Mention(start, end, *target)
            found.append(mention)
            if not inside:
                outer = mention
            break
    return found
