"""Decisions people make, each written with its audit event in one transaction.

The command line and the web application both call these, in a transaction
of their own (:func:`threadline.security.audit.retried`): the change and its
event commit together or not at all. ``username`` is who is accountable in the
audit log (the signed-in account, or ``cli_user()`` at the command line);
``by`` is the name kept with the decision itself.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from threadline.analyse.opportunities import review
from threadline.resolve.judgements import add_judgement
from threadline.security import audit
from threadline.store.entity_models import Judgement


def judge(
    session: Session,
    *,
    username: str,
    decision: str,
    left: str,
    right: str,
    by: str,
    why: str,
) -> Judgement:
    """A same / not-same judgement (applied at the next analysis), audited."""
    row = add_judgement(session, decision=decision, left=left, right=right, by=by, why=why)
    audit.append(
        session,
        username=username,
        action="judgement",
        target=f"judgement:{row.decision} {left} {right} by={row.by}",
        justification=row.why,
    )
    return row


def action(
    session: Session, opportunity_id: str, *, username: str, by: str, text: str | None
) -> review.Decision:
    """Turn an opportunity into a review action, audited."""
    text = (text or "").strip() or None
    done = review.raise_action(session, opportunity_id, by=by, text=text)
    audit.append(
        session,
        username=username,
        action="opportunity-action",
        target=f"opportunity:{opportunity_id} action=RA-{done.review_action_id} by={by}",
        justification=text,
    )
    return done


def dismiss(
    session: Session, opportunity_id: str, *, username: str, by: str, why: str
) -> review.Decision:
    """Dismiss an opportunity with its reason, audited."""
    done = review.dismiss(session, opportunity_id, by=by, why=why.strip())
    audit.append(
        session,
        username=username,
        action="opportunity-dismiss",
        target=f"opportunity:{opportunity_id} by={by}",
        justification=why.strip(),
    )
    return done
