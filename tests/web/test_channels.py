"""Generated from the policy table: every role × membership × operation × channel.

For each account, the set of records it reaches through the record page, the
API, search and export must be exactly the set the policy table gives, so that
every channel shows a user the same set; and a denied record looks like a
missing one.
"""

from __future__ import annotations

import csv
import io
from itertools import product
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.security.test_access import expected_records
from tests.security.test_opportunities import expected_opportunities
from tests.security.world import SUSPECT_ENTITY, add_entities, add_opportunities, write_world
from tests.web.helpers import add_user, sign_in
from threadline.ingest import import_bundle
from threadline.security.policy import Role
from threadline.workspace import Workspace

MEMBERSHIPS = [frozenset(), frozenset({"ALPHA"}), frozenset({"UMB", "SOLO"})]
"""No membership; a coordinated operation's own; an umbrella plus a stand-alone operation."""


@pytest.fixture
def world(workspace: Workspace, tmp_path: Path) -> dict[str, tuple[str, str]]:
    index = write_world(tmp_path / "world")
    import_bundle(workspace, tmp_path / "world")
    add_entities(workspace, index)
    add_opportunities(workspace)
    return index


def test_every_channel_shows_each_user_exactly_the_policy_set(
    client: TestClient, workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    accounts = {}
    for n, (role, members) in enumerate(product(Role, MEMBERSHIPS)):
        name = f"u{n}-{role.value}"
        add_user(workspace, name, role.value, tuple(sorted(members)))
        accounts[name] = (role, members)
    operations = sorted({op for op, _ in world.values()})
    for name, (role, members) in accounts.items():
        client.cookies.clear()
        csrf = sign_in(client, name)
        expected = expected_records(world, role, members)
        page = {rid for rid in world if client.get(f"/records/{rid}").status_code == 200}
        api = {rid for rid in world if client.get(f"/api/records/{rid}").status_code == 200}
        search = {
            hit["id"] for hit in client.get("/api/search", params={"q": "Canal Street"}).json()
        }
        response = client.post(
            "/api/export", json={"reason": "access test"}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 200
        export = {row["id"] for row in csv.DictReader(io.StringIO(response.text))}
        entity = client.get(f"/api/entities/{SUSPECT_ENTITY}")
        via_entity = (
            {r["id"] for r in entity.json()["records"]} if entity.status_code == 200 else set()
        )
        channels = {
            "page": page,
            "api": api,
            "search": search,
            "export": export,
            "entity": via_entity,
        }
        worklist = {o["id"] for o in client.get("/api/opportunities").json()}
        assert worklist == expected_opportunities(expected), name
        for channel, seen in channels.items():
            assert seen == expected, (name, channel)
        # Operations: the page, the API listing and the API records agree with the policy.
        listed = {op["id"] for op in client.get("/api/operations").json()}
        for op in operations:
            page_ok = client.get(f"/operations/{op}").status_code == 200
            api_ok = client.get(f"/api/operations/{op}/records").status_code == 200
            assert page_ok == api_ok == (op in listed), (name, op)
            if api_ok:
                got = {
                    r["id"] for r in client.get(f"/api/operations/{op}/records").json()["records"]
                }
                assert got == {rid for rid in expected if world[rid][0] == op}, (name, op)
            elif any(world[rid][0] == op for rid in expected):
                pytest.fail(f"{name} sees records of {op} but not the operation")


def test_denied_and_missing_records_look_the_same(
    client: TestClient, workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    add_user(workspace, "pat", "partner", ("ALPHA",))
    sign_in(client, "pat")
    denied = client.get("/api/records/R-ALPHA-originator")
    missing = client.get("/api/records/R-NOPE")
    assert denied.status_code == missing.status_code == 404
    assert denied.json()["detail"] == missing.json()["detail"]
    shown = client.get("/api/records/R-ALPHA-permitted").json()
    assert shown["anonymised"] and "QUILLFEATHER" not in str(shown)


def test_administrators_see_no_case_material_but_others_no_admin(
    client: TestClient, workspace: Workspace, world: dict[str, tuple[str, str]]
) -> None:
    add_user(workspace, "ada", "administrator", ("ALPHA",))
    add_user(workspace, "rita", "reviewer", ("ALPHA",))
    sign_in(client, "ada")
    assert client.get("/api/operations").json() == []
    assert client.get("/admin/audit").status_code == 200
    client.cookies.clear()
    sign_in(client, "rita")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/users").status_code == 403
