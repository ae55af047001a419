"""What reaches people by e-mail beyond an order's status, through the gateway and the SMTP sink
(`atelier.sinks`, read over its web view `GET /api/messages`): the buyer's receipt for a payment,
a new message on an order e-mailed at once to the other party (never the writer), and a request
for the balance whose photos are signed links the buyer can open and nobody else can.

The gateway and the notifications service sign links with the one shared key
(`MEDIA_SIGNING_KEY`); the gateway's private-file route checks them. A payment is published on
the broker as the payments service publishes it (`tests.support.event_source`)."""

from __future__ import annotations

import io
import re
import uuid

import pytest
import requests
from PIL import Image

from atelier.sinks import MailSink
from tests.e2e.test_notification_channels_api import register
from tests.e2e.test_orders_api import ok, place_order, problem
from tests.support import harness
from tests.support.api import Api, User
from tests.support.event_source import EventSource
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

SERVICES = ("catalog", "shipping", "orders", "notifications")
SIGNING_KEY = "media-links-" + uuid.uuid4().hex
LINK = re.compile(r"https?://\S+/media/private/[0-9a-f-]{36}\?\S+")


@pytest.fixture(scope="module")
def api(system, mail, tmp_path_factory):
    gateway = system.gateway(env={"MEDIA_DIR": str(tmp_path_factory.mktemp("media")),
                                  "MEDIA_SIGNING_KEY": SIGNING_KEY})
    env = {"EVENT_RETRY_BACKOFF_MS": "200", "MEDIA_SIGNING_KEY": SIGNING_KEY,
           "NOTIFICATIONS_SMTP_HOST": mail.smtp_host,
           "NOTIFICATIONS_SMTP_PORT": str(mail.smtp_port),
           "NOTIFICATIONS_SMS_URL": "http://127.0.0.1:9", "NOTIFICATIONS_TELEGRAM_URL":
           "http://127.0.0.1:9", "NOTIFICATIONS_SEND_POLL_SECONDS": "0.1",
           "NOTIFICATIONS_APP_URL": "http://app.atelier.test",
           "NOTIFICATIONS_MEDIA_URL": gateway.url}
    started = [(system.start(service, env=env, wait=False), service) for service in SERVICES]
    for proc, service in started:
        proc.wait_healthy(service)
    system.relay(*SERVICES)
    system.processes.append(harness.relay_process(  # identity's outbox: `user.registered`
        ["gateway"], {**system.env, "GATEWAY_DATABASE_URL": gateway.env["GATEWAY_DATABASE_URL"]},
        system.log_dir, system.amqp_uri).start())
    client = Api(gateway)
    yield client
    client.close()


def inbox(mail: MailSink, to: str, subject: str) -> list[dict]:
    """The sink's e-mails to `to` with this subject, as its web view lists them."""
    listed = requests.get(f"{mail.web.url}/api/messages", timeout=5).json()
    return [m for m in listed if m["to"] == to and m["subject"] == subject]


def notices(api, user: User, order_id: str, type_: str) -> list[dict]:
    return [n for n in ok(api.call("GET", "/notifications?per_page=100", user))["items"]
            if n["order_id"] == order_id and n["type"] == type_]


def rub(amount: int) -> dict:
    return {"amount": amount, "currency": "RUB"}


def pay(system, order: dict, part: str, amount: int, remaining: int) -> None:
    with EventSource(system, producer="payments") as payments:
        payments.publish("payment.succeeded", {
            "payment_id": str(uuid.uuid4()), "order_id": order["id"],
            "shop_id": order["shop_id"], "part": part, "amount": rub(amount),
            "remaining": rub(remaining)}, aggregate_id=order["id"])


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(out, "JPEG")
    return out.getvalue()


def upload(api, user: User, data: bytes) -> dict:
    return ok(api.call("POST", "/uploads", user, data={"purpose": "attachment"},
                       files={"file": ("glaze.jpg", data, "image/jpeg")}), 201)


def test_the_buyer_gets_a_receipt_in_their_language_and_the_seller_hears_the_money_arrived(
    system, api, mail
):
    seller, buyer = register(api, "seller"), register(api, "buyer", locale="ru")
    order, _ = place_order(api, seller, buyer)
    ok(api.call("POST", f"/orders/{order['id']}/confirm", seller))
    short = order["id"][:8]

    pay(system, order, "full", 130000, 0)

    [receipt] = wait_for(lambda: inbox(mail, buyer.email, f"Чек об оплате заказа {short}"),
                         message="the buyer's receipt")
    assert receipt["text"].splitlines()[:7] == [
        f"Ваш платёж 1,300 ₽ по заказу {short} получен. Спасибо!",
        f"Заказ: {short}", f"Магазин: {order['shop_id'][:8]}", "Оплачено: 1,300 ₽",
        "Вид платежа: полная оплата", "Осталось оплатить: 0 ₽",
        f"Дата: {receipt['text'].splitlines()[6].removeprefix('Дата: ')}"]
    assert re.fullmatch(r"Дата: \d{4}-\d\d-\d\d \d\d:\d\d UTC", receipt["text"].splitlines()[6])
    assert f"http://app.atelier.test/api/v1/orders/{order['id']}" in receipt["text"]
    assert "Оплачено: 1,300 ₽" in receipt["html"]
    [mine] = wait_for(lambda: notices(api, buyer, order["id"], "payment.succeeded"),
                      message="the buyer's receipt in the app")
    assert mine["data"]["remaining"] == rub(0) and mine["data"]["part"] == "full"
    [told] = wait_for(lambda: notices(api, seller, order["id"], "payment.succeeded"),
                      message="the seller's notice")
    assert (told["title"], told["body"]) == (
        f"Money received for order {short}",
        f"The buyer paid 1,300 ₽ for order {short} (full payment).")
    assert inbox(mail, seller.email, f"Money received for order {short}") == []


