"""The data contract: every artefact and table of a run, the stage that writes it, its columns.

Notebooks, the report and tests name artefacts by their catalog name
(``catalog.read(paths, "units")``), never by a file name. A later stage reads
an earlier stage's output through :func:`read`, which says which notebook to
run when the file is missing and which columns are wrong when its shape
changed. Columns listed here are the ones a reader may rely on; tables may
carry more (metadata columns, one column per target).

Adding an artefact is one :class:`Artefact` line in :data:`CATALOG`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from stancebook.artefacts import (Dtm, load_dtm, read_frame, read_json, save_dtm, write_frame, write_json, write_table,
                                  write_text)
from stancebook.checks import require_columns
from stancebook.errors import ParameterError, StancebookError

KINDS = ("table", "frame", "dtm", "json", "record", "html")


@dataclass(frozen=True)
class Artefact:
    """One file of a run.

    Attributes
    ----------
    name : str
        The catalog name, e.g. ``"units"``.
    file : str
        The file name; ``{field}`` placeholders are filled by keyword
        arguments (``topic_prevalence_{by}.csv``).
    stage : str
        The notebook that writes it.
    kind : str
        ``"table"`` (citable CSV under ``tables/``), ``"frame"`` (Parquet
        under ``artefacts/``), ``"dtm"`` (sparse ``.npz``), ``"json"`` (under
        ``artefacts/``), ``"record"`` (JSON at the run's root) or ``"html"``
        (a page at the run's root).
    columns : tuple of str
        Columns every reader may rely on (tables and frames).
    description : str
        What a row is, for readers of the tables.
    """

    name: str
    file: str
    stage: str
    kind: str
    columns: tuple[str, ...] = ()
    description: str = field(default="", compare=False)

    @property
    def folder(self) -> str:
        """``"tables"`` for citable tables, ``"artefacts"`` for everything else."""
        return {"table": "tables", "record": "", "html": ""}.get(self.kind, "artefacts")

    def path(self, paths, **fields: Any) -> Path:
        """The file of this artefact in a run's folders (:class:`stancebook.paths.RunPaths`)."""
        try:
            name = self.file.format(**fields)
        except KeyError as error:
            raise ParameterError(f"Artefact {self.name!r} ({self.file}) needs the field {error.args[0]!r}.") from None
        return Path(paths.run_dir) / self.folder / name


def _a(name, file, stage, kind, columns=(), description=""):
    return Artefact(name, file, stage, kind, tuple(columns), description)


# The two clusterings (holders, units) write tables of the same shape.
_CLUSTER_SCORES = ("algorithm", "k", "n_found", "noise_share", "silhouette", "stability_seeds", "stability_bootstrap",
                   "selected")
_CLUSTER_QUOTES = ("cluster", "cluster_name", "rank", "unit_id", "sentence", "text", "distance")

CATALOG: dict[str, Artefact] = {a.name: a for a in (
    # 00_corpus
    _a("documents", "documents.parquet", "00_corpus", "frame", ("doc_id", "source", "text"),
       "one row per document, text exactly as read, with its metadata"),
    _a("units", "units.parquet", "00_corpus", "frame",
       ("unit_id", "doc_id", "unit_index", "text", "orig_start", "orig_end", "offset_breaks"),
       "one row per unit of analysis, normalised text with the map back to the original"),
    _a("corpus_summary", "corpus_summary.csv", "00_corpus", "table", (), "counts of documents, units and words"),
    _a("corpus_problems", "corpus_problems.csv", "00_corpus", "table", ("source", "problem", "detail"),
       "one row per problem found while reading"),
    _a("units_table", "units.csv", "00_corpus", "table", ("unit_id", "doc_id"), "the units and their metadata"),
    # 01_tokenise
    _a("sentences", "sentences.parquet", "01_tokenise", "frame",
       ("unit_id", "sentence", "start", "end", "orig_start", "orig_end", "text"), "one row per sentence"),
    _a("tokens", "tokens.parquet", "01_tokenise", "frame",
       ("unit_id", "sentence", "token_index", "start", "end", "orig_start", "orig_end", "text", "norm", "kind",
        "is_stop", "term"), "one row per token (kept only with keep_tokens)"),
    _a("mentions", "mentions.parquet", "01_tokenise", "frame",
       ("unit_id", "sentence", "start", "end", "orig_start", "orig_end", "surface", "target", "kind", "groups"),
       "one row per mention of a target of the actor dictionary"),
    _a("dtm", "dtm.npz", "01_tokenise", "dtm", (), "the document-term matrix of the units"),
    _a("passage_dtm", "passage_dtm.npz", "01_tokenise", "dtm", (),
       "terms counted per fixed-size passage, df bounds over passages (rows <unit_id>#p<n>; topic_unit passage)"),
    _a("actor_dictionary", "actor_dictionary.json", "01_tokenise", "json", (),
       "the actor dictionary the mentions were found with"),
    _a("stopwords", "stopwords.json", "01_tokenise", "json", (), "the stopword list the terms were built with"),
    _a("mentions_table", "mentions.csv", "01_tokenise", "table", ("unit_id", "sentence", "surface", "target"),
       "every mention, citable"),
    _a("mention_counts", "mention_counts.csv", "01_tokenise", "table", ("target", "label", "mentions", "units"),
       "mentions and units per target"),
    _a("top_terms", "top_terms.csv", "01_tokenise", "table", ("term", "count", "doc_freq"),
       "the most frequent terms"),
    _a("keyness", "keyness.csv", "01_tokenise", "table",
       ("term", "count_target", "count_reference", "g2", "log_ratio"), "terms distinctive of a group of units"),
    _a("collocations", "collocations.csv", "01_tokenise", "table", ("first", "second", "count", "pmi", "g2"),
       "bigram collocations"),
    # 02_topics
    _a("model_selection", "model_selection.csv", "02_topics", "table",
       ("model", "k", "npmi", "npmi_se", "exclusivity", "overlap", "diversity", "stability", "heldout_perplexity",
        "stable", "frontier", "selected"),
       "one row per model and k compared; the chosen one is selected"),
    _a("topic_terms", "topic_terms.csv", "02_topics", "table", ("topic", "rank", "term", "weight"),
       "top terms per topic"),
    _a("topic_labels", "topic_labels.csv", "02_topics", "table", ("topic", "label", "top_terms"),
       "one label per topic, with its top terms and scores"),
    _a("distinctive_terms", "distinctive_terms.csv", "02_topics", "table",
       ("topic", "rank", "term", "weight", "relevance"), "terms ranked by relevance per topic"),
    _a("unit_topics", "unit_topics.csv", "02_topics", "table", ("unit_id", "dominant_topic"),
       "topic shares per unit (one column topic_<t> per topic)"),
    _a("representative_units", "representative_units.csv", "02_topics", "table", ("topic", "rank", "unit_id", "share"),
       "the units most typical of each topic"),
    _a("topic_map", "topic_map.csv", "02_topics", "table", ("topic", "x", "y", "prevalence"),
       "topic positions in 2-D"),
    _a("topic_effects", "topic_effects.csv", "02_topics", "table", ("topic", "group", "time", "share", "low", "high"),
       "expected topic share over time per group (topic_effects), with bootstrap intervals"),
    _a("topic_effect_differences", "topic_effect_differences.csv", "02_topics", "table",
       ("topic", "group", "reference", "difference", "low", "high"),
       "each group's difference in expected topic share from the reference group, with bootstrap intervals"),
    _a("topic_prevalence", "topic_prevalence_{by}.csv", "02_topics", "table",
       ("topic", "prevalence", "lower", "upper", "n_units"),
       "topic shares by a metadata column (the first column), with bootstrap intervals"),
    # 03_stance
    _a("scaling_words", "scaling_words.csv", "03_stance", "table", ("rank", "word", "polarity", "count", "seed"),
       "the most polar words of corpus scaling: the most positive (rank 1, 2, ...), then the most negative"),
    _a("stance_triples", "stance_triples.csv", "03_stance", "table",
       ("holder", "holder_source", "target", "level", "unit_id", "sentence", "context"),
       "one row per (sentence, holder, target): the stance toward the target, one polarity_<source> column per "
       "polarity source"),
    _a("stance_profiles", "stance_profiles.csv", "03_stance", "table", ("holder",),
       "holder x target profiles, wide: <measure>:<target> columns"),
    _a("stance_profiles_long", "stance_profiles_long.csv", "03_stance", "table",
       ("holder", "target", "level", "n_sentences", "salience"),
       "holder x target profiles, long: polarity_, ci_low_, ci_high_ (and n_) per polarity source"),
    # Two clusterings: holders by their profiles (clusters H1, H2, ...) and units by their stance vectors (U1, ...).
    _a("holder_clusters", "holder_clusters.csv", "03_stance", "table",
       ("holder", "algorithm", "cluster", "cluster_name", "distance"),
       "holder clusters (H1, H2, ...): one row per holder and algorithm"),
    _a("holder_cluster_scores", "holder_cluster_scores.csv", "03_stance", "table", _CLUSTER_SCORES,
       "how each clustering of holders (holder clusters) scored per k"),
    _a("holder_cluster_quotes", "holder_cluster_quotes.csv", "03_stance", "table", _CLUSTER_QUOTES,
       "the sentences most typical of each holder cluster"),
    _a("holder_map_positions", "holder_map_positions.csv", "03_stance", "table",
       ("holder", "axis1", "axis1_low", "axis1_high", "axis1_share_negative", "axis2", "axis2_low", "axis2_high",
        "resampled", "n_resampled"),
       "each holder's place on the holder map's two axes, with 95% bootstrap intervals over its units"),
    _a("holder_cluster_validation", "holder_cluster_validation.csv", "03_stance", "table",
       ("algorithm", "n", "n_clusters", "n_classes", "ari", "nmi", "purity"),
       "holder clusters scored against a label column"),
    _a("unit_clusters", "unit_clusters.csv", "03_stance", "table",
       ("unit_id", "algorithm", "cluster", "cluster_name", "distance"),
       "unit clusters (U1, U2, ...): one row per unit and algorithm"),
    _a("unit_cluster_scores", "unit_cluster_scores.csv", "03_stance", "table", _CLUSTER_SCORES,
       "how each clustering of units (unit clusters) scored per k"),
    _a("unit_cluster_keywords", "unit_cluster_keywords.csv", "03_stance", "table",
       ("cluster", "cluster_name", "rank", "term", "g2", "count_cluster", "count_rest"),
       "keywords of each unit cluster (Dunning G2)"),
    _a("unit_cluster_quotes", "unit_cluster_quotes.csv", "03_stance", "table", _CLUSTER_QUOTES,
       "the sentences most typical of each unit cluster"),
    _a("stance_agreement", "stance_agreement.csv", "03_stance", "table",
       ("codes", "use", "source", "n", "accuracy", "macro_f1", "alpha", "f1_against", "f1_neutral", "f1_for"),
       "agreement of each stance source with each set of hand codes of the run (training codes cross-fitted)"),
    _a("stance_cell_agreement", "stance_cell_agreement.csv", "03_stance", "table",
       ("use", "holder", "target", "n_codes", "code_mean", "model_mean", "gap"),
       "holder x target cells with at least 4 hand codes: the codes' mean against the default's on the same pairs"),
    _a("stance_confusion", "stance_confusion.csv", "03_stance", "table", ("codes", "group", "code", "predicted", "n"),
       "the default stance against each set of hand codes: counts per code and prediction, overall and per target"),
    _a("holder_positions", "holder_positions.csv", "03_stance", "table",
       ("holder", "reference", "position", "rescaled", "n_scored_words"),
       "each holder's Wordscores position on the line fixed by reference_holders"),
    # run records
    _a("inputs", "inputs.json", "00_corpus", "json", (), "input files and their hashes, by stage"),
    _a("params", "params.json", "runner", "record", (), "the run's validated parameters"),
    _a("manifest", "manifest.json", "runner", "record", (), "parameters, packages, inputs and stage times of the run"),
    _a("report", "report.html", "04_report", "html", (), "the run's HTML report"),
)}


def entry(name: str) -> Artefact:
    """The catalog entry called ``name``.

    Raises
    ------
    ParameterError
        For an unknown name, with the nearest known one.

    Examples
    --------
    >>> entry("units").stage
    '00_corpus'
    """
    if name not in CATALOG:
        near = difflib.get_close_matches(str(name), list(CATALOG), n=1)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise ParameterError(f"No artefact called {name!r} in the catalog.{hint}")
    return CATALOG[name]


def path(paths, name: str, **fields: Any) -> Path:
    """The file of artefact ``name`` in a run (see :meth:`Artefact.path`)."""
    return entry(name).path(paths, **fields)


def read(paths, name: str, **fields: Any):
    """Read artefact ``name`` of a run, checking that it exists and has its columns.

    Returns
    -------
    pandas.DataFrame, Dtm or object
        A frame for tables and frames, a :class:`~stancebook.artefacts.Dtm`
        for the DTM, the parsed JSON otherwise.

    Raises
    ------
    StancebookError
        The file is missing (naming the notebook that writes it) or lacks a
        catalogued column.
    """
    art = entry(name)
    file = art.path(paths, **fields)
    if not file.is_file():
        raise StancebookError(f"{file} does not exist: run {art.stage} first "
                              "(or the whole chain with `python -m stancebook run`).")
    if art.kind == "dtm":
        return load_dtm(file)
    if art.kind in ("json", "record"):
        return read_json(file)
    if art.kind == "html":
        return file.read_text(encoding="utf-8")
    frame = read_frame(file) if art.kind == "frame" else pd.read_csv(file)
    require_columns(frame, art.columns, f"{name} ({file.name})",
                    hint=f"Re-run {art.stage}: the file predates the current data contract.",
                    error=StancebookError)
    return frame


def write(obj, paths, name: str, **fields: Any) -> Path:
    """Write artefact ``name`` of a run atomically, checking its catalogued columns first.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    art = entry(name)
    file = art.path(paths, **fields)
    if art.kind == "dtm":
        if not isinstance(obj, Dtm):
            raise ParameterError(f"Artefact {name!r} is a Dtm, got {type(obj).__name__}.")
        return save_dtm(obj, file)
    if art.kind in ("json", "record"):
        return write_json(obj, file)
    if art.kind == "html":
        return write_text(obj, file)
    require_columns(obj, art.columns, name, hint="The stage's output no longer matches stancebook.catalog.",
                    error=StancebookError)
    return write_frame(obj, file) if art.kind == "frame" else write_table(obj, file)
