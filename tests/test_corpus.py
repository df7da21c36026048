"""Tests of stage 0: loading, normalising, splitting and filtering a corpus."""

import hashlib
import tarfile
import json
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stancebook.corpus import (
    corpus_summary,
    file_hashes,
    filter_documents,
    load_documents,
    normalise_text,
    plot_unit_lengths,
    split_units,
    to_original,
)
from stancebook.errors import CorpusError, ParameterError

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_ID = "000_e71531e8ba892e2d"

# A PDF-extraction mess: BOM, CRLF, tabs, runs of spaces, NBSP, a ligature,
# a control character, both kinds of hyphenation, blank lines with spaces.
MESSY = (
    "\ufeffTitle  of\tthe piece \r\n\r\n"
    "The seventy- seventh session of the inter-\r\nnational\u00a0body,\r\n"
    "a once-in- a-century\x07 event that \ufb01nally   came.  \n \n\n\n"
    "Second paragraph\twith\t\ttabs and \u201ccurly\u201d quotes\u2019s.\n"
)
MESSY_NORMALISED = (
    "Title of the piece\n\n"
    "The seventy-seventh session of the international body, "
    "a once-in-a-century event that finally came.\n\n"
    "Second paragraph with tabs and \u201ccurly\u201d quotes\u2019s."
)
LIGATURE_LETTERS = {"f", "i"}


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_maps_back(original: str, normalised: str, breaks, *, replaced=frozenset()):
    """Every copied character maps back to itself; whitespace maps to whitespace."""
    mapped = to_original(np.arange(len(normalised)), breaks)
    for p, o in enumerate(mapped.tolist()):
        char = normalised[p]
        if char.isspace():
            assert original[o].isspace() or original[o] in "\u2029", (p, o)
        elif char not in replaced:
            assert original[o] == char, (p, char, o, original[o])


# ---------------------------------------------------------------- folders

@pytest.fixture
def folder_with_metadata(tmp_path):
    root = tmp_path / "corpus"
    write(root / "b.md", "Second text.\n")
    write(root / "a.txt", "First text.\n\nIts second paragraph.\n")
    write(root / "notes.txt", "Not part of the corpus.")
    write(root / "metadata.csv", "file,year,actor\na.txt,1999,PRK\nb.md,2022,RUS\n")
    return root


def test_folder_with_metadata_holds_exactly_the_listed_files(folder_with_metadata):
    documents, problems = load_documents(folder_with_metadata)
    assert documents.columns.tolist() == ["doc_id", "source", "text", "year", "actor"]
    assert documents["doc_id"].tolist() == ["a", "b"]
    assert documents["source"].tolist() == ["a.txt", "b.md"]
    assert documents["year"].tolist() == [1999, 2022]
    assert documents["actor"].tolist() == ["PRK", "RUS"]
    assert documents["text"].tolist()[0] == "First text.\n\nIts second paragraph.\n"
    assert problems[["source", "problem"]].values.tolist() == [["notes.txt", "unlisted"]]


def test_folder_without_metadata_reads_every_text_file_recursively(tmp_path):
    write(tmp_path / "2022" / "speech.txt", "Hello.")
    write(tmp_path / "a.md", "A note.")
    write(tmp_path / "table.csv", "not,a,document\n")
    write(tmp_path / ".ipynb_checkpoints" / "a-checkpoint.md", "Hidden.")
    documents, problems = load_documents(tmp_path)
    assert documents["doc_id"].tolist() == ["a", "speech"]
    assert documents["source"].tolist() == ["a.md", "2022/speech.txt"]
    assert documents.columns.tolist() == ["doc_id", "source", "text"]
    assert problems.empty and problems.columns.tolist() == ["source", "problem", "detail"]


def test_folder_ids_fall_back_to_relative_paths_when_stems_collide(tmp_path):
    write(tmp_path / "2021" / "speech.txt", "One.")
    write(tmp_path / "2022" / "speech.txt", "Two.")
    write(tmp_path / "other.txt", "Three.")
    documents, _ = load_documents(tmp_path)
    assert documents["doc_id"].tolist() == ["2021/speech", "2022/speech", "other"]


def test_listed_but_absent_file_stops_the_load_and_is_reported_when_skipping(folder_with_metadata):
    write(folder_with_metadata / "metadata.csv", "file,year\na.txt,1999\ngone.txt,2000\n")
    with pytest.raises(CorpusError, match=r"gone\.txt: missing"):
        load_documents(folder_with_metadata)
    documents, problems = load_documents(folder_with_metadata, on_problem="skip")
    assert documents["doc_id"].tolist() == ["a"]
    assert ["gone.txt", "missing"] in problems[["source", "problem"]].values.tolist()


