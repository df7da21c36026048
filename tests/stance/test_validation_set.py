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
from stancebook.stance.agreement import evaluate_codes
from stancebook.stance.coding import match_codes, read_codes
from stancebook.stance.polarity import make_sources
from stancebook.tokenise import tokenise_corpus

pytestmark = pytest.mark.slow
ARCHIVE = repo_root().parent / "shared" / "corpora" / "ungdc" / "UNGDC_1946-2024.tgz"
VALIDATION = repo_root() / "lib" / "stancebook" / "resources" / "data" / "validation"
needs_corpus = pytest.mark.skipif(not ARCHIVE.is_file(), reason="UN General Debate corpus not found beside the repository")


@needs_corpus
@pytest.mark.parametrize("codes_file", ["ungdc_2014_2019_codes_a.csv", "ungdc_2020_2024_codes.csv"])
def test_every_shipped_pair_points_at_a_sentence_naming_its_target(codes_file):
    codes = pd.read_csv(VALIDATION / codes_file)
    wanted = set(codes["doc_id"])
    texts = {}
    with tarfile.open(ARCHIVE) as archive:
        for member in archive:
            name = member.name.rsplit("/", 1)[-1].removesuffix(".txt")
            if name in wanted:
                texts[name] = archive.extractfile(member).read().decode("utf-8")
    assert set(texts) == wanted
    forms = {t: [f.lower() for key in ("names", "demonyms", "capitals", "leaders", "metonyms") for f in spec[key]]
             for t, spec in load_actor_dictionary().targets.items()}
    for row in codes.itertuples():
        sentence = texts[row.doc_id][row.start:row.end].lower()
        assert 10 <= len(sentence) <= 2000 and any(f.split()[0] in sentence for f in forms[row.target]), row.pair_id
    assert set(codes["code"]) == {"against", "neutral", "for"}


@needs_corpus
def test_the_default_stance_agrees_with_careful_reading_better_than_sentence_mood_on_the_development_set():
    codes = read_codes(VALIDATION / "ungdc_2014_2019_codes_a.csv")
    documents, _ = load_documents(ARCHIVE, format="ungdc", years=(2014, 2019))
    documents = documents[documents["doc_id"].isin(set(codes["doc_id"]))]
    units = split_units(documents, unit="document")
    dictionary = load_actor_dictionary()
    tables = tokenise_corpus(units, dictionary=dictionary)
    sources = make_sources({"frames": {"groups": dict(dictionary.groups)}})
    sources["scaling"] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataTooSmallWarning)
        triples = stance_triples(units, tables.sentences, tables.mentions, holder_column="iso3", sources=sources)
    matched = match_codes(codes, tables.sentences, units)
    agreement, _, coded = evaluate_codes(triples, matched, list(sources))
    f1 = agreement.set_index("source")["macro_f1"]
    assert len(coded) >= 250
    assert f1["stance"] >= 0.6 and f1["stance"] >= f1["lexicon"] + 0.15, f1.to_dict()
