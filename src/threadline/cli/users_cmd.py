"""``threadline users``: local accounts for the web application."""

from __future__ import annotations

import getpass
import secrets
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from threadline.cli.context import console, open_workspace
from threadline.errors import ThreadlineError
from threadline.security import accounts, audit
from threadline.security.policy import Role
from threadline.store.security_models import User

users_app = typer.Typer(help="Manage web application accounts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@users_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The username.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(r.value for r in Role)}.")],
    operation: Annotated[
        list[str] | None, typer.Option(help="An operation the user is a member of (repeat).")
    ] = None,
    totp: Annotated[bool, typer.Option(help="Require a TOTP second factor.")] = False,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="THREADLINE_NEW_PASSWORD",
            help="The password (else one is generated and printed once).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Create an account. Membership decides which operations' material it may see."""
    chosen = password or secrets.token_urlsafe(12)
    workspace = open_workspace(ctx)
    try:
        with workspace.transaction() as session:
            user = accounts.create_user(
                session,
                username=name,
                password=chosen,
                role=role,
                operations=operation or [],
                totp=totp,
            )
            audit.append(
                session,
                username=_actor(),
                action="user-create",
                target=f"user:{user.username} role={user.role} "
                f"operations={','.join(operation or []) or '-'}",
            )
            uri = accounts.totp_uri(user)
    finally:
        workspace.close()
    console.print(f"account {name} ({role}) created", highlight=False)
    if password is None:
        console.print(f"password: {chosen}", highlight=False, markup=False)
    if uri:
        console.print(f"TOTP secret (add to an authenticator app): {uri}", markup=False)


@users_app.command("operations")
def set_operations(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The username.")],
    operation: Annotated[list[str], typer.Argument(help="Every operation the user belongs to.")],
) -> None:
    """Replace an account's memberships."""
    workspace = open_workspace(ctx)
    try:
        with workspace.transaction() as session:
            user = accounts.find_user(session, name)
            if user is None:
                raise ThreadlineError(f"no account named '{name}'")
            accounts.set_memberships(user, operation)
            audit.append(
                session,
                username=_actor(),
                action="user-change",
                target=f"user:{user.username} operations={','.join(operation)}",
            )
    finally:
        workspace.close()
    console.print(f"{name} is a member of: {', '.join(operation)}", highlight=False)


@users_app.command("list")
def list_users(ctx: typer.Context) -> None:
    """List accounts, roles and memberships."""
    workspace = open_workspace(ctx)
    try:
        with workspace.reading() as session:
            rows = [
                (
                    u.username,
                    u.role,
                    "yes" if u.totp_secret else "no",
                    u.active,
                    ", ".join(m.operation_id for m in u.memberships),
                )
                for u in session.scalars(select(User).order_by(User.username))
            ]
    finally:
        workspace.close()
    table = Table(title="accounts")
    for column in ("username", "role", "TOTP", "active", "operations"):
        table.add_column(column)
    for username, role, totp, active, ops in rows:
        table.add_row(username, role, totp, "yes" if active else "no", ops)
    console.print(table)
