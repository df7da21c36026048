"""Agreement of stance sources with hand coding: accuracy, macro-F1, Krippendorff's alpha, confusion."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score

from stancebook.checks import require_columns
from stancebook.stance.polarity.decision import DECISIONS
from stancebook.stance.polarity.learned import VALUE_OF

CLASSES = ("against", "neutral", "for")
AGREEMENT_COLUMNS = ["codes", "use", "source", "n", "accuracy", "macro_f1", "alpha", "f1_against", "f1_neutral", "f1_for"]

CELL_COLUMNS = ["use", "holder", "target", "n_codes", "code_mean", "model_mean", "gap"]

__all__ = ["AGREEMENT_COLUMNS", "CELL_COLUMNS", "CLASSES", "agreement_table", "cell_agreement", "confusion_table",
           "krippendorff_alpha"]


def krippendorff_alpha(first, second, *, categories=CLASSES) -> float:
    """Krippendorff's alpha for nominal codes of two coders on the same units.

    Parameters
    ----------
    first, second : array-like of str
        The two coders' codes, unit by unit (missing codes as None/NaN are dropped pairwise).
    categories : sequence of str
        The possible codes.

    Returns
    -------
    float
        1 for perfect agreement, 0 for agreement at chance, negative below;
        NaN when all pairable codes are of one category.

    References
    ----------
    .. [1] Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
       Annenberg School for Communication, University of Pennsylvania.

    Examples
    --------
    >>> round(krippendorff_alpha(["for", "for", "against", "neutral"], ["for", "neutral", "against", "neutral"]), 3)
    0.667
    """
    a = pd.Series(list(first), dtype="object")
    b = pd.Series(list(second), dtype="object")
    keep = a.notna() & b.notna()
    a, b = a[keep].to_numpy(), b[keep].to_numpy()
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    coincidence = np.zeros((k, k))
    for x, y in zip(a, b):
        coincidence[index[x], index[y]] += 1
        coincidence[index[y], index[x]] += 1
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return float("nan")
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n * n - (n_c ** 2).sum()) / (n - 1)
    if expected == 0:
        return float("nan")
    return float(1 - observed / expected)


def agreement_table(codes: pd.DataFrame, predictions: dict[str, pd.Series]) -> pd.DataFrame:
    """How each source agrees with the hand codes.

    Parameters
    ----------
    codes : pandas.DataFrame
        With a ``code`` column (against / neutral / for), one row per coded
        (sentence, target) pair.
    predictions : dict of str to pandas.Series
        ``{source name: predicted class per row of codes}`` (same index).

    Returns
    -------
    pandas.DataFrame
        :data:`AGREEMENT_COLUMNS`, one row per source (``codes`` and ``use``
        empty, filled by :func:`evaluate_codes`): the number of pairs,
        accuracy, macro-F1 over the three classes, Krippendorff's alpha
        (source and coder as two coders) and the F1 of each class.
    """
    require_columns(codes, ["code"], "codes")
    rows = []
    for source, predicted in predictions.items():
        truth, guess = codes["code"].astype(str).to_numpy(), predicted.reindex(codes.index).astype(str).to_numpy()
        per_class = f1_score(truth, guess, labels=list(CLASSES), average=None, zero_division=0)
        rows.append(("", "", source, len(truth), float((truth == guess).mean()),
                     float(f1_score(truth, guess, labels=list(CLASSES), average="macro", zero_division=0)),
                     krippendorff_alpha(truth, guess), *map(float, per_class)))
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS).round(4)


def confusion_table(codes: pd.DataFrame, predicted: pd.Series, *, by: str | None = "target") -> pd.DataFrame:
    """Confusion counts of one source against the codes, overall and per ``by`` group (long format).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, code, predicted, n`` (group ``"all"`` for the whole set).
    """
    frames = [("all", codes.index)]
    if by is not None:
        require_columns(codes, [by], "codes")
        frames += [(str(g), idx) for g, idx in codes.groupby(by, sort=True).groups.items()]
    rows = []
    for group, idx in frames:
        matrix = confusion_matrix(codes.loc[idx, "code"].astype(str), predicted.loc[idx].astype(str),
                                  labels=list(CLASSES))
        rows += [(group, c, p, int(matrix[i, j])) for i, c in enumerate(CLASSES) for j, p in enumerate(CLASSES)]
    return pd.DataFrame(rows, columns=["group", "code", "predicted", "n"])


VADER_THRESHOLD = 0.05  # Hutto & Gilbert's recommended cut-off for VADER's compound score


def source_classes(triples: pd.DataFrame, sources, *, band: float = 0.5) -> dict[str, pd.Series]:
    """Each source's polarity read as a class (against / neutral / for) per triple.

    Decisions (frames, the codes-trained source, the default stance) are read by their sign, no score
    being neutral; the sentence lexicon by VADER's own cut-off (±0.05,
    the baseline as its authors use it); every other continuous score is
    neutral within ``band`` of 0, like the default stance.
    """
    out = {}
    for name in sources:
        values = triples[f"polarity_{name}"].to_numpy(dtype=float)
        cut = 1e-9 if name in DECISIONS else VADER_THRESHOLD if name == "lexicon" else band
        labels = np.where(values >= cut, "for", np.where(values <= -cut, "against", "neutral"))
        out[name] = pd.Series(labels, index=triples.index)
    return out


def evaluate_codes(triples: pd.DataFrame, codes: pd.DataFrame, sources, *, band: float = 0.5
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Agreement of every source with the hand codes of a run.

    Parameters
    ----------
    triples : pandas.DataFrame
        The run's stance triples.
    codes : pandas.DataFrame
        Codes matched to the run (``unit_id, sentence, target, code``, from
        :func:`stancebook.stance.coding.match_codes`), optionally with the
        set each code belongs to (``codes``, e.g. its file) and how the run
        used it (``use``: ``"training"``, scored cross-fitted, or ``"test"``,
        never trained on); agreement is reported per set.
    sources : sequence of str
        The registered sources.
    band : float
        The neutral band of continuous scores (see :func:`source_classes`).

    Returns
    -------
    agreement : pandas.DataFrame
        :func:`agreement_table` of each set, one row per set and source, the
        set's name and use in the columns ``codes`` and ``use``.
    confusion : pandas.DataFrame
        :func:`confusion_table` of the default source (``stance``) on each set
        (column ``codes``), overall and per target.
    coded : pandas.DataFrame
        The codes with each source's class and the pair's holder in the run (the
        codes' own ``holder`` column is dropped), one row per coded pair found among the triples.
    """
    require_columns(codes, ["unit_id", "sentence", "target", "code"], "codes")
    pairs = triples[(triples["level"] == "target") & (triples["holder_source"] != "act")]
    pairs = pairs.drop_duplicates(["unit_id", "sentence", "target"])
    classes = source_classes(pairs, sources, band=band)
    kept = ["unit_id", "sentence", "target"] + (["holder"] if "holder" in pairs.columns else [])
    keyed = pairs[kept].assign(**{f"class_{k}": v for k, v in classes.items()})
    coded = codes.drop(columns=["holder"], errors="ignore").astype(
        {"unit_id": str, "sentence": "int64", "target": str}).merge(
        keyed.astype({"unit_id": str, "sentence": "int64", "target": str}), on=["unit_id", "sentence", "target"])
    if "codes" not in coded.columns:
        coded = coded.assign(codes="codes")
    if "use" not in coded.columns:
        coded = coded.assign(use="")
    default = "stance" if "stance" in sources else list(sources)[0]
    agreements, confusions = [], []
    for name, group in coded.groupby("codes", sort=False):
        head = {"codes": name, "use": group["use"].iloc[0]}
        table = agreement_table(group, {source: group[f"class_{source}"] for source in sources})
        agreements.append(table.assign(**head))
        confusions.append(confusion_table(group, group[f"class_{default}"]).assign(codes=name))
    confusion = pd.concat(confusions, ignore_index=True)[["codes", "group", "code", "predicted", "n"]]
    return pd.concat(agreements, ignore_index=True), confusion, coded


