"""Use cases at the actions' layer on SQLite in memory: who may change a shop's delivery methods
and add shipments, and when an order may be shipped. The catalog and the orders service are fakes
behind the same ports; shops and orders are learnt from events as the service learns them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.common import events
from services.common.caller import Caller
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.shipping import domain, models
from services.shipping.actions import following, methods, shipments, tracking
from tests.support import units

COURIER = {"name": "Courier", "carrier": "courier",
           "rate": {"basis": "fixed", "tiers": [{"from": 0, "cost": 30_000}]}}
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class FakeCatalog:
    def __init__(self):
        self.shops: dict[str, str] = {}
        self.asked: list[str] = []

    def shop(self, shop_id):
        self.asked.append(shop_id)
        if shop_id not in self.shops:
            raise NotFound("No such shop.")
        return {"id": shop_id, "owner_id": self.shops[shop_id]}


class FakeOrders:
    """The orders service's port: orders as it answers them, and the shipments it took."""

    def __init__(self):
        self.orders: dict[str, dict] = {}
        self.asked: list[str] = []
        self.taken: dict[str, dict] = {}  # shipment id → what `record_shipment` was given
        self.refusal: Exception | None = None

    def order(self, order_id):
        self.asked.append(order_id)
        if order_id not in self.orders:
            raise NotFound("No such order.")
        return self.orders[order_id]

    def record_shipment(self, order_id, shipment):
        if self.refusal is not None:
            raise self.refusal
        self.taken.setdefault(shipment["shipment_id"], dict(shipment))
        return {"shipment_id": shipment["shipment_id"], "order_id": order_id, "status": "shipped"}


class FakePeers:
    def __init__(self):
        self.catalog, self.orders = FakeCatalog(), FakeOrders()


@pytest.fixture
def peers():
    return FakePeers()


@pytest.fixture
def uow(peers):
    return units.unit_of_work(models.Base.metadata, "shipping", peers=peers)


def seller(user_id=None) -> Caller:
    return Caller(user_id=user_id or new_id(), roles=frozenset({"seller"}))


ADMIN = Caller(user_id=new_id(), roles=frozenset({"admin"}))
BUYER = Caller(user_id=new_id(), roles=frozenset({"buyer"}))


def deliver(uow, type_, data, at=T0):
    """The event as the service's handler takes it: inside a transaction of the unit of work."""
    event = events.parse(events.make_envelope(type_, data, producer="test", occurred_at=at))
    with uow:
        if type_ == "shop.created":
            following.shop_created(uow, event)
        else:
            following.order_event(uow, event)


def open_shop(uow, owner: Caller) -> str:
    shop_id = new_id()
    deliver(uow, "shop.created", {"shop_id": shop_id, "owner_id": owner.user_id})
    return shop_id


def place(uow, shop_id, owner: Caller, *statuses: str) -> str:
    """An order of the shop placed, then moved through `statuses` an hour apart (events)."""
    order_id = new_id()
    ref = {"order_id": order_id, "shop_id": shop_id, "buyer_id": new_id(),
           "seller_id": owner.user_id}
    money = {"amount": 100_000, "currency": "RUB"}
    placed = {k: v for k, v in ref.items() if k != "by"}
    deliver(uow, "order.placed", {**placed, "grand_total": money, "lines": [
        {"product_id": new_id(), "quantity": 1, "unit_price": money}]})
    for step, status in enumerate(statuses, start=1):
        extra = {"reason": "buyer_lapse"} if status == "cancelled" else {}
        deliver(uow, f"order.{status}", {**ref, "by": "seller", **extra},
                at=T0 + timedelta(hours=step))
    return order_id


def method_ids(uow, shop_id):
    return [m["id"] for m in methods.list_methods(uow, {"shop_id": shop_id})["items"]
            if not m["universal"]]


def track(order_id, carrier="courier", number=None):
    return {"order_id": order_id,
            "body": {"carrier": carrier, "tracking_number": number, "notify_buyer": True}}


