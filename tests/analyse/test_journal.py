"""A full rewrite of the entities notes in the journal the entities the row triggers would."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from threadline.analyse.changes import changes_since, entities_rewritten, latest_change
from threadline.store import bulk
from threadline.store.entity_models import Entity, EntityLink, EntityMember
from threadline.workspace import Workspace


def _write(session: Session, *ids: str) -> None:
    bulk.copy_rows(
        session, Entity, ["id", "type", "label", "detail"], [(i, "person", i, {}) for i in ids]
    )
    bulk.copy_rows(
        session, EntityMember, ["entity_id", "kind", "ref"], [(i, "subject", f"R/{i}") for i in ids]
    )
    bulk.copy_rows(
        session,
        EntityLink,
        ["entity_id", "left_kind", "left_ref", "right_kind", "right_ref", "source", "evidence"],
        [(i, "subject", f"R/{i}", "subject", f"R/{i}", "model", {}) for i in ids],
    )


def _rewrite(session: Session, *ids: str) -> None:
    session.execute(delete(EntityLink))
    session.execute(delete(EntityMember))
    session.execute(delete(Entity))
    _write(session, *ids)


def _triggers(session: Session) -> dict[str, str]:
    found = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    ).all()
    return {str(name): str(sql) for name, sql in found}


def test_a_rewrite_notes_the_entities_before_and_after_as_the_triggers_do(
    workspace: Workspace,
) -> None:
    with workspace.transaction() as session:
        _write(session, "E-gone", "E-kept")
    seen: list[dict[str, set[str]]] = []
    for compact in (False, True):
        with workspace.transaction() as session:
            mark = latest_change(session)
            if compact:
                with entities_rewritten(session):
                    _rewrite(session, "E-kept", "E-new")
            else:
                _rewrite(session, "E-kept", "E-new")
            seen.append(changes_since(session, mark))
            session.rollback()
    assert seen[0] == seen[1] == {"entity": {"E-gone", "E-kept", "E-new"}}


def test_the_triggers_come_back_after_a_rewrite_and_after_a_failure(workspace: Workspace) -> None:
    with workspace.reading() as session:
        if session.get_bind().dialect.name != "sqlite":
            pytest.skip("the row triggers are set aside on SQLite only")
        before = _triggers(session)
    assert any("entity_members" in name for name in before)
    with workspace.transaction() as session, entities_rewritten(session):
        assert not any("entity_members" in name for name in _triggers(session))
        _rewrite(session, "E-1")
    with (
        pytest.raises(RuntimeError),
        workspace.transaction() as session,
        entities_rewritten(session),
    ):
        raise RuntimeError("the stage failed while writing")
    with workspace.reading() as session:
        assert _triggers(session) == before
    with workspace.transaction() as session:  # the triggers note rows again
        mark = latest_change(session)
        _write(session, "E-2")
        assert changes_since(session, mark) == {"entity": {"E-2"}}
