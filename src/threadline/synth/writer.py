"""Streaming bundle writer: each record, action and event is written as soon as it is made.

Writing a line also hands its truth to the fact book (for the opportunity
check) and to the ledger (for ``truth.json``), so nothing about a finished
neighbourhood stays in memory but those compact aggregates.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from threadline.synth.documents import write_original
from threadline.synth.ledger import TruthLedger
from threadline.synth.noise import SubjectDraft
from threadline.synth.operations import Operation, is_high_grade
from threadline.synth.text import Body
from threadline.synth.truth import FactBook, MentionFact, SubjectFact

RECORD_PREFIXES = {
    "intelligence": "INT",
    "crime": "CR",
    "statement": "ST",
    "interview": "IV",
    "referral": "REF",
    "report": "RPT",
    "other": "OTH",
}


@dataclass(frozen=True)
class PlaceRef:
    """A place as an item writes it (a ``locations`` entry, an event ``location``) and its key."""

    key: str
    value: dict[str, str]
    label: str


@dataclass(frozen=True)
class IdentRef:
    """An identifier as an action or event lists it (any spelling), and its truth key."""

    key: str
    surface: str
    label: str


@dataclass
class Stamp:
    """A date as written: the day (None when missing), with an optional time, or null."""

    day: dt.date | None
    time: str | None = None
    null: bool = False

    def json(self) -> str | None:
        if self.day is None:
            return None
        return f"{self.day.isoformat()}T{self.time}" if self.time else self.day.isoformat()


@dataclass
class RecordDraft:
    id: str
    operation: str
    kind: str
    date: Stamp
    received: Stamp
    title: str
    body: Body
    subjects: list[SubjectDraft]
    author: str
    grading: dict[str, str] | None = None
    locations: list[PlaceRef] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    original: str | None = None
    file_only: bool = False
    sender: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ActionDraft:
    operation: str
    number: str
    raised: dt.date
    title: str
    text: str
    status: str
    records: list[str]
    subjects: list[SubjectDraft]
    identifiers: list[IdentRef]
    allocated_to: str | None = None
    resulted: dt.date | None = None
    result: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class EventDraft:
    operation: str
    kind: str
    date: dt.date
    text: str
    subjects: list[SubjectDraft]
    records: list[str]
    identifiers: list[IdentRef] = field(default_factory=list)
    location: PlaceRef | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


class BundleWriter:
    """Writes the bundle's line files and originals, and keeps the truth of each line."""

    def __init__(self, out: Path, ledger_path: Path) -> None:
        self.out = out
        (out / "files").mkdir(parents=True, exist_ok=True)
        self._records = (out / "records.jsonl").open("w", encoding="utf-8", newline="\n")
        self._actions = (out / "actions.jsonl").open("w", encoding="utf-8", newline="\n")
        self._events = (out / "events.jsonl").open("w", encoding="utf-8", newline="\n")
        self._operations: IO[str] = (out / "operations.jsonl").open(
            "w", encoding="utf-8", newline="\n"
        )
        self.facts = FactBook()
        self.ledger = TruthLedger(ledger_path)
        self._next_record: dict[str, int] = {}
        self.counts = {"records": 0, "actions": 0, "events": 0, "files": 0, "subjects": 0}

    def close(self) -> None:
        for handle in (self._records, self._actions, self._events, self._operations):
            if not handle.closed:
                handle.close()

    # Ids --------------------------------------------------------------------------

    def record_id(self, kind: str) -> str:
        prefix = RECORD_PREFIXES[kind]
        number = self._next_record.get(prefix, 0) + 1
        self._next_record[prefix] = number
        return f"{prefix}-{number:06d}"

    # Lines ------------------------------------------------------------------------

    def operation(self, op: Operation, extra: dict[str, Any] | None = None) -> None:
        self._operations.write(_dump({**op.line(), **(extra or {})}))

    def _subjects(self, owner: str, subjects: list[SubjectDraft]) -> list[dict[str, Any]]:
        lines = []
        for n, subject in enumerate(subjects, start=1):
            ref = f"{owner}/S{n}"
            self.ledger.subject(subject.person.pid, ref)
            for key in subject.phones + subject.vehicles:
                self.ledger.identifier(key, subject.labels.get(key, key.partition(":")[2]))
                self.ledger.carrier(key, ref)
            if subject.home is not None:
                self.ledger.identifier(subject.home.key, subject.home.canonical)
                self.ledger.resident(subject.home.key, ref)
            lines.append({"ref": ref, "role": subject.role, **subject.fields})
        self.counts["subjects"] += len(lines)
        return lines

    def record(self, draft: RecordDraft) -> None:
        text = draft.body.text
        line: dict[str, Any] = {"id": draft.id, "operation": draft.operation, "kind": draft.kind}
        for name, stamp in (("date", draft.date), ("received", draft.received)):
            if stamp.day is not None or stamp.null:
                line[name] = stamp.json()
        line["title"] = draft.title
        if not draft.file_only:
            line["text"] = text
        if draft.grading:
            line["grading"] = draft.grading
        line["author"] = draft.author
        if draft.original:
            path = f"files/{draft.id}.{draft.original}"
            day = draft.date.day or draft.received.day or dt.date(2000, 1, 1)
            data = write_original(draft.original, draft.title, draft.id, text, day, draft.sender)
            (self.out / path).write_bytes(data)
            line["file"] = path
            self.counts["files"] += 1
        line["subjects"] = self._subjects(draft.id, draft.subjects)
        if draft.locations:
            line["locations"] = [p.value for p in draft.locations]
        if draft.links:
            line["links"] = [{"to": to, "kind": kind} for to, kind in draft.links]
        line.update(draft.extra)
        self._records.write(_dump(line))
        self.counts["records"] += 1
        for span in draft.body.spans:
            if text[span.start : span.end] != span.text:  # pragma: no cover - a builder bug
                raise AssertionError(f"{draft.id}: span {span} does not match its text")
            if span.label is not None:
                self.ledger.identifier(span.key, span.label)
            if draft.file_only:
                self.ledger.file_mention(span.key, draft.id, span.text, span.role)
            else:
                self.ledger.mention(span.key, draft.id, span.start, span.end, span.text, span.role)
        for place in draft.locations:
            self.ledger.identifier(place.key, place.label)
            self.ledger.located(place.key, draft.id)
        self.facts.add_record(
            draft.id,
            operation=draft.operation,
            kind=draft.kind,
            date=draft.date.day,
            received=draft.received.day,
            high_grade=is_high_grade(draft.grading),
            subjects=[_fact(s) for s in draft.subjects],
            mentions=[MentionFact(s.key, s.role) for s in draft.body.spans],
            locations=[p.key for p in draft.locations],
            links=[to for to, _ in draft.links],
        )

    def action(self, action_id: str, draft: ActionDraft) -> None:
        line: dict[str, Any] = {
            "id": action_id,
            "operation": draft.operation,
            "number": draft.number,
            "raised": draft.raised.isoformat(),
            "title": draft.title,
            "text": draft.text,
            "status": draft.status,
        }
        if draft.allocated_to:
            line["allocated_to"] = draft.allocated_to
        if draft.resulted:
            line["resulted"] = draft.resulted.isoformat()
        if draft.result:
            line["result"] = draft.result
        line["records"] = draft.records
        line["subjects"] = self._subjects(action_id, draft.subjects)
        line["identifiers"] = [i.surface for i in draft.identifiers]
        line.update(draft.extra)
        self._actions.write(_dump(line))
        self.counts["actions"] += 1
        for ident in draft.identifiers:
            self.ledger.identifier(ident.key, ident.label)
            self.ledger.about(ident.key, action_id)
        self.facts.add_action(
            action_id,
            operation=draft.operation,
            status=draft.status,
            raised=draft.raised,
            records=draft.records,
            subjects=[_fact(s) for s in draft.subjects],
            identifiers=[i.key for i in draft.identifiers],
        )

    def event(self, event_id: str, draft: EventDraft) -> None:
        line: dict[str, Any] = {
            "id": event_id,
            "operation": draft.operation,
            "date": draft.date.isoformat(),
            "kind": draft.kind,
            "subjects": self._subjects(event_id, draft.subjects),
            "records": draft.records,
            "identifiers": [i.surface for i in draft.identifiers],
        }
        if draft.location:
            line["location"] = draft.location.value
        line["text"] = draft.text
        line.update(draft.extra)
        self._events.write(_dump(line))
        self.counts["events"] += 1
        for ident in draft.identifiers:
            self.ledger.identifier(ident.key, ident.label)
            self.ledger.about(ident.key, event_id)
        if draft.location:
            self.ledger.identifier(draft.location.key, draft.location.label)
            self.ledger.about(draft.location.key, event_id)
        self.facts.add_event(
            event_id,
            operation=draft.operation,
            kind=draft.kind,
            date=draft.date,
            records=draft.records,
            subjects=[_fact(s) for s in draft.subjects],
            identifiers=[i.key for i in draft.identifiers],
            location=draft.location.key if draft.location else None,
        )


def _fact(subject: SubjectDraft) -> SubjectFact:
    return SubjectFact(subject.person.pid, subject.role, subject.phones, subject.vehicles)
