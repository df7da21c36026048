"""Fitting the grid: the data every fit shares, one (model, k, seed) fit, all fits in parallel.

:class:`~stancebook.topics.TopicModelSelection` prepares the matrices once
(:class:`FitData`), plans one job per (model, k, seed) with :func:`plan_jobs`,
runs them with :func:`fit_grid` (each job is :func:`fit_one`) and tabulates
the measures of every (model, k) with :func:`score_table`.

Defaults for LDA
----------------
scikit-learn's ``LatentDirichletAllocation`` (batch variational Bayes, 50
iterations, at most 20 inner updates per unit and iteration) with priors
``alpha = 0.1`` (``doc_topic_prior``) and ``eta = 0.01``
(``topic_word_prior``), the defaults of tomotopy: scikit-learn's own ``1/k``
priors give flatter topics. On the UN General Debate speeches 2010-2024
(2,903 speeches, 15,982 terms, k = 20) these settings reach a mean
sliding-window NPMI (window 10) of 0.070 against tomotopy's 0.076 (1,000
Gibbs sweeps) and the same unit-level NPMI (0.154 and 0.155); online
variational Bayes with the same priors (10 passes) reached -0.034, which is
why it is not the default even on large corpora.

NMF is scikit-learn's ``NMF`` (Frobenius loss, ``init="nndsvda"``) on the
tf-idf weighted, L2 row-normalised matrix: on raw counts the Frobenius loss
is dominated by long units and the most frequent words. The matrix is in
single precision (float32), which scikit-learn's solver keeps: on the UN
speeches of 2014-2024 (28,706 passages, 14,032 terms, k = 10 to 30) the
fits took about three quarters of the CPU time of double precision, the
same model was chosen, and every top word, label and representative unit
was the same (scores and shares equal to 2e-5; one stability score of
five moved by 2e-4).

Stability refits of NMF (on a sample of the units) stop after at most
:data:`REFIT_MAX_ITER_NMF` iterations: a refit is only matched against the
kept fit, and its topics have formed long before the solver's tolerance is
met. On the UN speeches of 2014-2024 one refit of 15 reached the cap (k = 30;
13.3 s at 500 iterations, 8.3 s at 300), its stability moved from 0.884 to
0.866, every other score and the chosen model stayed the same, and the topic
stage took 28.0 s instead of 30.5 s. A capped refit can only look less like
the kept fit, so the cap errs toward calling a k unstable.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from stancebook.errors import DataTooSmallWarning, ParameterError
from stancebook.progress import bar
from stancebook.topics._common import DECIMALS, MODEL_NAMES, normalise_rows, top_indices
from stancebook.topics.quality import (
    WindowReference,
    npmi_coherence,
    term_sequences,
    topic_diversity,
    topic_exclusivity,
    match_topics,
    topic_stability,
    window_reference,
)
from stancebook.workers import n_workers

# Defaults when max_iter is None: batch LDA has no early stop without the
# (costly) per-iteration perplexity, so it gets a fixed budget (passes over
# the data for online LDA); NMF stops on tol.
DEFAULT_MAX_ITER = {"lda": 50, "lda_online": 10, "nmf": 500}
REFIT_MAX_ITER_NMF = 300  # stability refits of NMF (see the module docstring)
_ONLINE_BATCH_SIZE = 256
# Inner (per-unit) variational updates per LDA iteration: scikit-learn's 100
# costs 2.5x the time for no measurable gain in coherence (see module docstring).
_LDA_DOC_ITER = 20
MIN_HOLDOUT_UNITS = 20


@dataclass(frozen=True)
class Settings:
    """How every fit of a grid is made (the same for all jobs)."""

    n_top: int
    max_iter_lda: int
    max_iter_nmf: int
    lda_method: str
    doc_topic_prior: float | None
    topic_word_prior: float | None


class FitData(NamedTuple):
    """The matrices every fit shares (joblib memory-maps them once for all workers).

    ``counts`` and ``tfidf`` hold the units with terms and the terms that
    occur; ``reference`` is the coherence reference over the same units and
    terms; ``train`` and ``test`` index the units of the held-out split.
    """

    counts: object
    tfidf: object
    reference: object
    train: np.ndarray
    test: np.ndarray


@dataclass
class Fit:
    """What one job returns; the ``"main"`` fit keeps its estimator and scores, a ``"seed"`` fit its estimator."""

    model_name: str
    k: int
    seed_index: int
    role: str  # "main" (scored and kept), "seed" (stability), "heldout" (perplexity)
    estimator: object = None
    topic_word: np.ndarray | None = None
    unit_topic: np.ndarray | None = None
    top_indices: np.ndarray | None = None
    npmi_per_topic: np.ndarray | None = None
    exclusivity_per_topic: np.ndarray | None = None
    overlap: float = float("nan")
    diversity: float = float("nan")
    perplexity: float = float("nan")
    converged: bool = True
    seconds: float = 0.0


def make_estimator(model_name, k, seed, settings: Settings, *, random_init: bool, refit: bool = False):
    """A scikit-learn LDA or NMF with the grid's settings (see the module docstring).

    ``refit``: a stability refit on a sample, whose NMF stops after at most
    :data:`REFIT_MAX_ITER_NMF` iterations.
    """
    if model_name == "lda":
        extra = {"batch_size": _ONLINE_BATCH_SIZE} if settings.lda_method == "online" else {}
        return LatentDirichletAllocation(
            n_components=k,
            learning_method=settings.lda_method,
            doc_topic_prior=settings.doc_topic_prior,
            topic_word_prior=settings.topic_word_prior,
            random_state=seed,
            max_iter=settings.max_iter_lda,
            max_doc_update_iter=_LDA_DOC_ITER,
            **extra,
        )
    return NMF(
        n_components=k,
        init="random" if random_init else "nndsvda",
        beta_loss="frobenius",
        random_state=seed,
        max_iter=min(settings.max_iter_nmf, REFIT_MAX_ITER_NMF) if refit else settings.max_iter_nmf,
    )


def fit_one(model_name, k, seed_index, role, seed, data: FitData, settings: Settings, *, rows=None) -> Fit:
    """Fit one (model, k, seed) and score it when it is the kept ("main") fit.

    One BLAS thread per fit: results must not depend on how many fits run
    side by side (n_jobs), and the parallelism is across fits anyway.
    Convergence warnings are caught here (they would be lost in joblib
    workers) and reported once, in the parent, by
    :meth:`TopicModelSelection.fit <stancebook.topics.TopicModelSelection.fit>`.
    """
    started = time.perf_counter()
    counts, tfidf, reference, train, test = data
    result = Fit(model_name=model_name, k=k, seed_index=seed_index, role=role)
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        # A refit on all units needs another start to be informative; a refit on a sample does not.
        estimator = make_estimator(model_name, k, seed, settings, random_init=seed_index > 0 and rows is None,
                                   refit=rows is not None)
        if rows is not None:  # a refit on a sample: copy only the rows of the matrix this model reads
            counts, tfidf = (counts[rows], None) if model_name == "lda" else (None, tfidf[rows])
        if role == "heldout":
            estimator.fit(counts[train])
            result.perplexity = float(estimator.perplexity(counts[test]))
        elif model_name == "lda":
            estimator.fit(counts)
            unit_topic = estimator.transform(counts) if role == "main" else None
        else:
            unit_topic = estimator.fit_transform(tfidf)
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            warnings.warn(w.message, w.category, stacklevel=2)
    result.converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    if role != "heldout":
        result.topic_word = normalise_rows(estimator.components_)
        # A refit's estimator gives every unit's shares under it (refit_shares), should its k be chosen.
        result.estimator = estimator
    if role == "main":
        top = top_indices(result.topic_word, settings.n_top)
        result.unit_topic = normalise_rows(unit_topic)
        result.top_indices = top
        result.npmi_per_topic = npmi_coherence(top, reference)
        result.diversity = topic_diversity(top)
        result.exclusivity_per_topic = topic_exclusivity(result.topic_word, n_top=settings.n_top)
        result.overlap = top_word_overlap(top)
    result.seconds = time.perf_counter() - started
    return result


def plan_jobs(models, k_values, n_seeds: int, *, heldout: bool) -> list[tuple[str, int, int, str]]:
    """One ``(model, k, seed_index, role)`` per fit: the kept fit, the stability refits, LDA's held-out fit."""
    jobs = []
    for m in models:
        for k in k_values:
            for s in range(n_seeds):
                jobs.append((m, k, s, "main" if s == 0 else "seed"))
            if m == "lda" and heldout:
                jobs.append((m, k, 0, "heldout"))
    return jobs