# Delivery methods -----------------------------------------------------------------------------
def test_the_owner_adds_a_method_to_their_shop(uow):
    owner = seller()
    shop_id = open_shop(uow, owner)

    made = methods.create_method(uow, owner, {"shop_id": shop_id, "body": COURIER})

    assert method_ids(uow, shop_id) == [made["id"]]


def test_a_seller_of_another_shop_is_refused_before_the_body_is_read(uow):
    owner, stranger = seller(), seller()
    shop_id = open_shop(uow, owner)
    open_shop(uow, stranger)

    for body in (COURIER, {"nonsense": 1}):
        with pytest.raises(Forbidden) as refused:
            methods.create_method(uow, stranger, {"shop_id": shop_id, "body": body})
        assert refused.value.code == "not_shop_owner"
    made = methods.create_method(uow, owner, {"shop_id": shop_id, "body": COURIER})
    with pytest.raises(Forbidden):
        methods.patch_method(uow, stranger, {"shop_id": shop_id, "method_id": made["id"],
                                             "body": {"enabled": False}})
    assert methods.get_method(uow, {"shop_id": shop_id, "method_id": made["id"]})["enabled"]


def test_a_buyer_is_refused_by_role_and_an_admin_may_act_on_any_shop(uow):
    shop_id = open_shop(uow, seller())
    with pytest.raises(Forbidden) as refused:
        methods.create_method(uow, BUYER, {"shop_id": shop_id, "body": COURIER})
    assert refused.value.code == "wrong_role"
    made = methods.create_method(uow, ADMIN, {"shop_id": shop_id, "body": COURIER})
    assert method_ids(uow, shop_id) == [made["id"]]


def test_a_shop_nobody_knows_is_not_found(uow, peers):
    shop_id = new_id()
    with pytest.raises(NotFound) as refused:
        methods.create_method(uow, seller(), {"shop_id": shop_id, "body": {"nonsense": 1}})
    assert refused.value.code == "shop_not_found"
    assert peers.catalog.asked == [shop_id]
    with pytest.raises(NotFound) as unlisted:
        methods.list_methods(uow, {"shop_id": shop_id})
    assert unlisted.value.code == "shop_not_found"


def test_a_shop_whose_event_has_not_arrived_is_asked_of_the_catalog_once_and_kept(uow, peers):
    owner, shop_id = seller(), new_id()
    peers.catalog.shops[shop_id] = owner.user_id

    methods.create_method(uow, owner, {"shop_id": shop_id, "body": COURIER})
    methods.create_method(uow, owner, {"shop_id": shop_id, "body": COURIER})
    deliver(uow, "shop.created", {"shop_id": shop_id, "owner_id": owner.user_id})  # late: no-op

    assert peers.catalog.asked == [shop_id]
    assert len(method_ids(uow, shop_id)) == 2
    with pytest.raises(Forbidden):
        methods.create_method(uow, seller(), {"shop_id": shop_id, "body": COURIER})


def test_the_owner_still_gets_every_broken_field(uow):
    owner = seller()
    shop_id = open_shop(uow, owner)
    with pytest.raises(Invalid) as refused:
        methods.create_method(uow, owner, {"shop_id": shop_id,
                                           "body": {**COURIER, "carrier": "dhl", "colour": 1}})
    assert set(refused.value.errors) == {"carrier", "colour"}
    assert all(isinstance(m, list) for m in refused.value.errors.values())
    assert method_ids(uow, shop_id) == []


# Shipments ------------------------------------------------------------------------------------
def test_the_seller_ships_a_paid_order_and_shipment_created_is_recorded(uow, peers):
    owner = seller()
    shop_id = open_shop(uow, owner)
    order_id = place(uow, shop_id, owner, "confirmed", "paid")

    shipment = shipments.add_shipment(uow, owner, track(order_id, "cdek", "1234567890"))

    assert (shipment["order_id"], shipment["shop_id"], shipment["status"]) == (
        order_id, shop_id, "created")
    [event] = units.recorded(uow, "shipment.")
    assert event["data"]["shipment_id"] == shipment["id"]
    assert peers.orders.asked == []  # the events sufficed
    assert list(peers.orders.taken) == [shipment["id"]]  # the order took it first, same id


