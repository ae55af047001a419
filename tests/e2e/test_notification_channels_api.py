"""Order news over every channel, through the gateway: e-mail to the buyer and to each of the shop's
order addresses, SMS and Telegram to the seller, in-app notices for the buyer, the seller and the
admins; the shop's settings, the in-app feed's read marks, a user's preferences.

The SMTP sink and the fake SMS and Telegram APIs (`atelier.sinks`) run in this process on free
ports; the notifications service runs as two replicas consuming one stream, so every "exactly one"
below also says that two senders never send a message twice. The gateway's outbox is relayed, so
notifications learns users' contacts and locales from `user.registered`."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from atelier.sinks import MailSink, SmsFake, TelegramFake
from gateway.identity import create_admin
from tests.e2e.test_orders_api import (
    add_to_cart,
    checkout,
    checkout_body,
    delivery_method,
    fixed,
    ok,
    open_shop,
    problem,
)
from tests.support import harness
from tests.support.api import Api, User
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

SERVICES = ("catalog", "shipping", "orders", "notifications")


@pytest.fixture(scope="module")
def sinks():
    mail, sms, telegram = MailSink().start(), SmsFake().start(), TelegramFake().start()
    yield mail, sms, telegram
    for fake in (mail, sms, telegram):
        fake.stop()


@pytest.fixture(scope="module")
def api(system, sinks):
    mail, sms, telegram = sinks
    env = {"EVENT_RETRY_BACKOFF_MS": "200",
           "NOTIFICATIONS_SMTP_HOST": mail.smtp_host,
           "NOTIFICATIONS_SMTP_PORT": str(mail.smtp_port),
           "NOTIFICATIONS_SMS_URL": sms.url, "NOTIFICATIONS_TELEGRAM_URL": telegram.url,
           "NOTIFICATIONS_SEND_POLL_SECONDS": "0.1", "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.3",
           "NOTIFICATIONS_RETRY_CAP_SECONDS": "1", "NOTIFICATIONS_MAX_ATTEMPTS": "50",
           "NOTIFICATIONS_CHANNEL_TIMEOUT_SECONDS": "2",
           "NOTIFICATIONS_APP_URL": "http://app.atelier.test"}
    started = [(system.start(service, env=env, wait=False), service)
               for service in (*SERVICES, "notifications")]  # two notifications replicas
    for proc, service in started:
        proc.wait_healthy(service)
    system.relay(*SERVICES)
    gateway = system.gateway()
    url = gateway.env["GATEWAY_DATABASE_URL"]
    system.processes.append(harness.relay_process(  # identity's outbox: `user.registered`
        ["gateway"], {**system.env, "GATEWAY_DATABASE_URL": url}, system.log_dir,
        system.amqp_uri).start())
    client = Api(gateway)
    yield client
    client.close()


@pytest.fixture(scope="module")
def admin(api) -> User:
    email, password = f"admin-{uuid.uuid4().hex[:8]}@atelier.test", "admin-password-1"
    created = create_admin(email, password, "Root",
                           database_url=api.gateway.env["GATEWAY_DATABASE_URL"])
    token = ok(api.call("POST", "/auth/login", json={"email": email, "password": password}))
    return User(created["id"], email, token["access_token"], created["roles"])


def register(api, role: str, locale: str = "en") -> User:
    email, password = f"{role}-{uuid.uuid4().hex[:10]}@atelier.test", "pw-" + uuid.uuid4().hex
    created = ok(api.call("POST", "/auth/register", json={
        "email": email, "password": password, "name": role.title(), "role": role,
        "locale": locale}), 201)
    token = ok(api.call("POST", "/auth/login", json={"email": email, "password": password}))
    return User(created["id"], email, token["access_token"], created["roles"])


def shop_with_settings(api, seller: User, **settings) -> tuple[str, list[dict], str]:
    """A shop with a 1,000 ₽ mug and a 300 ₽ courier, its notification settings set."""
    shop_id, products = open_shop(api, seller, [{}])
    courier = delivery_method(api, seller, shop_id, fixed(30000))
    path = f"/shops/{shop_id}/notification-settings"
    wait_for(lambda: api.call("GET", path, seller).status_code == 200,
             message="notifications to learn of the shop")
    if settings:
        ok(api.call("PUT", path, seller, json=settings))
    return shop_id, products, courier


def buy(api, buyer: User | None, shop_id: str, product_id: str, courier: str, **extra) -> dict:
    if buyer is not None:
        add_to_cart(api, buyer, product_id, 1)
    body = checkout_body((shop_id, courier), **extra)
    if buyer is None:
        body["shops"][0]["items"] = [{"product_id": product_id, "quantity": 1}]
    return ok(checkout(api, buyer, body), 201)


def mails(mail: MailSink, to: str, order_id: str) -> list[dict]:
    return [m for m in mail.messages if m["to"] == to and order_id[:8] in m["subject"]]


def texts(fake, key: str, to: str, order_id: str) -> list[dict]:
    return [m for m in fake.messages if str(m[key]) == to and order_id[:8] in m["text"]]


def notices(api, user: User, order_id: str, type_: str) -> list[dict]:
    return [n for n in ok(api.call("GET", "/notifications?per_page=100", user))["items"]
            if n["order_id"] == order_id and n["type"] == type_]


def one_each(api, sinks, *, order_id: str, subjects: dict[str, str], buyer: User, seller: User,
             admin: User, phone: str, chat: str, event: str) -> None:
    """Wait until every party has its message of `event` (`subjects`: by e-mail address), then
    check that each came exactly once."""
    mail, sms, telegram = sinks

    def by_subject(address: str) -> list[dict]:
        return [m for m in mails(mail, address, order_id) if m["subject"] == subjects[address]]

    def arrived():
        return (all(by_subject(address) for address in subjects)
                and len(texts(sms, "to", phone, order_id)) == list(EVENTS).index(event) + 1
                and len(texts(telegram, "chat_id", chat, order_id)) == list(EVENTS).index(event) + 1
                and notices(api, buyer, order_id, event) and notices(api, seller, order_id, event)
                and notices(api, admin, order_id, event))

    wait_for(arrived, timeout=45, message=f"every party to hear of {event}")
    for address in subjects:
        assert len(by_subject(address)) == 1, address
    assert len(notices(api, buyer, order_id, event)) == 1
    assert len(notices(api, seller, order_id, event)) == 1
    assert len(notices(api, admin, order_id, event)) == 1


EVENTS = ("order.placed", "order.confirmed")


def test_an_order_reaches_every_address_of_the_shop_the_buyer_the_seller_and_the_admins_once(
    api, sinks, admin
):
    mail, sms, telegram = sinks
    seller, buyer = register(api, "seller"), register(api, "buyer")
    desk = f"orders-{uuid.uuid4().hex[:6]}@shop.test"
    phone, chat = "+7999" + str(uuid.uuid4().int)[:7], str(uuid.uuid4().int)[:9]
    shop_id, [mug], courier = shop_with_settings(
        api, seller, order_emails=[seller.email, desk, desk.upper()], sms_phone=phone,
        telegram_chat_id=int(chat))

    [order] = buy(api, buyer, shop_id, mug["id"], courier, comment="Wrap it, please",
                  contact_method="email")["orders"]
    short = order["id"][:8]

    one_each(api, sinks, order_id=order["id"], subjects={
        seller.email: f"New order {short}", desk: f"New order {short}",
        buyer.email: f"Your order {short} is placed"}, buyer=buyer, seller=seller, admin=admin,
        phone=phone, chat=chat, event="order.placed")
    [to_buyer] = mails(mail, buyer.email, order["id"])
    assert to_buyer["subject"] == f"Your order {short} is placed"
    assert f"Thank you for your order {short} (1,300 ₽)." in to_buyer["text"]
    assert f"http://app.atelier.test/api/v1/orders/{order['id']}" in to_buyer["text"]
    assert to_buyer["html"].startswith("<!doctype html>")
    [to_desk] = mails(mail, desk, order["id"])
    assert to_desk["subject"] == f"New order {short}"
    assert "Total: 1,300 ₽" in to_desk["text"]
    [sms_text] = texts(sms, "to", phone, order["id"])
    assert sms_text["text"].startswith(f"New order {short}\n")
    [tg] = texts(telegram, "chat_id", chat, order["id"])
    assert tg["text"].startswith(f"New order {short}\n")
    [seller_notice] = notices(api, seller, order["id"], "order.placed")
    assert seller_notice["title"] == f"New order {short}"

    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))

    one_each(api, sinks, order_id=order["id"], subjects={
        seller.email: f"Order {short} confirmed", desk: f"Order {short} confirmed",
        buyer.email: f"Your order {short} is confirmed"}, buyer=buyer, seller=seller,
        admin=admin, phone=phone, chat=chat, event="order.confirmed")
    assert [m["subject"] for m in mails(mail, buyer.email, order["id"])] == [
        f"Your order {short} is placed", f"Your order {short} is confirmed"]
    assert len(texts(sms, "to", phone, order["id"])) == 2
    assert len(texts(telegram, "chat_id", chat, order["id"])) == 2


def test_a_guest_is_emailed_a_link_that_opens_the_order(system, api, sinks):
    mail, _, _ = sinks
    seller = register(api, "seller")
    shop_id, [mug], courier = shop_with_settings(api, seller)
    guest = f"guest-{uuid.uuid4().hex[:8]}@atelier.test"
    placed = buy(api, None, shop_id, mug["id"], courier,
                 guest={"email": guest, "name": "Ivan", "phone": "+79991112233"},
                 contact_method="phone_call", comment="Call first")
    [order] = placed["orders"]

    [email] = wait_for(lambda: mails(mail, guest, order["id"]), message="the guest's e-mail")
    assert email["subject"] == f"Your order {order['id'][:8]} is placed"
    for line in ("- Mug with a fox × 1, 1,000 ₽", "Total: 1,300 ₽",
                 "Buyer: Ivan, +79991112233, " + guest, "Delivery: Courier (300 ₽)",
                 "Contact method: phone call", "Buyer's comment: Call first",
                 "Address: 125009, RU, Moscow, Moscow, Tverskaya 1 (Anna Petrova, +79990000000)"):
        assert line in email["text"].splitlines(), (line, email["text"])
    [link] = re.findall(r"http://\S+\?access=\S+", email["text"])
    parts = urlsplit(link)
    opened = requests.get(f"{api.gateway.url}{parts.path}?{parts.query}", timeout=10)
    assert opened.status_code == 200, opened.text
    assert opened.json()["id"] == order["id"]


def test_mail_and_telegram_down_for_a_while_arrive_after_with_nothing_doubled(api, sinks):
    mail, sms, telegram = sinks
    seller, buyer = register(api, "seller"), register(api, "buyer")
    phone, chat = "+7998" + str(uuid.uuid4().int)[:7], str(uuid.uuid4().int)[:9]
    shop_id, [mug], courier = shop_with_settings(api, seller, sms_phone=phone,
                                                 telegram_chat_id=chat)
    mail.stop_smtp()
    telegram.received.down = True
    try:
        [order] = buy(api, buyer, shop_id, mug["id"], courier)["orders"]
        wait_for(lambda: texts(sms, "to", phone, order["id"]), message="the SMS, unaffected")
        assert mails(mail, buyer.email, order["id"]) == []
        assert texts(telegram, "chat_id", chat, order["id"]) == []
    finally:
        mail.start_smtp()
        telegram.received.down = False
    wait_for(lambda: mails(mail, buyer.email, order["id"]) and mails(mail, seller.email, order["id"])
             and texts(telegram, "chat_id", chat, order["id"]), timeout=45,
             message="the e-mails and the Telegram message once the channels are back")
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))  # later news, after recovery
    wait_for(lambda: len(texts(telegram, "chat_id", chat, order["id"])) == 2, timeout=30,
             message="the next Telegram message")
    assert len(mails(mail, buyer.email, order["id"])) >= 1
    placed = [m for m in mails(mail, buyer.email, order["id"]) if "placed" in m["subject"]]
    assert len(placed) == 1
    assert len([m for m in mails(mail, seller.email, order["id"])
                if m["subject"].startswith("New order")]) == 1
    assert len(texts(sms, "to", phone, order["id"])) >= 1
    assert len([m for m in texts(sms, "to", phone, order["id"])
                if m["text"].startswith("New order")]) == 1


def test_a_russian_speaking_buyer_reads_russian(api, sinks):
    mail, _, _ = sinks
    seller, buyer = register(api, "seller"), register(api, "buyer", locale="ru")
    shop_id, [mug], courier = shop_with_settings(api, seller)
    [order] = buy(api, buyer, shop_id, mug["id"], courier)["orders"]
    short = order["id"][:8]

    [email] = wait_for(lambda: mails(mail, buyer.email, order["id"]), message="the e-mail")
    assert email["subject"] == f"Ваш заказ {short} оформлен"
    assert email["text"].startswith(f"Спасибо за заказ {short} (1,300 ₽).")
    assert "Итого: 1,300 ₽" in email["text"]
    [notice] = wait_for(lambda: notices(api, buyer, order["id"], "order.placed"),
                        message="the notice")
    assert notice["title"] == f"Ваш заказ {short} оформлен"
    [to_seller] = wait_for(lambda: mails(mail, seller.email, order["id"]),
                           message="the seller's e-mail")
    assert to_seller["subject"] == f"New order {short}"


def test_only_the_owner_sets_where_order_notices_go_and_a_malformed_address_changes_nothing(api):
    seller, other, buyer = register(api, "seller"), register(api, "seller"), register(api, "buyer")
    shop_id, _, _ = shop_with_settings(api, seller)
    path = f"/shops/{shop_id}/notification-settings"
    assert ok(api.call("GET", path, seller)) == {
        "order_emails": [seller.email], "sms_phone": None, "telegram_chat_id": None}

    problem(api.call("PUT", path, other, json={"order_emails": ["x@shop.test"]}), 403)
    problem(api.call("PUT", path, other, json={"order_emails": ["not an address"]}), 403)
    problem(api.call("GET", path, other), 403)
    problem(api.call("PUT", path, buyer, json={"order_emails": ["x@shop.test"]}), 403)
    bad = problem(api.call("PUT", path, seller, json={
        "order_emails": ["desk@shop.test", "not an address"], "sms_phone": "8 999 123"}), 422)
    assert set(bad["errors"]) == {"order_emails.1", "sms_phone"}
    problem(api.call("PUT", path, seller, json={"telegram_chat_id": "no spaces allowed"}), 422)
    problem(api.call("PUT", path, seller, json={"fax": "123"}), 422)
    assert ok(api.call("GET", path, seller)) == {
        "order_emails": [seller.email], "sms_phone": None, "telegram_chat_id": None}

    changed = ok(api.call("PUT", path, seller, json={
        "order_emails": ["desk@shop.test"], "sms_phone": "+79991234567",
        "telegram_chat_id": "-100123"}))
    assert changed == {"order_emails": ["desk@shop.test"], "sms_phone": "+79991234567",
                       "telegram_chat_id": "-100123"}
    assert ok(api.call("GET", path, seller)) == changed
    problem(api.call("GET", f"/shops/{uuid.uuid4()}/notification-settings", seller), 404)


def test_a_user_marks_own_notices_read_one_by_one_or_all_and_counts_the_unread(api, admin):
    seller, buyer, stranger = register(api, "seller"), register(api, "buyer"), register(api, "buyer")
    shop_id, [mug], courier = shop_with_settings(api, seller)
    [order] = buy(api, buyer, shop_id, mug["id"], courier)["orders"]
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    wait_for(lambda: notices(api, buyer, order["id"], "order.confirmed"), message="notices")
    assert ok(api.call("GET", "/notifications/unread-count", buyer)) == {"count": 2}
    [placed] = notices(api, buyer, order["id"], "order.placed")

    problem(api.call("POST", f"/notifications/{placed['id']}/read", stranger), 404)
    problem(api.call("POST", f"/notifications/{uuid.uuid4()}/read", buyer), 404)
    done = api.call("POST", f"/notifications/{placed['id']}/read", buyer)
    assert done.status_code == 204, done.text
    assert notices(api, buyer, order["id"], "order.placed")[0]["read"] is True
    assert ok(api.call("GET", "/notifications/unread-count", buyer)) == {"count": 1}
    assert ok(api.call("GET", "/notifications/unread-count", stranger)) == {"count": 0}

    [to_admins] = wait_for(lambda: notices(api, admin, order["id"], "order.confirmed"),
                           message="the admins' notice")
    assert api.call("POST", f"/notifications/{to_admins['id']}/read", admin).status_code == 204
    assert notices(api, admin, order["id"], "order.confirmed")[0]["read"] is True
    assert api.call("POST", "/notifications/read-all", buyer).status_code == 204
    assert ok(api.call("GET", "/notifications/unread-count", buyer)) == {"count": 0}
    assert all(n["read"] for n in ok(api.call("GET", "/notifications", buyer))["items"])
    assert api.call("POST", "/notifications/read-all", admin).status_code == 204
    assert ok(api.call("GET", "/notifications/unread-count", admin)) == {"count": 0}
    assert notices(api, seller, order["id"], "order.placed")[0]["read"] is False


def test_a_user_chooses_marketing_by_channel_and_keeps_the_rest(api):
    buyer = register(api, "buyer")
    path = "/me/notification-preferences"
    assert ok(api.call("GET", path, buyer)) == {"channels": {
        "email": {"marketing": False}, "sms": {"marketing": False},
        "telegram": {"marketing": False}, "in_app": {"marketing": True}}}
    changed = ok(api.call("PUT", path, buyer, json={"channels": {
        "email": {"marketing": True}, "in_app": {"marketing": False}}}))
    assert changed == {"channels": {
        "email": {"marketing": True}, "sms": {"marketing": False},
        "telegram": {"marketing": False}, "in_app": {"marketing": False}}}
    assert ok(api.call("GET", path, buyer)) == changed
    problem(api.call("PUT", path, buyer, json={"channels": {"fax": {"marketing": True}}}), 422)
    problem(api.call("PUT", path, buyer, json={"channels": {"sms": {"marketing": "yes"}}}), 422)
    assert ok(api.call("GET", path, buyer)) == changed
    problem(api.call("GET", path), 401)
