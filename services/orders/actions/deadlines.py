"""The deadline timer's work: what the domain's `deadlines.due` says is due, done once, by one
replica; then the recovery of abandoned checkouts. The shipping-details deadline is not here: the
shipping service owns it and alone publishes `order.shipping_overdue`.

Each order keeps `next_check_at` (see models). A run takes a batch of due orders with
`FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer at a time anyway), so replicas running
the same timer share the work and never both act on one order. Every item carries the status it
expects; the transition is a no-op when the order has moved on.

Each order is handled in a savepoint. One whose handling raises is rolled back to it, logged, and
its next check put off (`retry_delay`: a minute, doubling with each failure in a row, at most an
hour; `check_failures` counts them, and a success clears it), so a failing order neither holds
back the others nor comes round again in the same tick. A tick handles batches while they come
back full, at most `MAX_BATCHES` of them, and the recovery of abandoned checkouts runs after them
whatever happened.

    expire            placed past the confirm deadline → expired, `order.expired` (the catalog's
                      handler releases the stock)
    auto_complete     shipped/received at the auto-close date → completed, `order.completed`
    flag_to_admin     an order still before shipping at the auto-close date: a history entry and
                      `order.unshipped_at_close` (to the admins), once
    buyer_lapse_cancellable  the seller may now cancel with `buyer_lapse`: a history entry once
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from services.common import clock
from services.common.db import is_sqlite
from services.common.uow import UnitOfWork

from ..domain import DueKind, Role, Status, due
from ..domain.states import TERMINAL
from ..models import Order
from . import recovery
from .common import (
    apply,
    deadlines_for,
    event_ref,
    iso,
    note_fact,
    order_times,
    refresh_next_check,
)

log = logging.getLogger(__name__)

BATCH = 50
MAX_BATCHES = 20  # per tick: what is left waits for the next one
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=1)
NOTICE_REASONS = {
    DueKind.FLAG_TO_ADMIN: "flagged_to_admin: not shipped by the auto-close date",
    DueKind.BUYER_LAPSE_CANCELLABLE: "buyer_lapse: the buyer's window to pay has passed",
}


@dataclass(frozen=True)
class Batch:
    looked: int = 0  # due orders taken
    handled: int = 0  # their due items done
    failed: int = 0  # their handling raised: put off


@dataclass(frozen=True)
class Tick:
    batches: int
    handled: int
    failed: int
    released: int  # abandoned checkouts whose stock was given back


def tick(uow: UnitOfWork, limit: int = BATCH, max_batches: int = MAX_BATCHES) -> Tick:
    """The timer's run: due orders in batches while they come back full (bounded), then the
    recovery of abandoned checkouts, which runs even when the deadlines raise."""
    batches, handled, failed = 0, 0, 0
    try:
        while batches < max_batches:
            batch = run_due(uow, limit)
            batches += 1
            handled, failed = handled + batch.handled, failed + batch.failed
            if batch.looked < limit:
                break
        else:
            log.warning("deadline timer stopped after %d batches; the rest is due next tick",
                        batches)
    finally:
        released = recovery.release_abandoned_checkouts(uow)
    return Tick(batches, handled, failed, released)


def retry_delay(failures: int) -> timedelta:
    """How long an order whose deadline handling failed `failures` times in a row waits."""
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LAST_RETRY)


def run_due(uow: UnitOfWork, limit: int = BATCH) -> Batch:
    """Handle one batch of due orders; each failing one is put off (see the module docstring)."""
    now = clock.now()
    handled = failed = 0
    with uow:
        session = uow.session
        query = (
            select(Order)
            .where(Order.next_check_at <= now,
                   Order.status.notin_(sorted(s.value for s in TERMINAL)))
            .order_by(Order.next_check_at)
            .limit(limit)
        )
        if not is_sqlite(session.get_bind()):
            query = query.with_for_update(skip_locked=True)
        orders = session.scalars(query).all()
        for order in orders:
            order_id = order.id
            try:
                with session.begin_nested():
                    handle_due(uow, order, now)
                    order.check_failures = 0
                handled += 1
            except Exception:  # noqa: BLE001 - whatever breaks one order must not stop the rest
                put_off(order, now)
                failed += 1
                log.exception("deadline handling failed on order %s (%d time(s) in a row); "
                              "next check at %s", order_id, order.check_failures,
                              order.next_check_at.isoformat())
    return Batch(len(orders), handled, failed)


def put_off(order: Order, now: datetime) -> None:
    """The next check of an order whose handling failed, further off with each failure."""
    order.check_failures = (order.check_failures or 0) + 1
    order.next_check_at = now + retry_delay(order.check_failures)


def handle_due(uow: UnitOfWork, order: Order, now) -> None:
    items = due(order.status, order_times(order), now, deadlines_for(order),
                done=order.notices_done or ())
    for item in items:
        if Status(order.status) is not item.expected_status:
            break  # an earlier item moved the order (expired): the rest no longer apply
        if item.action is not None:
            apply(uow, order, item.action, Role.SYSTEM, now, expected=item.expected_status)
            continue
        if item.kind is DueKind.FLAG_TO_ADMIN:
            uow.record("order.unshipped_at_close", {
                **event_ref(order), "status": order.status, "placed_at": iso(order.placed_at),
            }, aggregate_id=order.id)
        note_fact(order, now, Role.SYSTEM, NOTICE_REASONS[item.kind])
        order.notices_done = [*(order.notices_done or []), item.kind.value]
    refresh_next_check(order)
