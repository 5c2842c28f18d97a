"""The figure is drawn from the published tables, and the committed one is current."""


def test_figure_is_regenerated_identically(root, tmp_path):
    from superclusters.publish.figure import draw

    out = draw(root, tmp_path / "claims_by_source.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.read_bytes() == (root / "figures" / "claims_by_source.png").read_bytes(), "run make figure and commit it"
