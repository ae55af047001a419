"""The inbox: a consumer records each event id it handled, in the transaction of the handler's effect."""

from __future__ import annotations

from sqlalchemy import MetaData, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import clock
from .events import Event
from .kernel_tables import inbox_table

_INBOX = inbox_table(MetaData())


def claim(session: Session, consumer: str, event: Event) -> bool:
    """True the first time `consumer` sees `event`; False for a redelivery, which must do nothing.

    A concurrent duplicate (another replica holding the same event) waits on the primary key and
    then finds it taken, so only one of them has an effect.
    """
    seen = session.execute(
        select(_INBOX.c.event_id).where(_INBOX.c.consumer == consumer, _INBOX.c.event_id == event.id)
    ).first()
    if seen:
        return False
    try:
        with session.begin_nested():
            session.execute(
                insert(_INBOX).values(
                    consumer=consumer,
                    event_id=event.id,
                    event_type=event.type,
                    handled_at=clock.now(),
                )
            )
    except IntegrityError:
        return False
    return True
