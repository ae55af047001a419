"""A refund owed after a paid order is cancelled (seed 003, sanctions, reason 7: "when the buyer
cancels an order, the payment the seller received must be returned to the buyer within a day of
the seller receiving the lawful demand for it").

The cancellation of an order that had money paid is taken as that demand: what its succeeded
payments took, less what was refunded of them, is owed, due `due_hours` (24) after the
cancellation. One obligation per order, in one of three states:

    owed     --(refunds cover it)------------------------------> settled
    owed     --(the due time passes with something still owed)--> overdue  (announced, once)
    overdue  --(refunds cover it later)------------------------> settled
    settled  is final.

`refund.overdue` is announced on the move to `overdue` alone, so once per obligation however
often the timer looks. Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime, timedelta

OWED, OVERDUE, SETTLED = "owed", "overdue", "settled"
STATUSES = (OWED, OVERDUE, SETTLED)


def due_at(cancelled_at: datetime, due_hours: float) -> datetime:
    return cancelled_at + timedelta(hours=due_hours)


def owed(paid: int, refunded: int) -> int:
    """What is still to be returned: paid less refunded, never below zero."""
    return max(int(paid) - int(refunded), 0)


def next_status(status: str, still_owed: int, due: datetime, now: datetime) -> str:
    """The obligation's status once looked at `now` with `still_owed` left to refund."""
    if status not in STATUSES:
        raise ValueError(f"unknown refund obligation status {status!r}")
    if status == SETTLED or still_owed <= 0:
        return SETTLED
    if status == OWED and now >= due:
        return OVERDUE
    return status


def announces(before: str, after: str) -> bool:
    """Whether the move is the one that announces `refund.overdue`."""
    return before != OVERDUE and after == OVERDUE
