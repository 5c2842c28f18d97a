"""Turn a curated quote into exact code-point offsets in its seed text.

A quote must occur exactly once. Where the same words occur more than once,
the curator adds `prefix` and/or `suffix` context, which must sit immediately
before/after the quote; offsets cover the quote only.
"""

from __future__ import annotations

from ..errors import shown


class AnchorError(ValueError):
    """The quote is absent or ambiguous; the message says which and where."""


def find_all(text: str, needle: str) -> list[int]:
    """Every start offset of `needle` in `text`, overlapping matches included."""
    found: list[int] = []
    start = text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


def anchor(text: str, quote: str, prefix: str = "", suffix: str = "") -> tuple[int, int]:
    """Return (char_start, char_end) with text[char_start:char_end] == quote."""
    if not quote:
        raise AnchorError("quote is empty; expected the exact words from the seed")
    hits = find_all(text, prefix + quote + suffix)
    context = f" with prefix {shown(prefix)}" if prefix else ""
    context += f" with suffix {shown(suffix)}" if suffix else ""
    if not hits:
        raise AnchorError(f"quote {shown(quote)}{context} not found in the seed; expected an exact copy of the seed's text")
    if len(hits) > 1:
        raise AnchorError(
            f"quote {shown(quote)}{context} occurs {len(hits)} times (at code points "
            f"{', '.join(str(h + len(prefix)) for h in hits)}); add prefix or suffix context so it occurs once"
        )
    start = hits[0] + len(prefix)
    return start, start + len(quote)


def anchor_within(text: str, outer: tuple[int, int], inner: str, what: str) -> tuple[int, int]:
    """Locate `inner` inside an already anchored span; it must occur there exactly once."""
    span_text = text[outer[0] : outer[1]]
    hits = find_all(span_text, inner)
    if len(hits) != 1:
        state = "not found" if not hits else f"found {len(hits)} times"
        raise AnchorError(f"{what} {shown(inner)} {state} in the quote {shown(span_text)}; expected exactly once")
    return outer[0] + hits[0], outer[0] + hits[0] + len(inner)


def span_url(seed_path: str, start: int, end: int) -> str:
    """RFC 5147 fragment link to a span of a seed."""
    return f"{seed_path}#char={start},{end}"
