"""The buyer's receipt for a payment, a new message told to the other party at once (never its
writer), a balance request's photos as signed links in the buyer's e-mail, and the shop's owner
reading Russian: each event through the service's own handler (the inbox included) on SQLite in
memory (`conftest`), so a redelivered event is seen to write nothing twice."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from services.common import events, signed_links
from services.common.caller import Caller
from services.notifications.actions import feed as feed_actions
from services.notifications.models import Delivery

KEY = "unit-media-key-" + uuid.uuid4().hex


@pytest.fixture(autouse=True)
def settings_env(monkeypatch):
    monkeypatch.setenv("MEDIA_SIGNING_KEY", KEY)
    monkeypatch.setenv("NOTIFICATIONS_APP_URL", "https://app.test")
    monkeypatch.setenv("NOTIFICATIONS_MEDIA_URL", "https://files.test")


def new_id() -> str:
    return str(uuid.uuid4())


def rub(amount: int) -> dict:
    return {"amount": amount, "currency": "RUB"}


def envelope(type_: str, producer: str = "orders", **data) -> dict:
    return events.make_envelope(type_, data, producer=producer, occurred_at=datetime.now(UTC))


def person(service, email: str, locale: str = "en", role: str = "buyer") -> str:
    user_id = new_id()
    service.on_user_registered([envelope("user.registered", "gateway", user_id=user_id,
                                         email=email, locale=locale, roles=[role])])
    return user_id


def placed(service, buyer_id: str | None, seller_id: str, **extra) -> dict:
    data = {"order_id": new_id(), "shop_id": new_id(), "buyer_id": buyer_id,
            "seller_id": seller_id, "grand_total": rub(130000),
            "lines": [{"product_id": new_id(), "quantity": 1, "unit_price": rub(100000)}],
            **extra}
    service.on_order_placed([envelope("order.placed", **data)])
    return data


def feed(uow, user_id: str) -> list[dict]:
    caller = Caller(user_id=user_id, roles=frozenset({"buyer"}))
    return feed_actions.list_notices(uow, caller, {"page": 1, "per_page": 50})["items"]


def mails(uow, event_type: str) -> list[Delivery]:
    with uow.reading() as session:
        return list(session.scalars(select(Delivery).where(Delivery.channel == "email",
                                                           Delivery.event_type == event_type)))


def test_the_buyer_gets_a_receipt_once_and_the_seller_hears_in_the_app(service, uow):
    buyer = person(service, "anna@atelier.test", locale="ru")
    seller = person(service, "potter@atelier.test", role="seller")
    order = placed(service, buyer, seller)
    paid = envelope("payment.succeeded", "payments", payment_id=new_id(),
                    order_id=order["order_id"], shop_id=order["shop_id"], part="advance",
                    amount=rub(39000), remaining=rub(91000))

    service.on_payment_succeeded([paid])
    service.on_payment_succeeded([paid])  # redelivered

    short = order["order_id"][:8]
    [receipt] = mails(uow, "payment.succeeded")
    assert (receipt.address, receipt.subject) == ("anna@atelier.test",
                                                  f"Чек об оплате заказа {short}")
    assert "Оплачено: 390 ₽" in receipt.text and "Осталось оплатить: 910 ₽" in receipt.text
    assert "Вид платежа: предоплата" in receipt.text
    assert f"https://app.test/api/v1/orders/{order['order_id']}" in receipt.text
    assert "Осталось оплатить: 910 ₽" in receipt.html
    [mine] = [n for n in feed(uow, buyer) if n["type"] == "payment.succeeded"]
    assert mine["data"]["remaining"] == rub(91000)
    [told] = [n for n in feed(uow, seller) if n["type"] == "payment.succeeded"]
    assert told["body"] == (f"The buyer paid 390 ₽ for order {short} (advance). "
                            "Left to pay: 910 ₽.")


def test_a_guest_gets_the_receipt_at_the_checkout_address_with_the_order_link(service, uow):
    seller = person(service, "potter@atelier.test", role="seller")
    order = placed(service, None, seller, buyer_email="guest@mail.test", access_token="tok")
    service.on_payment_succeeded([envelope(
        "payment.succeeded", "payments", payment_id=new_id(), order_id=order["order_id"],
        shop_id=order["shop_id"], part="full", amount=rub(130000))])

    [receipt] = mails(uow, "payment.succeeded")
    assert receipt.address == "guest@mail.test"
    assert f"/api/v1/orders/{order['order_id']}?access=tok" in receipt.text
    assert "Left to pay" not in receipt.text  # payments did not say


def test_a_message_reaches_the_other_party_at_once_and_never_its_writer(service, uow):
    buyer = person(service, "anna@atelier.test")
    seller = person(service, "potter@atelier.test", locale="ru", role="seller")
    order = placed(service, buyer, seller)
    short = order["order_id"][:8]

    service.on_message_posted([envelope(
        "message.posted", message_id=new_id(), sender_id=buyer, recipient_id=seller,
        order_id=order["order_id"], shop_id=order["shop_id"], excerpt="Can it be blue?")])

    [to_seller] = mails(uow, "message.posted")
    assert (to_seller.address, to_seller.subject) == ("potter@atelier.test",
                                                      f"Новое сообщение по заказу {short}")
    assert "«Can it be blue?»" in to_seller.text
    assert [n["type"] for n in feed(uow, seller)].count("message.posted") == 1
    assert [n for n in feed(uow, buyer) if n["type"] == "message.posted"] == []

    service.on_message_posted([envelope(
        "message.posted", message_id=new_id(), sender_id=seller, recipient_id=buyer,
        order_id=order["order_id"], shop_id=order["shop_id"], excerpt="Yes.")])
    addresses = sorted(m.address for m in mails(uow, "message.posted"))
    assert addresses == ["anna@atelier.test", "potter@atelier.test"]


def test_a_message_from_the_buyer_goes_to_each_of_the_shops_order_addresses(service, uow):
    buyer = person(service, "anna@atelier.test")
    seller = person(service, "potter@atelier.test", role="seller")
    order = placed(service, buyer, seller)
    service.on_shop_created([envelope("shop.created", "catalog", shop_id=order["shop_id"],
                                      owner_id=seller)])
    shop = Caller(user_id=seller, roles=frozenset({"seller"}))
    service.caller = shop
    service.put_shop_settings(order["shop_id"], {
        "order_emails": ["orders@shop.test", "anna@atelier.test"]})

    service.on_message_posted([envelope(
        "message.posted", message_id=new_id(), sender_id=buyer, recipient_id=seller,
        order_id=order["order_id"], shop_id=order["shop_id"], excerpt="Hello")])

    assert [m.address for m in mails(uow, "message.posted")] == ["orders@shop.test"]


def test_a_balance_request_emails_each_photo_as_a_link_signed_for_the_buyer(service, uow):
    buyer = person(service, "anna@atelier.test")
    order = placed(service, buyer, new_id())
    photos = [new_id(), new_id()]

    service.on_balance_requested([envelope(
        "order.balance_requested", order_id=order["order_id"], shop_id=order["shop_id"],
        buyer_id=buyer, seller_id=order["seller_id"], note="Fired.", attachment_ids=photos)])

    [mail] = mails(uow, "order.balance_requested")
    links = re.findall(r"Photo (\d): (\S+)", mail.text)
    assert [index for index, _ in links] == ["1", "2"]
    key = signed_links.signing_key(KEY, "unused")
    for (_, link), photo in zip(links, photos, strict=True):
        parts = urlsplit(link)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
            f"https://files.test/media/private/{photo}")
        assert query["user"] == buyer
        assert int(query["expires"]) - time.time() > 6 * 24 * 3600  # days, for e-mail
        assert signed_links.valid(key, photo, buyer, query["expires"], query["signature"],
                                  time.time())
        assert not signed_links.valid(key, photo, new_id(), query["expires"],
                                      query["signature"], time.time())
        assert f'href="{link.replace("&", "&amp;")}"' in mail.html
