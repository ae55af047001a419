"""Orders waiting for shipping details, and the job that flags the late ones.

What shipping learns from the orders service's events (one handler, one queue, so they arrive in
the order they were published; `last_event_at` guards against a retried event overtaking a later
one):
- `order.confirmed`: the order waits for shipping details; the clock runs from the event's
  `occurred_at` (the confirmation).
- `order.partially_paid`: as confirmed, if shipping had not heard of the order yet.
- `order.in_production` (made to order): the clock pauses; production time is not the seller
  being late with shipping details.
- `order.paid`: an order in production has its balance paid: production is over and the clock
  starts again from this moment (the orders service's rule "from the end of production when that
  is later"). An order shipping had not heard of starts waiting from here.
- `order.shipped`, `order.received`, `order.completed`, `order.cancelled`, `order.expired`, and a
  shipment added here: the order is closed for good; a late or repeated event never reopens it.

The overdue job records `order.shipping_overdue` once per order, when an order still waiting is
past `SHIPPING_DETAILS_DAYS` (domain: `overdue_for_shipping`). Rows are claimed with
`FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite's write lock serialises the replicas), and the
`overdue_recorded_at` mark is written in the same transaction as the event.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.events import Event
from services.common.uow import UnitOfWork
from services.shipping import domain
from services.shipping.models import OrderRow, OrderToShip, ShopRow

from .common import as_utc

AWAITING, IN_PRODUCTION, CLOSED = "awaiting", "in_production", "closed"

ORDER_EVENTS = (
    "order.confirmed",
    "order.partially_paid",
    "order.in_production",
    "order.paid",
    "order.shipped",
    "order.received",
    "order.completed",
    "order.cancelled",
    "order.expired",
)
CLOSING = frozenset(
    {"order.shipped", "order.received", "order.completed", "order.cancelled", "order.expired"}
)


def apply_order_event(session: Session, event: Event) -> None:
    """Follow one order event (see the module's rules); repeats and stale events change nothing."""
    data = event.data
    order_id = str(data["order_id"])
    at = as_utc(event.occurred_at)
    row = session.get(OrderToShip, order_id, with_for_update=True)
    if row is None:
        state = CLOSED if event.type in CLOSING else _opening_state(event.type)
        session.add(
            OrderToShip(
                order_id=order_id,
                shop_id=str(data["shop_id"]),
                buyer_id=None if data.get("buyer_id") is None else str(data["buyer_id"]),
                state=state,
                due_from=at,
                last_event_at=at,
                closed_by=event.type if state == CLOSED else None,
            )
        )
        return
    if row.state == CLOSED:
        return
    if event.type in CLOSING:
        row.state, row.closed_by = CLOSED, event.type
        return
    if at < as_utc(row.last_event_at):
        return  # an older event delivered late: what came after it already counts
    row.last_event_at = at
    if event.type == "order.in_production":
        row.state = IN_PRODUCTION
    elif event.type == "order.paid" and row.state == IN_PRODUCTION:
        row.state, row.due_from = AWAITING, at


def close_for_shipment(session: Session, order_id: str, shop_id: str, now: datetime) -> None:
    """A shipment was added: the shipping details are given, whatever events come later."""
    row = session.get(OrderToShip, order_id, with_for_update=True)
    if row is None:
        session.add(
            OrderToShip(
                order_id=order_id,
                shop_id=shop_id,
                state=CLOSED,
                due_from=now,
                last_event_at=now,
                closed_by="shipment",
            )
        )
    elif row.state != CLOSED:
        row.state, row.closed_by = CLOSED, "shipment"


def deadline(uow: UnitOfWork, data: dict, days: int) -> dict | None:
    """How shipping sees the order's shipping deadline, or None if it has not heard of it."""
    with uow.reading() as session:
        row = session.get(OrderToShip, data["order_id"])
    if row is None:
        return None
    waiting = row.state == AWAITING
    return {
        "order_id": row.order_id,
        "shop_id": row.shop_id,
        "state": row.state,
        "closed_by": row.closed_by,
        "due_at": domain.shipping_due_at(as_utc(row.due_from), days).isoformat()
        if waiting
        else None,
        "overdue_recorded_at": None
        if row.overdue_recorded_at is None
        else as_utc(row.overdue_recorded_at).isoformat(),
    }


def record_overdue(uow: UnitOfWork, now: datetime, days: int, batch: int = 200) -> list[str]:
    """Record `order.shipping_overdue` for every late order not yet flagged; returns their ids.
    One transaction per batch."""
    flagged: list[str] = []
    while True:
        with uow:
            done = _record_overdue_batch(uow, now, days, batch)
        flagged.extend(done)
        if len(done) < batch:
            return flagged


def _record_overdue_batch(uow: UnitOfWork, now: datetime, days: int, batch: int) -> list[str]:
    session = uow.session
    cutoff = now - timedelta(days=days)
    rows = session.scalars(
        select(OrderToShip)
        .where(
            OrderToShip.state == AWAITING,
            OrderToShip.overdue_recorded_at.is_(None),
            OrderToShip.due_from <= cutoff,
        )
        .order_by(OrderToShip.due_from, OrderToShip.order_id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    by_id = {row.order_id: row for row in rows}
    waiting = [domain.AwaitingShipment(row.order_id, as_utc(row.due_from)) for row in rows]
    late = domain.overdue_for_shipping(waiting, now, days)
    sellers = _sellers(session, late)
    for order_id in late:
        row = by_id[order_id]
        row.overdue_recorded_at = now
        uow.record(
            "order.shipping_overdue",
            {
                "order_id": row.order_id,
                "shop_id": row.shop_id,
                "buyer_id": row.buyer_id,
                "seller_id": sellers.get(row.order_id),
                "by": "system",
                "actor_id": None,
            },
            aggregate_id=row.order_id,
        )
    return late


def _sellers(session: Session, order_ids: list[str]) -> dict[str, str | None]:
    """Each order's seller as the order events named it (or its shop's owner)."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(OrderRow.order_id, OrderRow.seller_id, ShopRow.owner_id)
        .outerjoin(ShopRow, ShopRow.shop_id == OrderRow.shop_id)
        .where(OrderRow.order_id.in_(order_ids))
    ).all()
    return {order_id: seller_id or owner_id for order_id, seller_id, owner_id in rows}


def _opening_state(event_type: str) -> str:
    return IN_PRODUCTION if event_type == "order.in_production" else AWAITING
