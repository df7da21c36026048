"""The one place figures are saved: SVG, PNG and PDF, a stable ID, an index, a citation.

Every figure of a run goes through :class:`FigureSaver`, which writes
``figures/<run>/<id>.svg``, ``.png`` and ``.pdf`` byte-reproducibly and
records the figure in ``figures/<run>/index.json`` and ``index.md`` with its
title, caption, source notebook, parameters, input hash and the run's
identity (stancebook version, code commit, run hash), plus a BibTeX entry.
:func:`citation` formats how to cite a figure as text, BibTeX or LaTeX.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import multiprocessing
import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt

from . import __version__
from .artefacts import atomic_write, read_json, write_json, write_text
from .errors import StancebookError
from .labels import replace_labels
from .workers import n_workers

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

# PDF metadata: no creation date and a fixed producer, so the same figure gives the same bytes.
PDF_METADATA = {"CreationDate": None, "Producer": "stancebook", "Creator": "stancebook"}

# Parameters that say where a run is written, not what it computes: they
# stay out of the index so the same analysis gives the same index anywhere.
_LOCATION_KEYS = {"run_dir", "figures_dir"}


@contextlib.contextmanager
def figure_style():
    """Apply the house style inside the block, leaving every other matplotlib setting as the block left it.

    ``matplotlib.rc_context`` alone would also restore ``interactive``: when
    the first figure of a kernel session is drawn inside it, the inline
    backend switches interactive mode on there and the restore switches it
    off again, so only the first figure cell of a notebook shows its figures.

    Examples
    --------
    >>> with figure_style():
    ...     fig, ax = plt.subplots()
    """
    state: dict[str, bool] = {}
    try:
        with matplotlib.rc_context(STYLE):
            try:
                yield
            finally:
                state["interactive"] = matplotlib.is_interactive()
    finally:
        if "interactive" in state:
            matplotlib.interactive(state["interactive"])


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


class SavedFigure(dict):
    """A figure's index entry, shown in a notebook as one line saying where the figure was saved."""

    def __repr__(self) -> str:
        return f"figure {self['id']} saved: {self['svg']}, {self['png']}, {self.get('pdf', '')} in run {self['run']}"

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(repr(self))


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
    identity : dict, optional
        The run's identity from :func:`stancebook.provenance.run_identity`
        (``version``, ``commit``, ``run_hash``), recorded with each figure.

    Examples
    --------
    >>> saver = FigureSaver(tmp, run="seeds", notebook="01_tokenise", parameters={}, input_hash="ab")  # doctest: +SKIP
    >>> saver.save(fig, "top-terms", title="Top terms", caption="...")  # doctest: +SKIP
    """

    def __init__(self, figures_dir, *, run: str, notebook: str, parameters: dict[str, Any] | None = None,
                 input_hash: str = "", identity: dict[str, str] | None = None):
        self.figures_dir = Path(figures_dir)
        self.identity = dict(identity or {})
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
        """Write ``fig`` as SVG, PNG and PDF and register it in the index.

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
        SavedFigure
            The index entry (a dict shown as one line in a notebook).
        """
        full_id = self._prepare(fig, figure_id)
        _render(fig, self.figures_dir, full_id)
        if close:
            plt.close(fig)
        return self._entry(full_id, title, caption)

    def save_all(self, figures, *, n_jobs: int = 1, close: bool = False) -> list[SavedFigure]:
        """Save several figures as :meth:`save` does, drawing them side by side in worker processes.

        Parameters
        ----------
        figures : iterable
            Objects with ``fig``, ``id``, ``title`` and ``caption`` (such as
            :class:`stancebook.stance.StanceFigure`).
        n_jobs : int, default 1
            Processes drawing at once (-1: one per core). Where processes can
            be forked, each figure is drawn in a fork of this process, so the
            files are byte for byte those :meth:`save` writes; elsewhere, or
            with ``n_jobs=1``, they are drawn here one by one.
        close : bool
            Close the figures after saving.

        Returns
        -------
        list of SavedFigure
            The index entries, in the order of ``figures``.

        Raises
        ------
        StancebookError
            Naming the figure whose drawing failed; the figures before it in
            ``figures`` are saved and in the index.
        """
        figures = list(figures)
        full_ids = [self._prepare(f.fig, f.id) for f in figures]
        workers = min(n_workers(n_jobs), len(figures))
        done = 0  # figures drawn before the first that failed
        try:
            if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
                done = _render_forked([f.fig for f in figures], self.figures_dir, full_ids, workers)
            else:
                for f, full_id in zip(figures, full_ids):
                    _render(f.fig, self.figures_dir, full_id)
                    done += 1
        finally:
            saved = self._keep_only(figures, full_ids, done)
        if done < len(figures):
            raise StancebookError(f"figure {full_ids[done]!r} could not be drawn (the traceback of its worker "
                                  "process is in the output above); the figures before it are saved.")
        if close:
            for f in figures:
                plt.close(f.fig)
        return saved

    def _keep_only(self, figures, full_ids, done: int) -> list[SavedFigure]:
        """Index the first ``done`` figures; remove any file of the others."""
        for full_id in full_ids[done:]:
            for suffix in ("svg", "png", "pdf"):
                (self.figures_dir / f"{full_id}.{suffix}").unlink(missing_ok=True)
        return [self._entry(full_id, f.title, f.caption) for f, full_id in zip(figures[:done], full_ids[:done])]

    def _prepare(self, fig, figure_id: str) -> str:
        """Check the id, make the folder, place the labels; the figure's full id."""
        if not _ID.match(figure_id):
            raise StancebookError(f"figure id {figure_id!r}: use lower-case letters, digits and '-'.")
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        replace_labels(fig)  # after the last change to the figure, so that no two labels overlap as saved
        return f"{figure_prefix(self.notebook)}-{figure_id}"

    def _entry(self, full_id: str, title: str, caption: str) -> SavedFigure:
        """Index the three files of a drawn figure."""
        self._saved += 1
        entry = {
            "id": full_id,
            "position": self._saved,
            "title": title,
            "caption": caption,
            "notebook": f"notebooks/{self.notebook}.ipynb",
            "run": self.run,
            "svg": f"{full_id}.svg",
            "png": f"{full_id}.png",
            "pdf": f"{full_id}.pdf",
            "parameters": self.parameters,
            "input_hash": self.input_hash,
        }
        entry = _with_identity(entry, self.identity)
        self._register(entry)
        return SavedFigure(entry)

    def forget_notebook(self) -> None:
        """Remove this notebook's figures and index entries, before it draws them anew.

        A re-executed notebook may draw fewer figures than before (a holder
        map needs three holders); nothing stale may stay in the index.
        """
        self.figures_dir.mkdir(parents=True, exist_ok=True)
        with index_lock(self.figures_dir):
            entries = read_index(self.figures_dir)
            notebook = f"notebooks/{self.notebook}.ipynb"
            stale = [e for e in entries if e["notebook"] == notebook]
            if not stale:
                return
            for entry in stale:
                for key in ("svg", "png", "pdf"):
                    if entry.get(key):
                        (self.figures_dir / entry[key]).unlink(missing_ok=True)
            self._write_index([e for e in entries if e["notebook"] != notebook])

    def _write_index(self, entries: list[dict[str, Any]]) -> None:
        _write_index(self.figures_dir, self.run, entries)

    def _register(self, entry: dict[str, Any]) -> None:
        with index_lock(self.figures_dir):
            entries = read_index(self.figures_dir)
            entries = [e for e in entries if e["id"] != entry["id"]] + [entry]
            entries.sort(key=lambda e: (e["notebook"], e["position"], e["id"]))
            self._write_index(entries)


