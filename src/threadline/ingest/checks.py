"""Checks that need the whole input at once, run set-wise over the staged rows."""

from __future__ import annotations

from sqlalchemy import String, and_, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from threadline.ingest.problems import Problems
from threadline.store.models import Operation, Record, StagedItem, StagedRef, Subject

LISTED = 20
"""How many dangling references a warning lists by name."""


def check_staged(session: Session, import_id: int, problems: Problems) -> list[str]:
    """Add every set-wise problem to ``problems``; return warnings that do not refuse the import."""
    _duplicate_ids(session, import_id, problems)
    _duplicate_subject_refs(session, import_id, problems)
    _subject_refs_owned_elsewhere(session, import_id, problems)
    _unknown_operations(session, import_id, problems)
    return _dangling_record_refs(session, import_id)


def _duplicate_ids(session: Session, import_id: int, problems: Problems) -> None:
    """Every item whose id an earlier line of the same kind already used.

    Numbered with a window over (kind, id), so the work grows with n log n
    whatever plan the database chooses (a self-join on ``<`` can go quadratic).
    """
    ranked = (
        select(
            StagedItem.source_file,
            StagedItem.source_line,
            StagedItem.item_id,
            func.row_number()
            .over(
                partition_by=(StagedItem.item_type, StagedItem.item_id),
                order_by=(StagedItem.source_line, StagedItem.id),
            )
            .label("n"),
            func.min(StagedItem.source_line)
            .over(partition_by=(StagedItem.item_type, StagedItem.item_id))
            .label("first_line"),
        )
        .where(StagedItem.import_id == import_id)
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.source_file, ranked.c.source_line, ranked.c.item_id, ranked.c.first_line)
        .where(ranked.c.n > 1)
        .order_by(ranked.c.source_file, ranked.c.source_line)
        .limit(problems.cap)
    )
    for file, line, item_id, first_line in rows:
        problems.add(
            file, line, "id", f"duplicate id '{item_id}' (first used on line {first_line})"
        )


def _duplicate_subject_refs(session: Session, import_id: int, problems: Problems) -> None:
    """Every subject ref an earlier subject of this import already used (a window, as above)."""
    where = StagedRef.source_file + literal(" line ") + cast(StagedRef.source_line, String)
    ranked = (
        select(
            StagedRef.id,
            StagedRef.source_file,
            StagedRef.source_line,
            StagedRef.field,
            StagedRef.value,
            func.row_number().over(partition_by=StagedRef.value, order_by=StagedRef.id).label("n"),
            func.first_value(where)
            .over(partition_by=StagedRef.value, order_by=StagedRef.id)
            .label("first_at"),
        )
        .where(StagedRef.import_id == import_id, StagedRef.ref_kind == "subject")
        .subquery()
    )
    rows = session.execute(
        select(
            ranked.c.source_file,
            ranked.c.source_line,
            ranked.c.field,
            ranked.c.value,
            ranked.c.first_at,
        )
        .where(ranked.c.n > 1)
        .order_by(ranked.c.id)
        .limit(problems.cap)
    )
    for file, line, fld, ref, first_at in rows:
        problems.add(file, line, fld, f"duplicate subject ref '{ref}' (also used in {first_at})")


def _subject_refs_owned_elsewhere(session: Session, import_id: int, problems: Problems) -> None:
    """A ref already stored for another item that this import does not replace."""
    staged_owner = aliased(StagedItem)
    replaced = exists().where(
        staged_owner.import_id == import_id,
        or_(
            and_(staged_owner.item_type == "record", staged_owner.item_id == Subject.record_id),
            and_(staged_owner.item_type == "action", staged_owner.item_id == Subject.action_id),
            and_(staged_owner.item_type == "event", staged_owner.item_id == Subject.event_id),
        ),
    )
    same_owner = or_(
        and_(StagedRef.owner_type == "record", StagedRef.owner_id == Subject.record_id),
        and_(StagedRef.owner_type == "action", StagedRef.owner_id == Subject.action_id),
        and_(StagedRef.owner_type == "event", StagedRef.owner_id == Subject.event_id),
    )
    rows = session.execute(
        select(
            StagedRef.source_file,
            StagedRef.source_line,
            StagedRef.field,
            StagedRef.value,
            Subject.record_id,
            Subject.action_id,
            Subject.event_id,
        )
        .join(Subject, Subject.ref == StagedRef.value)
        .where(
            StagedRef.import_id == import_id,
            StagedRef.ref_kind == "subject",
            ~same_owner,
            ~replaced,
        )
        .order_by(StagedRef.id)
        .limit(problems.cap)
    )
    for file, line, fld, ref, rec, act, ev in rows:
        owner = f"record {rec}" if rec else f"action {act}" if act else f"event {ev}"
        problems.add(
            file, line, fld, f"subject ref '{ref}' is already used by {owner} in this workspace"
        )


def _unknown_operations(session: Session, import_id: int, problems: Problems) -> None:
    staged_op = aliased(StagedItem)
    rows = session.execute(
        select(StagedRef.source_file, StagedRef.source_line, StagedRef.field, StagedRef.value)
        .where(
            StagedRef.import_id == import_id,
            StagedRef.ref_kind.in_(("operation", "parent")),
            ~exists().where(
                staged_op.import_id == import_id,
                staged_op.item_type == "operation",
                staged_op.item_id == StagedRef.value,
            ),
            ~exists().where(Operation.id == StagedRef.value),
        )
        .order_by(StagedRef.id)
        .limit(problems.cap)
    )
    for file, line, fld, value in rows:
        problems.add(
            file,
            line,
            fld,
            f"unknown operation '{value}': it is not in operations.jsonl nor in the workspace",
        )


def _dangling_record_refs(session: Session, import_id: int) -> list[str]:
    """References to records that are neither in the bundle nor in the workspace.

    The spec does not require a cross reference to resolve (an export may link
    to a record it did not include), so these are kept and reported, not refused.
    """
    staged_rec = aliased(StagedItem)
    query = select(
        StagedRef.source_file, StagedRef.source_line, StagedRef.field, StagedRef.value
    ).where(
        StagedRef.import_id == import_id,
        StagedRef.ref_kind == "record",
        ~exists().where(
            staged_rec.import_id == import_id,
            staged_rec.item_type == "record",
            staged_rec.item_id == StagedRef.value,
        ),
        ~exists().where(Record.id == StagedRef.value),
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if not total:
        return []
    listed = session.execute(query.order_by(StagedRef.id).limit(LISTED)).all()
    out = [
        f"{file}, line {line}, field '{fld}': record '{value}' is not in the bundle or the "
        "workspace (kept as a reference)"
        for file, line, fld, value in listed
    ]
    if total > LISTED:
        out.append(f"... and {total - LISTED} more references to records not present")
    return out
