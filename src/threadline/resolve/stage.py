"""The ``resolve`` stage: subjects (and text mentions) into entities, with the evidence.

People go through the Splink model (``people.py``) and the constrained
clustering (``cluster.py``); identifiers and places join on normalised keys
(``identifiers.py``). The stage is incremental: when subjects were only added
since the last run, and no judgement changed, the new subjects are scored
against each other and against the existing ones, and only the entities they
touch are rewritten. Anything else (a changed subject, a new judgement, no
saved model) runs in full. See docs/resolution.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from threadline.analyse.stage import StageProgress, StageReport
from threadline.resolve import people
from threadline.resolve.backends import make_backend
from threadline.resolve.cluster import cluster
from threadline.resolve.features import PersonFeatures, SubjectRow, person_features
from threadline.resolve.identifiers import (
    Occurrence,
    classify,
    entity_id,
    group_identifiers,
    group_places,
)
from threadline.resolve.judgements import SAME, active_constraints, judgement_state
from threadline.resolve.mentions import MentionRow, join_person_mentions, read_mentions
from threadline.store.entity_models import Entity, EntityLink, EntityMember, ResolutionRun
from threadline.store.models import (
    Action,
    ActionIdentifier,
    Event,
    EventIdentifier,
    Record,
    RecordLocation,
    Subject,
)
from threadline.workspace import Workspace

MODEL_FILE = Path("analysis") / "resolve" / "person-model.json"
KEYED_TYPES = ("vehicle", "phone", "email", "location", "organisation")


def model_path(workspace: Workspace) -> Path:
    return workspace.path / MODEL_FILE


@dataclass
class PersonEdge:
    left: int
    right: int
    weight: float
    probability: float
    evidence: dict[str, Any]


def read_subjects(session: Session) -> list[SubjectRow]:
    """Every subject with its owner's operation, record and date."""
    operation = func.coalesce(Record.operation_id, Action.operation_id, Event.operation_id)
    owner_date = func.coalesce(Record.date, Record.received, Action.raised, Event.date)
    query = (
        select(Subject, operation, owner_date)
        .outerjoin(Record, Subject.record_id == Record.id)
        .outerjoin(Action, Subject.action_id == Action.id)
        .outerjoin(Event, Subject.event_id == Event.id)
        .order_by(Subject.ref)
    )
    rows = []
    for subject, operation_id, date in session.execute(query):
        if isinstance(date, str):  # SQLite hands back text through coalesce
            date = dt.date.fromisoformat(date[:10])
        rows.append(
            SubjectRow(
                ref=subject.ref,
                name=subject.name,
                aliases=subject.aliases or (),
                dob=subject.dob,
                age=subject.age,
                gender=subject.gender,
                address=subject.address,
                postcode=subject.postcode,
                phones=subject.phones or (),
                vehicles=subject.vehicles or (),
                nominal=subject.nominal,
                operation=operation_id,
                record_id=subject.record_id,
                owner_date=date,
                role=subject.role,
            )
        )
    return rows


def _evidence(row: dict[str, Any], levels: dict[str, list[tuple[float, str]]]) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    for name, options in levels.items():
        weight = row.get(f"mw_{name}")
        if weight is None or weight == 0.0 or not options:
            continue  # missing on one side: no evidence either way
        label = min(options, key=lambda option: abs(option[0] - weight))[1]
        evidence[name] = {"level": label, "weight": round(float(weight), 2)}
    return evidence


def _person_edges(table: pa.Table, model: dict[str, Any]) -> list[PersonEdge]:
    """Pairs at or above the threshold, strongest first, with their evidence."""
    table = table.filter(pc.greater_equal(table["match_probability"], people.MATCH_THRESHOLD))
    table = table.sort_by([("match_weight", "descending"), ("unique_id_l", "ascending")])
    levels = people.level_weights(model)
    return [
        PersonEdge(
            int(row["unique_id_l"]),
            int(row["unique_id_r"]),
            float(row["match_weight"]),
            float(row["match_probability"]),
            _evidence(row, levels),
        )
        for row in table.to_pylist()
    ]


