"""split_units: normalised units with stable ids and spans into the original; paragraph numbers; short labels."""

from pathlib import Path

import pandas as pd
import pytest

from stancebook.corpus import add_paragraph_numbers, load_documents, short_unit_labels, split_units
from stancebook.corpus import units as units_module
from stancebook.errors import CorpusError, ParameterError
from stancebook.text import normalise_text

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_ID = "000_e71531e8ba892e2d"
from tests.text.samples import LIGATURE_LETTERS, assert_maps_back  # noqa: F401


def test_document_units_are_the_normalised_documents_with_metadata(messy, messy_documents):
    units = split_units(messy_documents)
    assert units.columns.tolist() == [
        "unit_id", "doc_id", "unit_index", "text", "orig_start", "orig_end", "offset_breaks", "year"]
    assert units["unit_id"].tolist() == ["messy", "short"]
    assert units["text"].tolist() == [messy.normalised, "One paragraph only."]
    assert units["year"].tolist() == [2022, 1999]
    assert units[["orig_start", "orig_end"]].values.tolist() == [[1, len(messy.text) - 1], [2, 21]]


def test_paragraph_units_have_stable_ids_and_spans_into_the_original(messy, messy_documents):
    documents = messy_documents
    units = split_units(documents, unit="paragraph")
    assert units["unit_id"].tolist() == ["messy:p001", "messy:p002", "messy:p003", "short:p001"]
    assert units["unit_index"].tolist() == [1, 2, 3, 1]
    assert units["text"].tolist()[:3] == messy.normalised.split("\n\n")
    originals = dict(zip(documents["doc_id"], documents["text"]))
    for unit in units.itertuples():
        original = originals[unit.doc_id]
        piece = original[unit.orig_start:unit.orig_end]
        assert normalise_text(piece)[0] == unit.text
        assert unit.offset_breaks[:2] == [0, unit.orig_start]
        assert_maps_back(original, unit.text, unit.offset_breaks, replaced=LIGATURE_LETTERS)
    assert split_units(documents, unit="paragraph").equals(units)


def test_whitespace_only_documents_give_no_units():
    documents = pd.DataFrame({"doc_id": ["blank"], "source": ["blank.txt"], "text": [" \n\t "]})
    assert split_units(documents, unit="paragraph").empty


def test_bad_unit_names_the_parameter(messy_documents):
    with pytest.raises(ParameterError, match="unit"):
        split_units(messy_documents, unit="page")


def test_a_documents_table_without_its_columns_is_named(messy_documents):
    with pytest.raises(CorpusError, match=r"documents table lacks the column\(s\) \['text'\]"):
        split_units(messy_documents.drop(columns="text"))


def test_sentence_units_use_the_sentence_splitter_spans_trimmed(monkeypatch):
    def split_sentences(text):  # naive stand-in: spans with surrounding spaces
        spans, start = [], 0
        for i, char in enumerate(text):
            if char in ".\n" and (i + 1 == len(text) or text[i + 1] in " \n"):
                spans.append((start, i + 1))
                start = i + 1
        return spans

    monkeypatch.setattr(units_module, "split_sentences", split_sentences)
    documents = pd.DataFrame({"doc_id": ["d"], "source": ["d.txt"],
                              "text": ["First one.  Second\tone.\n\nThird."]})
    units = split_units(documents, unit="sentence")
    assert units["unit_id"].tolist() == ["d:s001", "d:s002", "d:s003"]
    assert units["text"].tolist() == ["First one.", "Second one.", "Third."]
    assert units["orig_start"].tolist() == [0, 12, 25]


def test_seed_sentences_start_with_the_title_line():
    documents, _ = load_documents(SEEDS)
    units = split_units(documents, unit="sentence")
    assert units["text"].iloc[0] == "Putin-Kim alliance and global peace"
    assert units["text"].iloc[1].startswith("North Korean leader Kim Jong Un")
    assert units["unit_id"].iloc[0] == f"{SEED_ID}:s001"


def test_parallel_units_are_identical_to_serial(monkeypatch, ungdc):
    documents, _ = load_documents(ungdc[1])
    serial = split_units(documents, unit="paragraph")
    monkeypatch.setattr(units_module, "_CHUNK", 2)
    parallel = split_units(documents, unit="paragraph", n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    with pytest.raises(ParameterError, match="n_jobs"):
        split_units(documents, n_jobs=0)


def test_paragraph_numbers_count_blank_lines_of_the_original():
    documents = pd.DataFrame({"doc_id": ["d"], "source": ["d.txt"], "text": ["Title\n\nOne. Two.\n \nThree."]})
    units = add_paragraph_numbers(split_units(documents, unit="sentence"), documents)
    assert units["paragraph"].tolist() == [1, 2, 2, 3]
    with pytest.raises(CorpusError, match="orig_start"):
        add_paragraph_numbers(units.drop(columns="orig_start"), documents)


def test_short_unit_labels_drop_the_document_only_when_it_is_shared():
    assert short_unit_labels(["doc:s001", "doc:s010"]) == {"doc:s001": "s001", "doc:s010": "s010"}
    assert short_unit_labels(["a:p001", "b:p001"]) == {"a:p001": "a:p001", "b:p001": "b:p001"}
    assert short_unit_labels(["a", "b"]) == {"a": "a", "b": "b"}


def test_units_split_on_a_dask_cluster_are_identical_to_serial(monkeypatch, ungdc, dask_engine):
    documents, _ = load_documents(ungdc[1])
    serial = split_units(documents, unit="paragraph")
    monkeypatch.setattr(units_module, "_CHUNK", 2)  # the chunks are cut here, in the driver
    pd.testing.assert_frame_equal(serial, split_units(documents, unit="paragraph", engine=dask_engine))
