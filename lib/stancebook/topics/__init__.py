"""Topic models: fit LDA and NMF over a grid of k, score, choose, label, describe.

The stage takes a document-term matrix (units x terms, counts), the term
strings and the unit ids (and, for sliding-window coherence, the tokens
table). It reads them through :mod:`stancebook.catalog` and never imports
another stage, so any sparse count matrix will do.

One module per job:

* :mod:`~stancebook.topics.quality` -- NPMI coherence (gensim's ``c_npmi``),
  exclusivity (FREX), topic diversity, stability across refits;
* :mod:`~stancebook.topics.selection` -- :class:`TopicModelSelection`: the
  grid fitted and scored (what is measured is told there);
* :mod:`~stancebook.topics.rule` -- the grid of k sized to a corpus and the
  rule that keeps one fit (how the choice is made is told there);
* :mod:`~stancebook.topics.fitting` -- one (model, k, seed) fit, all fits in
  parallel, LDA's and NMF's settings;
* :mod:`~stancebook.topics.describe` -- top and distinctive terms, labels,
  unit shares, representative units;
* :mod:`~stancebook.topics.prevalence` -- prevalence by metadata with
  bootstrap intervals;
* :mod:`~stancebook.topics.effects` -- covariate effects (shares regressed on
  a spline of time and a group, STM-style, bootstrap intervals);
* :mod:`~stancebook.topics.vocabulary` -- place and leader names out of the
  topic vocabulary;
* :mod:`~stancebook.topics.passages` -- shares of passages back to units;
* :mod:`~stancebook.topics.mapping` -- the topic map (Jensen-Shannon
  distances, classical scaling);
* :mod:`~stancebook.topics.plots` -- every figure, its size and caption;
* :mod:`~stancebook.topics.workflow` -- the stage of a run: fit, describe and
  write every table (what notebook ``02_topics`` calls).
"""

from stancebook.topics.describe import (
    distinctive_terms,
    representative_units,
    topic_label_table,
    topic_labels,
    topic_terms,
    unit_topic_table,
)
from stancebook.topics.effects import topic_effects
from stancebook.topics.mapping import topic_map
from stancebook.topics.prevalence import topic_prevalence
from stancebook.topics.quality import (
    WindowReference,
    npmi_coherence,
    term_sequences,
    topic_diversity,
    topic_exclusivity,
    topic_stability,
    window_reference,
)
from stancebook.topics.rule import default_k_grid
from stancebook.topics.selection import TopicModelSelection
from stancebook.topics.workflow import TopicsResult, fit_and_describe, selection_from_params

__all__ = [
    "default_k_grid",
    "WindowReference",
    "term_sequences",
    "window_reference",
    "npmi_coherence",
    "topic_diversity",
    "topic_stability",
    "TopicModelSelection",
    "topic_terms",
    "distinctive_terms",
    "topic_labels",
    "topic_label_table",
    "unit_topic_table",
    "representative_units",
    "topic_prevalence",
    "topic_effects",
    "topic_exclusivity",
    "topic_map",
    "plot_model_selection",
    "plot_topic_terms",
    "plot_prevalence",
    "plot_topic_map",
    "plot_effects",
    "effects_caption",
    "model_selection_figure",
    "topic_terms_figure",
    "topic_map_figure",
    "prevalence_figure",
    "prevalence_figure_id",
    "model_selection_caption",
    "prevalence_caption",
    "TopicsResult",
    "selection_from_params",
    "fit_and_describe",
]

# The plot functions are loaded on first use (module-level __getattr__, PEP 562): the worker processes of
# the topic fits import this package and draw nothing, and matplotlib's import cost each of them 0.4 s.
_PLOTS = frozenset({
    "effects_caption",
    "plot_effects",
    "model_selection_caption",
    "model_selection_figure",
    "plot_model_selection",
    "plot_prevalence",
    "plot_topic_map",
    "plot_topic_terms",
    "prevalence_caption",
    "prevalence_figure",
    "prevalence_figure_id",
    "topic_map_figure",
    "topic_terms_figure",
})


def __getattr__(name: str):
    if name in _PLOTS:
        from stancebook.topics import plots

        return getattr(plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
