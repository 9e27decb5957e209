"""Opportunity detection scored against the truth: recall at cut-offs, precision, near-misses.

A predicted opportunity matches a true one of the same kind that is about the
same thing: the same anchoring record for the record-anchored kinds, the same
true person or identifier for the others. The prediction names entities, not
true persons, so each entity is first mapped to the truth through its subject
refs, mentions, identifiers and records (:class:`EntityTargets`). Matching is
one-to-one and goes down the ranking, so a duplicate lower down never takes a
match from the one above it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from threadline.evaluate.mentions import best_truth_span
from threadline.evaluate.truth import Truth, TruthOpportunity, canonical_identifier

#: The kinds of ``spec/opportunities.md``, in its order; always reported.
KINDS = (
    "unactioned-suspect",
    "cross-operation-link",
    "untraced-identifier",
    "victim-disclosure-not-followed",
    "location-hotspot",
    "no-disruption-after-nfa",
    "high-grade-intel-undeveloped",
    "network-associate",
)

#: Kinds about a record; the record is the first of the opportunity's ``records``.
RECORD_KINDS = frozenset({"victim-disclosure-not-followed", "high-grade-intel-undeveloped"})

#: For entity kinds, the entity types an opportunity of that kind can be about.
#: The first of its ``entities`` of such a type is what it is about; kinds not
#: listed (``cross-operation-link``) take the first entity of any type.
ENTITY_TYPES = {
    "unactioned-suspect": frozenset({"person"}),
    "no-disruption-after-nfa": frozenset({"person"}),
    "network-associate": frozenset({"person"}),
    "untraced-identifier": frozenset({"vehicle", "phone"}),
    "location-hotspot": frozenset({"location"}),
}

#: The cut-offs at which recall (per kind) and precision (overall) are reported.
CUTOFFS = (10, 50)


def _majority(votes: Counter[str]) -> str | None:
    """The key holding more than half of the votes, if any."""
    if not votes:
        return None
    (key, count), *_ = votes.most_common(1)
    return key if 2 * count > votes.total() else None


class EntityTargets:
    """Maps predicted entities to the true persons and identifiers they are.

    - A person entity is the true person holding a strict majority of the
      votes of its subject refs and its mentions (a mention votes for the true
      person whose span it overlaps best, Jaccard ≥ 0.5); refs and mentions
      the truth does not know do not vote.
    - A vehicle or phone entity is every true identifier whose value is among
      its ``identifiers`` (spacing and case aside), and also the majority of
      its mentions' votes.
    - A location entity is the majority of the votes of its mentions and of
      its ``records`` (each record votes for every true location its
      ``locations`` field names).
    - An entity without a ``type`` is tried as each of these.
    """

    def __init__(self, truth: Truth, entities: Sequence[Mapping[str, Any]]) -> None:
        self.truth = truth
        self.entities = {str(e["id"]): e for e in reversed(entities)}
        self.identifier_types = frozenset(i.type for i in truth.identifiers.values())
        self._cache: dict[str, frozenset[str]] = {}

    def type_of(self, entity_id: str) -> str | None:
        """The entity's type, or ``None`` when it has none or is unknown."""
        entity = self.entities.get(entity_id)
        type_ = entity.get("type") if entity else None
        return type_.lower() if isinstance(type_, str) else None

    def targets(self, entity_id: str) -> frozenset[str]:
        """Person ids and identifier keys the entity is, possibly none."""
        if entity_id not in self._cache:
            entity = self.entities.get(entity_id)
            self._cache[entity_id] = frozenset(self._resolve(entity)) if entity else frozenset()
        return self._cache[entity_id]

    def _resolve(self, entity: Mapping[str, Any]) -> Iterable[str]:
        type_ = self.type_of(str(entity["id"]))
        if type_ in (None, "person"):
            votes = Counter(
                person
                for ref in entity.get("subjects") or ()
                if (person := self.truth.person_of_subject.get(ref)) is not None
            )
            votes.update(self._mention_votes(entity, ("person",)))
            if (person := _majority(votes)) is not None:
                yield person
        if type_ == "person":
            return
        types = self.identifier_types if type_ is None else frozenset({type_})
        for value in entity.get("identifiers") or ():
            for ident_type in types:
                key = self.truth.identifier_by_value.get((ident_type, canonical_identifier(value)))
                if key is not None:
                    yield key
        votes = Counter(self._mention_votes(entity, types))
        if type_ in (None, "location"):
            for record in entity.get("records") or ():
                votes.update(self.truth.locations_of_record.get(record, ()))
        if (key := _majority(votes)) is not None:
            yield key

    def _mention_votes(self, entity: Mapping[str, Any], types: Iterable[str]) -> Iterable[str]:
        wanted = tuple(types)
        for mention in entity.get("mentions") or ():
            span = best_truth_span(
                self.truth, mention["record"], mention["start"], mention["end"], wanted
            )
            if span is not None:
                yield span.key


