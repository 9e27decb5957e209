"""``threadline synth``: write a synthetic case bundle with its ground truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from threadline.cli.context import console, err_console
from threadline.synth import SynthSummary, generate


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)


def synth(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write the bundle into (new or empty).")
    ],
    seed: Annotated[int, typer.Option(help="The world: same seed and scale, same bytes.")] = 1,
    scale: Annotated[
        float, typer.Option(help="Size: 1 is about 2,000 records, 100 about 200,000.")
    ] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Write a synthetic case bundle (bundle.md) with truth.json, about a fictional town."""
    with Progress(
        TextColumn("writing neighbourhoods"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json or not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("synth", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = generate(out, seed=seed, scale=scale, progress=progress)
    if as_json:
        console.print_json(json.dumps(summary.to_json()))
        return
    print_summary(summary)


def print_summary(summary: SynthSummary) -> None:
    """The counts a user checks: material written, and opportunities and near-misses per kind."""
    console.print(
        f"wrote {summary.out}: {summary.records:,} records, {summary.actions:,} actions, "
        f"{summary.events:,} events, {summary.files:,} original documents, "
        f"{summary.persons:,} true persons (seed {summary.seed}, scale {summary.scale:g})"
    )
    table = Table(title="truth.json", title_justify="left")
    table.add_column("kind")
    table.add_column("opportunities", justify="right")
    table.add_column("near-misses", justify="right")
    for kind, count in summary.opportunities.items():
        table.add_row(kind, f"{count:,}", f"{summary.near_misses.get(kind, 0):,}")
    table.add_row(
        "total",
        f"{sum(summary.opportunities.values()):,}",
        f"{sum(summary.near_misses.values()):,}",
        style="bold",
    )
    console.print(table)
    for problem in summary.planted_missing:
        err_console.print(f"[yellow]warning:[/] planted opportunity not found: {problem}")
    for problem in summary.near_misses_spoiled:
        err_console.print(f"[yellow]warning:[/] near-miss turned out an opportunity: {problem}")
