"""The pure rules of notifications: who hears what by which channel, retry back-off, templates in
English and Russian, preferences; and the sender's bookkeeping with channels that fail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications import settings
from services.notifications.actions import sending
from services.notifications.channels import Channels, Refused, Retry
from services.notifications.domain import audience, preferences, retry, templates
from services.notifications.models import Base, Delivery
from tests.support import units

BUYER = audience.Person("b1", email="buyer@x.test", locale="ru")
SELLER = audience.Person("s1", email="seller@x.test", phone="+79990000000")


def test_order_news_goes_in_app_to_all_by_email_to_each_address_once_by_sms_and_telegram():
    shop = audience.shop_channels(["desk@x.test", "DESK@x.test", "seller@x.test"], "+79991112233",
                                  "-100", SELLER)
    sends = audience.order_news(BUYER, SELLER, shop)
    assert [(s.channel, s.role, s.recipient_id, s.address, s.locale) for s in sends] == [
        ("in_app", "buyer", "b1", None, "ru"),
        ("in_app", "seller", "s1", None, "en"),
        ("in_app", "admin", None, None, "en"),
        ("email", "buyer", "b1", "buyer@x.test", "ru"),
        ("email", "seller", "s1", "desk@x.test", "en"),
        ("email", "seller", "s1", "seller@x.test", "en"),
        ("sms", "seller", "s1", "+79991112233", "en"),
        ("telegram", "seller", "s1", "-100", "en"),
    ]


def test_a_shop_without_settings_mails_its_owner_and_a_guest_gets_email_only():
    shop = audience.shop_channels(None, None, None, SELLER)
    guest = audience.Person(None, email="guest@x.test")
    sends = audience.order_news(guest, SELLER, shop)
    assert [(s.channel, s.role, s.address) for s in sends] == [
        ("in_app", "seller", None), ("in_app", "admin", None),
        ("email", "buyer", "guest@x.test"), ("email", "seller", "seller@x.test")]
    assert audience.order_news(guest, SELLER, audience.shop_channels([], None, None, SELLER))[-1] \
        .address == "guest@x.test"


def test_a_failed_delivery_waits_twice_as_long_each_time_up_to_the_cap_then_is_dead():
    waits = [retry.after_failure(n, base=5, cap=30, max_attempts=6) for n in range(1, 7)]
    assert waits == [5, 10, 20, 30, 30, None]
    assert retry.after_failure(1, base=5, cap=30, max_attempts=6, permanent=True) is None


def test_russian_and_english_texts_per_role_with_the_invoice_on_a_new_order():
    order_id = "1a2b3c4d-0000-0000-0000-000000000000"
    data = {"order_id": order_id, "shop_id": str(uuid.uuid4()),
            "lines": [{"product_id": str(uuid.uuid4()), "quantity": 2, "title": "Кружка <лиса>",
                       "options": [{"name": "Цвет", "value": "красный"}],
                       "unit_price": {"amount": 12000, "currency": "RUB"}}],
            "grand_total": {"amount": 54000, "currency": "RUB"}, "contact_method": "phone_call",
            "delivery_method": "Курьер", "delivery": {"amount": 0, "currency": "RUB"}}
    facts = {"order_id": order_id, "total": data["grand_total"], "link": "http://a/o?x=1&y=2",
             "invoice": templates.invoice(data, "ru", "2026-03-02")}
    news = templates.order_news("order.placed", "buyer", "ru", facts)
    assert news.title == "Ваш заказ 1a2b3c4d оформлен"
    mail = templates.email(news, "ru")
    lines = mail.text.splitlines()
    for expected in ("- Кружка <лиса> × 2, 120 ₽; Цвет: красный", "Итого: 540 ₽",
                     "Дата: 2026-03-02", "Доставка: Курьер (бесплатно)", "Способ связи: звонок",
                     "Открыть заказ: http://a/o?x=1&y=2"):
        assert expected in lines
    assert "Кружка &lt;лиса&gt;" in mail.html and 'href="http://a/o?x=1&amp;y=2"' in mail.html
    seller = templates.order_news("order.cancelled", "seller", "en",
                                  {"order_id": order_id, "reason": "buyer_lapse"})
    assert (seller.title, seller.body) == ("Order 1a2b3c4d is cancelled",
                                           "Order 1a2b3c4d is cancelled. Reason: buyer lapse.")
    admin = templates.order_news("order.paid", "admin", "ru", {
        "order_id": order_id, "shop_id": "5e6f7a8b-1", "amount": {"amount": 100, "currency": "RUB"}})
    assert admin.body == "Order 1a2b3c4d of shop 5e6f7a8b: paid (1 ₽)."
    assert templates.order_news("order.paid", "buyer", "de", {"order_id": order_id}).title == \
        "Payment received for order 1a2b3c4d"
    assert templates.short_text(news).splitlines()[-1] == "http://a/o?x=1&y=2"


@pytest.mark.parametrize("event", templates.ORDER_EVENTS)
def test_every_order_event_has_a_text_for_each_role_in_each_language(event):
    for locale in templates.LOCALES:
        for role in ("buyer", "seller", "admin"):
            news = templates.order_news(event, role, locale, {"order_id": str(uuid.uuid4())})
            assert news.title and news.body and "{" not in news.body


def test_marketing_is_opt_in_outside_the_app_and_transactional_notices_always_go():
    assert preferences.allows(None, "email", "marketing") is False
    assert preferences.allows(None, "in_app", "marketing") is True
    chosen = preferences.merged(None, {"email": {"marketing": True}, "in_app": {"marketing": False}})
    assert preferences.allows(chosen, "email", "marketing") is True
    assert preferences.allows(chosen, "in_app", "marketing") is False
    assert preferences.allows(chosen, "in_app", "transactional") is True


# The sender, with channels standing in for the servers ------------------------------------------
class Scripted:
    """A channel answering from a script of outcomes; remembers what it was asked to send."""

    def __init__(self, name: str, outcomes: list):
        self.name, self.outcomes, self.sent = name, list(outcomes), []

    def send_all(self, messages):
        results = []
        for message in messages:
            outcome = self.outcomes.pop(0) if self.outcomes else None
            results.append(outcome)
            if outcome is None:
                self.sent.append(message.address)
            if isinstance(outcome, Retry) and outcome.down:
                break
        return results


NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
POLICY = settings.RetryPolicy(base_seconds=10, cap_seconds=60, max_attempts=3)


def deliveries(uow, *specs):
    with uow:
        for channel, address in specs:
            uow.session.add(Delivery(
                id=str(uuid.uuid4()), event_id=str(uuid.uuid4()), event_type="order.placed",
                channel=channel, address=address, role="seller", recipient_id=None,
                order_id=None, subject="s", text="t", html=None, status="pending", attempts=0,
                next_attempt_at=NOW, last_error=None, created_at=NOW, sent_at=None))


def state(uow):
    with uow.reading() as session:
        rows = session.query(Delivery).order_by(Delivery.address).all()
        return {r.address: (r.status, r.attempts, r.next_attempt_at.replace(tzinfo=UTC),
                            r.last_error) for r in rows}


def run(uow, channels, at=NOW):
    return sending.send_due(uow, Channels(channels), lambda: at, batch=50,
                            lease=timedelta(minutes=2), policy=POLICY)


def test_a_channel_down_waits_with_back_off_while_the_others_send_and_nothing_goes_twice():
    uow = units.unit_of_work(Base.metadata, "notifications")
    deliveries(uow, ("email", "a@x"), ("email", "b@x"), ("sms", "+1"), ("telegram", "42"))
    email = Scripted("email", [Retry("refused", down=True)])
    sms, telegram = Scripted("sms", []), Scripted("telegram", [Refused("400 chat not found")])

    result = run(uow, [email, sms, telegram])

    assert (result.sent, result.failed, result.dead, result.deferred) == (1, 1, 1, 1)
    later = NOW + timedelta(seconds=10)
    assert state(uow) == {"+1": ("sent", 1, NOW + timedelta(minutes=2), None),
                          "42": ("dead", 1, NOW + timedelta(minutes=2), "400 chat not found"),
                          "a@x": ("pending", 1, later, "refused"),
                          "b@x": ("pending", 0, later, None)}
    assert run(uow, [email, sms, telegram], at=NOW + timedelta(seconds=5)).sent == 0  # not due
    run(uow, [email, sms, telegram], at=later)
    assert email.sent == ["a@x", "b@x"] and sms.sent == ["+1"] and telegram.sent == []
    assert {a: s[0] for a, s in state(uow).items()} == {
        "+1": "sent", "42": "dead", "a@x": "sent", "b@x": "sent"}
    assert run(uow, [email, sms, telegram], at=later + timedelta(hours=1)).sent == 0


def test_a_delivery_failing_every_attempt_is_dead_with_its_last_reason():
    uow = units.unit_of_work(Base.metadata, "notifications")
    deliveries(uow, ("sms", "+1"))
    sms = Scripted("sms", [Retry("503 busy")] * 3)
    at = NOW
    for _ in range(3):
        run(uow, [sms], at=at)
        at += timedelta(minutes=5)
    assert state(uow)["+1"][:2] == ("dead", 3) and state(uow)["+1"][3] == "503 busy"
