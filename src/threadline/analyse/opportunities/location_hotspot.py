"""``location-hotspot``: a place in the records of at least [3] distinct victims, never
disrupted (no ``disruption`` or ``referral`` event about it).

A record involves a place through its ``locations`` field or its text, never
through a subject's home address (``terms``)."""

from __future__ import annotations

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material

KIND = "location-hotspot"
STOPPING_EVENTS = ("disruption", "referral")


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    out = []
    for entity in material.entities.values():
        if entity.type != "location":
            continue
        with_victims = sorted(r for r in entity.records if material.records[r].victims)
        victims = {v for r in with_victims for v in material.records[r].victims}
        if len(victims) < settings.hotspot_victims:
            continue
        if material.events_about(entity.id, STOPPING_EVENTS):
            continue
        out.append(
            Finding(
                KIND,
                entity.id,
                entity.stable_key,
                [entity.id],
                with_victims,
                {"victims": len(victims)},
            )
        )
    return out
