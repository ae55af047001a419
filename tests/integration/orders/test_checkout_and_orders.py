"""Cart, checkout and orders against the real catalog and shipping services: totals priced by the
catalog and shipping, stock held through the catalog, idempotent replays, who sees what, the
lifecycle with its history and events, deadlines on a moved clock, and a crash in mid-checkout."""

from __future__ import annotations

import uuid

import pytest

from gateway.rpc.errors import RemoteError
from tests.integration.orders.conftest import ADDRESS, STALE_SECONDS, checkout_body
from tests.support.harness import wait_for

pytestmark = pytest.mark.integration

RUB = "RUB"


def rub(amount: int) -> dict:
    return {"amount": amount, "currency": RUB}


def refused(call, *args, **kwargs) -> RemoteError:
    with pytest.raises(RemoteError) as caught:
        call(*args, **kwargs)
    return caught.value


# Checkout -----------------------------------------------------------------------------------------
def test_a_cart_from_two_shops_checks_out_into_two_orders_with_their_totals(world):
    clay, wood, buyer = world.seller(), world.seller(), world.buyer()
    clay_shop = world.shop(clay, prepayment_percent=30, confirm_days=5)
    wood_shop = world.shop(wood)
    mug = world.product(clay, clay_shop["id"], price=100000, discount_percent=10, options=[
        {"name": "Colour", "kind": "select", "required": True,
         "variants": [{"label": "Red", "price_delta": 2000}, {"label": "White"}]}])
    spoon = world.product(wood, wood_shop["id"], title="Carved spoon", price=10000,
                          wholesale=[{"min_quantity": 3, "percent_off": 20}],
                          stock={"mode": "untracked"})
    colour = mug["options"][0]
    red = colour["variants"][0]["id"]
    courier = world.fixed_delivery(clay, clay_shop["id"], 30000)
    quoted_later = world.seller_quoted_delivery(wood, wood_shop["id"])

    item = buyer.orders.add_cart_item({"product_id": mug["id"], "quantity": 1,
                                       "options": {colour["id"]: red}})
    buyer.orders.add_cart_item({"product_id": mug["id"], "quantity": 1,
                                "options": {colour["id"]: red}})
    buyer.orders.add_cart_item({"product_id": spoon["id"], "quantity": 3})
    cart = buyer.orders.get_cart()
    assert [(g["shop_id"], g["subtotal"]) for g in cart["groups"]] == [
        (clay_shop["id"], rub(183600)), (wood_shop["id"], rub(24000))]
    assert [i["id"] for i in cart["groups"][0]["items"]] == [item["id"]]  # same options add up
    assert cart["groups"][0]["items"][0]["quantity"] == 2

    tap = world.tap("order.placed")
    result = buyer.orders.checkout(
        checkout_body((clay_shop["id"], courier), (wood_shop["id"], quoted_later),
                      comment="Gift wrap, please", contact_method="email",
                      source={"utm_source": "instagram"}),
        idempotency_key=str(uuid.uuid4()))

    mug_order, spoon_order = result["orders"]
    # (100000 + 2000 red) − 10 % = 91800 a mug, two of them; courier 30000
    assert mug_order["lines"] == [{
        "product_id": mug["id"], "title": "Mug with a fox", "quantity": 2,
        "options": mug_order["lines"][0]["options"], "unit_price": rub(91800),
        "total": rub(183600)}]
    assert [o["name"] for o in mug_order["lines"][0]["options"]] == ["Colour"]
    assert mug_order["totals"] == {"items": rub(183600), "delivery": rub(30000),
                                   "discount": rub(0), "surcharge": rub(0),
                                   "grand_total": rub(213600)}
    assert mug_order["prepayment_percent"] == 30
    # three spoons at the 20 % wholesale tier; delivery to be quoted by the seller
    assert spoon_order["totals"] == {"items": rub(24000), "delivery": None, "discount": rub(0),
                                     "surcharge": rub(0), "grand_total": rub(24000)}
    for order, shop in ((mug_order, clay_shop), (spoon_order, wood_shop)):
        assert order["status"] == "placed" and order["shop_id"] == shop["id"]
        assert order["buyer_id"] == buyer.user_id
        assert [(h["by"], h["from"], h["to"]) for h in order["history"]] == [
            ("buyer", None, "placed")]
        assert "source" not in order  # the seller's, not the buyer's
    assert buyer.orders.get_cart() == {"groups": []}
    assert world.available(mug["id"], clay) == 3

    announced: dict[str, dict] = {}
    wait_for(lambda: announced.update({e["data"]["order_id"]: e["data"] for e in tap.drain()
                                       if e["data"]["buyer_id"] == buyer.user_id})
             or sorted(announced) == sorted([mug_order["id"], spoon_order["id"]]),
             message="both order.placed")
    # what payments needs: the delivery (None while the seller has to quote it), the advance
    placed = announced[mug_order["id"]]
    assert (placed["grand_total"], placed["delivery"], placed["prepayment_percent"]) == (
        rub(213600), rub(30000), 30)
    assert announced[spoon_order["id"]]["delivery"] is None

    # the seller quotes the delivery: totals recomputed, history records it
    quoted = wood.orders.set_delivery_cost(spoon_order["id"], {"cost": 35000})
    assert quoted["totals"]["delivery"] == rub(35000)
    assert quoted["totals"]["grand_total"] == rub(59000)
    assert quoted["source"] == {"utm_source": "instagram"} and quoted["notes"] == []
    error = refused(clay.orders.set_delivery_cost, mug_order["id"], {"cost": 1})
    assert (error.kind, error.code) == ("conflict", "delivery_not_quoted_by_seller")


