"""Entry point of the ``threadline`` command.

Commands live in small modules beside this one; each exposes
``register(app)`` and is wired here, so this file stays a table of contents.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from threadline.errors import ThreadlineError

app = typer.Typer(
    name="threadline",
    help=(
        "Bring many operations' case material under one roof, link it, "
        "and surface what was overlooked."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace directory (overrides THREADLINE_WORKSPACE).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """threadline: case material, linked and reviewed."""
    ctx.obj = {"workspace": workspace}


def _register_commands() -> None:
    # Imported here, not at module top, so that each command module can import
    # `app`-independent code freely and the table below stays the one list.
    from threadline.cli import workspace_cmds

    workspace_cmds.register(app)
    try:
        from threadline.cli import synth_cmd
    except ImportError:  # pragma: no cover - while the generator is being written
        pass
    else:
        synth_cmd.register(app)


_register_commands()


def run() -> None:
    """Console-script entry point: turn ThreadlineError into a clean message and exit 1."""
    err = Console(stderr=True)
    try:
        app()
    except ThreadlineError as exc:
        err.print("[bold red]error:[/]", escape(str(exc)), highlight=False)
        sys.exit(1)
