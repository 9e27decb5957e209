"""Identifiers in free text: marks, phones, postcodes, e-mails, ages, dates."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threadline.extract.identifiers import (
    ages,
    dates,
    emails,
    identifiers,
    phones,
    postcodes,
    vehicles,
)
from threadline.extract.spans import Found


def values(found: Iterable[Found], text: str) -> list[tuple[str, str | None]]:
    out = []
    for f in found:
        assert text[f.start : f.end] == f.text
        out.append((f.text, f.normalised))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("silver Astra RV05 KTX outside", [("RV05 KTX", "RV05KTX")]),
        ("seen in RV05KTX twice", [("RV05KTX", "RV05KTX")]),
        ("prefix A123 BCD and suffix ABC 123D", [("A123 BCD", "A123BCD"), ("ABC 123D", "ABC123D")]),
        ("dateless mark ABZ 1234 seen", [("ABZ 1234", "ABZ1234")]),
        ("registration ab12 cde given", [("ab12 cde", "AB12CDE")]),
        ("a grey BMW 3 Series TU57 AAX", [("TU57 AAX", "TU57AAX")]),
    ],
)
def test_vehicles(text: str, expected: list[tuple[str, str]]) -> None:
    assert values(vehicles(text), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "PC 1234 attended at 1430 HRS",
        "seen on 12/06/2004 in 2004",
        "postcode RV6 2AB and road A61",
        "we were at 10 PM on the 21ST",
        "lower case ab12 cde without a cue",
        "documents S1 and M1, action A42",
    ],
)
def test_no_vehicle_in_ordinary_text(text: str) -> None:
    assert list(vehicles(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phone 07700 900829 seized.", [("07700 900829", "+447700900829")]),
        ("using +44 7700 900506 to", [("+44 7700 900506", "+447700900506")]),
        ("rang (0113) 496 0000 twice", [("(0113) 496 0000", "+441134960000")]),
        ("via 07700-900-123.", [("07700-900-123", "+447700900123")]),
        (
            "numbers 07700900123 07700900456",
            [("07700900123", "+447700900123"), ("07700900456", "+447700900456")],
        ),
        ("0044 7700 900 123 then 2004", [("0044 7700 900 123", "+447700900123")]),
    ],
)
def test_phones(text: str, expected: list[tuple[str, str]]) -> None:
    assert values(phones(text), text) == expected


@pytest.mark.parametrize(
    "text",
    ["crime ref 14/123456/04", "born 12.06.2004", "on 2004-06-12 at 1430", "URN 01234"],
)
def test_no_phone_in_dates_and_references(text: str) -> None:
    assert list(phones(text)) == []


def test_postcodes_full_and_partial() -> None:
    text = "lives at RV6 2AB, moved to rv62ab; postcode area LS12 only"
    assert values(postcodes(text), text) == [
        ("RV6 2AB", "RV6 2AB"),
        ("rv62ab", "RV6 2AB"),
        ("LS12", "LS12"),
    ]


def test_emails_ages_dates() -> None:
    text = (
        "Mail Ann.Example@Example.ORG. Female, 14, and Chloe (15), aged 13, "
        "on 12 June 2004 at 14:30."
    )
    assert values(emails(text), text) == [("Ann.Example@Example.ORG", "ann.example@example.org")]
    assert sorted(str(v) for _, v in values(ages(text), text)) == ["13", "14", "15"]
    assert values(dates(text), text) == [("12 June 2004", "2004-06-12"), ("14:30", "14:30")]


def test_a_postcode_is_not_also_a_mark() -> None:
    text = "Seen at CQ12 3AB in AB12 CDE"
    kinds = [(f.type, f.text) for f in identifiers(text)]
    assert ("vehicle", "AB12 CDE") in kinds and ("postcode", "CQ12 3AB") in kinds
    assert len(kinds) == 2


@given(st.text(max_size=300))
def test_spans_always_point_at_their_text(text: str) -> None:
    for found in identifiers(text):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start : found.end] == found.text
        assert 0 <= found.confidence <= 1


@given(st.integers(1900, 2099), st.integers(1, 12), st.integers(1, 28))
def test_dates_are_never_phones_or_marks(year: int, month: int, day: int) -> None:
    for text in (
        f"{day:02d}/{month:02d}/{year}",
        f"{year}-{month:02d}-{day:02d}",
        f"{day:02d}{month:02d}{year}",
    ):
        assert not [f for f in identifiers(f"on {text} ") if f.type in ("phone", "vehicle")]