@dataclass(frozen=True, slots=True)
class KindScore:
    """Detection of one kind.

    Attributes:
        kind: the opportunity kind.
        truth: true opportunities of this kind.
        predicted: predicted opportunities of this kind.
        matched: predictions of this kind matched to a true one (one to one).
        found_at: cut-off k → true ones matched by the top k predictions of this kind.
    """

    kind: str
    truth: int
    predicted: int
    matched: int
    found_at: dict[int, int]

    def recall_at(self, k: int) -> float | None:
        """Share of this kind's true opportunities found in its top ``k`` predictions."""
        return self.found_at[k] / self.truth if self.truth else None

    @property
    def recall(self) -> float | None:
        """Share of this kind's true opportunities found at all."""
        return self.matched / self.truth if self.truth else None

    @property
    def precision(self) -> float | None:
        """Share of this kind's predictions that are true."""
        return self.matched / self.predicted if self.predicted else None


@dataclass(frozen=True, slots=True)
class Raised:
    """A prediction matched to a truth entry (a true opportunity or a near-miss).

    Attributes:
        kind: the kind.
        about: what the truth entry is about: person id, identifier key, or
            anchoring record for record-anchored kinds.
        prediction: the predicted opportunity's ``id``, if it has one.
        rank: its rank (its 1-based position when it has no ``rank``).
    """

    kind: str
    about: str
    prediction: str | None
    rank: int | float


@dataclass(frozen=True, slots=True)
class Missed:
    """A true opportunity no prediction matched: its kind and what it is about."""

    kind: str
    about: str


@dataclass(frozen=True, slots=True)
class OpportunityScore:
    """Opportunity detection across kinds.

    Attributes:
        by_kind: scores per kind, the eight of the spec first.
        truth: true opportunities.
        predicted: predicted opportunities.
        matched: predictions matched to true opportunities.
        matched_at: cut-off k → matched among the top k predictions overall.
        missed: true opportunities no prediction matched.
        near_misses: planted near-misses in the truth.
        near_misses_raised: predictions that match a near-miss (and no true one).
    """

    by_kind: dict[str, KindScore]
    truth: int
    predicted: int
    matched: int
    matched_at: dict[int, int]
    missed: tuple[Missed, ...]
    near_misses: int
    near_misses_raised: tuple[Raised, ...]

    def precision_at(self, k: int) -> float | None:
        """Share of the top ``k`` predictions overall that are true."""
        shown = min(k, self.predicted)
        return self.matched_at[k] / shown if shown else None

    @property
    def recall(self) -> float | None:
        """Share of all true opportunities found."""
        return self.matched / self.truth if self.truth else None

    @property
    def precision(self) -> float | None:
        """Share of all predictions that are true."""
        return self.matched / self.predicted if self.predicted else None


def _about(entry: TruthOpportunity) -> frozenset[str]:
    if entry.kind in RECORD_KINDS:
        return frozenset({entry.anchor}) if entry.anchor is not None else frozenset()
    return entry.targets


def _label(entry: TruthOpportunity) -> str:
    return ", ".join(sorted(_about(entry))) or "(nothing)"


