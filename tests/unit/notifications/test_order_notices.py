"""The buyer hears of a priced delivery, a changed total and a request for the balance; every admin
of an order the auto-close found never shipped. Each event through the service's own handler (the
inbox included) on SQLite in memory, so a redelivered event is seen to write nothing twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.common import events
from services.common.caller import Caller
from services.notifications.actions import feed as feed_actions


def new_id() -> str:
    return str(uuid.uuid4())


def rub(amount: int) -> dict:
    return {"amount": amount, "currency": "RUB"}


def envelope(type_: str, **data) -> dict:
    """An event as the orders service publishes it (checked against its contract)."""
    return events.make_envelope(type_, data, producer="orders", occurred_at=datetime.now(UTC))


def as_user(user_id: str, role: str = "buyer") -> Caller:
    return Caller(user_id=user_id, roles=frozenset({role}))


def feed(uow, caller: Caller) -> list[dict]:
    return feed_actions.list_notices(uow, caller, {"page": 1, "per_page": 50})["items"]


def ref(buyer_id: str | None = None, **extra) -> dict:
    return {"order_id": new_id(), "shop_id": new_id(), "buyer_id": buyer_id,
            "seller_id": new_id(), **extra}


def test_a_priced_delivery_tells_the_buyer_the_new_total_once(service, uow):
    buyer = new_id()
    event = envelope("order.amount_changed", **ref(buyer), by="seller", previous_total=rub(100000),
                     new_total=rub(135000), reason="delivery_cost")

    service.on_amount_changed([event])
    service.on_amount_changed([event])  # redelivered

    [notice] = feed(uow, as_user(buyer))
    assert (notice["type"], notice["title"], notice["order_id"], notice["read"]) == (
        "order.amount_changed", "The seller priced your delivery", event["data"]["order_id"],
        False)
    assert notice["body"] == (f"The delivery of your order {event['data']['order_id'][:8]} is "
                              "priced. The order's total is now 1,350 ₽ (was 1,000 ₽).")
    assert notice["data"] == {"previous_total": rub(100000), "new_total": rub(135000),
                              "reason": "delivery_cost"}
    assert feed(uow, as_user(event["data"]["seller_id"], "seller")) == []


def test_a_changed_total_gives_the_buyer_the_sellers_reason(service, uow):
    buyer = new_id()
    event = envelope("order.amount_changed", **ref(buyer), by="seller", previous_total=rub(130000),
                     new_total=rub(120050), reason="agreed discount")

    service.on_amount_changed([event])

    [notice] = feed(uow, as_user(buyer))
    assert notice["title"] == "The total of your order has changed"
    assert notice["body"].splitlines() == [
        f"The total of your order {event['data']['order_id'][:8]} is now 1,200.50 ₽ "
        "(was 1,300 ₽).",
        "Reason: agreed discount"]
    assert notice["data"]["reason"] == "agreed discount"


def test_a_guest_order_gets_no_in_app_notice_of_a_changed_total_nor_of_the_balance(service, uow):
    guest_order = ref(None)
    service.on_amount_changed([envelope("order.amount_changed", **guest_order,
                                        previous_total=rub(100000), new_total=rub(90000),
                                        reason="agreed discount")])
    service.on_balance_requested([envelope("order.balance_requested", **guest_order,
                                           note="Half done")])

    admin = Caller(user_id=new_id(), roles=frozenset({"admin"}))
    assert feed(uow, admin) == []
    assert feed(uow, as_user(guest_order["seller_id"], "seller")) == []


def test_the_buyer_is_asked_for_the_balance_with_the_note_and_the_photos_once(service, uow):
    buyer, photos = new_id(), [new_id(), new_id()]
    event = envelope("order.balance_requested", **ref(buyer), note="The glaze is fired.",
                     attachment_ids=photos)

    service.on_balance_requested([event])
    service.on_balance_requested([event])  # redelivered

    [notice] = feed(uow, as_user(buyer))
    assert (notice["type"], notice["title"], notice["order_id"]) == (
        "order.balance_requested", "Please pay the balance", event["data"]["order_id"])
    assert notice["body"].splitlines() == [
        f"Your order {event['data']['order_id'][:8]} is in production. "
        "The seller asks you to pay the balance.",
        "The seller's note: The glaze is fired.",
        "2 photos attached."]
    assert notice["data"] == {"note": "The glaze is fired.", "attachment_ids": photos}


def test_a_balance_request_without_a_note_or_photos_asks_for_the_balance_alone(service, uow):
    buyer = new_id()
    event = envelope("order.balance_requested", **ref(buyer))

    service.on_balance_requested([event])

    [notice] = feed(uow, as_user(buyer))
    assert notice["body"] == (f"Your order {event['data']['order_id'][:8]} is in production. "
                              "The seller asks you to pay the balance.")
    assert notice["data"] == {"note": None, "attachment_ids": []}


def test_every_admin_hears_once_of_an_order_the_auto_close_found_never_shipped(service, uow):
    buyer, placed_at = new_id(), "2026-03-02T09:15:00+00:00"
    event = envelope("order.unshipped_at_close", **ref(buyer), status="in_production",
                     placed_at=placed_at)

    service.on_unshipped_at_close([event])
    service.on_unshipped_at_close([event])  # redelivered

    data = event["data"]
    for admin in (new_id(), new_id()):
        [notice] = feed(uow, Caller(user_id=admin, roles=frozenset({"admin"})))
        assert (notice["type"], notice["title"], notice["order_id"]) == (
            "order.unshipped_at_close", "An order was never shipped", data["order_id"])
        assert notice["body"] == (
            f"Order {data['order_id'][:8]} of shop {data['shop_id'][:8]}, placed on 2026-03-02, "
            "reached its auto-close deadline still in production: it was never shipped.")
        assert notice["data"] == {"shop_id": data["shop_id"], "status": "in_production",
                                  "placed_at": placed_at}
    assert feed(uow, as_user(buyer)) == []
    assert feed(uow, as_user(data["seller_id"], "seller")) == []


def test_the_admins_hear_of_it_without_the_order_having_been_placed_here(service, uow):
    # Nothing about the parties is needed: the event names the order and its shop.
    event = envelope("order.unshipped_at_close", **ref(new_id()), status="confirmed",
                     placed_at="2026-03-02T09:15:00+00:00")
    service.on_unshipped_at_close([event])
    assert len(feed(uow, Caller(user_id=new_id(), roles=frozenset({"admin"})))) == 1
