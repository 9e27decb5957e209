"""``threadline export``: what the workspace holds, in a form that leaves the system.

At the command line, as for every other consultation there, the person is the
workspace's operator (whoever may run commands on it can read its database):
they read as a member of every operation. The export still goes through the
access layer and :mod:`threadline.security.exports`, so victims are
anonymised in it, and ``--partner`` keeps only what a partner agency may
receive. It is audited as ``cli:<os user>`` before the file is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.cli.context import console, open_workspace, operator_name
from threadline.errors import ThreadlineError
from threadline.security import audit, exports
from threadline.security.access import Access, Principal
from threadline.security.policy import Role
from threadline.store.models import Operation


def register(app: typer.Typer) -> None:
    app.command("export")(export_cmd)


def operator(session: Session) -> Principal:
    """The command line's reader: a member of every operation of the workspace."""
    operations = frozenset(session.scalars(select(Operation.id)))
    return Principal(username=operator_name(), role=Role.REVIEWER, memberships=operations)


def export_cmd(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", help=f"One of {', '.join(exports.FORMATS)}.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    operation: Annotated[
        str | None, typer.Option("--operation", help="Only this operation's material.")
    ] = None,
    partner: Annotated[
        bool,
        typer.Option(
            "--partner",
            help="A pack for a partner agency: only material that may be shared with one.",
        ),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept in the audit log).")
    ] = None,
) -> None:
    """Export material and analysis; victims are anonymised in every format."""
    if format not in exports.FORMATS:
        raise ThreadlineError(f"--format must be one of {', '.join(exports.FORMATS)}")
    workspace = open_workspace(ctx)
    try:

        def read(db: Session) -> tuple[exports.Export, audit.Note]:
            access = Access(db, operator(db))
            if operation is not None and access.operation(operation) is None:
                raise ThreadlineError(f"no operation '{operation}'")
            done = exports.export(access, format=format, operation=operation, partner=partner)
            target = (
                f"export:{operation or 'all'} format={format}{' partner' if partner else ''} "
                f"records={done.records} (command line)"
            )
            why = reason.strip() if reason and reason.strip() else "no reason given"
            return done, audit.Note("export", target, justification=why)

        done = audit.consulted(workspace.sessions, operator_name(), read)
    finally:
        workspace.close()
    out.write_bytes(done.content)
    console.print(
        f"{out}: {done.records} records, {done.entities} entities ({format}"
        f"{', partner pack' if partner else ''}; victims anonymised)",
        highlight=False,
    )
