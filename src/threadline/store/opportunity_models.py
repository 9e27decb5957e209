"""The link graph, the opportunities, and the review decisions that outlast re-analysis.

``graph_nodes`` and ``graph_edges`` are written by the ``graph`` stage;
``opportunities`` by the ``detect`` stage (each run rewrites the rows whose
content changed, and brings the others' rank and status up to date). The
decisions people make (``opportunity_status``, ``review_actions``) and the
``opportunity_history`` are never rewritten: every run of ``detect`` honours
them and appends to the history. See docs/opportunities.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from threadline.store.models import Base, Ident, utcnow


class GraphNode(Base):
    """An entity in the link graph, with its network measures."""

    __tablename__ = "graph_nodes"

    entity_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    records: Mapped[int] = mapped_column(Integer, default=0)
    """Records that involve the entity."""
    operations: Mapped[int] = mapped_column(Integer, default=0)
    degree: Mapped[int] = mapped_column(Integer, default=0)
    """Distinct entities it co-appears with or owns / is owned by."""
    betweenness: Mapped[float] = mapped_column(Float, default=0.0)
    """Ego betweenness (inside its own neighbourhood), over the pairs of its neighbours: [0, 1]."""
    centrality: Mapped[float] = mapped_column(Float, default=0.0)
    """The blend the scoring uses, in [0, 1] (``threadline.analyse.graph.centrality``)."""
    community: Mapped[int] = mapped_column(Integer, default=-1)
    """A digest of the entity leading it: its neighbour (or itself) of highest degree."""
    signature: Mapped[str | None] = mapped_column(String(32))
    """A digest of the node's edges and counts as last written: unchanged means untouched."""


class GraphEdge(Base):
    """One edge of the graph: ``source`` and ``target`` are entity ids or ``record:<id>``.

    ``kind`` is ``in`` (entity appears in a record; ``role`` the subject or
    mention role), ``about`` (an action or event is about the entity),
    ``owns`` (a person's own phone, vehicle or home address, from a subject)
    or ``co`` (two entities in the same records; ``weight`` counts them).
    """

    __tablename__ = "graph_edges"
    __table_args__ = (Index("ix_graph_edges_source_kind", "source", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(Ident)
    target: Mapped[str] = mapped_column(Ident, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    role: Mapped[str | None] = mapped_column(String(20))
    weight: Mapped[float] = mapped_column(Float, default=1.0)


class Opportunity(Base):
    """One overlooked opportunity as the last analysis found it (``spec/opportunities.md``)."""

    __tablename__ = "opportunities"
    __table_args__ = (Index("ix_opportunities_kind_rank", "kind", "rank"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    title: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="new")
    anchor: Mapped[str] = mapped_column(Ident)
    """The entity id (entity kinds) or the record id (record-anchored kinds)."""
    entities: Mapped[list[Any]] = mapped_column(default=list)
    records: Mapped[list[Any]] = mapped_column(default=list)
    operations: Mapped[list[Any]] = mapped_column(default=list)
    evidence_hash: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Score components, measures and anything else the explanation drew on."""
    signature: Mapped[str | None] = mapped_column(String(32))
    """A digest of everything the score and explanation were made from (``detect``)."""


class OpportunityStatus(Base):
    """A person's decision on an opportunity; outlives every re-analysis."""

    __tablename__ = "opportunity_status"

    opportunity_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    """``actioned`` or ``dismissed`` (``new`` again when new evidence reopened it)."""
    review_action_id: Mapped[int | None] = mapped_column(ForeignKey("review_actions.id"))
    by: Mapped[str] = mapped_column(String(200))
    why: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    records: Mapped[list[Any]] = mapped_column(default=list)
    """The evidence (record ids) the decision was made on."""


class OpportunityHistory(Base):
    """What happened to an opportunity, and why: raised, actioned, dismissed, reopened ..."""

    __tablename__ = "opportunity_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(20))
    by: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)


class ReviewAction(Base):
    """An action the review raised from an opportunity: kept apart from imported actions."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="raised")


class AnalysisChange(Base):
    """One change the graph and detect stages have to look at: written by the database.

    Triggers (migration ``0011_detect``) append a row whenever an entity, one
    of its members or joins, a record, an action, an event, the records an
    action or event lists, or a record's links are written or deleted, whoever
    writes them (import, resolve, a judgement, a test). ``kind`` is ``entity``,
    ``record``, ``action`` or ``event``; the graph stage adds ``centrality``
    for the entities whose centrality it changed. Each stage remembers the
    last row it has seen (:class:`AnalysisMark`); rows every stage has seen
    are deleted.
    """

    __tablename__ = "analysis_changes"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused once pruned

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref: Mapped[str] = mapped_column(Ident)


class AnalysisMark(Base):
    """How far a stage has read ``analysis_changes``, and what it last computed from."""

    __tablename__ = "analysis_marks"

    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    change_id: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
