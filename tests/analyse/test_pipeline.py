"""The analysis pipeline runs registered stages in order and refuses unknown ones."""

from __future__ import annotations

import pytest

from threadline.analyse import pipeline
from threadline.analyse.stage import StageProgress, StageReport
from threadline.errors import ThreadlineError
from threadline.workspace import Workspace


class Recorder:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        self.log.append(self.name)
        progress.start("working", 1)
        progress.advance()
        return StageReport(self.name, counts={"items": 1})


def test_stages_run_in_order_and_one_can_be_chosen(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[str] = []
    stages = [lambda: Recorder("first", log), lambda: Recorder("second", log)]
    monkeypatch.setattr(pipeline, "STAGES", stages)
    reports = pipeline.analyse(workspace)
    assert [r.name for r in reports] == ["first", "second"] == log
    assert all(r.seconds >= 0 and r.counts == {"items": 1} for r in reports)
    log.clear()
    pipeline.analyse(workspace, only=["second"])
    assert log == ["second"]
    with pytest.raises(ThreadlineError, match="no analysis stage 'third'"):
        pipeline.analyse(workspace, only=["third"])
