"""Text mentions of people and identifiers joined into entities, by rule.

A person named in free text joins an entity only on strong evidence
(docs/resolution.md):

1. a mention with a forename and a surname joins the entity of a subject *of
   the same record* with the same names (variant groups compared), else the
   one person entity anywhere whose subjects carry those names, when exactly
   one does;
2. a single word (a surname, a forename or a nickname) joins only the entity
   of the one subject of the same record whose surname or forename it is.

Anything else stays unjoined: a nickname alone in one record is not enough.
Identifier mentions (vehicles, phones, e-mail addresses) join on their
normalised value like every other occurrence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from threadline.domain.normalise import parse_name
from threadline.resolve.features import SubjectRow
from threadline.resolve.variants import canonical_forename, canonical_surname, fold


@dataclass(frozen=True)
class MentionRow:
    id: int
    record_id: str
    start: int
    end: int
    text: str
    type: str
    normalised: str | None
    operation_id: str | None


def read_mentions(session: Session, records: set[str] | None = None) -> list[MentionRow]:
    """The mentions the extract stage wrote (of ``records``, or all); none before it ran."""
    if not inspect(session.connection()).has_table("mentions"):
        return []
    from threadline.store.mention_models import Mention
    from threadline.store.models import Record

    query = select(
        Mention.id,
        Mention.record_id,
        Mention.start,
        Mention.end,
        Mention.text,
        Mention.type,
        Mention.normalised,
        Record.operation_id,
    ).join(Record, Record.id == Mention.record_id)
    if records is None:
        return [MentionRow(*row) for row in session.execute(query.order_by(Mention.id))]
    out: list[MentionRow] = []
    ordered = sorted(records)
    for start in range(0, len(ordered), 900):
        chunk = ordered[start : start + 900]
        out.extend(
            MentionRow(*row)
            for row in session.execute(
                query.where(Mention.record_id.in_(chunk)).order_by(Mention.id)
            )
        )
    return out


def mention_names(text: str) -> tuple[str | None, str | None]:
    """(forename group, surname group) of a name as written."""
    parts = parse_name(text)
    forename = next((fold(f) for f in parts.forenames if fold(f)), None)
    surname = fold(parts.surname.replace(" ", "")) if parts.surname else None
    return (
        canonical_forename(forename) if forename else None,
        canonical_surname(surname) if surname else None,
    )


def join_person_mentions(
    mentions: Sequence[MentionRow],
    subjects: Sequence[SubjectRow],
    entity_of_subject: dict[str, str],
    refs_by_full_name: dict[tuple[str, str], list[str]],
) -> dict[int, tuple[str, str]]:
    """Mention id → (entity id, the rule that joined it).

    ``subjects`` are the subjects of the mentions' records; ``refs_by_full_name``
    the subject refs, anywhere, carrying each full name the mentions carry.
    """
    in_record: dict[str, list[tuple[str | None, str | None, str]]] = defaultdict(list)
    for s in subjects:
        entity = entity_of_subject.get(s.ref)
        if entity is not None and s.name and s.record_id:
            fn, sn = mention_names(s.name)
            in_record[s.record_id].append((fn, sn, entity))
    joined: dict[int, tuple[str, str]] = {}
    for m in mentions:
        if m.type != "person":
            continue
        fn, sn = mention_names(m.text)
        local = in_record.get(m.record_id, [])
        if fn and sn:
            hits = {e for f, s, e in local if (f, s) in ((fn, sn), (sn, fn))}
            if len(hits) == 1:
                joined[m.id] = (hits.pop(), "full name of a subject of the same record")
                continue
            anywhere = {
                entity_of_subject[r]
                for r in refs_by_full_name.get((fn, sn), [])
                if r in entity_of_subject
            }
            if len(anywhere) == 1:
                joined[m.id] = (anywhere.pop(), "full name of exactly one person")
            continue
        word = fn or sn
        if word is None:
            continue
        hits = {e for f, s, e in local if word in (f, s)}
        if len(hits) == 1:
            joined[m.id] = (hits.pop(), "one name, of exactly one subject of the same record")
    return joined
