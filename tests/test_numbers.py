"""The number normaliser on the surface forms the seeds really use, and on malformed ones."""

import pytest

from superclusters.normalise.numbers import NumberError, parse_quantity


@pytest.mark.parametrize(
    ("text", "language", "value", "unit", "comparator"),
    [
        ("70 000", "fr", 70_000, None, "="),
        ("70\u202f000", "fr", 70_000, None, "="),  # narrow no-break space, as French typography uses
        ("50.000", "pt", 50_000, None, "="),
        ("8.000", "pt", 8_000, None, "="),  # pt_BR grouping: eight thousand, not eight
        ("37.500", "pt", 37_500, None, "="),
        ("100k", "pt", 100_000, None, "="),
        ("US$ 10 bilhões", "pt", 10_000_000_000, "USD", "="),
        ("ultrapassem US$ 10 bilhões", "pt", 10_000_000_000, "USD", ">"),
        ("US$ 500 million", "en", 500_000_000, "USD", "="),
        ("$500 million", "en", 500_000_000, "USD", "="),
        ("130 mégawatts", "fr", 130, "MW", "="),
        ("500 MW", "fr", 500, "MW", "="),
        ("plus de 500 MW", "fr", 500, "MW", ">"),
        ("over 500 MW", "en", 500, "MW", ">"),
        ("about 130 MW", "en", 130, "MW", "~"),
        ("approximately 100,000", "en", 100_000, None, "~"),
        ("cerca de 300.000", "pt", 300_000, None, "~"),
        ("800 Gb/s", "pt", 800, "Gbit/s", "="),  # gigabits per second, not Pint's gilberts
        ("1,5 GW", "fr", 1_500, "MW", "="),
        ("metade", "pt", 0.5, "fraction", "="),
        ("moitié", "fr", 0.5, "fraction", "="),
        ("milhares", "pt", 1_000, None, ">"),
        ("thousands", "en", 1_000, None, ">"),
    ],
)
def test_real_forms(text, language, value, unit, comparator):
    q = parse_quantity(text, language)
    assert (q.value, q.unit, q.comparator) == (value, unit, comparator)


def test_integers_stay_integers():
    assert isinstance(parse_quantity("US$ 10 bilhões", "pt").value, int)
    assert isinstance(parse_quantity("1,5 GW", "fr").value, int)


@pytest.mark.parametrize(
    ("text", "language", "fragment"),
    [
        ("1.5", "pt", "groups of three"),  # a pt decimal is written 1,5
        ("50.00", "pt", "groups of three"),
        ("70 00", "fr", "groups of three"),
        ("8.000 kg", "pt", "unexpected 'kg'"),
        ("MW", "en", "exactly one number"),
        ("10 and 20", "en", "exactly one number"),
        ("50.000", "de", "no number convention"),
    ],
)
def test_malformed_numbers_are_rejected_with_the_reason(text, language, fragment):
    with pytest.raises(NumberError, match=fragment):
        parse_quantity(text, language)
