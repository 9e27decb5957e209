"""Place keys: normalise_text_key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threadline.domain.normalise import normalise_text_key


@pytest.mark.parametrize(
    "forms",
    [
        [
            "12 Canal Street, Riverton",
            "12 CANAL ST, RIVERTON",
            "12 canal st. riverton",
            "12 Canal St Riverton",
            "12, Canal Street,  Riverton.",
        ],
        [
            "Mumtaz Takeaway & Grill, 4 Wellgate",
            "MUMTAZ TAKEAWAY AND GRILL 4 WELLGATE",
            "Mumtaz Takeaway&Grill, 4 Wellgate",
        ],
        ["3 Elm Dr", "3 Elm Drive", "3 ELM DR."],
        ["7 Mill Rd", "7 Mill Road", "7 MILL RD,"],
        ["9 Park Ave", "9 Park Avenue", "9 Park Av."],
        ["2 Brook Ln", "2 Brook Lane"],
        ["5 Moor Cres", "5 Moor Crescent"],
        ["1 Market Sq", "1 Market Square"],
        ["12 St Mary's Rd", "12 Saint Marys Road", "12 ST. MARY'S ROAD", "12 St Mary’s Rd"],
        ["Church of St Peter", "Church of Saint Peter"],
        ["Dr Khan Surgery", "Doctor Khan Surgery"],
        ["Café Zoë, Riverton", "CAFE ZOE RIVERTON"],
    ],
)
def test_one_place_written_several_ways_gives_one_key(forms: list[str]) -> None:
    keys = {normalise_text_key(form) for form in forms}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("12 Canal Street, Riverton", "12 canal street riverton"),
        ("Mumtaz Takeaway & Grill", "mumtaz takeaway and grill"),
        ("12 St Mary's Rd", "12 saint marys road"),
        ("Flat 3, 12a Canal St", "flat 3 12a canal street"),
        ("Dr Khan Surgery, 3 Elm Dr", "doctor khan surgery 3 elm drive"),
        ("", ""),
        (" ,.; ", ""),
    ],
)
def test_keys(raw: str, key: str) -> None:
    assert normalise_text_key(raw) == key


def test_different_places_stay_apart() -> None:
    assert normalise_text_key("12 Canal Street") != normalise_text_key("14 Canal Street")
    assert normalise_text_key("Canal Street") != normalise_text_key("Canal Road")


@given(raw=st.text(max_size=80))
def test_idempotent_and_never_crashes(raw: str) -> None:
    key = normalise_text_key(raw)
    assert normalise_text_key(key) == key
    assert "  " not in key and key == key.strip()


address_words = st.lists(
    st.sampled_from(
        [
            "12",
            "4a",
            "canal",
            "st",
            "rd",
            "dr",
            "mary's",
            "&",
            "mill",
            "the",
            "of",
            "saint",
            "ave",
            "riverton",
            "flat",
            "café",
        ]
    ),
    min_size=1,
    max_size=8,
)


@given(words=address_words, data=st.data())
def test_case_and_spacing_do_not_change_the_key(words: list[str], data: st.DataObject) -> None:
    plain = " ".join(words)
    varied = "".join(
        data.draw(st.sampled_from([str.upper, str.lower, str.title]))(w)
        + data.draw(st.sampled_from([" ", "  ", " \t", ". "]))
        for w in words
    )
    assert normalise_text_key(varied) == normalise_text_key(plain)
