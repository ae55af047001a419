"""A tracked parcel end to end: the seller adds a CDEK track over HTTP, the order is shipped, and
what the carrier's tracking API reports (a small real HTTP server standing in for CDEK) reaches
the shipment and the order's history."""

from __future__ import annotations

import pytest

from tests.e2e.test_orders_api import ok, place_order
from tests.support.api import Api
from tests.support.fake_carrier import FakeCarrier
from tests.support.harness import wait_for

pytestmark = pytest.mark.integration

TRACK = "1234567890"


@pytest.fixture(scope="module")
def carrier():
    fake = FakeCarrier().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def api(system, carrier):
    shipping = {"SHIPPING_CARRIER_API_URL_CDEK": carrier.url,
                "SHIPPING_TRACKING_POLL_SECONDS": "0.3", "EVENT_RETRY_BACKOFF_MS": "200"}
    system.start("catalog", wait=False)
    system.start("shipping", env=shipping, wait=False)
    system.start("orders", env={"EVENT_RETRY_BACKOFF_MS": "200"}, wait=False)
    for proc, name in zip(system.processes, ("catalog", "shipping", "orders"), strict=True):
        proc.wait_healthy(name)
    system.relay("orders", "catalog", "shipping")
    client = Api(system.gateway())
    yield client
    client.close()


def test_carrier_updates_reach_the_shipment_and_the_orders_history(api, carrier):
    seller, buyer = api.register("seller"), api.register("buyer")
    order, _ = place_order(api, seller, buyer)
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))
    ok(api.call("POST", f"{path}/mark-paid", seller))
    carrier.set_status(TRACK, "in_transit", "Accepted at the pickup point")

    shipment = ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "cdek", "tracking_number": TRACK, "notify_buyer": True}), 201)
    assert shipment["tracking_url"] == f"https://www.cdek.ru/ru/tracking?order_id={TRACK}"

    def shipment_status(status: str):
        seen = ok(api.call("GET", path, buyer))
        return seen["shipments"] and seen["shipments"][0]["status"] == status and seen

    in_transit = wait_for(lambda: shipment_status("in_transit"), timeout=30,
                          message="the carrier's in_transit to reach the order")
    assert in_transit["status"] == "shipped"
    carrier.set_status(TRACK, "delivered", "Handed to the buyer")
    delivered = wait_for(lambda: shipment_status("delivered"), timeout=30,
                         message="the carrier's delivered to reach the order")

    reasons = [entry["reason"] for entry in delivered["history"]]
    assert reasons[-2:] == ["shipment in_transit", "shipment delivered"]
    assert delivered["status"] == "shipped"  # only the buyer says the order was received