def test_replaying_an_idempotency_key_returns_the_same_orders_and_creates_nothing(world):
    seller, buyer = world.seller(), world.buyer()
    shop = world.shop(seller)
    mug = world.product(seller, shop["id"])
    courier = world.fixed_delivery(seller, shop["id"], 30000)
    buyer.orders.add_cart_item({"product_id": mug["id"], "quantity": 2})
    body, key = checkout_body((shop["id"], courier)), str(uuid.uuid4())

    first = buyer.orders.checkout(body, idempotency_key=key)
    again = buyer.orders.checkout(body, idempotency_key=key)

    assert again == first
    assert buyer.orders.list_orders({"as": "buyer"})["total"] == 1
    assert world.available(mug["id"], seller) == 3
    other = refused(buyer.orders.checkout, {**body, "comment": "changed"}, idempotency_key=key)
    assert (other.kind, other.code) == ("conflict", "idempotency_key_reused")


def test_a_refused_checkout_frees_its_idempotency_key(world):
    seller, buyer = world.seller(), world.buyer()
    shop = world.shop(seller)
    mug = world.product(seller, shop["id"])
    courier = world.fixed_delivery(seller, shop["id"], 30000)
    body, key = checkout_body((shop["id"], courier)), str(uuid.uuid4())

    empty = refused(buyer.orders.checkout, body, idempotency_key=key)
    assert (empty.kind, empty.code) == ("invalid", "empty_cart_group")

    buyer.orders.add_cart_item({"product_id": mug["id"], "quantity": 1})
    placed = buyer.orders.checkout(body, idempotency_key=key)
    assert [order["shop_id"] for order in placed["orders"]] == [shop["id"]]
    assert buyer.orders.checkout(body, idempotency_key=key) == placed


def test_a_line_out_of_stock_refuses_the_checkout_naming_it_and_holds_nothing(world):
    seller, buyer, rival = world.seller(), world.buyer(), world.buyer()
    shop = world.shop(seller)
    plenty = world.product(seller, shop["id"], title="Bowl", stock={"mode": "tracked",
                                                                     "quantity": 10})
    last = world.product(seller, shop["id"], title="Vase", stock={"mode": "tracked",
                                                                   "quantity": 2})
    courier = world.fixed_delivery(seller, shop["id"], 30000)
    buyer.orders.add_cart_item({"product_id": plenty["id"], "quantity": 3})
    buyer.orders.add_cart_item({"product_id": last["id"], "quantity": 2})
    rival.orders.add_cart_item({"product_id": last["id"], "quantity": 1})
    rival.orders.checkout(checkout_body((shop["id"], courier)), idempotency_key="rival")

    error = refused(buyer.orders.checkout, checkout_body((shop["id"], courier)),
                    idempotency_key="mine")

    assert (error.kind, error.code) == ("conflict", "out_of_stock")
    # Nameko sends an error's arguments as text, numbers included
    [short] = error.errors["lines"]
    assert (short["product_id"], int(short["requested"]), int(short["available"])) == (
        last["id"], 2, 1)
    assert buyer.orders.list_orders({"as": "buyer"})["total"] == 0
    assert world.available(plenty["id"], seller) == 10
    assert world.available(last["id"], seller) == 1
    assert len(buyer.orders.get_cart()["groups"][0]["items"]) == 2  # the cart is kept
    with pytest.raises(RemoteError) as validation:
        buyer.orders.checkout({**checkout_body((shop["id"], courier)), "accept_rules": False},
                              idempotency_key=str(uuid.uuid4()))
    assert validation.value.kind == "invalid" and "accept_rules" in validation.value.errors


