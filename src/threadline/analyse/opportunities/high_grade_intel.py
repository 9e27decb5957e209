"""``high-grade-intel-undeveloped``: reliable, known or corroborated intelligence that
identified a suspect, and nothing followed within [28] days.

"Graded reliable and known or corroborated" is 3x5x2 source 1 with intelligence
A or B, or 5x5x5 source A or B with intelligence 1, 2 or 3: exactly
``comparable(grading).reliable_and_known`` (``threadline.domain.grading``).
"""

from __future__ import annotations

from threadline.analyse.opportunities.anchored import not_followed
from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material

KIND = "high-grade-intel-undeveloped"


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    out = []
    for record in material.records.values():
        if record.kind != "intelligence" or not record.high_grade:
            continue
        found = not_followed(material, record, KIND, settings.high_grade_days)
        if found is not None:
            out.append(found)
    return out
