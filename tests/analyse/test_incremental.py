"""Graph and detect work on what changed, and give exactly what a full rebuild gives.

A small synthetic bundle is imported in two halves over the true entities
(``opportunities/oracle.py``, so no extraction or resolution is needed): after
the first half the stages run whole; after the second they run incrementally;
then a full rebuild of both must find the same graph and the same
opportunities, row for row, decisions included.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from threadline.analyse.graph import GraphStage
from threadline.analyse.opportunities.oracle import load_true_entities
from threadline.analyse.opportunities.review import action_opportunity, dismiss_opportunity
from threadline.analyse.opportunities.stage import DetectStage
from threadline.analyse.stage import SilentProgress, StageReport
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.store.opportunity_models import GraphEdge, GraphNode, Opportunity
from threadline.synth import generate
from threadline.workspace import Workspace


def half_bundle(bundle: Path, out: Path) -> Path:
    """The first half of the records, and the latest one (so the second half does
    not move the year time is measured to: that would rightly re-score everything)."""
    shutil.copytree(bundle, out, ignore=shutil.ignore_patterns("truth.json"))
    lines = (bundle / "records.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    latest = max(lines, key=lambda line: _moment(json.loads(line)))
    half = lines[: len(lines) // 2]
    (out / "records.jsonl").write_text("".join([*half, *([latest] * (latest not in half))]))
    return out


def _moment(record: dict[str, Any]) -> str:
    return str(record.get("received") or record.get("date") or "")


def stages(workspace: Workspace, *, full: bool = False) -> tuple[StageReport, StageReport]:
    graph = GraphStage(full=full).run(workspace, SilentProgress())
    detect = DetectStage(full=full).run(workspace, SilentProgress())
    return graph, detect


def snapshot(workspace: Workspace) -> dict[str, Any]:
    with workspace.reading() as session:
        opportunities = {
            o.id: (
                o.kind,
                o.rank,
                o.score,
                o.title,
                o.explanation,
                o.status,
                o.anchor,
                o.entities,
                o.records,
                o.operations,
                o.detail,
            )
            for o in session.scalars(select(Opportunity))
        }
        nodes = {
            n.entity_id: (n.degree, n.betweenness, n.centrality, n.community, n.signature)
            for n in session.scalars(select(GraphNode))
        }
        edges = sorted(
            (e.source, e.target, e.kind, e.role or "", e.weight)
            for e in session.scalars(select(GraphEdge))
        )
    return {"opportunities": opportunities, "nodes": nodes, "edges": edges}


def test_incremental_graph_and_detect_equal_a_full_rebuild(
    workspace: Workspace, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    generate(bundle, seed=11, scale=0.1)
    import_path(Importer(workspace), half_bundle(bundle, tmp_path / "half"))
    load_true_entities(workspace, bundle / "truth.json")
    _, first = stages(workspace)
    assert first.counts["opportunities"] > 20 and first.counts["rows_kept"] == 0
    ranked = sorted(snapshot(workspace)["opportunities"].items(), key=lambda kv: kv[1][1])
    dismiss_opportunity(workspace, ranked[0][0], by="DC Reviewer", why="known")
    action_opportunity(workspace, ranked[-1][0], by="DS Lead")

    import_path(Importer(workspace), bundle)
    load_true_entities(workspace, bundle / "truth.json")
    graph, detect = stages(workspace)
    # Only part of the graph and of the opportunities was worked again ...
    assert 0 < graph.counts["nodes_changed"] < graph.counts["nodes"]
    assert detect.counts["rows_kept"] > 0 and detect.counts["rows_written"] > 0
    incremental = snapshot(workspace)
    # ... and a full rebuild of both stages finds exactly the same, decisions included.
    stages(workspace, full=True)
    assert snapshot(workspace) == incremental
    statuses = {o[5] for o in incremental["opportunities"].values()}
    assert "new" in statuses and statuses & {"dismissed", "actioned"}

    # Running again over the same material works nothing again.
    graph, detect = stages(workspace)
    assert graph.counts["nodes_changed"] == 0 and graph.counts["nodes_measured"] == 0
    assert detect.counts["rows_written"] == 0 and detect.counts["rows_reranked"] == 0
    assert snapshot(workspace) == incremental
