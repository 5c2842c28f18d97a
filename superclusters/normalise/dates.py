"""Place a stated date or time qualifier on the calendar as an interval with its precision.

The interval [start, end] (inclusive days) is the set of dates the words allow
and never finer than the words: "August" is the whole of August, "by 2026" is a
deadline somewhere in 2026. Relative phrases ("last week", "in the next 18
months") are placed from the article's publication date; year-less phrases
("em agosto") take the article's reference year, and the result says so in
`anchor`. Seasons are northern-hemisphere meteorological seasons (the seeds are
about sites in Texas and Tennessee).
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta


class DateError(ValueError):
    """The phrase cannot be placed; the message says what would be accepted."""


MAX_PHRASE = 500  # characters; a time phrase is a few words
MAX_DIGIT_RUN = 8  # "2024-08-26", "18 months": a longer run of digits is no date


def _never_crash(place: Callable[[str, Reference], Placed]) -> Callable[[str, Reference], Placed]:
    """Any string in, a Placed or a DateError out: absurd phrases ("next 100000 months", "2024-02-30",
    "last week" published 0001-01-01) leave the calendar's range inside `date`, which says so with
    ValueError or OverflowError; the curator needs the phrase and what would be accepted instead."""

    @functools.wraps(place)
    def checked(text: str, ref: Reference) -> Placed:
        shown = text[:60] + ("..." if len(text) > 60 else "")
        if len(text) > MAX_PHRASE or re.search(r"\d{" + str(MAX_DIGIT_RUN + 1) + "}", text):
            raise DateError(f"{shown!r} is too long to be a date phrase (at most {MAX_PHRASE} characters, {MAX_DIGIT_RUN} digits in a row)")
        try:
            return place(text, ref)
        except DateError:
            raise
        except (ValueError, OverflowError) as exc:
            raise DateError(f"cannot place {shown!r}: {exc}; expected a real calendar date between the years 1 and 9999") from None

    return checked


@dataclass(frozen=True)
class Reference:
    """What relative phrases in one article are measured from."""

    year: int  # articles.reference_year
    published: Placed | None = None  # the stated publication date, if any


@dataclass(frozen=True)
class Placed:
    relation: str  # in | by | after
    start: date | None
    end: date | None
    precision: str  # day | week | month | season | quarter | year | range | none
    anchor: str  # absolute | publication_date | assumed_year | none


UNPLACED = Placed("in", None, None, "none", "none")

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("janeiro", "janvier", "january"),
            ("fevereiro", "février", "february"),
            ("março", "mars", "march"),
            ("abril", "avril", "april"),
            ("maio", "mai", "may"),
            ("junho", "juin", "june"),
            ("julho", "juillet", "july"),
            ("agosto", "août", "august"),
            ("setembro", "septembre", "september"),
            ("outubro", "octobre", "october"),
            ("novembro", "novembre", "november"),
            ("dezembro", "décembre", "december"),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {  # word -> first month of the meteorological season
    "primavera": 3,
    "printemps": 3,
    "spring": 3,
    "verão": 6,
    "été": 6,
    "summer": 6,
    "outono": 9,
    "automne": 9,
    "autumn": 9,
    "fall": 9,
    "inverno": 12,
    "hiver": 12,
    "winter": 12,
}
BY = r"(d'ici|até|by|until|no later than|avant la fin)"
AFTER = (
    r"(pas( \w+){0,3} avant|not before|after|après|depois de|em alguns meses|in a few months|dans quelques mois"
    r"|in the coming months|nos próximos meses|dans les prochains mois)"
)
NEXT = r"(próxim[oa]|next|prochaine?)"
LAST = r"(passad[oa]|last|dernière|dernier|previous)"
RECENT = (
    r"(recently|recent|récemment|recentemente|récent|previously|auparavant|anteriormente"
    r"|ces dernières années|in recent years|nos últimos anos)"
)
# The part of a month a phrase names: its first, middle or last dekad (1-10, 11-20, 21-end).
MONTH_PART = [
    (r"(início|inicio|começo|début|early|beginning of|start of)", 0),
    (r"(meados|mid|mi-)", 1),
    (r"(fin|final|end of|late)", 2),
]
TODAY = r"(today|hoje|aujourd'hui)"


@functools.cache
def _word_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + pattern + r"(?!\w)", re.IGNORECASE)


def _has(pattern: str, text: str) -> bool:
    return _word_pattern(pattern).search(text) is not None


def month_interval(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def dekad_interval(year: int, month: int, part: int) -> tuple[date, date]:
    """The first (0), middle (1) or last (2) third of a month: days 1-10, 11-20, 21-end."""
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1 + 10 * part), date(year, month, (10, 20, last)[part])


def _month_part(text: str) -> int | None:
    return next((part for pattern, part in MONTH_PART if _has(pattern, text)), None)


def _month_placed(relation: str, year: int, month: int, text: str, anchor: str) -> Placed:
    part = _month_part(text)
    if part is None:
        start, end = month_interval(year, month)
        return Placed(relation, start, end, "month", anchor)
    start, end = dekad_interval(year, month, part)
    return Placed(relation, start, end, "dekad", anchor)


def add_months_to_day(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to the month's last day."""
    year, month = add_months(day, months)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _relation(text: str) -> str:
    if _has(AFTER, text):
        return "after"
    if _has(BY, text):
        return "by"
    return "in"


