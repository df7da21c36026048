"""Benchmark stancebook against the tools a researcher would pick instead.

Run from the repository root (``make bench``)::

    .venv/bin/python benchmarks/bench.py [--corpus PATH] [--quick] [--only tokenise|topic-stage|tenfold]

What is timed, on the UN General Debate corpus (UNGDC, 10,952 speeches):

1. Tokenise + DTM of every speech: stancebook ``tokenise_corpus`` (sentences,
   actor mentions, tokens, DTM; ``n_jobs=2``, ``keep_tokens=False``),
   with the wall and CPU seconds of each of its phases, against spaCy
   (``spacy.blank("en")`` + ``sentencizer`` through ``nlp.pipe``) followed by
   scikit-learn's ``CountVectorizer`` on the same strings. ``--only tokenise``
   runs these rows alone (about 2 minutes) and updates their section of
   ``latest.md``; the ratio compares tools timed in that same run.
2. Topics at k = 20 on the 2,903 speeches of 2010-2024, every tool on the
   same DTM and vocabulary (stancebook's, pruned with ``min_df``/``max_df``):
   stancebook NMF (the default model), stancebook LDA, gensim LdaMulticore,
   tomotopy LDA. Quality: mean NPMI of each model's top-10 words against the
   same reference (``stancebook.topics.npmi_coherence`` on the binary DTM) and
   topic diversity.

3. The topic stage as a whole, on the ``ungdc-recent`` run (speeches of
   2014-2024, ``notebooks/ungdc-recent.yaml``): stages 0 and 1 are prepared
   first (untimed), then stancebook's ``topics.fit_and_describe`` (what
   notebook ``02_topics`` computes: the k grid with its stability refits,
   the choice, the description and every table, prevalence and covariate
   effects; not the figures) is timed cold in a fresh process, beside
   tomotopy LDA and gensim LdaMulticore fitted on the same passage DTM (place
   names out) at the k stancebook chose. Quality: mean NPMI of each model's
   top-10 words against the same reference (the passages with terms).
   ``--only topic-stage`` runs these rows alone and updates their section of
   ``latest.md``.
4. Ten times the corpus: every speech again under ten new ids (about 2 G
   characters, made when the step runs, never stored), through the corpus
   stage's unit split and the tokenise stage on a Dask LocalCluster of two
   worker processes, with the memory of the driver and of each worker.
   ``--only tenfold`` runs it alone and updates its section of ``latest.md``.

The speeches are decoded from the archive once, before any timing, and handed
to every tool as the same list of strings. Each step runs in its own process;
its peak memory is the largest sum of proportional set sizes (PSS: shared pages
counted once) of the step's process tree, sampled every 50 ms, so worker
processes are included. Results go to ``benchmarks/results/<date>.json`` and
``benchmarks/results/latest.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import inspect
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "ungdc" / "UNGDC_1946-2024.tgz"
SEED = 0
N_TOPICS = 20
TOPIC_YEARS = (2010, 2024)
# Vocabulary of the topic DTM (the same for every topic tool): terms in at least
# MIN_DF speeches and at most MAX_DF of them.
MIN_DF = 5
MAX_DF = 0.5
# LDA priors for stancebook's LDA (tomotopy's defaults; sklearn's 1/k gives flat, less coherent topics).
LDA_SETTINGS = {"doc_topic_prior": 0.1, "topic_word_prior": 0.01}
# One fit per tool: stancebook's stability seeds and held-out perplexity are switched off
# (when the topics module has them) so that every row is a single model fit.
SINGLE_FIT = {"n_seeds": 1, "holdout": 0.0}
GENSIM_PASSES = 10
TOMOTOPY_ITERATIONS = 500
SPACY_BATCH_SIZE = 64
PACKAGES = ["numpy", "pandas", "scipy", "scikit-learn", "pyarrow", "spacy", "gensim", "tomotopy"]


# --------------------------------------------------------------------------
# Loading (outside every timing)
# --------------------------------------------------------------------------

def load_speeches(path: Path) -> list[tuple[str, int, str]]:
    """``(doc_id, year, text)`` of every speech, sorted by id."""
    try:
        from stancebook import corpus

        documents, _ = corpus.load_documents(path, format="ungdc", on_problem="skip")
        return sorted((str(d), int(y), str(t)) for d, y, t in
                      zip(documents["doc_id"], documents["year"], documents["text"]))
    except Exception:  # the UNGDC loader is not there yet: read the archive directly
        pass
    speeches = []
    with tarfile.open(path) as archive:
        for member in archive:
            name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and name.endswith(".txt") and not name.startswith("."):
                text = archive.extractfile(member).read().decode("utf-8", errors="replace")
                stem = name[:-4]
                speeches.append((stem, int(stem.rsplit("_", 1)[-1]), text))
    return sorted(speeches)


# --------------------------------------------------------------------------
# Steps (each runs in a child process: `bench.py --step NAME --data FILE`)
# --------------------------------------------------------------------------

def _texts(data: Path, years=None):
    with open(data, "rb") as handle:
        speeches = pickle.load(handle)
    if years is not None:
        speeches = [s for s in speeches if years[0] <= s[1] <= years[1]]
    return [s[0] for s in speeches], [s[2] for s in speeches]


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _tokenise_inputs(data: Path):
    """The speeches as units (one per speech), the shipped actor dictionary and stopwords."""
    import pandas as pd

    from stancebook.resources.actors import load_actor_dictionary
    from stancebook.resources.stopwords import load_stopwords

    ids, texts = _texts(data)
    units = pd.DataFrame({"unit_id": ids, "text": texts, "offset_breaks": [[0, 0]] * len(ids)})
    return ids, units, load_actor_dictionary(), load_stopwords()


def step_stancebook_tokenise(data: Path, work: Path) -> dict:
    from stancebook import tokenise

    ids, units, dictionary, stopwords = _tokenise_inputs(data)
    before = _rss_mb()
    start = time.perf_counter()
    result = tokenise.tokenise_corpus(units, dictionary=dictionary, stopwords=stopwords, n_jobs=2,
                                      keep_tokens=False)
    seconds = time.perf_counter() - start
    # Where the time went (TokeniseResult.seconds, when the library reports it): per phase, wall
    # and CPU seconds; the chunk phases are summed over the worker processes.
    phases = {name: {"seconds": round(wall, 3), "cpu_seconds": round(cpu, 3)}
              for name, (wall, cpu) in getattr(result, "seconds", {}).items()}
    return {"seconds": seconds, "rss_before_mb": before, "documents": len(ids),
            "sentences": len(result.sentences), "mentions": len(result.mentions),
            "terms": int(result.dtm.matrix.shape[1]), "tokens_counted": int(result.dtm.matrix.sum()),
            "phases": phases}


def step_stancebook_tokenise_dask(data: Path, work: Path) -> dict:
    """The same call on a Dask LocalCluster of 2 single-threaded worker processes (``engine: dask``).

    Cluster start and close are outside the timing; what a worker process holds at its peak is
    measured by the driver (``largest_process_mb``, ``process_peaks_mb`` of the step).
    """
    from stancebook import tokenise
    from stancebook.engine import open_engine

    ids, units, dictionary, stopwords = _tokenise_inputs(data)
    before = _rss_mb()
    opened = time.perf_counter()
    with open_engine("dask", n_jobs=2) as engine:
        start = time.perf_counter()
        result = tokenise.tokenise_corpus(units, dictionary=dictionary, stopwords=stopwords, engine=engine,
                                          keep_tokens=False)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "cluster_seconds": round(time.perf_counter() - opened - seconds, 2),
            "rss_before_mb": before, "documents": len(ids), "sentences": len(result.sentences),
            "mentions": len(result.mentions), "terms": int(result.dtm.matrix.shape[1]),
            "tokens_counted": int(result.dtm.matrix.sum())}


TENFOLD = 10


def step_stancebook_tenfold_dask(data: Path, work: Path) -> dict:
    """The UN corpus ten times, made when the step runs, through units and tokenise on a Dask LocalCluster.

    Every speech appears ten times under new ids (``<id>~c<k>``), about 2 G characters. Each copy is
    a new string object, as in a corpus that size, so the driver's memory is not flattered by shared
    texts. The corpus stage's unit split (normalising the PDF-derived lines) and the tokenise stage
    (``keep_tokens=False``) run on a LocalCluster of 2 single-threaded worker processes; cluster start
    and close are outside the timing. The driver still gathers every table (no partitioned artefacts
    yet), so its memory grows with the corpus while each worker's is bounded by its chunk.
    """
    import pandas as pd

    from stancebook import corpus, tokenise
    from stancebook.engine import open_engine
    from stancebook.resources.actors import load_actor_dictionary
    from stancebook.resources.stopwords import load_stopwords
    from stancebook.tokenise.pipeline import DEFAULT_CHUNK_CHARS

    with open(data, "rb") as handle:
        speeches = pickle.load(handle)
    documents = pd.DataFrame({
        "doc_id": [f"{doc_id}~c{copy}" for copy in range(TENFOLD) for doc_id, _, _ in speeches],
        "source": [f"{doc_id}.txt" for copy in range(TENFOLD) for doc_id, _, _ in speeches],
        "text": [(" " + text)[1:] for copy in range(TENFOLD) for _, _, text in speeches],
    })
    documents.attrs["line_paragraphs"] = True  # the UNGDC layout, as load_documents reads it
    del speeches
    characters = int(documents["text"].str.len().sum())
    before = _rss_mb()
    with open_engine("dask", n_jobs=2) as engine:
        start = time.perf_counter()
        units = corpus.split_units(documents, unit="document", engine=engine)
        units_seconds = time.perf_counter() - start
        del documents
        result = tokenise.tokenise_corpus(units, dictionary=load_actor_dictionary(), stopwords=load_stopwords(),
                                          engine=engine, keep_tokens=False)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "units_seconds": round(units_seconds, 2),
            "tokenise_seconds": round(seconds - units_seconds, 2), "chunk_chars": DEFAULT_CHUNK_CHARS,
            "rss_before_mb": before,
            "documents": len(units), "characters": characters, "sentences": len(result.sentences),
            "mentions": len(result.mentions), "terms": int(result.dtm.matrix.shape[1]),
            "tokens_counted": int(result.dtm.matrix.sum())}


def step_spacy(data: Path, work: Path) -> dict:
    import spacy

    _, texts = _texts(data)
    n_process = int(os.environ.get("BENCH_SPACY_PROCESSES", "1"))
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
    before = _rss_mb()
    start = time.perf_counter()
    sentences = tokens = 0
    for doc in nlp.pipe(texts, batch_size=SPACY_BATCH_SIZE, n_process=n_process):
        sentences += sum(1 for _ in doc.sents)
        tokens += len(doc)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_before_mb": before, "documents": len(texts), "sentences": sentences,
            "tokens": tokens, "n_process": n_process, "batch_size": SPACY_BATCH_SIZE}


def step_countvectorizer(data: Path, work: Path) -> dict:
    from sklearn.feature_extraction.text import CountVectorizer

    _, texts = _texts(data)
    before = _rss_mb()
    start = time.perf_counter()
    matrix = CountVectorizer().fit_transform(texts)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_before_mb": before, "documents": len(texts), "terms": int(matrix.shape[1])}


def step_topic_dtm(data: Path, work: Path) -> dict:
    import pandas as pd

    from stancebook import tokenise
    from stancebook.artefacts import save_dtm
    from stancebook.resources.actors import load_actor_dictionary

    ids, texts = _texts(data, TOPIC_YEARS)
    units = pd.DataFrame({"unit_id": ids, "text": texts, "offset_breaks": [[0, 0]] * len(ids)})
    start = time.perf_counter()
    result = tokenise.tokenise_corpus(units, dictionary=load_actor_dictionary(), n_jobs=2,
                                      keep_tokens=False, min_df=MIN_DF, max_df=MAX_DF)
    seconds = time.perf_counter() - start
    save_dtm(result.dtm, work / "topic_dtm.npz")
    return {"seconds": seconds, "documents": len(ids), "terms": int(result.dtm.matrix.shape[1]),
            "nnz": int(result.dtm.matrix.nnz)}


def _load_topic_dtm(work: Path):
    from stancebook.artefacts import load_dtm

    return load_dtm(work / "topic_dtm.npz")


def _quality(top: np.ndarray, dtm) -> dict:
    from stancebook import topics

    presence = (dtm.matrix > 0).astype(np.float64)
    return {"npmi": float(topics.npmi_coherence(top, presence).mean()), "diversity": topics.topic_diversity(top),
            "top_words": [[str(dtm.terms[i]) for i in row] for row in top]}


def _stancebook_topics(work: Path, model: str) -> dict:
    from stancebook import topics

    dtm = _load_topic_dtm(work)
    options = {"models": (model,), "n_topics": N_TOPICS, "random_state": SEED, "n_jobs": 1}
    accepted = inspect.signature(topics.TopicModelSelection).parameters
    used = {}
    for name, value in {**SINGLE_FIT, **(LDA_SETTINGS if model == "lda" else {})}.items():
        if name in accepted:  # the topics module gains parameters over time
            options[name] = value
            used[name] = value
    before = _rss_mb()
    start = time.perf_counter()
    selection = topics.TopicModelSelection(**options).fit(dtm.matrix, dtm.terms, dtm.unit_ids)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_before_mb": before, "settings": used or "defaults",
            **_quality(np.asarray(selection.top_indices_)[:, :10], dtm)}


def step_stancebook_nmf(data: Path, work: Path) -> dict:
    return _stancebook_topics(work, "nmf")


def step_stancebook_lda(data: Path, work: Path) -> dict:
    return _stancebook_topics(work, "lda")


def step_gensim(data: Path, work: Path) -> dict:
    from gensim.corpora import Dictionary
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaMulticore

    dtm = _load_topic_dtm(work)
    corpus = list(Sparse2Corpus(dtm.matrix, documents_columns=False))
    id2word = Dictionary.from_corpus(corpus, id2word={i: str(t) for i, t in enumerate(dtm.terms)})
    before = _rss_mb()
    start = time.perf_counter()
    model = LdaMulticore(corpus, id2word=id2word, num_topics=N_TOPICS, workers=2, passes=GENSIM_PASSES,
                         random_state=SEED)
    seconds = time.perf_counter() - start
    top = np.argsort(-model.get_topics(), axis=1, kind="stable")[:, :10]
    return {"seconds": seconds, "rss_before_mb": before, "settings": {"passes": GENSIM_PASSES, "workers": 2},
            **_quality(top, dtm)}


def step_tomotopy(data: Path, work: Path) -> dict:
    import tomotopy as tp

    dtm = _load_topic_dtm(work)
    terms = np.asarray(dtm.terms, dtype=object)
    matrix = dtm.matrix.tocsr()
    column = {str(t): i for i, t in enumerate(dtm.terms)}
    before = _rss_mb()
    start = time.perf_counter()
    model = tp.LDAModel(k=N_TOPICS, seed=SEED)
    for row in range(matrix.shape[0]):
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        words = np.repeat(terms[matrix.indices[lo:hi]], matrix.data[lo:hi]).tolist()
        if words:
            model.add_doc(words)
    model.train(TOMOTOPY_ITERATIONS, workers=2)
    seconds = time.perf_counter() - start
    top = np.array([[column[w] for w, _ in model.get_topic_words(k, top_n=10)] for k in range(N_TOPICS)])
    return {"seconds": seconds, "rss_before_mb": before,
            "settings": {"iterations": TOMOTOPY_ITERATIONS, "workers": 2, "alpha": 0.1, "eta": 0.01},
            **_quality(top, dtm)}


# --------------------------------------------------------------------------
# The topic stage as a whole, on the ungdc-recent run
# --------------------------------------------------------------------------

TOPIC_STAGE_RUN = ROOT / "notebooks" / "ungdc-recent.yaml"


def _stage_params(corpus: Path) -> dict:
    from stancebook.params import load_params

    return load_params(TOPIC_STAGE_RUN, [f"corpus_path={corpus}"])


def _stage_paths(work: Path):
    from stancebook.paths import RunPaths

    return RunPaths.for_run("ungdc-recent", run_dir=work / "ungdc-recent" / "run",
                            figures_dir=work / "ungdc-recent" / "figures").ensure()


def step_topic_stage_inputs(data: Path, work: Path) -> dict:
    """Stages 0 and 1 of ungdc-recent (what notebooks 00 and 01 compute), for the topic stage to read."""
    import warnings

    from stancebook import corpus, tokenise

    params = _stage_params(Path(os.environ["BENCH_CORPUS"]))
    paths = _stage_paths(work)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus.prepare_corpus(params, paths)
        wanted = inspect.signature(tokenise.tokenise_and_write).parameters
        tokenise.tokenise_and_write(paths, **{k: params[k] for k in wanted if k in params})
    return {"seconds": time.perf_counter() - start}


def step_stancebook_topic_stage(data: Path, work: Path) -> dict:
    """``fit_and_describe`` of ungdc-recent, cold; saves the DTM the models saw and the chosen k for the others."""
    import warnings

    import scipy.sparse as sp

    from stancebook import topics
    from stancebook.topics.workflow import topic_counts

    params = _stage_params(Path(os.environ["BENCH_CORPUS"]))
    paths = _stage_paths(work)
    before = _rss_mb()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = topics.fit_and_describe(paths, params)
    seconds = time.perf_counter() - start
    # The matrix the models saw (passages, place names out), rows with terms only: the reference of every row.
    matrix, terms, _ = topic_counts(paths, params)
    matrix = sp.csr_matrix(matrix)
    matrix = matrix[matrix.getnnz(axis=1) > 0]
    sp.save_npz(work / "stage_matrix.npz", matrix)
    np.save(work / "stage_terms.npy", np.asarray(terms, dtype=str))
    top = np.asarray(result.selection.top_indices_)[:, :10]
    timings = result.selection.timings_
    return {"seconds": seconds, "rss_before_mb": before, "k": result.k, "model": result.model_name,
            "fits": len(timings), "fit_seconds_sum": round(float(timings["seconds"].sum()), 1),
            "passages": int(matrix.shape[0]), "terms": int((matrix.getnnz(axis=0) > 0).sum()),
            "grid": params["k_grid"], "n_jobs": params["n_jobs"],
            **_stage_quality(top, matrix, terms)}


def _stage_quality(top: np.ndarray, matrix, terms) -> dict:
    from stancebook import topics

    presence = (matrix > 0).astype(np.float64)
    return {"npmi": float(topics.npmi_coherence(top, presence).mean()), "diversity": topics.topic_diversity(top),
            "top_words": [[str(terms[i]) for i in row] for row in top]}


def _load_stage(work: Path):
    import scipy.sparse as sp

    chosen = json.loads((work / "stancebook_topic_stage.json").read_text())
    return sp.load_npz(work / "stage_matrix.npz").tocsr(), np.load(work / "stage_terms.npy"), int(chosen["k"])


def step_gensim_topic_stage(data: Path, work: Path) -> dict:
    from gensim.corpora import Dictionary
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaMulticore

    matrix, terms, k = _load_stage(work)
    corpus = list(Sparse2Corpus(matrix, documents_columns=False))
    id2word = Dictionary.from_corpus(corpus, id2word={i: str(t) for i, t in enumerate(terms)})
    before = _rss_mb()
    start = time.perf_counter()
    model = LdaMulticore(corpus, id2word=id2word, num_topics=k, workers=2, passes=GENSIM_PASSES, random_state=SEED)
    seconds = time.perf_counter() - start
    top = np.argsort(-model.get_topics(), axis=1, kind="stable")[:, :10]
    return {"seconds": seconds, "rss_before_mb": before, "k": k,
            "settings": {"passes": GENSIM_PASSES, "workers": 2}, **_stage_quality(top, matrix, terms)}


def step_tomotopy_topic_stage(data: Path, work: Path) -> dict:
    import tomotopy as tp

    matrix, terms, k = _load_stage(work)
    words_of = np.asarray(terms, dtype=object)
    column = {str(t): i for i, t in enumerate(terms)}
    before = _rss_mb()
    start = time.perf_counter()
    model = tp.LDAModel(k=k, seed=SEED)
    for row in range(matrix.shape[0]):
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        words = np.repeat(words_of[matrix.indices[lo:hi]], matrix.data[lo:hi].astype(np.int64)).tolist()
        if words:
            model.add_doc(words)
    model.train(TOMOTOPY_ITERATIONS, workers=2)
    seconds = time.perf_counter() - start
    top = np.array([[column[w] for w, _ in model.get_topic_words(t, top_n=10)] for t in range(k)])
    return {"seconds": seconds, "rss_before_mb": before, "k": k,
            "settings": {"iterations": TOMOTOPY_ITERATIONS, "workers": 2, "alpha": 0.1, "eta": 0.01},
            **_stage_quality(top, matrix, terms)}


TOPIC_STAGE_STEPS = ["topic_stage_inputs", "stancebook_topic_stage", "gensim_topic_stage", "tomotopy_topic_stage"]

STEPS = {
    "stancebook_tokenise": step_stancebook_tokenise,
    "stancebook_tokenise_dask": step_stancebook_tokenise_dask,
    "stancebook_tenfold_dask": step_stancebook_tenfold_dask,
    "spacy_sentencizer": step_spacy,
    "spacy_sentencizer_2proc": step_spacy,
    "sklearn_countvectorizer": step_countvectorizer,
    "topic_dtm": step_topic_dtm,
    "stancebook_nmf": step_stancebook_nmf,
    "stancebook_lda": step_stancebook_lda,
    "gensim_ldamulticore": step_gensim,
    "tomotopy_lda": step_tomotopy,
    "topic_stage_inputs": step_topic_stage_inputs,
    "stancebook_topic_stage": step_stancebook_topic_stage,
    "gensim_topic_stage": step_gensim_topic_stage,
    "tomotopy_topic_stage": step_tomotopy_topic_stage,
}
# Named groups of steps for --only.
TENFOLD_STEPS = ["stancebook_tenfold_dask"]
TOKENISE_STEPS = ["stancebook_tokenise", "stancebook_tokenise_dask", "spacy_sentencizer", "spacy_sentencizer_2proc",
                  "sklearn_countvectorizer"]
GROUPS = {"topic-stage": TOPIC_STAGE_STEPS, "tenfold": TENFOLD_STEPS, "tokenise": TOKENISE_STEPS}


# --------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------

def _tree_pss_mb(process, peaks: dict | None = None) -> float:
    """PSS of a process and its descendants, in MB; ``peaks`` keeps each process's largest PSS by pid."""
    import psutil

    total = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            pss = p.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += pss
        if peaks is not None:
            peaks[p.pid] = max(peaks.get(p.pid, 0.0), pss / 2**20)
    return total / 2**20


