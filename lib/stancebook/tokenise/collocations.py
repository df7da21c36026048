"""Collocations: adjacent content-term bigrams proposed as multiword expressions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.checks import check_int, require_columns
from stancebook.errors import ParameterError
from stancebook.stats import log_likelihood_g2

__all__ = ["find_collocations"]

def check_tokens(tokens, needed) -> None:
    """Refuse anything but a tokens table with the ``needed`` columns (a ``ParameterError``)."""
    if not isinstance(tokens, pd.DataFrame):
        raise ParameterError(f"tokens must be the tokens table (a DataFrame), got {type(tokens).__name__}.")
    require_columns(tokens, needed, "tokens", hint="Pass the tokens table of tokenise_corpus().",
                    error=ParameterError)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"first": pd.array([], dtype="str"), "second": pd.array([], dtype="str"),
                         "count": np.array([], dtype=np.int64), "pmi": np.array([], dtype=float),
                         "g2": np.array([], dtype=float)})


def find_collocations(tokens: pd.DataFrame, *, min_count: int = 2, top: int = 30) -> pd.DataFrame:
    """Propose multiword expressions: adjacent content-term bigrams.

    Parameters
    ----------
    tokens : pandas.DataFrame
        The tokens table of :func:`~stancebook.tokenise.tokenise_corpus`.
    min_count : int, default 2
        Keep bigrams seen at least this often.
    top : int, default 30
        Return at most this many rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``first, second, count, pmi, g2``: two terms that follow each
        other in a sentence with no stopword, number or punctuation between
        (an existing MWE counts as one term); ``pmi`` in bits and Dunning's
        ``g2`` from the 2x2 table of bigram positions. Sorted by ``g2``
        descending, then the terms. Feed ``zip(first, second)`` of the rows
        you accept to ``tokenise_corpus(mwes=...)``.

    See Also
    --------
    stancebook.tokenise.tokenise_corpus : its ``mwes`` turn accepted bigrams into terms.

    References
    ----------
    .. [1] Dunning, T. (1993). Accurate methods for the statistics of surprise
       and coincidence. *Computational Linguistics*, 19(1), 61-74.
    .. [2] Church, K. W., & Hanks, P. (1990). Word association norms, mutual
       information, and lexicography. *Computational Linguistics*, 16(1), 22-29.

    Examples
    --------
    >>> from stancebook.tokenise import tokenise_corpus
    >>> from stancebook.resources.actors import load_actor_dictionary
    >>> units = pd.DataFrame({"unit_id": ["u"], "text": ["Nuclear weapons. Nuclear weapons again."],
    ...                       "offset_breaks": [[0, 0]]})
    >>> tokens = tokenise_corpus(units, dictionary=load_actor_dictionary()).tokens
    >>> find_collocations(tokens)[["first", "second", "count"]].values.tolist()
    [['nuclear', 'weapons', 2]]
    """
    min_count = check_int(min_count, "min_count")
    top = check_int(top, "top")
    check_tokens(tokens, ["unit_id", "sentence", "kind", "is_stop", "term"])
    # Later tokens of an MWE (a non-stop word without a term) are skipped, not breaks.
    continuation = tokens["term"].isna() & ~tokens["is_stop"].astype(bool) & (tokens["kind"] == "word")
    kept = tokens.loc[~continuation, ["unit_id", "sentence", "term"]]
    term = kept["term"].to_numpy(dtype=object)
    unit = kept["unit_id"].to_numpy(dtype=object)
    sentence = kept["sentence"].to_numpy()
    has = ~pd.isna(kept["term"]).to_numpy()
    pair = has[:-1] & has[1:] & (unit[:-1] == unit[1:]) & (sentence[:-1] == sentence[1:])
    if not pair.any():
        return _empty()
    bigrams = pd.DataFrame({"first": term[:-1][pair], "second": term[1:][pair]})
    n = len(bigrams)
    counts = bigrams.value_counts(sort=False).rename("count").reset_index()
    c1 = counts["first"].map(bigrams["first"].value_counts()).to_numpy(dtype=float)
    c2 = counts["second"].map(bigrams["second"].value_counts()).to_numpy(dtype=float)
    c12 = counts["count"].to_numpy(dtype=float)
    counts = counts.assign(
        pmi=np.log2(c12 * n / (c1 * c2)),
        g2=log_likelihood_g2(c12, c1 - c12, c2 - c12, n - c1 - c2 + c12),
    )
    counts = counts.loc[counts["count"] >= min_count]
    if counts.empty:
        return _empty()
    counts = counts.sort_values(["g2", "first", "second"], ascending=[False, True, True], kind="stable")
    out = counts.head(top).reset_index(drop=True)
    return out.astype({"first": "str", "second": "str", "count": "int64", "pmi": "float64", "g2": "float64"})
