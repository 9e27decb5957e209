"""The bulk path writes what the ORM would, on both databases, inside the caller's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from threadline.store import bulk
from threadline.store.entity_models import Entity, EntityLink
from threadline.workspace import Workspace

LINK_COLUMNS = [
    "entity_id",
    "left_kind",
    "left_ref",
    "right_kind",
    "right_ref",
    "source",
    "match_weight",
    "match_probability",
    "evidence",
]


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
