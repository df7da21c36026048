"""The report of a run: one self-contained HTML file.

``runs/<run>/report.html`` opens with the findings (main topics and their
shares, the strongest holder -> target positions with a quote, the holder
clusters H1, H2, ... with their members), a table of contents, then the
figures by stable ID (inline SVG) with captions and how to cite each, the key
tables (cut to fit the page, with a link to the full CSV; the keywords of
the unit clusters U1, U2, ...), the quotes behind each holder cluster (unit
cluster when holders were not clustered), the notes of the run, the
parameters and input hashes.
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
table { border-collapse: collapse; font-size: .85rem; margin: .8rem 0; display: block; max-width: 100%; overflow-x: auto; }
@media print { table { display: table; font-size: .7rem; } figure { break-inside: avoid; } nav { display: none; } }
nav ol { columns: 2; font-size: .9rem; } .findings li { margin: .35rem 0; } th, td { border: 1px solid #ddd; padding: .25rem .45rem; text-align: left; vertical-align: top; }
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
    columns: tuple[str, ...] = ()  # shown columns; empty: the first MAX_COLUMNS


DEFAULT_TABLES = (
    ReportTable("corpus_summary", "Corpus", "What was read, split and set aside."),
    ReportTable("corpus_problems", "Input problems", "Files that were empty, undecodable, duplicated or not listed."),
    ReportTable("mention_counts", "Target mentions", "Mentions of each target of the actor dictionary."),
    ReportTable("collocations", "Collocations", "Adjacent word pairs that occur together more than chance.", 15),
    ReportTable("model_selection", "Topic model selection", "Every model and number of topics compared."),
    ReportTable("topic_labels", "Topics", "Each topic's label and top words."),
    ReportTable("stance_profiles_long", "Stance profiles", "Mean default stance of each holder toward each target "
                "(+1 for, -1 against) with a bootstrap interval, most-mentioned pairs first; a holder that never "
                "mentions a target has no row (missing, not neutral). Every source's polarity is in the CSV.", 40,
                ("holder", "target", "n_sentences", "polarity_stance", "ci_low_stance", "ci_high_stance",
                 "polarity_lexicon")),
    ReportTable("unit_cluster_keywords", "Unit cluster keywords",
                "Terms over-used in the units of each unit cluster (U1, U2, ...: units grouped by the stance of "
                "their sentences toward each target; not the holder clusters H1, H2, ...), by Dunning G².", 40,
                ("cluster_name", "rank", "term", "g2", "count_cluster", "count_rest")),
)


MAX_COLUMNS = 8  # wider tables run off the page: the report shows these, the CSV has all


def _table_html(frame: pd.DataFrame, max_rows: int, *, columns: tuple[str, ...] = (), link: str = "") -> str:
    shown_columns = [c for c in columns if c in frame.columns] or list(frame.columns[:MAX_COLUMNS])
    if "n_sentences" in shown_columns:
        frame = frame.sort_values("n_sentences", ascending=False, kind="stable")
    shown = frame[shown_columns].head(max_rows)
    text = shown.to_html(index=False, escape=True, na_rep="", float_format=lambda v: f"{v:.3g}", border=0)
    cut = []
    if len(frame) > max_rows:
        cut.append(f"the first {max_rows} of {len(frame)} rows")
    if len(shown_columns) < frame.shape[1]:
        cut.append(f"{len(shown_columns)} of {frame.shape[1]} columns")
    if cut:
        where = f"<a href='{html.escape(link)}'>{html.escape(link)}</a>" if link else "tables/"
        text += f"<p class='note'>Shown: {' and '.join(cut)}; the full table is {where}.</p>"
    return text


def _svg_inline(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _quotes_html(typical: pd.DataFrame, kind: str) -> str:
    parts = []
    for (_, name), group in typical.groupby(["cluster", "cluster_name"], sort=True):
        parts.append(f"<h3>{kind.capitalize()} cluster {html.escape(str(name))}</h3>")
        for row in group.itertuples(index=False):
            where = html.escape(str(getattr(row, "unit_id", "")))
            parts.append(f"<blockquote>{html.escape(str(row.text))}<br><span class='cite'>{where}</span></blockquote>")
    return "\n".join(parts)


def _read(paths: RunPaths, name: str) -> pd.DataFrame | None:
    path = catalog.path(paths, name)
    return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.is_file() else None


def _display_names(paths: RunPaths) -> dict[str, str]:
    counts = _read(paths, "mention_counts")
    return {} if counts is None else dict(zip(counts["target"].astype(str), counts["label"].astype(str)))


def _findings_html(paths: RunPaths, *, n_positions: int = 3, quote_chars: int = 220) -> str:
    """The findings summary: main topics and shares, strongest positions with a quote, clusters with members."""
    names = _display_names(paths)
    name = lambda key: names.get(str(key), str(key))  # noqa: E731 - display names everywhere
    items = []
    labels = _read(paths, "topic_labels")
    if labels is not None and "prevalence" in labels:
        top = labels.sort_values("prevalence", ascending=False).head(5)
        shares = "; ".join(f"topic {t.topic} <i>{html.escape(str(t.label))}</i> ({t.prevalence:.0%})"
                           for t in top.itertuples())
        items.append(f"<li><b>Main topics</b> (share of the text): {shares}.</li>")
    profiles, triples = _read(paths, "stance_profiles_long"), _read(paths, "stance_triples")
    if profiles is not None and "polarity_stance" in profiles and triples is not None:
        scored = profiles.dropna(subset=["polarity_stance"])
        scored = scored[scored["polarity_stance"] != 0]
        strongest = scored.reindex(scored["polarity_stance"].abs().sort_values(ascending=False, kind="stable").index)
        lines = []
        for row in strongest.head(n_positions).itertuples():
            sign = "for" if row.polarity_stance > 0 else "against"
            quotes = triples[(triples["holder"] == row.holder) & (triples["target"] == row.target)]
            quotes = quotes[quotes["polarity_stance"] * row.polarity_stance > 0] if "polarity_stance" in quotes else quotes
            quote = _shorten(str(quotes["context"].iloc[0]), quote_chars) if len(quotes) else ""
            lines.append(f"<li>{html.escape(name(row.holder))} &rarr; {html.escape(name(row.target))}: {sign} "
                         f"({row.polarity_stance:+.2f} over {row.n_sentences} sentence(s))"
                         + (f"<blockquote>{html.escape(quote)}</blockquote>" if quote else "") + "</li>")
        if lines:
            items.append("<li><b>Strongest positions</b> (holder &rarr; target, default stance):<ul>"
                         + "".join(lines) + "</ul></li>")
    clusters = _read(paths, "holder_clusters")
    if clusters is not None and len(clusters):
        algorithm = str(clusters["algorithm"].iloc[0])
        chosen = clusters[clusters["algorithm"] == algorithm]
        groups = "; ".join(f"{html.escape(str(c))}: " + ", ".join(html.escape(name(h)) for h in g["holder"])
                           for (_, c), g in chosen.groupby(["cluster", "cluster_name"], sort=True))
        items.append(f"<li><b>Holder clusters</b> (holders grouped by their stance profiles; "
                     f"{html.escape(algorithm)}): {groups}.</li>")
    if not items:
        return ""
    return "<h2 id='findings'>Findings</h2><ul class='findings'>" + "".join(items) + "</ul>"


def _shorten(text: str, limit: int) -> str:
    """``text`` cut at the last word boundary before ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _contents(body: list[str]) -> str:
    import re

    heads = re.findall(r"<h2 id='([^']+)'>(.*?)</h2>", "\n".join(body))
    return "<nav><h2>Contents</h2><ol>" + "".join(f"<li><a href='#{i}'>{t}</a></li>" for i, t in heads) + "</ol></nav>"


