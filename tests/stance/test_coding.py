"""The hand-coding loop: a stratified sample to code, codes read back, agreement per source."""

import numpy as np
import pandas as pd
import pytest

from stancebook.errors import ParameterError
from stancebook.stance.agreement import agreement_table, evaluate_codes, krippendorff_alpha
from stancebook.stance.coding import apply_hand_codes, coding_sample, match_codes, read_code_sets, read_codes


def _triples(n_per=(12, 3), targets=("russia", "ukraine")):
    rows = []
    for t in targets:
        for k in range(sum(n_per)):
            rows.append({"unit_id": f"u{k}", "sentence": 1 + (t == "ukraine"), "target": t, "holder": "author",
                         "level": "target", "holder_source": "speaker",
                         "stance": "against" if k < n_per[0] else "for"})
    return pd.DataFrame(rows)


def test_coding_sample_draws_every_stratum_and_hides_the_prediction():
    triples = _triples()
    sentences = pd.DataFrame({"unit_id": [f"u{k}" for k in range(15) for _ in (1, 2)],
                              "sentence": [s for _ in range(15) for s in (1, 2)], "text": "a sentence"})
    sample = coding_sample(triples, sentences, n=8, random_state=1)
    assert len(sample) == 8 and (sample["code"] == "").all()
    assert "stance" not in sample.columns
    keyed = sample.merge(triples, on=["unit_id", "sentence", "target"])
    assert keyed.groupby(["target", "stance"]).size().to_dict() == {
        ("russia", "against"): 2, ("russia", "for"): 2, ("ukraine", "against"): 2, ("ukraine", "for"): 2}
    assert sample.equals(coding_sample(triples, sentences, n=8, random_state=1))


def test_codes_are_read_with_aliases_and_bad_codes_are_named(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("unit_id,sentence,target,code\nu1,1,russia,-1\nu2,1,russia,pro\nu3,1,russia,\n", encoding="utf-8")
    assert read_codes(path)["code"].tolist() == ["against", "for"]
    path.write_text("unit_id,sentence,target,code\nu1,1,russia,maybe\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"codes.csv, line 2: code 'maybe'"):
        read_codes(path)
    path.write_text("id,target,code\n1,russia,for\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="doc_id"):
        read_codes(path)


def test_offset_codes_find_the_sentence_that_overlaps_most():
    codes = pd.DataFrame({"doc_id": ["D", "D", "E"], "start": [12, 40, 0], "end": [30, 58, 9],
                          "target": ["russia"] * 3, "code": ["for"] * 3})
    sentences = pd.DataFrame({"unit_id": ["D", "D"], "sentence": [1, 2], "orig_start": [10, 38],
                              "orig_end": [31, 60]})
    units = pd.DataFrame({"unit_id": ["D"], "doc_id": ["D"]})
    matched = match_codes(codes, sentences, units)
    assert matched[["unit_id", "sentence"]].values.tolist() == [["D", 1], ["D", 2]]  # E is not in the run


def test_krippendorff_alpha_equals_the_reference_implementation():
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(3)
    codes = ["against", "neutral", "for"]
    a = rng.choice(codes, 80)
    b = np.where(rng.random(80) < 0.7, a, rng.choice(codes, 80))
    index = {c: i for i, c in enumerate(codes)}
    data = np.array([[index[x] for x in a], [index[x] for x in b]], dtype=float)
    assert krippendorff_alpha(a, b) == pytest.approx(krippendorff.alpha(reliability_data=data,
                                                                        level_of_measurement="nominal"), abs=1e-12)
    assert krippendorff_alpha(a, a) == 1.0


def test_agreement_per_source_and_the_default_against_the_codes():
    triples = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "sentence": 1, "target": "russia",
                            "level": "target", "holder_source": "speaker",
                            "polarity_lexicon": [0.6, 0.6, 0.6, -0.6], "polarity_stance": [-1.0, 1.0, 0.0, -1.0]})
    codes = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "sentence": 1, "target": "russia",
                          "code": ["against", "for", "neutral", "against"]})
    agreement, confusion, coded = evaluate_codes(triples, codes, ["lexicon", "stance"])
    row = agreement.set_index("source")
    assert row.loc["stance", "accuracy"] == 1.0 and row.loc["stance", "macro_f1"] == 1.0
    assert row.loc["lexicon", "accuracy"] == 0.5
    overall = confusion[confusion["group"] == "all"].set_index(["code", "predicted"])["n"]
    assert overall[("against", "against")] == 2 and overall.sum() == 4
    assert list(agreement_table(codes, {"x": pd.Series(["for"] * 4)}).columns)[:6] == [
        "codes", "use", "source", "n", "accuracy", "macro_f1"]


def test_agreement_is_reported_per_set_of_codes_with_its_use():
    triples = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "sentence": 1, "target": "russia",
                            "level": "target", "holder_source": "speaker", "polarity_stance": [-1.0, 1.0, 0.0, 1.0]})
    codes = pd.DataFrame({"unit_id": ["u1", "u2", "u3", "u4"], "sentence": 1, "target": "russia",
                          "code": ["against", "for", "neutral", "against"],
                          "codes": ["dev", "dev", "honest", "honest"], "use": ["training", "training", "test", "test"]})
    agreement, confusion, _ = evaluate_codes(triples, codes, ["stance"])
    rows = agreement.set_index("codes")
    assert rows.loc["dev", "accuracy"] == 1.0 and rows.loc["dev", "use"] == "training" and rows.loc["dev", "n"] == 2
    assert rows.loc["honest", "accuracy"] == 0.5 and rows.loc["honest", "use"] == "test"
    wrong = confusion[(confusion["codes"] == "honest") & (confusion["group"] == "all")].set_index(["code", "predicted"])
    assert wrong.loc[("against", "for"), "n"] == 1