def run_step(name: str, data: Path, work: Path, env: dict | None = None) -> dict:
    """Run one step in a child process, sampling its tree's memory."""
    import psutil

    out = work / f"{name}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--step", name, "--data", str(data),
               "--work", str(work)]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.Popen(command, env={**os.environ, **(env or {})})
    watcher = psutil.Process(child.pid)
    peak = 0.0
    process_peaks: dict[int, float] = {}
    started = time.perf_counter()
    while child.poll() is None:
        sampled = time.perf_counter()
        try:
            peak = max(peak, _tree_pss_mb(watcher, process_peaks))
        except psutil.NoSuchProcess:
            break
        # Reading PSS (smaps) of a large process tree costs CPU the step would use: keep the watcher under a
        # tenth of one core, sampling at least every half second.
        time.sleep(min(0.5, max(0.05, 9 * (time.perf_counter() - sampled))))
    if child.returncode != 0:
        raise SystemExit(f"step {name} failed with exit code {child.returncode}")
    result = json.loads(out.read_text())
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the step's whole process tree (loading included): less sensitive than wall
    # time to other work on the machine.
    result["cpu_seconds_tree"] = round(cpu_after.ru_utime + cpu_after.ru_stime
                                       - cpu_before.ru_utime - cpu_before.ru_stime, 2)
    result["peak_mb"] = round(peak, 1)
    # Every process of the tree at its own peak (the step's process first): a worker's memory, not the sum.
    result["process_peaks_mb"] = [round(v, 1) for v in process_peaks.values()]
    result["largest_process_mb"] = round(max(process_peaks.values(), default=0.0), 1)
    result["load_average_after"] = os.getloadavg()
    result["process_seconds"] = round(time.perf_counter() - started, 2)
    print(f"  {name}: {result['seconds']:.2f} s, peak {peak:.0f} MB", flush=True)
    return result


