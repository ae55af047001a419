"""What each notice says: pure functions from an event's data to a notice's title and body.

The kinds of notice (a notice's `type` is the event it tells of), who gets each, and its `data`:

* `shipment.created`: the buyer; the order is on its way (carrier, track, link).
* `order.shipping_overdue`: the seller, and every admin; shipping details are overdue.
* `order.amount_changed`: the buyer; the seller priced a delivery it quotes, or the total changed
  (new and previous total, reason). Data: `previous_total`, `new_total`, `reason`.
* `order.balance_requested`: the buyer; the order is in production, please pay the balance (the
  seller's note, how many photos). Data: `note`, `attachment_ids`.
* `order.unshipped_at_close`: every admin; the auto-close passed on an order never shipped (its
  status, the day it was placed). Data: `shop_id`, `status`, `placed_at`.
* `payment.succeeded`: the buyer, in the app and by e-mail, a receipt (seed 003: the order, the
  shop, the amount paid, the part, what is left to pay, the date); the seller, in the app, that the
  money arrived. Data: `amount`, `part`, `remaining`.
* `message.posted`: the other party of the order (never the writer), in the app and by e-mail at
  once (seed 003), with the start of the text and the order's link. Data: `message_id`.
* `shop.sanctioned`, `shop.sanction_lifted`, `shop.warned`, `shop.verified`, `debt.overdue`: the
  shop's owner, in the app and by e-mail; a sanction with its reason and how to have it lifted, a
  warning, the "Reliable seller" label, a debt to the platform past due. Data: `shop_id`, and
  `kind`, `reason`, `product_id`, `amount` where the event has them.
* `refund.overdue`: every admin (in the app, and each by e-mail) and the seller (in the app and by
  e-mail); a paid order cancelled whose refund was not made within a day (texts in
  `domain.refunds`, English and Russian). Data: `shop_id`, `owed`, `due_at`.

Every kind reads in English and Russian (`locale` "ru"; any other reads English): the texts
take the recipient's locale; a notice to every admin reads English.
A guest (an order without `buyer_id`) gets no in-app notice: there is no account to show it in.
Every notice of an order names it (`order_id`); `data` is `{}` where the text says it all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CARRIER_NAMES = {"russian_post": "Russian Post", "cdek": "CDEK", "courier": "courier",
                 "pek": "PEK", "boxberry": "Boxberry", "other": "the seller's carrier"}
CARRIER_NAMES_RU = {"russian_post": "Почтой России", "cdek": "СДЭК", "courier": "курьером",
                    "pek": "ПЭК", "boxberry": "Boxberry", "other": "перевозчиком продавца"}
LOCALES = ("en", "ru")


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def _ru(locale: str | None) -> bool:
    """Russian for `ru`; any other locale reads English."""
    return locale == "ru"


def _lang(locale: str | None) -> str:
    return "ru" if _ru(locale) else "en"


SHIPPED = {  # title, on its way, track, follow it; and the pickup's title and line
    "en": ("Your order has shipped", "Your order {order} is on its way with {carrier}.",
           "Tracking number: {track}.", "Follow it at {url}", "Your order was handed over",
           "The seller handed over your order {order} at the pickup point."),
    "ru": ("Ваш заказ отправлен", "Ваш заказ {order} отправлен {carrier}.", "Трек-номер: {track}.",
           "Отследить: {url}", "Ваш заказ передан",
           "Продавец передал ваш заказ {order} в пункте самовывоза."),
}


def shipped(data: dict[str, Any], locale: str = "en") -> Text:
    """To the buyer, for every shipment the seller asks to notify (a later track notifies again);
    a pickup is the seller handing the order over."""
    lang = _lang(locale)
    title, on_its_way, track, follow, pickup_title, pickup = SHIPPED[lang]
    order = short(data["order_id"])
    if data["carrier"] == "pickup":
        return Text(pickup_title, pickup.format(order=order))
    names = CARRIER_NAMES_RU if lang == "ru" else CARRIER_NAMES
    lines = [on_its_way.format(order=order, carrier=names.get(data["carrier"], data["carrier"]))]
    if data.get("tracking_number"):
        lines.append(track.format(track=data["tracking_number"]))
    if data.get("tracking_url"):
        lines.append(follow.format(url=data["tracking_url"]))
    return Text(title, "\n".join(lines))


def shipping_overdue_to_seller(data: dict[str, Any], locale: str = "en") -> Text:
    order = short(data["order_id"])
    if _ru(locale):
        return Text("Просрочены данные об отправке",
                    f"Заказ {order} подтверждён, но ещё не отправлен. Укажите перевозчика и "
                    "трек-номер или напишите покупателю.")
    return Text("Shipping details are overdue",
                f"Order {order} was confirmed but has no shipment yet. "
                "Add the carrier and tracking number, or write to the buyer.")


def shipping_overdue_to_admins(data: dict[str, Any], locale: str = "en") -> Text:
    order, shop = short(data["order_id"]), short(data["shop_id"])
    if _ru(locale):
        return Text("Магазин задерживает отправку",
                    f"По заказу {order} магазина {shop} нет данных об отправке после "
                    "истечения срока.")
    return Text("A shop is late to ship",
                f"Order {order} of shop {shop} has had no shipping details since its deadline.")


AMOUNT_CHANGED = {  # (title, body) for a priced delivery, then for a changed total
    "en": (("The seller priced your delivery",
            "The delivery of your order {order} is priced. The order's total is now {new} "
            "(was {was})."),
           ("The total of your order has changed",
            "The total of your order {order} is now {new} (was {was}).\nReason: {reason}")),
    "ru": (("Продавец рассчитал доставку",
            "Стоимость доставки вашего заказа {order} рассчитана. Сумма заказа теперь {new} "
            "(была {was})."),
           ("Сумма вашего заказа изменилась",
            "Сумма вашего заказа {order} теперь {new} (была {was}).\nПричина: {reason}")),
}


def amount_changed(data: dict[str, Any], locale: str = "en") -> Text:
    """To the buyer: the seller priced a delivery it quotes (reason `delivery_cost`), or the
    items total changed (applied by the seller before payment, or by an admin)."""
    priced, changed = AMOUNT_CHANGED[_lang(locale)]
    title, body = priced if data["reason"] == DELIVERY_COST else changed
    return Text(title, body.format(order=short(data["order_id"]), new=money(data["new_total"]),
                                   was=money(data["previous_total"]), reason=data["reason"]))


BALANCE_REQUESTED = {  # title, the request, the seller's note, photos attached (one, several)
    "en": ("Please pay the balance",
           "Your order {order} is in production. The seller asks you to pay the balance.",
           "The seller's note: {note}", "1 photo attached.", "{photos} photos attached."),
    "ru": ("Оплатите оставшуюся сумму",
           "Ваш заказ {order} в работе. Продавец просит оплатить оставшуюся сумму.",
           "Комментарий продавца: {note}", "Фотографий приложено: 1.",
           "Фотографий приложено: {photos}."),
}


def balance_requested(data: dict[str, Any], locale: str = "en") -> Text:
    """To the buyer of a made-to-order order in production: pay the balance."""
    title, request, note, one, several = BALANCE_REQUESTED[_lang(locale)]
    photos = len(data.get("attachment_ids") or ())
    lines = [request.format(order=short(data["order_id"]))]
    if data.get("note"):
        lines.append(note.format(note=data["note"]))
    if photos:
        lines.append(one if photos == 1 else several.format(photos=photos))
    return Text(title, "\n".join(lines))


def photo_label(index: int, locale: str = "en") -> str:
    """How the e-mail names the n-th photo of a balance request (a signed link)."""
    return f"Фото {index}" if _ru(locale) else f"Photo {index}"


def unshipped_at_close_to_admins(data: dict[str, Any], locale: str = "en") -> Text:
    placed_on = _day(data["placed_at"])
    order, shop = short(data["order_id"]), short(data["shop_id"])
    status = str(data["status"]).replace("_", " ")
    if _ru(locale):
        return Text("Заказ так и не был отправлен",
                    f"Заказ {order} магазина {shop}, оформленный {placed_on}, дошёл до срока "
                    f"автозакрытия в статусе «{status}»: он так и не был отправлен.")
    return Text("An order was never shipped",
                f"Order {order} of shop {shop}, placed on {placed_on}, reached its auto-close "
                f"deadline still {status}: it was never shipped.")


DELIVERY_COST = "delivery_cost"  # the reason the orders service gives for a delivery it priced
CURRENCY_SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€"}


def money(value: dict[str, Any]) -> str:
    """Minor units as people read them: 135000 RUB → "1,350 ₽", 12550 RUB → "125.50 ₽"."""
    amount, currency = int(value["amount"]), value["currency"]
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(amount), 100)
    figure = f"{major:,}" + (f".{minor:02d}" if minor else "")
    return f"{sign}{figure} {CURRENCY_SIGNS.get(currency, currency)}"


def short(an_id: Any) -> str:
    return str(an_id)[:8]


def _day(value: Any) -> str:
    return value.date().isoformat() if hasattr(value, "date") else str(value)[:10]


# The shop's standing (moderation and payments) ---------------------------------------------------
SANCTIONS = {
    "en": {
        "products_hidden": "Your shop's products are hidden from the catalog",
        "product_hidden": "One of your products is hidden from the catalog",
        "storefront_blocked": "Your shop is blocked",
        "banned": "Your shop is closed for good",
    },
    "ru": {
        "products_hidden": "Товары вашего магазина скрыты из каталога",
        "product_hidden": "Один из ваших товаров скрыт из каталога",
        "storefront_blocked": "Ваш магазин заблокирован",
        "banned": "Ваш магазин закрыт навсегда",
    },
}
LIFTING = {
    "en": ("Put right what the reason names, then write to the moderators from your cabinet and "
           "ask them to lift it."),
    "ru": ("Устраните причину, затем напишите модераторам из кабинета и попросите снять "
           "ограничение."),
}


def sanctioned(data: dict[str, Any], locale: str = "en") -> Text:
    """To the shop's owner: a sanction, its reason and how to have it lifted (seed 003)."""
    lang = _lang(locale)
    ru = lang == "ru"
    lines = [f"{'Причина' if ru else 'Reason'}: {data['reason']}"]
    if data.get("product_id"):
        lines.append(f"{'Товар' if ru else 'Product'}: {short(data['product_id'])}.")
    if data["kind"] != "banned":
        lines.append(LIFTING[lang])
    return Text(SANCTIONS[lang][data["kind"]], "\n".join(lines))


