"""Stock reservations for checkout: all or nothing, idempotent by order id, never oversold under
concurrency, released by a cancelled or expired order and taken off the shelf when it ships."""

from __future__ import annotations

import uuid

import pytest

from services.common.errors import Conflict, Invalid, NotFound
from tests.integration.catalog.support import all_at_once, product_body, publish
from tests.support.harness import wait_for

pytestmark = pytest.mark.integration

BUYERS = 50
LAST_UNITS = 10


def order_id() -> str:
    return str(uuid.uuid4())


def available(seller, product_id: str) -> int:
    return seller.catalog.get_product(product_id)["stock"]["quantity"]


def tracked(seller, shop, quantity: int, **overrides) -> dict:
    return seller.catalog.create_product(
        shop["id"], product_body(stock={"mode": "tracked", "quantity": quantity}, **overrides))


def test_a_reservation_takes_every_line_or_none_and_names_each_shortage(seller, shop, anyone):
    mug = tracked(seller, shop, 3)
    plate = tracked(seller, shop, 1, title="Plate")
    vase = seller.catalog.create_product(shop["id"], product_body(
        title="Vase", stock={"mode": "made_to_order", "production_days": 10}))

    with pytest.raises(Conflict) as refused:
        anyone.catalog.reserve(order_id(), [{"product_id": mug["id"], "quantity": 2},
                                            {"product_id": plate["id"], "quantity": 2},
                                            {"product_id": vase["id"], "quantity": 100},
                                            {"product_id": mug["id"], "quantity": 2}])

    assert refused.value.code == "out_of_stock"
    # Nameko sends an error's arguments as text, numbers included
    assert sorted(refused.value.errors["lines"], key=lambda s: s["requested"]) == [
        {"product_id": plate["id"], "requested": "2", "available": "1"},
        {"product_id": mug["id"], "requested": "4", "available": "3"},
    ]
    assert (available(seller, mug["id"]), available(seller, plate["id"])) == (3, 1)

    held = anyone.catalog.reserve(order_id(), [{"product_id": mug["id"], "quantity": 3},
                                               {"product_id": vase["id"], "quantity": 100}])
    assert held["status"] == "held"
    assert (available(seller, mug["id"]), available(seller, plate["id"])) == (0, 1)


def test_the_same_order_reserving_again_changes_nothing(seller, shop, anyone):
    mug = tracked(seller, shop, 5)
    order = order_id()

    first = anyone.catalog.reserve(order, [{"product_id": mug["id"], "quantity": 2}])
    again = anyone.catalog.reserve(order, [{"product_id": mug["id"], "quantity": 2}])

    assert again == first
    assert available(seller, mug["id"]) == 3


def test_a_released_order_gives_its_units_back_once(seller, shop, anyone):
    mug = tracked(seller, shop, 5)
    order = order_id()
    anyone.catalog.reserve(order, [{"product_id": mug["id"], "quantity": 2}])

    assert anyone.catalog.release(order)["status"] == "released"
    assert anyone.catalog.release(order)["status"] == "released"
    assert available(seller, mug["id"]) == 5
    with pytest.raises(Conflict):
        anyone.catalog.commit(order)
    assert anyone.catalog.release(order_id())["status"] == "none"
    with pytest.raises(NotFound):
        anyone.catalog.commit(order_id())


def test_the_seller_sets_what_is_available_and_held_units_stay_held(seller, shop, anyone):
    mug = tracked(seller, shop, 5)
    anyone.catalog.reserve(order_id(), [{"product_id": mug["id"], "quantity": 2}])

    changed = seller.catalog.update_product(mug["id"], {"stock": {"quantity": 4}})

    assert changed["stock"] == {"mode": "tracked", "quantity": 4, "production_days": None,
                                "on_hand": 6, "reserved": 2}


def test_cancelled_and_expired_orders_release_and_a_shipped_one_leaves_the_shelf(
    amqp, seller, shop, anyone
):
    mug = tracked(seller, shop, 10)
    cancelled, expired, shipped = order_id(), order_id(), order_id()
    for order in (cancelled, expired, shipped):
        anyone.catalog.reserve(order, [{"product_id": mug["id"], "quantity": 2}])
    assert available(seller, mug["id"]) == 4

    ref = {"shop_id": shop["id"], "buyer_id": str(uuid.uuid4())}
    publish(amqp, "order.cancelled", {"order_id": cancelled, **ref, "reason": "changed my mind"})
    publish(amqp, "order.expired", {"order_id": expired, **ref})
    publish(amqp, "order.shipped", {"order_id": shipped, **ref})

    wait_for(lambda: anyone.catalog.get_reservation(shipped)["status"] == "fulfilled",
             message="the shipped order's units to leave")
    wait_for(lambda: available(seller, mug["id"]) == 8, message="two orders to release")
    stock = seller.catalog.get_product(mug["id"])["stock"]
    assert (stock["on_hand"], stock["reserved"]) == (8, 0)
    assert anyone.catalog.get_reservation(cancelled)["status"] == "released"
    assert anyone.catalog.get_reservation(expired)["status"] == "released"


