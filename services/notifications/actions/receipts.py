"""A payment that succeeded (`payment.succeeded`): the buyer's receipt, the seller's news.

Seed 003: an order paid online turns "Paid" and the buyer gets a receipt by e-mail. The buyer (a
guest at the checkout's e-mail) is e-mailed the receipt (the order, the shop, the amount paid, the
part: full, advance or balance, what is left to pay, the date and time) and, when registered, has
it in the app; the seller hears in the app that the money arrived. The order's status news
(`order.paid`, `order.partially_paid`) still go as every status change does: the receipt is the
payment's own document. Runs in the event handler's transaction.
"""

from __future__ import annotations

from services.common.events import Event
from services.common.uow import UnitOfWork

from .. import domain
from ..domain import audience, templates
from .common import add_delivery, add_notice, buyer_link, locale_of, parties_of, person


def payment_succeeded(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    parties = parties_of(uow, data["order_id"])
    facts = {**data, "paid_at": event.occurred_at}
    remaining = data.get("remaining")
    kept = {"payment_id": str(data["payment_id"]), "amount": dict(data["amount"]),
            "part": data["part"], "remaining": dict(remaining) if remaining else None}
    buyer = person(uow, event, parties.buyer_id, email=parties.buyer_email,
                   name=parties.buyer_name)
    link = buyer_link(parties)
    for send in audience.to_buyer(buyer):
        receipt = domain.payment_receipt(facts, send.locale)
        lines = tuple(f"{label}: {value}" for label, value in receipt.lines)
        if send.channel == audience.IN_APP:
            add_notice(uow, event, receipt.title, "\n".join((receipt.body, *lines)),
                       recipient_id=send.recipient_id, data=kept)
        else:
            mail = templates.email(templates.News(receipt.title, receipt.body, link,
                                                  extra=lines), send.locale)
            add_delivery(uow, event, send, subject=mail.subject, body=mail.text, html=mail.html)
    if parties.seller_id:
        news = domain.payment_received(facts, locale_of(uow, parties.seller_id))
        add_notice(uow, event, news.title, news.body, recipient_id=parties.seller_id, data=kept)
