"""Shipments end to end: a shipment shows on the order as soon as it is added, an order cancelled
meanwhile gets none; a tracked parcel: the seller adds a CDEK track over HTTP, the order is
shipped, and what CDEK's API v2 reports (a small real HTTP server standing in for CDEK, issuing
OAuth tokens and serving orders by CDEK number) reaches the shipment and the order's history."""

from __future__ import annotations

import pytest

from tests.e2e.test_orders_api import (
    add_to_cart,
    checkout,
    checkout_body,
    ok,
    open_shop,
    place_order,
    problem,
    rpc_as,
)
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


RELAYED = ("orders", "catalog", "shipping")


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
    system.relay(*RELAYED)
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


def paid_order(api, system, seller, buyer) -> dict:
    """A paid order, once shipping has followed it to `paid`."""
    order, _ = place_order(api, seller, buyer)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    ok(api.call("POST", f"/orders/{order['id']}/mark-paid", seller))

    def shipping_knows_it_paid():
        with rpc_as(system, seller) as rpc:
            return (rpc.shipping.known_order(order["id"]) or {}).get("status") == "paid"

    wait_for(shipping_knows_it_paid, message="shipping to follow the order to paid")
    return order


def test_the_order_shows_its_shipment_as_soon_as_it_is_added(api, system):
    seller, buyer = api.register("seller"), api.register("buyer")
    order = paid_order(api, system, seller, buyer)
    path = f"/orders/{order['id']}"

    shipment = ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "courier", "notify_buyer": True}), 201)

    seen = ok(api.call("GET", path, buyer))  # no waiting: the order took the shipment first
    assert seen["status"] == "shipped"
    assert [(s["id"], s["carrier"]) for s in seen["shipments"]] == [(shipment["id"], "courier")]
    assert [(h["from"], h["to"]) for h in seen["history"]][-1] == ("paid", "shipped")
    # The same request again (its Idempotency-Key) is the same shipment, in both services.
    key = {"Idempotency-Key": "ship-" + order["id"]}
    second = ok(api.call("POST", f"{path}/shipments", seller, headers=key, json={
        "carrier": "other", "notify_buyer": False}), 201)
    again = ok(api.call("POST", f"{path}/shipments", seller, headers=key, json={
        "carrier": "other", "notify_buyer": False}), 201)
    assert again == second
    with rpc_as(system, seller) as rpc:
        held = [s["id"] for s in rpc.shipping.list_shipments(order["id"])["items"]]
    assert held == [shipment["id"], second["id"]]
    assert [s["id"] for s in ok(api.call("GET", path, buyer))["shipments"]] == held


def test_an_order_cancelled_before_the_shipment_gets_none(api, system):
    seller, buyer = api.register("seller"), api.register("buyer")
    order = paid_order(api, system, seller, buyer)
    path = f"/orders/{order['id']}"
    # Shipping hears of the cancellation only later: the relay is held back meanwhile.
    [relay] = [proc for proc in system.processes if "relay" in proc.name and proc.running]
    relay.stop()
    try:
        cancelled = ok(api.call("POST", f"{path}/cancel", seller, json={"reason": "no clay"}))
        assert cancelled["status"] == "cancelled"

        refused = problem(api.call("POST", f"{path}/shipments", seller, json={
            "carrier": "cdek", "tracking_number": TRACK, "notify_buyer": True}), 409)
        assert refused["code"] == "wrong_state"
    finally:
        system.relay(*RELAYED)

    with rpc_as(system, seller) as rpc:
        assert rpc.shipping.list_shipments(order["id"])["items"] == []
    seen = ok(api.call("GET", path, buyer))
    assert (seen["status"], seen["shipments"]) == ("cancelled", [])


PICKUP_POINT = {"address": "Moscow, Tverskaya 1, studio 5", "hours": "Mon–Fri 10:00–19:00"}


def test_a_pickup_is_offered_with_its_address_and_handed_over_without_a_track(api):
    seller, buyer = api.register("seller"), api.register("buyer")
    shop_id, [mug] = open_shop(api, seller, [{}])
    methods = f"/shops/{shop_id}/delivery-methods"
    for body, field in (
        ({"name": "Pickup", "carrier": "pickup"}, "pickup"),
        ({"name": "Courier", "carrier": "courier", "pickup": PICKUP_POINT,
          "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30000}]}}, "pickup"),
        ({"name": "Pickup", "carrier": "pickup", "pickup": PICKUP_POINT,
          "rate": {"basis": "price", "tiers": [{"from": 0, "cost": 100}]}}, "rate.basis"),
    ):
        assert field in problem(api.call("POST", methods, seller, json=body), 422)["errors"]

    pickup = ok(api.call("POST", methods, seller, json={
        "name": "Pickup at the studio", "carrier": "pickup", "pickup": PICKUP_POINT}), 201)
    assert pickup["pickup"] == PICKUP_POINT
    assert pickup["rate"] == {"basis": "fixed", "tiers": [{"from": 0, "cost": 0}]}
    listed = ok(api.call("GET", methods))["items"]
    assert [m["pickup"] for m in listed if m["id"] == pickup["id"]] == [PICKUP_POINT]
    quoted = ok(api.call("POST", "/delivery/quote", json={
        "shop_id": shop_id, "destination": {"country": "RU", "city": "Moscow"},
        "items": [{"product_id": mug["id"], "quantity": 1}]}))["methods"]
    assert [(m["cost"], m["pickup"]) for m in quoted if m["id"] == pickup["id"]] == [
        ({"amount": 0, "currency": "RUB"}, PICKUP_POINT)]

    add_to_cart(api, buyer, mug["id"], 1)
    [order] = ok(checkout(api, buyer, checkout_body((shop_id, pickup["id"]))), 201)["orders"]
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))
    ok(api.call("POST", f"{path}/mark-paid", seller))
    assert "tracking_number" in problem(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "pickup", "tracking_number": "AB123456", "notify_buyer": True}), 422)["errors"]

    handed = ok(api.call("POST", f"{path}/shipments", seller, json={
        "carrier": "pickup", "notify_buyer": True}), 201)

    assert (handed["carrier"], handed["tracking_number"], handed["tracking_url"]) == (
        "pickup", None, None)
    seen = ok(api.call("GET", path, buyer))
    assert seen["status"] == "shipped"
    assert [(s["carrier"], s["tracking_number"]) for s in seen["shipments"]] == [("pickup", None)]
