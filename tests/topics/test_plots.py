"""Tests of stancebook.topics.plots: every figure draws what it says, on the axes it is given."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from stancebook.topics import (  # noqa: E402
    model_selection_caption,
    model_selection_figure,
    plot_model_selection,
    plot_prevalence,
    plot_topic_map,
    plot_topic_terms,
    prevalence_caption,
    prevalence_figure,
    prevalence_figure_id,
    topic_labels,
    topic_map,
    topic_map_figure,
    topic_prevalence,
    topic_terms,
    topic_terms_figure,
)


def test_plot_model_selection_shows_the_frontier_and_marks_the_chosen_fit(planted_grid_fit):
    fig, ax = plt.subplots()
    try:
        returned = plot_model_selection(ax, planted_grid_fit.table_)
        assert returned is ax
        assert ax.get_xlabel().startswith("exclusivity") and "NPMI" in ax.get_ylabel()
        legend = [text.get_text() for text in ax.get_legend().get_texts()]
        assert {"LDA", "NMF", "frontier", "selected"} <= set(legend)
        # every fit is labelled with its k
        assert sorted(int(t.get_text()) for t in ax.texts) == sorted(planted_grid_fit.table_["k"])
    finally:
        plt.close(fig)


def test_plot_topic_terms_draws_one_panel_per_topic_and_hides_the_rest(two_topics):
    topic_word, terms = two_topics
    fig, axes = plt.subplots(2, 2)
    try:
        table = topic_terms(topic_word, terms, n=3)
        returned = plot_topic_terms(axes, table, topic_labels(topic_word, terms))
        assert returned is axes
        flat = axes.ravel()
        assert [ax.get_visible() for ax in flat] == [True, True, False, False]
        assert flat[0].get_title(loc="left").startswith("Topic 1")
        assert [t.get_text() for t in flat[0].get_yticklabels()] == ["un", "sanctions", "embargo"]
    finally:
        plt.close(fig)


def test_plot_prevalence_draws_small_multiples_with_bands(prevalence_data):
    shares, unit_ids, meta = prevalence_data(10)
    table = topic_prevalence(shares, unit_ids, meta, "year", n_boot=50)
    fig, axes = plt.subplots(2, 2)
    try:
        returned = plot_prevalence(axes, table, labels=["a", "b", "c"])
        assert returned is axes
        flat = axes.ravel()
        assert [ax.get_visible() for ax in flat] == [True, True, True, False]
        assert flat[1].get_title(loc="left") == "Topic 2: b"
        assert len(flat[0].collections) == 1  # the band
        assert flat[0].get_xlabel() == "year"
    finally:
        plt.close(fig)
    by_actor = topic_prevalence(shares, unit_ids, meta.assign(actor=np.where(meta["year"] == 2020, "A", "B")),
                                "actor", n_boot=50)
    fig, ax = plt.subplots()
    try:
        assert plot_prevalence(ax, by_actor, topics=[3]) is ax
        assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B"]
    finally:
        plt.close(fig)


def test_plot_topic_map_labels_every_topic(two_topics):
    topic_word, terms = two_topics
    table = topic_map(topic_word)
    fig, ax = plt.subplots()
    try:
        assert plot_topic_map(ax, table, labels=["x", "y"]) is ax
        assert sorted(t.get_text() for t in ax.texts) == ["1: x", "2: y"]
    finally:
        plt.close(fig)


def test_plot_model_selection_draws_one_panel_per_measure(planted_grid_fit):
    fig, axes = plt.subplots(2, 3)
    try:
        assert plot_model_selection(axes, planted_grid_fit.table_) is axes
        assert [ax.get_ylabel().split(" ")[0] for ax in axes.ravel()] == [
            "mean", "mean", "exclusivity", "stability", "held-out", "topic"]
        assert all(ax.get_xlabel() == "number of topics k" for ax in axes.ravel()[1:])
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("n_topics", "grid", "inches"),
    [(2, (1, 2), (6.8, 2.8)), (3, (1, 3), (10.2, 2.8)), (5, (2, 3), (10.2, 5.6)), (7, (3, 3), (10.2, 8.4))],
)
def test_topic_terms_figure_has_three_panels_a_row(n_topics, grid, inches):
    fig, axes = topic_terms_figure(n_topics)
    try:
        assert axes.shape == grid
        np.testing.assert_allclose(fig.get_size_inches(), inches)
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("n_topics", "grid", "inches"),
    [(2, (1, 2), (6, 2.6)), (4, (1, 4), (12, 2.6)), (6, (2, 4), (12, 5.2)), (20, (2, 4), (12, 5.2))],
)
def test_prevalence_figure_shows_at_most_eight_topics_four_a_row(n_topics, grid, inches):
    fig, axes = prevalence_figure(n_topics)
    try:
        assert axes.shape == grid
        np.testing.assert_allclose(fig.get_size_inches(), inches)
    finally:
        plt.close(fig)
    shown = min(8, n_topics)
    assert prevalence_caption("year", n_topics, 1000).startswith(f"Mean topic share per year of the {shown} ")


def test_fixed_size_figures_and_the_prevalence_figure_id():
    for make, panels, inches in ((model_selection_figure, 6, (11, 6.8)), (topic_map_figure, 1, (6, 5))):
        fig, axes = make()
        try:
            assert np.size(axes) == panels
            np.testing.assert_allclose(fig.get_size_inches(), inches)
        finally:
            plt.close(fig)
    assert prevalence_figure_id("UN_region") == "topic-prevalence-un-region"


def test_model_selection_caption_names_the_settings_and_the_reason(planted_grid_fit):
    caption = model_selection_caption(planted_grid_fit)
    assert "top 10 words (document reference" in caption
    assert "2 refits on 80% samples" in caption and "(LDA, 20% of units held out)" in caption
    assert caption.endswith(planted_grid_fit.reason_)