def test_code_sets_are_named_by_file_and_a_test_pair_in_training_is_refused(tmp_path):
    train, test = tmp_path / "dev_codes.csv", tmp_path / "honest_codes.csv"
    train.write_text("doc_id,start,end,target,code\nD,0,9,russia,for\nD,10,19,china,against\n")
    test.write_text("doc_id,start,end,target,code\nE,0,9,russia,neutral\n")
    codes = read_code_sets([train], [test])
    assert codes[["codes", "use"]].drop_duplicates().values.tolist() == [["dev_codes", "training"],
                                                                         ["honest_codes", "test"]]
    assert read_code_sets([], []) is None
    test.write_text("doc_id,start,end,target,code\nD,10,19,china,neutral\n")
    with pytest.raises(ParameterError, match="stance_test_codes: 1 test pair"):
        read_code_sets([train], [test])
    with pytest.raises(ParameterError, match="named twice"):
        read_code_sets([train, train])


def test_hand_codes_go_to_the_holder_they_were_read_for_and_never_from_a_test_set():
    triples = pd.DataFrame({
        "unit_id": ["u1", "u1", "u1", "u2", "u3", "u3"], "sentence": 1,
        "target": ["ukraine", "ukraine", "ukraine", "ukraine", "russia", "russia"],
        "holder": ["RUS", "putin", "russia", "RUS", "USA", "USA"],
        "holder_source": ["speaker", "reported", "act", "speaker", "speaker", "speaker"],
        "level": ["target", "target", "target", "target", "target", "group"],
        "polarity_stance": [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]})
    codes = pd.DataFrame({
        "unit_id": ["u1", "u1", "u2", "u3"], "sentence": 1, "target": ["ukraine", "ukraine", "ukraine", "russia"],
        "holder": ["speaker", "putin", "RUS", "USA"], "code": ["against", "neutral", "against", "against"],
        "use": ["training", "training", "test", "training"]})
    out, n = apply_hand_codes(triples, codes)
    # the speaker's and the quoted Putin's triples each take their own code; the reported act keeps the frame's
    # reading; the test code is not applied; a sample's code naming the speaker by its id applies; group rows stay
    assert out["polarity_stance"].tolist() == [-1.0, 0.0, 1.0, 1.0, -1.0, 0.0]
    assert n == 3
    assert triples["polarity_stance"].tolist() == [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]  # the input is not modified
    assert apply_hand_codes(triples, codes.iloc[:0])[1] == 0


def test_cell_agreement_finds_the_holder_a_source_reads_like_everyone_else():
    """A source that reads every holder's stance toward Ukraine as 'for' misses the one holder against it."""
    from stancebook.stance.agreement import cell_agreement

    rows = []
    for holder, code in [("POL", "for"), ("LTU", "for"), ("DEU", "for"), ("RUS", "against")]:
        for k in range(5):
            rows.append({"holder": holder, "target": "ukraine", "code": code if k else "neutral",
                         "class_stance": "for" if k else "neutral", "use": "training"})
    rows.append({"holder": "FRA", "target": "ukraine", "code": "for", "class_stance": "for", "use": "training"})
    cells, summary = cell_agreement(pd.DataFrame(rows))
    assert cells["holder"].tolist()[0] == "RUS" and len(cells) == 4  # FRA has one code: below min_codes
    top = cells.iloc[0]
    assert (top["code_mean"], top["model_mean"], top["gap"]) == (-0.8, 0.8, 1.6)
    assert summary["training"]["slope"] == 0.0 and summary["training"]["n_cells"] == 4  # holders flattened
    faithful = pd.DataFrame(rows).assign(class_stance=lambda f: f["code"])
    assert cell_agreement(faithful)[1]["training"]["slope"] == 1.0


def test_a_sample_by_region_codes_every_region_and_skips_pairs_already_coded():
    """Ukraine named 40 times from the West and 4 times from the East: by region, the East is coded too."""
    rows = [{"unit_id": f"w{k}", "sentence": 1, "target": "ukraine", "holder": f"W{k}", "level": "target",
             "stance": "for"} for k in range(40)]
    rows += [{"unit_id": f"e{k}", "sentence": 1, "target": "ukraine", "holder": f"E{k}", "level": "target",
              "stance": "for"} for k in range(4)]
    triples = pd.DataFrame(rows)
    sentences = triples[["unit_id", "sentence"]].assign(text="a sentence")
    region = pd.Series({u: "East" if u.startswith("e") else "West" for u in triples["unit_id"]})
    plain = coding_sample(triples, sentences, n=8, random_state=0)
    by_region = coding_sample(triples, sentences, n=8, by=region, random_state=0)
    assert by_region["unit_id"].str.startswith("e").sum() == 4  # half the sample, all the East has
    assert plain["unit_id"].str.startswith("e").sum() < 4
    done = by_region[["unit_id", "sentence", "target"]]
    again = coding_sample(triples, sentences, n=8, by=region, exclude=done, random_state=0)
    assert not set(again["unit_id"]) & set(done["unit_id"]) and len(again) == 8
