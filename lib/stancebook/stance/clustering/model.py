"""StanceClustering: compare the registered algorithms, choose k by silhouette among stable k."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

from stancebook.checks import check_int
from stancebook.errors import DataTooSmallWarning, ParameterError
from stancebook.progress import bar
from stancebook.stance._shared import DECIMALS
from stancebook.stance.clustering.base import ClusterAlgorithm
from stancebook.stance.clustering.registry import ALGORITHMS, make_algorithm
from stancebook.workers import n_workers

__all__ = ["SCORE_COLUMNS", "StanceClustering"]

SCORE_COLUMNS = ["algorithm", "k", "n_found", "noise_share", "silhouette", "stability_seeds", "stability_bootstrap",
                 "selected"]
# Silhouette is quadratic in the number of rows; above this it is estimated
# on a seeded sample of this size. Stability is estimated on a seeded
# subsample of this many rows too.
_SILHOUETTE_SAMPLE = 5000
_STABILITY_SAMPLE = 1000
_EXPLAINED = (
    "(Silhouette compares each row's distance to its own cluster with its distance to the nearest other cluster: "
    "from -1 to 1, higher means better separated blocs. Stability is the mean adjusted Rand index between the "
    "clustering and its refits on bootstrap resamples: 1 = the same blocs every time.)"
)


def _canonical_labels(raw: np.ndarray) -> np.ndarray:
    """Relabel clusters 1, 2, ... in the order their first member appears; noise (-1) stays -1."""
    mapping: dict[int, int] = {-1: -1}
    for value in raw.tolist():
        if value not in mapping:
            mapping[value] = len(mapping)
    return np.array([mapping[v] for v in raw.tolist()], dtype=np.int64)


def _centre_distances(X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    distances = np.full(len(labels), np.nan, dtype=float)
    for c in np.unique(labels):
        if c < 0:
            continue
        members = labels == c
        centre = X[members].mean(axis=0)
        distances[members] = np.linalg.norm(X[members] - centre, axis=1)
    return distances


def _silhouette(X: np.ndarray, labels: np.ndarray, random_state: int) -> float:
    keep = labels >= 0
    found = len(np.unique(labels[keep]))
    if not 2 <= found <= keep.sum() - 1:
        return np.nan
    sample = _SILHOUETTE_SAMPLE if keep.sum() > _SILHOUETTE_SAMPLE else None
    return round(float(silhouette_score(X[keep], labels[keep], sample_size=sample, random_state=random_state)),
                 DECIMALS)


def _checked_features(X, ids) -> tuple[np.ndarray, list[str]]:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ParameterError(f"`X` must be a 2-D feature matrix, got an array of shape {X.shape}.")
    if not np.isfinite(X).all():
        raise ParameterError(
            "`X` contains NaN or infinite values; build it with `unit_stance_features` or "
            "`profile_features`, which encode 'not mentioned' in indicator columns instead of NaN."
        )
    ids = [str(i) for i in ids]
    if len(ids) != X.shape[0]:
        raise ParameterError(f"`ids` has {len(ids)} entries but `X` has {X.shape[0]} rows; pass one id per row.")
    return X, ids


def _usable_grid(grid: list[int] | None, n_clusters: int, n_distinct: int) -> tuple[list[int], int]:
    """The k compared, cut to what ``n_distinct`` rows allow (with a warning when cut)."""
    k_max = n_distinct - 1
    if grid is None:
        grid = list(range(2, min(6, k_max) + 1))
    else:
        kept = [k for k in grid if k <= k_max]
        if len(kept) < len(grid):
            warnings.warn(
                f"`k_grid` values above {k_max} (distinct rows - 1) were dropped: {[k for k in grid if k > k_max]}.",
                DataTooSmallWarning, stacklevel=3)
        grid = kept or [2]
    if n_clusters:
        if n_clusters > n_distinct:
            warnings.warn(f"`n_clusters`={n_clusters} exceeds the {n_distinct} distinct stance vectors; "
                          f"using {n_distinct}.", DataTooSmallWarning, stacklevel=3)
            n_clusters = n_distinct
        grid = sorted(set(grid) | {n_clusters})
    return grid, n_clusters


def _fit_algorithm_single_threaded(clustering, name, algorithm, X, grid, n_clusters, sample):
    # Hundreds of small fits: one thread each is ~15x faster than OpenMP/BLAS thread
    # start-up and spinning on small matrices (and identical in result).
    with threadpool_limits(limits=1):
        return clustering._fit_algorithm(name, algorithm, X, grid, n_clusters, sample)


class StanceClustering:
    """Cluster units or holders by their stance features; choose k by silhouette and stability.

    Parameters
    ----------
    algorithms : sequence of str, optional
        Algorithms compared, names of :data:`~stancebook.stance.clustering.ALGORITHMS`;
        None: every registered one, in registry order: ``"kmeans"`` (KMeans,
        ``n_init=5``), ``"agglomerative"`` (Ward linkage), ``"gmm"``
        (Gaussian mixture, diagonal covariances, k-means initialisation) and
        ``"hdbscan"`` (density-based: finds its own number of clusters and
        may call rows noise, label -1).
    n_clusters : int, default 0
        Force this number of clusters (not for algorithms that find their
        own, such as HDBSCAN); 0 chooses k per algorithm (see Notes).
    k_grid : sequence of int, optional
        Numbers of clusters compared; default ``2 .. min(6, n_distinct - 1)``
        where ``n_distinct`` is the number of distinct rows of ``X``.
    n_resamples : int, default 20
        Bootstrap resamples for the stability of each clustering.
    n_seeds : int, default 3
        Extra random seeds for the seed stability of seeded algorithms (k-means, GMM).
    min_stability : float, default 0.6
        A k counts as stable when its bootstrap stability (mean ARI) reaches this.
    algorithm_options : dict, optional
        ``{algorithm: {option: value}}``, each algorithm's own options, e.g.
        ``{"hdbscan": {"min_cluster_size": 5}}`` (HDBSCAN's smallest
        cluster; its default 0 means ``max(3, round(n / 20))``).
    random_state : int, default 0
        Seed of every random choice (k-means, GMM, resamples, silhouette sample).
    n_jobs : int, default 1
        Algorithms fitted side by side in worker processes (-1: every
        core); the results do not depend on it.

    Attributes
    ----------
    scores_ : pandas.DataFrame
        ``algorithm, k, n_found, noise_share, silhouette, stability_seeds,
        stability_bootstrap, selected``: one row per algorithm and k (one
        row for HDBSCAN, whose ``k`` is the number of clusters it found).
        ``stability_seeds``: mean ARI between the clustering and refits with
        other seeds (NaN for the deterministic Ward and HDBSCAN).
        ``stability_bootstrap``: mean ARI, over bootstrap resamples of the
        rows, between the clustering of the resample and the clustering of
        all rows, on the rows drawn.
    labels_ : pandas.DataFrame
        ``id`` and one column per algorithm with 1-based cluster labels,
        numbered in the order in which each cluster's first id appears
        (HDBSCAN noise: -1).
    k_ : dict
        Algorithm → chosen k.
    reason_ : str
        Why each k was chosen, in plain language.
    distance_ : pandas.DataFrame
        ``id, algorithm, cluster, distance``: Euclidean distance of each row
        to the mean of its cluster (NaN for noise).

    Notes
    -----
    k is chosen per algorithm as the highest silhouette [1]_ among the k
    whose bootstrap stability [2]_ (mean adjusted Rand index [3]_) reaches
    ``min_stability`` (ties → the smaller k); when no k is stable, the
    highest silhouette overall, and ``reason_`` says so. Two distinct rows
    among three or more are two clusters, with no k compared. With one
    distinct row (or fewer than three rows) nothing can be compared: a
    :class:`~stancebook.errors.DataTooSmallWarning` is issued and every id
    is put in cluster 1 (``k_ = 1``, empty ``scores_``). Stability is
    estimated on a seeded subsample of at most 1000 rows.

    References
    ----------
    .. [1] Rousseeuw, P. J. (1987). Silhouettes: A graphical aid to the
       interpretation and validation of cluster analysis. *Journal of
       Computational and Applied Mathematics* 20, 53-65.
    .. [2] Lange, T., Roth, V., Braun, M. L. and Buhmann, J. M. (2004).
       Stability-based validation of clustering solutions. *Neural
       Computation* 16(6), 1299-1323.
    .. [3] Hubert, L. and Arabie, P. (1985). Comparing partitions. *Journal
       of Classification* 2(1), 193-218.

    See Also
    --------
    stancebook.stance.clustering.register_algorithm : add an algorithm.
    stancebook.stance.unit_stance_features, stancebook.stance.profile_features : build ``X``.
    stancebook.stance.validate_clusters : scores ``labels_`` against known labels.

    Examples
    --------
    >>> X = np.array([[0, 0], [0, 0.1], [5, 5], [5, 5.1]])
    >>> StanceClustering(algorithms=("kmeans",)).fit(X, ["a", "b", "c", "d"]).labels_["kmeans"].tolist()
    [1, 1, 2, 2]
    """

    def __init__(self, *, algorithms=None, n_clusters=0, k_grid=None, n_resamples=20, n_seeds=3,
                 min_stability=0.6, algorithm_options=None, random_state=0, n_jobs=1):
        self.algorithms = algorithms
        self.n_clusters = n_clusters
        self.k_grid = k_grid
        self.n_resamples = n_resamples
        self.n_seeds = n_seeds
        self.min_stability = min_stability
        self.algorithm_options = algorithm_options
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _built_algorithms(self) -> dict[str, ClusterAlgorithm]:
        names = list(ALGORITHMS) if self.algorithms is None else (
            [self.algorithms] if isinstance(self.algorithms, str) else list(self.algorithms))
        bad = [a for a in names if a not in ALGORITHMS]
        if bad or not names:
            raise ParameterError(
                f"`algorithms` must be a non-empty list drawn from {list(ALGORITHMS)}; "
                f"got {list(names)!r}" + (f" (unknown: {bad})." if bad else ".")
            )
        options = {} if self.algorithm_options is None else self.algorithm_options
        if not isinstance(options, dict) or any(name not in ALGORITHMS for name in options):
            raise ParameterError(f"`algorithm_options` must be a dict {{algorithm: {{option: value}}}} over the "
                                 f"algorithms {list(ALGORITHMS)}, got {options!r}.")
        return {name: make_algorithm(name, **options.get(name, {})) for name in dict.fromkeys(names)}

    def _validated(self) -> tuple[dict[str, ClusterAlgorithm], int, list[int] | None]:
        algorithms = self._built_algorithms()
        n_clusters = self.n_clusters
        if isinstance(n_clusters, bool) or not isinstance(n_clusters, (int, np.integer)) or n_clusters < 0:
            raise ParameterError(
                f"`n_clusters` must be an integer >= 0 (0 = choose by silhouette and stability), got {n_clusters!r}."
            )
        check_int(self.n_resamples, "n_resamples", minimum=0)
        check_int(self.n_seeds, "n_seeds", minimum=0)
        n_workers(self.n_jobs)
        if isinstance(self.min_stability, bool) or not isinstance(self.min_stability, (int, float)) \
                or not 0 <= self.min_stability <= 1:
            raise ParameterError(f"`min_stability` must be a number in [0, 1], got {self.min_stability!r}.")
        grid = None
        if self.k_grid is not None and len(list(self.k_grid)) > 0:
            grid = list(self.k_grid)
            if any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2 for k in grid):
                raise ParameterError(f"`k_grid` must hold integers >= 2, got {grid!r}.")
            grid = sorted({int(k) for k in grid})
        return algorithms, int(n_clusters), grid

    def fit(self, X, ids) -> "StanceClustering":
        """Fit every algorithm over the k grid and keep the chosen partition.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Stance features, e.g. from :func:`~stancebook.stance.unit_stance_features` or
            :func:`~stancebook.stance.profile_features` (no NaN: missingness is encoded there).
        ids : sequence of str
            Row ids (unit ids or holders), in the order of ``X``.

        Returns
        -------
        StanceClustering
            ``self``, fitted.
        """
        X, ids = _checked_features(X, ids)
        n = X.shape[0]
        n_distinct = len(np.unique(X, axis=0)) if n else 0
        algorithms, n_clusters, grid = self._validated()
        if n_distinct == 2 and n > 2:
            # Two positions and nothing between them: each is a bloc, no k to compare.
            _, first, inverse = np.unique(X, axis=0, return_index=True, return_inverse=True)
            order = np.argsort(np.argsort(first))  # cluster 1 is the position met first
            labels = order[np.ravel(inverse)].astype(np.int64) + 1
            self.k_ = {name: 2 for name in algorithms}
            label_cols = {name: labels for name in algorithms}
            score_rows = []
            self.reason_ = (f"Only 2 distinct stance vectors among {n} rows: each is a cluster (no k compared, "
                            "no silhouette or stability to report).")
        elif n_distinct < 3:
            warnings.warn(
                f"Only {n_distinct} distinct stance vector(s) among {n} rows: too few to compare clusterings. "
                f"Every id is put in cluster 1; use a larger corpus or more targets.",
                DataTooSmallWarning,
                stacklevel=2,
            )
            self.k_ = {name: 1 for name in algorithms}
            label_cols = {name: np.ones(n, dtype=np.int64) for name in algorithms}
            score_rows = []
            self.reason_ = (
                f"Only {n_distinct} distinct stance vector(s) among {n} rows, so no clustering was attempted: "
                f"every id is in cluster 1."
            )
        else:
            grid, n_clusters = _usable_grid(grid, n_clusters, n_distinct)
            score_rows, label_cols, reasons = self._compare(algorithms, X, grid, n_clusters)
            self.k_ = {name: next(r["k"] for r in score_rows if r["algorithm"] == name and r["selected"])
                       for name in algorithms}
            self.reason_ = "; ".join(reasons) + ". " + _EXPLAINED
        self.scores_ = pd.DataFrame(score_rows, columns=SCORE_COLUMNS).astype(
            {"algorithm": "str", "k": "int64", "n_found": "int64", "noise_share": "float64", "silhouette": "float64",
             "stability_seeds": "float64", "stability_bootstrap": "float64", "selected": bool}
        )
        self.labels_ = pd.DataFrame({"id": pd.Series(ids, dtype="str"), **label_cols})
        self.distance_ = pd.concat([pd.DataFrame({
            "id": pd.Series(ids, dtype="str"), "algorithm": name, "cluster": labels,
            "distance": np.round(_centre_distances(X, labels) if n else np.array([]), DECIMALS),
        }) for name, labels in label_cols.items()], ignore_index=True).astype(
            {"id": "str", "algorithm": "str", "cluster": "int64", "distance": "float64"})
        return self

    def _compare(self, algorithms: dict, X: np.ndarray, grid: list[int], n_clusters: int):
        """Score rows, chosen labels and reasons of every algorithm, fitted side by side."""
        n = len(X)
        rng = np.random.default_rng(self.random_state)
        sample = (np.arange(n) if n <= _STABILITY_SAMPLE
                  else np.sort(rng.choice(n, _STABILITY_SAMPLE, replace=False)))
        fitted = list(bar(Parallel(n_jobs=min(n_workers(self.n_jobs), len(algorithms)), return_as="generator")(
            delayed(_fit_algorithm_single_threaded)(self, name, algorithm, X, grid, n_clusters, sample)
            for name, algorithm in algorithms.items()),
            desc=f"clustering {n} rows (each algorithm: k grid x {self.n_resamples} resamples)",
            total=len(algorithms), unit="algorithm"))
        score_rows, label_cols, reasons = [], {}, []
        for name, (rows, labels, why) in zip(algorithms, fitted):
            score_rows += rows
            label_cols[name] = _canonical_labels(labels)
            reasons.append(f"{name}: {why}")
        return score_rows, label_cols, reasons

    def _fit_algorithm(self, name: str, algorithm: ClusterAlgorithm, X: np.ndarray, grid: list[int],
                       n_clusters: int, sample: np.ndarray):
        rows = []
        ks = [0] if algorithm.finds_k else grid
        fitted = algorithm.fit_predict_grid(X, ks, self.random_state)
        for k in ks:
            labels = fitted[k]
            found = len(np.unique(labels[labels >= 0]))
            rows.append({
                "algorithm": name, "k": found if algorithm.finds_k else k, "n_found": found,
                "noise_share": round(float((labels < 0).mean()), DECIMALS) if len(X) else 0.0,
                "silhouette": _silhouette(X, labels, self.random_state),
                "stability_seeds": self._seed_stability(algorithm, X, k, labels, sample),
                "stability_bootstrap": self._bootstrap_stability(algorithm, X, k, labels, sample),
                "selected": False,
            })
        if algorithm.finds_k:
            chosen, why = 0, algorithm.describe(rows[0]["n_found"], rows[0]["noise_share"], len(X))
        elif n_clusters:
            chosen, why = n_clusters, f"k={n_clusters} as set by `n_clusters`"
        else:
            chosen, why = self._choose_k(rows, grid)
        for r, k in zip(rows, ks):
            r["selected"] = k == chosen
        return rows, fitted[chosen], why

    def _choose_k(self, rows: list[dict], grid: list[int]) -> tuple[int, str]:
        """The highest silhouette among the stable k (ties: the smaller k), and why."""
        by_k = {r["k"]: r for r in rows}
        valid = [k for k in grid if not np.isnan(by_k[k]["silhouette"])]
        stable = [k for k in valid if by_k[k]["stability_bootstrap"] >= self.min_stability]
        pool = stable or valid
        if not pool:
            return grid[0], f"k={grid[0]}: no k in the grid gave a defined silhouette, so the smallest was kept"
        best = max(by_k[k]["silhouette"] for k in pool)
        chosen = min(k for k in pool if by_k[k]["silhouette"] == best)
        st = by_k[chosen]["stability_bootstrap"]
        if stable:
            return chosen, (f"k={chosen} has the highest silhouette ({best:.3f}) among the k={grid[0]}..{grid[-1]} "
                            f"whose bootstrap stability reaches {self.min_stability:g} (its stability {st:.2f})")
        return chosen, (f"k={chosen} has the highest silhouette ({best:.3f}) over k={grid[0]}..{grid[-1]}, "
                        f"but no k reached bootstrap stability {self.min_stability:g} (its stability {st:.2f}): "
                        f"read these clusters with caution")

    def _seed_stability(self, algorithm: ClusterAlgorithm, X, k, labels, sample) -> float:
        if not algorithm.seeded or not self.n_seeds:
            return np.nan
        base = labels[sample]
        scores = [adjusted_rand_score(base, algorithm.fit_predict(X[sample], k, self.random_state + s))
                  for s in range(1, int(self.n_seeds) + 1)]
        return round(float(np.mean(scores)), DECIMALS)

    def _bootstrap_stability(self, algorithm: ClusterAlgorithm, X, k, labels, sample) -> float:
        if not self.n_resamples:
            return np.nan
        rng = np.random.default_rng(self.random_state)  # the same resamples for every algorithm and k
        m = len(sample)
        scores = []
        for _ in range(int(self.n_resamples)):
            draw = rng.integers(0, m, m)
            rows = sample[draw]
            if not algorithm.finds_k and len(np.unique(X[rows], axis=0)) <= k:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # duplicate rows in a resample make some fits warn
                resampled = algorithm.fit_predict(X[rows], k, self.random_state)
            drawn, first = np.unique(draw, return_index=True)
            scores.append(adjusted_rand_score(labels[sample[drawn]], resampled[first]))
        return round(float(np.mean(scores)), DECIMALS) if scores else np.nan