def _render(fig, figures_dir: Path, full_id: str) -> None:
    """Write a figure as SVG, PNG and PDF, each file complete or absent."""
    metadata = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}, "pdf": PDF_METADATA}
    with figure_style():
        for suffix, values in metadata.items():
            atomic_write(figures_dir / f"{full_id}.{suffix}",
                         lambda tmp: _savefig(fig, tmp, suffix, values))


def _savefig(fig, path: Path, suffix: str, metadata: dict) -> None:
    if suffix != "svg":
        fig.savefig(path, format=suffix, metadata=metadata)
        return
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata=metadata)
    path.write_text(canonical_svg(buffer.getvalue()), encoding="utf-8")


_GENERATED_ID = re.compile(r'id="((?:p|m|h|image|C[0-9a-f]+_[0-9a-f]+_)[0-9a-f]{10})"')
_SCALE = re.compile(r"scale\([^)]*\)")


def canonical_svg(svg: str, *, decimals: int = 2) -> str:
    """The same drawing on any machine: coordinates to ``decimals`` places, matplotlib's hashed ids renumbered.

    Matplotlib writes coordinates with six decimals and names clip paths,
    markers, hatches and images by a hash of their coordinates, so a value
    that differs in its sixth significant digit between two machines' BLAS
    (a bootstrap quantile, a fitted topic share) changes the bytes of an
    SVG that looks the same. Rounding to 1/100 of a point (invisible at any
    zoom a reader uses) and numbering the ids in order of appearance keeps
    committed figures byte-identical across machines, short of a value on
    a rounding boundary. Glyph scales (``scale(...)``) keep every digit:
    rounding them would resize text.

    Parameters
    ----------
    svg : str
        An SVG document as matplotlib writes it.
    decimals : int, default 2
        Decimal places kept of every number written with more than that.

    Returns
    -------
    str

    Examples
    --------
    >>> canonical_svg('<path id="p0123456789" d="M 384.166708 -0.001"/><use xlink:href="#p0123456789" '
    ...               'transform="scale(0.015625)"/>')
    '<path id="p1" d="M 384.17 0"/><use xlink:href="#p1" transform="scale(0.015625)"/>'
    """
    renamed: dict[str, str] = {}
    per_kind: dict[str, int] = {}
    for generated in _GENERATED_ID.findall(svg):
        if generated not in renamed:
            kind = generated[:-10]
            per_kind[kind] = per_kind.get(kind, 0) + 1
            renamed[generated] = f"{kind}{per_kind[kind]}"
    for old, new in renamed.items():
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old}", f"#{new}")

    def rounded(match) -> str:
        text = f"{float(match.group()):.{decimals}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    long_decimal = re.compile(rf"-?\d+\.\d{{{decimals + 1},}}")
    scales = _SCALE.findall(svg)
    pieces = [long_decimal.sub(rounded, piece) for piece in _SCALE.split(svg)]
    return "".join(piece + (scales[i] if i < len(scales) else "") for i, piece in enumerate(pieces))


