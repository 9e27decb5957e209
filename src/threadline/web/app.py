"""The app factory: ``create_app(settings)`` builds the app; the workspace opens in its lifespan.

Nothing is created at import time. Every response carries strict security
headers (a CSP allowing only threadline's own scripts, styles and images) and
``Cache-Control: no-store`` unless it is a static asset.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from threadline.settings import Settings
from threadline.web import api, pages, signin
from threadline.web.auth import SignInRequired
from threadline.workspace import Workspace

HERE = Path(__file__).parent
THREADS = 4
"""Requests one worker process runs at once (its thread pool; the database pool is larger)."""
ROUTERS = (signin.router, pages.router, api.router)
"""Every router of the app: the tests walk them to check each state change needs CSRF."""
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """The web application for the workspace ``settings`` names (from the environment if None)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Handlers are synchronous and run in anyio's thread pool (40 threads by default):
        # on 2 cores, more than a few threads per worker only queue on the GIL and the
        # database pool, so each worker runs at most THREADS requests at once.
        anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
        workspace = Workspace.open(settings or Settings())
        app.state.workspace = workspace
        try:
            yield
        finally:
            workspace.close()

    app = FastAPI(
        title="threadline",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI would load from a CDN: only the JSON schema is served
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        if request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "private, max-age=3600"
        else:
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        if request.url.scheme == "https":
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _exc: SignInRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        return RedirectResponse("/signin", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "detail": exc.detail, "viewer": None},
            status_code=exc.status_code,
        )

    return app


def run(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve with uvicorn. Several workers each build the app from the environment, so the
    settings are handed to them through their ``THREADLINE_*`` variables."""
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "proxy_headers": True,
        "forwarded_allow_ips": "127.0.0.1",
        "server_header": False,
        "log_level": "warning",
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    os.environ["THREADLINE_WORKSPACE"] = str(settings.workspace)
    if settings.database_url:
        os.environ["THREADLINE_DATABASE_URL"] = settings.database_url
    else:
        os.environ.pop("THREADLINE_DATABASE_URL", None)
    uvicorn.run("threadline.web.app:create_app", factory=True, workers=workers, **options)
