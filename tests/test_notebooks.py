"""The source notebooks stay thin and clean: logic lives in lib/stancebook."""

import ast
import re

import nbformat
import pytest

from stancebook.paths import NOTEBOOK_NAMES, repo_root

NOTEBOOKS = [repo_root() / "notebooks" / f"{name}.ipynb" for name in NOTEBOOK_NAMES]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_one_parameters_cell_declaring_the_run(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = {t.id for node in ast.parse(tagged[0].source).body for t in getattr(node, "targets", [getattr(node, "target", None)]) if t is not None}
    assert {"run", "run_dir", "figures_dir"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_defines_no_functions_or_classes(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)), (
                f"{path.name}: move {type(node).__name__} into lib/stancebook"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_saves_figures_only_through_the_helper(path):
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "savefig" not in source and "plt.show" not in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_name_of_the_parameters_cell(path):
    """A line papermill cannot parse would silently keep its default in every run."""
    import papermill

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assigned = [node.target.id for node in ast.parse(cell.source).body if isinstance(node, ast.AnnAssign)]
    assert len(assigned) == len([n for n in ast.parse(cell.source).body])
    assert sorted(papermill.inspect_notebook(str(path))) == sorted(assigned)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_declares_only_known_run_parameters(path):
    from stancebook.params import SPEC

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = {node.target.id for node in ast.parse(cell.source).body}
    assert names - {"run_dir", "figures_dir"} <= set(SPEC)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_defaults_equal_the_declaration(path):
    """One source of defaults: a notebook run by hand behaves like the runner's run with no parameter set."""
    from stancebook.params import SPEC

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for node in ast.parse(cell.source).body:
        name = node.target.id
        if name in SPEC:
            assert ast.literal_eval(node.value) == SPEC[name].default, f"{path.name}: default of {name!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_code_is_at_most_80_lines(path):
    nb = nbformat.read(path, as_version=4)
    lines = sum(len(c.source.splitlines()) for c in nb.cells if c.cell_type == "code")
    assert lines <= 80, f"{path.name} has {lines} code lines: move the workflow into lib/stancebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_names_artefacts_through_the_catalog(path):
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    literals = re.findall(r"[\"'][\w{}-]+\.(?:csv|parquet|npz|json)[\"']", source)
    assert not literals, f"{path.name} names files {literals}: use stancebook.catalog names"


def test_a_misspelt_parameter_injected_by_papermill_stops_the_notebook(tmp_path):
    """Papermill itself only warns and runs with the default (papermill#818); the guard cell refuses it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError, match=r"unknown parameter 'n_topic'.*did you mean 'n_topics'"):
        papermill.execute_notebook(str(NOTEBOOKS[2]), str(tmp_path / "out.ipynb"), progress_bar=False,
                                   parameters={"n_topic": 4, "run_dir": str(tmp_path / "run"),
                                               "figures_dir": str(tmp_path / "figures")})
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").iterdir())
