"""Orders as payments follows them from the order events (the orders service owns the lifecycle).

Each status event names the status it leads to (`order.confirmed` → confirmed). Repeat policy: an
event older than the status held changes nothing (a late redelivery overtaken by a later event),
and `completed`, `cancelled` and `expired` are never left. `order.amount_changed` carries the new
grand total.
"""

from __future__ import annotations

from datetime import datetime

STATUSES = ("placed", "confirmed", "partially_paid", "in_production", "paid", "shipped",
            "received", "completed", "cancelled", "expired")
STATUS_EVENTS = {f"order.{status}": status for status in STATUSES}
FINAL = frozenset({"completed", "cancelled", "expired"})
FOLLOWED_EVENTS = (*STATUS_EVENTS, "order.amount_changed")


def status_after(current: str | None, current_at: datetime | None, event_type: str,
                 at: datetime) -> str | None:
    """The status once the event is applied, or None when it changes nothing."""
    announced = STATUS_EVENTS.get(event_type)
    if announced is None:
        return None
    if current is None:
        return announced
    if current in FINAL or (current_at is not None and at < current_at):
        return None
    return announced if announced != current else None


def items_total(lines: list[dict]) -> int:
    return sum(int(line["quantity"]) * int(line["unit_price"]["amount"]) for line in lines)
