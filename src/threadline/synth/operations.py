"""The operations of the world, and the intelligence grading of their time.

An umbrella operation (opened late 2014) coordinates two or three live
operations; before it, five to seven closed historic operations ran one after
another from 1997 to 2013, each with its own incident room or none; an
independent review looked back at them. Material before 2016 is graded in
5x5x5, later material in 3x5x2.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from threadline.synth.names import draw_name
from threadline.synth.rng import stream, weighted

WORLD_START = dt.date(1997, 1, 1)
NOW = dt.date(2025, 6, 30)
THREE_BY_FIVE_FROM = dt.date(2016, 1, 1)

_CLOSED_WORDS = [
    "LINNET",
    "HAWTHORN",
    "SLATE",
    "KESTREL",
    "BRACKEN",
    "TEASEL",
    "FLINT",
    "OSPREY",
    "SORREL",
    "WAGTAIL",
    "ELDER",
    "MERLIN",
    "TANSY",
    "QUARTZ",
    "BITTERN",
    "FIELDFARE",
]
_LIVE_WORDS = ["ANVIL", "LANTERN", "TALLOW", "WICKER", "GARNET", "PLOVER"]
_UMBRELLA_WORDS = ["LODESTAR", "HEARTHSTONE", "CORNERSTONE", "WATCHTOWER"]
_REVIEW_WORDS = ["ASHLAR", "LEDGER", "PLUMBLINE"]


@dataclass(frozen=True)
class Operation:
    """One operation, as ``operations.jsonl`` lists it.

    Attributes:
        incident_room: whether it ran an incident room that raised actions.
    """

    id: str
    name: str
    kind: str
    parent: str | None
    lead: str
    sio: str
    opened: dt.date
    closed: dt.date | None
    description: str
    incident_room: bool

    @property
    def status(self) -> str:
        return "closed" if self.closed else "open"

    @property
    def until(self) -> dt.date:
        return self.closed or NOW

    def active(self, day: dt.date) -> bool:
        return self.opened <= day <= self.until

    def line(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent,
            "lead": self.lead,
            "sio": self.sio,
            "status": self.status,
            "opened": self.opened.isoformat(),
            "closed": self.closed.isoformat() if self.closed else None,
            "description": self.description,
        }


def _sio(rng: random.Random) -> str:
    name = draw_name(rng, rng.choice(("male", "female")))
    return f"DCI {name.forename} {name.surname.upper()}"


def plan_operations(seed: int) -> list[Operation]:
    """The operations of one world: umbrella, live, closed and review."""
    rng = stream(seed, "operations")
    force = "Moorshire Police"
    umbrella_word = rng.choice(_UMBRELLA_WORDS)
    umbrella = Operation(
        id=umbrella_word,
        name=f"Operation {umbrella_word.title()}",
        kind="umbrella",
        parent=None,
        lead="NCA",
        sio=_sio(rng),
        opened=dt.date(2014, 10, 1),
        closed=None,
        description="Umbrella operation coordinating live CSE investigations in Cindermoor.",
        incident_room=True,
    )
    ops = [umbrella]
    live_words = rng.sample(_LIVE_WORDS, rng.choice((2, 3)))
    for i, word in enumerate(live_words):
        opened = dt.date(2015 + 2 * i + rng.randint(0, 1), rng.randint(1, 12), 1)
        ops.append(
            Operation(
                id=word,
                name=f"Operation {word.title()}",
                kind="current",
                parent=umbrella.id,
                lead=force,
                sio=_sio(rng),
                opened=opened,
                closed=None,
                description="Live investigation into the exploitation of children in Cindermoor.",
                incident_room=True,
            )
        )
    count = rng.randint(5, 7)
    words = rng.sample(_CLOSED_WORDS, count)
    span = (dt.date(2013, 12, 31) - WORLD_START).days
    for i, word in enumerate(words):
        start = WORLD_START + dt.timedelta(days=span * i // count)
        end = WORLD_START + dt.timedelta(days=span * (i + 1) // count + rng.randint(60, 400))
        if i:
            start -= dt.timedelta(days=rng.randint(60, 300))
        end = min(end, dt.date(2013, 12, 31))
        ops.append(
            Operation(
                id=word,
                name=f"Operation {word.title()}",
                kind="closed",
                parent=None,
                lead=force,
                sio=_sio(rng),
                opened=start,
                closed=end,
                description="Historic investigation into concerns of CSE in Cindermoor.",
                incident_room=rng.random() < 0.7,
            )
        )
    review_word = rng.choice(_REVIEW_WORDS)
    ops.append(
        Operation(
            id=review_word,
            name=f"Operation {review_word.title()}",
            kind="review",
            parent=None,
            lead="NCA",
            sio=_sio(rng),
            opened=dt.date(2016, 4, 1),
            closed=dt.date(2018, 9, 30),
            description="Independent review of the historic operations' handling of CSE material.",
            incident_room=False,
        )
    )
    return ops


class OperationDesk:
    """Chooses the operation a piece of material belongs to, by its date and kind."""

    def __init__(self, operations: list[Operation]) -> None:
        self.operations = operations
        self.by_id = {op.id: op for op in operations}

    def for_day(
        self, rng: random.Random, day: dt.date, kind: str = "intelligence"
    ) -> tuple[Operation, dt.date]:
        """An operation running on ``day`` (and the day, moved into its period if none was)."""
        choices: list[tuple[Operation, float]] = []
        for op in self.operations:
            if not op.active(day):
                continue
            if op.kind == "umbrella":
                choices.append((op, 0.15))
            elif op.kind == "review":
                choices.append((op, 0.5 if kind == "report" else 0.02))
            else:
                choices.append((op, 1.0))
        if choices:
            return weighted(rng, choices), day
        nearest = min(
            self.operations,
            key=lambda op: min(abs((op.opened - day).days), abs((op.until - day).days)),
        )
        moved = min(max(day, nearest.opened), nearest.until)
        return nearest, moved

    def of_kind(self, kind: str) -> list[Operation]:
        return [op for op in self.operations if op.kind == kind]


_SOURCE_5 = (("A", 0.05), ("B", 0.35), ("C", 0.35), ("D", 0.05), ("E", 0.2))
_INTEL_5 = (("1", 0.05), ("2", 0.3), ("3", 0.35), ("4", 0.25), ("5", 0.05))
_HANDLING_5 = (("1", 0.5), ("2", 0.15), ("3", 0.15), ("4", 0.1), ("5", 0.1))
_SOURCE_3 = (("1", 0.35), ("2", 0.5), ("3", 0.15))
_INTEL_3 = (("A", 0.15), ("B", 0.35), ("C", 0.35), ("D", 0.12), ("E", 0.03))
_HANDLING_3 = (("P", 0.7), ("C", 0.3))


def grading(rng: random.Random, day: dt.date, *, quality: str = "any") -> dict[str, str]:
    """A grade in the system of the day.

    Args:
        quality: ``any`` (drawn as graders grade), ``high`` (reliable and
            known or corroborated) or ``low`` (not high).
    """
    system = "3x5x2" if day >= THREE_BY_FIVE_FROM else "5x5x5"
    for _ in range(100):
        if system == "5x5x5":
            grade = {
                "system": system,
                "source": weighted(rng, _SOURCE_5),
                "intelligence": weighted(rng, _INTEL_5),
                "handling": weighted(rng, _HANDLING_5),
            }
        else:
            grade = {
                "system": system,
                "source": weighted(rng, _SOURCE_3),
                "intelligence": weighted(rng, _INTEL_3),
                "handling": weighted(rng, _HANDLING_3),
            }
        if quality == "any" or (quality == "high") == is_high_grade(grade):
            return grade
    raise AssertionError("no grade of the asked quality")  # pragma: no cover


def is_high_grade(grade: dict[str, str] | None) -> bool:
    """Reliable and known or corroborated, as ``high-grade-intel-undeveloped`` defines it."""
    if not grade:
        return False
    source, intel = grade.get("source"), grade.get("intelligence")
    if grade.get("system") == "3x5x2":
        return source == "1" and intel in ("A", "B")
    if grade.get("system") == "5x5x5":
        return source in ("A", "B") and intel in ("1", "2", "3")
    return False
