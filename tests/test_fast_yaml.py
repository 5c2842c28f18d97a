"""The fast YAML path (yaml_rs) answers only with the objects the careful PyYAML path gives.

Every test compares fast_yaml.fast_load with the PyYAML path of readings.parse_yaml on the same text:
fast_load may refuse any text (the PyYAML path then decides), but whatever it answers must be exactly
PyYAML's answer (same types, same order), and a text PyYAML refuses must never be answered.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from superclusters.errors import Collector
from superclusters.inputs import fast_yaml, readings
from superclusters.inputs.fast_yaml import REFUSED, fast_load

PYYAML_REFUSED = "refused by the PyYAML path"


def pyyaml(text: str) -> object:
    """What parse_yaml's PyYAML path gives for `text`, or PYYAML_REFUSED if it records a problem or raises."""
    loader = readings._Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if readings._shared_node(node) is not None:
            return PYYAML_REFUSED
        return loader.construct_document(node)
    except Exception:  # a YAMLError is a problem; PyYAML raises ValueError on 2024-02-30
        return PYYAML_REFUSED
    finally:
        loader.dispose()


def exact(value: object) -> str:
    """A form that tells 1 from True from 1.0 from '1', a date from its text, and key order."""
    return repr(value)


def assert_agrees(text: str) -> object:
    fast = fast_load(text)
    if fast is REFUSED:
        return fast
    expected = pyyaml(text)
    assert expected is not PYYAML_REFUSED, f"yaml_rs answered a text the PyYAML path refuses: {text!r} -> {fast!r}"
    assert exact(fast) == exact(expected), f"{text!r}: yaml_rs {fast!r}, PyYAML {expected!r}"
    return fast


def test_the_real_readings_take_the_fast_path_and_agree(root: Path) -> None:
    """A regression that refused every reading would silently lose the speed: the real ones must pass."""
    for path in sorted((root / "readings").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert fast_load(text) is not REFUSED, path.name
        assert_agrees(text)


def test_a_synthetic_corpus_takes_the_fast_path_and_agrees(root: Path, tmp_path: Path) -> None:
    from benchmarks.synthetic import generate

    corpus = generate(root, tmp_path / "corpus", 40)
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "readings").glob("*.yaml"))]
    answered = [text for text in texts if assert_agrees(text) is not REFUSED]
    assert len(answered) >= 0.9 * len(texts)


# Plain scalars YAML 1.1 (PyYAML) and 1.2 (yaml_rs) type differently, and their neighbours.
TRICKY = [
    *"yes Yes YES no No NO on On ON off Off OFF y Y n N true True TRUE false False FALSE tRUE".split(),
    *"~ null Null NULL nULL".split(),
    *"0 00 012 09 0o17 0O17 0x1F 0X1F 0b101 0B1 0x_1 0b_1 0o_1 _1 1_ 1_000 1__0 +12 -0 +0 -012 +_1 1e3 1E3 1e+3 1.5 +.5 .5 5. 0.".split(),
    *".inf .Inf -.inf .nan .NaN 1:30 1:30.5 190:20:30 -1:30".split(),
    *"2024-08-26 2024-8-26 2024-02-30 2024-08 20240826 2001-12-14t21:59:43.10-05:00 2024-08-26T00:00:00Z".split(),
    *"<< = - -- + . .. 123456789012345678901234567890 0xffffffffffffffffffff".split(),
    "",
    "2001-12-14 21:59:43.10 -5",
    "foo",
    "003_0136",
]


def contexts(token: str) -> list[str]:
    single = "'" + token.replace("'", "''") + "'"
    double = '"' + token + '"'
    texts = [f"k: {token}\n", f"k: {single}\n", f"k: {double}\n", f"k: [{token}]\n", f"k: {{a: {token}}}\n", f"- {token}\n"]
    if token:
        texts += [f"{token}: v\n", f"{single}: v\n", f"k:\n  {token}: v\n"]
    texts += [f"a: {single}\nb: {token}\n", f"a: {token}\nb: {double}\n"]  # the same text both quoted and plain
    return texts


