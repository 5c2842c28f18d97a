"""The profile tables (profile_facts, systems, epoch_gpu_clusters) recomputed from the published core tables by a
second, simple computation (pandas over the CSVs, not derive/profiles.py), and compared with the published rows."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import ROOT

from superclusters.derive.profiles import ATTRIBUTES

BASIS = {"stated": 0, "coreference": 1, "inferred": 2}
CLASS = {"reported": 0, "planned": 1, "target": 1, "expected": 1, "proposal": 1, "estimate": 2, "speculation": 2, "interpretation": 2}
SYSTEMS = ["cortex", "xai_h100_cluster", "xai_supercomputer", "dojo", "dojo_buffalo"]
LIST_COLUMNS = {"systems": "|", "epoch_gpu_clusters": "|"}


def _read(root, table: str) -> pd.DataFrame:
    return pd.read_csv(root / "data" / f"{table}.csv", dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def t(root):
    names = [
        "claims",
        "relations",
        "events",
        "entity_links",
        "claim_groups",
        "hardware",
        "entities",
        "articles",
        "profile_facts",
        "systems",
        "epoch_gpu_clusters",
    ]
    return {name: _read(root, name) for name in names}


def _ids(cell) -> set[str]:
    return set() if pd.isna(cell) else set(cell.split("|"))


def _weakest(links: pd.DataFrame, row_id: str, roles: tuple[str, ...]) -> str:
    bases = links[(links.row_id == row_id) & links.role.isin(roles)].basis
    return max(bases, key=BASIS.__getitem__)


def _linked_rows(t, system: str, table: str, roles: tuple[str, ...]) -> pd.DataFrame:
    """The rows of `table` linked to the system in one of `roles`, with their weakest basis over `roles`."""
    links = t["entity_links"]
    key = {"claims": "claim_id", "relations": "relation_id", "events": "event_id"}[table]
    mine = links[(links.row_table == table) & (links.entity_id == system) & links.role.isin(roles)]
    rows = t[table][t[table][key].isin(set(mine.row_id))].copy()
    weakest_roles = {"claims": ("hardware", "organisation", "component"), "relations": ("subject", "object")}.get(table)
    if weakest_roles:
        rows["basis"] = [_weakest(links, row_id, weakest_roles) for row_id in rows[key]]
    else:  # an event's fact rests on the entity's own link
        rows["basis"] = [mine[mine.row_id == row_id].basis.iloc[0] for row_id in rows[key]]
    return rows


def expected_system(t, system: str) -> dict:
    """A system's row recomputed from claims, relations, events, entity_links, claim_groups and hardware."""
    claims = _linked_rows(t, system, "claims", ("hardware",))
    relations = _linked_rows(t, system, "relations", ("subject", "object"))
    events = _linked_rows(t, system, "events", ("participant",))
    kinds = dict(zip(t["hardware"].hardware_id, t["hardware"].kind, strict=True))
    ok_claims, ok_relations, ok_events = (frame[frame.basis != "inferred"] for frame in (claims, relations, events))
    out = {}
    for prop in ("gpu_count", "server_count", "power_mw", "cooling_mw"):
        out[f"{prop}_claim_ids"] = set(ok_claims[ok_claims.property == prop].claim_id)
    as_object = ok_relations[ok_relations.object_id == system]
    as_subject = ok_relations[ok_relations.subject_id == system]
    out["owner_relation_ids"] = set(as_object[as_object.predicate == "owns"].relation_id)
    out["builder_relation_ids"] = set(as_object[as_object.predicate.isin(["builds", "builds_part_of", "develops"])].relation_id)
    out["supplier_relation_ids"] = set(as_object[as_object.predicate == "supplies"].relation_id)
    uses = as_subject[as_subject.predicate == "uses_component"]
    out["accelerator_relation_ids"] = set(uses[uses.object_id.map(kinds) == "accelerator"].relation_id)
    out["purpose_relation_ids"] = set(as_subject[as_subject.predicate.isin(["used_for", "powers"])].relation_id)
    places = as_subject[(as_subject.predicate == "located_in") | ((as_subject.predicate == "part_of") & (as_subject.object_type == "place"))]
    out["place_relation_ids"] = set(places.relation_id)
    out["status_event_ids"] = set(ok_events[ok_events.event_type == "status"].event_id)
    out["milestone_event_ids"] = set(ok_events[ok_events.event_type == "operational_milestone"].event_id)
    out["inferred_claim_ids"] = set(claims[claims.basis == "inferred"].claim_id)
    out["inferred_relation_ids"] = set(relations[relations.basis == "inferred"].relation_id)
    out["inferred_event_ids"] = set(events[events.basis == "inferred"].event_id)
    articles = set(claims.article_id) | set(relations.article_id) | set(events.article_id)
    out["article_ids"] = articles
    return out


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_system_row_lists_exactly_the_rows_the_core_tables_give(t, system):
    (row,) = t["systems"][t["systems"].system_id == system].to_dict("records")
    expected = expected_system(t, system)
    for column, ids in expected.items():
        assert _ids(row[column]) == ids, (system, column)
    assert int(row["article_count"]) == len(expected["article_ids"])
    # nothing resting on an inferred link is anywhere but in the inferred columns
    established = set().union(*(ids for column, ids in expected.items() if not column.startswith("inferred") and column != "article_ids"))
    inferred = expected["inferred_claim_ids"] | expected["inferred_relation_ids"] | expected["inferred_event_ids"]
    assert not established & inferred


