"""``network-associate``: someone beside the charged or convicted, never pursued.

A person never a victim subject and never acted on, who is a suspect or
associate subject in at least [2] records in each of which someone charged or
convicted is also a suspect or associate subject, or whose own phone or
vehicle (a subject's ``phones``/``vehicles``) is also the own of someone
charged or convicted."""

from __future__ import annotations

from collections import defaultdict

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material

KIND = "network-associate"
PAIRED_ROLES = frozenset({"suspect", "associate"})


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    charged = {
        e.id
        for e in material.entities.values()
        if e.type == "person" and material.events_about(e.id, ("charge", "conviction"))
    }
    if not charged:
        return []
    paired: dict[str, set[str]] = defaultdict(set)
    for record in material.records.values():
        persons = {material.person_of(ref) for ref, role in record.subjects if role in PAIRED_ROLES}
        if len(persons) > 1 and persons & charged:
            for person in persons:
                paired[person].add(record.id)
    out = []
    for entity in material.entities.values():
        if entity.type != "person" or entity.victim_subject or entity.id in material.acted:
            continue
        together = sorted(
            r
            for r in paired.get(entity.id, ())
            if any(
                material.person_of(ref) in charged and material.person_of(ref) != entity.id
                for ref, role in material.records[r].subjects
                if role in PAIRED_ROLES
            )
        )
        shared = sorted(
            ident
            for ident in entity.own
            if (material.entities[ident].owners - {entity.id}) & charged
        )
        if len(together) < settings.associate_records and not shared:
            continue
        beside = sorted(
            (
                {
                    material.person_of(ref)
                    for r in together
                    for ref, role in material.records[r].subjects
                    if role in PAIRED_ROLES and material.person_of(ref) in charged
                }
                | {o for i in shared for o in material.entities[i].owners if o in charged}
            )
            - {entity.id}
        )
        records = set(together)
        for ident in shared:
            records |= material.entities[ident].records & entity.records
        out.append(
            Finding(
                KIND,
                entity.id,
                entity.stable_key,
                [entity.id, *beside, *shared],
                sorted(records),
                {"together": together, "shared": shared, "charged": beside},
            )
        )
    return out
