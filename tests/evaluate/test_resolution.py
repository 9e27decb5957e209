from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from threadline.evaluate import Truth
from threadline.evaluate.resolution import bcubed, contingency, pairwise, score_resolution

from .helpers import perfect_prediction, small_truth, small_truth_data


def _truth(clusters: dict[str, list[str]]) -> Truth:
    return Truth.from_dict({"persons": {p: {"subjects": refs} for p, refs in clusters.items()}})


def _entities(clusters: list[list[str]]) -> list[dict[str, Any]]:
    return [{"id": f"E{i}", "type": "person", "subjects": refs} for i, refs in enumerate(clusters)]


def test_perfect_resolution_scores_one() -> None:
    score = score_resolution(small_truth(), perfect_prediction(small_truth_data()).entities)
    assert score.pairwise.precision == score.pairwise.recall == score.pairwise.f1 == 1.0
    assert score.bcubed.precision == score.bcubed.recall == score.bcubed.f1 == 1.0
    assert score.mixed_clusters == 0 and score.merged_person_pairs == 0
    assert score.decoys_merged == ()
    assert (score.refs, score.true_persons, score.predicted_clusters) == (8, 4, 4)


def test_all_singletons() -> None:
    truth = small_truth()
    refs = list(truth.person_of_subject)
    score = score_resolution(truth, _entities([[r] for r in refs]))
    assert score.pairwise.recall == 0.0
    assert score.pairwise.precision is None  # nothing was put together
    assert score.pairwise.f1 == 0.0
    assert score.bcubed.precision == 1.0
    # Each ref recalls 1/|its person|: persons of 3, 2, 1, 2 refs → 4 persons over 8 refs.
    assert score.bcubed.recall == pytest.approx(4 / 8)


def test_an_empty_prediction_is_all_singletons() -> None:
    truth = small_truth()
    score = score_resolution(truth, [])
    assert score.unpredicted_refs == 8 and score.predicted_clusters == 8
    assert score.pairwise.recall == 0.0 and score.bcubed.recall == pytest.approx(0.5)


def test_all_in_one_cluster() -> None:
    truth = small_truth()
    score = score_resolution(truth, _entities([list(truth.person_of_subject)]))
    assert score.pairwise.recall == 1.0
    # True pairs 3 + 1 + 0 + 1 = 5 out of C(8, 2) = 28 predicted.
    assert score.pairwise.precision == pytest.approx(5 / 28)
    assert score.bcubed.recall == 1.0
    assert score.bcubed.precision == pytest.approx((9 + 4 + 1 + 4) / 64)
    assert score.mixed_clusters == 1
    assert score.merged_person_pairs == 6  # C(4, 2) pairs of persons in one cluster
    assert score.decoys_merged == (("P0001", "P0004"),)


def test_hand_computed_bcubed_and_pairwise() -> None:
    truth = _truth({"A": ["a1", "a2", "a3", "a4"], "B": ["b1"]})
    score = score_resolution(truth, _entities([["a1", "a2"], ["a3", "a4", "b1"]]))
    # precision per ref: a1 1, a2 1, a3 2/3, a4 2/3, b1 1/3 → 11/3 over 5
    assert score.bcubed.precision == pytest.approx(11 / 15)
    # recall per ref: a1..a4 each 2/4, b1 1 → 3 over 5
    assert score.bcubed.recall == pytest.approx(3 / 5)
    assert score.bcubed.f1 == pytest.approx(2 * (11 / 15) * (3 / 5) / (11 / 15 + 3 / 5))
    assert (score.pairwise.correct_pairs, score.pairwise.predicted_pairs) == (2, 4)
    assert score.pairwise.true_pairs == 6
    assert score.pairwise.precision == 0.5
    assert score.pairwise.recall == pytest.approx(1 / 3)
    assert score.pairwise.f1 == pytest.approx(0.4)


def test_unpredicted_refs_are_singletons_and_unknown_refs_are_ignored() -> None:
    truth = _truth({"A": ["a1", "a2", "a3"]})
    score = score_resolution(truth, _entities([["a1", "a2", "x9"], ["y1"]]))
    assert score.unpredicted_refs == 1 and score.unknown_refs == 2
    assert score.pairwise.correct_pairs == 1 and score.pairwise.true_pairs == 3
    assert score.pairwise.precision == 1.0


