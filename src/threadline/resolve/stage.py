"""The ``resolve`` stage: subjects (and text mentions) into entities, with the evidence.

People go through the Splink model (``people.py``, ``engine.py``) and the
constrained clustering (``cluster.py``); identifiers and places join on
normalised keys (``identifiers.py``); person mentions join by rule
(``mentions.py``).

Incremental (docs/resolution.md): every item carries the import that last
changed it, so the stage reads only what arrived after the last run's
watermark. The features of everything resolved before are kept beside the
model (``analysis/resolve/people.parquet``). When subjects were only added,
and no judgement changed, the added subjects are scored against each other
and the existing ones, and only the entities they touch are rewritten.
Anything else (a changed or removed subject, a new judgement, no saved model
or features) runs in full, reusing the saved model.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from sqlalchemy import ColumnElement, Text, delete, func, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from threadline.analyse.changes import entities_rewritten
from threadline.analyse.stage import StageProgress, StageReport
from threadline.resolve import engine, fragments, people
from threadline.resolve.backends import make_backend
from threadline.resolve.features import SubjectRow
from threadline.resolve.identifiers import (
    Occurrence,
    classify,
    display,
    entity_id,
    identifier_place,
    link_place_keys,
    place_key_names,
    place_keys,
    premises_of,
    unplaceable,
    with_linked_records,
    with_record_context,
)
from threadline.resolve.judgements import SAME, active_constraints, judgement_state
from threadline.resolve.mentions import (
    PERSON,
    PLACE,
    MentionRow,
    join_person_mentions,
    misspelt_names,
    name_carriers,
    read_mentions,
    read_person_names,
)
from threadline.resolve.text_people import TextPerson, names_seen_with, text_people
from threadline.store.bulk import Encoded, copy_rows, indexes_set_aside
from threadline.store.database import json_dumps
from threadline.store.entity_models import Entity, EntityLink, EntityMember, ResolutionRun
from threadline.store.models import (
    Action,
    ActionIdentifier,
    ActionRecord,
    Event,
    EventIdentifier,
    EventRecord,
    Import,
    Record,
    RecordLink,
    RecordLocation,
    Subject,
)
from threadline.workspace import Workspace

# Pure, and called for every subject: the same numbers and addresses recur.
_classify = lru_cache(maxsize=1 << 18)(classify)
_place_keys = lru_cache(maxsize=1 << 18)(place_keys)

ANALYSIS = Path("analysis") / "resolve"
MODEL_FILE = ANALYSIS / "person-model.json"
FEATURES_FILE = ANALYSIS / "people.parquet"
KEYED_TYPES = ("vehicle", "phone", "email", "location", "organisation")


@dataclass
class Watermark:
    """Items imported after ``import_id`` are new to the stage; all of them when None."""

    import_id: int | None

    def records(self) -> ColumnElement[bool]:
        return Record.import_id > (self.import_id or 0)

    def actions(self) -> ColumnElement[bool]:
        return Action.import_id > (self.import_id or 0)

    def events(self) -> ColumnElement[bool]:
        return Event.import_id > (self.import_id or 0)


def read_subjects(session: Session, since: Watermark | None = None) -> list[SubjectRow]:
    """Subjects with their owner's operation, record and date (only new ones, given ``since``).

    A million subjects are read here, so values come as the driver gives them
    (no per-value processing by SQLAlchemy), and dates and JSON lists, which
    repeat, are decoded once per distinct value.
    """
    operation = func.coalesce(Record.operation_id, Action.operation_id, Event.operation_id)
    owner_date = func.coalesce(Record.date, Record.received, Action.raised, Event.date)
    query = (
        select(
            Subject.ref,
            Subject.name,
            type_coerce(Subject.aliases, Text),
            type_coerce(Subject.dob, Text),
            Subject.age,
            Subject.gender,
            Subject.address,
            Subject.postcode,
            type_coerce(Subject.phones, Text),
            type_coerce(Subject.vehicles, Text),
            Subject.nominal,
            operation,
            Subject.record_id,
            type_coerce(owner_date, Text),
            Subject.role,
            func.coalesce(Subject.record_id, Subject.action_id, Subject.event_id),
        )
        .outerjoin(Record, Subject.record_id == Record.id)
        .outerjoin(Action, Subject.action_id == Action.id)
        .outerjoin(Event, Subject.event_id == Event.id)
        .order_by(Subject.ref)
    )
    if since is not None:
        query = query.where(or_(since.records(), since.actions(), since.events()))
    rows = []
    result = session.execute(query.execution_options(yield_per=20_000))
    for (
        ref,
        name,
        aliases,
        dob,
        age,
        gender,
        address,
        postcode,
        phones,
        vehicles,
        nominal,
        operation_id,
        record_id,
        owner,
        role,
        item,
    ) in result:
        rows.append(
            SubjectRow(
                ref,
                name,
                _json_list(aliases),
                _date(dob),
                age,
                gender,
                address,
                postcode,
                _json_list(phones),
                _json_list(vehicles),
                nominal,
                operation_id,
                record_id,
                _date(owner),
                role,
                item,
            )
        )
    listed = _listed_records(session, {r.item for r in rows if r.item} if since else None)
    for row in rows:
        row.lists = listed.get(row.item or "", ())
    fragments.tie_identifiers(rows, _identifiers_named(session, rows))
    return rows


def _identifiers_named(session: Session, rows: Sequence[SubjectRow]) -> dict[str, set[str]]:
    """Record → the vehicles and phones its text names (identifier keys), for the
    records of ``rows``."""
    records = {r.record_id for r in rows if r.record_id}
    return {
        record: {f"{kind}:{value}" for kind, value in named}
        for record, named in _text_identifiers(session, records).items()
    }


def _text_identifiers(
    session: Session, records: set[str] | None = None
) -> dict[str, set[tuple[str, str]]]:
    """Record → the (type, normalised value) of the vehicles and phones its text names,
    for ``records`` (None: every record; read whole too when there are many)."""
    from threadline.store.mention_models import Mention

    query = select(Mention.record_id, Mention.type, Mention.normalised).where(
        Mention.type.in_(fragments.TIED_TYPES), Mention.normalised.is_not(None)
    )
    chunks: Iterable[Sequence[str] | None] = (
        [None] if records is None or len(records) > 5_000 else _chunks(sorted(records))
    )
    named: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for chunk in chunks:
        picked = query if chunk is None else query.where(Mention.record_id.in_(chunk))
        for record, kind, value in session.execute(picked):
            if records is None or record in records:
                named[str(record)].add((str(kind), str(value)))
    return named


def _listed_records(session: Session, items: set[str] | None) -> dict[str, tuple[str, ...]]:
    """Item → the records it lists (an action's or event's ``records``, a record's
    ``links``), for ``items`` (None: every item)."""
    listed: dict[str, set[str]] = defaultdict(set)
    for owner, target in (
        (ActionRecord.action_id, ActionRecord.record_ref),
        (EventRecord.event_id, EventRecord.record_ref),
        (RecordLink.record_id, RecordLink.to_record),
    ):
        query = select(owner, target)
        chunks: Iterable[Sequence[str] | None] = [None] if items is None else _chunks(sorted(items))
        for chunk in chunks:
            picked = query if chunk is None else query.where(owner.in_(chunk))
            for item, record in session.execute(picked):
                listed[item].add(record)
    return {item: tuple(sorted(records)) for item, records in listed.items()}


@lru_cache(maxsize=1 << 16)
def _json_text(text: str) -> tuple[Any, ...]:
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else ()


def _json_list(value: Any) -> Sequence[Any]:
    """A JSON list column as the driver gave it: text (SQLite) or decoded (PostgreSQL)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return _json_text(value)
    return tuple(value) if isinstance(value, list) else ()


