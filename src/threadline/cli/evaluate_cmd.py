"""``threadline evaluate``: score an analysis against a synthetic bundle's truth.

The main CLI calls :func:`run_evaluate` with the prediction read from the
workspace's analysis tables. Until those exist, the same report can be made
from files written by ``threadline entities --json`` and ``threadline
opportunities --json``::

    python -m threadline.cli.evaluate_cmd --truth bundle/truth.json \\
        --entities entities.jsonl --opportunities opportunities.jsonl \\
        [--mentions mentions.jsonl] [--json]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from threadline.cli.context import open_workspace
from threadline.errors import ThreadlineError
from threadline.evaluate import Prediction, Truth, evaluate
from threadline.evaluate.workspace import workspace_prediction


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_workspace)


def evaluate_workspace(
    ctx: typer.Context,
    truth: Annotated[Path, typer.Option("--truth", help="The synthetic bundle's truth.json.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score the workspace's analysis (mentions, entities, opportunities) against a truth file."""
    workspace = open_workspace(ctx)
    try:
        prediction = workspace_prediction(workspace)
    finally:
        workspace.close()
    run_evaluate(truth, prediction, as_json)


def run_evaluate(truth_path: Path, prediction: Prediction, as_json: bool) -> None:
    """Score ``prediction`` against the truth file and print the report.

    Args:
        truth_path: a bundle's ``truth.json``.
        prediction: what the analysis produced.
        as_json: print the report's JSON (``docs/evaluation.md``) instead of tables.

    Raises:
        InputError: the truth file or the prediction is malformed.
    """
    report = evaluate(Truth.load(truth_path), prediction)
    if as_json:
        typer.echo(report.to_json())
    else:
        Console().print(report)


def evaluate_files(
    truth: Annotated[Path, typer.Option("--truth", help="The bundle's truth.json.")],
    entities: Annotated[Path, typer.Option("--entities", help="Entities, one JSON object a line.")],
    opportunities: Annotated[
        Path, typer.Option("--opportunities", help="Opportunities, one JSON object a line.")
    ],
    mentions: Annotated[
        Path | None,
        typer.Option(
            "--mentions",
            help="Every extracted mention, one JSON object a line "
            "(default: the mentions joined into entities).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score entity and opportunity files against a truth file."""
    run_evaluate(truth, Prediction.from_jsonl(entities, opportunities, mentions), as_json)


def main() -> None:
    """Run :func:`evaluate_files` as a program, turning ThreadlineError into a clean exit 1."""
    try:
        typer.run(evaluate_files)
    except ThreadlineError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
