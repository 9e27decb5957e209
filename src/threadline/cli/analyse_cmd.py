"""``threadline analyse``: run the analysis stages over the workspace."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from threadline.analyse.stage import StageProgress
from threadline.cli.context import console, err_console, open_workspace


def register(app: typer.Typer) -> None:
    app.command("analyse")(analyse_cmd)


class _Bar:
    def __init__(self, bars: Progress, name: str) -> None:
        self.bars = bars
        self.name = name
        self.task: object = None

    def start(self, description: str, total: int | None) -> None:
        self.task = self.bars.add_task(f"{self.name}: {description}", total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.bars.advance(self.task, n)  # type: ignore[arg-type]


def analyse_cmd(
    ctx: typer.Context,
    stage: Annotated[
        list[str] | None, typer.Option("--stage", help="Run only this stage (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Report as one JSON object.")] = False,
) -> None:
    """Run everything that derives from the material: extraction, resolution, graph, detection.

    Incremental: a stage works on what changed since it last ran.
    """
    # The stages load spaCy, Splink and networkx: imported here, not when the CLI starts.
    from threadline.analyse.pipeline import analyse

    workspace = open_workspace(ctx)
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json or not err_console.is_terminal,
        ) as bars:

            def progress(name: str) -> StageProgress:
                return _Bar(bars, name)

            reports = analyse(workspace, only=stage, progress=progress)
    finally:
        workspace.close()
    if as_json:
        typer.echo(
            json.dumps({r.name: {"seconds": round(r.seconds, 3), **r.counts} for r in reports})
        )
        return
    table = Table(title="analysis")
    for column in ("stage", "seconds", "what it did"):
        table.add_column(column)
    for r in reports:
        did = ", ".join(f"{k} {v:,}" for k, v in r.counts.items())
        table.add_row(r.name, f"{r.seconds:.1f}", did)
    console.print(table)
    for r in reports:
        for note in r.notes:
            console.print(f"{r.name}: {note}", markup=False, highlight=False)
