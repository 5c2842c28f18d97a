"""Article metadata: what the seed states is in the row, what it does not state is empty with a column saying so,
and a source URL only where the reading gives one (never guessed)."""

from __future__ import annotations

import pandas as pd

from tests.test_derive import ROOT, reading_yaml, run


def test_published_articles_say_what_their_seed_states_and_what_it_does_not():
    articles = pd.read_csv(ROOT / "data" / "articles.csv", keep_default_na=False, dtype=str)
    organisations = pd.read_csv(ROOT / "data" / "organisations.csv", keep_default_na=False, dtype=str).set_index("organisation_id")
    for row in articles.itertuples():
        seed = (ROOT / row.seed_path).read_text(encoding="utf-8")
        assert row.published_stated == ("true" if row.published_text else "false"), row.article_id
        if row.published_text:
            assert row.published_text in seed and row.published_start, row.article_id
        assert row.outlet_stated == ("true" if row.outlet_organisation_id else "false"), row.article_id
        if row.outlet_organisation_id:
            aliases = organisations.loc[row.outlet_organisation_id, "aliases"].split("|")
            assert any(alias in seed for alias in aliases), "the outlet is one the seed names"
        assert row.source_url == "", "no seed states its address, and none is guessed"
    # the five seeds: two state no date, four name no outlet (see docs/content.md)
    assert (articles.published_stated == "false").sum() == 2 and (articles.outlet_stated == "false").sum() == 4


def test_an_outlet_is_a_registered_organisation_the_seed_names():
    tables, problems = run(reading_yaml(extra="outlet: x_platform\n"))  # the test seed names X
    assert problems == [] and tables["articles"][0]["outlet_stated"] is True
    _, problems = run(reading_yaml(extra="outlet: cortex\n"))
    assert any("unknown organisation id 'cortex'" in p for p in problems), problems


def test_an_outlet_named_nowhere_in_the_seed_is_a_problem(monkeypatch):
    import tests.test_derive as derive_tests

    outlet = "  electrek: {name: Electrek, kind: media_outlet, aliases: [Electrek], description: site}\n"
    monkeypatch.setattr(derive_tests, "REGISTRY", derive_tests.REGISTRY.replace("organisations:\n", "organisations:\n" + outlet))
    _, problems = run(reading_yaml(extra="outlet: electrek\n"))
    assert any("outlet: the seed never names 'electrek'" in p for p in problems), problems


def test_source_url_is_taken_from_the_reading_and_must_be_an_address():
    tables, problems = run(reading_yaml(extra="source_url: https://example.invalid/article\n"))
    assert problems == [] and tables["articles"][0]["source_url"] == "https://example.invalid/article"
    assert tables["articles"][0]["published_stated"] is True and tables["articles"][0]["outlet_stated"] is False
    _, problems = run(reading_yaml(extra="source_url: not an address\n"))
    assert any("source_url" in p for p in problems), problems
