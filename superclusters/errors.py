"""Errors a user can act on: each names the file, the entry, the field, the value and what was expected."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SHOWN_CHARS = 80  # how much of a curated value an error message echoes


def shown(value: Any) -> str:
    """A value for an error message: its repr, cut to SHOWN_CHARS so a huge value never floods the output."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}… ({len(text)} characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the inputs or outputs, located as precisely as we can."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.file, self.entry, self.field) if part)
        return f"{where}: {self.message}"


class BuildError(Exception):
    """Raised with every problem found in a stage, so one run reports them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s):"] + [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class Collector:
    """Gathers problems across a stage; `raise_if_any` ends the stage with all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, entry: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, entry, field, message))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise BuildError(self.problems)
