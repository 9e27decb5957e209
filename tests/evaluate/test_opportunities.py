from __future__ import annotations

from typing import Any

import pytest

from threadline.evaluate import Truth
from threadline.evaluate.opportunities import (
    KINDS,
    EntityTargets,
    ranked,
    score_opportunities,
)

from .helpers import entity_id, opportunity_for, perfect_prediction, small_truth, small_truth_data


def _score(
    data: dict[str, Any],
    opportunities: list[dict[str, Any]],
    entities: list[dict[str, Any]] | None = None,
):
    truth = Truth.from_dict(data)
    if entities is None:
        entities = perfect_prediction(data).entities
    return score_opportunities(truth, opportunities, entities)


def test_perfect_opportunities_score_one() -> None:
    data = small_truth_data()
    score = _score(data, perfect_prediction(data).opportunities)
    assert score.truth == score.predicted == score.matched == 6
    assert score.recall == score.precision == 1.0
    assert score.precision_at(10) == score.precision_at(50) == 1.0
    assert list(score.by_kind) == list(KINDS)
    for kind in score.by_kind.values():
        if kind.truth:
            assert (kind.recall_at(10), kind.recall_at(50), kind.recall, kind.precision) == (
                1.0,
            ) * 4
        else:
            assert kind.recall is None and kind.precision is None
    assert score.missed == () and score.near_misses_raised == ()


def test_empty_prediction_recalls_nothing() -> None:
    score = _score(small_truth_data(), [])
    assert score.recall == 0.0 and score.precision is None and score.precision_at(10) is None
    assert score.by_kind["unactioned-suspect"].recall_at(10) == 0.0
    assert len(score.missed) == 6
    assert {(m.kind, m.about) for m in score.missed} >= {
        ("victim-disclosure-not-followed", "ST-000005"),
        ("untraced-identifier", "vehicle:AB12CDE"),
    }


def test_a_near_miss_raised_is_reported() -> None:
    data = small_truth_data()
    opportunities = perfect_prediction(data).opportunities
    opportunities.append(opportunity_for(data["near_misses"][1], 7, "O-phone"))
    score = _score(data, opportunities)
    assert score.near_misses == 2
    ((raised),) = score.near_misses_raised
    assert (raised.kind, raised.about, raised.prediction, raised.rank) == (
        "untraced-identifier",
        "phone:+447700900123",
        "O-phone",
        7,
    )
    assert score.matched == 6 and score.precision == pytest.approx(6 / 7)
    assert score.by_kind["untraced-identifier"].precision == 0.5


def test_duplicates_do_not_inflate_recall_and_the_higher_rank_takes_the_match() -> None:
    data = small_truth_data()
    first = opportunity_for(data["opportunities"][0], 1, "O-first")
    again = opportunity_for(data["opportunities"][0], 2, "O-again")
    score = _score(data, [again, first])  # file order does not matter, rank does
    kind = score.by_kind["unactioned-suspect"]
    assert kind.matched == 1 and kind.predicted == 2 and kind.precision == 0.5
    assert kind.recall == 1.0


def _many_suspects(n: int) -> dict[str, Any]:
    return {
        "persons": {f"P{i}": {"subjects": [f"INT-{i}/S1"]} for i in range(n)},
        "opportunities": [
            {"kind": "unactioned-suspect", "person": f"P{i}", "records": [f"INT-{i}"]}
            for i in range(n)
        ],
    }


def test_ranking_moves_recall_at_ten_as_documented() -> None:
    data = _many_suspects(12)
    entities = [{"id": f"E{i}", "type": "person", "subjects": [f"INT-{i}/S1"]} for i in range(12)]
    entities.append({"id": "E-nobody", "type": "person", "subjects": ["INT-unknown/S1"]})
    true_ones = [{"kind": "unactioned-suspect", "entities": [f"E{i}"]} for i in range(12)]
    false_ones = [{"kind": "unactioned-suspect", "entities": ["E-nobody"]} for _ in range(10)]

    def ranking(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**item, "rank": rank} for rank, item in enumerate(items, start=1)]

    good = _score(data, ranking(true_ones + false_ones), entities)
    kind = good.by_kind["unactioned-suspect"]
    assert kind.recall_at(10) == pytest.approx(10 / 12)  # at most 10 of 12 fit in the top 10
    assert kind.recall_at(50) == 1.0 and kind.recall == 1.0
    assert good.precision_at(10) == 1.0 and good.precision_at(50) == pytest.approx(12 / 22)

    bad = _score(data, ranking(false_ones + true_ones), entities)
    kind = bad.by_kind["unactioned-suspect"]
    assert kind.recall_at(10) == 0.0
    assert kind.recall_at(50) == 1.0 and kind.recall == 1.0
    assert bad.precision_at(10) == 0.0
    assert bad.precision == good.precision


def test_recall_at_k_counts_within_the_kind_not_overall() -> None:
    data = _many_suspects(3)
    entities = [{"id": f"E{i}", "type": "person", "subjects": [f"INT-{i}/S1"]} for i in range(3)]
    others = [{"kind": "untraced-identifier", "rank": r, "entities": []} for r in range(1, 21)]
    found = [
        {"kind": "unactioned-suspect", "rank": 20 + i, "entities": [f"E{i}"]} for i in range(1, 3)
    ]
    kind = _score(data, others + found, entities).by_kind["unactioned-suspect"]
    assert kind.recall_at(10) == pytest.approx(2 / 3)


