"""Entity rows (organisations, people, hardware, places) and the index of every entity.

Both are counted from a `CorpusSummary`, which takes each article's rows as they are derived and
keeps only what these tables need (counts, the first mention, the roles), so articles can stream
through the build in batches without every mention staying in memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import Collector
from ..inputs.readings import Registry
from .context import Row
from .profiles import ProfileSummary
from .reconcile import RECONCILE_FIELDS

# Each entity kind and the table of its rows.
ENTITY_TABLES = (("organisation", "organisations"), ("person", "people"), ("hardware", "hardware"), ("place", "places"))


class CorpusSummary:
    """What the cross-article tables need from every article's rows, added one article at a time.

    Articles must be added whole and each once (as derive does): article counts are counted from
    changes of article, and the distinct rows linking an entity are counted per article.
    """

    def __init__(self) -> None:
        # (kind, entity_id) -> [mention count, article count, last article seen, first mention row]
        self.mentions: dict[tuple[str, str], list] = {}
        self.roles: list[Row] = []
        self.relation_count: dict[str, int] = {}
        self.link_row_count: dict[str, int] = {}
        self._parties: list[tuple[str, str]] = []  # (party_id, quote), since the last seal()
        self._claims: list[tuple] = []  # RECONCILE_FIELDS of each claim, since the last seal()
        self._sealed: list[bytes] = []  # pickled (parties, claims) of earlier batches
        self.inferred: set[str] = set()
        self.profiles = ProfileSummary()  # what the systems' rows need from the profile facts (derive_batch adds them)

    def add(self, rows: dict[str, list[Row]]) -> None:
        """Take one article's rows (or a batch of whole articles, in article order)."""
        for m in rows["mentions"]:
            key = (m["entity_type"], m["entity_id"])
            seen = self.mentions.get(key)
            position = (m["article_id"], m["char_start"])
            if seen is None:
                self.mentions[key] = [1, 1, m["article_id"], _first(m)]
                continue
            seen[0] += 1
            if seen[2] != m["article_id"]:
                seen[1] += 1
                seen[2] = m["article_id"]
            if position < (seen[3]["mention_article_id"], seen[3]["mention_char_start"]):
                seen[3] = _first(m)
        self.roles.extend(rows["roles"])
        for r in rows["relations"]:
            for ident in {r["subject_id"], r["object_id"]} - {None}:
                self.relation_count[ident] = self.relation_count.get(ident, 0) + 1
        linked: dict[str, set[str]] = {}
        for link in rows["entity_links"]:
            linked.setdefault(link["entity_id"], set()).add(link["row_id"])
            if link["row_table"] == "claims" and link["role"] in ("hardware", "organisation") and link["basis"] == "inferred":
                self.inferred.add(link["row_id"])
        # row ids begin with their article's id, so the rows of different articles never coincide
        for ident, row_ids in linked.items():
            self.link_row_count[ident] = self.link_row_count.get(ident, 0) + len(row_ids)
        self._parties.extend((r["party_id"], r["quote"]) for r in rows["unnamed_parties"])
        # tuples, not dicts: a tenth of the memory for what stays until the end of a streamed build
        self._claims.extend(tuple(c.get(k) for k in RECONCILE_FIELDS) for c in rows["claims"])

    def seal(self) -> None:
        """Pack what was added since the last call into one bytes object (a streamed build calls it after
        each batch). Kept as small Python objects, they would pin the allocator's arenas that each batch's
        short-lived rows shared with them, and the build's memory would grow by far more than their size
        (about 190 MB at N = 10,000, measured)."""
        import pickle

        if self._parties or self._claims:
            self._sealed.append(pickle.dumps((self._parties, self._claims), protocol=pickle.HIGHEST_PROTOCOL))
            self._parties, self._claims = [], []

    def _unsealed(self, part: int) -> Iterator[tuple]:
        import pickle

        for blob in self._sealed:
            yield from pickle.loads(blob)[part]
        yield from (self._parties, self._claims)[part]

    @property
    def parties(self) -> Iterator[Row]:
        """Every unnamed party added, as {party_id, quote}."""
        return ({"party_id": party_id, "quote": quote} for party_id, quote in self._unsealed(0))

    @property
    def claims(self) -> Iterator[tuple]:
        """Every claim added, as a tuple of RECONCILE_FIELDS (see `claim_row`)."""
        return self._unsealed(1)

    @staticmethod
    def claim_row(values: tuple) -> Row:
        """A kept claim as the row reconcile() reads (only its columns)."""
        return dict(zip(RECONCILE_FIELDS, values, strict=True))


def _first(m: Row) -> Row:
    return {
        "mention_article_id": m["article_id"],
        "mention_quote": m["quote"],
        "mention_char_start": m["char_start"],
        "mention_char_end": m["char_end"],
        "mention_span_url": m["span_url"],
    }


def entity_rows(kind: str, registry: Registry, summary: CorpusSummary, problems: Collector) -> list[Row]:
    """organisations, people, hardware or places rows, with counts and first mention derived from the mentions."""
    rows = []
    for ident, entity in registry.table(kind).items():
        seen = summary.mentions.get((kind, ident))
        if seen is None:
            problems.add(
                registry.path,
                f"{kind}.{ident}",
                "aliases",
                f"none of {list(entity.aliases)} occurs as a whole word in any seed; every entity must come from a seed",
            )
            continue
        mention_count, article_count, _, first = seen
        row: Row = {f"{kind}_id": ident, "name": entity.name, "aliases": "|".join(entity.aliases)}
        if kind != "person":
            row["kind"] = entity.kind
        if kind == "hardware":
            if entity.organisation not in registry.organisations:
                problems.add(registry.path, f"hardware.{ident}", "organisation", f"unknown organisation id {entity.organisation!r}")
            row.update({"organisation_id": entity.organisation, "organisation_role": entity.role})
        row["description"] = entity.description
        if kind == "person":
            stated = sorted((r for r in summary.roles if r["person_id"] == ident), key=lambda r: (r["role_article_id"], r["role_char_start"]))
            head = stated[0] if stated else {}
            row.update(
                {
                    "role": head.get("role"),
                    "affiliation_organisation_id": head.get("organisation_id"),
                    "roles_stated": "|".join(dict.fromkeys(f"{r['role']}@{r['organisation_id']}" for r in stated)) or None,
                    **{k: head.get(k) for k in ("role_article_id", "role_quote", "role_char_start", "role_char_end", "role_span_url")},
                }
            )
        row.update({"article_count": article_count, "mention_count": mention_count, **first})
        rows.append(row)
    return rows


def entity_index(tables: dict[str, list[Row]], summary: CorpusSummary) -> list[Row]:
    """One row per entity of every kind, with how often relations and links refer to it."""
    rows = []
    for kind, table in ENTITY_TABLES:
        for r in tables[table]:
            ident = r[f"{kind}_id"]
            rows.append({"entity_id": ident, "entity_type": kind, "name": r["name"], "mention_count": r["mention_count"]})
    for r in summary.parties:
        rows.append({"entity_id": r["party_id"], "entity_type": "unnamed_party", "name": r["quote"], "mention_count": 1})
    for row in rows:
        row["relation_count"] = summary.relation_count.get(row["entity_id"], 0)
        row["link_count"] = summary.link_row_count.get(row["entity_id"], 0)
    return rows
