"""Make a synthetic corpus of N articles from the real seeds and readings, by consistent transformation.

Article i is seed (i mod 5) with:
- its subjects renamed per batch of five ("Cortex" -> "Cortex_bq", "Tesla" -> "Tesla_bq"): a new
  organisation or product per batch, as a growing corpus covers new clusters, so reconciliation groups
  stay the size of one batch;
- every stated quantity renumbered (50.000 -> 50.017), in the article's own digit grouping.
Every curated span is carried through the edits by an offset map, so each quote still anchors exactly,
each number is still accounted for and every value still parses. Dates are left as they are.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import shutil
from pathlib import Path

import yaml

from superclusters.pipeline import derive, load_inputs


def tag(batch: int) -> str:
    """A letters-only batch tag ("b", "bb", "bc", ...): digits would count as numbers in the audit."""
    letters = ""
    while True:
        batch, digit = divmod(batch, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if not batch:
            return "b" + letters


def _edits_for(text: str, registry, batch: int, claims: list[dict]) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits: renamed aliases and renumbered quantities, non-overlapping."""
    edits = []
    renamed = {a for table in (registry.organisations, registry.hardware) for e in table.values() for a in e.aliases}
    people = {a for e in registry.people.values() for a in e.aliases}  # matched so "Michael Dell" is not read as "Dell"
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(renamed | people, key=lambda a: (-len(a), a)))) + r")(?!\w)")
    for m in pattern.finditer(text):
        if m.group() in renamed:
            edits.append((m.start(), m.end(), f"{m.group()}_{tag(batch)}"))
    seen = set()
    for claim in claims:
        span = (claim["value_char_start"], claim["value_char_end"])
        if span in seen:
            continue
        seen.add(span)
        value_text = text[span[0] : span[1]]
        digits = re.search(r"\d[\d.,  ]*\d|\d", value_text)
        if not digits:
            continue
        raw = digits.group()
        sep = next((c for c in raw if not c.isdigit()), "")
        number = int(re.sub(r"\D", "", raw)) + (batch % 89) + 1
        formatted = f"{number:,}".replace(",", sep) if sep else str(number)
        edits.append((span[0] + digits.start(), span[0] + digits.end(), formatted))
    edits.sort()
    kept, last_end = [], -1
    for start, end, new in edits:  # an alias never overlaps a number; keep the first if they ever do
        if start >= last_end:
            kept.append((start, end, new))
            last_end = end
    return kept


def _apply(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int]]]:
    """New text, and the (old offset -> shift) breakpoints to map spans through it."""
    pieces, shifts, position, shift = [], [], 0, 0
    for start, end, new in edits:
        pieces.append(text[position:start])
        pieces.append(new)
        shift += len(new) - (end - start)
        shifts.append((end, shift))
        position = end
    pieces.append(text[position:])
    return "".join(pieces), shifts


def _map(offset: int, shifts: list[tuple[int, int]]) -> int:
    """Where an old offset lands in the edited text: shifted by every edit that ends at or before it."""
    index = bisect.bisect_right(shifts, (offset, float("inf")))
    return offset + (shifts[index - 1][1] if index else 0)


