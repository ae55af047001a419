"""What an order's news says, per event and recipient role, in English and Russian (by the
recipient's locale; anything else reads English), and how it is laid out for each channel.

    news = order_news("order.placed", "buyer", "ru", facts)
    news.title, news.body             # the in-app notice
    email(news, "ru")                 # subject, plain text and HTML (Jinja2, values escaped)
    short_text(news)                  # SMS and Telegram: title, body and the link

`facts` are what the event (and what was learnt of the order when it was placed) tell: the order's
short id, total, the amount paid, a cancellation's reason, the link to the order for this
recipient, and for `order.placed` the invoice (seed 003: items with quantity and options, the
buyer's contacts, the date, the full address, the delivery method, the contact method, the
buyer's comment), as far as the event carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, StrictUndefined

from .notices import money, short

LOCALES = ("en", "ru")

# (title, body) per event, locale and role; admins read English (a notice to every admin).
ORDER_NEWS: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    "order.placed": {
        "en": {
            "buyer": ("Your order {order} is placed",
                      "Thank you for your order {order} ({total}). The seller will confirm it "
                      "within 72 hours; then you can pay."),
            "seller": ("New order {order}",
                       "A new order {order} for {total} has been placed in your shop. "
                       "Please confirm it within 72 hours."),
        },
        "ru": {
            "buyer": ("Ваш заказ {order} оформлен",
                      "Спасибо за заказ {order} ({total}). Продавец подтвердит его в течение "
                      "72 часов, после этого его можно будет оплатить."),
            "seller": ("Новый заказ {order}",
                       "В вашем магазине оформлен новый заказ {order} на сумму {total}. "
                       "Подтвердите его в течение 72 часов."),
        },
    },
    "order.confirmed": {
        "en": {
            "buyer": ("Your order {order} is confirmed",
                      "The seller confirmed your order {order}. It now awaits your payment "
                      "of {total}."),
            "seller": ("Order {order} confirmed",
                       "You confirmed order {order}. It now awaits the buyer's payment."),
        },
        "ru": {
            "buyer": ("Ваш заказ {order} подтверждён",
                      "Продавец подтвердил ваш заказ {order}. Он ожидает оплаты: {total}."),
            "seller": ("Заказ {order} подтверждён",
                       "Вы подтвердили заказ {order}. Он ожидает оплаты покупателем."),
        },
    },
    "order.partially_paid": {
        "en": {
            "buyer": ("Advance received for order {order}",
                      "The advance{paid} for your order {order} is received. The seller will "
                      "start making it."),
            "seller": ("Advance paid for order {order}",
                       "The buyer paid the advance{paid} for order {order}. You can start "
                       "production."),
        },
        "ru": {
            "buyer": ("Предоплата по заказу {order} получена",
                      "Предоплата{paid} по вашему заказу {order} получена. Продавец приступит "
                      "к изготовлению."),
            "seller": ("Предоплата по заказу {order}",
                       "Покупатель внёс предоплату{paid} по заказу {order}. Можно начинать "
                       "изготовление."),
        },
    },
    "order.in_production": {
        "en": {
            "buyer": ("Your order {order} is in production",
                      "The seller has started making your order {order}."),
            "seller": ("Order {order} is in production",
                       "Order {order} is marked as in production."),
        },
        "ru": {
            "buyer": ("Ваш заказ {order} в работе",
                      "Продавец начал изготовление вашего заказа {order}."),
            "seller": ("Заказ {order} в работе", "Заказ {order} отмечен как находящийся в "
                                                 "изготовлении."),
        },
    },
    "order.paid": {
        "en": {
            "buyer": ("Payment received for order {order}",
                      "Your payment{paid} for order {order} is received. The seller will ship "
                      "it soon."),
            "seller": ("Order {order} is paid",
                       "Order {order} is paid{paid}. Please ship it and add the tracking "
                       "number."),
        },
        "ru": {
            "buyer": ("Оплата заказа {order} получена",
                      "Ваша оплата{paid} заказа {order} получена. Продавец скоро его отправит."),
            "seller": ("Заказ {order} оплачен",
                       "Заказ {order} оплачен{paid}. Отправьте его и добавьте трек-номер."),
        },
    },
    "order.shipped": {
        "en": {
            "buyer": ("Your order {order} has shipped",
                      "Your order {order} is on its way. When it arrives, please confirm that "
                      "you received it."),
            "seller": ("Order {order} shipped", "Order {order} is marked as shipped."),
        },
        "ru": {
            "buyer": ("Ваш заказ {order} отправлен",
                      "Ваш заказ {order} в пути. Когда получите его, подтвердите получение."),
            "seller": ("Заказ {order} отправлен", "Заказ {order} отмечен как отправленный."),
        },
    },
    "order.received": {
        "en": {
            "buyer": ("You received order {order}",
                      "You confirmed receiving order {order}. Thank you! You can leave a "
                      "review."),
            "seller": ("Order {order} received by the buyer",
                       "The buyer confirmed receiving order {order}."),
        },
        "ru": {
            "buyer": ("Вы получили заказ {order}",
                      "Вы подтвердили получение заказа {order}. Спасибо! Можете оставить отзыв."),
            "seller": ("Покупатель получил заказ {order}",
                       "Покупатель подтвердил получение заказа {order}."),
        },
    },
    "order.completed": {
        "en": {
            "buyer": ("Order {order} is completed",
                      "Your order {order} is completed. Thank you for shopping with us."),
            "seller": ("Order {order} is completed", "Order {order} is completed."),
        },
        "ru": {
            "buyer": ("Заказ {order} завершён", "Ваш заказ {order} завершён. Спасибо за покупку!"),
            "seller": ("Заказ {order} завершён", "Заказ {order} завершён."),
        },
    },
    "order.cancelled": {
        "en": {
            "buyer": ("Order {order} is cancelled",
                      "Your order {order} is cancelled. Reason: {reason}."),
            "seller": ("Order {order} is cancelled", "Order {order} is cancelled. Reason: {reason}."),
        },
        "ru": {
            "buyer": ("Заказ {order} отменён", "Ваш заказ {order} отменён. Причина: {reason}."),
            "seller": ("Заказ {order} отменён", "Заказ {order} отменён. Причина: {reason}."),
        },
    },
    "order.expired": {
        "en": {
            "buyer": ("Order {order} expired",
                      "The seller did not confirm your order {order} within 72 hours, so it has "
                      "expired. Nothing is charged."),
            "seller": ("Order {order} expired",
                       "Order {order} expired: it was not confirmed within 72 hours."),
        },
        "ru": {
            "buyer": ("Срок заказа {order} истёк",
                      "Продавец не подтвердил ваш заказ {order} в течение 72 часов, поэтому "
                      "заказ отменён. Деньги не списаны."),
            "seller": ("Срок заказа {order} истёк",
                       "Заказ {order} не был подтверждён в течение 72 часов и отменён."),
        },
    },
}
ORDER_EVENTS = tuple(ORDER_NEWS)

# What the admins read: "Order 1a2b3c4d of shop 5e6f7a8b: <what happened>."
ADMIN_NEWS = {
    "order.placed": "placed for {total}", "order.confirmed": "confirmed by the seller",
    "order.partially_paid": "advance paid{paid}", "order.in_production": "in production",
    "order.paid": "paid{paid}", "order.shipped": "shipped",
    "order.received": "received by the buyer", "order.completed": "completed",
    "order.cancelled": "cancelled ({reason})", "order.expired": "expired unconfirmed",
}

LABELS = {
    "en": {"items": "Items", "total": "Total", "delivery": "Delivery", "address": "Address",
           "contact_method": "Contact method", "buyer": "Buyer", "comment": "Buyer's comment",
           "date": "Date", "open": "Open the order", "footer": "Atelier, a marketplace of "
           "handmade goods", "free": "free", "quoted": "to be quoted by the seller",
           "reason_none": "not given"},
    "ru": {"items": "Товары", "total": "Итого", "delivery": "Доставка", "address": "Адрес",
           "contact_method": "Способ связи", "buyer": "Покупатель",
           "comment": "Комментарий покупателя", "date": "Дата", "open": "Открыть заказ",
           "footer": "Atelier, маркетплейс изделий ручной работы", "free": "бесплатно",
           "quoted": "стоимость сообщит продавец", "reason_none": "не указана"},
}
CONTACT_METHODS = {
    "en": {"email": "e-mail", "site_chat": "site chat", "whatsapp_viber": "WhatsApp or Viber",
           "sms": "SMS", "phone_call": "phone call"},
    "ru": {"email": "e-mail", "site_chat": "чат на сайте", "whatsapp_viber": "WhatsApp или Viber",
           "sms": "SMS", "phone_call": "звонок"},
}


@dataclass(frozen=True)
class InvoiceLine:
    title: str
    quantity: int
    unit_price: str
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Invoice:
    """Seed 003's order invoice, as far as the event carries it."""

    lines: tuple[InvoiceLine, ...]
    total: str
    date: str | None = None
    buyer: tuple[str, ...] = ()          # name, phone, e-mail
    address: str | None = None
    delivery: str | None = None
    contact_method: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class News:
    title: str
    body: str
    link: str | None = None
    invoice: Invoice | None = None
    extra: tuple[str, ...] = field(default=())
    attachments: tuple[tuple[str, str], ...] = field(default=())  # (label, link): files


