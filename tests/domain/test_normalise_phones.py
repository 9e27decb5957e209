"""Telephone numbers: normalise_phone, format_phone and the Ofcom drama ranges."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.domain.test_normalise_strategies import drama_nsns, phone_spellings
from threadline.domain.normalise import (
    DRAMA_PREFIXES,
    NotNormalisedError,
    format_phone,
    is_drama_number,
    normalise_phone,
)


@pytest.mark.parametrize(
    "raw",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "0044 7700 900 123",
        "+44 (0)7700 900123",
        "+44 (0) 7700 900 123",
        "+447700900123",
        "07700-900-123",
        "07700.900.123",
        "(07700) 900123",
        " 07700 900123 ",
        "Tel: 07700 900123",
        "Mob. 07700 900123",
        "Telephone: 07700 900123",
        "MOBILE 07700 900123",
        "tel:+447700900123",
    ],
)
def test_every_common_spelling_of_one_mobile(raw: str) -> None:
    assert normalise_phone(raw) == "+447700900123"


# One number from each drama range, with its national display form.
DRAMA_EXAMPLES = [
    ("07700 900000", "+447700900000", "07700 900000"),
    ("07700 900999", "+447700900999", "07700 900999"),
    ("(0113) 496 0000", "+441134960000", "0113 496 0000"),
    ("0114 496 0999", "+441144960999", "0114 496 0999"),
    ("0115 496 0500", "+441154960500", "0115 496 0500"),
    ("0116 496 0001", "+441164960001", "0116 496 0001"),
    ("0117 496 0002", "+441174960002", "0117 496 0002"),
    ("0118 496 0003", "+441184960003", "0118 496 0003"),
    ("0121 496 0004", "+441214960004", "0121 496 0004"),
    ("0131 496 0005", "+441314960005", "0131 496 0005"),
    ("0141 496 0006", "+441414960006", "0141 496 0006"),
    ("0151 496 0007", "+441514960007", "0151 496 0007"),
    ("0161 496 0008", "+441614960008", "0161 496 0008"),
    ("020 7946 0009", "+442079460009", "020 7946 0009"),
    ("0191 498 0010", "+441914980010", "0191 498 0010"),
    ("028 9649 6011", "+442896496011", "028 9649 6011"),
    ("029 2018 0012", "+442920180012", "029 2018 0012"),
    ("01632 960013", "+441632960013", "01632 960013"),
    ("08081 570014", "+448081570014", "0808 157 0014"),
    ("0909 8790015", "+449098790015", "0909 879 0015"),
    ("03069 990016", "+443069990016", "0306 999 0016"),
]


@pytest.mark.parametrize(("raw", "e164", "display"), DRAMA_EXAMPLES)
def test_every_drama_range(raw: str, e164: str, display: str) -> None:
    assert normalise_phone(raw) == e164
    assert is_drama_number(e164)
    assert format_phone(e164) == display
    assert normalise_phone(display) == e164


def test_drama_examples_cover_every_range() -> None:
    covered = {e164[3:10] for _, e164, _ in DRAMA_EXAMPLES}
    assert covered == DRAMA_PREFIXES


def test_drama_ranges_are_accepted_although_phonenumbers_rejects_some() -> None:
    # Why the drama ranges are listed by hand: the library calls these invalid.
    for e164 in ("+447700900123", "+441632960013"):
        assert not phonenumbers.is_valid_number(phonenumbers.parse(e164))
        assert normalise_phone(e164) == e164


def test_next_to_a_drama_range_is_not_a_drama_number() -> None:
    assert not is_drama_number("+442896495999")  # 028 9649 5999: just below 6000-6999
    assert not is_drama_number("+4477009001234")  # one digit too many
    assert normalise_phone("028 9649 6000") == "+442896496000"


@pytest.mark.parametrize(
    ("raw", "e164", "display"),
    [
        # Fictional numbers of other countries, valid to phonenumbers.
        ("+1 202 555 0142", "+12025550142", "+1 202-555-0142"),
        ("+61 491 570 156", "+61491570156", "+61 491 570 156"),
        ("0061 491 570 156", "+61491570156", "+61 491 570 156"),
    ],
)
def test_other_countries_by_phonenumbers_validity(raw: str, e164: str, display: str) -> None:
    assert normalise_phone(raw) == e164
    assert not is_drama_number(e164)
    assert format_phone(e164) == display
    assert normalise_phone(display) == e164


def test_region_sets_the_national_format() -> None:
    assert normalise_phone("(202) 555-0142", region="US") == "+12025550142"
    assert normalise_phone("0491 570 156", region="AU") == "+61491570156"
    # A UK-only spelling is not read as UK under another region.
    assert normalise_phone("07700 900123", region="US") is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2004",
        "12345",  # too short
        "0113 496",  # too short for the range
        "+353 20 910 1234",  # well-formed but not a valid Irish number
        "012345678901234567890",  # too long
        "INT-000123",
        "CR-000045",
        "14/123456/04",  # a crime reference
        "12/06/2004",
        "07700 900123 / 07700 900124",  # two numbers
        "07700 9OO123",  # letters O for zeros
        "phone me",
    ],
)
def test_not_phones(raw: str) -> None:
    assert normalise_phone(raw) is None


def test_format_refuses_raw_text() -> None:
    with pytest.raises(NotNormalisedError):
        format_phone("07700 900123")
    with pytest.raises(NotNormalisedError):
        format_phone("+44")


@given(nsn=drama_nsns, data=st.data())
def test_all_spellings_of_a_drama_number_give_one_e164(nsn: str, data: st.DataObject) -> None:
    spelling = data.draw(st.sampled_from(phone_spellings(nsn)))
    assert normalise_phone(spelling) == "+44" + nsn


@given(nsn=drama_nsns)
def test_display_form_normalises_back_and_is_idempotent(nsn: str) -> None:
    e164 = normalise_phone("0" + nsn)
    assert e164 == "+44" + nsn
    assert normalise_phone(e164) == e164
    assert normalise_phone(format_phone(e164)) == e164


@given(raw=st.text(max_size=30))
def test_idempotent_and_never_crashes(raw: str) -> None:
    e164 = normalise_phone(raw)
    if e164 is not None:
        assert normalise_phone(e164) == e164
        assert normalise_phone(format_phone(e164)) == e164


@given(raw=st.text(alphabet="0123456789 +()-.", max_size=20))
def test_idempotent_on_number_like_text(raw: str) -> None:
    e164 = normalise_phone(raw)
    if e164 is not None:
        assert e164.startswith("+")
        assert normalise_phone(e164) == e164
        assert normalise_phone(format_phone(e164)) == e164


@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=5))
def test_short_digit_runs_are_never_phones(digits: str) -> None:
    assert normalise_phone(digits) is None
    assert normalise_phone("0" + digits) is None
