"""``location-hotspot``: a place in the records of at least [3] distinct victims, never
disrupted (no ``disruption`` or ``referral`` event about it).

A record involves a place through its ``locations`` field or its text, never
through a subject's home address (``terms``). Victims are counted as children,
not entities: one child written twice under two spellings is one (``victims``)."""

from __future__ import annotations

from collections import defaultdict

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material
from threadline.analyse.opportunities.victims import distinct_victims

KIND = "location-hotspot"
STOPPING_EVENTS = ("disruption", "referral")


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    out = []
    for entity in material.entities.values():
        if entity.type != "location":
            continue
        with_victims = sorted(r for r in entity.records if material.records[r].victims)
        victims: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
        for r in with_victims:
            for person, written in material.records[r].victim_names.items():
                victims[person].extend(written)
        if len(victims) < settings.hotspot_victims:
            continue
        children = distinct_victims(victims)  # one child under two spellings is one victim
        if children < settings.hotspot_victims:
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
                {"victims": children},
            )
        )
    return out
