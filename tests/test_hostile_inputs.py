"""Absurd input to the parsers and the schema loader ends in the project's own error, never a crash (issue 12: 10, 36)."""

from __future__ import annotations

from datetime import date

import pytest

from superclusters.check.schemas import load_schemas
from superclusters.errors import BuildError
from superclusters.normalise.dates import DateError, Placed, Reference, place
from superclusters.normalise.numbers import NumberError, parse_digits, parse_quantity

PUBLISHED = Reference(2024, Placed("in", date(2024, 8, 26), date(2024, 8, 26), "day", "absolute"))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: parse_quantity("kW " + "9" * 320, "en"), "more than 24 digits"),  # was OverflowError
        (lambda: parse_quantity("1" * 4400, "en"), "characters"),  # was ValueError (int() digit limit)
        (lambda: parse_digits("1" * 4400, "en"), "more than 24 digits"),
        (lambda: parse_digits("²", "fr"), "is not a fr number"),  # was ValueError from int()
        (lambda: parse_digits("1,²", "fr"), "decimals"),
    ],
)
def test_numbers_refuse_absurd_digits_with_number_error(call, fragment):
    with pytest.raises(NumberError, match=fragment):
        call()


@pytest.mark.parametrize(
    ("text", "ref", "fragment"),
    [
        ("NEXT 100000 MONTHS", PUBLISHED, "year 10357 is out of range"),
        ("2024-02-30", PUBLISHED, "day is out of range"),
        ("2024-00", PUBLISHED, "month must be in 1..12"),
        ("last week", Reference(1, Placed("in", date(1, 1, 1), date(1, 1, 1), "day", "absolute")), "out of range"),
        ("next year", Reference(9999), "out of range"),
        ("last year", Reference(1), "out of range"),
        ("em 20240826123", PUBLISHED, "too long to be a date phrase"),
        ("x" * 600, PUBLISHED, "too long to be a date phrase"),
    ],
)
def test_dates_refuse_what_the_calendar_cannot_hold_with_date_error(text, ref, fragment):
    with pytest.raises(DateError, match=fragment):
        place(text, ref)


def test_a_good_phrase_still_places():
    assert place("2024-08-26", PUBLISHED).start == date(2024, 8, 26)


def test_missing_and_invalid_schema_files_are_problems_together(package_copy):
    (package_copy / "schemas" / "claims.json").unlink()
    (package_copy / "schemas" / "events.json").write_text('{"fields": [', encoding="utf-8")
    (package_copy / "schemas" / "people.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        load_schemas(package_copy / "schemas")
    lines = [str(p) for p in exc.value.problems]
    assert lines[0].startswith("schemas/claims.json: missing; expected the Table Schema of claims")
    assert lines[1].startswith("schemas/events.json: line 1, column 13: invalid JSON")
    assert lines[2].startswith("schemas/people.json: fields: expected a Table Schema")
    assert len(lines) == 3


def test_a_build_with_a_missing_schema_prints_the_problem_not_a_traceback(package_copy, capsys):
    import build

    (package_copy / "schemas" / "hardware.json").unlink()
    assert build.main(["--root", str(package_copy)]) == 1
    err = capsys.readouterr().err
    assert "schemas/hardware.json: missing" in err and "Traceback" not in err
