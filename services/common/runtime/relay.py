"""The outbox relay: publishes committed outbox rows to RabbitMQ, in order per aggregate.

One relay loop serves one service database; `atelier relay` runs one thread per service named.
A batch is claimed, published with publisher confirms, and marked sent in one database transaction:
if the relay dies after publishing but before the commit, the rows are published again later, and the
consumers' inboxes make the repeat a no-op. Nothing is marked sent that the broker did not confirm.
The rows of a batch are published back to back and their confirms awaited together (RabbitMQ's
"streaming confirms"), so a batch costs one broker round trip, not one per row; a nack or a lost
connection fails the whole batch, which stays unsent and is published again.

An idle relay waits for work. On PostgreSQL it LISTENs on `kernel_tables.OUTBOX_CHANNEL`, which a
trigger on the outbox notifies when a transaction that added rows commits, so an event leaves as
soon as it is committed; it also looks every `poll_interval` seconds, for anything a lost listening
connection missed. On SQLite, which has no notifications, it looks every `idle_wait` seconds.

Running two relays on one database is safe. On PostgreSQL each claims rows with
`FOR UPDATE SKIP LOCKED`, and holds back an aggregate's rows while an earlier row of the same
aggregate is claimed by the other, so order per aggregate holds. On SQLite the batch transaction
takes the database's write lock (BEGIN IMMEDIATE), so relays take turns.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from select import select as wait_readable

from kombu import Connection, Producer
from sqlalchemy import MetaData, delete, func, select, update
from sqlalchemy.engine import Connection as DbConnection
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from .. import clock, failpoints, settings
from ..db import is_sqlite, make_engine
from ..kernel_tables import OUTBOX_CHANNEL, outbox_table
from . import topology

log = logging.getLogger("atelier.relay")

OUTBOX = outbox_table(MetaData())


@dataclass(frozen=True)
class Row:
    seq: int
    event_id: str
    type: str
    aggregate_id: str | None
    payload: str


class Relay:
    def __init__(
        self,
        service: str,
        engine: Engine,
        amqp_uri: str,
        *,
        batch_size: int = 200,
        idle_wait: float = 0.02,
        poll_interval: float = 1.0,
        retention_hours: float = 72,
        confirm_timeout: float = 30.0,
    ):
        self.service = service
        self.engine = engine
        self.amqp_uri = amqp_uri
        self.batch_size = batch_size
        self.idle_wait = idle_wait
        self.poll_interval = poll_interval
        self.retention_hours = retention_hours
        self.confirm_timeout = confirm_timeout
        self.stopping = threading.Event()
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._confirms = BatchConfirms()
        self._last_prune = 0.0
        self._wakeups = None if is_sqlite(engine) else Wakeups(engine, OUTBOX_CHANNEL)

    # -- broker ---------------------------------------------------------------------------------
    def _ensure_producer(self) -> Producer:
        if self._producer is not None:
            return self._producer
        delay = 0.2
        while not self.stopping.is_set():
            conn = Connection(self.amqp_uri)
            try:
                conn.ensure_connection(max_retries=1)
                channel = conn.channel()
                topology.events_exchange()(channel).declare()
                self._confirms = BatchConfirms()
                self._confirms.listen(channel)
                self._connection = conn
                self._producer = Producer(channel, exchange=topology.events_exchange())
                log.info("relay %s connected to the broker", self.service)
                return self._producer
            except topology.BROKER_ERRORS as exc:
                conn.release()
                log.warning("relay %s: broker unreachable (%s); retrying in %.1fs",
                            self.service, exc, delay)
                self.stopping.wait(delay)
                delay = min(delay * 2, 10.0)
        raise SystemExit(0)

    def _drop_connection(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - the connection is already broken; nothing to save
                log.debug("closing a broken connection failed", exc_info=True)
        self._connection = None
        self._producer = None

    def _publish(self, rows: list[Row]) -> None:
        producer = self._ensure_producer()
        self._confirms.expect(len(rows))
        for row in rows:
            producer.publish(
                row.payload,
                routing_key=row.type,
                serializer=None,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                message_id=row.event_id,
                headers=self._headers(row),
                retry=False,
            )
        self._confirms.wait(self._connection, timeout=self.confirm_timeout)

    @staticmethod
    def _headers(row: Row) -> dict:
        # Nameko passes `nameko.*` headers to the worker's context data: the request id follows.
        correlation_id = json.loads(row.payload).get("correlation_id")
        return {"nameko.request_id": correlation_id} if correlation_id else {}

    # -- database -------------------------------------------------------------------------------
    def _claim(self, conn: DbConnection) -> list[Row]:
        query = (
            select(OUTBOX.c.seq, OUTBOX.c.event_id, OUTBOX.c.type, OUTBOX.c.aggregate_id,
                   OUTBOX.c.payload)
            .where(OUTBOX.c.sent_at.is_(None))
            .order_by(OUTBOX.c.seq)
            .limit(self.batch_size)
        )
        if not is_sqlite(self.engine):
            query = query.with_for_update(skip_locked=True)
        rows = [Row(*r) for r in conn.execute(query)]
        if not rows or is_sqlite(self.engine):
            return rows
        return self._hold_back_blocked_aggregates(conn, rows)

    def _hold_back_blocked_aggregates(self, conn: DbConnection, rows: list[Row]) -> list[Row]:
        """Drop rows whose aggregate has an earlier unsent row that another relay holds."""
        claimed = {r.seq for r in rows}
        aggregates = {r.aggregate_id for r in rows if r.aggregate_id is not None}
        if not aggregates:
            return rows
        earliest_elsewhere = dict(
            conn.execute(
                select(OUTBOX.c.aggregate_id, func.min(OUTBOX.c.seq))
                .where(
                    OUTBOX.c.sent_at.is_(None),
                    OUTBOX.c.aggregate_id.in_(aggregates),
                    OUTBOX.c.seq.not_in(claimed),
                    OUTBOX.c.seq < max(claimed),
                )
                .group_by(OUTBOX.c.aggregate_id)
            ).all()
        )
        return [
            r for r in rows
            if r.aggregate_id not in earliest_elsewhere or r.seq < earliest_elsewhere[r.aggregate_id]
        ]

    def _mark_sent(self, conn: DbConnection, rows: list[Row]) -> None:
        conn.execute(
            update(OUTBOX).where(OUTBOX.c.seq.in_([r.seq for r in rows])).values(sent_at=clock.now())
        )

    def _prune(self) -> None:
        if time.monotonic() - self._last_prune < 60:
            return
        self._last_prune = time.monotonic()
        cutoff = clock.now() - timedelta(hours=self.retention_hours)
        with self.engine.begin() as conn:
            conn.execute(delete(OUTBOX).where(OUTBOX.c.sent_at < cutoff))

    # -- loop -----------------------------------------------------------------------------------
    def _has_pending(self) -> bool:
        """SQLite: a look without locks before the batch's BEGIN IMMEDIATE, which would hold up
        the service's writes. PostgreSQL skips it: its claim locks only the rows it takes, and a
        relay there runs when a notification (or its periodic look) says so."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            pending = select(OUTBOX.c.seq).where(OUTBOX.c.sent_at.is_(None)).limit(1)
            return conn.execute(pending).first() is not None

    def run_once(self) -> int:
        """Publish one batch; returns how many events were published."""
        if is_sqlite(self.engine) and not self._has_pending():
            return 0
        with self.engine.begin() as conn:
            rows = self._claim(conn)
            if not rows:
                return 0
            try:
                self._publish(rows)
            except BrokerUnavailable:
                self._drop_connection()  # late confirms of this batch must not count for the next
                raise
            except topology.BROKER_ERRORS as exc:
                self._drop_connection()
                raise BrokerUnavailable(str(exc)) from exc
            failpoints.hit("relay.after_publish")
            self._mark_sent(conn, rows)
        return len(rows)

    def run(self) -> None:
        log.info("relay %s started", self.service)
        delay = 0.2
        while not self.stopping.is_set():
            try:
                published = self.run_once()
                delay = 0.2
            except (BrokerUnavailable, DBAPIError) as exc:
                log.warning("relay %s: %s; retrying in %.1fs", self.service, exc, delay)
                self.stopping.wait(delay)
                delay = min(delay * 2, 10.0)
                continue
            if published < self.batch_size:
                self._prune()
                self._wait_for_work()
        self._drop_connection()
        if self._wakeups is not None:
            self._wakeups.close()
        log.info("relay %s stopped", self.service)

    def _wait_for_work(self) -> None:
        if self._wakeups is None or not self._wakeups.wait(self.poll_interval):
            self.stopping.wait(self.idle_wait)

    def stop(self) -> None:
        self.stopping.set()
        if self._wakeups is not None:
            self._wakeups.interrupt()


