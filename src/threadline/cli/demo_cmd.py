"""``threadline demo``: a synthetic workspace, ready to explore."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from threadline.cli.context import console, settings_from
from threadline.ingest import import_bundle
from threadline.status import counts
from threadline.synth import generate
from threadline.workspace import Workspace


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    directory: Annotated[
        Path,
        typer.Option("--dir", help="Where the demo's bundle and workspace go."),
    ] = Path("threadline-demo"),
    seed: Annotated[int, typer.Option(help="Which synthetic world.")] = 1,
    scale: Annotated[float, typer.Option(help="1 is about 2,000 records.")] = 1.0,
) -> None:
    """Make a synthetic workspace from a generated bundle and show what it holds.

    The workspace is DIR/workspace unless --workspace or THREADLINE_WORKSPACE
    names another. Running it again reuses the bundle and imports nothing twice.
    """
    bundle = directory / f"bundle-seed{seed}-scale{scale:g}"
    if not (bundle / "manifest.json").exists():
        console.print(f"generating a synthetic bundle in {bundle} ...")
        generate(bundle, seed=seed, scale=scale)
    settings = settings_from(ctx)
    root = ctx.find_root()
    if (root.obj or {}).get("workspace") is None and not _env_workspace():
        settings = settings.model_copy(update={"workspace": directory / "workspace"})
    workspace = Workspace.create(settings)
    try:
        summary = import_bundle(workspace, bundle)
        with workspace.reading() as session:
            numbers = counts(session)
    finally:
        workspace.close()
    table = Table(title=f"demo workspace {settings.workspace}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in numbers.items():
        table.add_row(key, f"{value:,}")
    console.print(table)
    added = sum(summary.added.values())
    console.print(f"imported {added:,} new items from {bundle}")
    console.print(
        "Explore it with:\n"
        f"  threadline --workspace {settings.workspace} records list\n"
        f"  threadline --workspace {settings.workspace} records show ID\n"
        "Analysis (entities, opportunities) and the web application are not built yet."
    )


def _env_workspace() -> bool:
    return bool(os.environ.get("THREADLINE_WORKSPACE"))
