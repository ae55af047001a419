"""The seller ledger over HTTP: commission on a completed order at the shop's plan percent of its
items (not delivery), once; a debt past its due date announced (`debt.overdue`), paid through the
platform's sandbox account, then `debt.settled` and a balance of zero. The real catalog, shipping,
orders and payments services, the relay, the gateway and the sandbox provider; the payments
service's clock is moved forward to pass the due date."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text

from gateway.identity import create_admin
from tests.support.api import Api, User
from tests.support.harness import BIN, Process, free_port, wait_for

pytestmark = pytest.mark.integration

RUB = "RUB"
PROBLEM = "application/problem+json"
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}
RETURN = "https://seller.example/ledger"
DAY = 24 * 3600


@pytest.fixture(scope="module")
def clock_file(system):
    path = system.log_dir / "payments-clock"
    path.write_text("0")
    return path


@pytest.fixture(scope="module")
def gateway(system, clock_file):
    port = free_port()
    sandbox = Process("sandbox", [str(BIN / "python"), "-m", "services.payments.sandbox"],
                      {"SANDBOX_BIND": f"127.0.0.1:{port}"}, system.log_dir).start()
    system.processes.append(sandbox)
    sandbox_url = f"http://127.0.0.1:{port}"
    wait_for(lambda: requests.get(f"{sandbox_url}/health", timeout=2).ok, 20, 0.1, "the sandbox")
    fast = {"EVENT_RETRY_BACKOFF_MS": "200"}
    payments_env = {**fast, "PAYMENTS_SANDBOX_URL": sandbox_url,
                    "PAYMENTS_WEBHOOK_ADDRESS": f"127.0.0.1:{free_port()}",
                    "ATELIER_CLOCK_FILE": str(clock_file), "PAYMENTS_DEBT_DUE_DAYS": "14",
                    "PAYMENTS_DEBT_CHECK_SECONDS": "0.3",
                    "PAYMENTS_PLATFORM_ACCOUNT_ID": "atelier",
                    "PAYMENTS_PLATFORM_SECRET_KEY": "platform-" + uuid.uuid4().hex}
    names = ("catalog", "shipping", "orders", "payments")
    procs = [system.start(name, env=payments_env if name == "payments" else fast, wait=False)
             for name in names]
    for proc, name in zip(procs, names, strict=True):
        proc.wait_healthy(name)
    system.relay(*names)
    return system.gateway()


@pytest.fixture(scope="module")
def api(gateway):
    client = Api(gateway)
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(gateway, api) -> User:
    email, password = f"admin-{uuid.uuid4().hex[:8]}@atelier.test", "admin-password-1"
    created = create_admin(email, password, "Root",
                           database_url=gateway.env["GATEWAY_DATABASE_URL"])
    token = api.call("POST", "/auth/login", json={"email": email, "password": password})
    assert token.status_code == 200, token.text
    return User(created["id"], email, token.json()["access_token"], created["roles"])


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM
    return response.json()


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def completed_order(api, admin, plan: str = "pro") -> tuple[User, str, dict]:
    """A shop on `plan` and one order of two 1,000 ₽ mugs with a 300 ₽ courier, taken from placed
    to completed through the API as its seller and buyer would."""
    seller, buyer = api.register("seller"), api.register("buyer")
    shop = ok(api.call("POST", "/shops", seller, json={"name": "Clay and fire",
                                                       "currency": RUB}), 201)
    ok(api.call("PUT", f"/admin/shops/{shop['id']}/plan", admin, json={"plan": plan}))
    mug = ok(api.call("POST", f"/shops/{shop['id']}/products", seller, json={
        "title": "Mug", "description": "Stoneware, glazed by hand.", "category": "ceramics",
        "price": 100000, "weight_grams": 400, "stock": {"mode": "tracked", "quantity": 50}}), 201)
    courier = ok(api.call("POST", f"/shops/{shop['id']}/delivery-methods", seller, json={
        "name": "Courier", "carrier": "courier",
        "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30000}]}}), 201)["id"]
    ok(api.call("POST", "/cart/items", buyer, json={"product_id": mug["id"], "quantity": 2}), 201)
    [order] = ok(api.call("POST", "/checkout", buyer, headers=key(), json={
        "shipping_address": ADDRESS, "accept_rules": True,
        "shops": [{"shop_id": shop["id"], "delivery_method_id": courier}]}), 201)["orders"]
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))
    ok(api.call("POST", f"{path}/mark-paid", seller))
    ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "russian_post", "tracking_number": "RA123456789RU", "notify_buyer": False}),
        201)
    wait_for(lambda: ok(api.call("GET", path, buyer))["status"] == "shipped", 30, 0.1,
             "the order shipped")
    ok(api.call("POST", f"{path}/receive", buyer))
    assert ok(api.call("POST", f"{path}/complete", seller))["status"] == "completed"
    return seller, shop["id"], order


def ledger_of(api, user, shop_id) -> dict:
    return ok(api.call("GET", f"/shops/{shop_id}/ledger", user))


def wait_ledger(api, user, shop_id, check, message) -> dict:
    def ready():
        led = ledger_of(api, user, shop_id)
        return led if check(led) else None

    return wait_for(ready, 30, 0.1, message)


def events(system, type_: str, shop_id: str) -> list[dict]:
    engine = create_engine(system.urls["payments"])
    try:
        with engine.connect() as conn:
            payloads = conn.execute(text("SELECT payload FROM outbox WHERE type = :t"),
                                    {"t": type_}).scalars().all()
    finally:
        engine.dispose()
    found = [json.loads(p)["data"] for p in payloads]
    return [d for d in found if d["shop_id"] == shop_id]


def test_a_completed_order_owes_commission_once_at_the_plan_percent_of_its_items(api, admin):
    seller, shop_id, order = completed_order(api, admin, plan="pro")  # Pro: 5 %
    assert order["totals"]["items"]["amount"] == 200000
    assert order["totals"]["delivery"]["amount"] == 30000
    ledger = wait_ledger(api, seller, shop_id, lambda led: led["entries"], "the commission")
    [entry] = ledger["entries"]
    # 5 % of the 2,000 ₽ of goods; the 300 ₽ delivery pays no commission
    assert (entry["kind"], entry["order_id"], entry["amount"], entry["base"], entry["percent"]) \
        == ("commission", order["id"], {"amount": 10000, "currency": RUB},
            {"amount": 200000, "currency": RUB}, "5.00")
    assert entry["due_at"] > entry["created_at"]
    assert ledger["balance"] == {"amount": 10000, "currency": RUB}
    assert ledger["overdue"] == {"amount": 0, "currency": RUB}
    assert ledger_of(api, admin, shop_id) == ledger

    problem(api.call("GET", f"/shops/{shop_id}/ledger", api.register("seller")), 403)
    problem(api.call("GET", f"/shops/{shop_id}/ledger", api.register("buyer")), 403)
    problem(api.call("GET", f"/shops/{uuid.uuid4()}/ledger", admin), 404)
    problem(api.call("POST", f"/shops/{shop_id}/ledger/payments", api.register("seller"),
                     json={"return_url": RETURN}, headers=key()), 403)

    basic_seller, basic_shop, _ = completed_order(api, admin, plan="basic")  # Basic: 10 %
    [basic] = wait_ledger(api, basic_seller, basic_shop, lambda led: led["entries"],
                          "the commission")["entries"]
    assert basic["amount"] == {"amount": 20000, "currency": RUB}
    assert ledger_of(api, seller, shop_id)["entries"] == [entry]  # still one


def test_an_overdue_debt_paid_through_the_sandbox_is_settled(api, admin, system, clock_file):
    seller, shop_id, _order = completed_order(api, admin)
    owed = wait_ledger(api, seller, shop_id, lambda led: led["entries"], "the commission")
    amount = owed["balance"]["amount"]
    assert amount == 10000
    assert events(system, "debt.overdue", shop_id) == []

    clock_file.write_text(str(15 * DAY))  # past the 14 days it was due in
    wait_for(lambda: events(system, "debt.overdue", shop_id), 30, 0.2, "debt.overdue")
    [overdue] = events(system, "debt.overdue", shop_id)
    assert overdue["amount"] == {"amount": amount, "currency": RUB}
    assert overdue["due_at"][:10] == owed["entries"][0]["due_at"][:10]
    shown = ledger_of(api, seller, shop_id)
    assert shown["overdue"] == {"amount": amount, "currency": RUB}

    path = f"/shops/{shop_id}/ledger/payments"
    missing = api.call("POST", path, seller, json={"return_url": RETURN})
    assert "Idempotency-Key" in problem(missing, 428)["detail"]
    same = key()
    payment = ok(api.call("POST", path, seller, json={"return_url": RETURN}, headers=same), 201)
    assert payment["amount"] == {"amount": amount, "currency": RUB}
    again = ok(api.call("POST", path, seller, json={"return_url": RETURN}, headers=same), 201)
    assert again["id"] == payment["id"]

    paid = requests.post(payment["confirmation_url"], data={"action": "approve"},
                         allow_redirects=False, timeout=15)
    assert paid.status_code == 303 and paid.headers["X-Sandbox-Notification-Status"] == "200"
    settled = wait_ledger(api, seller, shop_id, lambda led: led["balance"]["amount"] == 0,
                          "the debt paid")
    assert settled["overdue"]["amount"] == 0
    assert [(e["kind"], e["amount"]["amount"]) for e in settled["entries"]] == [
        ("payment", -amount), ("commission", amount)]
    wait_for(lambda: events(system, "debt.settled", shop_id), 30, 0.2, "debt.settled")
    assert len(events(system, "debt.overdue", shop_id)) == 1  # announced once
    nothing = problem(api.call("POST", path, seller, json={"return_url": RETURN},
                               headers=key()), 409)
    assert "nothing" in nothing["detail"]
