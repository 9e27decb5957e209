"""Commands about the workspace and its material: init, import, status, records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy import select

from threadline.cli.context import console, err_console, open_workspace, settings_from
from threadline.domain.grading import Grading, GradingSystem
from threadline.errors import ThreadlineError
from threadline.ingest import Importer, import_path
from threadline.ingest.importer import cli_user
from threadline.security import audit
from threadline.status import counts
from threadline.store.models import Record
from threadline.workspace import Workspace

records_app = typer.Typer(help="List and show imported records.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.command("status")(status)
    app.add_typer(records_app, name="records")


def init(ctx: typer.Context) -> None:
    """Create an empty workspace (idempotent)."""
    settings = settings_from(ctx)
    workspace = Workspace.create(settings)
    workspace.close()
    console.print(f"workspace ready at {settings.workspace}")


def import_(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="A case bundle directory (bundle.md), a CSV/XLSX file (with --mapping), "
            "or documents: a file or a folder of them (with --operation)."
        ),
    ],
    mapping: Annotated[
        Path | None, typer.Option(help="Column mapping (YAML) for a CSV or XLSX file.")
    ] = None,
    operation: Annotated[
        str | None, typer.Option(help="The operation loose documents belong to.")
    ] = None,
    kind: Annotated[str, typer.Option(help="Record kind given to loose documents.")] = "other",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import material. Bad input changes nothing and names file, line and field."""
    workspace = open_workspace(ctx)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            console=err_console,
            transient=True,
            disable=as_json or not err_console.is_terminal,
        ) as bar:
            task = bar.add_task("reading", total=None)

            def progress(label: str, done: int) -> None:
                bar.update(task, description=f"reading {label}: {done:,}")

            importer = Importer(workspace, progress=progress)
            summary = import_path(importer, path, mapping=mapping, operation=operation, kind=kind)
    finally:
        workspace.close()
    if as_json:
        console.print_json(json.dumps(summary.to_json()))
        return
    for warning in summary.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", markup=True, highlight=False)
    table = Table(title=f"import {summary.import_id}: {summary.source}")
    table.add_column("kind")
    for column in ("added", "changed", "unchanged"):
        table.add_column(column, justify="right")
    for kind in ("operation", "record", "action", "event"):
        table.add_row(
            kind,
            str(summary.added.get(kind, 0)),
            str(summary.changed.get(kind, 0)),
            str(summary.unchanged.get(kind, 0)),
        )
    console.print(table)
    if summary.originals:
        console.print(f"{summary.originals} new original documents stored")


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object of counts.")] = False,
) -> None:
    """Counts of what the workspace holds."""
    workspace = open_workspace(ctx)
    try:
        with workspace.reading() as session:
            numbers = counts(session)
    finally:
        workspace.close()
    if as_json:
        typer.echo(json.dumps(numbers))
        return
    table = Table(title=f"workspace {workspace.path}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in numbers.items():
        table.add_row(key, f"{value:,}")
    console.print(table)


@records_app.command("list")
def list_records(
    ctx: typer.Context,
    operation: Annotated[str | None, typer.Option(help="Only this operation's records.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only records of this kind.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """List records, oldest first."""
    workspace = open_workspace(ctx)
    try:
        with workspace.transaction() as session:
            audit.append(
                session,
                username=cli_user(),
                action="search",
                target=f"records list (command line) operation={operation} kind={kind}",
            )
            query = select(Record).order_by(Record.date, Record.id).limit(limit)
            if operation:
                query = query.where(Record.operation_id == operation)
            if kind:
                query = query.where(Record.kind == kind)
            rows = list(session.scalars(query))
            if as_json:
                for rec in rows:
                    typer.echo(json.dumps(_summary(rec)))
                return
            table = Table()
            for column in ("id", "operation", "kind", "date", "grading", "title"):
                table.add_column(column)
            for rec in rows:
                s = _summary(rec)
                table.add_row(
                    s["id"],
                    s["operation"],
                    s["kind"] or "",
                    s["date"] or "",
                    s["grading"] or "",
                    s["title"] or "",
                )
            console.print(table)
    finally:
        workspace.close()


@records_app.command("show")
def show_record(
    ctx: typer.Context,
    record_id: Annotated[str, typer.Argument(help="The record's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="As one JSON object.")] = False,
) -> None:
    """Show one record: its fields, subjects, locations, links and text."""
    workspace = open_workspace(ctx)
    try:
        with workspace.transaction() as session:
            rec = session.get(Record, record_id)
            audit.append(
                session,
                username=cli_user(),
                action="view-record",
                target=f"record {record_id} (command line)",
                outcome="ok" if rec is not None else "not-found",
            )
            detail = _detail(rec) if rec is not None else None
        if detail is None:
            raise ThreadlineError(f"no record '{record_id}' in this workspace")
    finally:
        workspace.close()
    if as_json:
        typer.echo(json.dumps(detail))
        return
    console.print(f"[bold]{detail['id']}[/] {detail['title'] or ''}", highlight=False)
    for key in ("operation", "kind", "date", "received", "grading", "author", "file", "version"):
        if detail.get(key) is not None:
            console.print(f"  {key}: {detail[key]}", highlight=False, markup=False)
    for subject in detail["subjects"]:
        console.print(
            f"  subject {subject['ref']} ({subject['role']}): {subject['name'] or '(no name)'}",
            markup=False,
            highlight=False,
        )
    console.print()
    console.print(detail["text"], markup=False, highlight=False)


def _grading(rec: Record) -> str | None:
    if rec.grading_system is None:
        return None
    return str(
        Grading(
            GradingSystem(rec.grading_system),
            rec.grading_source,
            rec.grading_intelligence,
            rec.grading_handling,
        )
    )


def _summary(rec: Record) -> dict[str, Any]:
    return {
        "id": rec.id,
        "operation": rec.operation_id,
        "kind": rec.kind,
        "date": rec.date.isoformat() if rec.date else None,
        "grading": _grading(rec),
        "title": rec.title,
    }


def _detail(rec: Record) -> dict[str, Any]:
    return _summary(rec) | {
        "received": rec.received.isoformat() if rec.received else None,
        "author": rec.author,
        "file": rec.file_path,
        "original_sha256": rec.original_sha256,
        "document_status": rec.document_status,
        "version": rec.version,
        "text": rec.body,
        "subjects": [
            {
                "ref": s.ref,
                "role": s.role,
                "name": s.name,
                "aliases": s.aliases,
                "dob": s.dob.isoformat() if s.dob else None,
                "age": s.age,
                "phones": s.phones,
                "vehicles": s.vehicles,
            }
            for s in rec.subjects
        ],
        "locations": [{"address": loc.address, "postcode": loc.postcode} for loc in rec.locations],
        "links": [{"to": link.to_record, "kind": link.kind} for link in rec.links],
        "extra": rec.extra,
    }
