"""Paying through YooKassa and PayPal over HTTP: shops configured with each provider, the gateway in
front of the real catalog, shipping, orders and payments services with the relay, and the
providers played by fakes speaking their protocols (`tests.support.fake_yookassa`,
`fake_paypal`: real HTTP servers in this process) that the payments service is pointed at
(`PAYMENTS_YOOKASSA_URL`, `PAYMENTS_PAYPAL_URL`).

The path each time: the buyer's payment is created at the provider, whose confirmation URL the
API answers; the provider marks it paid; its notification reaches the payments service's webhook
port; payments asks the provider itself and only then is the order `paid`. A notification the
provider does not bear out changes nothing."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.e2e.test_payments_api import (
    key,
    ok,
    open_shop,
    order_from,
    pay,
    status_of,
    wait_status,
)
from tests.support.api import Api, User
from tests.support.fake_paypal import FakePayPal
from tests.support.fake_yookassa import FakeYooKassa
from tests.support.harness import free_port, wait_for

pytestmark = pytest.mark.integration

KASSA_SHOP, KASSA_SECRET = "501234", "test_" + uuid.uuid4().hex
PAYPAL_CLIENT, PAYPAL_SECRET = "AZ" + uuid.uuid4().hex[:20], "EK" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def kassa():
    fake = FakeYooKassa(shop_id=KASSA_SHOP, secret=KASSA_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def paypal():
    fake = FakePayPal(client_id=PAYPAL_CLIENT, secret=PAYPAL_SECRET).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def webhook_url():
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def api(system, kassa, paypal, webhook_url):
    fast = {"EVENT_RETRY_BACKOFF_MS": "200"}
    payments_env = {**fast, "PAYMENTS_YOOKASSA_URL": kassa.url, "PAYMENTS_PAYPAL_URL": paypal.url,
                    "PAYMENTS_WEBHOOK_ADDRESS": webhook_url.removeprefix("http://"),
                    "PAYMENTS_RECONCILE_SECONDS": "3600"}  # only notifications settle here
    names = ("catalog", "shipping", "orders", "payments")
    procs = [system.start(name, env=payments_env if name == "payments" else fast, wait=False)
             for name in names]
    for proc, name in zip(procs, names, strict=True):
        proc.wait_healthy(name)
    system.relay(*names)
    client = Api(system.gateway())
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(api) -> User:
    return api.admin()


def major(money: dict) -> str:
    """Minor units as the providers' decimal strings: 130000 → "1300.00"."""
    return str((Decimal(money["amount"]) / 100).quantize(Decimal("0.01")))


def confirmed_order_at(api, admin, provider: str, account_id: str, secret: str):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, products = open_shop(api, seller)
    ok(api.call("PUT", f"/admin/shops/{shop_id}/plan", admin, json={"plan": "pro"}))
    ok(api.call("PUT", f"/shops/{shop_id}/payment-settings", seller, json={
        "provider": provider, "account_id": account_id, "secret_key": secret, "enabled": True}))
    order = order_from(api, seller, buyer, shop_id, products)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    return seller, buyer, order


def notify(webhook_url: str, provider: str, body: bytes) -> requests.Response:
    return requests.post(f"{webhook_url}/webhooks/{provider}", data=body, timeout=15,
                         headers={"Content-Type": "application/json"})


def payments_of(api, user, order_id: str) -> dict:
    return ok(api.call("GET", f"/orders/{order_id}/payments", user))


