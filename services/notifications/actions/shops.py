"""What a shop's owner hears of the shop's standing: a sanction with its reason and how to have it
lifted, a sanction lifted, a warning, the "Reliable seller" verification (moderation), a debt to
the platform past its due date (payments). In the app and by e-mail; the owner is known from
`shop.created` (until then the event waits, `TooEarly`).

Each is `fn(uow, event)`, run by an event handler inside the unit of work's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.common.events import Event
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from .. import domain, settings
from ..domain import audience, templates
from ..models import ShopSettings
from .common import add_delivery, add_notice, person

TEXTS: dict[str, Callable[[dict[str, Any], str], domain.Text]] = {
    "shop.sanctioned": domain.sanctioned,
    "shop.sanction_lifted": domain.sanction_lifted,
    "shop.warned": domain.warned,
    "shop.verified": domain.verified,
    "debt.overdue": domain.debt_overdue,
}


def tell_owner(uow: UnitOfWork, event: Event) -> None:
    shop = uow.session.get(ShopSettings, str(event.data["shop_id"]))
    if shop is None:
        raise TooEarly(f"shop {event.data['shop_id']} is not known here yet")
    data = {"shop_id": shop.shop_id, **_details(event.data)}
    link = settings.links().shop(shop.shop_id)
    for send in audience.to_owner(person(uow, event, shop.owner_id)):
        text = TEXTS[event.type](event.data, send.locale)
        if send.channel == audience.IN_APP:
            add_notice(uow, event, text.title, text.body, recipient_id=send.recipient_id,
                       data=data)
        else:
            mail = templates.email(templates.News(text.title, text.body, link), send.locale)
            add_delivery(uow, event, send, subject=mail.subject, body=mail.text, html=mail.html)


def _details(data: dict[str, Any]) -> dict[str, Any]:
    kept = {key: data[key] for key in ("kind", "reason") if data.get(key) is not None}
    if data.get("product_id"):
        kept["product_id"] = str(data["product_id"])
    if data.get("amount"):
        kept["amount"] = dict(data["amount"])
    return kept
