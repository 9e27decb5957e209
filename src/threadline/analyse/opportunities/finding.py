"""What a detector finds: one opportunity before it is scored, explained and ranked."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "unactioned-suspect",
    "cross-operation-link",
    "untraced-identifier",
    "victim-disclosure-not-followed",
    "location-hotspot",
    "no-disruption-after-nfa",
    "high-grade-intel-undeveloped",
    "network-associate",
)
RECORD_KINDS = frozenset({"victim-disclosure-not-followed", "high-grade-intel-undeveloped"})


@dataclass
class Finding:
    """One opportunity as a detector found it.

    ``anchor`` is the entity (entity kinds) or the record (record-anchored
    kinds) it is about; ``stable`` what that anchor is independent of row
    order and entity ids (a keyed entity's type and key, a person's smallest
    subject ref, a record's id), from which the opportunity's id is derived.
    ``entities`` list the anchor entity first; ``records`` the evidence, the
    anchoring record first for the record-anchored kinds.
    """

    kind: str
    anchor: str
    stable: str
    entities: list[str]
    records: list[str]
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return opportunity_id(self.kind, self.stable)


def opportunity_id(kind: str, stable: str) -> str:
    digest = hashlib.sha256(f"{kind}\x1f{stable}".encode()).hexdigest()
    return "O-" + digest[:12]
