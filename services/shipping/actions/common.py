"""Small helpers the use cases share."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite hands back naive UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    moment = as_utc(moment)
    return None if moment is None else moment.isoformat()


def health(uow, service: str) -> dict:
    """The service answers and reaches its database."""
    with uow.reading() as session:
        session.execute(text("SELECT 1"))
    return {"service": service, "status": "ok"}