class _Ledger:
    """Truth entries of one list, indexed by (kind, key), each matched at most once."""

    def __init__(self, entries: Sequence[TruthOpportunity]) -> None:
        self.entries = entries
        self.index: dict[tuple[str, str], list[int]] = {}
        for i, entry in enumerate(entries):
            for key in sorted(_about(entry)):
                self.index.setdefault((entry.kind, key), []).append(i)
        self.used: set[int] = set()

    def take(self, kind: str, keys: Iterable[str]) -> TruthOpportunity | None:
        """The first unmatched entry of ``kind`` about one of ``keys``, now matched."""
        candidates = sorted(
            {i for key in keys for i in self.index.get((kind, key), ())} - self.used
        )
        if not candidates:
            return None
        self.used.add(candidates[0])
        return self.entries[candidates[0]]


def ranked(
    opportunities: Sequence[Mapping[str, Any]],
) -> list[tuple[int | float, Mapping[str, Any]]]:
    """Predictions best first with their ranks.

    Ordered by ``rank``, equal ranks in file order; predictions without a rank
    come after the ranked ones, in file order, and take their 1-based position
    as their rank.
    """
    keyed: list[tuple[tuple[bool, int | float, int], int | float, Mapping[str, Any]]] = []
    for position, item in enumerate(opportunities, start=1):
        rank = item.get("rank")
        shown: int | float = position if rank is None else rank
        keyed.append(((rank is None, 0 if rank is None else rank, position), shown, item))
    keyed.sort(key=lambda entry: entry[0])
    return [(shown, item) for _, shown, item in keyed]


def _keys_of(opportunity: Mapping[str, Any], targets: EntityTargets) -> frozenset[str]:
    """What a prediction is about, in truth keys (see the module docstring)."""
    kind = str(opportunity["kind"])
    if kind in RECORD_KINDS:
        records = opportunity.get("records") or []
        return frozenset(records[:1])
    allowed = ENTITY_TYPES.get(kind)
    for entity_id in opportunity.get("entities") or ():
        type_ = targets.type_of(entity_id)
        if allowed is None or type_ is None or type_ in allowed:
            return targets.targets(entity_id)
    return frozenset()


def score_opportunities(
    truth: Truth,
    opportunities: Sequence[Mapping[str, Any]],
    entities: Sequence[Mapping[str, Any]],
) -> OpportunityScore:
    """Score predicted opportunities (with the entities they name) against the truth."""
    targets = EntityTargets(truth, entities)
    true_ledger = _Ledger(truth.opportunities)
    near_ledger = _Ledger(truth.near_misses)
    predicted_of: Counter[str] = Counter()
    matched_of: Counter[str] = Counter()
    found_at: dict[str, Counter[int]] = {}
    matched_at: Counter[int] = Counter()
    near_raised: list[Raised] = []
    for position, (rank, item) in enumerate(ranked(opportunities)):
        kind = str(item["kind"])
        within_kind = predicted_of[kind]
        predicted_of[kind] += 1
        keys = _keys_of(item, targets)
        entry = true_ledger.take(kind, keys)
        if entry is not None:
            matched_of[kind] += 1
            for k in CUTOFFS:
                found_at.setdefault(kind, Counter())[k] += within_kind < k
                matched_at[k] += position < k
            continue
        near = near_ledger.take(kind, keys)
        if near is not None:
            near_raised.append(Raised(kind, _label(near), _id_of(item), rank))
    truth_of = Counter(entry.kind for entry in truth.opportunities)
    kinds = list(KINDS) + sorted((set(truth_of) | set(predicted_of)) - set(KINDS))
    by_kind = {
        kind: KindScore(
            kind=kind,
            truth=truth_of[kind],
            predicted=predicted_of[kind],
            matched=matched_of[kind],
            found_at={k: found_at.get(kind, Counter())[k] for k in CUTOFFS},
        )
        for kind in kinds
    }
    missed = tuple(
        Missed(entry.kind, _label(entry))
        for i, entry in enumerate(truth.opportunities)
        if i not in true_ledger.used
    )
    return OpportunityScore(
        by_kind=by_kind,
        truth=len(truth.opportunities),
        predicted=len(opportunities),
        matched=sum(matched_of.values()),
        matched_at={k: matched_at[k] for k in CUTOFFS},
        missed=missed,
        near_misses=len(truth.near_misses),
        near_misses_raised=tuple(near_raised),
    )


def _id_of(item: Mapping[str, Any]) -> str | None:
    value = item.get("id")
    return str(value) if value is not None else None
