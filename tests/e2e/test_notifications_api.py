"""In-app notices over HTTP: the buyer hears of each shipment with its track, of a delivery the
seller priced or a changed total, and of a request for the balance; the seller and every admin hear
of an order whose shipping details are overdue (the clock moved past the 7 days), which is announced
once, by the shipping service alone, though the orders service's timer runs too; every admin of an
order the auto-close found never shipped.

Events no service here can be driven to over HTTP (a payment of the advance, the orders service's
auto-close finding an order never shipped) are published on the broker through an outbox and the
relay, as their producers publish them (`tests.support.event_source`)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from gateway.identity import create_admin
from tests.e2e.test_orders_api import (
    add_to_cart,
    checkout,
    checkout_body,
    ok,
    open_shop,
    place_order,
    rub,
)
from tests.support.api import Api, User
from tests.support.event_source import EventSource
from tests.support.harness import wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration

SERVICES = ("catalog", "shipping", "orders", "notifications")


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text("0")
    return path


@pytest.fixture(scope="module")
def started(system, clock_file):
    """The services' processes by name, healthy, with the relay publishing their outboxes."""
    nowhere = "http://127.0.0.1:9"  # e-mail, SMS and Telegram are another module's subject
    env = {"ATELIER_CLOCK_FILE": str(clock_file), "EVENT_RETRY_BACKOFF_MS": "200",
           "SHIPPING_OVERDUE_CHECK_SECONDS": "0.3", "ORDERS_DEADLINE_POLL_SECONDS": "0.3",
           "NOTIFICATIONS_SMTP_PORT": "9", "NOTIFICATIONS_SMS_URL": nowhere,
           "NOTIFICATIONS_TELEGRAM_URL": nowhere}
    processes = {service: system.start(service, env=env, wait=False) for service in SERVICES}
    for service, proc in processes.items():
        proc.wait_healthy(service)
    system.relay(*SERVICES, env=env)
    return processes


@pytest.fixture(scope="module")
def api(system, started):
    client = Api(system.gateway())  # the gateway keeps real time: tokens stay valid
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(api) -> User:
    email, password = f"admin-{uuid.uuid4().hex[:8]}@atelier.test", "admin-password-1"
    created = create_admin(email, password, "Root",
                           database_url=api.gateway.env["GATEWAY_DATABASE_URL"])
    token = ok(api.call("POST", "/auth/login", json={"email": email, "password": password}))
    return User(created["id"], email, token["access_token"], created["roles"])


def notices(api, user: User, type_: str | None = None) -> list[dict]:
    """The user's notices (of this type), newest first; every order's status changes make their
    own, told of in `test_notification_channels_api`."""
    items = ok(api.call("GET", "/notifications?per_page=100", user))["items"]
    return [n for n in items if type_ is None or n["type"] == type_]


GRACE_SECONDS = 3.0  # ten runs of each timer (0.3 s): a second announcement would come within it


def overdue_events(tap: EventTap, order_id: str) -> list[dict]:
    return [e for e in tap.drain()
            if e["type"] == "order.shipping_overdue" and e["data"]["order_id"] == order_id]


def still_one_after_grace(tap: EventTap, order_id: str) -> list[dict]:
    """The one announcement, checked again and again over the grace window: none may follow it."""
    deadline, pause = time.monotonic() + GRACE_SECONDS, threading.Event()
    while True:
        seen = overdue_events(tap, order_id)
        assert len(seen) == 1, seen
        if time.monotonic() > deadline:
            return seen
        pause.wait(0.1)


def test_the_buyer_is_told_of_each_shipment_with_its_track(api):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))
    ok(api.call("POST", f"{path}/mark-paid", seller))
    assert notices(api, buyer, "shipment.created") == []

    first = ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "russian_post", "tracking_number": "RA123456789RU", "notify_buyer": True}), 201)
    [told] = wait_for(lambda: notices(api, buyer, "shipment.created"),
                      message="the buyer's notice")
    assert (told["type"], told["title"], told["order_id"], told["read"]) == (
        "shipment.created", "Your order has shipped", order["id"], False)
    assert "RA123456789RU" in told["body"] and first["tracking_url"] in told["body"]

    ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "cdek", "tracking_number": "1234567890", "notify_buyer": True}), 201)
    latest = wait_for(lambda: (n := notices(api, buyer, "shipment.created")) and len(n) == 2 and n,
                      message="a notice for the second track")
    assert "1234567890" in latest[0]["body"]  # newest first
    assert notices(api, seller, "shipment.created") == []


def test_the_seller_and_the_admins_are_told_once_when_shipping_details_are_overdue(
    system, api, admin, clock_file
):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    tap = EventTap(system.amqp_uri, "order.shipping_overdue")
    clock_file.write_text(str(8 * 24 * 3600))
    try:
        [flag] = wait_for(lambda: notices(api, seller, "order.shipping_overdue"), timeout=60,
                          message="the seller's overdue notice")
        admins = wait_for(lambda: [n for n in notices(api, admin, "order.shipping_overdue")
                                   if n["order_id"] == order["id"]],
                          message="the admins' overdue notice")
        wait_for(lambda: overdue_events(tap, order["id"]), message="order.shipping_overdue")
        [event] = still_one_after_grace(tap, order["id"])
    finally:
        clock_file.write_text("0")
        tap.close()
    assert event["producer"] == "shipping"
    assert event["data"]["seller_id"] == seller.id
    assert (flag["type"], flag["title"], flag["order_id"]) == (
        "order.shipping_overdue", "Shipping details are overdue", order["id"])
    assert [n["title"] for n in admins] == ["A shop is late to ship"]
    assert [n for n in notices(api, buyer) if n["type"] == "order.shipping_overdue"] == []