def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    import psutil

    return {"python": platform.python_version(), "platform": platform.platform(), "cpu": cpu,
            "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "load_average": os.getloadavg(),
            "stancebook_commit": commit, "versions": versions}


def _row(label: str, result: dict, reference: float | None) -> str:
    ratio = f"{result['seconds'] / reference:.1f}x" if reference else ""
    npmi = f"{result['npmi']:.3f}" if "npmi" in result else ""
    diversity = f"{result['diversity']:.2f}" if "diversity" in result else ""
    return f"| {label} | {result['seconds']:.1f} | {ratio} | {npmi} | {diversity} | {result['peak_mb']:.0f} |"


# What each phase of stancebook's tokenise_corpus covers (TokeniseResult.seconds).
PHASES = {
    "pieces": "the text cut at whitespace, each distinct piece hashed once (worker)",
    "sentences": "sentence boundaries decided per distinct piece, and the sentences table (worker)",
    "mentions": "actor mentions, the matcher tried where a form may start (worker)",
    "tokens": "tokens of each distinct piece, laid out for every piece (worker)",
    "terms": "norms, stopwords, multiword expressions (worker)",
    "counts": "DTM (and passage) counts of the chunk, its terms numbered in sorted order (worker)",
    "token_table": "the tokens table, when kept (worker)",
    "jobs": "each chunk's ids, texts and offset breaks taken from the units table, for workers that do not share "
            "the main process's memory (engine dask; main process)",
    "merge": "taking in each chunk's results (main process)",
    "dtm": "vocabulary, sparse matrix, document-frequency pruning (main process)",
    "frames": "joining the chunks' tables (main process)",
    "total": "the whole call (CPU: main process only; beyond jobs, merge, dtm, frames: handing chunks over)",
}


