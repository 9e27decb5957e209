"""The ``graph`` stage: entities and records as one graph, with network measures.

Edges (table ``graph_edges``):

- ``in``: an entity appears in a record (``target`` is ``record:<id>``), with the
  role it has there (a subject's role, the role the text gives a mention, or
  ``named`` for an identifier or place);
- ``about``: an action or event is about the entity (``action:<id>``, ``event:<id>``);
- ``owns``: a person's own phone or vehicle, or home address, from any of its subjects;
- ``co``: two entities appear in the same records (``weight`` counts the records).

The measures (table ``graph_nodes``) are taken on the entity graph (``co`` and
``owns`` edges), one connected component at a time, so that each is a function
of its component alone: degree (distinct neighbours); betweenness estimated
by Brandes' algorithm from at most ``samples`` sources per component (the
entities with the smallest digests of their ids: deterministic, and exact in a
component of ``samples`` entities or fewer); communities by label propagation
(near linear). ``centrality``, what the opportunity score uses, blends the two
on fixed scales (:func:`centrality`), in [0, 1].

Incremental: each node stores a signature of its edges and counts. A run
rewrites the edges of the entities whose signature changed (or that are new
or gone) and re-measures only the components holding one of them; every other
component keeps its measures, which are exactly what a full rebuild would give
it. ``THREADLINE_ANALYSE_FULL=1`` (or ``GraphStage(full=True)``) rebuilds all.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
from sqlalchemy import delete, select

from threadline.analyse.opportunities.terms import DETECTED_TYPES, Material, load_material
from threadline.analyse.stage import StageProgress, StageReport, full_rebuild_wanted
from threadline.store.bulk import bulk_insert
from threadline.store.opportunity_models import GraphEdge, GraphNode
from threadline.workspace import Workspace

DEFAULT_SAMPLES = 16
"""Sources for estimated betweenness per component (exact up to this many entities)."""
MAX_RECORD_ENTITIES = 40
"""A record naming more entities than this adds no ``co`` edges (a list, not an account)."""
DEGREE_SCALE = 8.0
"""Degree part of centrality: ``1 - exp(-degree / DEGREE_SCALE)``."""
CENTRALITY_STEP = 0.05
"""Centrality is kept in steps of this size: a little more material moves the
sampled estimates of a large component a little, and that should not re-score
every opportunity in it."""
CHUNK = 500


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


def signatures(
    material: Material, graph: nx.Graph, rows: Iterable[dict[str, Any]]
) -> dict[str, str]:
    """Per node, a digest of every edge row touching it and its counts.

    Both ends of an ``owns`` or ``co`` edge see it, so when one changes (or
    goes) the other's signature changes too.
    """
    touching: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        line = "\x1f".join(str(row[k]) for k in ("source", "target", "kind", "role", "weight"))
        touching[row["source"]].append(line)
        if row["kind"] in ("co", "owns"):
            touching[row["target"]].append(line)
    out = {}
    for node in graph.nodes:
        entity = material.entities[node]
        head = f"{entity.type}\x1f{len(entity.records)}\x1f{_operations(material, node)}"
        text = "\n".join([head, *sorted(touching.get(node, ()))])
        out[node] = hashlib.sha256(text.encode()).hexdigest()[:32]
    return out


def _operations(material: Material, entity_id: str) -> int:
    return len({material.records[r].operation for r in material.entities[entity_id].records})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sampled_betweenness(graph: nx.Graph, sources: Sequence[str]) -> dict[str, float]:
    """Brandes' dependency sums from ``sources`` (unweighted, undirected).

    With every node as a source this is twice the number of shortest-path
    pairs (fractionally) through each node; from a sample it estimates that
    in proportion to the sample.
    """
    between = dict.fromkeys(graph, 0.0)
    for source in sources:
        stack: list[str] = []
        preds: dict[str, list[str]] = {source: []}
        sigma: dict[str, float] = {source: 1.0}
        dist: dict[str, int] = {source: 0}
        queue = deque([source])
        while queue:
            v = queue.popleft()
            stack.append(v)
            for w in graph[v]:
                if w not in dist:
                    dist[w] = dist[v] + 1
                    sigma[w] = 0.0
                    preds[w] = []
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        delta = dict.fromkeys(stack, 0.0)
        while stack:
            w = stack.pop()
            for v in preds[w]:
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w])
            if w != source:
                between[w] += delta[w]
    return between


def centrality(degree: float, pairs_through: float, nodes: int) -> float:
    """How central an entity is, in [0, 1], from its component alone.

    The mean of a degree part, ``1 - exp(-degree / 8)``, and a brokerage part,
    ``log(1 + b) / log(1 + p)``: ``b`` the estimated shortest-path pairs
    through the entity, ``p`` the pairs in its component (so a broker of a
    large network ranks above the middle of a three-entity chain); rounded
    to steps of ``CENTRALITY_STEP``.
    """
    pairs = nodes * (nodes - 1) / 2
    broker = math.log1p(pairs_through) / math.log1p(pairs) if pairs > 1 else 0.0
    blend = (1 - math.exp(-degree / DEGREE_SCALE) + min(1.0, broker)) / 2
    return round(round(blend / CENTRALITY_STEP) * CENTRALITY_STEP, 2)


def component_measures(
    graph: nx.Graph, component: Iterable[str], samples: int = DEFAULT_SAMPLES
) -> dict[str, dict[str, float]]:
    """Degree, estimated betweenness, community and centrality in one component.

    The component is rebuilt in sorted order first, so the figures depend on
    its entities and edges only (not on the order the store returned them).
    """
    nodes = sorted(component)
    sub: nx.Graph = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(sorted(tuple(sorted(e)) for e in graph.subgraph(nodes).edges))
    n = len(nodes)
    sources = sorted(nodes, key=_digest)[: min(samples, n)]
    sums = sampled_betweenness(sub, sources)
    scale = n / len(sources) / 2 if sources else 0.0
    through = {v: s * scale for v, s in sums.items()}
    normaliser = (n - 1) * (n - 2) / 2 if n > 2 else 0.0
    if n <= 2:
        groups = [nodes]
    else:
        groups = [sorted(c) for c in nx.community.label_propagation_communities(sub)]
    community = {}
    for group in groups:
        label = int(_digest(group[0])[:7], 16)
        for node in group:
            community[node] = label
    return {
        v: {
            "degree": float(sub.degree(v)),
            "betweenness": min(1.0, through[v] / normaliser) if normaliser else 0.0,
            "community": float(community[v]),
            "centrality": centrality(float(sub.degree(v)), through[v], n),
        }
        for v in nodes
    }


def measures(graph: nx.Graph, samples: int = DEFAULT_SAMPLES) -> dict[str, dict[str, float]]:
    """Every component's measures (a full rebuild)."""
    found: dict[str, dict[str, float]] = {}
    for component in nx.connected_components(graph):
        found.update(component_measures(graph, component, samples))
    return found


