"""The order listing's tabs (seed 002: Open, Ready to Ship, Complete, Canceled) as filters."""

from __future__ import annotations

from enum import StrEnum

from .errors import UNKNOWN_TAB, OrderInvalid
from .states import Status, as_status


class Tab(StrEnum):
    OPEN = "open"
    READY_TO_SHIP = "ready_to_ship"
    COMPLETE = "complete"
    CANCELLED = "cancelled"


TAB_STATUSES: dict[Tab, frozenset[Status]] = {
    Tab.OPEN: frozenset({Status.PLACED}),
    Tab.READY_TO_SHIP: frozenset(
        {Status.CONFIRMED, Status.PARTIALLY_PAID, Status.IN_PRODUCTION, Status.PAID}
    ),
    Tab.COMPLETE: frozenset({Status.SHIPPED, Status.RECEIVED, Status.COMPLETED}),
    Tab.CANCELLED: frozenset({Status.CANCELLED, Status.EXPIRED}),
}


def as_tab(value: Tab | str) -> Tab:
    try:
        return value if isinstance(value, Tab) else Tab(value)
    except ValueError:
        choices = ", ".join(t.value for t in Tab)
        raise OrderInvalid(
            f"unknown tab {value!r}", code=UNKNOWN_TAB, errors={"tab": f"one of {choices}"}
        ) from None


def statuses_for_tab(tab: Tab | str) -> frozenset[Status]:
    """The statuses a tab lists, for a `status IN (...)` filter."""
    return TAB_STATUSES[as_tab(tab)]


def tab_of(status: Status | str) -> Tab:
    """The one tab an order in this status appears under."""
    status = as_status(status)
    return next(tab for tab, statuses in TAB_STATUSES.items() if status in statuses)


def listing_filter(
    tab: Tab | str | None = None, status: Status | str | None = None
) -> frozenset[Status]:
    """The statuses to list for `?tab=&status=` (both: their intersection; neither: all)."""
    wanted = frozenset(Status)
    if tab is not None:
        wanted &= statuses_for_tab(tab)
    if status is not None:
        wanted &= {as_status(status)}
    return wanted
