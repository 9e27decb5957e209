"""``no-disruption-after-nfa``: named again after the latest NFA or acquittal, and no
``disruption``, ``charge`` or ``conviction`` on or after it."""

from __future__ import annotations

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material, from_day

KIND = "no-disruption-after-nfa"
ENDING = ("nfa", "acquittal")
STOPPING = ("disruption", "charge", "conviction")


def detect(material: Material, settings: DetectSettings) -> list[Finding]:
    out = []
    for entity in material.entities.values():
        if entity.type != "person" or not entity.events:
            continue
        ends = [e for e in material.events_about(entity.id, ENDING) if e.day is not None]
        if not ends:
            continue
        latest = max(ends, key=lambda e: (e.day or 0, e.id))
        when = latest.day
        assert when is not None
        if any(
            e.day is not None and e.day >= when for e in material.events_about(entity.id, STOPPING)
        ):
            continue
        later = sorted(
            r for r in entity.records if (m := material.records[r].moment) is not None and m > when
        )
        if len(later) >= settings.nfa_later_records:
            out.append(
                Finding(
                    KIND,
                    entity.id,
                    entity.stable_key,
                    [entity.id],
                    later,
                    {
                        "event": latest.id,
                        "event_kind": latest.kind,
                        "event_date": from_day(when).isoformat(),
                    },
                )
            )
    return out