def locale_of(locale: str | None) -> str:
    return locale if locale in LOCALES else "en"


def order_news(event_type: str, role: str, locale: str, facts: dict[str, Any]) -> News:
    """The title and body of an order's news for one recipient (see the module's doc)."""
    locale = locale_of(locale)
    values = _values(facts, locale)
    if role == "admin":
        what = ADMIN_NEWS[event_type].format(**values)
        title, body = ORDER_NEWS[event_type]["en"]["seller"]
        return News(title.format(**values),
                    f"Order {values['order']} of shop {values['shop']}: {what}.")
    title, body = ORDER_NEWS[event_type][locale][role]
    invoice = facts.get("invoice") if event_type == "order.placed" else None
    return News(title.format(**values), body.format(**values), facts.get("link"), invoice)


def _values(facts: dict[str, Any], locale: str) -> dict[str, str]:
    total = facts.get("total")
    paid = facts.get("amount")
    reason = facts.get("reason")
    return {
        "order": short(facts["order_id"]),
        "shop": short(facts.get("shop_id") or ""),
        "total": money(total) if total else "—",
        "paid": f" ({money(paid)})" if paid else "",
        "reason": str(reason).replace("_", " ") if reason else LABELS[locale]["reason_none"],
    }


def invoice(data: dict[str, Any], locale: str, placed_on: str | None = None) -> Invoice:
    """The invoice of an `order.placed` event's data."""
    locale = locale_of(locale)
    labels = LABELS[locale]
    lines = tuple(
        InvoiceLine(title=line.get("title") or f"#{short(line['product_id'])}",
                    quantity=int(line["quantity"]), unit_price=money(line["unit_price"]),
                    options=tuple((o["name"], o["value"]) for o in line.get("options") or ()))
        for line in data["lines"])
    delivery = data.get("delivery_method")
    if delivery:
        cost = data.get("delivery")
        if cost is None:
            delivery = f"{delivery} ({labels['quoted']})"
        else:
            delivery = f"{delivery} ({money(cost) if cost['amount'] else labels['free']})"
    method = data.get("contact_method")
    return Invoice(
        lines=lines, total=money(data["grand_total"]), date=placed_on,
        buyer=tuple(v for v in (data.get("buyer_name"), data.get("buyer_phone"),
                                data.get("buyer_email")) if v),
        address=address_line(data.get("shipping_address")), delivery=delivery,
        contact_method=CONTACT_METHODS[locale].get(method, method) if method else None,
        comment=data.get("comment") or None)


