"""Curating: adding an article (`build.py add`), which copies the seed and writes its draft reading."""
