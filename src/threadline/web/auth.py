"""Sign-in, server-side sessions, CSRF and the current user.

Sessions live in the ``web_sessions`` table; the cookie holds a random token
and the table only its SHA-256, so a stolen database does not yield live
cookies. The cookie is ``__Host-threadline`` (HttpOnly, SameSite=Strict,
Secure, Path=/) when the app is reached over TLS; browsers refuse a
``__Host-`` cookie without Secure, so on plain-HTTP loopback development it is
``threadline-dev`` with the same flags but Secure.

A session starts anonymous (so that the sign-in form has a CSRF token too),
and every step up (password, then TOTP when the account has one) replaces it
with a new id. Sessions end after 30 minutes without a request or 12 hours
after sign-in, whichever comes first.

Sign-in failures are counted per username whether or not the account exists;
five within ten minutes lock that name for ten minutes. Every refusal shows
the same message and costs the same argon2 verification, so nothing tells an
unknown username from a wrong password or a locked account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from threadline.security import accounts
from threadline.security.access import Principal
from threadline.security.policy import Role
from threadline.store.security_models import SignInThrottle, User, WebSession

INACTIVITY = dt.timedelta(minutes=30)
LIFETIME = dt.timedelta(hours=12)
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=10)
TOUCH_EVERY = dt.timedelta(seconds=60)
SECURE_COOKIE = "__Host-threadline"
DEV_COOKIE = "threadline-dev"
REFUSED = "Sign-in failed. Check your details, or try again later."


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything threadline stores is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def is_tls(request: Request) -> bool:
    return request.url.scheme == "https"


def cookie_name(request: Request) -> str:
    return SECURE_COOKIE if is_tls(request) else DEV_COOKIE


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class SessionState:
    """The current browser session: its row and, when signed in, its user."""

    row: WebSession
    user: User | None

    @property
    def csrf(self) -> str:
        return self.row.csrf_token

    @property
    def principal(self) -> Principal | None:
        if self.user is None or self.row.stage != "active":
            return None
        return Principal(
            username=self.user.username,
            role=Role(self.user.role),
            memberships=frozenset(m.operation_id for m in self.user.memberships),
            user_id=self.user.id,
        )


def new_session(
    db: Session, response: Response, request: Request, *, user: User | None, stage: str
) -> WebSession:
    """Start a session with a fresh id and CSRF token, and set its cookie."""
    token = secrets.token_urlsafe(32)
    moment = now()
    row = WebSession(
        id=_digest(token),
        user_id=user.id if user else None,
        stage=stage,
        csrf_token=secrets.token_urlsafe(32),
        created_at=moment,
        last_seen_at=moment,
    )
    db.add(row)
    response.set_cookie(
        cookie_name(request),
        token,
        httponly=True,
        samesite="strict",
        secure=is_tls(request),
        path="/",
    )
    return row


def end_session(db: Session, row: WebSession, response: Response, request: Request) -> None:
    db.execute(delete(WebSession).where(WebSession.id == row.id))
    response.delete_cookie(cookie_name(request), path="/", secure=is_tls(request))


def load_session(db: Session, request: Request, *, touch: bool = True) -> SessionState | None:
    """The live session named by the request's cookie, or None (expired ones are removed).

    With ``touch`` the session's last-seen time moves on (at most once a minute);
    without, the caller does it (:func:`touch_session`) in a unit of work of its own.
    """
    token = request.cookies.get(cookie_name(request))
    if not token:
        return None
    row = db.get(WebSession, _digest(token))
    if row is None:
        return None
    moment = now()
    created = _aware(row.created_at) or moment
    seen = _aware(row.last_seen_at) or moment
    if moment - seen > INACTIVITY or moment - created > LIFETIME:
        db.execute(delete(WebSession).where(WebSession.id == row.id))
        return None
    if touch and moment - seen > TOUCH_EVERY:
        row.last_seen_at = moment
    user = db.get(User, row.user_id) if row.user_id is not None else None
    if row.user_id is not None and (user is None or not user.active):
        return None
    return SessionState(row=row, user=user)


def needs_touch(state: SessionState) -> bool:
    seen = _aware(state.row.last_seen_at)
    return seen is None or now() - seen > TOUCH_EVERY


def touch_session(db: Session, session_id: str) -> None:
    db.execute(update(WebSession).where(WebSession.id == session_id).values(last_seen_at=now()))


def throttled(db: Session, username: str) -> bool:
    row = db.get(SignInThrottle, username)
    locked = _aware(row.locked_until) if row else None
    return locked is not None and locked > now()


def record_failure(db: Session, username: str) -> None:
    moment = now()
    row = db.get(SignInThrottle, username)
    if row is None:
        row = SignInThrottle(username=username, failures=0, first_failure_at=moment)
        db.add(row)
    first = _aware(row.first_failure_at)
    if first is None or moment - first > LOCKOUT:
        row.failures = 0
        row.first_failure_at = moment
    row.failures += 1
    if row.failures >= MAX_FAILURES:
        row.locked_until = moment + LOCKOUT


def clear_failures(db: Session, username: str) -> None:
    db.execute(delete(SignInThrottle).where(SignInThrottle.username == username))


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The account if the password is right and the name is not locked; None otherwise."""
    name = accounts.normalise_username(username)
    user = db.scalar(select(User).where(User.username == name))
    if throttled(db, name):
        accounts.check_password(None, password)  # same cost as a real check
        return None
    if accounts.check_password(user, password):
        return user
    record_failure(db, name)
    return None


def tokens_match(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


class SignInRequired(Exception):
    """No signed-in session: pages redirect to sign-in, the API answers 401."""


async def csrf_token_of(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def require_csrf(request: Request) -> None:
    """Refuse any state-changing request whose CSRF token is not its session's."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    given = await csrf_token_of(request)
    expected = request.state.csrf if hasattr(request.state, "csrf") else None
    if expected is None:
        factory = request.app.state.workspace.sessions
        with factory() as db:
            state = load_session(db, request)
            expected = state.csrf if state else None
    if expected is None or not tokens_match(expected, given):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


CsrfChecked = Annotated[None, Depends(require_csrf)]
