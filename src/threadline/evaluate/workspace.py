"""A workspace's analysis as a :class:`Prediction`, for ``threadline evaluate``.

Mentions come from the ``mentions`` table; entities from the ``entities``
tables (their subjects, mentions and identifiers). Opportunities are read
when an ``opportunities`` table exists; until the detection stage writes one,
the prediction has none and the opportunity scores are empty.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.evaluate.prediction import Prediction
from threadline.store.entity_models import Entity, EntityMember
from threadline.store.mention_models import Mention
from threadline.store.schema import Base
from threadline.workspace import Workspace

_IDENTIFIER_TYPES = frozenset({"vehicle", "phone", "email"})


def workspace_prediction(workspace: Workspace) -> Prediction:
    with workspace.reading() as session:
        return Prediction(
            entities=_entities(session),
            mentions=_mentions(session),
            opportunities=_opportunities(session),
        )


def _mentions(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(
            Mention.record_id, Mention.start, Mention.end, Mention.text, Mention.type, Mention.role
        ).order_by(Mention.record_id, Mention.start, Mention.id)
    )
    out: list[dict[str, Any]] = []
    for record, start, end, text, type_, role in rows:
        mention: dict[str, Any] = {
            "record": record,
            "start": start,
            "end": end,
            "text": text,
            "type": type_,
        }
        if role is not None:
            mention["role"] = role
        out.append(mention)
    return out


def _entities(session: Session) -> list[dict[str, Any]]:
    members: dict[str, list[EntityMember]] = defaultdict(list)
    for member in session.scalars(select(EntityMember).order_by(EntityMember.id)):
        members[member.entity_id].append(member)
    out: list[dict[str, Any]] = []
    for entity in session.scalars(select(Entity).order_by(Entity.id)):
        joined = members.get(entity.id, [])
        subjects = sorted({m.ref for m in joined if m.kind == "subject" and m.via is None})
        mentions = [
            {"record": m.record_id, "start": m.span_start, "end": m.span_end, "text": m.text or ""}
            for m in joined
            if m.kind == "mention"
            and m.record_id is not None
            and m.span_start is not None
            and m.span_end is not None
        ]
        records = sorted({m.record_id for m in joined if m.kind == "record" and m.record_id})
        identifiers = [entity.key] if entity.type in _IDENTIFIER_TYPES and entity.key else []
        out.append(
            {
                "id": entity.id,
                "type": entity.type,
                "label": entity.label,
                "subjects": subjects or sorted({m.ref for m in joined if m.kind == "subject"}),
                "mentions": mentions,
                "identifiers": identifiers,
                "records": records,
                "operations": sorted({m.operation_id for m in joined if m.operation_id}),
            }
        )
    return out


def _opportunities(session: Session) -> list[dict[str, Any]]:
    table = Base.metadata.tables.get("opportunities")
    if table is None:
        return []
    rows = [dict(row._mapping) for row in session.execute(select(table))]
    for row in rows:
        for key in ("entities", "records"):
            if not isinstance(row.get(key), list):
                row.pop(key, None)
    rows.sort(key=lambda r: (r.get("rank") is None, r.get("rank") or 0))
    return rows
