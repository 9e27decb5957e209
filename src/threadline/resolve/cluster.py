"""Clustering scored pairs into entities, honouring must-link and cannot-link.

Edges are taken strongest first (must-links before any scored pair) and joined
with a union-find, except where the join would put two members of a
cannot-link pair into one cluster, dates of birth that cannot be one person's,
or two nominals of one source system (a nominal is stable inside one system
only: two of them are two people, ``spec/bundle.md``). Taken strongest first,
the join refused is the weakest one that would have put them together. The
edges that joined clusters (a maximum spanning forest) are the explanation of
each cluster: every member is reached from every other through them. See
docs/resolution.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class Clusters:
    parent: dict[int, int] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    cannot: dict[int, set[int]] = field(default_factory=dict)
    """Root → the nodes its cluster must never hold."""
    traits: dict[int, frozenset[str]] = field(default_factory=dict)
    """Root → the distinct traits (dates of birth) its cluster holds."""
    compatible: Callable[[str, str], bool] | None = None
    """Whether two traits may sit in one cluster; None: any may."""
    nominals: dict[int, dict[str, frozenset[str]]] = field(default_factory=dict)
    """Root → source system → the nominals its cluster holds in that system."""

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

    def traits_agree(self, ra: int, rb: int) -> bool:
        ta, tb = self.traits.get(ra), self.traits.get(rb)
        if not ta or not tb or self.compatible is None:
            return True
        return all(self.compatible(x, y) for x in ta for y in tb if x != y)

    def nominals_agree(self, ra: int, rb: int) -> bool:
        """False when, in some source system, the two clusters hold nominals and none in
        common: two people, whatever their names and dates say."""
        na, nb = self.nominals.get(ra), self.nominals.get(rb)
        if not na or not nb:
            return True
        if len(na) > len(nb):
            na, nb = nb, na
        return all(not held.isdisjoint(nb[s]) for s, held in na.items() if s in nb)

    def union(self, a: int, b: int, *, forced: bool = False) -> bool:
        """Join the clusters of a and b; False when they were one already or may not join.

        ``forced`` (an analyst's must-link) overrides conflicting traits and nominals,
        never a cannot-link.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not self.allowed(ra, rb):
            return False
        if not forced and not (self.traits_agree(ra, rb) and self.nominals_agree(ra, rb)):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        banned = self.cannot.pop(rb, None)
        if banned:
            self.cannot.setdefault(ra, set()).update(banned)
        moved = self.traits.pop(rb, None)
        if moved:
            self.traits[ra] = self.traits.get(ra, frozenset()) | moved
        held = self.nominals.pop(rb, None)
        if held:
            into = self.nominals.setdefault(ra, {})
            for system, nominals in held.items():
                into[system] = into.get(system, frozenset()) | nominals
        return True

    def groups(self) -> list[list[int]]:
        return [sorted(m) for m in self.members.values()]


def cluster(
    nodes: Iterable[int],
    edges: Iterable[tuple[int, int]],
    *,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    traits: dict[int, str] | None = None,
    compatible: Callable[[str, str], bool] | None = None,
    nominals: Mapping[int, tuple[str, str]] | None = None,
) -> tuple[Clusters, list[int]]:
    """Cluster ``nodes``; ``edges`` must come strongest first.

    ``traits`` (a node's date of birth) and ``compatible`` keep apart clusters
    whose traits conflict, so that a subject with no date of birth cannot chain
    a father to a son of the same name at the same address. ``nominals`` (a
    node's source system and nominal) keep apart clusters with different
    nominals of one system and none in common.

    Returns the clusters and, for each edge of ``must`` + ``edges`` in the order
    given, its index when it joined two clusters (the spanning forest).
    """
    clusters = Clusters(compatible=compatible)
    for node in nodes:
        clusters.add(node)
    for node, trait in (traits or {}).items():
        clusters.add(node)
        root = clusters.find(node)
        clusters.traits[root] = clusters.traits.get(root, frozenset()) | {trait}
    for node, (system, nominal) in (nominals or {}).items():
        clusters.add(node)
        held = clusters.nominals.setdefault(clusters.find(node), {})
        held[system] = held.get(system, frozenset()) | {nominal}
    for a, b in cannot:
        clusters.forbid(a, b)
    used: list[int] = []
    must = list(must)
    for index, (a, b) in enumerate([*must, *edges]):
        clusters.add(a)
        clusters.add(b)
        if clusters.union(a, b, forced=index < len(must)):
            used.append(index)
    return clusters, used


DOB_TOLERANCE_DAYS = 731
"""Dates of birth further apart than this (two years) are two people, unless
swapped or a one-character slip."""


AGE_TOLERANCE_YEARS = 3
"""A birth year an age gives (``~1979``) may be this far from another's: ages are
rounded, out of date, or guessed (the model's "roughly consistent" level)."""


def date_slip(a: str, b: str) -> bool:
    """Two ISO dates one typing slip apart: equal, day and month swapped, or one character
    different (the check every date rule here starts from)."""
    if a == b or (a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]):
        return True
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def dates_compatible(a: str, b: str) -> bool:
    """Two ISO dates of birth, or birth years from ages (``~1979``), that may be one person's.

    Equal, day and month swapped, one character apart (a typing slip), or within
    two years (the errors of recording and of ages turned into dates); a birth
    year from an age within AGE_TOLERANCE_YEARS of the other's year. What this
    keeps apart is the same name a generation apart: a father and a son, even
    when one of them was recorded with an age instead of a date.
    """
    if a.startswith("~") or b.startswith("~"):
        try:
            return abs(int(a.lstrip("~")[:4]) - int(b.lstrip("~")[:4])) <= AGE_TOLERANCE_YEARS
        except ValueError:
            return True
    if date_slip(a, b):
        return True
    try:
        days = abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)
    except ValueError:
        return True  # not a date: no evidence either way
    return days <= DOB_TOLERANCE_DAYS
