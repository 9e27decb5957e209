"""Tiny hand-built worlds for the detector tests.

A world is written as a bundle (``bundle.md``) and imported through the real
importer; its entities are then written straight into the entity tables, so
the detectors are tested on exactly the entities the test names, whatever
extraction and resolution would have made of the material.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.stage import find_all
from threadline.analyse.opportunities.terms import load_material
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.store.bulk import bulk_insert
from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.store.mention_models import Mention
from threadline.store.models import Subject
from threadline.workspace import Workspace

OPERATIONS = [
    {"id": "STOVE", "name": "Operation Stovewood", "kind": "umbrella", "parent": None},
    {"id": "CLOVER", "name": "Operation Clover", "kind": "closed", "parent": "STOVE"},
    {"id": "CHARD", "name": "Operation Chard", "kind": "current", "parent": "STOVE"},
]

Member = tuple[str, str, str | None]
"""(kind, ref, via) of an entity member; a mention is ("mention", "RECORD:role", None)."""


def subject(ref: str, role: str, **fields: Any) -> dict[str, Any]:
    return {"ref": ref, "role": role, **fields}


class World:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.entities: dict[str, tuple[str, str | None, list[Member]]] = {}
        self.labels: dict[str, str] = {}

    def record(
        self,
        rid: str,
        *,
        op: str = "CLOVER",
        kind: str = "intelligence",
        date: str | None = None,
        received: str | None = None,
        subjects: list[dict[str, Any]] | None = None,
        locations: list[dict[str, Any]] | None = None,
        links: list[str] | None = None,
        grading: dict[str, str] | None = None,
        text: str = "Details recorded.",
    ) -> None:
        item: dict[str, Any] = {"id": rid, "operation": op, "kind": kind, "text": text}
        if date:
            item["date"] = date
        if received:
            item["received"] = received
        if grading:
            item["grading"] = grading
        item["subjects"] = subjects or []
        item["locations"] = locations or []
        item["links"] = [{"to": t, "kind": "related"} for t in links or []]
        self.records.append(item)

    def action(
        self,
        aid: str,
        *,
        status: str,
        raised: str,
        op: str = "CLOVER",
        records: list[str] | None = None,
        subjects: list[dict[str, Any]] | None = None,
        identifiers: list[str] | None = None,
    ) -> None:
        self.actions.append(
            {
                "id": aid,
                "operation": op,
                "raised": raised,
                "status": status,
                "title": "Action",
                "records": records or [],
                "subjects": subjects or [],
                "identifiers": identifiers or [],
            }
        )

    def event(
        self,
        eid: str,
        *,
        kind: str,
        date: str,
        op: str = "CLOVER",
        records: list[str] | None = None,
        subjects: list[dict[str, Any]] | None = None,
        identifiers: list[str] | None = None,
        location: dict[str, str] | None = None,
    ) -> None:
        item: dict[str, Any] = {
            "id": eid,
            "operation": op,
            "date": date,
            "kind": kind,
            "records": records or [],
            "subjects": subjects or [],
            "identifiers": identifiers or [],
        }
        if location:
            item["location"] = location
        self.events.append(item)

    def entity(
        self,
        eid: str,
        etype: str,
        members: Sequence[Member],
        key: str | None = None,
        label: str | None = None,
    ) -> None:
        self.entities[eid] = (etype, key, list(members))
        if label:
            self.labels[eid] = label

    def write(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        manifest = {"format": "threadline-bundle", "version": 1, "name": "Detector test world"}
        (path / "manifest.json").write_text(json.dumps(manifest))
        for name, items in (
            ("operations", OPERATIONS),
            ("records", self.records),
            ("actions", self.actions),
            ("events", self.events),
        ):
            (path / f"{name}.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
        return path

    def build(self, workspace: Workspace, tmp: Path) -> None:
        """Import the material, then write the entities (and their text mentions)."""
        import_path(Importer(workspace), self.write(tmp / "bundle"))
        with workspace.transaction() as session:
            owners = {k: v for k, v in session.execute(select(Subject.ref, Subject.record_id))}
            entity_rows: list[dict[str, Any]] = []
            member_rows: list[dict[str, Any]] = []
            for eid, (etype, key, members) in self.entities.items():
                entity_rows.append(
                    {
                        "id": eid,
                        "type": etype,
                        "label": self.labels.get(eid, eid),
                        "key": key,
                        "detail": {},
                    }
                )
                for kind, ref, via in members:
                    record = owners.get(ref) if kind in ("subject", "holder") else None
                    if kind == "record":
                        record = ref
                    if kind == "mention":
                        record, _, role = ref.partition(":")
                        mention = Mention(
                            record_id=record,
                            start=0,
                            end=1,
                            text="x",
                            type=etype,
                            role=role or None,
                            extractor="test",
                            confidence=1.0,
                            detail={},
                        )
                        session.add(mention)
                        session.flush()
                        ref = str(mention.id)
                    member_rows.append(
                        {
                            "entity_id": eid,
                            "kind": kind,
                            "ref": ref,
                            "via": via,
                            "record_id": record,
                            "operation_id": None,
                            "span_start": None,
                            "span_end": None,
                            "text": None,
                            "fingerprint": None,
                        }
                    )
            bulk_insert(session, Entity, entity_rows)
            bulk_insert(session, EntityMember, member_rows)

    @staticmethod
    def weak_join(workspace: Workspace, eid: str, left: str, right: str, p: float) -> None:
        with workspace.transaction() as session:
            session.add(
                EntityLink(
                    entity_id=eid,
                    left_kind="subject",
                    left_ref=left,
                    right_kind="subject",
                    right_ref=right,
                    source="model",
                    match_weight=1.5,
                    match_probability=p,
                    evidence={},
                )
            )


def findings(
    workspace: Workspace, kind: str, settings: DetectSettings | None = None
) -> dict[str, Finding]:
    """The findings of one kind, by what they are about."""
    with workspace.reading() as session:
        material = load_material(session)
    return {f.anchor: f for f in find_all(material, settings or DetectSettings()) if f.kind == kind}
