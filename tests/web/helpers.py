"""Helpers for the web tests: an app over a test workspace, accounts, signing in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from threadline.security import accounts
from threadline.workspace import Workspace

PASSWORD = "correct horse battery"


def add_user(
    workspace: Workspace, name: str, role: str, operations: tuple[str, ...] = (), totp: bool = False
) -> str | None:
    with workspace.transaction() as session:
        user = accounts.create_user(
            session, username=name, password=PASSWORD, role=role, operations=operations, totp=totp
        )
        return user.totp_secret


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in; return the signed-in session's CSRF token."""
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
    assert response.status_code == 303, response.text
    home = client.get("/")
    assert home.status_code == 200
    return csrf_of(home.text)
