"""A bundle too small to train a model on still resolves: by the exact rule only."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.analyse.opportunity_world import World, subject
from threadline.analyse.stage import SilentProgress
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.resolve.stage import MODEL_FILE, ResolveStage
from threadline.store.entity_models import EntityLink, EntityMember
from threadline.workspace import Workspace


def test_a_handful_of_subjects_join_only_on_name_and_date_of_birth(
    workspace: Workspace, tmp_path: Path
) -> None:
    w = World()
    ali = {"name": "Mohammed ALI", "dob": "1979-03-02"}
    w.record("R1", subjects=[subject("R1/S1", "suspect", **ali)])
    w.record("R2", op="CHARD", subjects=[subject("R2/S1", "suspect", **ali)])
    w.record("R3", subjects=[subject("R3/S1", "suspect", name="Mohammed ALI", dob="1990-01-01")])
    w.record("R4", subjects=[subject("R4/S1", "suspect", name="Mohamed ALY", dob="1979-03-02")])
    import_path(Importer(workspace), w.write(tmp_path / "bundle"))

    ResolveStage().run(workspace, SilentProgress())

    with workspace.reading() as session:
        members = session.execute(
            select(EntityMember.entity_id, EntityMember.ref).where(EntityMember.kind == "subject")
        ).all()
        links = session.execute(select(EntityLink.source, EntityLink.evidence)).all()
    groups: dict[str, set[str]] = {}
    for entity, ref in members:
        groups.setdefault(entity, set()).add(ref)
    assert sorted(map(sorted, groups.values())) == [
        ["R1/S1", "R2/S1"],
        ["R3/S1"],
        ["R4/S1"],
    ]
    assert [source for source, _ in links] == ["rule"]
    # No model is saved from so little: the first run with enough material trains one.
    assert not (workspace.path / MODEL_FILE).exists()


def test_an_empty_workspace_resolves_to_nothing(workspace: Workspace) -> None:
    report = ResolveStage().run(workspace, SilentProgress())
    assert report.counts.get("person_entities", 0) == 0
