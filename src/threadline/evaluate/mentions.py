"""Mention extraction scored against the truth's spans, by type, and person roles.

A predicted mention matches a truth span when both are in the same record, of
the same type, and their character ranges overlap with a Jaccard index of at
least :data:`MIN_JACCARD`. Matching is one-to-one and greedy by overlap, so a
span found twice counts once.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from threadline.evaluate.truth import Truth, TruthSpan

#: Types the truth carries spans for, always reported even when empty.
SCORED_TYPES = ("person", "vehicle", "phone", "location")

#: Least overlap, as |A∩B| / |A∪B| over code-point positions, for a match.
MIN_JACCARD = 0.5


def span_jaccard(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """Jaccard index of two half-open ranges of positions; two equal empty ranges score 1."""
    inter = max(0, min(a_end, b_end) - max(a_start, b_start))
    union = (a_end - a_start) + (b_end - b_start) - inter
    if union == 0:
        return 1.0 if (a_start, a_end) == (b_start, b_end) else 0.0
    return inter / union


def _candidates(
    span: TruthSpan, starts: Sequence[int], spans: Sequence[tuple[int, int]]
) -> Iterable[tuple[float, int]]:
    """Predicted spans (sorted by start) that may reach the threshold with ``span``.

    A range that starts more than ``len(span)`` before the truth span has a
    union over twice the intersection, so only starts in
    ``[start - len, end]`` need a look.
    """
    length = span.end - span.start
    low = bisect_left(starts, span.start - length)
    high = bisect_left(starts, span.end + 1)
    for j in range(low, high):
        score = span_jaccard(span.start, span.end, *spans[j])
        if score >= MIN_JACCARD:
            yield score, j


def match_spans(
    truth_spans: Sequence[TruthSpan], predicted: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Match truth spans to predicted ranges of one record and type, one to one.

    Pairs are taken best overlap first; ties go to the earlier truth span, then
    the earlier predicted range, so the result does not depend on input order.

    Returns:
        ``(truth index, predicted index)`` pairs.
    """
    order = sorted(range(len(predicted)), key=lambda j: predicted[j])
    spans = [predicted[j] for j in order]
    starts = [s for s, _ in spans]
    candidates = [
        (-score, span.start, span.end, spans[j], i, order[j])
        for i, span in enumerate(truth_spans)
        for score, j in _candidates(span, starts, spans)
    ]
    candidates.sort()
    used_truth: set[int] = set()
    used_predicted: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for *_, i, j in candidates:
        if i in used_truth or j in used_predicted:
            continue
        used_truth.add(i)
        used_predicted.add(j)
        pairs.append((i, j))
    return pairs


def best_truth_span(
    truth: Truth, record: str, start: int, end: int, types: Iterable[str]
) -> TruthSpan | None:
    """The truth span of one of ``types`` in ``record`` that best overlaps a range.

    Not one-to-one: used to say which true person or place an entity's
    mention names, not to count matches.
    """
    wanted = set(types)
    best: TruthSpan | None = None
    best_score = MIN_JACCARD
    for span in truth.spans_by_record.get(record, ()):
        if span.type not in wanted:
            continue
        score = span_jaccard(span.start, span.end, start, end)
        if score > best_score or (best is None and score >= best_score):
            best, best_score = span, score
    return best


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Extraction of one mention type.

    Attributes:
        type: the mention type.
        truth: truth spans of this type.
        predicted: predicted mentions of this type, anywhere.
        scored: predicted mentions of this type in records that have truth spans.
        matched: one-to-one matches.
    """

    type: str
    truth: int
    predicted: int
    scored: int
    matched: int

    @property
    def recall(self) -> float | None:
        """Matched over truth spans; ``None`` without truth spans."""
        return self.matched / self.truth if self.truth else None

    @property
    def precision(self) -> float | None:
        """Matched over scored predictions; ``None`` without any."""
        return self.matched / self.scored if self.scored else None

    @property
    def f1(self) -> float | None:
        """``2·matched / (scored + truth)``."""
        total = self.scored + self.truth
        return 2 * self.matched / total if total else None


@dataclass(frozen=True, slots=True)
class RoleScore:
    """Roles of matched person mentions where both sides give one.

    Attributes:
        compared: matched person mentions with a truth role and a predicted role.
        correct: of those, how many roles agree.
        confusion: truth role → predicted role → count.
    """

    compared: int
    correct: int
    confusion: dict[str, dict[str, int]]

    @property
    def accuracy(self) -> float | None:
        """Correct over compared; ``None`` when nothing could be compared."""
        return self.correct / self.compared if self.compared else None


@dataclass(frozen=True, slots=True)
class MentionScore:
    """Extraction scores by type, roles, and counts of types the truth does not score."""

    by_type: dict[str, TypeScore]
    roles: RoleScore
    unscored_types: dict[str, int]


def _fields(mention: Mapping[str, Any]) -> tuple[str, int, int, str, str | None]:
    type_ = str(mention.get("type") or "").lower()
    role = mention.get("role")
    return mention["record"], mention["start"], mention["end"], type_, role


def score_mentions(truth: Truth, mentions: Sequence[Mapping[str, Any]]) -> MentionScore:
    """Score every predicted mention against the truth's spans.

    Precision counts only predictions in records that have at least one truth
    span of any type: a record whose text came only from a file has none, and
    what is extracted from it cannot be judged.
    """
    truth_groups: dict[tuple[str, str], list[TruthSpan]] = {}
    for span in truth.all_spans():
        truth_groups.setdefault((span.record, span.type), []).append(span)
    types = list(SCORED_TYPES) + sorted({t for _, t in truth_groups} - set(SCORED_TYPES))
    known_types = set(types)
    predicted_groups: dict[tuple[str, str], list[tuple[int, int, str | None]]] = {}
    predicted_count: Counter[str] = Counter()
    scored_count: Counter[str] = Counter()
    unscored: Counter[str] = Counter()
    for mention in mentions:
        record, start, end, type_, role = _fields(mention)
        if type_ not in known_types:
            unscored[type_ or "(none)"] += 1
            continue
        predicted_count[type_] += 1
        if record in truth.spans_by_record:
            scored_count[type_] += 1
            predicted_groups.setdefault((record, type_), []).append((start, end, role))
    matched: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = {}
    for (record, type_), truth_spans in truth_groups.items():
        predicted = predicted_groups.get((record, type_), [])
        pairs = match_spans(truth_spans, [(s, e) for s, e, _ in predicted])
        matched[type_] += len(pairs)
        if type_ != "person":
            continue
        for i, j in pairs:
            truth_role, predicted_role = truth_spans[i].role, predicted[j][2]
            if truth_role and predicted_role:
                confusion.setdefault(truth_role, Counter())[predicted_role] += 1
    truth_count = Counter(span.type for span in truth.all_spans())
    by_type = {
        t: TypeScore(t, truth_count[t], predicted_count[t], scored_count[t], matched[t])
        for t in types
    }
    compared = sum(sum(row.values()) for row in confusion.values())
    correct = sum(row[role] for role, row in confusion.items())
    roles = RoleScore(
        compared=compared,
        correct=correct,
        confusion={t: dict(sorted(row.items())) for t, row in sorted(confusion.items())},
    )
    return MentionScore(by_type=by_type, roles=roles, unscored_types=dict(sorted(unscored.items())))
