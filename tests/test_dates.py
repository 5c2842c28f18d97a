"""Dates and time qualifiers become intervals with their real precision, never an invented day."""

from datetime import date

import pytest

from superclusters.normalise.dates import DateError, Placed, Reference, place

PUBLISHED_DAY = place("2024-08-26", Reference(2024))
PUBLISHED_MONTH = place("2024-06", Reference(2024))
ON_DAY = Reference(2024, PUBLISHED_DAY)
IN_MONTH = Reference(2024, PUBLISHED_MONTH)
ASSUMED = Reference(2024)


def check(placed, relation, start, end, precision, anchor):
    assert (placed.relation, placed.start, placed.end, placed.precision, placed.anchor) == (relation, start, end, precision, anchor)


def test_stated_publication_dates_keep_their_precision():
    check(PUBLISHED_DAY, "in", date(2024, 8, 26), date(2024, 8, 26), "day", "absolute")
    check(PUBLISHED_MONTH, "in", date(2024, 6, 1), date(2024, 6, 30), "month", "absolute")


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("d'ici 2026", ASSUMED, ("by", date(2026, 1, 1), date(2026, 12, 31), "year", "absolute")),
        # counted from when the words were said: here the publication day (see test_relative_to_an_undated_statement)
        ("in the next 18 months", ON_DAY, ("by", date(2026, 2, 26), date(2026, 2, 26), "day", "publication_date")),
        ("this year", ON_DAY, ("in", date(2024, 1, 1), date(2024, 12, 31), "year", "publication_date")),
        ("Earlier this year", ON_DAY, ("in", date(2024, 1, 1), date(2024, 8, 26), "range", "publication_date")),
        ("recently", ON_DAY, ("in", None, date(2024, 8, 26), "range", "publication_date")),
        # publication known to the month: the calendar week or the seven days before any day of June
        ("na semana passada", IN_MONTH, ("in", date(2024, 5, 20), date(2024, 6, 29), "range", "publication_date")),
        ("last week", ON_DAY, ("in", date(2024, 8, 19), date(2024, 8, 25), "week", "publication_date")),
        ("há apenas um mês", IN_MONTH, ("in", date(2024, 5, 1), date(2024, 5, 31), "month", "publication_date")),
        ("No início deste mês", IN_MONTH, ("in", date(2024, 6, 1), date(2024, 6, 10), "dekad", "publication_date")),
        ("previously", ON_DAY, ("in", None, date(2024, 8, 26), "range", "publication_date")),
        ("In the coming months", ON_DAY, ("after", date(2024, 8, 27), None, "range", "publication_date")),
        ("em alguns meses", IN_MONTH, ("after", date(2024, 7, 1), None, "range", "publication_date")),
        ("em algum momento no futuro", IN_MONTH, ("after", date(2024, 6, 1), None, "range", "publication_date")),  # no later bound
        ("no próximo verão", IN_MONTH, ("in", date(2025, 6, 1), date(2025, 8, 31), "season", "publication_date")),
        ("até o outono do próximo ano", IN_MONTH, ("by", date(2025, 9, 1), date(2025, 11, 30), "season", "publication_date")),
        ("até o final do ano", ASSUMED, ("by", date(2024, 12, 31), date(2024, 12, 31), "day", "assumed_year")),  # a deadline at the year's end
        ("fin août", ASSUMED, ("in", date(2024, 8, 21), date(2024, 8, 31), "dekad", "assumed_year")),
        ("d'ici août", ASSUMED, ("by", date(2024, 8, 1), date(2024, 8, 31), "month", "assumed_year")),
        ("No início de julho", ASSUMED, ("in", date(2024, 7, 1), date(2024, 7, 10), "dekad", "assumed_year")),
        ("ne sera pas prêt avant octobre", ASSUMED, ("after", date(2024, 10, 1), None, "month", "assumed_year")),  # no upper bound
        ("l'année dernière", ASSUMED, ("in", date(2023, 1, 1), date(2023, 12, 31), "year", "assumed_year")),
    ],
)
def test_relative_and_partial_dates(text, ref, expected):
    check(place(text, ref), *expected)


def test_a_phrase_relative_to_an_unstated_publication_date_is_an_error():
    with pytest.raises(DateError, match="publication date"):
        place("last week", ASSUMED)
    with pytest.raises(DateError, match="when it was said"):
        place("in the next 18 months", ASSUMED)


def test_relative_to_an_undated_statement():
    """'Musk has revealed ... in the next 18 months': said at some time up to publication, so the deadline
    is open at the start and no later than 18 months after publication."""
    said = Placed("in", None, date(2024, 8, 26), "range", "absolute")
    check(place("in the next 18 months", Reference(2024, said)), "by", None, date(2026, 2, 26), "range", "publication_date")
    # 'this year' of an undated statement: the year is not known, only that it ends no later than the publication's
    check(place("this year", Reference(2024, said)), "in", None, date(2024, 12, 31), "range", "publication_date")


def test_an_unplaceable_phrase_is_an_error_naming_the_way_out():
    with pytest.raises(DateError, match="calendar: false"):
        place("au démarrage", ON_DAY)
