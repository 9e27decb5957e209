"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from threadline.settings import Settings
from threadline.store.database import alembic_config
from threadline.store.schema import Base, include_name
from threadline.workspace import Workspace


def test_models_and_migrations_agree(workspace: Workspace) -> None:
    with workspace.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_opening_twice_applies_nothing_new(settings: Settings) -> None:
    first = Workspace.create(settings)
    first.close()
    second = Workspace.open(settings)
    try:
        with second.engine.connect() as conn:
            applied = set(MigrationContext.configure(conn).get_current_heads())
        heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
        assert applied == heads
    finally:
        second.close()


def test_sqlite_runs_in_wal_with_full_sync_and_foreign_keys(workspace: Workspace) -> None:
    if workspace.engine.dialect.name != "sqlite":
        return
    with workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
