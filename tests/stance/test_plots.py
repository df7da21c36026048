"""The stage's plots draw on the axes they are given; figure sizes come from one helper."""

import re
import warnings

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from stancebook import stance


def test_heatmap_marks_never_mentioned_cells_as_missing(blocs, bloc_of):
    *_, profiles = blocs
    matrix = stance.profile_matrix(profiles)
    fig, ax = plt.subplots()
    cluster = pd.Series({h: (1 if bloc_of[h] == "east" else 2) for h in matrix.index})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = stance.plot_profile_heatmap(ax, matrix, target_labels={"un": "United Nations"}, cluster=cluster)
    assert out is ax
    assert matrix.isna().any().any() and matrix.notna().any().any()
    # What a reader sees: grey hatching (no hue, no lighter than the grey) in every missing cell, the
    # colour of its value in every other one (looked at near a corner, away from the printed value).
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)
    image = ax.get_images()[0]
    shown = image.get_array()
    grey = 255 * mcolors.to_rgb("#d9d9d9")[0]
    for i in range(shown.shape[0]):
        for j in range(shown.shape[1]):
            x, y = ax.transData.transform((j - 0.3, i - 0.3))
            pixel = pixels[int(round(pixels.shape[0] - y)), int(round(x))]
            if np.ma.is_masked(shown[i, j]):
                assert pixel.max() - pixel.min() <= 3 and pixel.max() <= grey + 3, (i, j, pixel)
            else:
                colour = np.array(image.cmap(image.norm(shown[i, j]))[:3]) * 255
                assert np.abs(pixel - colour).max() < 10, (i, j, pixel, colour)
    assert "not mentioned" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert "United Nations" in [t.get_text() for t in ax.get_xticklabels()]
    assert [t.get_text() for t in ax.get_yticklabels()][0].startswith("[1]")
    plt.close(fig)


def test_stance_map_plot_labels_points_and_axes():
    fig, ax = plt.subplots()
    out = stance.plot_stance_map(ax, np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]]), [1, 1, 2],
                                 names=["cuba", "syria", "poland"])
    assert out is ax and (ax.get_xlabel(), ax.get_ylabel()) == ("PC1", "PC2")
    assert {t.get_text() for t in ax.texts} == {"cuba", "syria", "poland"}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cluster 1", "cluster 2"]
    plt.close(fig)


def test_crowded_stance_map_names_the_notable_holders():
    rng = np.random.default_rng(0)
    names = [f"h{i}" for i in range(60)] + list(stance.NOTABLE_HOLDERS)
    coords = rng.normal(size=(len(names), 2))
    fig, ax = plt.subplots()
    stance.plot_stance_map(ax, coords, [1] * len(names), names=names, notable=stance.NOTABLE_HOLDERS)
    shown = {t.get_text() for t in ax.texts}
    assert set(stance.NOTABLE_HOLDERS) <= shown and len(shown) <= 40
    plt.close(fig)


def test_confusion_plot_counts_ids_per_cluster_and_class():
    fig, ax = plt.subplots()
    labels = pd.DataFrame({"id": list("abcd"), "kmeans": [1, 1, 2, -1]})
    out = stance.plot_confusion(ax, labels, {"a": "x", "b": "y", "c": "y", "d": "y"})
    assert out is ax and [t.get_text() for t in ax.get_yticklabels()] == ["noise", "H1", "H2"]
    assert ax.get_ylabel() == "holder cluster (kmeans)"
    assert sorted(t.get_text() for t in ax.texts) == ["0", "0", "1", "1", "1", "1"]
    plt.close(fig)


def test_heatmap_scale_follows_standardised_scores_when_asked():
    fig, ax = plt.subplots()
    matrix = pd.DataFrame({"russia": [2.5, -1.0]}, index=["a", "b"])
    stance.plot_profile_heatmap(ax, matrix, limit=None, value_label="polarity (scaling, z)")
    assert ax.images[0].norm.vmax == 2.5 and ax.images[0].norm.vmin == -2.5
    plt.close(fig)


def test_sources_agree_on_planted_blocs_and_the_comparison_figure_says_so(planted):
    *_, profiles = planted
    fig, ax = plt.subplots()
    assert stance.plot_source_comparison(ax, profiles) is ax
    r = float(re.search(r"Pearson r = (-?[0-9.]+)", ax.get_title()).group(1))
    assert r > 0.9
    plt.close(fig)


def test_figure_sizes_grow_with_rows_and_targets():
    assert stance.heatmap_size(8, 5) == (7.5, max(2.4, 0.45 * 8 + 1.8))
    assert stance.heatmap_size(100, 2) == (5, 0.13 * 100 + 1.8)  # many holders: thinner rows
    assert stance.heatmap_size(10, 9, rows="units") == (0.9 * 9 + 3, max(3, 0.28 * 10 + 1.6))
    assert stance.holder_map_size(40) == (6.4, 5) and stance.holder_map_size(41) == (7.5, 6)


def test_the_two_clusterings_are_named_apart_in_maps_and_heatmaps():
    fig, (left, right) = plt.subplots(1, 2)
    stance.plot_stance_map(left, np.array([[0.0, 0.0], [1.0, 1.0]]), [1, 2], cluster_kind="holder")
    stance.plot_stance_map(right, np.array([[0.0, 0.0], [1.0, 1.0]]), [1, 2], cluster_kind="unit")
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["H1", "H2"]
    assert left.get_legend().get_title().get_text() == "holder cluster"
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["U1", "U2"]
    plt.close(fig)
    fig, ax = plt.subplots()
    matrix = pd.DataFrame({"russia": [0.5, -0.5]}, index=pd.Index(["s1", "s2"], name="unit_id"))
    stance.plot_profile_heatmap(ax, matrix, cluster={"s1": 2, "s2": 1}, cluster_kind="unit")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["[U1] s2", "[U2] s1"]
    assert ax.get_ylabel() == "unit [unit cluster]"
    plt.close(fig)


def test_agreement_plot_shows_every_set_and_marks_the_test_set():
    from stancebook.stance.plots import plot_agreement

    table = pd.DataFrame({"codes": ["dev"] * 2 + ["honest"] * 2, "use": ["training"] * 2 + ["test"] * 2,
                          "source": ["lexicon", "stance"] * 2, "n": [300, 300, 150, 150],
                          "macro_f1": [0.45, 0.74, 0.5, 0.73], "alpha": [0.2, 0.6, 0.28, 0.6]})
    fig, axes = plt.subplots(1, 2, sharey=True)
    plot_agreement(axes, table)
    f1_points = sorted(tuple(np.round(p, 2)) for c in axes[0].collections for p in c.get_offsets())
    assert [x for x, _ in f1_points] == [0.45, 0.5, 0.73, 0.74]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["dev (cross-fitted, n=300)", "honest (test, n=150)"]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["lexicon", "stance"]
    plt.close(fig)


def test_a_reported_actor_named_like_a_speaker_is_marked_on_the_maps():
    """The quoted 'russia' and the speaker RUS must not both read "Russia" on a holder map."""
    units = pd.DataFrame({"iso3": ["RUS", "USA"], "short_name": ["Russia", "United States"]})
    names = stance.display_names(units, ["RUS", "USA", "russia", "north_korea", "europe"], holder_column="iso3",
                                 labels={"russia": "Russia", "north_korea": "North Korea", "europe": "Europe / EU"})
    assert names == {"RUS": "Russia", "USA": "United States", "russia": "Russia (reported)",
                     "north_korea": "North Korea", "europe": "Europe / EU"}
    assert len(set(names.values())) == len(names)
