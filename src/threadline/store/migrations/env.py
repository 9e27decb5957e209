"""Alembic environment: run against the connection threadline hands over."""

from __future__ import annotations

from alembic import context

from threadline.store.schema import Base, include_name

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over the connection that ``threadline.store.database.upgrade`` hands over."""
    connection = config.attributes.get("connection")
    if connection is None:
        raise SystemExit("threadline migrations run through threadline (Workspace.open)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("threadline migrations run online only")
run_migrations_online()
