"""English words for the codes the tables publish (verdicts, comparators, properties, times), so that the figure and
the site say the same thing the same way. Pure functions of published values; nothing here adds to what a row says.

The codes themselves are defined by the schemas (schemas/claims.json, schemas/claim_groups.json); the labels of
properties and the wording of a figure are the profiles' own (derive.profiles: ATTRIBUTES, amount_text), so a
figure reads the same in profile_facts, on the site and in the plot. A code nothing here knows is shown as it is,
with underscores as spaces, rather than guessed at.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..derive.profiles import ATTRIBUTES, COMPARATOR_WORDS, amount_text

# claim_groups.status -> (a short badge, a sentence that says what the verdict means), after the schema's description.
STATUS_WORDS = {
    "conflict": ("sources disagree", "The articles disagree: their figures for the same time cannot both be true."),
    "revision": ("revised", "A later statement revises an earlier one."),
    "unresolved": ("cannot tell", "The seeds do not say whether the figures apply to the same time, so they are not compared."),
    "agree": ("sources agree", "The articles agree: their figures are compatible."),
    "different_time": ("different times", "The figures apply to different times, so they are not compared."),
    "not_comparable": ("not comparable", "The statements are of different kinds (for example a plan and a reported fact), so they are not compared."),
    "single_source": ("one source", "Only one article states it."),
}
# Words inside property codes that name a unit: power_mw is "Power (MW)".
UNIT_SUFFIXES = {"_mw": "MW", "_usd": "USD", "_gbps": "Gbit/s"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def status_badge(status: str) -> str:
    return STATUS_WORDS.get(status, (status.replace("_", " "), ""))[0]


def status_sentence(status: str) -> str:
    return STATUS_WORDS.get(status, ("", f"Verdict: {status.replace('_', ' ')}."))[1]


def property_label(code: str) -> str:
    """'power_mw' -> 'Power (MW)', 'gpu_count' -> 'GPU count': the profiles' label for it (derive.profiles.ATTRIBUTES),
    with the unit in brackets where the code names one; a code the profiles do not know is shown with spaces."""
    label = ATTRIBUTES[code][0] if code in ATTRIBUTES else code.replace("_", " ")
    unit = next((u for suffix, u in UNIT_SUFFIXES.items() if code.endswith(suffix)), "")
    return f"{label} ({unit})" if unit and unit not in label else label


def quantity(comparator: str, value: Any, unit: str) -> str:
    """'~', 100000, 'GPU' -> 'about 100,000 GPUs': a claim's figure as the profiles word it (derive.profiles.amount_text)."""
    if not isinstance(value, int | float) or value != value:
        return ""
    return amount_text({"comparator": comparator if comparator in COMPARATOR_WORDS else "=", "value": value, "unit": unit or None})


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def interval(start: Any, end: Any, precision: str) -> str:
    """An interval in the precision its words have: 'Aug 2024', '2026', '1–10 Jul 2024', '26 Aug 2024'."""
    first, last = _date(start), _date(end)
    if first is None and last is None:
        return ""
    if first is None or last is None:
        return _day(first or last)  # type: ignore[arg-type]
    if precision == "year" and first.year == last.year:
        return str(first.year)
    if precision == "month" and (first.year, first.month) == (last.year, last.month):
        return f"{MONTHS[first.month - 1]} {first.year}"
    if first == last:
        return _day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[first.month - 1]} {first.year}"
    return f"{_day(first)} – {_day(last)}"


def when(relation: str, start: Any, end: Any, precision: str) -> str:
    """A normalised time in English: 'by Aug 2024', 'in 2024', 'after 11 Jun 2024'; '' where the words name no calendar time."""
    if precision == "none" or not (start or end):
        return ""
    if not start:  # only a latest date: 'previously', said before the article's date
        relation = "by"
    elif not end:
        relation = "after"
    if relation == "by":
        return f"by {interval(end, end, precision) if precision in ('day', 'range') else interval(start or end, end, precision)}"
    if relation == "after":
        return f"after {interval(start, start, 'day')}" if start else ""
    shown = interval(start, end, precision)
    if shown and _date(start) == _date(end) and precision not in ("year", "month"):
        return f"on {shown}"  # one day
    return f"in {shown}" if shown else ""
