"""Events put on a running system's broker the way a service puts them there: recorded in an outbox
(a database of the source's own) and published by the relay, so consumers get the real envelope,
routing and headers. For an event whose producer a test cannot drive over HTTP (a payment the
payments service does not take yet, a deadline of another service).

    with EventSource(system, producer="payments") as source:
        sent = source.publish("payment.succeeded", {...}, aggregate_id=order_id)
        source.redeliver(sent)  # the same event again, as after a relay crash before marking it sent
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.common.db import make_engine, new_metadata
from services.common.kernel_tables import add_kernel_tables
from services.common.outbox import EventRecorder
from services.common.runtime.relay import OUTBOX, Relay

from .waiting import wait_for


class EventSource:
    def __init__(self, system, producer: str):
        self.producer = producer
        self.engine = make_engine(system.databases.url(f"source_{producer}"), pool_size=2)
        metadata = new_metadata()
        add_kernel_tables(metadata)
        metadata.create_all(self.engine)
        self.relay = Relay(f"source_{producer}", self.engine, system.amqp_uri, poll_interval=0.1)
        self._thread = threading.Thread(target=self.relay.run, name=f"source-{producer}",
                                        daemon=True)

    def __enter__(self) -> EventSource:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.relay.stop()
        self._thread.join(10)
        self.engine.dispose()

    def publish(self, type_: str, data: dict[str, Any], *, aggregate_id: Any = None) -> dict:
        """Record the event (checked against its contract) and wait until the broker took it."""
        with Session(self.engine) as session, session.begin():
            envelope = EventRecorder(self.producer).record(session, type_, data,
                                                           aggregate_id=aggregate_id)
        self._wait_sent(envelope)
        return envelope

    def redeliver(self, envelope: dict) -> None:
        """Publish an event sent already once more, with the same id."""
        with self.engine.begin() as conn:
            conn.execute(update(OUTBOX).where(OUTBOX.c.event_id == envelope["id"])
                         .values(sent_at=None))
        self._wait_sent(envelope)

    def _wait_sent(self, envelope: dict) -> None:
        def sent() -> bool:
            with self.engine.connect() as conn:
                return conn.execute(select(OUTBOX.c.sent_at)
                                    .where(OUTBOX.c.event_id == envelope["id"])).scalar_one()

        wait_for(sent, timeout=15, message=f"the relay to publish {envelope['type']}")
