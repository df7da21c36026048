"""Run parameters: one declared list, validated before anything runs.

A run is a name plus parameters from a YAML file and ``--set key=value``
overrides. Unknown keys, wrong types and impossible values are refused with
a message naming the key (and the nearest valid key for a misspelling).
"""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import ParameterError

_RUN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SCHEDULER = re.compile(r"(tcp|tls)://[^\s/:]+:\d+/?")


@dataclass(frozen=True)
class Param:
    """One declared parameter: its type, default, allowed values and help."""

    name: str
    kind: type
    default: Any
    help: str
    choices: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    item_kind: type | None = None
    item_choices: tuple = ()
    check: Callable[[Any], str] | None = field(default=None, compare=False)


def _run_name(value: str) -> str:
    return "" if _RUN_NAME.fullmatch(value) else "letters, digits, '-', '_' or '.', starting with a letter or digit"


def _encoding(value: str) -> str:
    try:
        codecs.lookup(value)
    except LookupError:
        return "a text encoding Python knows, such as utf-8, latin-1 or cp1252"
    return ""


def _numbers(value: dict) -> str:
    bad = [k for k, v in value.items() if isinstance(v, bool) or not isinstance(v, (int, float))]
    return f"a number for every holder (not {bad[0]!r})" if bad else ""


def _n_jobs(value: int) -> str:
    return "" if value != 0 else "a positive number of worker processes, or -1 for every core (0 runs nothing)"


def _scheduler(value: str) -> str:
    return "" if not value or _SCHEDULER.fullmatch(value) else (
        "tcp://host:port or tls://host:port (what `dask scheduler` prints), or empty for a LocalCluster")


