"""Analysts' judgements: "these two are the same" (must-link) and "these are not" (cannot-link).

A judgement is data: who made it, when and why, and the subject refs it was
about. The resolve stage honours every judgement that is not withdrawn on
every run (docs/resolution.md). Entity ids are accepted as well as subject
refs; an entity stands for its smallest subject ref, which is also what its id
is derived from, so the judgement survives re-runs that keep the entity.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.errors import ThreadlineError
from threadline.store.entity_models import Entity, EntityMember, Judgement
from threadline.store.models import Subject
from threadline.workspace import Workspace

SAME = "same"
NOT_SAME = "not-same"
DECISIONS = (SAME, NOT_SAME)


class JudgementError(ThreadlineError):
    """A judgement that cannot be recorded: an unknown ref, or the same thing twice."""


@dataclass(frozen=True)
class Constraint:
    decision: str
    left: str
    right: str


def default_user() -> str:
    """Who is making the judgement, when ``--by`` is not given: the OS user."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def _subject_for(session: Session, ref: str) -> str:
    """The subject ref that ``ref`` (a subject ref or a person entity id) stands for."""
    if session.get(Subject, ref) is not None:
        return ref
    entity = session.get(Entity, ref)
    if entity is None:
        raise JudgementError(f"'{ref}' is neither a subject ref nor an entity id")
    if entity.type != "person":
        raise JudgementError(
            f"'{ref}' is a {entity.type} entity: judgements are about people "
            "(identifiers join on their normalised values)"
        )
    refs = session.scalars(
        select(EntityMember.ref).where(
            EntityMember.entity_id == ref, EntityMember.kind == "subject"
        )
    ).all()
    if not refs:
        raise JudgementError(f"entity '{ref}' has no subjects to judge by")
    return min(refs)


def record_judgement(
    workspace: Workspace, *, decision: str, left: str, right: str, by: str, why: str
) -> Judgement:
    """Record a judgement; it takes effect at the next ``threadline analyse``."""
    with workspace.transaction() as session:
        judgement = add_judgement(
            session, decision=decision, left=left, right=right, by=by, why=why
        )
        session.expunge(judgement)
    return judgement


def add_judgement(
    session: Session, *, decision: str, left: str, right: str, by: str, why: str
) -> Judgement:
    """Add a judgement in the caller's transaction (so that it can be audited with it)."""
    if decision not in DECISIONS:
        raise JudgementError(f"decision must be one of {', '.join(DECISIONS)}, not '{decision}'")
    if not why.strip():
        raise JudgementError("say why (--why): a judgement without a reason cannot be reviewed")
    if not by.strip():
        raise JudgementError("say who is making the judgement (--by)")
    left_subject = _subject_for(session, left)
    right_subject = _subject_for(session, right)
    if left_subject == right_subject:
        raise JudgementError(f"'{left}' and '{right}' are the same subject")
    judgement = Judgement(
        decision=decision,
        left=left,
        right=right,
        left_subject=left_subject,
        right_subject=right_subject,
        by=by.strip(),
        at=dt.datetime.now(dt.UTC),
        why=why.strip(),
    )
    session.add(judgement)
    session.flush()
    return judgement


def active_constraints(session: Session) -> list[Constraint]:
    """Every judgement in force, oldest first. A later judgement on a pair replaces an earlier."""
    rows = session.scalars(
        select(Judgement).where(Judgement.withdrawn_at.is_(None)).order_by(Judgement.id)
    ).all()
    latest: dict[tuple[str, str], Constraint] = {}
    for row in rows:
        pair = (min(row.left_subject, row.right_subject), max(row.left_subject, row.right_subject))
        latest.pop(pair, None)
        latest[pair] = Constraint(row.decision, pair[0], pair[1])
    return list(latest.values())


def judgement_state(session: Session) -> str:
    """A fingerprint of the judgements in force, to tell a re-run that they changed."""
    return "|".join(f"{c.decision}:{c.left}:{c.right}" for c in active_constraints(session))
