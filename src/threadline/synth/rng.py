"""Seeded random streams for the generator.

Every choice the generator makes is drawn from a ``random.Random`` made here,
never from the module-level generator, so that the same seed gives the same
bytes. Streams are keyed by strings (``"cell:17"``), which ``random`` hashes
with SHA-512 and not with Python's per-process string hash.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def stream(seed: int, *parts: object) -> random.Random:
    """A random stream for one named part of the world, stable across runs."""
    key = "|".join([str(seed), *(str(p) for p in parts)])
    # Not for security: a reproducible pseudo-random world is the point.
    return random.Random(key)  # noqa: S311


def weighted(rng: random.Random, choices: Sequence[tuple[T, float]]) -> T:
    """One item of ``(item, weight)`` pairs, drawn in proportion to its weight."""
    total = sum(w for _, w in choices)
    point = rng.random() * total
    for item, weight in choices:
        point -= weight
        if point < 0:
            return item
    return choices[-1][0]


def chance(rng: random.Random, p: float) -> bool:
    """True with probability ``p``."""
    return rng.random() < p
