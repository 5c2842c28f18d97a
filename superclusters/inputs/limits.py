"""Every limit on what the package reads, stated once, and the checks that apply them before the work they guard.

- `MAX_SEED_BYTES` (500,000): an article, by its size before it is read (`build.py add`, `build.py draft`,
  the build, a draft's seed, and a downloaded package's seed). The seeds are 2-6 kB and a long feature runs to
  100 kB; half a megabyte is some 80,000 words. It keeps what follows an article bounded: its draft reading (a
  stub per sentence and the drafter's proposals, each quoting the text) stays well under MAX_CURATED_BYTES,
  and the drafter's run within seconds.
- `MAX_CURATED_BYTES` (5,000,000): a reading or the registry, by its size before it is read and by the
  text's length before it is parsed. The largest today is 40 kB.
- `MAX_NESTING` (64 levels of lists and mappings): any YAML or JSON, before a parser runs (`json_loads`;
  `yaml_surely_within`, else `yaml_too_deep_at`). Readings nest 4 levels, the descriptor 6; the parsers
  recurse (PyYAML's C composer and yaml_rs crash the process near 100,000 levels) and libyaml is quadratic
  in the depth of flow collections.
- `MAX_JSON_BYTES` (64 MiB): the descriptor and a schema, by size before it is read (`read_json`). The
  descriptor of a 10,000-article package is about 10 MB.
- No limit on a CSV row: the read-back reads blocks as large as the largest batch written, so any cell
  the build accepts reads back (publish/verify.py).

The loader's limits on downloads are in `superclusters/loader.py` (README, "Security of downloads").
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

MAX_SEED_BYTES = 500_000
MAX_CURATED_BYTES = 5_000_000
MAX_NESTING = 64
MAX_JSON_BYTES = 64 * 2**20


def too_deep(depth: int) -> str:
    return f"nested {depth} levels deep or more; lists and mappings may nest at most {MAX_NESTING} levels"


_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_loads(text: str) -> Any:
    """`json.loads`, refusing a text nested deeper than MAX_NESTING before it is parsed.

    The refusal is a `json.JSONDecodeError` (a ValueError) at the bracket that goes too deep, so every
    caller that reports invalid JSON with its line and column reports this the same way. Python's json
    raises RecursionError (not a ValueError) near 1,000 levels, and what reads the result recurses too.
    """
    if text.count("[") + text.count("{") > MAX_NESTING:
        brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))  # strings cannot hold structure
        if brackets and max(accumulate(map(_BRACKET_STEP.__getitem__, brackets))) > MAX_NESTING:
            depth, position = 0, 0
            for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text, re.DOTALL):
                depth += _BRACKET_STEP.get(match.group(), 0)
                if depth > MAX_NESTING:
                    position = match.start()
                    break
            raise json.JSONDecodeError(too_deep(MAX_NESTING + 1), text, position)
    return json.loads(text)


class TooLarge(ValueError):
    """A file over its size limit, refused before it was read."""


def read_json(path: Path, limit: int = MAX_JSON_BYTES) -> Any:
    """A JSON file's value: OSError if unreadable, TooLarge over `limit` bytes (by its size, before reading),
    UnicodeDecodeError or json.JSONDecodeError (also for nesting deeper than MAX_NESTING) if malformed."""
    size = path.stat().st_size
    if size > limit:
        raise TooLarge(f"is {size} bytes; expected at most {limit}")
    return json_loads(path.read_bytes().decode("utf-8"))


def json_problem(exc: Exception) -> tuple[str, str]:
    """(where, what) for a failure of `read_json`, for a problem line."""
    if isinstance(exc, json.JSONDecodeError):
        return f"line {exc.lineno}, column {exc.colno}", f"invalid JSON: {exc.msg}"
    if isinstance(exc, UnicodeDecodeError):
        return f"byte {exc.start}", f"invalid UTF-8 ({exc.reason}); expected UTF-8 JSON"
    if isinstance(exc, TooLarge):
        return "", str(exc)
    return "", f"cannot be read ({getattr(exc, 'strerror', None) or exc})"


# YAML nesting. Every YAML parser here recurses (or is quadratic) in the depth, so a text is read only
# where its depth is known to be small: from the text alone (cheap) where it surely nests less than
# PARSER_SAFE_NESTING, which every parser takes without harm (PyYAML's pure-Python composer fails near 450),
# and MAX_NESTING is then checked on what was parsed; elsewhere by PyYAML's event stream, which is iterative
# and stopped at MAX_NESTING (so linear in the text).
#
# The bound from the text: flow collections nest at most once per `[` or `{` in it. A block collection
# nested in another starts at a greater column, but for a sequence that is a mapping's value (which may
# share its column), so block collections nest at most twice the widest column one can start at, plus one;
# and one starts after a line's indentation and its leading indicators (`- `, `? `, `: `): no parser
# here takes a block collection after a tag or an anchor on the same line, nor after `---`. Line
# breaks are YAML 1.1's (PyYAML's) and 1.2's.
PARSER_SAFE_NESTING = 200
_OTHER_BREAKS = str.maketrans("\r\x85\u2028\u2029", "\n\n\n\n")


@lru_cache(maxsize=256)
def _prefix_wider_than(columns: int) -> re.Pattern:
    # A line break, then the prefix: a pattern that starts with a literal character is searched for that
    # character first (some ten times faster than `^` with MULTILINE, tried at every position).
    return re.compile(rf"\n[ \t\ufeff?:-]{{{columns + 1}}}")


def yaml_surely_within(text: str, depth: int) -> bool:
    """True if lists and mappings in `text` cannot nest deeper than `depth`, whichever parser reads it
    (judged from the text alone, conservatively: False says only that it might)."""
    room = depth - text.count("[") - text.count("{")
    widest = room // 2 - 1
    if widest < 0:
        return False
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = text.translate(_OTHER_BREAKS)
    wider = _prefix_wider_than(widest)
    return wider.search(text) is None and wider.match("\n" + text[: widest + 1]) is None  # the first line too


def yaml_too_deep_at(text: str) -> tuple[int, int] | None:
    """(line, column), 1-based, where lists and mappings in `text` first nest deeper than MAX_NESTING, or None.

    Raises what PyYAML raises on text it cannot parse (a YAMLError; ValueError for an escape Python cannot
    hold), once the error is reached at a depth within the limit: so the parse proper, which stops at the
    same place, never goes deeper either.
    """
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    depth = 0
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                return event.start_mark.line + 1, event.start_mark.column + 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None
