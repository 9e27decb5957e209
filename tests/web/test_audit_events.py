"""Each audited kind of event, performed once through the web, writes exactly one event."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.security.world import (
    SUSPECT_ENTITY,
    add_entities,
    add_opportunities,
    victim_entity,
    write_world,
)
from tests.web.helpers import PASSWORD, add_user, csrf_of, sign_in
from threadline.ingest import import_bundle
from threadline.security import audit
from threadline.store.security_models import AuditEvent
from threadline.workspace import Workspace

NOT_BUILT = {
    "import",  # the importer (not this issue's) does not write audit events yet
}


def _counts(workspace: Workspace) -> dict[str, int]:
    with workspace.reading() as session:
        rows = session.execute(
            select(AuditEvent.action, func.count()).group_by(AuditEvent.action)
        ).all()
    return {action: int(n) for action, n in rows}


def test_each_audited_kind_writes_exactly_one_event(
    client: TestClient, workspace: Workspace, tmp_path: Path
) -> None:
    index = write_world(tmp_path / "world")
    import_bundle(workspace, tmp_path / "world")
    add_entities(workspace, index)
    add_opportunities(workspace)
    add_user(workspace, "ada", "administrator")
    add_user(workspace, "rita", "reviewer", ("ALPHA",))
    done: set[str] = set()

    def step(action: str, perform: object) -> None:
        before = _counts(workspace)
        assert callable(perform)
        perform()
        after = _counts(workspace)
        changed = {k: after.get(k, 0) - before.get(k, 0) for k in after}
        assert {k: v for k, v in changed.items() if v} == {action: 1}, action
        done.add(action)

    def failed_sign_in() -> None:
        page = client.get("/signin")
        client.post(
            "/signin",
            data={
                "username": "rita",
                "password": "not it at all",
                "notice": "yes",
                "csrf_token": csrf_of(page.text),
            },
        )

    step("sign-in-failed", failed_sign_in)
    step(
        "sign-in",
        lambda: client.post(
            "/signin",
            data={
                "username": "rita",
                "password": PASSWORD,
                "notice": "yes",
                "csrf_token": csrf_of(client.get("/signin").text),
            },
            follow_redirects=False,
        ),
    )
    step("view-dashboard", lambda: client.get("/"))
    step("view-operations", lambda: client.get("/api/operations"))
    csrf = csrf_of(client.get("/export").text)
    step("view-entity", lambda: client.get(f"/entities/{SUSPECT_ENTITY}"))
    victim = victim_entity("R-ALPHA-permitted")
    step(
        "judgement",
        lambda: client.post(
            f"/entities/{SUSPECT_ENTITY}/judgement",
            data={"csrf_token": csrf, "other": victim, "decision": "not-same", "why": "test"},
            follow_redirects=False,
        ),
    )
    step("view-opportunities", lambda: client.get("/opportunities"))
    step("view-opportunity", lambda: client.get("/opportunities/O-alpha"))
    step(
        "opportunity-action",
        lambda: client.post(
            "/opportunities/O-alpha/action",
            data={"csrf_token": csrf, "text": "trace"},
            follow_redirects=False,
        ),
    )
    step(
        "opportunity-dismiss",
        lambda: client.post(
            "/opportunities/O-alpha-orig/dismiss",
            data={"csrf_token": csrf, "why": "covered"},
            follow_redirects=False,
        ),
    )
    step("view-operation", lambda: client.get("/operations/ALPHA"))
    step("view-record", lambda: client.get("/records/R-ALPHA-permitted"))
    step("download-original", lambda: client.get("/records/R-ALPHA-permitted/original"))
    step("search", lambda: client.get("/search", params={"q": "Canal"}))
    step(
        "export", lambda: client.post("/export", data={"csrf_token": csrf, "reason": "test export"})
    )
    step("sign-out", lambda: client.post("/signout", data={"csrf_token": csrf}))
    client.cookies.clear()
    sign_in(client, "ada")
    admin_csrf = csrf_of(client.get("/admin/users").text)
    step(
        "user-create",
        lambda: client.post(
            "/admin/users",
            data={
                "csrf_token": admin_csrf,
                "username": "ian",
                "password": PASSWORD,
                "role": "investigator",
                "operations": "ALPHA",
            },
            follow_redirects=False,
        ),
    )
    step(
        "user-change",
        lambda: client.post(
            "/admin/users/ian/operations", data={"csrf_token": admin_csrf, "operations": "BRAVO"}
        ),
    )
    step("audit-view", lambda: client.get("/admin/audit"))
    assert done == set(audit.ACTIONS) - NOT_BUILT
    with workspace.reading() as session:
        assert audit.verify(session).ok


def test_export_without_a_reason_is_refused_and_not_performed(
    client: TestClient, workspace: Workspace, tmp_path: Path
) -> None:
    add_user(workspace, "rita", "reviewer", ("ALPHA",))
    csrf = sign_in(client, "rita")
    response = client.post("/export", data={"csrf_token": csrf, "reason": ""})
    assert response.status_code == 400
    assert _counts(workspace).get("export", 0) == 0
