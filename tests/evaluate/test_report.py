from __future__ import annotations

import json

import pytest
from rich.console import Console

from threadline.errors import InputError
from threadline.evaluate import Prediction, evaluate

from .helpers import opportunity_for, perfect_prediction, small_truth, small_truth_data

TOP_KEYS = ["format", "version", "resolution", "mentions", "opportunities"]
RESOLUTION_KEYS = [
    "refs",
    "true_persons",
    "predicted_clusters",
    "unpredicted_refs",
    "unknown_refs",
    "pairwise",
    "bcubed",
    "mixed_clusters",
    "merged_person_pairs",
    "decoys",
]
TYPE_KEYS = ["truth", "predicted", "scored", "matched", "recall", "precision", "f1"]
KIND_KEYS = ["truth", "predicted", "matched", "recall_at_10", "recall_at_50", "recall", "precision"]
OVERALL_KEYS = [
    "truth",
    "predicted",
    "matched",
    "recall",
    "precision",
    "precision_at_10",
    "precision_at_50",
]


def _scores(node: object) -> list[float]:
    """Every value under a key naming a score, anywhere in the report."""
    found: list[float] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"precision", "recall", "f1", "accuracy"} or key.startswith(
                ("recall_at", "precision_at")
            ):
                if value is not None:
                    found.append(value)
            else:
                found.extend(_scores(value))
    return found


def test_a_perfect_prediction_scores_one_everywhere() -> None:
    report = json.loads(evaluate(small_truth(), perfect_prediction(small_truth_data())).to_json())
    scores = _scores(report)
    # Resolution 3 + 3; mentions 4 types x 3 + role accuracy; opportunities 4 overall
    # + 6 kinds with truth x 4 (the two kinds without truth score null).
    assert len(scores) == 6 + 13 + 4 + 24
    assert set(scores) == {1.0}
    assert report["opportunities"]["missed"] == []
    assert report["opportunities"]["near_misses"] == {"planted": 2, "raised": []}
    assert report["resolution"]["decoys"] == {"marked_pairs": 1, "merged_pairs": 0, "merged": []}


def test_json_keys_are_the_documented_ones_in_order() -> None:
    data = small_truth_data()
    report = json.loads(evaluate(small_truth(), perfect_prediction(data)).to_json())
    assert list(report) == TOP_KEYS
    assert report["format"] == "threadline-evaluation" and report["version"] == 1
    assert list(report["resolution"]) == RESOLUTION_KEYS
    assert list(report["resolution"]["pairwise"]) == [
        "precision",
        "recall",
        "f1",
        "correct_pairs",
        "predicted_pairs",
        "true_pairs",
    ]
    assert list(report["resolution"]["bcubed"]) == ["precision", "recall", "f1"]
    assert list(report["mentions"]) == ["by_type", "roles", "unscored_types"]
    assert list(report["mentions"]["by_type"]) == ["person", "vehicle", "phone", "location"]
    for entry in report["mentions"]["by_type"].values():
        assert list(entry) == TYPE_KEYS
    assert list(report["mentions"]["roles"]) == ["compared", "correct", "accuracy", "confusion"]
    assert list(report["opportunities"]) == ["overall", "by_kind", "near_misses", "missed"]
    assert list(report["opportunities"]["overall"]) == OVERALL_KEYS
    for entry in report["opportunities"]["by_kind"].values():
        assert list(entry) == KIND_KEYS


def test_an_empty_prediction_reports_zero_recall_and_null_precision() -> None:
    report = evaluate(small_truth(), Prediction()).to_dict()
    assert report["resolution"]["pairwise"]["recall"] == 0.0
    assert report["resolution"]["pairwise"]["precision"] is None
    person = report["mentions"]["by_type"]["person"]
    assert (person["recall"], person["precision"]) == (0.0, None)
    overall = report["opportunities"]["overall"]
    assert (overall["recall"], overall["precision"], overall["precision_at_10"]) == (
        0.0,
        None,
        None,
    )


def test_near_misses_raised_are_listed() -> None:
    data = small_truth_data()
    prediction = perfect_prediction(data)
    prediction.opportunities.append(opportunity_for(data["near_misses"][0], 7, "O-7"))
    report = evaluate(small_truth(), prediction).to_dict()
    assert report["opportunities"]["near_misses"]["raised"] == [
        {"kind": "unactioned-suspect", "about": "P0003", "prediction": "O-7", "rank": 7}
    ]


def test_the_rich_rendering_is_a_few_tables() -> None:
    data = small_truth_data()
    prediction = perfect_prediction(data)
    prediction.opportunities.append(opportunity_for(data["near_misses"][0], 7, "O-7"))
    console = Console(width=140, record=True)
    console.print(evaluate(small_truth(), prediction))
    text = console.export_text()
    for title in (
        "Person resolution",
        "Mentions by type",
        "Opportunities by kind",
        "Near-misses raised",
    ):
        assert title in text
    assert "high-grade-intel-undeveloped" in text and "P0003" in text


def test_evaluate_refuses_a_malformed_prediction_naming_the_item_and_field() -> None:
    prediction = perfect_prediction(small_truth_data())
    prediction.mentions[2]["start"] = "10"
    with pytest.raises(InputError) as caught:
        evaluate(small_truth(), prediction)
    assert caught.value.location.file == "prediction mentions"
    assert (caught.value.location.line, caught.value.location.field) == (3, "start")
