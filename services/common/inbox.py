"""The inbox: a consumer records each event id it handled, in the transaction of the handler's effect."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import Session

from . import clock
from .events import Event
from .kernel_tables import inbox_table, insert_unless_present

_CLAIM = insert_unless_present(inbox_table(MetaData()),
                               "consumer", "event_id", "event_type", "handled_at")


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
