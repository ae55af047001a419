"""Orders: checkouts per second and the latency from a checkout to its `order.placed` consumed by
another service, on PostgreSQL, with the real catalog, shipping and orders services and the relay.

Through RPC, not HTTP: the gateway has no checkout route yet. Each checkout is a guest checkout of
one line (a tracked product, so every checkout reserves the same stock row in the catalog) from one
shop with a fixed-cost delivery method; 16 buyers check out concurrently, each call as the gateway
makes it (its pooled RPC client). A checkout calls the catalog three times (quote, shop terms,
reserve) and shipping once, and writes two transactions in the orders database.

"Consumed" is when the catalog's `order.placed` handler recorded the event in its inbox (the
handler makes the order's stock hold final), read from the catalog's own database afterwards; the
latency runs from the moment the checkout call was sent. Prints figures, asserts nothing.

    .venv/bin/python -m bench.orders_bench [--buyers 16] [--seconds 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.common import machine, percentile, table
from gateway.rpc.client import RpcClient
from services.common.db import make_engine
from tests.support import harness

COMMAND = ".venv/bin/python -m bench.orders_bench  (or: make bench)"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}


def _seed(client: RpcClient) -> tuple[str, str, str]:
    seller = {"user_id": str(uuid.uuid4()), "roles": ["seller"]}
    shop = client.call("catalog", "create_shop", {"name": "Bench pottery", "currency": "RUB"},
                       context=seller)
    product = client.call("catalog", "create_product", shop["id"], {
        "title": "Mug", "description": "Stoneware.", "category": "mugs-and-cups",
        "price": 150000, "stock": {"mode": "tracked", "quantity": 1_000_000},
        "weight_grams": 400}, context=seller)
    method = client.call("shipping", "create_method", shop["id"], {
        "name": "Courier", "carrier": "courier",
        "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30000}]}}, context=seller)
    return shop["id"], product["id"], method["id"]


def _body(shop_id: str, product_id: str, method_id: str, buyer: int) -> dict:
    return {"shipping_address": ADDRESS, "accept_rules": True,
            "guest": {"email": f"buyer{buyer}@bench.test", "name": "Bench", "phone": "+7999"},
            "shops": [{"shop_id": shop_id, "delivery_method_id": method_id,
                       "items": [{"product_id": product_id, "quantity": 1}]}]}


def _load(client, body_of, buyers: int, seconds: float) -> tuple[dict[str, datetime], list,
                                                                   list[str], float]:
    sent: dict[str, datetime] = {}
    call_ms: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def buyer(index: int) -> None:
        while time.monotonic() < stop_at:
            started_wall = datetime.now(UTC)
            started = time.perf_counter()
            try:
                result = client.call("orders", "checkout", body_of(index),
                                     idempotency_key=str(uuid.uuid4()), timeout=30)
            except Exception as exc:  # noqa: BLE001 - a benchmark counts failures, it does not stop
                with lock:
                    errors.append(repr(exc)[:200])
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                call_ms.append(elapsed)
                for order in result["orders"]:
                    sent[order["id"]] = started_wall

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(buyers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sent, call_ms, errors, time.perf_counter() - began


def _consumed(orders_url: str, catalog_url: str, order_ids: set[str]) -> dict[str, datetime]:
    """When the catalog handled each order's `order.placed` (its inbox), by order id."""
    orders_db, catalog_db = make_engine(orders_url, pool_size=1), make_engine(catalog_url,
                                                                              pool_size=1)
    try:
        with orders_db.connect() as conn:
            event_of = dict(conn.execute(text(
                "SELECT event_id, aggregate_id FROM outbox WHERE type = 'order.placed'")).all())
        with catalog_db.connect() as conn:
            handled = conn.execute(text(
                "SELECT event_id, handled_at FROM inbox WHERE event_type = 'order.placed'")).all()
    finally:
        orders_db.dispose()
        catalog_db.dispose()
    return {event_of[e]: at for e, at in handled if event_of.get(e) in order_ids}


def run(buyers: int = 16, seconds: float = 20.0) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="orders-bench-"))
    vhost = harness.VirtualHost().create()
    dbs = harness.Databases("postgresql", tmp)
    system = harness.System(vhost, dbs, tmp)
    client = None
    try:
        for service in ("catalog", "shipping", "orders"):
            system.start(service, wait=False)
        for proc, service in zip(system.processes, ("catalog", "shipping", "orders"),
                                 strict=True):
            proc.wait_healthy(service)
        system.relay("orders")
        client = RpcClient(vhost.uri, timeout=30)
        shop_id, product_id, method_id = _seed(client)

        def body_of(index: int) -> dict:
            return _body(shop_id, product_id, method_id, index)

        _load(client, body_of, buyers, 3.0)  # warm up pools, queues and caches
        sent, call_ms, errors, elapsed = _load(client, body_of, buyers, seconds)
        harness.wait_for(
            lambda: len(_consumed(system.urls["orders"], system.urls["catalog"], set(sent)))
            >= len(sent), timeout=120, interval=0.5, message="every order.placed consumed")
        consumed = _consumed(system.urls["orders"], system.urls["catalog"], set(sent))
        lag_ms = [(consumed[o] - sent[o]).total_seconds() * 1000 for o in sent if o in consumed]
        rate = len(call_ms) / elapsed
        rows = [
            ["checkouts/s (16 buyers, target ≥ 150)", f"{rate:.0f}"],
            ["checkout call p50 / p99 ms", f"{percentile(call_ms, 50):.0f} / "
                                           f"{percentile(call_ms, 99):.0f}"],
            ["checkout → order.placed consumed p50 / p99 ms (target p99 < 300)",
             f"{percentile(lag_ms, 50):.0f} / {percentile(lag_ms, 99):.0f}"],
            ["checkouts measured / failed", f"{len(call_ms)} / {len(errors)}"],
        ]
        notes = "" if not errors else f"\n\nFirst failure: `{errors[0]}`"
        return (f"## Orders: checkout\n\n{machine()} · PostgreSQL · through RPC (no gateway "
                f"checkout route yet) · {buyers} concurrent guest buyers · {seconds:.0f} s\n\n"
                + table(["figure", "value"], rows) + notes
                + f"\n\nReproduce: `{COMMAND}`")
    finally:
        if client is not None:
            client.close()
        system.stop()
        dbs.drop_all()
        vhost.delete().wait(60)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    print(run(args.buyers, args.seconds), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
