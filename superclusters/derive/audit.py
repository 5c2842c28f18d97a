"""Prove nothing was missed: every number written in a seed must be accounted for.

A number counts as accounted for when it lies inside the span of a curated claim,
event, role, title or publication date, or inside a curated dismissal (with its
reason: the "2" of "Grok 2", the "100" of "H100"). Numbers are every run of
digits, and the number words of the three languages that state a quantity
("metade", "moitié", "half", "thousands", "três", ...); the indefinite articles
"um/une/one" are left out, as they almost never state a quantity.

Capitalised names that match no alias are reported, not enforced: they are
where a missing organisation, person or product would show up.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "pt": [
        "metade",
        "meia",
        "milhares",
        "centenas",
        "dezenas",
        "dúzia",
        "dois",
        "duas",
        "três",
        "quatro",
        "cinco",
        "seis",
        "sete",
        "oito",
        "nove",
        "dez",
        "doze",
        "vinte",
        "cem",
        "mil",
    ],
    "fr": [
        "moitié",
        "milliers",
        "centaines",
        "dizaines",
        "douzaine",
        "deux",
        "trois",
        "quatre",
        "cinq",
        "six",
        "sept",
        "huit",
        "neuf",
        "dix",
        "douze",
        "vingt",
        "cent",
        "mille",
    ],
    "en": [
        "half",
        "thousands",
        "hundreds",
        "dozens",
        "dozen",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "twelve",
        "twenty",
        "hundred",
        "thousand",
    ],
}
DIGITS = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_WORD_PATTERNS = {lang: re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)") for lang, words in NUMBER_WORDS.items()}
NAME = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-Þ][\w-]*")


def numbers_in(text: str, language: str) -> list[tuple[int, int]]:
    """(start, end) of every number in digits and every number word of the language, in text order."""
    spans = [(m.start(), m.end()) for m in DIGITS.finditer(text)]
    # Matching lower-cased text case-sensitively is several times faster than re.IGNORECASE; it is
    # only valid while lower-casing keeps every offset, which the length check guarantees.
    lowered = text.lower()
    words = _WORD_PATTERNS.get(language, _WORD_PATTERNS["en"])
    if len(lowered) != len(text):
        words = re.compile(words.pattern, re.IGNORECASE)
        lowered = text
    spans += [(m.start(), m.end()) for m in words.finditer(lowered)]
    return sorted(spans)


def uncovered(spans: list[tuple[int, int]], covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that lie inside no covered span. Sorted sweep: linear in the number of spans."""
    covered = sorted(covered)
    result, index, reach = [], 0, -1
    # reach = furthest end among covered spans starting at or before the current span's start
    for start, end in sorted(spans):
        while index < len(covered) and covered[index][0] <= start:
            reach = max(reach, covered[index][1])
            index += 1
        if reach < end:
            result.append((start, end))
    return result


def context(text: str, start: int, end: int, width: int = 30) -> str:
    return (text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]).replace("\n", " ")


def unmatched_names(text: str, mentioned: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """Capitalised words inside no alias mention, other than a sentence's first word."""
    found = []
    for m in NAME.finditer(text):
        before = text[: m.start()].rstrip(" «“\"'(")
        if not before or before[-1] in ".!?:\n—–":
            continue
        if uncovered([(m.start(), m.end())], mentioned):
            found.append((m.start(), m.group()))
    return found