def test_metadata_entry_outside_the_folder_is_a_bad_name(folder_with_metadata):
    write(folder_with_metadata / "metadata.csv", "file\na.txt\n../escape.txt\n")
    _, problems = load_documents(folder_with_metadata, on_problem="skip")
    assert ["../escape.txt", "bad_name"] in problems[["source", "problem"]].values.tolist()


def test_metadata_file_without_file_column_names_the_metadata_file(folder_with_metadata):
    write(folder_with_metadata / "metadata.csv", "files,year\na.txt,1999\n")
    with pytest.raises(CorpusError, match=r"metadata\.csv.*'file'.*Did you mean 'files'"):
        load_documents(folder_with_metadata)


def test_metadata_source_column_is_kept_as_meta_source(tmp_path):
    write(tmp_path / "a.txt", "Text.")
    write(tmp_path / "metadata.jsonl", json.dumps({"file": "a.txt", "source": "Reuters"}) + "\n")
    documents, _ = load_documents(tmp_path)
    assert documents["source"].tolist() == ["a.txt"]
    assert documents["meta_source"].tolist() == ["Reuters"]


# ---------------------------------------------------------------- tables

TABLE = pd.DataFrame({
    "speech_id": ["PRK_77", "RUS_77", "USA_77"],
    "body": ["We stand with Moscow.", "NA", "Sanctions will follow."],
    "year": [2022, 2022, 2022],
    "actor": ["PRK", "RUS", "USA"],
})


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".tsv":
        frame.to_csv(path, sep="\t", index=False)
    elif path.suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_table_rows_become_documents_with_id_and_metadata_columns(tmp_path, suffix):
    path = write_table(TABLE, tmp_path / f"speeches{suffix}")
    documents, problems = load_documents(path, text_column="body", id_column="speech_id")
    assert documents.columns.tolist() == ["doc_id", "source", "text", "year", "actor"]
    assert documents["doc_id"].tolist() == ["PRK_77", "RUS_77", "USA_77"]
    # a text that reads "NA" is a text, not a missing value
    assert documents["text"].tolist() == TABLE["body"].tolist()
    assert documents["source"].tolist() == [f"speeches{suffix}:row {i}" for i in (1, 2, 3)]
    assert documents["year"].tolist() == [2022] * 3
    assert problems.empty


def test_table_rows_without_id_column_are_numbered_from_one(tmp_path):
    path = write_table(TABLE.iloc[::-1], tmp_path / "speeches.csv")
    documents, _ = load_documents(path, text_column="body")
    assert documents["doc_id"].tolist() == ["row-00001", "row-00002", "row-00003"]
    assert documents["speech_id"].tolist() == ["USA_77", "RUS_77", "PRK_77"]


def test_wrong_text_column_names_the_column_the_file_and_the_nearest_column(tmp_path):
    path = write_table(TABLE, tmp_path / "speeches.csv")
    with pytest.raises(CorpusError) as error:
        load_documents(path, text_column="bodyy")
    message = str(error.value)
    assert "'bodyy'" in message and "speeches.csv" in message
    assert "Did you mean 'body'" in message and "'actor'" in message


def test_repeated_ids_are_an_error_naming_them(tmp_path):
    path = write_table(TABLE.assign(speech_id=["A", "B", "A"]), tmp_path / "speeches.csv")
    with pytest.raises(CorpusError, match=r"speech_id.*unique.*: A\b"):
        load_documents(path, text_column="body", id_column="speech_id")


def test_empty_table_cell_is_an_empty_problem_with_its_row(tmp_path):
    path = write_table(TABLE.assign(body=["Text.", "", "More."]), tmp_path / "speeches.csv")
    with pytest.raises(CorpusError, match=r"speeches\.csv:row 2: empty"):
        load_documents(path, text_column="body")
    documents, problems = load_documents(path, text_column="body", on_problem="skip")
    assert documents["doc_id"].tolist() == ["row-00001", "row-00003"]
    assert problems["problem"].tolist() == ["empty"]


# ---------------------------------------------------------------- problems

@pytest.fixture
def folder_with_bad_files(tmp_path):
    write(tmp_path / "good.txt", "A good text.")
    write(tmp_path / "empty.txt", "  \n\t\n")
    write(tmp_path / "latin.txt", "Caf\xe9 au lait".encode("latin-1"))
    return tmp_path


def test_stop_mode_raises_naming_every_bad_file(folder_with_bad_files):
    with pytest.raises(CorpusError) as error:
        load_documents(folder_with_bad_files)
    message = str(error.value)
    assert "empty.txt: empty" in message
    assert "latin.txt: encoding" in message
    assert "on_problem='skip'" in message


