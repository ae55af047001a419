"""An order's news: every change of its status reaches the buyer, the seller and the admins
(`domain.audience.order_news`), in the recipient's language (`domain.templates`).

In-app notices are written at once; e-mail, SMS and Telegram messages become deliveries, written
in the same transaction and sent after the commit (`sending`). Each runs in the event handler's
transaction, so a redelivered event (already in the inbox) writes nothing twice.
"""

from __future__ import annotations

from typing import Any

from services.common.events import Event
from services.common.uow import UnitOfWork

from .. import settings
from ..domain import audience, templates
from ..models import OrderParties
from .common import add_delivery, add_notice, parties_of, person, shop_channels, text


def order_placed(uow: UnitOfWork, event: Event) -> None:
    """Remember who the order concerns (later events may carry only ids), then tell them."""
    announce(uow, event, remember_parties(uow, event))


def remember_parties(uow: UnitOfWork, event: Event) -> OrderParties:
    data = event.data
    total = data.get("grand_total")
    return uow.session.merge(OrderParties(
        order_id=str(data["order_id"]), shop_id=str(data["shop_id"]),
        buyer_id=text(data.get("buyer_id")), seller_id=text(data.get("seller_id")),
        buyer_email=data.get("buyer_email"), buyer_name=data.get("buyer_name"),
        access_token=data.get("access_token"), total=dict(total) if total else None))


def order_changed(uow: UnitOfWork, event: Event) -> None:
    announce(uow, event, parties_of(uow, event.data["order_id"]))


def announce(uow: UnitOfWork, event: Event, parties: OrderParties) -> None:
    buyer = person(uow, event, parties.buyer_id, email=parties.buyer_email,
                   name=parties.buyer_name)
    seller = person(uow, event, parties.seller_id)
    shop = shop_channels(uow, parties.shop_id, seller)
    links = settings.links()
    facts = _facts(event, parties)
    for send in audience.order_news(buyer, seller, shop):
        news = templates.order_news(event.type, send.role, send.locale,
                                    {**facts, **_for(send, parties, links, event)})
        deliver(uow, event, send, news)


def deliver(uow: UnitOfWork, event: Event, send: audience.Send, news: templates.News) -> None:
    """Write one recipient's news: a notice in the app, or a delivery for the other channels."""
    if send.channel == audience.IN_APP:
        if send.role == audience.ADMIN:
            add_notice(uow, event, news.title, news.body, audience_="admins")
        else:
            add_notice(uow, event, news.title, news.body, recipient_id=send.recipient_id)
    elif send.channel == audience.EMAIL:
        mail = templates.email(news, send.locale)
        add_delivery(uow, event, send, subject=mail.subject, body=mail.text, html=mail.html)
    else:
        add_delivery(uow, event, send, subject=None, body=templates.short_text(news))


def _facts(event: Event, parties: OrderParties) -> dict[str, Any]:
    data = event.data
    total = data.get("grand_total") or parties.total
    return {"order_id": str(data["order_id"]), "shop_id": parties.shop_id,
            "total": dict(total) if total else None,
            "amount": dict(data["amount"]) if data.get("amount") else None,
            "reason": data.get("reason")}


def _for(send: audience.Send, parties: OrderParties, links: settings.Links,
         event: Event) -> dict[str, Any]:
    """What differs per recipient: the link to the order, and the invoice in their language."""
    extra: dict[str, Any] = {}
    if send.role == audience.BUYER and parties.buyer_id is None:
        if parties.access_token:
            extra["link"] = links.guest_order(parties.order_id, parties.access_token)
    elif send.role in (audience.BUYER, audience.SELLER):
        extra["link"] = links.order(parties.order_id)
    if event.type == "order.placed" and send.role != audience.ADMIN:
        extra["invoice"] = templates.invoice(event.data, send.locale,
                                             event.occurred_at.date().isoformat())
    return extra
