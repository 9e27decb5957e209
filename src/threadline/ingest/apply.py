"""Applying staged items: new items added, changed ones versioned, the rest untouched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from threadline.errors import Location
from threadline.ingest.kinds import ITEM_KINDS, OPERATION, ItemKind
from threadline.ingest.problems import Problems
from threadline.ingest.rows import DATE_COLUMNS, ItemRows
from threadline.store.bulk import bulk_insert
from threadline.store.models import Operation, Original, StagedItem, Subject, Version

BATCH = 1000


@dataclass
class Applied:
    added: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    originals: int = 0


def apply_staged(session: Session, import_id: int) -> Applied:
    applied = Applied()
    for kind in ITEM_KINDS:
        batches = (
            _operations_in_order(session, import_id)
            if kind is OPERATION
            else _batches(session, import_id, kind.name)
        )
        for batch in batches:
            _apply_batch(session, import_id, kind, batch, applied)
    return applied


def _batches(session: Session, import_id: int, item_type: str) -> Iterator[list[StagedItem]]:
    last = 0
    while True:
        batch = list(
            session.scalars(
                select(StagedItem)
                .where(
                    StagedItem.import_id == import_id,
                    StagedItem.item_type == item_type,
                    StagedItem.id > last,
                )
                .order_by(StagedItem.id)
                .limit(BATCH)
            )
        )
        if not batch:
            return
        yield batch
        last = batch[-1].id
        session.expunge_all()


def check_operation_hierarchy(session: Session, import_id: int, problems: Problems) -> None:
    """Refuse a parent chain that loops (A is coordinated by B, B by A)."""
    parents = {op: up for op, up in session.execute(select(Operation.id, Operation.parent_id))}
    places: dict[str, Location] = {}
    for item in _staged_operations(session, import_id):
        rows = ItemRows.from_json(item.payload, DATE_COLUMNS)
        parents[item.item_id] = rows.row["parent_id"]
        places[item.item_id] = Location(item.source_file, item.source_line, "parent")
    for start, place in places.items():
        seen = {start}
        node = parents.get(start)
        while node is not None:
            if node in seen:
                problems.add(
                    place.file,
                    place.line,
                    place.field,
                    f"operation '{start}' is its own ancestor through 'parent'",
                )
                break
            seen.add(node)
            node = parents.get(node)


def _staged_operations(session: Session, import_id: int) -> list[StagedItem]:
    return list(
        session.scalars(
            select(StagedItem)
            .where(StagedItem.import_id == import_id, StagedItem.item_type == "operation")
            .order_by(StagedItem.id)
        )
    )


def _operations_in_order(session: Session, import_id: int) -> Iterator[list[StagedItem]]:
    """Operations, parents before children, so the parent key always points at a stored row."""
    items = _staged_operations(session, import_id)
    parent = {
        i.item_id: ItemRows.from_json(i.payload, DATE_COLUMNS).row["parent_id"] for i in items
    }
    depth: dict[str, int] = {}

    def level(op: str) -> int:
        if op not in depth:
            up = parent.get(op)
            depth[op] = 0 if up is None or up not in parent else level(up) + 1
        return depth[op]

    yield sorted(items, key=lambda i: (level(i.item_id), i.id))


def _apply_batch(
    session: Session, import_id: int, kind: ItemKind, batch: Sequence[StagedItem], applied: Applied
) -> None:
    table = kind.table
    ids = [item.item_id for item in batch]
    current = {
        row_id: (digest, version)
        for row_id, digest, version in session.execute(
            select(table.id, table.content_hash, table.version).where(table.id.in_(ids))  # type: ignore[attr-defined]
        )
    }
    new_rows: list[dict[str, object]] = []
    changed_rows: list[dict[str, object]] = []
    children: dict[str, list[dict[str, object]]] = {name: [] for name in kind.children}
    versions: list[dict[str, object]] = []
    originals: dict[str, dict[str, object]] = {}
    for item in batch:
        before = current.get(item.item_id)
        if before is not None and before[0] == item.content_hash:
            applied.unchanged[kind.name] += 1
            continue
        rows = ItemRows.from_json(item.payload, DATE_COLUMNS)
        version = 1 if before is None else before[1] + 1
        row = rows.row | {
            "content_hash": item.content_hash,
            "version": version,
            "import_id": import_id,
            "source_file": item.source_file,
            "source_line": item.source_line,
        }
        (new_rows if before is None else changed_rows).append(row)
        (applied.added if before is None else applied.changed)[kind.name] += 1
        for name, child_rows in rows.children.items():
            children[name].extend(child_rows)
        versions.append(
            {
                "item_type": kind.name,
                "item_id": item.item_id,
                "version": version,
                "content_hash": item.content_hash,
                "raw": item.raw,
                "import_id": import_id,
                "source_file": item.source_file,
                "source_line": item.source_line,
            }
        )
        doc = rows.document
        if doc is not None:
            originals[doc.sha256] = {
                "sha256": doc.sha256,
                "size": doc.size,
                "suffix": doc.suffix,
                "first_name": doc.name,
            }
    if originals:
        known = set(
            session.scalars(select(Original.sha256).where(Original.sha256.in_(list(originals))))
        )
        fresh = [row for sha, row in originals.items() if sha not in known]
        if fresh:
            bulk_insert(session, Original, fresh)
            applied.originals += len(fresh)
    if changed_rows and kind.owner_column:
        changed_ids = [r["id"] for r in changed_rows]
        for child in kind.children.values():
            owner = getattr(child, kind.owner_column)
            session.execute(delete(child).where(owner.in_(changed_ids)))
    if changed_rows:
        session.execute(update(table), changed_rows)
    if new_rows:
        bulk_insert(session, table, new_rows)
    subject_refs = [r["ref"] for r in children.get("subjects", [])]
    if subject_refs:
        # A ref may move from one item to another between exports. The checks
        # have made sure its old owner is being replaced by this import, so the
        # old subject row can go now, whichever batch its owner is in.
        session.execute(delete(Subject).where(Subject.ref.in_(subject_refs)))
    for name, child_rows in children.items():
        if child_rows:
            bulk_insert(session, kind.children[name], child_rows)
    if versions:
        bulk_insert(session, Version, versions)
