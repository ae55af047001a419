"""What the notifications use cases share: the order's parties, people's contacts, and writing a
notice or a delivery in the handler's transaction."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from services.common import clock
from services.common.events import Event
from services.common.runtime.messaging import TooEarly
from services.common.uow import UnitOfWork

from .. import settings
from ..domain import audience
from ..models import Contact, Delivery, Notice, OrderParties, ShopSettings


def parties_of(uow: UnitOfWork, order_id: Any) -> OrderParties:
    parties = uow.session.get(OrderParties, str(order_id))
    if parties is None:
        raise TooEarly(f"order {order_id} has not been placed here yet")
    return parties


def person(uow: UnitOfWork, event: Event, user_id: str | None, *,
           email: str | None = None, name: str | None = None) -> audience.Person | None:
    """The user's contacts (`user.registered`), or a guest's (`email`). An event naming a user not
    known yet waits a while for its `user.registered` (`NOTIFICATIONS_CONTACT_WAIT_SECONDS`);
    after that, what needs the contact goes without it (an account made before this service
    learnt of accounts)."""
    if user_id is None:
        return audience.Person(None, email=email, name=name) if email else None
    contact = uow.session.get(Contact, user_id)
    if contact is None:
        if clock.now() - event.occurred_at < settings.contact_wait():
            raise TooEarly(f"user {user_id} is not known here yet")
        return audience.Person(user_id, email=email, name=name)
    return audience.Person(user_id, email=contact.email, phone=contact.phone,
                           name=contact.name, locale=contact.locale or "en")


def buyer_link(parties: OrderParties) -> str | None:
    """The order's link for its buyer: a guest's carries the order's access token (none: no
    link)."""
    links = settings.links()
    if parties.buyer_id is None:
        return (links.guest_order(parties.order_id, parties.access_token)
                if parties.access_token else None)
    return links.order(parties.order_id)


def locale_of(uow: UnitOfWork, user_id: str | None) -> str:
    """The user's language as `user.registered` told it; English when not known."""
    contact = uow.session.get(Contact, user_id) if user_id else None
    return (contact.locale or "en") if contact is not None else "en"


def shop_channels(uow: UnitOfWork, shop_id: str, owner: audience.Person | None
                  ) -> audience.ShopChannels:
    row = uow.session.get(ShopSettings, shop_id)
    if row is None:
        return audience.shop_channels(None, None, None, owner)
    return audience.shop_channels(row.order_emails, row.sms_phone, row.telegram_chat_id, owner)


def add_notice(uow: UnitOfWork, event: Event, title: str, body: str, *,
               recipient_id: str | None = None, audience_: str = "user",
               data: dict[str, Any] | None = None) -> None:
    uow.session.add(Notice(
        id=str(uuid.uuid4()), audience=audience_, recipient_id=recipient_id, type=event.type,
        title=title, body=body, order_id=text(event.data.get("order_id")),
        data=data, event_id=event.id, read=False, created_at=clock.now(),
    ))


def add_delivery(uow: UnitOfWork, event: Event, send: audience.Send, *, subject: str | None,
                 body: str, html: str | None = None, delay: timedelta = timedelta(0)) -> None:
    """A message to send after the commit; unique per (event, channel, address)."""
    now = clock.now()
    uow.session.add(Delivery(
        id=str(uuid.uuid4()), event_id=event.id, event_type=event.type, channel=send.channel,
        address=send.address, role=send.role, recipient_id=send.recipient_id,
        order_id=text(event.data.get("order_id")), subject=subject, text=body, html=html,
        status="pending", attempts=0, next_attempt_at=now + delay, last_error=None,
        created_at=now, sent_at=None,
    ))


def text(value: Any) -> str | None:
    return None if value is None else str(value)
