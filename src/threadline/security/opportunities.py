"""Opportunities through the access layer.

An opportunity is shown only when **every** record of its evidence is one the
person may read: its title and explanation speak of all of them (operations,
counts, grading), so showing it on the strength of some would disclose the
rest. For roles that may not see victims, its title and explanation have the
victims of its records blanked out as the record views do.

Decisions (turn into an action, dismiss with a reason) are refused on an
opportunity the person may not see, and otherwise written by
:mod:`threadline.security.decisions` with their audit event, in the caller's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.analyse.opportunities import review
from threadline.errors import ThreadlineError
from threadline.security import decisions
from threadline.security.access import Access, RecordSummary, Redactor
from threadline.store.models import Subject
from threadline.store.opportunity_models import Opportunity, OpportunityStatus


@dataclass
class OpportunityView:
    id: str
    rank: int
    kind: str
    score: float
    title: str
    explanation: str
    status: str
    entities: list[str]
    records: list[str]
    operations: list[str]
    decided_by: str | None = None
    why: str | None = None
    action: str | None = None
    evidence: list[RecordSummary] = field(default_factory=list)
    history: list[dict[str, object]] = field(default_factory=list)


class OpportunityAccess:
    def __init__(self, access: Access) -> None:
        self.access = access
        self.session: Session = access.session
        self._readable: set[str] | None = None

    def _shown(self, records: list[Any] | None) -> bool:
        """Whether an opportunity with this evidence may be shown: every record readable."""
        if self._readable is None:
            self._readable = self.access.record_ids()
        readable = self._readable
        return bool(records) and all(str(x) in readable for x in records or [])

    def _visible(self, rows: list[Opportunity]) -> list[Opportunity]:
        return [r for r in rows if self._shown(r.records)]

    def _redactor(self, record_ids: list[str]) -> Redactor | None:
        if self.access.sees_victims:
            return None
        subjects = list(
            self.session.scalars(select(Subject).where(Subject.record_id.in_(record_ids)))
        )
        return self.access.redactor(subjects)

    def _view(self, row: Opportunity, status: OpportunityStatus | None) -> OpportunityView:
        records = [str(r) for r in row.records]
        redactor = self._redactor(records)
        view = OpportunityView(
            id=row.id,
            rank=row.rank,
            kind=row.kind,
            score=row.score,
            title=redactor.text(row.title) if redactor else row.title,
            explanation=redactor.text(row.explanation) if redactor else row.explanation,
            status=row.status,
            entities=[str(e) for e in row.entities],
            records=records,
            operations=[str(o) for o in row.operations],
        )
        if status is not None and status.status == row.status:
            view.decided_by = status.by
            view.why = redactor.text(status.why) if redactor and status.why else status.why
            if status.review_action_id is not None:
                view.action = f"RA-{status.review_action_id}"
        return view

    def worklist(
        self,
        *,
        kind: str | None = None,
        operation: str | None = None,
        min_score: float = 0.0,
        status: str | None = None,
        limit: int = 200,
    ) -> list[OpportunityView]:
        query = select(Opportunity).where(Opportunity.score >= min_score).order_by(Opportunity.rank)
        if kind:
            query = query.where(Opportunity.kind == kind)
        if status:
            query = query.where(Opportunity.status == status)
        rows: list[Opportunity] = []
        # Best first, in batches, until ``limit`` are found that may be shown.
        found = self.session.scalars(query.execution_options(yield_per=200))
        for row in found:
            if self._shown(row.records) and (not operation or operation in row.operations):
                rows.append(row)
                if len(rows) >= limit:
                    break
        found.close()
        decided = {
            s.opportunity_id: s
            for s in self.session.scalars(
                select(OpportunityStatus).where(
                    OpportunityStatus.opportunity_id.in_([r.id for r in rows])
                )
            )
        }
        return [self._view(r, decided.get(r.id)) for r in rows]

    def count(self) -> int:
        """How many opportunities this principal may see."""
        return sum(
            1
            for records in self.session.scalars(select(Opportunity.records))
            if self._shown(records)
        )

    def kinds(self) -> list[str]:
        return sorted(set(self.session.scalars(select(Opportunity.kind).distinct())))

    def opportunity(self, opportunity_id: str) -> OpportunityView | None:
        row = self.session.get(Opportunity, opportunity_id)
        if row is None or not self._visible([row]):
            return None
        view = self._view(row, self.session.get(OpportunityStatus, row.id))
        view.evidence = self.access.records_by_id(view.records)
        redactor = self._redactor(view.records)
        view.history = [
            {**h, "detail": redactor.text(str(h["detail"])) if redactor else h["detail"]}
            for h in review.history(self.session, row.id)
        ]
        return view

    def action(self, opportunity_id: str, *, by: str, text: str) -> str:
        """Turn a visible opportunity into a review action (audited with it); its reference."""
        self.decidable(opportunity_id)
        done = decisions.action(
            self.session, opportunity_id, username=self.access.principal.username, by=by, text=text
        )
        return f"RA-{done.review_action_id}"

    def dismiss(self, opportunity_id: str, *, by: str, why: str) -> None:
        """Dismiss a visible opportunity with its reason (audited with it)."""
        self.decidable(opportunity_id)
        decisions.dismiss(
            self.session, opportunity_id, username=self.access.principal.username, by=by, why=why
        )

    def decidable(self, opportunity_id: str) -> Opportunity:
        row = self.session.get(Opportunity, opportunity_id)
        if row is None or not self._visible([row]):
            raise ThreadlineError(f"no opportunity '{opportunity_id}' that you may see")
        return row
