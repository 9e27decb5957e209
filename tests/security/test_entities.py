"""Entities and mentions through the access layer, against the policy table."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest

from tests.security.test_access import MEMBERSHIPS, expected_records
from tests.security.world import (
    SUSPECT_ENTITY,
    add_entities,
    victim_entity,
    victim_name,
    write_world,
)
from threadline.ingest import import_bundle
from threadline.security.access import Access, Principal
from threadline.security.entities import VICTIM_LABEL, EntityAccess
from threadline.security.policy import Role
from threadline.workspace import Workspace


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> dict[str, tuple[str, str]]:
    index = write_world(tmp_path / "world")
    import_bundle(workspace, tmp_path / "world")
    add_entities(workspace, index)
    return index


def test_an_entity_shows_only_the_records_the_policy_allows(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    with workspace.reading() as session:
        for role, members in product(Role, MEMBERSHIPS):
            entities = EntityAccess(Access(session, Principal("x", role, members)))
            expected = expected_records(world, role, members)
            view = entities.entity(SUSPECT_ENTITY)
            if not expected:
                assert view is None, (role, members)
                continue
            assert view is not None
            assert {r.id for r in view.records} == expected, (role, members)
            visible_refs = {f"{rid}/S2" for rid in expected}
            for join in view.joins:
                assert {join.left, join.right} <= visible_refs
            neighbours = {n.id for n in view.neighbours}
            assert neighbours == {victim_entity(rid) for rid in expected}
            for rid in world:
                assert (entities.entity(victim_entity(rid)) is not None) == (rid in expected)


def test_victim_entities_and_mentions_are_anonymised(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    rid = "R-ALPHA-permitted"
    with workspace.reading() as session:
        analyst = Access(session, Principal("x", Role.ANALYST, frozenset({"ALPHA"})))
        view = EntityAccess(analyst).entity(victim_entity(rid))
        assert view is not None and view.anonymised and view.label == VICTIM_LABEL
        assert view.names == [] and view.joins == [] and view.neighbours == []
        suspect = EntityAccess(analyst).entity(SUSPECT_ENTITY)
        assert suspect is not None
        assert {n.label for n in suspect.neighbours} == {VICTIM_LABEL}
        record = analyst.record(rid)
        assert record is not None
        kinds = {(s.kind, s.entity) for s in record.segments if s.kind}
        assert ("victim", None) in kinds and ("person", SUSPECT_ENTITY) in kinds
        assert "QUILLFEATHER" not in record.text
        reviewer = Access(session, Principal("x", Role.REVIEWER, frozenset({"ALPHA"})))
        shown = EntityAccess(reviewer).entity(victim_entity(rid))
        assert shown is not None and shown.label == victim_name("ALPHA", "permitted")
        full = reviewer.record(rid)
        assert full is not None
        assert ("person", victim_entity(rid)) in {(s.kind, s.entity) for s in full.segments}
        assert full.text == "".join(s.text for s in full.segments)


def test_a_victim_mention_not_matching_a_subject_is_still_hidden(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    from sqlalchemy import update

    from threadline.store.models import Subject

    rid = "R-ALPHA-permitted"
    with workspace.transaction() as session:  # the subject no longer gives the name away
        session.execute(update(Subject).where(Subject.ref == f"{rid}/S1").values(name=None))
    with workspace.reading() as session:
        analyst = Access(session, Principal("x", Role.ANALYST, frozenset({"ALPHA"})))
        record = analyst.record(rid)
        assert record is not None and "QUILLFEATHER" not in record.text
        # Blanked by the mention, or by the name the victim's entity knows her by.
        assert "[victim" in record.text


def test_a_victims_own_phone_is_hidden_as_theirs(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    from threadline.store.entity_models import Entity, EntityMember

    rid = "R-ALPHA-permitted"
    with workspace.transaction() as session:
        session.add(Entity(id="E-phone", type="phone", label="+447700900001", key="+447700900001"))
        session.add(
            EntityMember(
                entity_id="E-phone",
                kind="holder",
                ref=f"{rid}/S1",
                via="phones",
                record_id=rid,
                operation_id="ALPHA",
            )
        )
    with workspace.reading() as session:
        analyst = EntityAccess(Access(session, Principal("x", Role.ANALYST, frozenset({"ALPHA"}))))
        view = analyst.entity("E-phone")
        assert view is not None and view.anonymised and view.identifiers == []
        reviewer = EntityAccess(
            Access(session, Principal("x", Role.REVIEWER, frozenset({"ALPHA"})))
        )
        shown = reviewer.entity("E-phone")
        assert shown is not None and shown.identifiers == ["+447700900001"]
