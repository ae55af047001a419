"""How services use the database and the clock under Nameko's green threads."""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pytest
from nameko.exceptions import IncorrectSignature
from sqlalchemy import text

from services.common.db import make_engine
from tests.integration.kernel import PRODUCER, probe_databases
from tests.support.harness import Databases, _pg_admin, rpc_proxy, wait_for

pytestmark = pytest.mark.integration


def test_a_slow_postgresql_query_does_not_stall_a_concurrent_call(processes, amqp_uri, tmp_path):
    dbs = Databases("postgresql", tmp_path)
    try:
        probe = probe_databases(dbs)
        processes.service(PRODUCER, probe.env, wait="probe_producer")
        finished: dict[str, float] = {}

        def call(method: str, *args):
            with rpc_proxy(amqp_uri, timeout=30) as rpc:
                getattr(rpc.probe_producer, method)(*args)
            finished[method] = time.monotonic()

        slow = threading.Thread(target=call, args=("slow", 3))
        slow.start()
        wait_for(lambda: sleeping_queries(probe.producer_url) == 1,
                 message="the slow query to be running")
        call("fast")
        slow.join(30)

        assert finished["fast"] < finished["slow"], (
            "the fast call waited for the slow query: the database driver blocks the event loop"
        )
    finally:
        dbs.drop_all()


def sleeping_queries(url: str) -> int:
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND state = 'active' "
                "AND query LIKE 'SELECT pg_sleep%'"
            )).scalar_one()
    finally:
        engine.dispose()


def test_moving_the_clock_moves_every_service(processes, amqp_uri, tmp_path):
    probe = probe_databases(Databases("sqlite", tmp_path))
    clock_file = tmp_path / "clock"
    processes.service(PRODUCER, {**probe.env, "ATELIER_CLOCK_FILE": str(clock_file)},
                      wait="probe_producer")
    with rpc_proxy(amqp_uri) as rpc:
        before = datetime.fromisoformat(rpc.probe_producer.now())
        clock_file.write_text(str(73 * 3600))
        after = datetime.fromisoformat(rpc.probe_producer.now())
    assert 73 * 3600 <= (after - before).total_seconds() < 73 * 3600 + 60


def test_a_pooled_postgresql_connection_the_server_dropped_is_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr("services.common.db.IDLE_PING_SECONDS", 0.0)
    dbs = Databases("postgresql", tmp_path)
    try:
        engine = make_engine(dbs.url("pool"), pool_size=2)
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with _pg_admin() as admin, admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (first,))

        with engine.connect() as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

        assert second != first
        engine.dispose()
    finally:
        dbs.drop_all()


def test_a_call_with_arguments_the_method_does_not_take_is_refused(processes, databases, amqp_uri):
    probe = probe_databases(databases)
    processes.service(PRODUCER, probe.env, wait="probe_producer")
    with rpc_proxy(amqp_uri) as rpc:
        with pytest.raises(IncorrectSignature, match="unexpected keyword argument 'colour'"):
            rpc.probe_producer.record(["a"], colour="red")
        with pytest.raises(IncorrectSignature, match="missing a required argument"):
            rpc.probe_producer.record()
        assert len(rpc.probe_producer.record(["b"])) == 1
    assert probe.outbox_unsent() == 1  # the refused calls recorded nothing
