"""The AI-superclusters-2024 dataset: load it (`load`, `load_all`) or build it (`build.py`).

The package is laid out by stage, in the order data flows through the build; each stage imports only
the stages before it:

    inputs/     seeds, readings, reading schema, sentences: what the build reads
    normalise/  numbers, dates, anchoring, mentions: surface forms to values
    derive/     one module per row kind, reconcile, audit: the pure middle
    check/      schemas, validate
    publish/    files (CSV, Parquet, descriptor, atomic swap), verify (read back), croissant, README blocks,
                figure, release
    build/      the build on top: pipeline (build.py), stream, engine, release (make release)
    curate/     adding an article (build.py add)
    site/       the static site, made from a published package only
    loader.py   the public API: load, load_all
"""

from typing import Any

__all__ = ["load", "load_all"]


def __getattr__(name: str) -> Any:
    """`load` and `load_all` come from the loader when first used: the build imports this package too,
    and needs neither the loader nor what it imports (about 20 ms of a five-article build, issue 13)."""
    if name in __all__:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'superclusters' has no attribute {name!r}")
