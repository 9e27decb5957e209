"""``untraced-identifier``: a vehicle or phone in at least [2] records, never acted on."""

from __future__ import annotations

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import TRACEABLE, Material
from threadline.analyse.opportunities.unactioned_suspect import _not_live

KIND = "untraced-identifier"


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    """A vehicle or phone involved in ``identifier_records`` records or more, never acted on
    (no live action about it, no ``trace`` event about it)."""
    out = []
    for entity in material.entities.values():
        if entity.type not in TRACEABLE or entity.id in material.acted:
            continue
        if len(entity.records) >= settings.identifier_records:
            out.append(
                Finding(
                    KIND,
                    entity.id,
                    entity.stable_key,
                    [entity.id, *sorted(entity.owners)],
                    sorted(entity.records),
                    {"not_live": _not_live(material, entity.actions)},
                )
            )
    return out