@pytest.mark.parametrize("system", ["cortex", "xai_h100_cluster", "xai_supercomputer"])
def test_figure_verdicts_are_their_claim_groups(t, system):
    (row,) = t["systems"][t["systems"].system_id == system].to_dict("records")
    groups = t["claim_groups"].set_index("group_id")
    for prop in ("gpu_count", "power_mw", "cooling_mw", "server_count"):
        group = f"{prop}/{system}/-"
        if group in groups.index and not pd.isna(row[prop]):
            status, with_inferred = groups.loc[group, "status"], groups.loc[group, "status_with_inferred"]
            expected = status if with_inferred == status else f"{status} (counting inferred links: {with_inferred})"
            assert row[f"{prop}_verdict"] == expected
        else:
            assert pd.isna(row[f"{prop}_verdict"])


def test_the_cortex_row_says_what_the_seeds_say(t):
    (row,) = t["systems"][t["systems"].system_id == "cortex"].to_dict("records")
    assert row["gpu_count"].startswith("about 100,000 GPUs (expected; Elon Musk")  # "approximately 100,000" keeps its comparator
    assert "50,000" not in row["gpu_count"] and "50,000 GPUs" in row["inferred"]  # the inferred cluster of seed 000 is kept apart
    assert "130 MW initially" in row["power_mw"] and "500 MW when expanded" in row["power_mw"]
    assert row["power_mw_verdict"] == "unresolved"  # 130 MW at start-up (a phase) vs 100 MW by August (a date): docs/content.md
    assert "70,000 servers" in row["server_count"]
    assert "operating provisionally" in row["latest_status"] and "not finished" in row["latest_status"]
    assert "Tesla, Inc." in row["owners"] and "Giga Texas" in row["places"]


def _published_interval(t, article: str) -> tuple:
    a = t["articles"].set_index("article_id").loc[article]
    return (a["published_start"], a["published_end"])


