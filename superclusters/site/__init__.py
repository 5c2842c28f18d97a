"""Generate a static website from the published package, so a reader can see every row inside its sentence.

The site is built ONLY from what a release carries (datapackage.json, data/,
schemas/, seeds/, figures/ and, when present, dist/), never from the build's
inputs, so it shows exactly what was published. It is driven by the package
descriptor and the table schemas rather than by a list of known tables, because
tables and columns are added over time:

- a *span table* is any table whose schema has ``article_id``, ``char_start``
  and ``char_end``; each of its rows is highlighted in its article;
- a *link* is a schema foreign key, a field named like another table's primary
  key (``hardware_id``, ``outlet_organisation_id``), a list field ``<x>_ids``
  whose ``<x>_id`` is a primary key, or a list field whose values are all keys
  of one table (``conflicts_with``); a value links only if its target exists;
- *entities* come from an ``entities`` table when there is one, else from the
  organisations, people, hardware and places tables;
- list cells may arrive as Arrow lists or as delimiter-joined strings.

Offsets in the data are Unicode code points; the page's script converts them to
the UTF-16 units JavaScript uses, so ``#char=s,e`` selects exactly the quote.

Usage: python -m superclusters.site [--root DIR] [--out site] [--zip ZIP] [--screenshot PNG]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import hashlib
import json
import re
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SPAN_FIELDS = ("article_id", "char_start", "char_end")
ENTITY_TABLES = ("organisations", "people", "hardware", "places")
TOOLTIP_FIELDS = 6  # a tooltip is a glance; the side panel has the whole row
CONTEXT_CHARS = 120  # code points of seed text shown either side of a quote on the "where sources differ" page
# Columns a reader wants first when looking at a row; the rest follow in schema order.
PREFERRED = ("property", "value_text", "value", "unit", "comparator", "modality", "attributed_to", "status", "quote_en")
# Kept in the page but not repeated in a row's summary: they are the highlight itself.
SPAN_HOUSEKEEPING = {"article_id", "char_start", "char_end", "span_url", "quote"}
CHAR_RE = re.compile(r"#char=(\d+),(\d+)$")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


# --------------------------------------------------------------------------- the package, read generically


@dataclass
class Table:
    """One published table: its schema, its rows as Python values, and where its files are."""

    name: str
    schema: dict[str, Any]
    rows: list[dict[str, Any]]
    files: list[str]

    @property
    def fields(self) -> list[dict[str, Any]]:
        return self.schema.get("fields", [])

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    @property
    def pk(self) -> list[str]:
        key = self.schema.get("primaryKey") or []
        return [key] if isinstance(key, str) else list(key)

    @property
    def parquet(self) -> str | None:
        return next((f for f in self.files if f.endswith(".parquet")), None)

    @property
    def is_span(self) -> bool:
        return all(name in self.field_names for name in SPAN_FIELDS)

    def key(self, row: dict[str, Any], index: int) -> str:
        """The row's primary key as text (its position when the table has none), for anchors and labels."""
        if self.pk:
            return "/".join(text(row.get(k)) for k in self.pk)
        return str(index)

    def field(self, name: str) -> dict[str, Any]:
        return next(f for f in self.fields if f["name"] == name)


def text(value: Any) -> str:
    """A cell as the CSV shows it: empty for missing, ISO dates, true/false, integral floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):  # Parquet gives True; the CSV and Table Schema say true
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "|".join(text(v) for v in value)
    return str(value)


def items(value: Any, delimiter: str = "|") -> list[str]:
    """A list cell as its items, whether it arrived as an Arrow/Python list or a delimiter-joined string."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text(v) for v in value if text(v) != ""]
    if hasattr(value, "tolist"):  # numpy arrays from pandas
        return items(value.tolist(), delimiter)
    value = text(value)
    return [v for v in value.split(delimiter)] if value else []


def is_list_field(spec: dict[str, Any]) -> bool:
    return spec.get("type") in ("list", "array") or spec["name"].endswith("_ids")


