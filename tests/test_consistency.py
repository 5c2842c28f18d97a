"""One clause, one speaker, one time (superclusters/derive/consistency.py): on small hand-made readings and on the seeds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from superclusters.check.schemas import load_schemas
from superclusters.derive import Vocabulary, derive_tables
from superclusters.derive.consistency import Said, check_clauses, clause_spans
from superclusters.errors import Collector
from superclusters.inputs.reading_schema import reading_schema
from superclusters.inputs.readings import parse_reading, parse_registry
from superclusters.inputs.seeds import decode_seed, sha256_hex
from superclusters.inputs.sentences import segment

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = load_schemas(ROOT / "schemas")
VOCAB = Vocabulary.from_schemas(SCHEMAS)
READING_SCHEMA = reading_schema(SCHEMAS)
TEXT = " date 2024-06 No início deste mês, Musk anunciou que a Tesla terá 50.000 GPUs no Cortex. A Tesla vai montar o Cortex; a Nvidia fornecerá as GPUs.\n"
PATH = "readings/000_0000000000000000.yaml"
REGISTRY = """
organisations:
  tesla: {name: Tesla, kind: company, aliases: [Tesla], description: car maker}
  nvidia: {name: Nvidia, kind: company, aliases: [Nvidia], description: GPU maker}
people:
  elon_musk: {name: Elon Musk, aliases: [Musk], description: CEO}
hardware:
  cortex: {name: Cortex, kind: cluster, aliases: [Cortex], organisation: tesla, role: owner, description: cluster}
"""


def claim(source: str = "elon_musk", kind: str = "person", stated: str = '\n    stated: "No início deste mês"', extra: str = "") -> str:
    return f"""  - quote: "a Tesla terá 50.000 GPUs no Cortex"
    value: "50.000"
    property: gpu_count
    hardware: cortex
    modality: planned{stated}
    attributed_to: {source}
    attribution_kind: {kind}
    en: Tesla will have 50,000 GPUs in Cortex{extra}
"""


def relation(quote: str = "a Tesla terá 50.000 GPUs no Cortex", source: str = "elon_musk", kind: str = "person", stated: str = "", extra: str = "") -> str:
    return f"""  - quote: "{quote}"
    subject: tesla
    predicate: owns
    object: cortex
    modality: planned{stated}
    attributed_to: {source}
    attribution_kind: {kind}
    en: Tesla, Cortex{extra}
"""


ANNOUNCEMENT = """  - quote: "No início deste mês, Musk anunciou que a Tesla terá 50.000 GPUs no Cortex"
    type: announcement
    description: Musk announces Cortex's GPUs.
    modality: reported
    date: "No início deste mês"
    people: [elon_musk]
    attributed_to: the outlet
    attribution_kind: outlet
    en: At the start of this month, Musk announced that Tesla will have 50,000 GPUs in Cortex
"""
SECOND_SENTENCE = """  - quote: "A Tesla vai montar o Cortex; a Nvidia fornecerá as GPUs."
    reason: rhetoric
"""


def reading(claims: str = "", events: str = ANNOUNCEMENT, relations: str = "", dismissed: str = SECOND_SENTENCE) -> str:
    return f"""
