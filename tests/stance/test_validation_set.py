"""The shipped hand-coded validation sets, read against the UN General Debate corpus beside the repository.

Only document ids, character offsets and codes are shipped; the text is read
from ``../shared/corpora/ungdc``. Skipped where the corpus is absent.
"""

import tarfile
import warnings

import pandas as pd
import pytest

from stancebook.corpus import load_documents, split_units
from stancebook.errors import DataTooSmallWarning
from stancebook.paths import repo_root
from stancebook.resources.actors import load_actor_dictionary
from stancebook.stance import stance_triples
from stancebook.stance.agreement import evaluate_codes, krippendorff_alpha
from stancebook.stance.coding import match_codes, read_code_sets
from stancebook.stance.polarity import make_sources
from stancebook.tokenise import find_mentions, tokenise_corpus

pytestmark = pytest.mark.slow
ARCHIVE = repo_root().parent / "shared" / "corpora" / "ungdc" / "UNGDC_1946-2024.tgz"
VALIDATION = repo_root() / "lib" / "stancebook" / "resources" / "data" / "validation"
needs_corpus = pytest.mark.skipif(not ARCHIVE.is_file(), reason="UN General Debate corpus not found beside the repository")


DEVELOPMENT = ["ungdc_2014_2019_codes_a.csv", "ungdc_2014_2019_dev2_codes.csv", "ungdc_2014_2019_dev3_codes.csv",
               "ungdc_2014_2019_train_codes.csv", "ungdc_2014_2019_train2_codes.csv", "ungdc_2014_2019_train3_codes.csv"]
HONEST = "ungdc_2020_2024_codes.csv"
AUDIT = "ungdc_2014_2019_audit_codes.csv"
UKRAINE = "ungdc_2014_2019_ukraine_codes.csv"
NO_ON_68_262 = ["ARM", "BLR", "BOL", "CUB", "PRK", "NIC", "RUS", "SDN", "SYR", "VEN", "ZWE"]
AUDITED_HOLDERS = ["BLR", "FRA", "AUT", "LUX", "HUN"]
AUDITED_TARGETS = ["united_states", "russia", "north_korea", "china", "nato", "the_west", "soviet_union"]


@pytest.fixture(scope="module")
def raw_texts():
    wanted = set().union(*(set(pd.read_csv(VALIDATION / name)["doc_id"]) for name in DEVELOPMENT + [HONEST, AUDIT, UKRAINE]))
    texts = {}
    with tarfile.open(ARCHIVE) as archive:
        for member in archive:
            name = member.name.rsplit("/", 1)[-1].removesuffix(".txt")
            if name in wanted:
                texts[name] = archive.extractfile(member).read().decode("utf-8")
    return texts


@needs_corpus
@pytest.mark.parametrize("codes_file", DEVELOPMENT + [HONEST, AUDIT, UKRAINE])
def test_every_shipped_pair_points_at_a_sentence_naming_its_target(codes_file, raw_texts):
    codes = pd.read_csv(VALIDATION / codes_file)
    years = codes["doc_id"].str.rsplit("_", n=1).str[-1].astype(int)
    assert years.between(2020, 2024).all() if codes_file == HONEST else years.between(2014, 2019).all()
    assert set(codes["doc_id"]) <= set(raw_texts)
    forms = {t: [f.lower() for key in ("names", "demonyms", "capitals", "leaders", "metonyms") for f in spec[key]]
             for t, spec in load_actor_dictionary().targets.items()}
    for row in codes.itertuples():
        sentence = raw_texts[row.doc_id][row.start:row.end].lower()
        assert 10 <= len(sentence) <= 2000 and any(f.split()[0] in sentence for f in forms[row.target]), row.pair_id
    assert set(codes["code"]) <= {"against", "neutral", "for"} and codes["code"].nunique() >= 2


def test_no_pair_is_coded_in_two_sets_and_the_honest_test_is_apart():
    keys = {name: set(map(tuple, pd.read_csv(VALIDATION / name)[["doc_id", "start", "end", "target"]].to_numpy()))
            for name in DEVELOPMENT + [HONEST, AUDIT, UKRAINE]}
    names = list(keys)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert not keys[first] & keys[second], (first, second)


