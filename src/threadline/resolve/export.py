"""Entities as ``threadline entities --json`` prints them (``spec/cli.md``), and their evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.store.entity_models import Entity, EntityLink, EntityMember

TYPES = ("person", "vehicle", "phone", "location", "organisation", "email")
IDENTIFIER_TYPES = ("vehicle", "phone", "email")


def entity_objects(session: Session, *, type_: str | None = None) -> Iterator[dict[str, Any]]:
    """One dictionary per entity, ordered by type then id.

    ``subjects`` holds the subject refs joined into a person; ``mentions`` the
    spans of text joined into the entity; ``identifiers`` the normalised value
    of a vehicle, phone or e-mail entity (and a location's postcodes);
    ``operations`` every operation a member comes from. A location also lists
    the ``records`` whose ``locations`` field named it.
    """
    entities = select(Entity).order_by(Entity.type, Entity.id)
    members = select(EntityMember).order_by(EntityMember.entity_id, EntityMember.id)
    if type_:
        entities = entities.where(Entity.type == type_)
        members = members.join(Entity, Entity.id == EntityMember.entity_id).where(
            Entity.type == type_
        )
    by_entity: dict[str, list[EntityMember]] = defaultdict(list)
    for member in session.scalars(members):
        by_entity[member.entity_id].append(member)
    for entity in session.scalars(entities):
        rows = by_entity.get(entity.id, [])
        yield _entity_object(entity, rows)


def _entity_object(entity: Entity, rows: list[EntityMember]) -> dict[str, Any]:
    subjects = (
        sorted({m.ref for m in rows if m.kind == "subject"}) if entity.type == "person" else []
    )
    mentions = sorted(
        (
            {"record": m.record_id, "start": m.span_start, "end": m.span_end, "text": m.text}
            for m in rows
            if m.kind == "mention" and m.record_id is not None
        ),
        key=lambda x: (str(x["record"]), int(x["start"] or 0)),
    )
    identifiers = [entity.key] if entity.type in IDENTIFIER_TYPES and entity.key else []
    if entity.type == "location":
        identifiers = list((entity.detail or {}).get("postcodes", []))
    obj: dict[str, Any] = {
        "id": entity.id,
        "type": entity.type,
        "label": entity.label,
        "subjects": subjects,
        "mentions": mentions,
        "identifiers": identifiers,
        "operations": sorted({m.operation_id for m in rows if m.operation_id}),
    }
    if entity.type != "person":
        obj["records"] = sorted(
            {m.ref for m in rows if m.kind == "record" and m.via == "locations"}
        )
    return obj


def explain(session: Session, entity_id: str) -> dict[str, Any] | None:
    """Every join inside an entity, weakest first, with the evidence and its weight."""
    entity = session.get(Entity, entity_id)
    if entity is None:
        return None
    links = session.scalars(
        select(EntityLink).where(EntityLink.entity_id == entity_id).order_by(EntityLink.id)
    ).all()
    joins = [
        {
            "left": link.left_ref,
            "right": link.right_ref,
            "source": link.source,
            "match_weight": link.match_weight,
            "match_probability": link.match_probability,
            "evidence": link.evidence,
        }
        for link in links
    ]
    joins.sort(key=lambda j: (j["match_weight"] is None, j["match_weight"] or 0.0))
    return {"id": entity.id, "type": entity.type, "label": entity.label, "joins": joins}