class GraphStage:
    """``threadline analyse`` stage 3: the link graph and its measures."""

    name = "graph"

    def __init__(self, *, samples: int = DEFAULT_SAMPLES, full: bool | None = None) -> None:
        self.samples = samples
        self.full = full

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        report = StageReport(self.name)
        full = full_rebuild_wanted() if self.full is None else self.full
        progress.start("reading entities", None)
        with workspace.reading() as session:
            material = load_material(session)
            stored = {
                k: v for k, v in session.execute(select(GraphNode.entity_id, GraphNode.signature))
            }
        progress.start("building the graph", None)
        graph, edges = build_graph(material)
        signed = signatures(material, graph, edges)
        changed = set(signed) if full else {e for e, s in signed.items() if stored.get(e) != s}
        gone = set(stored) - set(signed)
        progress.start("measuring the graph", None)
        found: dict[str, dict[str, float]] = {}
        components = 0
        for component in nx.connected_components(graph):
            if full or not changed.isdisjoint(component):
                found.update(component_measures(graph, component, self.samples))
                components += 1
        nodes = [
            {
                "entity_id": eid,
                "type": material.entities[eid].type,
                "records": len(material.entities[eid].records),
                "operations": _operations(material, eid),
                "degree": int(m["degree"]),
                "betweenness": m["betweenness"],
                "centrality": m["centrality"],
                "community": int(m["community"]),
                "signature": signed[eid],
            }
            for eid, m in sorted(found.items())
        ]
        rewritten = [e for e in edges if e["source"] in changed]
        progress.start("writing the graph", None)
        with workspace.transaction() as session:
            if full:
                session.execute(delete(GraphEdge))
                session.execute(delete(GraphNode))
            else:
                stale = sorted(changed | gone)
                for start in range(0, len(stale), CHUNK):
                    chunk = stale[start : start + CHUNK]
                    session.execute(delete(GraphEdge).where(GraphEdge.source.in_(chunk)))
                redo = sorted(set(found) | gone)
                for start in range(0, len(redo), CHUNK):
                    chunk = redo[start : start + CHUNK]
                    session.execute(delete(GraphNode).where(GraphNode.entity_id.in_(chunk)))
            for start in range(0, len(nodes), 5000):
                bulk_insert(session, GraphNode, nodes[start : start + 5000])
            for start in range(0, len(rewritten), 5000):
                bulk_insert(session, GraphEdge, rewritten[start : start + 5000])
        report.counts = {
            "nodes": len(signed),
            "edges": len(edges),
            "co_edges": sum(1 for e in edges if e["kind"] == "co"),
            "nodes_changed": len(changed),
            "nodes_gone": len(gone),
            "components_measured": components,
            "nodes_measured": len(found),
            "edges_written": len(rewritten),
        }
        return report
