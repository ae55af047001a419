"""Payments over HTTP: the gateway in front of the real catalog, shipping, orders and payments
services with the relay running, and the sandbox payment provider as its own process (a real HTTP
server) that notifies the payments service's own webhook port. Every test makes its own users,
shops and products, so they share one running system per module and backend."""

from __future__ import annotations

import threading
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
SECRET = "test_Sec-" + uuid.uuid4().hex
LEGAL = {"form": "sole_trader", "tax_id": "770123456789", "name": "IP Petrova A. A."}
ADDRESS = {"full_name": "Anna Petrova", "phone": "+79990000000", "country": "RU",
           "region": "Moscow", "city": "Moscow", "line1": "Tverskaya 1", "postal_code": "125009"}
RETURN = "https://shop.example/thanks"


@pytest.fixture(scope="module")
def sandbox(system):
    port = free_port()
    proc = Process("sandbox", [str(BIN / "python"), "-m", "services.payments.sandbox"],
                   {"SANDBOX_BIND": f"127.0.0.1:{port}"}, system.log_dir).start()
    system.processes.append(proc)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: requests.get(f"{url}/health", timeout=2).ok, 20, 0.1, "the sandbox")
    return url


@pytest.fixture(scope="module")
def webhook_url(system):
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def gateway(system, sandbox, webhook_url):
    fast = {"EVENT_RETRY_BACKOFF_MS": "200"}
    payments_env = {**fast, "PAYMENTS_SANDBOX_URL": sandbox,
                    "PAYMENTS_WEBHOOK_ADDRESS": webhook_url.removeprefix("http://"),
                    "PAYMENTS_RECONCILE_SECONDS": "0.5",
                    "PAYMENTS_RECONCILE_AFTER_MINUTES": "0.15"}
    names = ("catalog", "shipping", "orders", "payments")
    procs = [system.start(name, env=payments_env if name == "payments" else fast, wait=False)
             for name in names]
    for proc, name in zip(procs, names, strict=True):
        proc.wait_healthy(name)
    system.relay("orders", "catalog", "shipping", "payments")
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


# A shop that takes online payment, and its orders -------------------------------------------------
def open_shop(api, seller: User, legal=LEGAL, products: int = 1, **rules) -> tuple[str, list[str]]:
    body = {"name": "Clay and fire", "currency": RUB, **({"rules": rules} if rules else {}),
            **({"legal": legal} if legal else {})}
    shop = ok(api.call("POST", "/shops", seller, json=body), 201)
    made = [ok(api.call("POST", f"/shops/{shop['id']}/products", seller, json={
        "title": f"Mug number {n}", "description": "Stoneware, glazed by hand.",
        "category": "ceramics", "price": 100000, "weight_grams": 400,
        "stock": {"mode": "tracked", "quantity": 50}}), 201)["id"] for n in range(products)]
    return shop["id"], made


def settings_body(**extra) -> dict:
    return {"provider": "sandbox", "account_id": "shop-1", "secret_key": SECRET, **extra}


def take_payments(api, admin, seller, shop_id, **extra) -> dict:
    ok(api.call("PUT", f"/admin/shops/{shop_id}/plan", admin, json={"plan": "pro"}))
    return ok(api.call("PUT", f"/shops/{shop_id}/payment-settings", seller,
                       json=settings_body(enabled=True, **extra)))


def order_from(api, seller, buyer, shop_id, product_ids, delivery_cost=30000) -> dict:
    courier = ok(api.call("POST", f"/shops/{shop_id}/delivery-methods", seller, json={
        "name": "Courier", "carrier": "courier",
        "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": delivery_cost}]}}), 201)["id"]
    for product_id in product_ids:
        ok(api.call("POST", "/cart/items", buyer, json={"product_id": product_id,
                                                       "quantity": 1}), 201)
    placed = ok(api.call("POST", "/checkout", buyer, headers=key(), json={
        "shipping_address": ADDRESS, "accept_rules": True,
        "shops": [{"shop_id": shop_id, "delivery_method_id": courier}]}), 201)
    [order] = placed["orders"]
    return order


