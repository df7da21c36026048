"""The stage's figures draw on the axes they are given; their sizes come from figure_size."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from stancebook.errors import ParameterError  # noqa: E402
from stancebook.tokenise import (figure_size, keyness, plot_keyness, plot_mentions, plot_top_terms,  # noqa: E402
                                 tokenise_corpus, top_terms)
from tests.tokenise.samples import units_of  # noqa: E402


def test_plots_draw_on_the_given_axes_with_readable_labels(seed_text, actors, seed_mentions):
    dtm = tokenise_corpus(units_of(seed_text, "Trade and trade again."), dictionary=actors).dtm
    fig, axes = plt.subplots(1, 3)
    try:
        assert plot_top_terms(axes[0], top_terms(dtm, n=5)) is axes[0]
        assert plot_keyness(axes[1], keyness(dtm, [True, False], n=3)) is axes[1]
        assert plot_mentions(axes[2], seed_mentions, actors) is axes[2]
        labels = [t.get_text() for t in axes[2].get_yticklabels()]
        assert labels[-1] == "Russia" and "North Korea" in labels and "the West" in labels
        assert axes[0].get_yticklabels()[-1].get_text() == top_terms(dtm, n=1)["term"].iloc[0]
    finally:
        plt.close(fig)


def test_plot_keyness_takes_its_title(seed_text, actors):
    dtm = tokenise_corpus(units_of(seed_text, "Trade and trade again."), dictionary=actors).dtm
    fig, ax = plt.subplots()
    try:
        plot_keyness(ax, keyness(dtm, [True, False], n=3), title="Units mentioning Russia (1) vs the rest (1)")
        assert ax.get_title() == "Units mentioning Russia (1) vs the rest (1)"
    finally:
        plt.close(fig)


def test_figure_sizes_fit_the_bars():
    assert figure_size("terms-overview") == {"width": 10, "height": 4.8}
    assert figure_size("keyness", n_terms=40)["height"] == pytest.approx(9.2)
    with pytest.raises(ParameterError, match="figure"):
        figure_size("top-terms")
