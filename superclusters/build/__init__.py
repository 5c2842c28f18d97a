"""The build on top: it calls every stage below it and nothing below calls back up.

pipeline (`build.py`: build, --check, --verify, --names) · stream (articles through derive, checks and
writing in batches) · engine (the per-article derive step on Dask) · release (`make release`).
"""
