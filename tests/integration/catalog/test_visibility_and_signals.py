"""What other services' events do to the catalog, published to `atelier.events` as the relay
publishes them: sanctions hide products and shops until lifted, verification and online payment
show on the shop and its products, orders, reviews and cart adds feed popularity and the `hit`
label. The storefront never lists a product of a hidden, blocked or banned shop."""

from __future__ import annotations

import uuid

import pytest

from services.common.errors import Conflict, NotFound
from tests.integration.catalog.support import product_body, publish, publish_envelope
from tests.support.harness import wait_for
from tests.support.tap import EventTap

pytestmark = pytest.mark.integration


def listed_ids(caller, shop_id: str) -> set[str]:
    return {p["id"] for p in caller.catalog.list_products({"shop_id": shop_id})["items"]}


def hidden_from(caller, product_id: str) -> bool:
    try:
        caller.catalog.get_product(product_id)
    except NotFound:
        return True
    return False


def sanction(amqp, shop_id: str, kind: str, product_id: str | None = None) -> str:
    sanction_id = str(uuid.uuid4())
    publish(amqp, "shop.sanctioned", {"shop_id": shop_id, "sanction_id": sanction_id,
                                      "kind": kind, "product_id": product_id,
                                      "reason": "complaint confirmed"})
    return sanction_id


def lift(amqp, shop_id: str, sanction_id: str, kind: str, product_id: str | None = None) -> None:
    publish(amqp, "shop.sanction_lifted", {"shop_id": shop_id, "sanction_id": sanction_id,
                                           "kind": kind, "product_id": product_id})


def test_hidden_products_leave_the_storefront_until_the_sanction_is_lifted(
    amqp, seller, shop, anyone
):
    product = seller.catalog.create_product(shop["id"], product_body())
    assert listed_ids(anyone, shop["id"]) == {product["id"]}

    sanction_id = sanction(amqp, shop["id"], "products_hidden")

    wait_for(lambda: hidden_from(anyone, product["id"]), message="the product to be hidden")
    assert listed_ids(anyone, shop["id"]) == set()
    assert anyone.catalog.get_shop(shop["id"])["status"] == "products_hidden"  # the page stays
    assert seller.catalog.get_product(product["id"])["hidden_by_moderation"] is False
    assert seller.catalog.get_product(product["id"])["listed"] is False  # the owner still sees it

    lift(amqp, shop["id"], sanction_id, "products_hidden")

    wait_for(lambda: listed_ids(anyone, shop["id"]) == {product["id"]},
             message="the product to return")
    assert anyone.catalog.get_shop(shop["id"])["status"] == "active"


def test_a_blocked_storefront_is_seen_by_its_owner_only_and_cannot_change_products(
    amqp, seller, shop, anyone
):
    product = seller.catalog.create_product(shop["id"], product_body())

    sanction(amqp, shop["id"], "storefront_blocked")

    def blocked():
        try:
            anyone.catalog.get_shop(shop["id"])
        except NotFound:
            return True
        return False

    wait_for(blocked, message="the storefront to be blocked")
    assert seller.catalog.get_shop(shop["id"])["status"] == "blocked"
    assert hidden_from(anyone, product["id"])
    assert listed_ids(anyone, shop["id"]) == set()
    with pytest.raises(Conflict) as refused:
        seller.catalog.update_product(product["id"], {"price": 1})
    assert refused.value.code == "shop_blocked"
    with pytest.raises(Conflict):
        anyone.catalog.reserve(str(uuid.uuid4()), [{"product_id": product["id"], "quantity": 1}])


def test_the_most_severe_sanction_in_force_gives_the_status(amqp, seller, shop, anyone):
    product = seller.catalog.create_product(shop["id"], product_body())
    hidden = sanction(amqp, shop["id"], "products_hidden")
    banned = sanction(amqp, shop["id"], "banned")
    wait_for(lambda: seller.catalog.get_shop(shop["id"])["status"] == "banned",
             message="the ban")

    lift(amqp, shop["id"], banned, "banned")
    wait_for(lambda: seller.catalog.get_shop(shop["id"])["status"] == "products_hidden",
             message="the ban lifted, the hiding still in force")
    assert hidden_from(anyone, product["id"])

    lift(amqp, shop["id"], hidden, "products_hidden")
    wait_for(lambda: not hidden_from(anyone, product["id"]), message="the product back")


