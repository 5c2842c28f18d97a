"""The completeness audit: a number left out of the readings stops the build, naming where it is."""

from __future__ import annotations

import pytest

from superclusters.build.pipeline import build
from superclusters.derive.audit import numbers_in, uncovered
from superclusters.errors import BuildError


def test_numbers_in_digits_and_words():
    text = "Cortex terá 50.000 GPUs, metade Nvidia, e três empresas; um cluster; Grok 2."
    found = [text[s:e] for s, e in numbers_in(text, "pt")]
    assert found == ["50.000", "metade", "três", "2"]


def test_uncovered_is_a_sweep_over_sorted_spans():
    assert uncovered([(0, 2), (5, 7), (10, 12)], [(4, 8), (0, 1)]) == [(0, 2), (10, 12)]
    assert uncovered([(5, 7)], [(0, 10), (6, 7)]) == []


def remove_block(path, start_marker):
    """Drop one YAML list entry (from its '  - quote:' line up to the next one)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(start_marker)
    end = text.index("\n  - ", start + 1)
    path.write_text(text[:start] + text[end + 1 :], encoding="utf-8")


def test_a_claim_removed_from_a_reading_is_caught(package_copy):
    reading = package_copy / "readings" / "004_4cf1754e8857eae4.yaml"
    remove_block(reading, '  - quote: "o que é o equivalente a 37.500 nós"')
    with pytest.raises(BuildError) as exc:
        build(package_copy)
    message = str(exc.value)
    assert "seeds/004_4cf1754e8857eae4.txt: char " in message
    assert "char 1726: number '37.500' in '200s, o que é o equivalente a [37.500] nós" in message


def test_a_dismissal_removed_from_a_reading_is_caught(package_copy):
    reading = package_copy / "readings" / "002_0336e88edfd704cd.yaml"
    text = reading.read_text(encoding="utf-8")
    start = text.index("dismissed_numbers:")
    reading.write_text(text[:start] + text[text.index("dismissed_sentences:") :], encoding="utf-8")
    with pytest.raises(BuildError, match=r"number 'thousands' in .*of the \[thousands\] of GPUs"):
        build(package_copy)


def test_digits_inside_an_entity_name_need_no_dismissal(package_copy):
    """'GPT-5', 'Grok 3', 'H100' are whole-word mentions of registered entities, so their digits are accounted for."""
    reading = package_copy / "readings" / "000_9792f8e7dbbae654.yaml"
    assert "GPT-5" not in reading.read_text(encoding="utf-8").split("dismissed_sentences:")[1]
    build(package_copy)


def test_a_dismissal_must_cover_a_number(package_copy):
    reading = package_copy / "readings" / "000_9792f8e7dbbae654.yaml"
    text = reading.read_text(encoding="utf-8")
    reading.write_text(text + 'dismissed_numbers:\n  - quote: "Fuente"\n    reason: no number here\n', encoding="utf-8")
    with pytest.raises(BuildError, match="'Fuente' contains no number"):
        build(package_copy)