@pytest.mark.parametrize("token", TRICKY)
def test_tricky_scalars_agree_in_every_context(token: str) -> None:
    for text in contexts(token):
        assert_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate keys: yaml_rs refuses them; PyYAML's loader words the problem
        "a: 1\n'a': 2\n",
        "a: {b: 1, b: 2}\n",
        "? [a, b]\n: 1\n",  # a complex key (yaml_rs: a tuple)
        "a: &x [1]\nb: *x\n",  # an alias (yaml_rs expands it)
        "a: &x 1\n",
        "a: !foo 1\n",  # an unknown tag (yaml_rs ignores it)
        "a: !!str 1\n",
        "<<: {a: 1}\nb: 2\n",  # a merge key (yaml_rs keeps it as a key)
        "a: 1\n---\nb: 2\n",  # two documents (yaml_rs: a list)
        "--- a\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: b\tc\n",  # a tab, a control character, NEL, LS, BOM, CR
        "a: x\x01\n",
        "a: x\x85y\n",
        "a: x\u2028y\n",
        "\ufeffa: 1\n",
        "a: 1\r\nb: 2\r\n",
        'a: "\\/"\n',  # YAML 1.2's escape
        'a: "\\ud83d\\ude00"\n',  # a surrogate pair as escapes: yaml_rs joins it, libyaml refuses it
        'a: "\\u00e9 \\x41 \\t \\e \\0 \\N \\_ \\L \\P"\n',  # every other escape is PyYAML's to read
        'a: "x\\\n  y"\n',  # an escaped line break
        "1: a\n'1': b\n",  # a number as a key
        "true: a\n",
        "null: a\n",
        "a: 1.5\n",  # floats, dates: refused whatever their text
        "a: |\n",  # clip and keep chomping (yaml_rs reads an empty one as a line break)
        "a: >+\n  x\n",
        "k: [x:]\n",  # flow collections beyond one line of words (yaml_rs: a mapping; PyYAML refuses)
        "k: [|x, :y]\n",
        "k: [a,\n  b]\n",
        "|-\n  x\n",  # not a mapping
        "a: 2024-08-26\n",
        "a: yes\n",
        "a: 012\n",
        "a: 0o17\n",
        "a: _1\n",
        "a: [1\n",
    ],
)
def test_what_the_fast_path_refuses(text: str) -> None:
    assert fast_load(text) is REFUSED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: true\nc: ~\nd: [x, 'y', \"z\"]\ne: {f: g}\n", {"a": 1, "b": True, "c": None, "d": ["x", "y", "z"], "e": {"f": "g"}}),
        ("a: '50.000'\nb: '2024-08-26'\nc: 'yes'\nd: \"012\"\n", {"a": "50.000", "b": "2024-08-26", "c": "yes", "d": "012"}),
        ("seed: 003_013686575329e581.txt\n", {"seed": "003_013686575329e581.txt"}),
        ('a: "x\\n\\"y\\\\"\n', {"a": 'x\n"y\\'}),  # the escapes the fast path takes
        ("a: >-\n  folded\n  text\nb: |-\n  kept\n", {"a": "folded text", "b": "kept"}),
        ("", None),
        (  # the synthetic registry's style: one flow mapping an entity, a flow list inside
            "o:\n  x_ba: {aliases: [X, 'Y''s'], description: Site; seed 003 ('a d'b') (\"c\"), kind: company}\n",
            {"o": {"x_ba": {"aliases": ["X", "Y's"], "description": "Site; seed 003 ('a d'b') (\"c\")", "kind": "company"}}},
        ),
    ],
)
def test_what_the_fast_path_answers(text: str, expected: object) -> None:
    assert exact(assert_agrees(text)) == exact(expected)


