"""Mentions: every whole-word alias occurrence, the longest alias winning."""

from superclusters.normalise.mentions import alias_index, find_mentions

ALIASES = {
    "X": ("organisation", "x_platform"),
    "xAI": ("organisation", "xai"),
    "Dell": ("organisation", "dell"),
    "Michael Dell": ("person", "michael_dell"),
    "Grok": ("hardware", "grok"),
    "Grok 2": ("hardware", "grok_2"),
    "Tesla": ("organisation", "tesla"),
}


def found(text):
    return [(text[m.start : m.end], m.entity_id) for m in find_mentions(text, alias_index(ALIASES))]


def test_x_the_platform_never_matches_inside_words():
    assert found("Musk posted on X about xAI, Xavier, Texas and SpaceX.") == [("X", "x_platform"), ("xAI", "xai")]


def test_longest_alias_wins_and_matches_do_not_overlap():
    assert found("O CEO da Dell, Michael Dell, e o Grok 2.") == [("Dell", "dell"), ("Michael Dell", "michael_dell"), ("Grok 2", "grok_2")]


def test_punctuation_and_typographic_apostrophes_are_boundaries():
    assert found("Tesla’s (Tesla) «Tesla»") == [("Tesla", "tesla")] * 3


def test_published_mentions_respect_word_boundaries(root):
    import pandas as pd

    mentions = pd.read_parquet(root / "data" / "mentions.parquet")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (root / "seeds").glob("*.txt")}
    for m in mentions.itertuples():
        text = texts[m.article_id]
        before = text[m.char_start - 1] if m.char_start else " "
        after = text[m.char_end] if m.char_end < len(text) else " "
        assert not before.isalnum() and not after.isalnum(), (m.article_id, m.char_start, m.quote)
    x = mentions[mentions["entity_id"] == "x_platform"]
    assert set(x["quote"]) == {"X"}


def test_a_mention_may_hold_another_entity_but_a_person_or_place_name_holds_none():
    aliases = {
        **ALIASES,
        "supercomputador que a xAI está construindo": ("hardware", "xai_supercomputer"),
        "sede da Tesla": ("place", "tesla_hq"),
        "Tesla HQ": ("place", "tesla_hq"),
    }
    text = "o supercomputador que a xAI está construindo na sede da Tesla, ou Tesla HQ; Michael Dell e o Grok 2"
    found_here = [(text[m.start : m.end], m.entity_id) for m in find_mentions(text, alias_index(aliases))]
    assert found_here == [
        ("supercomputador que a xAI está construindo", "xai_supercomputer"),
        ("xAI", "xai"),  # a later word inside the system's alias
        ("sede da Tesla", "tesla_hq"),  # and no 'Tesla' inside the place's name ...
        ("Tesla HQ", "tesla_hq"),  # ... as none where the place's name starts with it
        ("Michael Dell", "michael_dell"),  # and no 'Dell' (the company) inside his name
        ("Grok 2", "grok_2"),  # the longest alias at a word: no 'Grok' inside
    ]
