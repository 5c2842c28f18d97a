"""One clause, one speaker, one time: rows that quote the same clause must agree on who says it and when.

Two independent reviews found the same kind of defect again and again: a claim and a relation taken from
the same words credited to different sources ("A outra metade da unidade será construída pela
Supermicro": Musk for the claim, the outlet for the relation), or dated to different statement times
("No início deste mês, Musk anunciou …": 1-10 June for the claim, the whole of June for the relations).
The words say one thing, so the rows must say one thing. This module checks it for one article (pure;
the build calls it per article, so the streamed build checks batch by batch).

The rule (docs/content.md, "One clause, one speaker, one time"):

- **Clauses** are computed from the text: each sentence (superclusters/inputs/sentences.py) is cut at a
  semicolon or colon followed by white space, and at a dash (– or —, or a hyphen) with white space on
  both sides. A row lies in every clause its quote overlaps; two rows quote the same clause when they
  share one. Commas do not cut: "À l'époque, nous avions entendu dire que …, afin de …" is one clause.
- **Agreement.** Two rows of one clause (claims, relations, events) must have the same attribution
  (attribution_kind and the source it names) and the same statement time (stated_start, stated_end).
- **Reports of an act differ by design.** An event of a speech type (SPEECH_EVENT_TYPES: someone
  announced, stated, published, asked) whose quote contains another row's quote reports the act
  of saying it: "No início deste mês, Musk anunciou que [o cluster … estará disponível em alguns meses]"
  is the outlet's report of Musk's act, while the claim inside it is Musk's words. Such a pair is not
  compared on attribution; instead the contained row must carry the act's time as its statement time:
  the event's date where it has a calendar one, otherwise "some time up to" the report (the event's own
  stated_end).
- **Exceptions** are written in the reading: a `clause_note` on either entry says why the two differ
  (an apposition in the outlet's own voice inside reported words, say). A note on an entry that agrees
  with every row of its clause is refused, so notes never go stale.

Every disagreement is reported once, naming both entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

# Event types that record an act of saying, publishing or asking something: what was said is carried by
# the rows the event's quote contains. A video_post is not one: a video shows, and the words around it
# ("montre les composants internes du cluster … Cortex AI de Tesla") are the outlet's description.
SPEECH_EVENT_TYPES = frozenset({"announcement", "statement", "interview", "disclosure", "publication", "report", "poll"})

# Where a sentence is cut into clauses: "; " or ": " (also the French " : "), and a dash with white space
# on both sides (" – ", " — ", " - "). A dash between words ("tools—they're") does not cut.
_CLAUSE_BREAK = re.compile(r"[;:](?=\s)|\s[–—-](?=\s)")

Interval = tuple[date | None, date | None]


@dataclass(frozen=True)
class Said:
    """What one row says about who is speaking and when, for the check."""

    entry: str  # as in every message: "claims[3] ('Tesla avait pour objectif de mettre en pl')"
    span: tuple[int, int]
    source: tuple[str, str]  # (attribution_kind, the source as curated: an id, a party label or 'the outlet')
    stated: Interval  # statement time: stated_start, stated_end
    act: Interval | None  # for an event of a speech type: when the act took place
    clause_note: str | None

    @property
    def reports_an_act(self) -> bool:
        return self.act is not None


def said_of(table: str, entry: Any, row: dict[str, Any]) -> Said:
    """The Said record of a derived claim, event or relation row and the reading entry it came from."""
    act = None
    if table == "events" and row["event_type"] in SPEECH_EVENT_TYPES:
        dated = row["date_text"] is not None and row["date_precision"] not in (None, "none")
        act = (row["date_start"], row["date_end"]) if dated else (None, row["stated_end"])
    return Said(
        entry=f"{table}[{entry.index}] ({entry.quote[:40]!r})",
        span=(row["char_start"], row["char_end"]),
        source=(entry.attribution_kind, entry.attributed_to),
        stated=(row["stated_start"], row["stated_end"]),
        act=act,
        clause_note=entry.clause_note,
    )


def clause_spans(text: str, sentences: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of every clause, in text order: each sentence cut at _CLAUSE_BREAK, white space trimmed."""
    found = []
    for start, end in sentences:
        piece_start = start
        for match in _CLAUSE_BREAK.finditer(text, start, end):
            found.append((piece_start, match.start()))
            piece_start = match.end()
        found.append((piece_start, end))
    trimmed = []
    for start, end in found:
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            trimmed.append((start + lead, start + lead + len(piece.strip())))
    return trimmed


def _clauses_of(span: tuple[int, int], clauses: list[tuple[int, int]]) -> set[int]:
    return {i for i, (start, end) in enumerate(clauses) if start < span[1] and span[0] < end}


def _contains(outer: Said, inner: Said) -> bool:
    return outer.span[0] <= inner.span[0] and inner.span[1] <= outer.span[1]


def _shown_interval(interval: Interval) -> str:
    start, end = interval
    if start is None and end is None:
        return "no statement time"
    if start is None:
        return f"some time up to {end}"
    return str(start) if start == end else f"{start} to {end}"


def _shown_source(source: tuple[str, str]) -> str:
    return f"{source[1]!r} ({source[0]})"


def _disagreements(a: Said, b: Said) -> Iterator[tuple[Said, str, str]]:
    """(entry to report, field, problem) for one pair of rows of one clause."""
    act_report, inner = (a, b) if a.reports_an_act and _contains(a, b) else (b, a) if b.reports_an_act and _contains(b, a) else (None, None)
    if act_report is not None and inner is not None:
        if inner.stated != act_report.act:
            yield (
                inner,
                "stated",
                f"lies inside {act_report.entry}, which reports the act of saying it ({_shown_interval(act_report.act)}), "
                f"but its statement time is {_shown_interval(inner.stated)}; expected the act's time (give `stated` the words that date it), "
                "or the reason in clause_note",
            )
        return
    if a.source != b.source:
        yield (
            a,
            "attributed_to",
            f"quotes the same clause as {b.entry}, but is attributed to {_shown_source(a.source)} and that to {_shown_source(b.source)}; "
            "expected the same source for words of one clause, or the reason in clause_note (of either entry)",
        )
    if a.stated != b.stated:
        yield (
            a,
            "stated",
            f"quotes the same clause as {b.entry}, but was said {_shown_interval(a.stated)} and that {_shown_interval(b.stated)}; "
            "expected the same statement time for words of one clause, or the reason in clause_note (of either entry)",
        )


def check_clauses(said: list[Said], clauses: list[tuple[int, int]]) -> list[tuple[str, str, str]]:
    """(entry, field, problem) for every pair of rows of one clause that disagree without a clause_note,
    and for every clause_note on a row that disagrees with none (pure)."""
    ordered = sorted(said, key=lambda s: (s.span, s.entry))
    where = [_clauses_of(s.span, clauses) for s in ordered]
    problems: list[tuple[str, str, str]] = []
    differs: set[int] = set()
    for i, a in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            b = ordered[j]
            if not where[i] & where[j]:
                continue
            found = list(_disagreements(a, b))
            if found:
                differs.update((i, j))
            if found and not (a.clause_note or b.clause_note):
                problems.extend((row.entry, field, message) for row, field, message in found)
    for i, s in enumerate(ordered):
        if s.clause_note and i not in differs:
            problems.append((s.entry, "clause_note", "the entry agrees with every row quoting its clause (source and statement time); remove clause_note"))
    return problems
