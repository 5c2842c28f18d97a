"""Phases only from words: a claim's phase is published only where its quote or time phrase holds a phase word."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from superclusters.derive.claims import PHASE_WORDS, phases_in
from superclusters.inputs.seeds import sha256_hex
from tests.conftest import derive_one

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Cortex consommera 130 MW au démarrage, qui atteindront 500 MW d'ici 2026. Tesla vise un cluster de 100 MW d'ici août.\n"
REGISTRY = """
organisations:
  tesla: {name: Tesla, kind: company, aliases: [Tesla], description: car maker}
hardware:
  cortex: {name: Cortex, kind: cluster, aliases: [Cortex], organisation: tesla, role: owner, description: cluster}
"""
CLAIMS = {
    "start": ("Cortex consommera 130 MW au démarrage", "130 MW", '{text: "au démarrage", calendar: false}'),
    "growth": ("qui atteindront 500 MW d'ici 2026", "500 MW", '"d\'ici 2026"'),
    "deadline": ("Tesla vise un cluster de 100 MW d'ici août", "100 MW", '"d\'ici août"'),
}


def claim(name: str, phase: str | None = None) -> str:
    quote, value, time = CLAIMS[name]
    phase_line = f"\n    phase: {phase}" if phase else ""
    links = "\n    links: {cortex: coreference}" if name == "deadline" else ""
    return f"""  - quote: "{quote}"
    value: "{value}"
    property: power_mw
    hardware: cortex
    time: {time}{phase_line}{links}
    modality: expected
    attributed_to: the outlet
    attribution_kind: outlet
    en: x
"""


def run(claims: str) -> tuple[dict, list[str]]:
    text = f"""
seed: 000_0000000000000000.txt
seed_sha256: {sha256_hex(TEXT.encode())}
language: fr
title: "Cortex consommera 130 MW au démarrage, qui atteindront 500 MW d'ici 2026."
title_source: lead_sentence
title_en: x
reference_year: 2024
reference_year_basis: a test
claims:
{claims}
"""
    return derive_one(TEXT, REGISTRY, text)


def test_a_phase_word_in_the_time_phrase_gives_the_phase():
    tables, problems = run(claim("start") + claim("growth", "expanded") + claim("deadline"))
    assert problems == []
    phases = {row["value_text"]: row["phase"] for row in tables["claims"]}
    assert phases == {"130 MW": "initial", "500 MW": "expanded", "100 MW": None}


def test_a_curated_phase_without_a_phase_word_is_refused():
    _, problems = run(claim("deadline", "initial"))
    (problem,) = problems
    assert "claims[0] (\"Tesla vise un cluster de 100 MW d'ici ao\"): phase: is 'initial', but neither the quote nor its time phrase holds" in problem
    assert "'au démarrage'" in problem  # the words that would do, from the lexicon


def test_a_curated_phase_that_contradicts_the_time_words_is_refused():
    _, problems = run(claim("start", "expanded"))
    assert any("phase: is 'expanded' but the time words 'au démarrage' say 'initial'" in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("avec une consommation électrique initiale", "fr", {"initial": "initiale"}),
        ("qui augmentera à 500 mégawatts à l’avenir", "fr", {"expanded": "augmentera"}),
        ("with plans to expand this to over 500 MW", "en", {"expanded": "expand"}),
        ("Tesla avait pour objectif de mettre en place un cluster de 100 MW d'ici août", "fr", {}),
        ("No início deste mês", "pt", {}),  # a date, not a phase
        ("an initialism", "en", {}),  # whole words only
    ],
)
def test_phase_words(text, language, expected):
    assert phases_in(text, language) == expected


def test_no_published_phase_lacks_its_words(root):
    claims = pd.read_csv(root / "data" / "claims.csv", keep_default_na=False)
    languages = pd.read_csv(root / "data" / "articles.csv").set_index("article_id")["language"]
    with_phase = claims[claims["phase"] != ""]
    assert len(with_phase) >= 5
    for row in with_phase.to_dict("records"):
        words = phases_in(row["quote"], languages[row["article_id"]]) | phases_in(row["time_text"], languages[row["article_id"]])
        assert row["phase"] in words, (row["claim_id"], row["phase"], row["quote"], row["time_text"])


def test_docs_list_the_phase_lexicon(root):
    content = (root / "docs" / "content.md").read_text(encoding="utf-8")
    section = content[content.index("## Phases") :]
    for language, phases in PHASE_WORDS.items():
        for words in phases.values():
            for word in words:
                assert f"“{word}”" in section or f'"{word}"' in section, (language, word)
