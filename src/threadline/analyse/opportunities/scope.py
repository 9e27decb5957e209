"""Which opportunities a change can alter, and what must be read to find them again.

Rings around what changed (:mod:`threadline.analyse.changes`), where an
entity's *neighbours* are the entities sharing a record with it or one of its
subjects (the same subject ref as a person's subject and a phone's holder):

- **changed**: the entities whose own facts may differ (their members or
  joins, a record they are in, an action or event about them) and the
  changed records;
- **anchors**: the changed entities, those whose centrality moved (only their
  own scores and those of records naming them move), their neighbours (a record's victims,
  a cover, a charged co-suspect or co-owner, a suspect's record are all
  shared-record or shared-subject relations), and the anchor of every stored
  opportunity that lists one of those (what it covered, who stood beside it
  before the change); record anchors: the changed records, the records of the
  entity anchors, and the stored record-anchored opportunities listing one;
- **read**: the anchors and their neighbours, the persons in the records of
  neighbouring vehicles, phones and places (who covers them), the owners of
  neighbouring phones and vehicles (who is charged), and everything in the
  record anchors: every fact a detector, the score or the explanation
  consults for an anchor is then complete.

Opportunities of the anchors are found, scored and explained again; every
other stored opportunity cannot have changed and is kept as it is.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.analyse.changes import select_in, touched_entities
from threadline.analyse.opportunities.finding import RECORD_KINDS, Finding
from threadline.store.entity_models import Entity, EntityMember
from threadline.store.opportunity_models import Opportunity

HOLDING = ("subject", "holder")


@dataclass
class Scope:
    entities: set[str]
    """Entity anchors to find again."""
    records: set[str]
    """Record anchors to find again."""
    read: set[str]
    """Entities whose facts are read in full."""
    stored: set[str]
    """Stored opportunities (ids) standing for those anchors: replaced by what is found."""

    def holds(self, finding: Finding) -> bool:
        anchors = self.records if finding.kind in RECORD_KINDS else self.entities
        return finding.anchor in anchors


def records_of(session: Session, entities: Collection[str]) -> set[str]:
    rows = select_in(
        session,
        select(EntityMember.kind, EntityMember.ref, EntityMember.record_id),
        EntityMember.entity_id,
        entities,
    )
    return {r for _, _, r in rows if r is not None} | {ref for k, ref, _ in rows if k == "record"}


def entities_in(session: Session, records: Collection[str]) -> set[str]:
    member = select(EntityMember.entity_id)
    found = {e for (e,) in select_in(session, member, EntityMember.record_id, records)}
    located = member.where(EntityMember.kind == "record")
    found.update(e for (e,) in select_in(session, located, EntityMember.ref, records))
    return found


def sharing_subjects(session: Session, entities: Collection[str]) -> set[str]:
    """Entities holding one of the same subject refs (a person and its own phones, cars, home)."""
    holding = EntityMember.kind.in_(HOLDING)
    refs = {
        r
        for (r,) in select_in(
            session, select(EntityMember.ref).where(holding), EntityMember.entity_id, entities
        )
    }
    member = select(EntityMember.entity_id).where(holding)
    return {e for (e,) in select_in(session, member, EntityMember.ref, refs)}


def neighbours(session: Session, entities: Collection[str]) -> set[str]:
    return entities_in(session, records_of(session, entities)) | sharing_subjects(session, entities)


def types_of(session: Session, entities: Collection[str]) -> dict[str, str]:
    query = select(Entity.id, Entity.type)
    return {e: t for e, t in select_in(session, query, Entity.id, entities)}


def scope_of(session: Session, changed: dict[str, set[str]]) -> Scope:
    """The anchors a change can alter and what to read for them (see the module docstring)."""
    first = touched_entities(session, changed)
    core = first | neighbours(session, first)
    # A centrality moves the score of the entity's own opportunities and of the records
    # naming it as a suspect, nobody else's: those are anchors, with no ring around them.
    entities = core | changed.get("centrality", set())
    records = set(changed.get("record", ()))
    known = session.execute(
        select(Opportunity.id, Opportunity.kind, Opportunity.anchor, Opportunity.entities)
    ).all()
    for _, kind, anchor, listed in known:
        if kind in RECORD_KINDS:
            if anchor in records or not core.isdisjoint(listed or ()):
                records.add(anchor)
        elif anchor in core or not core.isdisjoint(listed or ()):
            entities.add(anchor)
    records |= records_of(session, entities)
    around = neighbours(session, entities)
    types = types_of(session, around)
    things = {e for e in around if types.get(e) in ("vehicle", "phone", "location")}
    covering = entities_in(session, records_of(session, things))
    owners = sharing_subjects(session, {e for e in things if types[e] != "location"})
    read = entities | around | owners | entities_in(session, records)
    read |= {e for e, t in types_of(session, covering).items() if t == "person"}
    stored = {
        oid
        for oid, kind, anchor, _ in known
        if anchor in (records if kind in RECORD_KINDS else entities)
    }
    return Scope(entities, records, read, stored)
