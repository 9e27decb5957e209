"""Sign-in: cookies, new session ids, CSRF, lockout without username disclosure, TOTP,
timeouts, headers."""

from __future__ import annotations

import datetime as dt

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from tests.web.helpers import PASSWORD, add_user, csrf_of, sign_in
from threadline.settings import Settings
from threadline.store.security_models import AuditEvent, WebSession
from threadline.web.app import ROUTERS, create_app
from threadline.web.auth import DEV_COOKIE, SECURE_COOKIE
from threadline.workspace import Workspace


def test_pages_and_api_need_sign_in(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/signin"
    assert client.get("/api/operations").status_code == 401
    assert client.get("/records/X", follow_redirects=False).status_code == 303


def test_sign_in_issues_a_new_session_id_and_strict_cookie(
    client: TestClient, workspace: Workspace
) -> None:
    add_user(workspace, "rita", "reviewer", ("ALPHA",))
    client.get("/signin")
    before = client.cookies.get(DEV_COOKIE)
    sign_in(client, "rita")
    after = client.cookies.get(DEV_COOKIE)
    assert before and after and before != after
    page = client.get("/signin", follow_redirects=False)
    assert page.status_code == 303  # already signed in
    response = client.get("/api/me")
    assert response.json()["role"] == "reviewer"
    with workspace.reading() as session:
        assert session.scalar(select(WebSession).where(WebSession.stage == "anonymous")) is None


def test_cookie_flags_over_tls(workspace: Workspace, settings: Settings) -> None:
    add_user(workspace, "rita", "reviewer")
    with TestClient(create_app(settings), base_url="https://threadline.test") as client:
        response = client.get("/signin")
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{SECURE_COOKIE}=")
        for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
            assert flag.lower() in cookie.lower()
        assert "domain" not in cookie.lower()
        assert response.headers["strict-transport-security"]


def test_plain_http_cookie_is_httponly_strict(client: TestClient) -> None:
    cookie = client.get("/signin").headers["set-cookie"]
    assert cookie.startswith(f"{DEV_COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()


def test_the_use_notice_must_be_acknowledged(client: TestClient, workspace: Workspace) -> None:
    add_user(workspace, "rita", "reviewer")
    page = client.get("/signin")
    assert "Use notice" in page.text
    response = client.post(
        "/signin",
        data={"username": "rita", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert client.get("/api/me").status_code == 401


def test_sign_in_without_csrf_token_is_refused(client: TestClient, workspace: Workspace) -> None:
    add_user(workspace, "rita", "reviewer")
    client.get("/signin")
    response = client.post(
        "/signin", data={"username": "rita", "password": PASSWORD, "notice": "yes"}
    )
    assert response.status_code == 403


def _attempt(client: TestClient, name: str, password: str) -> tuple[int, str]:
    page = client.get("/signin")
    response = client.post(
        "/signin",
        data={
            "username": name,
            "password": password,
            "notice": "yes",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    return response.status_code, response.text.replace(csrf_of(page.text), "")


def test_lockout_after_five_failures_reveals_no_username(
    client: TestClient, workspace: Workspace
) -> None:
    add_user(workspace, "rita", "reviewer")
    known = [_attempt(client, "rita", "wrong password!") for _ in range(5)]
    unknown = [_attempt(client, "nobody", "wrong password!") for _ in range(5)]
    assert known == unknown  # same status and page for a real and a missing account
    assert {status for status, _ in known} == {401}
    # Locked: even the right password fails, with the same answer.
    assert _attempt(client, "rita", PASSWORD) == _attempt(client, "nobody", PASSWORD)
    assert _attempt(client, "rita", PASSWORD)[0] == 401
    with workspace.reading() as session:
        failed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sign-in-failed")
        ).all()
        assert len(failed) >= 10


def test_lockout_expires_after_ten_minutes(client: TestClient, workspace: Workspace) -> None:
    from threadline.store.security_models import SignInThrottle

    add_user(workspace, "rita", "reviewer")
    for _ in range(5):
        _attempt(client, "rita", "wrong password!")
    assert _attempt(client, "rita", PASSWORD)[0] == 401
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with workspace.transaction() as session:
        session.execute(update(SignInThrottle).values(locked_until=past))
    assert _attempt(client, "rita", PASSWORD)[0] == 303


def test_totp_second_factor(client: TestClient, workspace: Workspace) -> None:
    secret = add_user(workspace, "ian", "investigator", ("ALPHA",), totp=True)
    assert secret
    page = client.get("/signin")
    response = client.post(
        "/signin",
        data={
            "username": "ian",
            "password": PASSWORD,
            "notice": "yes",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/signin/totp"
    assert client.get("/api/me").status_code == 401  # not signed in on the password alone
    form = client.get("/signin/totp")
    response = client.post(
        "/signin/totp",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert client.get("/api/me").json()["username"] == "ian"


def test_inactivity_and_absolute_timeouts(client: TestClient, workspace: Workspace) -> None:
    add_user(workspace, "rita", "reviewer")
    for field, age in (("last_seen_at", 31), ("created_at", 12 * 60 + 1)):
        sign_in(client, "rita")
        assert client.get("/api/me").status_code == 200
        then = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=age)
        with workspace.transaction() as session:
            session.execute(update(WebSession).values({field: then}))
        assert client.get("/api/me").status_code == 401, field


def test_sign_out_ends_the_session(client: TestClient, workspace: Workspace) -> None:
    add_user(workspace, "rita", "reviewer")
    csrf = sign_in(client, "rita")
    client.post("/signout", data={"csrf_token": csrf})
    assert client.get("/api/me").status_code == 401


def test_every_state_change_needs_the_csrf_token(
    client: TestClient, workspace: Workspace, settings: Settings
) -> None:
    add_user(workspace, "ada", "administrator")
    sign_in(client, "ada")
    posts = [
        str(getattr(route, "path", ""))
        for router in ROUTERS
        for route in router.routes
        if "POST" in (getattr(route, "methods", None) or set())
    ]
    assert len(posts) >= 6
    for path in posts:
        concrete = path.replace("{username}", "ada")
        response = client.post(concrete, data={"x": "y"}, follow_redirects=False)
        assert response.status_code == 403, path
        wrong = client.post(
            concrete,
            data={"csrf_token": "forged"},
            headers={"X-CSRF-Token": "forged"},
            follow_redirects=False,
        )
        assert wrong.status_code == 403, path


def test_security_headers_and_no_store(client: TestClient, workspace: Workspace) -> None:
    add_user(workspace, "rita", "reviewer")
    sign_in(client, "rita")
    for path in ("/", "/signin", "/api/operations", "/search?q=x"):
        response = client.get(path, follow_redirects=False)
        assert response.headers["cache-control"] == "no-store", path
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert response.headers["x-frame-options"] == "DENY"


def test_every_asset_is_local(client: TestClient) -> None:
    page = client.get("/signin").text
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page
    for asset in (
        "/static/vendor/htmx.min.js",
        "/static/vendor/cytoscape.min.js",
        "/static/app.css",
    ):
        assert client.get(asset).status_code == 200
    assert client.get("/api/openapi.json").status_code == 200