def _coerce(raw: str, spec: dict[str, Any]) -> Any:
    if raw == "":
        return None
    kind = spec.get("type")
    if kind == "integer":
        return int(raw)
    if kind == "number":
        return float(raw)
    return raw


def _read_rows(root: Path, parquet: str | None, csv_path: str | None, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows as dicts of Python values: from Parquet when published (types kept), else from the CSV and the schema."""
    if parquet and (root / parquet).is_file():
        import pyarrow.parquet as pq

        return pq.read_table(root / parquet).to_pylist()
    specs = {f["name"]: f for f in schema.get("fields", [])}
    with open(root / str(csv_path), encoding="utf-8", newline="") as handle:
        return [{k: _coerce(v, specs.get(k, {})) for k, v in row.items()} for row in csv.DictReader(handle)]


def _schema(root: Path, resource: dict[str, Any]) -> dict[str, Any]:
    schema = resource.get("schema") or {}
    if isinstance(schema, str):
        return json.loads((root / schema).read_text(encoding="utf-8"))
    return schema


def load_package(root: Path) -> tuple[dict[str, Any], dict[str, Table], dict[str, str]]:
    """(descriptor, tables by name, seed text by seed stem) from a published package folder."""
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    grouped: dict[str, list[dict[str, Any]]] = {}
    seeds: dict[str, str] = {}
    for resource in descriptor.get("resources", []):
        path = resource.get("path", "")
        if resource.get("type") == "table" or resource.get("schema"):
            name = resource["name"].removesuffix("-parquet") if resource.get("format") == "parquet" else resource["name"]
            grouped.setdefault(name, []).append(resource)
        elif isinstance(path, str) and path.startswith("seeds/") and path.endswith(".txt"):
            with open(root / path, encoding="utf-8", newline="") as handle:  # newline="": offsets count every character
                seeds[Path(path).stem] = handle.read()
    if not seeds and (root / "seeds").is_dir():  # a descriptor that does not list its seeds as file resources
        for path in sorted((root / "seeds").glob("*.txt")):
            with open(path, encoding="utf-8", newline="") as handle:
                seeds[path.stem] = handle.read()
    tables = {}
    for name, resources in grouped.items():
        parquet = next((r["path"] for r in resources if r.get("format") == "parquet"), None)
        csv_path = next((r["path"] for r in resources if r.get("format") != "parquet"), None)
        schema = _schema(root, resources[0])
        tables[name] = Table(name, schema, _read_rows(root, parquet, csv_path, schema), sorted(r["path"] for r in resources))
    return descriptor, tables, dict(sorted(seeds.items()))


# --------------------------------------------------------------------------- paths and names


def safe(name: str) -> str:
    """A file or anchor name for any id: ids may hold '/', spaces or non-ASCII; a hash keeps altered ones distinct."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    if cleaned == name and name:
        return name
    return f"{cleaned[:60]}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def singular(name: str) -> str:
    if name == "people":
        return "person"
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name


@dataclass
class Entity:
    """Something entity pages are made for: an organisation, person, system or place."""

    kind: str
    id: str
    name: str
    table: str
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"entities/{safe(self.kind)}/{safe(self.id)}.html"


@dataclass
class Span:
    """One highlighted row: which table, which row, and its code-point span in the seed."""

    table: str
    key: str
    start: int
    end: int
    row: dict[str, Any]
    kind_index: int
    dismissed: str = ""

    @property
    def anchor(self) -> str:
        return f"r-{safe(self.table)}-{safe(self.key)}"


class Site:
    """Everything the pages need, computed once from the package: links, entities, spans per article."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.descriptor, self.tables, self.seeds = load_package(root)
        self.pk_values = {name: {text(r.get(t.pk[0])) for r in t.rows} for name, t in self.tables.items() if len(t.pk) == 1}
        self.links = {name: self._links(table) for name, table in self.tables.items()}
        self.article_stem = self._article_stems()
        self.entities, self.entity_index = self._entities()
        self.span_tables = [name for name in sorted(self.tables) if self.tables[name].is_span]
        self.references = self._references()

    # ---- links between tables
    def _links(self, table: Table) -> dict[str, str]:
        """field name -> the table its values are keys of."""
        found: dict[str, str] = {}
        for fk in table.schema.get("foreignKeys", []):
            fields = fk.get("fields")
            fields = [fields] if isinstance(fields, str) else fields
            target = fk.get("reference", {}).get("resource") or table.name
            if len(fields) == 1 and target in self.tables:
                found[fields[0]] = target
        pk_owner = {t.pk[0]: name for name, t in sorted(self.tables.items()) if len(t.pk) == 1}
        for spec in table.fields:
            name = spec["name"]
            if name in found or name in table.pk:
                continue
            singular_name = name[:-1] if name.endswith("_ids") else name
            for pk, owner in pk_owner.items():
                if owner != table.name and (singular_name == pk or singular_name.endswith("_" + pk)):
                    found[name] = owner
                    break
            else:
                if is_list_field(spec):  # a list of keys of one table, whatever it is called (conflicts_with)
                    values = {v for row in table.rows for v in items(row.get(name), spec.get("delimiter", "|"))}
                    owners = [t for t, keys in self.pk_values.items() if values and values <= keys]
                    if len(owners) > 1:  # claim_group_members is keyed by claim_id too: keep the table the others refer to
                        owners = [t for t in owners if not any(self._declared_target(t, self.tables[t].pk[0]) == o for o in owners)]
                    if len(owners) == 1:
                        found[name] = owners[0]
        return found

    def _declared_target(self, table: str, field_name: str) -> str | None:
        """The table a schema foreign key on `field_name` points to, if one is declared."""
        for fk in self.tables[table].schema.get("foreignKeys", []):
            fields = fk.get("fields")
            if (fields == field_name or fields == [field_name]) and fk.get("reference", {}).get("resource"):
                return fk["reference"]["resource"]
        return None

    def _article_stems(self) -> dict[str, str]:
        """article_id -> seed stem, from articles.seed_path, else from span URLs, else the id itself."""
        stems: dict[str, str] = {}
        articles = self.tables.get("articles")
        for row in articles.rows if articles else []:
            if row.get("seed_path"):
                stems[text(row["article_id"])] = Path(text(row["seed_path"])).stem
        for table in self.tables.values():
            if table.is_span and "span_url" in table.field_names:
                for row in table.rows:
                    url = text(row.get("span_url"))
                    if url:
                        stems.setdefault(text(row["article_id"]), Path(url.split("#")[0]).stem)
        for stem in self.seeds:
            stems.setdefault(stem, stem)
        return stems

    # ---- entities
    def _entities(self) -> tuple[list[Entity], dict[tuple[str, str], Entity]]:
        entities: list[Entity] = []
        if "entities" in self.tables and "entity_id" in self.tables["entities"].field_names:
            for row in self.tables["entities"].rows:
                entity_id = text(row["entity_id"])
                entities.append(Entity(text(row.get("entity_type")) or "entity", entity_id, text(row.get("name")) or entity_id, "entities"))
        else:
            for name in ENTITY_TABLES:
                table = self.tables.get(name)
                if table is None or len(table.pk) != 1:
                    continue
                for row in table.rows:
                    entity_id = text(row[table.pk[0]])
                    entities.append(Entity(singular(name), entity_id, text(row.get("name")) or entity_id, name))
        entities.sort(key=lambda e: (e.kind, e.id))
        index: dict[tuple[str, str], Entity] = {}
        for entity in entities:
            index[(entity.table, entity.id)] = entity
            index.setdefault(("", entity.id), entity)  # by id alone; ids are unique across kinds in practice
            index[("kind:" + entity.kind, entity.id)] = entity
        return entities, index

    def entity_for(self, table: str, value: str) -> Entity | None:
        """The entity a key of `table` names, if `table` holds entities (organisations, or the entities index)."""
        if table in ENTITY_TABLES or table == "entities":
            return self.entity_index.get((table, value)) or self.entity_index.get(("", value))
        return None

    def _references(self) -> dict[tuple[str, str], list[tuple[str, int]]]:
        """(entity kind, id) -> [(table, row index)] of every row that refers to it, including its own rows."""
        refs: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for name in sorted(self.tables):
            table = self.tables[name]
            for i, row in enumerate(table.rows):
                hits: list[Entity] = []
                if (name in ENTITY_TABLES or name == "entities") and len(table.pk) == 1:
                    own = self.entity_for(name, text(row[table.pk[0]]))
                    if own is not None:
                        hits.append(own)
                for field_name, target in self.links[name].items():
                    spec = table.field(field_name)
                    values = items(row.get(field_name), spec.get("delimiter", "|")) if is_list_field(spec) else [text(row.get(field_name))]
                    hits += [e for v in values if v and (e := self.entity_for(target, v)) is not None]
                if "entity_id" in table.field_names and "entity_type" in table.field_names and name != "entities":
                    kind, value = text(row.get("entity_type")), text(row.get("entity_id"))
                    hit = self.entity_index.get(("kind:" + kind, value)) or self.entity_index.get(("", value))
                    if hit is not None:
                        hits.append(hit)
                for key in dict.fromkeys((e.kind, e.id) for e in hits):
                    refs[key].append((name, i))
        return refs

    # ---- hrefs, relative to the site root
    def article_href(self, article_id: str) -> str | None:
        stem = self.article_stem.get(article_id)
        return f"seeds/{stem}.html" if stem in self.seeds else None

    def href(self, target: str, value: str) -> str | None:
        """Where a key of table `target` is shown: the article page, the entity page or the table row."""
        if not value or value not in self.pk_values.get(target, set()):
            return None
        if self.tables[target].pk == ["article_id"]:
            return self.article_href(value)
        entity = self.entity_for(target, value)
        if entity is not None:
            return entity.path
        return f"tables/{target}.html#row-{safe(value)}"

    def span_href(self, url: str) -> str | None:
        """A published span URL (seeds/<stem>.txt#char=s,e) as the article page link."""
        path, _, fragment = url.partition("#")
        stem = Path(path).stem
        if stem not in self.seeds:
            return None
        return f"seeds/{stem}.html" + (f"#{fragment}" if fragment else "")

    def cell(self, table: Table, row: dict[str, Any], name: str) -> list[dict[str, str | None]]:
        """A cell as parts to render: [{text, href}], one per list item; hrefs are relative to the site root."""
        spec = table.field(name) if name in table.field_names else {"name": name}
        target = self.links[table.name].get(name)
        values = items(row.get(name), spec.get("delimiter", "|")) if is_list_field(spec) else [text(row.get(name))]
        parts: list[dict[str, str | None]] = []
        for value in values:
            href = None
            if target:
                href = self.href(target, value)
            elif name.endswith("span_url") and value:
                href = self.span_href(value)
            elif name == "quote" and table.is_span and row.get("char_start") is not None:
                href = self.row_span_href(table, row)
            elif name.endswith("_id") and name[:-3] + "_table" in table.field_names:  # entity_links: row_table + row_id
                other = text(row.get(name[:-3] + "_table"))
                href = self.href(other, value) if other in self.tables else None
            elif name == "entity_id" and "entity_type" in table.field_names:
                entity = self.entity_index.get(("kind:" + text(row.get("entity_type")), value)) or self.entity_index.get(("", value))
                href = entity.path if entity else None
            elif name in table.pk and len(table.pk) == 1 and table.is_span:
                href = self.row_span_href(table, row)
            parts.append({"text": value, "href": href})
        return parts

    def row_span_href(self, table: Table, row: dict[str, Any]) -> str | None:
        page = self.article_href(text(row.get("article_id")))
        if page is None or row.get("char_start") is None or row.get("char_end") is None:
            return None
        return f"{page}#char={int(row['char_start'])},{int(row['char_end'])}"

    def summary(self, table: Table, row: dict[str, Any], compact: bool = False) -> list[tuple[str, list[dict[str, str | None]]]]:
        """The row's non-empty columns, the ones a reader checks first (value, unit, modality, dates...) first.

        `compact` (the article side panel, which repeats for every row) leaves out the key, shown in the
        row's heading, and the *_char_start/_char_end offsets, which the *_span_url link beside them carries.
        """
        names = [n for n in table.field_names if n not in SPAN_HOUSEKEEPING or not table.is_span]
        if compact:
            spans = {n.removesuffix("span_url") for n in names if n.endswith("span_url")}
            names = [n for n in names if n not in table.pk and not any(n in (p + "char_start", p + "char_end") for p in spans)]
        first = [n for n in PREFERRED if n in names]
        dated = [n for n in names if n.endswith(("_start", "_end", "_precision", "_relation")) and not n.endswith(("char_start", "char_end"))]
        basis = [n for n in names if "basis" in n or "reason" in n]
        ordered = list(dict.fromkeys(first + dated + basis + names))
        return [(n, self.cell(table, row, n)) for n in ordered if text(row.get(n)) != "" and items(row.get(n)) != []]

    def tooltip(self, table: Table, key: str, row: dict[str, Any]) -> str:
        parts = [f"{singular(table.name)} {key}"]
        for name, cells in self.summary(table, row)[:TOOLTIP_FIELDS]:
            parts.append(f"{name}: {' | '.join(str(c['text']) for c in cells)}")
        return "\n".join(parts)

    # ---- spans per article
    def dismissal(self, table: Table, row: dict[str, Any]) -> str:
        """The reason a sentence was dismissed ('' if it was not): a status starting 'dismiss' or a reason given."""
        reasons = [n for n in table.field_names if "reason" in n]
        reason = " ".join(text(row.get(n)) for n in reasons if text(row.get(n)))
        status = text(row.get("status")).lower()
        if status.startswith(("dismiss", "reject", "skip", "discard")) or (reasons and reason and status not in ("", "used", "kept", "extracted")):
            return reason or status
        return ""

    def spans(self, article_id: str) -> list[Span]:
        out = []
        for kind_index, name in enumerate(self.span_tables):
            table = self.tables[name]
            for i, row in enumerate(table.rows):
                if text(row.get("article_id")) != article_id or row.get("char_start") is None or row.get("char_end") is None:
                    continue
                dismissed = self.dismissal(table, row) if "status" in table.field_names else ""
                out.append(Span(name, table.key(row, i), int(row["char_start"]), int(row["char_end"]), row, kind_index, dismissed))
        out.sort(key=lambda s: (s.start, -s.end, s.table, s.key))
        return out


def tokens(seed: str, spans: list[Span]) -> list[dict[str, Any]]:
    """The seed as a flat list of open/close/text tokens whose elements nest properly.

    The text is cut at every span boundary; each piece is wrapped in the spans
    that cover it, outermost first. A span that crosses another is closed and
    reopened around it, so it becomes several elements sharing one data-row; its
    label link goes on its first piece only.
    """
    bounds = sorted({0, len(seed)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[dict[str, Any]] = []
    stack: list[Span] = []
    labelled: set[int] = set()
    empty = defaultdict(list)
    for span in spans:
        if span.start == span.end:
            empty[span.start].append(span)
    for lo, hi in zip(bounds, bounds[1:] + [None], strict=False):
        covering = [s for s in spans if hi is not None and s.start <= lo and s.end >= hi and s.start < s.end]
        common = 0
        while common < min(len(stack), len(covering)) and stack[common] is covering[common]:
            common += 1
        while len(stack) > common:
            stack.pop()
            out.append({"kind": "close"})
        for span in empty.get(lo, []):
            out.append({"kind": "open", "span": span, "label": True})
            out.append({"kind": "close"})
        for span in covering[common:]:
            first = id(span) not in labelled
            labelled.add(id(span))
            out.append({"kind": "open", "span": span, "label": first})
            stack.append(span)
        if hi is not None:
            for piece in re.split("(\r)", seed[lo:hi]):  # a raw CR would be turned into LF by the HTML parser
                if piece:
                    out.append({"kind": "cr" if piece == "\r" else "text", "text": piece})
    return out


# --------------------------------------------------------------------------- rendering


def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["text"] = text
    env.filters["safe_id"] = safe
    env.filters["singular"] = singular
    return env


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_files(root: Path, descriptor: dict[str, Any]) -> list[str]:
    """The package's own files: datapackage.json, every resource's path and its schema file."""
    names = {"datapackage.json"}
    for resource in descriptor.get("resources", []):
        paths = resource.get("path")
        names.update([paths] if isinstance(paths, str) else paths or [])
        if isinstance(resource.get("schema"), str):
            names.add(resource["schema"])
    return sorted(n for n in names if (root / n).is_file())


def context_of(seed: str, start: int, end: int) -> tuple[str, str, str]:
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(seed), end + CONTEXT_CHARS)
    return ("…" if lo else "") + seed[lo:start], seed[start:end], seed[end:hi] + ("…" if hi < len(seed) else "")


def status_rank(status: str) -> tuple[int, str]:
    """Disagreements first: that is what the page is for."""
    s = status.lower()
    rank = 0 if ("differ" in s or "conflict" in s) else 1 if "agree" in s else 3 if "single" in s else 2
    return rank, s


def build_site(root: Path, out: Path) -> Path:
    """Write the whole site into `out` (emptied first) from the package at `root`; return `out`."""
    site = Site(root)
    env = environment()
    if out.exists() and any(out.iterdir()):
        if not (out / "static" / "site.js").is_file() or out.resolve() == root.resolve():
            raise SystemExit(f"{out} is not empty and is not a site this module wrote; not deleting it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(STATIC, out / "static")
    published = package_files(root, site.descriptor)
    for name in published:  # the published files themselves, so span URLs and downloads work on any host
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, out / name)
    figures = sorted(p.name for p in (root / "figures").glob("claims_by_source.png")) if (root / "figures").is_dir() else []
    for name in figures:
        (out / "figures").mkdir(exist_ok=True)
        shutil.copyfile(root / "figures" / name, out / "figures" / name)

    title = site.descriptor.get("title") or site.descriptor.get("name", "dataset")
    common = {"site_title": title, "site": site, "tables": site.tables, "version": site.descriptor.get("version", "")}

    def write(path: str, template: str, **values: Any) -> None:
        depth = path.count("/")
        html = env.get_template(template).render(root="../" * depth, page=path, **common, **values)
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_text(html, encoding="utf-8", newline="\n")

    articles = _article_list(site)
    for article in articles:
        spans = site.spans(article["id"])
        seed = site.seeds[article["stem"]]
        kinds = [(name, i, sum(1 for s in spans if s.table == name)) for i, name in enumerate(site.span_tables)]
        write(
            f"seeds/{article['stem']}.html",
            "article.html",
            article=article,
            tokens=tokens(seed, spans),
            spans=spans,
            kinds=kinds,
            dismissed=[s for s in spans if s.dismissed],
        )
    write("tables/index.html", "tables.html")
    for name, table in sorted(site.tables.items()):
        write(f"tables/{name}.html", "table.html", table=table)
    for entity in site.entities:
        refs = site.references.get((entity.kind, entity.id), [])
        own = [(n, i) for n, i in refs if (n in ENTITY_TABLES or n == "entities") and site.tables[n].key(site.tables[n].rows[i], i) == entity.id]
        others = [ref for ref in refs if ref not in own]
        write(entity.path, "entity.html", entity=entity, own=own, groups=_by_article(site, others, articles))
    write(
        "entities/index.html",
        "entities.html",
        entities=site.entities,
        counts={(e.kind, e.id): len(site.references.get((e.kind, e.id), [])) for e in site.entities},
    )
    write("differ.html", "differ.html", groups=_claim_groups(site), figures=figures)
    write("downloads.html", "downloads.html", downloads=_downloads(root, out, published))
    write("index.html", "index.html", articles=articles, description=site.descriptor.get("description", ""))
    return out


def _article_list(site: Site) -> list[dict[str, Any]]:
    rows = {text(r.get("article_id")): r for r in site.tables["articles"].rows} if "articles" in site.tables else {}
    by_stem = {stem: article_id for article_id, stem in site.article_stem.items() if stem in site.seeds}
    titles = {Path(s.get("path", "")).stem: s.get("title", "") for s in site.descriptor.get("sources", [])}
    out = []
    for stem in site.seeds:
        article_id = by_stem.get(stem, stem)
        row = rows.get(article_id, {})
        out.append(
            {
                "id": article_id,
                "stem": stem,
                "title": text(row.get("title")) or titles.get(stem, stem),
                "title_en": text(row.get("title_en")),
                "language": text(row.get("language")),
                "row": row,
            }
        )
    return out


def _by_article(site: Site, refs: list[tuple[str, int]], articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows referring to an entity, grouped by the article they come from; rows from no article last."""
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, i in refs:
        groups[text(site.tables[name].rows[i].get("article_id"))].append((name, i))
    order = [a["id"] for a in articles if a["id"] in groups] + sorted(k for k in groups if k and k not in {a["id"] for a in articles})
    if "" in groups:
        order.append("")
    titles = {a["id"]: a for a in articles}

    def in_text_order(ref: tuple[str, int]) -> tuple[str, int, str]:
        name, i = ref
        row = site.tables[name].rows[i]
        start = row.get("char_start")
        return name, int(start) if isinstance(start, int | float) else -1, site.tables[name].key(row, i)

    return [{"article": titles.get(k), "article_id": k, "rows": sorted(groups[k], key=in_text_order)} for k in order]


def _claim_groups(site: Site) -> list[dict[str, Any]]:
    """Each claim group with its member claims in context, then the rows of any other table about the group.

    A members table points into claim_groups and is keyed by its link to claims
    (one row per claim); any other table pointing into claim_groups (claim_pairs,
    with its verdicts and reasons) is shown row by row under the group.
    """
    groups_table = site.tables.get("claim_groups")
    claims = site.tables.get("claims")
    if groups_table is None or claims is None or len(groups_table.pk) != 1:
        return []

    def link_to(table: Table, target: str) -> str | None:
        return next((f for f, t in sorted(site.links[table.name].items()) if t == target), None)

    pointing = [t for _, t in sorted(site.tables.items()) if t.name != groups_table.name and link_to(t, groups_table.name)]
    members_tables = [t for t in pointing if link_to(t, "claims") and t.pk == [link_to(t, "claims")]]
    related_tables = [t for t in pointing if t not in members_tables]
    claim_by_id = {text(r.get(claims.pk[0])): r for r in claims.rows} if len(claims.pk) == 1 else {}
    out = []
    for row in sorted(groups_table.rows, key=lambda r: (status_rank(text(r.get("status"))), text(r.get(groups_table.pk[0])))):
        group_id = text(row.get(groups_table.pk[0]))
        members = []
        for members_table in members_tables:
            group_field, claim_field = link_to(members_table, groups_table.name), link_to(members_table, "claims")
            for member in members_table.rows:
                claim = claim_by_id.get(text(member.get(claim_field)))
                if text(member.get(group_field)) != group_id or claim is None or claim.get("char_start") is None:
                    continue
                stem = site.article_stem.get(text(claim.get("article_id")), "")
                before, quote, after = context_of(site.seeds.get(stem, ""), int(claim["char_start"]), int(claim["char_end"]))
                members.append(
                    {"claim": claim, "member": member, "members_table": members_table, "before": before, "quote": quote, "after": after, "stem": stem}
                )
        members.sort(key=lambda m: (text(m["claim"].get("article_id")), text(m["claim"].get("claim_id"))))
        related = [(t, r, t.key(r, i)) for t in related_tables for i, r in enumerate(t.rows) if text(r.get(link_to(t, groups_table.name) or "")) == group_id]
        out.append({"row": row, "id": group_id, "members": members, "related": related})
    return out


def _downloads(root: Path, out: Path, published: list[str]) -> dict[str, Any]:
    """Release files from dist/ when built (copied into the site), else the package's own files."""
    dist = root / "dist"
    release = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()) if dist.is_dir() else []
    if release:
        for name in release:
            (out / "downloads" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dist / name, out / "downloads" / name)
        files = [{"name": n, "href": f"downloads/{n}", "bytes": (dist / n).stat().st_size, "sha256": file_sha256(dist / n)} for n in release]
        return {"source": "release", "files": files}
    files = [{"name": n, "href": n, "bytes": (root / n).stat().st_size, "sha256": file_sha256(root / n)} for n in published]
    return {"source": "package", "files": files}


# --------------------------------------------------------------------------- headless Chromium, for the tests and the screenshot


@contextlib.contextmanager
def chrome(javascript: bool = True, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A headless Debian Chromium driven by Selenium, with console logs kept and no background traffic.

    Each browser gets a fresh profile folder (a shared one makes Chromium refuse to start twice), removed on exit.
    """
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="site-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    try:
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(site_dir: Path, png: Path, stem: str | None = None) -> Path:
    """Save a picture of an article page with one claim selected, for the README."""
    from selenium.webdriver.support.ui import WebDriverWait

    site = Site(site_dir)
    stem = stem or next(iter(site.seeds))
    claims = [r for r in site.tables.get("claims", Table("", {}, [], [])).rows if site.article_stem.get(text(r.get("article_id"))) == stem]
    fragment = f"#char={claims[0]['char_start']},{claims[0]['char_end']}" if claims else ""
    with chrome(width=1280, height=860) as driver:
        driver.get((site_dir / "seeds" / f"{stem}.html").resolve().as_uri() + fragment)
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        png.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(png))
    return png


def zip_site(out: Path, target: Path) -> Path:
    """The built site as a deterministic zip (the release's own zip rules), for attaching to a release."""
    from ..publish.release import source_date_epoch, zip_bytes

    files = [(p.relative_to(out).as_posix(), p.read_bytes()) for p in sorted(out.rglob("*")) if p.is_file()]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(zip_bytes(files, source_date_epoch()))  # entries at the root, as in the release zip
    return target


def site_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="the published package folder (default: here, or an installed wheel's data)")
    parser.add_argument("--out", type=Path, default=Path("site"))
    parser.add_argument("--screenshot", type=Path, help="also save a PNG of an article page (needs Chromium and selenium)")
    parser.add_argument("--zip", type=Path, help="also write the site as a deterministic zip, e.g. dist/<name>-<version>-site.zip")
    args = parser.parse_args(list(argv) if argv is not None else None)
    installed = Path(__file__).resolve().parents[1] / "_data"  # an installed wheel's copy of the package
    root = args.root or (installed if not Path("datapackage.json").is_file() and (installed / "datapackage.json").is_file() else Path("."))
    try:
        import jinja2  # noqa: F401
    except ImportError:
        print("the site needs Jinja2: pip install 'ai-superclusters-2024[site]' (in a checkout, make site)", file=sys.stderr)
        return 1
    out = build_site(root, args.out)
    print(f"wrote {out}/ ({site_bytes(out) // 1024} KB)")
    if args.zip:
        print(f"wrote {zip_site(out, args.zip)}")
    if args.screenshot:
        print(f"wrote {screenshot(out, args.screenshot, '002_0336e88edfd704cd' if (out / 'seeds' / '002_0336e88edfd704cd.html').exists() else None)}")
    return 0
