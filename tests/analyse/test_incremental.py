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

import networkx as nx  # type: ignore[import-untyped]
from sqlalchemy import func, select

from threadline.analyse.graph import GraphStage
from threadline.analyse.opportunities.oracle import load_true_entities
from threadline.analyse.opportunities.review import action_opportunity, dismiss_opportunity
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.stage import DetectStage
from threadline.analyse.stage import SilentProgress, StageReport
from threadline.ingest import import_path
from threadline.ingest.importer import Importer
from threadline.store.entity_models import EntityMember
from threadline.store.opportunity_models import GraphEdge, GraphNode, Opportunity
from threadline.synth import generate
from threadline.workspace import Workspace


def part_bundle(bundle: Path, out: Path, keep: float = 0.5) -> Path:
    """The first ``keep`` of the records, and the latest one (so the rest does not
    move the year time is measured to: that would rightly re-score everything)."""
    shutil.copytree(bundle, out, ignore=shutil.ignore_patterns("truth.json"))
    lines = (bundle / "records.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    latest = max(lines, key=lambda line: _moment(json.loads(line)))
    part = lines[: round(len(lines) * keep)]
    (out / "records.jsonl").write_text("".join([*part, *([latest] * (latest not in part))]))
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
    import_path(Importer(workspace), part_bundle(bundle, tmp_path / "half"))
    load_true_entities(workspace, bundle / "truth.json")
    _, first = stages(workspace)
    assert first.counts["opportunities"] > 20 and first.counts["rows_kept"] == 0
    ranked = sorted(snapshot(workspace)["opportunities"].items(), key=lambda kv: kv[1][1])
    dismiss_opportunity(workspace, ranked[0][0], by="DC Reviewer", why="known")
    action_opportunity(workspace, ranked[-1][0], by="DS Lead")

    import_path(Importer(workspace), bundle)
    load_true_entities(workspace, bundle / "truth.json")
    graph, detect = stages(workspace)
    # Half the material is new (each stage may rebuild whole: the next test works in part) ...
    assert graph.counts["nodes_touched"] > 0 and detect.counts["rows_written"] > 0
    incremental = snapshot(workspace)
    # ... and a full rebuild of both stages finds exactly the same, decisions included.
    stages(workspace, full=True)
    assert snapshot(workspace) == incremental
    statuses = {o[5] for o in incremental["opportunities"].values()}
    assert "new" in statuses and statuses & {"dismissed", "actioned"}

    # Running again over the same material works nothing again.
    graph, detect = stages(workspace)
    assert graph.counts["nodes_touched"] == 0 and graph.counts["nodes_measured"] == 0
    assert detect.counts["rows_written"] == 0 and detect.counts["rows_reranked"] == 0
    assert snapshot(workspace) == incremental


def largest_component(workspace: Workspace) -> set[str]:
    graph: nx.Graph = nx.Graph()
    with workspace.reading() as session:
        graph.add_nodes_from(session.scalars(select(GraphNode.entity_id)))
        graph.add_edges_from(
            session.execute(
                select(GraphEdge.source, GraphEdge.target).where(GraphEdge.kind.in_(("co", "owns")))
            ).all()
        )
    components: list[set[str]] = list(nx.connected_components(graph))
    return max(components, key=len)


def test_a_little_more_material_reads_and_rewrites_a_little(
    workspace: Workspace, tmp_path: Path
) -> None:
    """1% more records, then a join moved inside the largest component: each step is
    worked on in part, and equals a full rebuild."""
    bundle = tmp_path / "bundle"
    generate(bundle, seed=12, scale=0.2)
    import_path(Importer(workspace), part_bundle(bundle, tmp_path / "most", keep=0.97))
    load_true_entities(workspace, bundle / "truth.json")
    stages(workspace)
    ranked = sorted(snapshot(workspace)["opportunities"].items(), key=lambda kv: kv[1][1])
    dismiss_opportunity(workspace, ranked[0][0], by="DC Reviewer", why="known")

    import_path(Importer(workspace), bundle)
    load_true_entities(workspace, bundle / "truth.json")
    graph, detect = stages(workspace)
    assert 0 < graph.counts["nodes_measured"] < graph.counts["nodes"] / 2
    assert 0 < detect.counts["entities_read"] < graph.counts["nodes"] / 2
    assert 0 < detect.counts["rows_found_again"] < detect.counts["opportunities"] / 2
    incremental = snapshot(workspace)
    stages(workspace, full=True)
    assert snapshot(workspace) == incremental

    # Resolution moves a subject from one person to another, both in the largest component.
    giant = largest_component(workspace)
    with workspace.transaction() as session:
        people = sorted(
            session.scalars(
                select(EntityMember.entity_id)
                .where(EntityMember.kind == "subject", EntityMember.via.is_(None))
                .group_by(EntityMember.entity_id)
                .having(func.count() > 1)
            )
        )
        source, target = [p for p in people if p in giant][:2]
        moved = session.scalars(
            select(EntityMember).where(
                EntityMember.entity_id == source, EntityMember.kind == "subject"
            )
        ).first()
        assert moved is not None
        moved.entity_id = target
    graph, detect = stages(workspace)
    assert len(giant) > graph.counts["nodes_measured"] > 0
    assert 0 < detect.counts["rows_found_again"] < detect.counts["opportunities"] / 2
    incremental = snapshot(workspace)
    stages(workspace, full=True)
    assert snapshot(workspace) == incremental

    # Other thresholds: every opportunity is found again (the stored ones were made with others).
    other = DetectStage(DetectSettings(suspect_records=2)).run(workspace, SilentProgress())
    assert other.counts["rows_found_again"] == other.counts["opportunities"]
    assert other.counts["unactioned-suspect"] >= detect.counts["unactioned-suspect"]
