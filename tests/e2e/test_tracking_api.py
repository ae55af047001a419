"""A tracked parcel end to end: the seller adds a CDEK track over HTTP, the order is shipped, and
what CDEK's API v2 reports (a small real HTTP server standing in for CDEK, issuing OAuth tokens
and serving orders by CDEK number) reaches the shipment and the order's history."""

from __future__ import annotations

import pytest

from tests.e2e.test_orders_api import ok, place_order
from tests.support.api import Api
from tests.support.fake_carrier_cdek import FakeCdek
from tests.support.harness import wait_for

pytestmark = pytest.mark.integration

TRACK = "1234567890"


@pytest.fixture(scope="module")
def carrier(system):
    """One fake CDEK per running system (per backend), so its counts are that system's alone."""
    fake = FakeCdek().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def api(system, carrier):
    shipping = {"SHIPPING_CDEK_URL": carrier.url, "SHIPPING_CDEK_CLIENT_ID": carrier.client_id,
                "SHIPPING_CDEK_CLIENT_SECRET": carrier.client_secret,
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
    carrier.add_status(TRACK, "CREATED", "Создан")
    carrier.add_status(TRACK, "RECEIVED_AT_SHIPMENT_WAREHOUSE", "Принят на склад отправителя",
                       city="Москва")

    shipment = ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "cdek", "tracking_number": TRACK, "notify_buyer": True}), 201)
    assert shipment["tracking_url"] == f"https://www.cdek.ru/ru/tracking?order_id={TRACK}"

    def shipment_status(status: str):
        seen = ok(api.call("GET", path, buyer))
        return seen["shipments"] and seen["shipments"][0]["status"] == status and seen

    in_transit = wait_for(lambda: shipment_status("in_transit"), timeout=30,
                          message="the carrier's in_transit to reach the order")
    assert in_transit["status"] == "shipped"
    carrier.add_status(TRACK, "ACCEPTED_AT_PICK_UP_POINT", "Принят на склад до востребования",
                       city="Казань")
    carrier.add_status(TRACK, "DELIVERED", "Вручен", city="Казань")
    delivered = wait_for(lambda: shipment_status("delivered"), timeout=30,
                         message="the carrier's delivered to reach the order")

    reasons = [entry["reason"] for entry in delivered["history"]]
    assert reasons[-2:] == ["shipment in_transit", "shipment delivered"]
    assert delivered["status"] == "shipped"  # only the buyer says the order was received
    assert carrier.tokens_issued == 1 and carrier.refusals == []  # one token served every poll
