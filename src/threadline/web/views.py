"""The consultations of the web application, one function each, shared by pages and API.

Each view takes the viewer's :class:`Access` (and its arguments) and returns
what it found with the :class:`~threadline.security.audit.Note` of its audit
event; :func:`threadline.web.deps.consult` runs it in a read transaction and
hands the result back only once that event is committed. The HTML pages and
the JSON API are thin renderings of these results, so both channels show the
same set and audit it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from threadline.security.access import (
    Access,
    OperationView,
    RecordSummary,
    RecordView,
    SearchHit,
)
from threadline.security.audit import Note
from threadline.security.entities import EntityAccess, EntityView
from threadline.security.exports import Export, export
from threadline.security.opportunities import OpportunityAccess, OpportunityView

PAGE = 50


@dataclass(frozen=True)
class Dashboard:
    operations: list[OperationView]
    per_op: dict[str, int]
    entities: int
    opportunities: int
    queue: list[OpportunityView]

    @property
    def total(self) -> int:
        return sum(self.per_op.values())


@dataclass(frozen=True)
class OperationPage:
    operation: OperationView
    children: list[OperationView]
    records: list[RecordSummary]
    count: int


@dataclass(frozen=True)
class Worklist:
    items: list[OpportunityView]
    kinds: list[str]
    operations: list[str]


@dataclass(frozen=True)
class WorklistFilter:
    kind: str = ""
    operation: str = ""
    min_score: float = 0.0
    status: str = ""


def _seen(action: str, target: str, found: object) -> Note:
    return Note(action, target, "ok" if found is not None else "denied")


def operations(access: Access) -> tuple[list[OperationView], Note]:
    found = access.operations()
    return found, Note("view-operations", "operations", f"{len(found)} shown"[:20])


def dashboard(access: Access) -> tuple[Dashboard, Note]:
    opportunities = OpportunityAccess(access)
    found = Dashboard(
        operations=access.operations(),
        per_op=access.counts_by_operation(),
        entities=EntityAccess(access).count(),
        opportunities=opportunities.count(),
        queue=opportunities.worklist(status="new", limit=10),
    )
    return found, Note("view-dashboard", "dashboard")


def operation(
    access: Access, operation_id: str, *, limit: int = PAGE, offset: int = 0
) -> tuple[OperationPage | None, Note]:
    op = access.operation(operation_id)
    note = _seen("view-operation", f"operation:{operation_id}", op)
    if op is None:
        return None, note
    page = OperationPage(
        operation=op,
        children=[o for o in access.operations() if o.parent == op.id],
        records=access.records(operation=op.id, limit=limit, offset=offset),
        count=access.count_records(operation=op.id),
    )
    return page, note


def record(access: Access, record_id: str) -> tuple[RecordView | None, Note]:
    view = access.record(record_id)
    return view, _seen("view-record", f"record:{record_id}", view)


@dataclass(frozen=True)
class OriginalFile:
    sha256: str
    filename: str


def original(access: Access, record_id: str) -> tuple[OriginalFile | None, Note]:
    """A record's original document: only roles that see victims get one (it cannot be
    redacted)."""
    view = access.record(record_id)
    sha = view.original_sha256 if view is not None else None
    found = None
    if view is not None and sha is not None:
        found = OriginalFile(sha, (view.file_path or view.id).rsplit("/", 1)[-1])
    return found, _seen("download-original", f"record:{record_id}", found)


def search(access: Access, query: str) -> tuple[list[SearchHit], Note]:
    hits = access.search(query)
    return hits, Note("search", f"search:{query[:200]}", f"{len(hits)} hits"[:20])


def export_records(
    access: Access, *, format: str, operation: str | None, reason: str, partner: bool = False
) -> tuple[Export, Note]:
    """An export (victims anonymised whatever the role), with its reason as justification."""
    done = export(access, format=format, operation=operation, partner=partner)
    target = (
        f"export:{operation or 'all'} format={format}{' partner' if partner else ''} "
        f"records={done.records}"
    )
    return done, Note("export", target, justification=reason)


def entity(access: Access, entity_id: str) -> tuple[EntityView | None, Note]:
    view = EntityAccess(access).entity(entity_id)
    return view, _seen("view-entity", f"entity:{entity_id}", view)


def entity_graph(
    access: Access, entity_id: str
) -> tuple[dict[str, list[dict[str, object]]] | None, Note]:
    graph = EntityAccess(access).graph(entity_id)
    return graph, _seen("view-entity", f"entity:{entity_id} graph", graph)


def worklist(access: Access, filters: WorklistFilter) -> tuple[Worklist, Note]:
    opportunities = OpportunityAccess(access)
    items = opportunities.worklist(
        kind=filters.kind or None,
        operation=filters.operation or None,
        min_score=filters.min_score,
        status=filters.status or None,
    )
    target = (
        f"opportunities:kind={filters.kind or '*'} operation={filters.operation or '*'} "
        f"min_score={filters.min_score:g} status={filters.status or '*'}"
    )
    found = Worklist(items, opportunities.kinds(), [o.id for o in access.operations()])
    return found, Note("view-opportunities", target, f"{len(items)} shown"[:20])


def opportunity(access: Access, opportunity_id: str) -> tuple[OpportunityView | None, Note]:
    view = OpportunityAccess(access).opportunity(opportunity_id)
    return view, _seen("view-opportunity", f"opportunity:{opportunity_id}", view)
