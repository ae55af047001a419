"""The inbox: a consumer records each event id it handled, in the transaction of the handler's effect."""

from __future__ import annotations

from sqlalchemy import MetaData, bindparam, text
from sqlalchemy.orm import Session

from . import clock
from .events import Event
from .kernel_tables import inbox_table

_INBOX = inbox_table(MetaData())

# Written as text, which SQLAlchemy caches once compiled: its `on_conflict_do_nothing()` constructs
# carry no cache key and were compiled afresh for every event. PostgreSQL and SQLite (3.24+) share
# this syntax; the typed parameter keeps `handled_at` stored as the column's type stores it.
_CLAIM = text(
    "INSERT INTO inbox (consumer, event_id, event_type, handled_at) "
    "VALUES (:consumer, :event_id, :event_type, :handled_at) "
    "ON CONFLICT (consumer, event_id) DO NOTHING"
).bindparams(bindparam("handled_at", type_=_INBOX.c.handled_at.type))


def claim(session: Session, consumer: str, event: Event) -> bool:
    """True the first time `consumer` sees `event`; False for a redelivery, which must do nothing.

    One `INSERT ... ON CONFLICT DO NOTHING`: a concurrent duplicate (another replica holding the same
    event) waits for the first transaction on the primary key, then inserts nothing.
    """
    result = session.execute(
        _CLAIM,
        {"consumer": consumer, "event_id": event.id, "event_type": event.type,
         "handled_at": clock.now()},
    )
    return result.rowcount == 1
