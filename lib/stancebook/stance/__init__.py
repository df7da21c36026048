"""Stance: who takes which position toward whom, in which words, and which blocs share it.

The stage turns target mentions into stance triples (holder, target, one
polarity per source), aggregates them into holder × target profiles with
bootstrap uncertainty, clusters units or holders by their stance, maps them in
2-D, explains each cluster by its keywords and its most typical sentences, and
scores clusters against a label column when one exists.

Where each job lives:

=====================  ==========================================================
``holders``            who holds a stance: the speaker or a reported actor
``contexts``           the text scored per triple, target mentions masked
``polarity/``          one module per polarity source, and their registry
``triples``            stance triples and target-group rows
``profiles``           holder × target profiles with bootstrap intervals
``features``           unit and holder feature matrices (missingness explicit)
``clustering/``        one module per algorithm, their registry, StanceClustering
``explain``            cluster keywords and typical sentences
``validate``           clusters against known labels (ARI, NMI, purity)
``maps``               the 2-D stance map
``map_intervals``      how firmly the speeches place each holder on the map
``workflow``           what notebook 03 calls: score, cluster, write tables
``plots``              every figure, and the figures of notebook 03
=====================  ==========================================================

**Polarity sources, side by side.** ``polarity_lexicon`` is VADER, an
evaluative lexicon with rules for negation, intensifiers, contrast and
emphasis (:mod:`~stancebook.stance.polarity.lexicon`). ``polarity_scaling``
comes from word vectors learned from the corpus itself and scaled between seed
words of cooperative and hostile relations
(:mod:`~stancebook.stance.polarity.scaling`). They measure different things:
the lexicon reads general evaluative language ("dreadful", "great"), the
scaling reads the corpus's own vocabulary of cooperation and hostility
("unprovoked", "brotherly"). Report both.

**Not mentioned is missing, not neutral.** A holder who never mentions a
target has polarity NaN in its profile; clustering features carry this
missingness in an explicit ``mentioned:<target>`` indicator.

``TRIPLE_COLUMNS`` and ``PROFILE_COLUMNS`` follow the registered polarity
sources; ``SOURCES`` and ``CLUSTER_ALGORITHMS`` are the registries themselves.
"""

from stancebook.stance.clustering import ALGORITHMS as CLUSTER_ALGORITHMS
from stancebook.stance.clustering import SCORE_COLUMNS, ClusterAlgorithm, StanceClustering, register_algorithm
from stancebook.stance.contexts import CONTEXTS, PLACEHOLDER
from stancebook.stance.explain import KEYWORD_COLUMNS, TYPICAL_COLUMNS, cluster_keywords, typical_sentences
from stancebook.stance.features import (
    holder_stance_features,
    profile_features,
    unit_polarity_matrix,
    unit_stance_features,
)
from stancebook.stance.holders import (
    ATTRIBUTION_COLUMNS,
    HOLDER_SOURCES,
    REPORTING_VERBS,
    attribute_sentences,
    display_names,
    holder_aliases,
    holder_attribute,
    holder_names,
    match_holder_targets,
    resolve_holders,
)
from stancebook.stance.map_intervals import MAP_POSITION_COLUMNS, holder_map_intervals
from stancebook.stance.maps import map_axes, stance_map
from stancebook.stance.positions import wordscores
from stancebook.stance.plots import (
    NOTABLE_HOLDERS,
    StanceFigure,
    heatmap_size,
    holder_map_size,
    plot_agreement,
    plot_confusion,
    plot_profile_heatmap,
    plot_source_comparison,
    plot_stance_map,
    plot_word_polarity,
)
from stancebook.stance.stage_figures import (
    holder_figures,
    missing_figures,
    position_figures,
    profile_figures,
    source_figures,
    unit_figures,
    validation_figures,
)
from stancebook.stance.polarity import (
    DEFAULT_NEGATIVE,
    DEFAULT_POSITIVE,
    DOMAIN_NEUTRAL_WORDS,
    SOURCES,
    WORD_TABLE_COLUMNS,
    LatentScaling,
    LexiconPolarity,
    PolaritySource,
    RunSettings,
    register_source,
)
from stancebook.stance.profiles import profile_columns, profile_matrix, profiles_wide, stance_profiles
from stancebook.stance.triples import expand_groups, stance_triples, triple_columns, triple_dtypes
from stancebook.stance.validate import VALIDATION_COLUMNS, validate_clusters
from stancebook.stance.workflow import (
    HolderClusters,
    StanceScores,
    UnitClusters,
    cluster_holders,
    cluster_units,
    holder_positions,
    score_stances,
)

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "CLUSTER_ALGORITHMS",
    "CONTEXTS",
    "DEFAULT_NEGATIVE",
    "DEFAULT_POSITIVE",
    "DOMAIN_NEUTRAL_WORDS",
    "HOLDER_SOURCES",
    "KEYWORD_COLUMNS",
    "NOTABLE_HOLDERS",
    "PLACEHOLDER",
    "PROFILE_COLUMNS",
    "REPORTING_VERBS",
    "SCORE_COLUMNS",
    "SOURCES",
    "TRIPLE_COLUMNS",
    "TYPICAL_COLUMNS",
    "VALIDATION_COLUMNS",
    "WORD_TABLE_COLUMNS",
    "ClusterAlgorithm",
    "HolderClusters",
    "LatentScaling",
    "LexiconPolarity",
    "PolaritySource",
    "RunSettings",
    "StanceClustering",
    "StanceFigure",
    "StanceScores",
    "UnitClusters",
    "attribute_sentences",
    "cluster_holders",
    "cluster_keywords",
    "cluster_units",
    "expand_groups",
    "heatmap_size",
    "holder_aliases",
    "holder_attribute",
    "holder_figures",
    "holder_map_size",
    "display_names",
    "holder_names",
    "holder_stance_features",
    "match_holder_targets",
    "plot_confusion",
    "plot_profile_heatmap",
    "plot_source_comparison",
    "plot_stance_map",
    "plot_word_polarity",
    "profile_columns",
    "profile_features",
    "profile_figures",
    "profile_matrix",
    "profiles_wide",
    "register_algorithm",
    "register_source",
    "resolve_holders",
    "score_stances",
    "source_figures",
    "stance_map",
    "map_axes",
    "holder_map_intervals",
    "MAP_POSITION_COLUMNS",
    "stance_profiles",
    "stance_triples",
    "triple_columns",
    "triple_dtypes",
    "typical_sentences",
    "unit_figures",
    "validation_figures",
    "missing_figures",
    "position_figures",
    "holder_positions",
    "wordscores",
    "plot_agreement",
    "unit_polarity_matrix",
    "unit_stance_features",
    "validate_clusters",
]

# Derived from the polarity registry on every access, so a source registered
# later shows in them (module-level __getattr__, PEP 562).
_DERIVED = {"TRIPLE_COLUMNS": triple_columns, "PROFILE_COLUMNS": profile_columns}


def __getattr__(name: str):
    if name in _DERIVED:
        return _DERIVED[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
