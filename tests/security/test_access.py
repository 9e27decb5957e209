"""The query layer against the policy table: every role × membership × record."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pytest

from tests.security.world import OPERATIONS, token, victim_name, write_world
from threadline.ingest import import_bundle
from threadline.security.access import Access, Principal, name_skeleton
from threadline.security.policy import MATERIAL, Relation, Role
from threadline.workspace import Workspace

MEMBERSHIPS = [frozenset(), frozenset({"ALPHA"}), frozenset({"UMB"}), frozenset({"SOLO", "BRAVO"})]


def expected_records(
    index: dict[str, tuple[str, str]], role: Role, members: frozenset[str]
) -> set[str]:
    """The policy table read directly, without the query layer."""
    out = set()
    for rid, (op, sharing) in index.items():
        if op in members:
            relation: Relation | None = Relation.MEMBER
        elif OPERATIONS[op] in members:
            relation = Relation.COORDINATOR
        else:
            relation = None
        if relation is not None and (role, sharing, relation) in MATERIAL:
            out.add(rid)
    return out


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> dict[str, tuple[str, str]]:
    index = write_world(tmp_path / "world")
    import_bundle(workspace, tmp_path / "world")
    return index


def test_every_role_and_membership_sees_exactly_the_policy_set(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    with workspace.reading() as session:
        for role, members in product(Role, MEMBERSHIPS):
            access = Access(session, Principal("someone", role, members))
            expected = expected_records(world, role, members)
            assert access.record_ids() == expected, (role, members)
            assert {rid for rid in world if access.record(rid) is not None} == expected
            exported = {view.id for view in access.export()}
            assert exported == expected
            found = {
                hit.record.id
                for rid, (op, sharing) in world.items()
                for hit in access.search(token(op, sharing))
            }
            assert found == expected, (role, members)


def test_victims_are_anonymised_for_roles_that_may_not_see_them(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    rid = "R-ALPHA-permitted"
    victim = victim_name("ALPHA", "permitted")
    with workspace.reading() as session:
        for role in (Role.ANALYST, Role.PARTNER):
            view = Access(session, Principal("x", role, frozenset({"ALPHA"}))).record(rid)
            assert view is not None
            assert victim not in view.text and "QUILLFEATHER" not in view.text
            assert "QUILLFEATHER" not in view.title
            assert "[victim 1]" in view.text
            assert view.subjects[0].name == "[victim 1]" and view.subjects[0].anonymised
            assert view.subjects[1].name == "Mohammed ALI"
            # Searching for the hidden name finds nothing.
            searcher = Access(session, Principal("x", role, frozenset({"ALPHA"})))
            assert searcher.search("QUILLFEATHERALPHAPERMITTED") == []
        reviewer = Access(session, Principal("x", Role.REVIEWER, frozenset({"ALPHA"})))
        shown = reviewer.record(rid)
        assert shown is not None and victim in shown.text
        # Exports leave the system: anonymised whatever the role.
        exported = [v for v in reviewer.export() if v.id == rid]
        assert exported and "QUILLFEATHER" not in exported[0].text


def test_search_finds_spelling_variants(
    workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    with workspace.reading() as session:
        access = Access(session, Principal("x", Role.REVIEWER, frozenset({"ALPHA"})))
        hits = {h.record.id for h in access.search("Muhammad Aly")}
        assert hits == access.record_ids()
        assert access.search("Zebedee") == []


def test_name_skeleton_joins_transliterations() -> None:
    assert {name_skeleton(n) for n in ("Mohammed", "Muhammad", "MOHAMED", "Mohamad")} == {"mhmd"}
    assert name_skeleton("Ali") != name_skeleton("Alan")
