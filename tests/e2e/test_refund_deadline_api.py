"""A paid order cancelled owes its refund within a day (seed 003, sanctions, reason 7), over HTTP:
the real catalog, shipping, orders, payments and notifications services, the relays (identity's
too, so notifications knows the admins' addresses), the gateway, the sandbox provider and the SMTP
sink. The payments service's clock is moved past the day: a refund still owed is announced once
(`refund.overdue`) and the admins and the seller are told; one refunded in full within the day
is not announced, one refunded in part is, for what is left."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from tests.e2e.test_payments_api import key, ok, paid_order
from tests.support import harness
from tests.support.api import Api, User
from tests.support.harness import BIN, Process, free_port, wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration

SERVICES = ("catalog", "shipping", "orders", "payments", "notifications")
DAY = 24 * 3600
GRACE_SECONDS = 2.0  # several runs of the payments timer (0.2 s): a repeat would come within it


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text("0")
    return path


@pytest.fixture(scope="module")
def api(system, clock_file, mail):
    port = free_port()
    sandbox = Process("sandbox", [str(BIN / "python"), "-m", "services.payments.sandbox"],
                      {"SANDBOX_BIND": f"127.0.0.1:{port}"}, system.log_dir).start()
    system.processes.append(sandbox)
    wait_for(lambda: requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok, 20, 0.1,
             "the sandbox")
    fast = {"EVENT_RETRY_BACKOFF_MS": "200"}
    env = {
        "payments": {**fast, "PAYMENTS_SANDBOX_URL": f"http://127.0.0.1:{port}",
                     "PAYMENTS_WEBHOOK_ADDRESS": f"127.0.0.1:{free_port()}",
                     "ATELIER_CLOCK_FILE": str(clock_file),
                     "PAYMENTS_REFUND_CHECK_SECONDS": "0.2"},
        "notifications": {**fast, "NOTIFICATIONS_SMTP_HOST": mail.smtp_host,
                          "NOTIFICATIONS_SMTP_PORT": str(mail.smtp_port),
                          "NOTIFICATIONS_SEND_POLL_SECONDS": "0.1",
                          "NOTIFICATIONS_SMS_URL": "http://127.0.0.1:9",
                          "NOTIFICATIONS_TELEGRAM_URL": "http://127.0.0.1:9"},
    }
    procs = [system.start(name, env=env.get(name, fast), wait=False) for name in SERVICES]
    for proc, name in zip(procs, SERVICES, strict=True):
        proc.wait_healthy(name)
    system.relay(*SERVICES)
    gateway = system.gateway()
    system.processes.append(harness.relay_process(  # identity's outbox: `user.registered`
        ["gateway"], {**system.env, "GATEWAY_DATABASE_URL": gateway.env["GATEWAY_DATABASE_URL"]},
        system.log_dir, system.amqp_uri).start())
    client = Api(gateway)
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(api) -> User:
    return api.admin()


def cancelled_after_payment(api, admin) -> tuple[User, dict, dict]:
    """A shop's order paid in full through the sandbox, then cancelled by its seller."""
    seller, _buyer, order, payment = paid_order(api, admin)
    cancelled = ok(api.call("POST", f"/orders/{order['id']}/cancel", seller,
                            json={"reason": "out_of_stock"}))
    assert cancelled["status"] == "cancelled"
    return seller, order, payment


def refund(api, seller, payment, amount: int) -> None:
    ok(api.call("POST", f"/payments/{payment['id']}/refunds", seller, headers=key(),
                json={"amount": amount, "reason": "order cancelled"}), 201)


def overdue(tap: EventTap, order_id: str) -> list[dict]:
    return [e for e in tap.drain()
            if e["type"] == "refund.overdue" and e["data"]["order_id"] == order_id]


def still_one_after_grace(tap: EventTap, order_id: str) -> dict:
    deadline, pause = time.monotonic() + GRACE_SECONDS, threading.Event()
    while True:
        seen = overdue(tap, order_id)
        assert len(seen) == 1, seen
        if time.monotonic() > deadline:
            return seen[0]
        pause.wait(0.1)


def notices(api, user: User, order_id: str) -> list[dict]:
    items = ok(api.call("GET", "/notifications?per_page=100", user))["items"]
    return [n for n in items if n["type"] == "refund.overdue" and n["order_id"] == order_id]


def test_a_refund_still_owed_a_day_after_the_cancellation_is_announced_once_and_told(
    system, api, admin, clock_file, mail
):
    seller, order, payment = cancelled_after_payment(api, admin)
    paid = payment["amount"]
    tap = EventTap(system.amqp_uri, "refund.overdue")
    try:
        assert overdue(tap, order["id"]) == []
        clock_file.write_text(str(DAY + 3600))  # a day and an hour later
        wait_for(lambda: overdue(tap, order["id"]), 30, 0.1, "refund.overdue")
        event = still_one_after_grace(tap, order["id"])
    finally:
        clock_file.write_text("0")
        tap.close()

    assert event["producer"] == "payments"
    data = event["data"]
    assert (data["order_id"], data["shop_id"], data["seller_id"], data["owed"]) == (
        order["id"], order["shop_id"], seller.id, paid)
    assert data["due_at"] > data["cancelled_at"]
    short = order["id"][:8]
    [to_admins] = wait_for(lambda: notices(api, admin, order["id"]), 30, 0.1,
                           "the admins' notice")
    assert to_admins["title"] == "A refund is overdue"
    assert short in to_admins["body"] and order["shop_id"][:8] in to_admins["body"]
    [to_seller] = wait_for(lambda: notices(api, seller, order["id"]), 30, 0.1,
                           "the seller's notice")
    assert to_seller["title"] == f"Refund owed for order {short}"
    admin_mail = wait_for(lambda: [m for m in mail.messages if m["to"] == admin.email
                                   and short in m["text"]], 30, 0.1, "the admins' e-mail")
    assert [m["subject"] for m in admin_mail] == ["A refund is overdue"]
    wait_for(lambda: [m for m in mail.messages if m["to"] == seller.email
                      and m["subject"] == f"Refund owed for order {short}"], 30, 0.1,
             "the seller's e-mail")


def test_a_refund_made_in_full_within_the_day_is_never_announced(system, api, admin,
                                                                  clock_file):
    seller, refunded, payment = cancelled_after_payment(api, admin)
    half_seller, half, half_payment = cancelled_after_payment(api, admin)
    amount = payment["amount"]["amount"]
    refund(api, seller, payment, amount - 10000)
    refund(api, seller, payment, 10000)  # in two parts, all of it
    refund(api, half_seller, half_payment, 30000)
    tap = EventTap(system.amqp_uri, "refund.overdue")
    try:
        clock_file.write_text(str(DAY + 3600))
        # the order refunded in part is announced: the timer has looked past the day
        wait_for(lambda: overdue(tap, half["id"]), 30, 0.1, "refund.overdue of the half")
        [partly] = overdue(tap, half["id"])
        assert overdue(tap, refunded["id"]) == []
    finally:
        clock_file.write_text("0")
        tap.close()
    assert partly["data"]["owed"] == {"amount": half_payment["amount"]["amount"] - 30000,
                                      "currency": half_payment["amount"]["currency"]}
    assert notices(api, admin, refunded["id"]) == []
