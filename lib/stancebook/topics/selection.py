"""Choosing the topic model: LDA and NMF over a grid of k, scored, one kept by a documented rule.

What is measured for every (model, k)
-------------------------------------
Every (model, k) pair of the grid is fitted ``n_seeds`` times (seeds
``random_state``, ``random_state + 1``, ...), in parallel with joblib on the
one shared matrix. The fit with seed ``random_state`` on all units is the
one kept and scored; the others, each on its own random subsample of
``stability_sample`` of the units, measure stability. The table records

* **mean NPMI coherence** of the top ``n_top_words`` words of each topic
  (gensim's ``c_npmi``, see :func:`~stancebook.topics.npmi_coherence`), with co-occurrence
  counted in the units themselves: either "the two words occur in the same
  unit" (``coherence="document"``) or "... within ``window_size``
  consecutive terms" (``coherence="window"``, gensim's boolean sliding
  window, the reference of Röder, Both and Hinneburg 2015);
* **topic diversity**: the share of distinct words among all top words
  (Dieng, Ruiz and Blei 2020, see :func:`~stancebook.topics.topic_diversity`);
* **stability**: the topics of every pair of fits are matched one to one
  (Hungarian matching on the cosine similarity of the topic-word
  distributions) and the matched similarities are averaged (see
  :func:`~stancebook.topics.topic_stability`). 1 means every refit finds the same topics;
  topics that exist only by chance of the start or of the sample do not
  come back. The refits draw 80% of the units by default
  (``stability_sample``), as in the stability analysis of Greene,
  O'Callaghan and Cunningham (2014, "How many topics?"): LDA changes its
  seed and its sample; NMF keeps its deterministic ``nndsvda`` start and
  changes its sample, which converges in a fraction of the iterations a
  random start needs. With ``stability_sample=1`` the refits use every
  unit, and NMF then starts from random factors (``init="random"``),
  since the same data and start would score a trivial 1;
* for LDA, the **held-out perplexity**: the model is fitted again on a
  seeded ``1 - holdout`` share of the units and its perplexity measured on
  the units held out (lower is better). It is reported, not used by the
  rule: perplexity and human judgements of topics often disagree (Chang et
  al. 2009) and NMF has none. Fewer than 20 units: not computed (NaN), and
  the notes say so.

How the model and k are chosen (the rule, and the grid of k when none is
given) is in :mod:`stancebook.topics.rule`; how the fits are made (LDA's
priors, NMF on tf-idf) is in :mod:`stancebook.topics.fitting`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from threadpoolctl import threadpool_limits

from stancebook.checks import check_fraction, check_int, is_int, is_number
from stancebook.errors import DataTooSmallWarning, ParameterError, StancebookError
from stancebook.topics._common import DECIMALS, normalise_rows
from stancebook.topics.fitting import (
    DEFAULT_MAX_ITER,
    Fit,
    FitData,
    Settings,
    coherence_reference,
    fit_grid,
    heldout_split,
    plan_jobs,
    refit_shares,
    report_unconverged,
    score_table,
    transform_units,
)
from stancebook.topics.rule import MIN_TERMS_PER_TOPIC, MIN_UNITS_PER_TOPIC, choose, default_k_grid
from stancebook.workers import n_workers

__all__ = ["default_k_grid", "TopicModelSelection"]

_MODELS = ("lda", "nmf")
_COHERENCE = ("document", "window")


class TopicModelSelection:
    """Fit LDA and NMF over a grid of k, score them, and keep one by a documented rule.

    LDA is scikit-learn's ``LatentDirichletAllocation`` (variational Bayes,
    priors ``doc_topic_prior`` and ``topic_word_prior``) on the raw counts.
    NMF is scikit-learn's ``NMF`` (Frobenius loss, ``init="nndsvda"``) on the
    tf-idf weighted, L2 row-normalised matrix: on raw counts the Frobenius
    loss is dominated by long units and the most frequent words. The NMF
    topic-word weights are therefore tf-idf weights, rescaled to sum 1, not
    word probabilities.

    What is measured is described in the docstring of
    :mod:`stancebook.topics.selection`, the rule that chooses in that of
    :mod:`stancebook.topics.rule`; ``table_`` holds the measures, ``reason_``
    the choice in plain words, ``notes_`` what was cut or not computed.

    Units without any term are left out of the fits (and of the coherence
    reference) and get a uniform row in ``unit_topic_`` (every share
    ``1/k``; ``unit_topic_table`` marks them with dominant topic 0).

    Parameters
    ----------
    models : tuple of str, default ("lda", "nmf")
        Model families to try: "lda" and/or "nmf".
    k_grid : list of int or None, default None
        Numbers of topics to try; None = :func:`default_k_grid`. Values too
        large for the corpus are dropped with a :class:`DataTooSmallWarning`.
    n_top_words : int, default 10
        Top words per topic used for NPMI and diversity (at least 2; capped at
        the number of terms).
    random_state : int, default 0
        Seed of the kept fit; the stability fits use the next seeds.
    n_jobs : int, default 1
        Parallel fits (joblib processes); the results do not depend on it.
    max_iter : int or None, default None
        Iterations per fit; None = 50 for batch LDA, 10 passes for online
        LDA, 500 for NMF.
    n_topics : int, default 0
        0 = choose k; a positive value fixes k (the grid is ignored).
    model : str, default "auto"
        "auto" = choose among ``models``; "lda" or "nmf" fixes the family.
    n_seeds : int, default 3
        Fits per (model, k) for the stability score; 1 = no stability.
    stability_sample : float, default 0.8
        Share of the units each stability refit draws (without replacement,
        seeded); 1 = every unit, with a random start for NMF.
    max_fit_units : int, default 50_000
        On a corpus with more units (with terms) than this, every model is
        fitted on a seeded random sample of this many units, and the chosen
        fit and its refits then give shares to every unit (``transform``,
        with the sample's tf-idf weights); 0 = always fit on every unit.
        On the 210,856 passages of all UN speeches 1946-2024, a k = 30 NMF on
        50,000 of them had a mean NPMI of 0.172 against 0.178 on all and a
        mean matched cosine of 0.92 to the topics of the fit on all (seed
        refits on all passages reach 0.93), in a sixth of the time.
    min_stability : float, default 0.8
        Fits less stable than this are set aside by the rule (0 = keep all).
    coherence : {"document", "window"}, default "document"
        Co-occurrence reference of NPMI: the same unit, or a sliding window
        of ``window_size`` terms (needs ``tokens`` in :meth:`fit`).
    window_size : int, default 10
        Sliding-window length (gensim's default for ``c_npmi``).
    holdout : float, default 0.2
        Share of units held out (seeded) for LDA's held-out perplexity;
        0 = not computed.
    lda_learning_method : {"batch", "online"}, default "batch"
        Online variational Bayes (mini-batches of 256 units) is faster per
        pass but reached clearly lower coherence on the UN speeches.
    doc_topic_prior, topic_word_prior : float or None, default 0.1 and 0.01
        LDA's alpha and eta; None = scikit-learn's ``1/k``.

    Attributes
    ----------
    table_ : pandas.DataFrame
        One row per (model, k): ``model, k, npmi, npmi_se, exclusivity, overlap, diversity,
        stability, heldout_perplexity, stable, frontier, selected`` (floats rounded to 6
        decimals; ``heldout_perplexity`` NaN for NMF and when not computed,
        ``stability`` NaN with one seed; ``stable``: passed the stability bar).
    timings_ : pandas.DataFrame
        Seconds of every single fit (``model, k, seed, role, seconds``); not
        reproducible, so kept out of ``table_``.
    model_ : sklearn estimator
        The chosen fitted model (seed ``random_state``).
    model_name_ : str
    k_ : int
    reason_ : str
        Why this model and k were chosen, in plain words.
    notes_ : list of str
        Plain-words notes: grid cuts, held-out or stability not computed, fits
        that did not converge.
    topic_word_ : numpy.ndarray, shape (k, n_terms)
        Rows sum to 1.
    unit_topic_ : numpy.ndarray, shape (n_units, k)
        Rows sum to 1, in the order of ``unit_ids_``.
    refit_unit_topic_ : list of numpy.ndarray, each shape (n_units, k)
        The units' shares under each stability refit of the chosen model and
        k (``n_seeds - 1`` of them; fitted on a sample, applied to every
        unit), topics matched to the chosen fit's (Hungarian matching on
        the cosine of the topic-word rows): draws of the topic model's own
        uncertainty for :func:`~stancebook.topics.topic_effects`.
    top_indices_ : numpy.ndarray, shape (k, n_top)
        Column indices (into ``terms_``) of each topic's top words.
    npmi_per_topic_ : numpy.ndarray, shape (k,)
        Mean NPMI of each chosen topic.
    topic_stability_ : numpy.ndarray, shape (k,)
        Each chosen topic's mean matched cosine in the other seeds' fits.
    term_frequency_ : numpy.ndarray of int64, shape (n_terms,)
        Corpus count of every term (for :func:`distinctive_terms`).
    terms_, unit_ids_ : numpy.ndarray of str
    used_terms_ : numpy.ndarray of int
        Columns that occur at least once (the models are fitted on these).
    heldout_unit_ids_ : numpy.ndarray of str
        Units held out for the perplexity (empty when not computed).
    fitted_unit_ids_ : numpy.ndarray of str
        Units the models were fitted on (every unit with terms, or the
        sample of ``max_fit_units``).

    See Also
    --------
    default_k_grid : The grid tried when ``k_grid`` is None.
    npmi_coherence, topic_diversity, topic_stability : The measures in ``table_``.
    topic_label_table, topic_prevalence, topic_map : Describe the chosen topics.

    References
    ----------
    .. [1] Blei, D. M., Ng, A. Y. and Jordan, M. I. (2003). Latent Dirichlet
       allocation. *Journal of Machine Learning Research*, 3, 993-1022.
    .. [2] Lee, D. D. and Seung, H. S. (1999). Learning the parts of objects by
       non-negative matrix factorization. *Nature*, 401, 788-791.
    .. [3] Greene, D., O'Callaghan, D. and Cunningham, P. (2014). How many
       topics? Stability analysis for topic models. *ECML PKDD*, LNCS 8724, 498-513.
    .. [4] Hastie, T., Tibshirani, R. and Friedman, J. (2009). *The Elements of
       Statistical Learning*, 2nd ed., Springer, section 7.10 (the
       one-standard-error rule).
    .. [5] Chang, J., Boyd-Graber, J., Gerrish, S., Wang, C. and Blei, D. M.
       (2009). Reading tea leaves: how humans interpret topic models.
       *Advances in Neural Information Processing Systems*, 22.
    .. [6] Bischof, J. M. and Airoldi, E. M. (2012). Summarizing topical content
       with word frequency and exclusivity. *ICML 2012*.
    .. [7] Roberts, M. E., Stewart, B. M. and Tingley, D. (2019). stm: An R
       package for structural topic models. *Journal of Statistical Software*,
       91(2) (``searchK``: coherence against exclusivity across k).

    Examples
    --------
    >>> sel = TopicModelSelection(k_grid=[2, 3]).fit(dtm, terms)  # doctest: +SKIP
    >>> sel.table_  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        models=("lda", "nmf"),
        k_grid=None,
        n_top_words: int = 10,
        random_state: int = 0,
        n_jobs: int = 1,
        max_iter=None,
        n_topics: int = 0,
        model: str = "auto",
        n_seeds: int = 3,
        stability_sample: float = 0.8,
        max_fit_units: int = 50_000,
        min_stability: float = 0.8,
        coherence: str = "document",
        window_size: int = 10,
        holdout: float = 0.2,
        lda_learning_method: str = "batch",
        doc_topic_prior: float | None = 0.1,
        topic_word_prior: float | None = 0.01,
    ):
        self.models = models
        self.k_grid = k_grid
        self.n_top_words = n_top_words
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.max_iter = max_iter
        self.n_topics = n_topics
        self.model = model
        self.n_seeds = n_seeds
        self.stability_sample = stability_sample
        self.max_fit_units = max_fit_units
        self.min_stability = min_stability
        self.coherence = coherence
        self.window_size = window_size
        self.holdout = holdout
        self.lda_learning_method = lda_learning_method
        self.doc_topic_prior = doc_topic_prior
        self.topic_word_prior = topic_word_prior

    def fit(self, dtm, terms, unit_ids=None, *, tokens=None) -> "TopicModelSelection":
        """Fit every model, k and seed, score them and keep the chosen fit.

        The steps: check the parameters and data, prepare the shared matrices
        and the grid (:meth:`_prepare`), fit every job in parallel
        (:func:`~stancebook.topics.fitting.fit_grid`), score each (model, k)
        (:func:`~stancebook.topics.fitting.score_table`), choose one by the rule (:func:`~stancebook.topics.rule.choose`) and
        store it (:meth:`_store`).

        Parameters
        ----------
        dtm : scipy.sparse matrix, shape (n_units, n_terms)
            Term counts (not modified).
        terms : array-like of str, shape (n_terms,)
        unit_ids : array-like of str, shape (n_units,), optional
            Defaults to ``row-00001``, ``row-00002``, ...
        tokens : pandas.DataFrame or WindowReference, optional
            Needed for ``coherence="window"``: the tokens table (``unit_id``,
            ``token_index``, ``term``) or a prepared :class:`WindowReference`
            over the same units and terms.

        Returns
        -------
        TopicModelSelection
            self, fitted.

        Raises
        ------
        ParameterError
            A parameter or input has the wrong type, shape or value.
        StancebookError
            The corpus is too small for any topic model.
        """
        models, grid = self._check_params()
        # One BLAS thread here: this process's products are small, and OpenBLAS's threads, when the cores are
        # busy (the fits in the workers, other work), turned a 7 ms product into up to a second (measured).
        with threadpool_limits(limits=1, user_api="blas"):
            counts, terms, unit_ids = _check_data(dtm, terms, unit_ids)
            prepared = self._prepare(counts, terms, unit_ids, models, grid, tokens)
            jobs = plan_jobs(models, prepared.k_values, self.n_seeds, heldout=prepared.data.test.size > 0)
            fits = fit_grid(jobs, prepared.data, prepared.settings, random_state=self.random_state,
                            stability_sample=self.stability_sample, n_jobs=self.n_jobs)
            report_unconverged(fits, prepared.notes)
            table, mains, per_topic_stability = score_table(fits, models, prepared.k_values)
            # "Extend k_grid" is advice only for a grid the researcher chose and the corpus did not cut.
            extendable = self.k_grid is not None and not prepared.grid_note
            best, reason = choose(table, n_top=prepared.settings.n_top, min_stability=float(self.min_stability),
                                   coherence=self._coherence_words(), extendable=extendable)
            table["selected"] = np.arange(len(table)) == best
            chosen = mains[best]
            refits = sorted((f for f in fits if f.role == "seed" and f.model_name == chosen.model_name
                             and f.k == chosen.k), key=lambda f: f.seed_index)
            refit_unit_topic = refit_shares(chosen, refits, prepared.every, n_jobs=self.n_jobs)
            if prepared.every is not prepared.data:  # fitted on a sample: the chosen fit gives every unit its shares
                chosen.unit_topic = normalise_rows(transform_units(chosen.model_name, chosen.estimator,
                                                                   prepared.every))
            self._store(prepared, table, chosen, per_topic_stability[best], reason, refit_unit_topic)
        self.timings_ = pd.DataFrame(
            [(f.model_name, f.k, f.seed_index, f.role, round(f.seconds, 2)) for f in fits],
            columns=["model", "k", "seed", "role", "seconds"],
        )
        return self

    # -- parameter checks ---------------------------------------------------
    def _check_params(self) -> tuple[list[str], list[int] | None]:
        """Refuse bad parameters, naming them; return the model families (in fixed order) and the k grid."""
        models = self._check_models()
        self._check_numbers()
        self._check_choices()
        return models, self._check_grid()

    def _check_models(self) -> list[str]:
        if self.model not in ("auto",) + _MODELS:
            raise ParameterError(
                f"model: expected 'auto', 'lda' or 'nmf', got {self.model!r}."
            )
        models = [self.models] if isinstance(self.models, str) else list(self.models or [])
        if not models or any(m not in _MODELS for m in models) or len(set(models)) != len(models):
            raise ParameterError(
                f"models: expected a non-empty list of distinct names from {list(_MODELS)}, "
                f"got {self.models!r}."
            )
        if self.model != "auto":
            return [self.model]
        return [m for m in _MODELS if m in models]  # fixed order: lda, nmf

    def _check_numbers(self) -> None:
        if not is_int(self.n_top_words) or self.n_top_words < 2:
            raise ParameterError(
                f"n_top_words: expected an integer >= 2 (NPMI needs word pairs), got {self.n_top_words!r}."
            )
        if not is_int(self.random_state):
            raise ParameterError(f"random_state: expected an integer seed, got {self.random_state!r}.")
        n_workers(self.n_jobs)
        if self.max_iter is not None:
            check_int(self.max_iter, "max_iter")
        if not is_int(self.n_topics) or self.n_topics < 0 or self.n_topics == 1:
            raise ParameterError(
                f"n_topics: expected 0 (choose k) or an integer >= 2, got {self.n_topics!r}."
            )
        if not is_int(self.n_seeds) or self.n_seeds < 1:
            raise ParameterError(
                f"n_seeds: expected an integer >= 1 (fits per k; 1 = no stability score), got {self.n_seeds!r}."
            )
        check_fraction(self.stability_sample, "stability_sample", low_open=True)
        check_int(self.max_fit_units, "max_fit_units", minimum=0)
        check_fraction(self.min_stability, "min_stability")
        check_int(self.window_size, "window_size", minimum=2)
        if not is_number(self.holdout) or not 0 <= self.holdout < 1:
            raise ParameterError(
                f"holdout: expected a share in [0, 1) of units held out (0 = no held-out "
                f"perplexity), got {self.holdout!r}."
            )
        for name in ("doc_topic_prior", "topic_word_prior"):
            value = getattr(self, name)
            if value is not None and (not is_number(value) or value <= 0):
                raise ParameterError(f"{name}: expected None (1/k) or a positive number, got {value!r}.")

    def _check_choices(self) -> None:
        if self.coherence not in _COHERENCE:
            raise ParameterError(
                f"coherence: expected 'document' or 'window', got {self.coherence!r}."
            )
        if self.lda_learning_method not in ("batch", "online"):
            raise ParameterError(
                f"lda_learning_method: expected 'batch' or 'online', got {self.lda_learning_method!r}."
            )

    def _check_grid(self) -> list[int] | None:
        if self.k_grid is None:
            return None
        values = list(np.atleast_1d(np.asarray(self.k_grid, dtype=object)))
        if not values or any(not is_int(v) or v < 2 for v in values):
            raise ParameterError(
                f"k_grid: expected a non-empty list of integers >= 2, got {self.k_grid!r}. "
                "Leave it empty (None) to size the grid to the corpus."
            )
        return sorted({int(v) for v in values})

    # -- the steps of fit ---------------------------------------------------
    def _prepare(self, counts, terms, unit_ids, models, grid, tokens) -> "_Prepared":
        """Cut the corpus to what carries topics, size the grid, build the shared matrices and settings."""
        # Terms that never occur cannot be topic words; units without terms
        # carry no information about topics.
        nonempty = np.flatnonzero(counts.getnnz(axis=1) > 0)
        fitted = self._fit_sample(nonempty)
        used_terms = np.flatnonzero(counts[fitted].getnnz(axis=0) > 0)
        n_units, n_terms = fitted.size, used_terms.size
        if n_units < 3 or n_terms < 4:
            raise StancebookError(
                f"dtm: a topic model needs at least 3 units with terms and 4 distinct terms; "
                f"this corpus has {n_units} unit(s) with terms and {n_terms} term(s). Use a smaller "
                "unit of analysis (unit='sentence'), keep more terms (fewer stopwords, lower "
                "minimum frequency) or add documents."
            )
        max_k = min(n_units - 1, n_terms // 2)
        notes: list[str] = []
        # The grid is sized to the corpus, not to the sample fitted.
        k_values, grid_note = self._resolve_grid(grid, nonempty.size, n_terms, max_k)
        if grid_note:
            notes.append(grid_note)

        fit_counts = counts[fitted][:, used_terms]
        # NMF works in single precision (see stancebook.topics.fitting): the same topics, less memory traffic.
        weighting = TfidfTransformer(norm="l2").fit(fit_counts)
        fit_tfidf = weighting.transform(fit_counts).astype(np.float32)
        every = None  # the fitted units themselves
        if fitted.size < nonempty.size:
            notes.append(f"Topic models were fitted on a random sample of {fitted.size:,} of the {nonempty.size:,} "
                         "units with terms (max_fit_units; seeded by random_state); the chosen model gives shares "
                         "to every unit.")
            every_counts = counts[nonempty][:, used_terms]
            every = FitData(every_counts, weighting.transform(every_counts).astype(np.float32), None,
                            np.arange(nonempty.size), np.zeros(0, dtype=np.int64))
        reference = coherence_reference(self.coherence, self.window_size, tokens, terms, unit_ids, fit_counts,
                                        fitted, used_terms)
        train, test = heldout_split(n_units, self.holdout, self.random_state, has_lda="lda" in models, notes=notes)
        if self.n_seeds == 1:
            notes.append("Stability was not measured (n_seeds = 1): every fit counts as stable.")
        data = FitData(fit_counts, fit_tfidf, reference, train, test)
        return _Prepared(
            counts=counts, terms=terms, unit_ids=unit_ids, nonempty=nonempty, fitted=fitted, used_terms=used_terms,
            k_values=k_values, grid_note=grid_note, notes=notes, data=data, every=data if every is None else every,
            settings=self._settings(min(self.n_top_words, n_terms)),
        )

    def _fit_sample(self, nonempty: np.ndarray) -> np.ndarray:
        """The units every model is fitted on: all with terms, or a seeded sample of ``max_fit_units``."""
        if not self.max_fit_units or nonempty.size <= self.max_fit_units:
            return nonempty
        rng = np.random.default_rng(self.random_state)
        return np.sort(rng.choice(nonempty, size=int(self.max_fit_units), replace=False))

    def _settings(self, n_top: int) -> Settings:
        lda_method = self.lda_learning_method
        return Settings(
            n_top=n_top,
            max_iter_lda=self.max_iter or DEFAULT_MAX_ITER["lda_online" if lda_method == "online" else "lda"],
            max_iter_nmf=self.max_iter or DEFAULT_MAX_ITER["nmf"],
            lda_method=lda_method,
            doc_topic_prior=None if self.doc_topic_prior is None else float(self.doc_topic_prior),
            topic_word_prior=None if self.topic_word_prior is None else float(self.topic_word_prior),
        )

    def _resolve_grid(self, grid, n_units, n_terms, max_k) -> tuple[list[int], str]:
        """The k values to fit and a note when the grid was fixed, sized or cut."""
        if self.n_topics:
            if self.n_topics > max_k:
                raise ParameterError(
                    f"n_topics: {self.n_topics} topics cannot be fitted on {n_units} units with "
                    f"{n_terms} terms; the largest possible k here is {max_k}. Lower n_topics or "
                    "set it to 0 to choose k."
                )
            return [int(self.n_topics)], f"k = {self.n_topics} was fixed by the n_topics parameter."
        if grid is None:
            grid = default_k_grid(n_units, n_terms)
            if not grid:
                warnings.warn(
                    f"The corpus is too small to choose a number of topics ({n_units} units with "
                    f"terms, {n_terms} terms; choosing k needs at least "
                    f"{2 * MIN_UNITS_PER_TOPIC} units and {2 * MIN_TERMS_PER_TOPIC} terms). "
                    "Fitting k = 2 only; treat the topics as a rough description.",
                    DataTooSmallWarning,
                    stacklevel=4,
                )
                return [2], (
                    f"The corpus ({n_units} units with terms) is too small to choose k, so only "
                    "k = 2 was fitted."
                )
            return grid, ""
        kept = [k for k in grid if k <= max_k]
        if len(kept) < len(grid):
            dropped = [k for k in grid if k > max_k]
            kept = kept or [2]
            warnings.warn(
                f"k_grid: k = {dropped} cannot be fitted on {n_units} units with {n_terms} terms "
                f"(the largest possible k is {max_k}); trying k = {kept} instead.",
                DataTooSmallWarning,
                stacklevel=4,
            )
            return kept, f"k = {dropped} from k_grid were too large for the corpus and skipped."
        return kept, ""

    def _coherence_words(self) -> str:
        if self.coherence == "window":
            return f"co-occurrence counted in sliding windows of {self.window_size} terms"
        return "co-occurrence counted over the units"

    def _store(self, prepared: "_Prepared", table: pd.DataFrame, chosen: Fit, topic_stability_scores,
               reason: str, refit_unit_topic: list[np.ndarray]) -> None:
        """Set the learned attributes from the chosen fit, back on the full vocabulary and all units."""
        counts, nonempty, used_terms = prepared.counts, prepared.nonempty, prepared.used_terms
        topic_word = np.zeros((chosen.k, counts.shape[1]))
        topic_word[:, used_terms] = chosen.topic_word

        def every_unit(shares: np.ndarray) -> np.ndarray:  # units without terms get equal shares
            full = np.full((counts.shape[0], chosen.k), 1.0 / chosen.k)
            full[nonempty] = shares
            return full

        unit_topic = every_unit(chosen.unit_topic)

        self.table_ = table
        self.model_ = chosen.estimator
        self.model_name_ = chosen.model_name
        self.k_ = int(chosen.k)
        self.reason_ = " ".join(part for part in (prepared.grid_note, reason) if part)
        self.notes_ = prepared.notes
        self.topic_word_ = topic_word
        self.unit_topic_ = unit_topic
        self.refit_unit_topic_ = [every_unit(shares) for shares in refit_unit_topic]
        self.top_indices_ = used_terms[chosen.top_indices]
        self.npmi_per_topic_ = chosen.npmi_per_topic.round(DECIMALS)
        self.topic_stability_ = topic_stability_scores.round(DECIMALS)
        self.term_frequency_ = np.asarray(counts.sum(axis=0)).ravel().round().astype(np.int64)
        self.terms_ = prepared.terms
        self.unit_ids_ = prepared.unit_ids
        self.used_terms_ = used_terms
        self.heldout_unit_ids_ = prepared.unit_ids[prepared.fitted[prepared.data.test]]
        self.fitted_unit_ids_ = prepared.unit_ids[prepared.fitted]


@dataclass
class _Prepared:
    """The inputs of one grid fit, after the checks and cuts of :meth:`TopicModelSelection._prepare`."""

    counts: sp.csr_matrix  # every unit and term, as given
    terms: np.ndarray
    unit_ids: np.ndarray
    nonempty: np.ndarray  # rows with terms: the units given shares
    fitted: np.ndarray  # the rows fitted: nonempty, or a sample of it (max_fit_units)
    used_terms: np.ndarray  # columns that occur in the fitted rows: the fitted terms
    k_values: list[int]
    grid_note: str
    notes: list[str]
    data: FitData
    settings: Settings
    every: FitData  # every unit with terms, weighted as the sample: ``data`` itself unless a sample was fitted


def _check_data(dtm, terms, unit_ids):
    """The dtm as float CSR, terms and unit ids as string arrays; refuse mismatched shapes or negative counts."""
    try:
        counts = sp.csr_matrix(dtm, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"dtm: expected a 2-D sparse or dense matrix of counts (units x terms): {exc}"
        ) from exc
    if counts.nnz and counts.data.min() < 0:
        raise ParameterError("dtm: counts must not be negative; pass the raw term counts.")
    terms = np.asarray(terms, dtype=str)
    if terms.ndim != 1 or terms.shape[0] != counts.shape[1]:
        raise ParameterError(
            f"terms: expected one string per dtm column ({counts.shape[1]}), got shape {terms.shape}."
        )
    if unit_ids is None:
        unit_ids = np.array([f"row-{i:05d}" for i in range(1, counts.shape[0] + 1)])
    unit_ids = np.asarray(unit_ids, dtype=str)
    if unit_ids.ndim != 1 or unit_ids.shape[0] != counts.shape[0]:
        raise ParameterError(
            f"unit_ids: expected one id per dtm row ({counts.shape[0]}), got shape {unit_ids.shape}."
        )
    return counts, terms, unit_ids
