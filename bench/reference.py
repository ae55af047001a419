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
import http.client
import json
import os
import queue
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from nameko.events import EventDispatcher, event_handler
from nameko.rpc import rpc
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, update

from bench.common import CpuMeter, machine, percentile
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
def _post_load(port: int, clients: int, seconds: float) -> dict:
    """`clients` threads, each with a keep-alive connection, posting orders until time is up."""
    stop_at = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients

    def client(n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop_at:
            body = json.dumps({"product_id": rng.randint(1, PRODUCTS), "quantity": 1})
            started = time.perf_counter()
            conn.request("POST", "/orders", body=body,
                         headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status == 201:
                latencies[n].append((time.perf_counter() - started) * 1000)
            else:
                errors[n] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [ms for per in latencies for ms in per]
    return {"n": len(flat), "rps": len(flat) / elapsed, "p50": percentile(flat, 50),
            "p99": percentile(flat, 99), "errors": sum(errors)}


def measure(amqp_uri: str, database_url: str, clients: int = 16, seconds: float = 10.0,
            which: tuple[str, ...] = ("get", "create")) -> dict[str, dict]:
    """Start the reference's two services and its app on `amqp_uri` and an empty PostgreSQL database
    at `database_url`, measure `which` of the two requests, stop them. Each result has `rps`,
    `p50`, `p99` (ms), `errors` and `cpu_ms` (per request, in all the processes that served it,
    without the load generator's)."""
    from bench.catalog_bench import measure_http
    from bench.gateway_bench import free_port, gunicorn_cmd, request, start, stop, wait_until

    db = make_engine(database_url, pool_size=1)
    metadata.create_all(db)
    with db.begin() as conn:
        conn.execute(insert(products), [{"id": n, "price": 10_000 + n, "stock": 10**9}
                                        for n in range(1, PRODUCTS + 1)])
    db.dispose()
    work = Path(tempfile.mkdtemp(prefix="atelier-reference-"))
    env = {"AMQP_URI": amqp_uri, "REFERENCE_DATABASE_URL": database_url}
    port = free_port()
    procs = [start([str(Path(sys.executable).parent / "nameko"), "run", "--config",
                    "deploy/nameko.yaml", f"bench.reference:{name}"], env, work / f"{name}.log")
             for name in ("Products", "Orders")]
    procs.append(start(gunicorn_cmd("bench.reference:create_app()"), {
        **env, "GATEWAY_BIND": f"127.0.0.1:{port}",
        "PROMETHEUS_MULTIPROC_DIR": str(work)}, work / "app.log"))
    results: dict[str, dict] = {}
    try:
        def answers() -> bool:
            for proc in procs:
                if proc.poll() is not None:
                    raise SystemExit(f"a reference process exited; see the logs in {work}")
            return request(port, "GET", "/products/1")[0] == 200

        wait_until(answers, 60, "the reference app and services")
        meter = CpuMeter({"services": [p.pid for p in procs[:2]], "app": [procs[2].pid]},
                         {"PostgreSQL": "postgres:", "RabbitMQ": "rabbit"})

        def product_path(rng: random.Random):
            return None, (), f"/products/{rng.randint(1, PRODUCTS)}"

        loads = {"get": lambda s: measure_http(port, product_path, clients, s),
                 "create": lambda s: _post_load(port, clients, s)}
        for name in which:
            loads[name](1.0)  # warm the proxies, pools and queues
            meter.start()
            result = loads[name](seconds)
            cpu = meter.ms_by_group()
            result["cpu_ms"] = sum(cpu[group] for group in CPU_GROUPS) / max(result["n"], 1)
            results[name] = result
    finally:
        for proc in procs:
            stop(proc)
    return results


def describe(result: dict) -> str:
    return (f"{result['rps']:.0f}/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms, "
            f"{result['cpu_ms']:.1f} ms CPU each")


def main() -> None:
    from tests.support import harness

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    vhost = harness.VirtualHost().create()
    dbs = harness.Databases("postgresql", Path(tempfile.mkdtemp(prefix="atelier-reference-")))
    try:
        results = measure(vhost.uri, dbs.url(f"reference_{uuid.uuid4().hex[:6]}"), args.clients,
                          args.seconds)
    finally:
        dbs.drop_all()
        vhost.delete().wait(60)
    print(f"## The reference shape on this machine\n\n{machine()} · {args.clients} clients · {args.seconds:.0f} s "
          f"each\n")
    print(f"- product GET (1 RPC, 1 read): {describe(results['get'])}")
    print(f"- order create (2 RPCs, 1 transaction, 1 event consumed): "
          f"{describe(results['create'])}")


if __name__ == "__main__":
    main()