def notice_of(api, user: User, order_id: str, type_: str, count: int = 1) -> list[dict]:
    """Wait until `user` has `count` notices of this type about this order; newest first."""
    def arrived():
        found = [n for n in notices(api, user) if n["order_id"] == order_id and n["type"] == type_]
        return len(found) >= count and found

    return wait_for(arrived, message=f"{count} {type_} notice(s) of order {order_id}")


def test_the_buyer_is_told_of_a_priced_delivery_and_of_a_changed_total(api):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug] = open_shop(api, seller, [{}])
    methods = ok(api.call("GET", f"/shops/{shop_id}/delivery-methods"))["items"]
    quoted = next(m["id"] for m in methods if m["universal"] and m["name"] == "Other")
    add_to_cart(api, buyer, mug["id"], 1)
    [order] = ok(checkout(api, buyer, checkout_body((shop_id, quoted))), 201)["orders"]
    path = f"/orders/{order['id']}"

    ok(api.call("POST", f"{path}/delivery-cost", seller, json={"cost": 35000}))
    [priced] = notice_of(api, buyer, order["id"], "order.amount_changed")
    assert (priced["title"], priced["read"]) == ("The seller priced your delivery", False)
    assert priced["body"] == (f"The delivery of your order {order['id'][:8]} is priced. "
                              "The order's total is now 1,350 ₽ (was 1,000 ₽).")
    assert priced["data"] == {"previous_total": rub(100000), "new_total": rub(135000),
                              "reason": "delivery_cost"}

    ok(api.call("POST", f"{path}/confirm", seller))
    ok(api.call("POST", f"{path}/amount", seller, json={"amount": 90000,
                                                       "reason": "agreed discount"}))
    changed, _ = notice_of(api, buyer, order["id"], "order.amount_changed", count=2)
    assert changed["title"] == "The total of your order has changed"
    assert changed["body"].splitlines() == [
        f"The total of your order {order['id'][:8]} is now 1,250 ₽ (was 1,350 ₽).",
        "Reason: agreed discount"]
    assert changed["data"] == {"previous_total": rub(135000), "new_total": rub(125000),
                               "reason": "agreed discount"}
    assert [n for n in notices(api, seller, "order.amount_changed")
            if n["order_id"] == order["id"]] == []


def test_the_buyer_of_an_order_in_production_is_asked_for_the_balance(system, api):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer,
                           stock={"mode": "made_to_order", "production_days": 5})
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))
    with EventSource(system, producer="payments") as payments:  # the advance, paid online
        payments.publish("payment.succeeded", {
            "payment_id": str(uuid.uuid4()), "order_id": order["id"],
            "shop_id": order["shop_id"], "part": "advance", "amount": rub(39000),
        }, aggregate_id=order["id"])
    wait_for(lambda: ok(api.call("GET", path, buyer))["status"] == "partially_paid",
             message="the order to take the advance")
    ok(api.call("POST", f"{path}/start-production", seller))

    ok(api.call("POST", f"{path}/request-balance", seller, json={
        "note": "The glaze is fired."}))  # photos: test_notification_mail_api

    [asked] = notice_of(api, buyer, order["id"], "order.balance_requested")
    assert (asked["title"], asked["read"]) == ("Please pay the balance", False)
    assert asked["body"].splitlines() == [
        f"Your order {order['id'][:8]} is in production. The seller asks you to pay the balance.",
        "The seller's note: The glaze is fired."]
    assert asked["data"] == {"note": "The glaze is fired.", "attachment_ids": []}
    assert [n for n in notices(api, seller, "order.balance_requested")
            if n["order_id"] == order["id"]] == []


def test_every_admin_hears_once_of_an_order_the_auto_close_found_never_shipped(
    system, api, admin, started
):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    with EventSource(system, producer="orders") as orders:
        sent = orders.publish("order.unshipped_at_close", {
            "order_id": order["id"], "shop_id": order["shop_id"], "buyer_id": buyer.id,
            "seller_id": seller.id, "status": "confirmed", "placed_at": order["placed_at"],
        }, aggregate_id=order["id"])
        [flag] = notice_of(api, admin, order["id"], "order.unshipped_at_close")
        orders.redeliver(sent)
        wait_for(lambda: f"event {sent['id']} already handled" in started["notifications"].logs(),
                 message="the notifications service to acknowledge the repeat")

    assert (flag["title"], flag["read"]) == ("An order was never shipped", False)
    assert flag["body"] == (
        f"Order {order['id'][:8]} of shop {order['shop_id'][:8]}, placed on "
        f"{order['placed_at'][:10]}, reached its auto-close deadline still confirmed: "
        "it was never shipped.")
    assert flag["data"] == {"shop_id": order["shop_id"], "status": "confirmed",
                            "placed_at": order["placed_at"]}
    assert [n["id"] for n in notices(api, admin, "order.unshipped_at_close")
            if n["order_id"] == order["id"]] == [flag["id"]]
    assert notices(api, buyer, "order.unshipped_at_close") == []
    assert notices(api, seller, "order.unshipped_at_close") == []
