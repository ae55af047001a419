"""Identity use cases: register, log in, read a user, find a buyer by e-mail, create an admin.

They take a `Store` and plain values and raise the kernel's typed errors (or `LoginRefused`,
`LoginThrottled`); the routes turn those into HTTP. Password hashing (tens of milliseconds) runs
outside any transaction so the database is never held while hashing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from services.common import clock
from services.common.errors import Conflict, NotFound
from services.common.outbox import EventRecorder

from ..db import Store
from . import throttle
from .models import LoginThrottle, User
from .passwords import hash_password, needs_rehash, verify_password

ROLES = ("buyer", "seller", "admin")
ASCII_SPACE = " \t\n\r\f\v"


class LoginRefused(Exception):
    """Unknown e-mail or wrong password (the caller cannot tell which)."""


class LoginThrottled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many failed logins; retry in {retry_after}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class UserView:
    id: str
    email: str
    name: str
    roles: list[str]
    phone: str | None
    locale: str
    registered_at: datetime

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(user.id, user.email, user.name, list(user.roles), user.phone, user.locale,
                   _aware(user.created_at))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def register(store: Store, *, email: str, password: str, name: str, role: str,
             phone: str | None = None, locale: str = "en") -> UserView:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    email = normalise_email(email)
    with store.transaction() as session:
        if session.scalar(select(User.id).where(User.email == email)):
            raise Conflict("This e-mail is already registered.", code="email_taken")
    password_hash = hash_password(password)
    user = User(id=str(uuid.uuid4()), email=email, password_hash=password_hash,
                name=name.strip(ASCII_SPACE), phone=phone, locale=locale, roles=[role], created_at=clock.now())
    try:
        with store.transaction() as session:
            session.add(user)
            announce(session, user)
    except IntegrityError as exc:  # registered concurrently between the check and the insert
        raise Conflict("This e-mail is already registered.", code="email_taken") from exc
    return UserView.of(user)


def announce(session, user: User) -> None:
    """Record `user.registered` in the registering transaction: notifications learns how to reach
    the user (e-mail, phone, name, locale) and their roles, without asking the gateway."""
    EventRecorder(producer="gateway").record(session, "user.registered", {
        "user_id": user.id, "email": user.email, "phone": user.phone, "name": user.name,
        "locale": user.locale, "roles": list(user.roles)}, aggregate_id=user.id)


def login(store: Store, *, email: str, password: str, policy: throttle.Policy) -> UserView:
    email = normalise_email(email)
    now = clock.now()
    with store.transaction() as session:
        record = _throttle_record(session, email)
        wait = throttle.seconds_locked(record, now)
        user = session.scalar(select(User).where(User.email == email))
        stored_hash = user.password_hash if user else None
    if wait:
        raise LoginThrottled(wait)
    if not verify_password(stored_hash, password):
        _record_failure(store, email, policy)
        raise LoginRefused()
    with store.transaction() as session:
        row = session.get(LoginThrottle, email)
        if row is not None:
            session.delete(row)
        if needs_rehash(stored_hash):
            session.get(User, user.id).password_hash = hash_password(password)
    return UserView.of(user)


def _record_failure(store: Store, email: str, policy: throttle.Policy) -> None:
    for attempt in range(2):  # two first failures at once: one insert wins, the other updates
        try:
            with store.transaction() as session:
                row = session.get(LoginThrottle, email, with_for_update=True)
                record = throttle.after_failure(_as_record(row), clock.now(), policy)
                if row is None:
                    row = LoginThrottle(email=email)
                    session.add(row)
                row.failures = record.failures
                row.window_started_at = record.window_started_at
                row.locked_until = record.locked_until
            return
        except IntegrityError:
            if attempt:
                raise


# The hottest read (every /me): SQLAlchemy Core, about half the CPU of an ORM session, on a
# statement built once.
_USER_BY_ID = select(User.__table__).where(User.__table__.c.id == bindparam("user_id"))


def get_user(store: Store, user_id: str) -> UserView:
    with store.reading() as conn:
        row = conn.execute(_USER_BY_ID, {"user_id": user_id}).first()
    if row is None:
        raise NotFound("No such user.", code="user_not_found")
    return UserView(row.id, row.email, row.name, list(row.roles), row.phone, row.locale,
                    _aware(row.created_at))


def buyer_id_by_email(store: Store, email: str) -> str | None:
    """The id of the registered buyer with this e-mail (compared as stored, lower-cased), or None
    when nobody is registered with it or its account is not a buyer's."""
    with store.reading() as conn:
        row = conn.execute(select(User.__table__.c.id, User.__table__.c.roles)
                           .where(User.__table__.c.email == normalise_email(email))).first()
    if row is None or "buyer" not in (row.roles or []):
        return None
    return row.id


def create_admin(store: Store, *, email: str, password: str, name: str) -> UserView:
    return register(store, email=email, password=password, name=name, role="admin")


def _throttle_record(session, email: str) -> throttle.Record | None:
    return _as_record(session.get(LoginThrottle, email))


def _as_record(row: LoginThrottle | None) -> throttle.Record | None:
    if row is None:
        return None
    return throttle.Record(
        failures=row.failures,
        window_started_at=_aware(row.window_started_at),
        locked_until=_aware(row.locked_until) if row.locked_until else None,
    )


def policy_from(settings: Any) -> throttle.Policy:
    return throttle.Policy(
        max_failures=settings.login_max_failures,
        window=timedelta(seconds=settings.login_window_seconds),
        lockout=timedelta(seconds=settings.login_lockout_seconds),
    )