def test_skip_mode_returns_the_good_documents_and_both_problems(folder_with_bad_files):
    documents, problems = load_documents(folder_with_bad_files, on_problem="skip")
    assert documents["doc_id"].tolist() == ["good"]
    assert problems[["source", "problem"]].values.tolist() == [
        ["empty.txt", "empty"], ["latin.txt", "encoding"]]
    detail = problems.loc[problems["problem"] == "encoding", "detail"].item()
    assert "byte 3" in detail and "encoding=" in detail


def test_exact_duplicates_are_reported_and_kept(tmp_path):
    write(tmp_path / "a.txt", "Same words.")
    write(tmp_path / "b.txt", "Same words.")
    write(tmp_path / "c.txt", "Same words. ")
    documents, problems = load_documents(tmp_path)
    assert documents["doc_id"].tolist() == ["a", "b", "c"]
    assert problems[["source", "problem"]].values.tolist() == [["b.txt", "duplicate"]]
    assert "same text as a" in problems["detail"].item()


def test_missing_path_names_the_path(tmp_path):
    with pytest.raises(CorpusError, match="no_such_corpus"):
        load_documents(tmp_path / "no_such_corpus")


@pytest.mark.parametrize("bad", [{"format": "xlsx"}, {"on_problem": "ignore"}])
def test_bad_parameters_name_the_parameter(folder_with_metadata, bad):
    with pytest.raises(ParameterError, match=next(iter(bad))):
        load_documents(folder_with_metadata, **bad)


def test_unknown_file_suffix_asks_for_a_format(tmp_path):
    path = write(tmp_path / "corpus.xml", "<doc/>")
    with pytest.raises(CorpusError, match=r"corpus\.xml.*format="):
        load_documents(path)


# ---------------------------------------------------------------- normalisation

@pytest.mark.parametrize(("text", "expected"), [
    ("tabs\tand\t\tspaces   here", "tabs and spaces here"),
    ("the seventy- seventh session", "the seventy-seventh session"),
    ("a once-in- a-century pandemic", "a once-in-a-century pandemic"),
    ("the inter-\nnational order", "the international order"),
    ("the inter-\r\n  national order", "the international order"),
    ("the anti-\nAmerican line", "the anti-American line"),
    ("pre- and post-war", "pre- and post-war"),
    ("\ufb01nal \ufb02ow", "final flow"),
    ("no\u00a0break\u202fthin\u2009space", "no break thin space"),
    ("one line\r\nnext line\r\n\r\nnew paragraph", "one line next line\n\nnew paragraph"),
    ("para one\n  \n\t\n\n\npara two", "para one\n\npara two"),
    ("\ufeffbom and\x00 control\x07", "bom and control"),
    ("soft\u00adhyphen", "softhyphen"),
    ("Kim\u2019s \u201cfriend\u201d \u2014 yes", "Kim\u2019s \u201cfriend\u201d \u2014 yes"),
    ("cafe\u0301", "caf\u00e9"),
    ("  \n\n", ""),
])
def test_normalise_text(text, expected):
    normalised, breaks = normalise_text(text)
    assert normalised == expected
    assert breaks.dtype == np.int64 and breaks.shape[1] == 2


def test_normalised_messy_text_keeps_paragraphs_and_maps_back_exactly():
    normalised, breaks = normalise_text(MESSY)
    assert normalised == MESSY_NORMALISED
    assert normalised.count("\n\n") == 2 and "\n\n\n" not in normalised
    assert breaks[0].tolist() == [0, 1]  # the BOM is not part of the text
    assert_maps_back(MESSY, normalised, breaks, replaced=LIGATURE_LETTERS)


def test_seed_maps_back_exactly():
    original = (SEEDS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    normalised, breaks = normalise_text(original)
    assert_maps_back(original, normalised, breaks)


def test_word_spans_map_to_the_original_word_across_hyphenation():
    original = "the inter-\nnational order"
    normalised, breaks = normalise_text(original)
    start = normalised.index("international")
    end = start + len("international")
    orig_start = int(to_original(start, breaks))
    orig_end = int(to_original(end - 1, breaks)) + 1
    assert original[orig_start:orig_end] == "inter-\nnational"


def test_to_original_accepts_the_flat_offset_breaks():
    assert to_original([0, 3, 4, 6], [0, 10, 4, 20]).tolist() == [10, 13, 20, 22]
    assert to_original(np.array([[1, 2]]), [0, 5]).tolist() == [[6, 7]]


# ---------------------------------------------------------------- units

def messy_documents() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["messy", "short"],
        "source": ["messy.txt", "short.txt"],
        "text": [MESSY, "  One paragraph only.  "],
        "year": [2022, 1999],
    })