@pytest.mark.parametrize("system", ["cortex", "xai_supercomputer"])
def test_the_latest_status_is_recomputed_from_the_status_events(t, system):
    events = _linked_rows(t, system, "events", ("participant",))
    statuses = events[(events.event_type == "status") & (events.basis != "inferred")]
    best = min(CLASS[m] for m in statuses.modality)
    pool = statuses[statuses.modality.map(CLASS) == best]
    dated = []
    for e in pool.itertuples():
        start, end = (e.date_start, e.date_end) if not pd.isna(e.date_end) else _published_interval(t, e.article_id)
        if not pd.isna(end):
            dated.append((e.event_id, start, end))
    latest = {i for i, s, e in dated if not any(not pd.isna(s2) and s2 > e for _, s2, _ in dated)}
    (row,) = t["systems"][t["systems"].system_id == system].to_dict("records")
    assert _ids(row["latest_status_event_ids"]) == latest


def _chosen(t, system: str, prop: str):
    """The figure the Epoch row shows, by the documented rule, recomputed with one pandas sort: reported before
    prospective before conjecture, no phase or the initial one before the expanded, the latest statement, the fact id."""
    claims = _linked_rows(t, system, "claims", ("hardware",))
    claims = claims[(claims.property == prop) & (claims.basis != "inferred")].copy()
    if claims.empty:
        return None
    claims["class_rank"] = claims.modality.map(CLASS)
    claims["phase_rank"] = (claims.phase == "expanded").astype(int)
    claims["fact_id"] = claims.claim_id + f"/{prop}/{system}"
    keys = ["class_rank", "phase_rank", "stated_end", "stated_start", "fact_id"]
    return claims.sort_values(keys, ascending=[True, True, False, False, True], na_position="last").iloc[0]


@pytest.mark.parametrize("system", ["cortex", "xai_h100_cluster", "xai_supercomputer"])
def test_the_epoch_row_is_recomputed(t, system):
    (row,) = t["epoch_gpu_clusters"][t["epoch_gpu_clusters"].system_id == system].to_dict("records")
    for prop, field in (("gpu_count", "chip_count"), ("power_mw", "power_mw")):
        chosen = _chosen(t, system, prop)
        if chosen is None:
            assert pd.isna(row[field])
        else:
            assert float(row[field]) == float(chosen.value) and row[f"{field}_comparator"] == chosen.comparator
            assert row[f"{field}_url"] == chosen.span_url
    relations = _linked_rows(t, system, "relations", ("subject", "object"))
    owners = relations[(relations.predicate == "owns") & (relations.object_id == system) & (relations.basis != "inferred")]
    names = dict(zip(t["entities"].entity_id, t["entities"].name, strict=True))
    expected_owner = "; ".join(dict.fromkeys(owners.subject_id.map(names))) or None
    assert (row["owner"] if not pd.isna(row["owner"]) else None) == expected_owner
    events = _linked_rows(t, system, "events", ("participant",))
    running = events[
        (events.event_type == "status")
        & events.status.isin(["operational", "operating_provisionally"])
        & (events.modality == "reported")
        & (events.basis != "inferred")
    ]
    assert (row["status"] == "existing") == (not running.empty)


def test_the_cortex_and_xai_epoch_rows_say_no_more_than_their_rows(t):
    epoch = t["epoch_gpu_clusters"].set_index("system_id")
    cortex = epoch.loc["cortex"]
    assert cortex["chip_count_comparator"] == "~" and cortex["chip_count_text"] == "about 100,000 GPUs"
    assert cortex["certainty"] == "unresolved"  # the power figures are not comparable by the rules (claim group power_mw/cortex/-)
    assert "50,000" in cortex["notes"] and "50,000" not in cortex["chip_count_text"]
    h100 = epoch.loc["xai_h100_cluster"]
    assert h100["status"] == "planned" and h100["certainty"] == "prospective"  # "estará disponível em alguns meses"
    supercomputer = epoch.loc["xai_supercomputer"]
    assert pd.isna(supercomputer["owner"]) and "Owner: xAI" in supercomputer["notes"]  # the owner is only inferred


