"""What changed since a stage last ran: the journal the database keeps (``analysis_changes``).

Triggers (migration ``0011_detect``) note every write to the tables the graph
and detect stages read: entities, their members and joins (kind ``entity``),
records, actions and events, the records actions and events list, and record
links (``record``, ``action``, ``event``). The graph stage adds ``centrality``
for the entities whose centrality it changed. Each stage keeps how far it
has read in ``analysis_marks``; :func:`touched_entities` turns what changed
into the entities whose facts may differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from threadline.store.bulk import bulk_insert
from threadline.store.entity_models import EntityMember
from threadline.store.models import Subject
from threadline.store.opportunity_models import AnalysisChange, AnalysisMark, GraphEdge

CHUNK = 900
STAGES = ("graph", "detect")
MAX_ROWS_PER_ITEM = 4
"""More journal rows than this per stored node or entity since a stage last ran (a
whole re-resolution, say): the stage rebuilds whole without reading them."""


def latest_change(session: Session) -> int:
    """The id of the last journal row written (0 when there was none).

    Rows every stage has read are deleted, so the last may be gone: the marks
    remember it (ids are never reused, so later rows are always above it).
    """
    last = session.scalar(select(func.max(AnalysisChange.id))) or 0
    marked = session.scalar(select(func.max(AnalysisMark.change_id))) or 0
    return int(max(last, marked))


def read_mark(session: Session, stage: str) -> AnalysisMark | None:
    return session.get(AnalysisMark, stage)


def write_mark(session: Session, stage: str, change_id: int, **detail: Any) -> None:
    """Record that ``stage`` has seen the journal up to ``change_id``; prune what all have seen."""
    mark = session.get(AnalysisMark, stage)
    if mark is None:
        session.add(AnalysisMark(stage=stage, change_id=change_id, detail=detail))
    else:
        mark.change_id = change_id
        mark.detail = detail
    session.flush()
    marks = {s: m for s, m in session.execute(select(AnalysisMark.stage, AnalysisMark.change_id))}
    if all(s in marks for s in STAGES):
        session.execute(delete(AnalysisChange).where(AnalysisChange.id <= min(marks.values())))


def too_many(latest: int, mark: AnalysisMark, items: int) -> bool:
    """Whether so much was written since ``mark`` that rebuilding whole is cheaper."""
    return latest - mark.change_id > MAX_ROWS_PER_ITEM * max(items, 1)


def changes_since(session: Session, since: int) -> dict[str, set[str]]:
    """Kind → the refs noted after journal row ``since``."""
    found: dict[str, set[str]] = defaultdict(set)
    for kind, ref in session.execute(
        select(AnalysisChange.kind, AnalysisChange.ref).where(AnalysisChange.id > since).distinct()
    ):
        found[kind].add(ref)
    return found


def note(session: Session, kind: str, refs: Iterable[str]) -> None:
    """Add journal rows (the graph stage's ``centrality`` changes)."""
    rows = [{"kind": kind, "ref": ref} for ref in sorted(set(refs))]
    for start in range(0, len(rows), 5000):
        bulk_insert(session, AnalysisChange, rows[start : start + 5000])


ENTITY_TABLES = ("entities", "entity_members", "entity_links")


@contextmanager
def entities_rewritten(session: Session) -> Iterator[None]:
    """Around a rewrite of every entity (a full resolve): the journal gets one row per
    entity before and one after, not one per row deleted and written.

    On SQLite the triggers note every row: at a million subjects a full run
    deletes and writes some three million members, joins and entities each
    way, and the journal's own inserts tripled the cost of the writes (100,000
    subjects: deleting 4.2 s against 0.2 without them, inserting 8.7 s against
    2.3). The entity tables' triggers are dropped inside the transaction (other
    connections never see them gone; a rollback restores them) and made again
    from their own DDL at the end. The entities noted are the same as the
    triggers would note (every entity there before, every entity there after:
    a member or join always belongs to one), as PostgreSQL's statement
    triggers note them (distinct values), so the graph and detect stages see
    the same change. Nothing is done on PostgreSQL, whose triggers already
    note each statement once.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    session.flush()
    tables = ", ".join(f"'{t}'" for t in ENTITY_TABLES)
    triggers = session.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"  # noqa: S608 - constants
            f" AND tbl_name IN ({tables}) AND sql LIKE '%analysis_changes%'"
        )
    ).all()
    every_entity = text("INSERT INTO analysis_changes(kind, ref) SELECT 'entity', id FROM entities")
    session.execute(every_entity)
    for name, _ in triggers:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    yield  # on an exception the transaction rolls back, the drops with it
    session.flush()
    session.execute(every_entity)
    for _, sql in triggers:
        session.execute(text(str(sql)))


def select_in(session: Session, query: Any, column: Any, values: Collection[Any]) -> list[Any]:
    """The rows of ``query`` whose ``column`` is one of ``values`` (in chunks)."""
    ordered = sorted(values)
    out: list[Any] = []
    for start in range(0, len(ordered), CHUNK):
        out += session.execute(query.where(column.in_(ordered[start : start + CHUNK]))).all()
    return out


def touched_entities(session: Session, changed: dict[str, set[str]]) -> set[str]:
    """The entities whose own facts may have changed.

    Those noted themselves; those with a member in a changed record, or about
    a changed action or event, now; and those the stored graph had in such a
    record or about such an item before (a member that no longer finds its
    subject does not involve the entity any more, and is not rewritten itself).
    """
    entities = set(changed.get("entity", ()))
    records = changed.get("record", set())
    items = {("action", a) for a in changed.get("action", ())} | {
        ("event", e) for e in changed.get("event", ())
    }
    member = select(EntityMember.entity_id)
    entities.update(e for (e,) in select_in(session, member, EntityMember.record_id, records))
    record_members = member.where(EntityMember.kind == "record")
    entities.update(e for (e,) in select_in(session, record_members, EntityMember.ref, records))
    for kind in ("action", "event"):
        refs = {ref for k, ref in items if k == kind}
        named = member.where(EntityMember.kind == kind)
        entities.update(e for (e,) in select_in(session, named, EntityMember.ref, refs))
        owner = Subject.action_id if kind == "action" else Subject.event_id
        subjects = {r for (r,) in select_in(session, select(Subject.ref), owner, refs)}
        holders = member.where(EntityMember.kind.in_(("subject", "holder")))
        entities.update(e for (e,) in select_in(session, holders, EntityMember.ref, subjects))
    targets = {"record:" + r for r in records} | {f"{k}:{ref}" for k, ref in items}
    before = select(GraphEdge.source).where(GraphEdge.kind.in_(("in", "about")))
    entities.update(e for (e,) in select_in(session, before, GraphEdge.target, targets))
    return entities