seed: 000_0000000000000000.txt
seed_sha256: {sha256_hex(TEXT.encode())}
language: pt
title: "No início deste mês, Musk anunciou que a Tesla terá 50.000 GPUs no Cortex."
title_source: lead_sentence
title_en: x
published: "2024-06"
claims:
{claims or claim()}
events:
{events}
relations:
{relations or "  []"}
dismissed_sentences:
{dismissed or "  []"}
"""


def run(yaml_text: str) -> list[str]:
    problems = Collector()
    registry = parse_registry(REGISTRY, "readings/entities.yaml", problems)
    parsed = parse_reading(yaml_text.replace("relations:\n  []", "relations: []").replace("dismissed_sentences:\n  []", ""), PATH, problems, READING_SCHEMA)
    seed = decode_seed("000_0000000000000000.txt", TEXT.encode(), sha256_hex(TEXT.encode()))
    assert parsed is not None, [str(p) for p in problems.problems]
    derive_tables([(seed, parsed)], registry, VOCAB, problems)
    return [str(p) for p in problems.problems]


def test_rows_of_one_clause_that_agree_pass():
    assert run(reading(relations=relation(stated='\n    stated: "No início deste mês"'))) == []


def test_two_rows_of_one_clause_credited_to_different_sources_fail_naming_both():
    problems = run(reading(relations=relation(source="the outlet", kind="outlet", stated='\n    stated: "No início deste mês"')))
    (problem,) = [p for p in problems if "attributed_to" in p]
    assert problem.startswith(f"{PATH}: claims[0] ('a Tesla terá 50.000 GPUs no Cortex'): attributed_to: quotes the same clause as relations[0] (")
    assert "'elon_musk' (person)" in problem and "'the outlet' (outlet)" in problem and "clause_note" in problem


def test_two_rows_of_one_clause_said_at_different_times_fail_naming_both():
    # The relation gives no statement time: Musk's words said some time up to publication (open start),
    # while the claim on the same words was said at the start of the month.
    problems = run(reading(relations=relation()))
    stated = [p for p in problems if ": stated:" in p]
    assert any("claims[0]" in p and "relations[0]" in p and "2024-06-01 to 2024-06-10" in p and "some time up to 2024-06-30" in p for p in stated), problems


def test_a_clause_note_on_either_entry_lets_them_differ_and_is_published():
    note = "\n    clause_note: The possessive is the outlet's own words."
    yaml_text = reading(relations=relation(source="the outlet", kind="outlet", stated='\n    stated: "No início deste mês"', extra=note))
    assert run(yaml_text) == []
    problems = Collector()
    registry = parse_registry(REGISTRY, "readings/entities.yaml", problems)
    parsed = parse_reading(yaml_text, PATH, problems, READING_SCHEMA)
    seed = decode_seed("000_0000000000000000.txt", TEXT.encode(), sha256_hex(TEXT.encode()))
    tables = derive_tables([(seed, parsed)], registry, VOCAB, problems)
    assert tables["relations"][0]["clause_note"] == "The possessive is the outlet's own words."
    assert tables["claims"][0]["clause_note"] is None


def test_a_clause_note_where_nothing_differs_is_refused():
    problems = run(reading(relations=relation(stated='\n    stated: "No início deste mês"', extra="\n    clause_note: Nothing differs."), claims=claim()))
    assert any("relations[0]" in p and "clause_note: the entry agrees with every row quoting its clause" in p for p in problems), problems


def test_a_report_of_an_act_differs_by_design_but_its_content_carries_the_acts_time():
    # The announcement is the outlet's; the claim inside it is Musk's: no attribution problem.
    assert run(reading()) == []
    # A claim inside the announcement that does not carry the announcement's time is refused.
    problems = run(reading(claims=claim(stated="")))
    assert any("claims[0]" in p and "lies inside events[0]" in p and "which reports the act of saying it (2024-06-01 to 2024-06-10)" in p for p in problems), (
        problems
    )


def test_an_event_that_is_no_report_of_an_act_is_compared_like_any_row():
    status = """  - quote: "a Tesla terá 50.000 GPUs no Cortex"
    type: operational_milestone
    description: Cortex gets its GPUs.
    modality: planned
    hardware: [cortex]
    attributed_to: the outlet
    attribution_kind: outlet
    en: Tesla will have 50,000 GPUs in Cortex
"""
    problems = run(reading(events=ANNOUNCEMENT + status))
    assert any("claims[0]" in p and "events[1]" in p and "attributed_to" in p for p in problems), problems


def test_rows_in_different_clauses_may_differ():
    # "A Tesla vai montar o Cortex; a Nvidia fornecerá as GPUs." is two clauses (cut at the semicolon).
    first = relation(quote="A Tesla vai montar o Cortex", source="the outlet", kind="outlet")
    second = """  - quote: "a Nvidia fornecerá as GPUs"
    subject: nvidia
    predicate: supplies
    object: tesla
    modality: planned
    links: {elon_musk: coreference}
    attributed_to: elon_musk
    attribution_kind: person
    en: Nvidia will supply the GPUs
