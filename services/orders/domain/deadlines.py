"""What is due on an order at a given moment: pure date arithmetic, no clock and no I/O.

All deadlines are configuration (`Deadlines`); the shop's own `confirm_days` overrides the default
through `Deadlines.for_shop`. Conventions, the same everywhere (the state machine's guards use the
functions below, so a timer and a guard never disagree):

* A deadline is an instant. It is *reached* when `now >= deadline`: at the exact instant the expire
  is allowed and the seller's confirm is refused.
* Times are timezone-aware UTC. Working days are counted on UTC dates, Monday to Friday, minus
  the configured `holidays`; the time of day is kept: confirmed on Friday 10:00 with 3 working
  days → Wednesday 10:00; confirmed on Saturday 10:00 → Wednesday 10:00 as well (the weekend
  does not count).
* confirm_hours (72): the seller confirms a placed order within this many hours of placement, or
  it expires (Artsy's seller lapse).
* confirm_days (3, working days, seed 003 "three working days"): the buyer's window to confirm or
  pay after the seller's confirmation; past it an unpaid (`confirmed`) order may be cancelled by the
  seller with the reason `buyer_lapse`. Set `confirm_days_working=False` for calendar days.
* The 7-day shipping-details deadline (seed 002) is not here: the shipping service, which knows the
  shipments, owns it and alone publishes `order.shipping_overdue` (DESIGN.md: one owner per deadline).
* auto_close_days (14, seed 001): from placement, or from the end of production when that is later:
  a shipped or received order becomes completed; an order still earlier than shipped is flagged to
  the admin.

Timer jobs carry the status they expect (`DueItem.expected_status`) and pass it to `transition` as
`Context.expected_status`: if the order has moved on in the meantime the move is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from .states import BEFORE_SHIPPED, Action, Status, as_status


@dataclass(frozen=True, slots=True)
class Deadlines:
    confirm_hours: int = 72
    confirm_days: int = 3
    confirm_days_working: bool = True
    holidays: frozenset[date] = field(default_factory=frozenset)
    auto_close_days: int = 14

    def for_shop(self, confirm_days: int | None) -> Deadlines:
        """These deadlines with the shop's own buyer window (`None` keeps the default)."""
        return self if confirm_days is None else replace(self, confirm_days=confirm_days)


@dataclass(frozen=True, slots=True)
class OrderTimes:
    placed_at: datetime
    confirmed_at: datetime | None = None
    shipped_at: datetime | None = None
    production_ends_at: datetime | None = None  # made-to-order: start of production + its days


def add_working_days(start: datetime, days: int, holidays: Iterable[date] = ()) -> datetime:
    """`start` moved forward by `days` working days (Mon–Fri, not a holiday), time of day kept."""
    if days < 0:
        raise ValueError("days must be >= 0")
    off = frozenset(holidays)
    moment = start
    counted = 0
    while counted < days:
        moment += timedelta(days=1)
        if moment.weekday() < 5 and moment.date() not in off:
            counted += 1
    return moment


def confirm_deadline(times: OrderTimes, cfg: Deadlines) -> datetime:
    """When a placed order expires if the seller has not confirmed it."""
    return times.placed_at + timedelta(hours=cfg.confirm_hours)


def buyer_lapse_at(times: OrderTimes, cfg: Deadlines) -> datetime | None:
    """From when the seller may cancel an unpaid order with `buyer_lapse` (None: unconfirmed)."""
    if times.confirmed_at is None:
        return None
    if cfg.confirm_days_working:
        return add_working_days(times.confirmed_at, cfg.confirm_days, cfg.holidays)
    return times.confirmed_at + timedelta(days=cfg.confirm_days)


def auto_close_at(times: OrderTimes, cfg: Deadlines) -> datetime:
    """The auto-close date: placement (or end of production, if later) + auto_close_days."""
    return _later(times.placed_at, times.production_ends_at) + timedelta(days=cfg.auto_close_days)


def _later(first: datetime, second: datetime | None) -> datetime:
    return first if second is None or second <= first else second


class DueKind(StrEnum):
    EXPIRE = "expire"  # run Action.EXPIRE
    BUYER_LAPSE_CANCELLABLE = "buyer_lapse_cancellable"  # tell the seller they may cancel
    AUTO_COMPLETE = "auto_complete"  # run Action.AUTO_COMPLETE
    FLAG_TO_ADMIN = "flag_to_admin"  # an order still before shipping at the auto-close date (once)


_KINDS = frozenset(kind.value for kind in DueKind)


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: DueKind
    due_at: datetime
    expected_status: Status  # do nothing if the order is no longer in this status
    action: Action | None = None  # the transition to run, when the item is one
    event_type: str | None = None  # the event the item leads to, when there is one


def due(
    status: Status | str,
    times: OrderTimes,
    now: datetime,
    cfg: Deadlines | None = None,
    done: Iterable[DueKind | str] = (),
) -> list[DueItem]:
    """Everything due on this order at `now`, in a stable order.

    `done` lists the one-time notices already given (flag_to_admin, buyer_lapse_cancellable), so
    a timer running every minute does not repeat them; a kind no longer known (an order's record of
    a notice the service gave in an earlier version) is ignored.
    """
    cfg = cfg or Deadlines()
    status = as_status(status)
    skip = {DueKind(kind) for kind in done if kind in _KINDS}
    items: list[DueItem] = []

    def add(kind, at, action=None, event_type=None):
        if at is not None and now >= at and kind not in skip:
            items.append(DueItem(kind, at, status, action, event_type))

    if status is Status.PLACED:
        add(DueKind.EXPIRE, confirm_deadline(times, cfg), Action.EXPIRE, "order.expired")
    if status is Status.CONFIRMED:
        add(DueKind.BUYER_LAPSE_CANCELLABLE, buyer_lapse_at(times, cfg))
    if status in (Status.SHIPPED, Status.RECEIVED):
        add(
            DueKind.AUTO_COMPLETE,
            auto_close_at(times, cfg),
            Action.AUTO_COMPLETE,
            "order.completed",
        )
    if status in BEFORE_SHIPPED:
        add(DueKind.FLAG_TO_ADMIN, auto_close_at(times, cfg))
    return items


def is_reached(deadline: datetime | None, now: datetime) -> bool:
    """The one boundary rule: a deadline is reached at its exact instant."""
    return deadline is not None and now >= deadline
