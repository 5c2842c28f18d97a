"""Inputs: what the build reads, each refused with a problem line when it is wrong.

seeds (the article texts, pinned by sha256) · readings (the curated YAML and the entity registry) ·
reading_schema (the reading format as a JSON Schema) · fast_yaml (a first parse, taken only where it equals
PyYAML's) · sentences (the segmentation rule) · corpus (which readings there are, each article's seed and
reading, the package version).
"""

from pathlib import Path

# The checkout this package runs from: the default root of the build's commands. In an installed wheel it
# is site-packages, which holds no pyproject.toml, and commands that need a checkout say so.
CHECKOUT = Path(__file__).resolve().parents[2]
