"""A refund owed past its due time (`refund.overdue`, from payments): every admin is told in the
app and each admin by e-mail (the admins known from `user.registered`, in their language), and
the shop's seller in the app and by e-mail, until moderation's own workflow takes it up.

`fn(uow, event)`, run by the event handler inside the unit of work's transaction (a redelivered
event is in the inbox already and writes nothing twice).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, cast, select

from services.common.events import Event
from services.common.uow import UnitOfWork

from .. import settings
from ..domain import audience, templates
from ..domain.refunds import refund_overdue
from ..models import Contact, ShopSettings
from .common import add_delivery, add_notice, person, text


def flag_refund_overdue(uow: UnitOfWork, event: Event) -> None:
    data = event.data
    facts = {"shop_id": str(data["shop_id"]), "owed": dict(data["owed"]),
             "due_at": data["due_at"].isoformat()}
    links = settings.links()
    told = refund_overdue(data, "admin")
    add_notice(uow, event, told.title, told.body, audience_="admins", data=facts)
    for admin in _admins(uow):
        news = refund_overdue(data, "admin", admin.locale)
        send = audience.Send(audience.EMAIL, audience.ADMIN, admin.user_id, admin.email,
                             admin.locale)
        _mail(uow, event, send, news, links.order(str(data["order_id"])))
    seller = person(uow, event, _seller_id(uow, data))
    for send in audience.to_owner(seller):
        news = refund_overdue(data, "seller", send.locale)
        if send.channel == audience.IN_APP:
            add_notice(uow, event, news.title, news.body, recipient_id=send.recipient_id,
                       data=facts)
        else:
            _mail(uow, event, send, news, links.order(str(data["order_id"])))


def _mail(uow: UnitOfWork, event: Event, send: audience.Send, news, link: str) -> None:
    mail = templates.email(templates.News(news.title, news.body, link), send.locale)
    add_delivery(uow, event, send, subject=mail.subject, body=mail.text, html=mail.html)


def _seller_id(uow: UnitOfWork, data: dict[str, Any]) -> str | None:
    """The event's seller, else the shop's owner as `shop.created` told it (None: unknown)."""
    if data.get("seller_id") is not None:
        return text(data["seller_id"])
    shop = uow.session.get(ShopSettings, str(data["shop_id"]))
    return shop.owner_id if shop is not None else None


def _admins(uow: UnitOfWork) -> list[audience.Person]:
    """The admins with an e-mail address. Roles are a JSON list: matched as text, the same on
    SQLite and PostgreSQL (a rare event; the contacts are few beside it)."""
    rows = uow.session.scalars(select(Contact).where(
        cast(Contact.roles, String).like('%"admin"%')).order_by(Contact.user_id)).all()
    return [audience.Person(r.user_id, email=r.email, name=r.name, locale=r.locale or "en")
            for r in rows if r.email and "admin" in (r.roles or [])]