def sanction_lifted(data: dict[str, Any], locale: str = "en") -> Text:
    product = bool(data.get("product_id"))
    if _ru(locale):
        what = "ваш товар снова виден" if product else "ваш магазин снова виден"
        return Text("Ограничение снято", f"Модераторы сняли ограничение: {what}.")
    what = "product is" if product else "shop is"
    return Text("A sanction is lifted", f"The moderators lifted it: your {what} shown again.")


def warned(data: dict[str, Any], locale: str = "en") -> Text:
    if _ru(locale):
        return Text("Предупреждение от модераторов",
                    f"Причина: {data['reason']}\nИсправьте нарушение; при повторном нарушении "
                    "товары могут быть скрыты, а магазин заблокирован.")
    return Text("A warning from the moderators",
                f"Reason: {data['reason']}\nA warning asks you to put this right; another breach "
                "may hide your products or block the shop.")


def verified(data: dict[str, Any], locale: str = "en") -> Text:
    if _ru(locale):
        return Text("Ваш магазин — «Надёжный продавец»",
                    "Модераторы проверили ваш магазин: покупатели теперь видят этикетку "
                    "«Надёжный продавец».")
    return Text("Your shop is a Reliable seller",
                "The moderators verified your shop: buyers now see the \"Reliable seller\" label.")


