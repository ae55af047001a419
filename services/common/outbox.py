"""The transactional outbox: events are written in the same transaction as the state they describe.

Actions record events through their unit of work (`uow.record`) instead of Nameko's
EventDispatcher; the relay (`services.common.runtime.relay`) publishes what was committed. A
rolled-back transaction publishes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import MetaData, insert
from sqlalchemy.orm import Session

from . import clock, events
from .kernel_tables import outbox_table

_OUTBOX = outbox_table(MetaData())
_INSERT = insert(_OUTBOX)  # built once: its SQL and cache key are made on the first use only


class EventRecorder:
    """Records events into the outbox of the session's transaction."""

    def __init__(self, producer: str, correlation_id: str | None = None):
        self.producer = producer
        self.correlation_id = correlation_id

    def record(
        self,
        session: Session,
        type_: str,
        data: dict[str, Any],
        *,
        aggregate_id: Any = None,
    ) -> dict[str, Any]:
        """Validate and stage one event; it is published only if the transaction commits.

        Events of one aggregate (an order, a shop) are published in the order they were recorded.
        Raises `UnknownEventType` or `InvalidEvent` before anything is written.
        """
        now = clock.now()
        envelope = events.make_envelope(
            type_, data, producer=self.producer, occurred_at=now, correlation_id=self.correlation_id
        )
        session.execute(_INSERT, {
            "event_id": envelope["id"],
            "type": type_,
            "aggregate_id": None if aggregate_id is None else str(aggregate_id),
            "payload": json.dumps(envelope, separators=(",", ":")),
            "created_at": now,
        })
        return envelope
