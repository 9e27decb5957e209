"""The terms of ``spec/opportunities.md``, computed once over the whole store.

:func:`load_material` reads the material (records, subjects, actions, events,
links) and the resolution (entities and their members) and derives what the
eight detectors share:

- which records *involve* an entity: its subjects, its text spans, and (for
  locations) a record's ``locations`` field; a subject's own ``phones`` and
  ``vehicles`` involve those too; a subject's home ``address`` does not;
- which actions and events are *about* an entity: their ``subjects`` (persons),
  their ``identifiers`` (vehicles, phones, places) and an event's ``location``;
- when an entity was *acted on*: a person by a live action about them or an
  ``arrest``/``interview``/``charge``/``conviction``/``disruption`` event; a
  vehicle or phone by a live action or a ``trace`` event;
- a record's *moment* (``received``, else ``date``) and the *suspects it
  identifies*.

Days are whole days (``date.toordinal()``). "Within N days after" a moment
includes both ends: a day ``d`` is in the window of moment ``m`` when
``m <= d <= m + N``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from threadline.analyse.changes import select_in
from threadline.domain.grading import Grading, GradingSystem, comparable
from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.store.mention_models import Mention
from threadline.store.models import (
    Action,
    ActionRecord,
    Event,
    EventRecord,
    Operation,
    Record,
    RecordLink,
    Subject,
)

LIVE_STATUSES = frozenset({"allocated", "resulted", "referred"})
PERSON_ACTING_EVENTS = frozenset({"arrest", "interview", "charge", "conviction", "disruption"})
IDENTIFIER_ACTING_EVENTS = frozenset({"trace"})
TRACEABLE = frozenset({"vehicle", "phone"})
DETECTED_TYPES = frozenset({"person", "vehicle", "phone", "location"})
PROTECTED_ROLES = frozenset({"victim", "witness", "reporter", "other"})
OWN_FIELDS = frozenset({"phones", "vehicles"})


def day(value: dt.date | None) -> int | None:
    return value.toordinal() if value is not None else None


def from_day(value: int) -> dt.date:
    return dt.date.fromordinal(value)


@dataclass(slots=True)
class RecordFacts:
    id: str
    operation: str
    kind: str | None
    date: dt.date | None
    received: dt.date | None
    grading: Grading | None
    subjects: list[tuple[str, str | None]] = field(default_factory=list)
    """(subject ref, role) of the record's subjects."""
    victims: set[str] = field(default_factory=set)
    """The persons (entity ids, or the subject ref when unresolved) of its victim subjects."""
    victim_names: dict[str, list[tuple[str | None, str | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """Victim person → the name and date of birth (ISO) of its victim subjects here."""
    identifiers: list[tuple[str, str | None]] = field(default_factory=list)
    """(vehicle/phone entity, subject ref or None for text) named in the record."""

    @property
    def moment(self) -> int | None:
        """When the record became known: ``received``, else ``date``; None when neither."""
        return day(self.received if self.received is not None else self.date)

    @property
    def reliability(self) -> float | None:
        return comparable(self.grading).reliability if self.grading else None

    @property
    def high_grade(self) -> bool:
        return bool(self.grading and comparable(self.grading).reliable_and_known)

    def grade_text(self) -> str:
        if not self.grading:
            return "ungraded"
        g = self.grading
        return (
            f"{g.system.value} {''.join(c or '?' for c in (g.source, g.intelligence, g.handling))}"
        )


@dataclass(slots=True)
class ItemFacts:
    """An action or an event: what it is, when, and which records it lists."""

    id: str
    operation: str
    kind: str
    """The event kind, or for an action its status."""
    day: int | None
    records: list[str] = field(default_factory=list)
    is_action: bool = False

    @property
    def live(self) -> bool:
        return self.is_action and self.kind in LIVE_STATUSES


@dataclass(slots=True)
class EntityFacts:
    id: str
    type: str
    label: str
    key: str | None
    stable_key: str = ""
    """What the entity is, independent of row order: type and normalised key,
    or for a person its smallest subject ref (else its first span)."""
    records: set[str] = field(default_factory=set)
    """Records that involve the entity."""
    roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Record → the roles its subjects have there."""
    text_roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Record → the roles the text gives its mentions there."""
    suspect_records: set[str] = field(default_factory=set)
    """Records where it is a suspect subject or a text mention classified suspect."""
    actions: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    """Actions and events about the entity."""
    own: set[str] = field(default_factory=set)
    """For a person: the phone and vehicle entities among its subjects' own."""
    owners: set[str] = field(default_factory=set)
    """For a phone or vehicle: the persons whose subjects list it as their own."""
    addresses: set[str] = field(default_factory=set)
    """For a person: location entities of its subjects' home addresses."""
    victim_subject: bool = False
    """A person who is a victim subject of a record, action or event."""
    subject_refs: set[str] = field(default_factory=set)
    mentions: int = 0
    """Text spans joined into the entity."""
    join_sources: set[str] = field(default_factory=set)
    weakest: tuple[float | None, float | None, str, str] | None = None
    """The weakest model join inside the entity: (weight, probability, left, right)."""


@dataclass
class Material:
    operations: dict[str, str | None]
    """Operation → its kind."""
    records: dict[str, RecordFacts]
    items: dict[str, ItemFacts]
    """Actions and events by id (ids are unique per file; actions are keyed ``action:``)."""
    entities: dict[str, EntityFacts]
    links: list[tuple[str, str]]
    subject_entity: dict[str, str]
    """Subject ref → its person entity."""
    live_listing: dict[str, list[int]] = field(default_factory=dict)
    """Record → the days live actions listing it were raised."""
    not_live_listing: dict[str, list[str]] = field(default_factory=dict)
    """Record → actions listing it that are not live ("A12 (cancelled)")."""
    acted_days: dict[str, list[int]] = field(default_factory=dict)
    """Entity → days it was acted on (sorted)."""
    acted: set[str] = field(default_factory=set)
    """Entities acted on at any time (with or without a date)."""
    latest_moment: int | None = None
    reference_day: int | None = None
    """The end (31 December) of the latest year a record's moment falls in: what
    "time unaddressed" is measured to. A year, not the day, so that adding a
    few later records re-scores nothing unless they open a new year."""

    def person_of(self, ref: str) -> str:
        return self.subject_entity.get(ref, ref)

    def acted_within(self, entity: str, start: int, end: int) -> bool:
        return any(start <= d <= end for d in self.acted_days.get(entity, ()))

    def events_about(self, entity: str, kinds: Iterable[str]) -> list[ItemFacts]:
        wanted = set(kinds)
        facts = self.entities.get(entity)
        if facts is None:
            return []
        return [self.items[e] for e in sorted(facts.events) if self.items[e].kind in wanted]

    def identified_suspects(self, record: RecordFacts) -> set[str]:
        """The suspects a record identifies (``opportunities.md``, "identifies a suspect").

        The persons of its suspect subjects, and every vehicle or phone in the
        record (its subjects' own, or its text) that is not the own of one of
        its subjects whose role is victim, witness, reporter or other.
        """
        found = {self.person_of(ref) for ref, role in record.subjects if role == "suspect"}
        protected = {
            entity
            for entity, ref in record.identifiers
            if ref is not None and dict(record.subjects).get(ref) in PROTECTED_ROLES
        }
        found.update(entity for entity, _ in record.identifiers if entity not in protected)
        return found


def _grading(
    system: str | None, source: str | None, intel: str | None, handling: str | None
) -> Grading | None:
    if system not in ("5x5x5", "3x5x2"):
        return None
    return Grading(GradingSystem(system), source, intel, handling)


def load_material(session: Session, around: Collection[str] | None = None) -> Material:
    """Read the store and derive the shared terms (see the module docstring).

    With ``around`` (entity ids), only what those entities need: every member
    of theirs, the records they are in with every member sitting there, the
    subjects and members that say who owns their phones, vehicles and homes,
    the actions and events about them. The facts of the ``around`` entities
    and of their records are then complete (exactly what a whole read gives
    them); other entities are present only as far as those records show them.
    """
    scope = None if around is None else _Scope.of(session, around)
    operations = {k: v for k, v in session.execute(select(Operation.id, Operation.kind))}
    records: dict[str, RecordFacts] = {}
    for rid, op, kind, date, received, gs, src, intel, hdl in _select(
        session,
        select(
            Record.id,
            Record.operation_id,
            Record.kind,
            Record.date,
            Record.received,
            Record.grading_system,
            Record.grading_source,
            Record.grading_intelligence,
            Record.grading_handling,
        ),
        Record.id,
        None if scope is None else scope.records,
    ):
        records[rid] = RecordFacts(rid, op, kind, date, received, _grading(gs, src, intel, hdl))
    items: dict[str, ItemFacts] = {}
    for aid, op, status, raised in _select(
        session,
        select(Action.id, Action.operation_id, Action.status, Action.raised),
        Action.id,
        None if scope is None else scope.actions,
    ):
        items["action:" + aid] = ItemFacts(aid, op, status or "", day(raised), is_action=True)
    for eid, op, kind, date in _select(
        session,
        select(Event.id, Event.operation_id, Event.kind, Event.date),
        Event.id,
        None if scope is None else scope.events,
    ):
        items["event:" + eid] = ItemFacts(eid, op, kind or "", day(date))
    for aid, ref in _select(
        session,
        select(ActionRecord.action_id, ActionRecord.record_ref),
        ActionRecord.action_id,
        None if scope is None else scope.actions,
    ):
        items["action:" + aid].records.append(ref)
    for eid, ref in _select(
        session,
        select(EventRecord.event_id, EventRecord.record_ref),
        EventRecord.event_id,
        None if scope is None else scope.events,
    ):
        items["event:" + eid].records.append(ref)
    link_rows = select(RecordLink.id, RecordLink.record_id, RecordLink.to_record)
    found_links = (
        session.execute(link_rows).all()
        if scope is None
        else {
            *_select(session, link_rows, RecordLink.record_id, scope.records),
            *_select(session, link_rows, RecordLink.to_record, scope.records),
        }
    )
    links = [(a, b) for _, a, b in sorted(found_links)]
    owner: dict[str, tuple[str, str | None]] = {}
    """Subject ref → (owner key: ``record:``/``action:``/``event:`` id, role)."""
    subject_rows = select(
        Subject.ref,
        Subject.record_id,
        Subject.action_id,
        Subject.event_id,
        Subject.role,
        Subject.name,
        Subject.dob,
    )
    found_subjects = (
        session.execute(subject_rows).all()
        if scope is None
        else [
            *_select(session, subject_rows, Subject.record_id, scope.records),
            *_select(session, subject_rows, Subject.ref, scope.subjects),
        ]
    )
    written: dict[str, tuple[str | None, str | None]] = {}
    """Victim subject ref → its name and date of birth."""
    for ref, s_record, s_action, s_event, role, name, dob in found_subjects:
        if ref in owner:
            continue
        if role == "victim":
            written[ref] = (name, dob.isoformat() if dob is not None else None)
        if s_record is not None:
            owner[ref] = ("record:" + s_record, role)
            if s_record in records:
                records[s_record].subjects.append((ref, role))
        elif s_action is not None:
            owner[ref] = ("action:" + s_action, role)
        else:
            owner[ref] = ("event:" + str(s_event), role)

    members = scope.members if scope is not None else _all_members(session)
    entities: dict[str, EntityFacts] = {}
    for eid, etype, label, key in _sorted(
        session,
        select(Entity.id, Entity.type, Entity.label, Entity.key),
        Entity.id,
        None if scope is None else {m[0] for m in members},
    ):  # in the order of their ids, whatever was read: detectors iterate them
        entities[eid] = EntityFacts(eid, etype, label, key)
    members = [m for m in members if m[0] in entities]
    mention_ids = {
        int(ref) for _, kind, ref, _, _ in members if kind == "mention" and ref.isdigit()
    }
    mentions: dict[str, tuple[str, str | None]] = {}
    if mention_ids:
        mention_rows = select(Mention.id, Mention.record_id, Mention.role)
        if scope is None:
            for mid, rid, role in session.execute(mention_rows):
                if mid in mention_ids:
                    mentions[str(mid)] = (rid, role)
        else:
            for mid, rid, role in _select(session, mention_rows, Mention.id, mention_ids):
                mentions[str(mid)] = (rid, role)

    subject_entity = {
        ref: eid
        for eid, kind, ref, via, _ in members
        if kind == "subject" and via is None and entities[eid].type == "person"
    }
    material = Material(operations, records, items, entities, links, subject_entity)
    for eid, kind, ref, via, member_record in members:
        _add_member(material, entities[eid], kind, ref, via, member_record, owner, mentions)
    for ref, (key, role) in owner.items():
        if role == "victim":
            person = subject_entity.get(ref)
            if person is not None:
                entities[person].victim_subject = True
            if key.startswith("record:") and key[7:] in records:
                records[key[7:]].victims.add(person or ref)
                records[key[7:]].victim_names[person or ref].append(written[ref])
    for eid, left, right, source, weight, probability in _select(
        session,
        select(
            EntityLink.entity_id,
            EntityLink.left_ref,
            EntityLink.right_ref,
            EntityLink.source,
            EntityLink.match_weight,
            EntityLink.match_probability,
        ),
        EntityLink.entity_id,
        None if scope is None else set(entities),
    ):
        facts = entities.get(eid)
        if facts is None:
            continue
        facts.join_sources.add(source)
        if source == "model" and probability is not None:
            current = facts.weakest
            if current is None or (current[1] is not None and probability < current[1]):
                facts.weakest = (weight, probability, left, right)
    for facts in entities.values():
        facts.stable_key = _stable_key(facts)
    _acted(material)
    if scope is None:
        moments = [m for r in records.values() if (m := r.moment) is not None]
        material.latest_moment = max(moments) if moments else None
    else:
        material.latest_moment = latest_moment(session)
    if material.latest_moment is not None:
        material.reference_day = day(dt.date(from_day(material.latest_moment).year, 12, 31))
    return material


Member = tuple[str, str, str, str | None, str | None]
"""(entity id, kind, ref, via, record id) of an ``entity_members`` row."""
_MEMBER_COLUMNS = (
    EntityMember.entity_id,
    EntityMember.kind,
    EntityMember.ref,
    EntityMember.via,
    EntityMember.record_id,
)


def _all_members(session: Session) -> list[Member]:
    query = select(*_MEMBER_COLUMNS).order_by(EntityMember.id)
    return [(e, k, r, v, rec) for e, k, r, v, rec in session.execute(query)]


def _select(session: Session, query: Any, column: Any, values: Collection[Any] | None) -> list[Any]:
    """The rows of ``query``; with ``values``, only those whose ``column`` is one of them."""
    if values is None:
        return list(session.execute(query).all())
    return select_in(session, query, column, values)


def _sorted(session: Session, query: Any, column: Any, values: Collection[Any] | None) -> list[Any]:
    """:func:`_select`, ordered by the first column."""
    return sorted(_select(session, query, column, values), key=lambda row: row[0])


def latest_moment(session: Session) -> int | None:
    """The latest moment (``received``, else ``date``) of any record, as a day."""
    found = session.execute(select(func.max(func.coalesce(Record.received, Record.date)))).scalar()
    if found is None:
        return None
    if isinstance(found, str):  # SQLite returns the aggregate as text
        found = dt.date.fromisoformat(found[:10])
    return day(found)


@dataclass
class _Scope:
    """What :func:`load_material` reads around some entities."""

    members: list[Member]
    records: set[str]
    subjects: set[str]
    actions: set[str]
    events: set[str]

    @classmethod
    def of(cls, session: Session, around: Collection[str]) -> _Scope:
        query = select(EntityMember.id, *_MEMBER_COLUMNS)
        rows: dict[int, Member] = {
            m[0]: tuple(m[1:]) for m in _select(session, query, EntityMember.entity_id, around)
        }
        own = list(rows.values())
        records = {m[4] for m in own if m[4] is not None}
        records |= {m[2] for m in own if m[1] == "record"}
        refs = {m[2] for m in own if m[1] in ("subject", "holder")}
        # Who else sits in those records, and who holds (or is held by) their subjects.
        for m in _select(session, query, EntityMember.record_id, records):
            rows.setdefault(m[0], tuple(m[1:]))
        holding = query.where(EntityMember.kind.in_(("subject", "holder")))  # the (kind, ref) index
        for m in _select(session, holding, EntityMember.ref, refs):
            rows.setdefault(m[0], tuple(m[1:]))
        members = [rows[k] for k in sorted(rows)]
        refs |= {m[2] for m in members if m[1] in ("subject", "holder")}
        owners = _select(
            session,
            select(Subject.ref, Subject.action_id, Subject.event_id),
            Subject.ref,
            refs,
        )
        actions = {m[2] for m in members if m[1] == "action"} | {a for _, a, _ in owners if a}
        events = {m[2] for m in members if m[1] == "event"} | {e for _, _, e in owners if e}
        # The actions and events listing those records (they join operations, or follow up).
        listing = select(ActionRecord.action_id)
        actions.update(a for (a,) in select_in(session, listing, ActionRecord.record_ref, records))
        listing = select(EventRecord.event_id)
        events.update(e for (e,) in select_in(session, listing, EventRecord.record_ref, records))
        return cls(members, records, refs, actions, events)


def _add_member(
    material: Material,
    entity: EntityFacts,
    kind: str,
    ref: str,
    via: str | None,
    member_record: str | None,
    owner: dict[str, tuple[str, str | None]],
    mentions: dict[str, tuple[str, str | None]],
) -> None:
    records = material.records
    if kind == "holder" or (kind == "subject" and via is not None):
        kind = "subject"  # a subject holding this identifier or place as its own
    if kind == "subject":
        found = owner.get(ref)
        if found is None:
            return
        key, role = found
        if via is None:
            entity.subject_refs.add(ref)
        if via == "address":
            person = material.subject_entity.get(ref)
            if person is not None:
                material.entities[person].addresses.add(entity.id)
            return  # a home address does not make anything involve the place
        if via in OWN_FIELDS:
            person = material.subject_entity.get(ref)
            if person is not None:
                material.entities[person].own.add(entity.id)
                entity.owners.add(person)
        if key.startswith("record:"):
            rid = key[7:]
            if rid not in records:
                return
            entity.records.add(rid)
            if via is None:
                entity.roles[rid].add(role or "other")
                if role == "suspect" and records[rid].kind != "report":
                    entity.suspect_records.add(rid)
            elif via in OWN_FIELDS and entity.type in TRACEABLE:
                records[rid].identifiers.append((entity.id, ref))
        elif via is None:
            # A person named as a subject of an action or event: that item is about them.
            (entity.actions if key.startswith("action:") else entity.events).add(key)
    elif kind == "mention":
        m_record, m_role = mentions.get(ref, (member_record, None))
        if m_record is None or m_record not in records:
            return
        entity.mentions += 1
        entity.records.add(m_record)
        if entity.type == "person":
            entity.text_roles[m_record].add(m_role or "other")
            if m_role == "suspect" and records[m_record].kind != "report":
                entity.suspect_records.add(m_record)
        elif entity.type in TRACEABLE:
            records[m_record].identifiers.append((entity.id, None))
    elif kind == "record":
        if via == "locations" and ref in records:
            entity.records.add(ref)
    elif kind == "action":
        entity.actions.add("action:" + ref)
    elif kind == "event":
        entity.events.add("event:" + ref)


def _stable_key(facts: EntityFacts) -> str:
    if facts.type != "person" and facts.key:
        return f"{facts.type}:{facts.key}"
    if facts.subject_refs:
        return f"{facts.type}:{min(facts.subject_refs)}"
    return f"{facts.type}:{facts.id}"


def _acted(material: Material) -> None:
    """Who and what was acted on, and on which days."""
    days: dict[str, list[int]] = defaultdict(list)
    for facts in material.entities.values():
        if facts.type == "person":
            acting = PERSON_ACTING_EVENTS
        elif facts.type in TRACEABLE:
            acting = IDENTIFIER_ACTING_EVENTS
        else:
            continue
        for key in facts.actions:
            item = material.items[key]
            if item.live:
                material.acted.add(facts.id)
                if item.day is not None:
                    days[facts.id].append(item.day)
        for key in facts.events:
            item = material.items[key]
            if item.kind in acting:
                material.acted.add(facts.id)
                if item.day is not None:
                    days[facts.id].append(item.day)
    material.acted_days = {k: sorted(v) for k, v in days.items()}
    listing: dict[str, list[int]] = defaultdict(list)
    not_live: dict[str, list[str]] = defaultdict(list)
    for item in material.items.values():
        if item.live and item.day is not None:
            for ref in item.records:
                listing[ref].append(item.day)
        elif item.is_action and not item.live:
            for ref in item.records:
                not_live[ref].append(f"{item.id} ({item.kind or 'no status'})")
    material.live_listing = dict(listing)
    material.not_live_listing = dict(not_live)
