"""The audit log: every consultation and change, hash-chained.

Each event is written in the same transaction as what it records (the caller
passes its session), so an event exists exactly when its consultation or
change happened. Events are numbered from 1 with no gaps; each carries the
hash of the one before it (``0`` * 64 for the first) and its own hash, the
SHA-256 of a canonical encoding of all its fields (:func:`canonical`).

:func:`verify` recomputes the chain: an edited event breaks its own hash, a
deleted or reordered one breaks the numbering or the next event's link. A
truncated tail leaves a valid but shorter chain, which only an exported head
(:func:`head`, kept outside the system) reveals: the chain must reach the
head's number and have the head's hash there.

Concurrent writers cannot fork the chain: ``seq`` is the primary key, so the
second of two transactions that read the same head fails and is retried
(:func:`retried` runs a unit of work again); on PostgreSQL a
transaction-scoped advisory lock serialises writers first so that retries
are rare.

A *change* writes its event in its own transaction (:func:`retried`). A
*consultation* (:func:`consulted`) reads in a read-only transaction, which
takes no lock (SQLite's WAL readers and PostgreSQL's MVCC readers block
nobody), and then appends its event in a short write transaction of its own;
the consultation's result is handed back only once that event is committed, so
nothing read ever reaches the person without its event in the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from threadline.store.security_models import AuditEvent

T = TypeVar("T")
GENESIS = "0" * 64
_LOCK_KEY = 0x7468726561646C  # "threadl": the advisory lock of the audit chain

ACTIONS = (
    "sign-in",
    "sign-in-failed",
    "sign-out",
    "view-dashboard",
    "view-operations",
    "view-operation",
    "view-record",
    "view-entity",
    "view-opportunities",
    "view-opportunity",
    "download-original",
    "search",
    "export",
    "judgement",
    "opportunity-action",
    "opportunity-dismiss",
    "user-create",
    "user-change",
    "audit-view",
    "import",
)
"""Every kind of event threadline writes."""


def utc_stamp(now: dt.datetime | None = None) -> str:
    """An ISO 8601 UTC time with microseconds and ``Z``: the form that is hashed."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers: every field but the hash, as a JSON array."""
    fields = [
        event.seq,
        event.at,
        event.username,
        event.action,
        event.target,
        event.outcome,
        event.justification,
        event.prev_hash,
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def append(
    session: Session,
    *,
    username: str,
    action: str,
    target: str,
    outcome: str = "ok",
    justification: str | None = None,
) -> AuditEvent:
    """Add one event to the chain, in ``session``'s transaction (flushed, not committed)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        at=utc_stamp(),
        username=username,
        action=action,
        target=target,
        outcome=outcome,
        justification=justification,
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = digest(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Note:
    """The audit event a consultation asks for: what it read, and with what outcome."""

    action: str
    target: str
    outcome: str = "ok"
    justification: str | None = None


def consulted(
    factory: sessionmaker[Session], username: str, read: Callable[[Session], tuple[T, Note]]
) -> T:
    """Run the consultation ``read`` and return its result only once its event is committed.

    ``read`` runs in a read-only transaction (refused writes on PostgreSQL) and
    returns what it found with the :class:`Note` of its event; the event is then
    appended in a short write transaction of its own (retried like any other).
    If that fails, the exception propagates and the result is never returned:
    an unaudited consultation cannot reach the person. Only the append is
    serialised, so a slow consultation delays nobody else's.
    """
    with factory() as session, session.begin():
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION READ ONLY"))
        result, note = read(session)
    retried(
        factory,
        lambda db: append(
            db,
            username=username,
            action=note.action,
            target=note.target,
            outcome=note.outcome,
            justification=note.justification,
        ),
    )
    return result


def head(session: Session) -> dict[str, Any]:
    """The chain's head, to export and keep elsewhere: ``{"seq": N, "hash": H}``."""
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return {"seq": last.seq if last else 0, "hash": last.hash if last else GENESIS}


@dataclass
class Verification:
    events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session, expected_head: dict[str, Any] | None = None) -> Verification:
    """Recompute the whole chain; compare it with an exported head when one is given."""
    result = Verification()
    prev_hash = GENESIS
    expected_seq = 1
    seen_hashes: dict[int, str] = {}
    for event in session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
    ):
        result.events += 1
        if event.seq != expected_seq:
            result.problems.append(
                f"event {event.seq}: expected number {expected_seq} (events missing or renumbered)"
            )
        if event.prev_hash != prev_hash:
            result.problems.append(
                f"event {event.seq}: does not link to the event before it "
                "(deleted, inserted or reordered events)"
            )
        if digest(event) != event.hash:
            result.problems.append(f"event {event.seq}: its content does not match its hash")
        seen_hashes[event.seq] = event.hash
        prev_hash = event.hash
        expected_seq = event.seq + 1
    if expected_head is not None:
        seq = int(expected_head.get("seq", 0))
        if seq > 0 and seq not in seen_hashes:
            result.problems.append(
                f"the exported head is event {seq}, but the chain ends at {expected_seq - 1} "
                "(history truncated)"
            )
        elif seq > 0 and seen_hashes[seq] != expected_head.get("hash"):
            result.problems.append(f"event {seq} differs from the exported head")
    return result


def retried(
    factory: sessionmaker[Session],
    work: Callable[[Session], T],
    *,
    writes: bool = True,
    attempts: int = 30,
) -> T:
    """Run ``work`` in one transaction, again if a concurrent writer got in the way.

    Two transactions that read the same head both try to write the same
    ``seq``; the database refuses the second (a unique key on PostgreSQL), and
    it runs again on the new head. On SQLite a transaction that read and then
    writes fails at once when another writer committed in between (a stale
    snapshot is not waited for), so a unit of work that ``writes`` takes
    SQLite's write lock first, with a write that changes nothing: it then waits
    for other writers (``busy_timeout``) instead of failing.
    """
    for attempt in range(attempts):
        try:
            with factory() as session, session.begin():
                if writes and session.get_bind().dialect.name == "sqlite":
                    session.execute(delete(AuditEvent).where(AuditEvent.seq < 0))
                return work(session)
        except (IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * min(attempt + 1, 10))  # noqa: S311 (jitter)
    raise AssertionError("unreachable")