def _render_in_child(fig, figures_dir: Path, full_id: str) -> None:
    # In a fork of a notebook kernel, sys.stderr is the kernel's stream, served by a thread the fork does
    # not have: warnings and a traceback go to the process's own standard error instead.
    sys.stdout = sys.stderr = open(2, "w", closefd=False)
    try:
        _render(fig, figures_dir, full_id)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)


def _render_forked(figs: list, figures_dir: Path, full_ids: list[str], workers: int) -> int:
    """Draw each figure in a fork of this process, ``workers`` at a time; how many come before the first failed one.

    A fork holds the figure as it is here (nothing is pickled), so its files are those drawn here.
    """
    context = multiprocessing.get_context("fork")
    running: list[tuple[int, Any]] = []
    failed = [len(figs)]
    try:
        for k, (fig, full_id) in enumerate(zip(figs, full_ids)):
            if len(running) == workers:
                _join_first(running, failed)
            process = context.Process(target=_render_in_child, args=(fig, figures_dir, full_id), daemon=True)
            process.start()
            running.append((k, process))
        while running:
            _join_first(running, failed)
    finally:
        for _, process in running:  # interrupted: leave no drawing process behind
            process.kill()
            process.join()
    return min(failed)


def _join_first(running: list, failed: list) -> None:
    k, process = running.pop(0)
    process.join()
    if process.exitcode != 0:
        failed.append(k)


def figure_prefix(notebook: str) -> str:
    """What the ids of a notebook's figures start with: ``"02"`` for ``02_topics`` (``02-topic-map``)."""
    return notebook.split("_", 1)[0]


