"""The stopword list: English plus speech furniture, extendable."""

from stancebook.resources.stopwords import load_stopwords


def test_stopwords_drop_function_words_and_furniture_but_keep_content_and_acronyms():
    stop = load_stopwords()
    assert {"the", "and", "'s", "don't", "excellency", "distinguished", "delegation", "mr"} <= stop
    assert not {"security", "peace", "sanctions", "war", "interest", "US", "UN"} & stop
    assert "excellency" not in load_stopwords(domain=False)
    assert "moreover" in load_stopwords(extra=["moreover"]) and "tussle" in load_stopwords(extra=["tussle"])