def test_document_units_are_the_normalised_documents_with_metadata():
    units = split_units(messy_documents())
    assert units.columns.tolist() == [
        "unit_id", "doc_id", "unit_index", "text", "orig_start", "orig_end", "offset_breaks", "year"]
    assert units["unit_id"].tolist() == ["messy", "short"]
    assert units["text"].tolist() == [MESSY_NORMALISED, "One paragraph only."]
    assert units["year"].tolist() == [2022, 1999]
    assert units[["orig_start", "orig_end"]].values.tolist() == [[1, len(MESSY) - 1], [2, 21]]


def test_paragraph_units_have_stable_ids_and_spans_into_the_original():
    documents = messy_documents()
    units = split_units(documents, unit="paragraph")
    assert units["unit_id"].tolist() == ["messy:p001", "messy:p002", "messy:p003", "short:p001"]
    assert units["unit_index"].tolist() == [1, 2, 3, 1]
    assert units["text"].tolist()[:3] == MESSY_NORMALISED.split("\n\n")
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


def test_bad_unit_names_the_parameter():
    with pytest.raises(ParameterError, match="unit"):
        split_units(messy_documents(), unit="page")


def test_sentence_units_use_the_tokeniser_spans_trimmed(monkeypatch):
    def split_sentences(text):  # naive stand-in: spans with surrounding spaces
        spans, start = [], 0
        for i, char in enumerate(text):
            if char in ".\n" and (i + 1 == len(text) or text[i + 1] in " \n"):
                spans.append((start, i + 1))
                start = i + 1
        return spans

    monkeypatch.setitem(sys.modules, "stancebook.tokenise",
                        types.SimpleNamespace(split_sentences=split_sentences))
    documents = pd.DataFrame({"doc_id": ["d"], "source": ["d.txt"],
                              "text": ["First one.  Second\tone.\n\nThird."]})
    units = split_units(documents, unit="sentence")
    assert units["unit_id"].tolist() == ["d:s001", "d:s002", "d:s003"]
    assert units["text"].tolist() == ["First one.", "Second one.", "Third."]
    assert units["orig_start"].tolist() == [0, 12, 25]


def test_seed_sentences_start_with_the_title_line():
    pytest.importorskip("stancebook.tokenise")
    documents, _ = load_documents(SEEDS)
    units = split_units(documents, unit="sentence")
    assert units["text"].iloc[0] == "Putin-Kim alliance and global peace"
    assert units["text"].iloc[1].startswith("North Korean leader Kim Jong Un")
    assert units["unit_id"].iloc[0] == f"{SEED_ID}:s001"


# ---------------------------------------------------------------- the seed