def test_the_views_keep_what_the_fact_checks_found_the_values_lose(t):
    """Doubt, part-building, what a status is of, a deadline and a capacity target: each view says no more than
    the seed (fact-checks A2, A10, B11, B12, B15)."""
    systems = t["systems"].set_index("system_id")
    epoch = t["epoch_gpu_clusters"].set_index("system_id")
    facts = t["profile_facts"]
    # "H100/H200": the H200 rests only on the ambiguous relation, the H100 also on 001's plain one
    assert epoch.loc["cortex", "hardware_type"] == "Nvidia H100; Nvidia H200 (ambiguous)"
    assert "'H100/H200' may name both GPU models or either one" in epoch.loc["cortex", "notes"]
    h200 = [s for s in systems.loc["cortex", "accelerators"].split(" · ") if s.startswith("Nvidia H200")]
    assert h200 and all("ambiguous: «'H100/H200'" in s for s in h200)
    # a status keeps what it is the state of: the small section the video shows, not the whole cluster
    assert "not finished: The small section of Cortex the video shows is not finished yet." in systems.loc["cortex", "latest_status"]
    # Dell and Supermicro each build half of the racks: builders of a part, not of the whole
    builders = systems.loc["xai_supercomputer", "builders"].split(" · ")
    assert {b.split(" (", 1)[0] for b in builders if "(builds a part)" in b} == {"Dell", "Supermicro"}
    assert all("(builds a part)" in b for b in builders if b.startswith(("Dell", "Supermicro")))
    # "até o final do ano" is a deadline, not a day
    target = facts[(facts.entity_id == "dojo") & (facts.attribute == "h100_equivalent_count")].iloc[0]
    assert (target.time_relation, target.time_start, target.time_end) == ("by", "2024-12-31", "2024-12-31")
    # a target for Dojo's capacity says nothing of whether Dojo exists; a planned investment in the Buffalo project does
    assert pd.isna(epoch.loc["dojo", "status"]) and epoch.loc["dojo_buffalo", "status"] == "planned"


@pytest.mark.parametrize("system", ["cortex", "xai_h100_cluster", "xai_supercomputer"])
def test_every_fact_of_a_system_is_one_entity_link(t, system):
    links = t["entity_links"]
    mine = links[(links.entity_id == system) & links.role.isin(["hardware", "organisation", "component", "subject", "object", "participant"])]
    facts = t["profile_facts"][t["profile_facts"].entity_id == system]
    assert set(facts.source_id) == set(mine.row_id) and len(facts) == len(mine)
    for fact in facts.itertuples():
        assert (fact.established == "true") == (fact.link_basis != "inferred")
        assert fact.attribute_label == ATTRIBUTES[fact.attribute][0]


def test_every_fact_copies_its_row(t):
    tables = {"claims": "claim_id", "relations": "relation_id", "events": "event_id"}
    rows = {table: t[table].set_index(key) for table, key in tables.items()}
    for fact in t["profile_facts"].itertuples():
        row = rows[fact.source_table].loc[fact.source_id]
        assert (fact.quote, fact.span_url, fact.modality, fact.attributed_to) == (row["quote"], row["span_url"], row["modality"], row["attributed_to"])
        # the row's other reading, and whether its time is a deadline, a lower bound or an interval, go with the fact
        assert (fact.ambiguity if not pd.isna(fact.ambiguity) else None) == (row["ambiguity"] if not pd.isna(row["ambiguity"]) else None)
        relation = row["date_relation" if fact.source_table == "events" else "time_relation"]
        assert (fact.time_relation if not pd.isna(fact.time_relation) else None) == (relation if not pd.isna(relation) else None)
        assert getattr(fact, tables[fact.source_table]) == fact.source_id
        if fact.source_table == "claims":
            words = {"~": "about ", ">": "more than ", ">=": "at least ", "<": "less than ", "<=": "at most "}
            assert fact.value_text.startswith(words.get(row["comparator"], "")) and float(fact.value) == float(row["value"])
            group = t["claim_groups"].set_index("group_id").loc[fact.group_id]
            assert fact.verdict == group["status"] and fact.verdict_with_inferred == group["status_with_inferred"]