def test_a_new_message_is_emailed_at_once_to_the_other_party_and_never_to_its_writer(api, mail):
    seller, buyer = register(api, "seller"), register(api, "buyer")
    order, _ = place_order(api, seller, buyer)
    short, path = order["id"][:8], f"/orders/{order['id']}/messages"
    subject = f"New message about order {short}"

    ok(api.call("POST", path, buyer, json={"text": "Could the fox be  painted\nblue?"}), 201)
    [to_seller] = wait_for(lambda: inbox(mail, seller.email, subject),
                           message="the seller's e-mail")
    assert to_seller["text"].splitlines()[:2] == [
        f"You have a new message about order {short}.", '"Could the fox be painted blue?"']
    assert f"http://app.atelier.test/api/v1/orders/{order['id']}" in to_seller["text"]
    assert [n["title"] for n in notices(api, seller, order["id"], "message.posted")] == [subject]

    ok(api.call("POST", path, seller, json={"text": "Yes, cobalt blue."}), 201)
    [to_buyer] = wait_for(lambda: inbox(mail, buyer.email, subject), message="the buyer's e-mail")
    assert '"Yes, cobalt blue."' in to_buyer["text"]
    assert len(inbox(mail, seller.email, subject)) == 1  # the reply went to its reader alone
    assert len(notices(api, buyer, order["id"], "message.posted")) == 1


def test_the_balance_request_emails_its_photos_as_links_only_the_buyer_can_open(
    system, api, mail
):
    seller, buyer, other = (register(api, "seller"), register(api, "buyer"),
                            register(api, "buyer"))
    order, _ = place_order(api, seller, buyer,
                           stock={"mode": "made_to_order", "production_days": 5})
    path = f"/orders/{order['id']}"
    ok(api.call("POST", f"{path}/confirm", seller))
    pay(system, order, "advance", 39000, 91000)
    wait_for(lambda: ok(api.call("GET", path, buyer))["status"] == "partially_paid",
             message="the order to take the advance")
    ok(api.call("POST", f"{path}/start-production", seller))
    photo = upload(api, seller, jpeg())
    not_hers = upload(api, other, jpeg())

    refused = problem(api.call("POST", f"{path}/request-balance", seller, json={
        "note": "Fired", "attachment_ids": [photo["id"], not_hers["id"]]}), 422)
    assert set(refused["errors"]) == {"attachment_ids.1"}
    ok(api.call("POST", f"{path}/request-balance", seller, json={
        "note": "The glaze is fired, see the photo.", "attachment_ids": [photo["id"]]}))

    [asked] = wait_for(lambda: inbox(mail, buyer.email, "Please pay the balance"),
                       message="the buyer's e-mail")
    assert "The seller's note: The glaze is fired, see the photo." in asked["text"]
    [link] = LINK.findall(asked["text"])
    assert f"/media/private/{photo['id']}?" in link and f"user={buyer.id}" in link
    assert link in asked["html"].replace("&amp;", "&")
    stored = requests.get(photo["url"], timeout=10).content  # the seller's own link: the file
    assert Image.open(io.BytesIO(stored)).size == (64, 48)
    opened = requests.get(link, timeout=10)
    assert opened.status_code == 200 and opened.content == stored
    mine = requests.get(link, timeout=10, headers={"Authorization": f"Bearer {buyer.token}"})
    assert mine.status_code == 200
    theirs = requests.get(link, timeout=10, headers={"Authorization": f"Bearer {other.token}"})
    assert theirs.status_code == 403
    forged = requests.get(link.replace(buyer.id, other.id), timeout=10)
    assert forged.status_code == 403
    [notice] = notices(api, buyer, order["id"], "order.balance_requested")
    assert notice["data"]["attachment_ids"] == [photo["id"]]
    shown = ok(api.call("GET", f"/uploads/{photo['id']}", buyer))  # granted to the buyer
    assert shown["id"] == photo["id"]
    assert api.call("GET", f"/uploads/{photo['id']}", other).status_code == 404
