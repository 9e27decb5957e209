"""The server-rendered screens. Every read goes through ``Access`` and is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.errors import ThreadlineError
from threadline.security import accounts, audit, decisions, exports
from threadline.security.access import Access
from threadline.security.entities import EntityAccess
from threadline.security.opportunities import OpportunityAccess
from threadline.security.policy import CASEWORK, Role
from threadline.store.models import Operation
from threadline.store.security_models import AuditEvent, User
from threadline.web import views
from threadline.web.auth import require_csrf
from threadline.web.deps import (
    Administrator,
    CurrentViewer,
    Viewer,
    WorklistQuery,
    change,
    consult,
    found,
    workspace_of,
)
from threadline.web.views import PAGE

router = APIRouter(include_in_schema=False)


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
    shown = consult(request, viewer, views.dashboard)
    return render(
        request,
        "dashboard.html",
        viewer,
        tree=umbrella_tree(shown.operations),
        per_op=shown.per_op,
        total=shown.total,
        entities=shown.entities,
        opportunities=shown.opportunities,
        queue=shown.queue,
    )


@router.get("/operations/{operation_id}", response_class=HTMLResponse)
def operation_page(
    request: Request,
    viewer: CurrentViewer,
    operation_id: str,
    page: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> Response:
    shown = found(request, viewer, "operation", views.operation, operation_id, offset=page * PAGE)
    return render(
        request,
        "operation.html",
        viewer,
        op=shown.operation,
        children=shown.children,
        records=shown.records,
        count=shown.count,
        page=page,
        page_size=PAGE,
    )


@router.get("/records/{record_id}", response_class=HTMLResponse)
def record_page(request: Request, viewer: CurrentViewer, record_id: str) -> Response:
    view = found(request, viewer, "record", views.record, record_id)
    return render(request, "record.html", viewer, record=view)


@router.get("/records/{record_id}/original")
def original(request: Request, viewer: CurrentViewer, record_id: str) -> Response:
    file = found(request, viewer, "original", views.original, record_id)
    path = workspace_of(request).originals.path_for(file.sha256)
    return FileResponse(path, filename=file.filename, media_type="application/octet-stream")


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    viewer: CurrentViewer,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    hits = consult(request, viewer, views.search, q) if q.strip() else []
    return render(request, "search.html", viewer, q=q, hits=hits)


@router.get("/export", response_class=HTMLResponse)
def export_form(request: Request, viewer: CurrentViewer) -> Response:
    ops = consult(request, viewer, views.operations)
    return render(
        request, "export.html", viewer, operations=ops, formats=exports.FORMATS, error=None
    )


def export_response(export: exports.Export) -> Response:
    return Response(
        export.content,
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


@router.post("/export", dependencies=[Depends(require_csrf)])
def export(
    request: Request,
    viewer: CurrentViewer,
    reason: Annotated[str, Form(max_length=500)] = "",
    operation: Annotated[str, Form(max_length=200)] = "",
    format: Annotated[str, Form(max_length=10)] = "csv",
) -> Response:
    if len(reason.strip()) < 5 or format not in exports.FORMATS:
        ops = consult(request, viewer, views.operations)
        return render(
            request,
            "export.html",
            viewer,
            status=400,
            operations=ops,
            formats=exports.FORMATS,
            error="State why you are exporting (an export is a disclosure and is logged).",
        )
    done = consult(
        request,
        viewer,
        views.export_records,
        format=format,
        operation=operation or None,
        reason=reason.strip(),
    )
    return export_response(done)


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, viewer: CurrentViewer, entity_id: str) -> Response:
    view = found(request, viewer, "entity", views.entity, entity_id)
    return render(
        request, "entity.html", viewer, entity=view, casework=viewer.principal.role in CASEWORK
    )


@router.get("/entities/{entity_id}/chart", response_class=HTMLResponse)
def chart_page(request: Request, viewer: CurrentViewer, entity_id: str) -> Response:
    view = found(request, viewer, "entity", views.entity, entity_id)
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

    def work(db: Session) -> None:
        entities = EntityAccess(Access(db, viewer.principal))
        for ref in (left, right):
            if entities.entity(ref) is None:
                raise ThreadlineError(f"no person entity '{ref}' that you may see")
        decisions.judge(
            db,
            username=viewer.username,
            decision=decision,
            left=left,
            right=right,
            by=viewer.username,
            why=why,
        )

    change(request, work)


@router.get("/opportunities", response_class=HTMLResponse)
def opportunities_page(request: Request, viewer: CurrentViewer, filters: WorklistQuery) -> Response:
    shown = consult(request, viewer, views.worklist, filters)
    return render(
        request,
        "opportunities.html",
        viewer,
        items=shown.items,
        kinds=shown.kinds,
        operations=shown.operations,
        kind=filters.kind,
        operation=filters.operation,
        min_score=filters.min_score,
        status_filter=filters.status,
    )


@router.get("/opportunities/{opportunity_id}", response_class=HTMLResponse)
def opportunity_page(request: Request, viewer: CurrentViewer, opportunity_id: str) -> Response:
    view = found(request, viewer, "opportunity", views.opportunity, opportunity_id)
    return render(
        request,
        "opportunity.html",
        viewer,
        item=view,
        casework=viewer.principal.role in CASEWORK,
    )


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

    def work(db: Session) -> str:
        opportunities = OpportunityAccess(Access(db, viewer.principal))
        if how == "action":
            return opportunities.action(opportunity_id, by=viewer.username, text=text)
        opportunities.dismiss(opportunity_id, by=viewer.username, why=text)
        return "dismissed"

    try:
        return change(request, work)
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
        change(request, work)
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

    if not change(request, work):
        raise HTTPException(status_code=404, detail="no such account")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    viewer: Administrator,
    page: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    def read(db: Session) -> tuple[tuple[list[AuditEvent], dict[str, Any]], audit.Note]:
        events = list(
            db.scalars(
                select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(PAGE).offset(page * PAGE)
            )
        )
        return (events, audit.head(db)), audit.Note("audit-view", f"audit:page {page}")

    events, head = audit.consulted(workspace_of(request).sessions, viewer.username, read)
    return render(request, "audit.html", viewer, events=events, head=head, page=page)
