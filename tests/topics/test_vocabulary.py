"""Place and leader names kept out of the topic vocabulary (topic_exclude_names), not out of the DTM."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from stancebook import catalog
from stancebook.artefacts import Dtm
from stancebook.params import defaults
from stancebook.paths import RunPaths
from stancebook.resources.actors import load_actor_dictionary
from stancebook.resources.place_names import load_place_words
from stancebook.topics import fit_and_describe
from stancebook.topics.vocabulary import place_term_mask, without_columns

# Two themes, each spoken by its own region: the names would make regional topics.
CLIMATE = ["climate", "warming", "emissions", "ocean", "adaptation", "resilience", "sea", "level", "carbon",
           "finance", "coral", "drought", "fiji", "tuvalu", "pacific", "fijian", "suva"]
CONFLICT = ["terrorism", "violence", "extremism", "ceasefire", "militias", "attacks", "armed", "groups",
            "hostages", "radicalisation", "fighters", "weapons", "syria", "syrian", "damascus",
            "iraqi", "putin"]
PLACES = {"fiji", "tuvalu", "pacific", "fijian", "suva", "syria", "syrian", "damascus", "iraqi", "putin"}


@pytest.mark.parametrize("term, is_place", [
    ("sudan", True), ("south", False), ("fijian", True), ("Fiji's", True), ("north_korea", True),
    ("DPRK", True), ("putin", True), ("guterres", True), ("climate", False), ("security_council", False),
    ("UN", False), ("nations", False), ("male", False), ("treaty", False), ("caribbean", True), ("arab", True),
])
def test_place_words_name_places_and_leaders_not_themes(term, is_place):
    words = load_place_words(load_actor_dictionary())
    assert place_term_mask([term], words)[0] == is_place


def test_without_columns_zeroes_columns_and_keeps_the_shape():
    matrix = sp.csr_matrix([[1, 2, 0], [3, 4, 5]])
    out = without_columns(matrix, np.array([False, True, False]))
    assert out.shape == (2, 3) and out.toarray().tolist() == [[1, 0, 0], [3, 0, 5]]
    assert matrix.toarray()[0, 1] == 2  # input untouched


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    rng = np.random.default_rng(3)
    terms = np.array(sorted(CLIMATE + CONFLICT))
    column = {t: i for i, t in enumerate(terms)}
    rows = []
    for i in range(40):
        theme = CLIMATE if i % 2 == 0 else CONFLICT
        row = np.zeros(len(terms), dtype=np.int64)
        for word in rng.choice(theme, size=30):
            row[column[word]] += 1
        rows.append(row)
    unit_ids = np.array([f"u{i:02d}" for i in range(40)])
    base = tmp_path_factory.mktemp("vocabulary-run")
    paths = RunPaths.for_run("vocabulary-test", run_dir=base / "run", figures_dir=base / "figures").ensure()
    catalog.write(Dtm(sp.csr_matrix(np.vstack(rows)), terms, unit_ids), paths, "dtm")
    catalog.write(pd.DataFrame({"unit_id": unit_ids, "doc_id": unit_ids, "unit_index": 0, "text": "t",
                                "orig_start": 0, "orig_end": 1, "offset_breaks": [[0, 0]] * 40,
                                "year": 2020}), paths, "units")
    catalog.write(load_actor_dictionary().to_dict(), paths, "actor_dictionary")
    params = defaults() | {"topic_models": ["nmf"], "n_topics": 2, "topic_seeds": 1, "prevalence_by": [],
                           "topic_exclude_names": True}
    return paths, params


def test_topics_hold_no_place_names_but_the_dtm_keeps_them(run):
    paths, params = run
    result = fit_and_describe(paths, params)
    top_words = set(result.terms["term"])
    assert not top_words & PLACES
    assert {"climate", "terrorism"} <= top_words
    assert PLACES <= set(catalog.read(paths, "dtm").terms)  # mentions and stance still see them
    assert any("place and leader terms" in note for note in result.notes)


def test_without_the_option_the_names_stay_in_the_topics(run):
    paths, params = run
    result = fit_and_describe(paths, params | {"topic_exclude_names": False})
    assert set(result.terms["term"]) & PLACES