def stability_rows(n_units: int, k: int, seed_index: int, role: str, *, sample: float,
                   random_state: int) -> np.ndarray | None:
    """The units of a stability refit: None (all) for the other fits or a sample of 1."""
    if role != "seed" or sample >= 1:
        return None
    # The same permutation for every k and family of a seed, so refits are comparable across the grid;
    # never fewer units than a k-topic fit needs.
    permutation = np.random.default_rng(random_state + seed_index).permutation(n_units)
    size = min(n_units, max(int(round(sample * n_units)), k + 1))
    return np.sort(permutation[:size])


def fit_grid(jobs, data: FitData, settings: Settings, *, random_state: int, stability_sample: float,
             n_jobs) -> list[Fit]:
    """Run every job with joblib and return the fits in the order of ``jobs``.

    The seed of a job is ``random_state + seed_index``; the results do not
    depend on ``n_jobs``.
    """
    n_units = data.counts.shape[0]
    # Largest fits first, so that the last fits to finish are short ones.
    order = sorted(range(len(jobs)), key=lambda i: (-jobs[i][1], jobs[i][0] != "lda", i))
    # return_as="generator" yields the fits in order as they finish, so the bar moves during the grid
    results = list(bar(Parallel(n_jobs=n_jobs, return_as="generator")(
        delayed(fit_one)(*jobs[i][:3], jobs[i][3], random_state + jobs[i][2], data, settings,
                         rows=stability_rows(n_units, jobs[i][1], jobs[i][2], jobs[i][3],
                                             sample=stability_sample, random_state=random_state))
        for i in order
    ), desc="topic fits", total=len(jobs), unit="fit"))
    fits = [None] * len(jobs)
    for i, result in zip(order, results):
        fits[i] = result
    return fits


