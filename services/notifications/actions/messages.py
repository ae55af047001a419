"""A new message on an order (`message.posted`) reaches the other party at once (seed 003: "you
get notices of new messages by e-mail at once"): the buyer in the app and at their e-mail (a
guest's at the checkout's), or the seller in the app and at each of the shop's order addresses;
with the start of the text and the order's link. Never the writer.

Transactional: a message about an order is part of dealing on it (the buyer's question must reach
the seller), so it goes whatever the recipient chose for marketing. A message outside an order (a
conversation before one) is not told of here: none is posted today. Runs in the event handler's
transaction.
"""

from __future__ import annotations

from services.common.events import Event
from services.common.uow import UnitOfWork

from .. import domain, settings
from ..domain import audience, templates
from .common import add_delivery, add_notice, buyer_link, parties_of, person, shop_channels, text


def message_posted(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    if data.get("order_id") is None:
        return
    parties = parties_of(uow, data["order_id"])
    sender, recipient = str(data["sender_id"]), text(data.get("recipient_id"))
    if sender == parties.seller_id and recipient in (None, parties.buyer_id):
        buyer = person(uow, event, parties.buyer_id, email=parties.buyer_email,
                       name=parties.buyer_name)
        sends, link = audience.to_buyer(buyer), buyer_link(parties)
    elif recipient is not None and recipient == parties.seller_id:
        seller = person(uow, event, parties.seller_id)
        sends = audience.to_seller(seller, shop_channels(uow, parties.shop_id, seller))
        link = settings.links().order(parties.order_id)
    else:
        return
    writer = person(uow, event, sender)
    writer_email = (writer.email or "").strip().lower() if writer is not None else ""
    for send in sends:
        address = (send.address or "").strip().lower()
        if send.recipient_id == sender or (writer_email and address == writer_email):
            continue
        news = domain.message_posted(data, send.locale)
        if send.channel == audience.IN_APP:
            add_notice(uow, event, news.title, news.body, recipient_id=send.recipient_id,
                       data={"message_id": str(data["message_id"])})
        else:
            mail = templates.email(templates.News(news.title, news.body, link), send.locale)
            add_delivery(uow, event, send, subject=mail.subject, body=mail.text, html=mail.html)
