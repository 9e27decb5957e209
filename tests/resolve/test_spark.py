"""The same resolution on Splink's Spark backend (local mode, the JDK on the machine)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from threadline.analyse.stage import SilentProgress
from threadline.ingest.importer import import_bundle
from threadline.resolve.export import entity_objects
from threadline.resolve.stage import ResolveStage
from threadline.synth import generate
from threadline.workspace import Workspace

pytestmark = pytest.mark.slow


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a JDK")
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_spark_resolves_as_duckdb_does(workspace: Workspace, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    generate(bundle, seed=5, scale=0.05)
    import_bundle(workspace, bundle)
    duck = ResolveStage(backend="duckdb").run(workspace, SilentProgress())
    with workspace.reading() as session:
        by_duckdb = {frozenset(e["subjects"]) for e in entity_objects(session, type_="person")}
    # The model trained on DuckDB is re-expressed in Spark's SQL and reused.
    spark = ResolveStage(backend="spark", full=True).run(workspace, SilentProgress())
    assert spark.notes == ["full run on spark"]
    assert spark.counts["pairs_scored"] == duck.counts["pairs_scored"]
    with workspace.reading() as session:
        by_spark = {frozenset(e["subjects"]) for e in entity_objects(session, type_="person")}
    assert by_spark == by_duckdb
