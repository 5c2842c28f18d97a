"""Draft the reading of a new article: proposed entities, claims, relations and events, each with its quote.

`build.py draft PATH` prints them; `build.py add` writes them into the draft reading, each marked
`proposed: true`, and the build publishes nothing while one is left (docs/curating.md). The drafter reads
the article's text, the shared entity registry (readings/entities.yaml) and the vocabularies of the table
schemas, never an existing reading of the article, so running it on a curated seed is a fair test
(benchmarks/draft_eval.py measures it so, leave-one-out).

It proposes by rules, not by a model: the project's own parsers decide what a quantity is
(normalise/numbers.parse_quantity) and whether words are a date (normalise/dates.place); the registry's
aliases find known entities (normalise/mentions); the cue lists in curate/lexicon.py (pt, fr, en) give
property, modality, speaker, predicate and event type. Every proposal is built so that the build can anchor
it as it stands: its quote occurs once in the text (else a prefix or suffix is added), its value, time and
object words occur once in its quote, each id it uses is named in its sentence or marked as a coreference,
and no two proposals would get the same row id. What it cannot know (an English gloss, a description, a
note) is left for the curator: `en: TODO` on an article not in English, a plain description to rewrite.

Everything here is pure: text and registry in, proposals out. Run time is linear in the text for each
sentence's own work; the quote checks count occurrences in the whole text, which is bounded by the article
size limit (inputs/limits.MAX_SEED_BYTES) and by MAX_PROPOSALS.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..derive.claims import PHASE_WORDS, PROPERTY_UNITS
from ..inputs.readings import Registry
from ..inputs.sentences import segment
from ..normalise.dates import MONTHS, SEASONS, DateError, Placed, Reference, place
from ..normalise.mentions import Mention, alias_index, find_mentions
from ..normalise.numbers import COMPARATORS, CURRENCIES, SCALES, UNITS, NumberError, parse_quantity
from . import lexicon as lx

MAX_QUOTE = 260  # characters: a proposal quotes a clause, never a paragraph
MAX_PROPOSALS = 5_000  # per article and kind; an article of thousands of sentences stops here, and says so
MAX_CONTEXT = 160  # characters a prefix or suffix may grow to make a quote occur once
MAX_RECURRENCE = 20  # a quote whose words recur more often is not proposed (it keeps the run linear on repetitive text)
OUTLET = "the outlet"


@dataclass
class Proposals:
    """What the drafter proposes for one article, in the reading's field names, and what it has to say."""

    entities: list[dict] = field(default_factory=list)  # registered ones (registered: true) and new ones
    claims: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    unnamed: list[dict] = field(default_factory=list)  # unnamed parties the proposals attribute to
    notes: list[str] = field(default_factory=list)  # for the curator: numbers not proposed, limits reached

    def as_json(self) -> dict[str, list[dict]]:
        """The `--json` object: the four kinds (unnamed parties travel with the entities)."""
        return {
            "entities": self.entities + [{**u, "type": "unnamed_party"} for u in self.unnamed],
            "claims": self.claims,
            "relations": self.relations,
            "events": self.events,
        }

    def count(self) -> int:
        """Proposals a curator must confirm: new entities, unnamed parties, claims, relations, events."""
        return sum(1 for e in self.entities if e.get("proposed")) + len(self.unnamed) + len(self.claims) + len(self.relations) + len(self.events)


@dataclass(frozen=True)
class Vocabulary:
    """The closed vocabularies the drafter may propose values from (from the table schemas)."""

    properties: frozenset[str]
    predicates: frozenset[str]
    event_types: frozenset[str]
    statuses: frozenset[str]
    modalities: frozenset[str]
    party_kinds: frozenset[str]

    @classmethod
    def from_schemas(cls, schemas: dict[str, dict]) -> Vocabulary:
        def enum(table: str, column: str) -> frozenset[str]:
            spec = next(f for f in schemas[table]["fields"] if f["name"] == column)
            return frozenset(spec["constraints"]["enum"])

        return cls(
            enum("claims", "property"),
            enum("relations", "predicate"),
            enum("events", "event_type"),
            enum("events", "status"),
            enum("claims", "modality"),
            enum("unnamed_parties", "kind"),
        )


# -- small text helpers ------------------------------------------------------------------------------


@functools.cache
def _words(fragments: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive pattern for a list of fragments, each matched as whole words."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{f})" for f in fragments) + r")(?![\w-])", re.IGNORECASE)


def _cue(table: dict[str, list[str]], language: str) -> re.Pattern[str]:
    """The pattern of a lexicon table's cues in one language, compiled once per list of cues (`_words` caches by
    the cues themselves: a cache keyed by the table's id() gave a temporary table the pattern of another one
    that had lived at the same address, so proposals depended on what ran before)."""
    return _words(tuple(table.get(language, [])))


def _slug(name: str) -> str:
    """An id from a name: lower-case ASCII letters, digits and underscores ("Jean Zay" -> jean_zay)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", folded.lower()).strip("_")
    return slug if slug[:1].isalpha() else f"e_{slug}" if slug else "entity"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without outer white space and without a final sentence mark, comma or colon."""
    while start < end and (text[start].isspace() or text[start] in ",;:–—"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:–—"):
        end -= 1
    return start, end


@dataclass(frozen=True)
class Entity:
    """A registered or proposed entity, as the drafter uses it."""

    id: str
    type: str  # organisation | person | hardware | place
    kind: str  # the registry's kind (company, cluster, city, ...), or "" where unknown
    name: str
    registered: bool


# -- the article as the drafter reads it ---------------------------------------------------------------


class Article:
    """One article's text, sentences, clauses, entity mentions and date phrases, read once."""

    def __init__(self, text: str, language: str, registry: Registry, vocabulary: Vocabulary, published: str | None):
        self.text, self.language, self.registry, self.vocab = text, language, registry, vocabulary
        # A seed's leading " date 2024-08-26" line is the dataset's own mark, not the article's words.
        self.sentences = [(m.end(), end) if (m := _DATE_MARK.match(text, start, end)) else (start, end) for start, end in segment(text)]
        self._sentence_starts = [s for s, _ in self.sentences]
        self._clauses: dict[int, list[tuple[int, int]]] = {}
        self._said: dict[tuple[re.Pattern[str], int, int], bool] = {}  # (pattern, start, end) -> found in text[start:end]
        self.reference, self.dated = _reference(published)
        self.entities: dict[str, Entity] = {}
        for kind, table in (("organisation", registry.organisations), ("person", registry.people), ("hardware", registry.hardware), ("place", registry.places)):
            for ident, entry in table.items():
                self.entities[ident] = Entity(ident, kind, getattr(entry, "kind", ""), entry.name, True)
        self.new_entities: list[dict] = []
        self.alias_additions: dict[str, list[str]] = {}  # registered id -> surface forms the registry lacks
        self.mentions = self._find_entities()
        self._mention_starts = [m.start for m in self.mentions]
        self.unplaceable: set[tuple[int, int]] = set()  # date phrases that need a publication date the article lacks
        self.relative: set[tuple[int, int]] = set()  # date phrases counted from the publication date ("today", "last week")
        self.dates = self._find_dates()
        self._date_starts = [d[0] for d in self.dates]
        self.first_named: dict[str, int] = {}  # entity id -> the first sentence that names it
        for m in self.mentions:
            self.first_named.setdefault(m.entity_id, self.sentence_of(m.start))

    # -- sentences ---------------------------------------------------------------------------------
    def sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def clauses(self, sentence: int) -> list[tuple[int, int]]:
        """The sentence cut at commas, semicolons, colons, dashes and brackets (not inside numbers)."""
        cached = self._clauses.get(sentence)
        if cached is None:
            cached = self._clauses[sentence] = self._cut(sentence)
        return cached

    def _cut(self, sentence: int) -> list[tuple[int, int]]:
        start, end = self.sentences[sentence]
        pieces, at = [], start
        for m in _CLAUSE_BREAK.finditer(self.text, start, end):
            pieces.append((at, m.start()))
            at = m.end()
        pieces.append((at, end))
        return [span for a, b in pieces if (span := _trim(self.text, a, b))[1] > span[0]]

    def says(self, pattern: re.Pattern[str], span: tuple[int, int]) -> bool:
        """Whether `pattern` occurs in text[span]: asked of a clause or sentence once for all its quantities
        (a clause of thousands of numbers would otherwise be searched once per number)."""
        key = (pattern, span[0], span[1])
        found = self._said.get(key)
        if found is None:
            found = self._said[key] = pattern.search(self.text[span[0] : span[1]]) is not None
        return found

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self._mention_starts, start)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                found.append(self.mentions[i])
            i += 1
        return found

    def named_in_sentence(self, ident: str, sentence: int) -> bool:
        start, end = self.sentences[sentence]
        return any(m.entity_id == ident for m in self.mentions_in(start, end))

    def last_named_before(self, sentence: int, accept, back: int = 4) -> str | None:
        """The id of the last entity `accept` takes, named in the `back` sentences before `sentence`."""
        for index in range(sentence - 1, max(-1, sentence - 1 - back), -1):
            start, end = self.sentences[index]
            for m in reversed(self.mentions_in(start, end)):
                if accept(self.entities[m.entity_id]):
                    return m.entity_id
        return None

    # -- entities ----------------------------------------------------------------------------------
    def _find_entities(self) -> list[Mention]:
        """Registered aliases, then names the registry lacks (proposed as new entities); all mentions."""
        surface: dict[str, tuple[str, str]] = {}
        for ident, entity in self.entities.items():
            for alias in self.registry.table(entity.type)[ident].aliases:
                if alias[:1].isalnum() and alias == alias.strip():
                    surface.setdefault(alias, (entity.type, ident))
        registered = find_mentions(self.text, alias_index(surface))
        folded = {alias.casefold(): target for alias, target in surface.items()}
        for candidate in _new_names(self, registered):
            # Another casing or the plural of a registered alias ("NVIDIA", "H100s") names that entity:
            # proposed as an alias to add, not as a new entity.
            name = candidate["name"]
            known = folded.get(name.casefold()) or folded.get(re.sub(r"(?:e?s)$", "", name).casefold()) if len(name) > 2 else None
            if known is not None and candidate["type"] != "person":
                self.alias_additions.setdefault(known[1], []).append(name)
                surface.setdefault(name, known)
                continue
            ident = _slug(candidate["name"])
            while ident in self.entities:
                ident += "_new"
            candidate["id"] = ident
            self.entities[ident] = Entity(ident, candidate["type"], candidate["kind"], candidate["name"], False)
            self.new_entities.append(candidate)
            for alias in candidate["aliases"]:
                surface.setdefault(alias, (candidate["type"], ident))
        return find_mentions(self.text, alias_index(surface)) if self.new_entities or self.alias_additions else registered

    # -- dates -------------------------------------------------------------------------------------
    def _find_dates(self) -> list[tuple[int, int, bool]]:
        """(start, end, calendar) of every date or time phrase: a candidate from the date words, kept only
        where normalise/dates.place can place it (or, for phase words, as a time that is no calendar time).
        Without a stated publication date, a phrase counted from it ("hoje", "last week") is still a date
        (its numbers are no quantity), but it is not proposed: the build could not place it (`placeable`)."""
        found: list[tuple[int, int, bool]] = []
        taken: list[tuple[int, int]] = []
        for m in _DATE_CANDIDATES.finditer(self.text):
            start, end = _trim(self.text, m.start(), m.end())
            words = self.text[start:end]
            if not words or taken and start < taken[-1][1]:
                continue
            if words.lower().replace("\u2019", "'") in _PHASE_TERMS:
                found.append((start, end, False))
                taken.append((start, end))
                continue
            try:
                place(words, self.reference)
            except DateError as exc:
                if "relative to" not in str(exc):  # placeable once the publication date is known
                    continue
                if self.dated:
                    continue
                self.unplaceable.add((start, end))
            if self.dated and _counts_from_publication(words, self.reference):
                self.relative.add((start, end))
            found.append((start, end, True))
            taken.append((start, end))
        return sorted(found)

    def dates_in(self, start: int, end: int) -> list[tuple[int, int, bool]]:
        i = bisect.bisect_left(self._date_starts, start)
        found = []
        while i < len(self.dates) and self.dates[i][0] < end:
            if self.dates[i][1] <= end:
                found.append(self.dates[i])
            i += 1
        return found


