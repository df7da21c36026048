"""The one place figures are saved: SVG + PNG, a stable ID, an index.

Every figure of a run goes through :class:`FigureSaver`, which writes
``figures/<run>/<id>.svg`` and ``.png`` byte-reproducibly and records the
figure in ``figures/<run>/index.json`` and ``index.md`` with its title,
caption, source notebook, parameters and input hash.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt

from .artefacts import atomic_write, read_json, write_json, write_text
from .errors import StancebookError

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# The style every figure is drawn in; applied with ``figure_style()`` so no
# global matplotlib state changes.
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "svg.fonttype": "path",
    "svg.hashsalt": "stancebook",
    "image.cmap": "viridis",
}

# Parameters that say where a run is written, not what it computes: they
# stay out of the index so the same analysis gives the same index anywhere.
_LOCATION_KEYS = {"run_dir", "figures_dir"}


def figure_style():
    """Return a context manager applying the house style.

    Examples
    --------
    >>> with figure_style():
    ...     fig, ax = plt.subplots()
    """
    return matplotlib.rc_context(STYLE)


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 6.4, height: float = 4.0, **kwargs):
    """Create a figure and axes in the house style.

    Parameters
    ----------
    nrows, ncols : int
        The grid of axes.
    width, height : float
        Size in inches.
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots`.

    Returns
    -------
    (Figure, Axes or ndarray of Axes)
    """
    kwargs.setdefault("layout", "constrained")
    with figure_style():
        return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


class FigureSaver:
    """Saves the figures of one notebook of a run and keeps the index.

    Parameters
    ----------
    figures_dir : Path
        ``figures/<run>/``.
    run : str
        The run name.
    notebook : str
        The notebook that draws the figures (``"02_topics"``).
    parameters : dict
        The run's validated parameters, recorded with each figure.
    input_hash : str
        Hash of the run's inputs (corpus files and dictionaries).

    Examples
    --------
    >>> saver = FigureSaver(tmp, run="seeds", notebook="01_tokenise", parameters={}, input_hash="ab")  # doctest: +SKIP
    >>> saver.save(fig, "top-terms", title="Top terms", caption="...")  # doctest: +SKIP
    """

    def __init__(self, figures_dir, *, run: str, notebook: str, parameters: dict[str, Any] | None = None,
                 input_hash: str = ""):
        self.figures_dir = Path(figures_dir)
        self.run = run
        self.notebook = notebook
        self.parameters = {k: v for k, v in (parameters or {}).items() if k not in _LOCATION_KEYS}
        self.input_hash = input_hash
        self._saved = 0

    @property
    def index_path(self) -> Path:
        """``figures/<run>/index.json``."""
        return self.figures_dir / "index.json"

    def save(self, fig, figure_id: str, *, title: str, caption: str, close: bool = True) -> dict[str, Any]:
        """Write ``fig`` as SVG and PNG and register it in the index.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            The figure.
        figure_id : str
            Stable ID (lower case, digits and '-'); the stage prefix is
            added: ``"top-terms"`` from ``01_tokenise`` becomes ``"01-top-terms"``.
        title : str
            Short title.
        caption : str
            What the reader sees and how it was made.
        close : bool
            Close the figure after saving (notebooks display before saving).

        Returns
        -------
        dict
            The index entry.
        """
        if not _ID.match(figure_id):
            raise StancebookError(f"figure id {figure_id!r}: use lower-case letters, digits and '-'.")
        stage = self.notebook.split("_", 1)[0]
        full_id = f"{stage}-{figure_id}"
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        with figure_style():
            svg = self.figures_dir / f"{full_id}.svg"
            png = self.figures_dir / f"{full_id}.png"
            atomic_write(svg, lambda tmp: fig.savefig(tmp, format="svg", metadata={"Date": None, "Creator": None}))
            atomic_write(png, lambda tmp: fig.savefig(tmp, format="png", metadata={"Software": None}))
        if close:
            plt.close(fig)
        self._saved += 1
        entry = {
            "id": full_id,
            "position": self._saved,
            "title": title,
            "caption": caption,
            "notebook": f"notebooks/{self.notebook}.ipynb",
            "run": self.run,
            "svg": svg.name,
            "png": png.name,
            "parameters": self.parameters,
            "input_hash": self.input_hash,
        }
        self._register(entry)
        return entry

    def forget_notebook(self) -> None:
        """Remove this notebook's figures and index entries, before it draws them anew.

        A re-executed notebook may draw fewer figures than before (a holder
        map needs three holders); nothing stale may stay in the index.
        """
        entries = read_index(self.figures_dir)
        notebook = f"notebooks/{self.notebook}.ipynb"
        stale = [e for e in entries if e["notebook"] == notebook]
        if not stale:
            return
        for entry in stale:
            for key in ("svg", "png"):
                (self.figures_dir / entry[key]).unlink(missing_ok=True)
        self._write_index([e for e in entries if e["notebook"] != notebook])

    def _write_index(self, entries: list[dict[str, Any]]) -> None:
        write_json(entries, self.index_path)
        write_text(_index_markdown(self.run, entries), self.figures_dir / "index.md")

    def _register(self, entry: dict[str, Any]) -> None:
        entries = read_index(self.figures_dir)
        entries = [e for e in entries if e["id"] != entry["id"]] + [entry]
        entries.sort(key=lambda e: (e["notebook"], e["position"], e["id"]))
        self._write_index(entries)


def read_index(figures_dir) -> list[dict[str, Any]]:
    """Return the figure index of a run in chain order (empty when no figure was saved yet).

    Entries are ordered by notebook, then by the order the notebook saved them.
    """
    path = Path(figures_dir) / "index.json"
    return read_json(path) if path.is_file() else []


def _index_markdown(run: str, entries: list[dict[str, Any]]) -> str:
    lines = [
        f"# Figures of run `{run}`",
        "",
        "| # | ID | title | caption | notebook | input hash |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for number, entry in enumerate(entries, start=1):
        caption = entry["caption"].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {number} | [{entry['id']}]({entry['svg']}) | {entry['title']} | {caption} | "
            f"`{entry['notebook']}` | `{entry['input_hash'][:12]}` |"
        )
    lines += ["", "Parameters of every figure: see `index.json`.", ""]
    return "\n".join(lines)


def short_unit_labels(unit_ids) -> dict[str, str]:
    """Short display names for unit ids: drop the document id when all units share it.

    Parameters
    ----------
    unit_ids : sequence of str
        Unit ids as made by :func:`stancebook.corpus.split_units`.

    Returns
    -------
    dict
        ``{unit_id: label}``; for units of one document ``"doc:s003"`` becomes
        ``"s003"``, otherwise ids are kept whole.

    Examples
    --------
    >>> short_unit_labels(["a:s001", "a:s002"])
    {'a:s001': 's001', 'a:s002': 's002'}
    >>> short_unit_labels(["a:s001", "b:s001"])
    {'a:s001': 'a:s001', 'b:s001': 'b:s001'}
    """
    ids = [str(u) for u in unit_ids]
    documents = {u.rsplit(":", 1)[0] for u in ids if ":" in u}
    if len(documents) == 1 and all(":" in u for u in ids):
        return {u: u.rsplit(":", 1)[1] for u in ids}
    return {u: u for u in ids}
