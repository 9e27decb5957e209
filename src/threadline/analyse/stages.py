"""The analysis stages, in the order they run.

Each entry makes one stage (``threadline.analyse.stage.Stage``). A stage
module adds itself here; nothing else needs to change to run it.
"""

from __future__ import annotations

from threadline.analyse.graph import GraphStage
from threadline.analyse.opportunities.stage import DetectStage
from threadline.analyse.stage import StageFactory
from threadline.extract.stage import ExtractStage
from threadline.resolve.stage import ResolveStage

STAGES: list[StageFactory] = [ExtractStage, ResolveStage, GraphStage, DetectStage]
