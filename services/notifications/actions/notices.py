"""The notifications service's use cases: remember who an order concerns, write notices, list them.

Each is `fn(uow, caller, data)` for a call, or `fn(uow, event)` for an event, run by an event handler
inside the unit of work's transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, or_, select

from services.common import clock
from services.common.caller import Caller
from services.common.events import Event
from services.common.paging import PageRequest
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from . import domain
from .models import Notice, OrderParties

READERS = ("buyer", "seller", "admin")


def remember_parties(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    uow.session.merge(OrderParties(
        order_id=str(data["order_id"]), shop_id=str(data["shop_id"]),
        buyer_id=_text(data.get("buyer_id")), seller_id=_text(data.get("seller_id"))))


def notify_shipped(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    if not data.get("notify_buyer", True):
        return
    parties = _parties(uow, data)
    if parties.buyer_id is None:
        return  # a guest: told by e-mail, which this service does not send yet
    _add(uow, event, domain.shipped(data), recipient_id=parties.buyer_id)


def flag_shipping_overdue(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    seller_id = _text(data.get("seller_id")) or _parties(uow, data).seller_id
    if seller_id:
        _add(uow, event, domain.shipping_overdue_to_seller(data), recipient_id=seller_id)
    _add(uow, event, domain.shipping_overdue_to_admins(data), audience="admins")


def notify_amount_changed(uow: UnitOfWork, event: Event) -> None:
    """The buyer hears of a quoted delivery or a changed total (a guest is told by e-mail)."""
    data = event.data
    buyer_id = _text(data.get("buyer_id"))
    if buyer_id is None:
        return
    _add(uow, event, domain.amount_changed(data), recipient_id=buyer_id, data={
        "previous_total": dict(data["previous_total"]), "new_total": dict(data["new_total"]),
        "reason": data["reason"]})


def ask_for_balance(uow: UnitOfWork, event: Event) -> None:
    """The buyer of an order in production is asked for the balance, with the seller's note and
    photos (attachment ids: the client shows them through the order)."""
    data = event.data
    buyer_id = _text(data.get("buyer_id"))
    if buyer_id is None:
        return
    _add(uow, event, domain.balance_requested(data), recipient_id=buyer_id, data={
        "note": data.get("note"),
        "attachment_ids": [str(a) for a in data.get("attachment_ids") or ()]})


def flag_unshipped_at_close(uow: UnitOfWork, event: Event) -> None:
    """Every admin hears of an order the auto-close found never shipped."""
    data = event.data
    _add(uow, event, domain.unshipped_at_close_to_admins(data), audience="admins", data={
        "shop_id": str(data["shop_id"]), "status": data["status"],
        "placed_at": data["placed_at"].isoformat()})


def list_notices(uow: UnitOfWork, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
    caller.require(*READERS)
    page = PageRequest(data["page"], data["per_page"])
    mine = Notice.recipient_id == caller.user_id
    where = or_(mine, Notice.audience == "admins") if caller.is_admin else mine
    with uow.reading() as session:
        total = session.execute(select(func.count()).select_from(Notice).where(where)).scalar_one()
        rows = session.scalars(select(Notice).where(where)
                               .order_by(Notice.created_at.desc(), Notice.id)
                               .offset(page.offset).limit(page.per_page)).all()
        return page.page_of([_view(n) for n in rows], total)


def _parties(uow: UnitOfWork, data: dict[str, Any]) -> OrderParties:
    parties = uow.session.get(OrderParties, str(data["order_id"]))
    if parties is None:
        raise TooEarly(f"order {data['order_id']} has not been placed here yet")
    return parties


def _add(uow: UnitOfWork, event: Event, text: domain.Text, *, recipient_id: str | None = None,
         audience: str = "user", data: dict[str, Any] | None = None) -> None:
    uow.session.add(Notice(
        id=str(uuid.uuid4()), audience=audience, recipient_id=recipient_id, type=event.type,
        title=text.title, body=text.body, order_id=_text(event.data.get("order_id")),
        data=data, event_id=event.id, read=False, created_at=clock.now(),
    ))


def _view(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "type": notice.type, "title": notice.title, "body": notice.body,
            "order_id": notice.order_id, "data": notice.data or {}, "read": notice.read,
            "created_at": notice.created_at.isoformat()}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
