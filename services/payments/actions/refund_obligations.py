"""Refunds owed after a paid order is cancelled (`domain.refund_obligations`).

- `open_after_cancellation` (in the `order.cancelled` handler's transaction): when the order's
  succeeded payments took more than was refunded of them, the refund is owed, due
  `kit.refund_due_hours` after the cancellation (the event's time). One row per order.
- `open_after_late_payment` (in a notification's transaction): a payment that succeeds on an
  order already cancelled owes its refund too, due that long after the money came.
- `note_refund` (in the transaction that records a refund done): the refunds are counted again;
  covered in full, the obligation is settled.
- `review_due` (the timer): each obligation still owed past its due time is counted again and
  either settled or moved to overdue with `refund.overdue`, once (its state says it was
  announced; replicas share the rows with `SKIP LOCKED`).

What is owed is always counted from the payments and refunds tables (succeeded ones), never
carried along, so a refund made at any time is seen.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select

from services.common import clock
from services.common.uow import UnitOfWork

from ..domain import refund_obligations as rules
from ..models import OrderRow, PaymentRow, RefundObligationRow, RefundRow
from .common import iso, money

log = logging.getLogger(__name__)


def open_after_cancellation(uow: UnitOfWork, order: OrderRow, cancelled_at: datetime,
                            due_hours: float) -> None:
    _open(uow, order, cancelled_at, rules.due_at(cancelled_at, due_hours))


def open_after_late_payment(uow: UnitOfWork, order_id: str, due_hours: float) -> None:
    order = uow.session.get(OrderRow, order_id)
    if order is None or order.status != "cancelled":
        return
    now = clock.now()
    existing = uow.session.get(RefundObligationRow, order_id, with_for_update=True)
    if existing is None:
        _open(uow, order, clock.as_utc(order.status_at), rules.due_at(now, due_hours))
    elif existing.status == rules.SETTLED:  # owed again: a new day from the money's coming
        existing.status, existing.settled_at = rules.OWED, None
        existing.due_at, existing.updated_at = rules.due_at(now, due_hours), now
        existing.owed = _still_owed(uow, order_id)


def _open(uow: UnitOfWork, order: OrderRow, cancelled_at: datetime, due: datetime) -> None:
    session = uow.session
    if session.get(RefundObligationRow, order.order_id) is not None:
        return
    owed = _still_owed(uow, order.order_id)
    if owed <= 0:
        return
    session.add(RefundObligationRow(
        order_id=order.order_id, shop_id=order.shop_id, seller_id=order.seller_id,
        status=rules.OWED, owed=owed, currency=order.currency, cancelled_at=cancelled_at,
        due_at=due, updated_at=clock.now()))
    session.flush()
    log.info("order %s cancelled with %d %s paid: the refund is due by %s", order.order_id,
             owed, order.currency, due.isoformat())


def note_refund(uow: UnitOfWork, order_id: str) -> None:
    row = uow.session.get(RefundObligationRow, order_id, with_for_update=True)
    if row is not None and row.status != rules.SETTLED:
        _review(uow, row, clock.now())


def review_due(uow: UnitOfWork, now: datetime, batch: int = 100) -> int:
    """Look at the obligations still owed past their due time; how many were looked at."""
    with uow:
        rows = uow.session.scalars(
            select(RefundObligationRow).where(RefundObligationRow.status == rules.OWED,
                                              RefundObligationRow.due_at <= now)
            .order_by(RefundObligationRow.due_at).limit(batch)
            .with_for_update(skip_locked=True)).all()
        for row in rows:
            _review(uow, row, now)
        return len(rows)


def _review(uow: UnitOfWork, row: RefundObligationRow, now: datetime) -> None:
    before = row.status
    row.owed = _still_owed(uow, row.order_id)
    row.status = rules.next_status(before, row.owed, clock.as_utc(row.due_at), now)
    if row.status == before:
        return
    row.updated_at = now
    if row.status == rules.SETTLED:
        row.settled_at = now
        log.info("order %s: the refund owed is made", row.order_id)
    if rules.announces(before, row.status):
        row.overdue_at = now
        uow.record("refund.overdue", {
            "order_id": row.order_id, "shop_id": row.shop_id, "seller_id": row.seller_id,
            "owed": money(row.owed, row.currency), "cancelled_at": iso(row.cancelled_at),
            "due_at": iso(row.due_at)}, aggregate_id=row.order_id)
        log.warning("order %s: refund of %d %s overdue since %s", row.order_id, row.owed,
                    row.currency, iso(row.due_at))


def _still_owed(uow: UnitOfWork, order_id: str) -> int:
    session = uow.session
    paid = session.scalar(select(func.coalesce(func.sum(PaymentRow.amount), 0)).where(
        PaymentRow.order_id == order_id, PaymentRow.status == "succeeded"))
    refunded = session.scalar(select(func.coalesce(func.sum(RefundRow.amount), 0)).where(
        RefundRow.order_id == order_id, RefundRow.status == "succeeded"))
    return rules.owed(paid, refunded)
