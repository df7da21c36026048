"""Tests of the country table: names, short labels and regions of ISO3 codes."""

import tarfile

import pandas as pd
import pytest

from stancebook.resources.countries import add_country_columns, check_codes, country_name, load_countries
from stancebook.errors import CorpusError, ParameterError
from stancebook.paths import repo_root

UNGDC_TGZ = repo_root().parent / "shared" / "corpora" / "ungdc" / "UNGDC_1946-2024.tgz"

# Historical states, observers and codes easily confused with their neighbours.
TRICKY = ["PRK", "KOR", "RUS", "GBR", "USA", "YUG", "CSK", "DDR", "YMD", "EU", "VAT", "PSE",
          "COD", "COG", "SWZ", "MKD", "TLS", "CIV", "DEU", "SUN", "SRB", "MNE", "SSD"]


def test_table_has_plain_columns_one_row_per_code_and_un_regions():
    table = load_countries()
    assert table.columns.tolist() == ["iso3", "name", "short_name", "region", "subregion", "historical"]
    assert table["iso3"].is_unique and table["iso3"].is_monotonic_increasing
    assert set(table["region"]) == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    assert table["historical"].dtype == bool
    assert (table["name"].str.len() > 0).all() and (table["short_name"].str.len() > 0).all()


@pytest.mark.parametrize("code", TRICKY)
def test_tricky_codes_resolve(code):
    assert country_name(code)
    assert country_name(code, short=True)


@pytest.mark.parametrize(("code", "short"), [
    ("PRK", "North Korea"), ("KOR", "South Korea"), ("RUS", "Russia"), ("USA", "United States"),
    ("GBR", "UK"), ("COD", "DR Congo"), ("EU", "EU"), ("DDR", "East Germany")])
def test_short_names_suit_figure_labels(code, short):
    assert country_name(code, short=True) == short


def test_historical_states_are_flagged_and_current_ones_are_not():
    table = load_countries().set_index("iso3")
    assert table.loc[["YUG", "CSK", "DDR", "YMD", "SUN"], "historical"].all()
    assert not table.loc[["RUS", "PRK", "PSE", "VAT", "EU"], "historical"].any()


def test_codes_are_case_insensitive_and_unknown_codes_are_named():
    assert country_name("prk") == "Democratic People's Republic of Korea"
    assert check_codes(["rus", " prk "]) == ["RUS", "PRK"]
    with pytest.raises(ParameterError, match=r"'XYZ'.*'ZZZ'|'ZZZ'.*'XYZ'"):
        check_codes(["RUS", "XYZ", "ZZZ"])


def test_add_country_columns_copies_and_names_unknown_codes():
    frame = pd.DataFrame({"speaker": ["PRK", "rus"], "n": [1, 2]})
    out = add_country_columns(frame, "speaker")
    assert frame.columns.tolist() == ["speaker", "n"]
    assert out["country"].tolist() == ["Democratic People's Republic of Korea", "Russian Federation"]
    assert out["short_name"].tolist() == ["North Korea", "Russia"]
    assert out["region"].tolist() == ["Asia", "Europe"]
    with pytest.raises(CorpusError, match=r"'speaker'.*XYZ"):
        add_country_columns(frame.assign(speaker=["PRK", "XYZ"]), "speaker")
    with pytest.raises(CorpusError, match="iso3_column"):
        add_country_columns(frame)


def test_load_countries_returns_an_independent_copy():
    table = load_countries()
    table.loc[0, "name"] = "changed"
    assert load_countries().loc[0, "name"] != "changed"


@pytest.mark.slow
@pytest.mark.skipif(not UNGDC_TGZ.is_file(), reason="the UNGDC archive is not in ../shared/corpora/ungdc")
def test_every_code_in_the_real_archive_resolves():
    codes = set()
    with tarfile.open(UNGDC_TGZ, mode="r|gz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".txt"):
                codes.add(member.name.rsplit("/", 1)[-1].split("_", 1)[0])
    assert len(codes) >= 190
    assert check_codes(sorted(codes)) == sorted(codes)
