"""A fast first parse of a curated YAML file, taken only when it provably gives PyYAML's objects.

Composing nodes with PyYAML's C loader and constructing objects in Python costs about 1.9 ms a reading
(CPU, synthetic corpus); yaml_rs (Rust, YAML 1.2) with the checks below, about 0.65 ms. But yaml_rs is
no drop-in replacement, and `fast_load` answers only when the differences provably cannot matter; every
other text is left to the careful PyYAML path in readings.parse_yaml, which alone words the problems
(line and column). yaml_rs 0.1.6 differs from PyYAML 6 (YAML 1.1) in these ways, each handled here:

- Typing of plain scalars (YAML 1.2 core schema vs 1.1): `yes`/`no`/`on`/`off` and sexagesimal `1:30`
  stay text; `0o17`, `09`, `_1`, `1e3`, `+.5` become numbers where PyYAML keeps text; `012` is 12, not
  octal 10. The text is refused when it holds a number-like token the two read differently
  (`_NUMBER_RUN`, `_same_number`); any float, date or datetime in the result is refused; and a text
  value PyYAML would type if it were plain (`_py_typed`) is kept only if yaml_rs would have typed it too,
  or if it provably was quoted (`_same_as_pyyaml`), else the text is refused.
- With parse_datetime on, it turns a *quoted* '2024-08-26' into a date (a bug: quoted is text in YAML),
  so it is off: dates stay text, and a date-like text value is judged as above.
- It silently ignores tags (`!foo 1` reads as '1'; PyYAML refuses an unknown tag) and expands aliases
  (the readings refuse them before expanding): the text is refused on any `!`, `&` or `*` that can start
  a node, and alias replay is limited to zero as a second guard.
- It does not apply merge keys (`<<`) and accepts `=`; both are caught as plain text PyYAML would type.
- It accepts tabs, control characters, a BOM and NEL/LS/PS (which YAML 1.1 reads as line breaks):
  such texts are refused (`_refused_text`).
- Escapes in double-quoted scalars: it reads the YAML 1.2 escape `\\/`, and joins a surrogate pair
  written as two escapes (`"\\ud83d\\ude00"`) into one character, which libyaml refuses and PyYAML's
  pure-Python scanner keeps as two lone surrogates (readings.py refuses those). The readings need
  only `\\n` (and a curator may write `\\"` or `\\\\`), which every parser reads alike (in plain and
  single-quoted scalars a backslash is itself to all of them): a text holding any other backslash is
  refused (`_ESCAPE`), so other escapes are PyYAML's alone to read.
- It reads an empty `|` or `>` block scalar as a line break (PyYAML and the spec: empty): only the strip
  headers `|-` and `>-` (the ones the readings use) are taken.
- In flow collections it reads `[x:]` as a mapping and `[|x]`, `[:x]`, `[?x]` as text, where PyYAML
  refuses them or reads a mapping: only one-line flow collections of simple words are taken (`_FLOW`),
  and a text value starting with an indicator character only if provably quoted.
- It reads several documents as a list, a top-level block scalar at column 0, and a list used as a key
  as a tuple: document markers and directives are refused, the result must be a mapping (or empty),
  and every key must be text.
- Duplicate keys: yaml_rs refuses them with DuplicateKeyPolicy.Error (its default, passed explicitly);
  the text then falls back and PyYAML's loader words the problem. Keys being text, PyYAML's check (on
  the keys' text) and yaml_rs's (on their values) find the same duplicates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from .limits import MAX_NESTING

try:  # as readings.py: the C loader where libyaml is there
    from yaml import CSafeLoader as _PyLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _PyLoader  # type: ignore[assignment]

try:  # a missing yaml_rs only costs speed: every text takes the PyYAML path
    import yaml_rs
except ImportError:  # pragma: no cover
    yaml_rs = None  # type: ignore[assignment]


REFUSED = object()  # fast_load's answer when only the PyYAML path may decide

# Anything in the text under which yaml_rs and PyYAML could read different objects, or only one of them
# could read it at all. A false alarm only costs the fast path; a miss would be a wrong reading. Split in
# cheap tests (about 0.2 ms for a 19 kB reading) rather than one regex with a lookbehind at every position.
# Every character but LF and the printable ones PyYAML accepts, less NEL, LS, PS and the BOM: tabs, CR,
# control characters, and the line separators YAML 1.1 breaks lines on (yaml_rs keeps them as text).
_BAD_CHARACTER = re.compile(r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_ESCAPE = re.compile(r'\\(?![n"\\])')  # a backslash other than in the escapes \n, \" and \\ (all three parsers read those alike)
_NODE_PROPERTY = re.compile(r"(?<!\w)[!&*]")  # a tag, anchor or alias can start any node not inside a word
# A block scalar header other than `>-` and `|-`: yaml_rs reads an empty `|` or `>` as "\n" (PyYAML, and
# the YAML spec: ""), and clip and keep chomping at the end of a text are where parsers differ most.
_BLOCK_HEADER = re.compile(r"(?:^|[ ])[|>](?:[0-9+]|-[0-9]|[ ]*(?:#|$))", re.MULTILINE)
_DOCUMENT_LINE = ("---", "...", "%")  # document markers and directives, at a line's start

# A run of the characters an integer can hold in either grammar (signs, digits, letters, `_`) that could
# be a whole plain scalar (after a space, a flow indicator or `:`, up to one) and starts with 0 or `_`.
# yaml_rs reads `012` as 12 (PyYAML: octal 10), `09`, `0o17`, `0X1F` and `_1` as integers (PyYAML:
# text), so each such run is read by both parsers (`_same_number`). Runs starting 1-9 (`1_000`, `1__0`)
# are read alike: tests/test_fast_yaml.py checks this claim on generated tokens.
_NUMBER_RUN = re.compile(r"[\s\[{,:]([-+]?(?:0\w|_)[-+\w]*)(?=[\s,\]}:]|\Z)")


# Flow collections (`[a, b]`, `{a: b}`) are where YAML 1.1 and 1.2 differ most: yaml_rs reads `[x:]` as
# a mapping, `[|x]`, `[:x]` and `{a:b: c}` as text, where PyYAML refuses them or reads another thing.
# So each one must be on one line, of plain words or simple quoted text, a mapping's values possibly
# such a list (the synthetic registry's `id: {aliases: [A, B], name: A}`); one that starts a node (after a
# space or at a line's start) and is not, refuses the text.
_FLOW_START = re.compile(r"(?<![^ \n])[\[{]")
_FLOW_ITEM = r"""(?:"[^"\\\n]*"|'(?:[^'\n]|'')*'|\w[\w .+/'"();-]*)"""
_FLOW_SEQUENCE = rf"\[ *(?:{_FLOW_ITEM} *(?:, *{_FLOW_ITEM} *)*)?\]"
_FLOW_VALUE = rf"(?:{_FLOW_ITEM}|{_FLOW_SEQUENCE})"
_FLOW = re.compile(
    rf"(?:{_FLOW_SEQUENCE}|\{{ *(?:{_FLOW_ITEM}: +{_FLOW_VALUE} *(?:, *{_FLOW_ITEM}: +{_FLOW_VALUE} *)*)?\}})(?: +#.*)?$",
    re.MULTILINE,
)


def _simple_flows(text: str) -> bool:
    """True if every flow collection in the text is one _FLOW matches (a list inside one is its part)."""
    end = 0
    for start in _FLOW_START.finditer(text):
        if start.start() < end:
            continue
        match = _FLOW.match(text, start.start())
        if match is None:
            return False
        end = match.end()
    return True


def _refused_text(text: str) -> bool:
    """True if the text holds something yaml_rs may read unlike PyYAML (see the module's docstring)."""
    if _BAD_CHARACTER.search(text) or "\\" in text and _ESCAPE.search(text):  # escapes: see the module's docstring
        return True
    if ("!" in text or "&" in text or "*" in text) and _NODE_PROPERTY.search(text):
        return True
    if text.startswith(_DOCUMENT_LINE) or any(f"\n{marker}" in text for marker in _DOCUMENT_LINE):
        return True
    if ("|" in text or ">" in text) and _BLOCK_HEADER.search(text):
        return True
    if ("[" in text or "{" in text) and not _simple_flows(text):
        return True
    return text.startswith(("-", "+", "0", "_")) or not all(_same_number(run) for run in set(_NUMBER_RUN.findall(text)))


_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _py_typed(text: str) -> bool:
    """True if PyYAML would read `text`, as a plain scalar, as something else than text (bool, int,
    float, null, timestamp, merge or value)."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG


# The first characters PyYAML's implicit resolvers look at: a text starting otherwise is text to both.
_TYPED_FIRST = frozenset(key for key in yaml.resolver.Resolver.yaml_implicit_resolvers if key is not None)


@lru_cache(maxsize=4096)
def _rs_typed(text: str) -> bool:
    """True if yaml_rs would read `text`, as a plain scalar, as something else than text: then a text
    value equal to it in its result was quoted, and PyYAML reads it as text too."""
    try:
        return type(yaml_rs.loads(f"k: {text}\n", parse_datetime=False, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)["k"]) is not str
    except Exception:  # not even a valid plain scalar: not provably quoted
        return False


@lru_cache(maxsize=4096)
def _same_number(run: str) -> bool:
    """True if both parsers read `run`, as a plain scalar, as the same object of the same type."""
    try:
        ours = yaml_rs.loads(f"k: {run}\n", parse_datetime=False)["k"]
        theirs = yaml.load(f"k: {run}\n", Loader=_PyLoader)["k"]
    except Exception:
        return False
    # Text from yaml_rs is judged in _checked, like every text value; a number must be PyYAML's number.
    return type(ours) is str or (type(ours) is type(theirs) and ours == theirs)


def _same_as_pyyaml(value: str, text: str) -> bool:
    """True unless PyYAML might read this text value differently: it could have been a plain scalar
    that PyYAML types (yes, 1:30, 2024-08-26, <<) and yaml_rs does not.

    A plain scalar stands verbatim in the text, after a space, a flow indicator or the start, never
    right after a quote; so a value without whitespace (which folding a multi-line plain scalar would
    add) whose every occurrence follows a quote was quoted, and is text to PyYAML too.
    """
    first = value[:1]
    if first in _INDICATORS:
        pass  # the occurrence test below, whatever the types
    elif first not in _TYPED_FIRST and value or not _py_typed(value) or _rs_typed(value):
        return True
    if not value or any(c.isspace() for c in value):
        return False
    start = text.find(value)
    while start >= 0:
        if start == 0 or text[start - 1] not in "\"'":
            return False
        start = text.find(value, start + 1)
    return True


# Characters PyYAML (YAML 1.1) does not let a plain scalar start with inside a flow collection, or reads
# as an indicator there (`[?a]` is a mapping to PyYAML), but yaml_rs reads as text (`[|x, :y, ?z]`).
# A text value starting with one is taken only when it was provably quoted.
_INDICATORS = frozenset("|>?:%@`")
_FIRST = _TYPED_FIRST | _INDICATORS


def _checked(value: Any, text: str) -> bool:
    """True if every value in yaml_rs's result is one PyYAML would give for the same text, and lists and
    mappings nest at most MAX_NESTING levels (the PyYAML path reports a deeper one at its line)."""
    first = _FIRST  # most text starts with none of these: skip the call (hot loop)
    level, depth = [value], 0  # the values at one nesting depth, walked a depth at a time
    while level:
        below: list = []
        for current in level:
            kind = type(current)
            if kind is str:
                if (current[:1] in first or not current) and not _same_as_pyyaml(current, text):
                    return False
            elif kind is dict:
                if depth >= MAX_NESTING:
                    return False
                for key, item in current.items():
                    if type(key) is not str or (key[:1] in first or not key) and not _same_as_pyyaml(key, text):
                        return False  # a number, boolean, null or list as a key: PyYAML's path words it
                    below.append(item)
            elif kind is list:
                if depth >= MAX_NESTING:
                    return False
                below.extend(current)
            elif not (current is None or kind is bool or kind is int):
                return False  # floats, dates, datetimes: YAML 1.1 and 1.2 read different texts as these
        level, depth = below, depth + 1
    return True


_ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=0) if yaml_rs is not None else None  # an alias: an error


def fast_load(text: str) -> Any:
    """The objects PyYAML's safe loader (with the readings' checks) gives for `text`, or REFUSED."""
    if yaml_rs is None or _refused_text(text):
        return REFUSED
    try:
        value = yaml_rs.loads(text, parse_datetime=False, alias_limits=_ALIAS_LIMITS, duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except Exception:  # any refusal (syntax, duplicate key, alias) is worded by PyYAML's path
        return REFUSED
    if not (value is None or type(value) is dict):
        # Curated files are mappings; a top-level block scalar, for one, is read unlike PyYAML (yaml_rs
        # takes content at column 0 that PyYAML refuses). The PyYAML path words what is wrong.
        return REFUSED
    return value if _checked(value, text) else REFUSED
