"""People, places and roles in free text, on sentences written for these tests."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from threadline.extract import Extractor, Found, mentions_in
from threadline.extract.places import places


def of_type(found: list[Found], type_: str) -> list[str]:
    return [f.text for f in found if f.type == type_]


def by_text(found: list[Found]) -> dict[str, Found]:
    return {f.text: f for f in found if f.type == "person"}


def test_the_issue_example(extractor: Extractor) -> None:
    text = (
        "Female, 14, seen getting into silver Astra RV05 KTX outside the kebab shop, "
        "driver known as 'Bash', Asian male 30s."
    )
    [found] = extractor.extract([text])
    assert of_type(found, "vehicle") == ["RV05 KTX"]
    assert of_type(found, "age") == ["14"]
    bash = by_text(found)["Bash"]
    assert bash.detail["nickname"] is True
    assert bash.detail["description"] == "Asian male 30s"
    assert bash.role == "suspect"
    assert of_type(found, "person") == ["Bash"]


def test_surnames_in_capitals_in_any_order(extractor: Extractor) -> None:
    text = (
        "Intel suggests HUSSAIN Tariq is running girls from the flat. "
        "Tariq HUSSAIN also uses a blue van. Later logs just say HUSSAIN."
    )
    [found] = extractor.extract([text])
    assert of_type(found, "person") == ["HUSSAIN Tariq", "Tariq HUSSAIN", "HUSSAIN"]


def test_acronyms_and_car_models_are_not_people(extractor: Extractor) -> None:
    text = "CSE concern raised with the SIO. PNC shows a black Seat Leon and a VW Golf."
    [found] = extractor.extract([text])
    assert of_type(found, "person") == []


def test_nicknames_after_cues_and_in_quotes(extractor: Extractor) -> None:
    text = (
        'Suspect Mohammed ALI aka Mo. Another male goes by "Kaz" and one is '
        "called Uncle. The younger one is just 'Little T'."
    )
    [found] = extractor.extract([text])
    people = by_text(found)
    assert {"Mohammed ALI", "Mo", "Kaz", "Uncle", "Little T"} <= set(people)
    assert all(people[n].detail.get("nickname") for n in ("Mo", "Kaz", "Uncle", "Little T"))


def test_roles_from_context(extractor: Extractor) -> None:
    text = (
        "Chloe WRIGHT (14) reported missing by her father Gary WRIGHT. "
        "She was found with Kyle BENSON at a flat. WRIGHT Chloe later disclosed "
        "that BENSON gave her alcohol. Witness Sandra PIKE saw the car."
    )
    [found] = extractor.extract([text])
    roles = {f.text: f.role for f in found if f.type == "person"}
    assert roles["Chloe WRIGHT"] == "victim"
    assert roles["WRIGHT Chloe"] == "victim"
    assert roles["Gary WRIGHT"] == "other"
    assert roles["Kyle BENSON"] == "suspect"
    assert roles["BENSON"] == "suspect"
    assert roles["Sandra PIKE"] == "witness"


def test_an_adult_age_does_not_make_a_victim(extractor: Extractor) -> None:
    [found] = extractor.extract(["Arrested Darren COLE (34) at his home address."])
    assert by_text(found)["Darren COLE"].role == "suspect"


def test_one_place_written_three_ways_has_one_key() -> None:
    written = [
        "Seen at Golden Grill late.",
        "Seen at Golden Grill, Mill Road late.",
        "Seen at Golden Grill, 4 Mill Rd late.",
    ]
    keys = set()
    for text in written:
        [place] = places(text)
        assert text[place.start : place.end] == place.text
        keys.add(place.normalised)
    assert keys == {"golden grill"}


def test_addresses_and_streets() -> None:
    text = "Taken to Flat 2, 17 Canal St and later 9 Kiln Ln, RV6 2AB, then parked on Heron Walk."
    found = places(text)
    assert [(f.text, f.normalised) for f in found] == [
        ("Flat 2, 17 Canal St", "flat 2 17 canal street"),
        ("9 Kiln Ln, RV6 2AB", "9 kiln lane"),
        ("Heron Walk", "heron walk"),
    ]
    assert found[1].detail["postcode"] == "RV6 2AB"


def test_a_correspondent_on_an_email_header_is_no_place() -> None:
    text = (
        "From: Cindermoor Academy DSL <dsl@academy.example>\n"
        "to: Riverton Youth Club <club@example.org>\n"
        "Subject: Concern\n\n"
        "Seen at Canal Amusements, 238 Slate Row. Reported from: Moorside Youth Club."
    )
    found = [(f.type, f.text) for f in places(text)]
    assert found[:2] == [
        ("organisation", "Cindermoor Academy"),
        ("organisation", "Riverton Youth Club"),
    ]
    # a header word later in a line of the body is just a word
    assert ("location", "Canal Amusements, 238 Slate Row") in found
    assert ("location", "Moorside Youth Club") in found


def test_a_surname_that_is_a_street_type_is_still_a_person(extractor: Extractor) -> None:
    [found] = extractor.extract(["Referral from school re Hannah Hill (15) and her friend."])
    assert of_type(found, "person") == ["Hannah Hill"]
    assert of_type(found, "location") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_well_formed_mentions(text: str) -> None:
    for found in mentions_in(text, []):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start : found.end] == found.text
        assert 0.0 <= found.confidence <= 1.0
        assert (found.role is not None) == (found.type == "person")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Tariq HUSSAIN",
                " aka 'Taz'",
                " (14)",
                " RV05 KTX",
                " 07700 900123",
                " at 12 Canal Street",
                ", ",
                ". ",
                " seen with ",
                "Golden Grill",
                " female",
                "O'NEILL",
            ]
        ),
        max_size=20,
    )
)
def test_log_like_text_gives_well_formed_mentions(parts: list[str]) -> None:
    text = "".join(parts)
    found = mentions_in(text, [])
    for f in found:
        assert text[f.start : f.end] == f.text
    # No two mentions of the main types overlap.
    main = sorted(
        (f for f in found if f.type in ("person", "vehicle", "phone", "location")),
        key=lambda f: f.start,
    )
    for a, b in itertools.pairwise(main):
        assert a.end <= b.start


def test_comma_form_initials_and_titles(extractor: Extractor) -> None:
    text = (
        "Named as AHMAD, Kamran and T. HUSSAIN. Mr SARKAR was also present. "
        "Master BRIGGS aged 13 missing overnight."
    )
    [found] = extractor.extract([text])
    people = by_text(found)
    assert {"AHMAD, Kamran", "T. HUSSAIN", "SARKAR", "BRIGGS"} <= set(people)
    assert people["BRIGGS"].role == "victim"
    assert "Mr SARKAR" not in people and "Master BRIGGS" not in people


def test_a_lone_forename_needs_context(extractor: Extractor) -> None:
    text = (
        "Girls were taken to the flat by males, including Amit. Concern raised. "
        "Arshad said to be buying alcohol."
    )
    [found] = extractor.extract([text])
    people = of_type(found, "person")
    assert "Amit" in people and "Arshad" in people
    assert "Concern" not in people and "Girls" not in people


def test_nickname_in_brackets_and_car_models(extractor: Extractor) -> None:
    text = (
        "MISTRY (Taxi Man) seen in a white Fiesta (UR13 CDO) and a gold Leon. Jordan GREEN drove."
    )
    [found] = extractor.extract([text])
    people = by_text(found)
    assert set(people) == {"MISTRY", "Taxi Man", "Jordan GREEN"}
    assert people["Taxi Man"].detail["nickname"] is True
    assert of_type(found, "vehicle") == ["UR13 CDO"]


def test_ages_in_other_spellings_make_victims(extractor: Extractor) -> None:
    text = "Referral re Jasmine BAILEY (16yrs). Sophie Booth aged 15 seen with older males."
    [found] = extractor.extract([text])
    people = by_text(found)
    assert people["Jasmine BAILEY"].role == "victim"
    assert people["Sophie Booth"].role == "victim"
    assert sorted(of_type(found, "age")) == ["15", "16"]