def generate(root: Path, target: Path, n: int) -> Path:
    """Write seeds/, readings/, schemas/ and pyproject.toml for an N-article corpus under `target`."""
    inputs = load_inputs(root)
    tables = derive(inputs)
    base = [(seed, reading) for seed, reading in sorted(inputs.pairs, key=lambda p: p[0].article_id)]
    raw_readings = {seed.article_id: yaml.load((root / reading.path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for seed, reading in base}
    claims_by_article: dict[str, list[dict]] = {}
    for claim in tables["claims"]:
        claims_by_article.setdefault(claim["article_id"], []).append(claim)
    if target.exists():
        shutil.rmtree(target)
    (target / "seeds").mkdir(parents=True)
    (target / "readings").mkdir()
    shutil.copytree(root / "schemas", target / "schemas")
    shutil.copy2(root / "pyproject.toml", target / "pyproject.toml")
    registry_raw = yaml.load((root / "readings" / "entities.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    batches = (n + len(base) - 1) // len(base)
    registry = {"organisations": {}, "people": registry_raw["people"], "hardware": {}}
    for batch in range(batches):
        for org_id, org in registry_raw["organisations"].items():
            registry["organisations"][f"{org_id}_{tag(batch)}"] = {**org, "aliases": [f"{a}_{tag(batch)}" for a in org["aliases"]]}
        for hw_id, hw in registry_raw["hardware"].items():
            registry["hardware"][f"{hw_id}_{tag(batch)}"] = {
                **hw,
                "organisation": f"{hw['organisation']}_{tag(batch)}",
                "aliases": [f"{a}_{tag(batch)}" for a in hw["aliases"]],
            }
    (target / "readings" / "entities.yaml").write_text(yaml.dump(registry, allow_unicode=True, sort_keys=True, Dumper=yaml.CSafeDumper), encoding="utf-8")

    org_ids, hw_ids = set(registry_raw["organisations"]), set(registry_raw["hardware"])
    for i in range(n):
        seed, reading = base[i % len(base)]
        batch = i // len(base)
        text = seed.text
        edits = _edits_for(text, inputs.registry, batch, claims_by_article.get(seed.article_id, []))
        new_text, shifts = _apply(text, edits)

        def requote(quote: str, prefix: str = "", text=text, new_text=new_text, shifts=shifts) -> str:
            start = text.index(prefix + quote) + len(prefix) if quote else 0
            return new_text[_map(start, shifts) : _map(start + len(quote), shifts)]

        def rename(ident, batch=batch):
            if isinstance(ident, list):
                return [rename(x) for x in ident]
            return f"{ident}_{tag(batch)}" if ident in org_ids or ident in hw_ids else ident

        data = yaml.load(yaml.dump(raw_readings[seed.article_id], Dumper=yaml.CSafeDumper), Loader=yaml.CSafeLoader)
        for key in ("title", "published"):
            if data.get(key):
                data[key] = requote(data[key])
        if data.get("outlet"):
            data["outlet"] = rename(data["outlet"])
        for entry in data.get("roles", []):
            entry["quote"] = requote(entry["quote"], entry.get("prefix", ""))
            entry["organisation"] = rename(entry["organisation"])
        for section in ("claims", "events"):
            for entry in data.get(section, []):
                old_quote = entry["quote"]
                start = text.index(entry.get("prefix", "") + old_quote) + len(entry.get("prefix", ""))
                entry["quote"] = requote(old_quote, entry.get("prefix", ""))
                for inner in ("value", "time", "date"):
                    phrase = entry.get(inner)
                    if isinstance(phrase, dict):
                        offset = start + old_quote.index(phrase["text"])
                        phrase["text"] = new_text[_map(offset, shifts) : _map(offset + len(phrase["text"]), shifts)]
                    elif isinstance(phrase, str):
                        offset = start + old_quote.index(phrase)
                        entry[inner] = new_text[_map(offset, shifts) : _map(offset + len(phrase), shifts)]
                for key in ("organisation", "hardware", "component", "organisations", "attributed_to"):
                    if key in entry:
                        entry[key] = rename(entry[key])
        for entry in data.get("dismissed", []):
            entry["quote"] = requote(entry["quote"], entry.get("prefix", "")) if not entry.get("every") else entry["quote"]
        data_bytes = new_text.encode("utf-8")
        name = f"{i:06d}_{hashlib.sha256(data_bytes).hexdigest()[:16]}"
        data["seed"] = f"{name}.txt"
        data["seed_sha256"] = hashlib.sha256(data_bytes).hexdigest()
        (target / "seeds" / f"{name}.txt").write_bytes(data_bytes)
        (target / "readings" / f"{name}.yaml").write_text(yaml.dump(data, allow_unicode=True, sort_keys=False, Dumper=yaml.CSafeDumper), encoding="utf-8")
    return target
