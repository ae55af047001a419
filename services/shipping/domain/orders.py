"""Orders as shipping follows them: their status from the order events, and whether one may be
shipped now.

The orders service owns the lifecycle; shipping keeps the status its events announce (the kernel's
`order_status`, with its repeat policy) and applies the one rule it needs: a track is
added to an order that is `paid` (it becomes `shipped`) or already `shipped` (a further track).
Every other status refuses it (409): not yet paid (`placed`, `confirmed`, `partially_paid`,
`in_production`: the balance is still due) or past shipping (`received`, `completed`, `cancelled`,
`expired`).
"""

from __future__ import annotations

from enum import StrEnum

from services.common.order_status import FINAL, STATUS_EVENTS, status_after
from services.common.vocabulary import ORDER_STATUSES

from .errors import OrderNotShippable

__all__ = ["FOLLOWED_EVENTS", "OrderStatus", "check_shippable", "may_ship", "status_after"]

# The orders service's statuses (services/common/vocabulary.py), as shipping names them.
OrderStatus = StrEnum("OrderStatus", {status.upper(): status for status in ORDER_STATUSES})


FOLLOWED_EVENTS = tuple(STATUS_EVENTS)
SHIPPABLE = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED})


def may_ship(status: str) -> bool:
    return OrderStatus(status) in SHIPPABLE


def check_shippable(status: str) -> None:
    """Refuse (OrderNotShippable, a 409) a track for an order in `status`."""
    if OrderStatus(status) in SHIPPABLE:
        return
    if status in FINAL or OrderStatus(status) is OrderStatus.RECEIVED:
        reason = f"this one is already {status}"
    else:
        reason = f"this one is {status}"
    raise OrderNotShippable(f"An order is shipped once paid; {reason}.")
