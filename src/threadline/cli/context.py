"""What every command needs: the settings, the workspace, and a console."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from threadline.ingest.importer import cli_user
from threadline.security import audit
from threadline.settings import Settings, load_settings
from threadline.workspace import Workspace

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


def settings_from(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    workspace: Path | None = (root.obj or {}).get("workspace")
    return load_settings(workspace)


def open_workspace(ctx: typer.Context) -> Workspace:
    return Workspace.open(settings_from(ctx))


def operator_name() -> str:
    """Who is accountable in the audit log for a command: ``cli:<os user>``."""
    return f"cli:{cli_user()}"


@contextmanager
def consulting(workspace: Workspace, *, action: str, target: str) -> Iterator[Session]:
    """A consultation at the command line: a read-only unit of work, then its audit event
    in a short write transaction, committed before the caller prints anything (callers
    print only after the ``with`` block)."""
    with workspace.sessions() as session, session.begin():
        yield session
    audit.retried(
        workspace.sessions,
        lambda db: audit.append(db, username=operator_name(), action=action, target=target),
    )


def deciding(workspace: Workspace, work: Callable[[Session], T]) -> T:
    """A change at the command line: ``work`` writes it and its audit event in one
    transaction (:mod:`threadline.security.decisions`)."""
    return audit.retried(workspace.sessions, work)
