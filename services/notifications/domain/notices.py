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
* `shop.sanctioned`, `shop.sanction_lifted`, `shop.warned`, `shop.verified`, `debt.overdue`: the
  shop's owner, in the app and by e-mail; a sanction with its reason and how to have it lifted, a
  warning, the "Reliable seller" label, a debt to the platform past due. Data: `shop_id`, and
  `kind`, `reason`, `product_id`, `amount` where the event has them.
* `refund.overdue`: every admin (in the app, and each by e-mail) and the seller (in the app and by
  e-mail); a paid order cancelled whose refund was not made within a day (texts in
  `domain.refunds`, English and Russian). Data: `shop_id`, `owed`, `due_at`.

A guest (an order without `buyer_id`) gets no in-app notice: there is no account to show it in.
Every notice of an order names it (`order_id`); `data` is `{}` where the text says it all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CARRIER_NAMES = {"russian_post": "Russian Post", "cdek": "CDEK", "courier": "courier",
                 "pek": "PEK", "boxberry": "Boxberry", "other": "the seller's carrier"}


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def shipped(data: dict[str, Any]) -> Text:
    """To the buyer, for every shipment the seller asks to notify (a later track notifies again);
    a pickup is the seller handing the order over."""
    if data["carrier"] == "pickup":
        return Text("Your order was handed over",
                    f"The seller handed over your order {short(data['order_id'])} at the pickup "
                    "point.")
    carrier = CARRIER_NAMES.get(data["carrier"], data["carrier"])
    lines = [f"Your order {short(data['order_id'])} is on its way with {carrier}."]
    if data.get("tracking_number"):
        lines.append(f"Tracking number: {data['tracking_number']}.")
    if data.get("tracking_url"):
        lines.append(f"Follow it at {data['tracking_url']}")
    return Text("Your order has shipped", "\n".join(lines))


def shipping_overdue_to_seller(data: dict[str, Any]) -> Text:
    return Text("Shipping details are overdue",
                f"Order {short(data['order_id'])} was confirmed but has no shipment yet. "
                "Add the carrier and tracking number, or write to the buyer.")


def shipping_overdue_to_admins(data: dict[str, Any]) -> Text:
    return Text("A shop is late to ship",
                f"Order {short(data['order_id'])} of shop {short(data['shop_id'])} has had no "
                "shipping details since its deadline.")


def amount_changed(data: dict[str, Any]) -> Text:
    """To the buyer: the seller priced a delivery it quotes (reason `delivery_cost`), or the
    items total changed (applied by the seller before payment, or by an admin)."""
    order, new, was = short(data["order_id"]), money(data["new_total"]), money(data["previous_total"])
    if data["reason"] == DELIVERY_COST:
        return Text("The seller priced your delivery",
                    f"The delivery of your order {order} is priced. "
                    f"The order's total is now {new} (was {was}).")
    return Text("The total of your order has changed",
                f"The total of your order {order} is now {new} (was {was}).\n"
                f"Reason: {data['reason']}")


def balance_requested(data: dict[str, Any]) -> Text:
    """To the buyer of a made-to-order order in production: pay the balance."""
    lines = [f"Your order {short(data['order_id'])} is in production. "
             "The seller asks you to pay the balance."]
    if data.get("note"):
        lines.append(f"The seller's note: {data['note']}")
    photos = len(data.get("attachment_ids") or ())
    if photos:
        lines.append(f"{photos} photo{'s' if photos > 1 else ''} attached.")
    return Text("Please pay the balance", "\n".join(lines))


def unshipped_at_close_to_admins(data: dict[str, Any]) -> Text:
    placed = data["placed_at"]
    placed_on = placed.date().isoformat() if hasattr(placed, "date") else str(placed)[:10]
    return Text("An order was never shipped",
                f"Order {short(data['order_id'])} of shop {short(data['shop_id'])}, placed on "
                f"{placed_on}, reached its auto-close deadline still "
                f"{str(data['status']).replace('_', ' ')}: it was never shipped.")


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


# The shop's standing (moderation and payments) ---------------------------------------------------
SANCTIONS = {
    "products_hidden": "Your shop's products are hidden from the catalog",
    "product_hidden": "One of your products is hidden from the catalog",
    "storefront_blocked": "Your shop is blocked",
    "banned": "Your shop is closed for good",
}
LIFTING = ("Put right what the reason names, then write to the moderators from your cabinet and "
           "ask them to lift it.")


def sanctioned(data: dict[str, Any]) -> Text:
    """To the shop's owner: a sanction, its reason and how to have it lifted (seed 003)."""
    lines = [f"Reason: {data['reason']}"]
    if data.get("product_id"):
        lines.append(f"Product: {short(data['product_id'])}.")
    if data["kind"] != "banned":
        lines.append(LIFTING)
    return Text(SANCTIONS[data["kind"]], "\n".join(lines))


def sanction_lifted(data: dict[str, Any]) -> Text:
    what = "product is" if data.get("product_id") else "shop is"
    return Text("A sanction is lifted", f"The moderators lifted it: your {what} shown again.")


def warned(data: dict[str, Any]) -> Text:
    return Text("A warning from the moderators",
                f"Reason: {data['reason']}\nA warning asks you to put this right; another breach "
                "may hide your products or block the shop.")


def verified(data: dict[str, Any]) -> Text:
    return Text("Your shop is a Reliable seller",
                "The moderators verified your shop: buyers now see the \"Reliable seller\" label.")


def debt_overdue(data: dict[str, Any]) -> Text:
    due = data["due_at"]
    day = due.date().isoformat() if hasattr(due, "date") else str(due)[:10]
    return Text("Your payment to the platform is overdue",
                f"{money(data['amount'])} was due on {day}. Until it is paid your storefront and "
                "cabinet are blocked; pay it from your ledger, which works while blocked.")