class ResolveStage:
    """Subjects and mentions into entities (``threadline analyse --stage resolve``)."""

    name = "resolve"

    def __init__(self, *, backend: str | None = None, full: bool = False) -> None:
        self.backend_name = backend
        self.full = full

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        report = StageReport(self.name)
        progress.start("reading subjects", None)
        with workspace.reading() as session:
            subjects = read_subjects(session)
            constraints = active_constraints(session)
            state = judgement_state(session)
            known = {
                ref: (entity, fingerprint)
                for ref, entity, fingerprint in session.execute(
                    select(EntityMember.ref, EntityMember.entity_id, EntityMember.fingerprint)
                    .join(Entity, Entity.id == EntityMember.entity_id)
                    .where(Entity.type == "person", EntityMember.kind == "subject")
                )
            }
            last = session.scalars(
                select(ResolutionRun).order_by(ResolutionRun.id.desc()).limit(1)
            ).first()
        features = [person_features(i, s) for i, s in enumerate(subjects)]
        model = people.load_model(model_path(workspace))
        current = {f.ref for f in features}
        incremental = (
            not self.full
            and model is not None
            and last is not None
            and last.summary.get("judgements") == state
            and known.keys() <= current
            and all(known[f.ref][1] == f.fingerprint() for f in features if f.ref in known)
        )
        new = [f for f in features if f.ref not in known] if incremental else features
        backend = make_backend(self.backend_name)
        try:
            if incremental and not new:
                groups: list[list[int]] = []
                edges: list[PersonEdge] = []
                affected: set[str] = set()
            else:
                progress.start("resolving people", None)
                groups, edges, affected, model = self._people(
                    backend, features, new, known if incremental else {}, model, constraints
                )
                people.save_model(model, model_path(workspace))
        finally:
            backend.close()
        progress.start("writing entities", None)
        with workspace.transaction() as session:
            if not incremental:
                session.execute(delete(Entity))
            elif affected:
                session.execute(delete(Entity).where(Entity.id.in_(sorted(affected))))
            written = self._write_people(session, subjects, features, groups, edges)
            mentions = read_mentions(session)
            joined_mentions = self._write_person_mentions(session, subjects, mentions)
            keyed = self._write_keyed(session, subjects, mentions)
            session.add(
                ResolutionRun(
                    mode="incremental" if incremental else "full",
                    backend=backend.name,
                    subjects_total=len(subjects),
                    subjects_new=len(new),
                    model_path=str(MODEL_FILE),
                    summary={"judgements": state, "people_written": written},
                )
            )
        report.counts = {
            "subjects": len(subjects),
            "subjects_resolved": len(new),
            "person_entities": written,
            "person_mentions_joined": joined_mentions,
            **keyed,
        }
        report.notes.append(f"{'incremental' if incremental else 'full'} run on {backend.name}")
        return report

    def _people(
        self,
        backend: Any,
        features: Sequence[PersonFeatures],
        new: Sequence[PersonFeatures],
        known: dict[str, tuple[str, str | None]],
        model: dict[str, Any] | None,
        constraints: Sequence[Any],
    ) -> tuple[list[list[int]], list[PersonEdge], set[str], dict[str, Any]]:
        table = people.to_arrow(features)
        if model is None:
            model = people.train(backend, table, people.TrainingOptions())
        uid = {f.ref: f.unique_id for f in features}
        must = [
            (uid[c.left], uid[c.right])
            for c in constraints
            if c.decision == SAME and c.left in uid and c.right in uid
        ]
        cannot = [
            (uid[c.left], uid[c.right])
            for c in constraints
            if c.decision != SAME and c.left in uid and c.right in uid
        ]
        if not known:
            scored = people.predict_all(backend, table, model)
            edges = _person_edges(scored, model)
            clusters, used = cluster(
                range(len(features)), ((e.left, e.right) for e in edges), must=must, cannot=cannot
            )
            kept = _spanning(edges, must, used)
            return clusters.groups(), kept, set(), model
        # Incremental: existing entities stay whole; new subjects join them or each other.
        new_ids = {f.unique_id for f in new}
        existing = table.filter(
            pc.invert(pc.is_in(table["unique_id"], pa.array(sorted(new_ids), pa.int64())))
        )
        fresh = table.filter(pc.is_in(table["unique_id"], pa.array(sorted(new_ids), pa.int64())))
        scored = people.predict_new(backend, existing, fresh, model)
        edges = _person_edges(scored, model)
        entity_of = {uid[ref]: entity for ref, (entity, _) in known.items() if ref in uid}
        by_entity: dict[str, list[int]] = defaultdict(list)
        for node, entity in entity_of.items():
            by_entity[entity].append(node)
        touched_nodes = set(new_ids)
        for e in edges:
            touched_nodes.update((e.left, e.right))
        for a, b in must + cannot:
            touched_nodes.update((a, b))
        affected = {entity_of[n] for n in touched_nodes if n in entity_of}
        nodes = sorted(new_ids | {n for ent in affected for n in by_entity[ent]})
        internal = [
            (ms[0], m)
            for ent in sorted(affected)
            for ms in [sorted(by_entity[ent])]
            for m in ms[1:]
        ]
        clusters, used = cluster(
            nodes, ((e.left, e.right) for e in edges), must=must + internal, cannot=cannot
        )
        kept = _spanning(edges, must, used)
        return clusters.groups(), kept, affected, model

    def _write_people(
        self,
        session: Session,
        subjects: Sequence[SubjectRow],
        features: Sequence[PersonFeatures],
        groups: list[list[int]],
        edges: list[PersonEdge],
    ) -> int:
        links_by_root: dict[int, list[PersonEdge]] = defaultdict(list)
        group_of = {node: index for index, group in enumerate(groups) for node in group}
        for edge in edges:
            links_by_root[group_of[edge.left]].append(edge)
        entity_rows = []
        member_rows = []
        link_rows = []
        for index, group in enumerate(groups):
            refs = [subjects[n].ref for n in group]
            eid = entity_id("person", min(refs))
            names = Counter(str(subjects[n].name) for n in group if subjects[n].name)
            label = max(names, key=lambda n: (names[n], len(n), n)) if names else min(refs)
            weights = [e.weight for e in links_by_root.get(index, [])]
            entity_rows.append(
                {
                    "id": eid,
                    "type": "person",
                    "label": label,
                    "key": None,
                    "detail": {"weakest_join": min(weights) if weights else None},
                }
            )
            for n in group:
                member_rows.append(
                    {
                        "entity_id": eid,
                        "kind": "subject",
                        "ref": subjects[n].ref,
                        "via": None,
                        "record_id": subjects[n].record_id,
                        "operation_id": subjects[n].operation,
                        "span_start": None,
                        "span_end": None,
                        "text": None,
                        "fingerprint": features[n].fingerprint(),
                    }
                )
            for e in links_by_root.get(index, []):
                link_rows.append(
                    {
                        "entity_id": eid,
                        "left_kind": "subject",
                        "left_ref": subjects[e.left].ref,
                        "right_kind": "subject",
                        "right_ref": subjects[e.right].ref,
                        "source": "judgement" if e.evidence.get("judgement") else "model",
                        "match_weight": None if math.isinf(e.weight) else e.weight,
                        "match_probability": e.probability,
                        "evidence": e.evidence,
                    }
                )
        _insert(session, Entity, entity_rows)
        _insert(session, EntityMember, member_rows)
        _insert(session, EntityLink, link_rows)
        return len(entity_rows)

    def _write_person_mentions(
        self, session: Session, subjects: Sequence[SubjectRow], mentions: Sequence[MentionRow]
    ) -> int:
        """Person mentions, re-joined every run (a pass over names, no model)."""
        person_ids = select(Entity.id).where(Entity.type == "person")
        session.execute(
            delete(EntityMember).where(
                EntityMember.kind == "mention", EntityMember.entity_id.in_(person_ids)
            )
        )
        members = session.execute(
            select(EntityMember.ref, EntityMember.entity_id)
            .join(Entity, Entity.id == EntityMember.entity_id)
            .where(Entity.type == "person", EntityMember.kind == "subject")
        )
        entity_of_subject = {str(ref): str(entity) for ref, entity in members}
        joined = join_person_mentions(mentions, subjects, entity_of_subject)
        by_id = {m.id: m for m in mentions}
        rows = [
            {
                "entity_id": entity,
                "kind": "mention",
                "ref": str(mention_id),
                "via": rule,
                "record_id": by_id[mention_id].record_id,
                "operation_id": by_id[mention_id].operation_id,
                "span_start": by_id[mention_id].start,
                "span_end": by_id[mention_id].end,
                "text": by_id[mention_id].text,
                "fingerprint": None,
            }
            for mention_id, (entity, rule) in sorted(joined.items())
        ]
        _insert(session, EntityMember, rows)
        return len(rows)

    def _write_keyed(
        self, session: Session, subjects: Sequence[SubjectRow], mentions: Sequence[MentionRow]
    ) -> dict[str, int]:
        """Identifiers and places: rebuilt each run (cheap: a pass over keys, no model)."""
        session.execute(delete(Entity).where(Entity.type.in_(KEYED_TYPES)))
        entities = [
            *group_identifiers(_identifier_items(session, subjects, mentions)),
            *group_places(_place_items(session, subjects)),
        ]
        entity_rows = []
        member_rows = []
        for entity in entities:
            entity_rows.append(
                {
                    "id": entity.id,
                    "type": entity.type,
                    "label": entity.label,
                    "key": entity.key,
                    "detail": {},
                }
            )
            for o in entity.members:
                member_rows.append(
                    {
                        "entity_id": entity.id,
                        "kind": o.kind,
                        "ref": o.ref,
                        "via": o.via,
                        "record_id": o.record_id,
                        "operation_id": o.operation_id,
                        "span_start": o.span[0] if o.span else None,
                        "span_end": o.span[1] if o.span else None,
                        "text": o.raw if o.kind == "mention" else None,
                        "fingerprint": None,
                    }
                )
        _insert(session, Entity, entity_rows)
        _insert(session, EntityMember, member_rows)
        return dict(Counter(f"{e.type}_entities" for e in entities))


