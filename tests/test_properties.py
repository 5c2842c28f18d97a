"""Property-based tests (Hypothesis) for the normalisers and the anchoring."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from superclusters.normalise.anchoring import AnchorError, anchor, find_all
from superclusters.normalise.numbers import parse_quantity

FRENCH_GROUP = st.sampled_from([" ", "\u00a0", "\u202f"])


def grouped(n: int, mark: str) -> str:
    return f"{n:,}".replace(",", mark)


@given(st.integers(min_value=0, max_value=10**12), FRENCH_GROUP)
def test_french_grouping_with_any_space(n, space):
    assert parse_quantity(grouped(n, space), "fr").value == n


@given(st.integers(min_value=0, max_value=10**12))
def test_portuguese_dots_and_english_commas(n):
    assert parse_quantity(grouped(n, "."), "pt").value == n
    assert parse_quantity(grouped(n, ","), "en").value == n


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from(
        [("k", "en", 10**3), ("mil", "pt", 10**3), ("milliards", "fr", 10**9), ("bilhões", "pt", 10**9), ("billion", "en", 10**9), ("million", "en", 10**6)]
    ),
)
def test_scale_words_with_decimals(whole, tenth, scale):
    word, language, factor = scale
    decimal_mark = "." if language == "en" else ","
    separator = "" if word == "k" else " "
    text = f"{whole}{decimal_mark}{tenth}{separator}{word}"
    assert parse_quantity(text, language).value == pytest.approx((whole + tenth / 10) * factor)


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["US$ ", "$"]), st.sampled_from(["pt", "en"]))
def test_currency_amounts(n, symbol, language):
    q = parse_quantity(symbol + grouped(n, "." if language == "pt" else ","), language)
    assert (q.value, q.unit) == (n, "USD")


TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@given(TEXTS, st.data())
def test_anchoring_finds_a_unique_substring_and_rejects_a_repeated_one(text, data):
    assume(text)
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    quote = text[start:end]
    hits = find_all(text, quote)
    if len(hits) == 1:
        assert anchor(text, quote) == (start, end)
    else:
        with pytest.raises(AnchorError, match=f"occurs {len(hits)} times"):
            anchor(text, quote)


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=20), TEXTS)
def test_offsets_survive_astral_plane_characters_before_the_quote(emoji, tail):
    quote = "Cortex \u00e9 70 000"
    assume(quote not in tail)
    text = emoji + quote + tail
    assume(len(find_all(text, quote)) == 1)
    start, end = anchor(text, quote)
    assert start == len(emoji)  # code points, whatever the UTF-8 or UTF-16 length
    assert text[start:end] == quote


# Any string in, either a value or the project's own error out (issue 12: 36).
ANY_TEXT = (
    st.text(max_size=80)
    | st.from_regex(r"(next|last|in the next) \d{1,7} (months|week|year)|\d{1,5}-\d{1,3}(-\d{1,3})?", fullmatch=True)
    | st.tuples(st.sampled_from(["", "kW ", "GW ", "US$ "]), st.integers(1, 5000), st.sampled_from(["", " bilhões", ",5"])).map(
        lambda t: t[0] + "9" * t[1] + t[2]
    )
)


@given(ANY_TEXT, st.sampled_from(["pt", "en", "fr"]))
def test_parse_quantity_returns_a_value_or_number_error(text, language):
    from superclusters.normalise.numbers import NumberError, Quantity

    try:
        assert isinstance(parse_quantity(text, language), Quantity)
    except NumberError:
        pass


@given(st.text(alphabet="0123456789²³¹٣.,  ", max_size=40) | ANY_TEXT, st.sampled_from(["pt", "en", "fr"]))
def test_parse_digits_returns_a_value_or_number_error(text, language):
    from superclusters.normalise.numbers import NumberError, parse_digits

    try:
        assert isinstance(parse_digits(text, language), int | float)
    except NumberError:
        pass


@given(ANY_TEXT, st.integers(min_value=-5, max_value=10_005), st.one_of(st.none(), st.dates()))
def test_place_returns_a_placed_or_date_error(text, year, published):
    from superclusters.normalise.dates import DateError, Placed, Reference, place

    ref = Reference(year, None if published is None else Placed("in", published, published, "day", "absolute"))
    try:
        assert isinstance(place(text, ref), Placed)
    except DateError:
        pass