def _counts_from_publication(words: str, reference: Reference) -> bool:
    """Whether a phrase is placed from the publication date: without one, the date parser refuses it."""
    try:
        place(words, Reference(reference.year, None))
    except DateError as exc:
        return "relative to" in str(exc)
    return False


def _reference(published: str | None) -> tuple[Reference, bool]:
    """What relative phrases are placed from, and whether it is the article's own publication date (one
    that states a year); otherwise a stand-in day, against which only the shape of a phrase is checked."""
    year_match = re.search(r"(19|20)\d{2}", published or "")
    year = int(year_match.group()) if year_match else 2000
    placed: Placed | None = None
    if published and year_match:
        try:
            placed = place(published, Reference(year))
        except DateError:
            placed = None
    if placed is not None:
        return Reference(year, placed), True
    return Reference(year, None), False


_DATE_MARK = re.compile(r"date \d{4}-\d{2}(?:-\d{2})?\s+")
_CLAUSE_BREAK = re.compile(r",(?=\s)|;|:(?=\s)|\s[–—-]\s|—|\s\(|\)|\s«|»(?=\s*[,.;])|“|”|\"")


# The phase lexicon's words (derive.claims.PHASE_WORDS, every language): a time phrase of its own that the
# date parser does not place, proposed as the claim's time so the build computes the phase from it.
_PHASE_TERMS = frozenset(word for phases in PHASE_WORDS.values() for words in phases.values() for word in words)


def _date_pattern() -> re.Pattern[str]:
    """Candidate date phrases, built from the date parser's own words (normalise/dates), then checked by it."""
    month = "|".join(sorted(MONTHS, key=len, reverse=True))
    season = "|".join(sorted(SEASONS, key=len, reverse=True))
    year = r"(?:19|20)\d{2}"
    lead = (
        r"(?:(?:d'ici|d’ici|até|by|until|no later than|avant|before|after|après|depuis|since|em|en|in|no|na|au|à|a|from|de|para|pour|for"
        r"|ne\s+sera\s+pas\s+prêt\s+avant|pas\s+avant|not\s+before|antes\s+de)\s+)?"
    )
    part = (
        r"(?:(?:(?:no|em|au|à|at|in)\s+)?(?:the\s+|o\s+|la\s+|le\s+)?(?:início|inicio|começo|meados|final|fim|début|mi-|fin|end|beginning|start|early|mid-?|late)"
        r"(?:\s+(?:de|d'|of|do|da))?\s*)?"
    )
    article = r"(?:(?:o|a|the|le|la|l'|l’)\s+)?"
    relative = [
        r"(?:plus\s+tôt|earlier|no\s+início|later|plus\s+tard)\s+(?:cette|this|deste|neste|este)\s+(?:année|year|ano)",
        r"(?:(?:no|em|en|in)\s+)?(?:this|cette|este|deste|neste|next|last|previous|próximo|passado)\s+(?:year|année|ano|month|mois|mês)",
        r"(?:l'|l’|o\s+|no\s+)?(?:année|ano|mês|mois)\s+(?:dernière?|passado|prochaine?|próximo|que\s+vem)",
        r"(?:(?:in\s+)?the\s+|(?:dans\s+)?les\s+|(?:nos\s+)?)(?:next|coming|próximos|prochains)\s+(?:\d+\s+)?(?:months|meses|mois)",
        r"(?:dans\s+les\s+)?\d+\s+prochains\s+mois",
        r"(?:in|within|em|dans)\s+(?:a\s+few|alguns|quelques)\s+(?:months|meses|mois)",
        r"(?:há|il\s+y\s+a)\s+(?:apenas\s+)?(?:um|un|1)\s+(?:mês|mois)|(?:a|one|1)\s+month\s+ago",
        r"(?:(?:na|la|last)\s+)?(?:semana\s+passada|semaine\s+dernière|last\s+week)",
        r"(?:(?:até|by|until|at|d'ici|à|no)\s+)?(?:o\s+|the\s+|la\s+)?(?:final|fin|end)\s+(?:do|de\s+l'|de\s+l’|of\s+the)\s*(?:ano|année|year)",
        r"(?:(?:in\s+)?a\s+)?(?:recently|recent|récemment|recentemente|previously|auparavant|anteriormente)",
        r"(?:ces\s+dernières\s+années|in\s+recent\s+years|nos\s+últimos\s+anos)",
        r"(?:aujourd'hui|aujourd’hui|today|hoje)",
        r"(?:(?:no|em|en|in|at)\s+)?(?:o\s+|the\s+|l')?(?:início|começo|début|start|beginning)\s+(?:deste|de\s+ce|of\s+this)\s+(?:mês|mois|month)",
    ]
    patterns = [
        lead + part + article + r"(?:" + month + r")(?:\s+(?:de\s+)?" + year + r")?",
        lead
        + article
        + r"(?:(?:próximo|next|prochain)\s+)?(?:"
        + season
        + r")(?:\s+(?:do\s+próximo\s+ano|de\s+l'année\s+prochaine|prochain|of\s+next\s+year|next\s+year))?(?:\s+"
        + year
        + r")?",
        lead + part + r"(?<![\d,.])" + year + r"(?![\d,.]\d)",
        *relative,
        *[re.escape(p).replace("'", "['’]") for p in sorted(_PHASE_TERMS, key=len, reverse=True)],
    ]
    return re.compile(r"(?<![\w’'])(?:" + "|".join(f"(?:{p})" for p in patterns) + r")(?![\w’'])", re.IGNORECASE)


_DATE_CANDIDATES = _date_pattern()


# -- new entities ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"(?:(?<=[\s(\"“«'’])|^)[ldjmnstcqLDJMNSTCQ]['’](?=\w)|\w+(?:[-’'.&]\w+)*")
_ELISION = re.compile(r"^[ldjmnstcq]['’]", re.IGNORECASE)


def _name_like(word: str) -> bool:
    """A word that can be part of a name: capitalised, camel-case (xAI), or a model number (H100, GB200)."""
    if not word[:1].isalnum():
        return False
    if word[0].isupper():
        return True
    return word[0].islower() and any(c.isupper() for c in word[1:])


def _is_model_number(word: str) -> bool:
    """H100, GB200, MI300X, ConnectX-8: starts with a letter, holds a digit and a capital ("24,576-GPU" is a count)."""
    return word[:1].isalpha() and any(c.isdigit() for c in word) and any(c.isupper() for c in word)