def paying_shop(api, admin, *, timing="after_confirmation", legal=LEGAL, products=1, **rules):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, product_ids = open_shop(api, seller, legal, products, **rules)
    take_payments(api, admin, seller, shop_id, timing=timing)
    return seller, buyer, shop_id, product_ids


def pay(api, buyer, order_id, part="full", headers=None):
    return api.call("POST", f"/orders/{order_id}/payments", buyer,
                    json={"part": part, "return_url": RETURN}, headers=headers or key())


def settle(url: str, action: str = "approve", notify: str = "yes") -> requests.Response:
    answer = requests.post(url, data={"action": action, "notify": notify},
                           allow_redirects=False, timeout=15)
    assert answer.status_code == 303, answer.text
    assert answer.headers["Location"] == RETURN
    return answer


def status_of(api, user, order_id) -> str:
    return ok(api.call("GET", f"/orders/{order_id}", user))["status"]


def wait_status(api, user, order_id, status: str) -> dict:
    wait_for(lambda: status_of(api, user, order_id) == status, 30, 0.1, f"order {status}")
    return ok(api.call("GET", f"/orders/{order_id}", user))


def confirmed_order(api, admin, **shop) -> tuple[User, User, dict]:
    seller, buyer, shop_id, products = paying_shop(api, admin, **shop)
    order = order_from(api, seller, buyer, shop_id, products)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    return seller, buyer, order


# Plans and settings --------------------------------------------------------------------------------
def test_online_payment_needs_the_pro_plan_and_legal_details(api, admin):
    seller = api.register("seller")
    shop_id, _ = open_shop(api, seller)
    path = f"/shops/{shop_id}/payment-settings"
    refused = problem(api.call("PUT", path, seller, json=settings_body(enabled=True)), 409)
    assert "plan" in refused["detail"]
    shown = ok(api.call("GET", path, seller))
    assert shown["plan"] == "basic" and shown["enabled"] is False

    problem(api.call("PUT", f"/admin/shops/{shop_id}/plan", seller, json={"plan": "pro"}), 403)
    problem(api.call("PUT", f"/admin/shops/{shop_id}/plan", admin, json={"plan": "gold"}), 422)
    ok(api.call("PUT", f"/admin/shops/{shop_id}/plan", admin, json={"plan": "pro"}))
    on = ok(api.call("PUT", path, seller, json=settings_body(enabled=True)))
    assert on["enabled"] is True and on["plan"] == "pro" and on["secret_key_set"] is True

    # back on basic: online payment goes off
    ok(api.call("PUT", f"/admin/shops/{shop_id}/plan", admin, json={"plan": "basic"}))
    assert ok(api.call("GET", path, seller))["enabled"] is False

    no_legal = api.register("seller")
    bare_id, _ = open_shop(api, no_legal, legal=None)
    ok(api.call("PUT", f"/admin/shops/{bare_id}/plan", admin, json={"plan": "pro"}))
    refused = problem(api.call("PUT", f"/shops/{bare_id}/payment-settings", no_legal,
                               json=settings_body(enabled=True)), 409)
    assert "legal" in refused["detail"]


