"""The orders service's use cases at the actions' layer: a unit of work on the orders tables on
SQLite in memory, fakes of the catalog and shipping ports, and the events the actions recorded."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.common import clock
from services.common.caller import Caller
from services.common.clock import as_utc
from services.orders import models
from services.orders.actions import common, deadlines, fulfilment, lifecycle
from services.orders.domain import Status
from tests.support import units

T0 = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


class FakeCatalog:
    def __init__(self):
        self.released: list[str] = []

    def release(self, order_id):
        self.released.append(str(order_id))


class FakePeers:
    def __init__(self):
        self.catalog = FakeCatalog()
        self.shipping = None


@pytest.fixture
def now(monkeypatch):
    moment = {"now": T0}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def peers():
    return FakePeers()


@pytest.fixture
def uow(peers, now):
    return units.unit_of_work(models.Base.metadata, "orders", peers=peers)


SELLER = Caller(user_id=str(uuid.uuid4()), roles=frozenset({"seller"}))
BUYER_ID = str(uuid.uuid4())


def given_order(uow, status: Status = Status.CONFIRMED, *, prepayment: int = 0,
                production_days: int | None = None, placed_at: datetime = T0,
                shipped_at: datetime | None = None, grand_total: int = 100_000) -> str:
    order_id = str(uuid.uuid4())
    with uow:
        order = models.Order(
            id=order_id, shop_id=str(uuid.uuid4()), seller_id=SELLER.user_id, buyer_id=BUYER_ID,
            status=status.value, created_by="buyer", currency="RUB", items_total=grand_total,
            delivery_cost=0, grand_total=grand_total, prepayment_percent=prepayment,
            paid_amount=0, production_days=production_days, placed_at=placed_at,
            confirmed_at=None if status is Status.PLACED else placed_at + timedelta(hours=1),
            shipped_at=shipped_at, updated_at=placed_at, notices_done=[],
        )
        common.add_history(order, at=placed_at, by="buyer", from_status=None,
                           to_status="placed", reason=None)
        common.refresh_next_check(order)
        uow.session.add(order)
    return order_id


def the_order(uow, order_id) -> dict:
    with uow.reading() as session:
        order = common.get_order(session, order_id)
        return {"status": order.status, "paid": order.paid_amount,
                "history": [(h.by, h.from_status, h.to_status, h.reason, h.details)
                            for h in order.history]}


def events(uow) -> list[tuple[str, dict]]:
    return [(e["type"], e["data"]) for e in units.recorded(uow)]


def payment(order_id, part: str, amount: int) -> dict:
    return {"payment_id": str(uuid.uuid4()), "order_id": order_id, "part": part,
            "amount": {"amount": amount, "currency": "RUB"}}


def handle(uow, handler, data):
    with uow:  # as the event handler runs it: inside the event's transaction
        handler(uow, data)


# payment.succeeded --------------------------------------------------------------------------------
def test_a_full_payment_makes_a_confirmed_order_paid(uow):
    order_id = given_order(uow, Status.CONFIRMED)

    handle(uow, fulfilment.payment_succeeded, payment(order_id, "full", 100_000))

    order = the_order(uow, order_id)
    assert order["status"] == "paid" and order["paid"] == 100_000
    assert order["history"][-1] == ("system", "confirmed", "paid", "payment full: 100000", None)
    [(kind, data)] = events(uow)
    assert kind == "order.paid"
    assert data["amount"] == {"amount": 100_000, "currency": "RUB"}
    assert (data["order_id"], data["seller_id"], data["by"]) == (order_id, SELLER.user_id,
                                                                "system")


def test_an_advance_makes_the_order_partially_paid_and_a_repeat_of_it_does_nothing(uow):
    order_id = given_order(uow, Status.CONFIRMED, prepayment=30)
    advance = payment(order_id, "advance", 30_000)

    handle(uow, fulfilment.payment_succeeded, advance)
    handle(uow, fulfilment.payment_succeeded, advance)  # the same payment reported again

    order = the_order(uow, order_id)
    assert order["status"] == "partially_paid" and order["paid"] == 30_000
    assert [h[2] for h in order["history"]] == ["placed", "partially_paid"]
    assert [kind for kind, _ in events(uow)] == ["order.partially_paid"]


# The seller's moves -------------------------------------------------------------------------------
def test_the_seller_starts_production_of_a_partially_paid_order(uow, now):
    order_id = given_order(uow, Status.PARTIALLY_PAID, prepayment=30, production_days=10)

    view = lifecycle.start_production(uow, SELLER, {"order_id": order_id})

    assert view["status"] == "in_production"
    assert the_order(uow, order_id)["history"][-1][:3] == ("seller", "partially_paid",
                                                            "in_production")
    [(kind, data)] = events(uow)
    assert kind == "order.in_production" and data["actor_id"] == SELLER.user_id
    with uow.reading() as session:
        order = common.get_order(session, order_id)
        assert as_utc(order.production_ends_at) == T0 + timedelta(days=10)


def test_a_balance_request_records_its_note_and_attachments_in_the_event_and_the_history(uow):
    order_id = given_order(uow, Status.IN_PRODUCTION, prepayment=30)
    photo = str(uuid.uuid4())

    view = lifecycle.request_balance(uow, SELLER, {
        "order_id": order_id, "note": "The vase is fired", "attachment_ids": [photo]})

    assert view["status"] == "in_production"
    details = {"note": "The vase is fired", "attachment_ids": [photo]}
    assert the_order(uow, order_id)["history"][-1] == (
        "seller", "in_production", "in_production", "balance_requested", details)
    [(kind, data)] = events(uow)
    assert kind == "order.balance_requested"
    assert data == {"order_id": order_id, "shop_id": data["shop_id"], "buyer_id": BUYER_ID,
                    "seller_id": SELLER.user_id, **details}


def test_a_balance_request_outside_production_is_refused_and_leaves_no_trace(uow):
    order_id = given_order(uow, Status.PAID)

    with pytest.raises(Exception) as refused:
        lifecycle.request_balance(uow, SELLER, {"order_id": order_id, "attachment_ids": []})

    assert getattr(refused.value, "code", None) == "wrong_state"
    assert len(the_order(uow, order_id)["history"]) == 1
    assert events(uow) == []


# The timer ----------------------------------------------------------------------------------------
def test_a_shipped_order_is_completed_at_its_auto_close_date(uow, now):
    order_id = given_order(uow, Status.SHIPPED, shipped_at=T0 + timedelta(days=2))
    now["now"] = T0 + timedelta(days=14)

    result = deadlines.tick(uow)

    assert (result.handled, result.failed) == (1, 0)
    order = the_order(uow, order_id)
    assert order["status"] == "completed"
    assert order["history"][-1] == ("system", "shipped", "completed", "auto_close", None)
    assert [kind for kind, _ in events(uow)] == ["order.completed"]


def test_an_order_not_yet_at_its_auto_close_date_stays_shipped(uow, now):
    order_id = given_order(uow, Status.SHIPPED, shipped_at=T0 + timedelta(days=2))
    now["now"] = T0 + timedelta(days=13, hours=23)

    assert deadlines.tick(uow).handled == 0
    assert the_order(uow, order_id)["status"] == "shipped"
    assert events(uow) == []


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.PAID, Status.IN_PRODUCTION])
def test_an_order_never_shipped_by_its_auto_close_date_is_flagged_to_the_admins_once(
        uow, now, status):
    order_id = given_order(uow, status)
    now["now"] = T0 + timedelta(days=14)

    deadlines.tick(uow)
    now["now"] += timedelta(days=1)
    deadlines.tick(uow)

    order = the_order(uow, order_id)
    assert order["status"] == status.value
    flagged = [e for e in events(uow) if e[0] == "order.unshipped_at_close"]
    assert flagged == [("order.unshipped_at_close", {
        "order_id": order_id, "shop_id": flagged[0][1]["shop_id"], "buyer_id": BUYER_ID,
        "seller_id": SELLER.user_id, "status": status.value, "placed_at": T0.isoformat()})]
    assert [h[3] for h in order["history"]].count(
        "flagged_to_admin: not shipped by the auto-close date") == 1


def test_a_shipped_order_at_its_auto_close_date_is_not_flagged(uow, now):
    given_order(uow, Status.SHIPPED, shipped_at=T0 + timedelta(days=2))
    now["now"] = T0 + timedelta(days=14)

    deadlines.tick(uow)

    assert "order.unshipped_at_close" not in [kind for kind, _ in events(uow)]


def test_failing_orders_are_put_off_and_neither_stop_the_timer_nor_the_recovery(
        uow, now, peers, monkeypatch):
    broken = {given_order(uow, Status.PLACED) for _ in range(60)}
    due = [given_order(uow, Status.PLACED, placed_at=T0 + timedelta(minutes=1))
           for _ in range(5)]
    with uow:
        uow.session.add(models.CheckoutAttempt(
            id=str(uuid.uuid4()), owner="b", idempotency_key="k", request_hash="h",
            state="reserving", order_ids=["o-1"], created_at=T0))
    handle_due = deadlines.handle_due

    def failing(unit, order, moment):
        if order.id in broken:
            raise RuntimeError("corrupt order")
        handle_due(unit, order, moment)

    monkeypatch.setattr(deadlines, "handle_due", failing)
    now["now"] = T0 + timedelta(hours=73)

    result = deadlines.tick(uow, limit=50)

    assert (result.handled, result.failed, result.released) == (5, 60, 1)
    assert {the_order(uow, o)["status"] for o in due} == {"expired"}
    assert peers.catalog.released == ["o-1"]
    with uow.reading() as session:
        put_off = session.execute(select(models.Order.check_failures, models.Order.next_check_at)
                                  .where(models.Order.id.in_(broken))).all()
        assert {(f, as_utc(at)) for f, at in put_off} == {
            (1, now["now"] + timedelta(minutes=1))}
        assert session.scalar(select(func.count()).select_from(models.CheckoutAttempt)) == 0

    # Nothing is due again until the back-off has passed; then each failure doubles it.
    assert deadlines.tick(uow).failed == 0
    now["now"] += timedelta(minutes=1)
    assert deadlines.tick(uow, limit=50).failed == 60
    with uow.reading() as session:
        assert set(session.scalars(select(models.Order.check_failures)
                                   .where(models.Order.id.in_(broken)))) == {2}
    assert deadlines.retry_delay(2) == timedelta(minutes=2)
    assert deadlines.retry_delay(10) == timedelta(hours=1)


def test_a_tick_stops_after_its_last_batch_and_leaves_the_rest_for_the_next(uow, now):
    orders = [given_order(uow, Status.PLACED) for _ in range(7)]
    now["now"] = T0 + timedelta(hours=73)

    first = deadlines.tick(uow, limit=2, max_batches=2)

    assert (first.batches, first.handled) == (2, 4)
    assert deadlines.tick(uow, limit=2, max_batches=5).handled == 3
    assert {the_order(uow, o)["status"] for o in orders} == {"expired"}
