"""``threadline audit``: verify the audit hash chain, export its head."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from threadline.cli.context import console, open_workspace
from threadline.errors import ThreadlineError
from threadline.security import audit

audit_app = typer.Typer(help="Check the audit log's hash chain.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command("head")
def head(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(help="Write the head here (else print it).")] = None,
) -> None:
    """Print or save the chain's head ({"seq", "hash"}); keep it outside the system."""
    workspace = open_workspace(ctx)
    try:
        with workspace.reading() as session:
            value = audit.head(session)
    finally:
        workspace.close()
    text = json.dumps(value)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n")
        console.print(f"audit head {value['seq']} written to {out}")


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    head_file: Annotated[
        Path | None,
        typer.Option("--head", help="A head exported earlier: also catches a truncated log."),
    ] = None,
) -> None:
    """Recompute the chain; exit 1 naming every break (edited, deleted, reordered, truncated)."""
    expected = None
    if head_file is not None:
        try:
            expected = json.loads(head_file.read_text())
        except (OSError, ValueError) as exc:
            raise ThreadlineError(f"cannot read the audit head {head_file}: {exc}") from exc
    workspace = open_workspace(ctx)
    try:
        with workspace.reading() as session:
            result = audit.verify(session, expected)
    finally:
        workspace.close()
    if result.ok:
        console.print(f"audit chain intact: {result.events:,} events")
        return
    problems = "; ".join(result.problems[:20])
    more = len(result.problems) - 20
    raise ThreadlineError(
        f"audit chain broken ({len(result.problems)} problems): {problems}"
        + (f"; and {more} more" if more > 0 else "")
    )
