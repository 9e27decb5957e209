"""The case material as stored: SQLAlchemy 2.0 typed models.

The tables mirror the bundle (``bundle.md``): operations, records (with their
subjects, locations and links), actions and events (with the records and
identifiers they name). Every item keeps its unknown keys in ``extra`` and
every version of it exactly as it arrived in ``versions``; the typed columns
are the current version, for querying.

Nothing in this module touches a database; engines and sessions are made in
:mod:`threadline.store.database`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# One naming convention so that Alembic migrations name constraints the same
# way on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")
Ident = String(200)
"""Ids and refs from source systems: generous, but bounded."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JsonType, list[Any]: JsonType}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Provenance:
    """Where the current version of an item came from."""

    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_file: Mapped[str] = mapped_column(String(300))
    source_line: Mapped[int] = mapped_column(Integer)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Import(Base):
    """One run of ``threadline import``: what was read, from where, and what it changed."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_path: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(40))
    bundle_name: Mapped[str | None] = mapped_column(Text)
    manifest: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Version(Base):
    """Every version of every item, exactly as it arrived (append-only)."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("item_type", "item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[str] = mapped_column(Ident)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_file: Mapped[str] = mapped_column(String(300))
    source_line: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Original(Base):
    """An original document, stored content-addressed by SHA-256 under ``originals/``."""

    __tablename__ = "originals"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    suffix: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Operation(Provenance, Base):
    __tablename__ = "operations"

    id: Mapped[str] = mapped_column(Ident, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("operations.id"))
    lead: Mapped[str | None] = mapped_column(Text)
    sio: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    opened: Mapped[dt.date | None] = mapped_column(Date)
    closed: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)


class Record(Provenance, Base):
    __tablename__ = "records"
    __table_args__ = (Index("ix_records_operation_kind", "operation_id", "kind"),)

    id: Mapped[str] = mapped_column(Ident, primary_key=True)
    operation_id: Mapped[str] = mapped_column(ForeignKey("operations.id"))
    kind: Mapped[str | None] = mapped_column(String(20))
    date: Mapped[dt.date | None] = mapped_column(Date)
    received: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    grading_system: Mapped[str | None] = mapped_column(String(10))
    grading_source: Mapped[str | None] = mapped_column(String(2))
    grading_intelligence: Mapped[str | None] = mapped_column(String(2))
    grading_handling: Mapped[str | None] = mapped_column(String(2))
    author: Mapped[str | None] = mapped_column(Text)
    file_path: Mapped[str | None] = mapped_column(Text)
    original_sha256: Mapped[str | None] = mapped_column(ForeignKey("originals.sha256"))
    document_text: Mapped[str | None] = mapped_column(Text)
    document_status: Mapped[str | None] = mapped_column(Text)

    subjects: Mapped[list[Subject]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="Subject.position"
    )
    locations: Mapped[list[RecordLocation]] = relationship(
        cascade="all, delete-orphan", order_by="RecordLocation.position"
    )
    links: Mapped[list[RecordLink]] = relationship(
        cascade="all, delete-orphan", order_by="RecordLink.position"
    )

    @property
    def body(self) -> str:
        """The stored text that mentions point into: the bundle's text, else the document's."""
        return self.text if self.text is not None else (self.document_text or "")

    @property
    def moment(self) -> dt.date | None:
        """When the record became known: received, else date (``opportunities.md``)."""
        return self.received or self.date


class RecordLocation(Base):
    __tablename__ = "record_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(20))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RecordLink(Base):
    """A cross reference the source system held. ``to_record`` may name a record not (yet) here."""

    __tablename__ = "record_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    to_record: Mapped[str] = mapped_column(Ident, index=True)
    kind: Mapped[str | None] = mapped_column(String(40))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Action(Provenance, Base):
    __tablename__ = "actions"

    id: Mapped[str] = mapped_column(Ident, primary_key=True)
    operation_id: Mapped[str] = mapped_column(ForeignKey("operations.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(40))
    raised: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    allocated_to: Mapped[str | None] = mapped_column(Text)
    resulted: Mapped[dt.date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)

    subjects: Mapped[list[Subject]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="Subject.position"
    )
    records: Mapped[list[ActionRecord]] = relationship(
        cascade="all, delete-orphan", order_by="ActionRecord.position"
    )
    identifiers: Mapped[list[ActionIdentifier]] = relationship(
        cascade="all, delete-orphan", order_by="ActionIdentifier.position"
    )


class ActionRecord(Base):
    __tablename__ = "action_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    record_ref: Mapped[str] = mapped_column(Ident, index=True)


class ActionIdentifier(Base):
    __tablename__ = "action_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    raw: Mapped[str] = mapped_column(Text)


class Event(Provenance, Base):
    __tablename__ = "events"

    id: Mapped[str] = mapped_column(Ident, primary_key=True)
    operation_id: Mapped[str] = mapped_column(ForeignKey("operations.id"), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    kind: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    location_address: Mapped[str | None] = mapped_column(Text)
    location_postcode: Mapped[str | None] = mapped_column(String(20))

    subjects: Mapped[list[Subject]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Subject.position"
    )
    records: Mapped[list[EventRecord]] = relationship(
        cascade="all, delete-orphan", order_by="EventRecord.position"
    )
    identifiers: Mapped[list[EventIdentifier]] = relationship(
        cascade="all, delete-orphan", order_by="EventIdentifier.position"
    )


class EventRecord(Base):
    __tablename__ = "event_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    record_ref: Mapped[str] = mapped_column(Ident, index=True)


class EventIdentifier(Base):
    __tablename__ = "event_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    raw: Mapped[str] = mapped_column(Text)


class Subject(Base):
    """What one source system knew about a person at one moment, in a record, action or event."""

    __tablename__ = "subjects"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN record_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN action_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    ref: Mapped[str] = mapped_column(Ident, primary_key=True)
    record_id: Mapped[str | None] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[str | None] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    dob: Mapped[dt.date | None] = mapped_column(Date)
    age: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(20))
    phones: Mapped[list[Any]] = mapped_column(default=list)
    vehicles: Mapped[list[Any]] = mapped_column(default=list)
    nominal: Mapped[str | None] = mapped_column(String(200))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    record: Mapped[Record | None] = relationship(back_populates="subjects")
    action: Mapped[Action | None] = relationship(back_populates="subjects")
    event: Mapped[Event | None] = relationship(back_populates="subjects")


class StagedItem(Base):
    """An item read by an import in progress; emptied before the import commits."""

    __tablename__ = "staged_items"
    __table_args__ = (
        Index("ix_staged_items_lookup", "import_id", "item_type", "item_id"),
        # Applying reads staged items in batches by id; without this index the
        # database sorts every remaining item for every batch (quadratic).
        Index("ix_staged_items_batch", "import_id", "item_type", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(Integer)
    item_type: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[str] = mapped_column(Ident)
    source_file: Mapped[str] = mapped_column(String(300))
    source_line: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)


class StagedRef(Base):
    """A reference read by an import in progress, checked set-wise before anything is applied."""

    __tablename__ = "staged_refs"
    __table_args__ = (Index("ix_staged_refs_lookup", "import_id", "ref_kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(Integer)
    ref_kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Ident)
    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[str] = mapped_column(Ident)
    source_file: Mapped[str] = mapped_column(String(300))
    source_line: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(200))
