"""The server-rendered screens. Every read goes through ``Access`` and is audited."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.errors import ThreadlineError
from threadline.security import accounts, audit
from threadline.security.access import Access, RecordView
from threadline.security.entities import EntityAccess, EntityView
from threadline.security.opportunities import OpportunityAccess, OpportunityView
from threadline.security.policy import CASEWORK, Role
from threadline.store.models import Operation
from threadline.store.security_models import AuditEvent, User
from threadline.web import judgements
from threadline.web.auth import require_csrf
from threadline.web.deps import Administrator, CurrentViewer, Viewer, consult, workspace_of

router = APIRouter(include_in_schema=False)
PAGE = 50


def render(
    request: Request, template: str, viewer: Viewer | None, status: int = 200, **context: Any
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        template,
        {"viewer": viewer, "csrf": viewer.csrf if viewer else "", **context},
        status_code=status,
    )


def umbrella_tree(ops: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Operations grouped under the umbrella that coordinates them (as far as visible)."""
    by_id = {op.id: op for op in ops}
    children: dict[str, list[Any]] = {}
    roots = []
    for op in ops:
        if op.parent in by_id:
            children.setdefault(op.parent, []).append(op)
        else:
            roots.append(op)
    return [(op, children.get(op.id, [])) for op in roots]


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, viewer: CurrentViewer) -> Response:
    def work(access: Access, db: Session) -> dict[str, Any]:
        ops = access.operations()
        per_op = access.counts_by_operation()
        audit.append(db, username=viewer.username, action="view-dashboard", target="dashboard")
        return {
            "tree": umbrella_tree(ops),
            "per_op": per_op,
            "total": sum(per_op.values()),
            "entities": EntityAccess(access).count(),
            "opportunities": OpportunityAccess(access).count(),
            "queue": OpportunityAccess(access).worklist(status="new", limit=10),
        }

    return render(request, "dashboard.html", viewer, **consult(request, viewer, work))


