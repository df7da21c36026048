"""Language data shared by every stage: stopwords, the actor dictionary, the country table, word lists.

Each kind of data lives in a small file under ``resources/data/`` and is read
by the module of the same name here; code never holds word lists itself.
"""
