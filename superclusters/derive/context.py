"""What every row kind of one article needs: anchoring, registry look-ups, attribution, dates, entity links.

`ArticleContext` holds one (seed, reading) pair and records problems against the reading's entries.
The row modules (articles, claims, events, relations, accounting) call it; nothing here touches the disk.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from ..errors import Collector, shown
from ..inputs.readings import Phrase, Reading, Registry
from ..inputs.seeds import Seed
from ..inputs.sentences import segment
from ..normalise.anchoring import AnchorError, anchor, anchor_within, span_url
from ..normalise.dates import UNPLACED, DateError, Placed, Reference, place
from ..normalise.mentions import Mention

Row = dict[str, Any]
BASIS_ORDER = {"stated": 0, "coreference": 1, "inferred": 2}


@dataclass(frozen=True)
class Vocabulary:
    """Closed vocabularies, read from the schemas so they are stated once."""

    enums: dict[tuple[str, str], list[str]]
    primary_keys: dict[str, str]

    @classmethod
    def from_schemas(cls, schemas: dict[str, dict]) -> Vocabulary:
        enums = {}
        for table, schema in schemas.items():
            for f in schema["fields"]:
                if "enum" in f.get("constraints", {}):
                    enums[(table, f["name"])] = f["constraints"]["enum"]
        return cls(enums, {table: schema["primaryKey"][0] for table, schema in schemas.items()})

    def check(self, table: str, column: str, value: Any, problems: Collector, where: tuple[str, str, str]) -> None:
        allowed = self.enums[(table, column)]
        if value not in allowed:
            problems.add(*where, f"unknown value {shown(value)}; expected one of {', '.join(map(str, allowed))}")


def date_columns(prefix: str, placed: Placed | None, text: str | None) -> Row:
    return {
        f"{prefix}_text": text,
        f"{prefix}_start": placed.start if placed else None,
        f"{prefix}_end": placed.end if placed else None,
        f"{prefix}_precision": placed.precision if placed else None,
        f"{prefix}_anchor": placed.anchor if placed else None,
    }


def span_columns(prefix: str, seed: Seed, start: int, end: int, text_column: str = "quote") -> Row:
    return {
        f"{prefix}{text_column}": seed.text[start:end],
        f"{prefix}char_start": start,
        f"{prefix}char_end": end,
        f"{prefix}span_url": span_url(seed.path, start, end),
    }


def sentence_id(article_id: str, index: int) -> str:
    return f"{article_id}-s{index:03d}"


class ArticleContext:
    """One article's text, reading, sentences and mentions, and the checks every row kind shares."""

    def __init__(self, seed: Seed, reading: Reading, registry: Registry, vocab: Vocabulary, problems: Collector, mentions: list[Mention]):
        self.seed, self.reading, self.registry, self.vocab, self.problems = seed, reading, registry, vocab, problems
        self.text = seed.text
        self.covered: list[tuple[int, int]] = []  # curated spans, for the number audit
        self.row_spans: list[tuple[int, int]] = []  # spans of rows, for the sentence accounting
        self.sentences = segment(seed.text)
        self._sentence_starts = [s for s, _ in self.sentences]
        self.mentions = mentions
        self.ref: Reference | None = None
        self.parties: dict[str, Row] = {}  # curated label -> unnamed_parties row

    # -- problems and anchoring ---------------------------------------------
    def add(self, entry: str, field: str, message: str) -> None:
        self.problems.add(self.reading.path, entry, field, message)

    def anchor(self, entry: str, quote: str, prefix: str, suffix: str, row: bool = True) -> tuple[int, int] | None:
        """Offsets of a curated quote; the span accounts for the numbers inside it and, for rows, its sentences."""
        try:
            span = anchor(self.text, quote, prefix, suffix)
        except AnchorError as exc:
            self.add(entry, "quote", str(exc))
            return None
        self.covered.append(span)
        if row:
            self.row_spans.append(span)
        return span

    def within(self, entry: str, field: str, span: tuple[int, int], inner: str) -> tuple[int, int] | None:
        try:
            return anchor_within(self.text, span, inner, field)
        except AnchorError as exc:
            self.add(entry, field, str(exc))
            return None

    def known(self, entry: str, field: str, kind: str, ident: str | None) -> None:
        table = self.registry.table(kind)
        if ident is not None and ident not in table:
            self.add(entry, field, f"unknown {kind} id {shown(ident)}; expected one of {', '.join(sorted(table))} (from {self.registry.path})")

    def gloss(self, entry: str, en: str | None) -> str | None:
        if self.reading.language != "en" and not en:
            self.add(entry, "en", "missing English gloss; expected one for a seed not in English")
        return en

    # -- entities ---------------------------------------------------------------
    def entity(self, entry: str, field: str, ident: str | None) -> tuple[str, str] | None:
        """(entity id, kind) of a registry id or of an unnamed party's label in this reading."""
        if ident is None:
            return None
        if ident in self.parties:
            return self.parties[ident]["party_id"], "unnamed_party"
        kind = self.registry.kind_of(ident)
        if kind is None:
            labels = f"; or an unnamed party label of this reading: {', '.join(sorted(self.parties))}" if self.parties else ""
            self.add(entry, field, f"unknown id {shown(ident)}; expected an id from {self.registry.path}{labels}")
            return None
        return ident, kind

    def attribution(self, entry: str, e: Any) -> tuple[Row, tuple[str, str] | None]:
        """attributed_* columns, and the (id, kind) the statement is attributed to for its entity link."""
        person = organisation = party = None
        text = e.attributed_to
        link = None
        if e.attribution_kind == "person":
            self.known(entry, "attributed_to", "person", e.attributed_to)
            person = e.attributed_to
            text = self.registry.people[person].name if person in self.registry.people else text
            link = (person, "person")
        elif e.attribution_kind == "organisation":
            self.known(entry, "attributed_to", "organisation", e.attributed_to)
            organisation = e.attributed_to
            text = self.registry.organisations[organisation].name if organisation in self.registry.organisations else text
            link = (organisation, "organisation")
        elif e.attribution_kind == "outlet":
            if e.attributed_to != "the outlet":
                self.add(
                    entry, "attributed_to", f"got {shown(e.attributed_to)}; an outlet attribution is written 'the outlet' (the reading's `outlet` names it)"
                )
            organisation = self.reading.outlet
            text = self.registry.organisations[organisation].name if organisation in self.registry.organisations else "the outlet"
        elif e.attribution_kind == "unnamed_source":
            if e.attributed_to not in self.parties:
                self.add(
                    entry,
                    "attributed_to",
                    f"unknown unnamed party {shown(e.attributed_to)}; "
                    f"expected a label from this reading's `unnamed`: {', '.join(sorted(self.parties)) or 'none'}",
                )
            else:
                party = self.parties[e.attributed_to]["party_id"]
                text = self.parties[e.attributed_to]["quote"]
                link = (party, "unnamed_party")
        columns = {"attributed_to": text, "attributed_person_id": person, "attributed_organisation_id": organisation, "attributed_party_id": party}
        return columns, link

    def statement_columns(self, entry: str, e: Any, attribution: Row, span: tuple[int, int], basis: str) -> Row:
        """The columns every claim, event and relation shares: who said it, the quote, the link basis, the gloss."""
        return {
            "attribution_kind": e.attribution_kind,
            **attribution,
            **span_columns("", self.seed, *span),
            "link_basis": basis,
            "quote_en": self.gloss(entry, e.en),
            "ambiguity": e.ambiguity,
            "note": e.note,
            "clause_note": e.clause_note,
        }

    # -- dates ------------------------------------------------------------------
    def place(self, entry: str, field: str, phrase: Phrase, ref: Reference | None) -> Placed | None:
        if not phrase.calendar:
            return UNPLACED
        if ref is None:
            return None
        try:
            return place(phrase.text, ref)
        except DateError as exc:
            self.add(entry, field, str(exc))
            return None

    def phrase_span(self, entry: str, field: str, span: tuple[int, int], phrase: Phrase, anywhere: bool) -> tuple[int, int] | None:
        """The phrase inside the quote; with `anywhere`, a phrase outside it is anchored in the whole seed."""
        if anywhere and (phrase.prefix or self.text[span[0] : span[1]].count(phrase.text) != 1):
            try:
                found = anchor(self.text, phrase.text, phrase.prefix, "")
            except AnchorError as exc:
                self.add(entry, field, str(exc))
                return None
            self.covered.append(found)
            return found
        return self.within(entry, field, span, phrase.text)

    def phrase_columns(
        self, entry: str, prefix: str, span: tuple[int, int], phrase: Phrase | None, ref: Reference | None, anywhere: bool = False
    ) -> Row | None:
        """The <prefix>_* columns of a time or date phrase; None (problem recorded) if it fails."""
        if phrase is None:
            return {**date_columns(prefix, None, None), f"{prefix}_relation": None, f"{prefix}_char_start": None, f"{prefix}_char_end": None}
        inner = self.phrase_span(entry, prefix, span, phrase, anywhere)
        placed = self.place(entry, prefix, phrase, ref)
        if inner is None or placed is None:
            return None
        return {
            **date_columns(prefix, placed, phrase.text),
            f"{prefix}_relation": placed.relation if phrase.calendar else None,
            f"{prefix}_char_start": inner[0],
            f"{prefix}_char_end": inner[1],
        }

    def statement_time(self, entry: str, span: tuple[int, int], stated: Phrase | None, attribution_kind: str) -> tuple[Row | None, Reference | None]:
        """stated_* columns (when the words were said) and the reference that relative times are counted from.

        Without a `stated` phrase, the outlet's own words were said at publication; words the seed credits to
        someone else (a person, an organisation, unnamed sources) at some time up to publication, since the
        article reports them and does not say when they were said. A stated phrase that is no calendar time
        ("Musk has revealed") says the same: some time up to publication.
        """
        ref = self.ref
        published = ref.published if ref is not None else None
        if stated is None and (attribution_kind == "outlet" or published is None):
            columns = self.phrase_columns(entry, "stated", span, None, ref)
            if published is not None:
                columns.update({k: v for k, v in date_columns("stated", published, None).items() if k != "stated_text"})
                columns["stated_relation"] = "in"
            return columns, ref
        columns = self.phrase_columns(entry, "stated", span, stated, ref, anywhere=True)
        if columns is None or ref is None:
            return columns, ref
        if stated is None or not stated.calendar:
            anchor = ("publication_date" if published.anchor == "absolute" else published.anchor) if published else "none"
            said = Placed("in", None, published.end if published else None, "range", anchor)
            columns.update({k: v for k, v in date_columns("stated", said, stated.text if stated else None).items()})
            columns["stated_relation"] = "in"
        else:
            said = Placed("in", columns["stated_start"], columns["stated_end"], columns["stated_precision"], columns["stated_anchor"])
        return columns, Reference(ref.year, said)

    # -- sentences and entity links ---------------------------------------------
    def sentence_indices(self, span: tuple[int, int]) -> list[int]:
        """Indices of the sentences a span overlaps."""
        first = max(0, bisect.bisect_right(self._sentence_starts, span[0]) - 1)
        found = []
        for index in range(first, len(self.sentences)):
            start, end = self.sentences[index]
            if start >= span[1]:
                break
            if end > span[0]:
                found.append(index)
        return found

    def _named_in(self, entity_id: str, kind: str, sentence: int) -> str | None:
        """mention_id (or '' for an unnamed party's description) of the entity in a sentence, if it is named there."""
        start, end = self.sentences[sentence]
        if kind == "unnamed_party":
            row = next((r for r in self.parties.values() if r["party_id"] == entity_id), None)
            return "" if row is not None and start <= row["char_start"] < end else None
        for m in self.mentions:
            if m.entity_id == entity_id and start <= m.start < end:
                return f"{self.seed.article_id}-{m.start}"
        return None

    def links(
        self,
        table: str,
        row_id: str,
        entry: str,
        span: tuple[int, int],
        roles: list[tuple[str, str, str]],
        curated: tuple[tuple[str, str], ...],
        note: str | None,
    ) -> tuple[list[Row], str]:
        """entity_links rows for (role, entity id, kind) triples, and the weakest basis among them.

        stated: a sentence the quote lies in names the entity. Otherwise the curator must say
        coreference (an earlier sentence names it; the nearest is recorded) or inferred (with a note).
        """
        marks = dict(curated)
        sentences = self.sentence_indices(span)
        rows, weakest = [], "stated"
        for ident, _ in curated:
            if ident not in {entity for _, entity, _ in roles} and ident not in self.parties:
                self.add(entry, f"links.{ident}", "names an entity this entry does not link; expected one of its ids")
        for role, entity_id, kind in roles:
            label = next((lbl for lbl, r in self.parties.items() if r["party_id"] == entity_id), entity_id)
            mark = marks.get(label) or marks.get(entity_id)
            mention = next((m for i in sentences if (m := self._named_in(entity_id, kind, i)) is not None), None)
            antecedent = None
            if mention is not None:
                basis = "stated"
                if mark is not None:
                    self.add(entry, f"links.{label}", f"{label} is named in the quote's sentence, so its link is stated; remove it from links")
            elif mark == "coreference":
                basis = "coreference"
                earlier = [i for i in range(sentences[0] - 1, -1, -1) if self._named_in(entity_id, kind, i) is not None] if sentences else []
                if not earlier:
                    self.add(
                        entry, f"links.{label}", f"no earlier sentence names {label}, so this is no coreference; mark it inferred and give the reason in note"
                    )
                else:
                    antecedent = sentence_id(self.seed.article_id, earlier[0])
            elif mark == "inferred":
                basis = "inferred"
                if not note:
                    self.add(entry, "note", f"the link to {label} is inferred; expected a note giving the curator's reason")
            else:
                self.add(
                    entry,
                    "links",
                    f"{label} ({role}) is not named in the quote's sentence; add links: {{{label}: coreference}} "
                    f"if an earlier sentence names it, or {{{label}: inferred}} with a note",
                )
                continue
            weakest = max(weakest, basis, key=BASIS_ORDER.__getitem__)
            rows.append(
                {
                    "link_id": f"{row_id}-{role}-{entity_id}",
                    "row_table": table,
                    "row_id": row_id,
                    "article_id": self.seed.article_id,
                    "role": role,
                    "entity_id": entity_id,
                    "basis": basis,
                    "mention_id": mention or None,
                    "antecedent_sentence_id": antecedent,
                }
            )
        return rows, weakest