class Wakeups:
    """PostgreSQL notifications on `channel`, on a connection of the relay's own, outside its pool.

    `wait(timeout)` returns True when a notification came, `interrupt()` was called, or `timeout`
    passed; False at once when it cannot listen (the database is away; it tries again after
    `retry_after` seconds), for the caller to wait as it would without notifications. Listening
    starts on the first `wait` and again after a lost connection; the caller looks for work after
    every return, so nothing notified meanwhile is missed."""

    def __init__(self, engine: Engine, channel: str, retry_after: float = 5.0):
        self.engine, self.channel, self.retry_after = engine, channel, retry_after
        self._connection = None  # the DBAPI connection, listening
        self._next_try = 0.0
        self._driver_error = engine.dialect.loaded_dbapi.Error
        self._read_end, self._write_end = os.pipe()

    def _listen(self) -> bool:
        if time.monotonic() < self._next_try:
            return False
        self._next_try = time.monotonic() + self.retry_after
        try:
            pooled = self.engine.raw_connection()
            self._connection = pooled.driver_connection
            pooled.detach()  # kept for as long as the relay runs; closed, not pooled, at the end
            self._connection.autocommit = True
            with self._connection.cursor() as cursor:
                cursor.execute(f"LISTEN {self.channel}")
        except (DBAPIError, self._driver_error) as exc:
            log.warning("cannot listen for outbox notifications: %s", exc)
            self._disconnect()
            return False
        return True

    def wait(self, timeout: float) -> bool:
        if self._connection is None and not self._listen():
            return False
        ready, _, _ = wait_readable([self._connection, self._read_end], [], [], timeout)
        if self._read_end in ready:
            os.read(self._read_end, 64)
        if self._connection in ready:
            try:
                self._connection.poll()
                self._connection.notifies.clear()
            except self._driver_error as exc:
                log.warning("outbox notifications lost: %s", exc)
                self._disconnect()
        return True

    def interrupt(self) -> None:
        os.write(self._write_end, b"x")

    def close(self) -> None:
        """For good: the listening connection and the pipe."""
        self._disconnect()
        os.close(self._read_end)
        os.close(self._write_end)

    def _disconnect(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except self._driver_error:
                log.debug("closing the listening connection failed", exc_info=True)
        self._connection = None


class BrokerUnavailable(Exception):
    pass


class BatchConfirms:
    """Publisher confirms of one channel, awaited per batch.

    After `confirm.select` the broker numbers the channel's publishes 1, 2, 3, ... and acks (or nacks)
    each, or all up to one with `multiple`. `expect(n)` notes the tags of the next n publishes;
    `wait()` reads the connection until every one of them is acked.
    """

    def __init__(self):
        self._published = 0
        self._outstanding: set[int] = set()
        self._nacked = False

    def listen(self, channel) -> None:
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)

    def expect(self, count: int) -> None:
        first = self._published + 1
        self._published += count
        self._outstanding.update(range(first, self._published + 1))
        self._nacked = False

    def wait(self, connection: Connection, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self._outstanding and not self._nacked:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrokerUnavailable(f"{len(self._outstanding)} publishes not confirmed in time")
            try:
                connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        if self._nacked:
            self._outstanding.clear()
            raise BrokerUnavailable("the broker refused (nacked) a publish")

    def _settle(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._outstanding = {tag for tag in self._outstanding if tag > delivery_tag}
        else:
            self._outstanding.discard(delivery_tag)

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)
        self._nacked = True


def relay_for(service: str, **kwargs) -> Relay:
    engine = make_engine(settings.database_url(service), pool_size=2)
    return Relay(service, engine, settings.amqp_uri(), **kwargs)
