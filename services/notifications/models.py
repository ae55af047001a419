"""Tables the notifications service owns. No other service reads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.common.orm import Id, Key, service_base

Base = service_base()


class OrderParties(Base):
    """Who an order concerns, learnt from `order.placed`: events after it may carry only ids."""

    __tablename__ = "order_parties"

    order_id: Mapped[Key]
    shop_id: Mapped[Id]
    buyer_id: Mapped[Id | None]
    seller_id: Mapped[Id | None]
    # For messages about the order after it was placed: a guest's e-mail and order-link token, the
    # buyer's name, the grand total (`{amount, currency}`).
    buyer_email: Mapped[str | None] = mapped_column(String(320))
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    access_token: Mapped[str | None] = mapped_column(String(200))
    total: Mapped[dict | None]


class Notice(Base):
    """An in-app notice, to one user or to every admin (`audience` = "admins")."""

    __tablename__ = "notices"

    id: Mapped[Key]
    audience: Mapped[str] = mapped_column(String(10))  # "user" or "admins"
    recipient_id: Mapped[Id | None]
    type: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    order_id: Mapped[Id | None]
    data: Mapped[dict | None]  # what a client needs beyond the text
    event_id: Mapped[Id]
    read: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_notices_recipient", "recipient_id", "created_at"),
        Index("ix_notices_audience", "audience", "created_at"),
    )


class NoticeRead(Base):
    """An admin who read a notice addressed to every admin."""

    __tablename__ = "notice_reads"

    notice_id: Mapped[Key]
    user_id: Mapped[Key]


class Contact(Base):
    """How to reach a user, learnt from `user.registered`."""

    __tablename__ = "contacts"

    user_id: Mapped[Key]
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8))
    roles: Mapped[list]


class ShopSettings(Base):
    """A shop's owner (from `shop.created`) and where its order notices go (set by the owner;
    `order_emails` None: the owner's own address)."""

    __tablename__ = "shop_settings"

    shop_id: Mapped[Key]
    owner_id: Mapped[Id]
    order_emails: Mapped[list | None]
    sms_phone: Mapped[str | None] = mapped_column(String(32))
    telegram_chat_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None]


class Preferences(Base):
    """A user's choices per channel (`{channel: {marketing: bool}}`); absent: the defaults."""

    __tablename__ = "preferences"

    user_id: Mapped[Key]
    channels: Mapped[dict]


class Delivery(Base):
    """One message to one address by one channel, for one event: written in the transaction that
    handles the event (so a redelivered event adds nothing: the key is unique), sent after the
    commit by the sender, retried with back-off, `dead` with its reason after the last attempt."""

    __tablename__ = "deliveries"

    id: Mapped[Key]
    event_id: Mapped[Id]
    event_type: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(10))  # email | sms | telegram
    address: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(10))  # buyer | seller | admin
    recipient_id: Mapped[Id | None]
    order_id: Mapped[Id | None]
    subject: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # pending | sent | dead
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("event_id", "channel", "address"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )
