"""The analysis pipeline: stages run in order, each reading what the one before wrote.

A stage is a small object with a ``name`` and a ``run`` method. It reads the
store (and the tables of earlier stages), writes only its own tables, and is
incremental: it works on what changed since it last ran, and running it again
over the same material changes nothing. ``threadline analyse`` runs every
registered stage in order; ``--stage NAME`` runs one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from threadline.analyse.stage import SilentProgress, Stage, StageProgress, StageReport
from threadline.analyse.stages import STAGES
from threadline.errors import ThreadlineError
from threadline.workspace import Workspace

__all__ = ["SilentProgress", "Stage", "StageProgress", "StageReport", "analyse"]


def registered_stages() -> list[Stage]:
    """Every stage, in the order they run. Stages add themselves in ``stages.py``."""
    return [factory() for factory in STAGES]


def analyse(
    workspace: Workspace,
    *,
    only: Sequence[str] | None = None,
    progress: Callable[[str], StageProgress] | None = None,
) -> list[StageReport]:
    """Run the stages (all, or those named in ``only``) and report what each did."""
    stages = registered_stages()
    names = [s.name for s in stages]
    for wanted in only or ():
        if wanted not in names:
            raise ThreadlineError(
                f"no analysis stage '{wanted}' (stages: {', '.join(names) or 'none yet'})"
            )
    reports = []
    for stage in stages:
        if only and stage.name not in only:
            continue
        started = time.perf_counter()
        report = stage.run(workspace, progress(stage.name) if progress else SilentProgress())
        report.seconds = time.perf_counter() - started
        reports.append(report)
    return reports
