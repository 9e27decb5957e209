"""Tables of the security layer: accounts, memberships, web sessions, sign-in throttle, audit.

Nothing here touches a database; the rules that use these tables live in
:mod:`threadline.security`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from threadline.store.models import Base, Ident, utcnow


class User(Base):
    """A local account. The password is kept only as an argon2id hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        cascade="all, delete-orphan", order_by="Membership.operation_id"
    )


class Membership(Base):
    """A user's membership of one operation (need-to-know)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "operation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    operation_id: Mapped[str] = mapped_column(Ident, index=True)


class WebSession(Base):
    """A browser session, kept server-side. ``id`` is the SHA-256 of the cookie's token."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(20))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    notice_acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SignInThrottle(Base):
    """Failed sign-ins per username, whether or not an account of that name exists."""

    __tablename__ = "sign_in_throttle"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """One link of the audit hash chain (append-only)."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    justification: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
