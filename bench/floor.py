"""The floor under a checkout on this stack: the CPU of the parts every checkout is made of,
measured one at a time with nothing of the product's work, so that the CPU a checkout needs at
least can be read beside what it spends and beside the reference's order create.

    .venv/bin/python -m bench.floor [--calls 2000] [--concurrency 16]

Two Nameko services run as Atelier's do (`nameko run --config deploy/nameko.yaml`, the kernel's
`rpc` entrypoint and `RpcProxy`, a PostgreSQL engine from `services.common.db`), and the machine's
RabbitMQ and PostgreSQL:
- a service-to-service RPC round trip: the caller asks the callee for nothing, `--calls` times,
  `--concurrency` at once;
- a write transaction from a service: BEGIN, one single-row INSERT, COMMIT, as many, as many at
  once; and one of six such INSERTs, the size of checkout's orders transaction.
Each figure is the CPU every process involved spent (caller, callee, RabbitMQ, PostgreSQL), from
/proc, divided by the operations made; what RabbitMQ and PostgreSQL spend while the services are
idle just before (other work on a shared machine) is taken off theirs. Prints figures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import eventlet
from nameko.exceptions import UnknownService
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from bench.common import CpuMeter, machine, table
from bench.processes import BIN, broker_and_database, start, stop, wait_until
from services.common.db import make_engine
from services.common.runtime.rpc import RpcProxy, rpc

metadata = MetaData()
rows = Table("rows", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
             Column("note", String(40), nullable=False))

_engine = None


def engine():
    global _engine
    if _engine is None:
        _engine = make_engine(os.environ["FLOOR_DATABASE_URL"])
    return _engine


def _together(n: int, concurrency: int, work) -> float:
    """`work()` n times, `concurrency` at once on green threads; the seconds it took."""
    pool = eventlet.GreenPool(concurrency)
    began = time.perf_counter()
    for _ in range(n):
        pool.spawn_n(work)
    pool.waitall()
    return time.perf_counter() - began


# -- the services (`nameko run bench.floor:Callee bench.floor:Caller`) -------------------------------
class Callee:
    name = "floor_callee"

    @rpc
    def ping(self) -> dict:
        return {}


class Caller:
    name = "floor_caller"
    callee = RpcProxy("floor_callee")

    @rpc
    def calls(self, n: int, concurrency: int) -> float:
        return _together(n, concurrency, lambda: self.callee.ping())

    @rpc
    def writes(self, n: int, concurrency: int, statements: int = 1) -> float:
        def write() -> None:
            with engine().begin() as conn:
                for _ in range(statements):
                    conn.execute(insert(rows).values(note="floor"))

        return _together(n, concurrency, write)


# -- the measurement ----------------------------------------------------------------------------------
@contextlib.contextmanager
def running(amqp_uri: str, database_url: str) -> Iterator[tuple[ClusterRpcProxy, CpuMeter]]:
    db = make_engine(database_url, pool_size=1)
    metadata.create_all(db)
    db.dispose()
    work = Path(tempfile.mkdtemp(prefix="atelier-floor-"))
    env = {"AMQP_URI": amqp_uri, "FLOOR_DATABASE_URL": database_url}
    procs = [start([str(BIN / "nameko"), "run", "--config", "deploy/nameko.yaml",
                    f"bench.floor:{name}"], env, work / f"{name}.log")
             for name in ("Callee", "Caller")]
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=600) as proxy:
            def answers() -> bool:
                if any(proc.poll() is not None for proc in procs):
                    raise SystemExit(f"a floor service exited; see the logs in {work}")
                try:
                    return proxy.floor_caller.calls(1, 1) >= 0
                except UnknownService:  # not consuming yet
                    return False

            wait_until(answers, 60, "the floor services")
            yield proxy, CpuMeter({"callee": [procs[0].pid], "caller": [procs[1].pid]},
                                  {"PostgreSQL": "postgres:", "RabbitMQ": "rabbit"})
    finally:
        for proc in procs:
            stop(proc)


SHARED = ("PostgreSQL", "RabbitMQ")  # servers other work on the machine may use meanwhile
IDLE_SECONDS = 2.0


def measure(amqp_uri: str, database_url: str, calls: int = 2000,
            concurrency: int = 16) -> list[list[str]]:
    """One row per part: what it is, per second, CPU ms each by process and in all."""
    parts = [("service-to-service RPC round trip (kernel `rpc` and `RpcProxy`)", "calls", {}),
             ("write transaction from a service: BEGIN, 1 INSERT, COMMIT", "writes", {}),
             ("write transaction from a service: BEGIN, 6 INSERTs, COMMIT", "writes",
              {"statements": 6})]
    found = []
    with running(amqp_uri, database_url) as (proxy, meter):
        for what, method, options in parts:
            getattr(proxy.floor_caller, method)(min(calls, 200), concurrency, **options)  # warm
            meter.start()
            time.sleep(IDLE_SECONDS)
            idle = {name: ms / IDLE_SECONDS for name, ms in meter.ms_by_group().items()
                    if name in SHARED}
            meter.start()
            seconds = getattr(proxy.floor_caller, method)(calls, concurrency, **options)
            cpu = meter.ms_by_group()
            each = {name: max(ms - idle.get(name, 0.0) * seconds, 0.0) / calls
                    for name, ms in cpu.items()}
            found.append([what, f"{calls / seconds:,.0f}",
                          ", ".join(f"{name} {ms:.2f}" for name, ms in sorted(
                              each.items(), key=lambda item: -item[1]) if ms >= 0.005),
                          f"{sum(each.values()):.2f}"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with broker_and_database("floor") as (amqp_uri, database_url):
        found = measure(amqp_uri, database_url, args.calls, args.concurrency)
    print(f"## The parts of a checkout on this machine\n\n{machine()} · {args.concurrency} at "
          f"once · {args.calls} each\n")
    print(table(["part", "per second", "CPU ms each, by process", "CPU ms each, in all"], found))


if __name__ == "__main__":
    main()
