"""The figure is drawn from the published tables, and the committed one is current."""


def test_figure_is_regenerated_identically(root, tmp_path):
    from superclusters.publish.figure import draw

    out = draw(root, tmp_path / "claims_by_source.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.read_bytes() == (root / "figures" / "claims_by_source.png").read_bytes(), "run make figure and commit it"


def test_no_two_labels_of_the_figure_overlap(root):
    """Every piece of text (group headings, time labels, verdicts, titles, legend) has a place of its own."""
    import matplotlib.pyplot as plt

    from superclusters.publish.figure import figure

    fig = figure(root)
    fig.canvas.draw()  # legend and tick labels take their places when drawn
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(plt.Text) if t.get_visible() and t.get_text().strip()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    assert len(boxes) > 40
    overlapping = [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1 :] if box_a.overlaps(box_b)]
    plt.close(fig)
    assert overlapping == []
    headings = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "Cortex — Power (MW)" in headings and not any("_" in h for h in headings)
