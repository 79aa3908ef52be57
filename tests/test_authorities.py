"""ehdmm.authorities: finding an authority by code, DfE number or name."""

from __future__ import annotations

import pandas as pd
import pytest

from ehdmm.authorities import AuthorityIndex, AuthorityLookupError, normalise_name
from ehdmm.storage.reference import AUTHORITIES_CSV


@pytest.fixture(scope="module")
def index() -> AuthorityIndex:
    frame = pd.read_csv(AUTHORITIES_CSV, dtype={"la_number": "Int64"}).rename(
        columns={"gss_code": "code"}
    )
    return AuthorityIndex(frame)


def test_all_153_reference_authorities(index):
    assert len(index) == 153
    assert "E06000023" in index and "E10000002" not in index


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("E06000023", "E06000023"),
        ("e06000023", "E06000023"),
        (" 801 ", "E06000023"),
        (801, "E06000023"),
        (801.0, "E06000023"),
        ("Bristol", "E06000023"),
        ("Bristol, City of", "E06000023"),
        ("bristol city of", "E06000023"),
        ("BRISTOL, CITY OF", "E06000023"),
        ("St Helens", "E08000013"),
        ("st. helens", "E08000013"),
        ("Kingston upon Hull", "E06000010"),
        ("Herefordshire", "E06000019"),
        ("Bournemouth, Christchurch and Poole", "E06000058"),
    ],
)
def test_resolves_codes_numbers_and_names(index, value, code):
    assert index.resolve(value) == code


@pytest.mark.parametrize("value", ["Bristl", "", None, "999", "E99999999", float("nan")])
def test_unknown_references_are_errors(index, value):
    with pytest.raises(AuthorityLookupError):
        index.resolve(value)


def test_an_ambiguous_name_is_an_error_not_a_guess():
    frame = pd.DataFrame(
        {
            "code": ["E1", "E2"],
            "name": ["Newport, North", "Newport, South"],
            "region": ["x", "y"],
            "la_type": ["Unitary", "Unitary"],
            "la_number": [1, 2],
        }
    )
    index = AuthorityIndex(frame)
    with pytest.raises(AuthorityLookupError, match=r"more than one authority.*E1.*E2"):
        index.resolve("newport")
    assert index.resolve("Newport, South") == "E2"


def test_normalise_name():
    assert normalise_name("  St. Helens ") == "st helens"
    assert normalise_name("Brighton & Hove") == "brighton and hove"
