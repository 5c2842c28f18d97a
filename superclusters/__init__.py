"""The AI-superclusters-2024 dataset: read it (`load`, `load_all`, `list_tables`, `describe`, `span_text`,
`seed_text`, `__version__`) or build it (`build.py`).

The package is laid out by stage, in the order data flows through the build; each stage imports only
the stages before it:

    inputs/     seeds, readings, reading schema, sentences: what the build reads
    normalise/  numbers, dates, anchoring, mentions: surface forms to values
    derive/     one module per row kind, reconcile, audit: the pure middle
    check/      schemas, validate
    publish/    files (CSV, Parquet, descriptor, atomic swap), verify (read back), croissant, README blocks,
                figure, SQLite database, Hugging Face card, release
    build/      the build on top: pipeline (build.py), stream, engine, release (make release)
    curate/     adding an article (build.py add)
    site/       the static site, made from a published package only
    loader.py   the public API
"""

from typing import Any

API = ("load", "load_all", "list_tables", "describe", "span_text", "seed_text")
__all__ = [*API, "LoaderError", "__version__"]


def __getattr__(name: str) -> Any:
    """The API comes from the loader when first used: the build imports this package too, and needs neither
    the loader nor what it imports (about 20 ms of a five-article build, issue 13)."""
    if name in API or name == "LoaderError":
        from . import loader

        return getattr(loader, name)
    if name == "__version__":
        from . import loader

        return loader.version()
    raise AttributeError(f"module 'superclusters' has no attribute {name!r}")
