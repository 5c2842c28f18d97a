"""The pure middle of the build: seed texts plus curated readings -> rows of every table.

Nothing here touches the disk. Every human judgement comes from a Reading; everything else
(offsets, values, units, dates, ids, counts, link bases, verdicts) is computed. One module per
row kind: articles, claims, events, relations, accounting (sentences, numbers, roles, unnamed
parties), entities; `context` holds what they share. `profiles` derives the readers' views from
those rows: the facts about each entity and a summary row per system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..errors import Collector, Problem, shown
from ..inputs.readings import ENTITY_KINDS, Reading, Registry
from ..inputs.seeds import Seed
from ..normalise.mentions import AliasIndex, Mention, alias_index, find_mentions
from .accounting import audit_numbers, party_rows, role_rows, sentence_rows
from .articles import article_row, reference
from .audit import unmatched_names
from .claims import PROPERTY_UNITS, claim_rows
from .consistency import check_clauses, clause_spans, said_of
from .context import ArticleContext, Row, Vocabulary, span_columns
from .entities import ENTITY_TABLES, CorpusSummary, entity_index, entity_rows
from .events import event_rows
from .profiles import ATTRIBUTES, fact_rows, profile_rows, with_verdicts
from .reconcile import reconcile
from .relations import relation_rows

Tables = dict[str, list[Row]]
__all__ = [
    "Aliases",
    "CorpusSummary",
    "PENDING",
    "PER_ARTICLE",
    "PROFILE_TABLES",
    "PROPERTY_UNITS",
    "Tables",
    "Vocabulary",
    "corpus_tables",
    "derive_article",
    "derive_batch",
    "derive_tables",
    "prepare",
    "profile_tables",
    "sort_by_key",
    "verdicts",
]
PER_ARTICLE = ("articles", "claims", "events", "relations", "mentions", "sentences", "unnamed_parties", "entity_links")
# Per-article rows that wait for the cross-article claim groups (their verdicts) before they are written.
PENDING = ("profile_facts",)
# Cross-article tables made from the profile facts and the claim groups.
PROFILE_TABLES = ("systems", "epoch_gpu_clusters")


@dataclass(frozen=True)
class Aliases:
    """Every alias of every entity, compiled once for the whole corpus."""

    surface: dict[str, tuple[str, str]]  # alias -> (kind, entity id)
    index: AliasIndex

    @classmethod
    def from_registry(cls, registry: Registry, problems: Collector) -> Aliases:
        surface: dict[str, tuple[str, str]] = {}
        for kind in ENTITY_KINDS:
            for ident, entity in registry.table(kind).items():
                for alias in entity.aliases:
                    if not alias[:1].isalnum() or alias != alias.strip():
                        # A bad alias is reported once and left out, so it cannot hide the entity's good ones.
                        problems.add(
                            registry.path, f"{kind}.{ident}", "aliases", f"alias {shown(alias)} must start with a letter or digit and have no outer spaces"
                        )
                        continue
                    if alias in surface and surface[alias] != (kind, ident):
                        problems.add(
                            registry.path,
                            f"{kind}.{ident}",
                            "aliases",
                            f"alias {shown(alias)} is also an alias of {surface[alias][0]} {surface[alias][1]}; an alias must name one entity",
                        )
                    surface[alias] = (kind, ident)
        try:
            index = alias_index(surface)
        except ValueError as exc:
            problems.add(registry.path, "", "aliases", str(exc))
            index = alias_index({})
        return cls(surface, index)


def mention_row(seed: Seed, m: Mention) -> Row:
    return {
        "mention_id": f"{seed.article_id}-{m.start}",
        "article_id": seed.article_id,
        "entity_type": m.kind,
        "entity_id": m.entity_id,
        **{f"{kind}_id": (m.entity_id if m.kind == kind else None) for kind in ENTITY_KINDS},
        **span_columns("", seed, m.start, m.end),
    }


def derive_article(
    seed: Seed, reading: Reading, registry: Registry, vocab: Vocabulary, aliases: Aliases, problems: Collector, names: list | None = None
) -> tuple[Tables, list[Mention]]:
    """Rows of one article, and its entity mentions; the per-article unit of work (pure)."""
    found = find_mentions(seed.text, aliases.index)
    ctx = ArticleContext(seed, reading, registry, vocab, problems, found)
    ref_row = reference(ctx)
    parties = party_rows(ctx)
    tables: Tables = {"claims": [], "events": [], "relations": [], "entity_links": []}
    said = []
    for table, entries, make in (
        ("claims", reading.claims, claim_rows),
        ("events", reading.events, event_rows),
        ("relations", reading.relations, relation_rows),
    ):
        for e in entries:
            row, links = make(ctx, e)
            if row is not None:
                tables[table].append(row)
                tables["entity_links"].extend(links)
                said.append(said_of(table, e, row))
    for entry, field, message in check_clauses(said, clause_spans(seed.text, ctx.sentences)):
        ctx.add(entry, field, message)
    roles = role_rows(ctx)
    article = article_row(ctx, ref_row, {"claim_count": len(reading.claims), "event_count": len(reading.events), "relation_count": len(reading.relations)})
    audit_numbers(ctx)
    sentences = sentence_rows(ctx)
    article["sentence_count"] = len(sentences)
    article["dismissed_sentence_count"] = sum(s["status"] == "dismissed" for s in sentences)
    if names is not None:
        names.extend((seed.article_id, start, name) for start, name in unmatched_names(seed.text, [(m.start, m.end) for m in found]))
    tables.update(
        {
            "articles": [article],
            "mentions": [mention_row(seed, m) for m in found],
            "sentences": sentences,
            "unnamed_parties": parties,
            "roles": roles,
        }
    )
    return tables, found


def derive_articles(
    pairs: list[tuple[Seed, Reading]], registry: Registry, vocab: Vocabulary, aliases: Aliases, names: list | None = None
) -> Iterator[tuple[Tables, list[Problem]]]:
    """Each article's rows and problems, in order, in this process (the default `article_mapper`)."""
    for seed, reading in pairs:
        problems = Collector()
        rows, _ = derive_article(seed, reading, registry, vocab, aliases, problems, names)
        yield rows, problems.problems


