"""The hand-coding loop: a stratified sample to code, and codes read back onto the run's sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stancebook.checks import check_int, require_columns
from stancebook.errors import ParameterError
from stancebook.paths import resolve_input
from stancebook.stance.polarity.learned import VALUE_OF

CLASSES = ("against", "neutral", "for")
SAMPLE_COLUMNS = ["code_id", "unit_id", "sentence", "target", "target_label", "holder", "before", "text", "after",
                  "code", "note"]
_ALIASES = {"pro": "for", "positive": "for", "+": "for", "1": "for", "con": "against", "negative": "against",
            "-": "against", "-1": "against", "0": "neutral", "none": "neutral"}

__all__ = ["CLASSES", "SAMPLE_COLUMNS", "apply_hand_codes", "coding_sample", "match_codes", "read_code_sets",
           "read_codes", "write_coding_sample"]


def coding_sample(triples: pd.DataFrame, sentences: pd.DataFrame, *, n: int = 300, predicted: str = "stance",
                  labels: dict | None = None, by: pd.Series | None = None, exclude: pd.DataFrame | None = None,
                  random_state: int = 0) -> pd.DataFrame:
    """A sample of (sentence, target) pairs to code by hand, stratified by target and predicted class.

    Each stratum (target x predicted class, x the value of ``by`` when
    given) gets an equal share of ``n`` (all its pairs when it has fewer;
    the rest goes to the larger strata), so rare targets and rare classes
    are coded too. The predicted class is used to stratify but is not
    written: coders read without seeing any score.

    Parameters
    ----------
    triples : pandas.DataFrame
        The ``stance_triples`` table (``unit_id, sentence, target, holder, level`` and ``predicted``).
    sentences : pandas.DataFrame
        The ``sentences`` artefact (``unit_id, sentence, text``), for the text and its context.
    n : int, default=300
        Pairs to draw.
    predicted : str, default="stance"
        The column of ``triples`` holding the predicted class.
    labels : dict, optional
        Display names of targets.
    by : pandas.Series, optional
        A metadata value of each unit (index ``unit_id``), for example the
        speaker's region: every target is then coded from every region, not
        mostly from the speakers who name it most. A pair whose unit has no
        value is its own stratum ("").
    exclude : pandas.DataFrame, optional
        Pairs already coded (``unit_id, sentence, target``, as
        :func:`match_codes` gives them): never drawn again.
    random_state : int, default=0

    Returns
    -------
    pandas.DataFrame
        :data:`SAMPLE_COLUMNS`, with empty ``code`` and ``note`` columns to fill in
        (against / neutral / for).
    """
    n = check_int(n, "n")
    require_columns(triples, ["unit_id", "sentence", "target", "holder", predicted], "stance_triples")
    require_columns(sentences, ["unit_id", "sentence", "text"], "sentences")
    pairs = triples
    if "level" in pairs.columns:
        pairs = pairs[pairs["level"] == "target"]
    pairs = pairs.drop_duplicates(["unit_id", "sentence", "target", "holder"]).reset_index(drop=True)
    if exclude is not None and len(exclude):
        require_columns(exclude, ["unit_id", "sentence", "target"], "exclude")
        done = set(zip(exclude["unit_id"].astype(str), exclude["sentence"].astype("int64"), exclude["target"].astype(str)))
        keep = [k not in done for k in zip(pairs["unit_id"].astype(str), pairs["sentence"].astype("int64"),
                                           pairs["target"].astype(str))]
        pairs = pairs[keep].reset_index(drop=True)
    keys = ["target", predicted]
    if by is not None:
        pairs = pairs.assign(_by=pairs["unit_id"].astype(str).map(by.astype(str)).fillna(""))
        keys.append("_by")
    rng = np.random.default_rng(random_state)
    strata = {key: idx.to_numpy() for key, idx in pairs.groupby(keys, sort=True).groups.items()}
    quota = _quotas({key: len(idx) for key, idx in strata.items()}, n)
    chosen = np.concatenate([rng.choice(idx, size=quota[key], replace=False) for key, idx in strata.items()]
                            or [np.zeros(0, dtype=int)])
    sample = pairs.loc[np.sort(chosen), ["unit_id", "sentence", "target", "holder"]]
    text = sentences.set_index(["unit_id", "sentence"])["text"]
    key = list(zip(sample["unit_id"], sample["sentence"]))
    sample = sample.assign(
        target_label=[(labels or {}).get(t, t) for t in sample["target"]],
        before=[text.get((u, s - 1), "") for u, s in key],
        text=[text.get((u, s), "") for u, s in key],
        after=[text.get((u, s + 1), "") for u, s in key],
        code="", note="")
    order = rng.permutation(len(sample))  # coders should not meet the pairs grouped by stratum
    sample = sample.iloc[order].reset_index(drop=True)
    return sample.assign(code_id=np.arange(1, len(sample) + 1))[SAMPLE_COLUMNS]


def _quotas(sizes: dict, n: int) -> dict:
    quota = {key: 0 for key in sizes}
    left = min(n, sum(sizes.values()))
    open_ = [key for key in sizes if sizes[key] > 0]
    while left > 0 and open_:
        share = max(1, left // len(open_))
        for key in list(open_):
            take = min(share, sizes[key] - quota[key], left)
            quota[key] += take
            left -= take
            if quota[key] == sizes[key]:
                open_.remove(key)
            if left == 0:
                break
    return quota


def read_codes(path) -> pd.DataFrame:
    """Read a file of hand codes (CSV), checking its columns and codes.

    The file identifies each pair either by the run's ids (``unit_id,
    sentence, target``, as written by :func:`coding_sample`) or by character
    offsets into a document's original text (``doc_id, start, end,
    target``: a validation set kept as ids and offsets, never corpus text).
    ``code`` is against / neutral / for (also -1/0/1, con/pro, -/+); rows
    with an empty code are skipped.

    Raises
    ------
    ParameterError
        Naming the file and the column or the row with a bad code.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"stance_codes={str(path)!r}: no such file of hand codes.")
    codes = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "code" not in codes.columns or "target" not in codes.columns:
        raise ParameterError(f"{path}: a codes file needs the columns 'target' and 'code'; it has "
                             f"{list(codes.columns)}.")
    by_ids = {"unit_id", "sentence"} <= set(codes.columns)
    by_offsets = {"doc_id", "start", "end"} <= set(codes.columns)
    if not (by_ids or by_offsets):
        raise ParameterError(f"{path}: identify each pair by 'unit_id' and 'sentence' (a coding sample) or by "
                             f"'doc_id', 'start' and 'end' (offsets into the document); it has {list(codes.columns)}.")
    codes = codes[codes["code"].str.strip() != ""].copy()
    codes["code"] = [_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in codes["code"]]
    bad = codes.loc[~codes["code"].isin(CLASSES)]
    if len(bad):
        row = bad.index[0] + 2
        raise ParameterError(f"{path}, line {row}: code {bad['code'].iloc[0]!r} is not one of against, neutral, "
                             "for.")
    for column in ("sentence", "start", "end"):
        if column in codes.columns:
            codes[column] = pd.to_numeric(codes[column], errors="raise").astype("int64")
    return codes.reset_index(drop=True)


