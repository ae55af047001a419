"""Shipments over RPC, carrier tracking through fake CDEK and Russian Post APIs, and the
shipping-overdue job."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from gateway.rpc.errors import RemoteError
from tests.support.harness import wait_for

pytestmark = pytest.mark.integration


def new_id() -> str:
    return str(uuid.uuid4())


def cdek_number() -> str:
    return "".join(random.choices("0123456789", k=10))


def russian_post_number() -> str:
    return "RA" + "".join(random.choices("0123456789", k=9)) + "RU"


def events_of(tap, type_: str, **data) -> list[dict]:
    """The events of `type_` seen so far whose data has the given values."""
    return [
        e
        for e in tap.drain()
        if e["type"] == type_ and all(e["data"].get(k) == v for k, v in data.items())
    ]


def ship(caller, order_id, carrier, number=None, notify_buyer=True):
    body = {"carrier": carrier, "tracking_number": number, "notify_buyer": notify_buyer}
    return caller.add_shipment(order_id, body)


def refused(call, *args, **kwargs) -> RemoteError:
    with pytest.raises(RemoteError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_a_shipment_records_shipment_created_with_the_tracking_link(shipping):
    tap = shipping.tap("shipment.*")
    seller, shop_id = shipping.open_shop()
    order_id, number = shipping.paid_order(seller, shop_id), cdek_number()

    shipment = ship(seller, order_id, "cdek", number, notify_buyer=True)

    assert shipment["carrier"] == "cdek" and shipment["tracking_number"] == number
    assert shipment["tracking_url"] == f"https://www.cdek.ru/ru/tracking?order_id={number}"
    assert shipment["status"] == "created"
    assert [(h["from"], h["to"], h["source"]) for h in shipment["history"]] == [
        (None, "created", "seller")
    ]
    [event] = wait_for(lambda: events_of(tap, "shipment.created", order_id=order_id),
                       message="shipment.created")
    assert event["data"] == {
        "shipment_id": shipment["id"],
        "order_id": order_id,
        "shop_id": shop_id,
        "carrier": "cdek",
        "tracking_number": number,
        "tracking_url": shipment["tracking_url"],
        "notify_buyer": True,
    }
    assert shipping.anyone().list_shipments(order_id) == {"items": [shipment]}
    seen = seller.of("orders").get_order(order_id)  # at once: the order took it first
    assert seen["status"] == "shipped"
    assert [(s["id"], s["tracking_number"]) for s in seen["shipments"]] == [
        (shipment["id"], number)]


def test_a_second_track_on_a_shipped_order_is_announced_again_and_a_repeat_is_not(shipping):
    tap = shipping.tap("shipment.*")
    seller, shop_id = shipping.open_shop()
    order_id = shipping.paid_order(seller, shop_id)
    first = ship(seller, order_id, "russian_post", "ra 123 456 789 ru", False)
    assert first["tracking_number"] == "RA123456789RU"
    second = ship(seller, order_id, "cdek", cdek_number(), notify_buyer=True)
    again = ship(seller, order_id, "russian_post", "RA123456789RU", True)
    courier = ship(seller, order_id, "courier", None, notify_buyer=True)

    assert again == first
    assert courier["tracking_number"] is None and courier["tracking_url"] is None
    listed = shipping.anyone().list_shipments(order_id)["items"]
    assert [s["id"] for s in listed] == [first["id"], second["id"], courier["id"]]
    created = wait_for(
        lambda: len(found := events_of(tap, "shipment.created", order_id=order_id)) == 3 and found,
        message="three shipment.created events",
    )
    assert [(e["data"]["shipment_id"], e["data"]["notify_buyer"]) for e in created] == [
        (first["id"], False),
        (second["id"], True),
        (courier["id"], True),
    ]


@pytest.mark.parametrize(
    "carrier, number, message",
    [
        ("cdek", "12345", "A CDEK tracking number is 10 digits, e.g. 1234567890."),
        ("cdek", "12345678901", "A CDEK tracking number is 10 digits, e.g. 1234567890."),
        ("russian_post", "RA12345RU", "A Russian Post tracking number is 14 digits "
         "(e.g. 12345678901234) or 2 letters, 9 digits and 2 letters (e.g. RA123456789RU)."),
        ("russian_post", "1234567890", "A Russian Post tracking number is 14 digits "
         "(e.g. 12345678901234) or 2 letters, 9 digits and 2 letters (e.g. RA123456789RU)."),
    ],
)
def test_a_malformed_tracking_number_is_refused_and_nothing_is_recorded(
    shipping, paid, carrier, number, message
):
    seller, order_id = paid
    error = refused(ship, seller, order_id, carrier, number, True)
    assert (error.exc_type, error.code) == ("Invalid", "invalid_tracking_number")
    assert error.errors == {"tracking_number": [message]}
    assert shipping.anyone().list_shipments(order_id) == {"items": []}


def test_an_unknown_carrier_or_a_buyer_cannot_add_a_shipment(shipping, paid):
    seller, order_id = paid
    unknown = refused(ship, seller, order_id, "dhl", "ABCD1234", True)
    assert (unknown.exc_type, unknown.code) == ("Invalid", "unknown_carrier")
    assert unknown.errors == {
        "carrier": ["Unknown carrier; use one of russian_post, cdek, courier, pek, boxberry, other, pickup."]
    }
    buyer = refused(ship, shipping.buyer(), order_id, "cdek", cdek_number(), True)
    assert (buyer.exc_type, buyer.code) == ("Forbidden", "wrong_role")
    assert shipping.anyone().list_shipments(order_id) == {"items": []}


def test_a_seller_of_another_shop_cannot_ship_its_order_over_rpc(shipping):
    """Straight to the service, past the gateway: the service itself refuses a stranger."""
    tap = shipping.tap("shipment.*")
    owner, shop_a = shipping.open_shop()
    stranger, shop_b = shipping.open_shop()
    order_id = shipping.paid_order(owner, shop_a)

    for body in ({"carrier": "courier", "notify_buyer": True}, {"carrier": "teleport"}, None):
        error = refused(stranger.add_shipment, order_id, body)
        assert (error.exc_type, error.code) == ("NotFound", "order_not_found")
    assert stranger.known_order(order_id) is None
    ship(owner, order_id, "courier")  # the owner's goes through, and only it is announced
    [event] = wait_for(lambda: events_of(tap, "shipment.created", order_id=order_id),
                       message="the owner's shipment.created")
    assert event["data"]["shop_id"] == shop_a
    assert len(shipping.anyone().list_shipments(order_id)["items"]) == 1


def test_an_order_shipping_has_not_heard_of_is_not_found(shipping):
    error = refused(ship, shipping.seller(), new_id(), "courier")
    assert (error.exc_type, error.code) == ("NotFound", "order_not_found")


@pytest.mark.parametrize("statuses", [(), ("confirmed",), ("confirmed", "cancelled")],
                         ids=["placed", "confirmed", "cancelled"])
def test_an_order_that_is_not_paid_is_not_shipped(shipping, statuses):
    seller, shop_id = shipping.open_shop()
    order_id = shipping.order(seller, shop_id, *statuses)
    error = refused(ship, seller, order_id, "courier")
    assert (error.exc_type, error.code) == ("Conflict", "wrong_state")
    assert shipping.anyone().list_shipments(order_id) == {"items": []}


@pytest.fixture
def paid(shipping):
    seller, shop_id = shipping.open_shop()
    return seller, shipping.paid_order(seller, shop_id)


def test_carrier_tracking_becomes_status_changes_until_a_final_status(shipping):
    tap = shipping.tap("shipment.*")
    seller, shop_id = shipping.open_shop()
    order_id = shipping.paid_order(seller, shop_id)
    cdek_track, post_track = cdek_number(), russian_post_number()
    by_cdek = ship(seller, order_id, "cdek", cdek_track, True)
    by_post = ship(seller, order_id, "russian_post", post_track, True)

    shipping.cdek.add_status(cdek_track, "CREATED", "Создан")
    shipping.cdek.add_status(cdek_track, "SENT_TO_TRANSIT_CITY", "Left the sorting centre")
    shipping.russian_post.fail(post_track, 503)  # the carrier is down: asked again later
    wait_for(lambda: events_of(tap, "shipment.status_changed", shipment_id=by_cdek["id"]),
             message="in_transit from CDEK")
    wait_for(lambda: shipping.russian_post.asked(post_track) >= 2,
             message="Russian Post to be asked again after failing")

    shipping.cdek.add_status(cdek_track, "ACCEPTED_AT_PICK_UP_POINT")  # still in transit: no change
    shipping.cdek.add_status(cdek_track, "DELIVERED", "Handed to the buyer")
    shipping.russian_post.fail(post_track, None)
    shipping.russian_post.add_operation(post_track, 2, 2, "Вручение", "Вручение отправителю",
                                        "Москва 101000")

    def changes():
        seen = events_of(tap, "shipment.status_changed", order_id=order_id)
        return len(seen) == 3 and seen

    seen = wait_for(changes, message="delivered by CDEK and returned by Russian Post")
    assert sorted((e["data"]["shipment_id"], e["data"]["previous_status"], e["data"]["status"])
                  for e in seen) == sorted([
        (by_cdek["id"], "created", "in_transit"),
        (by_cdek["id"], "in_transit", "delivered"),
        (by_post["id"], "created", "returned"),
    ])
    shipments = {s["id"]: s for s in shipping.anyone().list_shipments(order_id)["items"]}
    assert shipments[by_cdek["id"]]["status"] == "delivered"
    assert [(h["to"], h["source"], h["note"]) for h in shipments[by_cdek["id"]]["history"]] == [
        ("created", "seller", None),
        ("in_transit", "carrier", "Left the sorting centre"),
        ("delivered", "carrier", "Handed to the buyer"),
    ]
    assert shipments[by_post["id"]]["status"] == "returned"
    assert shipments[by_post["id"]]["history"][-1]["note"] == (
        "Вручение: Вручение отправителю, Москва 101000"
    )

    # Final statuses are not asked about again.
    asked = shipping.cdek.asked(cdek_track)
    probe = cdek_number()
    ship(seller, shipping.paid_order(seller, shop_id), "cdek", probe, True)
    wait_for(lambda: shipping.cdek.asked(probe) >= 2, message="two more polls")
    assert shipping.cdek.asked(cdek_track) == asked


def test_a_carrier_refusing_our_credentials_holds_up_only_its_own_parcels(shipping):
    tap = shipping.tap("shipment.*")
    cdek, post = shipping.cdek, shipping.russian_post
    seller, shop_id = shipping.open_shop()
    order_id = shipping.paid_order(seller, shop_id)
    cdek_track, post_track = cdek_number(), russian_post_number()
    right_secret = cdek.client_secret
    cdek.set_credentials(cdek.client_id, "a-secret-rotated-at-cdek")
    cdek.expire_tokens()
    try:
        by_cdek = ship(seller, order_id, "cdek", cdek_track, True)
        by_post = ship(seller, order_id, "russian_post", post_track, True)
        cdek.add_status(cdek_track, "TAKEN_BY_COURIER", "Выдан на доставку")
        post.add_operation(post_track, 1, 1, "Прием", "Единичный", "Москва 101000")

        wait_for(lambda: events_of(tap, "shipment.status_changed", shipment_id=by_post["id"]),
                 message="Russian Post's news while CDEK refuses our credentials")
        wait_for(lambda: cdek.refusals.count("wrong client credentials") >= 2,
                 message="CDEK to be asked for a token again at a later poll")
        assert cdek.asked(cdek_track) == 0
        assert not events_of(tap, "shipment.status_changed", shipment_id=by_cdek["id"])
    finally:
        cdek.set_credentials(cdek.client_id, right_secret)

    [changed] = wait_for(
        lambda: events_of(tap, "shipment.status_changed", shipment_id=by_cdek["id"]),
        message="CDEK's news once the credentials are right again",
    )
    assert (changed["data"]["previous_status"], changed["data"]["status"]) == ("created", "in_transit")


def test_two_replicas_record_each_carrier_change_once(shipping):
    """From here on two shipping processes poll, flag and answer on the same database."""
    shipping.start_replica()
    tap = shipping.tap("shipment.*")
    seller, shop_id = shipping.open_shop()
    tracks = {shipping.paid_order(seller, shop_id): cdek_number() for _ in range(12)}
    for order_id, number in tracks.items():
        ship(seller, order_id, "cdek", number, True)
        shipping.cdek.add_status(number, "RECEIVED_AT_SHIPMENT_WAREHOUSE")

    def all_in_transit():
        seen = [e for e in events_of(tap, "shipment.status_changed") if e["data"]["order_id"] in tracks]
        return len(seen) >= len(tracks) and seen

    wait_for(all_in_transit, message="every parcel in transit")
    for number in tracks.values():
        shipping.cdek.add_status(number, "DELIVERED")

    def all_delivered():
        seen = [e for e in events_of(tap, "shipment.status_changed") if e["data"]["order_id"] in tracks]
        return len(seen) >= 2 * len(tracks) and seen

    seen = wait_for(all_delivered, message="every parcel delivered")
    assert sorted((e["data"]["order_id"], e["data"]["status"]) for e in seen) == sorted(
        [(order_id, "in_transit") for order_id in tracks]
        + [(order_id, "delivered") for order_id in tracks]
    )


def test_an_order_not_shipped_within_the_deadline_is_flagged_once(shipping):
    """Runs last in this module: it moves the clock of the running service forward."""
    tap = shipping.tap("order.#")
    seller, shop_id = shipping.open_shop()
    buyer_id, seller_id = new_id(), seller.user_id
    late, cancelled, producing = new_id(), new_id(), new_id()
    shipped = shipping.paid_order(seller, shop_id)

    def order(order_id, **extra):
        return {"order_id": order_id, "shop_id": shop_id, "buyer_id": buyer_id,
                "seller_id": seller_id, **extra}

    for order_id in (late, cancelled, producing):  # `shipped` is confirmed and paid already
        shipping.publish("order.confirmed", order(order_id, by="seller"))
    shipping.publish("order.cancelled", order(cancelled, by="seller", reason="buyer_lapse"))
    shipping.publish("order.in_production", order(producing, by="seller"))
    ship(seller, shipped, "courier", None, True)

    def deadline(order_id):
        return shipping.anyone().shipping_deadline(order_id) or {}

    wait_for(lambda: deadline(cancelled).get("state") == "closed", message="the cancellation")
    wait_for(lambda: deadline(producing).get("state") == "in_production", message="production")
    assert deadline(late)["state"] == "awaiting"
    # Closed by the shipment, or by the order's `order.shipped` when that event came first.
    assert deadline(shipped)["state"] == "closed"
    assert deadline(shipped)["closed_by"] in ("shipment", "order.shipped")
    assert events_of(tap, "order.shipping_overdue") == []

    shipping.move_clock(days=8)
    [flagged] = wait_for(lambda: events_of(tap, "order.shipping_overdue", shop_id=shop_id),
                         message="order.shipping_overdue")
    assert flagged["data"] == {
        "order_id": late, "shop_id": shop_id, "buyer_id": buyer_id, "seller_id": seller_id,
        "by": "system", "actor_id": None,
    }
    assert flagged["producer"] == "shipping"

    # An order confirmed nine days before the moved clock is flagged at a later tick; by then the
    # first order has been seen again by the job and not flagged twice.
    backdated = new_id()
    shipping.publish("order.confirmed", order(backdated, by="seller"),
                     occurred_at=datetime.now(UTC) - timedelta(days=1))
    wait_for(lambda: events_of(tap, "order.shipping_overdue", order_id=backdated),
             message="the back-dated order flagged")
    assert [e["data"]["order_id"] for e in events_of(tap, "order.shipping_overdue",
                                                     shop_id=shop_id)] == [late, backdated]
    assert deadline(late)["overdue_recorded_at"] is not None
