"""Normalising: surface forms to values, pure functions with no I/O.

numbers (quantities in the article's language) · dates (stated dates and time phrases as intervals with
their precision) · anchoring (a quote to its exact code-point span) · mentions (every alias occurrence).
"""