def _phase_lines(tok: dict) -> list[str]:
    """The table of where stancebook's tokenise time goes (empty when the step did not report phases)."""
    phases = tok.get("phases") or {}
    if not phases:
        return []
    lines = ["Where stancebook's time goes (`TokeniseResult.seconds`; worker phases summed over the "
             "2 worker processes, so their wall seconds add up to about twice the call's):", "",
             "| phase | what | wall seconds | CPU seconds |", "| --- | --- | ---: | ---: |"]
    for name, value in phases.items():
        lines.append(f"| {name} | {PHASES.get(name, '')} | {value['seconds']:.2f} | {value['cpu_seconds']:.2f} |")
    return [*lines, ""]


def _section_markers(group: str) -> tuple[str, str]:
    """The comments around the section of ``latest.md`` that ``--only group`` replaces."""
    return f"<!-- {group} -->", f"<!-- /{group} -->"


def _dask_memory_lines(r: dict) -> list[str]:
    """What each process of the Dask row held at its peak: the driver (the step) and each worker."""
    if "stancebook_tokenise_dask" not in r:
        return []
    dask_row, local = r["stancebook_tokenise_dask"], r["stancebook_tokenise"]
    peaks = dask_row.get("process_peaks_mb", [])
    workers = sorted(peaks[1:], reverse=True)
    return [f"Memory by process (PSS at each process's own peak): engine dask: driver {peaks[0]:.0f} MB, "
            f"the largest other processes (workers, nanny, scheduler) {', '.join(f'{v:.0f}' for v in workers[:4])} MB; "
            f"engine local: largest process {local.get('largest_process_mb', 0):.0f} MB. The driver still gathers "
            "every table (issue 14: partitioned artefacts are not done yet).", ""]


