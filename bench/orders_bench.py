"""Orders: checkouts per second through the gateway, and the latency from `POST /checkout` to its
`order.placed` consumed by another service, on PostgreSQL, with the real catalog, shipping and
orders services, the orders relay and the gateway under gunicorn with its production config.

Over HTTP, as a client app checks out: 16 registered buyers (JWT), each in its own thread with one
keep-alive connection, loop on `POST /api/v1/cart/items` (one unit of a tracked product, so every
checkout reserves the same stock row in the catalog) then `POST /api/v1/checkout` with a fresh
`Idempotency-Key` and the body of API.md (shipping address, the shop with its fixed-cost delivery
method, `accept_rules`); the checkout turns the cart group into the order. A checkout calls the
catalog three times (quote, shop terms, reserve) and shipping once, and writes two transactions in
the orders database. Checkouts per second count completed checkouts; the cart adds in between are
part of the buyers' load, and their own latency is printed beside.

"Consumed" is when the catalog's `order.placed` handler recorded the event in its inbox (the
handler makes the order's stock hold final), read from the catalog's own database afterwards; the
latency runs from the moment the checkout request was sent. Measured in the same run before the
load: raw RabbitMQ publishing with confirms and raw PostgreSQL INSERT+COMMIT (as bench/relay_bench
measures them), printed beside DESIGN.md's reference figures. Prints figures, asserts nothing.

    .venv/bin/python -m bench.orders_bench [--buyers 16] [--seconds 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bench.common import machine, percentile, table
from bench.relay_bench import raw_pg_insert, raw_publish_confirm
from services.common.db import make_engine
from tests.support import harness
from tests.support.api import Api, User

COMMAND = ".venv/bin/python -m bench.orders_bench  (or: make bench)"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}
REFERENCE = ("DESIGN.md reference for this machine kind: RabbitMQ one publisher with confirms "
             "≈1.6–1.7k msg/s; PostgreSQL INSERT+COMMIT ≈4.9k rows/s (1 client), ≈14k/s (16); "
             "Nameko reference example order create ≈80–120/s at 16 clients, p99 ≈200–300 ms.")


def _created(response, what: str) -> dict:
    if response.status_code != 201:
        raise RuntimeError(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json()


def _seed(api: Api, seller: User) -> tuple[str, str, str]:
    shop = _created(api.call("POST", "/shops", seller,
                             json={"name": "Bench pottery", "currency": "RUB"}), "shop")
    product = _created(api.call("POST", f"/shops/{shop['id']}/products", seller, json={
        "title": "Mug", "description": "Stoneware.", "category": "ceramics",
        "price": 150000, "stock": {"mode": "tracked", "quantity": 1_000_000},
        "weight_grams": 400}), "product")
    method = _created(api.call("POST", f"/shops/{shop['id']}/delivery-methods", seller, json={
        "name": "Courier", "carrier": "courier",
        "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30000}]}}), "delivery method")
    return shop["id"], product["id"], method["id"]


def _body(shop_id: str, method_id: str) -> dict:
    return {"shipping_address": ADDRESS, "accept_rules": True,
            "shops": [{"shop_id": shop_id, "delivery_method_id": method_id}]}


def _load(port: int, buyers: list[User], product_id: str, body: dict,
          seconds: float) -> dict:
    """Each buyer on its own keep-alive connection: cart add, then checkout, until time is up."""
    cart_payload = json.dumps({"product_id": product_id, "quantity": 1})
    checkout_payload = json.dumps(body)
    sent: dict[str, datetime] = {}
    call_ms: list[float] = []
    cart_ms: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def buyer(user: User) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        auth = {"Authorization": f"Bearer {user.token}", "Content-Type": "application/json"}

        def post(path: str, payload: str, headers: dict) -> tuple[int, bytes]:
            nonlocal conn
            try:
                conn.request("POST", f"/api/v1{path}", body=payload, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                return 0, repr(exc).encode()

        in_cart = False
        while time.monotonic() < stop_at:
            if not in_cart:
                started = time.perf_counter()
                status, raw = post("/cart/items", cart_payload, auth)
                if status != 201:
                    with lock:
                        errors.append(f"cart add {status}: {raw[:200]!r}")
                    continue
                in_cart = True
                with lock:
                    cart_ms.append((time.perf_counter() - started) * 1000)
            headers = {**auth, "Idempotency-Key": str(uuid.uuid4())}
            started_wall = datetime.now(UTC)
            started = time.perf_counter()
            status, raw = post("/checkout", checkout_payload, headers)
            elapsed = (time.perf_counter() - started) * 1000
            in_cart = False  # a failed checkout may still have taken the cart: add again
            if status != 201:
                with lock:
                    errors.append(f"checkout {status}: {raw[:200]!r}")
                continue
            orders = json.loads(raw)["orders"]
            with lock:
                call_ms.append(elapsed)
                for order in orders:
                    sent[order["id"]] = started_wall
        conn.close()

    threads = [threading.Thread(target=buyer, args=(user,)) for user in buyers]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"sent": sent, "call_ms": call_ms, "cart_ms": cart_ms, "errors": errors,
            "elapsed": time.perf_counter() - began}


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


def _ms(values: list[float]) -> str:
    return f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f}"


def run(buyers: int = 16, seconds: float = 20.0) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="orders-bench-"))
    vhost = harness.VirtualHost().create()
    dbs = harness.Databases("postgresql", tmp)
    system = harness.System(vhost, dbs, tmp)
    api = None
    try:
        publish_rate = raw_publish_confirm(vhost.uri, 3000)
        insert_rate = raw_pg_insert(dbs.url("raw"), 3000)

        for service in ("catalog", "shipping", "orders"):
            system.start(service, wait=False)
        for proc, service in zip(system.processes, ("catalog", "shipping", "orders"),
                                 strict=True):
            proc.wait_healthy(service)
        system.relay("orders")
        gateway = system.gateway({"ATELIER_ENV": "production"})
        api = Api(gateway)
        shop_id, product_id, method_id = _seed(api, api.register("seller"))
        users = [api.register("buyer", name=f"Buyer {i}") for i in range(buyers)]
        body = _body(shop_id, method_id)

        _load(gateway.port, users, product_id, body, 3.0)  # warm up pools, queues and caches
        result = _load(gateway.port, users, product_id, body, seconds)
        sent, call_ms, errors = result["sent"], result["call_ms"], result["errors"]
        harness.wait_for(
            lambda: len(_consumed(system.urls["orders"], system.urls["catalog"], set(sent)))
            >= len(sent), timeout=120, interval=0.5, message="every order.placed consumed")
        consumed = _consumed(system.urls["orders"], system.urls["catalog"], set(sent))
        lag_ms = [(consumed[o] - sent[o]).total_seconds() * 1000 for o in sent if o in consumed]
        rate = len(call_ms) / result["elapsed"]
        rows = [
            ["raw RabbitMQ publish with confirms (kombu, 1 publisher), before the load",
             f"{publish_rate:,.0f} msg/s"],
            ["raw PostgreSQL INSERT+COMMIT (1 client), before the load",
             f"{insert_rate:,.0f} rows/s"],
            [f"checkouts/s ({buyers} buyers, target ≥ 150)", f"{rate:.0f}"],
            ["HTTP requests/s (checkouts + the cart adds before them)",
             f"{(len(call_ms) + len(result['cart_ms'])) / result['elapsed']:.0f}"],
            ["POST /checkout HTTP p50 / p99 ms", _ms(call_ms)],
            ["POST /cart/items HTTP p50 / p99 ms (between checkouts)", _ms(result["cart_ms"])],
            ["POST /checkout → order.placed consumed (catalog inbox) p50 / p99 ms "
             "(target p99 < 300)", _ms(lag_ms)],
            ["checkouts measured / failed", f"{len(call_ms)} / {len(errors)}"],
        ]
        notes = "" if not errors else f"\n\nFirst failure: `{errors[0]}`"
        return (f"## Orders: checkout through the gateway\n\n{machine()} · PostgreSQL · gateway "
                f"under gunicorn (gateway/gunicorn.conf.py, ATELIER_ENV=production) · {buyers} "
                f"concurrent registered buyers, keep-alive HTTP · one tracked line per checkout · "
                f"{seconds:.0f} s after 3 s warm-up\n\n"
                + table(["figure", "value"], rows) + notes
                + f"\n\n{REFERENCE}\n\nReproduce: `{COMMAND}`")
    finally:
        if api is not None:
            api.close()
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
