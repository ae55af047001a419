"""In-app notices over HTTP: the buyer hears of each shipment with its track; the seller and every
admin hear of an order whose shipping details are overdue (the clock moved past the 7 days), which
is announced once, by the shipping service alone, though the orders service's timer runs too."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from gateway.identity import create_admin
from tests.e2e.test_orders_api import ok, place_order
from tests.support.api import Api, User
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
def api(system, clock_file):
    env = {"ATELIER_CLOCK_FILE": str(clock_file), "EVENT_RETRY_BACKOFF_MS": "200",
           "SHIPPING_OVERDUE_CHECK_SECONDS": "0.3", "ORDERS_DEADLINE_POLL_SECONDS": "0.3"}
    for service in SERVICES:
        system.start(service, env=env, wait=False)
    for proc, service in zip(system.processes, SERVICES, strict=True):
        proc.wait_healthy(service)
    system.relay(*SERVICES, env=env)
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


def notices(api, user: User) -> list[dict]:
    return ok(api.call("GET", "/notifications", user))["items"]


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
    assert notices(api, buyer) == []

    first = ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "russian_post", "tracking_number": "RA123456789RU", "notify_buyer": True}), 201)
    [told] = wait_for(lambda: notices(api, buyer), message="the buyer's notice")
    assert (told["type"], told["title"], told["order_id"], told["read"]) == (
        "shipment.created", "Your order has shipped", order["id"], False)
    assert "RA123456789RU" in told["body"] and first["tracking_url"] in told["body"]

    ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "cdek", "tracking_number": "1234567890", "notify_buyer": True}), 201)
    latest = wait_for(lambda: (n := notices(api, buyer)) and len(n) == 2 and n,
                      message="a notice for the second track")
    assert "1234567890" in latest[0]["body"]  # newest first
    assert notices(api, seller) == []


def test_the_seller_and_the_admins_are_told_once_when_shipping_details_are_overdue(
    system, api, admin, clock_file
):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    tap = EventTap(system.amqp_uri, "order.shipping_overdue")
    clock_file.write_text(str(8 * 24 * 3600))
    try:
        [flag] = wait_for(lambda: notices(api, seller), timeout=60,
                          message="the seller's overdue notice")
        admins = wait_for(lambda: [n for n in notices(api, admin)
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