def test_a_shipment_the_order_refuses_is_not_made_here_either(uow, peers):
    owner = seller()
    shop_id = open_shop(uow, owner)
    order_id = place(uow, shop_id, owner, "confirmed", "paid")  # cancelled since, in orders
    peers.orders.refusal = Conflict("An order is shipped once paid; this one is cancelled.",
                                    "wrong_state")

    with pytest.raises(Conflict) as refused:
        shipments.add_shipment(uow, owner, track(order_id, "cdek", "1234567890"))

    assert refused.value.code == "wrong_state"
    assert units.recorded(uow, "shipment.") == []
    assert shipments.list_shipments(uow, {"order_id": order_id}) == {"items": []}


def test_a_retried_command_keeps_one_shipment_under_one_id_in_both_services(uow, peers):
    owner = seller()
    command = Caller(user_id=owner.user_id, roles=owner.roles, command_id="key-1")
    order_id = place(uow, open_shop(uow, owner), owner, "confirmed", "paid")

    first = uow.run_once(shipments.ADD_SHIPMENT, command, shipments.add_shipment,
                         track(order_id))
    again = uow.run_once(shipments.ADD_SHIPMENT, command, shipments.add_shipment,
                         track(order_id))

    assert again == first
    assert list(peers.orders.taken) == [first["id"]]
    assert len(units.recorded(uow, "shipment.created")) == 1


def test_a_retry_after_a_failure_between_the_two_commits_completes_the_same_shipment(uow, peers):
    owner = seller()
    command = Caller(user_id=owner.user_id, roles=owner.roles, command_id="key-1")
    order_id = place(uow, open_shop(uow, owner), owner, "confirmed", "paid")
    # The first attempt: the order took the shipment, then shipping failed before its commit.
    taken = domain.shipment_id_for(order_id, owner.user_id, "key-1")
    peers.orders.taken[taken] = {"shipment_id": taken}

    shipment = uow.run_once(shipments.ADD_SHIPMENT, command, shipments.add_shipment,
                            track(order_id))

    assert shipment["id"] == taken and list(peers.orders.taken) == [taken]
    [event] = units.recorded(uow, "shipment.created")
    assert event["data"]["shipment_id"] == taken


def test_a_seller_of_another_shop_cannot_ship_its_order_whatever_the_body(uow, peers):
    owner, stranger = seller(), seller()
    shop_id = open_shop(uow, owner)
    open_shop(uow, stranger)
    order_id = place(uow, shop_id, owner, "confirmed", "paid")

    for body in (track(order_id), {"order_id": order_id, "body": {"carrier": "teleport"}}):
        with pytest.raises(NotFound) as refused:
            shipments.add_shipment(uow, stranger, body)
        assert refused.value.code == "order_not_found"
    with pytest.raises(Forbidden):
        shipments.add_shipment(uow, BUYER, track(order_id))
    assert units.recorded(uow, "shipment.") == []
    assert shipments.list_shipments(uow, {"order_id": order_id}) == {"items": []}
    assert shipments.add_shipment(uow, ADMIN, track(order_id))["order_id"] == order_id


def test_an_order_nobody_knows_is_not_found_and_nothing_is_claimed(uow, peers):
    order_id = new_id()
    with pytest.raises(NotFound) as refused:
        shipments.add_shipment(uow, seller(), track(order_id))
    assert refused.value.code == "order_not_found"
    assert units.recorded(uow) == []


