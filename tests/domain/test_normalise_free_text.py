"""The free-text rules extraction relies on: is_plausible_vrm_token and is_plausible_phone_token."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_normalise_strategies import (
    current_vrms,
    drama_nsns,
    prefix_vrms,
    suffix_vrms,
    written_dates,
    years,
)
from threadline.domain.normalise import (
    FREE_TEXT_STOPWORDS,
    format_vrm,
    is_plausible_phone_token,
    is_plausible_vrm_token,
    normalise_phone,
    normalise_vrm,
    vrm_format,
)


@pytest.mark.parametrize(
    "token",
    [
        "AB12 CDE",
        "AB12CDE",
        "AB12-CDE",
        "A123 BCD",
        "A123BCD",
        "ABC 123D",
        "ABC123D",
        "ABC 123",
        "ABZ 1234",
        "XYZ 9",
        "KL 123",
        "1234 XY",
        "9 XYZ",
    ],
)
def test_marks_written_as_marks_are_taken(token: str) -> None:
    assert is_plausible_vrm_token(token)


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("2004", "a year"),
        ("1430", "a time"),
        ("14:30", "a time"),
        ("1430 HRS", "a time with its unit"),
        ("10PM", "a time"),
        ("ON 12", "a word and a number"),
        ("AT 10", "a word and a number"),
        ("AND 2", "a word and a number"),
        ("THE 12", "a word and a number"),
        ("PC 1234", "an officer's collar number"),
        ("DC 567", "an officer's collar number"),
        ("JAN 2004", "a month and year"),
        ("SAT 2300", "a day and time"),
        ("DOB 1979", "a label and year"),
        ("ABC 2004", "a three-letter block and a year"),
        ("AGE 15", "a label and number"),
        ("RV6", "a postcode outward code"),
        ("2AB", "a postcode inward code"),
        ("LS12", "a postcode outward code"),
        ("S1", "a HOLMES statement reference"),
        ("M1", "a HOLMES message reference, or a motorway"),
        ("A61", "a road number"),
        ("B6089", "a road number"),
        ("21ST", "an ordinal"),
        ("101ST", "an ordinal"),
        ("12 AB", "two letters and two digits"),
        ("M1 AND", "a motorway and a word"),
        ("A 12 DAY", "separator away from the display position"),
        ("AB1 2CDE", "separator away from the display position"),
        ("AB 12 CDE", "more than one separator"),
        ("ab12 cde", "lower case"),
        ("Ab12 Cde", "mixed case"),
        ("AB12.CDE", "a dot is not a free-text separator"),
        ("AB12 C0E", "not a mark"),
        ("", "empty"),
    ],
)
def test_other_tokens_are_not(token: str, why: str) -> None:
    assert not is_plausible_vrm_token(token), why


def test_every_stopword_blocks_a_dateless_mark() -> None:
    for word in FREE_TEXT_STOPWORDS:
        assert not is_plausible_vrm_token(f"{word} 123"), word
        assert not is_plausible_vrm_token(f"123 {word}"), word


@given(norm=st.one_of(current_vrms, prefix_vrms, suffix_vrms))
def test_dated_marks_are_taken_unless_their_letters_are_a_stopword(norm: str) -> None:
    kind = vrm_format(norm)
    if kind == "current":
        expected = True
    else:
        letters = norm[-3:] if kind == "prefix" else norm[:3]
        expected = letters not in FREE_TEXT_STOPWORDS
    assert is_plausible_vrm_token(format_vrm(norm)) == expected
    assert is_plausible_vrm_token(norm) == expected
    assert is_plausible_vrm_token(format_vrm(norm).replace(" ", "-")) == expected


@given(token=st.text(max_size=20))
def test_a_taken_token_is_always_a_mark(token: str) -> None:
    if is_plausible_vrm_token(token):
        assert normalise_vrm(token) is not None


@given(year=years)
def test_years_are_never_marks_or_phones(year: str) -> None:
    assert normalise_vrm(year) is None
    assert not is_plausible_vrm_token(year)
    assert normalise_phone(year) is None
    assert not is_plausible_phone_token(year)


@given(written=written_dates)
def test_dates_are_never_marks_or_phones(written: str) -> None:
    assert not is_plausible_vrm_token(written)
    assert normalise_phone(written) is None
    assert not is_plausible_phone_token(written)


@pytest.mark.parametrize(
    "written",
    ["12/06/2004", "12.06.2004", "2004-06-12", "12062004", "20040612", "12 06 2004", "12-06-04"],
)
def test_example_dates_are_not_phones(written: str) -> None:
    assert normalise_phone(written) is None


@given(nsn=drama_nsns)
def test_free_text_phones_need_a_trunk_or_international_prefix(nsn: str) -> None:
    assert is_plausible_phone_token("0" + nsn)
    assert is_plausible_phone_token("+44" + nsn)
    assert is_plausible_phone_token(f"(0{nsn[:3]}) {nsn[3:]}")
    # The bare national number is still a phone as a field value, not in text.
    assert normalise_phone(nsn) == "+44" + nsn
    assert not is_plausible_phone_token(nsn)
