"""Every kind of notice reads in English and in Russian: each text function of
`domain.notices` takes the recipient's locale and writes Russian for `ru`. A new kind must bring
its Russian text (and a sample event here), or these fail."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime

import pytest

from services.notifications.domain import notices, templates

ORDER, SHOP = "3f2a9c1e-0000-4000-8000-000000000001", "9b1d2c3e-0000-4000-8000-000000000002"
RUB = {"amount": 135000, "currency": "RUB"}
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

# One event's data for each kind of notice (the text function's name).
SAMPLES = {
    "shipped": {"order_id": ORDER, "carrier": "cdek", "tracking_number": "1234567890"},
    "shipping_overdue_to_seller": {"order_id": ORDER, "shop_id": SHOP},
    "shipping_overdue_to_admins": {"order_id": ORDER, "shop_id": SHOP},
    "amount_changed": {"order_id": ORDER, "previous_total": RUB, "reason": "delivery_cost",
                       "new_total": {"amount": 150000, "currency": "RUB"}},
    "balance_requested": {"order_id": ORDER, "note": "Glaze fired", "attachment_ids": ["a"]},
    "unshipped_at_close_to_admins": {"order_id": ORDER, "shop_id": SHOP, "status": "confirmed",
                                     "placed_at": "2026-03-02T10:00:00+00:00"},
    "sanctioned": {"shop_id": SHOP, "kind": "products_hidden", "reason": "Blurred photos"},
    "sanction_lifted": {"shop_id": SHOP, "kind": "products_hidden"},
    "warned": {"shop_id": SHOP, "reason": "Links in descriptions"},
    "verified": {"shop_id": SHOP},
    "debt_overdue": {"shop_id": SHOP, "amount": RUB, "due_at": datetime(2026, 3, 1, tzinfo=UTC)},
    "payment_receipt": {"payment_id": ORDER, "order_id": ORDER, "shop_id": SHOP, "part": "advance",
                        "amount": RUB, "remaining": RUB, "paid_at": datetime(2026, 3, 1, 14, 5)},
    "payment_received": {"order_id": ORDER, "shop_id": SHOP, "part": "balance", "amount": RUB,
                         "remaining": {"amount": 0, "currency": "RUB"}},
    "message_posted": {"order_id": ORDER, "excerpt": "Can you make it blue?"},
}
TEXT_TYPES = ("Text", "Receipt")


def kinds() -> dict[str, object]:
    """The text functions of `domain.notices`: those returning a notice's text."""
    return {name: fn for name, fn in inspect.getmembers(notices, inspect.isfunction)
            if fn.__module__ == notices.__name__ and not name.startswith("_")
            and inspect.signature(fn).return_annotation in TEXT_TYPES}


def test_every_kind_of_notice_has_a_sample_here():
    assert set(kinds()) == set(SAMPLES), "a new kind needs a sample here and a Russian text"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_kind_reads_in_english_and_in_russian(name):
    fn = kinds()[name]
    assert "locale" in inspect.signature(fn).parameters, f"{name} does not take a locale"
    english, russian = fn(SAMPLES[name], "en"), fn(SAMPLES[name], "ru")
    assert english.title and english.body and russian.title and russian.body
    assert not CYRILLIC.search(english.title + english.body), english
    assert CYRILLIC.search(russian.title) and CYRILLIC.search(russian.body), russian
    assert fn(SAMPLES[name], "de") == english  # any other locale reads English


@pytest.mark.parametrize("event_type", sorted(templates.ORDER_NEWS))
def test_each_order_news_has_both_languages_for_the_buyer_and_the_seller(event_type):
    news = templates.ORDER_NEWS[event_type]
    assert set(news) == set(templates.LOCALES)
    for locale in templates.LOCALES:
        assert set(news[locale]) == {"buyer", "seller"}
    for title, body in news["ru"].values():
        assert CYRILLIC.search(title) and CYRILLIC.search(body)


def test_the_labels_and_the_payment_parts_are_in_both_languages():
    assert set(templates.LABELS["en"]) == set(templates.LABELS["ru"])
    assert set(templates.CONTACT_METHODS["en"]) == set(templates.CONTACT_METHODS["ru"])
    assert set(notices.PARTS["en"]) == set(notices.PARTS["ru"]) == {"full", "advance", "balance"}
    assert set(notices.SANCTIONS["en"]) == set(notices.SANCTIONS["ru"])


def test_a_receipt_shows_the_order_the_shop_the_amount_the_part_what_is_left_and_when():
    receipt = notices.payment_receipt(SAMPLES["payment_receipt"], "en")
    assert receipt.title == "Receipt for order 3f2a9c1e"
    assert receipt.lines == (("Order", "3f2a9c1e"), ("Shop", "9b1d2c3e"),
                             ("Amount paid", "1,350 ₽"), ("Payment", "advance"),
                             ("Left to pay", "1,350 ₽"), ("Date", "2026-03-01 14:05 UTC"))
    russian = notices.payment_receipt({**SAMPLES["payment_receipt"], "part": "full",
                                       "remaining": None}, "ru")
    assert dict(russian.lines)["Вид платежа"] == "полная оплата"
    assert "Осталось оплатить" not in dict(russian.lines)  # payments did not say


def test_the_seller_hears_what_is_left_to_pay_only_while_something_is():
    paid_up = notices.payment_received(SAMPLES["payment_received"], "en")
    assert paid_up.body == "The buyer paid 1,350 ₽ for order 3f2a9c1e (balance)."
    advance = notices.payment_received({**SAMPLES["payment_received"], "part": "advance",
                                        "remaining": RUB}, "ru")
    assert advance.body == ("Покупатель оплатил заказ 3f2a9c1e: 1,350 ₽ (предоплата). "
                            "Осталось оплатить: 1,350 ₽.")


def test_a_message_notice_quotes_the_start_of_a_long_text_cut_at_a_word():
    text = notices.message_posted({"order_id": ORDER, "excerpt": "word " * 60}, "en")
    quoted = text.body.splitlines()[1]
    assert quoted.startswith('"word word') and quoted.endswith('word…"')
    assert len(quoted) <= notices.EXCERPT_CHARS + 2
    bare = notices.message_posted({"order_id": ORDER}, "ru")
    assert bare.body == "Вам написали по заказу 3f2a9c1e."
