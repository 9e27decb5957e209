"""True entities from a synthetic bundle's ``truth.json``, written into the entity tables.

For measuring the detectors on their own: with the true persons, identifiers
and places (and the true text spans with their roles) in place of extraction
and resolution, whatever the detectors miss or add is their own doing. Used
by the tests and by ``bench/analyse.py --oracle``; never by the pipeline.

The truth lists, per person, its subject refs and text spans (``mentions``,
and ``file_mentions`` for records whose body is only a file); per identifier
or place, its spans, the subjects listing it as their own (``subjects``), the
records whose ``locations`` name it (``records``), and the actions and events
about it (``about``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from threadline.store.bulk import bulk_insert
from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.store.mention_models import Mention
from threadline.store.models import Action, Event, Record, Subject
from threadline.workspace import Workspace

ORACLE = "oracle"


def load_true_entities(workspace: Workspace, truth_path: Path) -> dict[str, int]:
    """Replace the workspace's entities (and their mentions) with the truth's. Returns counts."""
    truth: dict[str, Any] = json.loads(truth_path.read_text(encoding="utf-8"))
    with workspace.transaction() as session:
        record_op = {k: v for k, v in session.execute(select(Record.id, Record.operation_id))}
        actions = set(session.scalars(select(Action.id)))
        events = set(session.scalars(select(Event.id)))
        subject_record = {k: v for k, v in session.execute(select(Subject.ref, Subject.record_id))}
        mentions: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        entities: list[dict[str, Any]] = []

        def span_members(eid: str, etype: str, spans: list[dict[str, Any]]) -> None:
            for span in spans:
                record = span["record"]
                if record not in record_op:
                    continue
                mentions.append(
                    {
                        "id": len(mentions) + 1,
                        "record_id": record,
                        "start": int(span.get("start", 0)),
                        "end": int(span.get("end", 0)),
                        "text": span.get("text", ""),
                        "type": etype,
                        "normalised": None,
                        "role": span.get("role") if etype == "person" else None,
                        "extractor": ORACLE,
                        "confidence": 1.0,
                        "detail": {},
                    }
                )
                member = _member(
                    eid, "mention", str(len(mentions)), None, record, record_op[record]
                )
                member.update(
                    span_start=mentions[-1]["start"],
                    span_end=mentions[-1]["end"],
                    text=mentions[-1]["text"],
                )
                members.append(member)

        for pid, person in sorted(truth.get("persons", {}).items()):
            eid = _id(pid)
            entities.append(_entity(eid, "person", person.get("name") or pid, None))
            for ref in person.get("subjects", []):
                record = subject_record.get(ref)
                members.append(
                    _member(eid, "subject", ref, None, record, record_op.get(record or ""))
                )
            span_members(
                eid, "person", person.get("mentions", []) + person.get("file_mentions", [])
            )
        for key, ident in sorted(truth.get("identifiers", {}).items()):
            etype, _, value = key.partition(":")
            eid = _id(key)
            entities.append(_entity(eid, etype, ident.get("label") or value, value))
            via = {"vehicle": "vehicles", "phone": "phones"}.get(etype, "address")
            for ref in ident.get("subjects", []):
                record = subject_record.get(ref)
                members.append(
                    _member(eid, "holder", ref, via, record, record_op.get(record or ""))
                )
            for record in ident.get("records", []):
                if record in record_op:
                    members.append(
                        _member(eid, "record", record, "locations", record, record_op[record])
                    )
            for item in ident.get("about", []):
                if item in actions:
                    members.append(_member(eid, "action", item, "identifiers", None, None))
                elif item in events:
                    where = "location" if etype == "location" else "identifiers"
                    members.append(_member(eid, "event", item, where, None, None))
            span_members(eid, etype, ident.get("mentions", []) + ident.get("file_mentions", []))
        written = _replace_changed(session, entities, members, mentions)
    return {
        "entities": len(entities),
        "members": len(members),
        "mentions": len(mentions),
        "entities_written": written,
    }


def _replace_changed(
    session: Session,
    entities: list[dict[str, Any]],
    members: list[dict[str, Any]],
    mentions: list[dict[str, Any]],
) -> int:
    """Write the entities that are new or differ from the stored ones; delete those gone.

    An entity is compared by its row and its members, a mention member by its
    span (not its mention id), so that adding material rewrites only the
    entities it changes, as resolution does. Returns the entities written.
    """
    session.execute(delete(Mention).where(Mention.extractor != ORACLE))
    spans = {str(m["id"]): m for m in mentions}
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for member in members:
        by_entity.setdefault(member["entity_id"], []).append(member)
    wanted = {e["id"]: _content(e, by_entity.get(e["id"], []), spans) for e in entities}
    stored_spans = {
        str(m.id): {
            "record_id": m.record_id,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "type": m.type,
            "role": m.role,
        }
        for m in session.scalars(select(Mention))
    }
    stored_members: dict[str, list[dict[str, Any]]] = {}
    for m in session.scalars(select(EntityMember)):
        stored_members.setdefault(m.entity_id, []).append(
            {"kind": m.kind, "ref": m.ref, "via": m.via, "record_id": m.record_id}
        )
    stored = {
        e.id: _content(
            {"type": e.type, "label": e.label, "key": e.key},
            stored_members.get(e.id, []),
            stored_spans,
        )
        for e in session.scalars(select(Entity))
    }
    stale = sorted({e for e, c in stored.items() if wanted.get(e) != c})
    fresh = {e for e, c in wanted.items() if stored.get(e) != c}
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        old_mentions = [
            int(m["ref"])
            for e in chunk
            for m in stored_members.get(e, [])
            if m["kind"] == "mention" and m["ref"].isdigit()
        ]
        session.execute(delete(EntityLink).where(EntityLink.entity_id.in_(chunk)))
        session.execute(delete(EntityMember).where(EntityMember.entity_id.in_(chunk)))
        session.execute(delete(Entity).where(Entity.id.in_(chunk)))
        for at in range(0, len(old_mentions), 500):
            session.execute(delete(Mention).where(Mention.id.in_(old_mentions[at : at + 500])))
    offset = max((int(k) for k in stored_spans), default=0)
    new_members = [dict(m) for m in members if m["entity_id"] in fresh]
    new_mentions = []
    for member in new_members:
        if member["kind"] == "mention":
            mention = dict(spans[member["ref"]])
            mention["id"] = int(member["ref"]) + offset
            member["ref"] = str(mention["id"])
            new_mentions.append(mention)
    new_entities = [e for e in entities if e["id"] in fresh]
    for rows, model in (
        (new_mentions, Mention),
        (new_entities, Entity),
        (new_members, EntityMember),
    ):
        for start in range(0, len(rows), 5000):
            bulk_insert(session, model, rows[start : start + 5000])
    return len(new_entities)


def _content(
    entity: dict[str, Any], members: list[dict[str, Any]], spans: dict[str, dict[str, Any]]
) -> tuple[Any, ...]:
    def member_key(m: dict[str, Any]) -> tuple[Any, ...]:
        if m["kind"] == "mention":
            span = spans.get(m["ref"], {})
            ref: Any = tuple(
                span.get(k) for k in ("record_id", "start", "end", "text", "type", "role")
            )
        else:
            ref = m["ref"]
        return (m["kind"], str(ref), m["via"] or "", m["record_id"] or "")

    return (
        entity["type"],
        entity["label"],
        entity["key"],
        tuple(sorted(member_key(m) for m in members)),
    )


def _id(key: str) -> str:
    return "T-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _entity(eid: str, etype: str, label: str, key: str | None) -> dict[str, Any]:
    return {"id": eid, "type": etype, "label": label, "key": key, "detail": {"oracle": True}}


def _member(
    eid: str, kind: str, ref: str, via: str | None, record: str | None, operation: str | None
) -> dict[str, Any]:
    return {
        "entity_id": eid,
        "kind": kind,
        "ref": ref,
        "via": via,
        "record_id": record,
        "operation_id": operation,
        "span_start": None,
        "span_end": None,
        "text": None,
        "fingerprint": None,
    }
