"""The one query layer: everything a person reads of the case material comes through here.

Pages, the JSON API, search and exports all call :class:`Access`, so every
channel shows a person the same set. It applies :mod:`threadline.security.policy`:

- operations: those the person is a member of, and those coordinated by an
  umbrella they are a member of;
- records: of those operations, and of a sharing class the policy allows for
  the person's role and relation to the record's operation;
- victims: for roles that may not see their identity, each victim subject
  becomes ``[victim N]`` (N its order among the record's victims) and its
  name, aliases, address, phones and vehicles are removed from the subject and
  blanked out of the record's title and text wherever they occur as written.

A record that does not exist and a record the person may not see look the
same (``None``), so that nothing is learnt from a refusal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache

from sqlalchemy import ColumnElement, String, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from threadline.domain.grading import VALID_CODES, Grading, GradingSystem, comparable
from threadline.domain.normalise.names import name_key
from threadline.resolve.variants import canonical_forename, canonical_surname, fold, soundex
from threadline.security.policy import Relation, Role, allowed_sharing, sees_victims
from threadline.security.search import Query, name_skeleton
from threadline.store.entity_models import EntityMember
from threadline.store.mention_models import Mention
from threadline.store.models import Operation, Record, Subject

REDACTED = "[redacted]"


@dataclass(frozen=True)
class Principal:
    """Who is asking: their account, role and operation memberships."""

    username: str
    role: Role
    memberships: frozenset[str]
    user_id: int | None = None


@dataclass(frozen=True)
class OperationView:
    id: str
    name: str | None
    kind: str | None
    parent: str | None
    status: str | None
    lead: str | None
    sio: str | None
    opened: dt.date | None
    closed: dt.date | None
    description: str | None
    relation: Relation


@dataclass(frozen=True)
class SubjectView:
    ref: str
    role: str | None
    name: str | None
    aliases: list[str]
    dob: dt.date | None
    age: int | None
    gender: str | None
    address: str | None
    postcode: str | None
    phones: list[str]
    vehicles: list[str]
    nominal: str | None
    anonymised: bool = False


@dataclass(frozen=True)
class Span:
    """A mention in a record's text, and the entity it was joined to."""

    start: int
    end: int
    type: str
    role: str | None
    entity: str | None
    victim: bool


@dataclass(frozen=True)
class Segment:
    """A piece of a record's text as shown: plain (``kind`` None) or a highlighted mention."""

    text: str
    kind: str | None = None
    entity: str | None = None


@dataclass(frozen=True)
class RecordSummary:
    id: str
    operation: str
    kind: str | None
    date: dt.date | None
    title: str
    grading: str | None
    sharing: str

    def summary(self) -> RecordSummary:
        """Just the summary (of a :class:`RecordView`, without its content)."""
        return RecordSummary(**{f.name: getattr(self, f.name) for f in fields(RecordSummary)})


@dataclass(frozen=True)
class RecordView(RecordSummary):
    """A record as a person may see it (a :class:`RecordSummary` with its content)."""

    received: dt.date | None = None
    text: str = ""
    author: str | None = None
    file_path: str | None = None
    original_sha256: str | None = None
    subjects: list[SubjectView] = field(default_factory=list)
    locations: list[tuple[str | None, str | None]] = field(default_factory=list)
    links: list[tuple[str, str | None]] = field(default_factory=list)
    anonymised: bool = False
    segments: list[Segment] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    record: RecordSummary
    where: str
    snippet: str


def sharing_of(system: str | None, handling: str | None) -> str:
    """A record's sharing class from its grading columns; ``ungraded`` without a handling code."""
    if not system or not handling:
        return "ungraded"
    try:
        grade = comparable(Grading(GradingSystem(system), handling=handling))
    except ValueError:
        return "ungraded"
    return grade.sharing.value if grade.sharing else "ungraded"