def test_seed_loads_with_its_metadata_and_leaves_the_files_untouched():
    before = tree_hashes(SEEDS)
    documents, problems = load_documents(SEEDS)
    units = split_units(documents, unit="paragraph")
    assert tree_hashes(SEEDS) == before
    assert documents["doc_id"].tolist() == [SEED_ID]
    record = documents.drop(columns="text").iloc[0].to_dict()
    assert record == {"doc_id": SEED_ID, "source": f"{SEED_ID}.txt",
                      "title": "Putin-Kim alliance and global peace", "genre": "opinion",
                      "language": "en", "event_date": "2023-09-13", "outlet": "unknown"}
    assert documents["text"].item() == (SEEDS / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    assert problems[["source", "problem"]].values.tolist() == [["README.md", "unlisted"]]
    assert units["text"].iloc[0] == "Putin-Kim alliance and global peace"
    assert len(units) == 4 and (units["title"] == "Putin-Kim alliance and global peace").all()


def test_seed_file_hashes_cover_the_document_and_its_metadata():
    hashes = file_hashes(SEEDS)
    assert list(hashes) == [f"{SEED_ID}.txt", "metadata.csv"]
    expected = hashlib.sha256((SEEDS / "metadata.csv").read_bytes()).hexdigest()
    assert hashes["metadata.csv"] == expected


def test_file_hashes_of_a_table_is_one_entry(tmp_path):
    path = write_table(TABLE, tmp_path / "speeches.csv")
    assert file_hashes(path) == {"speeches.csv": hashlib.sha256(path.read_bytes()).hexdigest()}


# ---------------------------------------------------------------- filter, summary, plot

def test_filter_documents_by_inclusive_years_and_actors():
    documents = pd.DataFrame({"doc_id": list("abcd"), "year": [1990, 2000, 2010, None],
                              "actor": ["PRK", "RUS", "PRK", "USA"]})
    assert filter_documents(documents, years=(2000, 2010))["doc_id"].tolist() == ["b", "c"]
    assert filter_documents(documents, actors=["PRK"])["doc_id"].tolist() == ["a", "c"]
    both = filter_documents(documents, years=(None, 2005), actors=["PRK", "RUS"])
    assert both["doc_id"].tolist() == ["a", "b"]
    assert filter_documents(documents).equals(documents)
    assert len(documents) == 4


def test_filter_on_a_missing_column_names_it_and_lists_the_others():
    documents = pd.DataFrame({"doc_id": ["a"], "session_year": [2000]})
    with pytest.raises(CorpusError, match=r"'year'.*'doc_id', 'session_year'.*Did you mean 'session_year'"):
        filter_documents(documents, years=(1990, 2020))


def test_corpus_summary_counts_documents_units_words_and_problems(folder_with_bad_files):
    documents, problems = load_documents(folder_with_bad_files, on_problem="skip")
    units = split_units(documents)
    summary = dict(zip(corpus_summary(documents, units, problems)["metric"],
                       corpus_summary(documents, units, problems)["value"]))
    assert summary["documents"] == 1 and summary["units"] == 1
    assert summary["words"] == 3 and summary["characters"] == len("A good text.")
    assert summary["problems_empty"] == 1 and summary["problems_encoding"] == 1
    assert summary["problems_duplicate"] == 0


def test_plot_unit_lengths_draws_a_labelled_histogram():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        returned = plot_unit_lengths(ax, split_units(messy_documents(), unit="paragraph"))
        assert returned is ax
        assert "words" in ax.get_xlabel() and ax.get_ylabel()
        assert sum(patch.get_height() for patch in ax.patches) == 4
    finally:
        plt.close(fig)


def test_short_unit_labels_drop_the_document_only_when_it_is_shared():
    from stancebook.corpus import short_unit_labels

    assert short_unit_labels(["doc:s001", "doc:s010"]) == {"doc:s001": "s001", "doc:s010": "s010"}
    assert short_unit_labels(["a:p001", "b:p001"]) == {"a:p001": "a:p001", "b:p001": "b:p001"}
    assert short_unit_labels(["a", "b"]) == {"a": "a", "b": "b"}


# ---------------------------------------------------------------- the UNGDC layout
# Hand-written speeches in the official layout (never text from the corpus).

UNGDC_TGZ = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "ungdc" / "UNGDC_1946-2024.tgz"

SPEECH_ONE_LINE_PER_PARAGRAPH = (
    "Allow me to greet the President of the seventy- seventh session.\n"
    "Our\tdelegation\tbelieves that dialogue must prevail over a once-in- a-century crisis.\n"
    "Mr. President,\n"
    "We close with hope.\n"
)
SPEECH_WRAPPED = (
    "The river nations met again this\n"
    "year to share the water of the\n"
    "valley. We thank them.\n"
    "Our second point is about the inter-\n"
    "national order that keeps us safe\n"
    "and the rules that bind us all.\n"
)


def ungdc_files() -> dict[str, str | bytes]:
    return {
        "Session 76 - 2021/PRK_76_2021.txt": "We stand for peace on the peninsula.\nWe reject pressure.\n",
        "Session 77 - 2022/PRK_77_2022.txt": SPEECH_ONE_LINE_PER_PARAGRAPH,
        "Session 77 - 2022/RUS_77_2022.txt": SPEECH_WRAPPED,
        "Session 77 - 2022/EU_77_2022.txt": "The Union speaks for its members.\n",
        "Session 01 - 1946/YUG_01_1946.txt": "A new federation greets the Assembly.\n",
    }


def write_ungdc(root: Path, files: dict, *, top="UNGDC_1946-2024") -> Path:
    for name, text in files.items():
        write(root / top / name, text)
    return root


def make_tgz(root: Path, archive: Path) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(root.rglob("*")):
            tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)
    return archive


@pytest.fixture
def ungdc(tmp_path):
    folder = write_ungdc(tmp_path / "unpacked", ungdc_files())
    return folder, make_tgz(folder, tmp_path / "UNGDC_test.tgz")


