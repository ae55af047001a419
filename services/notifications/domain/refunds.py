"""What the notices of a refund owed past its due time say (`refund.overdue`, from payments: a
paid order was cancelled and its money not returned within a day, seed 003, sanctions, reason 7),
in English and Russian by the reader's locale (anything else reads English).

- to the admins: which order of which shop, how much is owed, since when; moderation acts on it;
- to the seller: refund it now, from the order's payments, or the shop may be sanctioned.
Pure: the event's data in, a title and a body out.
"""

from __future__ import annotations

from typing import Any

from .notices import Text, money, short

TEXTS = {
    "en": {
        "admin": ("A refund is overdue",
                  "Order {order} of shop {shop} was cancelled on {cancelled} with {owed} paid, "
                  "and the refund was not made by {due}. The seller must refund within a day "
                  "of the cancellation."),
        "seller": ("Refund owed for order {order}",
                   "Order {order} was cancelled on {cancelled} and {owed} paid for it has not "
                   "been refunded. It was due by {due}. Refund it now from the order's "
                   "payments: a late refund may lead to sanctions on your shop."),
    },
    "ru": {
        "admin": ("Просрочен возврат оплаты",
                  "Заказ {order} магазина {shop} отменён {cancelled}, оплата {owed} не "
                  "возвращена к {due}. Продавец должен вернуть оплату в течение суток после "
                  "отмены."),
        "seller": ("Верните оплату по заказу {order}",
                   "Заказ {order} отменён {cancelled}, полученная оплата {owed} не возвращена. "
                   "Срок возврата истёк {due}. Верните оплату сейчас в платежах заказа: за "
                   "несвоевременный возврат к магазину могут быть применены санкции."),
    },
}


def refund_overdue(data: dict[str, Any], role: str, locale: str = "en") -> Text:
    """The notice to `role` ("admin" or "seller") in `locale`."""
    title, body = TEXTS.get(locale, TEXTS["en"])[role]
    values = {"order": short(data["order_id"]), "shop": short(data["shop_id"]),
              "owed": money(data["owed"]), "cancelled": _moment(data["cancelled_at"]),
              "due": _moment(data["due_at"])}
    return Text(title.format(**values), body.format(**values))


def _moment(value: Any) -> str:
    """A time as "2026-03-02 15:30 UTC" (the event's times are UTC)."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)[:16].replace("T", " ") + " UTC"
