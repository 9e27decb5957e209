"""``threadline entities`` and the judgements: ``same``, ``not-same``, ``explain``."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from threadline.cli.context import console, consulting, deciding, open_workspace, operator_name
from threadline.errors import ThreadlineError
from threadline.resolve.export import TYPES, entity_objects, explain
from threadline.resolve.judgements import NOT_SAME, SAME, default_user
from threadline.security import decisions


def register(app: typer.Typer) -> None:
    app.command("entities")(entities_cmd)
    app.command("same")(same_cmd)
    app.command("not-same")(not_same_cmd)
    app.command("explain")(explain_cmd)


def entities_cmd(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object a line (spec/cli.md).")
    ] = False,
    type_: Annotated[
        str | None, typer.Option("--type", help=f"Only this type: {', '.join(TYPES)}.")
    ] = None,
) -> None:
    """Print the resolved entities."""
    if type_ is not None and type_ not in TYPES:
        raise ThreadlineError(f"--type must be one of {', '.join(TYPES)}, not '{type_}'")
    workspace = open_workspace(ctx)
    try:
        target = f"entities (command line) type={type_}"
        with consulting(workspace, action="search", target=target) as session:
            if as_json:
                for obj in entity_objects(session, type_=type_):
                    typer.echo(json.dumps(obj, ensure_ascii=False))
                return
            table = Table("id", "type", "label", "subjects", "mentions", "operations")
            for obj in entity_objects(session, type_=type_):
                table.add_row(
                    obj["id"],
                    obj["type"],
                    obj["label"],
                    str(len(obj["subjects"])),
                    str(len(obj["mentions"])),
                    ", ".join(obj["operations"]),
                )
            console.print(table)
    finally:
        workspace.close()


Why = Annotated[str, typer.Option("--why", help="The reason, kept with the judgement.")]
By = Annotated[str | None, typer.Option("--by", help="Who is judging (default: the OS user).")]


def _judge(
    ctx: typer.Context, decision: str, left: str, right: str, why: str, by: str | None
) -> None:
    workspace = open_workspace(ctx)
    try:
        judgement = deciding(
            workspace,
            lambda db: decisions.judge(
                db,
                username=operator_name(),
                decision=decision,
                left=left,
                right=right,
                by=by or default_user(),
                why=why,
            ),
        )
    finally:
        workspace.close()
    typer.echo(
        f"judgement {judgement.id}: {judgement.left_subject} {decision} "
        f"{judgement.right_subject} (by {judgement.by}); run 'threadline analyse' to apply it"
    )


def same_cmd(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="A subject ref or a person entity id.")],
    right: Annotated[str, typer.Argument(help="A subject ref or a person entity id.")],
    why: Why,
    by: By = None,
) -> None:
    """Judge that two subjects (or person entities) are the same person."""
    _judge(ctx, SAME, left, right, why, by)


def not_same_cmd(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="A subject ref or a person entity id.")],
    right: Annotated[str, typer.Argument(help="A subject ref or a person entity id.")],
    why: Why,
    by: By = None,
) -> None:
    """Judge that two subjects (or person entities) are different people."""
    _judge(ctx, NOT_SAME, left, right, why, by)


def explain_cmd(
    ctx: typer.Context,
    entity: Annotated[str, typer.Argument(help="An entity id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every join inside an entity, weakest first, with Splink's match weights."""
    workspace = open_workspace(ctx)
    try:
        target = f"entity {entity} joins (command line)"
        with consulting(workspace, action="view-entity", target=target) as session:
            found = explain(session, entity)
    finally:
        workspace.close()
    if found is None:
        raise ThreadlineError(f"no entity '{entity}'")
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    table = Table("left", "right", "source", "weight", "evidence", title=found["label"])
    for join in found["joins"]:
        weight = join["match_weight"]
        evidence = "; ".join(
            f"{name}: {e['level']}" + ("" if e.get("weight") is None else f" ({e['weight']:+.1f})")
            for name, e in join["evidence"].items()
            if isinstance(e, dict)
        )
        table.add_row(
            join["left"],
            join["right"],
            join["source"],
            "-" if weight is None else f"{weight:.1f}",
            evidence or join["source"],
        )
    console.print(table)
