"""Corpus-adapted polarity: word vectors learned from the corpus, scaled between seed words.

The second polarity source of the stance stage, beside VADER's lexicon
(:mod:`stancebook.stance.polarity.lexicon`). It follows Latent Semantic
Scaling (Watanabe 2021): a researcher names a few seed words for each pole of
the dimension of interest (here cooperative vs. hostile relations), word
vectors are learned from the corpus itself, and every word gets a polarity
from how close its vector lies to the two seed poles (the seed-word idea of
Turney & Littman 2003). A text's score is the mean polarity of its words.
Because the vectors come from the corpus, "sanctions", "unilateral" or
"brotherly" get the polarity this corpus gives them, not the one a
general-purpose lexicon assumes.

The vectors are the truncated SVD of a positive pointwise mutual information
(PPMI) matrix of word co-occurrences within a window of content words (Levy,
Goldberg & Dagan 2015: context-distribution smoothing 0.75, eigenvalue
weighting 0.5), computed on sparse matrices. The references are listed in
:class:`LatentScaling`.

Small corpora: word vectors learned from a few hundred words are noise. Below
``min_tokens`` content tokens, or with fewer than ``min_seeds`` seed words of
either pole in the vocabulary, the model says so (a
:class:`~stancebook.errors.DataTooSmallWarning`) and falls back to counting
seed words (``fallback="seeds"``: ``(positive - negative) / (positive +
negative)`` seed tokens in the text) or to NaN (``fallback="nan"``).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from threadpoolctl import threadpool_limits

from stancebook.checks import check_int
from stancebook.errors import DataTooSmallWarning, ParameterError
from stancebook.resources.stopwords import load_stopwords
from stancebook.resources.wordlists import load_word_list
from stancebook.stance.contexts import PLACEHOLDER
from stancebook.stance.polarity.base import PolaritySource, RunSettings
from stancebook.text.tokens import findall_each

__all__ = [
    "DEFAULT_POSITIVE",
    "DEFAULT_NEGATIVE",
    "WORD_TABLE_COLUMNS",
    "LatentScaling",
]

# Seed patterns (resources/data/scaling_seeds_*.txt): a trailing "*" matches any
# continuation (quanteda's glob), so "support*" covers support, supports, supported, ...
DEFAULT_POSITIVE = load_word_list("scaling_seeds_positive")
DEFAULT_NEGATIVE = load_word_list("scaling_seeds_negative")
WORD_TABLE_COLUMNS = ["rank", "word", "polarity", "count", "seed"]
FALLBACKS = ("seeds", "nan")

# Words: letters with inner apostrophes; digits and punctuation never count.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_DECIMALS = 6
# Context-distribution smoothing of PPMI (Levy et al. 2015).
_CDS_ALPHA = 0.75
# Leave-one-seed-out separation below this is reported as a warning.
_MIN_SEED_AUC = 0.7
# Texts analysed per chunk (and per hand-over to a worker process).
_ANALYZE_CHUNK = 50_000
# Words per pole in the run's scaling_words table.
_RUN_TABLE_WORDS = 15


def _analyze_chunk(texts: list, stop: frozenset[str]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Codes of the kept words of some texts into the chunk's own distinct words, the words, words per text."""
    found, lengths = findall_each(_WORD, [t if isinstance(t, str) else "" for t in texts])
    if not lengths.sum():
        return np.zeros(0, dtype=np.int32), [], lengths
    # Words never contain a newline, so one join, lower() and split treat every word alike,
    # and the per-word checks below run once per distinct word.
    flat = "\n".join(found).lower().replace("’", "'").split("\n")
    del found
    codes, distinct = pd.factorize(np.array(flat, dtype=object))
    del flat
    content = np.fromiter((len(w) > 1 and w not in stop for w in distinct), dtype=bool, count=len(distinct))
    kept = content[codes]
    text_of = np.repeat(np.arange(len(lengths)), lengths)
    renumber = np.cumsum(content) - 1
    return (renumber[codes[kept]].astype(np.int32), np.asarray(distinct, dtype=object)[content].tolist(),
            np.bincount(text_of[kept], minlength=len(lengths)).astype(np.int64))