def test_ungdc_tgz_and_folder_give_identical_documents_with_metadata(ungdc):
    folder, archive = ungdc
    from_tgz, problems = load_documents(archive)
    from_folder, _ = load_documents(folder)
    assert problems.empty
    pd.testing.assert_frame_equal(from_tgz, from_folder)
    assert from_tgz.columns.tolist() == ["doc_id", "source", "text", "iso3", "country", "short_name", "region", "session", "year"]
    assert from_tgz["doc_id"].tolist() == ["EU_77_2022", "PRK_76_2021", "PRK_77_2022", "RUS_77_2022", "YUG_01_1946"]
    record = from_tgz.set_index("doc_id").loc["PRK_77_2022"]
    assert record["source"] == "UNGDC_1946-2024/Session 77 - 2022/PRK_77_2022.txt"
    assert record["text"] == SPEECH_ONE_LINE_PER_PARAGRAPH
    assert (record["iso3"], record["country"], record["region"]) == (
        "PRK", "Democratic People's Republic of Korea", "Asia")
    assert (record["session"], record["year"]) == (77, 2022)
    assert from_tgz["year"].dtype == np.int64 and from_tgz["session"].dtype == np.int64
    # the unpacked folder itself (one level down) is recognised too
    inner, _ = load_documents(folder / "UNGDC_1946-2024")
    assert inner["doc_id"].tolist() == from_tgz["doc_id"].tolist()
    assert inner["source"].iloc[0] == "Session 77 - 2022/EU_77_2022.txt"


def test_ungdc_names_outside_the_layout_are_bad_names(tmp_path):
    files = {**ungdc_files(),
             "Session 77 - 2022/USA_76_2021.txt": "Folder and name disagree.",
             "Session 77 - 2022/usa-speech.txt": "Not a layout name.",
             "Session 77 - 2022/XYZ_77_2022.txt": "Unknown country.",
             "loose/FRA_77_2022.txt": "Not in a session folder.",
             "Session 77 - 2022/notes.md": "Other files are ignored."}
    folder = write_ungdc(tmp_path / "unpacked", files)
    with pytest.raises(CorpusError) as error:
        load_documents(folder)
    message = str(error.value)
    for name in ("USA_76_2021.txt", "usa-speech.txt", "XYZ_77_2022.txt", "FRA_77_2022.txt"):
        assert f"{name}: bad_name" in message
    assert "disagrees" in message and "'XYZ'" in message
    documents, problems = load_documents(make_tgz(folder, tmp_path / "c.tgz"), on_problem="skip")
    assert len(documents) == 5
    assert problems["problem"].tolist() == ["bad_name"] * 4


def test_ungdc_empty_and_non_utf8_speeches_stop_or_are_skipped(tmp_path):
    files = {**ungdc_files(),
             "Session 77 - 2022/FRA_77_2022.txt": " \n\t\n",
             "Session 77 - 2022/CIV_77_2022.txt": "La C\xf4te d'Ivoire salue l'Assembl\xe9e.".encode("latin-1")}
    archive = make_tgz(write_ungdc(tmp_path / "u", files), tmp_path / "c.tgz")
    with pytest.raises(CorpusError) as error:
        load_documents(archive)
    assert "FRA_77_2022.txt: empty" in str(error.value)
    assert "CIV_77_2022.txt: encoding" in str(error.value)
    documents, problems = load_documents(archive, on_problem="skip")
    assert "FRA_77_2022" not in set(documents["doc_id"]) and "CIV_77_2022" not in set(documents["doc_id"])
    assert sorted(problems["problem"]) == ["empty", "encoding"]
    assert problems["source"].str.startswith("UNGDC_1946-2024/Session 77 - 2022/").all()


def test_ungdc_filters_skip_other_members_without_decoding_them(tmp_path):
    files = {**ungdc_files(), "Session 40 - 1985/FRA_40_1985.txt": b"\xff\xfe not UTF-8"}
    archive = make_tgz(write_ungdc(tmp_path / "u", files), tmp_path / "c.tgz")
    documents, problems = load_documents(archive, years=(2021, 2024))
    assert problems.empty  # the undecodable 1985 speech was never read
    assert documents["doc_id"].tolist() == ["EU_77_2022", "PRK_76_2021", "PRK_77_2022", "RUS_77_2022"]
    documents, problems = load_documents(archive, countries=["rus", "PRK"])
    assert documents["doc_id"].tolist() == ["PRK_76_2021", "PRK_77_2022", "RUS_77_2022"]
    documents, _ = load_documents(tmp_path / "u", years=(2022, None), countries=["PRK"])
    assert documents["doc_id"].tolist() == ["PRK_77_2022"]
    with pytest.raises(ParameterError, match="'XYZ'"):
        load_documents(archive, countries=["XYZ"])
    with pytest.raises(CorpusError, match="no speech"):
        load_documents(archive, years=(1800, 1801))


def test_ungdc_duplicate_speeches_are_reported_and_kept(tmp_path):
    files = ungdc_files()
    files["Session 77 - 2022/FRA_77_2022.txt"] = files["Session 77 - 2022/EU_77_2022.txt"]
    documents, problems = load_documents(write_ungdc(tmp_path, files))
    assert "FRA_77_2022" in set(documents["doc_id"])
    assert problems[["problem", "detail"]].values.tolist() == [
        ["duplicate", "same text as EU_77_2022; kept, remove it if unintended"]]


