"""Orders as shipping follows them: their status from the order events, and whether one may be
shipped now.

The orders service owns the lifecycle; shipping keeps the status its events announce (one event
type per move, named after the status it leads to) and applies the one rule it needs: a track is
added to an order that is `paid` (it becomes `shipped`) or already `shipped` (a further track).
Every other status refuses it (409): not yet paid (`placed`, `confirmed`, `partially_paid`,
`in_production`: the balance is still due) or past shipping (`received`, `completed`, `cancelled`,
`expired`).

Repeat policy: an event older than the status shipping holds changes nothing (a retried event
overtaken by a later one), and `completed`, `cancelled` and `expired` are never left.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from services.common.vocabulary import ORDER_STATUSES

from .errors import OrderNotShippable

# The orders service's statuses (services/common/vocabulary.py), as shipping names them.
OrderStatus = StrEnum("OrderStatus", {status.upper(): status for status in ORDER_STATUSES})


# The status each followed order event announces.
STATUS_AFTER: dict[str, OrderStatus] = {f"order.{status.value}": status for status in OrderStatus}
FOLLOWED_EVENTS = tuple(STATUS_AFTER)
FINAL = frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.EXPIRED})
SHIPPABLE = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED})


def status_after(current: str | None, current_at: datetime | None, event_type: str,
                 at: datetime) -> OrderStatus | None:
    """The order's status once `event_type` (which occurred `at`) is applied, or None when the
    event changes nothing (not followed, older than what is held, or the order is closed)."""
    announced = STATUS_AFTER.get(event_type)
    if announced is None:
        return None
    if current is None:
        return announced
    if OrderStatus(current) in FINAL or (current_at is not None and at < current_at):
        return None
    return announced if announced.value != current else None


def may_ship(status: str) -> bool:
    return OrderStatus(status) in SHIPPABLE


def check_shippable(status: str) -> None:
    """Refuse (OrderNotShippable, a 409) a track for an order in `status`."""
    if OrderStatus(status) in SHIPPABLE:
        return
    if OrderStatus(status) in FINAL or OrderStatus(status) is OrderStatus.RECEIVED:
        reason = f"this one is already {status}"
    else:
        reason = f"this one is {status}"
    raise OrderNotShippable(f"An order is shipped once paid; {reason}.")
