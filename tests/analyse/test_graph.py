"""The link graph: edges as the spec's terms define them, and measures that rank the hub first."""

from __future__ import annotations

from pathlib import Path

import networkx as nx  # type: ignore[import-untyped]
from sqlalchemy import select

from tests.analyse.opportunity_world import World, subject
from threadline.analyse.graph import GraphStage, ego_betweenness, measures
from threadline.analyse.stage import SilentProgress
from threadline.store.opportunity_models import GraphEdge, GraphNode
from threadline.workspace import Workspace


def _adjacency(graph: nx.Graph) -> dict[str, set[str]]:
    return {v: set(graph[v]) for v in graph.nodes}


def test_ego_betweenness_is_betweenness_inside_the_ego_network() -> None:
    graph = nx.relabel_nodes(nx.karate_club_graph(), str)
    adj = _adjacency(graph)
    for v in graph.nodes:
        ego = nx.ego_graph(graph, v)
        exact = nx.betweenness_centrality(ego, normalized=False)[v]
        assert abs(ego_betweenness(adj, v) - exact) < 1e-9


def test_measures_depend_on_the_neighbourhood_alone() -> None:
    path = nx.relabel_nodes(nx.path_graph(7), str)
    alone = measures(_adjacency(path), ["0", "1"])
    longer = nx.relabel_nodes(nx.path_graph(12), str)
    longer.add_edge("11", "x")
    assert measures(_adjacency(longer), ["0", "1"]) == alone


def test_the_hub_of_a_star_is_most_central() -> None:
    star = nx.star_graph(6)
    star = nx.relabel_nodes(star, str)
    star.add_edge("6", "7")
    found = measures(_adjacency(star), star.nodes)
    assert max(found, key=lambda n: found[n]["centrality"]) == "0"
    assert found["0"]["degree"] == 6 and found["7"]["degree"] == 1
    assert all(0 <= m["centrality"] <= 1 for m in found.values())
    # The hub leads its neighbours' community; the far end follows its neighbour of degree 2.
    assert found["1"]["community"] == found["0"]["community"] == found["6"]["community"]
    assert found["7"]["community"] != found["0"]["community"]


def test_graph_stage_edges(workspace: Workspace, tmp_path: Path) -> None:
    w = World()
    place = {"address": "4 Wellgate", "postcode": "RV6 1AA"}
    w.record(
        "R1",
        date="2004-01-01",
        locations=[place],
        subjects=[
            subject("R1/A", "suspect", vehicles=["AB12 CDE"], address="9 Home Row"),
            subject("R1/V", "victim"),
        ],
    )
    w.record("R2", date="2004-02-01", subjects=[subject("R2/A", "suspect")])
    w.event("E1", kind="arrest", date="2004-03-01", subjects=[subject("E1/A", "suspect")])
    w.entity(
        "E-a",
        "person",
        [("subject", "R1/A", None), ("subject", "R2/A", None), ("subject", "E1/A", None)],
    )
    w.entity("E-v", "person", [("subject", "R1/V", None)])
    w.entity("E-car", "vehicle", [("holder", "R1/A", "vehicles")], key="AB12CDE")
    w.entity("E-home", "location", [("holder", "R1/A", "address")])
    w.entity("E-place", "location", [("record", "R1", "locations")])
    w.build(workspace, tmp_path)
    report = GraphStage().run(workspace, SilentProgress())
    assert report.counts["nodes"] == 5
    with workspace.reading() as session:
        edges = {(e.source, e.target, e.kind, e.role) for e in session.scalars(select(GraphEdge))}
        nodes = {n.entity_id: n for n in session.scalars(select(GraphNode))}
    assert ("E-a", "record:R1", "in", "suspect") in edges
    assert ("E-v", "record:R1", "in", "victim") in edges
    assert ("E-a", "event:E1", "about", None) in edges
    assert ("E-a", "E-car", "owns", None) in edges and ("E-a", "E-home", "owns", None) in edges
    # A home address is the person's, not the record's: no "in" edge for it.
    assert not any(s == "E-home" and k == "in" for s, _, k, _ in edges)
    assert ("E-place", "record:R1", "in", "named") in edges
    assert ("E-a", "E-v", "co", None) in edges
    assert nodes["E-a"].records == 2 and nodes["E-a"].degree == 4  # victim, car, home, place
    assert nodes["E-a"].centrality == max(n.centrality for n in nodes.values())