def test_years_and_countries_filter_other_formats_after_loading(tmp_path):
    table = TABLE.assign(iso3=["PRK", "RUS", "USA"], year=[2021, 2022, 2022])
    path = write_table(table, tmp_path / "speeches.csv")
    documents, _ = load_documents(path, text_column="body", id_column="speech_id",
                                  years=(2022, 2022), countries=["usa", "RUS"])
    assert documents["doc_id"].tolist() == ["RUS_77", "USA_77"]
    assert filter_documents(table, countries="prk")["speech_id"].tolist() == ["PRK_77"]


def test_ungdc_units_keep_the_speech_paragraphs(ungdc):
    _, archive = ungdc
    documents, _ = load_documents(archive, countries=["PRK", "RUS"], years=(2022, 2022))
    units = split_units(documents, unit="paragraph")
    prk = units.loc[units["doc_id"] == "PRK_77_2022", "text"].tolist()
    assert prk == [
        "Allow me to greet the President of the seventy-seventh session.",
        "Our delegation believes that dialogue must prevail over a once-in-a-century crisis.",
        "Mr. President,",
        "We close with hope.",
    ]
    rus = units.loc[units["doc_id"] == "RUS_77_2022", "text"].tolist()
    assert rus == ["The river nations met again this year to share the water of the valley. We thank them.",
                   "Our second point is about the international order that keeps us safe "
                   "and the rules that bind us all."]
    # the filter keeps the layout flag; line_paragraphs=False gives one paragraph per speech
    assert len(split_units(filter_documents(documents, countries=["RUS"]), unit="paragraph")) == 2
    assert len(split_units(documents, unit="paragraph", line_paragraphs=False)) == 2