def address_line(address: dict[str, Any] | None) -> str | None:
    if not address:
        return None
    parts = [address.get(key) for key in ("postal_code", "country", "region", "city", "line1")]
    text = ", ".join(str(p) for p in parts if p)
    who = ", ".join(str(address[k]) for k in ("full_name", "phone") if address.get(k))
    return f"{text} ({who})" if who and text else (text or who or None)


# -- layouts ---------------------------------------------------------------------------------------
_TEXT = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                    trim_blocks=True, lstrip_blocks=True)
_HTML = Environment(undefined=StrictUndefined, autoescape=True, trim_blocks=True,
                    lstrip_blocks=True)

EMAIL_TEXT = _TEXT.from_string("""\
{{ news.body }}
{% for line in news.extra %}
{{ line }}
{% endfor %}
{% for label, url in news.attachments %}
{{ label }}: {{ url }}
{% endfor %}
{% if inv %}

{{ l["items"] }}:
{% for line in inv.lines %}
- {{ line.title }} × {{ line.quantity }}, {{ line.unit_price }}\
{% for name, value in line.options %}; {{ name }}: {{ value }}{% endfor %}

{% endfor %}
{{ l.total }}: {{ inv.total }}
{% if inv.date %}{{ l.date }}: {{ inv.date }}
{% endif %}
{% if inv.buyer %}{{ l.buyer }}: {{ inv.buyer | join(", ") }}
{% endif %}
{% if inv.address %}{{ l.address }}: {{ inv.address }}
{% endif %}
{% if inv.delivery %}{{ l.delivery }}: {{ inv.delivery }}
{% endif %}
{% if inv.contact_method %}{{ l.contact_method }}: {{ inv.contact_method }}
{% endif %}
{% if inv.comment %}{{ l.comment }}: {{ inv.comment }}
{% endif %}
{% endif %}
{% if news.link %}

{{ l.open }}: {{ news.link }}
{% endif %}

{{ l.footer }}
""")

