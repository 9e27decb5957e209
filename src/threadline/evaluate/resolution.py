"""Person resolution scored over subject refs: pairwise and B-cubed, plus wrong merges.

Every measure here is computed from the contingency counts ``n[t, p]`` (how
many refs are in true person ``t`` and predicted cluster ``p``), never from the
pairs themselves, so it runs in time linear in the number of refs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from threadline.evaluate.truth import Truth


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True, slots=True)
class PairwiseScore:
    """Pair counts and the scores derived from them.

    Attributes:
        correct_pairs: pairs of refs together both in the truth and the prediction.
        predicted_pairs: pairs of refs together in the prediction.
        true_pairs: pairs of refs together in the truth.
    """

    correct_pairs: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float | None:
        """Correct over predicted pairs; ``None`` when nothing was put together."""
        return _ratio(self.correct_pairs, self.predicted_pairs)

    @property
    def recall(self) -> float | None:
        """Correct over true pairs; ``None`` when the truth has no pair."""
        return _ratio(self.correct_pairs, self.true_pairs)

    @property
    def f1(self) -> float | None:
        """``2·correct / (predicted + true)``: the harmonic mean where both are defined.

        This form stays defined when one side has no pairs, so all-singletons
        scores 0 (not "unknown") against a truth that has pairs.
        """
        return _ratio(2 * self.correct_pairs, self.predicted_pairs + self.true_pairs)


@dataclass(frozen=True, slots=True)
class BCubedScore:
    """B-cubed precision and recall: per-ref cluster overlap, averaged over refs."""

    precision: float | None
    recall: float | None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall."""
        if self.precision is None or self.recall is None:
            return None
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Contingency:
    """Refs counted per (true cluster, predicted cluster) cell, with both margins.

    Attributes:
        cells: (true label, predicted label) → refs in both.
        true_sizes: true label → refs.
        predicted_sizes: predicted label → refs.
    """

    cells: Counter[tuple[Hashable, Hashable]]
    true_sizes: Counter[Hashable]
    predicted_sizes: Counter[Hashable]

    @property
    def total(self) -> int:
        """Refs counted."""
        return self.true_sizes.total()


def contingency(
    true_labels: Sequence[Hashable], predicted_labels: Sequence[Hashable]
) -> Contingency:
    """Count refs per cell from two parallel label sequences, one entry per ref."""
    return Contingency(
        cells=Counter(zip(true_labels, predicted_labels, strict=True)),
        true_sizes=Counter(true_labels),
        predicted_sizes=Counter(predicted_labels),
    )


def pairwise(table: Contingency) -> PairwiseScore:
    """Pairwise counts from contingency counts, without enumerating pairs."""
    return PairwiseScore(
        correct_pairs=sum(_pairs(n) for n in table.cells.values()),
        predicted_pairs=sum(_pairs(n) for n in table.predicted_sizes.values()),
        true_pairs=sum(_pairs(n) for n in table.true_sizes.values()),
    )


def bcubed(table: Contingency) -> BCubedScore:
    """B-cubed from contingency counts.

    For a ref r in true cluster T and predicted cluster P, precision(r) is
    ``|T ∩ P| / |P|`` and recall(r) is ``|T ∩ P| / |T|``; the n refs of one cell
    share those values, hence ``Σ n²/|P|`` and ``Σ n²/|T|`` over cells, over N.
    """
    total = table.total
    if not total:
        return BCubedScore(None, None)
    true_sizes, predicted_sizes = table.true_sizes, table.predicted_sizes
    cells = table.cells.items()
    precision = sum(n * n / predicted_sizes[p] for (_, p), n in cells) / total
    recall = sum(n * n / true_sizes[t] for (t, _), n in cells) / total
    return BCubedScore(precision, recall)


@dataclass(frozen=True, slots=True)
class ResolutionScore:
    """How well subject refs were resolved into persons.

    Attributes:
        refs: subject refs the truth assigns to persons (the universe scored).
        true_persons: true persons with at least one subject ref.
        predicted_clusters: predicted clusters over those refs, singletons
            for unpredicted refs included.
        unpredicted_refs: refs of the truth found in no predicted entity
            (each scored as a cluster of its own).
        unknown_refs: subject refs in predicted entities that the truth does
            not know (not scored).
        pairwise: pairwise counts and scores.
        bcubed: B-cubed scores.
        mixed_clusters: predicted clusters holding refs of two or more true persons.
        merged_person_pairs: over predicted clusters, the pairs of distinct
            true persons each puts together (``Σ C(k, 2)``, k persons per cluster).
        decoy_pairs: similar-named person pairs the truth marks, or ``None``
            when it marks none.
        decoys_merged: the marked pairs some predicted cluster puts together.
    """

    refs: int
    true_persons: int
    predicted_clusters: int
    unpredicted_refs: int
    unknown_refs: int
    pairwise: PairwiseScore
    bcubed: BCubedScore
    mixed_clusters: int
    merged_person_pairs: int
    decoy_pairs: int | None
    decoys_merged: tuple[tuple[str, str], ...] | None


def cluster_of_subject(entities: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Subject ref → index of the first entity listing it.

    A ref listed by two entities is a fault of the prediction; the first
    listing wins so that each ref is in exactly one cluster.
    """
    # Later keys overwrite earlier ones, so walking backwards leaves the first listing.
    return {
        ref: index
        for index in range(len(entities) - 1, -1, -1)
        for ref in entities[index].get("subjects") or ()
    }


def score_resolution(truth: Truth, entities: Sequence[Mapping[str, Any]]) -> ResolutionScore:
    """Score predicted entities against the truth's persons over subject refs."""
    predicted = cluster_of_subject(entities)
    truth_of = truth.person_of_subject
    # A ref no entity lists is labelled by itself: a str never equals an entity's int label.
    predicted_labels: list[Hashable] = [predicted.get(ref, ref) for ref in truth_of]
    table = contingency(list(truth_of.values()), predicted_labels)
    persons_per_cluster = Counter(p for _, p in table.cells).values()
    return ResolutionScore(
        refs=table.total,
        true_persons=len(table.true_sizes),
        predicted_clusters=len(table.predicted_sizes),
        unpredicted_refs=len(truth_of.keys() - predicted.keys()),
        unknown_refs=len(predicted.keys() - truth_of.keys()),
        pairwise=pairwise(table),
        bcubed=bcubed(table),
        mixed_clusters=sum(1 for k in persons_per_cluster if k > 1),
        merged_person_pairs=sum(_pairs(k) for k in persons_per_cluster),
        decoy_pairs=None if truth.decoy_pairs is None else len(truth.decoy_pairs),
        decoys_merged=_decoys_merged(truth, table),
    )


def _decoys_merged(truth: Truth, table: Contingency) -> tuple[tuple[str, str], ...] | None:
    if truth.decoy_pairs is None:
        return None
    clusters_of: dict[Hashable, set[Hashable]] = {}
    for true_label, predicted_label in table.cells:
        clusters_of.setdefault(true_label, set()).add(predicted_label)
    return tuple(
        sorted(
            (a, b)
            for a, b in truth.decoy_pairs
            if not clusters_of.get(a, set()).isdisjoint(clusters_of.get(b, set()))
        )
    )
