"""The ``graph`` stage: entities and records as one graph, with network measures.

Edges (table ``graph_edges``):

- ``in``: an entity appears in a record (``target`` is ``record:<id>``), with the
  role it has there (a subject's role, the role the text gives a mention, or
  ``named`` for an identifier or place);
- ``about``: an action or event is about the entity (``action:<id>``, ``event:<id>``);
- ``owns``: a person's own phone or vehicle, or home address, from any of its subjects;
- ``co``: two entities appear in the same records (``weight`` counts the records).

The measures (table ``graph_nodes``) are taken on the entity graph (``co`` and
``owns`` edges) and are *local*: each is a function of the entity's
neighbours, the edges among them and their degrees, nothing further away.
Degree (distinct neighbours); ego betweenness (Everett and Borgatti 2005:
the betweenness of the entity inside its own neighbourhood, which tracks
betweenness in the whole graph closely and is exact to compute); community
(the neighbour, or the entity itself, of highest degree leads it: a one-step
leader clustering); and ``centrality``, what the opportunity score uses,
blending degree and brokerage on fixed scales (:func:`centrality`).

Incremental: the database notes what changed (:mod:`threadline.analyse.changes`).
A run reads only the touched entities and what sits beside them
(``load_material(around=...)``), rewrites the edges touching them, and
re-measures only the entities within two steps of them, whose measures are
the only ones that can change; everything else keeps its stored figures,
which are exactly what a full rebuild computes. ``THREADLINE_ANALYSE_FULL=1``
(or ``GraphStage(full=True)``) rebuilds all.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from itertools import combinations
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from threadline.analyse.changes import (
    changes_since,
    latest_change,
    note,
    read_mark,
    select_in,
    too_many,
    touched_entities,
    write_mark,
)
from threadline.analyse.opportunities.terms import DETECTED_TYPES, Material, load_material
from threadline.analyse.stage import StageProgress, StageReport, full_rebuild_wanted
from threadline.store.bulk import bulk_insert
from threadline.store.opportunity_models import GraphEdge, GraphNode
from threadline.workspace import Workspace

MAX_RECORD_ENTITIES = 40
"""A record naming more entities than this adds no ``co`` edges (a list, not an account)."""
DEGREE_SCALE = 8.0
"""Degree part of centrality: ``1 - exp(-degree / DEGREE_SCALE)``."""
BROKER_PAIRS = 28.0
"""Brokerage part of centrality: ``log(1 + b) / log(1 + BROKER_PAIRS)``, capped at 1, ``b``
the ego betweenness: 28 is eight neighbours none of whom is joined to another."""
CENTRALITY_STEP = 0.05
"""Centrality is kept in steps of this size, so that a little more material around
an entity does not re-score every opportunity about it."""
FULL_SHARE = 0.5
"""When more than this share of the stored nodes is touched, rebuild whole (cheaper)."""
STAGE = "graph"
GRAPH_VERSION = 2
"""Raise when the edges or measures change: the next run rebuilds whole."""
Row = dict[str, Any]
Adjacency = dict[str, set[str]]


def edge_rows(material: Material, only: Collection[str] | None = None) -> list[Row]:
    """Every edge row for ``graph_edges``, or (with ``only``) every row touching one of them."""

    def wanted(*ends: str) -> bool:
        return only is None or any(end in only for end in ends)

    rows: list[Row] = []
    in_record: dict[str, list[str]] = defaultdict(list)
    for entity in material.entities.values():
        if entity.type not in DETECTED_TYPES:
            continue
        mine = wanted(entity.id)
        for rid in sorted(entity.records):
            in_record[rid].append(entity.id)
            if mine:
                roles = entity.roles.get(rid, set()) | entity.text_roles.get(rid, set())
                role = ",".join(sorted(roles)) if roles else "named"
                rows.append(_edge(entity.id, "record:" + rid, "in", role[:20]))
        if mine:
            for key in sorted(entity.actions | entity.events):
                rows.append(_edge(entity.id, key, "about", None))
        for owned in sorted(entity.own | entity.addresses):
            if wanted(entity.id, owned):
                rows.append(_edge(entity.id, owned, "owns", None))
    co: Counter[tuple[str, str]] = Counter()
    for members in in_record.values():
        if len(members) > MAX_RECORD_ENTITIES:
            continue
        for a, b in combinations(sorted(set(members)), 2):
            if wanted(a, b):
                co[(a, b)] += 1
    for (a, b), weight in sorted(co.items()):
        rows.append(_edge(a, b, "co", None, float(weight)))
    return rows


def record_sizes(material: Material, records: Iterable[str]) -> dict[str, int]:
    """How many entities (of the detected types) each of ``records`` involves."""
    wanted = set(records)
    sizes: Counter[str] = Counter()
    for entity in material.entities.values():
        if entity.type in DETECTED_TYPES:
            sizes.update(entity.records & wanted)
    return {r: sizes.get(r, 0) for r in wanted}


def _edge(source: str, target: str, kind: str, role: str | None, weight: float = 1.0) -> Row:
    return {"source": source, "target": target, "kind": kind, "role": role, "weight": weight}


def adjacency(rows: Iterable[Row]) -> Adjacency:
    """The entity graph (``co`` and ``owns`` edges) of some edge rows."""
    adj: Adjacency = defaultdict(set)
    for row in rows:
        if row["kind"] in ("co", "owns"):
            adj[row["source"]].add(row["target"])
            adj[row["target"]].add(row["source"])
    return adj


def signature(kind: str, records: int, operations: int, rows: Iterable[Row]) -> str:
    """A digest of a node's counts and of every edge row touching it."""
    lines = sorted(
        "\x1f".join(str(row[k]) for k in ("source", "target", "kind", "role", "weight"))
        for row in rows
    )
    text = "\n".join([f"{kind}\x1f{records}\x1f{operations}", *lines])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def touching(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Per entity, the rows touching it (both ends of ``co`` and ``owns``)."""
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        out[row["source"]].append(row)
        if row["kind"] in ("co", "owns"):
            out[row["target"]].append(row)
    return out


def _operations(material: Material, entity_id: str) -> int:
    return len({material.records[r].operation for r in material.entities[entity_id].records})


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def ego_betweenness(adj: Adjacency, node: str) -> float:
    """Betweenness of ``node`` inside its ego network (itself, its neighbours, their edges).

    For each pair of neighbours not joined to each other, the share of their
    shortest paths (all of length two, inside the ego network) that pass
    through ``node``: ``1 / (1 + k)``, ``k`` the other neighbours joined to both.
    """
    ego = adj.get(node, set())
    if len(ego) < 2:
        return 0.0
    inner = {v: adj.get(v, set()) & ego for v in ego}
    paths: Counter[tuple[str, str]] = Counter()
    for v in sorted(ego):
        for a, b in combinations(sorted(inner[v]), 2):
            paths[(a, b)] += 1
    total = 0.0
    for a, b in combinations(sorted(ego), 2):
        if b not in inner[a]:
            total += 1.0 / (1 + paths.get((a, b), 0))
    return total


def centrality(degree: float, brokerage: float) -> float:
    """How central an entity is, in [0, 1], from its neighbourhood alone.

    The mean of a degree part, ``1 - exp(-degree / 8)``, and a brokerage part,
    ``log(1 + b) / log(1 + 28)`` capped at 1 (``b`` the ego betweenness: the
    pairs of its neighbours it alone joins); in steps of ``CENTRALITY_STEP``.
    """
    broker = min(1.0, math.log1p(brokerage) / math.log1p(BROKER_PAIRS))
    blend = (1 - math.exp(-degree / DEGREE_SCALE) + broker) / 2
    return round(round(blend / CENTRALITY_STEP) * CENTRALITY_STEP, 2)


def node_measures(adj: Adjacency, node: str) -> dict[str, float]:
    """Degree, ego betweenness (normalised by the pairs of neighbours), community, centrality.

    ``adj`` must hold the node's neighbours and theirs.
    """
    neighbours = adj.get(node, set())
    degree = len(neighbours)
    brokerage = ego_betweenness(adj, node)
    pairs = degree * (degree - 1) / 2
    leader = min((node, *neighbours), key=lambda v: (-len(adj.get(v, ())), _digest(v)))
    return {
        "degree": float(degree),
        "betweenness": brokerage / pairs if pairs else 0.0,
        "community": float(int(_digest(leader)[:7], 16)),
        "centrality": centrality(float(degree), brokerage),
    }


def measures(adj: Adjacency, nodes: Iterable[str]) -> dict[str, dict[str, float]]:
    return {v: node_measures(adj, v) for v in nodes}


def _node_row(
    entity_id: str, kind: str, records: int, operations: int, found: dict[str, float], signed: str
) -> Row:
    return {
        "entity_id": entity_id,
        "type": kind,
        "records": records,
        "operations": operations,
        "degree": int(found["degree"]),
        "betweenness": found["betweenness"],
        "centrality": found["centrality"],
        "community": int(found["community"]),
        "signature": signed,
    }


class GraphStage:
    """``threadline analyse`` stage 3: the link graph and its measures."""

    name = STAGE

    def __init__(self, *, full: bool | None = None) -> None:
        self.full = full

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        report = StageReport(self.name)
        full = full_rebuild_wanted() if self.full is None else self.full
        progress.start("reading what changed", None)
        with workspace.reading() as session:
            latest = latest_change(session)
            mark = None if full else read_mark(session, STAGE)
            touched: set[str] | None = None
            if mark is not None and mark.detail.get("version") == GRAPH_VERSION:
                stored = session.scalar(select(func.count()).select_from(GraphNode)) or 0
                if not too_many(latest, mark, stored):
                    touched = touched_entities(session, changes_since(session, mark.change_id))
                    if len(touched) > FULL_SHARE * stored:
                        touched = None
            progress.start("reading entities", None)
            if touched is None:
                material = load_material(session)
            else:
                material, touched = _around(session, touched)
        if touched is None:
            report.counts = self._rebuild(workspace, material, progress, latest)
        else:
            report.counts = self._update(workspace, material, touched, progress, latest)
        return report

    def _rebuild(
        self, workspace: Workspace, material: Material, progress: StageProgress, latest: int
    ) -> dict[str, int]:
        progress.start("building the graph", None)
        rows = edge_rows(material)
        adj = adjacency(rows)
        near = touching(rows)
        nodes = sorted(e.id for e in material.entities.values() if e.type in DETECTED_TYPES)
        progress.start("measuring the graph", len(nodes))
        found = measures(adj, nodes)
        node_rows = [
            _node_row(
                v,
                material.entities[v].type,
                len(material.entities[v].records),
                _operations(material, v),
                found[v],
                signature(
                    material.entities[v].type,
                    len(material.entities[v].records),
                    _operations(material, v),
                    near.get(v, ()),
                ),
            )
            for v in nodes
        ]
        progress.start("writing the graph", None)
        with workspace.transaction() as session:
            before = {
                k: c for k, c in session.execute(select(GraphNode.entity_id, GraphNode.centrality))
            }
            session.execute(delete(GraphEdge))
            session.execute(delete(GraphNode))
            for start in range(0, len(node_rows), 5000):
                bulk_insert(session, GraphNode, node_rows[start : start + 5000])
            for start in range(0, len(rows), 5000):
                bulk_insert(session, GraphEdge, rows[start : start + 5000])
            moved = {
                r["entity_id"] for r in node_rows if before.get(r["entity_id"]) != r["centrality"]
            }
            moved |= set(before) - set(nodes)
            note(session, "centrality", moved)
            write_mark(session, STAGE, latest, version=GRAPH_VERSION)
        return {
            "nodes": len(nodes),
            "edges": len(rows),
            "co_edges": sum(1 for e in rows if e["kind"] == "co"),
            "nodes_touched": len(nodes),
            "nodes_measured": len(nodes),
            "edges_written": len(rows),
            "centrality_changed": len(moved),
        }

    def _update(
        self,
        workspace: Workspace,
        material: Material,
        touched: set[str],
        progress: StageProgress,
        latest: int,
    ) -> dict[str, int]:
        progress.start("building the graph around what changed", None)
        rows = edge_rows(material, touched)
        present = {
            e
            for e in touched
            if e in material.entities and material.entities[e].type in DETECTED_TYPES
        }
        progress.start("writing and measuring around what changed", None)
        with workspace.transaction() as session:
            before = _stored_adjacency(session, touched)
            for column in (GraphEdge.source, GraphEdge.target):
                for chunk in _chunks(touched):
                    session.execute(delete(GraphEdge).where(column.in_(chunk)))
            for start in range(0, len(rows), 5000):
                bulk_insert(session, GraphEdge, rows[start : start + 5000])
            now = adjacency(rows)
            # Entities whose edges may have changed: the touched and their neighbours,
            # before and after. Their measures and their neighbours' can change.
            changed = set(touched)
            for v in touched:
                changed |= before.get(v, set()) | now.get(v, set())
            adj = _stored_adjacency(session, changed)
            measured = set(changed)
            for v in changed:
                measured |= adj.get(v, set())
            adj.update(_stored_adjacency(session, measured - set(adj)))
            neighbours = set().union(*(adj.get(v, set()) for v in measured)) - set(adj)
            adj.update(_stored_adjacency(session, neighbours))
            stored = (
                {
                    n.entity_id: n
                    for n in session.scalars(
                        select(GraphNode).where(GraphNode.entity_id.in_(sorted(measured)))
                    )
                }
                if len(measured) <= 900
                else {
                    n.entity_id: n
                    for chunk in _chunks(measured)
                    for n in session.scalars(
                        select(GraphNode).where(GraphNode.entity_id.in_(chunk))
                    )
                }
            )
            rows_near = _stored_rows(session, changed - (touched - present))
            node_rows = []
            for v in sorted(measured):
                if v in touched and v not in present:
                    continue  # gone
                if v in present:
                    facts = material.entities[v]
                    kind, records, operations = (
                        facts.type,
                        len(facts.records),
                        _operations(material, v),
                    )
                elif v in stored:
                    kind, records, operations = (
                        stored[v].type,
                        stored[v].records,
                        stored[v].operations,
                    )
                else:
                    continue
                signed = (
                    signature(kind, records, operations, rows_near.get(v, ()))
                    if v in changed
                    else stored[v].signature or ""
                )
                node_rows.append(
                    _node_row(v, kind, records, operations, node_measures(adj, v), signed)
                )
            for chunk in _chunks(measured | touched):
                session.execute(delete(GraphNode).where(GraphNode.entity_id.in_(chunk)))
            for start in range(0, len(node_rows), 5000):
                bulk_insert(session, GraphNode, node_rows[start : start + 5000])
            moved = {
                r["entity_id"]
                for r in node_rows
                if r["entity_id"] not in stored
                or stored[r["entity_id"]].centrality != r["centrality"]
            }
            moved |= {v for v in touched - present if v in stored}
            note(session, "centrality", moved)
            write_mark(session, STAGE, latest, version=GRAPH_VERSION)
            total = session.scalar(select(func.count()).select_from(GraphNode)) or 0
        return {
            "nodes": int(total),
            "nodes_touched": len(touched),
            "nodes_measured": len(node_rows),
            "edges_written": len(rows),
            "centrality_changed": len(moved),
        }


def _chunks(values: Iterable[str], size: int = 900) -> Iterable[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _around(session: Session, touched: set[str]) -> tuple[Material, set[str]]:
    """The material around the touched entities, and the touched entities completed.

    A record whose count of entities crosses ``MAX_RECORD_ENTITIES`` makes or
    unmakes the ``co`` edges of every entity in it: they are touched too.
    """
    while True:
        material = load_material(session, around=touched)
        records = {
            r for e in touched if e in material.entities for r in material.entities[e].records
        }
        counts = {
            target[7:]: int(n)
            for target, n in select_in(
                session,
                select(GraphEdge.target, func.count())
                .where(GraphEdge.kind == "in")
                .group_by(GraphEdge.target),
                GraphEdge.target,
                {"record:" + r for r in records},
            )
        }
        sizes = record_sizes(material, records)
        crossing = {
            r
            for r in records
            if (counts.get(r, 0) > MAX_RECORD_ENTITIES) != (sizes[r] > MAX_RECORD_ENTITIES)
        }
        more = {e.id for e in material.entities.values() if e.records & crossing}
        more |= {
            s
            for (s,) in select_in(
                session,
                select(GraphEdge.source).where(GraphEdge.kind == "in"),
                GraphEdge.target,
                {"record:" + r for r in crossing},
            )
        }
        if more <= touched:
            return material, touched
        touched = touched | more


def _stored_adjacency(session: Session, nodes: Collection[str]) -> Adjacency:
    """The stored entity graph around ``nodes``: every ``co`` and ``owns`` edge touching one."""
    adj: Adjacency = {v: set() for v in nodes}
    kinds = ("co", "owns")
    for column in (GraphEdge.source, GraphEdge.target):
        query = select(GraphEdge.source, GraphEdge.target).where(GraphEdge.kind.in_(kinds))
        for a, b in select_in(session, query, column, nodes):
            adj.setdefault(a, set()).add(b)
            adj.setdefault(b, set()).add(a)
    return {v: adj[v] for v in nodes}


def _stored_rows(session: Session, nodes: Collection[str]) -> dict[str, list[Row]]:
    """Every stored edge row touching ``nodes`` (as :func:`touching` groups them)."""
    columns = (GraphEdge.source, GraphEdge.target, GraphEdge.kind, GraphEdge.role, GraphEdge.weight)
    seen: dict[int, Row] = {}
    for column in (GraphEdge.source, GraphEdge.target):
        for row_id, *values in select_in(session, select(GraphEdge.id, *columns), column, nodes):
            seen[row_id] = dict(
                zip(("source", "target", "kind", "role", "weight"), values, strict=True)
            )
    wanted = set(nodes)
    return {v: r for v, r in touching(seen.values()).items() if v in wanted}