def _sharing_clause(classes: frozenset[str]) -> ColumnElement[bool]:
    """SQL true for records whose sharing class is in ``classes``, from the grading mapping."""
    pairs = [
        (system.value, code)
        for system, (_, _, handling) in VALID_CODES.items()
        for code in sorted(handling)
        if sharing_of(system.value, code) in classes
    ]
    graded = [
        and_(Record.grading_system == system, Record.grading_handling == code)
        for system, code in pairs
    ]
    if "ungraded" in classes:
        known = [
            and_(Record.grading_system == system.value, Record.grading_handling == code)
            for system, (_, _, handling) in VALID_CODES.items()
            for code in handling
        ]
        graded.append(
            or_(
                Record.grading_system.is_(None),
                Record.grading_handling.is_(None),
                ~or_(*known),
            )
        )
    return or_(*graded) if graded else false()


def _grading_label(rec: Record) -> str | None:
    if rec.grading_system is None:
        return None
    try:
        system = GradingSystem(rec.grading_system)
    except ValueError:
        return None
    return str(Grading(system, rec.grading_source, rec.grading_intelligence, rec.grading_handling))


class Redactor:
    """Blanks the victims of one record out of its text, for roles that may not see them.

    What it blanks: each victim subject's name, aliases and identifying details
    as written; every other name the store knows the victim by (``known``: the
    names, aliases and mention texts of the entity the victim was resolved
    into); and any word of the text that is a spelling of one of those names
    (the same skeleton, the same group in the name-variant table, or, for a
    capitalised word, the same Soundex code), which catches misspellings that
    neither a subject field nor extraction caught. It errs towards blanking.
    """

    def __init__(
        self, subjects: Sequence[Subject], known: Mapping[str, Iterable[str]] | None = None
    ) -> None:
        self.labels: dict[str, str] = {}
        patterns: list[tuple[str, str]] = []
        self._spellings = NameSpellings()
        for subject in subjects:
            if subject.role != "victim":
                continue
            label = f"[victim {len(self.labels) + 1}]"
            self.labels[subject.ref] = label
            names = [
                subject.name or "",
                *(str(a) for a in subject.aliases or []),
                *(known or {}).get(subject.ref, ()),
            ]
            for name in names:
                patterns.append((name, label))
                for word in _name_words(name):
                    patterns.append((word, label))
                    self._spellings.add(word, label)
            for value in (subject.address, subject.postcode, *subject.phones, *subject.vehicles):
                if value:
                    patterns.append((str(value), REDACTED))
        patterns = [(p.strip(), label) for p, label in patterns if len(p.strip()) >= 2]
        # Longest first so that a full name is replaced before its words.
        patterns.sort(key=lambda item: -len(item[0]))
        self._labels = {p.casefold(): label for p, label in patterns}
        self._pattern = (
            re.compile(
                "|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p, _ in patterns), re.IGNORECASE
            )
            if patterns
            else None
        )

    def text(self, value: str | None) -> str:
        if not value or self._pattern is None:
            return value or ""
        written = self._pattern.sub(
            lambda m: self._labels.get(m.group(0).casefold(), REDACTED), value
        )
        return _WORD.sub(lambda m: self._spellings.label(m.group(0)) or m.group(0), written)

    def subject(self, subject: Subject) -> SubjectView:
        label = self.labels.get(subject.ref)
        if label is None:
            return _subject_view(subject)
        return SubjectView(
            ref=subject.ref,
            role=subject.role,
            name=label,
            aliases=[],
            dob=None,
            age=subject.age,
            gender=subject.gender,
            address=None,
            postcode=None,
            phones=[],
            vehicles=[],
            nominal=None,
            anonymised=True,
        )


_WORD = re.compile(r"(?<![\w\[])[^\W\d_][\w'\u2019]*")


class NameSpellings:
    """Name words and the labels they stand for, found again in other spellings."""

    def __init__(self) -> None:
        self._by_key: dict[str, str] = {}
        self._by_sound: dict[str, str] = {}

    def add(self, word: str, label: str) -> None:
        for key in _spelling_keys(word):
            self._by_key.setdefault(key, label)
        sound = soundex(fold(word))
        if sound:
            self._by_sound.setdefault(sound, label)

    def label(self, word: str) -> str | None:
        """The label of the name ``word`` is a spelling of, or None."""
        if len(name_key(word)) < 3:
            return None
        for key in _spelling_keys(word):
            if key in self._by_key:
                return self._by_key[key]
        if word[:1].isupper():
            sound = soundex(fold(word))
            if sound and sound in self._by_sound:
                return self._by_sound[sound]
        return None


