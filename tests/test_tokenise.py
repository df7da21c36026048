"""Tests of stancebook.tokenise: sentences, tokens, stopwords, mentions, DTM, keyness."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from stancebook.errors import ParameterError  # noqa: E402
from stancebook.tokenise import (  # noqa: E402
    TokeniseResult,
    MENTION_COLUMNS,
    SENTENCE_COLUMNS,
    TOKEN_COLUMNS,
    ActorDictionary,
    build_dtm,
    find_collocations,
    find_mentions,
    fold_case,
    keyness,
    keyness_group,
    load_actor_dictionary,
    load_dtm,
    load_stopwords,
    mention_counts,
    plot_keyness,
    plot_mentions,
    plot_top_terms,
    save_dtm,
    sentence_table,
    split_sentences,
    tokenise_corpus,
    tokenise_units,
    tokenize,
    top_terms,
)

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_e71531e8ba892e2d.txt"


def units_of(*texts, ids=None):
    """A hand-built units table whose texts are their own originals."""
    ids = ids or [f"u{i}" for i in range(1, len(texts) + 1)]
    return pd.DataFrame({"unit_id": ids, "text": list(texts), "offset_breaks": [[0, 0] for _ in texts]})


def sentences_of(text):
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.fixture(scope="module")
def seed_text():
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def actors():
    return load_actor_dictionary()


@pytest.fixture(scope="module")
def seed_mentions(seed_text, actors):
    return find_mentions(units_of(seed_text, ids=["seed"]), actors)


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------

def test_sentences_do_not_split_after_us_abbreviation():
    assert sentences_of("The U.S. Senate and the U.N. Security Council met. It ended.") == [
        "The U.S. Senate and the U.N. Security Council met.", "It ended."]


def test_us_abbreviation_before_a_sentence_opener_ends_the_sentence():
    assert sentences_of("He moved to the U.S. The move was sudden.") == [
        "He moved to the U.S.", "The move was sudden."]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Kim met Dr. Lee and Mrs. Park. They talked.", ["Mr. Kim met Dr. Lee and Mrs. Park.", "They talked."]),
    ("See resolution No. 5 and Art. 51 today. It passed.", ["See resolution No. 5 and Art. 51 today.", "It passed."]),
    ("George W. Bush met J. F. Kennedy. Both spoke.", ["George W. Bush met J. F. Kennedy.", "Both spoke."]),
    ("Growth was 3.5 per cent in 2023. Inflation fell.", ["Growth was 3.5 per cent in 2023.", "Inflation fell."]),
    ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ("“Why?” he asked. “Because.” She left.", ["“Why?” he asked.", "“Because.”", "She left."]),
    ("Is it war? No one knows! We wait.", ["Is it war?", "No one knows!", "We wait."]),
    ("We waited... Then it came. And so... nothing.", ["We waited...", "Then it came.", "And so... nothing."]),
    ("Oil, gas, etc. and grain. Oil etc. The rest.", ["Oil, gas, etc. and grain.", "Oil etc.", "The rest."]),
    ("Talks began on Jan. 5 in Geneva. Russia vs. Ukraine e.g. here.",
     ["Talks began on Jan. 5 in Geneva.", "Russia vs. Ukraine e.g. here."]),
    ("1. The Assembly decides. 2. It requests.", ["1. The Assembly decides.", "2. It requests."]),
])
def test_sentences_survive_abbreviations_numbers_and_quotes(text, expected):
    assert sentences_of(text) == expected


def test_title_line_is_its_own_sentence_and_paragraphs_are_never_crossed():
    text = "Putin-Kim alliance and global peace\n\nNorth Korea met Russia. Talks ended\n\nNew paragraph."
    assert sentences_of(text) == ["Putin-Kim alliance and global peace", "North Korea met Russia.",
                                  "Talks ended", "New paragraph."]


def test_empty_text_has_no_sentences():
    assert split_sentences("") == [] and split_sentences("  \n\n ") == []


def test_seed_has_fifteen_sentences_starting_with_the_title(seed_text):
    spans = split_sentences(seed_text)
    assert len(spans) == 15  # title + 4 + 5 + 5
    assert seed_text[slice(*spans[0])] == "Putin-Kim alliance and global peace"
    assert seed_text[slice(*spans[-1])].startswith("The UN and its executive arm")


def test_sentence_table_maps_offsets_to_the_original():
    units = pd.DataFrame({"unit_id": ["d:p002"], "text": ["First one. Second one."], "offset_breaks": [[0, 100]]})
    table = sentence_table(units)
    assert list(table.columns) == SENTENCE_COLUMNS
    assert table["sentence"].tolist() == [1, 2]
    assert table["text"].tolist() == ["First one.", "Second one."]
    assert table[["orig_start", "orig_end"]].values.tolist() == [[100, 110], [111, 122]]


# --------------------------------------------------------------------------
# Tokens, norms, stopwords
# --------------------------------------------------------------------------

def test_token_offsets_slice_the_text_to_the_surface(seed_text):
    for start, end, surface, kind in tokenize(seed_text):
        assert seed_text[start:end] == surface
        assert kind in {"word", "number", "punct"}


@pytest.mark.parametrize("text, surfaces", [
    ("Moscow’s and Moscow's", ["Moscow", "’s", "and", "Moscow", "'s"]),
    ("anti-imperialist two-way high-level Putin-Kim", ["anti-imperialist", "two-way", "high-level", "Putin-Kim"]),
    ("the U.S. and U.N. said", ["the", "U.S.", "and", "U.N.", "said"]),
    ("3.5 per cent of 1,000,000", ["3.5", "per", "cent", "of", "1,000,000"]),
    ("in 2023. Mr. Kim, No. 5", ["in", "2023", ".", "Mr.", "Kim", ",", "No.", "5"]),
    ("don't stop", ["don't", "stop"]),
])
def test_tokenize_splits_possessives_and_keeps_compounds_abbreviations_numbers(text, surfaces):
    assert [t[2] for t in tokenize(text)] == surfaces


def test_tokenize_kinds():
    kinds = {surface: kind for _, _, surface, kind in tokenize("Kim paid 3.5 dollars.")}
    assert kinds == {"Kim": "word", "paid": "word", "3.5": "number", "dollars": "word", ".": "punct"}


@pytest.mark.parametrize("surface, norm", [
    ("US", "US"), ("us", "us"), ("Us", "us"), ("UN", "UN"), ("DPRK", "DPRK"), ("NATO", "NATO"),
    ("U.S.", "U.S."), ("The", "the"), ("Russia", "russia"), ("I", "i"), ("’s", "'s"),
])
def test_fold_case_keeps_acronyms(surface, norm):
    assert fold_case(surface) == norm


def test_fold_case_keeps_us_distinct_from_us():
    assert fold_case("US") != fold_case("us")


def test_stopwords_drop_function_words_and_furniture_but_keep_content_and_acronyms():
    stop = load_stopwords()
    assert {"the", "and", "'s", "don't", "excellency", "distinguished", "delegation", "mr"} <= stop
    assert not {"security", "peace", "sanctions", "war", "interest", "US", "UN"} & stop
    assert "excellency" not in load_stopwords(domain=False)
    assert "moreover" in load_stopwords(extra=["moreover"]) and "tussle" in load_stopwords(extra=["tussle"])


def test_tokens_table_drops_stopwords_and_keeps_us_acronym():
    tokens = tokenise_units(units_of("Mr. President, the US told us: sanctions 3.5 times."))
    assert list(tokens.columns) == TOKEN_COLUMNS
    assert tokens["term"].dropna().tolist() == ["US", "told", "sanctions", "times"]
    row = tokens.set_index("text").loc["us"]
    assert bool(row["is_stop"]) and pd.isna(row["term"])
    assert tokens.loc[tokens["kind"] != "word", "term"].isna().all()


def test_tokens_map_offsets_to_the_original_and_number_sentences():
    units = pd.DataFrame({"unit_id": ["d"], "text": ["Kim met Putin. They talked."], "offset_breaks": [[0, 7, 8, 20]]})
    tokens = tokenise_units(units)
    assert tokens["sentence"].tolist() == [1, 1, 1, 1, 2, 2, 2]
    assert tokens["token_index"].tolist() == list(range(7))
    putin = tokens.loc[tokens["text"] == "Putin"].iloc[0]
    assert (putin["start"], putin["orig_start"], putin["orig_end"]) == (8, 20, 25)


def test_dictionary_forms_become_multiword_terms(seed_text, actors):
    tokens = tokenise_units(units_of(seed_text), dictionary=actors)
    terms = set(tokens["term"].dropna())
    assert {"north_korea", "kim_jong_un", "the_west", "un_security_council", "russian_federation"} <= terms
    first = tokens.index[tokens["text"] == "Jong"][0] - 1
    assert tokens.loc[first, "term"] == "kim_jong_un" and tokens.loc[first + 1: first + 2, "term"].isna().all()
    assert "korea" not in terms and "jong" not in terms


def test_the_west_is_a_term_but_the_lowercase_direction_is_not(actors):
    tokens = tokenise_units(units_of("The West met. They drove to the west of the city."), dictionary=actors)
    assert tokens["term"].dropna().tolist() == ["the_west", "met", "drove", "west", "city"]


def test_user_mwes_join_folded_norms_and_never_become_stopwords():
    tokens = tokenise_units(units_of("The Security Council met. Security councils differ."),
                            mwes=[("security", "council"), ("the", "security", "council")])
    assert tokens["term"].dropna().tolist() == ["the_security_council", "met", "security", "councils", "differ"]
    assert not tokens["is_stop"].iloc[0]


# --------------------------------------------------------------------------
# Actor dictionary and mentions
# --------------------------------------------------------------------------

def test_shipped_dictionary_has_the_default_targets_and_west_group(actors):
    assert isinstance(actors, ActorDictionary)
    assert {"russia", "north_korea", "united_states", "the_west", "europe", "nato", "ukraine", "china",
            "un"} <= set(actors.targets)
    assert actors.groups["west"] == ("united_states", "the_west", "europe", "nato")
    assert "Korea" not in {form for form, _, _ in actors.forms()}


def test_seed_mentions_find_every_actor_the_article_names(seed_mentions):
    assert list(seed_mentions.columns) == MENTION_COLUMNS
    assert {"russia", "north_korea", "united_states", "the_west", "ukraine", "un", "europe"} <= set(
        seed_mentions["target"])


@pytest.mark.parametrize("surface, target, kind", [
    ("Moscow", "russia", "capital"), ("the Kremlin", "russia", "metonym"), ("Pyongyang", "north_korea", "capital"),
    ("Washington", "united_states", "capital"), ("DPRK", "north_korea", "name"), ("US", "united_states", "name"),
    ("UN Security Council", "un", "metonym"), ("Western", "the_west", "demonym"), ("western", "the_west", "demonym"),
])
def test_seed_metonyms_capitals_and_acronyms_count_for_their_target(seed_mentions, surface, target, kind):
    rows = seed_mentions.loc[seed_mentions["surface"] == surface]
    assert len(rows) >= 1 and set(rows["target"]) == {target} and set(rows["kind"]) == {kind}


def test_seed_moscow_counts_include_possessives(seed_mentions):
    assert (seed_mentions["surface"] == "Moscow").sum() == 5  # 3 x "Moscow", 2 x "Moscow’s"


def test_seed_demonym_role_and_leader_make_one_mention(seed_mentions):
    leaders = seed_mentions.loc[seed_mentions["kind"] == "leader", ["surface", "target"]].values.tolist()
    assert ["North Korean leader Kim Jong Un", "north_korea"] in leaders
    assert ["Russian President Vladimir Putin", "russia"] in leaders
    assert ["Russian Strongman President Vladimir Putin", "russia"] in leaders
    assert "Korea" not in set(seed_mentions["surface"])
    assert "Kim Jong Un" not in set(seed_mentions["surface"])


def test_seed_hyphen_compounds_yield_both_actors(seed_mentions):
    title = seed_mentions.loc[seed_mentions["sentence"] == 1, ["surface", "target"]].values.tolist()
    assert title == [["Putin", "russia"], ["Kim", "north_korea"]]
    us_russia = seed_mentions.loc[seed_mentions["sentence"] == 14, "surface"].tolist()
    assert us_russia[:2] == ["US", "Russia"]


def test_seed_mentions_are_sorted_and_slice_the_text(seed_text, seed_mentions):
    assert seed_mentions["start"].is_monotonic_increasing
    for row in seed_mentions.itertuples():
        assert seed_text[row.start:row.end] == row.surface == seed_text[row.orig_start:row.orig_end]
    west = seed_mentions.loc[seed_mentions["target"].isin(["united_states", "the_west"]), "groups"]
    assert set(west) == {"west"}
    assert set(seed_mentions.loc[seed_mentions["target"] == "russia", "groups"]) == {""}


@pytest.mark.parametrize("text, expected", [
    ("Russians and Russian troops", [("Russians", "russia"), ("Russian", "russia")]),
    ("help us now", []),
    ("South Korea and the Korean Peninsula", [("South Korea", "south_korea")]),
    ("the West Bank and West Africa", []),
    ("Latin America and America", [("America", "united_states")]),
    ("US President Joe Biden and Russia's Putin", [("US President Joe Biden", "united_states"),
                                                     ("Russia's Putin", "russia")]),
    ("The West and the West", [("The West", "the_west"), ("the West", "the_west")]),
    ("United\nNations", [("United\nNations", "un")]),
    ("United\n\nNations", []),
])
def test_mentions_are_case_aware_whole_word_and_longest_first(actors, text, expected):
    found = find_mentions(units_of(text), actors)
    assert list(zip(found["surface"], found["target"])) == expected


def test_mentions_map_to_original_offsets_and_sentences(actors):
    units = pd.DataFrame({"unit_id": ["d:s002"], "text": ["It ended. Then Kim spoke."], "offset_breaks": [[0, 50]]})
    found = find_mentions(units, actors)
    assert found[["sentence", "start", "orig_start", "orig_end"]].values.tolist() == [[2, 15, 65, 68]]


def test_no_mentions_gives_an_empty_table_with_the_columns(actors):
    found = find_mentions(units_of("Nothing here."), actors)
    assert found.empty and list(found.columns) == MENTION_COLUMNS


def test_extension_dictionary_adds_and_overrides_targets(tmp_path):
    extra = tmp_path / "more.yaml"
    extra.write_text("targets:\n  iran:\n    names: [Iran]\n    capitals: [Tehran]\n"
                     "  russia:\n    names: [Russia]\ngroups:\n  axis: [iran, russia]\n", encoding="utf-8")
    actors = load_actor_dictionary(extend=extra)
    assert actors.targets["iran"]["capitals"] == ("Tehran",) and actors.labels["iran"] == "iran"
    assert actors.targets["russia"]["capitals"] == ()
    found = find_mentions(units_of("Tehran and Moscow and Russia"), actors)
    assert list(zip(found["surface"], found["groups"])) == [("Tehran", "axis"), ("Russia", "axis")]


@pytest.mark.parametrize("content, fragment", [
    ("targets: [unclosed", "not valid"),
    ("targets:\n  iran:\n    capitals: [Tehran]\n", "'iran'"),
    ("targets:\n  iran:\n    names: [Iran]\n    colour: green\n", "colour"),
    ("targets:\n  iran:\n    names: [Iran]\nteams: {}\n", "teams"),
    ("targets:\n  iran:\n    names: [Iran]\ngroups:\n  g: [mars]\n", "mars"),
    ("targets:\n  iran:\n    names: [Iran]\n  persia:\n    names: [Iran]\n", "'Iran'"),
])
def test_invalid_dictionary_is_refused_naming_file_and_target(tmp_path, content, fragment):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParameterError) as error:
        load_actor_dictionary(path)
    assert "bad.yaml" in str(error.value) and fragment in str(error.value)


def test_missing_dictionary_file_names_the_parameter(tmp_path):
    with pytest.raises(ParameterError, match="extend="):
        load_actor_dictionary(extend=tmp_path / "nope.yaml")


# --------------------------------------------------------------------------
# Collocations, DTM, keyness
# --------------------------------------------------------------------------

TINY = ("Nuclear weapons threaten peace. Nuclear weapons spread.",
        "Peace talks and peace.",
        "",
        "Sanctions hurt trade. Nuclear weapons again.")


def test_collocations_rank_the_repeated_content_bigram_first():
    table = find_collocations(tokenise_units(units_of(*TINY)), min_count=2)
    assert list(table.columns) == ["first", "second", "count", "pmi", "g2"]
    assert table[["first", "second", "count"]].values.tolist() == [["nuclear", "weapons", 3]]
    assert table["g2"].iloc[0] > 0 and table["pmi"].iloc[0] > 0


def test_collocations_do_not_cross_stopwords_or_sentences():
    table = find_collocations(tokenise_units(units_of("Peace and talks. Peace. Talks.")), min_count=1)
    assert table.empty


def test_dtm_counts_terms_per_unit_in_the_given_order():
    units = units_of(*TINY)
    dtm = build_dtm(tokenise_units(units), ["u4", "u3", "u2", "u1"])
    assert dtm.unit_ids.tolist() == ["u4", "u3", "u2", "u1"]
    assert dtm.terms.tolist() == sorted(dtm.terms.tolist())
    counts = pd.DataFrame(dtm.matrix.toarray(), index=dtm.unit_ids, columns=dtm.terms)
    assert counts.loc["u1", "nuclear"] == 2 and counts.loc["u2", "peace"] == 2 and counts.loc["u3"].sum() == 0
    assert dtm.matrix.dtype == np.int64 and dtm.matrix.shape == (4, 9)


def test_dtm_min_df_and_max_df_prune_terms():
    tokens = tokenise_units(units_of(*TINY))
    ids = ["u1", "u2", "u3", "u4"]
    assert build_dtm(tokens, ids, min_df=2).terms.tolist() == ["nuclear", "peace", "weapons"]
    assert build_dtm(tokens, ids, min_df=0.5).terms.tolist() == ["nuclear", "peace", "weapons"]
    assert "nuclear" not in build_dtm(tokens, ids, max_df=0.25).terms


@pytest.mark.parametrize("kwargs, name", [
    ({"min_df": 0}, "min_df"), ({"min_df": 1.5}, "min_df"), ({"max_df": 0.0}, "max_df"),
    ({"min_df": "2"}, "min_df"), ({"min_df": 3, "max_df": 0.5}, "max_df"),
])
def test_dtm_bad_df_values_are_refused_by_name(kwargs, name):
    with pytest.raises(ParameterError, match=name):
        build_dtm(tokenise_units(units_of(*TINY)), ["u1", "u2", "u3", "u4"], **kwargs)


def test_save_and_load_dtm_round_trip_with_identical_bytes(tmp_path):
    dtm = build_dtm(tokenise_units(units_of(*TINY)), ["u1", "u2", "u3", "u4"])
    first = save_dtm(dtm, tmp_path / "a.npz")
    second = save_dtm(dtm, tmp_path / "b.npz")
    assert first.read_bytes() == second.read_bytes()
    loaded = load_dtm(first)
    assert (loaded.matrix != dtm.matrix).nnz == 0 and loaded.matrix.dtype == np.int64
    assert loaded.terms.tolist() == dtm.terms.tolist() and loaded.unit_ids.tolist() == dtm.unit_ids.tolist()
    assert not list(tmp_path.glob("*.tmp"))


def test_top_terms_count_and_document_frequency():
    dtm = build_dtm(tokenise_units(units_of(*TINY)), ["u1", "u2", "u3", "u4"])
    table = top_terms(dtm, n=3)
    assert table.values.tolist() == [["nuclear", 3, 2], ["peace", 3, 2], ["weapons", 3, 2]]


def test_keyness_puts_the_planted_word_first():
    texts = [f"Trade talks on sanctions and trade number {i}." for i in range(6)]
    texts[0] = texts[1] = "Missile missile missile launch over trade."
    dtm = build_dtm(tokenise_units(units_of(*texts)), [f"u{i}" for i in range(1, 7)])
    table = keyness(dtm, np.array([True, True, False, False, False, False]), n=5)
    assert list(table.columns) == ["term", "count_target", "count_reference", "g2", "log_ratio"]
    assert table["term"].iloc[0] == "missile" and table["g2"].iloc[0] > 0 and table["log_ratio"].iloc[0] > 0
    assert table["g2"].is_monotonic_decreasing and table["g2"].iloc[-1] < 0


def test_keyness_refuses_a_mask_selecting_everything():
    dtm = build_dtm(tokenise_units(units_of(*TINY)), ["u1", "u2", "u3", "u4"])
    with pytest.raises(ParameterError, match="mask"):
        keyness(dtm, [True, True, True, True])


def test_keyness_group_skips_a_target_every_unit_mentions():
    # Every unit names the UN, so the UN contrasts nothing; Russia, next most mentioned, splits them.
    mentions = pd.DataFrame({"unit_id": pd.array(["u1", "u2", "u3", "u1"], dtype="string"),
                             "target": ["un", "un", "un", "russia"]})
    counts = pd.DataFrame({"target": ["un", "russia"]})
    target, mask = keyness_group(["u1", "u2", "u3"], mentions, counts)
    assert target == "russia"
    assert mask.tolist() == [True, False, False]
    assert keyness_group(["u1", "u2", "u3"], mentions, counts, target="un")[0] == ""
    target, mask = keyness_group(["u1", "u2", "u3"], mentions, counts, target="china")
    assert target == "" and not mask.any()


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------

def test_plots_draw_on_the_given_axes_with_readable_labels(seed_text, actors, seed_mentions):
    tokens = tokenise_units(units_of(seed_text, "Trade and trade again."), dictionary=actors)
    dtm = build_dtm(tokens, ["u1", "u2"])
    fig, axes = plt.subplots(1, 3)
    try:
        assert plot_top_terms(axes[0], top_terms(dtm, n=5)) is axes[0]
        assert plot_keyness(axes[1], keyness(dtm, [True, False], n=3)) is axes[1]
        assert plot_mentions(axes[2], seed_mentions, actors) is axes[2]
        labels = [t.get_text() for t in axes[2].get_yticklabels()]
        assert labels[-1] == "Russia" and "North Korea" in labels and "the West" in labels
        assert axes[0].get_yticklabels()[-1].get_text() == top_terms(dtm, n=1)["term"].iloc[0]
    finally:
        plt.close(fig)


def test_mention_counts_rank_targets_and_split_kinds():
    actors = load_actor_dictionary()
    text = "Moscow and the Kremlin back Russia. Pyongyang agrees."
    units = pd.DataFrame({"unit_id": ["d:s001"], "doc_id": ["d"], "unit_index": [1], "text": [text],
                          "orig_start": [0], "orig_end": [len(text)], "offset_breaks": [[0, 0]]})
    counts = mention_counts(find_mentions(units, actors), actors)
    assert counts["target"].tolist() == ["russia", "north_korea"]
    first = counts.iloc[0]
    assert (first["mentions"], first["capital"], first["metonym"], first["name"]) == (3, 1, 1, 1)
    assert first["label"] == "Russia" and first["units"] == 1


# --------------------------------------------------------------------------
# The streaming, parallel path
# --------------------------------------------------------------------------

# Hand-written documents exercising what the fast path must get exactly right:
# abbreviations (No. before a number, across a space), possessives, MWEs from the
# dictionary and from the user, leaders merged with demonyms, paragraph breaks,
# an empty unit, non-trivial offset maps, units in non-alphabetical order.
CORPUS = (
    "Title of the speech\n\nMr. President, the U.S. and the Russian Federation met at the UN Security Council. "
    "North Korean leader Kim Jong Un vowed support for Moscow\u2019s war. See resolution No. 5 and No.\n6 today.",
    "The West met. They drove to the west of the city. Security Council reform, security council reform!",
    "",
    "Growth was 3.5 per cent in 2023... Then it fell. US President Joe Biden and Russia's Putin spoke; "
    "the Kremlin said No. Pyongyang-Moscow ties: anti-imperialist, \u201cunbreakable.\u201d",
    "   Tabs\tand   spaces\n\n\n  and a last No. 7 of 2,000 units (p. 12).  ",
)
CORPUS_IDS = ["d3", "d1", "d0", "d4", "d2"]
CORPUS_BREAKS = [[0, 0], [0, 10, 40, 55], [0, 0], [0, 3], [0, 0, 5, 9]]


@pytest.fixture(scope="module")
def corpus_units():
    return pd.DataFrame({"unit_id": CORPUS_IDS, "text": list(CORPUS), "offset_breaks": CORPUS_BREAKS})


@pytest.fixture(scope="module")
def plain_tables(corpus_units, actors):
    mwes = [("security", "council"), ("per", "cent")]
    tokens = tokenise_units(corpus_units, dictionary=actors, mwes=mwes)
    return {"sentences": sentence_table(corpus_units), "mentions": find_mentions(corpus_units, actors),
            "tokens": tokens, "dtm": build_dtm(tokens, CORPUS_IDS), "mwes": mwes}


def assert_same_dtm(left, right):
    assert left.terms.tolist() == right.terms.tolist() and left.unit_ids.tolist() == right.unit_ids.tolist()
    assert left.matrix.shape == right.matrix.shape and (left.matrix != right.matrix).nnz == 0
    assert left.matrix.dtype == right.matrix.dtype == np.int64


@pytest.mark.parametrize("n_jobs, chunk_chars", [(1, 10**9), (1, 1), (2, 1), (2, 150)])
def test_streaming_path_gives_the_tables_of_the_plain_functions(corpus_units, actors, plain_tables, n_jobs,
                                                                chunk_chars):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=plain_tables["mwes"], n_jobs=n_jobs,
                             chunk_chars=chunk_chars)
    assert isinstance(result, TokeniseResult)
    pd.testing.assert_frame_equal(result.sentences, plain_tables["sentences"])
    pd.testing.assert_frame_equal(result.mentions, plain_tables["mentions"])
    pd.testing.assert_frame_equal(result.tokens, plain_tables["tokens"])
    assert_same_dtm(result.dtm, plain_tables["dtm"])


def test_streaming_path_reads_no_dot_as_an_abbreviation_only_before_a_number(corpus_units, actors):
    tokens = tokenise_corpus(corpus_units, dictionary=actors, chunk_chars=1).tokens
    surfaces = tokens.loc[tokens["unit_id"] == "d3", "text"].tolist()
    assert surfaces.count("No.") == 2  # "No. 5" and "No.\n6"
    said = tokens.loc[tokens["unit_id"] == "d4", "text"].tolist()
    assert "No" in said and "No." not in said  # "said No. Pyongyang": a word and a full stop


def test_streaming_path_without_tokens_keeps_dtm_sentences_and_mentions(corpus_units, actors, plain_tables):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=plain_tables["mwes"], n_jobs=2,
                             keep_tokens=False, chunk_chars=100)
    assert result.tokens is None
    assert_same_dtm(result.dtm, plain_tables["dtm"])
    pd.testing.assert_frame_equal(result.sentences, plain_tables["sentences"])
    pd.testing.assert_frame_equal(result.mentions, plain_tables["mentions"])


def test_streaming_path_prunes_like_build_dtm(corpus_units, actors, plain_tables):
    result = tokenise_corpus(corpus_units, dictionary=actors, mwes=plain_tables["mwes"], min_df=2, max_df=0.5,
                             keep_tokens=False, chunk_chars=1)
    assert_same_dtm(result.dtm, build_dtm(plain_tables["tokens"], CORPUS_IDS, min_df=2, max_df=0.5))


def test_streaming_path_is_deterministic(corpus_units, actors):
    first = tokenise_corpus(corpus_units, dictionary=actors, n_jobs=2, chunk_chars=50)
    second = tokenise_corpus(corpus_units, dictionary=actors, n_jobs=2, chunk_chars=50)
    for name in ("sentences", "mentions", "tokens"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert_same_dtm(first.dtm, second.dtm)


def test_streaming_path_on_the_seed_matches_the_plain_path(seed_text, actors):
    units = units_of(seed_text, ids=["seed"])
    result = tokenise_corpus(units, dictionary=actors)
    pd.testing.assert_frame_equal(result.tokens, tokenise_units(units, dictionary=actors))
    pd.testing.assert_frame_equal(result.mentions, find_mentions(units, actors))


def test_streaming_path_on_empty_units_gives_empty_typed_tables(actors):
    result = tokenise_corpus(units_of("", "   "), dictionary=actors)
    assert list(result.sentences.columns) == SENTENCE_COLUMNS and result.sentences.empty
    assert list(result.mentions.columns) == MENTION_COLUMNS and result.mentions.empty
    assert list(result.tokens.columns) == TOKEN_COLUMNS and result.tokens.empty
    assert result.dtm.matrix.shape == (2, 0)


@pytest.mark.parametrize("kwargs, name", [
    ({"n_jobs": 0}, "n_jobs"), ({"n_jobs": "2"}, "n_jobs"), ({"chunk_chars": 0}, "chunk_chars"),
    ({"min_df": 0}, "min_df"), ({"dictionary": None}, "dictionary"),
])
def test_streaming_path_refuses_bad_parameters_by_name(corpus_units, actors, kwargs, name):
    options = {"dictionary": actors, **kwargs}
    with pytest.raises(ParameterError, match=name):
        tokenise_corpus(corpus_units, **options)


def test_streaming_path_refuses_duplicate_unit_ids(actors):
    with pytest.raises(ParameterError, match="unit_id"):
        tokenise_corpus(units_of("a", "b", ids=["x", "x"]), dictionary=actors)
