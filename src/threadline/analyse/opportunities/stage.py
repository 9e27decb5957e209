"""The ``detect`` stage: the eight kinds found, scored, explained, ranked and stored.

Only the opportunities whose inputs changed are rewritten on a run (see
:class:`DetectStage`); the people's decisions (``opportunity_status``) never
are. An opportunity keeps its id across runs (derived from its kind and what
it is about, never from row order), so a dismissed or actioned one stays so,
unless it now rests on records its decision did not see: then it is reopened
as ``new`` and its history says which records are new. The history also
records when an opportunity is first raised, when its evidence changes, and
when it is no longer raised.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from typing import Any, cast

from sqlalchemy import Table, case, delete, func, select, update
from sqlalchemy.orm import Session

from threadline.analyse.changes import (
    changes_since,
    latest_change,
    read_mark,
    select_in,
    too_many,
    write_mark,
)
from threadline.analyse.opportunities import (
    cross_operation_link,
    high_grade_intel,
    location_hotspot,
    network_associate,
    nfa,
    unactioned_suspect,
    untraced_identifier,
    victim_disclosure,
)
from threadline.analyse.opportunities.explain import explanation, title
from threadline.analyse.opportunities.finding import KINDS, Finding
from threadline.analyse.opportunities.scope import scope_of
from threadline.analyse.opportunities.scoring import score
from threadline.analyse.opportunities.settings import DetectSettings
from threadline.analyse.opportunities.terms import Material, from_day, latest_moment, load_material
from threadline.analyse.stage import StageProgress, StageReport, full_rebuild_wanted
from threadline.store.bulk import bulk_insert
from threadline.store.entity_models import Entity
from threadline.store.models import utcnow
from threadline.store.opportunity_models import (
    GraphNode,
    Opportunity,
    OpportunityHistory,
    OpportunityStatus,
)
from threadline.workspace import Workspace

Detector = Callable[[Material, DetectSettings], list[Finding]]

DETECTORS: dict[str, Detector] = {
    "unactioned-suspect": unactioned_suspect.detect,
    "cross-operation-link": cross_operation_link.detect,
    "untraced-identifier": untraced_identifier.detect,
    "victim-disclosure-not-followed": victim_disclosure.detect,
    "location-hotspot": location_hotspot.detect,
    "no-disruption-after-nfa": nfa.detect,
    "high-grade-intel-undeveloped": high_grade_intel.detect,
    "network-associate": network_associate.detect,
}
assert tuple(DETECTORS) == KINDS
STAGE = "detect"
DETECT_VERSION = 3
"""Raise when what a stored opportunity holds changes: the next run rebuilds whole.
3: location-hotspot counts victims as children (`victims.py`)."""
FULL_SHARE = 0.5
"""When the scope would read more than this share of the entities, rebuild whole."""


def find_all(material: Material, settings: DetectSettings) -> list[Finding]:
    """Every finding of every kind, in the spec's order of kinds."""
    return [f for kind in KINDS for f in DETECTORS[kind](material, settings)]


