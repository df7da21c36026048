"""The actor dictionary: the shipped targets, extensions, and refusals that name the file and target."""

import pytest

from stancebook.errors import ParameterError
from stancebook.resources.actors import ActorDictionary, load_actor_dictionary


def test_shipped_dictionary_has_the_default_targets_and_west_group():
    actors = load_actor_dictionary()
    assert isinstance(actors, ActorDictionary)
    assert {"russia", "north_korea", "united_states", "the_west", "europe", "nato", "ukraine", "china",
            "un"} <= set(actors.targets)
    assert actors.groups["west"] == ("united_states", "the_west", "europe", "nato")
    assert "Korea" not in {form for form, _, _ in actors.forms()}


def test_extension_dictionary_adds_and_overrides_targets(tmp_path):
    extra = tmp_path / "more.yaml"
    extra.write_text("targets:\n  iran:\n    names: [Iran]\n    capitals: [Tehran]\n"
                     "  russia:\n    names: [Russia]\ngroups:\n  axis: [iran, russia]\n", encoding="utf-8")
    actors = load_actor_dictionary(extend=extra)
    assert actors.targets["iran"]["capitals"] == ("Tehran",) and actors.labels["iran"] == "iran"
    assert actors.targets["russia"]["capitals"] == ()
    assert actors.groups_of("iran") == ("axis",) and actors.groups_of("russia") == ("axis",)


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
