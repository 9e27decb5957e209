"""Browser tests: Playwright driving Debian's Chromium against a real uvicorn server.

They sign in, get locked out, follow a reviewer's path through the screens,
check that a user without membership is denied on every channel, and save
screenshots of the main screens into ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from tests.web.helpers import PASSWORD, add_user
from threadline.ingest import import_bundle
from threadline.settings import Settings
from threadline.synth import generate
from threadline.web.app import create_app
from threadline.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A synthetic workspace (SQLite) served on loopback by uvicorn in a thread."""
    root = tmp_path_factory.mktemp("browser")
    settings = Settings(workspace=root / "workspace", database_url=None)
    generate(root / "bundle", seed=3, scale=0.2)
    workspace = Workspace.create(settings)
    try:
        import_bundle(workspace, root / "bundle")
        ops = _operations(workspace)
        add_user(workspace, "rita", "reviewer", tuple(ops))
        add_user(workspace, "nemo", "investigator", ())
        add_user(workspace, "ada", "administrator")
        add_user(workspace, "lock", "analyst", tuple(ops))
    finally:
        workspace.close()
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _operations(workspace: Workspace) -> list[str]:
    from sqlalchemy import select

    from threadline.store.models import Operation

    with workspace.reading() as session:
        return list(session.scalars(select(Operation.id)))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    outside: list[str] = []
    pg.on(
        "request",
        lambda req: outside.append(req.url) if not req.url.startswith(server) else None,
    )
    yield pg
    context.close()
    assert outside == [], f"requests left the server: {outside}"


def _sign_in(page: Page, name: str, password: str = PASSWORD) -> None:
    pg = page
    pg.goto("/signin")
    pg.fill("input[name=username]", name)
    pg.fill("input[name=password]", password)
    pg.check("input[name=notice]")
    pg.click("button[type=submit]")


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.mark.slow
def test_sign_in_then_reviewer_path(page: Page) -> None:
    pg = page
    pg.goto("/signin")
    _shot(pg, "01-sign-in")
    _sign_in(pg, "rita")
    pg.wait_for_url("**/")
    assert "Dashboard" in pg.inner_text("h1")
    _shot(pg, "02-dashboard")
    pg.click("ul.ops > li > a")
    assert pg.locator("table.list tbody tr").count() > 0
    _shot(pg, "03-operation")
    pg.click("table.list tbody tr td a")
    assert pg.locator("#record-text").inner_text().strip()
    _shot(pg, "04-record")
    pg.goto("/search?q=Mohammed")
    _shot(pg, "05-search")
    pg.goto("/export")
    _shot(pg, "06-export")


@pytest.mark.slow
def test_lockout_in_the_browser(page: Page) -> None:
    pg = page
    for _ in range(5):
        _sign_in(pg, "lock", "wrong wrong wrong")
        assert "Sign-in failed" in pg.inner_text("[role=alert]")
    _sign_in(pg, "lock")
    assert "Sign-in failed" in pg.inner_text("[role=alert]")
    _shot(pg, "07-locked-out")


@pytest.mark.slow
def test_user_without_membership_is_denied_on_every_channel(page: Page, server: str) -> None:
    pg = page
    _sign_in(pg, "nemo")
    pg.wait_for_url("**/")
    assert pg.locator("#no-operations").count() == 1
    request = pg.request
    assert request.get(f"{server}/api/operations").json() == []
    pg.goto("/search?q=the")
    assert pg.locator("#hits li").count() == 0
    response = pg.goto("/records/does-not-matter")
    assert response is not None and response.status == 404
    api = request.get(f"{server}/api/search?q=the")
    assert api.json() == []


@pytest.mark.slow
def test_administrator_screens(page: Page) -> None:
    pg = page
    _sign_in(pg, "ada")
    pg.wait_for_url("**/")
    pg.goto("/admin/users")
    _shot(pg, "08-users")
    pg.goto("/admin/audit")
    assert pg.locator("#audit tbody tr").count() > 0
    _shot(pg, "09-audit")
