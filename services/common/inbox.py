"""The inbox: a consumer records each event id it handled, in the transaction of the handler's effect."""

from __future__ import annotations

from functools import cache

from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from . import clock
from .events import Event
from .kernel_tables import inbox_table

_INBOX = inbox_table(MetaData())
_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@cache
def _claim_statement(dialect: str):
    """`INSERT ... ON CONFLICT DO NOTHING`, built once per dialect and run with parameters."""
    return _INSERT[dialect](_INBOX).on_conflict_do_nothing(index_elements=["consumer", "event_id"])


def claim(session: Session, consumer: str, event: Event) -> bool:
    """True the first time `consumer` sees `event`; False for a redelivery, which must do nothing.

    One `INSERT ... ON CONFLICT DO NOTHING`: a concurrent duplicate (another replica holding the same
    event) waits for the first transaction on the primary key, then inserts nothing.
    """
    result = session.execute(
        _claim_statement(session.get_bind().dialect.name),
        {"consumer": consumer, "event_id": event.id, "event_type": event.type,
         "handled_at": clock.now()},
    )
    return result.rowcount == 1
