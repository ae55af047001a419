"""The inbox: a consumer records each event id it handled, in the transaction of the handler's effect."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import clock
from .events import Event
from .kernel_tables import inbox_table

_INBOX = inbox_table(MetaData())
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def claim(session: Session, consumer: str, event: Event) -> bool:
    """True the first time `consumer` sees `event`; False for a redelivery, which must do nothing.

    One `INSERT ... ON CONFLICT DO NOTHING`: a concurrent duplicate (another replica holding the same
    event) waits for the first transaction on the primary key, then inserts nothing.
    """
    insert = _INSERT[session.get_bind().dialect.name]
    result = session.execute(
        insert(_INBOX)
        .values(consumer=consumer, event_id=event.id, event_type=event.type,
                handled_at=clock.now())
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    )
    return result.rowcount == 1