@lru_cache(maxsize=1 << 17)
def _date_text(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    return _date_text(str(value))


def _insert(session: Session, table: type[Any], rows: list[dict[str, Any]]) -> None:
    """Rows (dicts with the same keys) through the database's bulk path."""
    if rows:
        columns = list(rows[0])
        copy_rows(session, table, columns, (tuple(row[c] for c in columns) for row in rows))


MEMBER_COLUMNS = (
    "entity_id",
    "kind",
    "ref",
    "via",
    "record_id",
    "operation_id",
    "span_start",
    "span_end",
    "text",
    "fingerprint",
)
ENTITY_COLUMNS = ("id", "type", "label", "key", "detail")
LINK_COLUMNS = (
    "entity_id",
    "left_kind",
    "left_ref",
    "right_kind",
    "right_ref",
    "source",
    "match_weight",
    "match_probability",
    "evidence",
)
Row = tuple[Any, ...]
"""A row as the bulk path takes it, in the order of one of the column lists above: a
member is 120 bytes as a tuple against 272 as a dict, and a million subjects give
two million members."""


def _insert_members(session: Session, rows: Iterable[Row]) -> None:
    copy_rows(session, EntityMember, MEMBER_COLUMNS, rows)


def _member(
    entity: str,
    kind: str,
    ref: str,
    *,
    via: str | None = None,
    record_id: str | None = None,
    operation_id: str | None = None,
    span: tuple[int, int] | None = None,
    text: str | None = None,
    fingerprint: str | None = None,
) -> Row:
    """An ``entity_members`` row (``MEMBER_COLUMNS``)."""
    return (
        entity,
        kind,
        ref,
        via,
        record_id,
        operation_id,
        span[0] if span else None,
        span[1] if span else None,
        text,
        fingerprint,
    )


class ResolveStage:
    """Subjects and mentions into entities (``threadline analyse --stage resolve``)."""

    name = "resolve"

    def __init__(self, *, backend: str | None = None, full: bool | None = None) -> None:
        self.backend_name = backend
        if full is None:  # THREADLINE_RESOLVE_FULL=1 resolves everything again
            full = os.environ.get("THREADLINE_RESOLVE_FULL", "").strip() in ("1", "true", "yes")
        self.full = full

    def run(self, workspace: Workspace, progress: StageProgress) -> StageReport:
        report = StageReport(self.name)
        progress.start("reading subjects", None)
        model = people.load_model(workspace.path / MODEL_FILE)
        features_path = workspace.path / FEATURES_FILE
        with workspace.reading() as session:
            watermark = session.scalar(select(func.max(Import.id))) or 0
            constraints = active_constraints(session)
            state = judgement_state(session)
            last = session.scalars(
                select(ResolutionRun).order_by(ResolutionRun.id.desc()).limit(1)
            ).first()
            cached = _load_features(features_path, last)
            added: list[SubjectRow] = []
            incremental = (
                not self.full
                and model is not None
                and cached is not None
                and last is not None
                and last.summary.get("judgements") == state
                and last.summary.get("watermark") is not None
            )
            if incremental and last is not None and cached is not None:
                since = Watermark(int(last.summary["watermark"]))
                fresh = read_subjects(session, since)
                known_refs = set(
                    cached.filter(
                        pc.is_in(cached["ref"], pa.array([s.ref for s in fresh], pa.string()))
                    )["ref"].to_pylist()
                )
                added = [s for s in fresh if s.ref not in known_refs]
                total = session.scalar(select(func.count()).select_from(Subject)) or 0
                # A subject of a changed item, or one gone: resolve everything again.
                incremental = not known_refs and total == cached.num_rows + len(added)
            subjects = [] if incremental else read_subjects(session)
        backend = make_backend(self.backend_name)
        try:
            if incremental and cached is not None and model is not None and last is not None:
                report.counts = self._incremental(
                    workspace,
                    backend.name,
                    cached,
                    added,
                    model,
                    constraints,
                    state,
                    watermark,
                    Watermark(int(last.summary["watermark"])),
                    progress,
                )
                report.notes.append(f"incremental run on {backend.name}")
            else:
                report.counts = self._full(
                    workspace, backend, subjects, model, constraints, state, watermark, progress
                )
                report.notes.append(f"full run on {backend.name}")
            return report
        finally:
            backend.close()

    # -- full ---------------------------------------------------------------------------------

    def _full(
        self,
        workspace: Workspace,
        backend: Any,
        subjects: list[SubjectRow],
        model: dict[str, Any] | None,
        constraints: Sequence[Any],
        state: str,
        watermark: int,
        progress: StageProgress,
    ) -> dict[str, int]:
        progress.start("computing features", None)
        table = engine.features_table(subjects)
        uid = {s.ref: i for i, s in enumerate(subjects)}
        must, cannot = _constraint_rows(constraints, uid)
        # DuckDB is closed once the pairs are scored, so that its memory (up to its cap)
        # is not held through clustering and writing; ``run`` closing it again is harmless.
        result = engine.resolve_all(
            backend,
            table,
            model,
            must=must,
            cannot=cannot,
            progress=progress,
            release=backend.close,
        )
        if result.model is not None:
            people.save_model(result.model, workspace.path / MODEL_FILE)
        progress.start("writing people", None)
        with workspace.transaction() as session, entities_rewritten(session):
            # Children first: a cascade from a million entities goes row by row.
            session.execute(delete(EntityLink))
            session.execute(delete(EntityMember))
            session.execute(delete(Entity))
            # Writing identifiers and places looks nothing up in these tables in a full
            # run: their indexes are built once, after both.
            with indexes_set_aside(session, Entity, EntityMember, EntityLink):
                written = _write_people(session, subjects, result.groups, result.joins)
                # Places first: a place the record names tells two people of one name apart.
                progress.start("writing identifiers and places", None)
                mentions = read_mentions(session)
                keyed = _write_keyed(session, subjects, mentions, None)
            progress.start("joining mentions", None)
            joined = _write_person_mentions(session, subjects, table, mentions, None)
            run = _record_run(
                session,
                "full",
                backend.name,
                len(subjects),
                len(subjects),
                state,
                watermark,
                written,
            )
            progress.start("committing", None)
        progress.start("saving features", None)
        _save_features(workspace.path / FEATURES_FILE, table, run)
        return {
            "subjects": len(subjects),
            "subjects_resolved": len(subjects),
            "pairs_scored": result.scored_pairs,
            "person_entities": written,
            "person_mentions_joined": joined,
            **keyed,
        }

    # -- incremental --------------------------------------------------------------------------

    def _incremental(
        self,
        workspace: Workspace,
        backend_name: str,
        cached: pa.Table,
        added: list[SubjectRow],
        model: dict[str, Any],
        constraints: Sequence[Any],
        state: str,
        watermark: int,
        since: Watermark,
        progress: StageProgress,
    ) -> dict[str, int]:
        progress.start("computing features", None)
        start = cached.num_rows
        new_table = engine.features_table(added, start)
        table = pa.concat_tables([cached, new_table.cast(cached.schema)])
        refs_by_row = dict(enumerate(cached["ref"].to_pylist()))
        refs_by_row.update({start + i: s.ref for i, s in enumerate(added)})
        uid = {ref: row for row, ref in refs_by_row.items()}
        must, cannot = _constraint_rows(constraints, uid)
        written = 0
        touched: set[str] = set()
        backend = make_backend(backend_name) if added else None
        try:
            with workspace.transaction() as session:

                def entities_of(rows: set[int]) -> dict[int, str]:
                    refs = [refs_by_row[r] for r in rows]
                    found: dict[int, str] = {}
                    for chunk in _chunks(refs):
                        for ref, entity in session.execute(
                            select(EntityMember.ref, EntityMember.entity_id).where(
                                EntityMember.kind == "subject",
                                EntityMember.via.is_(None),
                                EntityMember.ref.in_(chunk),
                            )
                        ):
                            found[uid[ref]] = entity
                    return found

                def members_of(entities: set[str]) -> dict[str, list[int]]:
                    found: dict[str, list[int]] = defaultdict(list)
                    # By entity id alone, kind and via checked here: with a condition on
                    # kind, SQLite's planner picks the (kind, ref) index, where every
                    # member is a subject, and reads all of them for each chunk.
                    for chunk in _chunks(sorted(entities)):
                        for ref, entity, kind, via in session.execute(
                            select(
                                EntityMember.ref,
                                EntityMember.entity_id,
                                EntityMember.kind,
                                EntityMember.via,
                            ).where(EntityMember.entity_id.in_(chunk))
                        ):
                            if kind == "subject" and via is None:
                                found[entity].append(uid[ref])
                    return found

                if backend is not None:
                    progress.start("scoring and clustering the added subjects", None)
                    result, touched = engine.resolve_added(
                        backend,
                        cached,
                        new_table,
                        model,
                        entities_of=entities_of,
                        members_of=members_of,
                        must=must,
                        cannot=cannot,
                    )
                    progress.start("writing people", None)
                    rows_in_groups = [r for g in result.groups for r in g]
                    member_rows = _subject_rows(
                        session, [refs_by_row[r] for r in rows_in_groups if r < start]
                    )
                    subjects_by_row = {uid[s.ref]: s for s in member_rows}
                    subjects_by_row.update({start + i: s for i, s in enumerate(added)})
                    old_links = _links_of(session, touched)
                    old_mentions = _mention_members_of(session, touched)
                    for chunk in _chunks(sorted(touched)):
                        session.execute(delete(Entity).where(Entity.id.in_(chunk)))
                    written = _write_people(
                        session,
                        subjects_by_row,
                        result.groups,
                        result.joins,
                        old_links=old_links,
                    )
                    records_to_rejoin = {m["record_id"] for m in old_mentions}
                    records_to_rejoin |= {
                        s.record_id for s in subjects_by_row.values() if s.record_id
                    }
                else:
                    records_to_rejoin = set()
                new_records = set(session.scalars(select(Record.id).where(since.records())).all())
                mentions = read_mentions(session, records=records_to_rejoin | new_records)
                fresh_mentions = [m for m in mentions if m.record_id in new_records]
                progress.start("writing identifiers and places", None)
                keyed = _write_keyed(session, added, fresh_mentions, since)
                progress.start("joining mentions", None)
                local_subjects = _subject_rows_of_records(session, {m.record_id for m in mentions})
                joined = _write_person_mentions(
                    session, local_subjects, table, mentions, records_to_rejoin | new_records
                )
                _record_run(
                    session,
                    "incremental",
                    backend_name,
                    table.num_rows,
                    len(added),
                    state,
                    watermark,
                    written,
                )
                run_id = session.scalar(select(func.max(ResolutionRun.id)))
                progress.start("committing", None)
        finally:
            if backend is not None:
                backend.close()
        progress.start("saving features", None)
        _save_features(workspace.path / FEATURES_FILE, table, int(run_id or 0))
        return {
            "subjects": table.num_rows,
            "subjects_resolved": len(added),
            "person_entities_touched": len(touched),
            "person_entities": written,
            "person_mentions_joined": joined,
            **keyed,
        }


# -- features beside the model ------------------------------------------------------------------


def _load_features(path: Path, last: ResolutionRun | None) -> pa.Table | None:
    """The saved features, when they belong to the last run and carry every column the
    model now compares (else they cannot be trusted, and the run is a full one)."""
    if last is None or not path.is_file():
        return None
    try:
        table = pq.read_table(path)
    except Exception:  # a torn or foreign file: resolve in full instead
        return None
    meta = table.schema.metadata or {}
    if meta.get(b"threadline_run") != str(last.id).encode():
        return None
    if set(people.SCHEMA.names) - set(table.column_names):
        return None  # saved by an older version without a feature now compared: run in full
    try:  # columns in the order (and of the types) this version writes
        return table.select(people.SCHEMA.names).cast(people.SCHEMA)
    except (pa.ArrowInvalid, ValueError, TypeError):
        return None


def _join_source(evidence: dict[str, Any]) -> str:
    """``judgement`` (a must-link), ``rule`` (too few subjects for a model), ``listed``
    (fragments whose items list one another: ``fragments.py``), ``seen_with`` (fragments
    of one name seen with one vehicle or phone: ``fragments.py``) or ``model``."""
    for source in ("judgement", "rule", "listed", "seen_with"):
        if source in evidence:
            return source
    return "model"


def _save_features(path: Path, table: pa.Table, run_id: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table.replace_schema_metadata({"threadline_run": str(run_id)}), tmp)
    tmp.replace(path)


def _record_run(
    session: Session,
    mode: str,
    backend: str,
    total: int,
    new: int,
    state: str,
    watermark: int,
    written: int,
) -> int:
    run = ResolutionRun(
        mode=mode,
        backend=backend,
        subjects_total=total,
        subjects_new=new,
        model_path=str(MODEL_FILE),
        summary={"judgements": state, "watermark": watermark, "people_written": written},
    )
    session.add(run)
    session.flush()
    return run.id


def _chunks(values: Sequence[str], size: int = 900) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _constraint_rows(
    constraints: Sequence[Any], uid: dict[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    must = [
        (uid[c.left], uid[c.right])
        for c in constraints
        if c.decision == SAME and c.left in uid and c.right in uid
    ]
    cannot = [
        (uid[c.left], uid[c.right])
        for c in constraints
        if c.decision != SAME and c.left in uid and c.right in uid
    ]
    return must, cannot


def _subject_rows(session: Session, refs: Sequence[str]) -> list[SubjectRow]:
    rows: list[SubjectRow] = []
    for chunk in _chunks(sorted(set(refs))):
        rows.extend(
            SubjectRow(ref, name, record_id=record_id, operation=op)
            for ref, name, record_id, op in session.execute(
                select(
                    Subject.ref,
                    Subject.name,
                    Subject.record_id,
                    func.coalesce(Record.operation_id, Action.operation_id, Event.operation_id),
                )
                .outerjoin(Record, Subject.record_id == Record.id)
                .outerjoin(Action, Subject.action_id == Action.id)
                .outerjoin(Event, Subject.event_id == Event.id)
                .where(Subject.ref.in_(chunk))
            )
        )
    return rows


def _subject_rows_of_records(session: Session, records: set[str]) -> list[SubjectRow]:
    refs: list[str] = []
    for chunk in _chunks(sorted(records)):
        refs.extend(session.scalars(select(Subject.ref).where(Subject.record_id.in_(chunk))))
    return _subject_rows(session, refs)


def _links_of(session: Session, entities: set[str]) -> list[Row]:
    """The joins of ``entities``, as rows of ``LINK_COLUMNS`` less the entity id.

    Columns, not ORM objects (thousands of joins at each incremental run), and
    the evidence as the stored text, written back as it is."""
    links: list[Row] = []
    query = select(
        EntityLink.left_kind,
        EntityLink.left_ref,
        EntityLink.right_kind,
        EntityLink.right_ref,
        EntityLink.source,
        EntityLink.match_weight,
        EntityLink.match_probability,
        type_coerce(EntityLink.evidence, Text),
    )
    for chunk in _chunks(sorted(entities)):
        for *columns, evidence in session.execute(query.where(EntityLink.entity_id.in_(chunk))):
            # Text from SQLite; PostgreSQL's driver decodes JSON itself.
            links.append((*columns, Encoded(evidence) if isinstance(evidence, str) else evidence))
    return links


def _mention_members_of(session: Session, entities: set[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(entities)):
        # By entity id alone (see members_of in _incremental: kind would pick the wrong index).
        for ref, record_id, kind in session.execute(
            select(EntityMember.ref, EntityMember.record_id, EntityMember.kind).where(
                EntityMember.entity_id.in_(chunk)
            )
        ):
            if kind == "mention":
                found.append({"ref": ref, "record_id": record_id})
    return found


# -- people -------------------------------------------------------------------------------------


def _write_people(
    session: Session,
    subjects: Sequence[SubjectRow] | dict[int, SubjectRow],
    groups: list[list[int]],
    joins: list[engine.PersonEdge],
    *,
    old_links: list[Row] | None = None,
) -> int:
    """Person entities for ``groups`` (row numbers), with their members and joins.

    Rows go to the bulk path as tuples, members and joins streamed as they
    are made (entities first, for the members' foreign key), not held all at
    once: two million members and half a million joins at a million subjects.
    JSON is encoded here once per distinct value (:func:`_evidence_text`).
    """
    by_row: dict[int, SubjectRow] = (
        subjects if isinstance(subjects, dict) else dict(enumerate(subjects))
    )
    joins_of: dict[int, list[engine.PersonEdge]] = defaultdict(list)
    group_of = {row: index for index, group in enumerate(groups) for row in group}
    for join in joins:
        joins_of[group_of[join.left]].append(join)
    del group_of
    eids: list[str] = []
    entity_rows: list[Row] = []
    for index, group in enumerate(groups):
        refs = [by_row[r].ref for r in group]
        eid = entity_id("person", min(refs))
        eids.append(eid)
        names = Counter(str(n) for n in (by_row[r].name for r in group) if n)
        label = max(names, key=lambda n: (names[n], len(n), n)) if names else min(refs)
        weights = [j.weight for j in joins_of.get(index, ()) if not math.isinf(j.weight)]
        entity_rows.append((eid, "person", label, None, _person_detail(weights)))
    copy_rows(session, Entity, ENTITY_COLUMNS, entity_rows)
    del entity_rows

    def members() -> Iterable[Row]:
        for eid, group in zip(eids, groups, strict=True):
            for row in group:
                s = by_row[row]
                yield (
                    eid,
                    "subject",
                    s.ref,
                    None,
                    s.record_id,
                    s.operation,
                    None,
                    None,
                    None,
                    None,
                )

    _insert_members(session, members())
    entity_of_ref: dict[str, str] = {}
    if old_links:
        entity_of_ref = {by_row[r].ref: eid for eid, g in zip(eids, groups, strict=True) for r in g}
    texts: dict[tuple[tuple[str, str, float], ...], Encoded] = {}

    def links() -> Iterable[Row]:
        for index, eid in enumerate(eids):
            for j in joins_of.get(index, ()):
                yield (
                    eid,
                    "subject",
                    by_row[j.left].ref,
                    "subject",
                    by_row[j.right].ref,
                    _join_source(j.evidence),
                    None if math.isinf(j.weight) else j.weight,
                    j.probability,
                    _evidence_text(j.evidence, texts),
                )
        for link in old_links or []:  # LINK_COLUMNS less the entity id
            owner = entity_of_ref.get(link[1])
            if owner is not None and entity_of_ref.get(link[3]) == owner:
                yield (owner, *link)

    copy_rows(session, EntityLink, LINK_COLUMNS, links())
    return len(eids)


def _person_detail(weights: Sequence[float]) -> Encoded | dict[str, Any]:
    """A person's ``detail``: its weakest join's match weight (JSON text, as the encoder
    writes it: a float's ``repr``)."""
    if not weights:
        return Encoded('{"weakest_join":null}')
    weakest = min(weights)
    if not math.isfinite(weakest):
        return {"weakest_join": weakest}
    return Encoded(f'{{"weakest_join":{float(weakest)!r}}}')


def _evidence_text(
    evidence: dict[str, Any], texts: dict[tuple[tuple[str, str, float], ...], Encoded]
) -> Encoded | dict[str, Any]:
    """A join's evidence as JSON text, encoded once per distinct evidence.

    Half a million joins at a million subjects, encoded one by one, cost 28 µs
    each; a model's evidence (a level and a weight per comparison) takes a few
    thousand distinct forms. Only that form is looked up, keyed so that equal
    keys give equal text (no zero weights, whose sign the key would lose);
    anything else is passed on for the bulk path to encode.
    """
    key: list[tuple[str, str, float]] = []
    for name, found in evidence.items():
        if type(found) is not dict or len(found) != 2:
            return evidence
        level, weight = found.get("level"), found.get("weight")
        if type(level) is not str or type(weight) is not float or not weight:
            return evidence
        if next(iter(found)) != "level":
            return evidence
        key.append((name, level, weight))
    frozen = tuple(key)
    text = texts.get(frozen)
    if text is None:
        text = texts[frozen] = Encoded(json_dumps(evidence))
    return text


def _write_person_mentions(
    session: Session,
    subjects: Sequence[SubjectRow],
    table: pa.Table,
    mentions: Sequence[MentionRow],
    records: set[str] | None,
) -> int:
    """Join person mentions (of ``records``, or all): by rule, never by the model."""
    person_ids = select(Entity.id).where(Entity.type == "person")
    gone = delete(EntityMember).where(
        EntityMember.kind == "mention", EntityMember.entity_id.in_(person_ids)
    )
    if records is None:
        session.execute(gone)
    else:
        for chunk in _chunks(sorted(records)):
            _delete_members(
                session,
                EntityMember.kind == "mention",
                EntityMember.record_id.in_(chunk),
                Entity.type == "person",
            )
    wanted = [m for m in mentions if m.type == "person"]
    if not wanted:
        return 0
    in_records = {m.record_id for m in wanted}
    subjects = [s for s in subjects if s.record_id in in_records]
    carriers = name_carriers(table, wanted)
    refs = {s.ref for s in subjects} | {c.ref for c in carriers}
    entity_of_subject: dict[str, str] = {}
    for chunk in _chunks(sorted(refs)):
        for ref, entity in session.execute(
            select(EntityMember.ref, EntityMember.entity_id)
            .join(Entity, Entity.id == EntityMember.entity_id)
            .where(
                Entity.type == "person", EntityMember.kind == "subject", EntityMember.ref.in_(chunk)
            )
        ):
            entity_of_subject[str(ref)] = str(entity)
    # The persons of the record's subjects and of the carriers: their names, and where seen.
    known = read_person_names(session, set(entity_of_subject.values()))
    context = _record_context(session, table)
    joined = join_person_mentions(wanted, subjects, entity_of_subject, carriers, context, known)
    carried = [r for c in carriers for r in c.name().readings()]
    nicknames = {alias for c in carriers for alias in c.aliases}
    unjoined = [m for m in wanted if m.id not in joined]
    misspelt = misspelt_names(table, unjoined)
    seen = names_seen_with(carriers, entity_of_subject, known, joined, wanted, context)
    for person in _write_text_people(
        session, unjoined, carried, nicknames, misspelt, context, seen
    ):
        joined.update((mention_id, (person.id, rule)) for mention_id, rule in person.mentions)
    by_id = {m.id: m for m in wanted}
    rows = [
        _member(
            entity,
            "mention",
            str(mention_id),
            via=rule,
            record_id=by_id[mention_id].record_id,
            operation_id=by_id[mention_id].operation_id,
            span=(by_id[mention_id].start, by_id[mention_id].end),
            text=by_id[mention_id].text,
        )
        for mention_id, (entity, rule) in sorted(joined.items())
    ]
    _insert_members(session, rows)
    # A person of the text whose mentions all went (re-extracted, or now joined to a subject's).
    members = select(EntityMember.id).where(EntityMember.entity_id == Entity.id).exists()
    session.execute(
        delete(Entity).where(Entity.type == "person", Entity.key.like(TEXT_KEY + "%"), ~members)
    )
    return len(rows)


def _record_context(session: Session, table: pa.Table) -> dict[str, set[str]]:
    """Record (or action, event) id → what it names besides people's names: the vehicles
    and phones in its text (the mentions' normalised values) or its subjects' own, the
    persons of its subjects and those its text was joined to (``person:<entity id>``,
    records not being joined again), and the places its ``locations`` or its text name
    (``place:<entity id>``; not its subjects' homes). What tells apart two people of
    one name (``mentions.join_person_mentions``)."""
    named: dict[str, set[str]] = defaultdict(set)
    for record, identifiers in _text_identifiers(session).items():
        named[record].update(value for _, value in identifiers)
    people_of = (
        select(EntityMember.ref, EntityMember.entity_id)
        .join(Entity, Entity.id == EntityMember.entity_id)
        .where(Entity.type == "person", EntityMember.kind == "subject")
    )
    for ref, entity in session.execute(people_of):
        named[str(ref).rsplit("/", 1)[0]].add(PERSON + str(entity))
    # Places its `locations` or its text name (written before person mentions are joined),
    # and the persons its text named, where those are not being joined again.
    named_in_records = (
        select(EntityMember.record_id, EntityMember.entity_id, Entity.type)
        .join(Entity, Entity.id == EntityMember.entity_id)
        .where(
            Entity.type.in_(("location", "person")),
            EntityMember.kind.in_(("record", "mention")),
            EntityMember.record_id.is_not(None),
        )
    )
    for record_id, named_entity, kind in session.execute(named_in_records):
        named[str(record_id)].add((PLACE if kind == "location" else PERSON) + str(named_entity))
    held = table.filter(
        pc.or_(
            pc.greater(pc.list_value_length(table["phones"]), 0),
            pc.greater(pc.list_value_length(table["vehicles"]), 0),
        )
    ).select(["ref", "phones", "vehicles"])
    for ref, phones, vehicles in zip(
        held["ref"].to_pylist(),
        held["phones"].to_pylist(),
        held["vehicles"].to_pylist(),
        strict=True,
    ):
        named[ref.rsplit("/", 1)[0]].update([*(phones or ()), *(vehicles or ())])
    return named


TEXT_KEY = "text:"
"""The key prefix of a person known only from the text (``text_people.py``)."""


def _write_text_people(
    session: Session,
    unjoined: Sequence[MentionRow],
    carried: Sequence[tuple[str, str]],
    nicknames: set[str],
    misspelt: set[int],
    context: dict[str, set[str]],
    seen: set[tuple[str, str]],
) -> list[TextPerson]:
    """Persons of the text for the mentions no subject's person took; new ones are stored."""
    found = text_people(unjoined, carried, nicknames, misspelt, context, seen)
    stored: set[str] = set()
    for chunk in _chunks([p.id for p in found]):
        query = select(Entity.id).where(Entity.id.in_(chunk))
        stored.update(str(e) for e in session.scalars(query))
    rows = [
        {"id": p.id, "type": "person", "label": p.label, "key": TEXT_KEY + p.key, "detail": {}}
        for p in found
        if p.id not in stored
    ]
    _insert(session, Entity, rows)
    return found


# -- identifiers and places -----------------------------------------------------------------------


def _write_keyed(
    session: Session,
    subjects: Sequence[SubjectRow],
    mentions: Sequence[MentionRow],
    since: Watermark | None,
) -> dict[str, int]:
    """Identifiers and places from the new material (all of it when ``since`` is None)."""
    if since is None:
        session.execute(delete(Entity).where(Entity.type.in_(KEYED_TYPES)))
    else:
        _forget_changed_items(session, since)
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, str]] = {}  # entity id → its kind and key, in order of sight
    rows: list[Row] = []
    things: dict[str, set[str]] = defaultdict(set)
    for kind, key, occurrence in _identifier_items(session, subjects, mentions, since):
        if occurrence.record_id and kind in ("vehicle", "phone"):
            things[occurrence.record_id].add(f"{kind}:{key}")
        eid = entity_id(kind, key)
        first.setdefault(eid, (kind, key))
        rows.append(_occurrence_member(eid, occurrence))
    stored: set[str] = set()
    if since is not None:  # looked up in chunks, not one by one
        for chunk in _chunks(list(first)):
            stored.update(session.scalars(select(Entity.id).where(Entity.id.in_(chunk))))
    new_entities: list[dict[str, Any]] = []
    for eid, (kind, key) in first.items():
        if eid not in stored:
            new_entities.append(
                {"id": eid, "type": kind, "label": display(kind, key), "key": key, "detail": {}}
            )
            counts[f"{kind}_entities"] += 1
    _insert(session, Entity, new_entities)
    _insert_members(session, rows)
    counts["location_entities"] += _write_places(
        session,
        _place_items(session, subjects, mentions, since),
        lookup=since is not None,
        things=things,
    )
    return dict(counts)


def _occurrence_member(eid: str, o: Occurrence) -> Row:
    return _member(
        eid,
        o.kind,
        o.ref,
        via=o.via,
        record_id=o.record_id,
        operation_id=o.operation_id,
        span=o.span,
        text=o.raw if o.kind == "mention" else None,
    )


def _forget_changed_items(session: Session, since: Watermark) -> None:
    """Members that came from items changed since the last run are read again."""
    for kind, ids in (
        ("record", select(Record.id).where(since.records())),
        ("action", select(Action.id).where(since.actions())),
        ("event", select(Event.id).where(since.events())),
    ):
        session.execute(
            delete(EntityMember).where(
                EntityMember.kind == kind,
                EntityMember.ref.in_(ids),
                EntityMember.entity_id.in_(select(Entity.id).where(Entity.type.in_(KEYED_TYPES))),
            )
        )
    _delete_members(
        session,
        EntityMember.kind == "mention",
        EntityMember.record_id.in_(select(Record.id).where(since.records())),
        Entity.type.in_(KEYED_TYPES),
    )


def _delete_members(session: Session, *where: ColumnElement[bool]) -> None:
    """Delete the members ``where`` says (conditions on the member and its entity).

    Written as a join that finds the members' ids first: as ``entity_id IN
    (SELECT ... entities of a type)``, SQLite's planner, once it has statistics
    (``ANALYZE``), walked every person's members through the entity-id index
    (2.3 s at 100,000 subjects for 900 records) instead of the few members of
    the records (0.1 s; ``EXPLAIN QUERY PLAN``, docs/resolution.md). The join
    is planned from the members' side with statistics or without.
    """
    query = select(EntityMember.id).join(Entity, Entity.id == EntityMember.entity_id).where(*where)
    ids = list(session.scalars(query))
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        session.execute(delete(EntityMember).where(EntityMember.id.in_(chunk)))


def _write_places(
    session: Session,
    items: Iterable[tuple[str | None, str | None, Occurrence]],
    lookup: bool,
    things: Mapping[str, set[str]] | None = None,
) -> int:
    """Places join on shared keys (``link_place_keys``); existing places (``lookup``) are found
    by their key members, may grow or merge, never split.

    Returns how many place entities there are now more than before.
    """
    keyed: list[tuple[list[str], Occurrence]] = []
    codes: list[str | None] = []
    for address, postcode, occurrence in items:
        written_keys = _place_keys(address, postcode)
        if names := place_key_names(written_keys, occurrence.operation_id):
            keyed.append((names, occurrence))
            codes.append(written_keys.postcode)
    written = with_record_context(keyed)
    if things is not None:
        written = with_linked_records(keyed, written, _record_things(session, keyed, things))
    all_names = sorted({n for names in written for n in names})
    existing: dict[str, str] = {}
    if lookup:
        for chunk in _chunks(all_names):
            for key_ref, eid in session.execute(
                select(EntityMember.ref, EntityMember.entity_id).where(
                    EntityMember.kind == "key", EntityMember.ref.in_(chunk)
                )
            ):
                existing[str(key_ref)] = str(eid)
        existing.update(_stored_branches(session, written))
    old_entities = sorted(set(existing.values()))
    old_keys: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(old_entities):
        for key_ref, eid in session.execute(
            select(EntityMember.ref, EntityMember.entity_id).where(
                EntityMember.kind == "key", EntityMember.entity_id.in_(chunk)
            )
        ):
            old_keys[str(eid)].add(str(key_ref))
    kept = [not drop for drop in unplaceable(written, old_keys.values())]
    keyed = list(compress(keyed, kept))
    written = list(compress(written, kept))
    codes = list(compress(codes, kept))
    place_of = link_place_keys(written, old_keys.values())
    # The places occurrences or stored places are in, and the keys each holds; a key of
    # a place nothing is in (a chain's name written with two buildings) is not stored.
    used = {place_of[names[0]] for names in written} | {
        place_of[next(iter(keys))] for keys in old_keys.values()
    }
    keys_of: dict[str, set[str]] = defaultdict(set)
    for name, place in place_of.items():
        if place in used:
            keys_of[place].add(name)
    new_entities: dict[str, dict[str, Any]] = {}
    merges: list[tuple[str, str]] = []
    members: list[Row] = []
    for place, keys in keys_of.items():
        target = entity_id("location", place)
        merged = sorted({existing[k] for k in keys if k in existing})
        if target not in merged:
            new_entities[target] = {
                "id": target,
                "type": "location",
                "label": "",
                "key": place.split(":", 1)[1],
                "detail": {},
            }
        merges.extend((old, target) for old in merged if old != target)
        held = set().union(*(old_keys[e] for e in merged)) if merged else set()
        members.extend(_member(target, "key", k) for k in sorted(keys - held))
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for names, (_, occurrence) in zip(written, keyed, strict=True):
        target = entity_id("location", place_of[names[0]])
        labels[target][occurrence.raw] += 1
        members.append(_occurrence_member(target, occurrence))
    for target, row in new_entities.items():
        counted = labels.get(target) or Counter({row["key"]: 1})
        row["label"] = max(counted, key=lambda raw: (counted[raw], len(raw), raw))
    postcodes = _place_postcodes(session, written, codes, place_of, merges, new_entities)
    # The new entities first: members of a merged place move to them.
    _insert(session, Entity, list(new_entities.values()))
    for old, target in merges:
        session.execute(
            update(EntityMember).where(EntityMember.entity_id == old).values(entity_id=target)
        )
        session.execute(delete(EntityLink).where(EntityLink.entity_id == old))
        session.execute(delete(Entity).where(Entity.id == old))
    _insert_members(session, members)
    for target, (detail, codes_now) in postcodes.items():
        session.execute(
            update(Entity)
            .where(Entity.id == target)
            .values(detail={**detail, "postcodes": sorted(codes_now)})
        )
    return len(keys_of) - len(old_entities)


def _record_things(
    session: Session,
    keyed: Sequence[tuple[list[str], Occurrence]],
    things: Mapping[str, set[str]],
) -> dict[str, set[str]]:
    """What each record naming a premises involves (``identifiers.with_linked_records``):
    its vehicles and phones (``things``) and its subjects' persons (``person:<id>``)."""
    records = sorted(
        {
            o.record_id
            for names, o in keyed
            if o.record_id and o.kind != "holder" and any(n.startswith("premises:") for n in names)
        }
    )
    context: dict[str, set[str]] = {r: set(things.get(r, ())) for r in records}
    if not records:
        return context
    # A full run writes places while the members' indexes are set aside: one scan of the
    # subject members then, rather than one per chunk of records.
    query = select(EntityMember.record_id, EntityMember.entity_id).where(
        EntityMember.kind == "subject"
    )
    chunks: Iterable[Sequence[str] | None] = [None] if len(records) > 5_000 else _chunks(records)
    for chunk in chunks:
        picked = query if chunk is None else query.where(EntityMember.record_id.in_(chunk))
        for record, eid in session.execute(picked):
            if record in context:
                context[str(record)].add(f"person:{eid}")
    return context


def _stored_branches(session: Session, written: Sequence[list[str]]) -> dict[str, str]:
    """Stored places that hold a premises name written now on some street (``branch:`` keys):
    whether the name is a chain's depends on them, even when nothing new names them."""
    names = sorted({p for ns in written for n in ns if (p := premises_of(n)) is not None})
    found: dict[str, str] = {}
    for chunk in _chunks(names, 100):
        wanted = or_(
            *(EntityMember.ref.startswith(f"branch:{name}@", autoescape=True) for name in chunk)
        )
        for key_ref, eid in session.execute(
            select(EntityMember.ref, EntityMember.entity_id).where(
                EntityMember.kind == "key", wanted
            )
        ):
            found[str(key_ref)] = str(eid)
    return found


def _place_postcodes(
    session: Session,
    written: Sequence[list[str]],
    codes: Sequence[str | None],
    place_of: dict[str, str],
    merges: Sequence[tuple[str, str]],
    new_entities: dict[str, dict[str, Any]],
) -> dict[str, tuple[dict[str, Any], set[str]]]:
    """The postcodes each place is written with (``entities --json`` lists them as identifiers).

    A new place's are set on its row; a stored place that grows or absorbs
    another gets back ``(its detail, its postcodes now)`` for an update, read
    before the places it absorbs are deleted.
    """
    found: dict[str, set[str]] = defaultdict(set)
    for names, code in zip(written, codes, strict=True):
        if code:
            found[entity_id("location", place_of[names[0]])].add(code)
    for _, target in merges:
        found.setdefault(target, set())
    stored = sorted((set(found) - set(new_entities)) | {old for old, _ in merges})
    details: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(stored):
        for eid, detail in session.execute(
            select(Entity.id, Entity.detail).where(Entity.id.in_(chunk))
        ):
            details[str(eid)] = dict(detail or {})
    for old, target in merges:
        found[target] |= set(details.get(old, {}).get("postcodes", []))
    updates: dict[str, tuple[dict[str, Any], set[str]]] = {}
    for target, now in found.items():
        if target in new_entities:
            if now:
                new_entities[target]["detail"] = {"postcodes": sorted(now)}
            continue
        detail = details.get(target, {})
        now |= set(detail.get("postcodes", []))
        if sorted(now) != detail.get("postcodes", []):
            updates[target] = (detail, now)
    return updates


def _identifier_items(
    session: Session,
    subjects: Sequence[SubjectRow],
    mentions: Sequence[MentionRow],
    since: Watermark | None,
) -> Iterable[tuple[str, str, Occurrence]]:
    for m in mentions:
        if m.type in ("vehicle", "phone", "email"):
            found = classify(m.normalised or m.text)
            if found and found[0] == m.type:
                yield (
                    found[0],
                    found[1],
                    Occurrence(
                        "mention",
                        str(m.id),
                        "text",
                        m.record_id,
                        m.operation_id,
                        m.text,
                        (m.start, m.end),
                    ),
                )
    for s in subjects:
        for field_name, values in (("phones", s.phones), ("vehicles", s.vehicles)):
            for raw in values:
                found = _classify(raw) if isinstance(raw, str) else None
                if found:
                    yield (
                        found[0],
                        found[1],
                        Occurrence("holder", s.ref, field_name, s.record_id, s.operation, raw),
                    )
    for occurrence in _listed_identifiers(session, since):
        found = classify(occurrence.raw)
        if found:
            yield found[0], found[1], occurrence


def _listed_identifiers(session: Session, since: Watermark | None) -> Iterable[Occurrence]:
    """What actions' and events' ``identifiers`` list (of items imported since, or all)."""
    actions = select(ActionIdentifier.action_id, Action.operation_id, ActionIdentifier.raw).join(
        Action, Action.id == ActionIdentifier.action_id
    )
    events = select(EventIdentifier.event_id, Event.operation_id, EventIdentifier.raw).join(
        Event, Event.id == EventIdentifier.event_id
    )
    if since is not None:
        actions = actions.where(since.actions())
        events = events.where(since.events())
    for kind, query in (("action", actions), ("event", events)):
        for owner_id, operation_id, raw in session.execute(query):
            yield Occurrence(kind, owner_id, "identifiers", None, operation_id, raw)


def _identifier_places(
    session: Session, since: Watermark | None
) -> Iterable[tuple[str | None, str | None, Occurrence]]:
    """Addresses in actions' and events' ``identifiers``: what those are about."""
    for occurrence in _listed_identifiers(session, since):
        place = identifier_place(occurrence.raw)
        if place is not None:
            yield place[0], place[1], occurrence


def _place_items(
    session: Session,
    subjects: Sequence[SubjectRow],
    mentions: Sequence[MentionRow],
    since: Watermark | None,
) -> Iterable[tuple[str | None, str | None, Occurrence]]:
    for m in mentions:
        if m.type == "location":
            yield (
                m.text,
                None,
                Occurrence(
                    "mention",
                    str(m.id),
                    "text",
                    m.record_id,
                    m.operation_id,
                    m.text,
                    (m.start, m.end),
                ),
            )
    records = (
        select(
            RecordLocation.record_id,
            Record.operation_id,
            RecordLocation.address,
            RecordLocation.postcode,
        )
        .join(Record, Record.id == RecordLocation.record_id)
        .order_by(RecordLocation.id)
    )
    events = select(
        Event.id, Event.operation_id, Event.location_address, Event.location_postcode
    ).where(or_(Event.location_address.is_not(None), Event.location_postcode.is_not(None)))
    if since is not None:
        records = records.where(since.records())
        events = events.where(since.events())
    for record_id, operation_id, address, postcode in session.execute(records):
        yield (
            address,
            postcode,
            Occurrence(
                "record",
                record_id,
                "locations",
                record_id,
                operation_id,
                ", ".join(p for p in (address, postcode) if p),
            ),
        )
    for event_id, operation_id, address, postcode in session.execute(events.order_by(Event.id)):
        yield (
            address,
            postcode,
            Occurrence(
                "event",
                event_id,
                "location",
                None,
                operation_id,
                ", ".join(p for p in (address, postcode) if p),
            ),
        )
    yield from _identifier_places(session, since)
    for s in subjects:
        if s.address or s.postcode:
            yield (
                s.address,
                s.postcode,
                Occurrence(
                    "holder",
                    s.ref,
                    "address",
                    s.record_id,
                    s.operation,
                    ", ".join(p for p in (s.address, s.postcode) if p),
                ),
            )
