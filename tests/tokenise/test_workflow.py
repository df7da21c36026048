"""The stage's workflow: from the units artefact to every artefact and table, notes as warnings."""

import inspect
import warnings

import pandas as pd
import pytest

from stancebook import catalog
from stancebook.errors import StancebookError
from stancebook.params import SPEC
from stancebook.paths import RunPaths
from stancebook.tokenise import stage_dictionary, tokenise_and_write, tokenise_corpus
from tests.tokenise.samples import CORPUS, CORPUS_BREAKS, CORPUS_IDS

WRITTEN = ("sentences", "mentions", "tokens", "collocations", "dtm", "actor_dictionary", "stopwords",
           "mentions_table", "mention_counts", "top_terms", "keyness")


def _run(tmp_path, texts, ids, breaks) -> RunPaths:
    paths = RunPaths.for_run("t", run_dir=tmp_path / "run", figures_dir=tmp_path / "figures").ensure()
    units = pd.DataFrame({"unit_id": ids, "doc_id": ids, "unit_index": 1, "text": list(texts),
                          "orig_start": 0, "orig_end": [len(t) for t in texts], "offset_breaks": breaks})
    catalog.write(units, paths, "units")
    return paths


def _notes(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call()
    return out, [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_workflow_writes_every_artefact_of_the_stage(tmp_path, actors):
    paths = _run(tmp_path, CORPUS, CORPUS_IDS, CORPUS_BREAKS)
    out, notes = _notes(lambda: tokenise_and_write(paths, n_top_terms=5))
    assert notes == []
    for name in WRITTEN:
        assert catalog.path(paths, name).is_file(), name
    direct = tokenise_corpus(catalog.read(paths, "units"), dictionary=actors)
    pd.testing.assert_frame_equal(catalog.read(paths, "tokens"), direct.tokens)
    assert catalog.read(paths, "dtm").terms.tolist() == direct.dtm.terms.tolist()
    assert catalog.read(paths, "stopwords") == sorted(catalog.read(paths, "stopwords"))
    assert list(catalog.read(paths, "actor_dictionary")["target_order"]) == list(actors.targets)
    assert len(out.top_terms) == 5 and out.keyness_target and out.keyness_mask.sum() < out.n_units
    assert out.keyness_label == actors.labels[out.keyness_target]
    assert out.summary().startswith(f"{len(direct.sentences)} sentences, {len(direct.mentions)} target mentions")


def test_workflow_notes_missing_mentions_tokens_and_keyness_group(tmp_path):
    paths = _run(tmp_path, ["Trade grew.", "Trade fell."], ["a", "b"], [[0, 0], [0, 0]])
    out, notes = _notes(lambda: tokenise_and_write(paths, keep_tokens=False))
    assert notes == [
        "no target of the actor dictionary is mentioned; stance needs mentions "
        "(extend the dictionary with actor_dictionary_extend).",
        "keep_tokens is false, so the token table and collocations are not kept.",
        "no keyness figure: no target is mentioned in some units but not all.",
    ]
    assert out.result.tokens is None and out.collocations is None and out.keyness is None
    assert not catalog.path(paths, "tokens").exists() and not catalog.path(paths, "keyness").exists()


def test_collocations_as_terms_make_the_top_bigrams_terms(tmp_path):
    texts = ["Nuclear weapons threaten peace.", "Nuclear weapons spread.", "Peace talks."]
    paths = _run(tmp_path, texts, ["a", "b", "c"], [[0, 0]] * 3)
    out, _ = _notes(lambda: tokenise_and_write(paths, collocations_as_terms=True))
    assert out.collocations[["first", "second"]].values.tolist()[0] == ["nuclear", "weapons"]
    assert "nuclear_weapons" in out.dtm.terms and "weapons" not in out.dtm.terms


def test_workflow_defaults_are_the_declared_run_parameters():
    for name, parameter in inspect.signature(tokenise_and_write).parameters.items():
        if name == "paths":
            continue
        default = list(parameter.default) if name == "stopwords_extra" else parameter.default
        assert default == SPEC[name].default, name


def test_stage_dictionary_extends_the_shipped_one(tmp_path):
    extra = tmp_path / "more.yaml"
    extra.write_text("targets:\n  iran:\n    names: [Iran]\n", encoding="utf-8")
    assert {"iran", "russia"} <= set(stage_dictionary(actor_dictionary_extend=str(extra)).targets)
    assert set(stage_dictionary(str(extra)).targets) == {"iran"}


def test_workflow_names_the_missing_units_artefact(tmp_path):
    paths = RunPaths.for_run("t", run_dir=tmp_path / "run", figures_dir=tmp_path / "figures").ensure()
    with pytest.raises(StancebookError, match="00_corpus"):
        tokenise_and_write(paths)
