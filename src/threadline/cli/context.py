"""What every command needs: the settings, the workspace, and a console."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

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