def topic_stage_section(report: dict) -> list[str]:
    """The markdown of the topic-stage rows, between markers so that ``--only topic-stage`` can replace it."""
    r = report["results"]
    stage = r["stancebook_topic_stage"]
    info = report["machine"]
    load = ", ".join(f"{x:.2f}" for x in info["load_average"])
    label = (f"stancebook topic stage, cold: `topics.fit_and_describe` ({stage['fits']} fits of the grid k = "
             f"{stage['grid']} with stability refits, choice, description, tables, prevalence, effects; no figures; "
             f"n_jobs={stage['n_jobs']}); chose {stage['model']} k = {stage['k']}")
    start, end = _section_markers("topic-stage")
    return [
        start,
        f"## The topic stage as a whole: ungdc-recent, k = {stage['k']}",
        "",
        f"`{report['command']}`, {report['date']}. Passages of ungdc-recent ({stage['passages']:,} passages with "
        f"terms, {stage['terms']:,} terms, place names out), the same DTM for every tool; the other tools fit one "
        f"model at the k stancebook chose. NPMI: mean over topics of the top-10 words, the passages as reference.",
        "",
        "| tool | seconds | time vs stancebook stage | mean NPMI (top 10) | diversity | peak MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        _row(label, stage, stage["seconds"]),
        _row(f"tomotopy LDA ({TOMOTOPY_ITERATIONS} iterations, workers=2), one fit", r["tomotopy_topic_stage"],
             stage["seconds"]),
        _row(f"gensim LdaMulticore (workers=2, passes={GENSIM_PASSES}), one fit", r["gensim_topic_stage"],
             stage["seconds"]),
        "",
        f"CPU seconds of each step's process tree: stancebook {stage['cpu_seconds_tree']}, tomotopy "
        f"{r['tomotopy_topic_stage']['cpu_seconds_tree']}, gensim {r['gensim_topic_stage']['cpu_seconds_tree']}; "
        f"stancebook's whole child process (interpreter, imports, stage) took {stage['process_seconds']} s. "
        f"Load average at start {load}, after the stancebook step "
        f"{', '.join(f'{x:.2f}' for x in stage['load_average_after'])}, on {info['cores']} cores (other work on "
        "the machine stretches wall time; the stage's own two workers count 2).",
        end,
    ]