def test_parallel_units_are_identical_to_serial(monkeypatch, ungdc):
    import stancebook.corpus as corpus

    documents, _ = load_documents(ungdc[1])
    serial = split_units(documents, unit="paragraph")
    monkeypatch.setattr(corpus, "_CHUNK", 2)
    parallel = split_units(documents, unit="paragraph", n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    with pytest.raises(ParameterError, match="n_jobs"):
        split_units(documents, n_jobs=0)


def test_missing_ungdc_corpus_says_where_to_get_it(tmp_path, monkeypatch):
    from stancebook import corpus
    from stancebook.corpus import ungdc_path

    with pytest.raises(CorpusError, match=r"(?s)Dataverse.*10\.7910/DVN/0TJX8Y.*corpus_path"):
        ungdc_path(tmp_path / "UNGDC_1946-2024.tgz")
    monkeypatch.setattr(corpus, "default_ungdc_path", lambda: None)
    with pytest.raises(CorpusError, match=r"(?s)corpus_path is empty.*Dataverse"):
        ungdc_path()
    with pytest.raises(CorpusError, match="Dataverse"):
        load_documents(tmp_path / "UNGDC_1946-2024.tgz")


def test_default_ungdc_path_is_beside_the_repository_root():
    from stancebook.corpus import default_ungdc_path
    from stancebook.paths import repo_root

    path = default_ungdc_path()
    folder = repo_root().parent / "shared" / "corpora" / "ungdc"
    if folder.is_dir():
        assert path is not None and (path == folder or path.parent == folder)
        if (folder / "UNGDC_1946-2024.tgz").is_file():
            assert path.name == "UNGDC_1946-2024.tgz"
    else:
        assert path is None


# ---------------------------------------------------------------- PDF line layout

@pytest.mark.parametrize(("text", "expected"), [
    # one line per paragraph: every line break ends a paragraph
    ("First point here.\nSecond point there.", "First point here.\n\nSecond point there."),
    # ... except a sentence going on after a line or page break
    ("We reject the hostile and\nunilateral pressure.", "We reject the hostile and unilateral pressure."),
    # a long line cut off mid-sentence before a bracket is a page break, a short one a heading
    ("Our time is hard. The disease that spread everywhere in the\n(COVID-19) keeps coming.",
     "Our time is hard. The disease that spread everywhere in the (COVID-19) keeps coming."),
    ("Mr. President,\nColleagues,\n\nToday we meet.", "Mr. President,\n\nColleagues,\n\nToday we meet."),
    # page furniture lines are dropped and the sentence joined across them
    ("We call on all\n22-59181 5/30\n\nA/77/PV.5 23/09/2022\nnations to act.", "We call on all nations to act."),
    ("We call on all\n  \n08-51839 2 \n \nnations to act.", "We call on all nations to act."),
    ("The end.\n12\nGeneral Assembly - Forty-eighth session\nA new start.", "The end.\n\nA new start."),
    ("Peace now.\n---\nForty-eighth session - 5 October l993 12\nWar never.", "Peace now.\n\nWar never."),
    ("Text at the top.\n7/30 22-59181\n", "Text at the top."),
    ("A/77/PV.5\nText below the symbol.", "Text below the symbol."),
    # numbered paragraphs lose their numbers, but numbers inside a sentence stay
    ("81.\tThis session matters.\n82.\tThat one did too.", "This session matters.\n\nThat one did too."),
    ("We recall what all of the Members agreed in paragraph\n12. The rest follows.",
     "We recall what all of the Members agreed in paragraph 12. The rest follows."),
    # a blank line in the middle of a sentence (a page break) is joined
    ("We are facing a changing\n\nand turbulent world.", "We are facing a changing and turbulent world."),
    # hyphenation across a line break inside a paragraph
    ("the inter-\nnational order of the\n\nanti-\nAmerican kind.",
     "the international order of the anti-American kind."),
])
def test_line_paragraphs_rebuild_pdf_paragraphs(text, expected):
    normalised, breaks = normalise_text(text, line_paragraphs=True)
    assert normalised == expected
    assert_maps_back(text, normalised, breaks)


WRAPPED_SPEECH = (
    "Allow me to congratulate you, Sir, on your \n"
    "election to the presidency of the Assembly at \n"
    "its present session. We also thank your able \n"
    "predecessor for his leadership.\n"
    "The history of this Organization has been a \n"
    "pathway towards a peaceful and just world, \n"
    "built on the work of all of its Members today.\n"
    "Our nation will pursue peace with all others \n"
    "through dialogue and through cooperation, and \n"
    "it will keep its word.\n"
    "  A new paragraph starts with an indent here, \n"
    "as in some of the later transcripts we read.\n"
)


def test_hard_wrapped_lines_join_and_paragraphs_end_where_the_line_ends_early():
    normalised, breaks = normalise_text(WRAPPED_SPEECH, line_paragraphs=True)
    paragraphs = normalised.split("\n\n")
    assert [p.split()[:2] for p in paragraphs] == [["Allow", "me"], ["The", "history"], ["A", "new"]]
    # "today." ends a sentence at a full line: the next word would not have fitted there,
    # so the line may simply be full and the paragraph goes on
    assert "Members today. Our nation" in normalised
    assert "\n" not in paragraphs[0] and paragraphs[0].endswith("for his leadership.")
    assert_maps_back(WRAPPED_SPEECH, normalised, breaks)


def test_line_paragraphs_offsets_map_back_on_random_layouts():
    rng = np.random.default_rng(0)
    pieces = ["word", "Word", "end.", "-", " ", "  ", "\n", "\n\n", "\t", "12", "81. ", "A/77/PV.5",
              "22-59181", "5/30", "\r\n", "inter-\nnational", "(", "\u201cQuote.\u201d", "\ufb01ne"]
    for _ in range(400):
        text = "".join(rng.choice(pieces, size=rng.integers(0, 40)))
        normalised, breaks = normalise_text(text, line_paragraphs=True)
        assert "\n\n\n" not in normalised and normalised == normalised.strip()
        assert_maps_back(text, normalised, breaks, replaced=LIGATURE_LETTERS)
        for unit_text, flat in [(normalised, breaks.ravel().tolist())]:
            assert to_original(len(unit_text) - 1, flat) < len(text) if unit_text else True


@pytest.mark.skipif(not UNGDC_TGZ.is_file(), reason="the UNGDC archive is not in ../shared/corpora/ungdc")
def test_real_archive_session_77_has_193_speeches():
    documents, problems = load_documents(UNGDC_TGZ, years=(2022, 2022))
    assert len(documents) == 193 and problems.empty
    assert (documents["year"] == 2022).all() and (documents["session"] == 77).all()
    prk = documents.set_index("doc_id").loc["PRK_77_2022"]
    assert prk["country"] == "Democratic People's Republic of Korea" and prk["year"] == 2022
    units = split_units(documents[documents["doc_id"] == "PRK_77_2022"], unit="paragraph")
    assert len(units) > 10  # a speech is many paragraphs, not one


def test_the_download_folder_holding_the_archive_reads_the_archive(ungdc, tmp_path):
    _, archive = ungdc
    download = tmp_path / "download"
    download.mkdir()
    (download / "UNGDC_1946-2024.tgz").write_bytes(archive.read_bytes())
    write(download / "README.md", "Where the corpus comes from.")
    documents, problems = load_documents(download)
    assert len(documents) == 5 and problems.empty
    assert load_documents(download, format="ungdc")[0].equals(documents)
    assert list(file_hashes(download)) == ["UNGDC_1946-2024.tgz"]