"""
    assert run(reading(relations=first + second, dismissed="")) == []
    # The same two rows quoting one clause are refused.
    joined = relation(quote="A Tesla vai montar o Cortex; a Nvidia", source="the outlet", kind="outlet")
    problems = run(reading(relations=joined + second, dismissed=""))
    assert any("relations[0]" in p and "relations[1]" in p and "attributed_to" in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Musk a confirmé, mais il a dit « non » – ce qui signifie que rien.", ["Musk a confirmé, mais il a dit « non »", "ce qui signifie que rien."]),
        ("La vidéo (avertissement : forte) : voilà", ["La vidéo (avertissement", "forte)", "voilà"]),
        ("Dojo and Cortex are not just tools—they're platforms; so.", ["Dojo and Cortex are not just tools—they're platforms", "so."]),
        ("À l'époque, nous avions entendu dire que X, afin de Y.", ["À l'époque, nous avions entendu dire que X, afin de Y."]),
        ("às 10:30 horas - ou não", ["às 10:30 horas", "ou não"]),
    ],
)
def test_clause_boundaries(text, expected):
    assert [text[s:e] for s, e in clause_spans(text, segment(text))] == expected


def test_check_clauses_reports_each_disagreeing_pair_once():
    june = (date(2024, 6, 1), date(2024, 6, 30))
    rows = [
        Said("claims[0]", (0, 10), ("person", "elon_musk"), june, None, None),
        Said("relations[0]", (5, 20), ("outlet", "the outlet"), june, None, None),
        Said("relations[1]", (30, 40), ("outlet", "the outlet"), june, None, None),
    ]
    problems = check_clauses(rows, [(0, 25), (26, 45)])
    assert problems == [("claims[0]", "attributed_to", problems[0][2])] and "relations[0]" in problems[0][2]


def test_the_published_rows_keep_the_rule(root):
    """Recomputed from the published tables alone: rows quoting one clause agree on source and statement
    time, or one of them gives the reason; a row inside a speech event's quote carries the act's time."""
    from superclusters.derive.consistency import SPEECH_EVENT_TYPES

    data = root / "data"
    sentences = pd.read_csv(data / "sentences.csv")
    checked = 0
    for article_id, group in sentences.groupby("article_id"):
        text = (root / "seeds" / f"{article_id}.txt").read_bytes().decode("utf-8")
        clauses = clause_spans(text, list(zip(group["char_start"], group["char_end"], strict=True)))
        said = []
        for table in ("claims", "events", "relations"):
            rows = pd.read_csv(data / f"{table}.csv", keep_default_na=False)
            for row in rows[rows["article_id"] == article_id].to_dict("records"):
                act = None
                if table == "events" and row["event_type"] in SPEECH_EVENT_TYPES:
                    dated = row["date_text"] != "" and row["date_precision"] != "none"
                    act = (row["date_start"] or None, row["date_end"] or None) if dated else (None, row["stated_end"] or None)
                source = row["attributed_person_id"] or row["attributed_organisation_id"] or row["attributed_party_id"] or row["attributed_to"]
                if row["attribution_kind"] == "outlet":
                    source = "the outlet"
                stated = (row["stated_start"] or None, row["stated_end"] or None)
                span = (row["char_start"], row["char_end"])
                said.append(Said(f"{table}:{span[0]}", span, (row["attribution_kind"], source), stated, act, row["clause_note"] or None))
        assert check_clauses(said, clauses) == [], article_id
        checked += len(said)
    assert checked > 150
    notes = pd.concat([pd.read_csv(data / f"{t}.csv")["clause_note"] for t in ("claims", "events", "relations")]).dropna()
    assert 1 <= len(notes) <= 10  # the exceptions are few, and each says why


def test_the_streamed_build_refuses_a_disagreement_in_a_seed_and_names_both_entries(package_copy):
    """Seed 004: 'A outra metade da unidade será construída pela Supermicro' gives a claim and a relation;
    crediting the relation to Musk again (as the reading once did for the claim) fails the build."""
    from superclusters.build.pipeline import build
    from superclusters.errors import BuildError

    reading = package_copy / "readings" / "004_4cf1754e8857eae4.yaml"
    text = reading.read_text(encoding="utf-8")
    old = """    links: {xai_supercomputer: coreference}
    attributed_to: the outlet
    attribution_kind: outlet
    en: "The other half of the unit will be built by Supermicro\""""
    assert text.count(old) == 1
    reading.write_text(text.replace(old, old.replace("the outlet\n    attribution_kind: outlet", "elon_musk\n    attribution_kind: person")), encoding="utf-8")
    with pytest.raises(BuildError) as exc:
        build(package_copy)
    message = str(exc.value)
    assert (
        "readings/004_4cf1754e8857eae4.yaml: claims[2] ('A outra metade da unidade será construíd'): attributed_to: quotes the same clause as relations[14]"
        in message
    )
    assert (
        "readings/004_4cf1754e8857eae4.yaml: claims[2] ('A outra metade da unidade será construíd'): stated: quotes the same clause as relations[14]" in message
    )
