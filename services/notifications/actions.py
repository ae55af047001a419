"""The notifications service's use cases: remember who an order concerns, write notices, list them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services.common import clock
from services.common.caller import Caller
from services.common.events import Event
from services.common.paging import PageRequest

from . import domain
from .models import Notice, OrderParties


class PartiesNotKnownYet(LookupError):
    """An order's later event came before its `order.placed`: retried, it will find them."""


def remember_parties(session: Session, data: dict[str, Any]) -> None:
    session.merge(OrderParties(order_id=str(data["order_id"]), shop_id=str(data["shop_id"]),
                               buyer_id=_text(data.get("buyer_id"))))


def notify_shipped(session: Session, event: Event) -> None:
    data = event.data
    if not data.get("notify_buyer", True):
        return
    parties = session.get(OrderParties, str(data["order_id"]))
    if parties is None:
        raise PartiesNotKnownYet(f"order {data['order_id']} has not been placed here yet")
    if parties.buyer_id is None:
        return  # a guest: told by e-mail, which this service does not send yet
    _add(session, event, domain.shipped(data), recipient_id=parties.buyer_id)


def flag_shipping_overdue(session: Session, event: Event, seller_id: str | None) -> None:
    if seller_id:
        _add(session, event, domain.shipping_overdue_to_seller(event.data), recipient_id=seller_id)
    _add(session, event, domain.shipping_overdue_to_admins(event.data), audience="admins")


def list_notices(session: Session, caller: Caller, page: PageRequest) -> dict[str, Any]:
    mine = Notice.recipient_id == caller.user_id
    where = or_(mine, Notice.audience == "admins") if caller.is_admin else mine
    total = session.execute(select(func.count()).select_from(Notice).where(where)).scalar_one()
    rows = session.scalars(select(Notice).where(where)
                           .order_by(Notice.created_at.desc(), Notice.id)
                           .offset(page.offset).limit(page.per_page)).all()
    return page.page_of([_view(n) for n in rows], total)


def _add(session: Session, event: Event, text: domain.Text, *, recipient_id: str | None = None,
         audience: str = "user") -> None:
    session.add(Notice(
        id=str(uuid.uuid4()), audience=audience, recipient_id=recipient_id, type=event.type,
        title=text.title, body=text.body, order_id=_text(event.data.get("order_id")),
        event_id=event.id, read=False, created_at=clock.now(),
    ))


def _view(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "type": notice.type, "title": notice.title, "body": notice.body,
            "order_id": notice.order_id, "read": notice.read,
            "created_at": notice.created_at.isoformat()}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
