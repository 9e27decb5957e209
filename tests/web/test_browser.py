"""Browser tests: Playwright driving Debian's Chromium against a real uvicorn server.

They sign in, get locked out, follow a reviewer's path through the screens,
check that a user without membership is denied on every channel, and take
screenshots of the main screens: into the directory ``THREADLINE_SCREENSHOTS``
names (``make screenshots`` refreshes ``docs/screenshots/``), otherwise into a
temporary directory, so that running the tests leaves the working tree as it was.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.web.helpers import PASSWORD, add_user
from threadline.analyse.pipeline import analyse
from threadline.ingest import import_bundle
from threadline.settings import Settings
from threadline.synth import generate
from threadline.web.app import create_app
from threadline.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS_VARIABLE = "THREADLINE_SCREENSHOTS"
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


@dataclass
class Served:
    url: str
    record: str
    """A record with a text mention joined to a person entity that has neighbours."""
    mention: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A synthetic, analysed workspace (SQLite) served on loopback by uvicorn in a thread."""
    root = tmp_path_factory.mktemp("browser")
    settings = Settings(workspace=root / "workspace", database_url=None)
    generate(root / "bundle", seed=3, scale=0.2)
    workspace = Workspace.create(settings)
    try:
        import_bundle(workspace, root / "bundle")
        analyse(workspace)
        ops = _operations(workspace)
        add_user(workspace, "rita", "reviewer", tuple(ops))
        add_user(workspace, "alex", "analyst", tuple(ops))
        add_user(workspace, "nemo", "investigator", ())
        add_user(workspace, "ada", "administrator")
        add_user(workspace, "lock", "analyst", tuple(ops))
        record, mention = _linked_record(workspace)
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
    yield Served(f"http://127.0.0.1:{port}", record, mention)
    srv.should_exit = True
    thread.join(timeout=10)


def _linked_record(workspace: Workspace) -> tuple[str, str]:
    """The record mention of the person entity with the most records (not a victim)."""
    from sqlalchemy import String, cast, select

    from threadline.store.entity_models import Entity, EntityMember
    from threadline.store.mention_models import Mention

    with workspace.reading() as session:
        row = session.execute(
            select(EntityMember.record_id, EntityMember.text)
            .join(Entity, Entity.id == EntityMember.entity_id)
            .join(Mention, cast(Mention.id, String) == EntityMember.ref)
            .where(
                EntityMember.kind == "mention",
                Entity.type == "person",
                Mention.role != "victim",
            )
            .order_by(Entity.id)
            .limit(1)
        ).first()
        assert row is not None, "the analysis joined no person mention"
        return str(row[0]), str(row[1])


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


