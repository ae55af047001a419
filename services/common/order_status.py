"""An order's status as the services that follow the order events keep it (payments, shipping).

The orders service owns the lifecycle; each status event is named after the status it leads to
(`order.confirmed` → confirmed). Repeat policy: an event older than the status held changes nothing
(a late redelivery overtaken by a later event), and `completed`, `cancelled` and `expired` are
never left.
"""

from __future__ import annotations

from datetime import datetime

from .vocabulary import ORDER_STATUSES

# The status each order status event announces.
STATUS_EVENTS = {f"order.{status}": status for status in ORDER_STATUSES}
FINAL = frozenset({"completed", "cancelled", "expired"})


def status_after(current: str | None, current_at: datetime | None, event_type: str,
                 at: datetime) -> str | None:
    """The order's status once `event_type` (which occurred `at`) is applied to `current` (held
    since `current_at`), or None when the event changes nothing: not a status event, older than
    what is held, or the order is closed."""
    announced = STATUS_EVENTS.get(event_type)
    if announced is None:
        return None
    if current is None:
        return announced
    if current in FINAL or (current_at is not None and at < current_at):
        return None
    return announced if announced != current else None