def test_settings_trim_spaces_refuse_inner_ones_and_belong_to_the_owner(api, admin):
    seller, stranger = api.register("seller"), api.register("seller")
    shop_id, _ = open_shop(api, seller)
    path = f"/shops/{shop_id}/payment-settings"
    problem(api.call("PUT", path, stranger, json=settings_body()), 403)
    problem(api.call("PUT", path, stranger, json={"provider": "nope"}), 403)
    problem(api.call("GET", path, stranger), 403)
    inner = problem(api.call("PUT", path, seller, json=settings_body(account_id="shop 1")), 422)
    assert "account_id" in inner["errors"]
    problem(api.call("PUT", path, seller, json=settings_body(secret_key="ab cd")), 422)
    saved = ok(api.call("PUT", path, seller, json=settings_body(account_id="  shop-1 \t",
                                                               secret_key=f"  {SECRET} ")))
    assert saved["account_id"] == "shop-1"
    assert SECRET not in api.call("GET", path, seller).text
    # the secret may be left out once stored
    kept = ok(api.call("PUT", path, seller, json={"provider": "sandbox", "account_id": "shop-1",
                                                  "timing": "at_checkout"}))
    assert kept["secret_key_set"] and kept["timing"] == "at_checkout"


def test_the_secret_key_is_in_no_response_log_or_event(api, admin, system):
    seller, buyer, order = confirmed_order(api, admin)
    paid = ok(pay(api, buyer, order["id"]), 201)
    settle(paid["confirmation_url"])
    wait_status(api, buyer, order["id"], "paid")
    for process in system.processes:
        assert SECRET not in process.logs(), process.name
    engine = create_engine(system.urls["payments"])
    try:
        with engine.connect() as conn:
            payloads = conn.execute(text("SELECT payload FROM outbox")).scalars().all()
            stored = conn.execute(text("SELECT secret_encrypted FROM shops")).scalars().all()
    finally:
        engine.dispose()
    assert payloads and not any(SECRET in p for p in payloads)
    assert stored and not any(s and SECRET in s for s in stored)


# Paying -----------------------------------------------------------------------------------------
def test_the_order_is_paid_only_after_the_signed_notification(api, admin):
    seller, buyer, shop_id, products = paying_shop(api, admin)
    order = order_from(api, seller, buyer, shop_id, products)
    early = problem(pay(api, buyer, order["id"]), 409)
    assert "confirmed" in early["detail"]
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    missing = api.call("POST", f"/orders/{order['id']}/payments", buyer,
                       json={"part": "full", "return_url": RETURN})
    assert "Idempotency-Key" in problem(missing, 428)["detail"]
    problem(pay(api, api.register("buyer"), order["id"]), 404)

    payment = ok(pay(api, buyer, order["id"]), 201)
    assert payment["status"] == "pending"
    assert payment["amount"] == order["totals"]["grand_total"]
    page = requests.get(payment["confirmation_url"], timeout=5)
    assert page.status_code == 200 and "Approve" in page.text
    assert status_of(api, buyer, order["id"]) == "confirmed"

    settle(payment["confirmation_url"])
    paid = wait_status(api, buyer, order["id"], "paid")
    assert paid["paid"] == order["totals"]["grand_total"]
    listed = ok(api.call("GET", f"/orders/{order['id']}/payments", seller))
    assert [(p["part"], p["status"]) for p in listed["payments"]] == [("full", "succeeded")]
    problem(api.call("GET", f"/orders/{order['id']}/payments", api.register("buyer")), 404)
    ok(api.call("GET", f"/orders/{order['id']}/payments", admin))


def test_the_same_idempotency_key_answers_the_same_payment(api, admin):
    _seller, buyer, order = confirmed_order(api, admin)
    same = key()
    first = ok(pay(api, buyer, order["id"], headers=same), 201)
    again = ok(pay(api, buyer, order["id"], headers=same), 201)
    assert again["id"] == first["id"]
    problem(pay(api, buyer, order["id"], part="advance", headers=same), 409)
    problem(pay(api, buyer, order["id"]), 409)  # another key: a full payment is pending


def test_an_at_checkout_shop_is_paid_right_after_checkout(api, admin):
    seller, buyer, shop_id, products = paying_shop(api, admin, timing="at_checkout")
    order = order_from(api, seller, buyer, shop_id, products)
    payment = ok(pay(api, buyer, order["id"]), 201)
    settle(payment["confirmation_url"])
    wait_status(api, buyer, order["id"], "paid")