def _published(ref: Reference, text: str) -> Placed:
    if ref.published is None or ref.published.start is None:
        raise DateError(
            f"{text!r} is relative to the publication date, which this seed does not state; set calendar: false on the entry or quote a phrase with a date"
        )
    return ref.published


def _relative_anchor(ref: Reference) -> str:
    """Relative and year-less phrases rest on the publication date when it states a year; else on the assumed year."""
    # A statement time counted from a stated publication date ("No início deste mês") rests on it too.
    if ref.published is not None and ref.published.anchor in ("absolute", "publication_date"):
        return "publication_date"
    return "assumed_year"


@_never_crash
def place(text: str, ref: Reference) -> Placed:
    """Normalise a date phrase; raises DateError naming what it could not place.

    "After" phrases ("pas prêt avant octobre") bound the start only: the interval is open at the end.
    """
    placed = _place(text, ref)
    if placed.relation == "after" and placed.end is not None:
        return Placed(placed.relation, placed.start, None, placed.precision, placed.anchor)
    return placed


def _place(text: str, ref: Reference) -> Placed:
    lowered = text.lower()
    relation = _relation(lowered)

    # ISO forms, as in the seeds' " date 2024-08-26" header lines.
    if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return Placed(relation, day, day, "day", "absolute")
    if m := re.search(r"\b(\d{4})-(\d{2})\b", text):
        start, end = month_interval(int(m[1]), int(m[2]))
        return Placed(relation, start, end, "month", "absolute")

    # "in the next 18 months", "nos próximos 18 meses", "dans les 18 prochains mois": a deadline counted
    # from when the words were said (ref.published is that time; open at the start where the statement
    # is undated), so the interval is never later or finer than the words allow.
    if m := re.search(r"(next|próximos|prochains)\s+(\d+)\s+(months|meses|mois)|(\d+)\s+prochains\s+mois", lowered):
        months = int(m[2] or m[4])
        said = ref.published
        if said is None or said.end is None:
            raise DateError(f"{text!r} is relative to when it was said, which this seed does not date; set calendar: false on the entry")
        start = add_months_to_day(said.start, months) if said.start is not None else None
        end = add_months_to_day(said.end, months)
        precision = "day" if said.precision == "day" else "range"
        return Placed("by", start, end, precision, _relative_anchor(ref))

    # An explicit year in digits.
    if m := re.search(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", text):
        year = int(m[1])
        return Placed(relation, date(year, 1, 1), date(year, 12, 31), "year", "absolute")

    year_anchor = _relative_anchor(ref)
    if _has(TODAY, lowered):
        pub = _published(ref, text)
        return Placed("in", pub.start, pub.end, pub.precision, _relative_anchor(ref))
    if _has(RECENT, lowered):  # some time up to when it was said: an interval open at the start
        if ref.published is not None and ref.published.end is not None:  # said at an undated time up to a known end, too
            return Placed("in", None, ref.published.end, "range", _relative_anchor(ref))
        return Placed("in", None, date(ref.year, 12, 31), "range", year_anchor)
    if re.search(r"(semana passada|last week|semaine dernière)", lowered):
        # Either the calendar week (Monday to Sunday) before publication or the seven days before it:
        # the interval covers both readings, for every day the publication date allows.
        pub = _published(ref, text)
        monday = pub.start - timedelta(days=pub.start.weekday())
        start = min(monday - timedelta(days=7), pub.start - timedelta(days=7))
        precision = "week" if pub.precision == "day" else "range"
        return Placed("in", start, pub.end - timedelta(days=1), precision, _relative_anchor(ref))
    if m := re.search(r"há (apenas )?(um|1) mês|(one|a|1) month ago|il y a (un|1) mois", lowered):
        pub = _published(ref, text)
        year, month = add_months(pub.start, -1)
        start, end = month_interval(year, month)
        return Placed("in", start, end, "month", _relative_anchor(ref))
    if re.search(r"(deste|este) mês|this month|ce mois", lowered):
        pub = _published(ref, text)
        if pub.precision not in ("day", "month"):
            raise DateError(f"{text!r} needs a publication month; the seed states only {pub.precision}")
        return _month_placed(relation, pub.start.year, pub.start.month, lowered, _relative_anchor(ref))
    if re.search(r"em algum momento no futuro|at some point in the future|à un moment donné dans le futur", lowered):
        # Some time after the words were said, no later bound: from the first day they may have been said.
        pub = _published(ref, text)
        return Placed("after", pub.start, None, "range", _relative_anchor(ref))
    if _has(AFTER, lowered) and re.search(r"meses|months|mois", lowered):
        pub = _published(ref, text)
        return Placed("after", pub.end + timedelta(days=1), None, "range", _relative_anchor(ref))

    for word, first_month in SEASONS.items():
        if _has(word, lowered):
            if _has(NEXT + r"\s+ano|" + r"next year|l'année prochaine|do próximo ano", lowered):
                year = ref.year + 1
            elif _has(NEXT, lowered):
                pub = _published(ref, text)
                year = pub.end.year if date(pub.end.year, first_month, 1) > pub.end else pub.end.year + 1
            else:
                year = ref.year
            start = date(year, first_month, 1)
            end_year, end_month = add_months(start, 2)
            return Placed(relation, start, month_interval(end_year, end_month)[1], "season", year_anchor)

    for word, month in MONTHS.items():
        if _has(word, lowered):
            return _month_placed(relation, ref.year, month, lowered, year_anchor)

    # Year-relative phrases; "earlier this year" runs from 1 January to publication.
    if re.search(r"(plus tôt|earlier|no início) (cette|this|deste) (année|year|ano)", lowered):
        end = ref.published.end if ref.published is not None and ref.published.end else date(ref.year, 12, 31)
        return Placed("in", date(ref.year, 1, 1), end, "range", year_anchor)
    if re.search(r"(final|fin|end) (do|de l'|of the) ?(ano|année|year)", lowered):
        # "até o final do ano": a deadline at the year's end, i.e. its last day; "at the end of the
        # year" without a deadline is its last dekad.
        if relation == "by":
            return Placed("by", date(ref.year, 12, 31), date(ref.year, 12, 31), "day", year_anchor)
        return Placed(relation, date(ref.year, 12, 21), date(ref.year, 12, 31), "dekad", year_anchor)
    if re.search(r"(this|cette|este|deste) (year|année|ano)", lowered):
        said = ref.published
        if said is not None and said.start is None and said.end is not None:
            # Words said at an undated time up to `said.end` ("Musk has revealed … this year"): their year is
            # not known, only that it is no later than the year of that end.
            return Placed(relation, None, date(said.end.year, 12, 31), "range", year_anchor)
        return Placed(relation, date(ref.year, 1, 1), date(ref.year, 12, 31), "year", year_anchor)
    if re.search(r"(last|previous) year|l'année dernière|ano passado", lowered):
        year = ref.year - 1
        return Placed(relation, date(year, 1, 1), date(year, 12, 31), "year", year_anchor)
    if re.search(r"next year|l'année prochaine|próximo ano", lowered):
        year = ref.year + 1
        return Placed(relation, date(year, 1, 1), date(year, 12, 31), "year", year_anchor)

    raise DateError(
        f"cannot place {text!r} on the calendar; expected an ISO date, a year, a month or season name, "
        "or a relative phrase (today, recently, last week, this year, next 18 months, ...); "
        "if it is not a calendar time (e.g. 'at start-up'), set calendar: false on the entry"
    )
