"""Entry point of the ``threadline`` command.

Commands live in small modules beside this one; each exposes
``register(app)`` and is wired here, so this file stays a table of contents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from threadline.cli import (
    analyse_cmd,
    audit_cmd,
    demo_cmd,
    entities_cmd,
    evaluate_cmd,
    export_cmd,
    opportunities_cmd,
    serve_cmd,
    synth_cmd,
    users_cmd,
    workspace_cmds,
)
from threadline.errors import ThreadlineError


class ThreadlineGroup(TyperGroup):
    """Turns a ThreadlineError from any command into a clean message and exit status 1."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ThreadlineError as exc:
            Console(stderr=True, soft_wrap=True).print(
                "[bold red]error:[/]", escape(str(exc)), highlight=False
            )
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=ThreadlineGroup,
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


for command_module in (
    workspace_cmds,
    analyse_cmd,
    synth_cmd,
    demo_cmd,
    users_cmd,
    entities_cmd,
    audit_cmd,
    serve_cmd,
    evaluate_cmd,
    opportunities_cmd,
    export_cmd,
):
    command_module.register(app)


def run() -> None:
    """Console-script entry point."""
    app()