@lru_cache(maxsize=65536)
def _spelling_keys(word: str) -> tuple[str, ...]:
    key = fold(word)
    if len(key) < 3:
        return ()
    keys = [f"f:{canonical_forename(key)}", f"s:{canonical_surname(key)}"]
    skeleton = name_skeleton(word)
    if len(skeleton) >= 3:
        keys.append(f"k:{skeleton}")
    return tuple(keys)


def _name_words(name: str) -> list[str]:
    """The words of a name long enough to identify (three letters or more)."""
    return [w for w in re.findall(r"[^\W\d_][\w'\u2019-]*", name) if len(name_key(w)) >= 3]


def _subject_view(subject: Subject) -> SubjectView:
    return SubjectView(
        ref=subject.ref,
        role=subject.role,
        name=subject.name,
        aliases=[str(a) for a in subject.aliases or []],
        dob=subject.dob,
        age=subject.age,
        gender=subject.gender,
        address=subject.address,
        postcode=subject.postcode,
        phones=[str(p) for p in subject.phones or []],
        vehicles=[str(v) for v in subject.vehicles or []],
        nominal=subject.nominal,
    )


def victim_entities(session: Session, entity_ids: Iterable[str]) -> set[str]:
    """Which of ``entity_ids`` are a victim anywhere: a victim subject or a victim mention."""
    ids = list(set(entity_ids))
    if not ids:
        return set()
    by_subject = (
        select(EntityMember.entity_id)
        .join(
            Subject,
            # A victim joined into a person, or a victim whose own phone, vehicle or
            # address names an identifier or place ("holder"): both identify them.
            and_(EntityMember.kind.in_(("subject", "holder")), Subject.ref == EntityMember.ref),
        )
        .where(EntityMember.entity_id.in_(ids), Subject.role == "victim")
    )
    by_mention = (
        select(EntityMember.entity_id)
        .join(
            Mention,
            and_(EntityMember.kind == "mention", cast(Mention.id, String) == EntityMember.ref),
        )
        .where(EntityMember.entity_id.in_(ids), Mention.role == "victim")
    )
    return set(session.scalars(by_subject.union(by_mention)))