def test_advance_then_production_then_balance(api, admin):
    seller, buyer, order = confirmed_order(api, admin, prepayment_percent=30)
    grand = order["totals"]["grand_total"]["amount"]
    problem(pay(api, buyer, order["id"], "balance"), 409)
    advance = ok(pay(api, buyer, order["id"], "advance"), 201)
    assert advance["amount"]["amount"] == (grand * 30 + 50) // 100
    settle(advance["confirmation_url"])
    wait_status(api, buyer, order["id"], "partially_paid")
    problem(pay(api, buyer, order["id"], "advance"), 409)
    ok(api.call("POST", f"/orders/{order['id']}/start-production", seller))
    balance = ok(pay(api, buyer, order["id"], "balance"), 201)
    assert balance["amount"]["amount"] == grand - advance["amount"]["amount"]
    settle(balance["confirmation_url"])
    paid = wait_status(api, buyer, order["id"], "paid")
    assert paid["paid"]["amount"] == grand


def test_a_declined_payment_leaves_the_order_confirmed_and_may_be_tried_again(api, admin):
    _seller, buyer, order = confirmed_order(api, admin)
    declined = ok(pay(api, buyer, order["id"]), 201)
    settle(declined["confirmation_url"], "decline")
    wait_for(lambda: ok(api.call("GET", f"/orders/{order['id']}/payments", buyer))
             ["payments"][0]["status"] == "failed", 20, 0.1, "the payment failed")
    assert status_of(api, buyer, order["id"]) == "confirmed"
    again = ok(pay(api, buyer, order["id"]), 201)
    settle(again["confirmation_url"])
    wait_status(api, buyer, order["id"], "paid")


def test_two_concurrent_full_payments_make_one(api, admin):
    _seller, buyer, order = confirmed_order(api, admin)
    answers: list[int] = []
    start = threading.Barrier(2)

    def attempt():
        client = Api(api.gateway)
        start.wait()
        answers.append(pay(client, buyer, order["id"]).status_code)
        client.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409]


def test_a_self_employed_receipt_holds_six_positions(api, admin):
    self_employed = {**LEGAL, "form": "self_employed"}
    seller, buyer, shop_id, products = paying_shop(api, admin, timing="at_checkout",
                                                   legal=self_employed, products=6)
    six = order_from(api, seller, buyer, shop_id, products)
    refused = problem(pay(api, buyer, six["id"]), 409)
    assert "6" in refused["detail"] and "delivery" in refused["detail"]
    five = order_from(api, seller, buyer, shop_id, products[:5])
    settle(ok(pay(api, buyer, five["id"]), 201)["confirmation_url"])
    wait_status(api, buyer, five["id"], "paid")


# Notifications -------------------------------------------------------------------------------------
def sent_notification(sandbox_payment_url: str) -> dict:
    base, payment_id = sandbox_payment_url.split("/pay/")
    return requests.get(f"{base}/api/payments/{payment_id}/notifications", timeout=5).json()[
        "items"][-1]


def test_a_notification_applies_once_and_forged_ones_change_nothing(api, admin, webhook_url):
    _seller, buyer, order = confirmed_order(api, admin)
    payment = ok(pay(api, buyer, order["id"]), 201)
    settle(payment["confirmation_url"], notify="no")  # the provider knows; we were not told
    sent = sent_notification(payment["confirmation_url"])
    assert sent["status"] is None
    hook = f"{webhook_url}/webhooks/sandbox"
    body, headers = sent["body"], sent["headers"]

    forged = {**headers, "Sandbox-Signature": headers["Sandbox-Signature"][:-4] + "0000"}
    assert requests.post(hook, data=body, headers=forged, timeout=5).status_code == 400
    tampered = body.replace(str(payment["amount"]["amount"]), "100")
    assert requests.post(hook, data=tampered, headers=headers, timeout=5).status_code == 400
    unknown = body.replace(sent["body"].split('"id": "')[1].split('"')[0], "sbx_nobody")
    assert requests.post(hook, data=unknown, headers=headers, timeout=5).status_code == 404
    assert requests.post(hook, data="{not json", headers=headers, timeout=5).status_code == 400
    assert requests.post(f"{webhook_url}/webhooks/nobody", data=body, headers=headers,
                         timeout=5).status_code == 404
    assert status_of(api, buyer, order["id"]) == "confirmed"

    answers = [requests.post(hook, data=body, headers=headers, timeout=5) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["status"] for a in answers] == ["applied", "duplicate", "duplicate"]
    paid = wait_status(api, buyer, order["id"], "paid")
    assert [h["to"] for h in paid["history"]].count("paid") == 1


