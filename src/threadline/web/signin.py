"""Sign-in (password, use notice, optional TOTP) and sign-out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from threadline.security import accounts, audit
from threadline.web.auth import (
    REFUSED,
    SessionState,
    authenticate,
    clear_failures,
    end_session,
    load_session,
    new_session,
    now,
    record_failure,
    require_csrf,
)
from threadline.web.deps import workspace_of

router = APIRouter()

USE_NOTICE = (
    "This system holds police case material about child sexual exploitation. "
    "Use it only for the purpose your role and operations allow. Every record, "
    "search and export you open is logged with your name and the time, and may be "
    "reviewed. Misuse is a criminal offence (Computer Misuse Act 1990, Data Protection "
    "Act 2018)."
)


def _templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def _form(
    request: Request, csrf: str, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    return _templates(request).TemplateResponse(
        request,
        "signin.html",
        {"csrf": csrf, "error": error, "notice": USE_NOTICE, "viewer": None},
        status_code=status,
    )


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> Response:
    def work(db: Session) -> tuple[str, Response | None]:
        state = load_session(db, request)
        if state is not None and state.principal is not None:
            return "", RedirectResponse("/", status_code=303)
        holder = Response()
        if state is None:
            row = new_session(db, holder, request, user=None, stage="anonymous")
            csrf = row.csrf_token
        else:
            csrf = state.csrf
        return csrf, holder

    csrf, holder = audit.retried(workspace_of(request).sessions, work)
    if isinstance(holder, RedirectResponse):
        return holder
    response = _form(request, csrf)
    if holder is not None:
        for key, value in holder.raw_headers:
            if key == b"set-cookie":
                response.raw_headers.append((key, value))
    return response


@router.post("/signin", dependencies=[Depends(require_csrf)])
def signin(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    notice: Annotated[str | None, Form()] = None,
) -> Response:
    name = accounts.normalise_username(username)
    response = RedirectResponse("/", status_code=303)

    def work(db: Session) -> str | None:
        state = load_session(db, request)
        if state is None:
            return "expired"
        if notice != "yes":
            return "notice"
        user = authenticate(db, name, password)
        if user is None:
            audit.append(
                db, username=name, action="sign-in-failed", target="password", outcome="refused"
            )
            return "refused"
        clear_failures(db, name)
        end_session(db, state.row, response, request)
        stage = "totp" if user.totp_secret else "active"
        row = new_session(db, response, request, user=user, stage=stage)
        row.notice_acknowledged_at = now()
        if stage == "active":
            audit.append(
                db,
                username=user.username,
                action="sign-in",
                target="session",
                justification="use notice acknowledged",
            )
        else:
            response.headers["location"] = "/signin/totp"
        return None

    problem = audit.retried(workspace_of(request).sessions, work)
    if problem is None:
        return response
    if problem == "expired":
        return RedirectResponse("/signin", status_code=303)
    csrf = request.state.csrf if hasattr(request.state, "csrf") else _current_csrf(request)
    message = "Acknowledge the use notice to continue." if problem == "notice" else REFUSED
    return _form(request, csrf, error=message, status=400 if problem == "notice" else 401)


def _current_csrf(request: Request) -> str:
    with workspace_of(request).sessions() as db:
        state = load_session(db, request)
        return state.csrf if state else ""


def _totp_state(db: Session, request: Request) -> SessionState | None:
    state = load_session(db, request)
    if state is None or state.user is None or state.row.stage != "totp":
        return None
    return state


@router.get("/signin/totp", response_class=HTMLResponse)
def totp_page(request: Request) -> Response:
    with workspace_of(request).sessions() as db:
        state = _totp_state(db, request)
        if state is None:
            return RedirectResponse("/signin", status_code=303)
        csrf = state.csrf
    return _templates(request).TemplateResponse(
        request, "totp.html", {"csrf": csrf, "error": None, "viewer": None}
    )


@router.post("/signin/totp", dependencies=[Depends(require_csrf)])
def totp(request: Request, code: Annotated[str, Form(max_length=12)]) -> Response:
    response = RedirectResponse("/", status_code=303)

    def work(db: Session) -> str | None:
        state = _totp_state(db, request)
        if state is None or state.user is None:
            return "expired"
        user = state.user
        if not accounts.check_totp(user, code):
            audit.append(
                db,
                username=user.username,
                action="sign-in-failed",
                target="totp",
                outcome="refused",
            )
            record_failure(db, user.username)
            end_session(db, state.row, response, request)
            return "refused"
        acknowledged = state.row.notice_acknowledged_at
        end_session(db, state.row, response, request)
        row = new_session(db, response, request, user=user, stage="active")
        row.notice_acknowledged_at = acknowledged
        audit.append(
            db,
            username=user.username,
            action="sign-in",
            target="session+totp",
            justification="use notice acknowledged",
        )
        return None

    problem = audit.retried(workspace_of(request).sessions, work)
    if problem is None:
        return response
    return RedirectResponse("/signin", status_code=303)


@router.post("/signout", dependencies=[Depends(require_csrf)])
def signout(request: Request) -> Response:
    response = RedirectResponse("/signin", status_code=303)

    def work(db: Session) -> None:
        state = load_session(db, request)
        if state is None:
            return
        if state.user is not None:
            audit.append(db, username=state.user.username, action="sign-out", target="session")
        end_session(db, state.row, response, request)

    audit.retried(workspace_of(request).sessions, work)
    return response
