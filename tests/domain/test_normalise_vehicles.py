"""Vehicle registration marks: normalise_vrm, vrm_format, format_vrm, confusable keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_normalise_strategies import VRMS_BY_FORMAT, any_vrm, respelled
from threadline.domain.normalise import (
    NotNormalisedError,
    format_vrm,
    normalise_vrm,
    vrm_confusable_key,
    vrm_format,
)


@pytest.mark.parametrize(
    ("raw", "norm", "kind", "display"),
    [
        ("AB12 CDE", "AB12CDE", "current", "AB12 CDE"),
        ("ab12cde", "AB12CDE", "current", "AB12 CDE"),
        (" ab-12-cde ", "AB12CDE", "current", "AB12 CDE"),
        ("AB 12 CDE", "AB12CDE", "current", "AB12 CDE"),
        ("AB02 CDE", "AB02CDE", "current", "AB02 CDE"),
        ("A123 BCD", "A123BCD", "prefix", "A123 BCD"),
        ("a1 bcd", "A1BCD", "prefix", "A1 BCD"),
        ("A.123.BCD", "A123BCD", "prefix", "A123 BCD"),
        ("ABC 123D", "ABC123D", "suffix", "ABC 123D"),
        ("abc1d", "ABC1D", "suffix", "ABC 1D"),
        ("ABC 123", "ABC123", "dateless", "ABC 123"),
        ("A 1", "A1", "dateless", "A 1"),
        ("1234 AB", "1234AB", "dateless", "1234 AB"),
        ("1 ABC", "1ABC", "dateless", "1 ABC"),
        ("ABZ 1234", "ABZ1234", "dateless", "ABZ 1234"),
        ("KIZ 9876", "KIZ9876", "dateless", "KIZ 9876"),
    ],
)
def test_marks_of_every_format(raw: str, norm: str, kind: str, display: str) -> None:
    assert normalise_vrm(raw) == norm
    assert vrm_format(norm) == kind
    assert format_vrm(norm) == display


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "2004",  # a year: no letter
        "ABCDEF",  # no digit
        "AB12 C0E",  # O typed as zero: not corrected
        "AB123CDE",  # too long for any format
        "ABCD 123",  # four letters
        "ABC 12345",  # five digits
        "AB 012",  # leading zero outside the age identifier
        "A012 BCD",
        "ABC 012D",
        "AB12_CDE",  # underscore is not a separator
        "AB12/CDE",
        "ÄB12 CDE",  # non-ASCII
        "ßA12",  # upper-cases to SSA12, which must not count
        "INT-000123",
        "AB12 CDE, AB12 CDF",
    ],
)
def test_not_marks(raw: str) -> None:
    assert normalise_vrm(raw) is None


def test_format_helpers_refuse_raw_text() -> None:
    assert vrm_format("ab12 cde") is None
    with pytest.raises(NotNormalisedError):
        format_vrm("ab12 cde")
    with pytest.raises(ValueError, match="normalise it first"):
        format_vrm("NOT A MARK")


def test_confusable_key_joins_misread_marks_only() -> None:
    assert vrm_confusable_key("AB12CDE") == vrm_confusable_key("A812CDE")
    assert vrm_confusable_key("BO51ABC") == vrm_confusable_key("B051ABC")
    assert vrm_confusable_key("AI12XYZ") == vrm_confusable_key("A112XY2")
    assert vrm_confusable_key("AB12CDE") != vrm_confusable_key("AB12CDF")
    # The key is separate from normalisation: the marks themselves stay apart.
    assert normalise_vrm("BO51 ABC") != normalise_vrm("B051 ABC")


@pytest.mark.parametrize("kind", sorted(VRMS_BY_FORMAT))
@given(data=st.data())
def test_every_format_is_recognised_as_itself(kind: str, data: st.DataObject) -> None:
    norm = data.draw(VRMS_BY_FORMAT[kind])
    assert normalise_vrm(norm) == norm
    assert vrm_format(norm) == kind


@given(data=st.data(), norm=any_vrm)
def test_spelling_variants_give_one_key(data: st.DataObject, norm: str) -> None:
    assert normalise_vrm(data.draw(respelled(norm))) == norm


@given(norm=any_vrm)
def test_display_form_normalises_back(norm: str) -> None:
    display = format_vrm(norm)
    assert display.count(" ") == 1
    assert normalise_vrm(display) == norm


@given(raw=st.text(max_size=40))
def test_idempotent_and_never_crashes(raw: str) -> None:
    norm = normalise_vrm(raw)
    if norm is not None:
        assert normalise_vrm(norm) == norm
        assert vrm_format(norm) is not None
        assert any(c.isdigit() for c in norm) and any(c.isalpha() for c in norm)
    vrm_confusable_key(raw)


@given(raw=st.text(alphabet="AB12 -.oO0iI", max_size=12))
def test_idempotent_on_mark_like_text(raw: str) -> None:
    norm = normalise_vrm(raw)
    if norm is not None:
        assert normalise_vrm(norm) == norm
        assert normalise_vrm(format_vrm(norm)) == norm
