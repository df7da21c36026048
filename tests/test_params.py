"""Run parameters are validated before anything runs."""

import pytest

from stancebook.errors import ParameterError
from stancebook.params import SPEC, defaults, load_params, parse_overrides, validate


def test_misspelt_key_names_the_key_and_suggests_the_nearest():
    with pytest.raises(ParameterError, match=r"unknown parameter 'n_topic'.*did you mean 'n_topics'"):
        validate({"n_topic": 3})


def test_unknown_key_far_from_any_lists_valid_keys():
    with pytest.raises(ParameterError, match="valid keys: run, corpus_path"):
        validate({"zzzzqqq": 1})


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"n_topics": "three"}, "n_topics"),
        ({"n_topics": -1}, "n_topics"),
        ({"unit": "chapter"}, "unit"),
        ({"max_df": 1.5}, "max_df"),
        ({"topic_models": ["lsa"]}, "topic_models"),
        ({"k_grid": [1, 3]}, "k_grid"),
        ({"domain_stopwords": "maybe"}, "domain_stopwords"),
        ({"run": "../escape"}, "run"),
        ({"year_min": 2020, "year_max": 2010}, "year_min"),
        ({"actors": ["RUS"]}, "holder_column"),
        ({"engine": "spark"}, "engine"),
        ({"engine": "dask", "dask_scheduler": "localhost:8786"}, "dask_scheduler.*tcp://host:port"),
        ({"dask_scheduler": "tcp://10.0.0.5:8786"}, "dask_scheduler.*engine is 'local'"),
    ],
)
def test_bad_values_are_refused_naming_the_key(values, key):
    with pytest.raises(ParameterError, match=key):
        validate(values)


def test_defaults_are_valid_and_complete():
    assert validate({}) == defaults()
    assert set(defaults()) == set(SPEC)


def test_command_line_values_are_coerced_to_the_declared_type():
    values = parse_overrides(["n_topics=3", "k_grid=[2, 4]", "domain_stopwords=false", "max_df=1"])
    result = validate(values)
    assert result["n_topics"] == 3
    assert result["k_grid"] == [2, 4]
    assert result["domain_stopwords"] is False
    assert result["max_df"] == 1.0 and isinstance(result["max_df"], float)


def test_override_without_equals_sign_is_explained():
    with pytest.raises(ParameterError, match="key=value"):
        parse_overrides(["n_topics"])


def test_file_values_are_overridden_by_the_command_line(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("run: demo\nunit: paragraph\nn_topics: 4\n", encoding="utf-8")
    params = load_params(path, ["n_topics=2"])
    assert (params["run"], params["unit"], params["n_topics"]) == ("demo", "paragraph", 2)


def test_bad_key_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("runn: demo\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"'runn' \(in run.yaml\).*'run'"):
        load_params(path)


def test_missing_parameter_file_is_named(tmp_path):
    with pytest.raises(ParameterError, match="nothere.yaml"):
        load_params(tmp_path / "nothere.yaml")


@pytest.mark.parametrize(("pair", "key", "expected"), [
    ("title=Report #3 on Russia", "title", "Report #3 on Russia"),
    ("run=010", "run", "010"),
    ("corpus_path=2024-01-15", "corpus_path", "2024-01-15"),
    ("holder_column=", "holder_column", ""),
    ("stopwords_extra=[a, b]", "stopwords_extra", ["a", "b"]),
    ("stopwords_extra=a,b", "stopwords_extra", ["a", "b"]),
])
def test_command_line_values_are_read_by_the_declared_type_not_as_yaml(pair, key, expected):
    assert validate(parse_overrides([pair]))[key] == expected


def test_unclosed_list_on_the_command_line_names_the_parameter():
    with pytest.raises(ParameterError, match=r"parameter 'stopwords_extra'.*not a valid list"):
        validate(parse_overrides(["stopwords_extra=[a, b"]))


def test_duplicate_key_in_a_parameter_file_is_refused(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("run: demo\nn_topics: 3\nn_topics: 4\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"run.yaml.*'n_topics' is written twice \(line 3\)"):
        load_params(path)


@pytest.mark.parametrize("values", [{"run": "seeds\n"}, {"n_jobs": 0}])
def test_run_name_with_newline_and_zero_workers_are_refused(values):
    with pytest.raises(ParameterError, match=next(iter(values))):
        validate(values)