def read_code_sets(training=(), test=()) -> pd.DataFrame | None:
    """Read every file of hand codes of a run, each a set of its own: codes to train on and codes to test on.

    Parameters
    ----------
    training : str, path or sequence of them
        Files whose codes train the ``coded`` source (cross-fitted, so their
        agreement is still out of sample) and are reported. Relative paths
        are looked up like every input file (:func:`stancebook.paths.resolve_input`).
    test : str, path or sequence of them
        Files whose codes are only reported, never trained on: an honest test.

    Returns
    -------
    pandas.DataFrame or None
        The codes of every file (:func:`read_codes`) with the set's name
        (``codes``: the file name without ``.csv``) and ``use``
        (``"training"`` or ``"test"``); None when no file is given.

    Raises
    ------
    ParameterError
        A file is named twice, or a pair is coded in a training file and a test file.
    """
    as_list = lambda given: [given] if isinstance(given, (str, Path)) else list(given or ())
    named = [(resolve_input(p), use) for given, use in ((training, "training"), (test, "test"))
             for p in as_list(given) if str(p)]
    if not named:
        return None
    names = [path.stem for path, _ in named]
    if len(set(names)) < len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ParameterError(f"stance_codes / stance_test_codes: the codes file(s) {twice} are named twice; "
                             "each file is one set of codes.")
    sets = [read_codes(path).assign(codes=path.stem, use=use) for path, use in named]
    codes = pd.concat(sets, ignore_index=True)
    key = ["doc_id", "start", "end", "target"] if "doc_id" in codes.columns else ["unit_id", "sentence", "target"]
    if set(key) <= set(codes.columns):
        train_keys = set(map(tuple, codes.loc[codes["use"] == "training", key].astype(str).to_numpy()))
        leaked = [k for k in map(tuple, codes.loc[codes["use"] == "test", key].astype(str).to_numpy())
                  if k in train_keys]
        if leaked:
            raise ParameterError(f"stance_test_codes: {len(leaked)} test pair(s) are also in stance_codes, for "
                                 f"example {leaked[0]}; a test pair must never be trained on.")
    return codes


