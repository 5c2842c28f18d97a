"""Quotes become exact code-point spans; absent and ambiguous quotes are errors."""

import pytest

from superclusters.normalise.anchoring import AnchorError, anchor, anchor_within, span_url

TEXT = "Cortex devrait contenir 70 000 serveurs. Cortex est à Austin."


def test_found_quote_gives_exact_span():
    start, end = anchor(TEXT, "70 000 serveurs")
    assert TEXT[start:end] == "70 000 serveurs"
    assert start == TEXT.index("70 000")


def test_absent_quote_is_an_error():
    with pytest.raises(AnchorError, match="not found"):
        anchor(TEXT, "80 000 serveurs")


def test_ambiguous_quote_is_an_error_listing_the_offsets():
    with pytest.raises(AnchorError, match="occurs 2 times"):
        anchor(TEXT, "Cortex")


def test_context_disambiguates_and_is_not_part_of_the_span():
    start, end = anchor(TEXT, "Cortex", prefix=". ")
    assert (start, end) == (41, 47)
    assert TEXT[start:end] == "Cortex"
    start, end = anchor(TEXT, "Cortex", suffix=" devrait")
    assert start == 0


def test_offsets_count_code_points_not_bytes_or_utf16_units():
    text = "🚀🚀 é Cortex"  # astral-plane characters: 2 UTF-16 units and 4 UTF-8 bytes each
    start, end = anchor(text, "Cortex")
    assert (start, end) == (5, 11)
    assert text[start:end] == "Cortex"


def test_inner_phrase_must_occur_once_inside_the_quote():
    outer = anchor(TEXT, "Cortex devrait contenir 70 000 serveurs")
    assert anchor_within(TEXT, outer, "70 000", "value") == (24, 30)
    with pytest.raises(AnchorError, match="not found"):
        anchor_within(TEXT, outer, "Austin", "value")


def test_span_url_is_rfc_5147():
    assert span_url("seeds/x.txt", 3, 9) == "seeds/x.txt#char=3,9"
