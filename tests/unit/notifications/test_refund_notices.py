"""What the admins and the seller read of a refund owed past its due time (`refund.overdue`), in
English and Russian."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notifications.domain.refunds import refund_overdue

DATA = {"order_id": "1a2b3c4d-0000-4000-8000-000000000001",
        "shop_id": "5e6f7a8b-0000-4000-8000-000000000002",
        "seller_id": None, "owed": {"amount": 130050, "currency": "RUB"},
        "cancelled_at": datetime(2026, 3, 2, 15, 30, tzinfo=UTC),
        "due_at": datetime(2026, 3, 3, 15, 30, tzinfo=UTC)}


def test_the_admins_read_which_order_of_which_shop_owes_how_much_since_when():
    text = refund_overdue(DATA, "admin")
    assert text.title == "A refund is overdue"
    assert text.body.startswith(
        "Order 1a2b3c4d of shop 5e6f7a8b was cancelled on 2026-03-02 15:30 UTC with 1,300.50 ₽ "
        "paid, and the refund was not made by 2026-03-03 15:30 UTC.")


def test_the_seller_is_asked_to_refund_now_in_their_language():
    english = refund_overdue(DATA, "seller", "en")
    assert english.title == "Refund owed for order 1a2b3c4d"
    assert "1,300.50 ₽" in english.body and "Refund it now" in english.body
    russian = refund_overdue(DATA, "seller", "ru")
    assert russian.title == "Верните оплату по заказу 1a2b3c4d"
    assert "1,300.50 ₽" in russian.body and "2026-03-03 15:30 UTC" in russian.body
    assert refund_overdue(DATA, "admin", "ru").title == "Просрочен возврат оплаты"


def test_an_unknown_locale_reads_english_and_times_as_text_are_read_too():
    as_text = {**DATA, "cancelled_at": "2026-03-02T15:30:00+00:00",
               "due_at": "2026-03-03T15:30:00+00:00"}
    assert refund_overdue(as_text, "seller", "de") == refund_overdue(DATA, "seller", "en")
