"""From validated bundle lines to the rows the store keeps.

Each item becomes an :class:`ItemRows`: the row of its own table, and the rows
of its child tables (subjects, locations, links, the records and identifiers
an action or event names). Rows are plain dicts keyed by column name, so they
can be staged as JSON and bulk-inserted later without validating twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from threadline.ingest.schema import (
    ActionLine,
    EventLine,
    Line,
    OperationLine,
    RecordLine,
    SubjectIn,
)

Row = dict[str, Any]


@dataclass
class DocumentInfo:
    """The original a record points at, once staged and read."""

    sha256: str
    size: int
    suffix: str
    name: str
    text: str | None
    status: str


@dataclass
class ItemRows:
    row: Row
    children: dict[str, list[Row]] = field(default_factory=dict)
    document: DocumentInfo | None = None

    def to_json(self) -> str:
        doc = None
        if self.document is not None:
            d = self.document
            doc = [d.sha256, d.size, d.suffix, d.name, d.text, d.status]
        return json.dumps(
            {"row": self.row, "children": self.children, "document": doc}, default=_iso
        )

    @classmethod
    def from_json(cls, text: str, date_columns: frozenset[str]) -> ItemRows:
        data = json.loads(text)
        row = _dates(data["row"], date_columns)
        children = {
            name: [_dates(r, date_columns) for r in rows] for name, rows in data["children"].items()
        }
        doc = data["document"]
        document = DocumentInfo(*doc) if doc is not None else None
        return cls(row, children, document)


DATE_COLUMNS = frozenset({"opened", "closed", "date", "received", "dob", "raised", "resulted"})


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _dates(row: Row, columns: frozenset[str]) -> Row:
    for key in columns & row.keys():
        if row[key] is not None:
            row[key] = dt.date.fromisoformat(row[key])
    return row


def content_hash(value: dict[str, Any], document_sha256: str | None = None) -> str:
    """A hash of an item as it arrived: its keys in canonical order, plus its original's hash."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8"))
    if document_sha256:
        digest.update(b"\x00" + document_sha256.encode("ascii"))
    return digest.hexdigest()


def _enum(value: Any) -> str | None:
    return None if value is None else str(value.value)


def _subjects(subjects: list[SubjectIn], owner_column: str, owner_id: str) -> list[Row]:
    return [
        {
            "ref": s.ref,
            owner_column: owner_id,
            "position": i,
            "role": _enum(s.role),
            "name": s.name,
            "aliases": list(s.aliases),
            "dob": s.dob,
            "age": s.age,
            "gender": s.gender,
            "address": s.address,
            "postcode": s.postcode,
            "phones": list(s.phones),
            "vehicles": list(s.vehicles),
            "nominal": s.nominal,
            "extra": s.unknown_keys(),
        }
        for i, s in enumerate(subjects)
    ]


def operation_rows(op: OperationLine) -> ItemRows:
    return ItemRows(
        {
            "id": op.id,
            "name": op.name,
            "kind": _enum(op.kind),
            "parent_id": op.parent,
            "lead": op.lead,
            "sio": op.sio,
            "status": _enum(op.status),
            "opened": op.opened,
            "closed": op.closed,
            "description": op.description,
            "extra": op.unknown_keys(),
        }
    )


def record_rows(rec: RecordLine, document: DocumentInfo | None) -> ItemRows:
    g = rec.grading
    row: Row = {
        "id": rec.id,
        "operation_id": rec.operation,
        "kind": _enum(rec.kind),
        "date": rec.date,
        "received": rec.received,
        "title": rec.title,
        "text": rec.text,
        "grading_system": g.system.value if g else None,
        "grading_source": g.code("source") if g else None,
        "grading_intelligence": g.code("intelligence") if g else None,
        "grading_handling": g.code("handling") if g else None,
        "author": rec.author,
        "file_path": rec.file,
        "original_sha256": document.sha256 if document else None,
        "document_text": document.text if document else None,
        "document_status": document.status if document else None,
        "extra": _extra_with_nested(rec, grading=g),
    }
    children = {
        "subjects": _subjects(rec.subjects, "record_id", rec.id),
        "locations": [
            {
                "record_id": rec.id,
                "position": i,
                "address": loc.address,
                "postcode": loc.postcode,
                "extra": loc.unknown_keys(),
            }
            for i, loc in enumerate(rec.locations)
        ],
        "links": [
            {
                "record_id": rec.id,
                "position": i,
                "to_record": link.to,
                "kind": link.kind,
                "extra": link.unknown_keys(),
            }
            for i, link in enumerate(rec.links)
        ],
    }
    return ItemRows(row, children, document)


def _extra_with_nested(item: Line, **nested: Line | None) -> dict[str, Any]:
    """Unknown keys of the item, plus those of nested objects stored as typed columns."""
    extra = item.unknown_keys()
    for name, sub in nested.items():
        if sub is not None and sub.unknown_keys():
            extra[f"{name}.unknown"] = sub.unknown_keys()
    return extra


def action_rows(act: ActionLine) -> ItemRows:
    row: Row = {
        "id": act.id,
        "operation_id": act.operation,
        "number": act.number,
        "raised": act.raised,
        "title": act.title,
        "text": act.text,
        "status": _enum(act.status),
        "allocated_to": act.allocated_to,
        "resulted": act.resulted,
        "result": act.result,
        "extra": act.unknown_keys(),
    }
    children = {
        "subjects": _subjects(act.subjects, "action_id", act.id),
        "records": [
            {"action_id": act.id, "position": i, "record_ref": r} for i, r in enumerate(act.records)
        ],
        "identifiers": [
            {"action_id": act.id, "position": i, "raw": v} for i, v in enumerate(act.identifiers)
        ],
    }
    return ItemRows(row, children)


def event_rows(ev: EventLine) -> ItemRows:
    loc = ev.location
    row: Row = {
        "id": ev.id,
        "operation_id": ev.operation,
        "date": ev.date,
        "kind": _enum(ev.kind),
        "text": ev.text,
        "location_address": loc.address if loc else None,
        "location_postcode": loc.postcode if loc else None,
        "extra": _extra_with_nested(ev, location=loc),
    }
    children = {
        "subjects": _subjects(ev.subjects, "event_id", ev.id),
        "records": [
            {"event_id": ev.id, "position": i, "record_ref": r} for i, r in enumerate(ev.records)
        ],
        "identifiers": [
            {"event_id": ev.id, "position": i, "raw": v} for i, v in enumerate(ev.identifiers)
        ],
    }
    return ItemRows(row, children)
