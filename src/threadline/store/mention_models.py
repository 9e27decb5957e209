"""Mentions: typed spans of a record's text, and what each record was extracted from.

Written by the ``extract`` stage (``threadline.extract.stage``); read by
resolution, detection, the web application and the evaluation. ``start`` and
``end`` count Unicode code points into ``Record.body`` (end exclusive).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from threadline.store.models import Base, Ident, utcnow


class Mention(Base):
    """One span of a record's text naming a person, vehicle, phone, place ..."""

    __tablename__ = "mentions"
    __table_args__ = (
        CheckConstraint('"start" >= 0 AND "start" <= "end"', name="span"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        Index("ix_mentions_type_normalised", "type", "normalised"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(20))
    """``person``, ``vehicle``, ``phone``, ``location``, ``organisation``, ``email``,
    ``postcode``, ``age`` or ``date``."""
    normalised: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(20))
    """For persons: ``suspect``, ``victim``, ``witness`` or ``other``."""
    extractor: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ExtractedRecord(Base):
    """Per record: the hash of the text its mentions came from, and the extractor's version.

    The stage re-extracts a record whose text hash or extractor version differs.
    """

    __tablename__ = "extracted_records"

    record_id: Mapped[str] = mapped_column(
        Ident, ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    text_hash: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(40))
    mentions: Mapped[int] = mapped_column(Integer)
    extracted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
