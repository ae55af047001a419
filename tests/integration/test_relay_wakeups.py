"""On PostgreSQL an idle relay is woken by the commit that recorded events, not by polling; what no
notification announced is still published by its periodic look."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest

from services.common.db import make_engine
from services.common.kernel_tables import OUTBOX_CHANNEL
from services.common.runtime.relay import Relay
from tests.integration.kernel import ProbeDatabases, probe_databases
from tests.support import harness
from tests.support.infra import PG_ADMIN_DSN
from tests.support.tap import EventTap
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def dbs(tmp_path) -> Iterator[ProbeDatabases]:
    databases = harness.Databases("postgresql", tmp_path)
    yield probe_databases(databases)
    databases.drop_all()


@contextmanager
def running(relay: Relay) -> Iterator[Relay]:
    thread = threading.Thread(target=relay.run, name="relay-under-test")
    thread.start()
    try:
        yield relay
    finally:
        relay.stop()
        thread.join(10)  # stop() interrupts the wait: no poll interval to sit out
        assert not thread.is_alive(), "the relay did not stop"
        relay.engine.dispose()


def relay_for(dbs: ProbeDatabases, amqp_uri: str, poll_interval: float) -> Relay:
    return Relay("probe_producer", make_engine(dbs.producer_url, pool_size=2), amqp_uri,
                 poll_interval=poll_interval)


def admin(sql: str, *params) -> list[tuple]:
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def listeners(dbs: ProbeDatabases) -> list[int]:
    """The backends LISTENing on the outbox channel in the producer's database."""
    database = dbs.producer_url.rsplit("/", 1)[1]
    return [pid for (pid,) in admin(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND query = %s",
        database, f"LISTEN {OUTBOX_CHANNEL}")]


def without_trigger(dbs: ProbeDatabases) -> None:
    """The producer's outbox notifies nobody of its commits."""
    engine = make_engine(dbs.producer_url, pool_size=1)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE outbox DISABLE TRIGGER outbox_notify")
    engine.dispose()


def test_a_commit_wakes_an_idle_relay(dbs, amqp_uri):
    tap = EventTap(amqp_uri, "probe.#")
    with running(relay_for(dbs, amqp_uri, poll_interval=120)):
        wait_for(lambda: listeners(dbs), message="the relay to listen")
        for batch in (["a", "b"], ["c"]):
            dbs.record_directly(batch)
            # Well inside the 120 s between looks: only the notification can have woken it.
            wait_for(lambda: dbs.outbox_unsent() == 0, timeout=10,
                     message="the events to leave on the commit's notification")
    assert [event["data"]["text"] for event in tap.drain()] == ["a", "b", "c"]


def test_events_no_notification_announced_leave_on_the_next_look(dbs, amqp_uri):
    without_trigger(dbs)
    tap = EventTap(amqp_uri, "probe.#")
    with running(relay_for(dbs, amqp_uri, poll_interval=0.5)):
        wait_for(lambda: listeners(dbs), message="the relay to listen")
        dbs.record_directly(["quiet"])
        wait_for(lambda: dbs.outbox_unsent() == 0, timeout=10,
                 message="the unannounced event to leave on a periodic look")
    assert [event["data"]["text"] for event in tap.drain()] == ["quiet"]


def test_a_service_that_wakes_its_relays_after_the_commit_needs_no_trigger(dbs, amqp_uri):
    without_trigger(dbs)
    tap = EventTap(amqp_uri, "probe.#")
    with running(relay_for(dbs, amqp_uri, poll_interval=120)):
        wait_for(lambda: listeners(dbs), message="the relay to listen")
        for batch in (["first"], ["second", "third"]):
            dbs.record_directly(batch, wake_relays_after_commit=True)
            # Well inside the 120 s between looks, with no trigger: the unit of work woke it.
            wait_for(lambda: dbs.outbox_unsent() == 0, timeout=10,
                     message="the events to leave on the wake-up after the commit")
    assert [event["data"]["text"] for event in tap.drain()] == ["first", "second", "third"]


def test_a_relay_listens_again_after_losing_its_connection(dbs, amqp_uri):
    tap = EventTap(amqp_uri, "probe.#")
    with running(relay_for(dbs, amqp_uri, poll_interval=120)):
        wait_for(lambda: listeners(dbs), message="the relay to listen")
        [lost] = listeners(dbs)
        admin("SELECT pg_terminate_backend(%s)", lost)
        wait_for(lambda: listeners(dbs) not in ([], [lost]), timeout=30,
                 message="the relay to listen on a new connection")
        dbs.record_directly(["after"])
        wait_for(lambda: dbs.outbox_unsent() == 0, timeout=10,
                 message="the event to leave on the new connection's notification")
    assert [event["data"]["text"] for event in tap.drain()] == ["after"]
