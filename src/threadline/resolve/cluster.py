"""Clustering scored pairs into entities, honouring must-link and cannot-link.

Edges are taken strongest first (must-links before any scored pair) and joined
with a union-find, except where the join would put two members of a
cannot-link pair into one cluster. The edges that joined clusters (a maximum
spanning forest) are the explanation of each cluster: every member is reached
from every other through them. See docs/resolution.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Clusters:
    parent: dict[int, int] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    cannot: dict[int, set[int]] = field(default_factory=dict)
    """Root → the nodes its cluster must never hold."""

    def add(self, node: int) -> None:
        if node not in self.parent:
            self.parent[node] = node
            self.members[node] = [node]

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def forbid(self, a: int, b: int) -> None:
        self.add(a)
        self.add(b)
        self.cannot.setdefault(self.find(a), set()).add(b)
        self.cannot.setdefault(self.find(b), set()).add(a)

    def allowed(self, ra: int, rb: int) -> bool:
        banned_a = self.cannot.get(ra)
        banned_b = self.cannot.get(rb)
        if not banned_a and not banned_b:
            return True
        if banned_a and any(m in banned_a for m in self.members[rb]):
            return False
        return not (banned_b and any(m in banned_b for m in self.members[ra]))

    def union(self, a: int, b: int) -> bool:
        """Join the clusters of a and b; False when they were one already or may not join."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not self.allowed(ra, rb):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        banned = self.cannot.pop(rb, None)
        if banned:
            self.cannot.setdefault(ra, set()).update(banned)
        return True

    def groups(self) -> list[list[int]]:
        return [sorted(m) for m in self.members.values()]


def cluster(
    nodes: Iterable[int],
    edges: Iterable[tuple[int, int]],
    *,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
) -> tuple[Clusters, list[int]]:
    """Cluster ``nodes``; ``edges`` must come strongest first.

    Returns the clusters and, for each edge of ``must`` + ``edges`` in the order
    given, its index when it joined two clusters (the spanning forest).
    """
    clusters = Clusters()
    for node in nodes:
        clusters.add(node)
    for a, b in cannot:
        clusters.forbid(a, b)
    used: list[int] = []
    for index, (a, b) in enumerate([*must, *edges]):
        clusters.add(a)
        clusters.add(b)
        if clusters.union(a, b):
            used.append(index)
    return clusters, used
