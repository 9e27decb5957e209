"""Full-text indexes for search: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Both are kept in step by the database itself, so every import and re-import
(inserts, updates, deletes and cascades of records and subjects) updates them
with no code of its own. SQLite: external-content FTS5 tables over ``records``
(title, text, document text) and ``subjects`` (name, aliases), keyed by their
rowids, with triggers. PostgreSQL: GIN indexes on the same ``to_tsvector``
expressions that :mod:`threadline.security.search` queries. The tables and
indexes are named ``fts_*``, which the model comparison leaves out
(:func:`threadline.store.schema.include_name`).

Revision ID: 0008_search
Revises: 0004_security
"""

from __future__ import annotations

from alembic import op

revision = "0008_search"
down_revision = "0004_security"
branch_labels = None
depends_on = None

RECORD_TEXT = (
    "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, '') || ' ' "
    "|| coalesce(document_text, ''))"
)
SUBJECT_NAMES = "to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(aliases::text, ''))"

_SQLITE = {
    "records": ("fts_records", ("title", "text", "document_text")),
    "subjects": ("fts_subjects", ("name", "aliases")),
}


def _sqlite_upgrade() -> None:
    for table, (fts, columns) in _SQLITE.items():
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END"
        )
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
        return
    op.execute(f"CREATE INDEX fts_records ON records USING gin ({RECORD_TEXT})")
    op.execute(f"CREATE INDEX fts_subjects ON subjects USING gin ({SUBJECT_NAMES})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for fts, _ in _SQLITE.values():
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        return
    op.execute("DROP INDEX IF EXISTS fts_records")
    op.execute("DROP INDEX IF EXISTS fts_subjects")