# YooKassa ------------------------------------------------------------------------------------------
def test_an_order_is_paid_through_yookassa_once_its_api_confirms_the_notification(
    api, admin, kassa, webhook_url
):
    seller, buyer, order = confirmed_order_at(api, admin, "yookassa", KASSA_SHOP, KASSA_SECRET)
    payment = ok(pay(api, buyer, order["id"]), 201)
    [ref] = [pid for pid, p in kassa.payments.items()
             if p["metadata"].get("payment_id") == payment["id"]]
    assert payment["confirmation_url"] == \
        f"https://yoomoney.test/checkout?orderId={ref}"
    assert kassa.payments[ref]["amount"] == {"value": major(order["totals"]["grand_total"]),
                                             "currency": "RUB"}

    # a notification claiming success that YooKassa does not bear out changes nothing
    claimed = {**kassa.payments[ref], "status": "succeeded", "paid": True}
    forged = json.dumps({"type": "notification", "event": "payment.succeeded",
                         "object": claimed}).encode()
    answer = notify(webhook_url, "yookassa", forged)
    assert answer.status_code == 200 and answer.json() == {"status": "pending"}
    unknown = json.dumps({"type": "notification", "event": "payment.succeeded",
                          "object": {**claimed, "id": str(uuid.uuid4())}}).encode()
    assert notify(webhook_url, "yookassa", unknown).status_code == 404
    assert notify(webhook_url, "yookassa", b'{"type": "other"}').status_code == 400
    assert status_of(api, buyer, order["id"]) == "confirmed"
    assert [p["status"] for p in payments_of(api, buyer, order["id"])["payments"]] == ["pending"]

    kassa.settle(ref, "succeeded")  # the buyer paid at YooKassa
    first = notify(webhook_url, "yookassa", kassa.notification(ref))
    assert (first.status_code, first.json()) == (200, {"status": "applied"})
    again = notify(webhook_url, "yookassa", kassa.notification(ref))
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    paid = wait_status(api, buyer, order["id"], "paid")
    assert paid["paid"] == order["totals"]["grand_total"]
    assert [h["to"] for h in paid["history"]].count("paid") == 1

    # a refund goes to YooKassa's refunds with our refund's id as its Idempotence-Key
    refund = ok(api.call("POST", f"/payments/{payment['id']}/refunds", seller, headers=key(),
                         json={"amount": 25050, "reason": "chipped"}), 201)
    at_kassa = kassa.keys[refund["id"]]
    assert (at_kassa["payment_id"], at_kassa["amount"], at_kassa["status"]) == (
        ref, {"value": "250.50", "currency": "RUB"}, "succeeded")
    assert kassa.payments[ref]["refunded_amount"]["value"] == "250.50"
    assert payments_of(api, seller, order["id"])["refunds"][0]["amount"]["amount"] == 25050
    assert kassa.refusals == []


def test_a_yookassa_payment_cancelled_at_the_provider_fails_and_may_be_paid_again(
    api, admin, kassa, webhook_url
):
    _seller, buyer, order = confirmed_order_at(api, admin, "yookassa", KASSA_SHOP, KASSA_SECRET)
    payment = ok(pay(api, buyer, order["id"]), 201)
    ref = parse_qs(urlsplit(payment["confirmation_url"]).query)["orderId"][0]
    kassa.settle(ref, "canceled")
    assert notify(webhook_url, "yookassa", kassa.notification(ref)).json() == {
        "status": "applied"}
    wait_for(lambda: payments_of(api, buyer, order["id"])["payments"][0]["status"] == "failed",
             30, 0.1, "the payment failed")
    assert status_of(api, buyer, order["id"]) == "confirmed"
    again = ok(pay(api, buyer, order["id"]), 201)
    assert again["id"] != payment["id"]


# PayPal --------------------------------------------------------------------------------------------
def test_an_order_is_paid_through_paypal_once_paypal_confirms_and_it_is_captured(
    api, admin, paypal, webhook_url
):
    seller, buyer, order = confirmed_order_at(api, admin, "paypal", PAYPAL_CLIENT, PAYPAL_SECRET)
    payment = ok(pay(api, buyer, order["id"]), 201)
    ref = parse_qs(urlsplit(payment["confirmation_url"]).query)["token"][0]
    assert payment["confirmation_url"] == f"https://www.paypal.test/checkoutnow?token={ref}"
    [unit] = paypal.orders[ref]["purchase_units"]
    assert unit["custom_id"] == payment["id"]
    assert unit["amount"] == {"currency_code": "RUB",
                              "value": major(order["totals"]["grand_total"])}

    # not approved by the buyer: a notification claiming a completed order changes nothing
    forged = json.loads(paypal.notification(ref, "CHECKOUT.ORDER.COMPLETED"))
    forged["resource"]["status"] = "COMPLETED"
    answer = notify(webhook_url, "paypal", json.dumps(forged).encode())
    assert answer.status_code == 200 and answer.json() == {"status": "pending"}
    assert ("POST", f"/v2/checkout/orders/{ref}/capture") not in paypal.calls
    assert status_of(api, buyer, order["id"]) == "confirmed"

    paypal.approve(ref)  # the buyer approved on PayPal's page
    answer = notify(webhook_url, "paypal", paypal.notification(ref))
    assert (answer.status_code, answer.json()) == (200, {"status": "applied"})
    assert paypal.orders[ref]["status"] == "COMPLETED"  # payments captured it
    assert paypal.calls.count(("POST", f"/v2/checkout/orders/{ref}/capture")) == 1
    paid = wait_status(api, buyer, order["id"], "paid")
    assert paid["paid"] == order["totals"]["grand_total"]

    refund = ok(api.call("POST", f"/payments/{payment['id']}/refunds", seller, headers=key(),
                         json={"amount": 10000, "reason": "chipped"}), 201)
    assert refund["amount"]["amount"] == 10000
    [capture] = paypal.orders[ref]["purchase_units"][0]["payments"]["captures"]
    assert (capture["refunded"], capture["status"]) == ("100.00", "PARTIALLY_REFUNDED")
    assert paypal.refusals == []

