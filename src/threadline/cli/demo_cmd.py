"""``threadline demo``: a synthetic workspace, analysed, with one account per role, served."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from threadline.cli.context import console, settings_from
from threadline.ingest import import_bundle
from threadline.security import accounts, audit
from threadline.security.policy import Role
from threadline.status import counts
from threadline.store.models import Operation
from threadline.synth import generate
from threadline.workspace import Workspace

ACCOUNTS_FILE = "demo-accounts.json"


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
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web application afterwards.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
) -> None:
    """Make a synthetic workspace, analyse it, create one demo account per role, and serve it.

    The workspace is DIR/workspace unless --workspace or THREADLINE_WORKSPACE
    names another. Running it again reuses the bundle, imports nothing twice
    and keeps the accounts (their passwords are in DIR/demo-accounts.json).
    """
    bundle = directory / f"bundle-seed{seed}-scale{scale:g}"
    if not (bundle / "manifest.json").exists():
        console.print(f"generating a synthetic bundle in {bundle} ...")
        generate(bundle, seed=seed, scale=scale)
    settings = settings_from(ctx)
    root = ctx.find_root()
    if (root.obj or {}).get("workspace") is None and not _env_workspace():
        settings = settings.model_copy(update={"workspace": directory / "workspace"})
    from threadline.analyse.pipeline import analyse  # loads spaCy and Splink: only when needed

    workspace = Workspace.create(settings)
    try:
        summary = import_bundle(workspace, bundle)
        reports = analyse(workspace)
        credentials = _demo_accounts(workspace, directory / ACCOUNTS_FILE)
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
        f"analysis: {', '.join(r.name for r in reports) if reports else 'no stages built yet'}"
    )
    accounts_table = Table(title=f"demo accounts (also in {directory / ACCOUNTS_FILE})")
    for column in ("role", "username", "password", "operations"):
        accounts_table.add_column(column)
    for entry in credentials:
        accounts_table.add_row(
            entry["role"], entry["username"], entry["password"], entry["operations"]
        )
    console.print(accounts_table)
    url = f"http://127.0.0.1:{port}/"
    console.print(
        f"Sign in at {url} with one of the accounts above "
        "(acknowledge the use notice). Synthetic data only."
    )
    if serve:
        from threadline.web.app import run  # the web stack loads only when serving

        console.print("serving; press Ctrl+C to stop")
        run(settings, host="127.0.0.1", port=port)


def _demo_accounts(workspace: Workspace, store: Path) -> list[dict[str, str]]:
    """One account per role, created once; the passwords are kept in ``store`` (mode 0600)."""
    known: list[dict[str, str]] = json.loads(store.read_text()) if store.exists() else []
    have = {entry["username"] for entry in known}
    with workspace.transaction() as session:
        ops = list(session.execute(select(Operation.id, Operation.kind, Operation.parent_id)))
        every = [op for op, _, _ in ops]
        umbrella = next((op for op, kind, _ in ops if kind == "umbrella"), None)
        coordinated = [op for op, _, parent in ops if umbrella and parent == umbrella]
        plan = {
            Role.ADMINISTRATOR: [],
            Role.REVIEWER: every,
            Role.ANALYST: every,
            Role.INVESTIGATOR: [umbrella] if umbrella else every[:1],
            Role.PARTNER: coordinated[:1] or every[:1],
        }
        for role, operations in plan.items():
            name = f"demo-{role.value}"
            if name in have or accounts.find_user(session, name) is not None:
                continue
            password = secrets.token_urlsafe(12)
            accounts.create_user(
                session, username=name, password=password, role=role.value, operations=operations
            )
            audit.append(
                session,
                username="cli:demo",
                action="user-create",
                target=f"user:{name} role={role.value} operations={len(operations)}",
            )
            known.append(
                {
                    "role": role.value,
                    "username": name,
                    "password": password,
                    "operations": " ".join(operations) if len(operations) <= 3 else "all",
                }
            )
    store.parent.mkdir(parents=True, exist_ok=True)
    store.touch(mode=0o600)
    store.write_text(json.dumps(known, indent=1) + "\n")
    return known


def _env_workspace() -> bool:
    return bool(os.environ.get("THREADLINE_WORKSPACE"))