def _spanning(
    edges: list[PersonEdge], must: list[tuple[int, int]], used: list[int]
) -> list[PersonEdge]:
    """The joins that made the clusters: must-links first, then model edges."""
    kept = []
    for index in used:
        if index < len(must):
            a, b = must[index]
            kept.append(PersonEdge(a, b, math.inf, 1.0, {"judgement": "same"}))
        elif index - len(must) < len(edges):
            kept.append(edges[index - len(must)])
    return kept


def _insert(session: Session, table: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        session.execute(insert(table), rows[start : start + 5000])


def _identifier_items(
    session: Session, subjects: Sequence[SubjectRow], mentions: Sequence[MentionRow]
) -> Iterable[tuple[str, str, Occurrence]]:
    for m in mentions:
        if m.type in ("vehicle", "phone", "email"):
            found = classify(m.normalised or m.text)
            if found and found[0] == m.type:
                yield (
                    found[0],
                    found[1],
                    Occurrence(
                        "mention",
                        str(m.id),
                        "text",
                        m.record_id,
                        m.operation_id,
                        m.text,
                        (m.start, m.end),
                    ),
                )
    for s in subjects:
        for field_name, values in (("phones", s.phones), ("vehicles", s.vehicles)):
            for raw in values:
                if not isinstance(raw, str):
                    continue
                found = classify(raw)
                if found:
                    yield (
                        found[0],
                        found[1],
                        Occurrence("subject", s.ref, field_name, s.record_id, s.operation, raw),
                    )
    for owner_id, operation_id, raw in session.execute(
        select(ActionIdentifier.action_id, Action.operation_id, ActionIdentifier.raw).join(
            Action, Action.id == ActionIdentifier.action_id
        )
    ):
        found = classify(raw)
        if found:
            yield (
                found[0],
                found[1],
                Occurrence("action", owner_id, "identifiers", None, operation_id, raw),
            )
    for owner_id, operation_id, raw in session.execute(
        select(EventIdentifier.event_id, Event.operation_id, EventIdentifier.raw).join(
            Event, Event.id == EventIdentifier.event_id
        )
    ):
        found = classify(raw)
        if found:
            yield (
                found[0],
                found[1],
                Occurrence("event", owner_id, "identifiers", None, operation_id, raw),
            )


def _place_items(
    session: Session, subjects: Sequence[SubjectRow]
) -> Iterable[tuple[str | None, str | None, Occurrence]]:
    for record_id, operation_id, address, postcode in session.execute(
        select(
            RecordLocation.record_id,
            Record.operation_id,
            RecordLocation.address,
            RecordLocation.postcode,
        ).join(Record, Record.id == RecordLocation.record_id)
    ):
        yield (
            address,
            postcode,
            Occurrence(
                "record",
                record_id,
                "locations",
                record_id,
                operation_id,
                ", ".join(p for p in (address, postcode) if p),
            ),
        )
    for event_id, operation_id, address, postcode in session.execute(
        select(Event.id, Event.operation_id, Event.location_address, Event.location_postcode).where(
            (Event.location_address.is_not(None)) | (Event.location_postcode.is_not(None))
        )
    ):
        yield (
            address,
            postcode,
            Occurrence(
                "event",
                event_id,
                "location",
                None,
                operation_id,
                ", ".join(p for p in (address, postcode) if p),
            ),
        )
    for s in subjects:
        if s.address or s.postcode:
            yield (
                s.address,
                s.postcode,
                Occurrence(
                    "subject",
                    s.ref,
                    "address",
                    s.record_id,
                    s.operation,
                    ", ".join(p for p in (s.address, s.postcode) if p),
                ),
            )
