"""The JSON API under ``/api``: the same reads as the pages, through the same ``Access``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from threadline.security.access import OperationView, RecordSummary, RecordView
from threadline.security.opportunities import OpportunityView
from threadline.web import views
from threadline.web.auth import require_csrf
from threadline.web.deps import CurrentViewer, WorklistQuery, consult, found
from threadline.web.pages import export_response

router = APIRouter(prefix="/api", tags=["api"])


def _operation(op: OperationView) -> dict[str, Any]:
    return {
        "id": op.id,
        "name": op.name,
        "kind": op.kind,
        "parent": op.parent,
        "status": op.status,
        "relation": op.relation.value,
    }


def _summary(rec: RecordSummary) -> dict[str, Any]:
    return {
        "id": rec.id,
        "operation": rec.operation,
        "kind": rec.kind,
        "date": rec.date.isoformat() if rec.date else None,
        "title": rec.title,
        "grading": rec.grading,
        "sharing": rec.sharing,
    }


def _record(view: RecordView) -> dict[str, Any]:
    return _summary(view) | {
        "received": view.received.isoformat() if view.received else None,
        "text": view.text,
        "author": view.author,
        "has_original": view.original_sha256 is not None,
        "anonymised": view.anonymised,
        "subjects": [
            {
                "ref": s.ref,
                "role": s.role,
                "name": s.name,
                "aliases": s.aliases,
                "dob": s.dob.isoformat() if s.dob else None,
                "age": s.age,
                "phones": s.phones,
                "vehicles": s.vehicles,
                "anonymised": s.anonymised,
            }
            for s in view.subjects
        ],
        "locations": [{"address": a, "postcode": p} for a, p in view.locations],
        "links": [{"to": t, "kind": k} for t, k in view.links],
    }


@router.get("/me")
def me(viewer: CurrentViewer) -> dict[str, Any]:
    """Who is signed in, their role and memberships."""
    p = viewer.principal
    return {"username": p.username, "role": p.role.value, "operations": sorted(p.memberships)}


@router.get("/operations")
def operations(request: Request, viewer: CurrentViewer) -> list[dict[str, Any]]:
    """The operations the viewer may see."""
    return [_operation(o) for o in consult(request, viewer, views.operations)]


@router.get("/operations/{operation_id}/records")
def operation_records(
    request: Request,
    viewer: CurrentViewer,
    operation_id: str,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    """One page of an operation's records (audited as a consultation of the operation)."""
    shown = found(
        request, viewer, "operation", views.operation, operation_id, limit=limit, offset=offset
    )
    return {
        "operation": _operation(shown.operation),
        "total": shown.count,
        "records": [_summary(r) for r in shown.records],
    }


@router.get("/records/{record_id}")
def record(request: Request, viewer: CurrentViewer, record_id: str) -> dict[str, Any]:
    """One record, as the viewer may see it (victims anonymised for roles that may not see them)."""
    return _record(found(request, viewer, "record", views.record, record_id))


@router.get("/search")
def search(
    request: Request, viewer: CurrentViewer, q: Annotated[str, Query(max_length=200)]
) -> list[dict[str, Any]]:
    """Records matching ``q`` in text, title or names, spelling variants included."""
    hits = consult(request, viewer, views.search, q) if q.strip() else []
    return [_summary(h.record) | {"where": h.where, "snippet": h.snippet} for h in hits]


class ExportRequest(BaseModel):
    reason: str = Field(min_length=5, max_length=500)
    operation: str | None = Field(default=None, max_length=200)
    format: Literal["csv", "xlsx", "ftm", "graphml"] = "csv"


@router.post("/export", dependencies=[Depends(require_csrf)])
def export(request: Request, viewer: CurrentViewer, body: ExportRequest) -> Response:
    """Every record the viewer may see, victims anonymised, in ``format``; needs a reason."""
    done = consult(
        request,
        viewer,
        views.export_records,
        format=body.format,
        operation=body.operation,
        reason=body.reason.strip(),
    )
    return export_response(done)


@router.get("/entities/{entity_id}")
def entity(request: Request, viewer: CurrentViewer, entity_id: str) -> dict[str, Any]:
    """One entity, from the material the viewer may see (victims anonymised as the role asks)."""
    view = found(request, viewer, "entity", views.entity, entity_id)
    return {
        "id": view.id,
        "type": view.type,
        "label": view.label,
        "anonymised": view.anonymised,
        "names": view.names,
        "identifiers": view.identifiers,
        "operations": view.operations,
        "records": [_summary(r) for r in view.records],
        "joins": [j.__dict__ for j in view.joins],
        "neighbours": [n.__dict__ for n in view.neighbours],
    }


@router.get("/entities/{entity_id}/graph")
def entity_graph(
    request: Request, viewer: CurrentViewer, entity_id: str
) -> dict[str, list[dict[str, object]]]:
    """The entity and its neighbours (by shared records) for the link chart."""
    return found(request, viewer, "entity", views.entity_graph, entity_id)


@router.get("/opportunities")
def opportunities(
    request: Request, viewer: CurrentViewer, filters: WorklistQuery
) -> list[dict[str, Any]]:
    """The opportunity worklist, best first: only those whose evidence the viewer may all see."""
    return [_opportunity(o) for o in consult(request, viewer, views.worklist, filters).items]


@router.get("/opportunities/{opportunity_id}")
def opportunity(request: Request, viewer: CurrentViewer, opportunity_id: str) -> dict[str, Any]:
    """One opportunity with its evidence records and history."""
    view = found(request, viewer, "opportunity", views.opportunity, opportunity_id)
    return _opportunity(view) | {
        "evidence": [_summary(r) for r in view.evidence],
        "history": view.history,
    }


def _opportunity(o: OpportunityView) -> dict[str, Any]:
    return {
        "id": o.id,
        "rank": o.rank,
        "kind": o.kind,
        "score": o.score,
        "title": o.title,
        "explanation": o.explanation,
        "status": o.status,
        "entities": o.entities,
        "records": o.records,
        "operations": o.operations,
        "action": o.action,
        "decided_by": o.decided_by,
        "why": o.why,
    }