def tenfold_section(report: dict) -> list[str]:
    """The markdown of the ten-times-the-corpus row, between markers so that ``--only tenfold`` can replace it."""
    row = report["results"]["stancebook_tenfold_dask"]
    peaks = row.get("process_peaks_mb", [0.0])
    others = sorted(peaks[1:], reverse=True)
    start, end = _section_markers("tenfold")
    return [
        start,
        "## Ten times the corpus on engine: dask",
        "",
        f"`{report['command']}`, {report['date']}. Every speech again under ten new ids: {row['documents']:,} "
        f"speeches, {row['characters'] / 1e9:.2f} G characters, made when the step runs (each copy a new string). "
        "The corpus stage's unit split (normalising the PDF-derived lines) and the tokenise stage "
        "(`keep_tokens=False`) on a LocalCluster of 2 single-threaded worker processes; cluster start and close "
        "not timed.",
        "",
        "| step | seconds | driver at its peak (MB) | each worker at its peak (MB) |",
        "| --- | ---: | ---: | ---: |",
        f"| units ({row['documents']:,}) and tokenise ({row['sentences']:,} sentences, {row['mentions']:,} "
        f"mentions, {row['tokens_counted']:,} term occurrences) | {row['seconds']:.1f} (units "
        f"{row['units_seconds']:.1f}, tokenise {row['tokenise_seconds']:.1f}) | {peaks[0]:.0f} | "
        f"{', '.join(f'{v:.0f}' for v in others[:2])} |",
        "",
        "PSS of each process at its own peak (the scheduler and the nannies run in the driver); any other "
        f"process of the tree held at most {max(others[2:], default=0.0):.0f} MB. Each worker holds one chunk "
        f"(about {row['chunk_chars'] / 1e6:.0f} million characters) at a time, so its memory does not grow with the "
        "corpus; the driver still gathers every table (no partitioned artefacts yet), so its memory does. The "
        "stance stage is not in this row: its tables are built in the driver.",
        end,
    ]


