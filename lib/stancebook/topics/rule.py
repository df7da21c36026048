"""The rule that keeps one topic model from the scored grid, and the grid of k sized to a corpus.

:class:`~stancebook.topics.TopicModelSelection` fits and scores every
(model, k) (what is measured: :mod:`stancebook.topics.selection`) and then
calls :func:`choose` on the table of scores.

How the model and k are chosen
------------------------------
1. Fits whose stability is below ``min_stability`` are set aside: their
   topics depend on the seed or the sample. (With ``n_seeds=1`` stability
   is unknown and every fit is kept; if no fit is stable enough, all are
   kept and the reason says so.) So are fits in which two topics share more
   than half of their top words (``overlap``): one theme split into near
   copies, not two themes (unless that would leave no fit).
2. Among the kept fits, every fit whose mean NPMI is within one standard
   error of the best mean NPMI (the spread of the best fit's per-topic NPMI
   over the square root of its number of topics) counts as "as coherent as
   the best" (the one-standard-error rule; Hastie, Tibshirani and Friedman
   2009, sec. 7.10).
3. Among those, the fit whose topics are the most **exclusive** wins: the
   mean FREX score of the top words (Bischof and Airoldi 2012; STM's
   ``exclusivity``, see :func:`~stancebook.topics.topic_exclusivity`), rounded
   to three decimals; ties go to the smaller k, then the higher stability,
   then the higher diversity, then LDA before NMF. Coherence alone is flat
   over a wide range of k on long political texts (and often highest at the
   smallest k, which merges distinct themes); exclusivity falls when themes
   are merged and stops rising when real topics are split into near copies.
   This is the trade-off STM's ``searchK`` shows: the chosen fit lies on the
   frontier of coherence and exclusivity (``table_["frontier"]``).

``reason_`` says in plain words which fit was chosen and why; ``notes_``
lists everything that was cut or could not be computed. ``n_topics`` (and
``model``) override the choice.

On a tiny corpus the grid is cut to what the units and terms support, the
standard error is large and the rule picks a small k: that is the honest
answer when the data cannot support more topics, and when it is k = 2 the
reason says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from stancebook.topics._common import MODEL_NAMES

__all__ = ["default_k_grid", "choose", "MIN_UNITS_PER_TOPIC", "MIN_TERMS_PER_TOPIC"]

MIN_UNITS_PER_TOPIC = 4
MIN_TERMS_PER_TOPIC = 5
_MAX_K = 30
# Two topics sharing more than this share of their top words are near copies of one topic.
_MAX_OVERLAP = 0.5


def default_k_grid(n_units: int, n_terms: int) -> list[int]:
    """Return a grid of numbers of topics sized to the corpus.

    The largest k is ``min(30, n_units // 4, n_terms // 5)``: every topic
    should be able to dominate at least about four units and own about five
    top terms. If that is below 2 the grid is empty (the corpus is too small
    for a choice of k; :class:`TopicModelSelection` then falls back to k = 2
    with a warning). Up to k = 10 every k from 2 is tried; above that the grid
    is 2, 3, 4, 5, 6, 8, 10, 12 and then steps of 5.

    Parameters
    ----------
    n_units : int
        Number of units (rows of the document-term matrix) that contain terms.
    n_terms : int
        Number of terms (columns).

    Returns
    -------
    list of int
        Increasing k values; empty when the corpus is too small.

    Examples
    --------
    >>> default_k_grid(20, 200)
    [2, 3, 4, 5]
    >>> default_k_grid(500, 5000)
    [2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30]
    >>> default_k_grid(6, 100)
    []
    """
    upper = min(_MAX_K, int(n_units) // MIN_UNITS_PER_TOPIC, int(n_terms) // MIN_TERMS_PER_TOPIC)
    if upper < 2:
        return []
    if upper <= 10:
        return list(range(2, upper + 1))
    return [k for k in (2, 3, 4, 5, 6, 8, 10, 12) if k <= upper] + list(range(15, upper + 1, 5))



def choose(table: pd.DataFrame, *, n_top: int, min_stability: float, coherence: str,
            extendable: bool = False) -> tuple[int, str]:
    """Row index of the chosen fit and the reason in plain words (the rule: module docstring).

    Adds the columns ``stable`` (passed the stability bar) and ``frontier``
    (no other stable fit has both a higher mean NPMI and a higher exclusivity)
    to ``table``.
    """
    stable, pool_note = _stable_pool(table, min_stability)
    stable, copies_note = _distinct_pool(table, stable)
    pool_note += copies_note
    pool = table[stable]
    npmi, exclusivity = table["npmi"].to_numpy(), table["exclusivity"].to_numpy()
    dominated = [bool(((npmi[stable] > npmi[i]) & (exclusivity[stable] > exclusivity[i])).any())
                 for i in range(len(table))]
    table["frontier"] = stable & ~np.array(dominated, dtype=bool)
    best = int(pool["npmi"].idxmax())  # first maximum: stable
    best_row = table.loc[best]
    threshold = best_row["npmi"] - best_row["npmi_se"]
    candidates = pool[pool["npmi"] >= threshold - 1e-12].assign(
        family_order=lambda t: t["model"].map({"lda": 0, "nmf": 1}),
        stability_key=lambda t: t["stability"].fillna(1.0),
        row=lambda t: t.index.to_numpy(),
        # Exclusivity differences below the table's rounding are ties, broken by the smaller k.
        exclusivity_key=lambda t: t["exclusivity"].round(3),
    )
    ranked = candidates.sort_values(
        ["exclusivity_key", "k", "stability_key", "diversity", "family_order", "npmi", "row"],
        ascending=[False, True, False, False, True, False, True],
        kind="stable",
    )
    chosen = int(ranked["row"].iloc[0])
    basis = f"NPMI coherence of the top {n_top} words per topic, {coherence}"
    return chosen, _reason(table, chosen, best, n_candidates=len(candidates), n_pool=len(pool), basis=basis,
                           pool_note=pool_note, extendable=extendable)


def _stable_pool(table: pd.DataFrame, min_stability: float) -> tuple[np.ndarray, str]:
    """Step 1 of the rule: the fits compared (the stable ones, or all if none is) and a note on what was set aside."""
    stability = table["stability"].to_numpy()
    stable = np.isnan(stability) | (stability >= min_stability - 1e-12)
    table["stable"] = stable
    if not stable.any():
        return np.ones(len(table), dtype=bool), (
            f" No fit reached the stability bar of {min_stability:.2f} (the best was "
            f"{np.nanmax(stability):.3f}), so all fits were compared: the topics depend on the seed and "
            "the sample, read them with care."
        )
    if not stable.all():
        return stable, (
            f" {int((~stable).sum())} of {len(table)} fits were set aside as unstable (mean matched "
            f"topic similarity across refits below {min_stability:.2f})."
        )
    return stable, ""


def _distinct_pool(table: pd.DataFrame, stable: np.ndarray) -> tuple[np.ndarray, str]:
    """Step 1b of the rule: set aside fits with near-copy topics (two topics sharing over half their top words)."""
    distinct = table["overlap"].to_numpy() <= _MAX_OVERLAP + 1e-12
    kept = stable & distinct
    if not kept.any() or kept.sum() == stable.sum():
        return stable, ""
    return kept, (f" {int((stable & ~distinct).sum())} stable fit(s) were set aside because two of their topics "
                  f"share more than {_MAX_OVERLAP:.0%} of their top words (near copies of one topic).")


def _reason(table: pd.DataFrame, chosen: int, best: int, *, n_candidates: int, n_pool: int, basis: str,
            pool_note: str, extendable: bool = False) -> str:
    """Why row ``chosen`` was kept, in plain words: its scores, the best fit, and the rule that decided."""
    row = table.loc[chosen]
    what = f"{MODEL_NAMES[row['model']]} with k = {row['k']}"
    stab = "" if np.isnan(row["stability"]) else f", stability {row['stability']:.3f}"
    scores = f"mean NPMI {row['npmi']:.3f}, exclusivity {row['exclusivity']:.3f}, diversity {row['diversity']:.3f}{stab}"
    if len(table) == 1:
        return f"Fitted {what} only ({scores}; {basis})."
    best_row = table.loc[best]
    head = (f"Chose {what} ({scores}). The highest mean {basis} was {best_row['npmi']:.3f} "
            f"({MODEL_NAMES[best_row['model']]}, k = {best_row['k']}); {n_candidates} of {n_pool} stable fits came "
            f"within one standard error ({best_row['npmi_se']:.3f}) of it")
    small = ""
    if extendable and row["k"] == table["k"].max() and len(table["k"].unique()) > 1:
        small = (f" k = {row['k']} is the largest k of the grid: larger k may be as coherent and more exclusive; "
                 "extend k_grid to see.")
    if row["k"] == 2 and table["k"].max() > 2:
        small = (" Two topics is the least a model can have: the data do not support more topics that are as "
                 "coherent (too few or too short units); fit on passages or add documents for a finer model.")
    if n_candidates == 1:
        return f"{head}, so no other fit is as coherent.{small}{pool_note}"
    return (f"{head}, and among them the rule keeps the one whose topics are the most exclusive (mean FREX of "
            f"their top words; ties by the smaller k): as coherent as the best, with the least overlap between "
            f"topics.{small}{pool_note}")
