from __future__ import annotations

import json
from pathlib import Path

import pytest

from threadline.errors import InputError
from threadline.evaluate import Truth
from threadline.evaluate.truth import canonical_identifier

from .helpers import small_truth, small_truth_data


def test_indexes_subjects_spans_identifiers_and_location_records() -> None:
    truth = small_truth()
    assert truth.person_of_subject["EV-0001/S1"] == "P0001"
    assert truth.person_of_subject["ST-000005/S1"] == "P0002"
    assert len(truth.person_of_subject) == 8
    in_int3 = truth.spans_by_record["INT-000003"]
    assert [(s.start, s.type, s.key) for s in in_int3] == [
        (10, "person", "P0001"),
        (30, "person", "P0002"),
        (40, "vehicle", "vehicle:AB12CDE"),
        (50, "location", "location:L001"),
    ]
    assert in_int3[0].role == "suspect" and in_int3[0].text == "Taz"
    assert truth.identifier_by_value[("phone", "+447700900123")] == "phone:+447700900123"
    assert truth.locations_of_record == {
        "INT-000001": ["location:L001"],
        "ST-000005": ["location:L001"],
    }
    assert truth.decoy_pairs == frozenset({("P0001", "P0004")})


def test_only_locations_index_their_records() -> None:
    data = small_truth_data()
    data["identifiers"]["vehicle:AB12CDE"]["records"] = ["INT-000003"]
    assert "INT-000003" not in Truth.from_dict(data).locations_of_record


def test_opportunity_anchor_and_targets() -> None:
    truth = small_truth()
    high_grade = truth.opportunities[2]
    assert high_grade.anchor == "INT-000002"
    assert high_grade.targets == frozenset({"P0001"})
    disclosure = truth.opportunities[5]
    assert disclosure.record is None and disclosure.anchor == "ST-000005"
    assert truth.near_misses[1].targets == frozenset({"phone:+447700900123"})


def test_missing_keys_are_absent() -> None:
    truth = Truth.from_dict({})
    assert truth.persons == {} and truth.identifiers == {}
    assert truth.opportunities == [] and truth.near_misses == []
    assert truth.decoy_pairs is None


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        ({"decoys": [["P2", "P1", "P3"]]}, {("P1", "P2"), ("P1", "P3"), ("P2", "P3")}),
        ({"person_key": ("decoy_of", "P2")}, {("P1", "P2")}),
        ({"person_key": ("similar_to", ["P3", "P2"])}, {("P1", "P2"), ("P1", "P3")}),
        ({"decoys": []}, set()),
        ({"decoy_pairs": [["P1", "P3"]]}, {("P1", "P3")}),
    ],
)
def test_decoys_in_every_accepted_form(marks: dict, expected: set) -> None:
    persons: dict = {"P1": {"subjects": ["A"]}, "P2": {"subjects": ["B"]}, "P3": {}}
    data: dict = {"persons": persons}
    if "person_key" not in marks:
        data.update(marks)
    else:
        key, value = marks["person_key"]
        persons["P1"][key] = value
    assert Truth.from_dict(data).decoy_pairs == frozenset(expected)


def test_a_subject_under_two_persons_is_refused() -> None:
    data = small_truth_data()
    data["persons"]["P0003"]["subjects"].append("INT-000001/S1")
    with pytest.raises(InputError) as caught:
        Truth.from_dict(data, source="bundle/truth.json")
    assert caught.value.location.file == "bundle/truth.json"
    assert "INT-000001/S1" in caught.value.message


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        (
            lambda d: d["persons"]["P0001"]["mentions"][1].update(start="0"),
            "persons.P0001.mentions[1].start",
        ),
        (
            lambda d: d["persons"]["P0001"]["mentions"][0].update(end=5),
            "persons.P0001.mentions[0].end",
        ),
        (lambda d: d["persons"]["P0002"].update(subjects="ST-000005/S1"), "persons.P0002.subjects"),
        (lambda d: d["identifiers"].update({"AB12CDE": {}}), "identifiers.AB12CDE"),
        (lambda d: d["opportunities"][1].pop("kind"), "opportunities[1].kind"),
        (lambda d: d["near_misses"][0].update(person=3), "near_misses[0].person"),
        (lambda d: d.update(persons=[]), "persons"),
    ],
)
def test_shape_errors_name_the_field(damage, field: str) -> None:
    data = small_truth_data()
    damage(data)
    with pytest.raises(InputError) as caught:
        Truth.from_dict(data, source="truth.json")
    assert caught.value.location.field == field
    assert field in str(caught.value)


def test_load_reads_a_file_and_names_the_line_of_bad_json(tmp_path: Path) -> None:
    good = tmp_path / "truth.json"
    good.write_text(json.dumps(small_truth_data()), encoding="utf-8")
    assert set(Truth.load(good).persons) == {"P0001", "P0002", "P0003", "P0004"}
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "persons": {\n    "P1": [,]\n}}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Truth.load(bad)
    assert caught.value.location == caught.value.location.__class__(str(bad), 3)
    with pytest.raises(InputError):
        Truth.load(tmp_path / "missing.json")


def test_canonical_identifier_forgives_spacing_and_case() -> None:
    assert canonical_identifier(" ab12 cde ") == "AB12CDE"
    assert canonical_identifier("+44 7700 900123") == "+447700900123"