@pytest.mark.parametrize("statuses, now", [
    ((), "placed"),
    (("confirmed",), "confirmed"),
    (("confirmed", "partially_paid", "in_production"), "in_production"),
    (("confirmed", "cancelled"), "cancelled"),
    (("confirmed", "paid", "shipped", "received"), "received"),
])
def test_an_order_that_is_not_paid_or_is_past_shipping_is_refused(uow, peers, statuses, now):
    owner = seller()
    shop_id = open_shop(uow, owner)
    order_id = place(uow, shop_id, owner, *statuses)
    peers.orders.orders[order_id] = {"id": order_id, "shop_id": shop_id, "status": now}

    with pytest.raises(Conflict) as refused:
        shipments.add_shipment(uow, owner, track(order_id))

    assert refused.value.code == "wrong_state"
    assert units.recorded(uow, "shipment.") == []


def test_a_bad_body_from_the_seller_is_invalid_before_the_state_is_looked_at(uow, peers):
    owner = seller()
    shop_id = open_shop(uow, owner)
    order_id = place(uow, shop_id, owner, "confirmed")
    with pytest.raises(Invalid) as refused:
        shipments.add_shipment(uow, owner, {"order_id": order_id, "body": {"carrier": "teleport"}})
    assert refused.value.errors == {"carrier": [
        "Unknown carrier; use one of russian_post, cdek, courier, pek, boxberry, other, pickup."]}


def test_a_seller_quicker_than_the_events_is_answered_from_the_orders_service(uow, peers):
    owner = seller()
    shop_id = open_shop(uow, owner)
    order_id = place(uow, shop_id, owner, "confirmed")  # order.paid still on the way
    peers.orders.orders[order_id] = {"id": order_id, "shop_id": shop_id, "status": "paid"}

    shipment = shipments.add_shipment(uow, owner, track(order_id))

    assert shipment["order_id"] == order_id and peers.orders.asked == [order_id]

    unseen = new_id()  # not even order.placed has arrived: the seller comes from the shop
    peers.orders.orders[unseen] = {"id": unseen, "shop_id": shop_id, "status": "paid"}
    assert shipments.add_shipment(uow, owner, track(unseen))["shop_id"] == shop_id
    with pytest.raises(NotFound):
        shipments.add_shipment(uow, seller(), track(unseen))


def test_a_late_order_event_does_not_undo_a_later_one_and_a_cancelled_order_stays_so(uow):
    owner = seller()
    shop_id = open_shop(uow, owner)
    order_id = place(uow, shop_id, owner, "confirmed", "cancelled")
    ref = {"order_id": order_id, "shop_id": shop_id, "buyer_id": new_id(),
           "seller_id": owner.user_id, "by": "seller"}
    deliver(uow, "order.confirmed", ref, at=T0 + timedelta(hours=1))  # a repeat
    placed = {k: v for k, v in ref.items() if k != "by"}
    deliver(uow, "order.placed", {**placed, "grand_total": {"amount": 1, "currency": "RUB"},
                                  "lines": [{"product_id": new_id(), "quantity": 1,
                                             "unit_price": {"amount": 1, "currency": "RUB"}}]})
    deliver(uow, "order.paid", ref, at=T0 + timedelta(hours=9))  # after the cancellation
    with uow.reading() as session:
        assert session.get(models.OrderRow, order_id).status == "cancelled"


def test_a_pickup_handed_over_is_a_shipment_the_tracking_poller_never_claims(uow, peers):
    owner = seller()
    order_id = place(uow, open_shop(uow, owner), owner, "confirmed", "paid")

    handed = shipments.add_shipment(uow, owner, track(order_id, "pickup"))

    assert (handed["carrier"], handed["tracking_number"], handed["tracking_url"]) == (
        "pickup", None, None)
    assert list(peers.orders.taken) == [handed["id"]]
    every_carrier = [carrier.value for carrier in domain.Carrier]
    assert tracking.claim_due(uow, every_carrier, T0 + timedelta(days=1), timedelta(minutes=5),
                              batch=10) == []
