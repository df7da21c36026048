"""No two text labels of a figure overlap: the holder map, the source comparison, the topic map, the frontier.

Each figure is drawn crowded (many labels on points close together), saved
the way the figure saver saves it, and every pair of label text boxes
(``get_window_extent`` after a draw) is checked.
"""

import itertools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from stancebook.figures import FigureSaver, new_figure  # noqa: E402
from stancebook.labels import place_labels, replace_labels, text_box  # noqa: E402
from stancebook.stance.plots import holder_map_size, plot_source_comparison, plot_stance_map  # noqa: E402
from stancebook.topics.plots import model_selection_figure, plot_model_selection, plot_topic_map  # noqa: E402

COUNTRIES = ["Russia", "Belarus", "North Korea", "Syria", "United States", "United Kingdom", "France", "Germany",
             "Ukraine", "Poland", "China", "Iran", "Cuba", "Venezuela", "Nicaragua", "Japan", "South Korea",
             "Canada", "Australia", "India", "Brazil", "South Africa", "Turkey", "Israel", "Egypt", "Mexico",
             "Norway", "Sweden", "Finland", "Estonia", "Latvia", "Lithuania", "Georgia", "Moldova", "Serbia",
             "Hungary", "Italy", "Spain", "Portugal", "Greece"]


def label_texts(fig):
    """Every annotation of the figure's axes (the point labels)."""
    return [t for ax in fig.axes for t in ax.texts if type(t).__name__ == "Annotation"]


def assert_no_overlap(fig, *, every_text=False):
    """No two point labels overlap; with ``every_text``, no text of an axes (notes, axis labels) either."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = label_texts(fig)
    assert len(labels) >= 3
    boxes = [(label.get_text(), text_box(label, renderer)) for label in labels]
    if every_text:
        for ax in fig.axes:
            others = [t for t in ax.texts if t not in labels] + [ax.xaxis.label, ax.yaxis.label]
            boxes += [(t.get_text(), t.get_window_extent(renderer)) for t in others if t.get_text()]
    clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2) if box_a.overlaps(box_b)]
    assert clashes == [], f"{len(clashes)} overlapping label pair(s), e.g. {clashes[:3]}"


def crowded(n, *, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[-1.0, 0.2], [1.0, -0.1], [0.1, 0.9]])
    return centres[np.arange(n) % 3] + rng.normal(scale=0.08, size=(n, 2))


def test_holder_map_labels_do_not_overlap_even_when_holders_crowd_together():
    coords = crowded(40)
    fig, ax = new_figure(*(), width=holder_map_size(40)[0], height=holder_map_size(40)[1])
    plot_stance_map(ax, coords, np.arange(40) % 3 + 1, names=COUNTRIES)
    assert_no_overlap(fig)
    assert len(label_texts(fig)) >= 30, "most holders keep their name"


def test_source_comparison_labels_do_not_overlap():
    rng = np.random.default_rng(1)
    profiles = pd.DataFrame({"holder": [f"H{i}" for i in range(30)], "target": ["north_korea", "russia"] * 15,
                             "level": "target", "polarity_lexicon": rng.normal(0, 0.05, 30),
                             "polarity_scaling": rng.normal(0, 0.05, 30)})
    fig, ax = new_figure(width=6.4, height=5)
    plot_source_comparison(ax, profiles, target_labels={"north_korea": "North Korea", "russia": "Russia"})
    assert_no_overlap(fig)


def test_topic_map_labels_do_not_overlap():
    table = pd.DataFrame({"topic": range(1, 13), "x": crowded(12)[:, 0], "y": crowded(12)[:, 1],
                          "prevalence": np.linspace(0.02, 0.2, 12)})
    fig, ax = new_figure(width=6, height=5)
    plot_topic_map(ax, table, labels=[f"climate, ocean, island {i}" for i in range(12)])
    assert_no_overlap(fig)


def test_model_selection_frontier_labels_do_not_overlap():
    rows = [{"model": m, "k": k, "npmi": 0.1 + 0.001 * k, "npmi_se": 0.01, "exclusivity": 0.5 + 0.001 * k,
             "stability": 0.9, "heldout_perplexity": np.nan, "diversity": 0.8, "top_word_overlap": 0.1,
             "selected": (m, k) == ("nmf", 4), "frontier": True}
            for m in ("lda", "nmf") for k in (2, 3, 4, 5, 6, 8)]
    fig, axes = model_selection_figure()
    plot_model_selection(axes, pd.DataFrame(rows))  # no held-out perplexity: that panel carries a note
    assert any("not computed" in t.get_text() for ax in fig.axes for t in ax.texts)
    assert_no_overlap(fig, every_text=True)


def test_labels_placed_again_at_saving_stay_apart_after_a_title_moves_the_axes(tmp_path):
    fig, ax = new_figure(width=4, height=3)
    points = crowded(15, seed=3)
    ax.scatter(points[:, 0], points[:, 1])
    place_labels(ax, points, COUNTRIES[:15])
    fig.suptitle("A long title\nover two lines\nand a third", fontsize=16)  # the axes shrink
    FigureSaver(tmp_path, run="t", notebook="03_stance").save(fig, "crowded", title="t", caption="c", close=False)
    assert_no_overlap(fig)
    before = len(label_texts(fig))
    replace_labels(fig)
    assert len(label_texts(fig)) == before, "placing again replaces the labels, never adds to them"
