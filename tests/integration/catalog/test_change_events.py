"""What the catalog announces for the caches in front of it: one `product.stock_changed` per
transaction that changes the quantity a page shows (a checkout's hold, a cancelled order's units
given back; not a shipment, which shows nothing new), `shop.updated` for a change of what a shop's
pages show, and a batch of page views counted once however often it is sent."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.catalog.support import product_body, publish
from tests.support.harness import rpc_proxy, wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration


@pytest.fixture
def tap(amqp):
    events = EventTap(amqp, "#")
    yield events
    events.close()


def announced(tap: EventTap, type_: str, key: str, value: str) -> list[dict]:
    return [event["data"] for event in tap.drain()
            if event["type"] == type_ and value in str(event["data"].get(key))]


def test_a_hold_and_a_release_each_announce_their_products_once(amqp, seller, shop, anyone, tap):
    mug, plate = (seller.catalog.create_product(shop["id"], product_body(
        title=title, stock={"mode": "tracked", "quantity": 5})) for title in ("Mug", "Plate"))
    vase = seller.catalog.create_product(shop["id"], product_body(
        title="Vase", stock={"mode": "made_to_order", "production_days": 10}))
    moved = sorted([mug["id"], plate["id"]])
    order = str(uuid.uuid4())

    anyone.catalog.hold_for_order(order, shop["id"], [
        {"product_id": product["id"], "quantity": 1, "options": {}}
        for product in (mug, plate, vase)])
    held = wait_for(lambda: announced(tap, "product.stock_changed", "product_ids", mug["id"]),
                    message="the hold to be announced")
    assert held == [{"product_ids": moved}]  # one event, the untracked vase left out

    ref = {"shop_id": shop["id"], "buyer_id": str(uuid.uuid4())}
    publish(amqp, "order.shipped", {"order_id": order, **ref})
    wait_for(lambda: anyone.catalog.get_reservation(order)["status"] == "fulfilled",
             message="the order's units to leave")
    other = str(uuid.uuid4())
    anyone.catalog.reserve(other, [{"product_id": plate["id"], "quantity": 2}])
    anyone.catalog.release(other)
    wait_for(lambda: len(announced(tap, "product.stock_changed", "product_ids",
                                   plate["id"])) == 3, message="the second hold and its release")
    # Shipping took the units off the shelf and off the held count: no page shows a change.
    assert announced(tap, "product.stock_changed", "product_ids", plate["id"]) == [
        {"product_ids": moved}, {"product_ids": [plate["id"]]}, {"product_ids": [plate["id"]]}]


def test_a_change_of_a_shop_s_profile_or_vacation_is_announced(seller, shop, tap):
    seller.catalog.update_shop(shop["id"], {"about": "Pottery"})
    seller.catalog.set_vacation(shop["id"], {"message": "Away", "starts_on": "2020-01-01",
                                             "ends_on": "2099-01-01", "allow_cart": False})
    seller.catalog.end_vacation(shop["id"])
    wait_for(lambda: len(announced(tap, "shop.updated", "shop_id", shop["id"])) == 3,
             message="three shop changes to be announced")


def test_a_batch_of_views_counts_once_however_often_it_is_sent(amqp, seller, shop):
    mug = seller.catalog.create_product(shop["id"], product_body())
    batch = {"request_id": "views", "command_id": f"views-{uuid.uuid4()}", "roles": []}
    for _ in range(2):
        with rpc_proxy(amqp, context_data=batch) as rpc:
            answer = rpc.catalog.record_views({mug["id"]: 7, str(uuid.uuid4()): 3})
        assert answer == {"counted": 7}  # a product the catalog does not know is left out
    assert seller.catalog.get_product(mug["id"])["stats"]["views"] == 7