def debt_overdue(data: dict[str, Any], locale: str = "en") -> Text:
    day, amount = _day(data["due_at"]), money(data["amount"])
    if _ru(locale):
        return Text("Просрочена оплата услуг площадки",
                    f"{amount} нужно было оплатить до {day}. Пока долг не оплачен, витрина и "
                    "кабинет заблокированы; оплатите его в разделе расчётов, он работает и при "
                    "блокировке.")
    return Text("Your payment to the platform is overdue",
                f"{amount} was due on {day}. Until it is paid your storefront and "
                "cabinet are blocked; pay it from your ledger, which works while blocked.")


# Payments and messages -------------------------------------------------------------------------
PARTS = {
    "en": {"full": "full payment", "advance": "advance", "balance": "balance"},
    "ru": {"full": "полная оплата", "advance": "предоплата", "balance": "доплата"},
}


@dataclass(frozen=True)
class Receipt:
    """Seed 003: a paid order's buyer gets a receipt by e-mail. `lines` are (label, value)."""

    title: str
    body: str
    lines: tuple[tuple[str, str], ...]


def payment_receipt(data: dict[str, Any], locale: str = "en") -> Receipt:
    """To the buyer, for each payment that succeeded: the order, the shop, the amount paid, the
    part (full, advance, balance), what is left to pay (when payments says) and when. `paid_at`
    is the event's time."""
    lang = _lang(locale)
    ru = lang == "ru"
    order, amount = short(data["order_id"]), money(data["amount"])
    labels = (("Заказ", "Магазин", "Оплачено", "Вид платежа", "Осталось оплатить", "Дата")
              if ru else ("Order", "Shop", "Amount paid", "Payment", "Left to pay", "Date"))
    lines = [(labels[0], order), (labels[1], short(data["shop_id"])), (labels[2], amount),
             (labels[3], PARTS[lang][data["part"]])]
    if data.get("remaining") is not None:
        lines.append((labels[4], money(data["remaining"])))
    lines.append((labels[5], _moment(data.get("paid_at"))))
    if ru:
        return Receipt(f"Чек об оплате заказа {order}",
                       f"Ваш платёж {amount} по заказу {order} получен. Спасибо!", tuple(lines))
    return Receipt(f"Receipt for order {order}",
                   f"Your payment of {amount} for order {order} is received. Thank you!",
                   tuple(lines))