@contextmanager
def _page(browser: Browser, server: Served) -> Iterator[Page]:
    """A fresh browser context; fails if anything is fetched from anywhere but the server."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    outside: list[str] = []
    pg.on(
        "request",
        lambda req: outside.append(req.url) if not req.url.startswith(server.url) else None,
    )
    try:
        yield pg
    finally:
        context.close()
    assert outside == [], f"requests left the server: {outside}"


def _sign_in(page: Page, name: str, password: str = PASSWORD) -> None:
    pg = page
    pg.goto("/signin")
    pg.fill("input[name=username]", name)
    pg.fill("input[name=password]", password)
    pg.check("input[name=notice]")
    pg.click("button[type=submit]")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_VARIABLE)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shot(page: Page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=False)
    except PlaywrightError:
        # Headless Chromium now and then fails a capture ("Unable to capture
        # screenshot") on a loaded machine; the page is fine, so take it again once.
        page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 0


@pytest.mark.slow
def test_browser_journeys(browser: Browser, server: Served, screenshots: Path) -> None:
    """One test, so that one worker analyses the workspace once; each journey in its own
    browser context."""
    with _page(browser, server) as pg:
        _reviewer_path(pg, server, screenshots)
    with _page(browser, server) as pg:
        _analyst_sees_victims_hidden(pg, server, screenshots)
    with _page(browser, server) as pg:
        _lockout(pg, screenshots)
    with _page(browser, server) as pg:
        _denied_everywhere(pg, server)
    with _page(browser, server) as pg:
        _administrator(pg, screenshots)


def _reviewer_path(pg: Page, server: Served, shots: Path) -> None:
    """Dashboard → opportunity → evidence record → entity → link chart → action."""
    pg.goto("/signin")
    _shot(pg, shots, "01-sign-in")
    _sign_in(pg, "rita")
    pg.wait_for_url("**/")
    assert "Dashboard" in pg.inner_text("h1")
    _shot(pg, shots, "02-dashboard")
    pg.click("ul.ops > li > a")
    assert pg.locator("table.list tbody tr").count() > 0
    _shot(pg, shots, "03-operation")
    pg.goto("/search")
    pg.fill("input[name=q]", server.mention)
    pg.click("form.search button")
    assert pg.locator(f"#hits a[href='/records/{server.record}']").count() == 1
    _shot(pg, shots, "04-search")
    pg.goto("/")
    pg.click("#queue tbody tr td a")
    pg.wait_for_url("**/opportunities/*")
    opportunity = pg.url
    assert pg.locator("#evidence tbody tr").count() > 0
    _shot(pg, shots, "08-opportunity")
    pg.click("#evidence tbody tr td a")
    pg.wait_for_url("**/records/*")
    assert pg.locator("#record-text").inner_text().strip()
    pg.goto(f"/records/{server.record}")
    assert pg.locator("#record-text mark").count() > 0
    _shot(pg, shots, "05-record")
    pg.click("#record-text mark.m-person a")
    pg.wait_for_url("**/entities/*")
    assert pg.locator("#entity-records tbody tr").count() > 0
    _shot(pg, shots, "06-entity")
    pg.click("#open-chart")
    pg.wait_for_selector("#chart[data-ready='1']")
    assert int(pg.get_attribute("#chart", "data-nodes") or 0) >= 1
    _shot(pg, shots, "07-link-chart")
    pg.goto(opportunity)
    pg.fill("input[name=text]", "Trace and interview; check the vehicle keeper")
    pg.click("#to-action")
    pg.wait_for_url(opportunity)
    assert pg.inner_text("#status").startswith("actioned")
    pg.goto("/opportunities")
    _shot(pg, shots, "09-opportunities")


def _analyst_sees_victims_hidden(pg: Page, server: Served, shots: Path) -> None:
    _sign_in(pg, "alex")
    pg.wait_for_url("**/")
    pg.goto(f"/records/{server.record}")
    _shot(pg, shots, "10-record-as-analyst")


def _lockout(pg: Page, shots: Path) -> None:
    for _ in range(5):
        _sign_in(pg, "lock", "wrong wrong wrong")
        assert "Sign-in failed" in pg.inner_text("[role=alert]")
    _sign_in(pg, "lock")
    assert "Sign-in failed" in pg.inner_text("[role=alert]")
    _shot(pg, shots, "11-locked-out")


def _denied_everywhere(pg: Page, server: Served) -> None:
    _sign_in(pg, "nemo")
    pg.wait_for_url("**/")
    assert pg.locator("#no-operations").count() == 1
    request = pg.request
    assert request.get(f"{server.url}/api/operations").json() == []
    pg.goto("/search?q=the")
    assert pg.locator("#hits li").count() == 0
    response = pg.goto(f"/records/{server.record}")
    assert response is not None and response.status == 404
    assert request.get(f"{server.url}/api/records/{server.record}").status == 404
    assert request.get(f"{server.url}/api/search?q=the").json() == []
    export = request.post(
        f"{server.url}/api/export",
        data={"reason": "denied user test"},
        headers={"X-CSRF-Token": _csrf(pg)},
    )
    assert export.status == 200 and export.text().count("\n") == 1  # the header row only


def _csrf(pg: Page) -> str:
    pg.goto("/export")
    return str(pg.get_attribute("input[name=csrf_token]", "value"))


def _administrator(pg: Page, shots: Path) -> None:
    _sign_in(pg, "ada")
    pg.wait_for_url("**/")
    pg.goto("/admin/users")
    _shot(pg, shots, "12-users")
    pg.goto("/admin/audit")
    assert pg.locator("#audit tbody tr").count() > 0
    _shot(pg, shots, "13-audit")