def match_codes(codes: pd.DataFrame, sentences: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Give every code the run's ``unit_id`` and ``sentence``; codes whose text is not in the run are dropped.

    Offsets codes are matched to the sentence of the document that overlaps
    the coded span most (sentence splitting may differ slightly from the
    coder's).

    Returns
    -------
    pandas.DataFrame
        The codes with ``unit_id`` and ``sentence`` (int).
    """
    if {"unit_id", "sentence"} <= set(codes.columns):
        return codes.astype({"sentence": "int64"})
    require_columns(sentences, ["unit_id", "sentence", "orig_start", "orig_end"], "sentences")
    require_columns(units, ["unit_id", "doc_id"], "units")
    located = sentences.merge(units[["unit_id", "doc_id"]], on="unit_id")
    by_doc = {doc: group for doc, group in located.groupby("doc_id", sort=False)}
    unit_ids, numbers = [], []
    for doc, start, end in zip(codes["doc_id"], codes["start"], codes["end"]):
        group = by_doc.get(str(doc))
        if group is None:
            unit_ids.append(None)
            numbers.append(-1)
            continue
        overlap = (np.minimum(group["orig_end"].to_numpy(), end) - np.maximum(group["orig_start"].to_numpy(), start))
        best = int(np.argmax(overlap))
        ok = overlap[best] > 0.5 * (end - start)
        unit_ids.append(group["unit_id"].iloc[best] if ok else None)
        numbers.append(int(group["sentence"].iloc[best]) if ok else -1)
    matched = codes.assign(unit_id=unit_ids, sentence=numbers)
    return matched[matched["unit_id"].notna()].reset_index(drop=True)


def write_coding_sample(run: str, out, *, n: int = 300, random_state: int = 0, runs_root=None, by: str = "",
                        exclude=()) -> tuple[Path, int]:
    """Draw a coding sample from a finished run and write it to ``out``, a CSV to fill in.

    Stratified by target and by the default stance's predicted class
    (:func:`coding_sample`), and by the units' metadata column ``by`` when
    given; the prediction is not written. Pairs of the codes files in
    ``exclude`` are not drawn again. ``out`` lies outside the run's folder,
    which the next run replaces; an existing file (it may hold codes) is
    never overwritten.

    Returns
    -------
    (pathlib.Path, int)
        The file written and the number of pairs in it.

    Raises
    ------
    StancebookError
        The run, or its stance triples, do not exist (run the chain first).
    ParameterError
        ``out`` exists already, ``by`` is not a column of the run's units, or a file of ``exclude`` is unreadable.
    """
    from stancebook import catalog
    from stancebook.artefacts import write_table
    from stancebook.paths import RunPaths
    from stancebook.resources.actors import ActorDictionary

    paths = RunPaths.for_run(run, run_dir=Path(runs_root) / run if runs_root else "")
    triples = catalog.read(paths, "stance_triples")
    labels = ActorDictionary.from_dict(catalog.read(paths, "actor_dictionary")).labels
    predicted = np.sign(triples["polarity_stance"].fillna(0)).map({1.0: "for", -1.0: "against", 0.0: "neutral"})
    triples = triples[triples["holder_source"] != "act"].assign(predicted=predicted)
    out = Path(out)
    if out.exists():
        raise ParameterError(f"{out} exists already (it may hold codes): choose another --out or move it away.")
    units = catalog.read(paths, "units")
    sentences = catalog.read(paths, "sentences")
    by_unit = None
    if by:
        if by not in units.columns:
            raise ParameterError(f"--by {by!r}: the run's units have no such column; they have "
                                 f"{[c for c in units.columns if c not in ('text', 'offset_breaks')]}.")
        by_unit = units.set_index(units["unit_id"].astype(str))[by]
    done = read_code_sets(list(exclude)) if exclude else None
    if done is not None:
        done = match_codes(done, sentences, units)
        done = done[done["unit_id"].notna()]
    sample = coding_sample(triples, sentences, n=n, predicted="predicted", labels=labels, by=by_unit,
                           exclude=done, random_state=random_state)
    return write_table(sample, out), len(sample)


def apply_hand_codes(triples: pd.DataFrame, codes: pd.DataFrame, *, column: str = "polarity_stance"
                     ) -> tuple[pd.DataFrame, int]:
    """Give every hand-coded pair its code as its default stance: a reader's code is better evidence than a model's guess.

    Only codes trained on (``use == "training"``, or no ``use`` column) are
    applied; codes kept for testing are never used for anything but
    scoring. A code applies to the triple of its sentence and target held
    by its holder: the speaker when the code's ``holder`` is ``speaker``,
    empty or absent, else the triple whose holder is the code's. Relations
    between reported actors (``holder_source == "act"``) and group rows are
    left alone. The other sources' columns (among them the codes-trained
    model's cross-fitted ``polarity_coded``) are not touched, so the
    model's reading of a coded pair stays visible beside the code.

    Parameters
    ----------
    triples : pandas.DataFrame
        Stance triples (``unit_id, sentence, target, holder, holder_source, level`` and ``column``).
    codes : pandas.DataFrame
        Codes matched to the run (:func:`match_codes`).
    column : str, default "polarity_stance"
        The column that receives -1 / 0 / +1.

    Returns
    -------
    (pandas.DataFrame, int)
        A copy of the triples, and how many triples took a code.

    Examples
    --------
    >>> triples = pd.DataFrame({"unit_id": ["u", "u"], "sentence": [1, 1], "target": ["x", "x"],
    ...                         "holder": ["A", "kim"], "holder_source": ["speaker", "reported"],
    ...                         "level": ["target", "target"], "polarity_stance": [1.0, 1.0]})
    >>> codes = pd.DataFrame({"unit_id": ["u"], "sentence": [1], "target": ["x"], "holder": ["speaker"],
    ...                       "code": ["against"], "use": ["training"]})
    >>> out, n = apply_hand_codes(triples, codes)
    >>> out["polarity_stance"].tolist(), n
    ([-1.0, 1.0], 1)
    """
    require_columns(triples, ["unit_id", "sentence", "target", "holder", "holder_source", "level", column], "triples")
    require_columns(codes, ["unit_id", "sentence", "target", "code"], "codes")
    used = codes if "use" not in codes.columns else codes[codes["use"] == "training"]
    used = used[used["unit_id"].notna()]
    holder = used["holder"].fillna("").astype(str) if "holder" in used.columns else pd.Series("", index=used.index)
    holder = holder.where(~holder.isin(["", "speaker"]), "\x00speaker")
    value_of = {(str(u), int(s), str(t), h): float(VALUE_OF[c])
                for u, s, t, h, c in zip(used["unit_id"], used["sentence"], used["target"], holder, used["code"])}
    out = triples.copy()
    if not value_of or out.empty:
        return out, 0
    eligible = (out["level"] == "target") & (out["holder_source"] != "act")
    as_holder = np.where(out["holder_source"] == "speaker", "\x00speaker", out["holder"].astype(str))
    keys = zip(out["unit_id"].astype(str), out["sentence"].astype("int64"), out["target"].astype(str), as_holder,
               out["holder"].astype(str))
    values = np.array([value_of.get((u, s, t, h), value_of.get((u, s, t, name), np.nan)) for u, s, t, h, name in keys])
    hit = eligible.to_numpy() & ~np.isnan(values)
    out.loc[hit, column] = values[hit]
    return out, int(hit.sum())
