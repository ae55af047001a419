"""The reference shape: the two requests of the Nameko reference example, on the stack's stock parts.

    .venv/bin/python -m bench.reference [--seconds 10] [--clients 16]

DESIGN.md and the benchmark targets quote the Nameko reference example (nameko/nameko-examples:
products, orders and a gateway) for a product GET and an order create. This builds those two
requests again from the parts of Atelier's stack as they come, with none of the product's work:
- a Flask app under gunicorn with the gateway's production settings (`gateway/gunicorn.conf.py`),
  calling services through a pool of Nameko's `ClusterRpcProxy` (as DESIGN.md advises);
- two Nameko services run by `nameko run --config deploy/nameko.yaml`, on a PostgreSQL database
  through SQLAlchemy (`services.common.db.make_engine`), announcing with Nameko's `EventDispatcher`;
- the machine's RabbitMQ and PostgreSQL.

The requests:
- `GET /products/<id>`: one RPC, one primary-key read;
- `POST /orders`: one RPC reads the product, a second writes the order and its line in one
  transaction and dispatches `order_created`, which the products service consumes to take the
  stock. No validation, authentication, stock hold, outbox or idempotency.

`measure()` returns their throughput, latency and CPU per request at `clients` concurrent clients,
for another benchmark to print beside its own figures from the same run: on this machine kind
figures drift up to twofold between runs, so a target stated against the reference example is best
read against the reference shape measured on the machine at hand. The orders and catalog
benchmarks do that.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nameko.events import EventDispatcher, event_handler
from nameko.rpc import rpc
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, update

from bench import load
from bench.common import CpuMeter, machine
from bench.processes import (
    BIN,
    broker_and_database,
    free_port,
    gunicorn_cmd,
    request,
    start,
    stop,
    wait_until,
)
from services.common.db import make_engine

metadata = MetaData()
products = Table("products", metadata, Column("id", Integer, primary_key=True),
                 Column("price", Integer, nullable=False), Column("stock", Integer, nullable=False))
orders = Table("orders", metadata, Column("id", Integer, primary_key=True))
order_lines = Table("order_lines", metadata, Column("id", Integer, primary_key=True),
                    Column("order_id", Integer, nullable=False),
                    Column("product_id", Integer, nullable=False),
                    Column("price", Integer, nullable=False),
                    Column("quantity", Integer, nullable=False))
PRODUCTS = 1000
CPU_GROUPS = ("services", "app", "PostgreSQL", "RabbitMQ")
OWN_GROUPS = ("services", "app")  # without the servers other work on the machine may share


# -- the services (`nameko run bench.reference:Products bench.reference:Orders`) -----------------------------
_engine = None


def engine():
    global _engine
    if _engine is None:
        _engine = make_engine(os.environ["REFERENCE_DATABASE_URL"])  # as the services make theirs
    return _engine


class Products:
    name = "reference_products"

    @rpc
    def get(self, product_id: int) -> dict:
        with engine().connect() as conn:
            row = conn.execute(select(products).where(products.c.id == product_id)).one()
        return dict(row._mapping)

    @event_handler("reference_orders", "order_created")
    def take_stock(self, payload: dict) -> None:
        with engine().begin() as conn:
            conn.execute(update(products).where(products.c.id == payload["product_id"])
                         .values(stock=products.c.stock - payload["quantity"]))


class Orders:
    name = "reference_orders"
    dispatch = EventDispatcher()

    @rpc
    def create(self, product: dict, quantity: int) -> dict:
        with engine().begin() as conn:
            order_id = conn.execute(insert(orders).values().returning(orders.c.id)).scalar_one()
            conn.execute(insert(order_lines).values(
                order_id=order_id, product_id=product["id"], price=product["price"],
                quantity=quantity))
        self.dispatch("order_created", {"id": order_id, "product_id": product["id"],
                                        "quantity": quantity})
        return {"id": order_id}


# -- the app (`gunicorn -c gateway/gunicorn.conf.py "bench.reference:create_app()"`) ----------------------
def create_app():
    from flask import Flask, request
    from nameko.standalone.rpc import ClusterRpcProxy

    app = Flask("reference")
    proxies: queue.SimpleQueue = queue.SimpleQueue()

    def call(service: str, method: str, *args):
        try:
            proxy, services = proxies.get_nowait()
        except queue.Empty:
            proxy = ClusterRpcProxy({"AMQP_URI": os.environ["AMQP_URI"]}, timeout=30)
            services = proxy.start()
        try:
            return getattr(getattr(services, service), method)(*args)
        finally:
            proxies.put((proxy, services))

    @app.get("/products/<int:product_id>")
    def product(product_id: int):
        return call("reference_products", "get", product_id)

    @app.post("/orders")
    def create_order():
        body = request.get_json()
        found = call("reference_products", "get", body["product_id"])
        return call("reference_orders", "create", found, body["quantity"]), 201

    return app


# -- the measurement --------------------------------------------------------------------------------
def product_page(rng: random.Random) -> load.Call:
    return load.Call("GET", f"/products/{rng.randint(1, PRODUCTS)}")


def order_create(rng: random.Random) -> load.Call:
    body = json.dumps({"product_id": rng.randint(1, PRODUCTS), "quantity": 1}).encode()
    return load.Call("POST", "/orders", body, {"Content-Type": "application/json"}, ok=(201,))


SCENARIOS = {"get": product_page, "create": order_create}


@dataclass
class Running:
    """The reference's services and app, started: `port` is the app's; `meter` reads the CPU
    its processes, PostgreSQL and RabbitMQ spend."""
    port: int
    meter: CpuMeter

    def measure(self, which: str, clients: int, seconds: float) -> dict:
        """`which` request ("get" or "create") at `clients` closed-loop clients: rps, p50, p99
        (ms), errors, `cpu_ms` per request in every process that served it and `own_cpu_ms` in
        its own processes alone (without PostgreSQL and RabbitMQ)."""
        self.meter.start()
        result = load.closed_loop(self.port, SCENARIOS[which], clients=clients, seconds=seconds)
        cpu = self.meter.ms_by_group()
        return {**result.figures(),
                "cpu_ms": sum(cpu[group] for group in CPU_GROUPS) / max(result.sent, 1),
                "own_cpu_ms": sum(cpu[group] for group in OWN_GROUPS) / max(result.sent, 1)}


@contextlib.contextmanager
def running(amqp_uri: str, database_url: str) -> Iterator[Running]:
    """Start the reference's two services and its app on `amqp_uri` and an empty PostgreSQL
    database at `database_url`; stop them afterwards."""
    db = make_engine(database_url, pool_size=1)
    metadata.create_all(db)
    with db.begin() as conn:
        conn.execute(insert(products), [{"id": n, "price": 10_000 + n, "stock": 10**9}
                                        for n in range(1, PRODUCTS + 1)])
    db.dispose()
    work = Path(tempfile.mkdtemp(prefix="atelier-reference-"))
    env = {"AMQP_URI": amqp_uri, "REFERENCE_DATABASE_URL": database_url}
    port = free_port()
    procs = [start([str(BIN / "nameko"), "run", "--config", "deploy/nameko.yaml",
                    f"bench.reference:{name}"], env, work / f"{name}.log")
             for name in ("Products", "Orders")]
    procs.append(start(gunicorn_cmd("bench.reference:create_app()"), {
        **env, "GATEWAY_BIND": f"127.0.0.1:{port}",
        "PROMETHEUS_MULTIPROC_DIR": str(work)}, work / "app.log"))
    try:
        def answers() -> bool:
            for proc in procs:
                if proc.poll() is not None:
                    raise SystemExit(f"a reference process exited; see the logs in {work}")
            return request(port, "GET", "/products/1")[0] == 200

        wait_until(answers, 60, "the reference app and services")
        yield Running(port, CpuMeter({"services": [p.pid for p in procs[:2]],
                                      "app": [procs[2].pid]},
                                     {"PostgreSQL": "postgres:", "RabbitMQ": "rabbit"}))
    finally:
        for proc in procs:
            stop(proc)


def measure(amqp_uri: str, database_url: str, clients: int = 16, seconds: float = 10.0,
            which: tuple[str, ...] = ("get", "create")) -> dict[str, dict]:
    """`which` of the two requests measured once each, the reference started and stopped."""
    with running(amqp_uri, database_url) as reference:
        return {name: reference.measure(name, clients, seconds) for name in which}


def describe(result: dict) -> str:
    return (f"{result['rps']:.0f}/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
            f"{result['cpu_ms']:.1f} ms CPU each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    with broker_and_database("reference") as (amqp_uri, database_url):
        results = measure(amqp_uri, database_url, args.clients, args.seconds)
    print(f"## The reference shape on this machine\n\n{machine()} · {args.clients} clients · {args.seconds:.0f} s "
          f"each\n")
    print(f"- product GET (1 RPC, 1 read): {describe(results['get'])}")
    print(f"- order create (2 RPCs, 1 transaction, 1 event consumed): "
          f"{describe(results['create'])}")


if __name__ == "__main__":
    main()
