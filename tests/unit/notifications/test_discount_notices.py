"""An abandoned-cart discount (`cart.discount_offered`) is marketing: the buyer reads it in the
app unless they turned offers off there, and by e-mail only once they opted in; in their language;
once however often the event is delivered. Through the service's own handler on SQLite in memory
(`conftest`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.common import events
from services.common.caller import Caller
from services.notifications.actions import feed as feed_actions
from services.notifications.actions import people
from services.notifications.domain.discounts import discount_offered
from services.notifications.models import Delivery


@pytest.fixture(autouse=True)
def app_url(monkeypatch):
    monkeypatch.setenv("NOTIFICATIONS_APP_URL", "https://app.test")


def new_id() -> str:
    return str(uuid.uuid4())


def envelope(type_: str, producer: str, **data) -> dict:
    return events.make_envelope(type_, data, producer=producer, occurred_at=datetime.now(UTC))


def buyer(service, locale: str = "en") -> str:
    user_id = new_id()
    service.on_user_registered([envelope("user.registered", "gateway", user_id=user_id,
                                         email=f"{user_id[:8]}@mail.test", locale=locale,
                                         roles=["buyer"])])
    return user_id


def offered(buyer_id: str, **extra) -> dict:
    return envelope("cart.discount_offered", "marketing", offer_id=new_id(), shop_id=new_id(),
                    buyer_id=buyer_id, product_id=new_id(), product_title="Mug with a fox",
                    percent_off=15, **extra)


def notices(uow, user_id: str) -> list[dict]:
    caller = Caller(user_id=user_id, roles=frozenset({"buyer"}))
    return [n for n in feed_actions.list_notices(uow, caller, {"page": 1, "per_page": 50})["items"]
            if n["type"] == "cart.discount_offered"]


def mails(uow) -> list[Delivery]:
    with uow.reading() as session:
        return list(session.scalars(select(Delivery).where(
            Delivery.event_type == "cart.discount_offered")))


def choose(uow, user_id: str, **channels) -> None:
    people.put_preferences(uow, Caller(user_id=user_id, roles=frozenset({"buyer"})),
                           {"channels": {c: {"marketing": on} for c, on in channels.items()}})


def test_by_default_the_buyer_reads_the_offer_in_the_app_once_and_gets_no_email(service, uow):
    anna = buyer(service)
    event = offered(anna)
    service.on_discount_offered([event])
    service.on_discount_offered([event])  # redelivered

    [notice] = notices(uow, anna)
    assert notice["title"] == "15% off Mug with a fox in your cart"
    assert notice["data"]["percent_off"] == 15
    assert mails(uow) == []


def test_a_buyer_who_opted_in_gets_the_offer_by_email_with_the_products_link(service, uow):
    anna = buyer(service, locale="ru")
    choose(uow, anna, email=True)
    event = offered(anna, expires_at=datetime(2026, 12, 10, 12, 0, tzinfo=UTC))
    service.on_discount_offered([event])

    [mail] = mails(uow)
    assert mail.subject == "Скидка 15% на «Mug with a fox» в вашей корзине"
    assert "до 2026-12-10 12:00 UTC" in mail.text
    assert f"https://app.test/api/v1/products/{event['data']['product_id']}" in mail.text


def test_a_buyer_who_turned_offers_off_in_the_app_hears_nothing(service, uow):
    anna = buyer(service)
    choose(uow, anna, in_app=False)
    service.on_discount_offered([offered(anna)])
    assert notices(uow, anna) == [] and mails(uow) == []


def test_the_offer_reads_english_for_a_locale_without_texts():
    data = {"percent_off": 20, "product_title": "Linen towel", "expires_at": None}
    assert discount_offered(data, "de") == discount_offered(data, "en")
    assert discount_offered(data, "en").body == (
        "The shop offers you 20% off Linen towel, which is still in your cart.")
