"""Postcodes: full and partial, outward code and sector."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_normalise_strategies import letters
from threadline.domain.normalise import (
    NotNormalisedError,
    normalise_partial_postcode,
    normalise_postcode,
    postcode_outward,
    postcode_sector,
)

outward_codes = st.one_of(
    st.builds(lambda a, d: a + d, letters(1, 2), st.integers(0, 99).map(str)),
    st.builds(lambda a, d, b: a + str(d) + b, letters(1, 2), st.integers(0, 9), letters(1, 1)),
)
postcodes = st.builds(
    lambda out, d, unit: f"{out} {d}{unit}", outward_codes, st.integers(0, 9), letters(2, 2)
)


@pytest.mark.parametrize(
    ("raw", "norm", "outward", "sector"),
    [
        ("RV6 2AB", "RV6 2AB", "RV6", "RV6 2"),
        ("rv62ab", "RV6 2AB", "RV6", "RV6 2"),
        ("  RV6   2AB ", "RV6 2AB", "RV6", "RV6 2"),
        ("(RV6 2AB)", "RV6 2AB", "RV6", "RV6 2"),
        ("RV6 2AB.", "RV6 2AB", "RV6", "RV6 2"),
        ("M1 1AA", "M1 1AA", "M1", "M1 1"),
        ("B33 8TH", "B33 8TH", "B33", "B33 8"),
        ("CR2 6XH", "CR2 6XH", "CR2", "CR2 6"),
        ("DN55 1PT", "DN55 1PT", "DN55", "DN55 1"),
        ("W1A 0AX", "W1A 0AX", "W1A", "W1A 0"),
        ("EC1A 1BB", "EC1A 1BB", "EC1A", "EC1A 1"),
        ("ZZ9 9ZZ", "ZZ9 9ZZ", "ZZ9", "ZZ9 9"),  # no such area: shape alone decides
    ],
)
def test_full_postcodes(raw: str, norm: str, outward: str, sector: str) -> None:
    assert normalise_postcode(raw) == norm
    assert postcode_outward(norm) == outward
    assert postcode_sector(norm) == sector


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "RV6",
        "RV6 2",
        "RV6 2A",
        "RV6 22AB",  # space inside a half
        "R V6 2AB",
        "RV6 2 AB",
        "RVX6 2AB",
        "123 2AB",
        "RV6 2A1",
        "RV6-2AB",
        "RV6 2ÅB",
        "RV6 2AB RV6 2AC",
    ],
)
def test_not_full_postcodes(raw: str) -> None:
    assert normalise_postcode(raw) is None


@pytest.mark.parametrize(
    ("raw", "outward"),
    [("RV6", "RV6"), ("rv6", "RV6"), (" LS12,", "LS12"), ("SW1A", "SW1A"), ("M1", "M1")],
)
def test_outward_codes_alone(raw: str, outward: str) -> None:
    assert normalise_partial_postcode(raw) == outward


@pytest.mark.parametrize("raw", ["", "RV6 2AB", "RV6 2", "R V6", "RV", "6RV", "RVX6"])
def test_not_outward_codes(raw: str) -> None:
    assert normalise_partial_postcode(raw) is None


def test_parts_refuse_raw_text() -> None:
    with pytest.raises(NotNormalisedError):
        postcode_outward("rv62ab")
    with pytest.raises(NotNormalisedError):
        postcode_sector("RV6")


@given(norm=postcodes, data=st.data())
def test_spelling_variants_give_one_postcode(norm: str, data: st.DataObject) -> None:
    outward, inward = norm.split(" ")
    gap = data.draw(st.sampled_from(["", " ", "  ", "\t"]))
    raw = data.draw(st.sampled_from([str.upper, str.lower, str.title]))(outward + gap + inward)
    assert normalise_postcode(raw) == norm
    assert normalise_postcode(norm) == norm
    assert normalise_partial_postcode(postcode_outward(norm)) == postcode_outward(norm)
    assert postcode_sector(norm).startswith(postcode_outward(norm) + " ")


@given(raw=st.text(max_size=20))
def test_idempotent_and_never_crashes(raw: str) -> None:
    norm = normalise_postcode(raw)
    if norm is not None:
        assert normalise_postcode(norm) == norm
        postcode_sector(norm)
    outward = normalise_partial_postcode(raw)
    if outward is not None:
        assert normalise_partial_postcode(outward) == outward
