"""The ``graph`` stage: entities and records as one graph, with network measures.

Edges (table ``graph_edges``):

- ``in``: an entity appears in a record (``target`` is ``record:<id>``), with the
  role it has there (a subject's role, the role the text gives a mention, or
  ``named`` for an identifier or place);
- ``about``: an action or event is about the entity (``action:<id>``, ``event:<id>``);
- ``owns``: a person's own phone or vehicle, or home address, from any of its subjects;
- ``co``: two entities appear in the same records (``weight`` counts the records).

The measures (table ``graph_nodes``) are taken on the entity graph (``co`` and
``owns`` edges): degree (distinct neighbours), betweenness approximated from
``samples`` source nodes (Brandes with sampling, ``networkx``), and communities
by label propagation, which stays near linear in the edges. ``centrality`` is
the mean of the degree and betweenness percentile ranks, in [0, 1], and is what
the opportunity score uses. The whole graph is rebuilt on each run: it is a
pass over the members, cheaper than working out what changed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
from sqlalchemy import delete

from threadline.analyse.opportunities.terms import DETECTED_TYPES, Material, load_material
from threadline.analyse.stage import StageProgress, StageReport
from threadline.store.bulk import bulk_insert
from threadline.store.opportunity_models import GraphEdge, GraphNode
from threadline.workspace import Workspace

DEFAULT_SAMPLES = 16
"""Source nodes for approximate betweenness (exact below this many nodes)."""
MAX_RECORD_ENTITIES = 40
"""A record naming more entities than this adds no ``co`` edges (a list, not an account)."""


def build_graph(material: Material) -> tuple[nx.Graph, list[dict[str, Any]]]:
    """The entity graph for the measures, and every edge row for ``graph_edges``."""
    graph: nx.Graph = nx.Graph()
    rows: list[dict[str, Any]] = []
    in_record: dict[str, list[str]] = defaultdict(list)
    for entity in material.entities.values():
        if entity.type not in DETECTED_TYPES:
            continue
        graph.add_node(entity.id)
        for rid in sorted(entity.records):
            roles = entity.roles.get(rid, set()) | entity.text_roles.get(rid, set())
            role = ",".join(sorted(roles)) if roles else "named"
            rows.append(_edge(entity.id, "record:" + rid, "in", role[:20]))
            in_record[rid].append(entity.id)
        for key in sorted(entity.actions | entity.events):
            rows.append(_edge(entity.id, key, "about", None))
        for owned in sorted(entity.own | entity.addresses):
            rows.append(_edge(entity.id, owned, "owns", None))
            graph.add_edge(entity.id, owned)
    co: Counter[tuple[str, str]] = Counter()
    for members in in_record.values():
        if len(members) > MAX_RECORD_ENTITIES:
            continue
        for a, b in combinations(sorted(set(members)), 2):
            co[(a, b)] += 1
    for (a, b), weight in sorted(co.items()):
        rows.append(_edge(a, b, "co", None, float(weight)))
        graph.add_edge(a, b)
    return graph, rows


def _edge(
    source: str, target: str, kind: str, role: str | None, weight: float = 1.0
) -> dict[str, Any]:
    return {"source": source, "target": target, "kind": kind, "role": role, "weight": weight}


def percentile_ranks(values: dict[str, float]) -> dict[str, float]:
    """Each value's share of values strictly below it, plus half the ties, in [0, 1]."""
    ordered = sorted(values.values())
    n = len(ordered)
    if n == 0:
        return {}
    return {
        k: (bisect_left(ordered, v) + (bisect_right(ordered, v) - bisect_left(ordered, v)) / 2) / n
        for k, v in values.items()
    }


def measures(graph: nx.Graph, samples: int = DEFAULT_SAMPLES) -> dict[str, dict[str, float]]:
    """Degree, approximate betweenness, community and centrality per node."""
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    degree = {n: float(d) for n, d in graph.degree()}
    k = None if len(nodes) <= samples else samples
    betweenness = nx.betweenness_centrality(graph, k=k, seed=0, normalized=True)
    community: dict[str, int] = {}
    found: list[list[str]] = []
    for component in nx.connected_components(graph):
        if len(component) <= 2:  # nothing to propagate: the component is the community
            found.append(sorted(component))
            continue
        sub = graph.subgraph(component)
        found.extend(sorted(c) for c in nx.community.label_propagation_communities(sub))
    groups = sorted(found, key=lambda c: (-len(c), c[0]))
    for index, group in enumerate(groups):
        for node in group:
            community[node] = index
    rank_degree = percentile_ranks(degree)
    rank_between = percentile_ranks(betweenness)
    return {
        n: {
            "degree": degree[n],
            "betweenness": float(betweenness.get(n, 0.0)),
            "community": float(community.get(n, -1)),
            "centrality": (rank_degree[n] + rank_between[n]) / 2,
        }
        for n in nodes
    }


class GraphStage:
    """``threadline analyse`` stage 3: the link graph and its measures."""

    name = "graph"

    def __init__(self, *, samples: int = DEFAULT_SAMPLES) -> None:
        self.samples = samples

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        report = StageReport(self.name)
        progress.start("reading entities", None)
        with workspace.reading() as session:
            material = load_material(session)
        progress.start("measuring the graph", None)
        graph, edges = build_graph(material)
        found = measures(graph, self.samples)
        nodes = []
        for eid, m in found.items():
            entity = material.entities[eid]
            nodes.append(
                {
                    "entity_id": eid,
                    "type": entity.type,
                    "records": len(entity.records),
                    "operations": len({material.records[r].operation for r in entity.records}),
                    "degree": int(m["degree"]),
                    "betweenness": m["betweenness"],
                    "centrality": m["centrality"],
                    "community": int(m["community"]),
                }
            )
        progress.start("writing the graph", None)
        with workspace.transaction() as session:
            session.execute(delete(GraphEdge))
            session.execute(delete(GraphNode))
            for start in range(0, len(nodes), 5000):
                bulk_insert(session, GraphNode, nodes[start : start + 5000])
            for start in range(0, len(edges), 5000):
                bulk_insert(session, GraphEdge, edges[start : start + 5000])
        report.counts = {
            "nodes": len(nodes),
            "edges": len(edges),
            "co_edges": sum(1 for e in edges if e["kind"] == "co"),
            "communities": len({n["community"] for n in nodes}),
        }
        return report