def test_every_cited_row_id_exists(t):
    keys = {
        "claim": set(t["claims"].claim_id),
        "relation": set(t["relations"].relation_id),
        "event": set(t["events"].event_id),
        "article": set(t["articles"].article_id),
    }
    checked = 0
    for table in ("systems", "epoch_gpu_clusters"):
        for column in t[table].columns:
            match = re.fullmatch(r"(?:.*_)?(claim|relation|event|article)_ids", column)
            if not match:
                continue
            for cell in t[table][column]:
                assert _ids(cell) <= keys[match.group(1)], (table, column, _ids(cell) - keys[match.group(1)])
                checked += len(_ids(cell))
    assert checked > 100


def test_list_columns_of_ids_are_checked_by_the_build():
    from superclusters.check.validate import list_target

    keys = {"claim_id": "claims", "event_id": "events", "article_id": "articles", "relation_id": "relations"}
    assert list_target("claim_ids", keys) == "claim_id"
    assert list_target("gpu_count_claim_ids", keys) == "claim_id"
    assert list_target("latest_status_event_ids", keys) == "event_id"
    assert list_target("other_relation_ids", keys) == "relation_id"
    assert list_target("source_urls", keys) is None and list_target("aliases", keys) is None
    assert list_target("paraclaim_ids", keys) is None  # a word that merely ends in 'claim' is no reference


def test_a_cited_id_that_does_not_exist_is_a_problem(package_frames):
    from superclusters.check.validate import cross_table_problems

    frames, schemas = package_frames
    broken = frames["systems"].copy()
    broken.at[broken.index[0], "gpu_count_claim_ids"] = ["000_nowhere-1-gpu_count"]
    known = {
        table: set(frames[table][key])
        for table, key in (
            ("claims", "claim_id"),
            ("relations", "relation_id"),
            ("events", "event_id"),
            ("articles", "article_id"),
            ("hardware", "hardware_id"),
        )
    }
    assert cross_table_problems({"systems": frames["systems"]}, schemas, {}, seed_paths={}, known_keys=known) == []
    (problem,) = cross_table_problems({"systems": broken}, schemas, {}, seed_paths={}, known_keys=known)
    assert problem.field == "gpu_count_claim_ids" and "'000_nowhere-1-gpu_count' is not an id in claims" in problem.message


def test_the_schema_vocabulary_is_the_code_vocabulary(package_frames):
    from superclusters.derive import Vocabulary, prepare
    from superclusters.errors import Collector
    from superclusters.inputs.readings import Registry

    _, schemas = package_frames
    assert schemas["profile_facts"]["fields"][[f["name"] for f in schemas["profile_facts"]["fields"]].index("attribute")]["constraints"]["enum"] == list(
        ATTRIBUTES
    )
    changed = {**schemas, "profile_facts": {**schemas["profile_facts"], "fields": [dict(f) for f in schemas["profile_facts"]["fields"]]}}
    for f in changed["profile_facts"]["fields"]:
        if f["name"] == "attribute":
            f["constraints"] = {**f["constraints"], "enum": f["constraints"]["enum"][:-1]}
    problems = Collector()
    prepare(Registry("readings/entities.yaml"), Vocabulary.from_schemas(changed), problems)
    assert any(p.file == "schemas/profile_facts.json" for p in problems.problems)


def test_the_readme_shows_the_systems_at_a_glance_with_links_to_their_evidence(root, t):
    from superclusters.publish.readme import GLANCE_BEGIN, GLANCE_END

    readme = (root / "README.md").read_text(encoding="utf-8")
    intro_end = readme.index("\n\n", readme.index("\n\n") + 2)  # the title, then the intro paragraph
    assert readme.index(GLANCE_BEGIN) == intro_end + 2  # right after the intro
    block = readme[readme.index(GLANCE_BEGIN) : readme.index(GLANCE_END)]
    epoch = t["epoch_gpu_clusters"]
    urls = set()
    for cell in epoch.source_urls.dropna():
        urls |= _ids(cell)
    for name in epoch.name:
        assert f"**{name}**" in block
    links = re.findall(r"\]\((seeds/[^)]+)\)", block)
    assert links and set(links) <= urls  # every link is the span of a row the export rests on
    assert "[about 100,000 GPUs](" in block


