"""What payments learns from other services' events.

- `shop.created {shop_id, owner_id}`: the shop and its owner.
- the order events (`domain.orders.FOLLOWED_EVENTS`, one handler, one queue, so they come in the
  order published): `order.placed` makes the order (parties, lines, grand total); each status
  event moves its status (`domain.orders.status_after`); `order.amount_changed` sets the new grand
  total (and the items total moves by as much: the new amount is the goods' agreed price, any
  promo discount dropped, as the orders service counts it). An event about an order payments has
  not seen placed is TooEarly (parked, tried again).
- `order.completed` (by the seller or the auto-close) records the order's commission once
  (`ledger.record_commission`).
- `order.cancelled` of an order that had money paid: its refund is owed within a day
  (`refund_obligations.open_after_cancellation`).
"""

from __future__ import annotations

from services.common import clock
from services.common.clock import as_utc
from services.common.events import Event
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from ..domain import orders as rules
from ..kit import Kit
from ..models import OrderRow
from .access import keep_shop
from .ledger import record_commission
from .refund_obligations import open_after_cancellation

FOLLOWED_ORDER_EVENTS = rules.FOLLOWED_EVENTS


def shop_created(uow: UnitOfWork, event: Event) -> None:
    keep_shop(uow, str(event.data["shop_id"]), str(event.data["owner_id"]))


def order_event(uow: UnitOfWork, event: Event, kit: Kit) -> None:
    session, data = uow.session, event.data
    order_id, at = str(data["order_id"]), as_utc(event.occurred_at)
    row = session.get(OrderRow, order_id, with_for_update=True)
    if row is None:
        if event.type != "order.placed":
            raise TooEarly(f"{event.type} of order {order_id} before its order.placed")
        lines = data["lines"]
        items, total = rules.items_total(lines), data["grand_total"]["amount"]
        delivery = data.get("delivery")
        session.add(OrderRow(
            order_id=order_id, shop_id=str(data["shop_id"]), buyer_id=_text(data["buyer_id"]),
            seller_id=_text(data["seller_id"]), status="placed", status_at=at,
            currency=data["grand_total"]["currency"], grand_total=total, items_total=items,
            line_count=len(lines),
            has_delivery=(delivery["amount"] > 0) if delivery else total > items,
            prepayment_percent=data.get("prepayment_percent"),
            discount=(data.get("discount") or {}).get("amount")))
        return
    if row.seller_id is None and data.get("seller_id") is not None:
        row.seller_id = str(data["seller_id"])
    if event.type == "order.amount_changed":
        change = data["new_total"]["amount"] - data["previous_total"]["amount"]
        row.items_total = max(row.items_total - (row.discount or 0) + change, 0)
        row.discount = 0
        row.grand_total = data["new_total"]["amount"]
        return
    status = rules.status_after(row.status, as_utc(row.status_at), event.type, at)
    if status is not None:
        row.status, row.status_at = status, at
    if event.type == "order.completed":
        record_commission(uow, kit, row, clock.now())
    elif status == "cancelled":
        open_after_cancellation(uow, row, at, kit.refund_due_hours)


def _text(value) -> str | None:
    return None if value is None else str(value)
