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

SQLITE_UPGRADE = (
    # Records: title, text and document text, keyed by the table's rowid.
    "CREATE VIRTUAL TABLE fts_records USING fts5(title, text, document_text, "
    "content='records', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER fts_records_insert AFTER INSERT ON records BEGIN "
    "INSERT INTO fts_records(rowid, title, text, document_text) "
    "VALUES (new.rowid, new.title, new.text, new.document_text); END",
    "CREATE TRIGGER fts_records_delete AFTER DELETE ON records BEGIN "
    "INSERT INTO fts_records(fts_records, rowid, title, text, document_text) "
    "VALUES ('delete', old.rowid, old.title, old.text, old.document_text); END",
    "CREATE TRIGGER fts_records_update AFTER UPDATE ON records BEGIN "
    "INSERT INTO fts_records(fts_records, rowid, title, text, document_text) "
    "VALUES ('delete', old.rowid, old.title, old.text, old.document_text); "
    "INSERT INTO fts_records(rowid, title, text, document_text) "
    "VALUES (new.rowid, new.title, new.text, new.document_text); END",
    "INSERT INTO fts_records(fts_records) VALUES ('rebuild')",
    # Subjects: name and aliases (a JSON array, whose words the tokenizer finds).
    "CREATE VIRTUAL TABLE fts_subjects USING fts5(name, aliases, "
    "content='subjects', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER fts_subjects_insert AFTER INSERT ON subjects BEGIN "
    "INSERT INTO fts_subjects(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases); END",
    "CREATE TRIGGER fts_subjects_delete AFTER DELETE ON subjects BEGIN "
    "INSERT INTO fts_subjects(fts_subjects, rowid, name, aliases) "
    "VALUES ('delete', old.rowid, old.name, old.aliases); END",
    "CREATE TRIGGER fts_subjects_update AFTER UPDATE ON subjects BEGIN "
    "INSERT INTO fts_subjects(fts_subjects, rowid, name, aliases) "
    "VALUES ('delete', old.rowid, old.name, old.aliases); "
    "INSERT INTO fts_subjects(rowid, name, aliases) VALUES (new.rowid, new.name, new.aliases); END",
    "INSERT INTO fts_subjects(fts_subjects) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = tuple(
    f"DROP {what} IF EXISTS {name}"
    for what, name in (
        *(
            ("TRIGGER", f"fts_{t}_{e}")
            for t in ("records", "subjects")
            for e in ("insert", "delete", "update")
        ),
        ("TABLE", "fts_records"),
        ("TABLE", "fts_subjects"),
    )
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
        return
    op.execute("CREATE INDEX fts_records ON records USING gin (" + RECORD_TEXT + ")")
    op.execute("CREATE INDEX fts_subjects ON subjects USING gin (" + SUBJECT_NAMES + ")")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
        return
    op.execute("DROP INDEX IF EXISTS fts_records")
    op.execute("DROP INDEX IF EXISTS fts_subjects")
