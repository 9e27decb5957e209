"""The score of an opportunity: where a reviewer's first hour is best spent.

    score = confidence × (w_e·E + w_r·R + w_v·V + w_t·T + w_c·C) / (w_e + w_r + w_v + w_t + w_c)

with every part in [0, 1]:

- **E, evidence**: ``1 - exp(-n / evidence_scale)``, ``n`` the distinct records
  behind it: the opportunity's records, and for the record-anchored kinds also
  the other records involving the suspects it identifies (corroboration).
- **R, reliability**: the mean, over those records, of
  ``comparable(grading).reliability`` (``threadline.domain.grading``); a record
  without a grade counts ``ungraded_reliability``.
- **V, victims**: ``1 - exp(-v / victims_scale)``, ``v`` the distinct victims
  (persons of victim subjects) in those records.
- **T, time unaddressed**: years from the earliest moment among those records
  to the end of the latest year in the material (31 December of the year of
  the latest moment), over ``years_full``, capped at 1. Measured against the
  material, not the clock, so a re-run scores the same; and to a year's end,
  not the latest day, so a little more material re-scores nothing unless it
  opens a new year.
- **C, centrality**: the highest ``centrality`` (graph stage: a blend of
  degree and estimated betweenness within the entity's component) among the
  entities it is about (for the record-anchored kinds, the suspects the
  record identifies).
- **confidence**: the probability of the weakest model join inside the entity
  it is about (1 for entities joined on exact keys or made of one subject), so
  an opportunity resting on a doubtful join sinks; for a place, times
  ``place_join_confidence`` (0.85), since address text is weaker evidence of one
  place than a registration mark or phone number is of one vehicle or phone.

The weights are settings (``DetectSettings.weight_*``); defaults 0.30, 0.15,
0.25, 0.10, 0.20.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from threadline.analyse.opportunities.finding import RECORD_KINDS, Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material


@dataclass(frozen=True)
class Score:
    value: float
    evidence: float
    reliability: float
    victims: float
    time: float
    centrality: float
    confidence: float
    records: int
    victim_count: int
    years: float

    def as_json(self) -> dict[str, float | int]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def evidence_records(material: Material, finding: Finding) -> set[str]:
    records = set(finding.records)
    if finding.kind in RECORD_KINDS:
        for entity in finding.entities:
            facts = material.entities.get(entity)
            if facts is not None:
                records |= facts.records
    return records


def score(
    material: Material,
    finding: Finding,
    centrality: dict[str, float],
    settings: DetectSettings,
) -> Score:
    records = [material.records[r] for r in sorted(evidence_records(material, finding))]
    n = len(records)
    evidence = 1 - math.exp(-n / settings.evidence_scale)
    reliabilities = [
        r.reliability if r.reliability is not None else settings.ungraded_reliability
        for r in records
    ]
    reliability = sum(reliabilities) / len(reliabilities) if reliabilities else 0.0
    victims = {v for r in records for v in r.victims}
    victim_part = 1 - math.exp(-len(victims) / settings.victims_scale)
    moments = [m for r in records if (m := r.moment) is not None]
    years = 0.0
    if moments and material.reference_day is not None:
        years = max(0, material.reference_day - min(moments)) / 365.25
    time_part = min(1.0, years / settings.years_full)
    about = finding.entities if finding.kind in RECORD_KINDS else finding.entities[:1]
    central = max((centrality.get(e, 0.0) for e in about), default=0.0)
    confidence = 1.0
    anchor = material.entities.get(finding.anchor)
    if anchor is not None and anchor.weakest is not None and anchor.weakest[1] is not None:
        confidence = float(anchor.weakest[1])
    if anchor is not None and anchor.type == "location":
        confidence *= settings.place_join_confidence
    weights = (
        settings.weight_evidence,
        settings.weight_reliability,
        settings.weight_victims,
        settings.weight_time,
        settings.weight_centrality,
    )
    parts = (evidence, reliability, victim_part, time_part, central)
    total = sum(weights)
    blended = sum(w * p for w, p in zip(weights, parts, strict=True)) / total if total else 0.0
    value = max(0.0, min(1.0, confidence * blended))
    return Score(
        round(value, 4),
        evidence,
        reliability,
        victim_part,
        time_part,
        central,
        confidence,
        n,
        len(victims),
        years,
    )
