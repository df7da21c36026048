"""The UN General Debate Corpus layout: archive or folder, names, metadata, filters pushed into the reader."""

import numpy as np
import pandas as pd
import pytest

from stancebook.corpus import file_hashes, filter_documents, load_documents, split_units
from stancebook.corpus.readers import ungdc as ungdc_reader
from stancebook.errors import CorpusError, ParameterError
from stancebook.paths import repo_root

UNGDC_TGZ = repo_root().parent / "shared" / "corpora" / "ungdc" / "UNGDC_1946-2024.tgz"


def test_ungdc_tgz_and_folder_give_identical_documents_with_metadata(ungdc, speeches):
    folder, archive = ungdc
    from_tgz, problems = load_documents(archive)
    from_folder, _ = load_documents(folder)
    assert problems.empty
    pd.testing.assert_frame_equal(from_tgz, from_folder)
    assert from_tgz.columns.tolist() == ["doc_id", "source", "text", "iso3", "country", "short_name", "region", "session", "year"]
    assert from_tgz["doc_id"].tolist() == ["EU_77_2022", "PRK_76_2021", "PRK_77_2022", "RUS_77_2022", "YUG_01_1946"]
    record = from_tgz.set_index("doc_id").loc["PRK_77_2022"]
    assert record["source"] == "UNGDC_1946-2024/Session 77 - 2022/PRK_77_2022.txt"
    assert record["text"] == speeches["one_line_per_paragraph"]
    assert (record["iso3"], record["country"], record["region"]) == (
        "PRK", "Democratic People's Republic of Korea", "Asia")
    assert (record["session"], record["year"]) == (77, 2022)
    assert from_tgz["year"].dtype == np.int64 and from_tgz["session"].dtype == np.int64
    # the unpacked folder itself (one level down) is recognised too
    inner, _ = load_documents(folder / "UNGDC_1946-2024")
    assert inner["doc_id"].tolist() == from_tgz["doc_id"].tolist()
    assert inner["source"].iloc[0] == "Session 77 - 2022/EU_77_2022.txt"


def test_ungdc_names_outside_the_layout_are_bad_names(tmp_path, ungdc_files, write_ungdc, make_tgz):
    files = {**ungdc_files,
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


def test_ungdc_empty_and_non_utf8_speeches_stop_or_are_skipped(tmp_path, ungdc_files, write_ungdc, make_tgz):
    files = {**ungdc_files,
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


def test_ungdc_filters_skip_other_members_without_decoding_them(tmp_path, ungdc_files, write_ungdc, make_tgz):
    files = {**ungdc_files, "Session 40 - 1985/FRA_40_1985.txt": b"\xff\xfe not UTF-8"}
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


def test_ungdc_duplicate_speeches_are_reported_and_kept(tmp_path, ungdc_files, write_ungdc):
    files = dict(ungdc_files)
    files["Session 77 - 2022/FRA_77_2022.txt"] = files["Session 77 - 2022/EU_77_2022.txt"]
    documents, problems = load_documents(write_ungdc(tmp_path, files))
    assert "FRA_77_2022" in set(documents["doc_id"])
    assert problems[["problem", "detail"]].values.tolist() == [
        ["duplicate", "same text as EU_77_2022; kept, remove it if unintended"]]


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


def test_missing_ungdc_corpus_says_where_to_get_it(tmp_path, monkeypatch):
    from stancebook.corpus import ungdc_path

    with pytest.raises(CorpusError, match=r"(?s)Dataverse.*10\.7910/DVN/0TJX8Y.*corpus_path"):
        ungdc_path(tmp_path / "UNGDC_1946-2024.tgz")
    # ungdc_path looks the default up in the module that defines both
    monkeypatch.setattr(ungdc_reader, "default_ungdc_path", lambda: None)
    with pytest.raises(CorpusError, match=r"(?s)corpus_path is empty.*Dataverse"):
        ungdc_path()
    with pytest.raises(CorpusError, match="Dataverse"):
        load_documents(tmp_path / "UNGDC_1946-2024.tgz")


def test_default_ungdc_path_is_beside_the_repository_root():
    from stancebook.corpus import default_ungdc_path

    path = default_ungdc_path()
    folder = repo_root().parent / "shared" / "corpora" / "ungdc"
    if folder.is_dir():
        assert path is not None and (path == folder or path.parent == folder)
        if (folder / "UNGDC_1946-2024.tgz").is_file():
            assert path.name == "UNGDC_1946-2024.tgz"
    else:
        assert path is None


def test_the_download_folder_holding_the_archive_reads_the_archive(ungdc, tmp_path, write):
    _, archive = ungdc
    download = tmp_path / "download"
    download.mkdir()
    (download / "UNGDC_1946-2024.tgz").write_bytes(archive.read_bytes())
    write(download / "README.md", "Where the corpus comes from.")
    documents, problems = load_documents(download)
    assert len(documents) == 5 and problems.empty
    assert load_documents(download, format="ungdc")[0].equals(documents)
    assert list(file_hashes(download)) == ["UNGDC_1946-2024.tgz"]


@pytest.mark.slow
@pytest.mark.skipif(not UNGDC_TGZ.is_file(), reason="the UNGDC archive is not in ../shared/corpora/ungdc")
def test_real_archive_session_77_has_193_speeches():
    documents, problems = load_documents(UNGDC_TGZ, years=(2022, 2022))
    assert len(documents) == 193 and problems.empty
    assert (documents["year"] == 2022).all() and (documents["session"] == 77).all()
    prk = documents.set_index("doc_id").loc["PRK_77_2022"]
    assert prk["country"] == "Democratic People's Republic of Korea" and prk["year"] == 2022
    units = split_units(documents[documents["doc_id"] == "PRK_77_2022"], unit="paragraph")
    assert len(units) > 10  # a speech is many paragraphs, not one