@contextlib.contextmanager
def index_lock(figures_dir):
    """Hold an exclusive lock on the run's figure folder while its index is read and rewritten.

    Stages that run side by side (topics and stance) register figures in the
    same ``index.json``; the lock (an ``flock`` on the folder itself, so no
    lock file lands among the figures) keeps one stage from overwriting the
    other's entries.
    """
    handle = os.open(figures_dir, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def _write_index(figures_dir: Path, run: str, entries: list[dict[str, Any]]) -> None:
    write_json(entries, Path(figures_dir) / "index.json")
    write_text(_index_markdown(run, entries), Path(figures_dir) / "index.md")


def _with_identity(entry: dict[str, Any], identity: dict[str, str]) -> dict[str, Any]:
    """The entry carrying the run's identity and the BibTeX entry made from it."""
    entry = dict(entry)
    entry["run"] = identity.get("run") or entry["run"]
    for key in ("version", "commit", "run_hash"):
        entry[key] = identity.get(key, "unknown" if key == "commit" else "")
    entry["version"] = entry["version"] or __version__
    entry["bibtex"] = citation(entry, style="bibtex")
    return entry


def stamp_index(figures_dir, identity: dict[str, str]) -> list[dict[str, Any]]:
    """Give every figure in ``figures/<run>/index.json`` the run's identity; return the entries.

    The runner calls this after each stage: a stage reused from the cache
    kept the identity of the run that drew it, and a run has one hash.
    """
    entries = read_index(figures_dir)
    if not entries:
        return entries
    stamped = [_with_identity(entry, identity) for entry in entries]
    if stamped != entries:
        _write_index(Path(figures_dir), identity.get("run") or stamped[0]["run"], stamped)
    return stamped


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
        "Figures are cited by their ID, which does not change when a figure is added. Each is here as SVG, PNG "
        "and PDF (for LaTeX); `python -m stancebook cite ID` prints its citation.",
        "",
        "| ID | title | caption | notebook | run hash |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in entries:
        caption = entry["caption"].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| [{entry['id']}]({entry['svg']}) | {entry['title']} | {caption} | "
            f"`{entry['notebook']}` | `{entry.get('run_hash', '')[:12]}` |"
        )
    lines += ["", "## BibTeX", "", "```bibtex"]
    lines += [entry.get("bibtex") or citation(entry, style="bibtex") for entry in entries]
    lines += ["```", "", "Parameters of every figure: see `index.json`.", ""]
    return "\n".join(lines)


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Escape the characters LaTeX treats specially: ``\\ & % $ # _ { } ~ ^``.

    Examples
    --------
    >>> print(latex_escape("min_df=1, 50% & more"))
    min\\_df=1, 50\\% \\& more
    """
    return "".join(_LATEX_SPECIAL.get(char, char) for char in str(text))


def citation(entry: dict[str, Any], *, style: str = "text", figures_path: str = "") -> str:
    """How to cite one figure: as a line of text, a BibTeX entry or a LaTeX figure.

    Parameters
    ----------
    entry : dict
        The figure's index entry (``id``, ``title``, ``run``, ``version``,
        ``commit``, ``run_hash``; ``caption`` for LaTeX).
    style : {"text", "bibtex", "latex"}
        The form.
    figures_path : str
        For LaTeX: the folder holding the PDF (default ``figures/<run>``).

    Returns
    -------
    str

    Examples
    --------
    >>> entry = {"id": "02-topic-terms", "title": "Topic terms", "run": "seeds", "version": "0.1.0",
    ...          "commit": "0123456789abcdef", "run_hash": "abcdef1234567890"}
    >>> citation(entry)
    'Figure 02-topic-terms "Topic terms" (stancebook 0.1.0, commit 0123456789ab, run seeds, run hash abcdef123456).'
    """
    version = entry.get("version") or __version__
    commit = entry.get("commit") or "unknown"
    short_commit = commit if commit == "unknown" else commit[:12] + ("+dirty" if commit.endswith("+dirty") else "")
    run_hash = entry.get("run_hash", "")
    if style == "text":
        return (f'Figure {entry["id"]} "{entry["title"]}" (stancebook {version}, commit {short_commit}, '
                f'run {entry["run"]}, run hash {run_hash[:12]}).')
    if style == "bibtex":
        key = re.sub(r"[^A-Za-z0-9:-]", "-", f"stancebook:{entry['run']}:{entry['id']}")
        return "\n".join([
            f"@misc{{{key},",
            f"  title        = {{{{{latex_escape(entry['title'])}}}}},",
            "  author       = {{stancebook}},",
            f"  howpublished = {{Figure {latex_escape(entry['id'])} of run {latex_escape(entry['run'])}, "
            f"stancebook {latex_escape(version)}}},",
            f"  version      = {{{latex_escape(version)}}},",
            f"  note         = {{Code commit {latex_escape(commit)}; run hash {run_hash}}},",
            "}",
        ])
    if style == "latex":
        folder = figures_path or f"figures/{entry['run']}"
        return "\n".join([
            "\\begin{figure}",
            "  \\centering",
            f"  \\includegraphics[width=\\linewidth]{{{folder}/{entry.get('pdf') or entry['id'] + '.pdf'}}}",
            f"  \\caption{{{latex_escape(entry['title'])}. {latex_escape(entry.get('caption', ''))} "
            f"{latex_escape(citation(entry))}}}",
            f"  \\label{{fig:{entry['id']}}}",
            "\\end{figure}",
        ])
    raise StancebookError(f"style={style!r}: use 'text', 'bibtex' or 'latex'.")


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