def _new_names(article: Article, registered: list[Mention]) -> list[dict]:
    """Names the registry lacks, each with a type and kind guessed from its shape and the words around it."""
    text, language = article.text, article.language
    taken = [(m.start, m.end) for m in registered]
    not_names = set(lx.NOT_NAMES[language].split())
    # English capitalises months and weekdays; Portuguese and French do not, so there a capitalised "Janeiro" is a name.
    months = {m.capitalize() for m in MONTHS} | {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"} if language == "en" else set()
    sentence_starts = set(article._sentence_starts)
    taken_starts = [a for a, _ in taken]
    openers = ("“", '"', "«", "(", "—", "« ")

    def inside_registered(start: int, end: int) -> bool:
        i = bisect.bisect_right(taken_starts, start) - 1
        return any(taken[j][0] <= start and end <= taken[j][1] for j in range(max(0, i - 3), i + 1))

    # Where each word stands, once: "capitalised elsewhere" and "also written in lower case" are looked up, not searched.
    positions: dict[str, list[int]] = {}
    lower_words: set[str] = set()
    for m in _TOKEN.finditer(text):
        positions.setdefault(m.group(), []).append(m.start())
        if m.group()[:1].islower():
            lower_words.add(m.group())

    def capitalised_elsewhere(word: str, skip: tuple[tuple[int, int], ...] = ()) -> bool:
        return any(
            at not in sentence_starts and text[max(0, at - 2) : at].strip() not in openers and not any(a <= at < b for a, b in skip)
            for at in positions.get(word, ())
        )

    # Runs of name-like words (a short version number may close a run: "Llama 3").
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        word = text[start:end]
        if _ELISION.match(word) and len(word) == 2:
            continue
        word_core = re.sub(r"['’]s$", "", word)
        end = start + len(word_core)
        gap_ok = current and text[current[-1][1] : start] == " "
        version = current and gap_ok and re.fullmatch(r"\d{1,2}(?:\.\d)?", word_core) and not _is_model_number(text[current[-1][0] : current[-1][1]])
        if _name_like(word_core) and word_core not in lx.COMMON_CAPS and word_core not in months and not inside_registered(start, end):
            if gap_ok:
                current.append((start, end))
            else:
                if current:
                    runs.append(current)
                current = [(start, end)]
        elif version:
            current.append((start, end))
            runs.append(current)
            current = []
        else:
            if current:
                runs.append(current)
            current = []
        if word != word_core and current:  # a possessive ends the name
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    # A name may hold "de", "da", "of" between capitalised words ("Rio de Janeiro", "Bank of America").
    joined: list[list[tuple[int, int]]] = []
    for run in runs:
        if joined and _CONNECTOR.fullmatch(text[joined[-1][-1][1] : run[0][0]]):
            joined[-1] = joined[-1] + run
        else:
            joined.append(run)
    runs = joined

    found: dict[str, dict] = {}
    for start, end, acronym in _acronym_names(text):  # "Centre suisse de calcul scientifique (CSCS)"
        found.setdefault(text[start:end], {"name": text[start:end], "spans": [], "acronym": acronym})["spans"].append((start, end))
    inside_acronym_names = sorted(span for entry in found.values() for span in entry["spans"])
    for run in runs:
        # A run at a sentence's start (or after an opening quote) may begin with an ordinary word.
        while run:
            start, end = run[0]
            word = text[start:end]
            at_start = start in sentence_starts or text[max(0, start - 1) : start] in ("“", '"', "«", "(") or text[max(0, start - 2) : start] in ("« ",)
            recurring = len(positions.get(word, ())) > 1 and word.lower() not in lower_words  # "Amazon ... Amazon has invested"
            if at_start and (word in not_names or (len(run) == 1 and not capitalised_elsewhere(word) and not _is_model_number(word) and not recurring)):
                run = run[1:]
                continue
            if at_start and word.lower() in lower_words and len(run) > 1 and not capitalised_elsewhere(word):
                run = run[1:]
                continue
            break
        if not run or _inside(inside_acronym_names, run[0][0]):
            continue
        start, end = run[0][0], run[-1][1]
        if text[end : end + 1] == "." and text[start:end].split()[-1] in ("Inc", "Corp", "Ltd", "Co"):
            end += 1
        name = text[start:end]
        if len(name) < 2 or name.isdigit() or len(run) > 5:
            continue
        entry = found.setdefault(name, {"name": name, "spans": []})
        entry["spans"].append((start, end))

    # Aliases: an acronym in brackets after the name ("Safe Superintelligence Inc. (SSI)"); a person's
    # surname (or first name) used alone elsewhere.
    candidates = []
    absorbed: set[str] = set()
    for name, entry in found.items():
        aliases = [name]
        first = entry["spans"][0]
        bracket = re.match(r"\s*\(([A-Z][A-Za-z0-9]{1,9})\)", text[first[1] :])
        if bracket:
            aliases.append(bracket.group(1))
            absorbed.add(bracket.group(1))
            if entry.get("acronym"):
                entry["type_hint"] = ("organisation", "company")
        entry["aliases"] = aliases
        candidates.append(entry)
    result = []
    people_parts: dict[str, str] = {}
    for entry in candidates:
        if entry["name"] in absorbed:
            continue
        entity_type, kind, voted = (*entry["type_hint"], True) if "type_hint" in entry else _entity_type(article, entry)
        entry.update(type=entity_type, kind=kind, voted=voted)
        if entity_type == "person":
            parts = entry["name"].split()
            for part in (parts[-1], parts[0]) if len(parts) > 1 else ():
                people_parts.setdefault(part, entry["name"])
        result.append(entry)
    by_name = {e["name"]: e for e in result}
    for part, person in people_parts.items():
        if part in by_name and (by_name[part]["type"] == "person" or not by_name[part]["voted"]):
            alone = by_name.pop(part)
            by_name[person]["aliases"].append(part)
            by_name[person]["spans"] += alone["spans"]
        elif part not in by_name and part not in lx.COMMON_CAPS and capitalised_elsewhere(part, tuple(by_name[person]["spans"])):
            by_name[person]["aliases"].append(part)
    out = []
    for entry in by_name.values():
        start, end = entry["spans"][0]
        out.append(
            {
                "name": entry["name"],
                "type": entry["type"],
                "kind": entry["kind"],
                "aliases": list(dict.fromkeys(entry["aliases"])),
                "quote": text[start:end],
            }
        )
    out += _described_systems(article, registered, {e["name"] for e in out})
    return out


_CONNECTOR = re.compile(r" (?:de|da|do|das|dos|des|du|of)(?: la)? ")
_SMALL_WORDS = {"de", "da", "do", "das", "dos", "des", "du", "of", "and", "e", "et", "la", "le", "les", "the", "for", "pour", "para", "d", "l"}


def _acronym_names(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, True) of names spelled out before their acronym: "Laboratório Nacional de Computação
    Científica (LNCC)", "Centre suisse de calcul scientifique (CSCS)": the initials of the words (bar small
    words such as "de") are the letters of the acronym, and the first word is capitalised."""
    found = []
    for m in re.finditer(r"\(([A-Z]{2,8})\)", text):
        letters = m.group(1)
        words = list(re.finditer(r"[\w'’-]+", text[max(0, m.start() - 200) : m.start()]))
        offset = max(0, m.start() - 200)
        initials = ""
        for index in range(len(words) - 1, -1, -1):
            word = words[index].group()
            bare = re.sub(r"^[ldLD]['’]", "", word)
            if bare.lower() in _SMALL_WORDS:
                continue
            initials = bare[0].upper() + initials
            if not letters.endswith(initials):
                break
            if initials == letters:
                if bare[0].isupper():
                    start = offset + words[index].start() + (len(word) - len(bare))
                    found.append((start, offset + words[-1].end(), True))
                break
    return found


def _entity_type(article: Article, entry: dict) -> tuple[str, str, bool]:
    """(type, kind, whether any cue voted) of a new name, by a vote of the cues around its occurrences."""
    text, language = article.text, article.language
    name = entry["name"]
    words = name.split()
    votes: dict[tuple[str, str], int] = {}

    def vote(key: tuple[str, str], weight: int = 1) -> None:
        votes[key] = votes.get(key, 0) + weight

    if re.search(r"(?:^|\s)(?:" + "|".join(lx.ORGANISATION_SUFFIXES) + r")$", name):
        vote(("organisation", "company"), 5)
    if _is_model_number(name.replace(" ", "")) or re.search(r"\s\d{1,2}(?:\.\d)?$", name):
        vote(("hardware", "ai_model" if re.search(r"\s\d", name) else "accelerator"), 2)
    # A name that holds the noun for what it is ("Research SuperCluster", "Gigafactory Texas", "Quantum2 InfiniBand").
    systems = _cue(lx.SYSTEM_NOUNS, language).pattern
    inner = re.compile(r"(?:" + systems + r"|" + _cue(lx.SITE_NOUNS, language).pattern + r")", re.IGNORECASE)
    for word in words[1:] + words[:1]:
        hit = inner.fullmatch(word) or re.fullmatch(r"super(?:cluster|computer|calculateur|computador)", word, re.IGNORECASE)
        if hit:
            site = _cue(lx.SITE_NOUNS, language).fullmatch(word)
            vote(("place", "site") if site else ("hardware", "cluster" if "cluster" in word.lower() else "supercomputer"), 4)
            break
    for kind, table in lx.PRODUCT_NOUNS.items():
        if any(_cue(table, language).fullmatch(word) for word in words[1:]):
            vote(("hardware", kind), 4)
    for entity_type, pattern in lx.NAME_WORDS.items():
        if len(words) > 1 and any(re.fullmatch(pattern, word) for word in words):
            kind = {"organisation": "company", "place": "city" if re.search(r"City|Cidade|Ville", name) else "", "hardware": ""}[entity_type]
            vote((entity_type, kind), 4)
    for start, end in entry["spans"]:
        before = text[max(0, start - 60) : start]
        after = text[end : end + 60]
        for kind, table in lx.PRODUCT_NOUNS.items():
            pattern = _cue(table, language)
            if re.match(r"\s*(?:" + pattern.pattern + r")", after, re.IGNORECASE) or re.search(
                r"(?:" + pattern.pattern + r")\s*(?:de\s+\w+\s+)?$", before, re.IGNORECASE
            ):
                vote(("hardware", kind), 2)
            elif pattern.search(text[max(0, start - 40) : end + 40]) and _is_model_number(name.replace(" ", "")):
                vote(("hardware", kind), 2)
        if re.search(r"(?:" + systems + r")\s*(?:[«“\"]\s*)?$", before, re.IGNORECASE) or re.match(
            r"\s*(?:[»”\"]\s*)?(?:" + systems + r")", after, re.IGNORECASE
        ):
            noun = (
                re.search(r"(" + systems + r")\s*(?:[«“\"]\s*)?$", before, re.IGNORECASE)
                or re.match(r"\s*(?:[»”\"]\s*)?(" + systems + r")", after, re.IGNORECASE)
            ).group(1)
            vote(("hardware", "cluster" if "cluster" in noun.lower() or "aglomerado" in noun.lower() else "supercomputer"), 3)
        if re.match(
            r",\s+(?:an?|the|um|uma|o|un|une|le|la|l'|l’|its|their|his|her|son|sa|seu|sua)\s+(?:[\w-]+\s+){0,3}?(?:" + systems + r")", after, re.IGNORECASE
        ):
            vote(("hardware", "supercomputer"), 3)
        if re.search(r"(?:" + _cue(lx.NAMING, language).pattern + r")\s*(?:[«“\"]\s*)?$", before, re.IGNORECASE):
            vote(("hardware", "supercomputer"), 2)
        if re.match(r"\s*(?:" + _cue(lx.SITE_NOUNS, language).pattern + r")", after, re.IGNORECASE):
            vote(("place", "site"), 3)
        if re.search(r"(?:" + _cue(lx.PLACE_BEFORE, language).pattern + r")\s+$", before, re.IGNORECASE):
            state = re.search(r"(?:estado\s+d[aeo]|state\s+of|l'État\s+de)\s+$", before, re.IGNORECASE)
            vote(("place", "state" if state else "city"), 2)
        if re.search(
            r"(?:" + _cue(lx.PLACE_BEFORE, language).pattern + r")\s+(?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+,\s*(?:no|na|au|en|in|dans\s+l[ae]?)?\s*$", before
        ):
            vote(("place", "state"), 2)  # "in Buffalo, New York", "near New Carlisle, Indiana"
        roles = _cue(lx.ROLES, language).pattern
        # "La ministre Sylvie Retailleau", "O CFO da Tesla, Vaibhav Taneja", "Peter DeSantis, a senior vice president"
        if re.search(r"(?:" + roles + r")\s+$|(?:" + roles + r")\s+(?:d[aeo]|of|de|du|at)\s+\S+(?:\s+\S+)?,\s*$", before) or re.match(
            r",\s*(?:(?:um|uma|o|a|le|la|l'|un|une|the|an?)\s+)?(?:\S+\s+){0,2}(?:" + roles + r")", after
        ):
            vote(("person", ""), 3)
        if re.search(r"(?:invest\w*|aporte|financ\w+)(?:\s+\S+){0,4}\s+(?:in|em|na|no|dans)\s+$|(?:\bby|\bpor|\bpel[ao]|\bpar)\s+$", before, re.IGNORECASE):
            vote(("organisation", "company"), 1)  # what is invested in, or who acts in a passive ("used by Anthropic")
        if re.match(r",?\s*(?:" + _cue(lx.SPEECH, language).pattern + r")", after) and len(words) >= 2:
            vote(("person", ""), 1)
        if re.search(r"(?:" + _cue(lx.ORGANISATION_NOUNS, language).pattern + r")\s+(?:(?:de|da|do|d'|of|by)\s+)?$", before, re.IGNORECASE):
            outlet = re.search(r"(?:relatório|report|site|outlet|journal|jornal|média|agência|agence|agency)\s+\S*\s*$", before, re.IGNORECASE)
            vote(("organisation", "media_outlet" if outlet else "company"), 3)
        if re.match(r"['’]s\s", after) or re.match(r"\s+(?:announced|said|anunciou|annonce|a\s+annoncé)", after):
            vote(("organisation", "company"), 1)
        # In apposition ("Grand Teton, an open hardware platform") or as an example ("modèles de langage comme BLOOM").
        for kind, table in [*lx.PRODUCT_NOUNS.items(), ("", lx.PLATFORM_NOUNS)]:
            noun = _cue(table, language).pattern
            appositive = r",\s+(?:an?|the|um|uma|o|un|une|le|la|l'|l’|its|their|his|her|son|sa|seu|sua)\s+(?:[\w-]+\s+){0,3}?"
            if re.match(appositive + r"(?:" + noun + r")", after, re.IGNORECASE) or re.search(
                r"(?:" + noun + r")(?:\s+[\w'’-]+){0,3}\s+(?:comme|como|such\s+as|like|tels?\s+que|including|incluindo|notamment)\s+$", before, re.IGNORECASE
            ):
                vote(("hardware", kind), 3)
    if not votes:
        if len(words) >= 2 and all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words):
            return "person", "", False
        return "organisation", "company", False
    best = max(votes.items(), key=lambda kv: kv[1])[0]
    return best[0], best[1], True


def _described_systems(article: Article, registered: list[Mention], names: set[str]) -> list[dict]:
    """Systems and headquarters the text names only by their owner ("o supercomputador que a xAI está
    construindo", "sede da Tesla", "Meta's training cluster"): proposed as entities with those words as alias."""
    text, language = article.text, article.language
    found: dict[str, dict] = {}
    names = sorted({text[m.start : m.end] for m in registered if m.kind == "organisation"}, key=len, reverse=True)
    if not names:
        return []
    owner = "(?P<owner>" + "|".join(re.escape(n) for n in names) + ")"  # one search of the text for every owner
    for pattern in lx.DESCRIBED[language]:
        for m in re.finditer(r"(?<!\w)" + pattern.replace("{owner}", owner) + r"(?!\w)", text, re.IGNORECASE):
            alias = m.group()
            kind = "cluster" if re.search(r"cluster|aglomerado", alias, re.IGNORECASE) else "supercomputer"
            found.setdefault(alias, {"name": f"{m.group('owner')} {kind}", "type": "hardware", "kind": kind, "aliases": [alias], "quote": alias})
    headquarters = [lx.HEADQUARTERS[language] + r"\s+" + owner]
    if lx.HEADQUARTERS_AFTER[language]:
        headquarters.append(owner + r"(?:['’]s)?\s+" + lx.HEADQUARTERS_AFTER[language])
    for pattern in headquarters:
        for m in re.finditer(r"(?<!\w)" + pattern + r"(?!\w)", text):
            found.setdefault(
                m.group(), {"name": f"{m.group('owner')} headquarters", "type": "place", "kind": "headquarters", "aliases": [m.group()], "quote": m.group()}
            )
    spans = {(m.start, m.end) for m in registered}
    return [f for alias, f in found.items() if alias not in names and not any(text[a:b] == alias for a, b in spans)]


# -- quantities -----------------------------------------------------------------------------------------

_DIGIT_FORMS = {  # how each language writes a number (located here; read by normalise/numbers.parse_digits)
    "pt": r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
    "en": r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?",
    "fr": r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
}


@functools.cache
def _quantity_pattern(language: str) -> re.Pattern[str]:
    """Where a quantity's words may be: the number parser's own comparators, currencies, scales and units
    around a number written the language's way, or one of its number words ("metade", "thousands")."""

    def alternatives(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    from ..normalise.numbers import NUMBER_WORDS

    comparator = alternatives(phrase for phrase, _ in COMPARATORS)
    currency = alternatives(CURRENCIES)
    scale = alternatives(w for w in SCALES if w != "k")
    unit = alternatives(UNITS)
    number = (
        rf"(?:(?P<cmp>{comparator})\s+)?(?:(?P<cur>{currency})\s?)?(?<![\w.,\-/])(?P<num>{_DIGIT_FORMS[language]})(?![\d])"
        rf"(?:(?P<k>k)(?!\w)|\s(?P<scale>{scale})(?!\w))?(?:\s?(?P<unit>{unit})(?![\w/]))?(?![\w%])"
    )
    words = rf"(?:(?P<wcmp>{comparator})\s+)?(?P<word>{alternatives(NUMBER_WORDS)})(?!\w)"
    return re.compile(rf"(?<![\w$])(?:{number}|{words})", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    start: int  # the value's words, as the claim's `value`
    end: int
    unit: str | None
    sentence: int


# The quantities the drafter reads in one article: the seeds hold 3 to 8, a long feature some dozens, and
# at most MAX_PROPOSALS become claims. Each costs some 50 µs (the number parser), so an article of 200,000
# numbers (within MAX_SEED_BYTES) would take ten seconds for nothing a curator could check.
MAX_QUANTITIES = 2 * MAX_PROPOSALS
# The longest sentence the relation cues are read in: the seeds' run to 310 characters. Each cue looks at
# the mentions around it, so a "sentence" of thousands of names and cues would take minutes.
MAX_SENTENCE = 3000


def _quantities(article: Article, notes: list[str]) -> list[Quantity]:
    """Every quantity the number parser reads, outside entity names and date phrases."""
    text = article.text
    names = [(m.start, m.end) for m in article.mentions]
    dates = [(a, b) for a, b, _ in article.dates]
    found: list[Quantity] = []
    for m in _quantity_pattern(article.language).finditer(text):
        if len(found) == MAX_QUANTITIES:
            notes.append(
                f"not proposed: the numbers from character {m.start()} on: the drafter reads the first {MAX_QUANTITIES} quantities of an article; "
                "curate the rest from the stubs"
            )
            break
        start, end = m.span()
        core = m.span("num") if m.group("num") else m.span("word")
        if _inside(names, core[0]) or _inside(dates, core[0]):
            continue
        if m.group("num") and re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) and not (m.group("unit") or m.group("cur") or m.group("scale") or m.group("k")):
            continue  # a year the date phrases did not take ("his 2016 plan")
        words = text[start:end]
        try:
            quantity = parse_quantity(words, article.language)
        except NumberError:
            try:  # a comparator the parser does not read: keep the rest
                start = m.start("cur") if m.group("cur") else core[0]
                words = text[start:end]
                quantity = parse_quantity(words, article.language)
            except NumberError as exc:
                notes.append(f"not proposed: {words!r} at character {start}: {exc}")
                continue
        found.append(Quantity(start, end, quantity.unit, article.sentence_of(start)))
    return found


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether `offset` lies in one of `spans` (sorted by start; they may nest, as mentions do)."""
    i = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return any(spans[j][0] <= offset < spans[j][1] for j in range(max(0, i - 3), i + 1))


# "the equivalent of (about) 100,000 H100s": the words that end right before a count. Searched in a window
# of the clause before it (the words are some 30 characters), not the whole clause so far: a clause of
# thousands of numbers would be searched once per number.
EQUIVALENT_WINDOW = 120
_EQUIVALENT_OF = re.compile(
    r"(?:equivalen\w*|équivalen\w*)\s+(?:of|to|de|a|à|ao)\s*(?:(?:cerca\s+de|environ|about|nearly|some|quase|près\s+de)\s*)?$", re.IGNORECASE
)


# A bare count's noun comes within a few words after it ("50 000 GPU", "24,576-GPU clusters").
_FILLER = r"^[\s-]*(?:(?:de|of|d'|d’|des|dos|das|do|da)\s+)?(?:[\w.'’-]+\s+){0,3}?"
_FILLER_ONLY = re.compile(_FILLER + r"$", re.IGNORECASE)


@functools.cache
def _counted(prop: str, language: str) -> re.Pattern[str]:
    """The words after a count that say it counts `prop`'s things (compiled once: it is asked of every number)."""
    return re.compile(_FILLER + r"(?:" + _cue(lx.COUNTED[prop], language).pattern + r")", re.IGNORECASE)


def _properties(article: Article, q: Quantity, clause: tuple[int, int]) -> tuple[list[str], str | None]:
    """The properties a quantity is proposed under (two for a megawatt figure given for power and cooling)
    and, for a count, the accelerator it counts; ([], reason) when the vocabulary has none for it."""
    text, language = article.text, article.language
    sentence = article.sentences[q.sentence]
    says = article.says  # a cue in the clause or sentence: searched once per clause, whatever its quantities
    after = text[q.end : min(sentence[1], q.end + 60)]
    if after.startswith("-"):  # "24,576-GPU clusters"
        after = " " + after[1:]
    if q.unit == "MW":
        found = []
        for scope in (clause, sentence):
            if says(_cue(lx.COOLING, language), scope):
                found.append("cooling_mw")
            if says(_cue(lx.POWER, language), scope):
                found.append("power_mw")
            if found:
                break
        return sorted(set(found)) or ["power_mw"], None
    if q.unit == "USD":
        for scope in (clause, sentence):
            if says(_cue(lx.CAPEX, language), scope):
                return ["capex_usd"], None
            if says(_cue(lx.INVESTMENT, language), scope):
                return ["investment_usd"], None
        return ["investment_usd"], None
    if q.unit == "Gbit/s":
        return ["bandwidth_gbps"], None
    if q.unit == "fraction":
        previous = article.sentences[q.sentence - 1] if q.sentence > 0 else (0, 0)
        for scope in (after[:40], clause, sentence, previous):
            for prop in ("rack_share", "accelerator_share"):
                cue = _cue(lx.FRACTION_NOUNS[prop], language)
                if cue.search(scope) if isinstance(scope, str) else says(cue, scope):
                    return [prop], None
        return [], "a fraction of no counted racks or accelerators"
    # A bare count: the noun it counts, within a few words after it.
    accelerator = next((m for m in article.mentions_in(q.end, q.end + 40) if article.entities[m.entity_id].kind == "accelerator"), None)
    equivalent = _EQUIVALENT_OF.search(text[max(clause[0], q.start - EQUIVALENT_WINDOW) : q.start])
    if equivalent and accelerator is not None and article.entities[accelerator.entity_id].name.endswith("H100"):
        return ["h100_equivalent_count"], None
    for prop in ("h100_equivalent_count", "server_count", "node_count", "gpu_count"):
        if _counted(prop, language).match(after):
            if prop == "gpu_count" and says(_cue(lx.DIVERTED, language), clause):
                return ["diverted_gpu_count"], None
            return [prop], None
    if accelerator is not None and _FILLER_ONLY.match(text[q.end : accelerator.start] + " "):
        return (["diverted_gpu_count"] if says(_cue(lx.DIVERTED, language), clause) else ["gpu_count"]), None
    return [], "counts nothing the property vocabulary has (GPUs, servers, nodes, H100-equivalents)"


# -- who says it, and how sure --------------------------------------------------------------------------


@dataclass(frozen=True)
class Speaker:
    """A speech cue in a sentence and who speaks: an entity id, or an unnamed party's label."""

    cue_start: int
    cue_end: int
    who: str
    kind: str  # person | organisation | unnamed_source
    scope: tuple[int, int]  # the words the speaker is the source of


class Voices:
    """Speakers, unnamed parties and modality cues of an article."""

    def __init__(self, article: Article):
        self.article = article
        self.parties: list[dict] = []  # unnamed parties proposed
        self.parties_in: dict[int, list[dict]] = {}  # sentence -> the parties quoted in it
        self._party_at: dict[str, int] = {}  # label -> char start of its quote
        self.by_sentence: dict[int, list[Speaker]] = {}
        for index in range(len(article.sentences)):
            self.by_sentence[index] = self._speakers(index)

    def _party(self, kind: str, label: str, start: int, end: int) -> str:
        text = self.article.text
        for party in self.parties_in.get(self.article.sentence_of(start), []):
            if party["_span"] == (start, end):
                return party["label"]
        base, n = label, 2
        while label in self._party_at:
            label, n = f"{base}_{n}", n + 1
        self._party_at[label] = start
        self.parties.append({"label": label, "kind": kind, "quote": text[start:end], "_span": (start, end)})
        self.parties_in.setdefault(self.article.sentence_of(start), []).append(self.parties[-1])
        return label

    def _speakers(self, index: int) -> list[Speaker]:
        article, text, language = self.article, self.article.text, self.article.language
        s_start, s_end = article.sentences[index]
        found = []
        speakers_ok = ("person", "organisation")
        for cue in _cue(lx.SOURCE_BEFORE, language).finditer(text, s_start, s_end):
            after = [m for m in article.mentions_in(cue.end(), min(s_end, cue.end() + 60)) if article.entities[m.entity_id].type in speakers_ok]
            if after:
                who = after[0]
                found.append(Speaker(cue.start(), cue.end(), who.entity_id, article.entities[who.entity_id].type, (s_start, s_end)))
        for cue in _cue(lx.SPEECH, language).finditer(text, s_start, s_end):
            if any(sp.cue_start <= cue.start() < sp.cue_end for sp in found):
                continue
            party = self._unnamed_near(index, cue.start(), cue.end())
            before = [m for m in article.mentions_in(s_start, cue.start()) if article.entities[m.entity_id].type in speakers_ok and cue.start() - m.end < 80]
            after = [m for m in article.mentions_in(cue.end(), min(s_end, cue.end() + 30)) if article.entities[m.entity_id].type in speakers_ok]
            quoted_before = re.search(r"[”\"»,]\s*$", text[s_start : cue.start()])
            if party is not None:
                who, kind = party, "unnamed_source"
            elif quoted_before and after:
                who, kind = after[0].entity_id, article.entities[after[0].entity_id].type
            elif before:
                person = next((m for m in reversed(before) if article.entities[m.entity_id].type == "person"), before[-1])
                who, kind = person.entity_id, article.entities[person.entity_id].type
            elif re.search(r"(?:^|\s)(?:ele|ela|il|elle|he|she)\s+$", text[s_start : cue.start()], re.IGNORECASE):
                earlier = article.last_named_before(index, lambda e: e.type == "person")
                if earlier is None:
                    continue
                who, kind = earlier, "person"
            elif after:
                who, kind = after[0].entity_id, article.entities[after[0].entity_id].type
            else:
                continue
            scope = (cue.end(), s_end) if not quoted_before else (s_start, s_end)
            found.append(Speaker(cue.start(), cue.end(), who, kind, scope))
        return found

    def _unnamed_near(self, index: int, cue_start: int, cue_end: int) -> str | None:
        """An unnamed party right before a speech cue ("Des sources proches du dossier ont déclaré"), or after it."""
        text, language = self.article.text, self.article.language
        s_start, s_end = self.article.sentences[index]
        for kind, label, table in lx.UNNAMED:
            if kind not in self.article.vocab.party_kinds:
                continue
            pattern = _cue(table, language)
            for m in pattern.finditer(text, max(s_start, cue_start - 80), cue_start):
                if not text[m.end() : cue_start].strip() or cue_start - m.end() < 40 and "," not in text[m.end() : cue_start]:
                    return self._party(kind, label, *_trim(text, m.start(), m.end()))
            m = pattern.match(text, cue_end + 1 if text[cue_end : cue_end + 1] == " " else cue_end, s_end)
            if m:
                return self._party(kind, label, *_trim(text, m.start(), m.end()))
        return None

    def attribution(self, span: tuple[int, int], spoken: bool = False) -> tuple[str, str]:
        """(attributed_to, attribution_kind) of a proposal's quote: the speaker whose words it lies in, the
        speaker of a sentence that is itself a statement (spoken), else the outlet."""
        index = self.article.sentence_of(span[0])
        for speaker in self.by_sentence.get(index, []):
            inside = speaker.scope[0] <= span[0] and span[1] <= speaker.scope[1] and not (span[0] <= speaker.cue_start < span[1])
            if inside or spoken:
                return speaker.who, speaker.kind
        for party in self.parties_in.get(index, []):  # "Rumores dizem que ...": a party that is the sentence's subject
            start, _ = party["_span"]
            if start <= span[0] and re.match(r"\s*(?:dizem|disent|say|afirmam|affirment|claim)", self.article.text[party["_span"][1] :]):
                return party["label"], "unnamed_source"
        return OUTLET, "outlet"

    def party_sentence(self, label: str) -> int | None:
        start = self._party_at.get(label)
        return None if start is None else self.article.sentence_of(start)


def _modality(article: Article, words: str, allowed: frozenset[str], default: str = "reported") -> str:
    for modality, table in lx.MODALITY:
        if modality in allowed and _cue(table, article.language).search(words):
            return modality
    return default


# -- building proposals the build can anchor -------------------------------------------------------------


def _occurrences(text: str, needle: str, limit: int = 2) -> int:
    """How many times `needle` occurs (overlapping, as anchoring counts), counting no further than `limit`."""
    count, at = 0, text.find(needle)
    while at != -1 and count < limit:
        count += 1
        at = text.find(needle, at + 1)
    return count


def _unique_context(text: str, start: int, end: int, suffix: bool = True) -> dict | None:
    """{} when text[start:end] occurs once; else the shortest prefix (or suffix) that makes it occur once,
    as anchoring counts (normalise/anchoring); None when none of at most MAX_CONTEXT characters does.
    Each occurrence is found once and the context compared at those places only, so the cost is one
    search of the text however long the context grows."""
    words = text[start:end]
    hits: list[int] = []
    at = text.find(words)
    while at != -1 and len(hits) <= MAX_RECURRENCE:  # every occurrence, overlapping ones too (as anchoring counts), up to one too many
        hits.append(at)
        at = text.find(words, at + 1)
    if len(hits) > MAX_RECURRENCE:
        return None  # words an article repeats this often are no quote to propose
    others = [h for h in hits if h != start]
    if not others:
        return {}
    for grow in range(1, min(MAX_CONTEXT, start) + 1):
        prefix = text[start - grow : start]
        if prefix.strip() and not prefix[0].isspace() and all(h < grow or text[h - grow : h] != prefix for h in others):
            return {"prefix": prefix}
    if suffix:
        for grow in range(1, min(MAX_CONTEXT, len(text) - end) + 1):
            after = text[end : end + grow]
            if after.strip() and not after[-1].isspace() and all(text[h + len(words) : h + len(words) + grow] != after for h in others):
                return {"suffix": after}
    return None


class Builder:
    """Turns spans into entries in the reading's format: anchored quotes, entity links, no duplicate ids."""

    def __init__(self, article: Article, voices: Voices, proposals: Proposals):
        self.article, self.voices, self.proposals = article, voices, proposals
        self.seen: set[tuple] = set()
        self.gloss = article.language != "en"
        self.spans: dict[int, tuple[int, int]] = {}  # id(entry) -> its quote's offsets, for _one_voice_per_clause

    def quote(self, start: int, end: int) -> dict | None:
        """{quote[, prefix | suffix]} for a span, so that it is found exactly once; None if it cannot be."""
        text = self.article.text
        start, end = _trim(text, start, end)
        if end - start > MAX_QUOTE:
            end = text.rfind(" ", start, start + MAX_QUOTE)
            start, end = _trim(text, start, end if end > start else start + MAX_QUOTE)
        quote = text[start:end]
        if not quote.strip():
            return None
        context = _unique_context(text, start, end)
        if context is None:
            return None
        return {"quote": quote, **context, "_span": (start, end)}

    @staticmethod
    def span_of(anchored: dict) -> tuple[int, int]:
        """The quote's offsets (kept from `quote`, so the text is not searched again) and the entry without them."""
        return anchored.pop("_span")

    def links(self, span: tuple[int, int], ids: list[str]) -> tuple[dict, list[str]]:
        """links for the ids the quote's sentences do not name (coreference where an earlier sentence does,
        else inferred), and the note an inferred link needs."""
        article = self.article
        first, last = article.sentence_of(span[0]), article.sentence_of(max(span[0], span[1] - 1))
        marks, notes = {}, []
        for ident in dict.fromkeys(i for i in ids if i and i != OUTLET):
            party = self.voices.party_sentence(ident)
            if party is not None:
                if not first <= party <= last:
                    marks[ident] = "coreference" if party < first else "inferred"
                continue
            if any(article.named_in_sentence(ident, s) for s in range(first, last + 1)):
                continue
            if article.first_named.get(ident, first) < first:
                marks[ident] = "coreference"
            else:
                marks[ident] = "inferred"
                notes.append(f"The drafter links {ident} though no sentence up to here names it; check it.")
        return marks, notes

    def phrase(self, span: tuple[int, int], date: tuple[int, int, bool], inside: bool = True) -> Any:
        """A time phrase as the reading writes it: its words, {text, calendar: false}, or {text, prefix}."""
        text = self.article.text
        if (date[0], date[1]) in self.article.unplaceable:
            return None
        words = text[date[0] : date[1]]
        quote = text[span[0] : span[1]]
        if inside and _occurrences(quote, words) != 1:
            return None
        if not inside and not (span[0] <= date[0] and date[1] <= span[1] and _occurrences(quote, words) == 1):
            context = _unique_context(text, date[0], date[1], suffix=False)
            if context is None:
                return None
            if context:
                return {"text": words, **context, **({} if date[2] else {"calendar": False})}
        return words if date[2] else {"text": words, "calendar": False}

    def add(self, kind: str, key: tuple, entry: dict) -> None:
        """Keep an entry unless one with the same row id is there already (the build would refuse both)."""
        if (kind, *key) in self.seen:
            return
        bucket = getattr(self.proposals, kind)
        if len(bucket) >= MAX_PROPOSALS:
            if len(bucket) == MAX_PROPOSALS:
                self.proposals.notes.append(f"stopped after {MAX_PROPOSALS} {kind}: the article is longer than the drafter proposes for")
                bucket.append(None)  # a marker, removed at the end
            return
        self.seen.add((kind, *key))
        bucket.append(entry)

    def statement(self, entry: dict, span: tuple[int, int], ids: list[str], spoken: bool = False, modality: str | None = None) -> dict:
        """The fields every claim, event and relation shares: links, modality, who says it, the gloss."""
        self.spans[id(entry)] = span
        who, kind = self.voices.attribution(span, spoken)
        marks, notes = self.links(span, [*ids, who] if kind != "outlet" else ids)
        if marks:
            entry["links"] = marks
        entry["modality"] = modality or _modality(self.article, self.article.text[span[0] : span[1]], self.article.vocab.modalities)
        entry["attributed_to"] = who
        entry["attribution_kind"] = kind
        if self.gloss:
            entry["en"] = "TODO"
        if notes:
            entry["note"] = " ".join(notes)
        return entry


def _clause_of(article: Article, offset: int) -> tuple[int, int]:
    for clause in article.clauses(article.sentence_of(offset)):
        if clause[0] <= offset < clause[1]:
            return clause
    return article.sentences[article.sentence_of(offset)]


def _widened(article: Article, clause: tuple[int, int], min_words: int = 5) -> tuple[int, int]:
    """A clause joined to the clause before it while it is too short to say who does what."""
    clauses = article.clauses(article.sentence_of(clause[0]))
    index = next((i for i, c in enumerate(clauses) if c == clause), None)
    start, end = clause
    while index is not None and index > 0 and len(article.text[start:end].split()) < min_words:
        index -= 1
        start = clauses[index][0]
    return start, end


def _is_system(entity: Entity) -> bool:
    """A cluster or supercomputer; a new hardware name of unknown kind ("Project Rainier") may be one."""
    return entity.type == "hardware" and (entity.kind in lx.SYSTEM_KINDS or not entity.registered and not entity.kind)


def _nearest(mentions: list[Mention], offset: int, accept, entities: dict[str, Entity], before_only: bool = False) -> Mention | None:
    fitting = [m for m in mentions if accept(entities[m.entity_id]) and (not before_only or m.end <= offset)]
    if not fitting:
        return None
    return min(fitting, key=lambda m: (m.end > offset, abs(offset - (m.end if m.end <= offset else m.start))))


# -- claims ---------------------------------------------------------------------------------------------


def _claims(article: Article, builder: Builder) -> None:
    text = article.text
    for q in _quantities(article, builder.proposals.notes):
        clause = _clause_of(article, q.start)
        properties, reason = _properties(article, q, clause)
        properties = [p for p in properties if p in article.vocab.properties and p in PROPERTY_UNITS]
        if not properties:
            builder.proposals.notes.append(f"not proposed: {text[q.start : q.end]!r} at character {q.start}: {reason or 'no property in the vocabulary'}")
            continue
        span = _narrowed(text, _widened(article, clause), q)
        if span[1] - span[0] > MAX_QUOTE:  # a window around the value, at word boundaries
            left = text.find(" ", max(span[0], q.start - 110), q.start)
            right = text.rfind(" ", q.end, min(span[1], q.end + 110))
            span = (left + 1 if left != -1 else max(span[0], q.start - 110), right if right != -1 else span[1])
        anchored = builder.quote(*span)
        if anchored is None:
            builder.proposals.notes.append(f"not proposed: {text[q.start : q.end]!r} at character {q.start}: no quote around it occurs once")
            continue
        span = builder.span_of(anchored)
        value = text[q.start : q.end]
        if not span[0] <= q.start < q.end <= span[1] or _occurrences(text[span[0] : span[1]], value) != 1:
            continue
        sentence = article.sentences[q.sentence]
        s_mentions = article.mentions_in(*sentence)
        c_mentions = article.mentions_in(*clause)
        for prop in properties:
            subject = _claim_subject(article, prop, q, clause, s_mentions, c_mentions)
            if subject is None:
                continue
            entry: dict[str, Any] = {"proposed": True, **anchored, "value": value, "property": prop}
            entry.update(subject)
            component = _component(article, q, prop)
            if component and component not in (entry.get("hardware"), entry.get("organisation")):
                entry["component"] = component
            time, stated = _claim_times(article, builder, q, span)
            if time is not None:
                entry["time"] = time
            if stated is not None:
                entry["stated"] = stated
            ids = [entry.get("organisation"), entry.get("hardware"), entry.get("component")]
            builder.statement(entry, span, [i for i in ids if i and i != "TODO"])
            builder.add("claims", (q.start, prop), entry)
            if prop == "gpu_count" and entry.get("component") and entry.get("hardware") in article.entities:
                # A system counted in GPUs of a model uses that model ("1 456 GPU Nvidia H100").
                _relation(article, builder, "uses_component", entry["hardware"], entry["component"], span)


def _narrowed(text: str, span: tuple[int, int], q: Quantity) -> tuple[int, int]:
    """The span cut at conjunctions around the value where its words occur more than once in it
    ("la moitié des processeurs NVIDIA et la moitié de son propre matériel")."""
    value = text[q.start : q.end]
    if _occurrences(text[span[0] : span[1]], value) == 1:
        return span
    cuts = [span[0]] + [span[0] + m.start() for m in re.finditer(r"\s(?:et|e|and|ou|or)\s|,\s", text[span[0] : span[1]])] + [span[1]]
    before = max(c for c in cuts if c <= q.start)
    after = min(c for c in cuts if c >= q.end)
    for earlier in sorted((c for c in cuts if c < before), reverse=True):
        if _occurrences(text[earlier:after], value) != 1:
            break
        before = earlier
    return before, after


def _claim_subject(article: Article, prop: str, q: Quantity, clause, s_mentions, c_mentions) -> dict | None:
    """organisation and/or hardware of a claim, by the property: a system for its own figures, the spender
    for capital expenditure, the target of an investment, the recipient of diverted GPUs, the builder of racks."""
    entities, text = article.entities, article.text
    is_org = lambda e: e.type == "organisation"  # noqa: E731
    if prop in ("gpu_count", "server_count", "node_count", "h100_equivalent_count", "power_mw", "cooling_mw", "bandwidth_gbps"):
        if prop == "bandwidth_gbps":
            adapter = _nearest(s_mentions, q.start, lambda e: e.kind == "network_adapter", entities)
            if adapter:
                return {"hardware": adapter.entity_id}
        system = _nearest(c_mentions, q.start, _is_system, entities) or _nearest(s_mentions, q.start, _is_system, entities)
        if system:
            return {"hardware": system.entity_id}
        earlier = article.last_named_before(q.sentence, _is_system)
        if earlier:
            return {"hardware": earlier}
        org = _nearest(s_mentions, q.start, is_org, entities)
        return {"organisation": org.entity_id} if org else {"hardware": "TODO"}
    if prop == "capex_usd":
        org = _nearest(s_mentions, q.start, is_org, entities, before_only=True) or _nearest(s_mentions, q.start, is_org, entities)
        earlier = None if org else article.last_named_before(q.sentence, is_org)
        return {"organisation": org.entity_id if org else earlier or "TODO"}
    if prop == "investment_usd":
        target = next((m for m in article.mentions_in(q.end, clause[1] + 80) if entities[m.entity_id].type in ("organisation", "hardware")), None)
        if target and re.search(r"(?:em|na|no|in|into|dans|en)\s+(?:\S+\s+){0,4}$", text[q.end : target.start] + " ", re.IGNORECASE):
            field_name = "hardware" if entities[target.entity_id].type == "hardware" else "organisation"
            return {field_name: target.entity_id}
        org = _nearest(s_mentions, q.start, is_org, entities)
        return {"organisation": org.entity_id if org else "TODO"}
    if prop == "diverted_gpu_count":
        recipients = [m for m in article.mentions_in(q.end, clause[1]) if is_org(entities[m.entity_id])]
        if recipients:
            return {"organisation": recipients[-1].entity_id}
        org = _nearest(s_mentions, q.start, is_org, entities)
        return {"organisation": org.entity_id if org else "TODO"}
    # rack_share, accelerator_share: a supplier or builder, and the system the share is of.
    system = _nearest(s_mentions, q.start, _is_system, entities) or None
    system_id = system.entity_id if system else article.last_named_before(q.sentence, _is_system)
    after = text[q.end : clause[1] + 1]
    org = None
    passive = [m for m in article.mentions_in(q.end, article.sentences[q.sentence][1]) if is_org(entities[m.entity_id])]
    for m in passive:
        if re.search(r"(?:pel[ao]s?|por|by|par)\s+(?:a\s+|o\s+|the\s+|la\s+|le\s+)?$", text[q.end : m.start]):
            org = m
            break
    if org is None and prop == "accelerator_share":
        own = re.match(r"\s*(?:d[aeo]s?|of|des|de)\s+(?:son|sa|ses|seu|sua|seus|suas|its|their)\s+(?:propre|próprio|própria|own)", after, re.IGNORECASE)
        supplier = next((m for m in article.mentions_in(q.end, q.end + 40) if is_org(entities[m.entity_id])), None)
        org = None if own else supplier
        if org is None:
            org = _nearest(s_mentions, q.start, is_org, entities, before_only=True)
    if org is None:
        org = _nearest(s_mentions, q.start, is_org, entities, before_only=True) or _nearest(s_mentions, q.start, is_org, entities)
    subject: dict[str, str] = {}
    if org:
        subject["organisation"] = org.entity_id
    if system_id and system_id != subject.get("organisation"):
        subject["hardware"] = system_id
    return subject or {"organisation": "TODO"}


def _component(article: Article, q: Quantity, prop: str) -> str | None:
    """The accelerator a count counts ("100k Nvidia H100"). An H100-equivalent count has none: the H100 there
    is the unit of comparison ("8.000 equivalentes ao H100"), not what the system is made of."""
    if prop not in ("gpu_count", "diverted_gpu_count", "node_count"):
        return None
    for m in article.mentions_in(q.end, min(article.sentences[q.sentence][1], q.end + 45)):
        if article.entities[m.entity_id].kind == "accelerator":
            return m.entity_id
    return None


def _claim_times(article: Article, builder: Builder, q: Quantity, span: tuple[int, int]) -> tuple[Any, Any]:
    """The claim's time (a date phrase in its quote) and when it was stated (a date phrase before the speech
    or announcement verb that introduces it)."""
    sentence = article.sentences[q.sentence]
    dates = article.dates_in(*sentence)
    speakers = builder.voices.by_sentence.get(q.sentence, [])
    cue = next((sp for sp in speakers if sp.cue_end <= q.start), None)
    announce = _cue(dict(_event_cues("announcement")), article.language).search(article.text, sentence[0], q.start)
    verb_start = cue.cue_start if cue else announce.start() if announce else None
    stated = None
    time = None
    for date in dates:
        if verb_start is not None and date[1] <= verb_start:
            stated = builder.phrase(span, date, inside=False)
        elif span[0] <= date[0] and date[1] <= span[1] and time is None:
            time = builder.phrase(span, date)
    return time, stated


def _event_cues(event_type: str, status: str | None = None) -> list[tuple[str, list[str]]]:
    for kind, state, table in lx.EVENTS:
        if kind == event_type and (status is None or state == status):
            return list(table.items())
    return []


# -- relations ------------------------------------------------------------------------------------------


# Which kinds of entity each predicate joins: (subject test, object test).
def _kinds(*allowed: str):
    def accept(entity: Entity) -> bool:
        return entity.type in allowed or f"{entity.type}:{entity.kind}" in allowed or ("system" in allowed and _is_system(entity))

    return accept


ROLES_OF = {
    "owns": (_kinds("organisation", "person"), _kinds("system", "place:site", "place:headquarters", "organisation")),
    "develops": (_kinds("organisation", "person"), _kinds("hardware")),
    "builds": (_kinds("organisation", "person"), _kinds("system", "place:site")),
    "builds_part_of": (_kinds("organisation"), _kinds("system")),
    "supplies": (_kinds("organisation"), _kinds("organisation", "hardware")),
    "uses_component": (_kinds("system"), _kinds("hardware:accelerator", "hardware:network_adapter")),
    "connects_via": (_kinds("hardware", "organisation"), _kinds("hardware:network_adapter", "hardware")),
    "located_in": (_kinds("hardware", "place"), _kinds("place")),
    "part_of": (_kinds("hardware", "place", "organisation"), _kinds("hardware", "place", "organisation")),
    "used_for": (_kinds("hardware"), _kinds("hardware")),
    "depends_on": (_kinds("hardware"), _kinds("hardware")),
    "powers": (_kinds("hardware"), _kinds("hardware")),
    "invests_in": (_kinds("organisation", "person"), _kinds("organisation", "hardware")),
    "partner_of": (_kinds("organisation", "person"), _kinds("organisation", "person")),
    "co_founded": (_kinds("person"), _kinds("organisation")),
    "associated_with": (_kinds("person"), _kinds("organisation")),
    "sues": (_kinds("organisation", "person"), _kinds("organisation", "person")),
    "rivals": (_kinds("hardware", "organisation"), _kinds("hardware", "organisation")),
}


def _possessive_predicate(owner: Entity, owned: Entity) -> str | None:
    """What "Tesla's Cortex" / "GPT-5 da OpenAI" / "O xAI de Musk" says: owns, develops or associated_with."""
    if owner.type == "person" and owned.type == "organisation":
        return "associated_with"
    if owner.type not in ("organisation", "person"):
        return None
    if _is_system(owned) or owned.type == "place" and owned.kind in ("site", "headquarters"):
        return "owns"
    if owned.type == "hardware":
        return "develops"
    return None


def _relation(article: Article, builder: Builder, predicate: str, subject: str, obj: str | None, span: tuple[int, int], object_text: str | None = None) -> None:
    if predicate not in article.vocab.predicates or subject == obj:
        return
    accept_subject, accept_object = ROLES_OF.get(predicate, (lambda e: True, lambda e: True))
    if subject in article.entities and not accept_subject(article.entities[subject]):
        return
    if obj is not None and obj in article.entities and not accept_object(article.entities[obj]):
        return
    anchored = builder.quote(*span)
    if anchored is None:
        return
    span = builder.span_of(anchored)
    entry: dict[str, Any] = {"proposed": True, **anchored, "subject": subject, "predicate": predicate}
    if obj is not None:
        entry["object"] = obj
    else:
        if not object_text or _occurrences(anchored["quote"], object_text) != 1:
            return
        entry["object_text"] = object_text
    builder.statement(entry, span, [subject, obj] if obj else [subject])
    builder.add("relations", (span[0], predicate, subject, obj or "text"), entry)


def _coordinated(article: Article, first: Mention, limit: int, accept) -> list[Mention]:
    """The mention and those joined to it by commas and e/et/and ("Dell, Nvidia e Supermicro")."""
    found = [first]
    at = first.end
    for m in article.mentions_in(first.end, limit):
        if m.start < at:
            continue
        if re.fullmatch(r"\s*(?:,|e|et|and|y|,\s*(?:e|et|and))\s*(?:(?:a|o|as|os|la|le|les|l'|the)\s+)?", article.text[at : m.start]) and accept(
            article.entities[m.entity_id]
        ):
            found.append(m)
            at = m.end
        else:
            break
    return found


_QUOTE_MARK = '[«»“”"]'
_GAP = rf"(?>\s*{_QUOTE_MARK}?\s*)"  # white space around at most one quotation mark, taken whole
_WORD = r"[\w/-]"


@functools.cache
def _possessive_patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    r"""What may stand between a thing and its owner: up to four words and the language's "of", with an
    article ("o Cortex AI de Tesla"); or an apposition (", the next model of Meta"). Compiled once.

    The first was `(?:\s*Q?\s*[\w/-]+){0,4}?\s*Q?\s*(?:of)...`, which tries every way of cutting each word
    into pieces: some 30 µs a pair of mentions, and milliseconds for long words. This one takes each word
    whole (possessively) and the gaps whole, and only the word right before "of" may end in it ("grande"
    reads as "gran" + "de", as before): the same texts match (checked on generated text), in linear time.
    """
    of = lx.POSSESSIVE_OF[language]
    possessive = re.compile(rf"{_GAP}(?:{_WORD}++{_GAP}){{0,3}}(?:{_WORD}++{_GAP}|{_WORD}+?)?(?:{of})\s*(?:(?:a|o|la|le|l'|l’|the)\s+)?")
    appositive = re.compile(r",\s+(?:the|o|a|le|la|l'|um|uma|un|une)\s+(?:[\w-]+\s+){0,5}?(?:" + of + r")\s+(?:(?:a|o|la|le|l'|the)\s+)?")
    return possessive, appositive


def _relations(article: Article, builder: Builder) -> None:
    text, language, entities = article.text, article.language, article.entities
    for index, (s_start, s_end) in enumerate(article.sentences):
        if s_end - s_start > MAX_SENTENCE:
            builder.proposals.notes.append(
                f"not proposed: relations in sentence {index} (characters {s_start} to {s_end}): the drafter reads relations in sentences "
                f"of at most {MAX_SENTENCE} characters; curate it from its stub"
            )
            continue
        mentions = article.mentions_in(s_start, s_end)
        # Possessives: "Tesla's Cortex", "o Cortex AI de Tesla", "Llama 3, the next model of Meta".
        possessive, appositive_of = _possessive_patterns(language)
        for at, owned in enumerate(mentions):
            for later in range(at + 1, len(mentions)):  # not a slice of the rest: a copy per mention is quadratic
                owner = mentions[later]
                if owner.start - owned.end > 70:
                    break
                if owner.start <= owned.end:
                    continue
                between = text[owned.end : owner.start]
                if not possessive.fullmatch(between):
                    if not appositive_of.fullmatch(between):
                        continue
                if re.search(r"[.;:]", between) or (owner.start - owned.end) > 70:
                    continue
                predicate = _possessive_predicate(entities[owner.entity_id], entities[owned.entity_id])
                if predicate:
                    _relation(article, builder, predicate, owner.entity_id, owned.entity_id, (owned.start, owner.end))
                break
        if language == "en":
            for owner in mentions:
                if re.match(r"['’]s\s", text[owner.end : owner.end + 3]):
                    owned = next(
                        (m for m in article.mentions_in(owner.end, min(s_end, owner.end + 50)) if not re.search(r"[,.;]", text[owner.end : m.start])), None
                    )
                    if owned:
                        predicate = _possessive_predicate(entities[owner.entity_id], entities[owned.entity_id])
                        if predicate:
                            _relation(article, builder, predicate, owner.entity_id, owned.entity_id, (owner.start, owned.end))
        # "seus empreendimentos privados X e xAI", "sa société privée, xAI": the owner is the sentence's person
        # or organisation named last before the pronoun.
        for m in re.finditer(r"(?<!\w)(?:" + lx.POSSESSIVE_PRONOUN[language] + r")\s+((?:[\w-]+\s+){0,5}?)", text[s_start:s_end], re.IGNORECASE):
            pronoun_end = s_start + m.end()
            pronoun_start = s_start + m.start()
            appositive = next((x for x in reversed(article.mentions_in(s_start, pronoun_start)) if re.fullmatch(r",\s*", text[x.end : pronoun_start])), None)
            if appositive is not None:
                # "a inauguré Alps, son nouveau supercalculateur": Alps is the thing owned, the subject before it the owner.
                owners = [x for x in article.mentions_in(s_start, appositive.start) if entities[x.entity_id].type in ("person", "organisation")]
                if owners:
                    predicate = _possessive_predicate(entities[owners[-1].entity_id], entities[appositive.entity_id])
                    if predicate:
                        _relation(article, builder, predicate, owners[-1].entity_id, appositive.entity_id, (appositive.start, pronoun_end))
                continue
            owned = next(
                (
                    x
                    for x in article.mentions_in(pronoun_end, min(s_end, pronoun_end + 40))
                    if x.start - pronoun_end < 40 and not re.search(r"[.;:]", text[pronoun_end : x.start])
                ),
                None,
            )
            if owned is None or re.search(r"\s(?:de|da|do|of|que|that)\s", text[s_start + m.start() : owned.start]):
                continue
            private = re.search(r"priva|privé|private|perso", text[s_start + m.start() : owned.start], re.IGNORECASE)
            owners = [x for x in article.mentions_in(s_start, s_start + m.start()) if entities[x.entity_id].type in ("person", "organisation")]
            people = [x for x in owners if entities[x.entity_id].type == "person"]
            owner = (people or owners)[-1] if private and (people or owners) else owners[-1] if owners else None
            owner_id = owner.entity_id if owner else article.last_named_before(index, lambda e: e.type in ("person", "organisation"))
            if owner_id is None:
                continue
            for target in _coordinated(article, owned, s_end, lambda e: True):
                predicate = _possessive_predicate(entities[owner_id], entities[target.entity_id])
                if predicate == "associated_with" and private:
                    predicate = "owns"
                if predicate:
                    _relation(article, builder, predicate, owner_id, target.entity_id, (s_start + m.start(), target.end))
        # Cue patterns.
        for predicate, shape, table in lx.RELATIONS:
            accept_subject, accept_object = ROLES_OF.get(predicate, (lambda e: True, lambda e: True))
            for cue in _cue(table, language).finditer(text, s_start, s_end):
                before = [x for x in mentions if x.end <= cue.start()]
                after = [x for x in mentions if x.start >= cue.end() and x.start - cue.end() < 90]
                if shape == "pair":
                    pair = [x for x in after if accept_subject(entities[x.entity_id])][:2]
                    if len(pair) == 2:
                        _relation(article, builder, predicate, pair[0].entity_id, pair[1].entity_id, (cue.start(), pair[1].end))
                    elif len(pair) == 1 and before:
                        subjects = _coordinated_back(article, before, accept_subject)
                        for subj in subjects:
                            _relation(article, builder, predicate, subj.entity_id, pair[0].entity_id, (subjects[0].start, pair[0].end))
                    elif not pair and before:
                        subjects = _coordinated_back(article, before, accept_subject)
                        if len(subjects) >= 2:
                            _relation(article, builder, predicate, subjects[0].entity_id, subjects[1].entity_id, (subjects[0].start, cue.end()))
                    continue
                if shape == "o-by-s":
                    subj = next((x for x in after if accept_subject(entities[x.entity_id])), None)
                    obj = next((x for x in reversed(before) if accept_object(entities[x.entity_id])), None)
                    obj_id = obj.entity_id if obj else article.last_named_before(index, accept_object)
                    if subj and obj_id:
                        _relation(article, builder, predicate, subj.entity_id, obj_id, ((obj.start if obj else cue.start()), subj.end))
                    continue
                stop = max(text.rfind(".", s_start, cue.start()), text.rfind(";", s_start, cue.start()))  # no subject before a full stop
                subjects = [x for x in reversed(before) if accept_subject(entities[x.entity_id]) and x.end > stop]
                if predicate in ("part_of", "located_in", "uses_component", "connects_via"):  # a system before an owner
                    subjects.sort(key=lambda x: not _is_system(entities[x.entity_id]))
                objects = [x for x in after if accept_object(entities[x.entity_id])]
                if (
                    not objects
                    and subjects
                    and re.search(r"(?:that|which|que|qui)\s+(?:(?:a|o|the|la|le|l')\s+)?$", text[max(s_start, subjects[0].start - 12) : subjects[0].start])
                ):
                    # "Grand Teton, an open hardware platform that Meta designed": the object is before the relative pronoun.
                    objects = [x for x in reversed(before) if x.end <= subjects[0].start and accept_object(entities[x.entity_id])][:1]
                subject_id = subjects[0].entity_id if subjects else None
                if subject_id is None and re.match(r"\s*" + lx.COMPANY_ANAPHOR[language] + r"\s", text[s_start : cue.start()], re.IGNORECASE):
                    subject_id = article.last_named_before(index, lambda e: e.type == "organisation")
                if subject_id is None and predicate in ("uses_component", "used_for", "part_of", "located_in", "connects_via"):
                    subject_id = article.last_named_before(index + 1, accept_subject) if not before else None
                if subject_id is None or not objects:
                    if subject_id and predicate == "part_of":
                        _relation(
                            article,
                            builder,
                            predicate,
                            subject_id,
                            None,
                            ((subjects[0].start if subjects else cue.start()), _clause_of(article, cue.start())[1]),
                            _object_text(article, cue.end()),
                        )
                    continue
                start = subjects[0].start if subjects else cue.start()
                for obj in _coordinated(article, objects[0], s_end, accept_object):
                    _relation(article, builder, predicate, subject_id, obj.entity_id, (min(start, cue.start(), obj.start), max(obj.end, cue.end())))
        _purposes(article, builder, index, mentions)
        _locations(article, builder, index, mentions)


def _coordinated_back(article: Article, before: list[Mention], accept) -> list[Mention]:
    """The mentions right before a cue joined by commas and e/et/and ("Dell e Nvidia estão se unindo")."""
    found: list[Mention] = []
    for m in reversed(before):
        if not accept(article.entities[m.entity_id]):
            break
        if found and not re.fullmatch(r"\s*(?:,|e|et|and)\s*(?:(?:a|o|la|le|the)\s+)?", article.text[m.end : found[-1].start]):
            break
        found.append(m)
    return list(reversed(found))


def _object_text(article: Article, start: int) -> str | None:
    clause = _clause_of(article, start)
    words = _trim(article.text, start, clause[1])
    text = article.text[words[0] : words[1]]
    return text if text and len(text) <= MAX_QUOTE else None


_PURPOSE_LEAD = re.compile(r"\s*(?:(?:para|pour|to|for|in|à|a|no|na|em|dans)\s+)?")


def _purposes(article: Article, builder: Builder, index: int, mentions: list[Mention]) -> None:
    """used_for: a system and what it is for ("utilisé pour la formation du FSD", "to train Llama 3")."""
    text, language, entities = article.text, article.language, article.entities
    s_start, s_end = article.sentences[index]
    for cue in _cue(lx.PURPOSE, language).finditer(text, s_start, s_end):
        purposeful = ("robot", "ai_model", "software", "vehicle")
        systems = [m for m in mentions if m.end <= cue.start() and (_is_system(entities[m.entity_id]) or entities[m.entity_id].kind in purposeful)]
        system_id = systems[-1].entity_id if systems else article.last_named_before(index + 1, _is_system)
        if system_id is None:
            continue
        clause_end = _clause_of(article, cue.start())[1]
        nxt = re.search(r"[,;]\s", text[cue.end() : s_end])
        end = max(clause_end, cue.end() + (nxt.start() if nxt else s_end - cue.end()))
        start = systems[-1].start if systems and cue.start() - systems[-1].start < 150 else cue.start()
        targets = [m for m in article.mentions_in(cue.end(), end) if entities[m.entity_id].type == "hardware" and not _is_system(entities[m.entity_id])]
        if targets:
            for target in targets:
                _relation(article, builder, "used_for", system_id, target.entity_id, (start, target.end))
        else:
            lead = _PURPOSE_LEAD.match(text, cue.end())  # at the cue's end, not on a copy of the rest of the text
            words = _trim(
                text,
                (lead.end() if lead and cue.group().rstrip()[-3:].lower() in ("ara", "our", " to", "for", " in", " em", " na", " no") else cue.end()),
                end,
            )
            object_text = text[words[0] : words[1]]
            if object_text:
                _relation(article, builder, "used_for", system_id, None, (start, words[1]), object_text)


def _locations(article: Article, builder: Builder, index: int, mentions: list[Mention]) -> None:
    """located_in: a system, site or place and the place after a locative word ("à Austin", "in Buffalo, New York")."""
    text, language, entities = article.text, article.language, article.entities
    s_start, _ = article.sentences[index]
    locative = _cue(lx.LOCATED, language)
    # Only mentions near a place matter (ending at most 200 characters before it, starting less than 80
    # after it): each place looks at those alone, found by bisection, not at every mention of the sentence.
    starts = [m.start for m in mentions]
    longest = max((m.end - m.start for m in mentions), default=0)
    for place_mention in mentions:
        if entities[place_mention.entity_id].type != "place":
            continue
        cue = None
        for m in locative.finditer(text, max(s_start, place_mention.start - 40), place_mention.start):
            if re.fullmatch(r"\s*(?:(?:a|o|the|la|le|l'|l’)\s*)?(?:(?:estado|state|cidade|city|ville)\s+(?:de|of)\s+)?", text[m.end() : place_mention.start]):
                cue = m
        comma = re.search(r",\s*$", text[max(s_start, place_mention.start - 3) : place_mention.start])
        near = mentions[bisect.bisect_left(starts, place_mention.start - 200 - longest) : bisect.bisect_left(starts, place_mention.end + 80)]
        before = [m for m in near if m.end <= (cue.start() if cue else place_mention.start)]
        if comma and before and entities[before[-1].entity_id].type == "place" and place_mention.start - before[-1].end <= 3:
            _relation(article, builder, "located_in", before[-1].entity_id, place_mention.entity_id, (before[-1].start, place_mention.end))
            continue
        if cue is None:
            continue
        subjects = [m for m in reversed(before) if (_is_system(entities[m.entity_id]) or entities[m.entity_id].type == "place") and cue.start() - m.end < 160]
        if subjects:
            subject = subjects[0]
            _relation(article, builder, "located_in", subject.entity_id, place_mention.entity_id, (subject.start, place_mention.end))
            continue
        later = [m for m in near if m.start >= place_mention.end and _is_system(entities[m.entity_id]) and m.start - place_mention.end < 80]
        if later:
            _relation(article, builder, "located_in", later[0].entity_id, place_mention.entity_id, (cue.start(), later[0].end))
            continue
        earlier = article.last_named_before(index, _is_system, back=2)
        if earlier:
            _relation(article, builder, "located_in", earlier, place_mention.entity_id, (cue.start(), place_mention.end))


# -- events ---------------------------------------------------------------------------------------------


def _events(article: Article, builder: Builder) -> None:
    text, language, entities = article.text, article.language, article.entities
    for index, (s_start, s_end) in enumerate(article.sentences):
        taken: list[tuple[int, int]] = []
        for event_type, status, table in lx.EVENTS:
            if event_type not in article.vocab.event_types or status is not None and status not in article.vocab.statuses:
                continue
            for cue in _cue(table, language).finditer(text, s_start, s_end):
                if any(a <= cue.start() < b for a, b in taken) and event_type == "status":
                    continue  # a more specific status took these words ("pas pleinement opérationnel")
                clause = _widened(article, _clause_of(article, cue.start()), 4)
                start, end = clause
                for date in article.dates_in(s_start, s_end):  # take in a date phrase next to the clause
                    if date[2] and (start - 40 <= date[1] <= start or end <= date[0] <= end + 25):
                        start, end = min(start, date[0]), max(end, date[1])
                anchored = builder.quote(start, end)
                if anchored is None:
                    continue
                span = builder.span_of(anchored)
                taken.append((cue.start(), cue.end()))
                quoted = article.mentions_in(*span)
                groups: dict[str, list[str]] = {"organisation": [], "hardware": [], "person": [], "place": []}
                for m in quoted:
                    kind = entities[m.entity_id].type
                    if m.entity_id not in groups[kind]:
                        groups[kind].append(m.entity_id)
                if event_type == "status" and not any(_is_system(entities[i]) for i in groups["hardware"]):
                    system = article.last_named_before(index + 1, _is_system)
                    if system:
                        groups["hardware"].append(system)
                entry: dict[str, Any] = {"proposed": True, **anchored, "type": event_type}
                if status:
                    entry["status"] = status
                names = [entities[i].name for ids in groups.values() for i in ids]
                entry["description"] = f"{(status or event_type).replace('_', ' ').capitalize()}" + (f": {', '.join(names)}." if names else ".")
                dates = [d for d in article.dates_in(*span) if d[2]]
                date = builder.phrase(span, dates[0]) if dates else None
                if date is not None:
                    entry["date"] = date
                for field_name, kind in (("organisations", "organisation"), ("hardware", "hardware"), ("people", "person"), ("places", "place")):
                    if groups[kind]:
                        entry[field_name] = groups[kind]
                ids = [i for ids in groups.values() for i in ids]
                words = text[span[0] : span[1]]
                modality = _modality(article, words, article.vocab.modalities)
                if event_type == "status" and modality not in ("speculation", "interpretation", "expected"):
                    modality = "reported"  # a state the text reports, whatever tense it is told in
                elif event_type in lx.TOLD_EVENTS:
                    modality = "reported"  # the event is the telling ("announced", "sued"), not what it says will be
                builder.statement(entry, span, ids, spoken=event_type in lx.SPOKEN_EVENTS, modality=modality)
                builder.add("events", (span[0], event_type, status), entry)


# -- one clause, one speaker, one time ------------------------------------------------------------------

_DATE_FIELDS = {"claims": ("time", "stated"), "relations": ("time", "stated"), "events": ("date", "stated")}
_ENTITY_FIELDS = ("organisation", "hardware", "component", "subject", "object", "organisations", "people", "places")


def _phrase_words(phrase: Any) -> str | None:
    return phrase.get("text") if isinstance(phrase, dict) else phrase


def _date_of(article: Article, entry: dict, field_name: str, span: tuple[int, int]) -> tuple[int, int, bool] | None:
    """The date phrase (start, end, calendar) an entry's time field names, found near its quote."""
    words = _phrase_words(entry.get(field_name))
    if not words:
        return None
    sentence = article.sentences[article.sentence_of(span[0])]
    for date in article.dates_in(min(sentence[0], span[0]), max(sentence[1], span[1])):
        if article.text[date[0] : date[1]] == words:
            return date
    return None


def _entity_ids(entry: dict) -> set[str]:
    found: set[str] = set()
    for name in _ENTITY_FIELDS:
        value = entry.get(name)
        found.update(value if isinstance(value, list) else [value] if isinstance(value, str) else [])
    return found


def _give_voice(builder: Builder, entry: dict, voice: dict) -> None:
    """Credit `entry` to `voice`'s speaker and statement time, and keep its links right for the new speaker."""
    span = builder.spans[id(entry)]
    old = entry["attributed_to"]
    entry["attributed_to"], entry["attribution_kind"] = voice["attributed_to"], voice["attribution_kind"]
    links = dict(entry.get("links", {}))
    if old != entry["attributed_to"] and old in links and old not in _entity_ids(entry):
        del links[old]
    if entry["attribution_kind"] != "outlet":
        marks, notes = builder.links(span, [entry["attributed_to"]])
        links.update(marks)
        if notes:
            entry["note"] = " ".join([entry["note"], *notes]) if entry.get("note") else " ".join(notes)
    if links:
        entry["links"] = links
    else:
        entry.pop("links", None)


def _set_stated(article: Article, builder: Builder, kind: str, entry: dict, date: tuple[int, int, bool] | None) -> None:
    """Give `entry` the statement phrase `date` (or none); the words that date the saying are then not also
    the time the row applies to (the announcement's "No início deste mês" is not the milestone's date)."""
    entry.pop("stated", None)
    if date is None:
        return
    span = builder.spans[id(entry)]
    phrase = builder.phrase(span, date, inside=False)
    if phrase is None:
        return
    entry["stated"] = phrase
    time_field = _DATE_FIELDS[kind][0]
    if _date_of(article, entry, time_field, span) == date:
        del entry[time_field]


def _calendar_stated(entry: dict) -> bool:
    stated = entry.get("stated")
    return stated is not None and not (isinstance(stated, dict) and stated.get("calendar") is False)


def _one_voice_per_clause(article: Article, builder: Builder) -> None:
    """Rows proposed from one clause say it with one voice, as the build requires (derive/consistency.py,
    docs/content.md "One clause, one speaker, one time"): each row was proposed on its own cues, so a claim
    and a relation on the same words could credit different speakers or times, which the build refuses.

    Per group of rows that share one of the build's clauses: a speech event (an announcement, a statement)
    reports the act of saying the others, so its quote is widened to hold them and its date becomes their
    statement time; the other rows all take the first named speaker among them (else the outlet) and that
    row's statement phrase. Finally, a relative date ("today") in words credited to someone else who is not
    said when they spoke cannot be placed (the build counts it from an unknown day), so it is proposed as a
    time that is no calendar time."""
    from ..derive.consistency import SPEECH_EVENT_TYPES, clause_spans

    text = article.text
    clauses = clause_spans(text, segment(text))
    starts = [c[0] for c in clauses]
    rows = [(kind, e) for kind in ("claims", "relations", "events") for e in getattr(builder.proposals, kind) if e is not None and id(e) in builder.spans]
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}  # clause index -> a row quoting it
    for i, (_, entry) in enumerate(rows):
        start, end = builder.spans[id(entry)]
        c = max(0, bisect.bisect_right(starts, start) - 1)
        while c < len(clauses) and clauses[c][0] < end:
            if start < clauses[c][1]:
                if c in owner:
                    parent[root(i)] = root(owner[c])
                else:
                    owner[c] = i
            c += 1
    groups: dict[int, list[tuple[str, dict]]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(root(i), []).append(row)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda row: builder.spans[id(row[1])])
        said = [e for kind, e in group if not (kind == "events" and e["type"] in SPEECH_EVENT_TYPES)]
        reporter = next((e for kind, e in group if kind == "events" and e["type"] in SPEECH_EVENT_TYPES), None)
        if reporter is not None and said:
            lo = min(builder.spans[id(e)][0] for _, e in group)
            hi = max(builder.spans[id(e)][1] for _, e in group)
            anchored = builder.quote(lo, hi) if (lo, hi) != builder.spans[id(reporter)] else None
            if anchored is not None and builder.spans[id(reporter)] != (lo, hi):
                new_span = builder.span_of(anchored)
                if new_span == (lo, hi):
                    reporter.pop("prefix", None), reporter.pop("suffix", None)
                    reporter.update(anchored)
                    builder.spans[id(reporter)] = new_span
            if builder.spans[id(reporter)] != (lo, hi):
                said.append(reporter)  # it cannot hold them all: it is one of the voices that must agree
                reporter = None
        if said:
            voice = next((e for e in said if e["attribution_kind"] != "outlet"), said[0])
            stated = _date_of(article, voice, "stated", builder.spans[id(voice)])
            if reporter is not None:
                act = _date_of(article, reporter, "date", builder.spans[id(reporter)])
                stated = act if act is not None and act[2] else None
                if stated is None and voice["attribution_kind"] == "outlet":
                    # An undated act was some time up to the report; so were the words it reports, which
                    # the reporting verb says ("anunciou", "selon"): a statement phrase that is no calendar time.
                    start, end = builder.spans[id(reporter)]
                    cue = _cue(dict(_event_cues(reporter["type"])), article.language).search(text, start, end)
                    stated = (*_trim(text, cue.start(), cue.end()), False) if cue else None
            kinds = {id(e): kind for kind, e in group}
            for entry in said:
                if entry is not voice:
                    _give_voice(builder, entry, voice)
                _set_stated(article, builder, kinds[id(entry)], entry, stated)
    for kind, entry in rows:
        if entry["attribution_kind"] == "outlet" or _calendar_stated(entry):
            continue
        for field_name in _DATE_FIELDS[kind][:1]:
            date = _date_of(article, entry, field_name, builder.spans[id(entry)])
            if date is not None and (date[0], date[1]) in article.relative:
                words = _phrase_words(entry[field_name])
                context = {k: v for k, v in entry[field_name].items() if k in ("prefix", "suffix")} if isinstance(entry[field_name], dict) else {}
                entry[field_name] = {"text": words, **context, "calendar": False}


# -- the drafter ----------------------------------------------------------------------------------------


def propose(text: str, language: str, registry: Registry, vocabulary: Vocabulary, published: str | None = None) -> Proposals:
    """Everything the drafter proposes for one article (pure: nothing is read or written)."""
    if language not in lx.LANGUAGES:
        raise ValueError(f"no rules for language {language!r}; expected one of {', '.join(lx.LANGUAGES)}")
    proposals = Proposals()
    article = Article(text, language, registry, vocabulary, published)
    voices = Voices(article)
    builder = Builder(article, voices, proposals)
    _claims(article, builder)
    _relations(article, builder)
    _events(article, builder)
    _one_voice_per_clause(article, builder)
    first_mention: dict[str, Mention] = {}
    for m in article.mentions:
        first_mention.setdefault(m.entity_id, m)
    for ident, first in first_mention.items():
        entity = article.entities[ident]
        if entity.registered:
            entry = {"id": ident, "type": entity.type, "name": entity.name, "quote": text[first.start : first.end], "registered": True}
            if ident in article.alias_additions:
                entry = {"proposed": True, **entry, "add_aliases": list(dict.fromkeys(article.alias_additions[ident]))}
            proposals.entities.append(entry)
    for new in article.new_entities:
        entry = {"proposed": True, "id": new["id"], "type": new["type"], "name": new["name"]}
        if new["kind"]:
            entry["kind"] = new["kind"]
        entry["aliases"] = new["aliases"]
        entry["quote"] = new["quote"]
        proposals.entities.append(entry)
    used = {e.get("attributed_to") for kind in ("claims", "relations", "events") for e in getattr(proposals, kind) if e} | {
        e.get("subject") for e in proposals.relations if e
    }
    proposals.unnamed = [
        {"proposed": True, "label": p["label"], "kind": p["kind"], "quote": p["quote"], **({"en": "TODO"} if language != "en" else {})}
        for p in voices.parties
        if p["label"] in used
    ]
    for kind in ("claims", "relations", "events"):
        setattr(proposals, kind, [e for e in getattr(proposals, kind) if e is not None])
    if not proposals.claims and not any("not proposed" in n for n in proposals.notes):
        proposals.notes.append("no quantity found: the article states no number the parser reads")
    return proposals
