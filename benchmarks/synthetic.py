"""Make a synthetic corpus of N articles from the real seeds and readings, by consistent transformation.

Article i is seed (i mod 5) with the subjects of its claims renamed per batch of five ("Cortex" ->
"Cortex_bq", "Tesla" -> "Tesla_bq"): a new organisation or product per batch, as a growing corpus covers
new clusters, so reconciliation groups stay the size of one batch. Other entities (media outlets, people,
most places) are shared by all batches.

The rename is lexical (a word-bounded regular expression, the same function for the seed and for every
string of its reading), so every quote, prefix, suffix, value, time, `stated` phrase and dismissed
sentence stays an exact copy of the renamed seed without knowing the reading format's fields; a string
that is an id of a renamed entity (one whose aliases change: organisations, hardware, some places) becomes that
batch's id, wherever it is (a field, a list item, a `links:` key). Numbers are left as they are (an
earlier version renumbered claim values by offset, which broke on each change of the reading format).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from superclusters.inputs.readings import ENTITIES_FILE


def tag(batch: int) -> str:
    """A letters-only batch tag ("b", "bb", "bc", ...): digits would count as numbers in the audit."""
    letters = ""
    while True:
        batch, digit = divmod(batch, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
        if not batch:
            return "b" + letters


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


class _Renamer:
    """The per-batch rename of organisation and hardware aliases (people are matched, so "Michael Dell"
    is not read as "Dell", and left alone), and of the ids whose entities are copied per batch."""

    def __init__(self, registry: dict, subjects: set[str]) -> None:
        # Only the claims' subjects (their hardware and organisations) are renamed: that keeps claim groups
        # per batch, and the registry under the 5,000,000-character cap of a curated file at N = 10,000.
        # A one-letter alias is kept: "on X." ends no sentence for the splitter, "on X_ba." would.
        tables = ("organisations", "hardware")
        renamed = {a for t in tables for ident, e in registry.get(t, {}).items() if ident in subjects for a in e["aliases"] if len(a) > 1}
        people = {a for e in registry.get("people", {}).values() for a in e["aliases"]}
        self.pattern = self._pattern(renamed | people)
        # An alias that contains another ("supercomputador que a xAI está construindo") renames the one
        # inside, so the organisation is still named in the sentence; "{0}" stands for the batch's suffix.
        self.templates = {}
        for alias in sorted(renamed, key=len):
            inner = self._pattern((renamed | people) - {alias})
            template = inner.sub(lambda m: self.templates.get(m.group(), m.group()), alias.replace("{", "{{").replace("}", "}}"))
            self.templates[alias] = template if template != alias else alias + "{0}"
        # An entity is copied per batch where its aliases change (a place too: "sede da Tesla"); the rest are shared.
        self.ids: set[str] = set()
        self.ids = {ident for table in registry.values() for ident, e in table.items() if any(self.text(a, 0) != a for a in e["aliases"])}

    @staticmethod
    def _pattern(aliases: set[str]) -> re.Pattern:
        alternatives = "|".join(map(re.escape, sorted(aliases, key=lambda a: (-len(a), a))))
        return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")

    def text(self, text: str, batch: int) -> str:
        suffix = "_" + tag(batch)
        return self.pattern.sub(lambda m: self.templates[m.group()].format(suffix) if m.group() in self.templates else m.group(), text)

    def value(self, value: Any, batch: int) -> Any:
        """A reading's (or registry entry's) value with ids and text renamed for `batch`, at any depth."""
        if isinstance(value, str):
            return f"{value}_{tag(batch)}" if value in self.ids else self.text(value, batch)
        if isinstance(value, list):
            return [self.value(v, batch) for v in value]
        if isinstance(value, dict):
            return {(f"{k}_{tag(batch)}" if k in self.ids else k): self.value(v, batch) for k, v in value.items()}
        return value


def _named(aliases: list[str], text: str) -> bool:
    return any(re.search(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", text) for alias in aliases)


def generate(root: Path, target: Path, n: int) -> Path:
    """Write seeds/, readings/, schemas/ and pyproject.toml for an N-article corpus under `target`."""
    registry_raw = _load(root / "readings" / ENTITIES_FILE)
    base = []
    for path in sorted((root / "readings").glob("*.yaml")):
        if path.name != ENTITIES_FILE:
            data = _load(path)
            base.append(((root / "seeds" / data["seed"]).read_bytes().decode("utf-8"), data))
    subjects = set()
    for _, data in base:
        for claim in data.get("claims", []):
            for key in ("hardware", "organisation"):
                value = claim.get(key)
                subjects |= set(value) if isinstance(value, list) else {value}
    renamer = _Renamer(registry_raw, subjects)
    if target.exists():
        shutil.rmtree(target)
    (target / "seeds").mkdir(parents=True)
    (target / "readings").mkdir()
    shutil.copytree(root / "schemas", target / "schemas")
    shutil.copy2(root / "pyproject.toml", target / "pyproject.toml")
    batches = (n + len(base) - 1) // len(base)
    last_texts = "\n".join(renamer.text(text, batches - 1) for text, _ in base[: n % len(base)])
    registry: dict = {table: {} for table in registry_raw}
    for table, entries in registry_raw.items():
        for ident, entry in entries.items():
            if ident not in renamer.ids:  # shared; one that names a renamed entity names batch ba's copy
                registry[table][ident] = {key: renamer.value(value, 0) if key != "aliases" else value for key, value in entry.items()}
                continue
            for batch in range(batches):
                # A short description: the registry is one curated file, capped at 5,000,000 characters.
                copy = {**renamer.value(entry, batch), "description": "copy"}
                if batch == batches - 1 and n % len(base) and not _named(copy["aliases"], last_texts):
                    continue  # the last, partial batch lacks the seed that names it: every entity must come from a seed
                registry[table][f"{ident}_{tag(batch)}"] = copy
    # One flow-style line per entity, the smallest file: N = 10,000 makes about 48,000 entities (4.3 MB).
    lines = []
    for table, entries in registry.items():
        lines.append(f"{table}:")
        for ident, entry in sorted(entries.items()):
            flow = yaml.dump(entry, default_flow_style=True, width=2**20, allow_unicode=True, Dumper=yaml.CSafeDumper)
            lines.append(f"  {ident}: {flow.strip()}")
    (target / "readings" / ENTITIES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")

    for i in range(n):
        text, reading = base[i % len(base)]
        batch = i // len(base)
        data = renamer.value(reading, batch)
        data_bytes = renamer.text(text, batch).encode("utf-8")
        digest = hashlib.sha256(data_bytes).hexdigest()
        name = f"{i:06d}_{digest[:16]}"
        data["seed"] = f"{name}.txt"
        data["seed_sha256"] = digest
        (target / "seeds" / f"{name}.txt").write_bytes(data_bytes)
        dumped = yaml.dump(data, allow_unicode=True, sort_keys=False, Dumper=yaml.CSafeDumper)
        (target / "readings" / f"{name}.yaml").write_text(dumped, encoding="utf-8")
    return target