def refit_shares(main: Fit, refits: list[Fit], data: FitData, *, n_jobs) -> list[np.ndarray]:
    """Every unit's shares under each refit, its topics in the order of the kept fit's.

    ``data`` holds the units to give shares to: the fitted units, or every
    unit with terms when the models were fitted on a sample. The refits
    (fitted on samples of the units) give shares to every unit
    with their ``transform``; their topics are matched to the kept fit's by
    :func:`~stancebook.topics.quality.match_topics`. These are the draws of
    the topic model's own uncertainty in
    :func:`~stancebook.topics.topic_effects`.
    """
    if not refits:
        return []
    shares = Parallel(n_jobs=min(len(refits), n_workers(n_jobs)))(
        delayed(transform_units)(f.model_name, f.estimator, data) for f in refits)
    return [normalise_rows(s)[:, match_topics(main.topic_word, f.topic_word)] for s, f in zip(shares, refits)]


def transform_units(model_name: str, estimator, data: FitData) -> np.ndarray:
    """Shares (not normalised) of every unit of ``data`` under a fitted estimator (one BLAS thread, as the fits)."""
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.transform(data.counts if model_name == "lda" else data.tfidf)


def heldout_split(n_units: int, holdout: float, random_state: int, *, has_lda: bool,
                  notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/test split of the fitted units for LDA's held-out perplexity.

    No split (every unit trains, none tests) without LDA, with ``holdout=0``
    or with fewer than 20 units; the last is warned about and added to ``notes``.
    """
    empty = np.zeros(0, dtype=np.int64)
    if not has_lda or holdout == 0:
        return np.arange(n_units), empty
    if n_units < MIN_HOLDOUT_UNITS:
        message = (
            f"Held-out perplexity was not computed: it needs at least {MIN_HOLDOUT_UNITS} units "
            f"with terms, and this corpus has {n_units}."
        )
        notes.append(message)
        warnings.warn(message, DataTooSmallWarning, stacklevel=4)
        return np.arange(n_units), empty
    n_test = max(1, int(round(holdout * n_units)))
    permuted = np.random.default_rng(random_state).permutation(n_units)
    return np.sort(permuted[n_test:]), np.sort(permuted[:n_test])


def coherence_reference(coherence: str, window_size: int, tokens, terms, unit_ids, fit_counts, nonempty,
                        used_terms):
    """The coherence reference over the fitted units and (re-indexed) used terms.

    ``"document"``: the binary matrix of the fitted units. ``"window"``: the
    sliding windows of the units' term sequences, from the tokens table or a
    prepared :class:`~stancebook.topics.WindowReference` over all units and terms.
    """
    if coherence == "document":
        return (fit_counts > 0).astype(np.float64).tocsr()
    if tokens is None:
        raise ParameterError(
            "coherence: 'window' counts co-occurrence in sliding windows of the token "
            "sequences; pass the tokens table to fit(..., tokens=tokens) or set "
            "coherence='document'."
        )
    if isinstance(tokens, WindowReference):
        if tokens.n_units != unit_ids.size or tokens.n_terms != terms.size:
            raise ParameterError(
                f"tokens: the WindowReference has {tokens.n_units} units and {tokens.n_terms} "
                f"terms; the dtm has {unit_ids.size} and {terms.size}."
            )
        full = WindowReference(tokens.ids, tokens.offsets, int(window_size), tokens.n_terms)
    else:
        full = window_reference(
            term_sequences(tokens, terms, unit_ids), window_size=int(window_size), n_terms=terms.size
        )
    ref = full.subset(nonempty)
    # Re-index to the used terms (the columns the models see); others become -1.
    remap = np.full(terms.size + 1, -1, dtype=np.int64)
    remap[used_terms] = np.arange(used_terms.size)
    return WindowReference(remap[ref.ids], ref.offsets, ref.window_size, int(used_terms.size))


def report_unconverged(fits: list[Fit], notes: list[str]) -> None:
    """One ConvergenceWarning (and note) naming every (model, k) that hit the iteration limit."""
    unconverged = sorted({f"{MODEL_NAMES[f.model_name]} k = {f.k}" for f in fits if not f.converged})
    if unconverged:
        message = (
            f"max_iter: {', '.join(unconverged)} did not converge within the iteration limit; "
            "their scores are usable for comparison, but raise max_iter if these fits matter."
        )
        notes.append(message)
        warnings.warn(message, ConvergenceWarning, stacklevel=3)


def score_table(fits: list[Fit], models, k_values):
    """One row of measures per (model, k), the kept fits in the same order, and their per-topic stability."""
    rows, mains, per_topic = [], [], []
    for m in models:
        for k in k_values:
            group = [f for f in fits if f.model_name == m and f.k == k]
            main = next(f for f in group if f.role == "main")
            seeds = sorted((f for f in group if f.role != "heldout"), key=lambda f: f.seed_index)
            heldout = [f.perplexity for f in group if f.role == "heldout"]
            stability, topic_scores = topic_stability([f.topic_word for f in seeds])
            rows.append(
                {
                    "model": m,
                    "k": k,
                    "npmi": float(main.npmi_per_topic.mean()),
                    "npmi_se": standard_error(main.npmi_per_topic),
                    "exclusivity": float(main.exclusivity_per_topic.mean()),
                    "overlap": main.overlap,
                    "diversity": main.diversity,
                    "stability": stability,
                    "heldout_perplexity": heldout[0] if heldout else float("nan"),
                }
            )
            mains.append(main)
            per_topic.append(topic_scores)
    table = pd.DataFrame(rows)
    table["k"] = table["k"].astype(np.int64)
    floats = ["npmi", "npmi_se", "exclusivity", "overlap", "diversity", "stability", "heldout_perplexity"]
    table[floats] = table[floats].astype(np.float64).round(DECIMALS)
    return table, mains, per_topic


def top_word_overlap(top: np.ndarray) -> float:
    """The largest share of top words any two topics have in common (0 for a single topic).

    Above one half, one topic repeats most of another's top words: a real
    topic split into near copies rather than two themes.

    Examples
    --------
    >>> top_word_overlap(np.array([[0, 1, 2, 3], [0, 1, 2, 9], [5, 6, 7, 8]]))
    0.75
    """
    top = np.asarray(top)
    if top.shape[0] < 2:
        return 0.0
    rows = np.repeat(np.arange(top.shape[0]), top.shape[1])
    member = np.zeros((top.shape[0], int(top.max()) + 1))
    member[rows, top.ravel()] = 1.0
    shared = member @ member.T
    np.fill_diagonal(shared, 0.0)
    return float(shared.max() / top.shape[1])


def standard_error(values: np.ndarray) -> float:
    """Standard error of the mean of the per-topic scores (0 for a single topic)."""
    if values.size < 2:
        return 0.0
    return float(values.std(ddof=1) / np.sqrt(values.size))
