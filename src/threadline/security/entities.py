"""Entities and mentions through the access layer: only what a principal's records support.

An entity is visible when at least one of its members lies in material the
principal may read: a subject or mention in a visible record, or a subject or
identifier of an action or event of an operation whose ungraded material the
principal may read. Everything shown about it (names, identifiers, records,
timeline, joins, neighbours) is computed from those visible members only, never
from the stored label, which may come from material the principal may not see.

An entity that is a victim anywhere (a victim subject, or a text mention
classified as a victim) is shown as ``[victim]`` to roles that may not see
victims, with no names, identifiers or joins.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, func, or_, select

from threadline.security.access import Access, RecordSummary, victim_entities
from threadline.security.policy import allowed_sharing
from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.store.models import Record, Subject

VICTIM_LABEL = "[victim]"


@dataclass(frozen=True)
class JoinView:
    left: str
    right: str
    source: str
    match_weight: float | None
    match_probability: float | None


@dataclass(frozen=True)
class Neighbour:
    id: str
    type: str
    label: str
    shared_records: int


@dataclass
class EntityView:
    id: str
    type: str
    label: str
    anonymised: bool
    names: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    records: list[RecordSummary] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    joins: list[JoinView] = field(default_factory=list)
    neighbours: list[Neighbour] = field(default_factory=list)


class EntityAccess:
    """Entity reads for one principal, on top of :class:`Access`."""

    def __init__(self, access: Access) -> None:
        self.access = access
        self.session = access.session

    def member_clause(self) -> ColumnElement[bool]:
        """SQL true for the entity members this principal may see."""
        visible_records = select(Record.id).where(self.access.record_clause())
        ungraded_ops = [
            op
            for op, relation in self.access.relations.items()
            if "ungraded" in allowed_sharing(self.access.principal.role, relation)
        ]
        return or_(
            EntityMember.record_id.in_(visible_records),
            and_(EntityMember.record_id.is_(None), EntityMember.operation_id.in_(ungraded_ops)),
        )

    def count(self) -> int:
        """How many entities this principal may see."""
        query = select(func.count(func.distinct(EntityMember.entity_id))).where(
            self.member_clause()
        )
        return int(self.session.scalar(query) or 0)

    def victims(self, entity_ids: Iterable[str]) -> set[str]:
        return victim_entities(self.session, entity_ids)

    def labels(self, entity_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(type, label) of each entity, from its visible members; victims anonymised."""
        ids = list(set(entity_ids))
        if not ids:
            return {}
        rows = self.session.execute(
            select(
                EntityMember.entity_id,
                Entity.type,
                Entity.key,
                EntityMember.kind,
                EntityMember.text,
                Subject.name,
            )
            .join(Entity, Entity.id == EntityMember.entity_id)
            .outerjoin(
                Subject, and_(EntityMember.kind == "subject", Subject.ref == EntityMember.ref)
            )
            .where(EntityMember.entity_id.in_(ids), self.member_clause())
        ).all()
        hide = set() if self.access.sees_victims else self.victims(ids)
        names: dict[str, Counter[str]] = {}
        types: dict[str, str] = {}
        keys: dict[str, str | None] = {}
        for entity_id, kind_of_entity, key, _kind, text, subject_name in rows:
            types[entity_id] = kind_of_entity
            keys[entity_id] = key
            name = subject_name if kind_of_entity == "person" else (text or subject_name)
            if name:
                names.setdefault(entity_id, Counter())[name] += 1
        out = {}
        for entity_id, kind_of_entity in types.items():
            if entity_id in hide:
                out[entity_id] = (kind_of_entity, VICTIM_LABEL)
                continue
            counted = names.get(entity_id)
            label = counted.most_common(1)[0][0] if counted else (keys[entity_id] or entity_id)
            if kind_of_entity != "person" and keys[entity_id]:
                label = keys[entity_id] or label
            out[entity_id] = (kind_of_entity, label)
        return out

    def entity(self, entity_id: str) -> EntityView | None:
        entity = self.session.get(Entity, entity_id)
        if entity is None:
            return None
        members = self.session.execute(
            select(
                EntityMember.kind,
                EntityMember.ref,
                EntityMember.record_id,
                EntityMember.operation_id,
                EntityMember.text,
                Subject.name,
                Subject.aliases,
                Subject.phones,
                Subject.vehicles,
            )
            .outerjoin(
                Subject, and_(EntityMember.kind == "subject", Subject.ref == EntityMember.ref)
            )
            .where(EntityMember.entity_id == entity_id, self.member_clause())
        ).all()
        if not members:
            return None
        anonymised = not self.access.sees_victims and bool(self.victims([entity_id]))
        type_label = self.labels([entity_id]).get(entity_id, (entity.type, entity_id))
        view = EntityView(
            id=entity.id, type=entity.type, label=type_label[1], anonymised=anonymised
        )
        record_ids = sorted({m.record_id for m in members if m.record_id})
        view.operations = sorted({m.operation_id for m in members if m.operation_id})
        view.records = _by_moment(self.access.records_by_id(record_ids))
        if anonymised:
            return view
        names: Counter[str] = Counter()
        for m in members:
            # A person's names are its subjects' names and aliases and its mentions; an
            # identifier's are only how it was written (its owner is a neighbour instead).
            values = (
                (m.name, m.text if m.kind == "mention" else None, *(m.aliases or []))
                if entity.type == "person"
                else (m.text,)
            )
            for value in values:
                if value:
                    names[str(value)] += 1
        view.names = [n for n, _ in names.most_common(20)]
        if entity.type != "person" and entity.key:
            view.identifiers = [entity.key]
        refs = {m.ref for m in members}
        joins = self.session.scalars(
            select(EntityLink).where(EntityLink.entity_id == entity_id)
        ).all()
        view.joins = [
            JoinView(j.left_ref, j.right_ref, j.source, j.match_weight, j.match_probability)
            for j in joins
            if j.left_ref in refs and j.right_ref in refs
        ]
        view.neighbours = self.neighbours(entity_id, record_ids)
        return view

    def neighbours(self, entity_id: str, record_ids: list[str], limit: int = 30) -> list[Neighbour]:
        """Entities sharing visible records with this one, most shared first."""
        if not record_ids:
            return []
        rows = self.session.execute(
            select(EntityMember.entity_id, func.count(func.distinct(EntityMember.record_id)))
            .where(
                EntityMember.record_id.in_(record_ids),
                EntityMember.entity_id != entity_id,
                self.member_clause(),
            )
            .group_by(EntityMember.entity_id)
            .order_by(func.count(func.distinct(EntityMember.record_id)).desc())
            .limit(limit)
        ).all()
        labels = self.labels([r[0] for r in rows])
        return [
            Neighbour(eid, *labels.get(eid, ("?", eid)), shared_records=int(n))
            for eid, n in rows
            if eid in labels
        ]

    def graph(self, entity_id: str) -> dict[str, list[dict[str, object]]] | None:
        """The entity and its neighbours as a link chart (nodes, edges by shared records)."""
        view = self.entity(entity_id)
        if view is None:
            return None
        neighbours = view.neighbours if not view.anonymised else []
        nodes: list[dict[str, object]] = [{"id": view.id, "label": view.label, "type": view.type}]
        nodes.extend({"id": n.id, "label": n.label, "type": n.type} for n in neighbours)
        edges: list[dict[str, object]] = [
            {
                "id": f"{view.id}|{n.id}",
                "source": view.id,
                "target": n.id,
                "weight": n.shared_records,
            }
            for n in neighbours
        ]
        return {"nodes": nodes, "edges": edges}


def _by_moment(records: list[RecordSummary]) -> list[RecordSummary]:
    return sorted(records, key=lambda r: (r.date or dt.date.min, r.id))


__all__ = ["EntityAccess", "EntityView", "JoinView", "Neighbour"]
