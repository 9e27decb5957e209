"""The bulk path writes what the ORM would, on both databases, inside the caller's transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from threadline.resolve.stage import LINK_COLUMNS
from threadline.store import bulk
from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.workspace import Workspace


def test_copy_rows_round_trips_text_numbers_nulls_and_json(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 2)  # several batches
    evidence = {"name": {"level": "exact, ünïcode", "weight": 11.2}, "tab": "a\tb\nc\\d"}
    with workspace.transaction() as session:
        written = bulk.copy_rows(
            session,
            Entity,
            ["id", "type", "label", "key", "detail"],
            [
                ("E-1", "person", "Zoë O'Brien", None, {"weakest_join": None}),
                ("E-2", "phone", "07700 900123", "+447700900123", {}),
                ("E-3", "person", "tab\tand\nnewline", None, {"weakest_join": 4.5}),
            ],
        )
        bulk.copy_rows(
            session,
            EntityLink,
            LINK_COLUMNS,
            [("E-1", "subject", "R-1/S1", "subject", "R-2/S1", "model", 8.42, 0.997, evidence)],
        )
    assert written == 3
    with workspace.reading() as session:
        entities = {e.id: e for e in session.scalars(select(Entity))}
        link = session.scalars(select(EntityLink)).one()
    assert entities["E-1"].label == "Zoë O'Brien"
    assert entities["E-1"].key is None
    assert entities["E-1"].detail == {"weakest_join": None}
    assert entities["E-2"].key == "+447700900123"
    assert entities["E-3"].label == "tab\tand\nnewline"
    assert entities["E-3"].detail == {"weakest_join": 4.5}
    assert (link.match_weight, link.match_probability) == (8.42, 0.997)
    assert link.evidence == evidence


def test_copy_rows_is_undone_with_its_transaction(workspace: Workspace) -> None:
    with pytest.raises(RuntimeError), workspace.transaction() as session:
        bulk.copy_rows(
            session, Entity, ["id", "type", "label", "detail"], [("E-1", "person", "A", {})]
        )
        raise RuntimeError("the stage failed after writing")
    with workspace.reading() as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 0


def test_copy_rows_reports_a_failed_batch_and_writes_nothing(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch the database refuses, written in the writer thread, fails the caller."""
    monkeypatch.setattr(bulk, "BATCH", 2)
    rows: list[tuple[object, ...]] = [(f"E-{i}", "person", "A", None, {}) for i in range(5)]
    rows.append(("E-1", "person", "again", None, {}))  # the primary key again, in the last batch
    refused = (sqlite3.IntegrityError, psycopg.errors.IntegrityError)  # the drivers' own
    with pytest.raises(refused), workspace.transaction() as session:
        bulk.copy_rows(session, Entity, ["id", "type", "label", "key", "detail"], rows)
    with workspace.reading() as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 0


def test_copy_rows_reports_a_failing_row_source(workspace: Workspace) -> None:
    def rows() -> Iterator[tuple[object, ...]]:
        yield ("E-1", "person", "A", None, {})
        raise ValueError("making the rows failed")

    with pytest.raises(ValueError, match="making the rows"), workspace.transaction() as session:
        bulk.copy_rows(session, Entity, ["id", "type", "label", "key", "detail"], rows())


def _indexes(session: Session, table: str) -> dict[str, str]:
    found = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
        {"t": table},
    )
    return {str(name): str(sql) for name, sql in found if sql is not None}


def test_indexes_set_aside_are_built_again_the_same(workspace: Workspace) -> None:
    with workspace.transaction() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("indexes are set aside on SQLite only")
        before = _indexes(session, "entity_members")
        assert "ix_entity_members_kind_ref" in before
        with bulk.indexes_set_aside(session, Entity, EntityMember):
            assert _indexes(session, "entity_members") == {}
            bulk.copy_rows(
                session, Entity, ["id", "type", "label", "detail"], [("E-1", "a", "A", {})]
            )
            bulk.copy_rows(
                session, EntityMember, ["entity_id", "kind", "ref"], [("E-1", "subject", "R/S1")]
            )
        assert _indexes(session, "entity_members") == before
    with workspace.reading() as session:
        assert _indexes(session, "entity_members") == before
        plan = " ".join(
            str(row[3])
            for row in session.execute(
                text("EXPLAIN QUERY PLAN SELECT id FROM entity_members WHERE entity_id = 'E-1'")
            )
        )
        assert "ix_entity_members_entity_id" in plan


def test_indexes_set_aside_come_back_when_the_work_fails(workspace: Workspace) -> None:
    with workspace.reading() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("indexes are set aside on SQLite only")
        before = _indexes(session, "entity_members")
    with (
        pytest.raises(RuntimeError),
        workspace.transaction() as session,
        bulk.indexes_set_aside(session, EntityMember),
    ):
        raise RuntimeError("the stage failed while loading")
    with workspace.reading() as session:
        assert _indexes(session, "entity_members") == before