def victim_names(session: Session, refs: Iterable[str]) -> dict[str, set[str]]:
    """Every name the store knows each victim subject of ``refs`` by: the names, aliases
    and mention texts of the entity it was resolved into (empty before analysis)."""
    wanted = list(set(refs))
    out: dict[str, set[str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        same = aliased(EntityMember)
        rows = session.execute(
            select(EntityMember.ref, same.kind, same.text, Subject.name, Subject.aliases)
            .join(same, same.entity_id == EntityMember.entity_id)
            .outerjoin(Subject, and_(same.kind == "subject", Subject.ref == same.ref))
            .where(
                EntityMember.kind == "subject",
                EntityMember.ref.in_(chunk),
                same.kind.in_(("subject", "mention")),
            )
        ).all()
        for ref, kind, text, name, aliases in rows:
            names = out.setdefault(ref, set())
            if kind == "mention" and text:
                names.add(str(text))
            if name:
                names.add(str(name))
            names.update(str(a) for a in aliases or [])
    return out


def spans_for(session: Session, record_ids: Sequence[str]) -> dict[str, list[Span]]:
    """Each record's mentions (non-overlapping, in order) with the entities they joined."""
    if not record_ids:
        return {}
    mentions = session.execute(
        select(
            Mention.id, Mention.record_id, Mention.start, Mention.end, Mention.type, Mention.role
        )
        .where(Mention.record_id.in_(record_ids))
        .order_by(Mention.record_id, Mention.start, Mention.end.desc())
    ).all()
    joined: dict[str, str] = {
        str(ref): str(entity)
        for ref, entity in session.execute(
            select(EntityMember.ref, EntityMember.entity_id).where(
                EntityMember.record_id.in_(record_ids), EntityMember.kind == "mention"
            )
        )
    }
    victims = victim_entities(session, joined.values())
    out: dict[str, list[Span]] = {}
    for mention_id, record_id, start, end, kind, role in mentions:
        spans = out.setdefault(record_id, [])
        if spans and start < spans[-1].end:
            continue  # overlapping spans: the first one stands
        entity = joined.get(str(mention_id))
        spans.append(Span(start, end, kind, role, entity, role == "victim" or entity in victims))
    return out


def segments(body: str, spans: Sequence[Span], redactor: Redactor | None) -> list[Segment]:
    """The text cut at its mentions; victims blanked out when ``redactor`` is given."""

    def plain(piece: str) -> str:
        return redactor.text(piece) if redactor else piece

    out: list[Segment] = []
    pos = 0
    for span in spans:
        if span.start < pos or span.end > len(body):
            continue
        if span.start > pos:
            out.append(Segment(plain(body[pos : span.start])))
        piece = body[span.start : span.end]
        if redactor is not None and span.victim:
            hidden = redactor.text(piece)
            # A place or identifier tied to a victim (their address, their phone) is
            # blanked out too, but not called a victim.
            fallback = "[victim]" if span.type == "person" else REDACTED
            out.append(Segment(hidden if hidden != piece else fallback, "victim"))
        else:
            out.append(Segment(plain(piece), span.type, span.entity))
        pos = span.end
    if pos < len(body) or not out:
        out.append(Segment(plain(body[pos:])))
    return out


class Access:
    """What one principal may read, in one database session."""

    def __init__(
        self,
        session: Session,
        principal: Principal,
        *,
        publish: bool = False,
        partner: bool = False,
    ) -> None:
        self.session = session
        self.principal = principal
        self.publish = publish or partner
        """Everything read is about to leave the system: victims anonymised whatever the role."""
        self.partner = partner
        """A pack for a partner agency: only what may be shared with one, too."""
        self.relations = self._relations()
        self._victim_names: dict[str, set[str]] = {}

    def publishing(self, *, partner: bool = False) -> Access:
        """The same principal's view of what may leave the system (exports): victims
        anonymised whatever the role and, for a ``partner`` pack, only the sharing
        classes a partner agency may receive."""
        return Access(self.session, self.principal, publish=True, partner=partner)

    # -- operations -----------------------------------------------------------------

    def _relations(self) -> dict[str, Relation]:
        role = self.principal.role
        members = self.principal.memberships
        if not members or not any(allowed_sharing(role, r) for r in Relation):
            return {}
        out: dict[str, Relation] = {}
        rows = self.session.execute(select(Operation.id, Operation.parent_id)).all()
        for op_id, parent in rows:
            if op_id in members and allowed_sharing(role, Relation.MEMBER):
                out[op_id] = Relation.MEMBER
            elif parent in members and allowed_sharing(role, Relation.COORDINATOR):
                out[op_id] = Relation.COORDINATOR
        return out

    @property
    def sees_victims(self) -> bool:
        return not self.publish and sees_victims(self.principal.role)

    def operations(self) -> list[OperationView]:
        if not self.relations:
            return []
        ops = self.session.scalars(
            select(Operation).where(Operation.id.in_(self.relations)).order_by(Operation.id)
        )
        return [self._operation_view(op) for op in ops]

    def operation(self, operation_id: str) -> OperationView | None:
        if operation_id not in self.relations:
            return None
        op = self.session.get(Operation, operation_id)
        return self._operation_view(op) if op else None

    def _operation_view(self, op: Operation) -> OperationView:
        return OperationView(
            id=op.id,
            name=op.name,
            kind=op.kind,
            parent=op.parent_id,
            status=op.status,
            lead=op.lead,
            sio=op.sio,
            opened=op.opened,
            closed=op.closed,
            description=op.description,
            relation=self.relations[op.id],
        )

    # -- records --------------------------------------------------------------------

    def record_clause(self) -> ColumnElement[bool]:
        """SQL true exactly for the records this principal may read."""
        groups = []
        for relation in Relation:
            ops = [op for op, rel in self.relations.items() if rel is relation]
            classes = allowed_sharing(self.principal.role, relation)
            if self.partner:
                classes &= allowed_sharing(Role.PARTNER, Relation.MEMBER)
            if ops and classes:
                groups.append(and_(Record.operation_id.in_(ops), _sharing_clause(classes)))
        return or_(*groups) if groups else false()

    def count_records(self, *, operation: str | None = None) -> int:
        query = select(func.count()).select_from(Record).where(self.record_clause())
        if operation is not None:
            query = query.where(Record.operation_id == operation)
        return int(self.session.scalar(query) or 0)

    def counts_by_operation(self) -> dict[str, int]:
        rows = self.session.execute(
            select(Record.operation_id, func.count())
            .where(self.record_clause())
            .group_by(Record.operation_id)
        ).all()
        return {op: int(n) for op, n in rows}

    def records(
        self,
        *,
        operation: str | None = None,
        kind: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RecordSummary]:
        query = select(Record).where(self.record_clause())
        if operation is not None:
            query = query.where(Record.operation_id == operation)
        if kind is not None:
            query = query.where(Record.kind == kind)
        query = query.order_by(Record.date, Record.id).limit(limit).offset(offset)
        recs = list(self.session.scalars(query.options(selectinload(Record.subjects))))
        if not self.sees_victims:
            self.know_victims(s for rec in recs for s in rec.subjects)
        return [self._summary(rec, self._redactor(rec)) for rec in recs]

    def record_ids(self, *, operation: str | None = None) -> set[str]:
        query = select(Record.id).where(self.record_clause())
        if operation is not None:
            query = query.where(Record.operation_id == operation)
        return set(self.session.scalars(query))

    def record(self, record_id: str) -> RecordView | None:
        rec = self.session.scalar(
            select(Record)
            .where(Record.id == record_id, self.record_clause())
            .options(
                selectinload(Record.subjects),
                selectinload(Record.locations),
                selectinload(Record.links),
            )
        )
        if rec is None:
            return None
        return self._view(rec, spans_for(self.session, [rec.id]).get(rec.id, []))

    def records_by_id(self, record_ids: Sequence[str]) -> list[RecordSummary]:
        """Summaries of those of ``record_ids`` this principal may read."""
        out: list[RecordSummary] = []
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            recs = list(
                self.session.scalars(
                    select(Record)
                    .where(Record.id.in_(chunk), self.record_clause())
                    .options(selectinload(Record.subjects))
                )
            )
            if not self.sees_victims:
                self.know_victims(s for rec in recs for s in rec.subjects)
            out.extend(self._summary(rec, self._redactor(rec)) for rec in recs)
        return out

    def _redactor(self, rec: Record) -> Redactor | None:
        return None if self.sees_victims else self.redactor(rec.subjects)

    def redactor(self, subjects: Sequence[Subject]) -> Redactor:
        """A redactor for these subjects' victims, with every name the store knows them by."""
        self.know_victims(subjects)
        return Redactor(subjects, self._victim_names)

    def know_victims(self, subjects: Iterable[Subject]) -> None:
        """Look up, in one query, the other names of the victims among ``subjects``."""
        refs = {s.ref for s in subjects if s.role == "victim"} - self._victim_names.keys()
        if refs:
            found = victim_names(self.session, refs)
            self._victim_names.update({ref: found.get(ref, set()) for ref in refs})

    def _summary(self, rec: Record, redactor: Redactor | None) -> RecordSummary:
        title = rec.title or ""
        return RecordSummary(
            id=rec.id,
            operation=rec.operation_id,
            kind=rec.kind,
            date=rec.date,
            title=redactor.text(title) if redactor else title,
            grading=_grading_label(rec),
            sharing=sharing_of(rec.grading_system, rec.grading_handling),
        )

    def _view(
        self, rec: Record, spans: Sequence[Span] = (), *, anonymise: bool = False
    ) -> RecordView:
        redactor = self.redactor(rec.subjects) if anonymise or not self.sees_victims else None
        summary = self._summary(rec, redactor)
        pieces = segments(rec.body, spans, redactor)
        return RecordView(
            **summary.__dict__,
            received=rec.received,
            text="".join(p.text for p in pieces),
            segments=pieces,
            author=rec.author,
            file_path=rec.file_path,
            # An original cannot be redacted: only roles that see victims get it.
            original_sha256=None if redactor else rec.original_sha256,
            subjects=[redactor.subject(s) if redactor else _subject_view(s) for s in rec.subjects],
            # A place in the record may be a victim's address: blanked like the text.
            locations=[
                (redactor.text(loc.address) or None, redactor.text(loc.postcode) or None)
                if redactor
                else (loc.address, loc.postcode)
                for loc in rec.locations
            ],
            links=[(link.to_record, link.kind) for link in rec.links],
            anonymised=redactor is not None,
        )

    # -- search ---------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Records whose text, title or subject names match ``query``, or a spelling of it
        (:mod:`threadline.security.search`).

        The full-text index finds candidates among the records this principal may
        read; the match is made over what they see (victims already blanked out),
        so a search never finds a record through something it hides.
        """
        parsed = Query.parse(self.session, query)
        if parsed is None:
            return []
        pattern = parsed.pattern()
        candidates = and_(self.record_clause(), parsed.candidates(self.session))
        hits: list[SearchHit] = []
        for rec, spans in self._stream(candidates, batch=100):
            hit = _match(self._view(rec, spans), pattern)
            if hit is not None:
                hits.append(hit)
                if len(hits) >= limit:
                    break
        return hits

    def _stream(
        self, clause: ColumnElement[bool], batch: int = 500
    ) -> Iterator[tuple[Record, list[Span]]]:
        """Records matching ``clause`` with their mentions, in batches."""
        ids = list(self.session.scalars(select(Record.id).where(clause).order_by(Record.id)))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            spans = spans_for(self.session, chunk)
            recs = self.session.scalars(
                select(Record)
                .where(Record.id.in_(chunk))
                .order_by(Record.id)
                .options(
                    selectinload(Record.subjects),
                    selectinload(Record.locations),
                    selectinload(Record.links),
                )
            )
            loaded = list(recs)
            if not self.sees_victims or self.publish:
                self.know_victims(s for rec in loaded for s in rec.subjects)
            for rec in loaded:
                yield rec, spans.get(rec.id, [])
            self.session.expunge_all()

    # -- exports --------------------------------------------------------------------

    def export(self, *, operation: str | None = None) -> Iterator[RecordView]:
        """Every record this principal may read, victims anonymised whatever the role:
        an export leaves the system, and anything that leaves is treated as published."""
        clause = self.record_clause()
        if operation is not None:
            clause = and_(clause, Record.operation_id == operation)
        for rec, spans in self._stream(clause):
            yield self._view(rec, spans, anonymise=True)


def _match(view: RecordView, pattern: re.Pattern[str]) -> SearchHit | None:
    fields = [("title", view.title), ("text", view.text)]
    for subject in view.subjects:
        if not subject.anonymised:
            fields.append((f"subject {subject.ref}", subject.name or ""))
            fields.extend((f"alias of {subject.ref}", alias) for alias in subject.aliases)
    for where, value in fields:
        found = pattern.search(value)
        if found:
            start = max(0, found.start() - 80)
            snippet = value[start : found.end() + 80]
            return SearchHit(record=view.summary(), where=where, snippet=snippet)
    return None


__all__ = [
    "Access",
    "OperationView",
    "Principal",
    "RecordSummary",
    "RecordView",
    "Redactor",
    "SearchHit",
    "Segment",
    "Span",
    "SubjectView",
    "name_skeleton",
    "sharing_of",
]