def by_id(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by opportunity id (one opportunity per entity or record and kind)."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.id, []).append(finding)
    return groups


def row_for(
    material: Material,
    group: Sequence[Finding],
    centrality: dict[str, float],
    settings: DetectSettings,
) -> dict[str, Any]:
    """The row of one opportunity: of its findings (usually one), the best scored."""
    scored = [(f, score(material, f, centrality, settings)) for f in group]
    finding, s = min(scored, key=lambda fs: (-fs[1].value, fs[0].anchor))
    row = {
        "id": finding.id,
        "kind": finding.kind,
        "rank": 0,
        "score": s.value,
        "title": title(material, finding),
        "explanation": explanation(material, finding, s),
        "status": "new",
        "anchor": finding.anchor,
        "entities": list(dict.fromkeys(finding.entities)),
        "records": finding.records,
        "operations": sorted({material.records[r].operation for r in finding.records}),
        "evidence_hash": evidence_hash(finding.records),
        "detail": {"score": s.as_json(), "stable": finding.stable},
    }
    row["signature"] = content_digest(row)
    return row


def content_digest(row: dict[str, Any]) -> str:
    """A digest of a row's content: every column but ``rank`` and ``status``."""
    content = {k: v for k, v in row.items() if k not in ("rank", "status", "signature")}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def rank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows best first, ``rank`` set: by score, then the spec's order of kinds, then id."""
    order = {k: i for i, k in enumerate(KINDS)}
    rows.sort(key=lambda r: (-r["score"], order[r["kind"]], r["id"]))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
    return rows


def rerank(session: Session) -> int:
    """Bring every stored rank up to date in one statement (as :func:`rank` orders them).

    Returns how many ranks moved: one opportunity raised near the top moves
    every rank below it, and this keeps that to one pass inside the database.
    """
    order = case({k: i for i, k in enumerate(KINDS)}, value=Opportunity.kind)
    ranked = select(
        Opportunity.id.label("oid"),
        func.row_number()
        .over(order_by=(Opportunity.score.desc(), order, Opportunity.id))
        .label("position"),
    ).subquery()
    table = cast(Table, Opportunity.__table__)
    result = session.execute(
        update(table)
        .where(table.c.id == ranked.c.oid, table.c.rank != ranked.c.position)
        .values(rank=ranked.c.position)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def evidence_hash(records: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(sorted(records)).encode()).hexdigest()


class DetectStage:
    """``threadline analyse`` stage 4: opportunities.

    Incremental: from what changed since it last ran (the database's journal,
    :mod:`threadline.analyse.changes`), :func:`scope_of` finds the anchors
    whose opportunities can differ and what must be read to find them again;
    only that is read, and only their opportunities are found, scored and
    explained again. Of those, only rows whose content changed
    (:func:`content_digest`: everything but rank and status) are written; the
    others, and every opportunity outside the scope, only have their rank and
    status brought up to date. When the latest year of the material moves
    (time unaddressed is measured to its end, so every score moves), the
    settings or ``DETECT_VERSION`` differ from the last run's, or the scope
    reads over half the entities, it rebuilds whole, as
    ``THREADLINE_ANALYSE_FULL=1`` or ``full=True`` does.
    """

    name = STAGE

    def __init__(self, settings: DetectSettings | None = None, *, full: bool | None = None) -> None:
        self.settings = settings or DetectSettings()
        self.full = full

    def settings_digest(self) -> str:
        """What the stored opportunities were computed with: other settings, rebuild whole."""
        text = json.dumps(self.settings.model_dump(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        report = StageReport(self.name)
        full = full_rebuild_wanted() if self.full is None else self.full
        progress.start("reading what changed", None)
        with workspace.reading() as session:
            latest = latest_change(session)
            moment = latest_moment(session)
            year = from_day(moment).year if moment is not None else None
            mark = None if full else read_mark(session, STAGE)
            scope = None
            basis = {"year": year, "settings": self.settings_digest(), "version": DETECT_VERSION}
            if mark is not None and all(mark.detail.get(k) == v for k, v in basis.items()):
                entities = session.scalar(select(func.count()).select_from(Entity)) or 0
                if not too_many(latest, mark, entities):
                    scope = scope_of(session, changes_since(session, mark.change_id))
                    if len(scope.read) > FULL_SHARE * entities:
                        scope = None
            progress.start("reading the material", None)
            material = load_material(session, None if scope is None else scope.read)
            node = select(GraphNode.entity_id, GraphNode.centrality)
            centrality = {
                k: v
                for k, v in (
                    session.execute(node).all()
                    if scope is None
                    else select_in(session, node, GraphNode.entity_id, set(material.entities))
                )
            }
            stored = {
                oid: (signed, place, status, value, kind)
                for oid, signed, place, status, value, kind in session.execute(
                    select(
                        Opportunity.id,
                        Opportunity.signature,
                        Opportunity.rank,
                        Opportunity.status,
                        Opportunity.score,
                        Opportunity.kind,
                    )
                )
            }
        progress.start("detecting", len(KINDS))
        findings: list[Finding] = []
        for kind in KINDS:
            found = DETECTORS[kind](material, self.settings)
            findings += found if scope is None else [f for f in found if scope.holds(f)]
            progress.advance()
        progress.start("scoring and explaining", None)
        rows = [
            row_for(material, group, centrality, self.settings)
            for group in by_id(findings).values()
        ]
        replaced = set(stored) if scope is None else scope.stored | {r["id"] for r in rows}
        others = [
            {"id": oid, "kind": kind, "score": value, "rank": place, "status": status}
            for oid, (_, place, status, value, kind) in stored.items()
            if oid not in replaced
        ]
        rank([*rows, *others])
        progress.start("writing what changed", None)
        with workspace.transaction() as session:
            history = reconcile(session, rows, None if scope is None else replaced)
            if scope is None:
                fresh, kept = rows, []
                session.execute(delete(Opportunity))
            else:
                fresh = [r for r in rows if stored.get(r["id"], (None,))[0] != r["signature"]]
                kept = [r for r in rows if stored.get(r["id"], (None,))[0] == r["signature"]]
                stale = sorted((replaced & set(stored)) - {r["id"] for r in kept})
                for start in range(0, len(stale), 500):
                    chunk = stale[start : start + 500]
                    session.execute(delete(Opportunity).where(Opportunity.id.in_(chunk)))
            for start in range(0, len(fresh), 2000):
                bulk_insert(session, Opportunity, fresh[start : start + 2000])
            decided = [
                {"id": r["id"], "status": r["status"]}
                for r in kept
                if r["status"] != stored[r["id"]][2]
            ]
            if decided:
                session.execute(update(Opportunity), decided)  # by primary key
            moved = rerank(session)
            bulk_insert(session, OpportunityHistory, history)
            write_mark(session, STAGE, latest, **basis)
        counts = Counter(r["kind"] for r in [*rows, *others])
        report.counts = {
            "opportunities": len(rows) + len(others),
            **{k: counts.get(k, 0) for k in KINDS},
            "entities_read": len(material.entities),
            "anchors": len(rows) if scope is None else len(scope.entities) + len(scope.records),
            "rows_found_again": len(rows),
            "rows_written": len(fresh),
            "rows_kept": len(kept) + len(others),
            "rows_reranked": moved,
        }
        reopened = sum(1 for h in history if h["event"] == "reopened")
        if reopened:
            report.notes.append(f"{reopened} dismissed or actioned opportunities reopened")
        return report


def reconcile(
    session: Session, rows: list[dict[str, Any]], among: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """Carry people's decisions over to the new rows; return the history to append.

    ``among``: the stored opportunities the rows stand for (all when None);
    those of them not among the rows are withdrawn.
    """
    query = select(Opportunity.id, Opportunity.records, Opportunity.status)
    previous = {
        oid: (records, status)
        for oid, records, status in (
            session.execute(query).all()
            if among is None
            else select_in(session, query, Opportunity.id, among)
        )
    }
    statuses = {s.opportunity_id: s for s in session.scalars(select(OpportunityStatus))}
    seen = select(OpportunityHistory.opportunity_id).distinct()
    ids = {r["id"] for r in rows}
    known = {
        oid
        for (oid,) in (
            session.execute(seen).all()
            if among is None
            else select_in(session, seen, OpportunityHistory.opportunity_id, ids)
        )
    }
    history: list[dict[str, Any]] = []
    current = set()
    for row in rows:
        oid = row["id"]
        current.add(oid)
        decided = statuses.get(oid)
        if decided is not None and decided.status in ("actioned", "dismissed"):
            new = sorted(set(row["records"]) - set(decided.records or []))
            if new:
                history.append(
                    _history(
                        oid,
                        "reopened",
                        f"new evidence since it was {decided.status} by {decided.by}: "
                        f"{', '.join(new[:20])}"
                        + (f" and {len(new) - 20} more" if len(new) > 20 else ""),
                    )
                )
                decided.status = "new"
            else:
                row["status"] = decided.status
        if oid not in previous:
            again = oid in known
            history.append(
                _history(
                    oid,
                    "raised-again" if again else "raised",
                    f"{'raised again' if again else 'raised'} on {len(row['records'])} records",
                )
            )
        else:
            before = set(previous[oid][0] or [])
            after = set(row["records"])
            if before != after:
                added = sorted(after - before)
                removed = sorted(before - after)
                history.append(
                    _history(
                        oid,
                        "evidence",
                        "evidence changed: "
                        + (f"+{', '.join(added[:20])}" if added else "")
                        + (" " if added and removed else "")
                        + (f"-{', '.join(removed[:20])}" if removed else ""),
                    )
                )
    for oid in sorted(set(previous) - current):
        history.append(_history(oid, "withdrawn", "no longer raised by the analysis"))
    return history


def _history(oid: str, event: str, detail: str, by: str | None = None) -> dict[str, Any]:
    return {"opportunity_id": oid, "event": event, "detail": detail, "by": by, "at": utcnow()}