PARAMETERS: tuple[Param, ...] = (
    Param("run", str, "seeds", "run name: artefacts go to runs/<run>/, figures to figures/<run>/", check=_run_name),
    # corpus
    Param("corpus_path", str, "seeds", "folder or table file of the corpus (relative paths: working directory, then repository root)"),
    Param("corpus_format", str, "auto", "how to read corpus_path: auto, or a registered corpus format (ungdc, folder, "
          "csv, tsv, jsonl, parquet, ...)"),
    Param("text_column", str, "text", "column holding the text (table corpora)"),
    Param("id_column", str, "", "column holding document ids (table corpora); empty = row numbers"),
    Param("metadata_file", str, "", "metadata table beside a folder corpus; empty = metadata.csv if present"),
    Param("file_column", str, "file", "folder corpora: the metadata column naming each document's file (with or "
          "without its .txt/.md extension)"),
    Param("encoding", str, "utf-8", "text encoding of the corpus files (utf-8, latin-1, cp1252, ...); a byte-order "
          "mark (UTF-8, UTF-16) is recognised by itself", check=_encoding),
    Param("unit", str, "document", "unit of analysis", choices=("document", "paragraph", "sentence")),
    Param("holder_column", str, "", "metadata column naming who speaks in a unit; empty = 'author'"),
    Param("year_column", str, "year", "metadata column with the year, for year filters"),
    Param("date_column", str, "", "metadata column of ISO dates (YYYY-MM-DD) from which year_column is derived; "
          "empty = 'date' when the corpus has a date column and no year_column"),
    Param("year_min", int, 0, "keep documents from this year on; 0 = no lower bound", minimum=0),
    Param("year_max", int, 0, "keep documents up to this year; 0 = no upper bound", minimum=0),
    Param("actors", list, [], "keep only documents whose holder_column is one of these; empty = all", item_kind=str),
    Param("countries", list, [], "UN General Debate corpus: keep only these ISO3 country codes; empty = all", item_kind=str),
    Param("max_document_chars", int, 5_000_000, "longest document accepted, in characters; a longer one stops the "
          "run at stage 0 with its name (split it into files, or raise this if memory allows)", minimum=1000),
    Param("on_problem", str, "stop", "empty or undecodable documents: stop the run, or skip them and report", choices=("stop", "skip")),
    # tokenise
    Param("stopwords_extra", list, [], "additional stopwords (lower case)", item_kind=str),
    Param("domain_stopwords", bool, True, "also drop speech furniture (excellency, distinguished, ...)"),
    Param("actor_dictionary", str, "", "YAML actor dictionary replacing the shipped one; empty = shipped"),
    Param("actor_dictionary_extend", str, "", "YAML actor dictionary whose targets add to the shipped ones"),
    Param("min_df", int, 1, "drop terms found in fewer units", minimum=1),
    Param("max_df", float, 1.0, "drop terms found in a larger share of units", minimum=0.0, maximum=1.0),
    Param("keep_tokens", bool, True, "keep the table of every token (needed for collocations and window coherence; "
          "several GB on a large corpus)"),
    Param("collocation_min_count", int, 2, "minimum count of a bigram to be proposed as a collocation", minimum=1),
    Param("collocations_as_terms", bool, False, "merge the top collocations into multiword terms of the DTM"),
    Param("keyness_target", str, "", "keyness figure: units mentioning this target against the rest; empty = the most mentioned target"),
    Param("n_top_terms", int, 20, "terms shown in top-term and keyness figures", minimum=1, maximum=200),
    # topics
    Param("topic_models", list, ["lda", "nmf"], "topic model families compared", item_kind=str, item_choices=("lda", "nmf")),
    Param("k_grid", list, [], "numbers of topics compared; empty = sized to the corpus", item_kind=int),
    Param("n_topics", int, 0, "force this number of topics; 0 = choose by model selection", minimum=0),
    Param("topic_seeds", int, 3, "fits per model and k with different seeds, for stability", minimum=1),
    Param("topic_stability_sample", float, 0.8, "share of units each stability refit draws; 1 = all units",
          minimum=0.01, maximum=1.0),
    Param("topic_fit_units", int, 50_000, "fit topic models on a seeded random sample of this many units (passages) "
          "when the corpus has more, then give every unit its shares; 0 = fit on every unit", minimum=0),
    Param("topic_min_stability", float, 0.8, "mean matched cosine across refits a fit needs to count as stable",
          minimum=0.0, maximum=1.0),
    Param("topic_coherence", str, "document", "NPMI reference: co-occurrence in the same unit, or in sliding windows",
          choices=("document", "window")),
    Param("topic_window", int, 10, "sliding window length for topic_coherence 'window'", minimum=2),
    Param("topic_holdout", float, 0.2, "share of units held out for LDA perplexity", minimum=0.0, maximum=0.9),
    Param("lda_alpha", float, 0.1, "LDA document-topic prior", minimum=0.0),
    Param("lda_eta", float, 0.01, "LDA topic-word prior", minimum=0.0),
    Param("relevance_lambda", float, 0.6, "weight of probability against distinctiveness in topic labels (LDAvis)",
          minimum=0.0, maximum=1.0),
    Param("prevalence_by", list, ["year"], "metadata columns to show topic prevalence by; absent ones are skipped",
          item_kind=str),
    Param("n_top_words", int, 10, "top words per topic for coherence and labels", minimum=2, maximum=50),
    Param("topic_unit", str, "document", "what topics are fitted on: whole units, or passages of "
          "topic_passage_words words (shares averaged back to the units); passage suits long documents",
          choices=("document", "passage")),
    Param("topic_passage_words", int, 150, "words per passage when topic_unit is 'passage'", minimum=20),
    Param("topic_effects", str, "", "covariate effects on topic shares, 'time + group' (e.g. 'year + region'): "
          "a spline of time and the groups, with bootstrap intervals; empty = none"),
    Param("topic_exclude_names", bool, False, "keep place names, demonyms, capitals and leaders out of the topic "
          "vocabulary (they stay in the DTM for mentions and stance)"),
    # stance
    Param("stance_context", str, "sentence", "context scored for polarity toward a target", choices=("sentence", "window")),
    Param("stance_window", int, 10, "words either side of a mention when stance_context is 'window'", minimum=1),
    Param("reported_speech", bool, True, "attribute sentences reporting an actor's words or acts (Kim vowed ...) to that actor"),
    Param("reporting_verbs", list, [], "verbs that report words or acts; empty = the shipped list", item_kind=str),
    Param("reporting_verb_window", int, 6, "words allowed between a reported actor and its verb", minimum=1),
    Param("lexicon_neutral", list, ["security", "united", "interests", "interest", "defence", "defense"],
          "lexicon words that name a policy domain rather than evaluate; scored neutral", item_kind=str),
    Param("stance_frames", str, "", "YAML of stance frames replacing the shipped ones; empty = shipped "
          "(resources/data/stance_frames.yaml)"),
    Param("stance_frames_extend", str, "", "YAML of stance frames added to the shipped ones (same id replaces)"),
    Param("stance_evidence", list, ["coded", "frames", "clause"], "polarity sources deciding the default stance, "
          "first with a score wins (coded, frames, learned, clause, lexicon, scaling); coded scores only with "
          "enough stance_codes", item_kind=str),
    Param("stance_neutral_band", float, 0.5, "a continuous score within this distance of 0 is neutral",
          minimum=0.0, maximum=1.0),
    Param("stance_codes", list, [], "CSVs of hand codes (python -m stancebook sample writes one to fill in): the "
          "coded source trains on them, cross-fitted, and every source's agreement with each file is reported",
          item_kind=str),
    Param("stance_test_codes", list, [], "CSVs of hand codes only reported, never trained on (an honest test)",
          item_kind=str),
    Param("stance_use_codes", bool, True, "pairs coded in stance_codes take their code as their default stance in "
          "profiles and maps (the agreement is always the model's, cross-fitted); never stance_test_codes"),
    Param("coded_min_codes", int, 100, "hand codes needed before the coded source trains on them", minimum=10),
    Param("stance_groups", bool, True, "also report stances toward target groups (the West = US, NATO, EU, ...)"),
    Param("scaling_positive", list, [], "seed words of the positive stance pole (a trailing * matches any ending); empty = shipped",
          item_kind=str),
    Param("scaling_negative", list, [], "seed words of the negative stance pole; empty = shipped", item_kind=str),
    Param("scaling_window", int, 5, "co-occurrence window of the corpus word vectors, in content words", minimum=1),
    Param("scaling_dimensions", int, 200, "dimensions of the corpus word vectors (truncated SVD of PPMI)", minimum=2),
    Param("scaling_min_count", int, 5, "words seen fewer times get no vector", minimum=1),
    Param("scaling_min_tokens", int, 5000, "below this many content tokens, scaling falls back as scaling_fallback says",
          minimum=0),
    Param("scaling_fallback", str, "seeds", "too little text for word vectors: score seed words only, or give no score",
          choices=("seeds", "nan")),
    Param("cluster_source", str, "stance", "polarity source of the main clustering (a registered source: lexicon, "
          "scaling, ...)"),
    Param("reference_holders", dict, {}, "holders that fix a position line, e.g. {USA: 1, RUS: -1}: every holder is "
          "placed on it by the words it uses (Wordscores); empty = no positions", check=_numbers),
    Param("cluster_missing", str, "shrink", "targets a holder rarely or never mentions: shrink its position toward "
          "the target's mean by how much it says, or add a mentioned/not-mentioned column per target (indicator)",
          choices=("shrink", "indicator")),
    Param("cluster_centre", str, "holder", "holder: compare holders by whom they favour, each holder's positions minus "
          "its mean over the targets (its overall tone); none: raw positions", choices=("holder", "none")),
    Param("cluster_algorithms", list, ["kmeans", "agglomerative", "gmm", "hdbscan"],
          "clustering algorithms compared (registered algorithms)", item_kind=str),
    Param("cluster_resamples", int, 20, "bootstrap resamples for the stability of each k", minimum=2),
    Param("cluster_min_stability", float, 0.6, "mean ARI across resamples a k needs to count as stable",
          minimum=0.0, maximum=1.0),
    Param("hdbscan_min_cluster_size", int, 0, "HDBSCAN's smallest cluster; 0 = max(3, n/20)", minimum=0),
    Param("region_column", str, "region", "metadata column grouping holders in figures (colours, row groups); ignored when absent"),
    Param("label_column", str, "", "metadata column with known groups of holders, to validate the clusters"),
    Param("n_clusters", int, 0, "force this number of clusters; 0 = choose by silhouette", minimum=0),
    Param("n_boot", int, 1000, "bootstrap resamples for confidence intervals", minimum=100),
    # shared
    Param("random_state", int, 0, "seed of every random choice", minimum=0),
    Param("n_jobs", int, 1, "parallel workers; -1 = all cores", minimum=-1, check=_n_jobs),
    Param("engine", str, "local", "where per-chunk work of corpus, tokenise and stance runs: local processes "
          "(n_jobs), or a Dask cluster (dask_scheduler)", choices=("local", "dask")),
    Param("dask_scheduler", str, "", "engine dask: address of an existing scheduler, such as tcp://host:8786; "
          "empty = a LocalCluster of n_jobs single-threaded worker processes", check=_scheduler),
    Param("title", str, "", "report title; empty = derived from the run name"),
)

