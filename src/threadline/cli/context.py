"""What every command needs: the settings, the workspace, and a console."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from threadline.ingest.importer import cli_user
from threadline.security import audit
from threadline.settings import Settings, load_settings
from threadline.workspace import Workspace

console = Console()
err_console = Console(stderr=True, soft_wrap=True)


def settings_from(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    workspace: Path | None = (root.obj or {}).get("workspace")
    return load_settings(workspace)


def open_workspace(ctx: typer.Context) -> Workspace:
    return Workspace.open(settings_from(ctx))


@contextmanager
def consulting(workspace: Workspace, *, action: str, target: str) -> Iterator[Session]:
    """A unit of work for a consultation at the command line, audited in its transaction."""
    with workspace.transaction() as session:
        audit.append(session, username=cli_user(), action=action, target=target)
        yield session


def audit_change(workspace: Workspace, *, action: str, target: str, by: str, why: str) -> None:
    """Record a change made at the command line.

    The change functions of resolution and review open their own transaction, so
    this event follows it in a second one (a known gap: a crash between the two
    leaves the change unaudited; the web application audits in one transaction).
    """
    with workspace.transaction() as session:
        audit.append(session, username=by, action=action, target=target, justification=why)