@router.get("/operations/{operation_id}", response_class=HTMLResponse)
def operation_page(
    request: Request,
    viewer: CurrentViewer,
    operation_id: str,
    page: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    def work(access: Access, db: Session) -> dict[str, Any] | None:
        op = access.operation(operation_id)
        audit.append(
            db,
            username=viewer.username,
            action="view-operation",
            target=f"operation:{operation_id}",
            outcome="ok" if op else "denied",
        )
        if op is None:
            return None
        return {
            "op": op,
            "children": [o for o in access.operations() if o.parent == op.id],
            "records": access.records(operation=op.id, limit=PAGE, offset=page * PAGE),
            "count": access.count_records(operation=op.id),
            "page": page,
            "page_size": PAGE,
        }

    found = consult(request, viewer, work)
    if found is None:
        raise HTTPException(status_code=404, detail="no such operation, or not yours to see")
    return render(request, "operation.html", viewer, **found)


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(request: Request, viewer: CurrentViewer, record_id: str) -> Response:
    def work(access: Access, db: Session) -> RecordView | None:
        view = access.record(record_id)
        audit.append(
            db,
            username=viewer.username,
            action="view-record",
            target=f"record:{record_id}",
            outcome="ok" if view else "denied",
        )
        return view

    view = consult(request, viewer, work)
    if view is None:
        raise HTTPException(status_code=404, detail="no such record, or not yours to see")
    return render(request, "record.html", viewer, record=view)


@router.get("/records/{record_id}/original")
def original(request: Request, viewer: CurrentViewer, record_id: str) -> Response:
    def work(access: Access, db: Session) -> RecordView | None:
        view = access.record(record_id)
        ok = view is not None and view.original_sha256 is not None
        audit.append(
            db,
            username=viewer.username,
            action="download-original",
            target=f"record:{record_id}",
            outcome="ok" if ok else "denied",
        )
        return view if ok else None

    view = consult(request, viewer, work)
    if view is None or view.original_sha256 is None:
        raise HTTPException(status_code=404, detail="no original, or not yours to see")
    path = workspace_of(request).originals.path_for(view.original_sha256)
    name = (view.file_path or view.id).rsplit("/", 1)[-1]
    return FileResponse(path, filename=name, media_type="application/octet-stream")


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    viewer: CurrentViewer,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    hits = search_hits(request, viewer, q)
    return render(request, "search.html", viewer, q=q, hits=hits)


def search_hits(request: Request, viewer: Viewer, q: str) -> list[Any]:
    if not q.strip():
        return []

    def work(access: Access, db: Session) -> list[Any]:
        hits = access.search(q)
        audit.append(
            db,
            username=viewer.username,
            action="search",
            target=f"search:{q[:200]}",
            outcome=f"{len(hits)} hits"[:20],
        )
        return hits

    return consult(request, viewer, work)


@router.get("/export", response_class=HTMLResponse)
def export_form(request: Request, viewer: CurrentViewer) -> Response:
    ops = consult(request, viewer, lambda access, _db: access.operations())
    return render(request, "export.html", viewer, operations=ops, error=None)


def export_csv(request: Request, viewer: Viewer, operation: str | None, reason: str) -> str:
    """The CSV of every record the viewer may see (victims anonymised), audited with its reason."""

    def work(access: Access, db: Session) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["id", "operation", "kind", "date", "grading", "sharing", "title", "subjects", "text"]
        )
        n = 0
        for view in access.export(operation=operation):
            n += 1
            writer.writerow(
                [
                    view.id,
                    view.operation,
                    view.kind or "",
                    view.date.isoformat() if view.date else "",
                    view.grading or "",
                    view.sharing,
                    view.title,
                    "; ".join(f"{s.role}: {s.name or ''}" for s in view.subjects),
                    view.text,
                ]
            )
        audit.append(
            db,
            username=viewer.username,
            action="export",
            target=f"export:{operation or 'all'} records={n}",
            justification=reason,
        )
        return out.getvalue()

    return consult(request, viewer, work)


@router.post("/export", dependencies=[Depends(require_csrf)])
def export(
    request: Request,
    viewer: CurrentViewer,
    reason: Annotated[str, Form(max_length=500)] = "",
    operation: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if len(reason.strip()) < 5:
        ops = consult(request, viewer, lambda access, _db: access.operations())
        return render(
            request,
            "export.html",
            viewer,
            status=400,
            operations=ops,
            error="State why you are exporting (an export is a disclosure and is logged).",
        )
    body = export_csv(request, viewer, operation or None, reason.strip())
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="threadline-export.csv"'},
    )


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, viewer: CurrentViewer, entity_id: str) -> Response:
    view = entity_view(request, viewer, entity_id)
    if view is None:
        raise HTTPException(status_code=404, detail="no such entity, or not yours to see")
    return render(
        request, "entity.html", viewer, entity=view, casework=viewer.principal.role in CASEWORK
    )


def entity_view(request: Request, viewer: Viewer, entity_id: str) -> EntityView | None:
    def work(access: Access, db: Session) -> EntityView | None:
        view = EntityAccess(access).entity(entity_id)
        audit.append(
            db,
            username=viewer.username,
            action="view-entity",
            target=f"entity:{entity_id}",
            outcome="ok" if view else "denied",
        )
        return view

    return consult(request, viewer, work)


@router.get("/entities/{entity_id}/chart", response_class=HTMLResponse)
def chart_page(request: Request, viewer: CurrentViewer, entity_id: str) -> Response:
    view = entity_view(request, viewer, entity_id)
    if view is None:
        raise HTTPException(status_code=404, detail="no such entity, or not yours to see")
    return render(request, "chart.html", viewer, entity=view)


