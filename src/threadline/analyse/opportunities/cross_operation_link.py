"""``cross-operation-link``: an entity in records of at least [2] operations not all joined.

Joined material (``opportunities.md``): an operation's own records are joined
with each other; records of two operations are joined by a ``links`` entry
between them, by one live action or event listing both, or by a live action or
event of one of the two operations listing the other's record. An umbrella's
own records are its own operation; a shared umbrella joins nothing. Since an
operation's records are all joined, it is enough to join operations: the
entity's records are all joined when its operations form one group.
"""

from __future__ import annotations

from collections import defaultdict

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import DETECTED_TYPES, EntityFacts, Material

KIND = "cross-operation-link"


class _Groups:
    def __init__(self, members: set[str]) -> None:
        self.parent = {m: m for m in members}

    def root(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.root(a)] = self.root(b)

    def count(self) -> int:
        return len({self.root(m) for m in self.parent})


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    linked: dict[str, set[str]] = defaultdict(set)
    for a, b in material.links:
        linked[a].add(b)
        linked[b].add(a)
    listing: dict[str, list[str]] = defaultdict(list)
    for key, item in material.items.items():
        if item.live or not item.is_action:
            for ref in item.records:
                listing[ref].append(key)
    people: list[Finding] = []
    things: list[tuple[EntityFacts, Finding]] = []
    for entity in material.entities.values():
        if entity.type not in DETECTED_TYPES:
            continue
        ops = _split(material, entity.records, linked, listing, settings.operations)
        if ops is None:
            continue
        finding = Finding(
            KIND,
            entity.id,
            entity.stable_key,
            [entity.id],
            sorted(entity.records),
            {"operations": ops, "covers": []},
        )
        (people.append(finding) if entity.type == "person" else things.append((entity, finding)))
    by_person = {f.anchor: f for f in people}
    persons_in: dict[str, set[str]] = defaultdict(set)
    for person in by_person:
        for rid in material.entities[person].records:
            persons_in[rid].add(person)
    kept = []
    for entity, finding in sorted(things, key=lambda pair: pair[0].id):
        common = set.intersection(*(persons_in.get(r, set()) for r in entity.records))
        if common:
            cover = by_person[min(common)]
            cover.facts["covers"].append(entity.id)
            cover.entities.append(entity.id)
            continue
        kept.append(finding)
    return people + kept


def _split(
    material: Material,
    records: set[str],
    linked: dict[str, set[str]],
    listing: dict[str, list[str]],
    threshold: int,
) -> list[str] | None:
    """The entity's operations when there are enough and they are not all joined, else None."""
    op_of = {r: material.records[r].operation for r in records}
    ops = set(op_of.values())
    if len(ops) < threshold:
        return None
    groups = _Groups(ops)
    for rid in records:
        op = op_of[rid]
        for other in linked.get(rid, ()):
            if other in op_of:
                groups.union(op, op_of[other])
        for key in listing.get(rid, ()):
            item = material.items[key]
            if item.operation in ops:
                groups.union(op, item.operation)
            for other in item.records:
                if other in op_of:
                    groups.union(op, op_of[other])
    return sorted(ops) if groups.count() > 1 else None