def test_a_stale_glance_block_is_rewritten(root, package_staged):
    from superclusters.publish.readme import GLANCE_BEGIN, GLANCE_END, readme_updated

    staged = package_staged.staged
    readme = (root / "README.md").read_text(encoding="utf-8")
    emptied = readme[: readme.index(GLANCE_BEGIN) + len(GLANCE_BEGIN)] + "\n" + readme[readme.index(GLANCE_END) :]
    assert readme_updated(emptied, staged.schemas, staged.kept, staged.counts) == readme_updated(readme, staged.schemas, staged.kept, staged.counts) == readme
    assert readme_updated(emptied, staged.schemas, staged.kept, staged.counts) != emptied


def test_the_profile_tables_do_not_depend_on_how_the_build_cuts_them(tmp_path, monkeypatch):
    """Facts waiting for their verdicts, systems summed up across batches, rows written in slices: the same bytes
    as one batch and one slice, on a 12-article synthetic corpus (12 systems, some facts in every batch)."""
    import shutil

    from benchmarks.synthetic import generate
    from superclusters.build import stream
    from superclusters.build.pipeline import build

    whole = generate(ROOT, tmp_path / "whole", 12)
    build(whole)
    cut = tmp_path / "cut"
    shutil.copytree(whole, cut)
    monkeypatch.setattr(stream, "BATCH_ARTICLES", 3)  # the corpus renames its systems every five articles, so systems span batches
    monkeypatch.setattr(stream, "PROFILE_SLICE", 2)
    monkeypatch.setattr(stream, "PENDING_SLICE", 7)
    build(cut)
    systems = _read(cut, "systems")
    assert len(systems) >= 12 and systems.fact_count.astype(int).gt(0).sum() >= 12
    for table in ("profile_facts", "systems", "epoch_gpu_clusters"):
        assert (cut / f"data/{table}.csv").read_bytes() == (whole / f"data/{table}.csv").read_bytes(), table


def test_references_from_the_systems_are_settled_against_the_written_keys(root, tmp_path):
    """The streamed build checks the systems' ids slice by slice against the keys as written (the spilled batches,
    or without them the Parquet files): a missing id is a problem, an existing one is not, an unreadable file is named."""
    import pyarrow.parquet as pq

    from superclusters.build.stream import _settled

    keys = {"claims": "claim_id", "relations": "relation_id"}
    real = _read(root, "claims").claim_id.iloc[0]
    references = [
        ("data/systems", "row cortex", "gpu_count_claim_ids", real, "claims"),
        ("data/systems", "row cortex", "gpu_count_claim_ids", "000_nowhere-1-gpu_count", "claims"),
    ]
    (problem,) = _settled(references, root, None, keys)
    assert "'000_nowhere-1-gpu_count' is not an id in claims" in str(problem)
    spill = tmp_path / "validated"
    spill.mkdir()
    import pyarrow as pa

    with pa.ipc.new_file(str(spill / "claims.arrow"), pq.read_schema(root / "data/claims.parquet").remove_metadata()) as sink:
        sink.write_table(pq.read_table(root / "data/claims.parquet").replace_schema_metadata(None))
    (problem,) = _settled(references, root, spill, keys)
    assert "000_nowhere-1-gpu_count" in str(problem)
    (spill / "claims.arrow").write_bytes(b"not arrow")
    (problem,) = _settled(references, root, spill, keys)
    assert "claims.arrow: cannot be read back to check references to claims" in str(problem)