def payment_received(data: dict[str, Any], locale: str = "en") -> Text:
    """To the seller: money for an order arrived (the part, and what is left to pay)."""
    lang = _lang(locale)
    order, amount, part = short(data["order_id"]), money(data["amount"]), PARTS[lang][data["part"]]
    remaining = data.get("remaining")
    if lang == "ru":
        body = f"Покупатель оплатил заказ {order}: {amount} ({part})."
        if remaining is not None and int(remaining["amount"]) > 0:
            body += f" Осталось оплатить: {money(remaining)}."
        return Text(f"Получена оплата по заказу {order}", body)
    body = f"The buyer paid {amount} for order {order} ({part})."
    if remaining is not None and int(remaining["amount"]) > 0:
        body += f" Left to pay: {money(remaining)}."
    return Text(f"Money received for order {order}", body)


EXCERPT_CHARS = 200


def message_posted(data: dict[str, Any], locale: str = "en") -> Text:
    """To the other party of an order: a new message, with the start of its text."""
    order = short(data["order_id"]) if data.get("order_id") else None
    excerpt = excerpt_of(data.get("excerpt"))
    if _ru(locale):
        title = f"Новое сообщение по заказу {order}" if order else "Новое сообщение"
        lead = "Вам написали" + (f" по заказу {order}" if order else "") + "."
    else:
        title = f"New message about order {order}" if order else "New message"
        lead = "You have a new message" + (f" about order {order}" if order else "") + "."
    if not excerpt:
        return Text(title, lead)
    return Text(title, f"{lead}\n" + (f"«{excerpt}»" if _ru(locale) else f'"{excerpt}"'))


def excerpt_of(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The start of a message: at most `limit` characters, cut at a word with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0] or text[:limit - 1]
    return cut + "…"


def _moment(value: Any) -> str:
    """A date and time as a receipt shows it: `2025-03-01 14:05 UTC`."""
    if value is None:
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)[:16].replace("T", " ") + " UTC"