def test_a_placed_order_commits_its_hold(amqp, seller, shop, anyone):
    mug = tracked(seller, shop, 3)
    order = order_id()
    anyone.catalog.reserve(order, [{"product_id": mug["id"], "quantity": 1}])
    money = {"amount": 150000, "currency": "RUB"}

    publish(amqp, "order.placed", {
        "order_id": order, "shop_id": shop["id"], "buyer_id": str(uuid.uuid4()),
        "seller_id": shop["owner_id"],
        "lines": [{"product_id": mug["id"], "quantity": 1, "unit_price": money}],
        "grand_total": money})

    wait_for(lambda: anyone.catalog.get_reservation(order)["status"] == "committed",
             message="the hold to be committed")
    assert anyone.catalog.commit(order)["status"] == "committed"
    assert available(seller, mug["id"]) == 2


def test_a_product_off_the_storefront_cannot_be_reserved(seller, shop, anyone):
    mug = tracked(seller, shop, 3)
    seller.catalog.disable_product(mug["id"])

    with pytest.raises(Conflict) as refused:
        anyone.catalog.reserve(order_id(), [{"product_id": mug["id"], "quantity": 1}])

    assert refused.value.errors["lines"] == [
        {"product_id": mug["id"], "requested": "1", "available": "0"}]


def test_checkout_s_hold_prices_tells_the_terms_and_holds_in_one_call(seller, shop, anyone):
    seller.catalog.update_shop(shop["id"], {"rules": {"confirm_days": 2,
                                                      "prepayment_percent": 30}})
    mug = tracked(seller, shop, 5, discount_percent=10)
    vase = seller.catalog.create_product(shop["id"], product_body(
        title="Vase", stock={"mode": "made_to_order", "production_days": 10}))
    lines = [{"product_id": mug["id"], "quantity": 2, "options": {}},
             {"product_id": vase["id"], "quantity": 1, "options": {}}]
    order = order_id()
    quoted = anyone.catalog.quote_lines(lines)["lines"]

    held = anyone.catalog.hold_for_order(order, shop["id"], lines)

    assert held["lines"] == quoted  # priced as quoted, the units available before the hold
    assert held["lines"][0]["total"] == {"amount": 270000, "currency": "RUB"}
    assert held["terms"] == {"shop_id": shop["id"], "owner_id": shop["owner_id"],
                             "currency": "RUB", "status": "active", "confirm_days": 2,
                             "prepayment_percent": 30, "payment_timing": "after_confirmation",
                             "surcharge_percent": "0", "surcharge_label": None,
                             "contact_methods": shop["contact_methods"], "vacation": None}
    assert held["reservation"] == anyone.catalog.get_reservation(order)
    assert held["reservation"]["status"] == "held"
    assert available(seller, mug["id"]) == 3

    again = anyone.catalog.hold_for_order(order, shop["id"], lines)
    assert (again["reservation"], again["terms"]) == (held["reservation"], held["terms"])
    assert available(seller, mug["id"]) == 3


def test_checkout_s_hold_refuses_a_line_of_another_shop_and_holds_nothing(
        seller, shop, other_seller, anyone):
    mug = tracked(seller, shop, 5)
    elsewhere = other_seller.catalog.create_shop({"name": "Wool", "currency": "RUB"})
    scarf = tracked(other_seller, elsewhere, 5, title="Scarf")
    order = order_id()

    with pytest.raises(Invalid) as refused:
        anyone.catalog.hold_for_order(order, shop["id"], [
            {"product_id": mug["id"], "quantity": 1}, {"product_id": scarf["id"], "quantity": 1}])

    assert refused.value.code == "not_this_shop"
    assert list(refused.value.errors) == ["lines.1.product_id"]
    assert anyone.catalog.get_reservation(order) is None
    assert (available(seller, mug["id"]), available(other_seller, scarf["id"])) == (5, 5)


def test_checkout_s_hold_refuses_a_shortage_and_holds_nothing(seller, shop, anyone):
    mug = tracked(seller, shop, 1)
    plate = tracked(seller, shop, 5, title="Plate")
    order = order_id()

    with pytest.raises(Conflict) as refused:
        anyone.catalog.hold_for_order(order, shop["id"], [
            {"product_id": plate["id"], "quantity": 2}, {"product_id": mug["id"], "quantity": 2}])

    assert refused.value.code == "out_of_stock"
    assert refused.value.errors["lines"] == [
        {"product_id": mug["id"], "requested": "2", "available": "1"}]
    assert anyone.catalog.get_reservation(order) is None
    assert (available(seller, mug["id"]), available(seller, plate["id"])) == (1, 5)


@pytest.mark.parametrize("call", ["reserve", "hold_for_order"])
def test_fifty_buyers_racing_for_the_last_ten_units_never_oversell(amqp, seller, shop, call):
    mug = tracked(seller, shop, LAST_UNITS)
    outcomes: list[str] = []

    def buy(client):
        order = order_id()
        try:
            if call == "reserve":
                client.catalog.reserve(order, [{"product_id": mug["id"], "quantity": 1}])
            else:
                client.catalog.hold_for_order(order, shop["id"], [
                    {"product_id": mug["id"], "quantity": 1}])
        except Conflict as refused:
            outcomes.append(refused.code)
        else:
            outcomes.append("reserved")

    all_at_once(amqp, BUYERS, buy)

    assert outcomes.count("reserved") == LAST_UNITS
    assert outcomes.count("out_of_stock") == BUYERS - LAST_UNITS
    stock = seller.catalog.get_product(mug["id"])["stock"]
    assert (stock["quantity"], stock["on_hand"], stock["reserved"]) == (0, LAST_UNITS, LAST_UNITS)