def _pairs_of(holders, targets) -> set:
    """Every 2014-2019 (doc_id, start, end, target) pair of these speakers toward these targets, as the samples find them."""
    documents, _ = load_documents(ARCHIVE, format="ungdc", years=(2014, 2019), countries=holders)
    units = split_units(documents, unit="sentence")
    mentions = find_mentions(units, load_actor_dictionary())
    found = mentions.loc[mentions["target"].isin(targets), ["unit_id", "target"]].join(
        units.set_index("unit_id")[["doc_id", "orig_start", "orig_end"]], on="unit_id")
    return set(zip(found["doc_id"], found["orig_start"].astype(int), found["orig_end"].astype(int), found["target"]))


def _coded_pairs(names) -> set:
    coded = pd.concat([pd.read_csv(VALIDATION / name) for name in names])
    return set(map(tuple, coded[["doc_id", "start", "end", "target"]].to_numpy()))


@needs_corpus
def test_the_audit_codes_every_pair_the_first_axis_rests_on_for_the_disputed_holders():
    """With the audit, every 2014-2019 pair of the five holders toward the axis targets has a reader's code."""
    population = _pairs_of(AUDITED_HOLDERS, AUDITED_TARGETS)
    coded = _coded_pairs(DEVELOPMENT + [AUDIT])
    assert len(population) >= 100 and population <= coded, sorted(population - coded)[:5]
    audit = pd.read_csv(VALIDATION / AUDIT)
    assert set(audit["doc_id"].str.split("_").str[0]) <= set(AUDITED_HOLDERS) and set(audit["target"]) <= set(AUDITED_TARGETS)
    assert set(audit["holder"]) == {"speaker"}


@needs_corpus
def test_the_ukraine_set_codes_every_pair_toward_ukraine_of_the_states_that_voted_no_on_68_262():
    population = _pairs_of(NO_ON_68_262, ["ukraine"])
    coded = _coded_pairs(DEVELOPMENT + [AUDIT, UKRAINE])
    assert len(population) >= 30 and population <= coded, sorted(population - coded)[:5]
    ukraine = pd.read_csv(VALIDATION / UKRAINE)
    assert set(ukraine["target"]) == {"ukraine"} and set(ukraine["doc_id"].str.split("_").str[0]) <= set(NO_ON_68_262)


def test_the_second_coder_agrees_with_the_first_on_the_third_sample():
    first = pd.read_csv(VALIDATION / "ungdc_2014_2019_dev3_codes.csv")
    second = pd.read_csv(VALIDATION / "ungdc_2014_2019_dev3_second_coder.csv")
    both = first.merge(second, on="pair_id", suffixes=("_first", "_second"))
    assert len(both) == len(first) == 198
    assert krippendorff_alpha(both["code_first"], both["code_second"]) >= 0.8


@needs_corpus
def test_the_coded_default_agrees_with_careful_reading_on_every_development_set():
    """Cross-fitted by speech: every pair is scored by a model that never saw its speech's codes."""
    codes = read_code_sets([VALIDATION / name for name in DEVELOPMENT])
    documents, _ = load_documents(ARCHIVE, format="ungdc", years=(2014, 2019))
    documents = documents[documents["doc_id"].isin(set(codes["doc_id"]))]
    units = split_units(documents, unit="document")
    dictionary = load_actor_dictionary()
    tables = tokenise_corpus(units, dictionary=dictionary)
    matched = match_codes(codes, tables.sentences, units)
    sources = make_sources({"frames": {"groups": dict(dictionary.groups)}, "coded": {"codes": matched}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataTooSmallWarning)
        sources["scaling"].fit(tables.sentences["text"])
        triples = stance_triples(units, tables.sentences, tables.mentions, holder_column="iso3", sources=sources)
    agreement, _, _ = evaluate_codes(triples, matched, list(sources))
    f1 = agreement.pivot(index="codes", columns="source", values="macro_f1")
    assert agreement.groupby("codes")["n"].first().sum() >= 2500
    lead = f1["stance"] - f1["lexicon"]
    # the brief's bar, on the first sample
    assert f1.loc["ungdc_2014_2019_codes_a", "stance"] >= 0.70 and lead["ungdc_2014_2019_codes_a"] >= 0.20, f1.to_dict()
    # every set: the same kind of lead. The second sample's is 0.20 to the fourth decimal, and which side of it a
    # run lands on depends on a few near-tie pairs that floating-point differences between machines flip, so the
    # bar for the other sets leaves that room.
    assert (f1["stance"] >= 0.68).all() and (lead >= 0.18).all(), f1.to_dict()
