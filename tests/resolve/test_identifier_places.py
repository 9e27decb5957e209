"""Addresses in actions' and events' ``identifiers`` make them about that place (bundle.md)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.analyse.opportunity_world import World
from threadline.analyse.stage import SilentProgress
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.resolve.export import entity_objects
from threadline.resolve.identifiers import identifier_place
from threadline.resolve.stage import ResolveStage
from threadline.store.entity_models import Entity, EntityMember
from threadline.workspace import Workspace


def test_what_an_identifier_names() -> None:
    assert identifier_place("AB12 CDE") is None  # a vehicle
    assert identifier_place("07700 900123") is None  # a phone
    assert identifier_place("AB12") is None  # a fragment: neither
    assert identifier_place("RV6 2AB") == (None, "RV6 2AB")
    assert identifier_place("Mumtaz Takeaway, 4 Wellgate") == ("Mumtaz Takeaway, 4 Wellgate", None)


def test_actions_and_events_are_about_the_places_their_identifiers_name(
    workspace: Workspace, tmp_path: Path
) -> None:
    w = World()
    place = {"address": "Mumtaz Takeaway, 4 Wellgate, Riverton", "postcode": "RV6 1AA"}
    w.record("R1", date="2004-01-01", locations=[place])
    w.action(
        "A1",
        status="allocated",
        raised="2004-02-01",
        records=["R1"],
        identifiers=["Mumtaz Takeaway, 4 Wellgate", "AB12 CDE"],
    )
    w.event("D1", kind="disruption", date="2005-01-01", identifiers=["4 Wellgate, Riverton"])
    import_path(Importer(workspace), w.write(tmp_path / "bundle"))
    ResolveStage().run(workspace, SilentProgress())
    with workspace.reading() as session:
        rows = session.execute(
            select(Entity.type, EntityMember.kind, EntityMember.ref, EntityMember.via).join(
                Entity, Entity.id == EntityMember.entity_id
            )
        ).all()
    places = {(kind, ref, via) for type_, kind, ref, via in rows if type_ == "location"}
    assert ("record", "R1", "locations") in places
    assert ("action", "A1", "identifiers") in places
    assert ("event", "D1", "identifiers") in places
    vehicles = {(kind, ref) for type_, kind, ref, _ in rows if type_ == "vehicle"}
    assert vehicles == {("action", "A1")}
    assert len({type_ for type_, *_ in rows if type_ == "location"}) == 1
    with workspace.reading() as session:
        [location] = list(entity_objects(session, type_="location"))
    # spec/cli.md: a place's identifiers are its postcodes.
    assert location["identifiers"] == ["RV6 1AA"]
