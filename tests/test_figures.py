"""One helper saves every figure: SVG, PNG and PDF, stable bytes, an index, a citation."""

import io
import json

import pytest

from stancebook.errors import StancebookError
import matplotlib

from stancebook.figures import FigureSaver, citation, figure_style, latex_escape, new_figure, read_index, stamp_index


def _draw():
    fig, ax = new_figure(width=3, height=2)
    ax.bar(["Russia", "North Korea"], [5, 3])
    ax.set_title("Mentions")
    return fig


IDENTITY = {"version": "0.1.0", "commit": "c0ffee" * 6 + "abcd", "run": "demo", "run_hash": "9" * 64}


def _saver(folder, **kwargs):
    options = dict(run="demo", notebook="01_tokenise", parameters={"run": "demo", "min_df": 1, "run_dir": "/x"},
                   input_hash="ab" * 32, identity=IDENTITY)
    options.update(kwargs)
    return FigureSaver(folder, **options)


def test_same_figure_twice_gives_byte_identical_svg_png_and_pdf(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _saver(first).save(_draw(), "mentions", title="Mentions", caption="Counts.")
    _saver(second).save(_draw(), "mentions", title="Mentions", caption="Counts.")
    assert (first / "01-mentions.pdf").read_bytes().startswith(b"%PDF")
    assert b"CreationDate" not in (first / "01-mentions.pdf").read_bytes()
    for name in ("01-mentions.svg", "01-mentions.png", "01-mentions.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert b"<dc:date>" not in (first / "01-mentions.svg").read_bytes()


def _draw_values(values):
    fig, ax = new_figure(width=3, height=2)
    ax.fill_between(range(len(values)), [v - 0.1 for v in values], [v + 0.1 for v in values], alpha=0.25)
    ax.scatter(range(len(values)), values)
    ax.plot(values)
    return fig


def test_svg_bytes_do_not_depend_on_the_digits_another_machine_computes_differently(tmp_path):
    """A bootstrap quantile or topic share off in its seventh digit (another BLAS) draws the same SVG."""
    values = [0.123456789, 0.45678912, 0.3141592653, 0.2718281828]
    drifted = [v * (1 + 3e-7) for v in values]
    for folder, data in (("a", values), ("b", drifted), ("c", [v * 1.01 for v in values])):
        _saver(tmp_path / folder).save(_draw_values(data), "bands", title="Bands", caption="Bands.")
    first, second, moved = ((tmp_path / f / "01-bands.svg").read_text() for f in "abc")
    assert first == second
    assert first != moved
    raw = []
    for data in (values, drifted):
        fig = _draw_values(data)
        with figure_style():
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
        raw.append(buffer.getvalue())
    assert raw[0] != raw[1]  # what matplotlib alone writes does differ
    assert 'id="p1"' in first and "clip-path=\"url(#p1)\"" in first


def test_index_records_id_caption_notebook_parameters_and_input_hash(tmp_path):
    saver = _saver(tmp_path)
    saver.save(_draw(), "mentions", title="Mentions", caption="Counts per target.")
    saver.save(_draw(), "keyness", title="Keyness", caption="G2.")
    entries = json.loads((tmp_path / "index.json").read_text())
    assert [e["id"] for e in entries] == ["01-mentions", "01-keyness"], "chain order, then saving order"
    entry = entries[0]
    assert entry["caption"] == "Counts per target."
    assert entry["notebook"] == "notebooks/01_tokenise.ipynb"
    assert entry["input_hash"] == "ab" * 32
    assert entry["parameters"] == {"run": "demo", "min_df": 1}, "locations must stay out of the index"
    assert entry["pdf"] == "01-mentions.pdf"
    assert (entry["version"], entry["commit"], entry["run_hash"]) == ("0.1.0", IDENTITY["commit"], "9" * 64)
    markdown = (tmp_path / "index.md").read_text()
    assert "| [01-mentions](01-mentions.svg) | Mentions |" in markdown
    assert "@misc{stancebook:demo:01-mentions," in markdown and entry["bibtex"] in markdown


def test_saving_again_replaces_the_entry_not_duplicates_it(tmp_path):
    saver = _saver(tmp_path)
    saver.save(_draw(), "mentions", title="Old", caption="old")
    saver.save(_draw(), "mentions", title="New", caption="new")
    entries = read_index(tmp_path)
    assert [(e["id"], e["title"]) for e in entries] == [("01-mentions", "New")]


def test_bad_figure_id_is_refused(tmp_path):
    with pytest.raises(StancebookError, match="Topic Terms"):
        _saver(tmp_path).save(_draw(), "Topic Terms", title="t", caption="c")


def test_a_notebook_run_again_forgets_its_old_figures_but_not_others(tmp_path):
    _saver(tmp_path, notebook="01_tokenise").save(_draw(), "mentions", title="M", caption="c")
    _saver(tmp_path, notebook="03_stance").save(_draw(), "holder-map", title="H", caption="c")
    _saver(tmp_path, notebook="03_stance").forget_notebook()
    assert [e["id"] for e in read_index(tmp_path)] == ["01-mentions"]
    assert not (tmp_path / "03-holder-map.svg").exists() and (tmp_path / "01-mentions.svg").exists()


def test_figures_stay_interactive_so_every_notebook_cell_shows_its_figures():
    # The inline backend only shows figures drawn while interactive; rc_context alone would reset it.
    before = matplotlib.is_interactive()
    try:
        matplotlib.interactive(False)
        with figure_style():
            matplotlib.interactive(True)  # what the inline backend does when first activated
        assert matplotlib.is_interactive()
    finally:
        matplotlib.interactive(before)


def test_citation_names_version_commit_run_figure_and_run_hash():
    entry = {"id": "03-profile-heatmap", "title": "Stance profiles", "run": "seeds", "version": "0.1.0",
             "commit": "a" * 40 + "+dirty", "run_hash": "f" * 64, "caption": "min_df=1 & 50% of #units",
             "pdf": "03-profile-heatmap.pdf"}
    text = citation(entry)
    assert text == ('Figure 03-profile-heatmap "Stance profiles" (stancebook 0.1.0, commit aaaaaaaaaaaa+dirty, '
                    'run seeds, run hash ffffffffffff).')
    bibtex = citation(entry, style="bibtex")
    assert bibtex.startswith("@misc{stancebook:seeds:03-profile-heatmap,") and bibtex.endswith("}")
    assert "a" * 40 + "+dirty" in bibtex and "f" * 64 in bibtex and "0.1.0" in bibtex
    assert bibtex.count("{") == bibtex.count("}")
    latex = citation(entry, style="latex")
    assert r"\includegraphics[width=\linewidth]{figures/seeds/03-profile-heatmap.pdf}" in latex
    assert r"min\_df=1 \& 50\% of \#units" in latex and r"\label{fig:03-profile-heatmap}" in latex


def test_latex_escape_makes_every_special_character_literal():
    assert latex_escape("a_b%c&d#e$f{g}h~i^j\\k") == (
        r"a\_b\%c\&d\#e\$f\{g\}h\textasciitilde{}i\textasciicircum{}j\textbackslash{}k")


def test_stamp_gives_every_figure_of_a_run_one_identity(tmp_path):
    _saver(tmp_path, notebook="01_tokenise", identity=dict(IDENTITY, run_hash="1" * 64)).save(
        _draw(), "mentions", title="M", caption="c")
    _saver(tmp_path, notebook="03_stance").save(_draw(), "holder-map", title="H", caption="c")
    entries = stamp_index(tmp_path, IDENTITY)
    assert {e["run_hash"] for e in entries} == {"9" * 64}
    assert {e["run_hash"] for e in read_index(tmp_path)} == {"9" * 64}
    assert "1" * 64 not in (tmp_path / "index.md").read_text()


def test_a_saved_figure_shows_as_one_line_in_a_notebook(tmp_path):
    entry = _saver(tmp_path).save(_draw(), "mentions", title="Mentions", caption="Counts.")
    assert repr(entry) == "figure 01-mentions saved: 01-mentions.svg, 01-mentions.png, 01-mentions.pdf in run demo"
    assert entry["id"] == "01-mentions"


class _Figure:
    def __init__(self, fig, id, title="T", caption="C."):
        self.fig, self.id, self.title, self.caption = fig, id, title, caption


class _Unpaintable(matplotlib.artist.Artist):
    def draw(self, renderer):
        raise RuntimeError("this figure cannot be drawn")


def _heatmap(seed):
    import numpy as np

    fig, ax = new_figure(width=3, height=2)
    ax.imshow(np.random.default_rng(seed).random((4, 5)))
    ax.set_title(f"Heatmap {seed}")
    return fig


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_saving_figures_side_by_side_writes_the_bytes_and_index_of_saving_them_one_by_one(tmp_path, n_jobs):
    one_by_one, side_by_side = _saver(tmp_path / "a"), _saver(tmp_path / "b")
    for k in range(3):
        one_by_one.save(_heatmap(k), f"heat-{k}", title=f"T{k}", caption="C.")
    saved = side_by_side.save_all([_Figure(_heatmap(k), f"heat-{k}", f"T{k}") for k in range(3)], n_jobs=n_jobs)
    assert [s["id"] for s in saved] == ["01-heat-0", "01-heat-1", "01-heat-2"]
    for k in range(3):
        for suffix in ("svg", "png", "pdf"):
            name = f"01-heat-{k}.{suffix}"
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert read_index(tmp_path / "a") == read_index(tmp_path / "b")


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_figure_that_cannot_be_drawn_is_named_and_only_the_ones_before_it_are_kept(tmp_path, n_jobs):
    broken = _heatmap(1)
    broken.add_artist(_Unpaintable())
    figures = [_Figure(_heatmap(0), "first"), _Figure(broken, "broken"), _Figure(_heatmap(2), "after")]
    with pytest.raises((StancebookError, RuntimeError), match="broken|cannot be drawn"):
        _saver(tmp_path).save_all(figures, n_jobs=n_jobs)
    assert [e["id"] for e in read_index(tmp_path)] == ["01-first"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in {".svg", ".png", ".pdf"}) == [
        "01-first.pdf", "01-first.png", "01-first.svg"]