@dataclass(frozen=True)
class _Words:
    """Analysed texts: ``codes`` (every kept token, text after text) index ``words``; ``lengths`` per text."""

    codes: np.ndarray
    words: np.ndarray
    lengths: np.ndarray

    def text_of(self) -> np.ndarray:
        """The text each token belongs to (int32: fewer than 2**31 texts)."""
        return np.repeat(np.arange(len(self.lengths), dtype=np.int32), self.lengths)


def _check_seeds(patterns, name: str) -> tuple[str, ...]:
    if isinstance(patterns, str) or patterns is None:
        raise ParameterError(f"`{name}` must be a list of seed words (e.g. ['support*', 'cooperation']), "
                             f"got {patterns!r}.")
    out = tuple(dict.fromkeys(str(p).strip().lower() for p in patterns if str(p).strip()))
    if not out:
        raise ParameterError(f"`{name}` is empty: name at least two seed words for this pole.")
    bad = [p for p in out if "*" in p[:-1] or p == "*"]
    if bad:
        raise ParameterError(f"`{name}`: a '*' may only end a seed pattern (e.g. 'support*'); got {bad}.")
    return out


def _match_seeds(patterns: Sequence[str], words: Iterable[str]) -> list[str]:
    exact = {p for p in patterns if not p.endswith("*")}
    prefixes = tuple(p[:-1] for p in patterns if p.endswith("*"))
    return sorted(w for w in words if w in exact or (prefixes and w.startswith(prefixes)))


