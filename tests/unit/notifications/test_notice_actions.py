"""The notifications service's use cases on their own layer: who hears of what."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.common.caller import Caller
from services.common.events import Event
from services.common.runtime.messaging import TooEarly
from services.notifications.actions import feed, orders
from services.notifications.actions import notices as notice_actions
from services.notifications.models import Base
from tests.support import units


def new_id() -> str:
    return str(uuid.uuid4())


def event(type_: str, **data) -> Event:
    return Event(id=new_id(), type=type_, version=1, occurred_at=datetime.now(UTC),
                 producer="test", correlation_id=None, data=data)


@pytest.fixture
def uow():
    return units.unit_of_work(Base.metadata, "notifications")


def notices(uow, caller: Caller) -> list[tuple[str, str]]:
    page = feed.list_notices(uow, caller, {"page": 1, "per_page": 50})
    return [(n["type"], n["title"]) for n in page["items"]]


def test_overdue_shipping_reaches_the_seller_kept_from_order_placed_and_the_admins(uow):
    order, shop, buyer, seller = new_id(), new_id(), new_id(), new_id()
    with uow:
        orders.remember_parties(uow, event("order.placed", order_id=order, shop_id=shop,
                                            buyer_id=buyer, seller_id=seller))
    with uow:
        notice_actions.flag_shipping_overdue(uow, event("order.shipping_overdue", order_id=order,
                                                 shop_id=shop, buyer_id=buyer))
    as_seller = Caller(user_id=seller, roles=frozenset({"seller"}))
    as_admin = Caller(user_id=new_id(), roles=frozenset({"admin"}))
    as_buyer = Caller(user_id=buyer, roles=frozenset({"buyer"}))
    assert notices(uow, as_seller) == [("order.shipping_overdue", "Shipping details are overdue")]
    assert notices(uow, as_admin) == [("order.shipping_overdue", "A shop is late to ship")]
    assert notices(uow, as_buyer) == []


def test_a_shipment_of_an_order_not_placed_here_yet_is_too_early_and_writes_nothing(uow):
    order = new_id()
    with pytest.raises(TooEarly), uow:
        notice_actions.notify_shipped(uow, event("shipment.created", order_id=order, shop_id=new_id(),
                                          carrier="cdek", tracking_number="1",
                                          notify_buyer=True))
    with uow:
        orders.remember_parties(uow, event("order.placed", order_id=order, shop_id=new_id(),
                                            buyer_id=(buyer := new_id()), seller_id=new_id()))
        notice_actions.notify_shipped(uow, event("shipment.created", order_id=order, shop_id=new_id(),
                                          carrier="cdek", tracking_number="1",
                                          notify_buyer=True))
    assert notices(uow, Caller(user_id=buyer, roles=frozenset({"buyer"}))) == [
        ("shipment.created", "Your order has shipped")]