# How derive_tables runs the per-article step: in this process, or on an engine (superclusters.build.engine
# swaps it in for `build.py --engine dask`). Any replacement must yield the same pairs in the same order.
article_mapper: Callable[..., Iterable[tuple[Tables, list[Problem]]]] = derive_articles


def prepare(registry: Registry, vocab: Vocabulary, problems: Collector) -> Aliases:
    """Check the registry's and the schemas' vocabularies, and compile every alias once for the corpus."""
    for table, column, kind in (
        ("organisations", "kind", "organisation"),
        ("hardware", "kind", "hardware"),
        ("hardware", "organisation_role", "hardware"),
        ("places", "kind", "place"),
    ):
        for ident, entity in registry.table(kind).items():
            value = getattr(entity, "role" if column == "organisation_role" else column)
            vocab.check(table, column, value, problems, (registry.path, f"{table}.{ident}", column))
    from .reconcile import MODALITY_CLASS

    if set(vocab.enums[("claims", "modality")]) != set(MODALITY_CLASS):
        problems.add("schemas/claims.json", "modality", "enum", f"differs from reconcile.MODALITY_CLASS {sorted(MODALITY_CLASS)}; give each modality its class")
    if set(vocab.enums[("claims", "property")]) != set(PROPERTY_UNITS):
        problems.add("schemas/claims.json", "property", "enum", f"differs from derive.claims.PROPERTY_UNITS {sorted(PROPERTY_UNITS)}")
    if vocab.enums[("profile_facts", "attribute")] != list(ATTRIBUTES):
        problems.add("schemas/profile_facts.json", "attribute", "enum", f"differs from derive.profiles.ATTRIBUTES {list(ATTRIBUTES)} (same order)")
    return Aliases.from_registry(registry, problems)


