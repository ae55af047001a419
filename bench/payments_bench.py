"""Payments: provider notifications per second at the payments service's webhook port, and the
latency from a notification sent to its order `paid` in the orders service, on PostgreSQL, with the
real catalog, shipping, orders and payments services, the relay, the gateway and the sandbox
provider as its own process.

Setup over HTTP as users would: one Pro shop taking sandbox payments, `--orders` orders confirmed
by the seller, a `full` payment for each (`POST /orders/{id}/payments`), approved on the sandbox's
page without notifying (the sandbox keeps the signed notification). Then `--clients` threads post
those genuine signed notifications to `POST /webhooks/sandbox` all at once, each as the provider
would: notifications per second count accepted answers; "paid" is when the orders service applied
`payment.succeeded` (its `order_payments.received_at`), read from its database afterwards. Prints
figures, asserts nothing.

    .venv/bin/python -m bench.payments_bench [--orders 40] [--clients 8]
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

import requests
from sqlalchemy import text

from bench.common import machine, percentile, table
from gateway.identity import create_admin
from services.common.db import make_engine
from tests.support import harness
from tests.support.api import Api, User

COMMAND = ".venv/bin/python -m bench.payments_bench  (or: make bench)"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}


def _ok(response, status: int = 200) -> dict:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code} "
                           f"{response.text[:300]}")
    return response.json()


def _admin(api: Api, gateway) -> User:
    email, password = f"admin-{uuid.uuid4().hex[:8]}@bench.test", "admin-password-1"
    made = create_admin(email, password, "Root", database_url=gateway.env["GATEWAY_DATABASE_URL"])
    token = _ok(api.call("POST", "/auth/login", json={"email": email, "password": password}))
    return User(made["id"], email, token["access_token"], made["roles"])


def _payments(api: Api, admin: User, count: int) -> list[tuple[str, str]]:
    """(order id, sandbox page) for `count` confirmed orders with a pending full payment."""
    seller, buyer = api.register("seller"), api.register("buyer")
    shop = _ok(api.call("POST", "/shops", seller, json={
        "name": "Bench pottery", "currency": "RUB",
        "legal": {"form": "company", "tax_id": "7701234567", "name": "OOO Bench"}}), 201)
    _ok(api.call("PUT", f"/admin/shops/{shop['id']}/plan", admin, json={"plan": "pro"}))
    _ok(api.call("PUT", f"/shops/{shop['id']}/payment-settings", seller, json={
        "provider": "sandbox", "account_id": "bench", "secret_key": uuid.uuid4().hex,
        "enabled": True}))
    product = _ok(api.call("POST", f"/shops/{shop['id']}/products", seller, json={
        "title": "Mug", "description": "Stoneware.", "category": "ceramics", "price": 150000,
        "stock": {"mode": "untracked"}, "weight_grams": 400}), 201)
    method = _ok(api.call("POST", f"/shops/{shop['id']}/delivery-methods", seller, json={
        "name": "Courier", "carrier": "courier",
        "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30000}]}}), 201)
    made = []
    for _ in range(count):
        _ok(api.call("POST", "/cart/items", buyer, json={"product_id": product["id"],
                                                        "quantity": 1}), 201)
        [order] = _ok(api.call("POST", "/checkout", buyer,
                               headers={"Idempotency-Key": str(uuid.uuid4())}, json={
            "shipping_address": ADDRESS, "accept_rules": True,
            "shops": [{"shop_id": shop["id"], "delivery_method_id": method["id"]}]}),
            201)["orders"]
        _ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
        payment = _ok(api.call("POST", f"/orders/{order['id']}/payments", buyer,
                               headers={"Idempotency-Key": str(uuid.uuid4())},
                               json={"part": "full", "return_url": "https://bench.test/"}), 201)
        made.append((order["id"], payment["confirmation_url"]))
    return made


def _signed(page: str) -> dict:
    """Approve on the sandbox's page without notifying; the signed notification it kept."""
    answer = requests.post(page, data={"action": "approve", "notify": "no"},
                           allow_redirects=False, timeout=30)
    if answer.status_code != 303:
        raise RuntimeError(f"sandbox approve: {answer.status_code} {answer.text[:200]}")
    base, payment_id = page.split("/pay/")
    return requests.get(f"{base}/api/payments/{payment_id}/notifications",
                        timeout=30).json()["items"][-1]


