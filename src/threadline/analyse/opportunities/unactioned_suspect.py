"""``unactioned-suspect``: a suspect in at least [3] non-report records, never acted on."""

from __future__ import annotations

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material

KIND = "unactioned-suspect"


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    """A person who is a suspect (subject role, or a text mention classified suspect) in at
    least ``suspect_records`` distinct records of any kind but ``report``, never acted on."""
    out = []
    for entity in material.entities.values():
        if entity.type != "person" or entity.id in material.acted:
            continue
        if len(entity.suspect_records) >= settings.suspect_records:
            out.append(
                Finding(
                    KIND,
                    entity.id,
                    entity.stable_key,
                    [entity.id],
                    sorted(entity.suspect_records),
                    {"not_live": _not_live(material, entity.actions)},
                )
            )
    return out


def _not_live(material: Material, actions: set[str]) -> list[str]:
    """Actions about the person that exist but are not live (only raised, or cancelled)."""
    return sorted(
        f"{material.items[a].id} ({material.items[a].kind or 'no status'})"
        for a in actions
        if not material.items[a].live
    )