def _anchor(heading: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in heading.lower()).strip("-")


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
    intro = (f"<p>Produced by stancebook {__version__}. Every figure is also in <code>figures/{html.escape(run)}/</code> "
             "as SVG, PNG and PDF, cited by its stable ID; every table in <code>runs/" + html.escape(run)
             + "/tables/</code>.</p>")
    body = [_findings_html(paths)]
    names = _display_names(paths)

    entries = read_index(paths.figures_dir)
    body.append("<h2 id='figures'>Figures</h2>")
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
        frame = _read(paths, table.name)
        if frame is not None:
            for column in ("holder", "target"):
                if column in frame:
                    frame[column] = frame[column].map(lambda key: names.get(str(key), key))
            link = f"tables/{catalog.path(paths, table.name).name}"
            body.append(f"<h2 id='{_anchor(table.heading)}'>{html.escape(table.heading)}</h2>"
                        f"<p>{html.escape(table.note)}</p>")
            body.append(_table_html(frame, table.max_rows, columns=table.columns, link=link))

    for kind in ("holder", "unit"):  # the holder clusters' quotes when holders were clustered, else the units'
        typical = catalog.path(paths, f"{kind}_cluster_quotes")
        if typical.is_file():
            body.append(f"<h2 id='quotes'>The quotes behind each {kind} cluster</h2>"
                        f"<p>The sentences nearest each {kind} cluster's centre that mention a target.</p>")
            body.append(_quotes_html(pd.read_csv(typical), kind))
            break
    if notes:
        body.append("<h2 id='notes'>Notes from the run</h2><ul>"
                    + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>")
    if parameters:
        frame = pd.DataFrame({"parameter": list(parameters), "value": [repr(v) for v in parameters.values()]})
        body.append("<h2 id='parameters'>Parameters</h2>" + _table_html(frame, len(frame)))
    if inputs:
        files = pd.DataFrame(sorted(inputs.get("files", {}).items()), columns=["input", "sha256"])
        body.append(f"<h2 id='inputs'>Inputs</h2><p>Combined input hash <code>{html.escape(inputs.get('input_hash', ''))}</code>.</p>")
        body.append(_table_html(files, 50))
    body = [f"<h1>{html.escape(title)}</h1>", intro, _contents(body)] + body

    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
