"""Same / not-same judgements made in the browser, written in the caller's transaction.

The rules are those of :mod:`threadline.resolve.judgements` (which writes in
its own transaction, for the CLI): a person entity stands for its smallest
subject ref, a reason is required, and the resolve stage honours the judgement
at its next run. Here the row is written in the same transaction as its audit
event.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from threadline.resolve.judgements import DECISIONS, JudgementError
from threadline.store.entity_models import Entity, EntityMember, Judgement


def _anchor(session: Session, entity_id: str) -> str:
    entity = session.get(Entity, entity_id)
    if entity is None or entity.type != "person":
        raise JudgementError(f"'{entity_id}' is not a person entity: judgements are about people")
    ref = session.scalar(
        select(func.min(EntityMember.ref)).where(
            EntityMember.entity_id == entity_id, EntityMember.kind == "subject"
        )
    )
    if ref is None:
        raise JudgementError(f"entity '{entity_id}' has no subjects to judge by")
    return str(ref)


def judgement_row(
    session: Session, *, decision: str, left: str, right: str, by: str, why: str
) -> Judgement:
    if decision not in DECISIONS:
        raise JudgementError(f"decision must be one of {', '.join(DECISIONS)}, not '{decision}'")
    if not why.strip():
        raise JudgementError("say why: a judgement without a reason cannot be reviewed")
    left_subject, right_subject = _anchor(session, left), _anchor(session, right)
    if left_subject == right_subject:
        raise JudgementError(f"'{left}' and '{right}' are the same entity")
    row = Judgement(
        decision=decision,
        left=left,
        right=right,
        left_subject=left_subject,
        right_subject=right_subject,
        by=by,
        at=dt.datetime.now(dt.UTC),
        why=why.strip(),
    )
    session.add(row)
    session.flush()
    return row
