"""The orders service's deadlines over HTTP, with the services' clock moved forward: an order still
not shipped when its auto-close date passes is flagged to the admins with one
`order.unshipped_at_close` event (and a history entry), however often the timer runs after it."""

from __future__ import annotations

import threading
import time

import pytest

from tests.e2e.test_orders_api import ok, place_order
from tests.support.api import Api
from tests.support.harness import wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration

SERVICES = ("catalog", "shipping", "orders")
GRACE_SECONDS = 3.0  # ten runs of the orders timer (0.3 s): a repeat would come within it
DAY = 24 * 3600


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text("0")
    return path


@pytest.fixture(scope="module")
def api(system, clock_file):
    env = {"ATELIER_CLOCK_FILE": str(clock_file), "EVENT_RETRY_BACKOFF_MS": "200",
           "ORDERS_DEADLINE_POLL_SECONDS": "0.3"}
    for service in SERVICES:
        system.start(service, env=env, wait=False)
    for proc, service in zip(system.processes, SERVICES, strict=True):
        proc.wait_healthy(service)
    system.relay(*SERVICES, env=env)
    client = Api(system.gateway())  # the gateway keeps real time: tokens stay valid
    yield client
    client.close()


def flagged(tap: EventTap, order_id: str) -> list[dict]:
    return [e for e in tap.drain()
            if e["type"] == "order.unshipped_at_close" and e["data"]["order_id"] == order_id]


def test_an_order_never_shipped_by_the_auto_close_date_is_flagged_to_the_admins_once(
    system, api, clock_file
):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))
    ok(api.call("POST", f"{path}/mark-paid", seller))
    tap = EventTap(system.amqp_uri, "order.unshipped_at_close")
    clock_file.write_text(str(15 * DAY))
    try:
        [event] = wait_for(lambda: flagged(tap, order["id"]), timeout=60,
                           message="order.unshipped_at_close")
        deadline, pause = time.monotonic() + GRACE_SECONDS, threading.Event()
        while time.monotonic() < deadline:  # the timer keeps running: no second event
            assert flagged(tap, order["id"]) == [event]
            pause.wait(0.1)
    finally:
        clock_file.write_text("0")
        tap.close()

    assert event["producer"] == "orders"
    data = event["data"]
    assert (data["order_id"], data["shop_id"], data["buyer_id"], data["seller_id"]) == (
        order["id"], order["shop_id"], buyer.id, seller.id)
    assert (data["status"], data["placed_at"]) == ("paid", order["placed_at"])
    read = ok(api.call("GET", path, seller))
    assert read["status"] == "paid"
    assert [h["reason"] for h in read["history"]].count(
        "flagged_to_admin: not shipped by the auto-close date") == 1