# Who sees what ------------------------------------------------------------------------------------
def _placed_order(world, seller, buyer, **product):
    shop = world.shop(seller)
    mug = world.product(seller, shop["id"], **product)
    courier = world.fixed_delivery(seller, shop["id"], 30000)
    buyer.orders.add_cart_item({"product_id": mug["id"], "quantity": 1})
    [order] = buyer.orders.checkout(checkout_body((shop["id"], courier)),
                                    idempotency_key=str(uuid.uuid4()))["orders"]
    return order, mug


def test_an_order_is_seen_by_its_buyer_and_its_shop_only_and_notes_stay_the_sellers(world):
    seller, buyer = world.seller(), world.buyer()
    order, _ = _placed_order(world, seller, buyer)
    stranger, other_seller = world.buyer(), world.seller()
    world.shop(other_seller)

    for outsider in (stranger, other_seller):
        error = refused(outsider.orders.get_order, order["id"])
        assert (error.kind, error.code) == ("not_found", "order_not_found")
        assert refused(outsider.orders.confirm, order["id"]).kind == "not_found"
    assert other_seller.orders.list_orders({"as": "seller"})["total"] == 0

    note = seller.orders.add_note(order["id"], {"text": "Regular customer, add a gift"})
    seller.orders.update_note(order["id"], note["id"], {"text": "Regular customer"})
    seen_by_seller = seller.orders.get_order(order["id"])
    seen_by_buyer = buyer.orders.get_order(order["id"])
    assert [n["text"] for n in seen_by_seller["notes"]] == ["Regular customer"]
    assert "notes" not in seen_by_buyer and "source" not in seen_by_buyer
    assert refused(buyer.orders.list_notes, order["id"]).kind == "forbidden"
    assert refused(buyer.orders.add_note, order["id"], {"text": "x"}).kind == "forbidden"
    assert seller.orders.list_orders({"as": "seller", "tab": "open"})["items"][0]["id"] == \
        order["id"]
    assert seller.orders.list_orders({"as": "seller", "tab": "complete"})["total"] == 0
    assert world.admin().orders.get_order(order["id"])["id"] == order["id"]


# The lifecycle ------------------------------------------------------------------------------------
def test_an_order_goes_from_placed_to_completed_with_its_history_and_events(world):
    seller, buyer = world.seller(), world.buyer()
    order, mug = _placed_order(world, seller, buyer)
    tap = world.tap("order.*")
    oid = order["id"]

    assert refused(buyer.orders.confirm, oid).kind == "forbidden"
    assert seller.orders.confirm(oid)["status"] == "confirmed"
    assert seller.orders.confirm(oid)["status"] == "confirmed"  # a repeat changes nothing
    assert refused(buyer.orders.cancel, oid).code == "wrong_role"
    seller.orders.post_message(oid, {"text": "Thank you! Shipping on Monday."})
    buyer.orders.post_message(oid, {"text": "Great"})
    assert [m["text"] for m in buyer.orders.list_messages(oid)["items"]] == [
        "Thank you! Shipping on Monday.", "Great"]

    changed = seller.orders.change_amount(oid, {"amount": 90000, "reason": "agreed discount"})
    assert changed["applied"] is True
    assert changed["order"]["totals"]["grand_total"] == rub(120000)
    assert refused(seller.orders.change_amount, oid, {"amount": "90000", "reason": "x"}).kind \
        == "invalid"

    assert seller.orders.mark_paid(oid)["status"] == "paid"
    later = seller.orders.change_amount(oid, {"amount": 80000, "reason": "chipped glaze"})
    assert later["applied"] is False and later["request"]["status"] == "pending"
    assert seller.orders.get_order(oid)["status"] == "paid"
    world.publish("shipment.created", {"shipment_id": str(uuid.uuid4()), "order_id": oid,
                                       "shop_id": order["shop_id"], "carrier": "cdek",
                                       "tracking_number": "1234567890"})
    shipped = wait_for(lambda: (o := buyer.orders.get_order(oid))["status"] == "shipped" and o,
                       message="the order to be shipped")
    assert shipped["shipments"][0]["tracking_number"] == "1234567890"
    assert refused(buyer.orders.post_review, oid, {"rating": 5, "text": "Lovely"}).code == \
        "wrong_state"
    assert buyer.orders.receive(oid)["status"] == "received"
    review = buyer.orders.post_review(oid, {"rating": 5, "text": "Lovely mug"})
    assert review["buyer_name"] == "Anna" and review["product_ids"] == [mug["id"]]
    assert refused(buyer.orders.post_review, oid, {"rating": 4, "text": "Again"}).code == \
        "already_reviewed"
    done = seller.orders.complete(oid)

    assert done["status"] == "completed"
    assert [(h["by"], h["from"], h["to"]) for h in done["history"]
            if h["from"] != h["to"]] == [
        ("buyer", None, "placed"), ("seller", "placed", "confirmed"),
        ("seller", "confirmed", "paid"), ("seller", "paid", "shipped"),
        ("buyer", "shipped", "received"), ("seller", "received", "completed")]
    assert any("amount_changed" in (h["reason"] or "") for h in done["history"])
    wait_for(lambda: [e["type"] for e in tap.drain()
                      if e["data"]["order_id"] == oid and e["type"] != "order.placed"] == [
        "order.confirmed", "order.amount_changed", "order.paid", "order.shipped",
        "order.received", "order.completed"], message="the order's events in order")
    reviews = world.guest().orders.shop_reviews(order["shop_id"])
    assert reviews["average_rating"] == 5.0 and reviews["items"][0]["text"] == "Lovely mug"
    assert seller.orders.customer_stats(buyer.user_id) == {
        "orders_closed": 1, "orders_cancelled": 0, "reviews_left": 1}
    assert refused(world.seller().orders.customer_stats, buyer.user_id).kind == "not_found"


