"""Parse the surface form of a quantity ("US$ 10 bilhões", "70 000", "over 500 MW") into a value.

Digit grouping follows the article's language, never a guess from the string:
pt groups thousands with '.', en with ',', fr with a space (plain, no-break or
narrow no-break); the other mark is the decimal separator. A group that is not
exactly three digits is rejected rather than read one way or the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class NumberError(ValueError):
    """The surface form is not a quantity this parser can read exactly."""


@dataclass(frozen=True)
class Quantity:
    value: float | int
    unit: str | None  # "MW", "USD", "Gbit/s", "fraction", or None for a bare count
    comparator: str


FRENCH_SPACES = " \u00a0\u202f"
GROUPING = {  # language -> (thousands separators, decimal mark)
    "pt": (".", ","),
    "en": (",", "."),
    "fr": (FRENCH_SPACES + ".", ","),
}

# Phrases that qualify the number; matched case-insensitively as whole words.
COMPARATORS = [
    ("more than", ">"),
    ("plus de", ">"),
    ("mais de", ">"),
    ("over", ">"),
    ("above", ">"),
    ("exceed", ">"),
    ("ultrapassem", ">"),
    ("ultrapassar", ">"),
    ("dépasser", ">"),
    ("at least", ">="),
    ("au moins", ">="),
    ("pelo menos", ">="),
    ("up to", "<="),
    ("jusqu'à", "<="),
    ("less than", "<"),
    ("moins de", "<"),
    ("menos de", "<"),
    ("approximately", "~"),
    ("about", "~"),
    ("around", "~"),
    ("roughly", "~"),
    ("nearly", "~"),
    ("environ", "~"),
    ("près de", "~"),
    ("quelque", "~"),
    ("cerca de", "~"),
    ("aproximadamente", "~"),
    ("quase", "~"),
]
# Words that stand for a number on their own.
NUMBER_WORDS: dict[str, tuple[float, str, str]] = {  # word -> (value, unit, comparator)
    "half": (0.5, "fraction", "="),
    "metade": (0.5, "fraction", "="),
    "moitié": (0.5, "fraction", "="),
    "thousands": (1000, "", ">"),
    "milhares": (1000, "", ">"),
    "milliers": (1000, "", ">"),
}
SCALES = {
    "k": 10**3,
    "mil": 10**3,
    "thousand": 10**3,
    "mille": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "milhão": 10**6,
    "milhões": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "bilhão": 10**9,
    "bilhões": 10**9,
    "milliard": 10**9,
    "milliards": 10**9,
}
UNITS = {  # surface unit -> (normalised unit, factor)
    "MW": ("MW", 1),
    "mégawatts": ("MW", 1),
    "mégawatt": ("MW", 1),
    "megawatts": ("MW", 1),
    "megawatt": ("MW", 1),
    "GW": ("MW", 1000),
    "gigawatts": ("MW", 1000),
    "kW": ("MW", 0.001),
    "Gb/s": ("Gbit/s", 1),
    "Gbps": ("Gbit/s", 1),
    "Gbit/s": ("Gbit/s", 1),
    "Tb/s": ("Gbit/s", 1000),
    "Mb/s": ("Gbit/s", 0.001),
}
CURRENCIES = {"US$": "USD", "$": "USD", "USD": "USD"}

# Longer digit runs are no quantity an article states; refusing them keeps int() and float() in range
# (Python refuses int() of more than 4,300 digits, and 'kW ' + 320 digits overflows a float).
MAX_DIGITS = 24
MAX_TEXT = 500  # characters: a surface form is a few words, never a paragraph

_DIGITS = re.compile(r"\d[\d" + re.escape(FRENCH_SPACES + ".,") + r"]*")


def _whole_word(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)


_COMPARATOR_PATTERNS = [(_whole_word(phrase), symbol) for phrase, symbol in COMPARATORS]
_NUMBER_WORD_PATTERNS = [(_whole_word(word), word, spec) for word, spec in NUMBER_WORDS.items()]


def _ascii_digits(text: str) -> bool:
    """0-9 only: str.isdigit() also accepts '²' and other digits int() cannot read."""
    return text.isascii() and text.isdigit()


def parse_digits(digits: str, language: str) -> float | int:
    """Read '70 000', '50.000', '100,000', '1,5' by the language's grouping rules."""
    if language not in GROUPING:
        raise NumberError(f"no number convention for language {language!r}; expected one of {sorted(GROUPING)}")
    group_marks, decimal_mark = GROUPING[language]
    digits = digits.rstrip(FRENCH_SPACES)
    if sum(c.isdigit() for c in digits) > MAX_DIGITS:
        raise NumberError(f"{digits[:40]!r}...: more than {MAX_DIGITS} digits; expected a quantity as an article states it")
    integer, _, fraction = digits.partition(decimal_mark)
    if fraction and not _ascii_digits(fraction):
        raise NumberError(f"{digits!r}: decimals after {decimal_mark!r} must be digits")
    groups = re.split("[" + re.escape(group_marks) + "]", integer)
    if not all(_ascii_digits(g) for g in groups) or (len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]))):
        raise NumberError(
            f"{digits!r} is not a {language} number: thousands are grouped with "
            f"{' or '.join(repr(m) for m in group_marks)} in groups of three, decimals follow {decimal_mark!r}"
        )
    whole = int("".join(groups))
    return whole + float("0." + fraction) if fraction else whole


def parse_quantity(text: str, language: str) -> Quantity:
    """Value, unit and comparator of a quantity's surface form; raises NumberError on anything left over."""
    if len(text) > MAX_TEXT:
        raise NumberError(f"{text[:40]!r}...: {len(text)} characters; expected a quantity of at most {MAX_TEXT}")
    rest = text
    comparator = "="
    for pattern, symbol in _COMPARATOR_PATTERNS:
        rest, hits = pattern.subn(" ", rest, count=1)
        if hits:
            comparator = symbol
            break

    for pattern, word, (value, unit, implied) in _NUMBER_WORD_PATTERNS:
        rest, hits = pattern.subn(" ", rest, count=1)
        if hits:
            if rest.strip():
                raise NumberError(f"{text!r}: unexpected {rest.strip()!r} beside {word!r}")
            return Quantity(value, unit or None, implied if comparator == "=" else comparator)

    currency = None
    for symbol, code in sorted(CURRENCIES.items(), key=lambda kv: -len(kv[0])):
        if symbol in rest:
            currency = code
            rest = rest.replace(symbol, " ", 1)
            break

    found = list(_DIGITS.finditer(rest))
    if len(found) != 1:
        raise NumberError(f"{text!r}: expected exactly one number written in digits, found {len(found)}")
    value: float | int = parse_digits(found[0].group(), language)
    rest = (rest[: found[0].start()] + " " + rest[found[0].end() :]).strip()

    # A scale word or suffix directly after the digits ("100k", "10 bilhões").
    words = rest.split()
    if words and words[0].lower() in SCALES:
        value = value * SCALES[words.pop(0).lower()]
    unit = currency
    if words and words[0] in UNITS:
        if currency:
            raise NumberError(f"{text!r}: both a currency and the unit {words[0]!r}")
        unit, factor = UNITS[words.pop(0)]
        value = value * factor
    if words:
        raise NumberError(
            f"{text!r}: unexpected {' '.join(words)!r}; expected a number with optional comparator, "
            f"currency, scale ({', '.join(sorted(SCALES))}) and unit ({', '.join(sorted(UNITS))})"
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return Quantity(value, unit, comparator)
