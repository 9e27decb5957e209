"""Request dependencies: the workspace, the signed-in viewer, and audited consultations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, HTTPException, Query, Request
from sqlalchemy.orm import Session

from threadline.security import audit
from threadline.security.access import Access, Principal
from threadline.security.policy import ADMINISTRATION
from threadline.web.auth import SignInRequired, load_session, needs_touch, touch_session
from threadline.web.views import WorklistFilter
from threadline.workspace import Workspace

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    csrf: str

    @property
    def username(self) -> str:
        return self.principal.username


def workspace_of(request: Request) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


def signed_in(request: Request) -> Viewer:
    """The signed-in person, or :class:`SignInRequired`."""
    workspace = workspace_of(request)

    def load(db: Session) -> tuple[Viewer, str | None] | None:
        state = load_session(db, request, touch=False)
        if state is None or state.principal is None:
            return None
        stale = state.row.id if needs_touch(state) else None
        return Viewer(principal=state.principal, csrf=state.csrf), stale

    # A read: it writes only to remove an expired session (rare; on SQLite a stale
    # snapshot then fails and the unit runs again). A session seen more than a
    # minute ago is touched in a short unit of work of its own.
    loaded = audit.retried(workspace.sessions, load, writes=False)
    if loaded is None:
        raise SignInRequired
    viewer, stale = loaded
    if stale is not None:
        audit.retried(workspace.sessions, lambda db: touch_session(db, stale))
    request.state.csrf = viewer.csrf
    return viewer


def administrator(viewer: Annotated[Viewer, Depends(signed_in)]) -> Viewer:
    if viewer.principal.role not in ADMINISTRATION:
        raise HTTPException(status_code=403, detail="administrators only")
    return viewer


CurrentViewer = Annotated[Viewer, Depends(signed_in)]
Administrator = Annotated[Viewer, Depends(administrator)]


def consult(
    request: Request,
    viewer: Viewer,
    view: Callable[Concatenate[Access, P], tuple[T, audit.Note]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run the consultation ``view`` over what ``viewer`` may see; its result comes back
    only once its audit event is committed (:func:`threadline.security.audit.consulted`)."""
    return audit.consulted(
        workspace_of(request).sessions,
        viewer.username,
        lambda db: view(Access(db, viewer.principal), *args, **kwargs),
    )


def found(
    request: Request,
    viewer: Viewer,
    what: str,
    view: Callable[Concatenate[Access, P], tuple[T | None, audit.Note]],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """:func:`consult` for one thing: 404 (the same for missing and refused) when there is none."""
    result = consult(request, viewer, view, *args, **kwargs)
    if result is None:
        raise HTTPException(status_code=404, detail=f"no such {what}, or not yours to see")
    return result


def worklist_filter(
    kind: Annotated[str, Query(max_length=40)] = "",
    operation: Annotated[str, Query(max_length=200)] = "",
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0,
    status: Annotated[str, Query(max_length=20)] = "",
) -> WorklistFilter:
    """The worklist's filters, from the query string of the page or the API call."""
    return WorklistFilter(kind=kind, operation=operation, min_score=min_score, status=status)


WorklistQuery = Annotated[WorklistFilter, Depends(worklist_filter)]


def change(request: Request, work: Callable[[Session], T]) -> T:
    """A change and its audit event, in one transaction (``work`` appends the event)."""
    return audit.retried(workspace_of(request).sessions, work)
