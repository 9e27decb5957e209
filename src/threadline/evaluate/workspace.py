"""A workspace's analysis as a :class:`Prediction`, for ``threadline evaluate``.

Every extracted mention comes from the ``mentions`` table (type, record,
offsets, text and, for persons, role); entities and opportunities are read
exactly as ``threadline entities --json`` and ``threadline opportunities
--json`` print them, so the evaluation scores what users and scripts see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.analyse.opportunities.review import opportunity_objects
from threadline.evaluate.prediction import Prediction
from threadline.resolve.export import entity_objects
from threadline.store.mention_models import Mention
from threadline.workspace import Workspace


def workspace_prediction(workspace: Workspace) -> Prediction:
    """Mentions, entities and opportunities of the workspace, ready to be scored."""
    with workspace.reading() as session:
        return Prediction(
            entities=list(entity_objects(session)),
            mentions=mention_objects(session),
            opportunities=list(opportunity_objects(session)),
        )


def mention_objects(session: Session) -> list[dict[str, Any]]:
    """Every mention as ``{"record", "start", "end", "text", "type"[, "role"]}``."""
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
