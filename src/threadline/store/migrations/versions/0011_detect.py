"""A journal of what changed, kept by the database, for the graph and detect stages.

``analysis_changes`` gets a row (kind, ref) whenever one of the tables the
graph and detect stages read is written: entities, their members and joins
(kind ``entity``), records (``record``), actions and events (``action``,
``event``), the records an action or event lists and a record's links (the
records at both ends, ``record``). Triggers write it, so every writer (import,
resolve, a judgement, a test's fixture) is covered with no code of its own:
row triggers on SQLite, statement triggers over transition tables on
PostgreSQL (one insert per statement, not per row). ``analysis_marks`` keeps,
per stage, the last journal row it has read.

Revision ID: 0011_detect
Revises: 0010_member_via
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011_detect"
down_revision = "0010_member_via"
branch_labels = None
depends_on = None

WATCHED = (
    # (table, journal kind, column naming the changed thing)
    ("entities", "entity", "id"),
    ("entity_members", "entity", "entity_id"),
    ("entity_links", "entity", "entity_id"),
    ("records", "record", "id"),
    ("actions", "action", "id"),
    ("events", "event", "id"),
    ("action_records", "record", "record_ref"),
    ("event_records", "record", "record_ref"),
    ("record_links", "record", "record_id"),
    ("record_links", "record", "to_record"),
)


def _name(table: str, column: str, op_name: str) -> str:
    return f"analysis_{table}_{column}_{op_name}"


def _sqlite_triggers() -> list[str]:
    out = []
    for table, kind, column in WATCHED:
        for event, rows in (("insert", ("new",)), ("delete", ("old",)), ("update", ("old", "new"))):
            body = " ".join(
                f"INSERT INTO analysis_changes(kind, ref) SELECT '{kind}', {row}.{column} "
                f"WHERE {row}.{column} IS NOT NULL;"
                for row in rows
            )
            out.append(
                f"CREATE TRIGGER {_name(table, column, event)} AFTER {event.upper()} "
                f"ON {table} BEGIN {body} END"
            )
    return out


PG_FUNCTION = """
CREATE FUNCTION analysis_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        EXECUTE format(
            'INSERT INTO analysis_changes(kind, ref) SELECT DISTINCT %L, %I FROM new_rows '
            'WHERE %I IS NOT NULL', TG_ARGV[0], TG_ARGV[1], TG_ARGV[1]);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        EXECUTE format(
            'INSERT INTO analysis_changes(kind, ref) SELECT DISTINCT %L, %I FROM old_rows '
            'WHERE %I IS NOT NULL', TG_ARGV[0], TG_ARGV[1], TG_ARGV[1]);
    END IF;
    RETURN NULL;
END $$
"""


def _pg_triggers() -> list[str]:
    out = [PG_FUNCTION]
    for table, kind, column in WATCHED:
        for event, referencing in (
            ("insert", "NEW TABLE AS new_rows"),
            ("delete", "OLD TABLE AS old_rows"),
            ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ):
            out.append(
                f"CREATE TRIGGER {_name(table, column, event)} AFTER {event.upper()} ON {table} "
                f"REFERENCING {referencing} FOR EACH STATEMENT "
                f"EXECUTE FUNCTION analysis_note('{kind}', '{column}')"
            )
    return out


def upgrade() -> None:
    op.create_table(
        "analysis_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_changes")),
        sqlite_autoincrement=True,  # ids are never reused once pruned: marks stay right
    )
    op.create_table(
        "analysis_marks",
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("stage", name=op.f("pk_analysis_marks")),
    )
    dialect = op.get_bind().dialect.name
    for statement in _pg_triggers() if dialect == "postgresql" else _sqlite_triggers():
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, _, column in WATCHED:
        for event in ("insert", "delete", "update"):
            name = _name(table, column, event)
            op.execute(
                f"DROP TRIGGER IF EXISTS {name} ON {table}"
                if dialect == "postgresql"
                else f"DROP TRIGGER IF EXISTS {name}"
            )
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS analysis_note()")
    op.drop_table("analysis_marks")
    op.drop_table("analysis_changes")
