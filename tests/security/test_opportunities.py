"""Opportunities through the access layer: shown only with all their evidence visible."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest

from tests.security.test_access import MEMBERSHIPS, expected_records
from tests.security.world import OPPORTUNITIES, add_entities, add_opportunities, write_world
from threadline.errors import ThreadlineError
from threadline.ingest import import_bundle
from threadline.security.access import Access, Principal
from threadline.security.opportunities import OpportunityAccess
from threadline.security.policy import Role
from threadline.store.opportunity_models import OpportunityStatus
from threadline.workspace import Workspace


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> dict[str, tuple[str, str]]:
    index = write_world(tmp_path / "world")
    import_bundle(workspace, tmp_path / "world")
    add_entities(workspace, index)
    add_opportunities(workspace)
    return index


def expected_opportunities(readable: set[str]) -> set[str]:
    return {oid for oid, records in OPPORTUNITIES.items() if set(records) <= readable}


def test_the_worklist_shows_opportunities_whose_evidence_is_all_visible(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    with workspace.reading() as session:
        for role, members in product(Role, MEMBERSHIPS):
            access = OpportunityAccess(Access(session, Principal("x", role, members)))
            expected = expected_opportunities(expected_records(world, role, members))
            assert {o.id for o in access.worklist()} == expected, (role, members)
            for oid in OPPORTUNITIES:
                assert (access.opportunity(oid) is not None) == (oid in expected)


def test_victims_are_blanked_out_of_explanations(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    with workspace.reading() as session:
        analyst = OpportunityAccess(
            Access(session, Principal("x", Role.ANALYST, frozenset({"ALPHA"})))
        )
        view = analyst.opportunity("O-alpha")
        assert view is not None and "QUILLFEATHER" not in view.explanation
        reviewer = OpportunityAccess(
            Access(session, Principal("x", Role.REVIEWER, frozenset({"ALPHA"})))
        )
        shown = reviewer.opportunity("O-alpha")
        assert shown is not None and "QUILLFEATHER" in shown.explanation


def test_decisions_only_on_visible_opportunities(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    with workspace.transaction() as session:
        access = OpportunityAccess(
            Access(session, Principal("rita", Role.REVIEWER, frozenset({"ALPHA"})))
        )
        assert access.action("O-alpha", by="rita", text="trace and interview").startswith("RA-")
        access.dismiss("O-alpha-orig", by="rita", why="already covered by RA-1")
        with pytest.raises(ThreadlineError):
            access.dismiss("O-cross", by="rita", why="not mine to see")
        with pytest.raises(ThreadlineError):
            access.dismiss("O-alpha", by="rita", why="  ")
    with workspace.reading() as session:
        statuses = {s.opportunity_id: s.status for s in session.query(OpportunityStatus)}
    assert statuses == {"O-alpha": "actioned", "O-alpha-orig": "dismissed"}
