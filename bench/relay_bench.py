"""Outbox relay: events/s and latency from outbox insert to the consumer's effect, on PostgreSQL.

Measured beside, in the same run: raw RabbitMQ publishing with confirms (kombu, one publisher; each
publish waits for its confirm, the reference of DESIGN.md and of the target), the same with confirms
awaited per batch of 200 (the relay's way, the broker's ceiling for it) and raw PostgreSQL
single-row INSERT+COMMIT (one client). Last, what an idle relay costs: one `atelier relay` over six
empty outboxes for 10 s (its CPU, PostgreSQL's, and the transactions it makes). Reproduce with:

    .venv/bin/python -m bench.relay_bench [--events 4000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from kombu import Connection, Exchange, Producer, Queue
from sqlalchemy import func, select

from bench.common import CpuMeter, machine, percentile, table
from services.common import clock
from services.common.db import make_engine
from services.common.runtime.relay import BatchConfirms
from tests.integration.kernel import CONSUMER, probe_databases
from tests.support import harness
from tests.support import probe_services as probes

COMMAND = "make bench  (or: .venv/bin/python -m bench.relay_bench)"
PAYLOAD = json.dumps({"id": str(uuid.uuid4()), "type": "probe.note_recorded", "data": {
    "note_id": str(uuid.uuid4()), "text": "x" * 80, "position": 1}})


@contextmanager
def raw_target(channel) -> Iterator[Callable[[], None]]:
    """A durable queue of its own on `channel`, removed afterwards, and a persistent publish to it."""
    exchange = Exchange("bench.raw", type="direct", durable=True)
    queue = Queue("bench.raw", exchange=exchange, routing_key="raw", durable=True)
    queue(channel).declare()
    producer = Producer(channel, exchange=exchange)
    try:
        yield lambda: producer.publish(PAYLOAD, routing_key="raw", delivery_mode=2,
                                       serializer=None, content_type="application/json",
                                       content_encoding="utf-8")
    finally:
        queue(channel).delete()


def raw_publish_confirm(amqp_uri: str, n: int) -> float:
    """Each publish waits for its confirm (kombu's `confirm_publish`)."""
    with (Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn,
          raw_target(conn.channel()) as publish):
        started = time.perf_counter()
        for _ in range(n):
            publish()
        return n / (time.perf_counter() - started)


def raw_publish_batch_confirm(amqp_uri: str, n: int, batch: int = 200) -> float:
    """Publishes in batches whose confirms are awaited together, as the relay does."""
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        confirms = BatchConfirms()
        confirms.listen(channel)
        with raw_target(channel) as publish:
            started = time.perf_counter()
            for first in range(0, n, batch):
                count = min(batch, n - first)
                confirms.expect(count)
                for _ in range(count):
                    publish()
                confirms.wait(conn, timeout=30)
            return n / (time.perf_counter() - started)


def raw_pg_insert(url: str, n: int) -> float:
    conn = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE bench_raw (id uuid primary key, body text)")
    conn.commit()
    started = time.perf_counter()
    with conn.cursor() as cur:
        for _ in range(n):
            cur.execute("INSERT INTO bench_raw VALUES (%s, %s)", (str(uuid.uuid4()), PAYLOAD))
            conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return n / elapsed


def handled_latencies(dbs, since) -> list[float]:
    """Seconds from outbox insert (producer) to inbox record (consumer), for events since `since`."""
    producer = make_engine(dbs.producer_url, pool_size=1)
    consumer = make_engine(dbs.consumer_url, pool_size=1)
    outbox = probes.producer_metadata.tables["outbox"]
    inbox = probes.consumer_metadata.tables["inbox"]
    with producer.connect() as p, consumer.connect() as c:
        created = dict(p.execute(select(outbox.c.event_id, outbox.c.created_at)
                                 .where(outbox.c.created_at >= since)).all())
        handled = dict(c.execute(select(inbox.c.event_id, inbox.c.handled_at)).all())
    producer.dispose()
    consumer.dispose()
    return [(handled[k] - created[k]).total_seconds() for k in handled if k in created]


class ReceivedCounter:
    """How many events the consumers stored: one `count(*)` on a kept connection, so that
    watching the run costs it next to nothing."""

    def __init__(self, dbs):
        self.engine = make_engine(dbs.consumer_url, pool_size=1)
        self.statement = select(func.count()).select_from(probes.consumer_metadata.tables["received"])

    def __call__(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(self.statement).scalar_one()

    def close(self) -> None:
        self.engine.dispose()


def idle_cost(amqp_uri: str, dbs_factory, tmp: Path, outboxes: int = 6,
              seconds: float = 10.0) -> tuple[float, float, float]:
    """One `atelier relay` over `outboxes` empty outboxes (a database each, as the six services
    have), left idle for `seconds`: its CPU and PostgreSQL's in ms per second, and the
    transactions it makes per second (PostgreSQL's commit counts for those databases)."""
    names = [f"idle{n}" for n in range(outboxes)]
    urls = {name: dbs_factory.url(name) for name in names}
    for url in urls.values():
        probes.create_tables(probes.producer_metadata, url)
    env = {f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()}
    relay = harness.relay_process(names, env, tmp, amqp_uri).start()
    datnames = [url.rsplit("/", 1)[1] for url in urls.values()]

    def commits() -> int:
        conn = psycopg2.connect(harness.PG_ADMIN_DSN)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT sum(xact_commit) FROM pg_stat_database "
                            "WHERE datname = ANY(%s)", (datnames,))
                return int(cur.fetchone()[0])
        finally:
            conn.close()  # a psycopg2 `with` block ends the transaction, not the connection

    try:
        harness.wait_for(lambda: relay.logs().count(" started") >= outboxes,
                         timeout=60, message="the idle relay to start")
        threading.Event().wait(2.0)  # past the first look of each loop
        meter = CpuMeter({"relay": [relay.proc.pid]}, {"PostgreSQL": "postgres:"})
        before = commits()
        meter.start()
        threading.Event().wait(seconds)
        cpu = meter.ms_by_group()
        # pg_stat_database lags by up to PGSTAT_MIN_INTERVAL (1 s); `commits` reads it at the end.
        transactions = (commits() - before) / seconds
    finally:
        relay.stop()
    return cpu["relay"] / seconds, cpu["PostgreSQL"] / seconds, transactions


def run(events: int = 4000) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="atelier-bench-"))
    vhost = harness.VirtualHost().create()
    dbs_factory = harness.Databases("postgresql", tmp)
    started: list[harness.Process] = []
    try:
        publish_rate = raw_publish_confirm(vhost.uri, 3000)
        batch_publish_rate = raw_publish_batch_confirm(vhost.uri, 6000)
        insert_rate = raw_pg_insert(dbs_factory.url("raw"), 3000)

        dbs = probe_databases(dbs_factory)
        consumers = [harness.ServiceProcess(CONSUMER, dbs.env, tmp, vhost.uri).start()
                     for _ in range(2)]
        started += consumers
        for c in consumers:
            c.wait_healthy("probe_consumer")

        # Throughput: a backlog of events, drained by one relay into two consumer replicas.
        for _ in range(events // 100):
            dbs.record_directly(["x" * 80] * 100)
        count_received = ReceivedCounter(dbs)
        relay = harness.relay_process(["probe_producer"], dbs.env, tmp, vhost.uri).start()
        started.append(relay)
        t0 = time.perf_counter()
        harness.wait_for(lambda: count_received() >= events, timeout=600, interval=0.2,
                         message="the backlog to be consumed")
        throughput = events / (time.perf_counter() - t0)

        # Latency: a steady 200 events/s for 10 s, each in its own transaction.
        base = count_received()
        since = clock.now()
        steady = 2000
        pause = threading.Event()
        t_start = time.perf_counter()
        for i in range(steady):
            dbs.record_directly([f"steady {i}"])
            wait = t_start + (i + 1) / 200 - time.perf_counter()
            if wait > 0:
                pause.wait(wait)
        harness.wait_for(lambda: count_received() >= base + steady, timeout=120,
                         message="the steady events to be consumed")
        count_received.close()
        latencies = handled_latencies(dbs, since)
        relay.stop()
        idle_relay_ms, idle_pg_ms, idle_transactions = idle_cost(vhost.uri, dbs_factory, tmp)
    finally:
        for proc in reversed(started):
            proc.stop()
        dbs_factory.drop_all()
        vhost.delete().wait(30)

    ratio = throughput / batch_publish_rate  # the relay awaits confirms per batch, as this does
    report = [
        "## Outbox relay (PostgreSQL)",
        "",
        f"`{COMMAND}` — {machine()}",
        "",
        table(["path", "rate"], [
            ["raw RabbitMQ publish with confirms (kombu, 1 publisher)", f"{publish_rate:,.0f} msg/s"],
            ["raw RabbitMQ publish, confirms awaited per batch of 200 (as the relay)",
             f"{batch_publish_rate:,.0f} msg/s"],
            ["raw PostgreSQL INSERT+COMMIT (1 client)", f"{insert_rate:,.0f} rows/s"],
            [f"outbox → relay → 2 consumers with inbox ({events} queued events)",
             f"{throughput:,.0f} events/s ({ratio:.0%} of raw publishing confirmed per batch; "
             "target ≥ 50%)"],
        ]),
        "",
        f"Latency from outbox insert to the consumer's committed effect at a steady 200 events/s "
        f"({len(latencies)} events): p50 {percentile(latencies, 50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.1f} ms.",
        "",
        f"Idle, one relay over six empty outboxes for 10 s: {idle_transactions:,.0f} "
        f"transactions/s; CPU {idle_relay_ms:.1f} ms/s in the relay and {idle_pg_ms:.1f} ms/s in "
        "PostgreSQL.",
    ]
    return "\n".join(report)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=4000)
    args = parser.parse_args(argv)
    print(run(args.events))


if __name__ == "__main__":
    sys.exit(main())
