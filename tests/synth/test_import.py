"""Generated bundles import cleanly with threadline's own importer (scales 0.1, 1 and 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadline.ingest import import_bundle
from threadline.settings import Settings
from threadline.synth import generate
from threadline.workspace import Workspace


@pytest.mark.parametrize(
    "scale", [0.1, 1.0, pytest.param(10.0, marks=pytest.mark.slow)], ids=["0.1", "1", "10"]
)
def test_a_generated_bundle_imports_cleanly(tmp_path: Path, scale: float) -> None:
    bundle = tmp_path / "bundle"
    summary = generate(bundle, seed=1, scale=scale)
    workspace = Workspace.create(Settings(workspace=tmp_path / "workspace"))
    try:
        imported = import_bundle(workspace, bundle)
        again = import_bundle(workspace, bundle)
    finally:
        workspace.close()
    assert imported.warnings == []
    assert imported.added == {
        "operation": summary.operations,
        "record": summary.records,
        "action": summary.actions,
        "event": summary.events,
    }
    assert imported.originals == summary.files
    assert sum(again.added.values()) == 0
