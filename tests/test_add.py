"""`build.py add` against bad and hostile articles (issue 20, items 2, 5, 9 and 10): the size limit before any
read, escaped YAML, all-or-nothing writes, white space alone, and another language."""

from __future__ import annotations

import errno
import re

import pytest
import yaml

from superclusters.build.pipeline import build
from superclusters.curate import add as add_module
from superclusters.curate.add import add, yaml_quoted
from superclusters.errors import BuildError
from superclusters.inputs.limits import MAX_SEED_BYTES
from superclusters.inputs.readings import parse_yaml


def _added(package):
    return sorted(p.name for p in (package / "seeds").iterdir() if not p.name.startswith("00")) + sorted(
        p.name for p in (package / "readings").iterdir() if p.name.startswith(".") or p.name.startswith("005")
    )


def test_an_article_over_the_size_limit_is_refused_before_it_is_read(package_copy, tmp_path, monkeypatch):
    """A 6 MB article was accepted and wrote a 15 MB draft the build then refused; 100 MB ran for minutes."""
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:  # sparse: its size is what counts, and it must not be read
        f.truncate(6_000_000)
    real_read = type(big).read_bytes

    def read_bytes(path):
        assert path != big, "the oversized article was read"
        return real_read(path)

    monkeypatch.setattr(type(big), "read_bytes", read_bytes)
    with pytest.raises(BuildError, match=f"is 6000000 bytes; articles are limited to {MAX_SEED_BYTES} bytes"):
        add(package_copy, big, language="en")
    assert _added(package_copy) == []


def test_the_build_names_an_oversized_seed_and_its_limit(package_copy):
    seed = next((package_copy / "seeds").glob("001_*.txt"))
    seed.write_bytes(seed.read_bytes() + b" " * MAX_SEED_BYTES)
    with pytest.raises(BuildError) as exc:
        build(package_copy)
    assert f"seeds/{seed.name}: is {seed.stat().st_size} bytes; articles are limited to {MAX_SEED_BYTES} bytes" in str(exc.value)


@pytest.mark.parametrize("character", ["\u0085", "\u0080", "\u007f", "\u2028", "\u2029", "\ufeff", "\ufffe", "\u001b"])
def test_control_and_separator_characters_are_escaped_in_the_draft(package_copy, tmp_path, character):
    """A headline holding NEL followed by `outlet: evil` injected a key and changed the stub's quote; U+0080,
    U+007F, U+2028 and U+2029 made the draft unreadable."""
    article = tmp_path / "article.txt"
    headline = f"Headline{character}outlet: evil"
    body = f"Tesla builds a cluster in Austin{character} with 1,000 GPUs."
    article.write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
    added = add(package_copy, article, published="2024-09-01", language="en")
    text = added.reading.read_text(encoding="utf-8")
    assert character not in text  # escaped wherever it was written: quotes, comments, proposals
    for loaded in (yaml.safe_load(text), yaml.load(text, Loader=yaml.CSafeLoader)):
        assert "outlet" not in loaded
        assert [stub["quote"] for stub in loaded["stubs"]] == [headline, body]
        assert all(character in e["quote"] for e in loaded["claims"] if "Austin" in e["quote"])
    problems = []

    class Collect:
        def add(self, *args):
            problems.append(args)

    assert parse_yaml(text, "draft", Collect())["stubs"][0]["quote"] == headline and problems == []  # the build's own parser, fast path or not
    assert text.count("\n# ") == text.count("\n#")  # every comment line is still one comment line


def test_every_character_round_trips_through_a_quoted_scalar():
    """yaml_quoted is the one escape for text written into a draft: every code point (bar surrogates, which
    UTF-8 text cannot hold) reads back as itself, with PyYAML's Python and C loaders."""
    import sys

    characters = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for start in range(0, len(characters), 50_000):
        chunk = characters[start : start + 50_000]
        document = f"a: {yaml_quoted(chunk)}\n"
        assert yaml.load(document, Loader=yaml.CSafeLoader)["a"] == chunk
    assert yaml.safe_load(f"a: {yaml_quoted(characters[:70_000])}\n")["a"] == characters[:70_000]


@pytest.mark.parametrize(("published", "named"), [("2024-08\u2028", "U+2028"), ("2024\u0085", "U+0085"), ("2024\x7f", "U+007F"), ("\ud83d", "U+D83D")])
def test_a_control_character_in_published_is_refused_by_name(package_copy, tmp_path, published, named):
    article = tmp_path / "article.txt"
    article.write_text("Headline\n\nTesla builds a cluster in Austin.\n", encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape(f"--published: holds the control or separator character {named};")):
        add(package_copy, article, published=published, language="en")
    assert _added(package_copy) == []


@pytest.mark.parametrize("failing", ["seed", "reading"])
def test_a_failed_write_leaves_neither_the_seed_nor_the_draft(package_copy, tmp_path, monkeypatch, failing):
    """add wrote the seed, then failed on the draft: the seed stayed, the retry said its reading existed,
    and the build failed on an unknown file. The injection point is add's one writer (_write)."""
    article = tmp_path / "article.txt"
    article.write_text("Headline\n\nTesla builds a cluster in Austin. It has 1,000 GPUs.\n", encoding="utf-8")
    real_write = add_module._write

    def failing_write(path, data):
        if (failing == "seed") == (path.parent.name == "seeds"):
            path.with_name(f".{path.name}.tmp").write_bytes(data[:10])  # a half-written temporary file
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(add_module, "_write", failing_write)
    with pytest.raises(BuildError, match=r"(seeds|readings)/005_[0-9a-f]{16}\.(txt|yaml): cannot be written \(No space left on device\); nothing was added"):
        add(package_copy, article, language="en")
    assert [p.name for p in (package_copy / "seeds").iterdir() if p.name.startswith("005")] == []
    assert [p.name for p in (package_copy / "readings").iterdir() if p.name.startswith("005")] == []
    monkeypatch.setattr(add_module, "_write", real_write)
    added = add(package_copy, article, language="en")  # the retry works: nothing was left to trip on
    assert added.seed.exists() and added.reading.exists()


def test_the_real_writer_leaves_no_temporary_file(tmp_path, monkeypatch):
    import os

    target = tmp_path / "x.yaml"

    def broken_replace(source, destination):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        add_module._write(target, b"data")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [b"   \n\n \t\n", b"\n", b"\xc2\xa0\xe2\x80\x83\n"])
def test_an_article_of_white_space_only_is_refused(package_copy, tmp_path, content):
    article = tmp_path / "blank.txt"
    article.write_bytes(content)
    with pytest.raises(BuildError, match=f"holds only white space \\({len(content)} bytes\\); expected the article's text"):
        add(package_copy, article, language="en")
    assert _added(package_copy) == []


def test_an_article_in_another_language_is_refused_unless_the_curator_says(package_copy, tmp_path):
    article = tmp_path / "de.txt"
    article.write_text(
        "Die Firma baut in Frankfurt einen neuen Supercomputer mit 10.000 Grafikprozessoren. Er soll im nächsten Jahr "
        "fertig sein, sagte der Vorstandschef am Montag. Die Anlage wird mit Strom aus Wasserkraft betrieben.\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match=r"language: reads as 'de' \(\d\.\d\d\), not pt, fr or en"):
        add(package_copy, article)
    assert _added(package_copy) == []
