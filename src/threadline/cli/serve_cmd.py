"""``threadline serve``: the web application for a workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from threadline.cli.context import console, settings_from


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=32, help="Worker processes (each opens the workspace).")
    ] = 1,
) -> None:
    """Serve the web application (plain HTTP on loopback; put TLS in front elsewhere)."""
    from threadline.web.app import run  # the web stack loads only for this command

    settings = settings_from(ctx)
    console.print(f"threadline on http://{host}:{port}/ (workspace {settings.workspace})")
    run(settings, host=host, port=port, workers=workers)
