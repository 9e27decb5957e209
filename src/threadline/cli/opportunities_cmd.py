"""``threadline opportunities`` and ``threadline opportunity action|dismiss|show``."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from threadline.analyse.opportunities.finding import KINDS
from threadline.analyse.opportunities.review import history, opportunity_objects
from threadline.cli.context import console, consulting, deciding, open_workspace, operator_name
from threadline.errors import ThreadlineError
from threadline.security import decisions

opportunity_app = typer.Typer(
    help="Act on one opportunity: raise an action from it, dismiss it, or show it.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("opportunities")(opportunities_cmd)
    app.add_typer(opportunity_app, name="opportunity")


def opportunities_cmd(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object a line, best first (spec/cli.md).")
    ] = False,
    kind: Annotated[
        str | None, typer.Option("--kind", help=f"Only this kind: {', '.join(KINDS)}.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="At most N.")] = None,
) -> None:
    """Print the opportunities the last analysis found, best first."""
    if kind is not None and kind not in KINDS:
        raise ThreadlineError(f"--kind must be one of {', '.join(KINDS)}, not '{kind}'")
    workspace = open_workspace(ctx)
    try:
        target = f"opportunities (command line) kind={kind} limit={limit}"
        with consulting(workspace, action="view-opportunities", target=target) as session:
            found = list(opportunity_objects(session, kind=kind, limit=limit))
    finally:
        workspace.close()
    if as_json:
        for obj in found:
            typer.echo(json.dumps(obj, ensure_ascii=False))
        return
    table = Table("rank", "id", "score")
    table.add_column("kind", no_wrap=True)
    table.add_column("status")
    table.add_column("title", ratio=1)
    for obj in found:
        table.add_row(
            str(obj["rank"]),
            obj["id"],
            f"{obj['score']:.2f}",
            obj["kind"],
            obj["status"],
            obj["title"],
        )
    console.print(table)


By = Annotated[str, typer.Option("--by", help="Who decided (kept with the decision).")]


@opportunity_app.command("action")
def action_cmd(
    ctx: typer.Context,
    opportunity: Annotated[str, typer.Argument(help="An opportunity id (O-...).")],
    by: By,
    text: Annotated[str | None, typer.Option("--text", help="What the action is to do.")] = None,
) -> None:
    """Raise a review action from an opportunity; it becomes 'actioned'."""
    workspace = open_workspace(ctx)
    try:
        decision = deciding(
            workspace,
            lambda db: decisions.action(
                db, opportunity, username=operator_name(), by=by, text=text
            ),
        )
    finally:
        workspace.close()
    typer.echo(f"{decision.opportunity_id} actioned as RA-{decision.review_action_id} by {by}")


@opportunity_app.command("dismiss")
def dismiss_cmd(
    ctx: typer.Context,
    opportunity: Annotated[str, typer.Argument(help="An opportunity id (O-...).")],
    by: By,
    why: Annotated[str, typer.Option("--why", help="Why it is dismissed (required).")],
) -> None:
    """Dismiss an opportunity with a reason; it stays dismissed unless new evidence arrives."""
    workspace = open_workspace(ctx)
    try:
        decision = deciding(
            workspace,
            lambda db: decisions.dismiss(db, opportunity, username=operator_name(), by=by, why=why),
        )
    finally:
        workspace.close()
    typer.echo(f"{decision.opportunity_id} dismissed by {by}")


@opportunity_app.command("show")
def show_cmd(
    ctx: typer.Context,
    opportunity: Annotated[str, typer.Argument(help="An opportunity id (O-...).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one opportunity with its explanation and its history."""
    workspace = open_workspace(ctx)
    try:
        target = f"opportunity {opportunity} (command line)"
        with consulting(workspace, action="view-opportunity", target=target) as session:
            found = list(opportunity_objects(session, only=opportunity))
            past = history(session, opportunity)
    finally:
        workspace.close()
    if not found and not past:
        raise ThreadlineError(f"no opportunity '{opportunity}'")
    obj: dict[str, Any] = found[0] if found else {"id": opportunity, "status": "no longer raised"}
    obj["history"] = past
    if as_json:
        typer.echo(json.dumps(obj, ensure_ascii=False))
        return
    console.print(f"[bold]{obj.get('title', opportunity)}[/] ({obj['status']})", highlight=False)
    if "explanation" in obj:
        console.print(obj["explanation"], highlight=False)
    for h in past:
        console.print(f"{h['at']}  {h['event']}: {h['detail']}", highlight=False)