EMAIL_HTML = _HTML.from_string("""\
<!doctype html>
<html lang="{{ locale }}"><head><meta charset="utf-8"><title>{{ news.title }}</title></head>
<body style="font-family: sans-serif; color: #222;">
<h2>{{ news.title }}</h2>
<p>{{ news.body }}</p>
{% for line in news.extra %}<p>{{ line }}</p>{% endfor %}
{% for label, url in news.attachments %}<p><a href="{{ url }}">{{ label }}</a></p>{% endfor %}
{% if inv %}
<table cellpadding="4" style="border-collapse: collapse;">
<tr><th align="left">{{ l["items"] }}</th><th></th><th align="right"></th></tr>
{% for line in inv.lines %}
<tr><td>{{ line.title }}{% for name, value in line.options %}<br><small>{{ name }}: {{ value }}</small>{% endfor %}</td>
<td>× {{ line.quantity }}</td><td align="right">{{ line.unit_price }}</td></tr>
{% endfor %}
<tr><td colspan="2"><b>{{ l.total }}</b></td><td align="right"><b>{{ inv.total }}</b></td></tr>
</table>
<dl>
{% if inv.date %}<dt>{{ l.date }}</dt><dd>{{ inv.date }}</dd>{% endif %}
{% if inv.buyer %}<dt>{{ l.buyer }}</dt><dd>{{ inv.buyer | join(", ") }}</dd>{% endif %}
{% if inv.address %}<dt>{{ l.address }}</dt><dd>{{ inv.address }}</dd>{% endif %}
{% if inv.delivery %}<dt>{{ l.delivery }}</dt><dd>{{ inv.delivery }}</dd>{% endif %}
{% if inv.contact_method %}<dt>{{ l.contact_method }}</dt><dd>{{ inv.contact_method }}</dd>{% endif %}
{% if inv.comment %}<dt>{{ l.comment }}</dt><dd>{{ inv.comment }}</dd>{% endif %}
</dl>
{% endif %}
{% if news.link %}<p><a href="{{ news.link }}">{{ l.open }}</a></p>{% endif %}
<hr><p><small>{{ l.footer }}</small></p>
</body></html>
""")  # noqa: E501 - HTML


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def email(news: News, locale: str) -> Email:
    locale = locale_of(locale)
    values = {"news": news, "inv": news.invoice, "l": LABELS[locale], "locale": locale}
    return Email(news.title, EMAIL_TEXT.render(**values), EMAIL_HTML.render(**values))


def short_text(news: News) -> str:
    """SMS and Telegram: the title, the body and the link, no invoice."""
    parts = [news.title, news.body]
    if news.link:
        parts.append(news.link)
    return "\n".join(parts)