class LatentScaling(PolaritySource):
    """Score texts between two seed poles with word vectors learned from the corpus.

    Parameters
    ----------
    positive, negative : sequence of str
        Seed words of each pole, lower case; a trailing ``*`` matches any
        continuation. Defaults: cooperative relations (support, cooperation,
        friendship, partnership, solidarity, welcome, ally) against hostile
        relations (aggression, threat, sanctions, condemn, invasion,
        hostility, enemy).
    window : int, default 5
        Content words either side that count as co-occurring (within one text).
    n_components : int, default 200
        Dimensions of the word vectors (capped at vocabulary size - 1).
    min_count : int, default 5
        Words seen fewer times get no vector (and no polarity).
    min_tokens : int, default 5000
        Fewer content tokens than this: vectors would be noise, so the model
        falls back (see ``fallback``).
    min_seeds : int, default 2
        Fewer distinct seed words of either pole in the vocabulary: fall back.
    fallback : {"seeds", "nan"}, default "seeds"
        What a too-small corpus gets: polarity from seed-word presence only,
        or NaN everywhere.
    stopwords : iterable of str, optional
        Words ignored when fitting and scoring; ``None`` uses
        :func:`stancebook.resources.stopwords.load_stopwords`. The stance stage's
        placeholder for masked target names (``entity``) is always ignored.
    random_state : int, default 0
        Seed of the randomised SVD.
    n_jobs : int, default 1
        Processes reading the texts' words (-1: every core); the result does
        not depend on it.
    engine : stancebook.engine.Engine, optional
        Where the chunks of texts are read (local processes or a Dask
        cluster); None: local processes from ``n_jobs``.

    Attributes
    ----------
    vocabulary_ : numpy.ndarray of str
        Words with a polarity, sorted.
    counts_ : numpy.ndarray of int
        Corpus frequency of each vocabulary word.
    polarity_ : pandas.Series
        Word → polarity: cosine similarity to the positive seed centroid
        minus that to the negative one (in fallback: +1 / -1 for seed words).
    seed_words_ : dict
        ``{"positive": [...], "negative": [...]}``: the vocabulary words the
        seed patterns matched (in fallback: the words of the fitted texts).
    seed_patterns_ : tuple
        The validated ``(positive, negative)`` seed patterns; in fallback,
        scoring matches them against every word of the scored text.
    n_tokens_ : int
        Content tokens in the fitted texts.
    n_components_ : int
        Dimensions actually used (0 in fallback).
    seed_auc_ : float
        Leave-one-seed-out check: the probability that a held-out positive
        seed word scores above a held-out negative one (1 = the corpus
        vectors separate the poles, 0.5 = chance). NaN in fallback.
    center_, scale_ : float
        Mean and standard deviation of the raw scores of the fitted texts;
        :meth:`score` returns ``(raw - center_) / scale_`` (0 and 1 in fallback).
    fallback_ : bool
        True when the corpus was too small for vectors.
    note_ : str
        One paragraph on what was fitted, for the run notes.

    Notes
    -----
    As a polarity source of the stance stage (``polarity_scaling``) it
    learns from the corpus (:attr:`learns_from_corpus`) and may find no
    evidence in a context (NaN), so profiles count ``n_scaling``.

    References
    ----------
    .. [1] Watanabe, K. (2021). Latent Semantic Scaling: A semisupervised text
       analysis technique for new domains and languages. *Communication
       Methods and Measures* 15(2), 81-102.
    .. [2] Levy, O., Goldberg, Y. and Dagan, I. (2015). Improving
       distributional similarity with lessons learned from word embeddings.
       *Transactions of the Association for Computational Linguistics* 3,
       211-225.
    .. [3] Turney, P. D. and Littman, M. L. (2003). Measuring praise and
       criticism: Inference of semantic orientation from association. *ACM
       Transactions on Information Systems* 21(4), 315-346.

    See Also
    --------
    stancebook.stance.polarity.lexicon.LexiconPolarity : the general-purpose lexicon source.
    stancebook.stance.plots.plot_word_polarity : draws :meth:`word_table`.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():  # a two-sentence corpus falls back to seed words, with a warning
    ...     warnings.simplefilter("ignore")
    ...     model = LatentScaling().fit(["We support our partners.", "We condemn the aggression."])
    >>> model.fallback_, model.score(["They support us.", "They condemn us.", "Nothing."]).tolist()
    (True, [1.0, -1.0, nan])
    """

    learns_from_corpus = True
    scores_every_context = False

    def __init__(self, *, positive=DEFAULT_POSITIVE, negative=DEFAULT_NEGATIVE, window=5, n_components=200,
                 min_count=5, min_tokens=5000, min_seeds=2, fallback="seeds", stopwords=None, random_state=0,
                 n_jobs=1, engine=None):
        self.positive = positive
        self.negative = negative
        self.window = window
        self.n_components = n_components
        self.min_count = min_count
        self.min_tokens = min_tokens
        self.min_seeds = min_seeds
        self.fallback = fallback
        self.stopwords = stopwords
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.engine = engine

    @classmethod
    def for_run(cls, settings: RunSettings, *, positive=(), negative=(), **options) -> "LatentScaling":
        """The run's model: empty seed lists mean the shipped seeds; the run's stopwords, seed and workers.

        ``options`` are the other constructor parameters (``window``,
        ``n_components``, ``min_count``, ``min_tokens``, ``fallback``, ...).
        """
        return cls(positive=tuple(positive) or DEFAULT_POSITIVE, negative=tuple(negative) or DEFAULT_NEGATIVE,
                   stopwords=settings.stopwords, random_state=settings.random_state, n_jobs=settings.n_jobs,
                   engine=settings.engine,
                   **options)

    def run_note(self) -> str:
        """:attr:`note_`, for the run's notes."""
        self._check_fitted()
        return self.note_

    def run_tables(self) -> dict:
        """``{"scaling_words": word_table(n=15)}``: the words nearest each pole, for the run's tables."""
        return {"scaling_words": self.word_table(n=_RUN_TABLE_WORDS)}

    # -- helpers -------------------------------------------------------------

    def _stop(self) -> frozenset[str]:
        if self.stopwords is None:
            stop = load_stopwords()
        else:
            if isinstance(self.stopwords, str):
                raise ParameterError("`stopwords` must be a list of words, not a string.")
            stop = frozenset(str(w) for w in self.stopwords)
        return frozenset(w.lower() for w in stop) | {PLACEHOLDER}

    def _analyze(self, texts, stop: frozenset[str]) -> _Words:
        """The content words of every text, as codes into one array of distinct words.

        Lower case, typographic apostrophes made plain, one-letter words and
        stopwords dropped. Texts are analysed in chunks (in worker processes
        with ``n_jobs``), each handing back integer codes and its distinct
        words only, so memory stays near that of the codes.
        """
        texts = texts.tolist() if isinstance(texts, pd.Series) else list(texts)
        chunks = (texts[a:a + _ANALYZE_CHUNK] for a in range(0, len(texts), _ANALYZE_CHUNK))
        # in text order (the engine yields in input order), so the word codes do not depend on the engine
        parts = self._engine().map(_analyze_chunk, chunks, shared={"stop": stop})
        index: dict[str, int] = {}
        codes, lengths = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int64)]
        for chunk_codes, words, chunk_lengths in parts:
            to_global = np.fromiter((index.setdefault(w, len(index)) for w in words), dtype=np.int32,
                                    count=len(words))
            codes.append(to_global[chunk_codes])
            lengths.append(chunk_lengths)
        return _Words(np.concatenate(codes), np.array(list(index), dtype=object), np.concatenate(lengths))

    # -- fit -----------------------------------------------------------------

    def fit(self, texts) -> "LatentScaling":
        """Learn word vectors and word polarities from the corpus.

        Parameters
        ----------
        texts : iterable of str
            The corpus, one text per sentence (recommended: the ``text``
            column of the sentence table) or per unit. Co-occurrence never
            crosses from one text to the next.

        Returns
        -------
        LatentScaling
            ``self``, fitted.
        """
        positive = _check_seeds(self.positive, "positive")
        negative = _check_seeds(self.negative, "negative")
        overlap = sorted(set(_match_seeds(negative, [p.rstrip("*") for p in positive]))
                         | set(_match_seeds(positive, [q.rstrip("*") for q in negative])))
        if overlap:
            raise ParameterError(f"Seed word(s) {overlap} match both poles (`positive` and `negative`); "
                                 f"keep each word in one pole.")
        window = check_int(self.window, "window", minimum=1)
        n_components = check_int(self.n_components, "n_components", minimum=1)
        min_count = check_int(self.min_count, "min_count", minimum=1)
        min_tokens = check_int(self.min_tokens, "min_tokens", minimum=0)
        min_seeds = check_int(self.min_seeds, "min_seeds", minimum=1)
        if self.fallback not in FALLBACKS:
            raise ParameterError(f"`fallback` must be one of {list(FALLBACKS)}, got {self.fallback!r}.")
        if isinstance(texts, str):
            raise ParameterError("`texts` must be a list of texts (e.g. sentences['text']), not one string.")
        stop = self._stop()
        self.seed_patterns_ = (positive, negative)
        docs = self._analyze(texts, stop)
        frequency = np.bincount(docs.codes, minlength=len(docs.words))
        counts = Counter({w: int(c) for w, c in zip(docs.words.tolist(), frequency.tolist()) if c})
        self.n_tokens_ = int(sum(counts.values()))
        vocabulary = np.array(sorted(w for w, c in counts.items() if c >= min_count), dtype=object)
        seeds = {"positive": _match_seeds(positive, vocabulary), "negative": _match_seeds(negative, vocabulary)}
        problems = []
        if self.n_tokens_ < min_tokens:
            problems.append(f"{self.n_tokens_} content tokens (fewer than min_tokens={min_tokens})")
        for pole in ("positive", "negative"):
            if len(seeds[pole]) < min_seeds:
                problems.append(f"{len(seeds[pole])} {pole} seed word(s) seen at least {min_count} times "
                                f"(fewer than min_seeds={min_seeds})")
        if len(vocabulary) < 3:
            problems.append(f"a vocabulary of {len(vocabulary)} word(s)")
        if problems:
            self._fit_fallback(counts, positive, negative, "; ".join(problems))
        else:
            self._fit_vectors(docs, vocabulary, counts, seeds, window, n_components)
        raw = self._raw_scores(docs)
        defined = raw[~np.isnan(raw)]
        if self.fallback_ or len(defined) < 2 or float(defined.std()) <= 1e-12:
            self.center_, self.scale_ = 0.0, 1.0
        else:
            self.center_, self.scale_ = float(defined.mean()), float(defined.std())
        return self

    def _fit_fallback(self, counts: Counter, positive, negative, why: str) -> None:
        self.fallback_ = True
        pos = _match_seeds(positive, counts)
        neg = _match_seeds(negative, counts)
        self.seed_words_ = {"positive": pos, "negative": neg}
        words = sorted(pos + neg)
        self.vocabulary_ = np.array(words, dtype=object)
        self.counts_ = np.array([counts[w] for w in words], dtype=np.int64)
        self.polarity_ = pd.Series([1.0 if w in set(pos) else -1.0 for w in words], index=pd.Index(words, dtype="str"),
                                   dtype="float64", name="polarity")
        self.n_components_ = 0
        self.seed_auc_ = np.nan
        self.vectors_ = np.zeros((len(words), 0))
        if self.fallback == "seeds":
            what = ("polarity_scaling falls back to seed-word presence: (positive - negative) / (positive + "
                    "negative) seed tokens in each context, NaN when it contains none; not standardised")
        else:
            what = "polarity_scaling is NaN (fallback='nan')"
        self.note_ = (f"Corpus-adapted scaling: the corpus is too small for word vectors ({why}), so {what}. "
                      f"Seed words found: {len(pos)} positive, {len(neg)} negative.")
        warnings.warn(self.note_, DataTooSmallWarning, stacklevel=3)

    def _fit_vectors(self, docs: _Words, vocabulary, counts, seeds, window: int, n_components: int) -> None:
        self.fallback_ = False
        index = {w: i for i, w in enumerate(vocabulary.tolist())}
        n_words = len(vocabulary)
        # Tokens as vocabulary indices, in text order; words below min_count are dropped.
        # int32 codes throughout (fewer than 2**31 words and texts): half the memory of int64 on a large corpus
        index_of_word = np.fromiter((index.get(w, -1) for w in docs.words.tolist()), dtype=np.int32,
                                    count=len(docs.words))
        all_tokens = index_of_word[docs.codes]
        known = all_tokens >= 0
        tokens = all_tokens[known]
        del all_tokens
        doc_of = docs.text_of()[known]
        del known
        # Pairs counted once in reading order (int32 counts), then made symmetric: the same counts as adding
        # both directions at every distance, at a fraction of the memory on a large corpus.
        forward = sparse.csr_matrix((n_words, n_words), dtype=np.int32)
        for d in range(1, window + 1):
            keep = (doc_of[:-d] == doc_of[d:]) & (tokens[:-d] != tokens[d:])
            a, b = tokens[:-d][keep], tokens[d:][keep]
            forward = forward + sparse.csr_matrix((np.ones(len(a), dtype=np.int32), (a, b)),
                                                  shape=(n_words, n_words))
            del a, b, keep
        del tokens, doc_of
        cooc = (forward + forward.T).tocoo()
        del forward
        rows = np.asarray(cooc.sum(axis=1), dtype=np.float64).ravel()
        cols = np.asarray(cooc.sum(axis=0), dtype=np.float64).ravel() ** _CDS_ALPHA
        # log(n_ab) - log(n_a) - log(n_b^alpha / sum), term by term in place (one array of the pairs' size)
        with np.errstate(divide="ignore"):
            pmi = np.log(cooc.data.astype(np.float64))
            pmi -= np.log(rows)[cooc.row]
            pmi -= np.log(cols / cols.sum())[cooc.col]
        keep = pmi > 0
        # Single precision halves the memory traffic of the SVD's sparse products, its main cost on
        # large corpora; the polarities are rounded to 6 decimals and ranks do not change.
        ppmi = sparse.csr_matrix((pmi[keep].astype(np.float32), (cooc.row[keep], cooc.col[keep])),
                                 shape=(n_words, n_words))
        k = min(n_components, n_words - 1)
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=5, random_state=self.random_state)
        # One BLAS thread: the randomised SVD's many small products were 5-10x slower with
        # BLAS threads competing for a shared machine's cores; results do not change.
        with threadpool_limits(limits=1):
            us = svd.fit_transform(ppmi)
        sigma = svd.singular_values_
        vectors = us / np.sqrt(np.where(sigma > 0, sigma, 1.0))  # U * sigma^0.5
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        self.vectors_ = vectors
        pos_idx = [index[w] for w in seeds["positive"]]
        neg_idx = [index[w] for w in seeds["negative"]]
        polarity = self._pole_polarity(vectors, pos_idx, neg_idx)
        self.vocabulary_ = vocabulary
        self.counts_ = np.array([counts[w] for w in vocabulary.tolist()], dtype=np.int64)
        self.polarity_ = pd.Series(np.round(polarity, _DECIMALS), index=pd.Index(vocabulary.tolist(), dtype="str"),
                                   dtype="float64", name="polarity")
        self.seed_words_ = dict(seeds)
        self.n_components_ = int(k)
        self.seed_auc_ = self._seed_auc(vectors, pos_idx, neg_idx)
        self.note_ = (
            f"Corpus-adapted scaling: {k}-dimensional word vectors (truncated SVD of PPMI co-occurrence within "
            f"{window} content words) for {n_words} words seen at least {self.min_count} times in "
            f"{self.n_tokens_} content tokens; poles from {len(pos_idx)} positive and {len(neg_idx)} negative "
            f"seed words; leave-one-seed-out separation (AUC) {self.seed_auc_:.2f}. Context scores are "
            f"standardised on the corpus's sentences: 0 = the average sentence of this corpus, 1 = one standard "
            f"deviation toward the positive pole."
        )
        if not np.isnan(self.seed_auc_) and self.seed_auc_ < _MIN_SEED_AUC:
            warnings.warn(
                f"The corpus vectors barely separate the seed words (leave-one-seed-out AUC {self.seed_auc_:.2f} < "
                f"{_MIN_SEED_AUC}): polarity_scaling is unreliable. Use more text or seed words that this corpus "
                f"uses in the intended sense.", DataTooSmallWarning, stacklevel=3)

    @staticmethod
    def _pole_polarity(vectors: np.ndarray, pos_idx, neg_idx) -> np.ndarray:
        def centroid(idx):
            c = vectors[idx].mean(axis=0)
            n = np.linalg.norm(c)
            return c / n if n > 0 else c
        return vectors @ centroid(pos_idx) - vectors @ centroid(neg_idx)

    def _seed_auc(self, vectors, pos_idx, neg_idx) -> float:
        if len(pos_idx) < 2 or len(neg_idx) < 2:
            return np.nan
        held = []
        for pole, idx in (("positive", pos_idx), ("negative", neg_idx)):
            for i in idx:
                value = self._pole_polarity(vectors, [j for j in pos_idx if j != i], [j for j in neg_idx if j != i])[i]
                held.append((pole, float(value)))
        pos = np.array([v for p, v in held if p == "positive"])
        neg = np.array([v for p, v in held if p == "negative"])
        wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
        return round(float(wins / (len(pos) * len(neg))), _DECIMALS)

    # -- score ---------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "polarity_"):
            raise ParameterError("This LatentScaling is not fitted yet: call .fit(texts) first.")

    def _raw_scores(self, docs: _Words) -> np.ndarray:
        lookup = self.polarity_.to_dict()
        n_texts = len(docs.lengths)
        if self.fallback_ and self.fallback == "nan":
            return np.full(n_texts, np.nan)
        if self.fallback_:
            # seed presence: any word matching a seed pattern counts, seen in the fitted corpus or not
            positive, negative = self.seed_patterns_
            unseen = set(docs.words[np.unique(docs.codes)].tolist()) - set(lookup)
            lookup.update({w: 1.0 for w in _match_seeds(positive, unseen)})
            lookup.update({w: -1.0 for w in _match_seeds(negative, unseen)})
        word_value = np.fromiter((lookup.get(w, np.nan) for w in docs.words.tolist()), dtype=np.float64,
                                 count=len(docs.words))
        values = word_value[docs.codes]
        scored = ~np.isnan(values)
        text_of = docs.text_of()[scored]
        # fallback: +1/-1 per seed token, so the mean is (pos - neg) / (pos + neg)
        total = np.bincount(text_of, weights=values[scored], minlength=n_texts)
        number = np.bincount(text_of, minlength=n_texts)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(number > 0, total / np.maximum(number, 1), np.nan)

    def score(self, texts) -> np.ndarray:
        """Score texts on the seed dimension.

        Parameters
        ----------
        texts : iterable of str
            Contexts to score (e.g. the masked sentence around a target).

        Returns
        -------
        numpy.ndarray of float
            The token-weighted mean polarity of each text's words that have
            a polarity, standardised with ``center_`` and ``scale_``
            (positive = toward the positive seed pole). NaN for a text
            without any such word (no evidence is not neutral), and
            everywhere when the model fell back with ``fallback="nan"``.
            Rounded to 6 decimals.

        Examples
        --------
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     model = LatentScaling().fit(["We support them."])
        >>> model.score(["support"]).tolist()
        [1.0]
        """
        self._check_fitted()
        if isinstance(texts, str):
            raise ParameterError("`texts` must be a list of texts, not one string.")
        stop = self._stop()
        raw = self._raw_scores(self._analyze(texts, stop))
        return np.round((raw - self.center_) / self.scale_, _DECIMALS)

    def word_table(self, *, n: int = 20) -> pd.DataFrame:
        """List the words nearest each pole: what the corpus means by the dimension.

        Parameters
        ----------
        n : int, default 20
            Words per pole.

        Returns
        -------
        pandas.DataFrame
            ``rank, word, polarity, count, seed``: the ``n`` most positive
            words (rank 1, 2, ...) then the ``n`` most negative (rank -1,
            -2, ...), ties broken by word; ``seed`` names the pole when the
            word is a seed word ("" otherwise).

        Examples
        --------
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     model = LatentScaling().fit(["We support them.", "We condemn them."])
        >>> model.word_table(n=1)["word"].tolist()
        ['support', 'condemn']
        """
        self._check_fitted()
        n = check_int(n, "n", minimum=1)
        words = np.asarray(self.polarity_.index, dtype=object).astype(str)
        values = self.polarity_.to_numpy(dtype=float)
        seed_of = {w: "positive" for w in self.seed_words_["positive"]}
        seed_of.update({w: "negative" for w in self.seed_words_["negative"]})
        counts = dict(zip(self.vocabulary_.tolist(), self.counts_.tolist()))
        top = np.lexsort((words, -values))[:n]
        top = [i for i in top if values[i] > 0]
        bottom = np.lexsort((words, values))[:n]
        bottom = [i for i in bottom if values[i] < 0]
        rows = [(r, words[i], values[i]) for r, i in enumerate(top, start=1)]
        rows += [(-r, words[i], values[i]) for r, i in enumerate(bottom, start=1)]
        return pd.DataFrame({
            "rank": pd.Series([r for r, _, _ in rows], dtype="int64"),
            "word": pd.Series([w for _, w, _ in rows], dtype="str"),
            "polarity": pd.Series([v for _, _, v in rows], dtype="float64"),
            "count": pd.Series([counts.get(w, 0) for _, w, _ in rows], dtype="int64"),
            "seed": pd.Series([seed_of.get(w, "") for _, w, _ in rows], dtype="str"),
        }, columns=WORD_TABLE_COLUMNS)

