"""A shop's owner hears of the shop's standing: a sanction with its reason and how to have it
lifted, a warning, the verification, a debt past due. In the app and by e-mail, once per event;
an event about a shop not known here waits for its `shop.created`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.common import events
from services.common.caller import Caller
from services.common.runtime.messaging import TooEarly
from services.notifications.actions import feed as feed_actions
from services.notifications.actions import shops as shop_actions
from services.notifications.models import Delivery


def envelope(type_: str, producer: str, **data) -> dict:
    return events.make_envelope(type_, data, producer=producer, occurred_at=datetime.now(UTC))


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def shop(service):
    """A shop whose owner registered with an e-mail address, as notifications learns of both."""
    owner, shop_id = new_id(), new_id()
    service.on_user_registered([envelope(
        "user.registered", "gateway", user_id=owner, email="potter@atelier.test",
        locale="en", roles=["seller"])])
    service.on_shop_created([envelope("shop.created", "catalog", shop_id=shop_id,
                                      owner_id=owner)])
    return shop_id, owner


def feed(uow, user_id: str) -> list[dict]:
    caller = Caller(user_id=user_id, roles=frozenset({"seller"}))
    return feed_actions.list_notices(uow, caller, {"page": 1, "per_page": 50})["items"]


def mails(uow) -> list[Delivery]:
    with uow.reading() as session:
        return list(session.scalars(select(Delivery).where(Delivery.channel == "email")))


def test_a_sanction_reaches_the_owner_with_its_reason_and_the_way_to_lift_it_once(
        service, uow, shop):
    shop_id, owner = shop
    event = envelope("shop.sanctioned", "moderation", shop_id=shop_id, sanction_id=new_id(),
                     kind="products_hidden", reason="Photos taken from another shop")
    service.on_shop_standing([event])
    service.on_shop_standing([event])  # redelivered

    [notice] = feed(uow, owner)
    assert notice["title"] == "Your shop's products are hidden from the catalog"
    assert notice["body"].splitlines()[0] == "Reason: Photos taken from another shop"
    assert "ask them to lift it" in notice["body"]
    assert notice["data"] == {"shop_id": shop_id, "kind": "products_hidden",
                              "reason": "Photos taken from another shop"}
    [mail] = mails(uow)
    assert (mail.address, mail.subject) == ("potter@atelier.test", notice["title"])
    assert "Photos taken from another shop" in mail.text


def test_a_ban_names_no_way_back(service, uow, shop):
    shop_id, owner = shop
    service.on_shop_standing([envelope("shop.sanctioned", "moderation", shop_id=shop_id,
                                       sanction_id=new_id(), kind="banned", reason="Fraud")])
    [notice] = feed(uow, owner)
    assert notice["title"] == "Your shop is closed for good"
    assert "lift" not in notice["body"]


def test_a_warning_a_verification_and_a_lifted_sanction_each_tell_the_owner(service, uow, shop):
    shop_id, owner = shop
    service.on_shop_standing([envelope("shop.warned", "moderation", shop_id=shop_id,
                                       warning_id=new_id(), reason="Late answers")])
    service.on_shop_standing([envelope("shop.verified", "moderation", shop_id=shop_id)])
    service.on_shop_standing([envelope("shop.sanction_lifted", "moderation", shop_id=shop_id,
                                       sanction_id=new_id(), kind="storefront_blocked")])
    assert [n["title"] for n in feed(uow, owner)] == [  # newest first
        "A sanction is lifted", "Your shop is a Reliable seller", "A warning from the moderators"]
    assert len(mails(uow)) == 3


def test_a_debt_past_due_tells_the_owner_how_much_and_where_to_pay(service, uow, shop):
    shop_id, owner = shop
    service.on_shop_standing([envelope(
        "debt.overdue", "payments", shop_id=shop_id, amount={"amount": 125050, "currency": "RUB"},
        due_at=datetime(2026, 11, 20, 12, 0, tzinfo=UTC).isoformat())])
    [notice] = feed(uow, owner)
    assert notice["title"] == "Your payment to the platform is overdue"
    assert notice["body"].startswith("1,250.50 ₽ was due on 2026-11-20.")
    assert notice["data"]["amount"] == {"amount": 125050, "currency": "RUB"}


def test_news_of_a_shop_not_known_here_waits_for_its_creation(uow):
    event = events.parse(envelope("shop.verified", "moderation", shop_id=new_id()))
    with pytest.raises(TooEarly), uow:
        shop_actions.tell_owner(uow, event)
