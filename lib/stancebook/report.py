"""The report of a run: one self-contained HTML file.

``runs/<run>/report.html`` holds the numbered figures (inline SVG) with
their captions, the key tables, the quotes behind each stance cluster, the
parameters and input hashes, and how to cite each figure.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, catalog
from .figures import citation, read_index
from .paths import RunPaths

_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2.2rem; }
figure { margin: 1.5rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .92rem; color: #333; } .cite { font-size: .8rem; color: #666; font-family: monospace; }
table { border-collapse: collapse; font-size: .85rem; margin: .8rem 0; } th, td { border: 1px solid #ddd; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } blockquote { border-left: 3px solid #888; margin: .5rem 0; padding: .2rem .8rem; color: #333; }
.note { background: #fff7e0; border: 1px solid #e8d9a8; padding: .5rem .8rem; }
"""


@dataclass(frozen=True)
class ReportTable:
    """A table of the run shown in the report, by its :mod:`stancebook.catalog` name."""

    name: str
    heading: str
    note: str = ""
    max_rows: int = 30


DEFAULT_TABLES = (
    ReportTable("corpus_summary", "Corpus", "What was read, split and set aside."),
    ReportTable("corpus_problems", "Input problems", "Files that were empty, undecodable, duplicated or not listed."),
    ReportTable("mention_counts", "Target mentions", "Mentions of each target of the actor dictionary."),
    ReportTable("collocations", "Collocations", "Adjacent word pairs that occur together more than chance.", 15),
    ReportTable("model_selection", "Topic model selection", "Every model and number of topics compared."),
    ReportTable("topic_labels", "Topics", "Each topic's label and top words."),
    ReportTable("stance_profiles", "Stance profiles", "Mean polarity of each holder toward each target with a "
                "bootstrap interval; empty cells: the holder never mentions the target (missing, not neutral).", 60),
    ReportTable("cluster_keywords", "Cluster keywords", "Terms over-used in each stance cluster (Dunning G²).", 40),
)


def _table_html(frame: pd.DataFrame, max_rows: int) -> str:
    shown = frame.head(max_rows)
    text = shown.to_html(index=False, escape=True, na_rep="", float_format=lambda v: f"{v:.3g}", border=0)
    if len(frame) > max_rows:
        text += f"<p class='note'>First {max_rows} of {len(frame)} rows; the full table is in tables/.</p>"
    return text


def _svg_inline(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _quotes_html(typical: pd.DataFrame) -> str:
    parts = []
    for cluster, group in typical.groupby("cluster", sort=True):
        parts.append(f"<h3>Cluster {html.escape(str(cluster))}</h3>")
        for row in group.itertuples(index=False):
            where = html.escape(str(getattr(row, "unit_id", "")))
            parts.append(f"<blockquote>{html.escape(str(row.text))}<br><span class='cite'>{where}</span></blockquote>")
    return "\n".join(parts)


def build_report(paths: RunPaths, *, title: str = "", parameters: dict[str, Any] | None = None,
                 inputs: dict[str, Any] | None = None, notes: list[str] | None = None,
                 tables: tuple[ReportTable, ...] = DEFAULT_TABLES) -> str:
    """Assemble the HTML report of a run from its figures and tables.

    Parameters
    ----------
    paths : RunPaths
        The run's folders (figures index and ``tables/`` are read).
    title : str
        Report title; empty = derived from the run name.
    parameters : dict, optional
        The run's parameters, shown in a table.
    inputs : dict, optional
        ``{"files": {name: sha256}, "input_hash": ...}``.
    notes : list of str, optional
        Plain-language notes from the stages (warnings, choices made).
    tables : tuple of ReportTable
        Which tables to show, in order; tables the run did not write are skipped.

    Returns
    -------
    str
        The HTML document.
    """
    run = paths.run
    title = title or f"stancebook report: run {run}"
    body = [f"<h1>{html.escape(title)}</h1>",
            f"<p>Produced by stancebook {__version__}. Every figure is also in <code>figures/{html.escape(run)}/</code> "
            "as SVG and PNG; every table in <code>runs/" + html.escape(run) + "/tables/</code>.</p>"]
    if notes:
        body.append("<h2>Notes from the run</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")

    entries = read_index(paths.figures_dir)
    body.append("<h2>Figures</h2>")
    for entry in entries:
        svg = paths.figures_dir / entry["svg"]
        body.append(
            f"<figure id='{html.escape(entry['id'])}'>{_svg_inline(svg)}"
            f"<figcaption><b>Figure {html.escape(entry['id'])}. {html.escape(entry['title'])}.</b> "
            f"{html.escape(entry['caption'])}"
            f"<br><span class='cite'>Cite as: {html.escape(citation(entry))}</span>"
            "</figcaption></figure>"
        )

    for table in tables:
        path = catalog.path(paths, table.name)
        if path.is_file():
            frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
            body.append(f"<h2>{html.escape(table.heading)}</h2><p>{html.escape(table.note)}</p>")
            body.append(_table_html(frame, table.max_rows))

    typical = catalog.path(paths, "typical_sentences")
    if typical.is_file():
        body.append("<h2>The quotes behind each stance cluster</h2>"
                    "<p>The sentences nearest each cluster's centre that mention a target.</p>")
        body.append(_quotes_html(pd.read_csv(typical)))

    if parameters:
        frame = pd.DataFrame({"parameter": list(parameters), "value": [repr(v) for v in parameters.values()]})
        body.append("<h2>Parameters</h2>" + _table_html(frame, len(frame)))
    if inputs:
        files = pd.DataFrame(sorted(inputs.get("files", {}).items()), columns=["input", "sha256"])
        body.append(f"<h2>Inputs</h2><p>Combined input hash <code>{html.escape(inputs.get('input_hash', ''))}</code>.</p>")
        body.append(_table_html(files, 50))

    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