def test_a_buyer_cancels_before_confirmation_and_the_stock_returns(world):
    seller, buyer = world.seller(), world.buyer()
    order, mug = _placed_order(world, seller, buyer)
    assert world.available(mug["id"], seller) == 4

    cancelled = buyer.orders.cancel(order["id"])

    assert cancelled["status"] == "cancelled"
    assert cancelled["history"][-1]["reason"] == "cancelled_by_buyer"
    wait_for(lambda: world.available(mug["id"], seller) == 5,
             message="the catalog to release the stock")
    assert buyer.orders.list_orders({"as": "buyer", "tab": "cancelled"})["total"] == 1


# Deadlines ----------------------------------------------------------------------------------------
def test_an_unconfirmed_order_expires_when_the_clock_moves_and_its_stock_returns(world):
    seller, buyer = world.seller(), world.buyer()
    order, mug = _placed_order(world, seller, buyer)
    tap = world.tap("order.expired")
    assert world.available(mug["id"], seller) == 4

    world.move_clock(hours=72)
    try:
        expired = wait_for(
            lambda: (o := buyer.orders.get_order(order["id"]))["status"] == "expired" and o,
            message="the order to expire")
        wait_for(lambda: world.available(mug["id"], seller) == 5,
                 message="the catalog to release the stock")
    finally:
        world.move_clock(hours=-72)

    assert expired["history"][-1] | {"at": None} == {
        "at": None, "by": "system", "from": "placed", "to": "expired", "reason": "seller_lapse"}
    assert [e["data"]["order_id"] for e in tap.drain()].count(order["id"]) == 1
    assert refused(seller.orders.confirm, order["id"]).code == "wrong_state"


# A crash in the middle of a checkout --------------------------------------------------------------
@pytest.mark.parametrize("failpoint, outcomes", [
    ("orders.checkout.after_reserve", {0, 1}),
    ("orders.checkout.after_commit", {1}),
])
def test_killing_the_orders_service_mid_checkout_leaves_a_whole_order_or_none(
    world, failpoint, outcomes
):
    seller, buyer = world.seller(), world.buyer()
    shop = world.shop(seller)
    mug = world.product(seller, shop["id"])
    courier = world.fixed_delivery(seller, shop["id"], 30000)
    buyer.orders.add_cart_item({"product_id": mug["id"], "quantity": 2})
    crashing = world.restart_orders(failpoints=failpoint)

    pending = buyer.orders.checkout.call_async(checkout_body((shop["id"], courier)),
                                               idempotency_key=str(uuid.uuid4()), timeout=90)
    assert crashing.wait_exit(30) == 137
    world.restart_orders()

    # The request the crash interrupted is delivered again to the restarted service. It finds the
    # dead checkout still there (409, in progress: recovery then releases its stock once it is
    # older than STALE_SECONDS), or, when recovery came first, checks out afresh, or, after a
    # crash past the commit, answers with the order already made. A whole order or none.
    try:
        pending.result()
        orders_left = 1
    except RemoteError as refusal:
        assert refusal.code == "checkout_in_progress"
        orders_left = 0
    assert orders_left in outcomes
    expected = 5 - 2 * orders_left
    wait_for(lambda: world.available(mug["id"], seller) == expected,
             timeout=float(STALE_SECONDS) + 20, message="the stock to match the orders")
    mine = buyer.orders.list_orders({"as": "buyer"})
    assert mine["total"] == orders_left
    for order in mine["items"]:
        assert order["lines"][0]["quantity"] == 2
        assert order["totals"]["grand_total"] == rub(230000)
        assert order["shipping_address"] == ADDRESS
