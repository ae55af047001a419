"""Who may see what moderation knows of a customer: an admin, or a seller with an order from them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.common.caller import Caller
from services.common.errors import Forbidden, NotFound
from services.common.events import Event
from services.moderation import actions
from services.moderation.models import Base
from tests.support import units


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def uow():
    return units.unit_of_work(Base.metadata, "moderation")


def placed(buyer_id, seller_id) -> Event:
    return Event(id=new_id(), type="order.placed", version=1, occurred_at=datetime.now(UTC),
                 producer="orders", correlation_id=None,
                 data={"order_id": new_id(), "shop_id": new_id(), "buyer_id": buyer_id,
                       "seller_id": seller_id})


def test_a_seller_with_an_order_from_the_customer_sees_the_card_and_another_does_not(uow):
    customer, seller, stranger = new_id(), new_id(), new_id()
    with uow:
        actions.remember_customer(uow, placed(customer, seller))
        actions.remember_customer(uow, placed(customer, seller))  # a second order: one link
        actions.remember_customer(uow, placed(None, stranger))    # a guest's order: none
    card = actions.customer_stats(uow, Caller(user_id=seller, roles=frozenset({"seller"})),
                                  {"customer_id": customer})
    assert card == {"complaints_from_sellers": 0}
    with pytest.raises(NotFound):
        actions.customer_stats(uow, Caller(user_id=stranger, roles=frozenset({"seller"})),
                               {"customer_id": customer})


def test_an_admin_sees_any_card_and_a_buyer_none(uow):
    customer = new_id()
    admin = Caller(user_id=new_id(), roles=frozenset({"admin"}))
    assert actions.customer_stats(uow, admin, {"customer_id": customer}) == {
        "complaints_from_sellers": 0}
    with pytest.raises(Forbidden):
        actions.customer_stats(uow, Caller(user_id=customer, roles=frozenset({"buyer"})),
                               {"customer_id": customer})