def test_a_ref_in_two_entities_belongs_to_the_first() -> None:
    truth = _truth({"A": ["a1", "a2"], "B": ["b1"]})
    score = score_resolution(truth, _entities([["a1", "a2"], ["a2", "b1"]]))
    assert score.pairwise.precision == 1.0 and score.pairwise.recall == 1.0


def test_merging_different_persons_without_decoy_marks() -> None:
    data = small_truth_data()
    del data["decoys"]
    truth = Truth.from_dict(data)
    entities = perfect_prediction(data).entities
    entities[0]["subjects"] += entities[1]["subjects"]  # P0001 with P0002
    entities[1]["subjects"] = []
    score = score_resolution(truth, entities)
    assert score.decoy_pairs is None and score.decoys_merged is None
    assert score.mixed_clusters == 1 and score.merged_person_pairs == 1


def test_merging_the_similar_named_pair_is_a_decoy_merge() -> None:
    data = small_truth_data()
    truth = Truth.from_dict(data)
    entities = perfect_prediction(data).entities
    entities[0]["subjects"] += ["INT-000007/S1"]  # one ref of P0004 joined to P0001
    score = score_resolution(truth, entities)
    assert score.decoy_pairs == 1
    assert score.decoys_merged == (("P0001", "P0004"),)
    entities = perfect_prediction(data).entities
    entities[0]["subjects"] += ["ST-000005/S1"]  # P0002 is not similar-named to P0001
    assert score_resolution(truth, entities).decoys_merged == ()


def _brute_force(true_labels: list[int], predicted_labels: list[int]) -> tuple[int, int, int]:
    correct = predicted = true = 0
    for i, j in combinations(range(len(true_labels)), 2):
        same_true = true_labels[i] == true_labels[j]
        same_predicted = predicted_labels[i] == predicted_labels[j]
        true += same_true
        predicted += same_predicted
        correct += same_true and same_predicted
    return correct, predicted, true


def _brute_force_bcubed(
    true_labels: list[int], predicted_labels: list[int]
) -> tuple[Fraction, Fraction]:
    n = len(true_labels)
    precision = recall = Fraction(0)
    for i in range(n):
        in_true = {j for j in range(n) if true_labels[j] == true_labels[i]}
        in_predicted = {j for j in range(n) if predicted_labels[j] == predicted_labels[i]}
        both = len(in_true & in_predicted)
        precision += Fraction(both, len(in_predicted))
        recall += Fraction(both, len(in_true))
    return precision / n, recall / n


labellings = st.integers(min_value=1, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


@given(labellings)
def test_pairwise_agrees_with_brute_force(labels: tuple[list[int], list[int]]) -> None:
    true_labels, predicted_labels = labels
    score = pairwise(contingency(true_labels, predicted_labels))
    assert (score.correct_pairs, score.predicted_pairs, score.true_pairs) == _brute_force(
        true_labels, predicted_labels
    )


@given(labellings)
def test_bcubed_agrees_with_brute_force(labels: tuple[list[int], list[int]]) -> None:
    true_labels, predicted_labels = labels
    score = bcubed(contingency(true_labels, predicted_labels))
    precision, recall = _brute_force_bcubed(true_labels, predicted_labels)
    assert score.precision == pytest.approx(float(precision))
    assert score.recall == pytest.approx(float(recall))


@given(labellings)
def test_score_resolution_agrees_with_brute_force(labels: tuple[list[int], list[int]]) -> None:
    true_labels, predicted_labels = labels
    refs = [f"R{i}" for i in range(len(true_labels))]
    persons: dict[str, list[str]] = {}
    clusters: dict[int, list[str]] = {}
    for ref, t, p in zip(refs, true_labels, predicted_labels, strict=True):
        persons.setdefault(f"P{t}", []).append(ref)
        clusters.setdefault(p, []).append(ref)
    score = score_resolution(_truth(persons), _entities(list(clusters.values())))
    pairs = score.pairwise
    assert (pairs.correct_pairs, pairs.predicted_pairs, pairs.true_pairs) == _brute_force(
        true_labels, predicted_labels
    )
