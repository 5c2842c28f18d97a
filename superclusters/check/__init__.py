"""Checking: the Table Schemas and everything typed from them, and the checks a table must pass.

schemas (Table Schema -> pandas, pandera, Arrow; the data dictionary's column tables) · validate (every
problem of every table at once, before anything is written). Reading published files back is
publish/verify: it checks the publisher's own bytes, so it sits with them.
"""