def parse(text: str) -> tuple[object, list[str]]:
    problems = Collector()
    value = readings.parse_yaml(text, "readings/x.yaml", problems)
    return value, [f"{p.entry}: {p.message}" for p in problems.problems]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: 1\nb: 2\na: 3\n", "line 3, column 1: malformed YAML: duplicate key 'a' (first at line 1)"),
        ("? [a, b]\n: 1\n", "line 1, column 3: malformed YAML: a key that is a list or mapping; expected a plain name"),
        ("a: &x [1]\nb: *x\n", "line 1, column 4: YAML anchors and aliases (&name, *name) are not allowed in readings; write the value out"),
        ("a: [1\n", "line 2, column 1: malformed YAML: did not find expected ',' or ']'"),
    ],
)
def test_parse_yaml_words_every_refusal_as_before(text: str, problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path in front changes no problem, line or column."""
    assert parse(text) == (None, [problem])
    monkeypatch.setattr(readings, "fast_load", lambda text: REFUSED)  # the PyYAML path alone: same words
    assert parse(text) == (None, [problem])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("d: 2024-08-26\n", {"d": date(2024, 8, 26)}), ("f: 1.5\n", {"f": 1.5}), ("1: one\n", {1: "one"}), ("yes: true\n", {True: True})],
)
def test_parse_yaml_gives_pyyamls_types(text: str, expected: object) -> None:
    """Dates, floats and keys that are not text, which the fast path refuses, come back as PyYAML types them."""
    value, problems = parse(text)
    assert not problems and exact(value) == exact(expected)


# Generated documents: keys and values drawn from tricky scalars and prose, written plain, quoted or in
# flow style, nested. Whatever yaml_rs answers must be PyYAML's answer.
SCALAR = st.one_of(
    st.sampled_from([t for t in TRICKY if t]),
    st.text(alphabet="abcxyzé0123456789 _-+.:#'\",[]{}!&*?|>%@`", min_size=1, max_size=12),
)


def plain_or_quoted(draw_scalar: str, style: int) -> str:
    if style == 0:
        return draw_scalar
    if style == 1:
        return "'" + draw_scalar.replace("'", "''") + "'"
    return '"' + draw_scalar.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def documents(draw: st.DrawFn, depth: int = 0) -> str:
    lines = []
    indent = "  " * depth
    for _ in range(draw(st.integers(1, 4))):
        key = plain_or_quoted(draw(SCALAR), draw(st.integers(0, 2)))
        shape = draw(st.integers(0, 4 if depth < 2 else 2))
        if shape <= 1:
            lines.append(f"{indent}{key}: {plain_or_quoted(draw(SCALAR), draw(st.integers(0, 2)))}")
        elif shape == 2:
            items = ", ".join(plain_or_quoted(draw(SCALAR), draw(st.integers(0, 2))) for _ in range(draw(st.integers(0, 3))))
            lines.append(f"{indent}{key}: [{items}]" if draw(st.booleans()) else f"{indent}{key}: {{a: {items or 'x'}}}")
        elif shape == 3:
            lines.append(f"{indent}{key}:")
            lines.extend(f"{indent}- {plain_or_quoted(draw(SCALAR), draw(st.integers(0, 2)))}" for _ in range(draw(st.integers(1, 3))))
        else:
            lines.append(f"{indent}{key}:")
            lines.append(draw(documents(depth + 1)).rstrip("\n"))
    return "\n".join(lines) + "\n"


@settings(max_examples=600, deadline=None)
@given(documents())
def test_generated_documents_agree(text: str) -> None:
    assert_agrees(text)


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet="0123456789_-+xobXOBeE.:abcdefT ", min_size=1, max_size=10))
def test_generated_number_like_tokens_agree(token: str) -> None:
    """The claim behind _NUMBER_RUN: a number-like run that does not start with 0 or _ is read alike."""
    for text in (f"k: {token}\n", f"k: [{token}, 1]\n", f"{token}: 1\n"):
        assert_agrees(text)


def test_without_yaml_rs_everything_takes_the_pyyaml_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_yaml, "yaml_rs", None)
    assert fast_load("a: 1\n") is REFUSED


READINGS = sorted((Path(__file__).resolve().parent.parent / "readings").glob("*.yaml"))
EDITS = [
    *"yes no on 012 0o17 _1 1_000 2024-08-26 1:30 << = ~ null true Y 1e3 .5 -1 % @ ` # ' \" [ ] { } , ? > | \\ \\n".split(),
    *[": ", "- ", "\n", "\n  ", "\n- ", " #", "? ", ">-\n  x", "|\n", "  ", "\t", "&a ", "*a", "!t "],
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(READINGS), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(EDITS), st.booleans()), min_size=1, max_size=3))
def test_edited_real_readings_agree(path: Path, edits: list) -> None:
    """A curator's slips on a real reading: an insertion (or a deletion) anywhere."""
    text = path.read_text(encoding="utf-8")
    for where, fragment, delete in edits:
        at = int(where * len(text))
        text = text[:at] + text[at + len(fragment) :] if delete else text[:at] + fragment + text[at:]
    assert_agrees(text)


# libyaml (PyYAML's C loader, used where it is installed) against PyYAML's pure-Python loader: through
# parse_yaml, with the fast path off, both must accept and refuse the same texts and give
# the same objects, so the published bytes do not depend on whether libyaml is installed (issue 20).
class PurePythonLoader(readings.CuratedRules, yaml.SafeLoader):
    pass


def careful(text: str, loader: type, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(readings, "fast_load", lambda text: REFUSED)
    monkeypatch.setattr(readings, "_Loader", loader)
    problems = Collector()
    value = readings.parse_yaml(text, "readings/x.yaml", problems)
    return "refused" if problems.problems else exact(value)


PIECES = [
    *"a é 😀 1 0 _ - : , [ ] { } ' \" # \\ ? ! & * % @ ` | > ~ = yes null 1.5 2024-08-26 << --- ...".split(),
    *[" ", "  ", "\n", "\n  ", "\n- ", ": ", "|-", ">-", "\\n", "\\u00e9", "\\ud83d", "\\ude00", "\\x41", "\\U0001F600", "\\U00110000", "\\/", "\\ "],
    *["\\\t", "\\\n", "\\N", "\\_", "\\L", "\\P", "\\e", "\\0", "\t", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x01", "\x7f"],
    *["\x80", "\u202e", "\u200b", "\ud7ff", "\ue000", "\ufffe", "\U00010000"],
]
BODY = st.lists(st.sampled_from(PIECES), min_size=0, max_size=10).map("".join)


@st.composite
def odd_documents(draw: st.DrawFn) -> str:
    body = draw(BODY)
    shape = draw(st.integers(0, 6))
    return [
        f"k: {body}\n",
        f'k: "{body}"\n',
        f"k: '{body}'\n",
        f"k:\n  - {body}\n  - x\n",
        f"{body}: v\n",
        f"k: |-\n  {body}\n",
        f"k: [{body}, {draw(BODY)}]\n",
    ][shape]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(odd_documents(), documents()))
def test_libyaml_and_the_pure_python_loader_agree(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        with_libyaml = careful(text, readings._Loader, monkeypatch)
        assert with_libyaml == careful(text, PurePythonLoader, monkeypatch), text
    fast = fast_load(text)
    assert fast is REFUSED or exact(fast) == with_libyaml, text  # and yaml_rs answers only as they do