@router.post("/entities/{entity_id}/judgement", dependencies=[Depends(require_csrf)])
def judgement(
    request: Request,
    viewer: CurrentViewer,
    entity_id: str,
    other: Annotated[str, Form(max_length=200)],
    decision: Annotated[str, Form(max_length=20)],
    why: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if viewer.principal.role not in CASEWORK:
        raise HTTPException(status_code=403, detail="your role does not record judgements")
    try:
        record_judgement(request, viewer, entity_id, other.strip(), decision, why)
    except ThreadlineError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return RedirectResponse(f"/entities/{entity_id}?judged=1", status_code=303)


def record_judgement(
    request: Request, viewer: Viewer, left: str, right: str, decision: str, why: str
) -> None:
    """An analyst's same / not-same decision, on two people the viewer may see, audited."""

    def work(access: Access, db: Session) -> None:
        entities = EntityAccess(access)
        for ref in (left, right):
            if entities.entity(ref) is None:
                raise ThreadlineError(f"no person entity '{ref}' that you may see")
        row = judgements.judgement_row(
            db, decision=decision, left=left, right=right, by=viewer.username, why=why
        )
        audit.append(
            db,
            username=viewer.username,
            action="judgement",
            target=f"judgement:{row.decision} {left} {right}",
            justification=row.why,
        )

    consult(request, viewer, work)


@router.get("/opportunities", response_class=HTMLResponse)
def opportunities_page(
    request: Request,
    viewer: CurrentViewer,
    kind: Annotated[str, Query(max_length=40)] = "",
    operation: Annotated[str, Query(max_length=200)] = "",
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
    status: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    found = worklist(request, viewer, kind, operation, min_score, status)
    return render(
        request,
        "opportunities.html",
        viewer,
        items=found[0],
        kinds=found[1],
        operations=found[2],
        kind=kind,
        operation=operation,
        min_score=min_score,
        status_filter=status,
    )


def worklist(
    request: Request, viewer: Viewer, kind: str, operation: str, min_score: float, status: str
) -> tuple[list[OpportunityView], list[str], list[str]]:
    def work(access: Access, db: Session) -> tuple[list[OpportunityView], list[str], list[str]]:
        opportunities = OpportunityAccess(access)
        items = opportunities.worklist(
            kind=kind or None,
            operation=operation or None,
            min_score=min_score,
            status=status or None,
        )
        audit.append(
            db,
            username=viewer.username,
            action="view-opportunities",
            target=f"opportunities:kind={kind or '*'} operation={operation or '*'} "
            f"min_score={min_score:g} status={status or '*'}",
            outcome=f"{len(items)} shown"[:20],
        )
        return items, opportunities.kinds(), [o.id for o in access.operations()]

    return consult(request, viewer, work)


@router.get("/opportunities/{opportunity_id}", response_class=HTMLResponse)
def opportunity_page(request: Request, viewer: CurrentViewer, opportunity_id: str) -> Response:
    view = opportunity_view(request, viewer, opportunity_id)
    if view is None:
        raise HTTPException(status_code=404, detail="no such opportunity, or not yours to see")
    return render(
        request,
        "opportunity.html",
        viewer,
        item=view,
        casework=viewer.principal.role in CASEWORK,
    )


def opportunity_view(
    request: Request, viewer: Viewer, opportunity_id: str
) -> OpportunityView | None:
    def work(access: Access, db: Session) -> OpportunityView | None:
        view = OpportunityAccess(access).opportunity(opportunity_id)
        audit.append(
            db,
            username=viewer.username,
            action="view-opportunity",
            target=f"opportunity:{opportunity_id}",
            outcome="ok" if view else "denied",
        )
        return view

    return consult(request, viewer, work)


@router.post("/opportunities/{opportunity_id}/action", dependencies=[Depends(require_csrf)])
def opportunity_action(
    request: Request,
    viewer: CurrentViewer,
    opportunity_id: str,
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    decide(request, viewer, opportunity_id, "action", text)
    return RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)


@router.post("/opportunities/{opportunity_id}/dismiss", dependencies=[Depends(require_csrf)])
def opportunity_dismiss(
    request: Request,
    viewer: CurrentViewer,
    opportunity_id: str,
    why: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    decide(request, viewer, opportunity_id, "dismiss", why)
    return RedirectResponse(f"/opportunities/{opportunity_id}", status_code=303)


def decide(request: Request, viewer: Viewer, opportunity_id: str, how: str, text: str) -> str:
    """Turn an opportunity into an action, or dismiss it with a reason; audited with it."""
    if viewer.principal.role not in CASEWORK:
        raise HTTPException(status_code=403, detail="your role does not decide on opportunities")

    def work(access: Access, db: Session) -> str:
        opportunities = OpportunityAccess(access)
        if how == "action":
            done = opportunities.action(opportunity_id, by=viewer.username, text=text.strip())
            audit.append(
                db,
                username=viewer.username,
                action="opportunity-action",
                target=f"opportunity:{opportunity_id} action={done}",
                justification=text.strip() or None,
            )
            return done
        opportunities.dismiss(opportunity_id, by=viewer.username, why=text)
        audit.append(
            db,
            username=viewer.username,
            action="opportunity-dismiss",
            target=f"opportunity:{opportunity_id}",
            justification=text.strip(),
        )
        return "dismissed"

    try:
        return consult(request, viewer, work)
    except ThreadlineError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc


# -- administration ------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, viewer: Administrator) -> Response:
    with workspace_of(request).reading() as db:
        users = list(db.scalars(select(User).order_by(User.username)))
        rows = [
            (u.username, u.role, bool(u.totp_secret), [m.operation_id for m in u.memberships])
            for u in users
        ]
        ops = list(db.scalars(select(Operation.id).order_by(Operation.id)))
    return render(
        request,
        "users.html",
        viewer,
        users=rows,
        roles=list(Role),
        operations=ops,
        error=None,
        created=None,
    )


@router.post("/admin/users", dependencies=[Depends(require_csrf)])
def create_user(
    request: Request,
    viewer: Administrator,
    username: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=1000)],
    role: Annotated[str, Form(max_length=20)],
    operations: Annotated[str, Form(max_length=2000)] = "",
    totp: Annotated[str | None, Form()] = None,
) -> Response:
    wanted = [op.strip() for op in operations.replace(",", " ").split() if op.strip()]

    def work(db: Session) -> None:
        user = accounts.create_user(
            db,
            username=username,
            password=password,
            role=role,
            operations=wanted,
            totp=totp == "yes",
        )
        audit.append(
            db,
            username=viewer.username,
            action="user-create",
            target=f"user:{user.username} role={user.role} operations={','.join(wanted) or '-'}",
        )

    try:
        audit.retried(workspace_of(request).sessions, work)
    except ThreadlineError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}/operations", dependencies=[Depends(require_csrf)])
def change_memberships(
    request: Request,
    viewer: Administrator,
    username: str,
    operations: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    wanted = [op.strip() for op in operations.replace(",", " ").split() if op.strip()]

    def work(db: Session) -> bool:
        user = accounts.find_user(db, username)
        if user is None:
            return False
        accounts.set_memberships(user, wanted)
        audit.append(
            db,
            username=viewer.username,
            action="user-change",
            target=f"user:{user.username} operations={','.join(wanted) or '-'}",
        )
        return True

    if not audit.retried(workspace_of(request).sessions, work):
        raise HTTPException(status_code=404, detail="no such account")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    viewer: Administrator,
    page: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    def work(db: Session) -> tuple[list[AuditEvent], dict[str, Any]]:
        audit.append(db, username=viewer.username, action="audit-view", target=f"audit:page {page}")
        events = list(
            db.scalars(
                select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(PAGE).offset(page * PAGE)
            )
        )
        return events, audit.head(db)

    events, head = audit.retried(workspace_of(request).sessions, work)
    return render(request, "audit.html", viewer, events=events, head=head, page=page)
