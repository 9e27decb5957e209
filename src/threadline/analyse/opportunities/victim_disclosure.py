"""``victim-disclosure-not-followed``: a victim's account that identified a suspect, and
nothing followed within [90] days."""

from __future__ import annotations

from threadline.analyse.opportunities.anchored import not_followed
from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material

KIND = "victim-disclosure-not-followed"
DISCLOSURE_KINDS = frozenset({"statement", "interview", "referral"})


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    out = []
    for record in material.records.values():
        if record.kind not in DISCLOSURE_KINDS:
            continue
        if not any(role == "victim" for _, role in record.subjects):
            continue
        found = not_followed(material, record, KIND, settings.disclosure_days)
        if found is not None:
            out.append(found)
    return out