def cell_agreement(coded: pd.DataFrame, *, source: str = "stance", min_codes: int = 4) -> tuple[pd.DataFrame, dict]:
    """Whether a source's holder × target means follow the readers' means: the agreement of positions, not of pairs.

    A source can agree with the codes pair by pair and still flatten the
    profiles: if it leans on how a target is usually spoken of, a holder
    who speaks of it unusually (Russia of Ukraine) is read like everyone
    else. For every (holder, target) cell with at least ``min_codes`` codes
    this compares the mean of the codes (against -1, neutral 0, for +1)
    with the mean of the source's classes on the same pairs.

    Parameters
    ----------
    coded : pandas.DataFrame
        The third output of :func:`evaluate_codes` (``holder, target, code,
        class_<source>``, optionally ``use``).
    source : str, default "stance"
    min_codes : int, default 4

    Returns
    -------
    cells : pandas.DataFrame
        :data:`CELL_COLUMNS`, one row per use and cell, largest gap first
        (``gap`` = source mean minus code mean).
    summary : dict
        Per use: ``{"n_cells", "correlation", "slope", "mean_abs_gap"}``. The
        correlation and slope are within target (each cell less its target's
        mean, so a target everyone likes does not count as agreement); a
        slope of 1 means the source separates holders as much as the
        readers do, below 1 that it flattens them toward the consensus.

    Examples
    --------
    >>> coded = pd.DataFrame({"holder": ["a"] * 4 + ["b"] * 4, "target": "x",
    ...                       "code": ["for"] * 4 + ["against"] * 4, "class_stance": ["for"] * 4 + ["neutral"] * 4})
    >>> cells, summary = cell_agreement(coded)
    >>> cells[["holder", "code_mean", "model_mean", "gap"]].values.tolist()
    [['b', -1.0, 0.0, 1.0], ['a', 1.0, 1.0, 0.0]]
    >>> summary[""]["slope"]
    0.5
    """
    require_columns(coded, ["holder", "target", "code", f"class_{source}"], "coded")
    frame = coded.assign(use=coded["use"] if "use" in coded.columns else "",
                         code_value=coded["code"].map(VALUE_OF).astype(float),
                         model_value=coded[f"class_{source}"].map(VALUE_OF).astype(float))
    cells = (frame.groupby(["use", "holder", "target"], sort=True)
                  .agg(n_codes=("code_value", "size"), code_mean=("code_value", "mean"),
                       model_mean=("model_value", "mean"))
                  .reset_index())
    cells = cells[cells["n_codes"] >= min_codes].assign(gap=lambda c: c["model_mean"] - c["code_mean"])
    summary = {}
    for use, group in cells.groupby("use", sort=True):
        dx = group["code_mean"] - group.groupby("target")["code_mean"].transform("mean")
        dy = group["model_mean"] - group.groupby("target")["model_mean"].transform("mean")
        spread = float((dx ** 2).sum())
        both = spread > 0 and float((dy ** 2).sum()) > 0
        summary[use] = {"n_cells": len(group),
                        "correlation": round(float(np.corrcoef(dx, dy)[0, 1]), 4) if both else float("nan"),
                        "slope": round(float((dx * dy).sum()) / spread, 4) if spread > 0 else float("nan"),
                        "mean_abs_gap": round(float(group["gap"].abs().mean()), 4)}
    cells = cells.sort_values(["use", "gap"], key=lambda c: -c.abs() if c.name == "gap" else c, kind="stable")
    return cells[CELL_COLUMNS].round(4).reset_index(drop=True), summary
