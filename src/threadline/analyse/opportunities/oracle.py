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

from threadline.store.bulk import bulk_insert
from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.store.mention_models import Mention
from threadline.store.models import Action, Event, Record, Subject
from threadline.workspace import Workspace

ORACLE = "oracle"


def load_true_entities(workspace: Workspace, truth_path: Path) -> dict[str, int]:
    """Replace the workspace's mentions and entities with the truth's. Returns counts."""
    truth: dict[str, Any] = json.loads(truth_path.read_text(encoding="utf-8"))
    with workspace.transaction() as session:
        session.execute(delete(EntityLink))
        session.execute(delete(EntityMember))
        session.execute(delete(Entity))
        session.execute(delete(Mention))
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
        for start in range(0, len(mentions), 5000):
            bulk_insert(session, Mention, mentions[start : start + 5000])
        for start in range(0, len(entities), 5000):
            bulk_insert(session, Entity, entities[start : start + 5000])
        for start in range(0, len(members), 5000):
            bulk_insert(session, EntityMember, members[start : start + 5000])
    return {"entities": len(entities), "members": len(members), "mentions": len(mentions)}


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
