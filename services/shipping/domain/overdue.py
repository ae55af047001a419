"""Orders late with their shipping details.

The seller gives shipping details within a configured number of days of confirming the order
(7 by default, seed 002); past that the order is overdue (`order.shipping_overdue`). Calendar
days, counted from the instant of confirmation: an order confirmed at 10:00 on the 1st is due by
10:00 on the 8th and overdue from the instant after. `now` is a parameter, never read here.
Times must all be timezone-aware (UTC in practice); mixing naive and aware times is refused.
The caller passes only orders still waiting for shipping details.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import InvalidDeadline
from .rates import is_int

DEFAULT_SHIPPING_DAYS = 7


@dataclass(frozen=True, slots=True)
class AwaitingShipment:
    """A confirmed order that has no shipping details yet."""

    order_id: str
    confirmed_at: datetime


def _check_days(days: int) -> None:
    if not is_int(days) or days < 1:
        raise InvalidDeadline(
            "The shipping deadline must be a whole number of days, at least 1.",
            errors={"days": "Must be a whole number of days, at least 1."},
        )


def _check_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidDeadline(
            f"{name} must carry a timezone.", errors={name: "Must be timezone-aware (UTC)."}
        )


def shipping_due_at(confirmed_at: datetime, days: int = DEFAULT_SHIPPING_DAYS) -> datetime:
    """The last instant the seller may give shipping details."""
    _check_days(days)
    _check_aware(confirmed_at, "confirmed_at")
    return confirmed_at + timedelta(days=days)


def is_shipping_overdue(
    confirmed_at: datetime, now: datetime, days: int = DEFAULT_SHIPPING_DAYS
) -> bool:
    """True once `now` is past the due instant (at the instant itself it is still on time)."""
    _check_aware(now, "now")
    return now > shipping_due_at(confirmed_at, days)


def overdue_for_shipping(
    orders: Iterable[AwaitingShipment], now: datetime, days: int = DEFAULT_SHIPPING_DAYS
) -> list[str]:
    """Ids of the orders past due for shipping details, longest overdue first (ties by id)."""
    _check_days(days)
    _check_aware(now, "now")
    late = [order for order in orders if is_shipping_overdue(order.confirmed_at, now, days)]
    late.sort(key=lambda order: (order.confirmed_at, str(order.order_id)))
    return [order.order_id for order in late]