def test_one_hidden_product_goes_while_the_others_stay_and_its_hiding_is_announced(
    amqp, seller, shop, anyone
):
    tap = EventTap(amqp, "product.hidden")
    try:
        kept = seller.catalog.create_product(shop["id"], product_body())
        hidden = seller.catalog.create_product(shop["id"], product_body(title="Fake brand mug"))

        sanction_id = sanction(amqp, shop["id"], "product_hidden", hidden["id"])

        wait_for(lambda: listed_ids(anyone, shop["id"]) == {kept["id"]},
                 message="one product to be hidden")
        assert seller.catalog.get_product(hidden["id"])["hidden_by_moderation"] is True
        wait_for(lambda: [e["data"] for e in tap.drain()
                          if e["data"]["product_id"] == hidden["id"]] == [
            {"product_id": hidden["id"], "shop_id": shop["id"], "reason": "complaint confirmed"}],
            message="product.hidden")

        lift(amqp, shop["id"], sanction_id, "product_hidden", hidden["id"])
        wait_for(lambda: listed_ids(anyone, shop["id"]) == {kept["id"], hidden["id"]},
                 message="the product to return")
    finally:
        tap.close()


def test_verification_and_online_payment_show_on_the_shop_and_raise_popularity(
    amqp, seller, shop, anyone
):
    product = seller.catalog.create_product(shop["id"], product_body())
    before = seller.catalog.get_product(product["id"])["stats"]["popularity"]

    publish(amqp, "shop.verified", {"shop_id": shop["id"]})
    publish(amqp, "shop.payment_settings_changed", {"shop_id": shop["id"], "online_payment": True})

    wait_for(lambda: anyone.catalog.get_product(product["id"])["online_payment"] is True,
             message="online payment")
    wait_for(lambda: anyone.catalog.get_shop(shop["id"])["labels"] == ["reliable_seller"],
             message="the reliable seller label")
    page = anyone.catalog.get_product(product["id"])
    assert page["shop"]["labels"] == ["reliable_seller"]
    # the documented bonuses: 2.0 for a reliable seller, 1.0 for online payment
    after = seller.catalog.get_product(product["id"])["stats"]["popularity"]
    assert after == pytest.approx(before + 3.0)


def _placed(shop_id: str, product_id: str) -> dict:
    money = {"amount": 150000, "currency": "RUB"}
    return {"order_id": str(uuid.uuid4()), "shop_id": shop_id, "buyer_id": str(uuid.uuid4()),
            "seller_id": str(uuid.uuid4()),
            "lines": [{"product_id": product_id, "quantity": 1, "unit_price": money}],
            "grand_total": money}


def test_ten_paid_orders_make_a_hit_and_sales_reviews_and_cart_adds_feed_popularity(
    amqp, seller, shop, anyone
):
    product = seller.catalog.create_product(shop["id"], product_body())
    other = seller.catalog.create_product(shop["id"], product_body(title="Plain mug"))

    for _ in range(10):
        order = _placed(shop["id"], product["id"])
        ref = {key: order[key] for key in ("order_id", "shop_id", "buyer_id")}
        publish(amqp, "order.paid", {**ref, "by": "seller"})  # before its order.placed: it waits
        publish(amqp, "order.placed", order)
    publish(amqp, "review.posted", {"review_id": str(uuid.uuid4()), "order_id": str(uuid.uuid4()),
                                    "shop_id": shop["id"], "buyer_id": str(uuid.uuid4()),
                                    "product_ids": [product["id"]], "rating": 5})
    added = publish(amqp, "cart.item_added", {"buyer_id": str(uuid.uuid4()),
                                              "product_id": product["id"], "shop_id": shop["id"],
                                              "quantity": 2})

    def stats():
        return seller.catalog.get_product(product["id"])["stats"]

    wait_for(lambda: (stats()["sales"], stats()["review_count"], stats()["cart_adds"]) == (10, 1, 1),
             message="the counters")
    assert "hit" in anyone.catalog.get_product(product["id"])["labels"]
    ranked = anyone.catalog.list_products({"shop_id": shop["id"], "sort": "popularity"})["items"]
    assert [p["id"] for p in ranked] == [product["id"], other["id"]]

    # a redelivered event (same id) has no further effect
    publish_envelope(amqp, added)
    publish(amqp, "cart.item_added", {**added["data"], "product_id": other["id"]})
    wait_for(lambda: seller.catalog.get_product(other["id"])["stats"]["cart_adds"] == 1,
             message="a later event to be handled")
    assert stats()["cart_adds"] == 1

