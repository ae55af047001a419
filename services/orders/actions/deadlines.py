"""The deadline job: what the domain's `deadlines.due` says is due, done once, by one replica.

Each order keeps `next_check_at` (see models). A run takes a batch of due orders with
`FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer at a time anyway), so replicas running
the same timer share the work and never both act on one order. Every item carries the status it
expects; the transition is a no-op when the order has moved on. Each order is handled in a
savepoint: one that fails is logged and retried on the next run without holding back the others.

    expire            placed past the confirm deadline → expired, `order.expired` (the catalog's
                      handler releases the stock)
    auto_complete     shipped/received at the auto-close date → completed, `order.completed`
    shipping_overdue  `order.shipping_overdue` once
    flag_to_admin     an order still before shipping at the auto-close date: a history entry once
                      (there is no event for it in the contracts yet)
    buyer_lapse_cancellable  the seller may now cancel with `buyer_lapse`: a history entry once
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from services.common import clock
from services.common.db import is_sqlite
from services.common.errors import ServiceError

from ..domain import DueKind, Role, Status, due
from ..domain.states import TERMINAL
from ..models import Order
from .common import apply, deadlines_for, event_ref, note_fact, order_times, refresh_next_check

log = logging.getLogger(__name__)

BATCH = 50
NOTICE_REASONS = {
    DueKind.SHIPPING_OVERDUE: "shipping_overdue",
    DueKind.FLAG_TO_ADMIN: "flagged_to_admin: not shipped by the auto-close date",
    DueKind.BUYER_LAPSE_CANCELLABLE: "buyer_lapse: the buyer's window to pay has passed",
}


def run_due(db, recorder, limit: int = BATCH) -> int:
    """Handle one batch of due orders; returns how many were looked at (the timer loops on it)."""
    now = clock.now()
    with db.transaction() as session:
        query = (
            select(Order)
            .where(Order.next_check_at <= now,
                   Order.status.notin_(sorted(s.value for s in TERMINAL)))
            .order_by(Order.next_check_at)
            .limit(limit)
        )
        if not is_sqlite(db.engine):
            query = query.with_for_update(skip_locked=True)
        orders = session.scalars(query).all()
        for order in orders:
            try:
                with session.begin_nested():
                    handle_due(session, recorder, order, now)
            except (ServiceError, SQLAlchemyError, ValueError):
                log.exception("deadline job failed on order %s; retrying next run", order.id)
        return len(orders)


def handle_due(session, recorder, order: Order, now) -> None:
    items = due(order.status, order_times(order), now, deadlines_for(order),
                done=order.notices_done or ())
    for item in items:
        if Status(order.status) is not item.expected_status:
            break  # an earlier item moved the order (expired): the rest no longer apply
        if item.action is not None:
            apply(session, recorder, order, item.action, Role.SYSTEM, now,
                  expected=item.expected_status)
            continue
        if item.kind is DueKind.SHIPPING_OVERDUE:
            recorder.record(session, "order.shipping_overdue",
                            {**event_ref(order), "by": Role.SYSTEM.value},
                            aggregate_id=order.id)
        note_fact(session, order, now, Role.SYSTEM, NOTICE_REASONS[item.kind])
        order.notices_done = [*(order.notices_done or []), item.kind.value]
    refresh_next_check(order)
