"""What shipping learns from other services' events, for checking who acts (`access`) and for the
shipping deadline (`deadlines`).

- `shop.created {shop_id, owner_id}`: the shop and its owner (never changes; a repeat, or a shop
  already asked of the catalog, changes nothing).
- the order events (`domain.FOLLOWED_EVENTS`, one handler and one queue, so they arrive in the
  order they were published): the order's shop, seller and buyer from the first one seen
  (`order.placed` normally), its status from each (`domain.status_after`: an older event
  delivered late, or one after `completed`/`cancelled`/`expired`, changes nothing); the deadline
  events go on to `deadlines.apply_order_event`.
"""

from __future__ import annotations

from sqlalchemy import bindparam, text

from services.common.events import Event
from services.common.uow import UnitOfWork
from services.shipping import domain
from services.shipping.models import OrderRow, ShopRow

from .common import as_utc
from .deadlines import ORDER_EVENTS, apply_order_event

FOLLOWED_ORDER_EVENTS = domain.FOLLOWED_EVENTS

# An order seen for the first time (`order.placed`, as a rule) is one statement: the row written
# unless it is there already (then it is locked and moved as any later event moves it). Text, which
# SQLAlchemy compiles once; PostgreSQL and SQLite share the syntax.
_FIRST_SEEN = text(
    "INSERT INTO orders (order_id, shop_id, seller_id, buyer_id, status, status_at) "
    "VALUES (:order_id, :shop_id, :seller_id, :buyer_id, :status, :status_at) "
    "ON CONFLICT (order_id) DO NOTHING"
).bindparams(bindparam("status_at", type_=OrderRow.__table__.c.status_at.type))


def shop_created(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    shop_id = str(data["shop_id"])
    if uow.session.get(ShopRow, shop_id) is None:
        uow.session.add(ShopRow(shop_id=shop_id, owner_id=str(data["owner_id"]),
                                known_at=as_utc(event.occurred_at)))


def order_event(uow: UnitOfWork, event: Event) -> None:
    session, data = uow.session, event.data
    order_id, at = str(data["order_id"]), as_utc(event.occurred_at)
    seller_id = _text(data.get("seller_id"))
    first = domain.status_after(None, None, event.type, at)
    if first is not None and session.execute(_FIRST_SEEN, {
            "order_id": order_id, "shop_id": str(data["shop_id"]), "seller_id": seller_id,
            "buyer_id": _text(data.get("buyer_id")), "status": first, "status_at": at,
    }).rowcount:
        if event.type in ORDER_EVENTS:
            apply_order_event(session, event)
        return
    row = session.get(OrderRow, order_id, with_for_update=True)
    if row is None:
        status = domain.status_after(None, None, event.type, at)
        session.add(OrderRow(order_id=order_id, shop_id=str(data["shop_id"]), seller_id=seller_id,
                             buyer_id=_text(data.get("buyer_id")), status=status,
                             status_at=at))
    else:
        if row.seller_id is None and seller_id is not None:
            row.seller_id = seller_id
        status = domain.status_after(row.status, as_utc(row.status_at), event.type, at)
        if status is not None:
            row.status, row.status_at = status, at
    if event.type in ORDER_EVENTS:
        apply_order_event(session, event)


def _text(value) -> str | None:
    return None if value is None else str(value)