def update_section(group: str, report: dict, path: Path) -> None:
    """Replace (or append) one group's section of an existing ``latest.md``, leaving the rest as it was."""
    section = "\n".join(SECTIONS[group](report))
    start, end = _section_markers(group)
    text = path.read_text(encoding="utf-8") if path.exists() else "# stancebook benchmark\n\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")




def tokenise_section(report: dict) -> list[str]:
    """The markdown of the tokenise rows, between markers so that ``--only tokenise`` can replace it."""
    r = report["results"]
    tok = r["stancebook_tokenise"]
    spacy_runs = [r[name] for name in ("spacy_sentencizer", "spacy_sentencizer_2proc") if name in r]
    spacy_best = min(spacy_runs, key=lambda x: x["seconds"])
    baseline = spacy_best["seconds"] + r["sklearn_countvectorizer"]["seconds"]
    load = ", ".join(f"{x:.2f}" for x in report["machine"]["load_average"])
    start, end = _section_markers("tokenise")
    return [
        start,
        "## Tokenise + DTM, every speech",
        "",
        f"`{report['command']}`, {report['date']}, load average at start {load}. The ratio compares tools "
        "timed in this same run.",
        "",
        "| tool | seconds | time vs stancebook | NPMI | diversity | peak MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        _row("stancebook tokenise_corpus (sentences, actor mentions, tokens, DTM; n_jobs=2, keep_tokens=False)", tok,
             tok["seconds"]),
        *[_row(f"spaCy blank('en') + sentencizer, nlp.pipe (n_process={run['n_process']}, "
               f"batch_size={SPACY_BATCH_SIZE})", run, tok["seconds"]) for run in spacy_runs],
        *([_row("stancebook tokenise_corpus, engine: dask (LocalCluster, 2 worker processes; cluster start and "
                f"close, {r['stancebook_tokenise_dask']['cluster_seconds']} s, not timed)",
                r["stancebook_tokenise_dask"], tok["seconds"])] if "stancebook_tokenise_dask" in r else []),
        _row("scikit-learn CountVectorizer", r["sklearn_countvectorizer"], tok["seconds"]),
        f"| faster spaCy (n_process={spacy_best['n_process']}) + CountVectorizer | {baseline:.1f} | "
        f"{baseline / tok['seconds']:.1f}x | | | |",
        "",
        f"stancebook: {tok['sentences']:,} sentences, {tok['mentions']:,} actor mentions, "
        f"{tok['terms']:,} terms, {tok['tokens_counted']:,} term occurrences counted. spaCy: "
        f"{spacy_best['sentences']:,} sentences, {spacy_best['tokens']:,} tokens.",
        "",
        *_dask_memory_lines(r),
        *_phase_lines(tok),
        end,
    ]


# The section of latest.md each group of --only writes.
SECTIONS = {"topic-stage": topic_stage_section, "tenfold": tenfold_section, "tokenise": tokenise_section}


