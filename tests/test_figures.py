"""One helper saves every figure: SVG + PNG, stable bytes, an index."""

import json

import pytest

from stancebook.errors import StancebookError
from stancebook.figures import FigureSaver, new_figure, read_index


def _draw():
    fig, ax = new_figure(width=3, height=2)
    ax.bar(["Russia", "North Korea"], [5, 3])
    ax.set_title("Mentions")
    return fig


def _saver(folder, **kwargs):
    options = dict(run="demo", notebook="01_tokenise", parameters={"run": "demo", "min_df": 1, "run_dir": "/x"},
                   input_hash="ab" * 32)
    options.update(kwargs)
    return FigureSaver(folder, **options)


def test_same_figure_twice_gives_byte_identical_svg_and_png(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _saver(first).save(_draw(), "mentions", title="Mentions", caption="Counts.")
    _saver(second).save(_draw(), "mentions", title="Mentions", caption="Counts.")
    for name in ("01-mentions.svg", "01-mentions.png"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert b"<dc:date>" not in (first / "01-mentions.svg").read_bytes()


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
    assert "| 1 | [01-mentions](01-mentions.svg) | Mentions |" in (tmp_path / "index.md").read_text()


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
