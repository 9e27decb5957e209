"""Local accounts: argon2id passwords, optional TOTP, roles and memberships."""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Iterable

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from threadline.errors import ThreadlineError
from threadline.security.policy import Role
from threadline.store.security_models import Membership, User

_HASHER = PasswordHasher()  # argon2id with argon2-cffi's RFC 9106 low-memory profile


@functools.cache
def _dummy_hash() -> str:
    """A hash no password matches, to verify against when the account does not exist."""
    return _HASHER.hash(secrets.token_urlsafe(32))


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 12


class AccountError(ThreadlineError):
    """An account could not be created or changed as asked."""


def normalise_username(raw: str) -> str:
    return raw.strip().lower()[:80]


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return _HASHER.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; as slow for a missing user as for a real one."""
    try:
        return _HASHER.verify(user.password_hash if user else _dummy_hash(), password) and bool(
            user and user.active
        )
    except (VerificationError, InvalidHashError):
        return False


def check_totp(user: User, code: str) -> bool:
    if not user.totp_secret:
        return True
    return pyotp.TOTP(user.totp_secret).verify(code.strip(), valid_window=1)


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    operations: Iterable[str] = (),
    totp: bool = False,
) -> User:
    """Create an account; raise :class:`AccountError` on a bad name, role or password."""
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise AccountError(f"'{username}' is not a valid username: 2-80 of a-z, 0-9, '.', '_', '-'")
    try:
        role_value = Role(role)
    except ValueError:
        raise AccountError(
            f"unknown role '{role}': one of {', '.join(r.value for r in Role)}"
        ) from None
    if find_user(session, name) is not None:
        raise AccountError(f"an account named '{name}' already exists")
    user = User(
        username=name,
        password_hash=hash_password(password),
        role=role_value.value,
        totp_secret=pyotp.random_base32() if totp else None,
        active=True,
    )
    user.memberships = [Membership(operation_id=op) for op in sorted(set(operations))]
    session.add(user)
    session.flush()
    return user


def set_memberships(user: User, operations: Iterable[str]) -> None:
    wanted = set(operations)
    user.memberships = [m for m in user.memberships if m.operation_id in wanted] + [
        Membership(operation_id=op)
        for op in sorted(wanted - {m.operation_id for m in user.memberships})
    ]


def totp_uri(user: User) -> str | None:
    if not user.totp_secret:
        return None
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.username, issuer_name="threadline"
    )
