"""People's decisions on opportunities: turn one into an action, or dismiss it with a reason.

Both are recorded in ``opportunity_status`` with the evidence (record ids) the
decision saw, and in ``opportunity_history``; an action raised from an
opportunity is a ``review_actions`` row, kept apart from imported actions.
The ``detect`` stage honours both on every re-run (see ``stage.reconcile``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.errors import ThreadlineError
from threadline.store.models import utcnow
from threadline.store.opportunity_models import (
    Opportunity,
    OpportunityHistory,
    OpportunityStatus,
    ReviewAction,
)
from threadline.workspace import Workspace


class UnknownOpportunity(ThreadlineError):
    pass


@dataclass(frozen=True)
class Decision:
    opportunity_id: str
    status: str
    review_action_id: int | None


def _current(session: Session, opportunity_id: str) -> Opportunity:
    found = session.get(Opportunity, opportunity_id)
    if found is None:
        raise UnknownOpportunity(
            f"no opportunity '{opportunity_id}' in the last analysis "
            "(see 'threadline opportunities')"
        )
    return found


def _decide(
    session: Session,
    opportunity: Opportunity,
    status: str,
    by: str,
    why: str | None,
    action: ReviewAction | None,
) -> None:
    if not by.strip():
        raise ThreadlineError("--by must name who decided")
    decided = session.get(OpportunityStatus, opportunity.id)
    if decided is None:
        decided = OpportunityStatus(opportunity_id=opportunity.id)
        session.add(decided)
    decided.status = status
    decided.by = by
    decided.why = why
    decided.at = utcnow()
    decided.records = list(opportunity.records)
    decided.review_action_id = action.id if action else None
    opportunity.status = status
    detail = f"{status} by {by}" + (f": {why}" if why else "")
    if action is not None:
        detail += f" (review action RA-{action.id})"
    session.add(
        OpportunityHistory(opportunity_id=opportunity.id, event=status, by=by, detail=detail)
    )


def action_opportunity(
    workspace: Workspace, opportunity_id: str, *, by: str, text: str | None = None
) -> Decision:
    """Raise a review action from an opportunity and mark the opportunity ``actioned``."""
    with workspace.transaction() as session:
        return raise_action(session, opportunity_id, by=by, text=text)


def raise_action(
    session: Session, opportunity_id: str, *, by: str, text: str | None = None
) -> Decision:
    """:func:`action_opportunity` in the caller's transaction (to be audited with it)."""
    opportunity = _current(session, opportunity_id)
    action = ReviewAction(opportunity_id=opportunity.id, title=opportunity.title, text=text, by=by)
    session.add(action)
    session.flush()
    _decide(session, opportunity, "actioned", by, text, action)
    return Decision(opportunity.id, "actioned", action.id)


def dismiss_opportunity(
    workspace: Workspace, opportunity_id: str, *, by: str, why: str
) -> Decision:
    """Dismiss an opportunity; the reason is required and kept."""
    with workspace.transaction() as session:
        return dismiss(session, opportunity_id, by=by, why=why)


def dismiss(session: Session, opportunity_id: str, *, by: str, why: str) -> Decision:
    """:func:`dismiss_opportunity` in the caller's transaction (to be audited with it)."""
    if not why.strip():
        raise ThreadlineError("--why must give the reason for dismissing")
    opportunity = _current(session, opportunity_id)
    _decide(session, opportunity, "dismissed", by, why, None)
    return Decision(opportunity.id, "dismissed", None)


def opportunity_objects(
    session: Session,
    *,
    kind: str | None = None,
    limit: int | None = None,
    only: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Opportunities as ``threadline opportunities --json`` prints them, best first."""
    query = select(Opportunity).order_by(Opportunity.rank)
    if only:
        query = query.where(Opportunity.id == only)
    if kind:
        query = query.where(Opportunity.kind == kind)
    if limit is not None:
        query = query.limit(limit)
    rows = list(session.scalars(query))
    decided = (
        {
            s.opportunity_id: s
            for s in session.scalars(
                select(OpportunityStatus).where(
                    OpportunityStatus.opportunity_id.in_([r.id for r in rows])
                )
            )
        }
        if rows
        else {}
    )
    for row in rows:
        obj: dict[str, Any] = {
            "id": row.id,
            "rank": row.rank,
            "kind": row.kind,
            "score": row.score,
            "title": row.title,
            "explanation": row.explanation,
            "status": row.status,
            "entities": list(row.entities),
            "records": list(row.records),
            "operations": list(row.operations),
        }
        status = decided.get(row.id)
        if status is not None and row.status == status.status:
            if status.status == "actioned":
                obj["action"] = f"RA-{status.review_action_id}"
            obj["decided_by"] = status.by
            if status.why:
                obj["why"] = status.why
        yield obj


def history(session: Session, opportunity_id: str) -> list[dict[str, Any]]:
    return [
        {"at": h.at.isoformat(), "event": h.event, "by": h.by, "detail": h.detail}
        for h in session.scalars(
            select(OpportunityHistory)
            .where(OpportunityHistory.opportunity_id == opportunity_id)
            .order_by(OpportunityHistory.id)
        )
    ]
