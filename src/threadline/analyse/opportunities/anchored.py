"""What the two record-anchored kinds share: the window after the record's moment.

A record is followed up within N days after its moment ``m`` when a live
action raised on a day in ``[m, m + N]`` lists the record, or one of the
suspects it identifies was acted on on a day in that window (a live action
about them raised, or an acting event dated, in the window).
"""

from __future__ import annotations

from threadline.analyse.opportunities.finding import Finding
from threadline.analyse.opportunities.terms import Material, RecordFacts


def not_followed(material: Material, record: RecordFacts, kind: str, days: int) -> Finding | None:
    moment = record.moment
    if moment is None:
        return None
    identified = material.identified_suspects(record)
    if not identified:
        return None
    end = moment + days
    if any(moment <= d <= end for d in material.live_listing.get(record.id, ())):
        return None
    if any(material.acted_within(s, moment, end) for s in identified):
        return None
    later = sorted(
        {
            material.items[a].id
            for s in identified
            if s in material.entities
            for a in material.entities[s].actions | material.entities[s].events
            if (d := material.items[a].day) is not None and d > end
        }
    )
    listed_not_live = material.not_live_listing.get(record.id, [])
    return Finding(
        kind,
        record.id,
        "record:" + record.id,
        sorted(identified, key=lambda e: (e not in material.entities, e)),
        [record.id],
        {
            "days": days,
            "identified": sorted(identified),
            "later": later,
            "not_live": listed_not_live,
        },
    )
