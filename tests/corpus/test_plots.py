"""The corpus figures draw on the axes they are given."""

from stancebook.corpus import plot_unit_lengths, split_units, unit_lengths_figsize


def test_plot_unit_lengths_draws_a_labelled_histogram(messy_documents):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        returned = plot_unit_lengths(ax, split_units(messy_documents, unit="paragraph"))
        assert returned is ax
        assert "words" in ax.get_xlabel() and ax.get_ylabel()
        assert sum(patch.get_height() for patch in ax.patches) == 4
    finally:
        plt.close(fig)


def test_plot_unit_lengths_titles_the_unit_and_the_documents_when_given(messy_documents):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=unit_lengths_figsize())
    try:
        units = split_units(messy_documents, unit="paragraph")
        assert plot_unit_lengths(ax, units).get_title() == "Unit lengths (4 units)"
        plot_unit_lengths(ax, units, unit="paragraph", n_documents=2)
        assert ax.get_title() == "4 paragraph units from 2 document(s)"
    finally:
        plt.close(fig)