def write_markdown(report: dict, path: Path) -> None:
    r = report["results"]
    tok = r["stancebook_tokenise"]
    nmf = r["stancebook_nmf"]["seconds"]
    info = report["machine"]
    lines = [
        f"# stancebook benchmark, {report['date']}",
        "",
        f"Command: `{report['command']}`. Corpus: {report['corpus']} ({tok['documents']} speeches"
        f"{', QUICK subset' if report['quick'] else ''}); topics on {r['topic_dtm']['documents']} speeches "
        f"of {TOPIC_YEARS[0]}-{TOPIC_YEARS[1]}, one DTM for every tool ({r['topic_dtm']['terms']} terms, "
        f"min_df={MIN_DF}, max_df={MAX_DF}), k = {N_TOPICS}, seed {SEED}.",
        "",
        *tokenise_section(report),
        "",
        f"## Topics, k = {N_TOPICS}",
        "",
        "| tool | seconds | time vs stancebook NMF | mean NPMI (top 10) | diversity | peak MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        _row(f"stancebook NMF (TopicModelSelection, the default model; settings: {r['stancebook_nmf']['settings']})",
             r["stancebook_nmf"], nmf),
        _row(f"stancebook LDA (TopicModelSelection, settings: {r['stancebook_lda']['settings']})",
             r["stancebook_lda"], nmf),
        _row(f"gensim LdaMulticore (workers=2, passes={GENSIM_PASSES})", r["gensim_ldamulticore"], nmf),
        _row(f"tomotopy LDA ({TOMOTOPY_ITERATIONS} iterations, workers=2)", r["tomotopy_lda"], nmf),
        "",
        *(topic_stage_section(report) + [""] if "stancebook_topic_stage" in r else []),
        *(tenfold_section(report) + [""] if "stancebook_tenfold_dask" in r else []),
        "Seconds: wall time of the tool's own work, after the texts are in memory (CPU seconds of each "
        "step's process tree are in the JSON, `cpu_seconds_tree`). Peak MB: largest PSS sum of the step's "
        "process tree (workers included), including the texts loaded before timing (`rss_before_mb` in "
        "the JSON). Topic rows are single fits on one DTM; NPMI is "
        "`stancebook.topics.npmi_coherence` of each model's top 10 words on the binary DTM.",
        "",
        "## Machine",
        "",
        f"{info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, Python {info['python']}, "
        f"{info['platform']}; load average at start {', '.join(f'{x:.2f}' for x in info['load_average'])} "
        "(other work on the machine slows every tool alike and makes single runs noisy).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f"; stancebook {info['stancebook_commit']}.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="UNGDC .tgz (or folder)")
    parser.add_argument("--quick", action="store_true", help="every 10th speech: a smoke run of the bench")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--spacy-two-processes", action="store_true",
                        help="also time nlp.pipe(n_process=2): 2.3x slower than one process on 2 cores "
                             "(results/2026-11-25T0818.json), so left out by default to keep the run short")
    parser.add_argument("--only", choices=sorted(GROUPS),
                        help="run one group of steps (tokenise: tokenise + DTM beside spaCy and CountVectorizer, "
                             "about 2 minutes; topic-stage: the topic stage of ungdc-recent beside tomotopy "
                             "and gensim; tenfold: ten times the corpus on engine dask) and update its section of "
                             "latest.md")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        result = STEPS[args.step](args.data, args.work)
        (args.work / f"{args.step}.json").write_text(json.dumps(result), encoding="utf-8")
        return 0

    if not args.corpus.exists():
        raise SystemExit(f"--corpus {args.corpus}: not found; give the path of UNGDC_1946-2024.tgz.")
    info = machine_info()
    selected = GROUPS[args.only] if args.only else list(STEPS)
    print(f"loading {args.corpus} ...", flush=True)
    start = time.perf_counter()
    # The topic-stage steps read the corpus through stancebook's own loader (stage 0), not the speeches.
    speeches = load_speeches(args.corpus) if set(selected) - set(TOPIC_STAGE_STEPS) else []
    if args.quick:
        speeches = speeches[::10]
    print(f"  {len(speeches)} speeches, {sum(len(s[2]) for s in speeches) / 1e6:.0f} M characters "
          f"in {time.perf_counter() - start:.1f} s", flush=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="stancebook-bench-") as folder:
        work = Path(folder)
        data = work / "speeches.pkl"
        with open(data, "wb") as handle:
            pickle.dump(speeches, handle, protocol=pickle.HIGHEST_PROTOCOL)
        del speeches
        for name in selected:
            if name == "spacy_sentencizer_2proc" and not args.spacy_two_processes:
                continue
            if name in TOPIC_STAGE_STEPS and args.quick:
                continue  # the topic stage needs the whole ungdc-recent run
            processes = "2" if name.endswith("2proc") else "1"
            env = {"BENCH_SPACY_PROCESSES": processes} if name.startswith("spacy") else {}
            results[name] = run_step(name, data, work, {**env, "BENCH_CORPUS": str(args.corpus.resolve())})
    date = dt.datetime.now().strftime("%Y-%m-%dT%H%M")
    report = {"date": date, "command": "python benchmarks/bench.py " + " ".join(sys.argv[1:] if argv is None
                                                                                 else argv),
              "corpus": args.corpus.name, "quick": args.quick, "machine": info, "results": results}
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = ("-quick" if args.quick else "") + (f"-{args.only}" if args.only else "")
    (args.out / f"{date}{suffix}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    markdown = args.out / ("latest-quick.md" if args.quick else "latest.md")
    if args.only:
        update_section(args.only, report, markdown)
    else:
        write_markdown(report, markdown)
    print(f"wrote {markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