def _paid_at(orders_url: str) -> dict[str, datetime]:
    engine = make_engine(orders_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT order_id, received_at FROM order_payments")).all()
    finally:
        engine.dispose()
    return {order_id: (at if at.tzinfo else at.replace(tzinfo=UTC)) for order_id, at in rows}


def _ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"{percentile(values, 50):.0f} / {percentile(values, 99):.0f}"


def run(orders: int = 40, clients: int = 8) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="payments-bench-"))
    vhost = harness.VirtualHost().create()
    dbs = harness.Databases("postgresql", tmp)
    system = harness.System(vhost, dbs, tmp)
    api = None
    try:
        sandbox_port, webhook_port = harness.free_port(), harness.free_port()
        sandbox = harness.Process(
            "sandbox", [str(harness.BIN / "python"), "-m", "services.payments.sandbox"],
            {"SANDBOX_BIND": f"127.0.0.1:{sandbox_port}"}, tmp).start()
        system.processes.append(sandbox)
        names = ("catalog", "shipping", "orders", "payments")
        env = {"PAYMENTS_SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}",
               "PAYMENTS_WEBHOOK_ADDRESS": f"127.0.0.1:{webhook_port}",
               "PAYMENTS_RECONCILE_SECONDS": "3600"}
        procs = [system.start(name, env=env if name == "payments" else None, wait=False)
                 for name in names]
        for proc, name in zip(procs, names, strict=True):
            proc.wait_healthy(name)
        system.relay(*names)
        gateway = system.gateway({"ATELIER_ENV": "production"})
        api = Api(gateway)
        made = _payments(api, _admin(api, gateway), orders)
        notes = [(order_id, _signed(page)) for order_id, page in made]

        hook = f"http://127.0.0.1:{webhook_port}/webhooks/sandbox"
        sent: dict[str, datetime] = {}
        statuses: list[int] = []
        call_ms: list[float] = []
        lock = threading.Lock()
        queue = list(notes)

        def post_all() -> None:
            session = requests.Session()
            while True:
                with lock:
                    if not queue:
                        break
                    order_id, note = queue.pop()
                at = datetime.now(UTC)
                began = time.perf_counter()
                answer = session.post(hook, data=note["body"].encode(), headers=note["headers"],
                                      timeout=30)
                with lock:
                    call_ms.append((time.perf_counter() - began) * 1000)
                    sent[order_id] = at
                    statuses.append(answer.status_code)
            session.close()

        threads = [threading.Thread(target=post_all) for _ in range(clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        harness.wait_for(lambda: len(_paid_at(system.urls["orders"])) >= len(sent), 120, 0.5,
                         "every order paid")
        paid = _paid_at(system.urls["orders"])
        lag = [(paid[o] - sent[o]).total_seconds() * 1000 for o in sent if o in paid]
        accepted = sum(1 for s in statuses if s == 200)
        rows = [
            [f"notifications/s accepted ({clients} concurrent senders)",
             f"{accepted / elapsed:.0f}"],
            ["POST /webhooks/sandbox p50 / p99 ms", _ms(call_ms)],
            ["notification sent → order paid (orders applied payment.succeeded) p50 / p99 ms",
             _ms(lag)],
            ["notifications sent / accepted", f"{len(statuses)} / {accepted}"],
        ]
        return (f"## Payments: provider notifications to paid orders\n\n{machine()} · PostgreSQL "
                f"· sandbox provider · {orders} orders\n\n" + table(["figure", "value"], rows)
                + f"\n\nReproduce: `{COMMAND}`")
    finally:
        if api is not None:
            api.close()
        system.stop()
        dbs.drop_all()
        vhost.delete().wait(60)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    print(run(args.orders, args.clients), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