def derive_batch(
    pairs: list[tuple[Seed, Reading]],
    registry: Registry,
    vocab: Vocabulary,
    aliases: Aliases,
    problems: Collector,
    summary: CorpusSummary,
    names: list | None = None,
) -> Tables:
    """The per-article tables of some whole articles (given in article order), unsorted, and their profile facts
    (without verdicts: see PENDING); `summary` takes them too."""
    tables: Tables = {name: [] for name in PER_ARTICLE}
    # --names fills this process's list, so that report always derives here.
    per_article = article_mapper(pairs, registry, vocab, aliases) if names is None else derive_articles(pairs, registry, vocab, aliases, names)
    for rows, found in per_article:
        problems.extend(found)
        summary.add(rows)
        for table in PER_ARTICLE:
            tables[table].extend(rows[table])
    tables["profile_facts"] = fact_rows(tables, registry)
    summary.profiles.add(tables["profile_facts"], registry)
    return tables


def corpus_tables(registry: Registry, summary: CorpusSummary, problems: Collector, partial: bool = False, claim_groups: bool = True) -> Tables:
    """The cross-article tables (entities of every kind, the entity index, the claim groups, the systems), from
    the summary.

    `claim_groups=False` leaves the three claim-group tables and the two that need their verdicts (PROFILE_TABLES)
    out, for a caller that streams the groups (`reconcile.reconcile_groups`) and makes those with `profile_tables`."""
    tables: Tables = {}
    for kind, table in ENTITY_TABLES:
        tables[table] = entity_rows(kind, registry, summary, Collector() if partial else problems)
    tables["entities"] = entity_index(tables, summary)
    if claim_groups:
        tables.update(reconcile(summary.claims, summary.inferred, as_row=summary.claim_row))
        tables.update(profile_tables(registry, summary, verdicts(tables["claim_groups"])))
    return tables


def verdicts(groups: Iterable[Row]) -> dict[str, tuple[str, str]]:
    """group_id -> (status, status_with_inferred) of claim_groups rows: what profile facts and systems show."""
    return {g["group_id"]: (g["status"], g["status_with_inferred"]) for g in groups}


def profile_tables(registry: Registry, summary: CorpusSummary, statuses: dict[str, tuple[str, str]]) -> Tables:
    """systems and epoch_gpu_clusters, from what the summary kept of the profile facts and the claim groups' verdicts."""
    pairs = list(profile_rows(registry, summary.profiles, statuses))
    return {"systems": [system for system, _ in pairs], "epoch_gpu_clusters": [epoch for _, epoch in pairs]}


def sort_by_key(tables: Tables, primary_keys: dict[str, str], problems: Collector) -> None:
    """Sort each table's rows by its primary key, in place; a key made twice is a problem."""
    for table, rows in tables.items():
        key = primary_keys[table]
        seen: dict[str, int] = {}
        for row in rows:
            seen[row[key]] = seen.get(row[key], 0) + 1
        for ident, count in seen.items():
            if count > 1:
                problems.add(f"data/{table}", ident, key, f"duplicate id ({count} entries produce it); expected each to be unique")
        rows.sort(key=lambda row: row[key])


def derive_tables(
    pairs: list[tuple[Seed, Reading]], registry: Registry, vocab: Vocabulary, problems: Collector, names: list | None = None, partial: bool = False
) -> Tables:
    """Every table from every article, in memory; problems collected, rows in primary-key order.

    The build streams articles in batches through the same steps (`superclusters.build.stream`); this
    whole-corpus form serves the tests, `--names` and a failed build's report.
    `names`, when given, receives (article_id, offset, name) for capitalised names that match no alias.
    `partial` marks a run on only the articles whose inputs could be read (others failed): checks that need
    every article (an entity no seed mentions) are skipped, so they cannot report false problems.
    """
    aliases = prepare(registry, vocab, problems)
    summary = CorpusSummary()
    ordered = sorted(pairs, key=lambda p: p[0].article_id)
    tables = derive_batch(ordered, registry, vocab, aliases, problems, summary, names)
    tables.update(corpus_tables(registry, summary, problems, partial))
    with_verdicts(tables["profile_facts"], verdicts(tables["claim_groups"]))
    sort_by_key(tables, {t: k for t, k in vocab.primary_keys.items() if t in tables}, problems)
    return tables
