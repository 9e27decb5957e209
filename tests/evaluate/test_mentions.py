from __future__ import annotations

from typing import Any

import pytest

from threadline.evaluate.mentions import (
    SCORED_TYPES,
    match_spans,
    score_mentions,
    span_jaccard,
)
from threadline.evaluate.truth import TruthSpan

from .helpers import perfect_prediction, small_truth, small_truth_data


def _perfect_mentions() -> list[dict[str, Any]]:
    return perfect_prediction(small_truth_data()).mentions


def _only(mentions: list[dict[str, Any]], start: int) -> dict[str, Any]:
    (found,) = [m for m in mentions if m["start"] == start and m["record"] == "INT-000003"]
    return found


def test_perfect_mentions_score_one_for_every_type() -> None:
    score = score_mentions(small_truth(), _perfect_mentions())
    assert list(score.by_type) == list(SCORED_TYPES)
    expected_truth = {"person": 3, "vehicle": 1, "phone": 1, "location": 1}
    for type_, t in score.by_type.items():
        assert t.truth == expected_truth[type_]
        assert (t.recall, t.precision, t.f1) == (1.0, 1.0, 1.0)
    assert score.roles.accuracy == 1.0 and score.roles.compared == 3
    assert score.roles.confusion == {"suspect": {"suspect": 2}, "victim": {"victim": 1}}


def test_empty_prediction_recalls_nothing() -> None:
    score = score_mentions(small_truth(), [])
    for t in score.by_type.values():
        assert t.recall == 0.0 and t.precision is None and t.f1 == 0.0
    assert score.roles.accuracy is None


def test_a_span_shifted_by_one_still_matches_but_not_by_two() -> None:
    mentions = _perfect_mentions()
    taz = _only(mentions, 10)  # "Taz", 10..13
    taz["start"], taz["end"] = 11, 14  # overlap 2 of 4 positions: Jaccard 0.5
    assert score_mentions(small_truth(), mentions).by_type["person"].matched == 3
    taz["start"], taz["end"] = 12, 15  # overlap 1 of 5
    person = score_mentions(small_truth(), mentions).by_type["person"]
    assert person.matched == 2
    assert person.recall == pytest.approx(2 / 3) and person.precision == pytest.approx(2 / 3)


def test_a_mention_in_the_wrong_record_or_of_the_wrong_type_does_not_match() -> None:
    mentions = _perfect_mentions()
    _only(mentions, 40)["record"] = "INT-000004"  # the vehicle, in another record with truth spans
    _only(mentions, 50)["type"] = "organisation"  # the place, typed as something else
    score = score_mentions(small_truth(), mentions)
    vehicle, location = score.by_type["vehicle"], score.by_type["location"]
    assert vehicle.matched == 0 and vehicle.scored == 1 and vehicle.precision == 0.0
    assert location.matched == 0 and location.predicted == 0
    assert score.unscored_types == {"organisation": 1}


def test_duplicates_do_not_inflate_recall_and_cost_precision() -> None:
    mentions = _perfect_mentions()
    mentions.append(dict(_only(mentions, 40)))
    vehicle = score_mentions(small_truth(), mentions).by_type["vehicle"]
    assert vehicle.matched == 1 and vehicle.recall == 1.0
    assert vehicle.scored == 2 and vehicle.precision == 0.5


def test_records_without_truth_spans_do_not_count_against_precision() -> None:
    mentions = _perfect_mentions()
    mentions.append({"record": "DOC-FILE-ONLY", "start": 0, "end": 5, "type": "phone"})
    phone = score_mentions(small_truth(), mentions).by_type["phone"]
    assert phone.predicted == 2 and phone.scored == 1 and phone.precision == 1.0


def test_role_accuracy_and_confusion() -> None:
    mentions = _perfect_mentions()
    _only(mentions, 10)["role"] = "witness"  # truth says suspect
    _only(mentions, 30).pop("role")  # no predicted role: not compared
    roles = score_mentions(small_truth(), mentions).roles
    assert roles.compared == 2 and roles.correct == 1 and roles.accuracy == 0.5
    assert roles.confusion == {"suspect": {"suspect": 1, "witness": 1}}


def test_jaccard() -> None:
    assert span_jaccard(10, 13, 10, 13) == 1.0
    assert span_jaccard(10, 13, 11, 14) == 0.5
    assert span_jaccard(0, 4, 4, 8) == 0.0
    assert span_jaccard(0, 10, 0, 5) == 0.5
    assert span_jaccard(5, 5, 5, 5) == 1.0
    assert span_jaccard(5, 5, 6, 6) == 0.0


def _spans(*ranges: tuple[int, int]) -> list[TruthSpan]:
    return [TruthSpan("R", s, e, "person", f"P{i}") for i, (s, e) in enumerate(ranges)]


def test_matching_is_one_to_one_and_takes_the_best_overlap_first() -> None:
    truth = _spans((0, 10), (8, 18))
    # Predicted (8, 18) overlaps truth 1 exactly and truth 0 by 2/18; (0, 9) fits truth 0 best.
    assert sorted(match_spans(truth, [(8, 18), (0, 9)])) == [(0, 1), (1, 0)]
    # One predicted range can serve only one truth span.
    assert match_spans(_spans((0, 4), (0, 4)), [(0, 4)]) == [(0, 0)]


def test_matching_finds_a_long_prediction_starting_well_before_a_short_span() -> None:
    # Predicted (0, 10) against truth (5, 10): Jaccard exactly 0.5, the boundary case.
    assert match_spans(_spans((5, 10)), [(0, 10)]) == [(0, 0)]
    assert match_spans(_spans((5, 10)), [(0, 11)]) == []
