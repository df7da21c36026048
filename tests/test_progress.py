"""Progress bars: shown on stderr when asked (terminal, Jupyter kernel, STANCEBOOK_PROGRESS=1), quiet in tests."""

import pandas as pd
import pytest

from stancebook import progress
from stancebook.resources.actors import load_actor_dictionary
from stancebook.tokenise import tokenise_corpus

UNITS = pd.DataFrame({"unit_id": ["a", "b", "c"],
                      "text": ["Russia and Ukraine.", "Moscow spoke.", "Kyiv answered Washington."],
                      "offset_breaks": [[0, 0]] * 3})


@pytest.fixture
def no_setting(monkeypatch):
    monkeypatch.delenv(progress.PROGRESS_ENV, raising=False)


def test_bars_are_quiet_under_pytest_and_on_a_pipe(no_setting, capsys):
    result = tokenise_corpus(UNITS, dictionary=load_actor_dictionary(), chunk_chars=1)
    assert len(result.dtm.unit_ids) == 3
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    assert progress.enabled() is False


def test_stancebook_progress_1_shows_the_chunk_bar_on_stderr_only(monkeypatch, capsys):
    monkeypatch.setenv(progress.PROGRESS_ENV, "1")
    quiet = tokenise_corpus(UNITS, dictionary=load_actor_dictionary(), chunk_chars=1)
    captured = capsys.readouterr()
    assert "tokenise chunks: 100%" in captured.err and "3/3" in captured.err
    assert captured.out == ""
    monkeypatch.setenv(progress.PROGRESS_ENV, "0")
    again = tokenise_corpus(UNITS, dictionary=load_actor_dictionary(), chunk_chars=1)
    assert capsys.readouterr().err == ""
    assert (quiet.dtm.matrix != again.dtm.matrix).nnz == 0, "a bar never changes a result"


@pytest.mark.parametrize("setting, argument, expected", [
    ("", True, True), ("1", False, False), ("1", None, True), ("off", None, False), ("", None, False)])
def test_an_argument_wins_over_the_environment_which_wins_over_detection(monkeypatch, setting, argument, expected):
    monkeypatch.setenv(progress.PROGRESS_ENV, setting)
    assert progress.enabled(argument) is expected