SPEC: dict[str, Param] = {param.name: param for param in PARAMETERS}


def defaults() -> dict[str, Any]:
    """Return every parameter's default value.

    Returns
    -------
    dict
        ``{name: default}`` in declaration order (lists and mappings are fresh copies).
    """
    return {name: (type(p.default)(p.default) if isinstance(p.default, (list, dict)) else p.default)
            for name, p in SPEC.items()}


def _nearest(key: str) -> str:
    match = difflib.get_close_matches(key, SPEC, n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else f"; valid keys: {', '.join(SPEC)}"


def _coerce(param: Param, value: Any, source: str) -> Any:
    where = f"parameter '{param.name}'{source}"
    if param.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false", "yes", "no", "1", "0"}:
            return value.lower() in {"true", "yes", "1"}
        raise ParameterError(f"{where}: expected true or false, got {value!r}.")
    if param.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
                return int(value)
            raise ParameterError(f"{where}: expected a whole number, got {value!r}.")
        return value
    if param.kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ParameterError(f"{where}: expected a number, got {value!r}.") from None
        return float(value)
    if param.kind is str:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ParameterError(f"{where}: expected text, got {value!r}.")
        return str(value)
    if param.kind is list:
        if isinstance(value, str):
            value = _parse_flow(value, where, "[") if value.strip().startswith("[") else [
                v for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ParameterError(f"{where}: expected a list, got {value!r}.")
        item = Param(f"{param.name} item", param.item_kind or str, None, "")
        return [_coerce(item, v.strip() if isinstance(v, str) else v, source) for v in value]
    if param.kind is dict:
        if isinstance(value, str):
            value = _parse_flow(value, where, "{") if value.strip() else {}
        if not isinstance(value, dict):
            raise ParameterError(f"{where}: expected a mapping such as {{USA: 1, RUS: -1}}, got {value!r}.")
        return dict(value)
    raise ParameterError(f"{where}: unsupported type.")  # pragma: no cover


def _parse_flow(text: str, where: str, opener: str) -> Any:
    """A YAML flow list or mapping typed on the command line, or an error naming the parameter."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        closer = "]" if opener == "[" else "}"
        raise ParameterError(f"{where}: {text!r} is not a valid {'list' if opener == '[' else 'mapping'} "
                             f"(write it as {opener}a, b{closer}; {str(exc).splitlines()[0]}).") from None


def _check(param: Param, value: Any, source: str) -> None:
    where = f"parameter '{param.name}'{source}"
    if param.choices and value not in param.choices:
        raise ParameterError(f"{where}: {value!r} is not one of {', '.join(map(repr, param.choices))}.")
    if param.minimum is not None and value < param.minimum:
        raise ParameterError(f"{where}: {value!r} is below the minimum {param.minimum}.")
    if param.maximum is not None and value > param.maximum:
        raise ParameterError(f"{where}: {value!r} is above the maximum {param.maximum}.")
    if param.item_choices:
        bad = [v for v in value if v not in param.item_choices]
        if bad:
            raise ParameterError(
                f"{where}: {', '.join(map(repr, bad))} not allowed; choose from {', '.join(map(repr, param.item_choices))}."
            )
    if param.check is not None:
        problem = param.check(value)
        if problem:
            raise ParameterError(f"{where}: {value!r} is invalid: expected {problem}.")


def validate(values: dict[str, Any], *, source: str = "") -> dict[str, Any]:
    """Validate parameters and fill in defaults.

    Parameters
    ----------
    values : dict
        Parameters given by the user (a subset of the declared keys).
    source : str, optional
        Where the values came from, named in errors (e.g. ``"in runs.yaml"``).

    Returns
    -------
    dict
        Every declared parameter, validated, in declaration order.

    Raises
    ------
    ParameterError
        On an unknown key (with the nearest valid key), a wrong type or an
        impossible value, naming the key.

    Examples
    --------
    >>> validate({"n_topics": "3"})["n_topics"]
    3
    """
    suffix = f" ({source})" if source else ""
    unknown = [key for key in values if key not in SPEC]
    if unknown:
        key = unknown[0]
        raise ParameterError(f"unknown parameter '{key}'{suffix}{_nearest(key)}")
    result = defaults()
    for key, value in values.items():
        param = SPEC[key]
        coerced = _coerce(param, value, suffix)
        _check(param, coerced, suffix)
        result[key] = coerced
    if result["year_min"] and result["year_max"] and result["year_min"] > result["year_max"]:
        raise ParameterError(f"parameters 'year_min' and 'year_max'{suffix}: year_min {result['year_min']} is after year_max {result['year_max']}.")
    if result["actors"] and not result["holder_column"]:
        raise ParameterError(f"parameter 'actors'{suffix}: filtering by actors needs 'holder_column', "
                             "the metadata column that names them.")
    if result["topic_coherence"] == "window" and not result["keep_tokens"]:
        raise ParameterError(f"parameter 'topic_coherence'{suffix}: 'window' coherence needs the token table; "
                             "set keep_tokens: true or topic_coherence: document.")
    if result["topic_coherence"] == "window" and result["topic_unit"] == "passage":
        raise ParameterError(f"parameter 'topic_coherence'{suffix}: 'window' coherence is counted over the units' "
                             "tokens and cannot score topics fitted on passages; set topic_coherence: document "
                             "or topic_unit: document.")
    if result["topic_effects"] and [bool(p.strip()) for p in result["topic_effects"].split("+")] != [True, True]:
        raise ParameterError(f"parameter 'topic_effects'{suffix}: expected 'time + group', e.g. 'year + region', "
                             f"got {result['topic_effects']!r}.")
    if any(k < 2 for k in result["k_grid"]):
        raise ParameterError(f"parameter 'k_grid'{suffix}: every number of topics must be at least 2.")
    if not result["topic_models"]:
        raise ParameterError(f"parameter 'topic_models'{suffix}: name at least one of 'lda', 'nmf'.")
    if result["dask_scheduler"] and result["engine"] != "dask":
        raise ParameterError(f"parameter 'dask_scheduler'{suffix}: {result['dask_scheduler']!r} is set but engine "
                             f"is {result['engine']!r}; set engine: dask to use it, or leave dask_scheduler empty.")
    if not result["cluster_algorithms"]:
        raise ParameterError(f"parameter 'cluster_algorithms'{suffix}: name at least one algorithm.")
    return result


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """Split ``key=value`` strings from the command line, keeping every value as typed.

    Values stay strings here; :func:`validate` reads each one by its
    parameter's declared type, so ``title=Report #3`` keeps the whole title,
    ``run=010`` stays ``"010"`` and ``k_grid=[2, 4]`` becomes a list.

    Examples
    --------
    >>> parse_overrides(["n_topics=3", "title=Report #3 on Russia"])
    {'n_topics': '3', 'title': 'Report #3 on Russia'}
    """
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--set {pair!r}: expected key=value, e.g. --set n_topics=3.")
        result[key.strip()] = raw.strip()
    return result


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key written twice in one mapping (YAML itself keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ParameterError(f"the key {key!r} is written twice (line {key_node.start_mark.line + 1}); "
                                     "keep one.")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_params(path: str | Path | None = None, overrides: list[str] | None = None) -> dict[str, Any]:
    """Read a YAML parameter file, apply ``key=value`` overrides, validate.

    Parameters
    ----------
    path : str or Path, optional
        A YAML mapping of parameters; ``None`` means defaults only.
    overrides : list of str, optional
        ``key=value`` strings that win over the file.

    Returns
    -------
    dict
        The validated parameters.
    """
    values: dict[str, Any] = {}
    source = ""
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise ParameterError(f"parameter file {path} does not exist.")
        try:
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
        except yaml.YAMLError as exc:
            raise ParameterError(f"parameter file {path} is not valid YAML: {exc}") from None
        except ParameterError as exc:
            raise ParameterError(f"parameter file {path}: {exc}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ParameterError(f"parameter file {path} must be a mapping of key: value lines.")
        values.update(loaded)
        source = f"in {path.name}"
    cli = parse_overrides(overrides or [])
    validate(cli, source="from --set")
    values.update(cli)
    return validate(values, source=source)