def test_predictions_without_rank_follow_the_ranked_in_file_order() -> None:
    items = [
        {"kind": "a", "id": "x"},
        {"kind": "a", "id": "y", "rank": 2},
        {"kind": "a", "id": "z", "rank": 1},
    ]
    assert [(rank, item["id"]) for rank, item in ranked(items)] == [(1, "z"), (2, "y"), (1, "x")]


def test_record_anchored_kinds_match_on_the_first_record() -> None:
    data = small_truth_data()
    anchored = opportunity_for(data["opportunities"][2], 1, "O-1")
    assert _score(data, [anchored]).by_kind["high-grade-intel-undeveloped"].matched == 1
    anchored["records"] = ["INT-000001", "INT-000002"]  # the anchor is not first
    assert _score(data, [anchored]).by_kind["high-grade-intel-undeveloped"].matched == 0


def test_the_kind_must_agree() -> None:
    data = small_truth_data()
    wrong = opportunity_for(data["opportunities"][0], 1, "O-1")
    wrong["kind"] = "network-associate"
    score = _score(data, [wrong])
    assert score.matched == 0 and score.by_kind["network-associate"].predicted == 1


def test_identifier_kinds_match_on_the_normalised_value() -> None:
    data = small_truth_data()
    entities = [{"id": "V1", "type": "vehicle", "identifiers": ["ab12 cde"]}]
    opportunity = {"kind": "untraced-identifier", "rank": 1, "entities": ["V1"]}
    assert _score(data, [opportunity], entities).matched == 1
    entities = [{"id": "V1", "type": "vehicle", "identifiers": ["AB12CDF"]}]
    assert _score(data, [opportunity], entities).matched == 0


def test_the_opportunity_is_about_its_first_entity_of_a_fitting_type() -> None:
    data = small_truth_data()
    entities = perfect_prediction(data).entities
    opportunity = {
        "kind": "untraced-identifier",
        "rank": 1,
        "entities": [entity_id("P0001"), entity_id("vehicle:AB12CDE")],
    }
    assert _score(data, [opportunity], entities).matched == 1


def test_cross_operation_link_matches_a_person_or_an_identifier() -> None:
    data = small_truth_data()
    data["opportunities"].append(
        {"kind": "cross-operation-link", "identifier": "vehicle:AB12CDE", "records": ["INT-000003"]}
    )
    opportunities = [
        {"kind": "cross-operation-link", "rank": 1, "entities": [entity_id("vehicle:AB12CDE")]},
        {"kind": "cross-operation-link", "rank": 2, "entities": [entity_id("P0004")]},
    ]
    kind = _score(data, opportunities).by_kind["cross-operation-link"]
    assert kind.truth == 2 and kind.matched == 2


def test_person_entities_map_by_strict_majority() -> None:
    truth = small_truth()
    entities = [
        {
            "id": "two-to-one",
            "type": "person",
            "subjects": ["INT-000001/S1", "INT-000002/S1", "ST-000005/S1"],
        },
        {"id": "tie", "type": "person", "subjects": ["INT-000001/S1", "ST-000005/S1"]},
        {
            "id": "mentions-decide",
            "type": "person",
            "subjects": ["ST-000005/S1", "NOT-IN-TRUTH/S1"],
            "mentions": [
                {"record": "INT-000003", "start": 11, "end": 14},  # "Taz", shifted by one
                {"record": "INT-000004", "start": 0, "end": 9},
            ],
        },
        {"id": "unknown", "type": "person", "subjects": ["NOT-IN-TRUTH/S1"]},
    ]
    targets = EntityTargets(truth, entities)
    assert targets.targets("two-to-one") == {"P0001"}
    assert targets.targets("tie") == frozenset()
    assert targets.targets("mentions-decide") == {"P0001"}
    assert targets.targets("unknown") == frozenset()
    assert targets.targets("no-such-entity") == frozenset()


def test_location_entities_map_by_mentions_and_records() -> None:
    truth = small_truth()
    entities = [
        {
            "id": "by-records",
            "type": "location",
            "records": ["INT-000001", "ST-000005", "INT-000009"],
        },
        {
            "id": "by-mention",
            "type": "location",
            "mentions": [{"record": "INT-000003", "start": 50, "end": 64}],
        },
        {
            "id": "wrong-place",
            "type": "location",
            "mentions": [{"record": "INT-000003", "start": 40, "end": 48}],
        },
    ]
    targets = EntityTargets(truth, entities)
    assert targets.targets("by-records") == {"location:L001"}
    assert targets.targets("by-mention") == {"location:L001"}
    assert (
        targets.targets("wrong-place") == frozenset()
    )  # a vehicle's span does not vote for a place


def test_an_untyped_entity_is_tried_as_every_type() -> None:
    targets = EntityTargets(small_truth(), [{"id": "X", "identifiers": ["+447700900123"]}])
    assert targets.targets("X") == {"phone:+447700900123"}
