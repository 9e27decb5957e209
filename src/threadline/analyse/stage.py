"""What a stage of the analysis is: the protocol every stage follows, and its report."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from threadline.workspace import Workspace


class StageProgress(Protocol):
    """How a stage reports progress: ``start`` once with a total (or None), then ``advance``."""

    def start(self, description: str, total: int | None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class SilentProgress:
    def start(self, description: str, total: int | None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class StageReport:
    name: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    """What the stage did, e.g. ``{"records": 120, "mentions": 2301}``."""
    notes: list[str] = field(default_factory=list)


class Stage(Protocol):
    name: str

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport: ...


StageFactory = Callable[[], Stage]


def full_rebuild_wanted() -> bool:
    """``THREADLINE_ANALYSE_FULL=1``: the graph and detect stages rebuild everything."""
    return os.environ.get("THREADLINE_ANALYSE_FULL", "").strip() not in ("", "0")
