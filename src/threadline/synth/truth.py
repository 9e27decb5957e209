"""The reference check of ``opportunities.md`` over the true world.

The generator knows who every subject and every span really is. This module
applies the eight definitions, with the default thresholds, to those true
identities, so ``truth.json`` lists every opportunity the material holds,
planted or arisen by chance. It shares no code with threadline's detectors,
which it exists to measure.

Facts arrive one item at a time (:meth:`FactBook.add_record`,
:meth:`~FactBook.add_action`, :meth:`~FactBook.add_event`) and are kept as
compact per-entity and per-record aggregates, not as the items themselves,
so a world of hundreds of thousands of records fits in modest memory.

Readings of the definitions that the text leaves to the implementer:

- Days are whole days. A record's moment is the day of its ``received``,
  else of its ``date``. An action counts on the day it was ``raised``; an
  event on its ``date``. Items without the day a rule needs take no part in it.
- "Acted on in that window": a live action about the suspect raised in the
  window, or an acting event (for a person: arrest, interview, charge,
  conviction, disruption; for a vehicle or phone: trace) dated in it.
- A subject's ``phones`` and ``vehicles`` are that person's own, whatever the
  item (record, action or event) the subject belongs to.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
RECORD_KINDS = frozenset({"victim-disclosure-not-followed", "high-grade-intel-undeveloped"})

LIVE_STATUSES = frozenset({"allocated", "resulted", "referred"})
PERSON_ACTING_EVENTS = frozenset({"arrest", "interview", "charge", "conviction", "disruption"})
DISCLOSURE_KINDS = frozenset({"statement", "interview", "referral"})
PROTECTED_ROLES = frozenset({"victim", "witness", "reporter", "other"})


@dataclass(frozen=True)
class Thresholds:
    """The bracketed defaults of ``opportunities.md``."""

    suspect_records: int = 3
    operations: int = 2
    identifier_records: int = 2
    disclosure_days: int = 90
    hotspot_victims: int = 3
    nfa_later_records: int = 1
    high_grade_days: int = 28
    associate_records: int = 2


@dataclass(frozen=True)
class SubjectFact:
    """Who a subject truly is, in which role, and the true keys of its phones and vehicles."""

    person: str
    role: str
    phones: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()

    @property
    def own(self) -> tuple[str, ...]:
        return self.phones + self.vehicles


@dataclass(frozen=True)
class MentionFact:
    """A span naming a person (``P000123``, with the role the text gives) or an identifier."""

    key: str
    role: str | None = None


@dataclass(frozen=True)
class Opportunity:
    """One true opportunity (or near-miss), in the shape ``truth.json`` lists it."""

    kind: str
    records: tuple[str, ...]
    person: str | None = None
    identifier: str | None = None
    record: str | None = None
    operations: tuple[str, ...] = ()
    variant: str | None = None
    planted: bool = False

    @property
    def target(self) -> str:
        """What it is about: the anchoring record, or the person or identifier."""
        return self.record or self.person or self.identifier or ""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.person is not None:
            out["person"] = self.person
        if self.identifier is not None:
            out["identifier"] = self.identifier
        if self.record is not None:
            out["record"] = self.record
        out["records"] = list(self.records)
        if self.operations:
            out["operations"] = list(self.operations)
        if self.planted:
            out["planted"] = True
        if self.variant:
            out["variant"] = self.variant
        return out


def is_person(key: str) -> bool:
    return ":" not in key


def is_trackable(key: str) -> bool:
    """Vehicles and phones: the identifiers that can be traced."""
    return key.startswith(("vehicle:", "phone:"))


def _day(value: dt.date | None) -> int | None:
    return value.toordinal() if value is not None else None


@dataclass
class _Anchored:
    record: int
    kind: str
    identified: tuple[str, ...]


@dataclass
class FactBook:
    """The true world reduced to what the eight definitions need."""

    thresholds: Thresholds = field(default_factory=Thresholds)

    def __post_init__(self) -> None:
        self._index: dict[str, int] = {}
        self._ids: list[str] = []
        self._op: list[str] = []
        self._kind: list[str] = []
        self._moment: list[int | None] = []
        self._persons: list[tuple[str, ...]] = []
        self._victims: dict[int, tuple[str, ...]] = {}
        self._pairs: dict[int, tuple[str, ...]] = {}
        self._links: list[tuple[int, str]] = []
        self._anchored: list[_Anchored] = []
        self._involved: dict[str, list[int]] = {}
        self._suspect_in: dict[str, list[int]] = {}
        self._own_in: dict[str, dict[str, list[int]]] = {}
        self._owners: dict[str, set[str]] = {}
        self._victim_subjects: set[str] = set()
        self._acted: set[str] = set()
        self._acted_days: dict[str, list[int]] = {}
        self._charged: set[str] = set()
        self._nfa: dict[str, int] = {}
        self._stops: dict[str, list[int]] = {}
        self._location_stopped: set[str] = set()
        self._live_listing: dict[str, list[int]] = {}
        self._groups: list[tuple[str, tuple[str, ...]]] = []
        self._strings: dict[str, str] = {}

    # Intake -----------------------------------------------------------------

    def _intern(self, value: str) -> str:
        return self._strings.setdefault(value, value)

    def _involve(self, key: str, record: int) -> None:
        found = self._involved.setdefault(self._intern(key), [])
        if not found or found[-1] != record:
            found.append(record)

    def _own(self, subject: SubjectFact, record: int | None) -> None:
        for key in subject.own:
            per_person = self._own_in.setdefault(self._intern(subject.person), {})
            places = per_person.setdefault(self._intern(key), [])
            if record is not None and record not in places:
                places.append(record)
            self._owners.setdefault(key, set()).add(subject.person)

    def add_record(
        self,
        record_id: str,
        *,
        operation: str,
        kind: str,
        date: dt.date | None,
        received: dt.date | None,
        high_grade: bool = False,
        subjects: Sequence[SubjectFact] = (),
        mentions: Sequence[MentionFact] = (),
        locations: Sequence[str] = (),
        links: Sequence[str] = (),
    ) -> None:
        """Take in one record with the true identity of each subject and span."""
        idx = len(self._ids)
        self._index[record_id] = idx
        self._ids.append(record_id)
        self._op.append(self._intern(operation))
        self._kind.append(self._intern(kind))
        moment = _day(received) if received is not None else _day(date)
        self._moment.append(moment)
        persons: list[str] = []
        for subject in subjects:
            persons.append(subject.person)
            self._involve(subject.person, idx)
            for key in subject.own:
                self._involve(key, idx)
            self._own(subject, idx)
            if subject.role == "victim":
                self._victim_subjects.add(subject.person)
        for mention in mentions:
            self._involve(mention.key, idx)
            if is_person(mention.key):
                persons.append(mention.key)
        for key in locations:
            self._involve(key, idx)
        self._persons.append(tuple(sorted({self._intern(p) for p in persons})))
        suspects = {s.person for s in subjects if s.role == "suspect"}
        suspects |= {m.key for m in mentions if is_person(m.key) and m.role == "suspect"}
        if kind != "report":
            for person in suspects:
                self._suspect_in.setdefault(self._intern(person), []).append(idx)
        victims = tuple(sorted({s.person for s in subjects if s.role == "victim"}))
        if victims:
            self._victims[idx] = victims
        pair = tuple(sorted({s.person for s in subjects if s.role in ("suspect", "associate")}))
        if len(pair) >= 2:
            self._pairs[idx] = pair
        self._links.extend((idx, target) for target in links)
        identified = _identified(subjects, mentions)
        if moment is not None and identified:
            if kind in DISCLOSURE_KINDS and victims:
                self._anchored.append(_Anchored(idx, "victim-disclosure-not-followed", identified))
            elif kind == "intelligence" and high_grade:
                self._anchored.append(_Anchored(idx, "high-grade-intel-undeveloped", identified))

    def add_action(
        self,
        action_id: str,
        *,
        operation: str,
        status: str,
        raised: dt.date | None,
        records: Sequence[str] = (),
        subjects: Sequence[SubjectFact] = (),
        identifiers: Sequence[str] = (),
    ) -> None:
        """Take in one action; only a live one acts on anything or joins material."""
        for subject in subjects:
            self._own(subject, None)
            if subject.role == "victim":
                self._victim_subjects.add(subject.person)
        if status not in LIVE_STATUSES:
            return
        day = _day(raised)
        for key in [s.person for s in subjects] + list(identifiers):
            self._act(key, day)
        for record in records:
            if day is not None:
                self._live_listing.setdefault(record, []).append(day)
        if records:
            self._groups.append((self._intern(operation), tuple(records)))

    def add_event(
        self,
        event_id: str,
        *,
        operation: str,
        kind: str,
        date: dt.date | None,
        records: Sequence[str] = (),
        subjects: Sequence[SubjectFact] = (),
        identifiers: Sequence[str] = (),
        location: str | None = None,
    ) -> None:
        """Take in one event: who and what it is about, and what it did."""
        day = _day(date)
        persons = [s.person for s in subjects]
        for subject in subjects:
            self._own(subject, None)
            if subject.role == "victim":
                self._victim_subjects.add(subject.person)
        about = list(identifiers) + ([location] if location else [])
        if kind in PERSON_ACTING_EVENTS:
            for person in persons:
                self._act(person, day)
        if kind == "trace":
            for key in about:
                if is_trackable(key):
                    self._act(key, day)
        if kind in ("charge", "conviction"):
            self._charged.update(persons)
        if kind in ("nfa", "acquittal") and day is not None:
            for person in persons:
                self._nfa[person] = max(self._nfa.get(person, day), day)
        if kind in ("disruption", "charge", "conviction") and day is not None:
            for person in persons:
                self._stops.setdefault(person, []).append(day)
        if kind in ("disruption", "referral"):
            self._location_stopped.update(k for k in about if k.startswith("location:"))
        if records:
            self._groups.append((self._intern(operation), tuple(records)))

    def _act(self, key: str, day: int | None) -> None:
        key = self._intern(key)
        self._acted.add(key)
        if day is not None:
            self._acted_days.setdefault(key, []).append(day)

    # The check ----------------------------------------------------------------

    def record_ids(self) -> Iterable[str]:
        return iter(self._ids)

    def opportunities(self) -> list[Opportunity]:
        """Every opportunity of the eight kinds in the world, kinds in the spec's order."""
        for days in self._acted_days.values():
            days.sort()
        found: list[Opportunity] = []
        found += self._unactioned_suspects()
        found += self._cross_operation_links()
        found += self._untraced_identifiers()
        found += self._anchored_kind("victim-disclosure-not-followed")
        found += self._hotspots()
        found += self._after_nfa()
        found += self._anchored_kind("high-grade-intel-undeveloped")
        found += self._network_associates()
        return found

    def _names(self, records: Iterable[int]) -> tuple[str, ...]:
        return tuple(sorted({self._ids[r] for r in records}))

    def _unactioned_suspects(self) -> list[Opportunity]:
        out = []
        for person in sorted(self._suspect_in):
            records = set(self._suspect_in[person])
            if len(records) >= self.thresholds.suspect_records and person not in self._acted:
                out.append(Opportunity("unactioned-suspect", self._names(records), person=person))
        return out

    def _untraced_identifiers(self) -> list[Opportunity]:
        out = []
        for key in sorted(self._involved):
            if not is_trackable(key) or key in self._acted:
                continue
            records = set(self._involved[key])
            if len(records) >= self.thresholds.identifier_records:
                out.append(Opportunity("untraced-identifier", self._names(records), identifier=key))
        return out

    def _join_tables(self) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """Links (both ways) and the live-action/event groups each record is listed in."""
        links: dict[int, list[int]] = {}
        for source, target in self._links:
            other = self._index.get(target)
            if other is not None:
                links.setdefault(source, []).append(other)
                links.setdefault(other, []).append(source)
        groups: dict[int, list[int]] = {}
        for number, (_, records) in enumerate(self._groups):
            for record in records:
                idx = self._index.get(record)
                if idx is not None:
                    groups.setdefault(idx, []).append(number)
        return links, groups

    def _split_operations(
        self,
        records: set[int],
        links: dict[int, list[int]],
        groups: dict[int, list[int]],
    ) -> tuple[str, ...] | None:
        """The operations, if the records span enough of them and are not all joined.

        An operation's own records are all joined, so it is enough to join
        operations: through a link, through one live action or event listing
        records of both, or through a live action or event of one operation
        listing the other's record.
        """
        ops = {self._op[r] for r in records}
        if len(ops) < self.thresholds.operations:
            return None
        parent = {op: op for op in ops}

        def root(op: str) -> str:
            while parent[op] != op:
                parent[op] = parent[parent[op]]
                op = parent[op]
            return op

        def union(a: str, b: str) -> None:
            parent[root(a)] = root(b)

        for r in records:
            op = self._op[r]
            for other in links.get(r, ()):
                if other in records:
                    union(op, self._op[other])
            for number in groups.get(r, ()):
                group_op, listed = self._groups[number]
                if group_op in ops:
                    union(op, group_op)
                for name in listed:
                    other_idx = self._index.get(name)
                    if other_idx is not None and other_idx in records:
                        union(op, self._op[other_idx])
        if len({root(op) for op in ops}) > 1:
            return tuple(sorted(ops))
        return None

    def _cross_operation_links(self) -> list[Opportunity]:
        links, groups = self._join_tables()
        people: list[Opportunity] = []
        things: list[Opportunity] = []
        for key in sorted(self._involved):
            records = set(self._involved[key])
            ops = self._split_operations(records, links, groups)
            if ops is None:
                continue
            names = self._names(records)
            if is_person(key):
                people.append(
                    Opportunity("cross-operation-link", names, person=key, operations=ops)
                )
            else:
                things.append(
                    Opportunity("cross-operation-link", names, identifier=key, operations=ops)
                )
        linked = {o.person for o in people if o.person}
        kept = [o for o in things if not self._covered(o.identifier or "", linked)]
        return people + kept

    def _covered(self, key: str, linked_persons: set[str]) -> bool:
        """Whether one person with a cross-operation link is in every record involving ``key``."""
        records = set(self._involved[key])
        first = min(records)
        for person in self._persons[first]:
            if person in linked_persons and all(person in self._persons[r] for r in records):
                return True
        return False

    def _acted_within(self, key: str, start: int, end: int) -> bool:
        days = self._acted_days.get(key, [])
        i = bisect_left(days, start)
        return i < len(days) and days[i] <= end

    def _anchored_kind(self, kind: str) -> list[Opportunity]:
        window = (
            self.thresholds.disclosure_days
            if kind == "victim-disclosure-not-followed"
            else self.thresholds.high_grade_days
        )
        out = []
        for item in self._anchored:
            if item.kind != kind:
                continue
            start = self._moment[item.record]
            assert start is not None
            end = start + window
            rid = self._ids[item.record]
            if any(start <= d <= end for d in self._live_listing.get(rid, ())):
                continue
            if any(self._acted_within(s, start, end) for s in item.identified):
                continue
            out.append(Opportunity(kind, (rid,), record=rid))
        out.sort(key=lambda o: o.record or "")
        return out

    def _hotspots(self) -> list[Opportunity]:
        out = []
        for key in sorted(self._involved):
            if not key.startswith("location:") or key in self._location_stopped:
                continue
            with_victims = [r for r in set(self._involved[key]) if r in self._victims]
            victims = {v for r in with_victims for v in self._victims[r]}
            if len(victims) >= self.thresholds.hotspot_victims:
                out.append(
                    Opportunity("location-hotspot", self._names(with_victims), identifier=key)
                )
        return out

    def _after_nfa(self) -> list[Opportunity]:
        out = []
        for person in sorted(self._nfa):
            when = self._nfa[person]
            if any(d >= when for d in self._stops.get(person, ())):
                continue
            later = [
                r
                for r in set(self._involved.get(person, ()))
                if (m := self._moment[r]) is not None and m > when
            ]
            if len(later) >= self.thresholds.nfa_later_records:
                out.append(
                    Opportunity("no-disruption-after-nfa", self._names(later), person=person)
                )
        return out

    def _network_associates(self) -> list[Opportunity]:
        beside_charged: dict[str, set[int]] = {}
        for record, members in self._pairs.items():
            if any(m in self._charged for m in members):
                for member in members:
                    if member not in self._charged:
                        beside_charged.setdefault(member, set()).add(record)
        sharing: dict[str, set[int]] = {}
        for person, owned in self._own_in.items():
            for key, records in owned.items():
                if any(o != person and o in self._charged for o in self._owners.get(key, ())):
                    sharing.setdefault(person, set()).update(records)
        out = []
        for person in sorted(set(beside_charged) | set(sharing)):
            if person in self._victim_subjects or person in self._acted:
                continue
            together = beside_charged.get(person, set())
            shares = person in sharing
            if len(together) >= self.thresholds.associate_records or shares:
                evidence = together | sharing.get(person, set())
                out.append(Opportunity("network-associate", self._names(evidence), person=person))
        return out


def _identified(
    subjects: Sequence[SubjectFact], mentions: Sequence[MentionFact]
) -> tuple[str, ...]:
    """The suspects a record identifies: suspect subjects, and phones and vehicles
    that are not the own of a victim, witness, reporter or other subject."""
    protected = {k for s in subjects if s.role in PROTECTED_ROLES for k in s.own}
    found = {s.person for s in subjects if s.role == "suspect"}
    candidates = [k for s in subjects for k in s.own] + [
        m.key for m in mentions if is_trackable(m.key)
    ]
    found.update(k for k in candidates if k not in protected)
    return tuple(sorted(found))
