"""Notices other than an order's change of status: a shipment, overdue shipping, a changed total,
a request for the balance (with its photos as signed links by e-mail), an order the auto-close
found never shipped. Each reads in its recipient's language; a notice to every admin in English.

Each is `fn(uow, event)`, run by an event handler inside the unit of work's transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from services.common import clock
from services.common.events import Event
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from .. import domain, settings
from ..domain import audience, templates
from ..models import Notice, OrderParties
from .common import add_delivery, buyer_link, locale_of, person


def notify_shipped(uow: UnitOfWork, event: Event) -> None:
    """The buyer hears of each shipment the seller asks to notify, in the app and by e-mail (a
    guest by e-mail alone, with the order's link): a track added later notifies again."""
    data = event.data
    if not data.get("notify_buyer", True):
        return
    parties = _parties(uow, data)
    buyer = person(uow, event, parties.buyer_id, email=parties.buyer_email,
                   name=parties.buyer_name)
    link = buyer_link(parties)
    for send in audience.to_buyer(buyer):
        text = domain.shipped(data, send.locale)
        if send.channel == audience.IN_APP:
            _add(uow, event, text, recipient_id=send.recipient_id)
        else:
            mail = templates.email(templates.News(text.title, text.body, link), send.locale)
            add_delivery(uow, event, send, subject=mail.subject, body=mail.text, html=mail.html)


def flag_shipping_overdue(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    seller_id = _text(data.get("seller_id")) or _parties(uow, data).seller_id
    if seller_id:
        _add(uow, event, domain.shipping_overdue_to_seller(data, locale_of(uow, seller_id)),
             recipient_id=seller_id)
    _add(uow, event, domain.shipping_overdue_to_admins(data), audience="admins")


def notify_amount_changed(uow: UnitOfWork, event: Event) -> None:
    """The buyer hears of a quoted delivery or a changed total (a guest is told by e-mail)."""
    data = event.data
    buyer_id = _text(data.get("buyer_id"))
    if buyer_id is None:
        return
    _add(uow, event, domain.amount_changed(data, locale_of(uow, buyer_id)),
         recipient_id=buyer_id, data={
             "previous_total": dict(data["previous_total"]),
             "new_total": dict(data["new_total"]), "reason": data["reason"]})


def ask_for_balance(uow: UnitOfWork, event: Event) -> None:
    """The buyer of an order in production is asked for the balance, with the seller's note and
    photos: in the app (attachment ids: the client shows them through the order) and by e-mail,
    where each photo is a signed link issued to the buyer (`settings.media_links`, valid for
    days). A guest is e-mailed the note and the order's link: a signed link needs a user."""
    data = event.data
    buyer_id = _text(data.get("buyer_id"))
    photos = [str(a) for a in data.get("attachment_ids") or ()]
    parties = uow.session.get(OrderParties, str(data["order_id"]))
    if parties is None and buyer_id is None:
        raise TooEarly(f"order {data['order_id']} has not been placed here yet")
    buyer = person(uow, event, buyer_id, email=parties.buyer_email if parties else None,
                   name=parties.buyer_name if parties else None)
    link = buyer_link(parties) if parties else settings.links().order(str(data["order_id"]))
    files = settings.media_links()
    for send in audience.to_buyer(buyer):
        text = domain.balance_requested(data, send.locale)
        if send.channel == audience.IN_APP:
            _add(uow, event, text, recipient_id=send.recipient_id,
                 data={"note": data.get("note"), "attachment_ids": photos})
            continue
        attached = ()
        if send.recipient_id:
            attached = tuple((domain.photo_label(index, send.locale),
                              files.link(photo, send.recipient_id, clock.now()))
                             for index, photo in enumerate(photos, 1))
        news = templates.News(text.title, text.body, link, attachments=attached)
        mail = templates.email(news, send.locale)
        add_delivery(uow, event, send, subject=mail.subject, body=mail.text, html=mail.html)


def flag_unshipped_at_close(uow: UnitOfWork, event: Event) -> None:
    """Every admin hears of an order the auto-close found never shipped."""
    data = event.data
    _add(uow, event, domain.unshipped_at_close_to_admins(data), audience="admins", data={
        "shop_id": str(data["shop_id"]), "status": data["status"],
        "placed_at": data["placed_at"].isoformat()})


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


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