def test_reconciliation_pays_an_order_whose_notification_never_came(api, admin):
    _seller, buyer, order = confirmed_order(api, admin)
    payment = ok(pay(api, buyer, order["id"]), 201)
    settle(payment["confirmation_url"], notify="no")
    wait_status(api, buyer, order["id"], "paid")


# Refunds -------------------------------------------------------------------------------------------
def paid_order(api, admin):
    seller, buyer, order = confirmed_order(api, admin)
    payment = ok(pay(api, buyer, order["id"]), 201)
    settle(payment["confirmation_url"])
    wait_status(api, buyer, order["id"], "paid")
    return seller, buyer, order, payment


def test_refunds_never_exceed_what_was_paid(api, admin):
    seller, buyer, order, payment = paid_order(api, admin)
    path = f"/payments/{payment['id']}/refunds"
    amount = payment["amount"]["amount"]
    problem(api.call("POST", path, seller, json={"amount": 100, "reason": "x"}), 428)
    problem(api.call("POST", path, buyer, json={"amount": 100, "reason": "x"}, headers=key()),
            403)
    problem(api.call("POST", path, api.register("seller"), json={"amount": 100, "reason": "x"},
                     headers=key()), 404)
    over = problem(api.call("POST", path, seller, json={"amount": amount + 1, "reason": "x"},
                            headers=key()), 422)
    assert "amount" in over["errors"]
    same = key()
    part = ok(api.call("POST", path, seller, json={"amount": 1000, "reason": "chipped"},
                       headers=same), 201)
    again = ok(api.call("POST", path, seller, json={"amount": 1000, "reason": "chipped"},
                        headers=same), 201)
    assert again["id"] == part["id"]

    left = amount - 1000
    answers: list[int] = []
    start = threading.Barrier(2)

    def attempt():
        client = Api(api.gateway)
        start.wait()
        answers.append(client.call("POST", path, seller, headers=key(),
                                   json={"amount": left, "reason": "cancelled"}).status_code)
        client.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 422]
    listed = ok(api.call("GET", f"/orders/{order['id']}/payments", buyer))
    assert sum(r["amount"]["amount"] for r in listed["refunds"]) == amount
    assert listed["payments"][0]["refunded"]["amount"] == amount


def test_the_shops_labelled_surcharge_is_in_the_orders_totals_and_its_payment(api, admin):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, products = open_shop(api, seller)
    take_payments(api, admin, seller, shop_id, surcharge_percent=5, surcharge_label="Card fee")
    wait_for(lambda: ok(api.call("GET", f"/products/{products[0]}"))["online_payment"], 30, 0.1,
             "the catalog to learn the shop's payment terms")
    order = order_from(api, seller, buyer, shop_id, products)
    # 5 % of 1,000 ₽ and a 300 ₽ courier
    assert order["totals"]["surcharge"] == {"amount": 6500, "currency": RUB}
    assert order["totals"]["grand_total"] == {"amount": 136500, "currency": RUB}
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    payment = ok(pay(api, buyer, order["id"]), 201)
    assert payment["amount"] == {"amount": 136500, "currency": RUB}
