"""Resolved entities, their members, the evidence for every join, and analysts' judgements.

Written by the ``resolve`` stage (``threadline.resolve``), except ``judgements``,
which only people write (through the CLI or the web application) and every
re-run of the stage honours. See docs/resolution.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from threadline.store.models import Base, Ident, utcnow


class Entity(Base):
    """One resolved thing: a person, vehicle, phone, location, organisation or e-mail address."""

    __tablename__ = "entities"
    __table_args__ = (Index("ix_entities_type_key", "type", "key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(Text)
    key: Mapped[str | None] = mapped_column(Text)
    """For identifiers and locations, the normalised key they were joined on."""
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class EntityMember(Base):
    """Something joined into an entity.

    ``kind`` says what ``ref`` names: ``subject`` (a subject ref joined into a
    person), ``mention`` (a mention id), ``key`` (a key a place is joined on), or
    for identifiers and places the item that names them: ``holder`` (a subject
    whose own phones, vehicles or address name it), ``record`` (its
    ``locations``), ``action`` (its ``identifiers``), ``event`` (its
    ``identifiers`` or ``location``). ``via`` names the field.
    """

    __tablename__ = "entity_members"
    __table_args__ = (Index("ix_entity_members_kind_ref", "kind", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[str] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(Ident)
    via: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[str | None] = mapped_column(Ident, index=True)
    """The record the member sits in, where it sits in one (subjects of records, mentions)."""
    operation_id: Mapped[str | None] = mapped_column(Ident)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    """For mentions: the span and its text, as the extract stage found them."""
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    """For subjects: a hash of the features resolution compared, to see what changed."""


class EntityLink(Base):
    """Why two members are in one entity: one join and its evidence.

    ``source`` is ``model`` (Splink's match weight, with each comparison's
    level and weight in ``evidence``), ``judgement`` (an analyst's must-link),
    ``key`` (identifiers and locations sharing a normalised key) or ``mention``
    (the rule that joined a span of text).
    """

    __tablename__ = "entity_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[str] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), index=True
    )
    left_kind: Mapped[str] = mapped_column(String(20))
    left_ref: Mapped[str] = mapped_column(Ident)
    right_kind: Mapped[str] = mapped_column(String(20))
    right_ref: Mapped[str] = mapped_column(Ident)
    source: Mapped[str] = mapped_column(String(20))
    match_weight: Mapped[float | None] = mapped_column(Float)
    match_probability: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Judgement(Base):
    """An analyst's decision that two things are the same, or are not: who, when and why.

    ``left`` and ``right`` are what the analyst named (subject refs, or entity
    ids); ``left_subject`` and ``right_subject`` the subject refs they stood for
    when the judgement was made (an entity by its smallest subject), so that the
    judgement keeps its meaning when entity ids change.
    """

    __tablename__ = "judgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision: Mapped[str] = mapped_column(String(20))
    """``same`` (must-link) or ``not-same`` (cannot-link)."""
    left: Mapped[str] = mapped_column(Ident)
    right: Mapped[str] = mapped_column(Ident)
    left_subject: Mapped[str] = mapped_column(Ident, index=True)
    right_subject: Mapped[str] = mapped_column(Ident, index=True)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    why: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))


class ResolutionRun(Base):
    """One run of the resolve stage: what it did, for incremental runs and the record."""

    __tablename__ = "resolution_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    mode: Mapped[str] = mapped_column(String(20))
    """``full`` or ``incremental``."""
    backend: Mapped[str] = mapped_column(String(20))
    subjects_total: Mapped[int] = mapped_column(Integer, default=0)
    subjects_new: Mapped[int] = mapped_column(Integer, default=0)
    model_path: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
