"""Split a seed into sentences by a documented rule, so every sentence can be accounted for.

The rule (tested on all five seeds, in Portuguese, French and English):
- a line break always ends a sentence (headlines, date lines and section headings stand on their own lines);
- inside a line, a sentence ends after `.`, `!`, `?` or `…` (and any closing quotes or brackets right
  after it) when white space follows and the next character starts a sentence: an upper-case letter,
  a digit, or an opening quote or bracket;
- except after a known abbreviation ("Inc.", "Mr.", "Dr.", "M.", "Mme.", "Sr.", "Sra.", "etc.") or a
  single capital letter (an initial);
- spans exclude the white space around the sentence; empty lines yield nothing.

A maintained segmenter was considered: pysbd has no Portuguese rules and NLTK's punkt needs model
data that cannot be fetched here; the seeds' sentences are plain enough that this rule segments them
all as a reader would (the test lists every boundary it draws in the seeds).
"""

from __future__ import annotations

import re

ABBREVIATIONS = {"inc", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "sra", "m", "mme", "mlle", "etc", "vs", "p", "pp", "no", "nº", "e.g", "i.e"}
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))
# A run of end marks (and closing quotes or brackets) followed by white space and the character after it.
# Linear in the line (issue 20): a match starts only at the first mark of a run and never backtracks
# (possessive quantifiers), and the next character is captured here instead of slicing the rest of the
# line at every boundary, which made a long line quadratic (a one-line 100 kB article took 4.8 s).
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[”\"»)’']*+(?=\s++([\w“\"«(¿¡‘']))")
_WORD_OR_DOT = re.compile(r"[\w.]")


def _ends_with_abbreviation(line: str, end: int) -> bool:
    """Whether line[:end] ends with '.' after a known abbreviation or a single capital (an initial).

    The word is the run of word characters and dots before the final '.'; only the last few characters
    are looked at, since a longer run is no abbreviation (a whole-line search made splitting quadratic)."""
    if end < 2 or line[end - 1] != ".":
        return False
    start = end - 1
    floor = max(0, end - 1 - (_LONGEST_ABBREVIATION + 1))
    while start > floor and _WORD_OR_DOT.match(line, start - 1):
        start -= 1
    if start == floor and floor > 0 and _WORD_OR_DOT.match(line, floor - 1):
        return False  # the run goes on: longer than any abbreviation
    token = line[start : end - 1]
    return bool(token) and (token.lower() in ABBREVIATIONS or (len(token) == 1 and token.isupper()))


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in "“\"«(¿¡‘'"


def _line_sentences(line: str) -> list[tuple[int, int]]:
    """Sentence spans inside one line, before trimming."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(line):
        if _starts_sentence(match.group(1)) and not _ends_with_abbreviation(line, match.start() + 1):
            spans.append((start, match.end()))
            start = match.end()
    spans.append((start, len(line)))
    return spans


def segment(text: str) -> list[tuple[int, int]]:
    """(start, end) code-point spans of every sentence, in text order, white space excluded."""
    found: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        for start, end in _line_sentences(line):
            piece = line[start:end]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                found.append((offset + start + lead, offset + start + lead + len(stripped)))
        offset += len(line) + 1
    return found
