"""What each notice says: pure functions from an event's data to a notice's title and body."""

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
    """To the buyer, for every shipment the seller asks to notify (a later track notifies again)."""
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


def short(an_id: Any) -> str:
    return str(an_id)[:8]
